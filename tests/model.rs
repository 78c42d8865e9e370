//! Model-based test: random sequences of every ring operation, run on the ring and on a
//! `VecDeque` model of a bounded FIFO, must give the same result at every step.

use std::collections::VecDeque;

use proptest::prelude::*;
use ringscope::{Counters, RingBuffer};

#[derive(Clone, Debug)]
enum Op {
    Push,
    PushSlice(usize),
    /// Ask for `n` slots, check what they hold, fill them, report `dropped` elements with the
    /// chunk, then commit `k` of them. `k` is taken modulo the chunk length + 2: the length
    /// itself means `commit_all`, one more means dropping the chunk uncommitted.
    WriteChunk {
        n: usize,
        k: usize,
        dropped: usize,
    },
    /// The same through `write_chunk_uninit`: every lent slot written with `MaybeUninit::write`,
    /// then `k` of them committed with the `unsafe` commit (same encoding of `k`).
    WriteChunkUninit {
        n: usize,
        k: usize,
        dropped: usize,
    },
    Pop,
    PopSlice(usize),
    Peek,
    /// Ask for `n` elements, check them, commit `k` of them (modulo the chunk length + 1).
    ReadChunk {
        n: usize,
        k: usize,
    },
    Skip(usize),
    Clear,
    Available,
    Counters,
    RecordDropped(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Push),
        (0..40_usize).prop_map(Op::PushSlice),
        (0..40_usize, 0..40_usize, 0..4_usize).prop_map(|(n, k, dropped)| Op::WriteChunk {
            n,
            k,
            dropped
        }),
        (0..40_usize, 0..40_usize, 0..4_usize).prop_map(|(n, k, dropped)| Op::WriteChunkUninit {
            n,
            k,
            dropped
        }),
        Just(Op::Pop),
        (0..40_usize).prop_map(Op::PopSlice),
        Just(Op::Peek),
        (0..40_usize, 0..40_usize).prop_map(|(n, k)| Op::ReadChunk { n, k }),
        (0..40_usize).prop_map(Op::Skip),
        Just(Op::Clear),
        Just(Op::Available),
        Just(Op::Counters),
        (0..5_usize).prop_map(Op::RecordDropped),
    ]
}

/// What a bounded FIFO must do, plus what each slot of the ring's allocation last had written
/// into it (published or not), which is all a `WriteChunk` may show besides `T::default()`.
struct Model {
    capacity: usize,
    queue: VecDeque<u32>,
    counters: Counters,
    /// The value last written into each slot, `None` if none ever was.
    slots: Vec<Option<u32>>,
}

impl Model {
    fn free(&self) -> usize {
        self.capacity - self.queue.len()
    }
    /// The slot the next written element goes to: the ring starts at slot 0.
    fn write_index(&self) -> usize {
        (self.counters.written % self.capacity as u64) as usize
    }
    /// Records `values` as written into the slots from the write position on, unpublished.
    fn fill(&mut self, values: &[u32]) {
        assert!(values.len() <= self.free());
        let start = self.write_index();
        for (i, &value) in values.iter().enumerate() {
            self.slots[(start + i) % self.capacity] = Some(value);
        }
    }
    /// Publishes `values`, already `fill`ed.
    fn publish(&mut self, values: &[u32]) {
        self.queue.extend(values);
        self.counters.written += values.len() as u64;
    }
    fn write(&mut self, values: &[u32]) {
        self.fill(values);
        self.publish(values);
    }
    fn take(&mut self, n: usize) -> Vec<u32> {
        self.counters.read += n as u64;
        self.queue.drain(..n).collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ring_matches_a_bounded_fifo_model(
        capacity in 1..18_usize,
        ops in prop::collection::vec(op(), 1..300),
        drop_producer in any::<bool>(),
    ) {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(capacity);
        let mut model = Model {
            capacity,
            queue: VecDeque::new(),
            counters: Counters::default(),
            slots: vec![None; capacity],
        };
        // Every generated value is distinct and non-zero, so a slot holding one can be told
        // from a default-filled slot (0) and from garbage.
        let mut next = 1_u32;
        let mut fresh = |n: usize| -> Vec<u32> {
            let values = (next..next + n as u32).collect();
            next += n as u32;
            values
        };

        for op in ops {
            match op {
                Op::Push => {
                    let value = fresh(1)[0];
                    let result = producer.push(value);
                    if model.free() > 0 {
                        prop_assert_eq!(result, Ok(()));
                        model.write(&[value]);
                    } else {
                        prop_assert_eq!(result, Err(value));
                        model.counters.dropped += 1;
                    }
                }
                Op::PushSlice(n) => {
                    let values = fresh(n);
                    let written = producer.push_slice(&values);
                    let fits = n.min(model.free());
                    prop_assert_eq!(written, fits);
                    model.write(&values[..fits]);
                    model.counters.dropped += (n - fits) as u64;
                }
                Op::WriteChunk { n, k, dropped } => {
                    let values = fresh(n);
                    let start = model.write_index();
                    let len = n.min(model.free());
                    let mut chunk = producer.write_chunk(n);
                    prop_assert_eq!(chunk.len(), len);
                    prop_assert_eq!(chunk.is_empty(), len == 0);
                    let (first, second) = chunk.as_mut_slices();
                    prop_assert_eq!(first.len(), len.min(capacity - start), "split at the end of the allocation");
                    prop_assert_eq!(first.len() + second.len(), len);
                    for (i, slot) in first.iter_mut().chain(second.iter_mut()).enumerate() {
                        let index = (start + i) % capacity;
                        // Before it is written, a lent slot shows what was last written into it
                        // (a stale element), or the default in the first lap: nothing else.
                        prop_assert!(
                            Some(*slot) == model.slots[index] || *slot == 0,
                            "slot {} lent holding {}, but its last write was {:?}",
                            index,
                            *slot,
                            model.slots[index]
                        );
                        *slot = values[i];
                    }
                    model.fill(&values[..len]);
                    chunk.record_dropped(dropped);
                    model.counters.dropped += dropped as u64;
                    match k % (len + 2) {
                        k if k == len => {
                            chunk.commit_all();
                            model.publish(&values[..len]);
                        }
                        k if k < len => {
                            chunk.commit(k);
                            model.publish(&values[..k]);
                        }
                        _ => drop(chunk),
                    }
                }
                Op::WriteChunkUninit { n, k, dropped } => {
                    let values = fresh(n);
                    let start = model.write_index();
                    let len = n.min(model.free());
                    let mut chunk = producer.write_chunk_uninit(n);
                    prop_assert_eq!(chunk.len(), len);
                    prop_assert_eq!(chunk.is_empty(), len == 0);
                    let (first, second) = chunk.as_mut_slices();
                    prop_assert_eq!(first.len(), len.min(capacity - start), "split at the end of the allocation");
                    prop_assert_eq!(first.len() + second.len(), len);
                    for (slot, &value) in first.iter_mut().chain(second.iter_mut()).zip(&values) {
                        slot.write(value);
                    }
                    model.fill(&values[..len]);
                    // Safe code may also de-initialise the slots it will not commit: a later
                    // `WriteChunk` must then lend them holding the default, not what was there.
                    let committed = match k % (len + 2) {
                        k if k <= len => k,
                        _ => 0,
                    };
                    if dropped % 2 == 1 {
                        for (i, slot) in first.iter_mut().chain(second.iter_mut()).enumerate().skip(committed) {
                            *slot = std::mem::MaybeUninit::uninit();
                            model.slots[(start + i) % capacity] = None;
                        }
                    }
                    chunk.record_dropped(dropped);
                    model.counters.dropped += dropped as u64;
                    match k % (len + 2) {
                        k if k == len => {
                            // SAFETY: every slot of the chunk was written in the loop above.
                            unsafe { chunk.commit_all() };
                            model.publish(&values[..len]);
                        }
                        k if k < len => {
                            // SAFETY: as above; `k` of the `len` written slots.
                            unsafe { chunk.commit(k) };
                            model.publish(&values[..k]);
                        }
                        _ => drop(chunk),
                    }
                }
                Op::Pop => {
                    let expected = model.queue.front().copied();
                    prop_assert_eq!(consumer.pop(), expected);
                    if expected.is_some() {
                        model.take(1);
                    }
                }
                Op::PopSlice(n) => {
                    let mut dst = vec![0; n];
                    let got = consumer.pop_slice(&mut dst);
                    let expected = model.take(n.min(model.queue.len()));
                    prop_assert_eq!(&dst[..got], &expected[..]);
                }
                Op::Peek => {
                    prop_assert_eq!(consumer.peek().copied(), model.queue.front().copied());
                }
                Op::ReadChunk { n, k } => {
                    let chunk = consumer.read_chunk(n);
                    let len = n.min(model.queue.len());
                    prop_assert_eq!(chunk.len(), len);
                    let (first, second) = chunk.as_slices();
                    let seen: Vec<u32> = first.iter().chain(second).copied().collect();
                    let expected: Vec<u32> = model.queue.iter().take(len).copied().collect();
                    prop_assert_eq!(seen, expected);
                    let k = k % (len + 1);
                    chunk.commit(k);
                    model.take(k);
                }
                Op::Skip(n) => {
                    let skipped = n.min(model.queue.len());
                    prop_assert_eq!(consumer.skip(n), skipped);
                    model.take(skipped);
                }
                Op::Clear => {
                    let all = model.queue.len();
                    prop_assert_eq!(consumer.clear(), all);
                    model.take(all);
                }
                Op::Available => {
                    prop_assert_eq!(consumer.read_available(), model.queue.len());
                    prop_assert_eq!(producer.write_available(), model.free());
                }
                Op::Counters => {
                    prop_assert_eq!(consumer.counters(), model.counters);
                    prop_assert_eq!(producer.counters(), model.counters);
                    prop_assert!(!consumer.is_abandoned());
                    prop_assert!(!producer.is_abandoned());
                }
                Op::RecordDropped(n) => {
                    producer.record_dropped(n);
                    model.counters.dropped += n as u64;
                }
            }
        }
        prop_assert_eq!(consumer.counters(), model.counters);
        prop_assert_eq!(producer.capacity(), capacity);
        prop_assert_eq!(consumer.capacity(), capacity);

        // Abandonment: drop the end the case chose; the other must see it.
        if drop_producer {
            prop_assert!(!consumer.is_abandoned());
            drop(producer);
            prop_assert!(consumer.is_abandoned());
            // Everything the producer published is still there, in order, and nothing else.
            // (At most one more pop than the capacity, so that a broken ring fails, not hangs.)
            let drained: Vec<u32> = (0..=capacity).map_while(|_| consumer.pop()).collect();
            let remaining = model.queue.len();
            prop_assert_eq!(drained, model.take(remaining));
            prop_assert_eq!(consumer.read_available(), 0);
            prop_assert_eq!(consumer.counters(), model.counters);
        } else {
            prop_assert!(!producer.is_abandoned());
            drop(consumer);
            prop_assert!(producer.is_abandoned());
            prop_assert_eq!(producer.counters(), model.counters);
            prop_assert_eq!(producer.write_available(), model.free());
            // Writing to an abandoned ring is allowed (and futile): it fills up and counts.
            let values = fresh(capacity + 1);
            let fits = model.free();
            prop_assert_eq!(producer.push_slice(&values), fits);
            model.write(&values[..fits]);
            model.counters.dropped += (values.len() - fits) as u64;
            prop_assert_eq!(producer.counters(), model.counters);
            prop_assert_eq!(producer.write_available(), 0);
        }
    }

    #[test]
    fn snapshot_returns_the_newest_window(capacity in 1..40_usize, blocks in prop::collection::vec(0..60_usize, 0..20), window in 0..40_usize) {
        use ringscope::snapshot::{SnapshotBuffer, SnapshotError, Window};
        let (mut writer, reader) = SnapshotBuffer::<u64>::new(capacity);
        let mut history = Vec::new();
        for len in blocks {
            let block: Vec<u64> = (history.len() as u64..(history.len() + len) as u64).collect();
            writer.write(&block);
            history.extend(block);
        }
        let mut dst = vec![0; window];
        let result = reader.read_latest(&mut dst);
        if window > capacity {
            prop_assert_eq!(result, Err(SnapshotError::WindowTooLong { requested: window, capacity }));
        } else {
            let len = window.min(history.len());
            prop_assert_eq!(result, Ok(Window { len, end_position: history.len() as u64 }));
            prop_assert_eq!(&dst[..len], &history[history.len() - len..]);
        }
        prop_assert_eq!(reader.position(), history.len() as u64);
    }
}
