//! The audio → editor channel: the audio thread's [`AudioTap`] and the editor's [`TapReader`].
//!
//! Two single-producer single-consumer rings carry the data: one of stereo frames (mono input is
//! written as `[x, x]`) and one of [`BlockInfo`], one entry per host block, with what the display
//! needs from the host (sample rate, transport). Both are allocated by [`tap_channel`], off the
//! audio thread.
//!
//! Real-time contract of the audio side: while the editor is closed, [`AudioTap::write_block`]
//! is one relaxed atomic load. While it is open, one block costs one `write_chunk` of the frame
//! ring (the interleaving copy goes straight into the ring's slots, no scratch buffer and no
//! second copy) and a one-slot `write_chunk` of the info ring: no per-sample atomics, no allocation, no lock,
//! no system call. When the frame ring is full, the frames that do not fit are dropped and
//! counted in the frame ring's own `Counters::dropped` (a `write_chunk` is a reservation, so the
//! tap records what did not fit with `Producer::record_dropped`).
//!
//! Pairing: the audio side reserves the block's `BlockInfo` slot first (dropping the whole block
//! when the info ring is full), commits the frames, then commits the info, so every `BlockInfo`
//! the reader sees describes frames that are already readable, in order. The reader only ever consumes frames through
//! their `BlockInfo`, so frames and infos can never slip out of step.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::test_signal::{TestSignal, TestSignalSettings};
use ringscope::{Consumer, Producer, RingBuffer};

/// One stereo frame as stored in the ring.
pub type Frame = [f32; 2];

/// The host's transport at the start of a block, as far as the host reports it.
///
/// Stored compactly (absent numbers as NaN, flags in a byte) so that a whole [`BlockInfo`] is
/// one cache line: every line the audio thread writes has to travel to the editor's core.
/// Read it through the accessors, which give `None` for what the host did not report (or
/// reported as NaN).
#[derive(Debug, Clone, Copy)]
pub struct TransportInfo {
    tempo: f64,
    pos_beats: f64,
    bar_start_pos_beats: f64,
    pos_samples: i64,
    time_signature: [u16; 2],
    flags: u8,
}

const PLAYING: u8 = 1;
const HAS_POS_SAMPLES: u8 = 2;

impl Default for TransportInfo {
    fn default() -> Self {
        Self {
            tempo: f64::NAN,
            pos_beats: f64::NAN,
            bar_start_pos_beats: f64::NAN,
            pos_samples: 0,
            time_signature: [0; 2],
            flags: 0,
        }
    }
}

impl TransportInfo {
    /// Packs what the host reported: tempo in quarter notes per minute, positions of the block's
    /// first sample in samples and quarter notes, the position of the current bar's start in
    /// quarter notes, and the time signature (numerator, denominator; values outside 1…65535
    /// count as unknown).
    pub fn new(
        playing: bool,
        tempo: Option<f64>,
        pos_samples: Option<i64>,
        pos_beats: Option<f64>,
        bar_start_pos_beats: Option<f64>,
        time_signature: Option<(i32, i32)>,
    ) -> Self {
        let sig = time_signature.and_then(|(n, d)| {
            let part = |v: i32| u16::try_from(v).ok().filter(|&v| v > 0);
            Some([part(n)?, part(d)?])
        });
        Self {
            tempo: tempo.unwrap_or(f64::NAN),
            pos_beats: pos_beats.unwrap_or(f64::NAN),
            bar_start_pos_beats: bar_start_pos_beats.unwrap_or(f64::NAN),
            pos_samples: pos_samples.unwrap_or(0),
            time_signature: sig.unwrap_or([0; 2]),
            flags: if playing { PLAYING } else { 0 }
                | if pos_samples.is_some() {
                    HAS_POS_SAMPLES
                } else {
                    0
                },
        }
    }

    /// Whether the transport is rolling.
    pub fn playing(&self) -> bool {
        self.flags & PLAYING != 0
    }

    /// Tempo in quarter notes per minute.
    pub fn tempo(&self) -> Option<f64> {
        finite(self.tempo)
    }

    /// Song position of the block's first sample, in samples.
    pub fn pos_samples(&self) -> Option<i64> {
        (self.flags & HAS_POS_SAMPLES != 0).then_some(self.pos_samples)
    }

    /// Song position of the block's first sample, in quarter notes.
    pub fn pos_beats(&self) -> Option<f64> {
        finite(self.pos_beats)
    }

    /// Position of the start of the current bar, in quarter notes.
    pub fn bar_start_pos_beats(&self) -> Option<f64> {
        finite(self.bar_start_pos_beats)
    }

    /// Time signature (numerator, denominator).
    pub fn time_signature(&self) -> Option<(u32, u32)> {
        let [n, d] = self.time_signature;
        (n > 0 && d > 0).then_some((u32::from(n), u32::from(d)))
    }
}

/// Equal when they report the same things (absent values are equal however they are stored).
impl PartialEq for TransportInfo {
    fn eq(&self, other: &Self) -> bool {
        self.playing() == other.playing()
            && self.tempo() == other.tempo()
            && self.pos_samples() == other.pos_samples()
            && self.pos_beats() == other.pos_beats()
            && self.bar_start_pos_beats() == other.bar_start_pos_beats()
            && self.time_signature() == other.time_signature()
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// What the display needs to know about one block the host processed: exactly one cache line.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(64))]
pub struct BlockInfo {
    /// Index of the block's first frame in the tap's stream: the number of frames offered to the
    /// tap (written or dropped) since it was created. Gaps show where frames were lost.
    pub stream_pos: u64,
    /// Host transport at the block's start.
    pub transport: TransportInfo,
    /// Frames in the host's block.
    pub frames: u32,
    /// How many of them are in the frame ring: the block's first `written` frames (the rest did
    /// not fit and were dropped).
    pub written: u32,
    /// Sample rate of the block, Hz.
    pub sample_rate: f32,
    /// Input channels the host sent (mono input is written as `[x, x]`).
    pub input_channels: u8,
    /// The frames are the built-in test signal, not the input.
    pub test_signal: bool,
}

const _: () = assert!(std::mem::size_of::<BlockInfo>() == 64);

/// What the editor wants from the audio side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TapMode {
    /// No editor (or a frozen one): write nothing.
    Off = 0,
    /// Write every block.
    Writing = 1,
    /// The editor has gone quiet because the input is silent: write nothing, but at the first
    /// block that is not silence switch to [`TapMode::Writing`] (that block included) and wake
    /// the editor. A silent, idle editor costs no repaints and the audio thread only a scan.
    Idle = 2,
}

/// The switch between editor and audio thread, plus how the audio side wakes an idle editor.
/// Kept in an `Arc` by the plugin so it survives re-creating the rings.
///
/// The audio thread reads it on every block, so it gets cache lines of its own (128 bytes: the
/// adjacent-line prefetcher pairs lines): a neighbouring allocation that another thread writes
/// (e.g. the editor's reader mutex) must not make that read miss.
#[repr(align(128))]
pub struct TapSwitch {
    mode: AtomicU8,
    /// Called (on the audio thread) when an idle tap sees signal again. Must be real-time safe:
    /// the editor passes a repaint request, which is one relaxed atomic store.
    waker: Option<Box<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for TapSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapSwitch")
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

impl Default for TapSwitch {
    fn default() -> Self {
        Self {
            mode: AtomicU8::new(TapMode::Off as u8),
            waker: None,
        }
    }
}

impl TapSwitch {
    /// A switch (off) whose idle tap calls `waker` when signal returns. `waker` runs on the
    /// audio thread: it must not allocate, lock or block.
    pub fn with_waker(waker: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            waker: Some(Box::new(waker)),
            ..Self::default()
        }
    }

    /// Sets the mode.
    pub fn set_mode(&self, mode: TapMode) {
        self.mode.store(mode as u8, Ordering::Relaxed);
    }

    /// The current mode.
    #[inline]
    pub fn mode(&self) -> TapMode {
        match self.mode.load(Ordering::Relaxed) {
            1 => TapMode::Writing,
            2 => TapMode::Idle,
            _ => TapMode::Off,
        }
    }

    /// Writing (`true`) or off (`false`).
    pub fn set(&self, on: bool) {
        self.set_mode(if on { TapMode::Writing } else { TapMode::Off });
    }

    /// Whether the audio side writes frames now.
    #[inline]
    pub fn is_on(&self) -> bool {
        self.mode() == TapMode::Writing
    }

    /// Idle → writing, and the waker called, unless the editor changed the mode meanwhile.
    #[cold]
    fn wake(&self) {
        let woke = self
            .mode
            .compare_exchange(
                TapMode::Idle as u8,
                TapMode::Writing as u8,
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok();
        if woke && let Some(waker) = &self.waker {
            waker();
        }
    }
}

/// Magnitudes up to this count as silence (−150 dBFS), as `f32` bits without the sign.
const SILENCE_BITS: u32 = 3.2e-8_f32.to_bits();

/// Whether `samples` hold anything but silence (NaN and ±Inf count as something). Compares the
/// magnitude bits as integers, which vectorizes and treats NaN as large.
#[inline]
fn has_signal(samples: &[f32]) -> bool {
    samples
        .iter()
        .map(|x| x.to_bits() & 0x7fff_ffff)
        .max()
        .is_some_and(|m| m > SILENCE_BITS)
}

/// Frames the rings hold by default: one second at the given rate (at least 4096), so a GUI that
/// stalls for up to a second loses nothing.
pub fn default_capacity(sample_rate: f32) -> usize {
    let rate = if sample_rate.is_finite() && sample_rate > 0.0 {
        sample_rate as usize
    } else {
        48_000
    };
    rate.clamp(4096, 1 << 20)
}

/// Creates the two ends of the channel with room for `capacity_frames` frames. Allocates: call it
/// off the audio thread.
pub fn tap_channel(capacity_frames: usize, switch: Arc<TapSwitch>) -> (AudioTap, TapReader) {
    let capacity_frames = capacity_frames.max(1);
    // An info per block: room for blocks averaging 16 frames before the info ring saturates.
    let info_capacity = (capacity_frames / 16).max(256);
    let (frames_tx, frames_rx) = RingBuffer::<Frame>::new(capacity_frames);
    let (info_tx, info_rx) = RingBuffer::<BlockInfo>::new(info_capacity);
    (
        AudioTap {
            frames: frames_tx,
            infos: info_tx,
            switch: switch.clone(),
            stream_pos: 0,
        },
        TapReader {
            frames: frames_rx,
            infos: info_rx,
            switch,
        },
    )
}

/// The audio thread's end: writes each block's frames and [`BlockInfo`] while the switch is on.
pub struct AudioTap {
    frames: Producer<Frame>,
    infos: Producer<BlockInfo>,
    switch: Arc<TapSwitch>,
    stream_pos: u64,
}

impl AudioTap {
    /// Whether the editor wants frames now (one relaxed atomic load).
    #[inline]
    pub fn is_on(&self) -> bool {
        self.switch.is_on()
    }

    /// Whether the editor wants anything (writing, or idle and waiting for signal).
    #[inline]
    pub fn is_listening(&self) -> bool {
        self.switch.mode() != TapMode::Off
    }

    /// Frames the ring holds.
    pub fn capacity(&self) -> usize {
        self.frames.capacity()
    }

    /// Writes one host block, given as planar channels (`channels[c][i]`), if the editor is open.
    /// One channel is written as `[x, x]`, two as `[l, r]`, further channels are ignored, none
    /// or an empty block write nothing. `info.frames`, `written`, `stream_pos` and
    /// `input_channels` are filled in here.
    #[inline]
    pub fn write_block<C: AsRef<[f32]>>(&mut self, channels: &[C], info: BlockInfo) {
        let mode = self.switch.mode();
        if mode == TapMode::Off {
            return;
        }
        let (left, right) = match channels {
            [] => return,
            [mono] => (mono.as_ref(), mono.as_ref()),
            [l, r, ..] => (l.as_ref(), r.as_ref()),
        };
        if mode == TapMode::Idle {
            if !has_signal(left) && !has_signal(right) {
                return;
            }
            self.switch.wake();
        }
        let frames = left.len().min(right.len());
        let input_channels = channels.len().min(2) as u8;
        self.write_with(frames, info, input_channels, |dst, offset| {
            interleave(dst, &left[offset..], &right[offset..]);
        });
    }

    /// Writes `frames` frames of the test signal instead of the input (display only), if the
    /// editor is open.
    #[inline]
    pub fn write_test_signal(
        &mut self,
        frames: usize,
        info: BlockInfo,
        input_channels: u8,
        signal: &mut TestSignal,
        settings: &TestSignalSettings,
    ) {
        match self.switch.mode() {
            TapMode::Off => return,
            // The test signal is never silence: an idle editor wakes at once.
            TapMode::Idle => self.switch.wake(),
            TapMode::Writing => {}
        }
        let info = BlockInfo {
            test_signal: true,
            ..info
        };
        self.write_with(frames, info, input_channels, |dst, _| {
            signal.fill(settings, dst)
        });
    }

    /// Reserves `frames` slots (fewer if the ring is fuller), lets `fill(dst, offset)` write
    /// each of the (at most two) contiguous regions, where `offset` is the index of `dst[0]` in
    /// the block, commits, then pushes the block's info.
    #[inline]
    fn write_with(
        &mut self,
        frames: usize,
        info: BlockInfo,
        input_channels: u8,
        mut fill: impl FnMut(&mut [Frame], usize),
    ) {
        if frames == 0 {
            return;
        }
        let stream_pos = self.stream_pos;
        self.stream_pos = self.stream_pos.wrapping_add(frames as u64);
        // Reserve the block's info slot first: frames without an info could not be paired by
        // the reader, so when the info ring is full the whole block is dropped. (A one-slot
        // chunk checks the cached consumer position; `write_available` would load the
        // consumer's cache line on every block.)
        let mut info_slot = self.infos.write_chunk(1);
        if info_slot.is_empty() {
            self.frames.record_dropped(frames);
            return;
        }
        let mut chunk = self.frames.write_chunk(frames);
        let written = chunk.len();
        let (first, second) = chunk.as_mut_slices();
        let first_len = first.len();
        fill(first, 0);
        fill(second, first_len);
        // The block's tail that did not fit, published with the frames that did.
        chunk.record_dropped(frames - written);
        // Frames first, then their info: an info the reader sees always has its frames.
        chunk.commit_all();
        let (slot, _) = info_slot.as_mut_slices();
        slot[0] = BlockInfo {
            stream_pos,
            frames: u32::try_from(frames).unwrap_or(u32::MAX),
            written: written as u32,
            input_channels,
            ..info
        };
        info_slot.commit_all();
    }
}

/// Interleaves `left` and `right` into `dst` (`dst.len()` frames; the inputs are at least as
/// long). The slices are cut to one length first so the loop has no bounds checks and the
/// compiler vectorizes it (unpack/shuffle, store-bandwidth bound).
#[inline]
fn interleave(dst: &mut [Frame], left: &[f32], right: &[f32]) {
    let n = dst.len().min(left.len()).min(right.len());
    let (dst, left, right) = (&mut dst[..n], &left[..n], &right[..n]);
    for i in 0..n {
        dst[i] = [left[i], right[i]];
    }
}

/// The editor's end: drains whole blocks and reports what was lost.
pub struct TapReader {
    frames: Consumer<Frame>,
    infos: Consumer<BlockInfo>,
    switch: Arc<TapSwitch>,
}

impl TapReader {
    /// Starts or stops the audio side's writing (editor opened / closed).
    pub fn set_on(&self, on: bool) {
        self.switch.set(on);
    }

    /// Whether the audio side is writing.
    pub fn is_on(&self) -> bool {
        self.switch.is_on()
    }

    /// Frames the ring holds.
    pub fn capacity(&self) -> usize {
        self.frames.capacity()
    }

    /// Frames ready to read.
    pub fn frames_available(&self) -> usize {
        self.frames.read_available()
    }

    /// Total frames lost since the channel was created because a ring was full.
    pub fn dropped_frames(&self) -> u64 {
        self.frames.counters().dropped
    }

    /// The frame ring's sample clock and overrun totals.
    pub fn counters(&self) -> ringscope::Counters {
        self.frames.counters()
    }

    /// Hands whole blocks to `on_block(info, first, second)` (the block's frames may wrap around
    /// the ring, hence two slices) until the ring is empty or the next block would exceed
    /// `max_frames`. At least one block is read if one is available, even if it is larger than
    /// `max_frames`. Returns the number of frames read.
    pub fn read_blocks(
        &mut self,
        max_frames: usize,
        mut on_block: impl FnMut(&BlockInfo, &[Frame], &[Frame]),
    ) -> usize {
        let mut total = 0usize;
        while let Some(&info) = self.infos.peek() {
            let n = info.written as usize;
            if total > 0 && total + n > max_frames {
                break;
            }
            if self.frames.read_available() < n {
                // Cannot happen (frames are committed before their info); stay consistent anyway.
                debug_assert!(false, "block info ahead of its frames");
                break;
            }
            let chunk = self.frames.read_chunk(n);
            let (first, second) = chunk.as_slices();
            on_block(&info, first, second);
            chunk.commit_all();
            let _ = self.infos.pop();
            total += n;
        }
        total
    }

    /// Discards every whole block that is readable now (stale data from before the editor
    /// opened, or a backlog too old to show). Returns the frames discarded.
    pub fn discard_all(&mut self) -> usize {
        let mut total = 0usize;
        while let Some(&info) = self.infos.peek() {
            let n = info.written as usize;
            if self.frames.read_available() < n {
                break;
            }
            total += self.frames.skip(n);
            let _ = self.infos.pop();
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    fn channel(capacity: usize) -> (AudioTap, TapReader) {
        let (tap, reader) = tap_channel(capacity, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        (tap, reader)
    }

    fn info() -> BlockInfo {
        BlockInfo {
            sample_rate: 48_000.0,
            ..Default::default()
        }
    }

    fn drain(reader: &mut TapReader) -> (Vec<BlockInfo>, Vec<Frame>) {
        let (mut infos, mut frames) = (Vec::new(), Vec::new());
        reader.read_blocks(usize::MAX, |i, a, b| {
            infos.push(*i);
            frames.extend_from_slice(a);
            frames.extend_from_slice(b);
        });
        (infos, frames)
    }

    #[test]
    fn transport_round_trips_through_the_compact_form() {
        let t = TransportInfo::new(
            true,
            Some(123.5),
            Some(-480),
            Some(17.25),
            Some(16.0),
            Some((7, 8)),
        );
        assert!(t.playing());
        assert_eq!(t.tempo(), Some(123.5));
        assert_eq!(t.pos_samples(), Some(-480));
        assert_eq!(t.pos_beats(), Some(17.25));
        assert_eq!(t.bar_start_pos_beats(), Some(16.0));
        assert_eq!(t.time_signature(), Some((7, 8)));
        let unknown = TransportInfo::new(false, None, None, Some(f64::NAN), None, Some((0, 4)));
        assert_eq!(unknown, TransportInfo::default());
        assert!(!unknown.playing());
        assert_eq!(
            (unknown.tempo(), unknown.pos_samples(), unknown.pos_beats()),
            (None, None, None)
        );
        assert_eq!(unknown.time_signature(), None);
        assert_eq!(
            TransportInfo::new(false, None, Some(0), None, None, None).pos_samples(),
            Some(0)
        );
    }

    #[test]
    fn an_idle_tap_writes_nothing_until_signal_returns_then_wakes_once() {
        let wakes = Arc::new(AtomicU64::new(0));
        let counter = wakes.clone();
        let switch = Arc::new(TapSwitch::with_waker(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }));
        let (mut tap, mut reader) = tap_channel(4096, switch.clone());
        switch.set_mode(TapMode::Idle);
        tap.write_block(&[[0.0f32; 64], [1e-9; 64]], info()); // silence (−180 dBFS)
        assert_eq!(reader.frames_available(), 0);
        assert_eq!(switch.mode(), TapMode::Idle);
        let mut block = [0.0f32; 64];
        block[63] = 1e-3;
        tap.write_block(&[[0.0f32; 64], block], info());
        assert_eq!(switch.mode(), TapMode::Writing);
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        let (infos, frames) = drain(&mut reader);
        assert_eq!(infos.len(), 1, "the waking block itself is written");
        assert_eq!(frames[63], [0.0, 1e-3]);
        assert_eq!(
            infos[0].stream_pos, 0,
            "skipped silence does not advance the stream"
        );

        // NaN is not silence either; and an editor that switched off is never woken.
        switch.set_mode(TapMode::Idle);
        tap.write_block(&[[f32::NAN; 4]], info());
        assert_eq!(wakes.load(Ordering::Relaxed), 2);
        switch.set_mode(TapMode::Off);
        tap.write_block(&[[1.0f32; 4]], info());
        assert_eq!(
            (switch.mode(), wakes.load(Ordering::Relaxed)),
            (TapMode::Off, 2)
        );
    }

    #[test]
    fn silence_detection_is_exact_at_the_threshold() {
        let limit = f32::from_bits(SILENCE_BITS);
        assert!((limit - 3.2e-8).abs() < 1e-12);
        assert!(!has_signal(&[0.0, -0.0, limit, -limit, 1e-40]));
        assert!(has_signal(&[0.0, limit * 1.01]));
        assert!(has_signal(&[f32::NEG_INFINITY]));
        assert!(has_signal(&[f32::NAN]));
        assert!(!has_signal(&[]));
    }

    #[test]
    fn switched_off_tap_writes_nothing() {
        let (mut tap, mut reader) = tap_channel(1024, Arc::new(TapSwitch::default()));
        tap.write_block(&[[1.0f32; 64], [2.0; 64]], info());
        assert_eq!(reader.frames_available(), 0);
        assert_eq!(drain(&mut reader).0.len(), 0);
        assert_eq!(reader.dropped_frames(), 0);
    }

    #[test]
    fn stereo_is_interleaved_and_mono_duplicated_bit_exactly() {
        let (mut tap, mut reader) = channel(1024);
        let left: Vec<f32> = vec![1.5, f32::NAN, f32::INFINITY, -0.0, f32::MIN_POSITIVE / 2.0];
        let right: Vec<f32> = vec![-1.0, f32::NEG_INFINITY, 1e-40, 0.0, 3.0];
        tap.write_block(&[&left[..], &right[..]], info());
        tap.write_block(&[&left[..]], info());
        let (infos, frames) = drain(&mut reader);
        assert_eq!(infos.len(), 2);
        assert_eq!((infos[0].input_channels, infos[1].input_channels), (2, 1));
        assert_eq!((infos[0].stream_pos, infos[1].stream_pos), (0, 5));
        for i in 0..5 {
            assert_eq!(frames[i][0].to_bits(), left[i].to_bits());
            assert_eq!(frames[i][1].to_bits(), right[i].to_bits());
            assert_eq!(frames[5 + i][0].to_bits(), left[i].to_bits());
            assert_eq!(frames[5 + i][1].to_bits(), left[i].to_bits());
        }
    }

    #[test]
    fn empty_and_channelless_blocks_write_nothing() {
        let (mut tap, mut reader) = channel(64);
        let none: [&[f32]; 0] = [];
        tap.write_block(&none, info());
        tap.write_block(&[&[] as &[f32], &[]], info());
        assert_eq!(drain(&mut reader).0.len(), 0);
        assert_eq!(reader.dropped_frames(), 0);
    }

    #[test]
    fn a_full_ring_keeps_the_prefix_and_counts_the_rest_as_dropped() {
        let (mut tap, mut reader) = channel(100);
        let block: Vec<f32> = (0..70).map(|i| i as f32).collect();
        tap.write_block(&[&block[..]], info()); // 70 fit
        tap.write_block(&[&block[..]], info()); // 30 fit, 40 dropped
        tap.write_block(&[&block[..]], info()); // 0 fit, 70 dropped
        assert_eq!(reader.dropped_frames(), 110);
        let (infos, frames) = drain(&mut reader);
        assert_eq!(
            infos
                .iter()
                .map(|i| (i.stream_pos, i.frames, i.written))
                .collect::<Vec<_>>(),
            vec![(0, 70, 70), (70, 70, 30), (140, 70, 0)]
        );
        assert_eq!(frames.len(), 100);
        assert_eq!(
            frames[70][0], 0.0,
            "the second block's first frames were kept"
        );
        assert_eq!(frames[99][0], 29.0);
    }

    #[test]
    fn oversize_blocks_wrap_around_the_ring_in_order() {
        let (mut tap, mut reader) = channel(1000);
        // Move the ring's indices so the next block wraps.
        tap.write_block(&[vec![0.0f32; 700]], info());
        drain(&mut reader);
        let block: Vec<f32> = (0..5000).map(|i| i as f32).collect();
        tap.write_block(&[&block[..], &block[..]], info());
        let (infos, frames) = drain(&mut reader);
        assert_eq!((infos[0].frames, infos[0].written), (5000, 1000));
        assert!(frames.iter().enumerate().all(|(i, f)| *f == [i as f32; 2]));
        assert_eq!(reader.dropped_frames(), 4000);
    }

    #[test]
    fn read_blocks_stops_at_whole_blocks() {
        let (mut tap, mut reader) = channel(4096);
        for _ in 0..10 {
            tap.write_block(&[[0.25f32; 100]], info());
        }
        let mut seen = 0;
        let n = reader.read_blocks(250, |_, a, b| seen += a.len() + b.len());
        assert_eq!((n, seen), (200, 200));
        assert_eq!(
            reader.read_blocks(0, |_, _, _| {}),
            100,
            "at least one block"
        );
        assert_eq!(reader.discard_all(), 700);
        assert_eq!(reader.frames_available(), 0);
    }

    #[test]
    fn a_full_info_ring_drops_whole_blocks_and_counts_them() {
        let (mut tap, mut reader) = channel(16); // info ring: 256 entries
        for _ in 0..300 {
            tap.write_block(&[[0.0f32; 0]], info()); // empty: never counted
        }
        for _ in 0..300 {
            tap.write_block(&[[1.0f32; 1]], info());
        }
        // 16 frames fit the frame ring, 256 infos fit the info ring.
        assert_eq!(reader.dropped_frames(), 300 - 16);
        let (infos, frames) = drain(&mut reader);
        assert_eq!(infos.len(), 256);
        assert_eq!(frames.len(), 16);
        // After draining, writing resumes without a gap in pairing.
        tap.write_block(&[[2.0f32; 3]], info());
        let (infos, frames) = drain(&mut reader);
        assert_eq!((infos.len(), frames.len()), (1, 3));
        assert_eq!(infos[0].stream_pos, 300);
    }

    #[test]
    fn test_signal_replaces_the_input_in_the_ring() {
        let (mut tap, mut reader) = channel(1024);
        let mut signal = TestSignal::new(48_000.0);
        let settings = TestSignalSettings::default();
        tap.write_test_signal(256, info(), 2, &mut signal, &settings);
        let (infos, frames) = drain(&mut reader);
        assert!(infos[0].test_signal);
        let mut expected = vec![[0.0f32; 2]; 256];
        TestSignal::new(48_000.0).fill(&settings, &mut expected);
        assert_eq!(frames, expected);
    }

    #[test]
    fn a_consumer_thread_sees_every_frame_in_order() {
        let (mut tap, mut reader) = tap_channel(512, Arc::new(TapSwitch::default()));
        reader.set_on(true);
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let producer_done = done.clone();
        let consumer = std::thread::spawn(move || {
            let (mut received, mut last_pos) = (0u64, None);
            loop {
                let finished = done.load(Ordering::Acquire);
                reader.read_blocks(usize::MAX, |info, a, b| {
                    // Blocks arrive whole and in order; losses show as gaps in stream positions.
                    if let Some(p) = last_pos {
                        assert!(info.stream_pos > p);
                    }
                    last_pos = Some(info.stream_pos);
                    let mut next = info.stream_pos as f32;
                    for f in a.iter().chain(b) {
                        assert_eq!(*f, [next, -next]);
                        next += 1.0;
                    }
                    received += u64::from(info.written);
                });
                if finished && reader.frames_available() == 0 {
                    break;
                }
                std::thread::yield_now();
            }
            (received, reader.dropped_frames())
        });
        let (mut l, mut r) = (vec![0.0f32; 100], vec![0.0f32; 100]);
        for block in 0..1000u32 {
            for i in 0..100 {
                l[i] = (block * 100 + i as u32) as f32;
                r[i] = -l[i];
            }
            tap.write_block(&[&l, &r], info());
        }
        producer_done.store(true, Ordering::Release);
        let (received, dropped) = consumer.join().unwrap();
        assert_eq!(
            received + dropped,
            100_000,
            "every frame is either received or counted"
        );
    }
}
