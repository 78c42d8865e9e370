//! The editor's display state: what the views draw, fed each GUI frame from the [`TapReader`].
//!
//! GUI-free so it can be tested without a window. Everything here runs on the GUI thread; it may
//! allocate (on sample-rate changes), never the audio thread.

use std::time::{Duration, Instant};

use crate::tap::{BlockInfo, Frame, TapReader, TransportInfo};

/// Samples whose magnitude stays below this count as silence (−150 dBFS).
const SILENCE_THRESHOLD: f32 = 3.2e-8;

/// How long a warning (dropped frames, NaN/Inf) stays on screen after the last occurrence.
pub const WARNING_HOLD: Duration = Duration::from_secs(3);

/// No block for this long means the host is not calling `process()`.
const NO_AUDIO_AFTER: Duration = Duration::from_millis(500);

/// The longest scope window (10 s) plus room for the trigger search.
const HISTORY_SECONDS: f32 = 10.5;

/// The most recent frames, oldest first, in a fixed-size circular buffer.
#[derive(Debug, Clone)]
pub struct FrameHistory {
    frames: Vec<Frame>,
    /// Index the next frame is written to.
    head: usize,
    /// Valid frames (≤ capacity).
    len: usize,
}

impl FrameHistory {
    /// Room for `capacity` frames.
    pub fn new(capacity: usize) -> Self {
        Self {
            frames: vec![[0.0; 2]; capacity.max(1)],
            head: 0,
            len: 0,
        }
    }

    /// Frames held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no frame is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Frames it can hold.
    pub fn capacity(&self) -> usize {
        self.frames.len()
    }

    /// Forgets everything (e.g. after a gap in the stream).
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// Appends frames, overwriting the oldest.
    pub fn extend(&mut self, new: &[Frame]) {
        let cap = self.frames.len();
        let new = &new[new.len().saturating_sub(cap)..];
        let first = new.len().min(cap - self.head);
        self.frames[self.head..self.head + first].copy_from_slice(&new[..first]);
        self.frames[..new.len() - first].copy_from_slice(&new[first..]);
        self.head = (self.head + new.len()) % cap;
        self.len = (self.len + new.len()).min(cap);
    }

    /// The `i`-th frame counted back from the newest (0 = newest). `None` beyond what is held.
    pub fn back(&self, i: usize) -> Option<Frame> {
        if i >= self.len {
            return None;
        }
        let cap = self.frames.len();
        Some(self.frames[(self.head + cap - 1 - i) % cap])
    }
}

/// What the status line shows about the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputState {
    /// Nothing received since the editor opened.
    WaitingForAudio,
    /// Blocks stopped arriving: the host is not processing (stopped transport, no device).
    NoAudio,
    /// Blocks arrive but hold only silence.
    Silent,
    /// Signal present.
    Live,
}

/// Everything the views draw, plus health information about the stream.
#[derive(Debug)]
pub struct DisplayState {
    /// Recent frames for the scope (NaN/Inf replaced by 0).
    pub history: FrameHistory,
    /// Sample rate of the newest block.
    pub sample_rate: f32,
    /// Host transport at the newest block.
    pub transport: TransportInfo,
    /// Whether the newest block held the built-in test signal.
    pub test_signal: bool,
    /// Input channels of the newest block.
    pub input_channels: u8,
    /// Stream position just past the newest frame received.
    pub stream_end: Option<u64>,
    /// Frames received since the editor opened.
    pub frames_received: u64,
    /// Frames read in the latest [`DisplayState::drain`].
    pub frames_last_drain: usize,
    /// NaN or ±Inf samples seen since the editor opened, and when the last one arrived.
    pub non_finite_samples: u64,
    last_non_finite: Option<Instant>,
    /// Frames the ring dropped since the editor opened, and when the count last grew.
    pub dropped_frames: u64,
    dropped_baseline: Option<u64>,
    last_drop: Option<Instant>,
    last_block: Option<Instant>,
    last_signal: Option<Instant>,
    /// Peak magnitude per channel over the latest drain (meters until the analysis engine's).
    pub recent_peak: [f32; 2],
    /// RMS per channel over the latest drain.
    pub recent_rms: [f32; 2],
    /// L/R correlation (−1 … +1) over the latest drain; `None` when a channel is silent.
    pub recent_correlation: Option<f32>,
}

impl Default for DisplayState {
    fn default() -> Self {
        Self::new(48_000.0)
    }
}

impl DisplayState {
    /// Empty state sized for `sample_rate`.
    pub fn new(sample_rate: f32) -> Self {
        let rate = valid_rate(sample_rate);
        Self {
            history: FrameHistory::new((rate * HISTORY_SECONDS) as usize),
            sample_rate: rate,
            transport: TransportInfo::default(),
            test_signal: false,
            input_channels: 0,
            stream_end: None,
            frames_received: 0,
            frames_last_drain: 0,
            non_finite_samples: 0,
            last_non_finite: None,
            dropped_frames: 0,
            dropped_baseline: None,
            last_drop: None,
            last_block: None,
            last_signal: None,
            recent_peak: [0.0; 2],
            recent_rms: [0.0; 2],
            recent_correlation: None,
        }
    }

    /// Reads everything the reader holds into the display. `now` is the frame time.
    pub fn drain(&mut self, reader: &mut TapReader, now: Instant) {
        let dropped_total = reader.dropped_frames();
        let baseline = *self.dropped_baseline.get_or_insert(dropped_total);
        let dropped = dropped_total.saturating_sub(baseline);
        if dropped > self.dropped_frames {
            self.last_drop = Some(now);
        }
        self.dropped_frames = dropped;

        let mut peak = [0.0f32; 2];
        let mut sum_sq = [0.0f64; 2];
        let mut sum_lr = 0.0f64;
        let mut count = 0usize;
        let mut scratch = [[0.0f32; 2]; 256];
        let read = reader.read_blocks(reader.capacity(), |info, first, second| {
            self.on_block_start(info);
            for part in [first, second] {
                for chunk in part.chunks(scratch.len()) {
                    let buf = &mut scratch[..chunk.len()];
                    let mut non_finite = 0u64;
                    for (dst, src) in buf.iter_mut().zip(chunk) {
                        for c in 0..2 {
                            let v = src[c];
                            let v = if v.is_finite() {
                                v
                            } else {
                                non_finite += 1;
                                0.0
                            };
                            dst[c] = v;
                            peak[c] = peak[c].max(v.abs());
                            sum_sq[c] += f64::from(v) * f64::from(v);
                        }
                        sum_lr += f64::from(dst[0]) * f64::from(dst[1]);
                    }
                    if non_finite > 0 {
                        self.non_finite_samples += non_finite;
                        self.last_non_finite = Some(now);
                    }
                    count += buf.len();
                    self.history.extend(buf);
                }
            }
        });
        self.frames_last_drain = read;
        self.frames_received += read as u64;
        if read > 0 {
            self.last_block = Some(now);
            if peak[0] > SILENCE_THRESHOLD || peak[1] > SILENCE_THRESHOLD {
                self.last_signal = Some(now);
            }
            self.recent_peak = peak;
            self.recent_rms = sum_sq.map(|s| (s / count.max(1) as f64).sqrt() as f32);
            let energy = sum_sq[0] * sum_sq[1];
            self.recent_correlation =
                (energy > 1e-30).then(|| (sum_lr / energy.sqrt()).clamp(-1.0, 1.0) as f32);
        }
    }

    fn on_block_start(&mut self, info: &BlockInfo) {
        let rate = valid_rate(info.sample_rate);
        if rate != self.sample_rate {
            // A new rate makes the history meaningless and needs a different size.
            self.sample_rate = rate;
            self.history = FrameHistory::new((rate * HISTORY_SECONDS) as usize);
        } else if self.stream_end.is_some_and(|end| end != info.stream_pos) {
            // Frames were lost before this block: never draw a waveform stitched across a gap.
            self.history.clear();
        }
        if info.written < info.frames {
            // The block's tail was dropped: the next block starts after a gap.
            self.stream_end = Some(info.stream_pos + u64::from(info.written));
        } else {
            self.stream_end = Some(info.stream_pos + u64::from(info.frames));
        }
        self.transport = info.transport;
        self.test_signal = info.test_signal;
        self.input_channels = info.input_channels;
    }

    /// Discards the reader's backlog without showing it (frozen display, editor just opened).
    pub fn discard(&mut self, reader: &mut TapReader) {
        reader.discard_all();
        // Losses while not drawing are not the display's fault: keep the shown count.
        self.dropped_baseline = Some(reader.dropped_frames().saturating_sub(self.dropped_frames));
    }

    /// The input's state at `now`.
    pub fn input_state(&self, now: Instant) -> InputState {
        match self.last_block {
            None => InputState::WaitingForAudio,
            Some(t) if now.duration_since(t) > NO_AUDIO_AFTER => InputState::NoAudio,
            Some(_) => match self.last_signal {
                Some(t) if now.duration_since(t) <= NO_AUDIO_AFTER => InputState::Live,
                _ => InputState::Silent,
            },
        }
    }

    /// How long the input has been silent (or absent) at `now`; zero while live.
    pub fn quiet_for(&self, now: Instant) -> Duration {
        let since = self.last_signal.or(self.last_block);
        match (self.input_state(now), since) {
            (InputState::Live, _) => Duration::ZERO,
            (_, Some(t)) => now.duration_since(t),
            (_, None) => Duration::MAX,
        }
    }

    /// Whether frames were dropped within [`WARNING_HOLD`] of `now`.
    pub fn recently_dropped(&self, now: Instant) -> bool {
        self.last_drop
            .is_some_and(|t| now.duration_since(t) <= WARNING_HOLD)
    }

    /// Whether NaN/Inf samples arrived within [`WARNING_HOLD`] of `now`.
    pub fn recently_non_finite(&self, now: Instant) -> bool {
        self.last_non_finite
            .is_some_and(|t| now.duration_since(t) <= WARNING_HOLD)
    }
}

fn valid_rate(sample_rate: f32) -> f32 {
    if sample_rate.is_finite() && sample_rate >= 1000.0 {
        sample_rate.min(1_536_000.0)
    } else {
        48_000.0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::tap::{TapSwitch, tap_channel};

    fn info(rate: f32) -> BlockInfo {
        BlockInfo {
            sample_rate: rate,
            ..Default::default()
        }
    }

    #[test]
    fn history_keeps_the_newest_frames_in_order() {
        let mut h = FrameHistory::new(5);
        h.extend(&[[1.0; 2], [2.0; 2], [3.0; 2]]);
        h.extend(&[[4.0; 2], [5.0; 2], [6.0; 2], [7.0; 2]]);
        assert_eq!(h.len(), 5);
        let newest_first: Vec<f32> = (0..5).map(|i| h.back(i).unwrap()[0]).collect();
        assert_eq!(newest_first, vec![7.0, 6.0, 5.0, 4.0, 3.0]);
        assert_eq!(h.back(5), None);
        h.extend(&(0..12).map(|i| [i as f32; 2]).collect::<Vec<_>>());
        assert_eq!(h.back(0), Some([11.0; 2]));
        assert_eq!(h.back(4), Some([7.0; 2]));
    }

    #[test]
    fn drain_sanitizes_counts_and_tracks_input_state() {
        let (mut tap, mut reader) = tap_channel(4096, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        let mut display = DisplayState::new(48_000.0);
        let t0 = Instant::now();
        assert_eq!(display.input_state(t0), InputState::WaitingForAudio);

        tap.write_block(&[[0.0f32; 64]], info(48_000.0));
        display.drain(&mut reader, t0);
        assert_eq!(display.input_state(t0), InputState::Silent);

        let block = [0.5f32, f32::NAN, f32::INFINITY, -0.25];
        tap.write_block(&[&block[..], &block[..]], info(48_000.0));
        display.drain(&mut reader, t0);
        assert_eq!(display.input_state(t0), InputState::Live);
        assert_eq!(display.non_finite_samples, 4);
        assert!(display.recently_non_finite(t0));
        assert_eq!(display.history.back(0), Some([-0.25; 2]));
        assert_eq!(display.history.back(2), Some([0.0; 2]), "Inf shown as 0");
        assert_eq!(display.recent_peak, [0.5, 0.5]);

        let later = t0 + Duration::from_secs(1);
        assert_eq!(display.input_state(later), InputState::NoAudio);
        assert!(!display.recently_non_finite(later + WARNING_HOLD));
    }

    #[test]
    fn drops_are_reported_and_gaps_clear_the_history() {
        let (mut tap, mut reader) = tap_channel(100, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        let mut display = DisplayState::new(48_000.0);
        let now = Instant::now();
        tap.write_block(&[[1.0f32; 80]], info(48_000.0));
        display.drain(&mut reader, now);
        assert_eq!(display.history.len(), 80);
        tap.write_block(&[[2.0f32; 80]], info(48_000.0)); // fits
        tap.write_block(&[[3.0f32; 80]], info(48_000.0)); // 20 fit, 60 dropped
        display.drain(&mut reader, now);
        assert_eq!(display.dropped_frames, 60);
        assert!(display.recently_dropped(now));
        assert_eq!(
            display.history.len(),
            180,
            "no gap yet: the dropped tail is at the end"
        );
        tap.write_block(&[[4.0f32; 10]], info(48_000.0)); // after the gap
        display.drain(&mut reader, now);
        assert_eq!(display.history.len(), 10, "history restarts after the gap");
        assert_eq!(display.history.back(0), Some([4.0; 2]));
    }

    #[test]
    fn a_new_sample_rate_resizes_the_history() {
        let (mut tap, mut reader) = tap_channel(4096, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        let mut display = DisplayState::new(48_000.0);
        tap.write_block(&[[0.1f32; 32]], info(96_000.0));
        display.drain(&mut reader, Instant::now());
        assert_eq!(display.sample_rate, 96_000.0);
        assert_eq!(
            display.history.capacity(),
            (96_000.0 * HISTORY_SECONDS) as usize
        );
        assert_eq!(display.history.len(), 32);
    }
}
