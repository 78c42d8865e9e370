//! The audio thread's end of the tap: [`AudioTap`].

use std::mem::MaybeUninit;
use std::sync::Arc;

use ringscope::Producer;
use ringscope::analysis::{Frame, is_silent};

use super::block::BlockInfo;
use super::switch::TapSwitch;

/// The audio thread's end: writes each block's frames and [`BlockInfo`] while the
/// [`TapSwitch`] admits them.
pub struct AudioTap {
    frames: Producer<Frame>,
    infos: Producer<BlockInfo>,
    switch: Arc<TapSwitch>,
    stream_pos: u64,
    /// Silent frames skipped while every listener rested, since the last block written.
    rested: u64,
}

impl AudioTap {
    pub(super) fn new(
        frames: Producer<Frame>,
        infos: Producer<BlockInfo>,
        switch: Arc<TapSwitch>,
    ) -> Self {
        Self {
            frames,
            infos,
            switch,
            stream_pos: 0,
            rested: 0,
        }
    }

    /// Whether anyone listens (one relaxed atomic load): when not, a block costs nothing more.
    #[inline]
    pub fn is_listening(&self) -> bool {
        self.switch.is_listening()
    }

    /// Frames the ring holds.
    pub fn capacity(&self) -> usize {
        self.frames.capacity()
    }

    /// Writes one host block, given as planar channels (`channels[c][i]`), if the switch admits
    /// it. One channel is written as `[x, x]`, two as `[l, r]`, further channels are ignored,
    /// none or an empty block write nothing. `info.written`, `stream_pos` and `input_channels`
    /// are filled in here.
    #[inline]
    pub fn write_block<C: AsRef<[f32]>>(&mut self, channels: &[C], info: BlockInfo) {
        let (left, right) = match channels {
            [] => return,
            [mono] => (mono.as_ref(), mono.as_ref()),
            [l, r, ..] => (l.as_ref(), r.as_ref()),
        };
        let frames = left.len().min(right.len());
        // Set only when a listener rests and the block is silent: then it is skipped as known
        // silence, counted for the next block written (a loudness graph keeps its time).
        let mut silent = false;
        if !self.switch.admits(|| {
            silent = is_silent(left) && is_silent(right);
            silent
        }) {
            if silent {
                self.rested = self.rested.saturating_add(frames as u64);
            }
            return;
        }
        let input_channels = channels.len().min(2) as u8;
        self.write_with(frames, info, input_channels, |dst, offset| {
            interleave(dst, &left[offset..], &right[offset..])
        });
    }

    /// Writes `frames` frames made by `fill` instead of the input (the display-only test
    /// signal), if the switch admits them: a generated signal counts as never silent. `fill`
    /// gets each contiguous region of free slots in turn and returns the same region written
    /// (an `&mut [Frame]` over those slots, which safe code can only make by writing each one);
    /// a region it returns otherwise is dropped instead of published.
    #[inline]
    pub fn write_test_signal(
        &mut self,
        frames: usize,
        info: BlockInfo,
        input_channels: u8,
        mut fill: impl FnMut(&mut [MaybeUninit<Frame>]) -> &mut [Frame],
    ) {
        if !self.switch.admits(|| false) {
            return;
        }
        let info = BlockInfo {
            test_signal: true,
            ..info
        };
        self.write_with(frames, info, input_channels, |dst, _| {
            let (start, len) = (dst.as_ptr().cast::<Frame>(), dst.len());
            let written = fill(dst);
            std::ptr::eq(written.as_ptr(), start) && written.len() == len
        });
    }

    /// Reserves `frames` slots (fewer if the ring is fuller), lets `fill(dst, offset)` write
    /// every slot of each of the (at most two) contiguous regions, where `offset` is the index
    /// of `dst[0]` in the block, commits, then pushes the block's info. `fill` returns whether
    /// it wrote the whole region; if not, the block is dropped. No slot is default-filled: the
    /// ring's uninitialised chunks are written once, by `fill`.
    #[inline]
    fn write_with(
        &mut self,
        frames: usize,
        info: BlockInfo,
        input_channels: u8,
        mut fill: impl FnMut(&mut [MaybeUninit<Frame>], usize) -> bool,
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
        let mut info_slot = self.infos.write_chunk_uninit(1);
        if info_slot.is_empty() {
            self.frames.record_dropped(frames);
            return;
        }
        let mut chunk = self.frames.write_chunk_uninit(frames);
        let written = chunk.len();
        let (first, second) = chunk.as_mut_slices();
        let first_len = first.len();
        if !(fill(first, 0) && fill(second, first_len)) {
            drop(chunk);
            self.frames.record_dropped(frames);
            return;
        }
        // The block's tail that did not fit, published with the frames that did.
        chunk.record_dropped(frames - written);
        // Frames first, then their info: an info the reader sees always has its frames.
        // SAFETY: `fill` wrote every slot of both regions, which together are the whole chunk.
        unsafe { chunk.commit_all() };
        info_slot.as_mut_slices().0[0].write(BlockInfo {
            stream_pos,
            written: written as u32,
            input_channels,
            rested_frames: self.rested,
            ..info
        });
        // SAFETY: the chunk's one slot was written just above.
        unsafe { info_slot.commit_all() };
        self.rested = 0;
    }
}

/// Writes every slot of `dst` with `[left[i], right[i]]` and returns `true`. The inputs are at
/// least `dst.len()` long (cut to it first, so the loop has no bounds checks and the compiler
/// vectorizes it: unpack/shuffle, store-bandwidth bound).
#[inline]
fn interleave(dst: &mut [MaybeUninit<Frame>], left: &[f32], right: &[f32]) -> bool {
    let n = dst.len();
    let (left, right) = (&left[..n], &right[..n]);
    for i in 0..n {
        dst[i].write([left[i], right[i]]);
    }
    true
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::super::test_block_info as info;
    use super::super::{Demand, Listener, TapReader, counting_switch, open_channel, tap_channel};
    use super::*;

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
    fn a_resting_tap_writes_nothing_until_signal_returns_then_wakes_once() {
        let (switch, wakes) = counting_switch();
        let (mut tap, mut reader) = tap_channel(4096, switch.clone());
        switch.set(Listener::Editor, Demand::Rest);
        tap.write_block(&[[0.0f32; 64], [1e-9; 64]], info()); // silence (−180 dBFS)
        assert_eq!(drain(&mut reader).1.len(), 0);
        assert_eq!(switch.demand(Listener::Editor), Demand::Rest);
        let mut block = [0.0f32; 64];
        block[63] = 1e-3;
        tap.write_block(&[[0.0f32; 64], block], info());
        assert_eq!(switch.demand(Listener::Editor), Demand::Stream);
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
        let (infos, frames) = drain(&mut reader);
        assert_eq!(infos.len(), 1, "the waking block itself is written");
        assert_eq!(frames[63], [0.0, 1e-3]);
        assert_eq!(
            infos[0].stream_pos, 0,
            "skipped silence does not advance the stream"
        );
        assert_eq!(infos[0].rested_frames, 64, "but it is counted as silence");

        // NaN and ±Inf are not silence either; and a listener that switched off is never woken.
        for invalid in [f32::NAN, f32::INFINITY] {
            switch.set(Listener::Editor, Demand::Rest);
            tap.write_block(&[[0.0, invalid, 0.0, 0.0]], info());
        }
        assert_eq!(wakes.load(Ordering::Relaxed), 3);
        switch.set(Listener::Editor, Demand::Off);
        tap.write_block(&[[1.0f32; 4]], info());
        assert_eq!(
            (
                switch.demand(Listener::Editor),
                wakes.load(Ordering::Relaxed)
            ),
            (Demand::Off, 3)
        );
    }

    #[test]
    fn only_silence_skipped_while_resting_is_counted_and_only_once() {
        let switch = Arc::new(TapSwitch::default());
        let (mut tap, mut reader) = tap_channel(4096, switch.clone());
        // Nobody listens: these frames are unknown, not silence.
        tap.write_block(&[[0.0f32; 100]], info());
        switch.set(Listener::Editor, Demand::Rest);
        for _ in 0..3 {
            tap.write_block(&[[0.0f32; 100]], info());
        }
        switch.set(Listener::Editor, Demand::Stream);
        tap.write_block(&[[0.0f32; 10]], info());
        tap.write_block(&[[0.0f32; 10]], info());
        let infos = drain(&mut reader).0;
        let rested: Vec<u64> = infos.iter().map(|i| i.rested_frames).collect();
        assert_eq!(rested, [300, 0]);
    }

    #[test]
    fn a_switched_off_tap_writes_nothing() {
        let (mut tap, mut reader) = tap_channel(1024, Arc::new(TapSwitch::default()));
        assert!(!tap.is_listening());
        tap.write_block(&[[1.0f32; 64], [2.0; 64]], info());
        assert_eq!(drain(&mut reader), (vec![], vec![]));
        assert_eq!(reader.dropped_frames(), 0);
    }

    #[test]
    fn stereo_is_interleaved_and_mono_duplicated_bit_exactly() {
        let (mut tap, mut reader) = open_channel(1024);
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
        let (mut tap, mut reader) = open_channel(64);
        let none: [&[f32]; 0] = [];
        tap.write_block(&none, info());
        tap.write_block(&[&[] as &[f32], &[]], info());
        assert_eq!(drain(&mut reader).0.len(), 0);
        assert_eq!(reader.dropped_frames(), 0);
    }

    #[test]
    fn a_full_ring_keeps_the_prefix_and_counts_the_rest_as_dropped() {
        let (mut tap, mut reader) = open_channel(100);
        let block: Vec<f32> = (0..70).map(|i| i as f32).collect();
        tap.write_block(&[&block[..]], info()); // 70 fit
        tap.write_block(&[&block[..]], info()); // 30 fit, 40 dropped
        tap.write_block(&[&block[..]], info()); // 0 fit, 70 dropped
        assert_eq!(reader.dropped_frames(), 110);
        let (infos, frames) = drain(&mut reader);
        assert_eq!(
            infos
                .iter()
                .map(|i| (i.stream_pos, i.written))
                .collect::<Vec<_>>(),
            vec![(0, 70), (70, 30), (140, 0)]
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
        let (mut tap, mut reader) = open_channel(1000);
        // Move the ring's indices so the next block wraps.
        tap.write_block(&[vec![0.0f32; 700]], info());
        drain(&mut reader);
        let block: Vec<f32> = (0..5000).map(|i| i as f32).collect();
        tap.write_block(&[&block[..], &block[..]], info());
        let (infos, frames) = drain(&mut reader);
        assert_eq!(infos[0].written, 1000);
        assert!(frames.iter().enumerate().all(|(i, f)| *f == [i as f32; 2]));
        assert_eq!(reader.dropped_frames(), 4000);
    }

    #[test]
    fn a_full_info_ring_drops_whole_blocks_and_counts_them() {
        let (mut tap, mut reader) = open_channel(16); // info ring: 256 entries
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
    fn a_generated_signal_replaces_the_input_and_wraps_around_the_ring() {
        let (mut tap, mut reader) = open_channel(100);
        tap.write_block(&[[0.0f32; 70]], info());
        drain(&mut reader);
        // 80 frames from position 70 of a 100-slot ring: two regions, filled in order.
        let mut next = 0.0f32;
        tap.write_test_signal(80, info(), 2, |dst| {
            for slot in dst.iter_mut() {
                slot.write([next, -next]);
                next += 1.0;
            }
            // SAFETY: every slot of `dst` was written just above.
            unsafe { &mut *(std::ptr::from_mut(dst) as *mut [Frame]) }
        });
        let (infos, frames) = drain(&mut reader);
        assert!(infos[0].test_signal);
        assert_eq!(infos[0].input_channels, 2);
        assert!(
            frames
                .iter()
                .enumerate()
                .all(|(i, f)| *f == [i as f32, -(i as f32)])
        );
        assert_eq!(frames.len(), 80);
    }

    #[test]
    fn a_generator_that_returns_fewer_frames_publishes_nothing() {
        let (mut tap, mut reader) = open_channel(64);
        tap.write_test_signal(16, info(), 2, |dst| {
            for slot in dst.iter_mut() {
                slot.write([1.0; 2]);
            }
            let len = dst.len();
            // SAFETY: every slot of `dst` was written just above.
            let written = unsafe { &mut *(std::ptr::from_mut(dst) as *mut [Frame]) };
            &mut written[..len - 1]
        });
        assert_eq!(drain(&mut reader).0.len(), 0);
        assert_eq!(reader.dropped_frames(), 16);
    }
}
