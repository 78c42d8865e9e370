//! Model-based tests: random sequences of every ring operation, run on the ring (typed, and
//! with a run-time element size) and on a `VecDeque` model of a bounded FIFO, must give the same
//! result at every step.

use std::collections::VecDeque;

use proptest::prelude::*;
use ringscope::{Counters, RingBuffer, bytes};

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

/// What a bounded FIFO must do.
struct Model {
    capacity: usize,
    queue: VecDeque<u32>,
    counters: Counters,
}

impl Model {
    fn free(&self) -> usize {
        self.capacity - self.queue.len()
    }
    /// The slot the next written element goes to: the ring starts at slot 0.
    fn write_index(&self) -> usize {
        (self.counters.written % self.capacity as u64) as usize
    }
    fn write(&mut self, values: &[u32]) {
        assert!(values.len() <= self.free());
        self.queue.extend(values);
        self.counters.written += values.len() as u64;
    }
    fn take(&mut self, n: usize) -> Vec<u32> {
        self.counters.read += n as u64;
        self.queue.drain(..n).collect()
    }
}

/// The byte ring's operations; counts are in elements.
#[derive(Clone, Debug)]
enum ByteOp {
    /// `n` whole elements and `partial` stray bytes (fewer than an element), pushed in one slice.
    PushSlice {
        n: usize,
        partial: usize,
    },
    /// As `Op::WriteChunk`: check what the chunk lends, fill it, commit `k` (same encoding).
    WriteChunk {
        n: usize,
        k: usize,
        dropped: usize,
    },
    /// Raw regions: check and fill them through their pointers, then `advance_write(k % (len + 1))`.
    WriteRegions {
        n: usize,
        k: usize,
    },
    /// Into a buffer of `n` elements plus `extra` bytes, which must stay untouched.
    PopSlice {
        n: usize,
        extra: usize,
    },
    ReadChunk {
        n: usize,
        k: usize,
    },
    /// Raw regions: check them, then `advance_read(k % (len + 1))`.
    ReadRegions {
        n: usize,
        k: usize,
    },
    Skip(usize),
    Clear,
    Available,
    Counters,
    RecordDropped(usize),
}

fn byte_op() -> impl Strategy<Value = ByteOp> {
    prop_oneof![
        (0..12_usize, 0..8_usize).prop_map(|(n, partial)| ByteOp::PushSlice { n, partial }),
        (0..12_usize, 0..12_usize, 0..4_usize).prop_map(|(n, k, dropped)| ByteOp::WriteChunk {
            n,
            k,
            dropped
        }),
        (0..12_usize, 0..12_usize).prop_map(|(n, k)| ByteOp::WriteRegions { n, k }),
        (0..12_usize, 0..8_usize).prop_map(|(n, extra)| ByteOp::PopSlice { n, extra }),
        (0..12_usize, 0..12_usize).prop_map(|(n, k)| ByteOp::ReadChunk { n, k }),
        (0..12_usize, 0..12_usize).prop_map(|(n, k)| ByteOp::ReadRegions { n, k }),
        (0..12_usize).prop_map(ByteOp::Skip),
        Just(ByteOp::Clear),
        Just(ByteOp::Available),
        Just(ByteOp::Counters),
        (0..5_usize).prop_map(ByteOp::RecordDropped),
    ]
}

/// A bounded FIFO of byte elements, plus the bytes last written into each slot (published or
/// not; zeros at first), which is exactly what a byte ring's write chunk or region must lend.
struct ByteModel {
    element_size: usize,
    capacity: usize,
    queue: VecDeque<Vec<u8>>,
    counters: Counters,
    slots: Vec<u8>,
    /// The value of the next fresh element.
    next: u32,
}

impl ByteModel {
    fn free(&self) -> usize {
        self.capacity - self.queue.len()
    }
    fn write_index(&self) -> usize {
        (self.counters.written % self.capacity as u64) as usize
    }
    /// `n` fresh elements, each distinct, its bytes differing from one another too (so that a
    /// torn or shifted element shows).
    fn fresh(&mut self, n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|_| {
                self.next += 1;
                let v = self.next;
                (0..self.element_size)
                    .map(|i| (v.wrapping_mul(37) as usize + i * 11) as u8)
                    .collect()
            })
            .collect()
    }
    /// The bytes of the `len` slots from the write position on, as the ring's two regions.
    fn free_bytes(&self, len: usize) -> (Vec<u8>, Vec<u8>) {
        let es = self.element_size;
        let start = self.write_index();
        let first = len.min(self.capacity - start);
        (
            self.slots[start * es..(start + first) * es].to_vec(),
            self.slots[..(len - first) * es].to_vec(),
        )
    }
    /// Records `elements` as written into the slots from the write position on, unpublished.
    fn fill(&mut self, elements: &[Vec<u8>]) {
        assert!(elements.len() <= self.free());
        let es = self.element_size;
        let start = self.write_index();
        for (i, element) in elements.iter().enumerate() {
            let index = (start + i) % self.capacity;
            self.slots[index * es..(index + 1) * es].copy_from_slice(element);
        }
    }
    /// Publishes `elements`, already `fill`ed.
    fn publish(&mut self, elements: &[Vec<u8>]) {
        self.queue.extend(elements.iter().cloned());
        self.counters.written += elements.len() as u64;
    }
    /// The oldest `n` elements, concatenated.
    fn oldest(&self, n: usize) -> Vec<u8> {
        self.queue.iter().take(n).flatten().copied().collect()
    }
    fn take(&mut self, n: usize) -> Vec<u8> {
        self.counters.read += n as u64;
        self.queue.drain(..n).flatten().collect()
    }
}

/// Copies the bytes behind a pair of raw regions.
///
/// # Safety
///
/// Both regions must be valid for reading `len * element_size` bytes.
unsafe fn region_bytes(
    (first, first_len): (*const u8, usize),
    (second, second_len): (*const u8, usize),
    element_size: usize,
) -> Vec<u8> {
    // SAFETY: the caller's promise.
    let (a, b) = unsafe {
        (
            std::slice::from_raw_parts(first, first_len * element_size),
            std::slice::from_raw_parts(second, second_len * element_size),
        )
    };
    [a, b].concat()
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
                        // Every slot is lent holding the default: never a stale element, never
                        // garbage (not even where a `WriteChunkUninit` de-initialised it).
                        prop_assert_eq!(*slot, 0, "slot {} of the chunk", i);
                        *slot = values[i];
                    }
                    chunk.record_dropped(dropped);
                    model.counters.dropped += dropped as u64;
                    match k % (len + 2) {
                        k if k == len => {
                            chunk.commit_all();
                            model.write(&values[..len]);
                        }
                        k if k < len => {
                            chunk.commit(k);
                            model.write(&values[..k]);
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
                    // Safe code may also de-initialise the slots it will not commit: a later
                    // `WriteChunk` must then lend them holding the default, not what was there.
                    let committed = match k % (len + 2) {
                        k if k <= len => k,
                        _ => 0,
                    };
                    if dropped % 2 == 1 {
                        for slot in first.iter_mut().chain(second.iter_mut()).skip(committed) {
                            *slot = std::mem::MaybeUninit::uninit();
                        }
                    }
                    chunk.record_dropped(dropped);
                    model.counters.dropped += dropped as u64;
                    match k % (len + 2) {
                        k if k == len => {
                            // SAFETY: every slot of the chunk was written in the loop above.
                            unsafe { chunk.commit_all() };
                            model.write(&values[..len]);
                        }
                        k if k < len => {
                            // SAFETY: as above; `k` of the `len` written slots.
                            unsafe { chunk.commit(k) };
                            model.write(&values[..k]);
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
    fn byte_ring_matches_a_bounded_fifo_model(
        element_size in 1..7_usize,
        capacity in 1..12_usize,
        ops in prop::collection::vec(byte_op(), 1..200),
        drop_producer in any::<bool>(),
    ) {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(element_size, capacity).unwrap();
        prop_assert_eq!((producer.element_size(), consumer.element_size()), (element_size, element_size));
        let es = element_size;
        let mut model = ByteModel {
            element_size,
            capacity,
            queue: VecDeque::new(),
            counters: Counters::default(),
            slots: vec![0; capacity * element_size],
            next: 0,
        };
        for op in ops {
            match op {
                ByteOp::PushSlice { n, partial } => {
                    let elements = model.fresh(n);
                    let partial = partial % es;
                    let mut data: Vec<u8> = elements.concat();
                    data.extend(std::iter::repeat_n(0xee, partial));
                    let written = producer.push_slice(&data);
                    let fits = n.min(model.free());
                    prop_assert_eq!(written, fits);
                    model.fill(&elements[..fits]);
                    model.publish(&elements[..fits]);
                    // A stray partial element is neither written nor counted.
                    model.counters.dropped += (n - fits) as u64;
                }
                ByteOp::WriteChunk { n, k, dropped } => {
                    let elements = model.fresh(n);
                    let len = n.min(model.free());
                    let (lent_first, lent_second) = model.free_bytes(len);
                    let mut chunk = producer.write_chunk(n);
                    prop_assert_eq!(chunk.len(), len);
                    prop_assert_eq!(chunk.is_empty(), len == 0);
                    let (first, second) = chunk.as_mut_slices();
                    // Exactly what was last written into those slots (or zeros), unfilled.
                    prop_assert_eq!(&*first, &lent_first[..]);
                    prop_assert_eq!(&*second, &lent_second[..]);
                    let data = elements[..len].concat();
                    let split = first.len();
                    first.copy_from_slice(&data[..split]);
                    second.copy_from_slice(&data[split..]);
                    model.fill(&elements[..len]);
                    chunk.record_dropped(dropped);
                    model.counters.dropped += dropped as u64;
                    match k % (len + 2) {
                        k if k == len => {
                            chunk.commit_all();
                            model.publish(&elements[..len]);
                        }
                        k if k < len => {
                            chunk.commit(k);
                            model.publish(&elements[..k]);
                        }
                        _ => drop(chunk),
                    }
                }
                ByteOp::WriteRegions { n, k } => {
                    let elements = model.fresh(n);
                    let len = n.min(model.free());
                    let (lent_first, lent_second) = model.free_bytes(len);
                    let regions = producer.write_regions(n);
                    prop_assert_eq!(regions.first_len, lent_first.len() / es);
                    prop_assert_eq!(regions.second_len, lent_second.len() / es);
                    let first = (regions.first.cast_const(), regions.first_len);
                    let second = (regions.second.cast_const(), regions.second_len);
                    // SAFETY: the regions are `len` free elements, the producer's until it
                    // advances; nothing else touches them meanwhile.
                    let lent = unsafe { region_bytes(first, second, es) };
                    prop_assert_eq!(lent, [lent_first, lent_second].concat());
                    let data = elements[..len].concat();
                    let split = regions.first_len * es;
                    // SAFETY: as above; `data` is `len` elements, split as the regions are.
                    unsafe {
                        regions.first.copy_from_nonoverlapping(data.as_ptr(), split);
                        regions.second.copy_from_nonoverlapping(data[split..].as_ptr(), data.len() - split);
                    }
                    model.fill(&elements[..len]);
                    let k = k % (len + 1);
                    producer.advance_write(k);
                    model.publish(&elements[..k]);
                }
                ByteOp::PopSlice { n, extra } => {
                    let mut dst = vec![0xaa; n * es + extra % es];
                    let got = consumer.pop_slice(&mut dst);
                    let expected = model.take(n.min(model.queue.len()));
                    prop_assert_eq!(got * es, expected.len());
                    prop_assert_eq!(&dst[..got * es], &expected[..]);
                    prop_assert!(dst[got * es..].iter().all(|&b| b == 0xaa), "bytes past the popped elements untouched");
                }
                ByteOp::ReadChunk { n, k } => {
                    let chunk = consumer.read_chunk(n);
                    let len = n.min(model.queue.len());
                    prop_assert_eq!(chunk.len(), len);
                    prop_assert_eq!(chunk.is_empty(), len == 0);
                    let (first, second) = chunk.as_slices();
                    let start = (model.counters.read % capacity as u64) as usize;
                    prop_assert_eq!(first.len(), len.min(capacity - start) * es, "split at the end of the slots");
                    prop_assert_eq!([first, second].concat(), model.oldest(len));
                    let k = k % (len + 1);
                    chunk.commit(k);
                    model.take(k);
                }
                ByteOp::ReadRegions { n, k } => {
                    let regions = consumer.read_regions(n);
                    let len = n.min(model.queue.len());
                    prop_assert_eq!(regions.first_len + regions.second_len, len);
                    let first = (regions.first, regions.first_len);
                    let second = (regions.second, regions.second_len);
                    // SAFETY: the regions are `len` published elements, kept until the consumer
                    // advances.
                    let lent = unsafe { region_bytes(first, second, es) };
                    prop_assert_eq!(lent, model.oldest(len));
                    let k = k % (len + 1);
                    consumer.advance_read(k);
                    model.take(k);
                }
                ByteOp::Skip(n) => {
                    let skipped = n.min(model.queue.len());
                    prop_assert_eq!(consumer.skip(n), skipped);
                    model.take(skipped);
                }
                ByteOp::Clear => {
                    let all = model.queue.len();
                    prop_assert_eq!(consumer.clear(), all);
                    model.take(all);
                }
                ByteOp::Available => {
                    prop_assert_eq!(consumer.read_available(), model.queue.len());
                    prop_assert_eq!(producer.write_available(), model.free());
                }
                ByteOp::Counters => {
                    prop_assert_eq!(consumer.counters(), model.counters);
                    prop_assert_eq!(producer.counters(), model.counters);
                    prop_assert!(!consumer.is_abandoned());
                    prop_assert!(!producer.is_abandoned());
                }
                ByteOp::RecordDropped(n) => {
                    producer.record_dropped(n);
                    model.counters.dropped += n as u64;
                }
            }
        }
        prop_assert_eq!(consumer.counters(), model.counters);
        prop_assert_eq!((producer.capacity(), consumer.capacity()), (capacity, capacity));

        if drop_producer {
            drop(producer);
            prop_assert!(consumer.is_abandoned());
            // Everything published is still there, in order, and nothing else.
            let mut drained = vec![0; (capacity + 1) * es];
            let got = consumer.pop_slice(&mut drained);
            let remaining = model.queue.len();
            prop_assert_eq!(&drained[..got * es], &model.take(remaining)[..]);
            prop_assert_eq!(consumer.read_available(), 0);
            prop_assert_eq!(consumer.counters(), model.counters);
        } else {
            drop(consumer);
            prop_assert!(producer.is_abandoned());
            prop_assert_eq!(producer.counters(), model.counters);
            let elements = model.fresh(capacity + 1);
            let fits = model.free();
            prop_assert_eq!(producer.push_slice(&elements.concat()), fits);
            model.publish(&elements[..fits]);
            model.counters.dropped += (elements.len() - fits) as u64;
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
