//! Model-based test: random sequences of every ring operation, run on the ring and on a
//! `VecDeque` model of a bounded FIFO, must give the same result at every step.

use std::collections::VecDeque;

use proptest::prelude::*;
use ringscope::{Counters, RingBuffer};

#[derive(Clone, Debug)]
enum Op {
    Push,
    PushSlice(usize),
    /// Ask for `n` slots, fill them, commit `k` of them (`k` is taken modulo the chunk length + 1).
    WriteChunk {
        n: usize,
        k: usize,
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
        (0..40_usize, 0..40_usize).prop_map(|(n, k)| Op::WriteChunk { n, k }),
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
    fn write(&mut self, values: &[u32]) {
        self.queue.extend(values);
        self.counters.written += values.len() as u64;
    }
    fn take(&mut self, n: usize) -> Vec<u32> {
        self.counters.read += n as u64;
        self.queue.drain(..n).collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ring_matches_a_bounded_fifo_model(capacity in 1..18_usize, ops in prop::collection::vec(op(), 1..300)) {
        // `with_fill` and `new` differ only in the initial slot contents, which no read can see.
        let (mut producer, mut consumer) = if capacity % 2 == 0 {
            RingBuffer::<u32>::new(capacity)
        } else {
            RingBuffer::with_fill(capacity, u32::MAX)
        };
        let mut model = Model { capacity, queue: VecDeque::new(), counters: Counters::default() };
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
                Op::WriteChunk { n, k } => {
                    let values = fresh(n);
                    let mut chunk = producer.write_chunk(n);
                    prop_assert_eq!(chunk.len(), n.min(model.free()));
                    let (first, second) = chunk.as_mut_slices();
                    prop_assert_eq!(first.len() + second.len(), n.min(model.free()));
                    for (slot, &v) in first.iter_mut().chain(second.iter_mut()).zip(&values) {
                        *slot = v;
                    }
                    let k = k % (chunk.len() + 1);
                    chunk.commit(k);
                    model.write(&values[..k]);
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
