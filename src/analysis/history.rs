//! The scope's history: a ring of the most recent stereo frames with min/max summaries, so the
//! extremes of a long stretch cost a few summary reads instead of a pass over every sample.
//!
//! Summaries are kept per channel (L, R, mid, side: mid/side extremes cannot be derived from
//! L/R extremes) for aligned blocks of 16 and 256 frames. A block's summary is written when its
//! last frame arrives, into a ring with as many slots as the frame ring has blocks, so it is
//! overwritten exactly when its frames are: any block inside the available range is valid.

use super::channel::{Channel, Frame};
use super::decimate::{SampleSource, min_max_of_frames};
use core::ops::Range;

/// Frames per level-1 block, and level-1 blocks per level-2 block.
const FAN_OUT: usize = 16;
const LEVEL_1: usize = FAN_OUT;
const LEVEL_2: usize = FAN_OUT * FAN_OUT;

/// Per-channel `[min, max]` of aligned blocks.
#[derive(Debug)]
struct Summary {
    /// `blocks[channel][block & mask]`.
    blocks: [Vec<[f32; 2]>; 4],
    mask: usize,
}

impl Summary {
    fn new(blocks: usize) -> Self {
        Self {
            blocks: core::array::from_fn(|_| vec![[0.0; 2]; blocks]),
            mask: blocks - 1,
        }
    }

    fn get(&self, channel: Channel, block: usize) -> [f32; 2] {
        self.blocks[channel.index()][block & self.mask]
    }

    fn min_max(&self, channel: Channel, blocks: Range<usize>) -> (f32, f32) {
        blocks.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), b| {
            let [min, max] = self.get(channel, b);
            (lo.min(min), hi.max(max))
        })
    }
}

/// The ring of recorded frames, indexed by the history clock.
#[derive(Debug)]
pub(crate) struct History {
    frames: Vec<Frame>,
    /// `frames.len() - 1`; the length is a power of two so a position maps to a slot by masking.
    mask: usize,
    /// Frames recorded so far.
    written: u64,
    level_1: Summary,
    level_2: Summary,
}

impl History {
    /// A history holding at least `min_capacity` frames (rounded up to a power of two, at least
    /// one level-2 block).
    pub(crate) fn new(min_capacity: usize) -> Self {
        let capacity = min_capacity.max(LEVEL_2).next_power_of_two();
        Self {
            frames: vec![[0.0; 2]; capacity],
            mask: capacity - 1,
            written: 0,
            level_1: Summary::new(capacity / LEVEL_1),
            level_2: Summary::new(capacity / LEVEL_2),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.frames.len()
    }

    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// Forgets everything recorded. Nothing outside [`History::available`] is ever read, so
    /// the old contents need no wiping.
    pub(crate) fn clear(&mut self) {
        self.written = 0;
    }

    /// Positions that hold recorded frames.
    pub(crate) fn available(&self) -> Range<i64> {
        let oldest = self.written.saturating_sub(self.frames.len() as u64);
        oldest as i64..self.written as i64
    }

    #[inline]
    pub(crate) fn push(&mut self, frame: Frame) {
        self.frames[self.written as usize & self.mask] = frame;
        self.written += 1;
        if (self.written as usize).is_multiple_of(LEVEL_1) {
            self.summarise_block();
        }
    }

    /// Writes the summaries of the level-1 (and, when complete, level-2) block just finished.
    #[cold]
    fn summarise_block(&mut self) {
        let end = self.written as usize;
        let block = end / LEVEL_1 - 1;
        let start = (end - LEVEL_1) & self.mask;
        let frames = &self.frames[start..start + LEVEL_1];
        for channel in Channel::ALL {
            let (min, max) = min_max_of_frames(frames, channel);
            let slot = block & self.level_1.mask;
            self.level_1.blocks[channel.index()][slot] = [min, max];
        }
        if end.is_multiple_of(LEVEL_2) {
            let big = end / LEVEL_2 - 1;
            let first = big * FAN_OUT;
            for channel in Channel::ALL {
                let (min, max) = self.level_1.min_max(channel, first..first + FAN_OUT);
                let slot = big & self.level_2.mask;
                self.level_2.blocks[channel.index()][slot] = [min, max];
            }
        }
    }

    /// The recorded frames of `range` (inside [`History::available`]) as at most two slices.
    fn slices(&self, range: Range<i64>) -> (&[Frame], &[Frame]) {
        let len = (range.end - range.start) as usize;
        let first = range.start as usize & self.mask;
        let head = len.min(self.frames.len() - first);
        (
            &self.frames[first..first + head],
            &self.frames[..len - head],
        )
    }

    /// Minimum and maximum of `channel` over raw frames of a non-empty `range`.
    fn scan(&self, channel: Channel, range: Range<i64>) -> (f32, f32) {
        let (a, b) = self.slices(range);
        let (lo, hi) = min_max_of_frames(a, channel);
        if b.is_empty() {
            (lo, hi)
        } else {
            let (lo2, hi2) = min_max_of_frames(b, channel);
            (lo.min(lo2), hi.max(hi2))
        }
    }

    /// Minimum and maximum of `channel` over a non-empty `range` inside the available frames.
    pub(crate) fn min_max(&self, channel: Channel, range: Range<i64>) -> (f32, f32) {
        let (start, end) = (range.start as usize, range.end as usize);
        let first_block = start.div_ceil(LEVEL_1);
        let end_block = end / LEVEL_1;
        if end_block <= first_block + 1 {
            return self.scan(channel, range);
        }
        let mut lo = f32::INFINITY;
        let mut hi = f32::NEG_INFINITY;
        let mut take = |(min, max): (f32, f32)| {
            lo = lo.min(min);
            hi = hi.max(max);
        };
        if start < first_block * LEVEL_1 {
            take(self.scan(channel, range.start..(first_block * LEVEL_1) as i64));
        }
        if end_block * LEVEL_1 < end {
            take(self.scan(channel, (end_block * LEVEL_1) as i64..range.end));
        }
        let first_big = first_block.div_ceil(FAN_OUT);
        let end_big = end_block / FAN_OUT;
        if end_big > first_big {
            take(
                self.level_1
                    .min_max(channel, first_block..first_big * FAN_OUT),
            );
            take(self.level_2.min_max(channel, first_big..end_big));
            take(self.level_1.min_max(channel, end_big * FAN_OUT..end_block));
        } else {
            take(self.level_1.min_max(channel, first_block..end_block));
        }
        (lo, hi)
    }
}

/// One channel of the history, as something the decimator can read.
pub(crate) struct HistoryChannel<'a> {
    pub(crate) history: &'a History,
    pub(crate) channel: Channel,
}

impl SampleSource for HistoryChannel<'_> {
    fn available(&self) -> Range<i64> {
        self.history.available()
    }

    fn sample(&self, position: i64) -> f32 {
        self.channel
            .sample(self.history.frames[position as usize & self.history.mask])
    }

    fn min_max(&self, range: Range<i64>) -> (f32, f32) {
        self.history.min_max(self.channel, range)
    }

    fn fill_taps(&self, first: i64, taps: &mut [f32]) {
        let available = self.available();
        let wanted = first..first + taps.len() as i64;
        if available.start <= wanted.start && wanted.end <= available.end {
            let (a, b) = self.history.slices(wanted);
            for (tap, frame) in taps.iter_mut().zip(a.iter().chain(b)) {
                *tap = self.channel.sample(*frame);
            }
        } else {
            for (i, tap) in taps.iter_mut().enumerate() {
                let position = first + i as i64;
                *tap = if available.contains(&position) {
                    self.sample(position)
                } else {
                    0.0
                };
            }
        }
    }
}
