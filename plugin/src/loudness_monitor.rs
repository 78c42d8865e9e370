//! [`LoudnessMonitor`]: the loudness measurement (the meters and the loudness history) that
//! outlives the editor's windows.
//!
//! A window's [`DisplayState`](crate::editor) is made when the window opens and dropped when
//! it closes; a loudness measurement must not be. So the meters (the one place loudness is
//! measured, see `ringscope::analysis::Meters`) and the [`LoudnessHistory`] live here, held by
//! [`EditorShared`](crate::shared::EditorShared) behind a mutex that only GUI threads take (the
//! audio thread never sees it), and every window's display feeds and reads this one monitor.
//! Integrated loudness, LRA, maxima and the history therefore survive closing and reopening
//! the editor, until the user resets them (the loudness view's Reset, a click on the meters)
//! or the sample rate changes.
//!
//! **While no window is open** the measurement carries on if the last window closed showed a
//! loudness layout (the user is using Ringscope as a loudness meter): a [`ClosedEditorMeter`],
//! a plugin-owned thread (never the audio thread), drains the tap into the monitor every
//! [`CLOSED_EDITOR_PERIOD`], and the tap streams for it as it does for an open window (the
//! switch's [`Listener::LoudnessMonitor`](crate::tap::Listener)). It stops, after a last drain,
//! when a window opens. After any other layout the editor closes as before: the tap rests, the
//! audio thread does one atomic load per block, and the closed time is a gap in the measurement
//! (the graph joins the blocks before and after it: it counts measured blocks, not wall-clock
//! time).
//!
//! **A window resting on silence** is not a gap: the tap counts the silent frames it skipped
//! and the next block it writes carries the count ([`BlockInfo::rested_frames`]), which
//! [`LoudnessMonitor::advance_silence`] measures as silence, cheaply and exactly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use ringscope::analysis::{
    Frame, LoudnessBlock, LoudnessHistory, MAX_LOUDNESS_HISTORY_SECONDS, MeterSettings, Meters,
    valid_sample_rate,
};

use crate::tap::BlockInfo;

/// Zeros fed to the meters for the edges of a rest (see [`LoudnessMonitor::advance_silence`]).
static SILENCE: [Frame; 1024] = [[0.0; 2]; 1024];

/// The most silence [`LoudnessMonitor::advance_silence`] feeds through the meters before a
/// rest's whole seconds, s: more than their longest window (3 s) and a block.
const EDGE_SECONDS_MAX: f64 = 5.0;

/// How often the meters' loudness range takes a short-term value, in 100 ms blocks: `ebur128`
/// takes one every second (3 s windows overlapping by 2 s, as EBU Tech 3342 allows).
const LRA_STEP_BLOCKS: u64 = 10;

/// The meters and the loudness history, fed together.
#[derive(Debug)]
pub struct LoudnessMonitor {
    /// The meters: levels, correlation and every loudness figure.
    pub meters: Meters,
    /// Momentary and short-term loudness, one value per 100 ms block measured or rested.
    pub history: LoudnessHistory,
    /// Silent blocks put into the history without the meters (a rest), since the meters'
    /// loudness last restarted: added to the meters' block indices, so the history's indices
    /// keep rising (a falling one means a reset to it).
    rested_blocks: u64,
    /// The index of the meters' newest block, to notice their loudness restarting.
    last_meter_block: Option<u64>,
}

impl LoudnessMonitor {
    /// A monitor measuring at `sample_rate` (allocates: the history's 144 KB).
    pub fn new(sample_rate: f64) -> Self {
        Self {
            meters: Meters::new(sample_rate, MeterSettings::default()),
            history: LoudnessHistory::new(),
            rested_blocks: 0,
            last_meter_block: None,
        }
    }

    /// Measures `frames`, each finished 100 ms block going into the history.
    pub fn feed(&mut self, frames: &[Frame]) {
        let Self {
            meters,
            history,
            rested_blocks,
            last_meter_block,
        } = self;
        meters.feed_with(frames, |block| {
            if last_meter_block.is_some_and(|last| block.index <= last) {
                // The meters' loudness restarted (a reset outside this monitor).
                *rested_blocks = 0;
            }
            *last_meter_block = Some(block.index);
            history.push(LoudnessBlock {
                index: block.index + *rested_blocks,
                ..block
            });
        });
    }

    /// Measures one block from the tap: the silence it says was skipped before it
    /// ([`BlockInfo::rested_frames`]), then its frames (`first`, then `second`), at its rate.
    pub fn feed_block(&mut self, info: &BlockInfo, first: &[Frame], second: &[Frame]) {
        self.advance_silence(info.rested_frames);
        self.set_sample_rate(f64::from(info.sample_rate));
        self.feed(first);
        self.feed(second);
    }

    /// Measures `frames` of digital silence that the tap did not deliver (it rested: see
    /// [`BlockInfo::rested_frames`]), so that the history keeps the audio's real time: a rest
    /// shows as silence where it was, not as a gap that joins what came before and after.
    ///
    /// Cheaply: only the edges go through the meters (zeros until their 3 s window holds
    /// nothing but silence and the current 100 ms block is complete, and what is left after
    /// the whole seconds), so their block tiling, windows and the second on which LRA samples
    /// are exactly as if every zero had been fed.
    /// The whole seconds of silent blocks between go into the history as silence without the meters:
    /// their momentary and short-term loudness are −∞, and EBU R128's absolute gate (−70
    /// LUFS) leaves them out of integrated loudness and LRA, so skipping them changes neither.
    /// Work: at most a few seconds of zeros through the meters (none when they have settled,
    /// as they have after a window's rest) and one history entry per block, capped at the
    /// history's length.
    pub fn advance_silence(&mut self, frames: u64) {
        let mut left = frames;
        let mut on_block_edge = false;
        // Bounded work even if the meters' windows never read exactly −∞ (a filter's tail far
        // below the −70 LUFS gate): past this much, the rest is silence for every figure.
        let cap = (EDGE_SECONDS_MAX * self.meters.sample_rate()) as u64;
        let mut fed = 0;
        while left > 0 && !(on_block_edge && (fed >= cap || self.hears_only_silence())) {
            let to_edge = self.meters.frames_to_next_block();
            let n = (left as usize).min(to_edge).min(SILENCE.len());
            self.feed(&SILENCE[..n]);
            left -= n as u64;
            fed += n as u64;
            on_block_edge = n == to_edge;
        }
        if left == 0 {
            return;
        }
        // On a block edge, nothing but silence in the meters' windows: whole blocks of silence,
        // in whole seconds, so the short-term values LRA samples each second stay where they
        // would be.
        let block = self.meters.frames_to_next_block() as u64;
        let blocks = left / block / LRA_STEP_BLOCKS * LRA_STEP_BLOCKS;
        let held = (MAX_LOUDNESS_HISTORY_SECONDS * 10.0) as u64;
        let next = self.last_meter_block.map_or(0, |last| last + 1) + self.rested_blocks;
        for index in next + blocks.saturating_sub(held)..next + blocks {
            self.history.push(LoudnessBlock {
                index,
                momentary_lufs: f64::NEG_INFINITY,
                short_term_lufs: f64::NEG_INFINITY,
            });
        }
        self.rested_blocks += blocks;
        // The rest (under a second) through the meters, as the first edge was.
        left -= blocks * block;
        while left > 0 {
            let n = (left as usize).min(SILENCE.len());
            self.feed(&SILENCE[..n]);
            left -= n as u64;
        }
    }

    /// Whether the meters' loudness windows (3 s short-term, 400 ms momentary) hold nothing
    /// but silence.
    fn hears_only_silence(&self) -> bool {
        let loudness = self.meters.loudness();
        loudness.short_term_lufs == f64::NEG_INFINITY
            && loudness.momentary_lufs == f64::NEG_INFINITY
    }

    /// Measures at `sample_rate` from now on; a different rate starts everything over (the
    /// meters' filters are rate-specific, and a history mixing rates would lie).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let sample_rate = valid_sample_rate(sample_rate);
        if sample_rate != self.meters.sample_rate() {
            self.meters.set_sample_rate(sample_rate);
            self.clear_history();
        }
    }

    /// Restarts the loudness programme: integrated loudness, LRA, the maxima (true peak
    /// included) and the history.
    pub fn reset_loudness(&mut self) {
        self.meters.reset_loudness();
        self.clear_history();
    }

    /// Resets every reading of the meters and the history.
    pub fn reset(&mut self) {
        self.meters.reset();
        self.clear_history();
    }

    fn clear_history(&mut self) {
        self.history.clear();
        self.rested_blocks = 0;
        self.last_meter_block = None;
    }
}

/// A [`LoudnessMonitor`] shared by the windows of one plugin instance.
#[derive(Debug, Clone)]
pub struct SharedLoudness(Arc<Mutex<LoudnessMonitor>>);

impl SharedLoudness {
    /// A new monitor at `sample_rate`, shared by whoever clones this.
    pub fn new(sample_rate: f64) -> Self {
        Self(Arc::new(Mutex::new(LoudnessMonitor::new(sample_rate))))
    }

    /// The monitor, locked (GUI threads only; uncontended but for two windows at once).
    pub fn lock(&self) -> MutexGuard<'_, LoudnessMonitor> {
        // Every update leaves the monitor consistent between calls, so a panic elsewhere while
        // holding the lock leaves it usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How often the [`ClosedEditorMeter`] drains the tap: well inside what the tap holds (a
/// second or more), and rare enough to cost nothing worth measuring.
pub const CLOSED_EDITOR_PERIOD: Duration = Duration::from_millis(50);

/// The thread that measures loudness while no editor window is open. Dropping it stops it,
/// after one last drain, and waits for it.
#[derive(Debug)]
pub struct ClosedEditorMeter {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ClosedEditorMeter {
    /// Starts a thread that calls `drain` every [`CLOSED_EDITOR_PERIOD`], and once more when
    /// stopped. `None` if the system could not start a thread (then nothing is measured).
    pub fn start(mut drain: impl FnMut() + Send + 'static) -> Option<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("ringscope-loudness".into())
            .spawn(move || {
                while !stopped.load(Ordering::Acquire) {
                    std::thread::park_timeout(CLOSED_EDITOR_PERIOD);
                    drain();
                }
            })
            .ok()?;
        Some(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ClosedEditorMeter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // A drain that panicked has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f64) -> Vec<Frame> {
        (0..(48_000.0 * seconds) as usize)
            .map(|n| {
                let x = 0.25 * (n as f32 * 2.0 * std::f32::consts::PI * 1000.0 / 48_000.0).sin();
                [x, x]
            })
            .collect()
    }

    #[test]
    fn clones_share_one_measurement_and_reset_clears_it() {
        let shared = SharedLoudness::new(48_000.0);
        let other = shared.clone();
        shared.lock().feed(&tone(2.0));
        assert_eq!(other.lock().history.available_seconds(), 2.0);
        assert!(other.lock().meters.loudness().integrated_lufs.is_finite());
        other.lock().reset_loudness();
        assert_eq!(shared.lock().history.available_seconds(), 0.0);
        assert_eq!(
            shared.lock().meters.loudness().integrated_lufs,
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn advancing_through_silence_measures_what_feeding_the_zeros_would_cheaply() {
        use ringscope::analysis::LoudnessCurve;
        // Tone, settling silence (as before a window rests), a rest of 61.73 s, tone again.
        let settle = vec![[0.0f32; 2]; 48_000 * 10 + 1234];
        let rest = 48_000 * 61 + 35_040;
        let (mut rested, mut fed) = (
            LoudnessMonitor::new(48_000.0),
            LoudnessMonitor::new(48_000.0),
        );
        for monitor in [&mut rested, &mut fed] {
            monitor.feed(&tone(4.05));
            monitor.feed(&settle);
        }
        rested.advance_silence(rest as u64);
        fed.feed(&vec![[0.0; 2]; rest]);
        // Whole seconds skipped past the meters: no more than a second and two block edges fed.
        assert!(rested.rested_blocks >= 590, "{}", rested.rested_blocks);
        assert_eq!(rested.rested_blocks % LRA_STEP_BLOCKS, 0);
        for monitor in [&mut rested, &mut fed] {
            monitor.feed(&tone(5.0));
        }
        let span = fed.history.available_seconds();
        assert_eq!(rested.history.available_seconds(), span);
        for tenth in 0..(span * 10.0) as usize {
            let ago = tenth as f64 / 10.0;
            for curve in [LoudnessCurve::Momentary, LoudnessCurve::ShortTerm] {
                assert_eq!(
                    rested.history.value_at(curve, ago),
                    fed.history.value_at(curve, ago),
                    "{curve:?} {ago} s ago"
                );
            }
        }
        assert_eq!(rested.meters.loudness(), fed.meters.loudness());
        // A reset starts the history's indices over with the meters'.
        rested.reset_loudness();
        rested.feed(&tone(1.0));
        assert_eq!(rested.history.available_seconds(), 1.0);
    }

    #[test]
    fn the_same_rate_keeps_the_measurement_and_a_new_one_starts_over() {
        let shared = SharedLoudness::new(48_000.0);
        shared.lock().feed(&tone(1.0));
        shared.lock().set_sample_rate(48_000.0);
        assert_eq!(shared.lock().history.available_seconds(), 1.0);
        shared.lock().set_sample_rate(44_100.0);
        assert_eq!(shared.lock().history.available_seconds(), 0.0);
        assert_eq!(shared.lock().meters.sample_rate(), 44_100.0);
    }

    #[test]
    fn after_a_loudness_layout_the_closed_editor_keeps_measuring_and_after_others_it_rests() {
        use nice_plug::params::InternalParamMut;

        use crate::params::{Layout, RingscopeParams};
        use crate::shared::EditorShared;
        use crate::tap::BlockInfo;

        let params = Arc::new(RingscopeParams::default());
        let shared = EditorShared::new(params.clone());
        let mut tap = shared.connect(48_000);
        let info = BlockInfo {
            sample_rate: 48_000.0,
            ..Default::default()
        };
        // 100 ms of the tone, as a mono host block.
        let block: Vec<f32> = tone(0.1).iter().map(|f| f[0]).collect();
        let seconds = || shared.loudness().lock().history.available_seconds();

        // The default layout shows no loudness: closed, nothing is measured or even written.
        shared.window_opened();
        shared.window_closed();
        assert!(!shared.measuring_closed());
        tap.write_block(&[&block], info);
        std::thread::sleep(CLOSED_EDITOR_PERIOD * 3);
        assert_eq!(
            shared.with_reader(|reader, _| reader.discard_all()),
            Some(0)
        );
        assert_eq!(seconds(), 0.0);

        // SAFETY: no other thread sees these parameters.
        unsafe { params.layout._internal_set_plain_value(Layout::Loudness) };
        shared.window_opened();
        shared.window_closed();
        assert!(shared.measuring_closed());
        for _ in 0..20 {
            tap.write_block(&[&block], info);
            std::thread::sleep(Duration::from_millis(10));
        }
        // Opening a window stops the thread after its last drain: every block was measured.
        shared.window_opened();
        assert!(!shared.measuring_closed());
        assert_eq!(seconds(), 2.0);
        assert!(
            shared
                .loudness()
                .lock()
                .meters
                .loudness()
                .integrated_lufs
                .is_finite()
        );
        shared.window_closed();
    }
}
