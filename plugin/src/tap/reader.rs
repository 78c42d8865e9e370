//! The editor's end of the tap: [`TapReader`].

use ringscope::Consumer;
use ringscope::analysis::Frame;

use super::block::BlockInfo;

/// The editor's end: drains whole blocks and reports what was lost.
pub struct TapReader {
    frames: Consumer<Frame>,
    infos: Consumer<BlockInfo>,
}

impl TapReader {
    pub(super) fn new(frames: Consumer<Frame>, infos: Consumer<BlockInfo>) -> Self {
        Self { frames, infos }
    }

    /// Frames the ring holds.
    pub fn capacity(&self) -> usize {
        self.frames.capacity()
    }

    /// Total frames lost since the channel was created because a ring was full.
    pub fn dropped_frames(&self) -> u64 {
        self.frames.counters().dropped
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
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::super::open_channel;
    use super::super::test_block_info as info;

    #[test]
    fn read_blocks_stops_at_whole_blocks() {
        let (mut tap, mut reader) = open_channel(4096);
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
        assert_eq!(reader.discard_all(), 0);
    }

    #[test]
    fn a_consumer_thread_sees_every_frame_in_order() {
        let (mut tap, mut reader) = open_channel(512);
        let done = Arc::new(AtomicBool::new(false));
        let producer_done = done.clone();
        let consumer = std::thread::spawn(move || {
            let (mut received, mut last_pos) = (0u64, None);
            loop {
                let finished = done.load(Ordering::Acquire);
                let read = reader.read_blocks(usize::MAX, |info, a, b| {
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
                if finished && read == 0 {
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
