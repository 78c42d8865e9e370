//! loom models of every concurrent pair of ring operations, with small capacities.
//!
//! loom runs each model under every thread interleaving (within its preemption bound) and the
//! values a load may return under its approximation of the C11 memory model, and fails on a data
//! race on any slot (each slot access is mirrored on a loom `UnsafeCell`). Run them with:
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p ringscope --test loom
//! ```
#![cfg(loom)]

use loom::thread;
use ringscope::snapshot::{SnapshotBuffer, SnapshotError, Window};
use ringscope::{RingBuffer, bytes};

/// The byte ring's models use 3-byte elements `[v, v, v]`: a torn or shifted element shows as
/// bytes that differ.
const ES: usize = 3;

/// Element `v` of the byte ring's models.
fn element(v: u8) -> [u8; ES] {
    [v; ES]
}

/// The values of whole elements in `data`, asserting that none is torn.
fn values(data: &[u8]) -> Vec<u8> {
    data.chunks_exact(ES)
        .map(|e| {
            assert!(e.iter().all(|&b| b == e[0]), "torn element {e:?}");
            e[0]
        })
        .collect()
}

/// Pops everything from a byte ring until the producer is gone and the ring is empty.
fn drain_bytes_until_abandoned(consumer: &mut bytes::Consumer) -> Vec<u8> {
    let mut received = Vec::new();
    let mut dst = [0; 2 * ES];
    loop {
        let abandoned = consumer.is_abandoned();
        loop {
            let n = consumer.pop_slice(&mut dst);
            if n == 0 {
                break;
            }
            received.extend(values(&dst[..n * ES]));
        }
        if abandoned {
            return received;
        }
        thread::yield_now();
    }
}

/// Spins (yielding to loom) until `f` succeeds.
fn until<T>(mut f: impl FnMut() -> Option<T>) -> T {
    loop {
        if let Some(value) = f() {
            return value;
        }
        thread::yield_now();
    }
}

/// Pops everything until the producer is gone and the ring is empty.
fn drain_until_abandoned(consumer: &mut ringscope::Consumer<u32>) -> Vec<u32> {
    let mut received = Vec::new();
    loop {
        // Checked before draining: once it says so, everything the producer wrote is visible.
        let abandoned = consumer.is_abandoned();
        while let Some(value) = consumer.pop() {
            received.push(value);
        }
        if abandoned {
            return received;
        }
        thread::yield_now();
    }
}

/// A snapshot window whose values are their positions + 1 must be a consecutive run ending at
/// the window's end position.
fn assert_not_torn(window: &[u64], got: Window) {
    let expected: Vec<u64> = (got.end_position - got.len as u64 + 1..=got.end_position).collect();
    assert_eq!(
        &window[..got.len],
        &expected[..],
        "a window that is not torn"
    );
}

/// What a read racing the writer may give: a whole window as long as it asked for (or as was
/// written), ending at one of the positions the writer `published`; or `Raced`, nothing else.
fn assert_racing_read(result: Result<Window, SnapshotError>, window: &[u64], published: &[u64]) {
    match result {
        Ok(got) => {
            assert!(
                published.contains(&got.end_position),
                "a window ending at {}, which the writer never published (it published {published:?})",
                got.end_position
            );
            assert_eq!(got.len, window.len().min(got.end_position as usize));
            assert_not_torn(window, got);
        }
        Err(error) => assert_eq!(error, SnapshotError::Raced),
    }
}

#[test]
fn push_then_pop_keeps_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            for value in 1..=3 {
                until(|| producer.push(value).ok());
            }
        });
        for expected in 1..=3 {
            assert_eq!(until(|| consumer.pop()), expected);
        }
        writer.join().unwrap();
    });
}

#[test]
fn push_slice_then_pop_slice_keeps_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(3);
        let writer = thread::spawn(move || {
            let data = [1, 2, 3, 4];
            let mut written = 0;
            while written < data.len() {
                let end = (written + 2).min(data.len());
                written += producer.push_slice(&data[written..end]);
                thread::yield_now();
            }
        });
        let mut received: Vec<u32> = Vec::new();
        while received.len() < 4 {
            let mut dst = [0; 2];
            let n = consumer.pop_slice(&mut dst);
            received.extend_from_slice(&dst[..n]);
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3, 4]);
        writer.join().unwrap();
    });
}

#[test]
fn write_chunk_then_read_chunk_keeps_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            let mut next = 1;
            while next <= 3 {
                let mut chunk = producer.write_chunk(2);
                let (first, second) = chunk.as_mut_slices();
                let mut n = 0;
                for slot in first.iter_mut().chain(second.iter_mut()) {
                    if next + n > 3 {
                        break;
                    }
                    *slot = next + n;
                    n += 1;
                }
                chunk.commit(n as usize);
                next += n;
                thread::yield_now();
            }
        });
        let mut received: Vec<u32> = Vec::new();
        while received.len() < 3 {
            let chunk = consumer.read_chunk(2);
            let (first, second) = chunk.as_slices();
            received.extend(first.iter().chain(second));
            chunk.commit_all();
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3]);
        writer.join().unwrap();
    });
}

#[test]
fn peek_sees_the_published_value() {
    loom::model(|| {
        let (mut producer, consumer) = RingBuffer::<u32>::new(1);
        let writer = thread::spawn(move || {
            producer.push(7).unwrap();
        });
        assert_eq!(until(|| consumer.peek().copied()), 7);
        writer.join().unwrap();
    });
}

#[test]
fn clear_racing_push_loses_nothing_it_does_not_count() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            for value in 1..=3 {
                // A real-time producer never retries: refused values are dropped and counted.
                let _ = producer.push(value);
            }
        });
        let cleared = consumer.clear();
        // Drain whatever arrives after the clear, until the producer is gone.
        let after = drain_until_abandoned(&mut consumer);
        writer.join().unwrap();
        let counters = consumer.counters();
        assert!(
            after.windows(2).all(|w| w[0] < w[1]),
            "order kept: {after:?}"
        );
        assert_eq!(
            counters.written + counters.dropped,
            3,
            "every push is written or dropped"
        );
        assert_eq!(
            counters.read,
            (cleared + after.len()) as u64,
            "read counts cleared + popped"
        );
        assert_eq!(
            counters.read, counters.written,
            "everything written was read or cleared"
        );
    });
}

#[test]
fn abandoned_producer_leaves_everything_readable() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            producer.push_slice(&[1, 2]);
            drop(producer);
        });
        until(|| consumer.is_abandoned().then_some(()));
        // Acquire on the abandonment flag makes the final write position visible.
        assert_eq!(consumer.read_available(), 2);
        assert_eq!(consumer.pop(), Some(1));
        assert_eq!(consumer.pop(), Some(2));
        writer.join().unwrap();
    });
}

#[test]
fn dropped_count_is_visible_with_the_elements_written_before_it() {
    loom::model(|| {
        let (mut producer, consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            // Two fit, one is dropped, in one call.
            assert_eq!(producer.push_slice(&[1, 2, 3]), 2);
        });
        let counters = consumer.counters();
        if counters.written == 2 {
            assert_eq!(counters.dropped, 1);
        }
        writer.join().unwrap();
        assert_eq!(consumer.counters().dropped, 1);
    });
}

#[test]
fn snapshot_read_racing_writes_is_never_torn() {
    loom::model(|| {
        let (mut writer, reader) = SnapshotBuffer::<u64>::new(3);
        let writing = thread::spawn(move || {
            // Each value is its own position + 1, so a torn window is easy to spot. Capacity 3
            // claims one element at a time, publishing every position.
            writer.write(&[1, 2]);
            writer.write(&[3, 4]);
        });
        let mut window = [0; 2];
        let racing = reader.read_latest(&mut window);
        assert_racing_read(racing, &window, &[0, 1, 2, 3, 4]);
        writing.join().unwrap();
        let got = reader.read_latest(&mut window);
        assert_eq!(
            got,
            Ok(Window {
                len: 2,
                end_position: 4
            })
        );
        assert_eq!(window, [3, 4]);
        assert_eq!(reader.position(), 4);
    });
}

#[test]
fn partial_skip_racing_push_then_pop() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            for value in 1..=3 {
                let _ = producer.push(value);
            }
        });
        let skipped = consumer.skip(1);
        let after = drain_until_abandoned(&mut consumer);
        writer.join().unwrap();
        let counters = consumer.counters();
        assert!(
            after.windows(2).all(|w| w[0] < w[1]),
            "order kept: {after:?}"
        );
        assert_eq!(counters.read, (skipped + after.len()) as u64);
        assert_eq!(counters.read, counters.written);
        assert_eq!(counters.written + counters.dropped, 3);
    });
}

/// `skip` loads the producer's position Relaxed and must not cache it: popping the element
/// after a skipped one must still synchronise with its write.
#[test]
fn skip_one_of_two_then_pop() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            producer.push_slice(&[1, 2]);
        });
        if consumer.skip(1) == 1 {
            assert_eq!(consumer.pop(), Some(2));
        }
        writer.join().unwrap();
    });
}

#[test]
fn peek_pop_peek_racing_refill() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(1);
        let writer = thread::spawn(move || {
            until(|| producer.push(1).ok());
            until(|| producer.push(2).ok());
        });
        assert_eq!(until(|| consumer.peek().copied()), 1);
        assert_eq!(consumer.pop(), Some(1));
        assert_eq!(until(|| consumer.peek().copied()), 2);
        writer.join().unwrap();
    });
}

#[test]
fn read_chunk_partial_commit_racing_push_slice() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            let data = [1, 2, 3];
            let mut written = 0;
            while written < 3 {
                written += producer.push_slice(&data[written..]);
                thread::yield_now();
            }
        });
        let mut received: Vec<u32> = Vec::new();
        while received.len() < 3 {
            let chunk = consumer.read_chunk(2);
            let (first, second) = chunk.as_slices();
            if let Some(&value) = first.iter().chain(second).next() {
                received.push(value);
                chunk.commit(1);
            }
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3]);
        writer.join().unwrap();
    });
}

/// A producer that sees the consumer gone also sees everything it did before: its final read
/// position, and so the room its last pop made in a full ring, which the producer may still
/// write into (allowed, and futile).
#[test]
fn abandoned_consumer_leaves_its_final_position_visible() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(1);
        producer.push(1).unwrap();
        let reader = thread::spawn(move || {
            let popped = consumer.pop();
            drop(consumer);
            popped
        });
        until(|| producer.is_abandoned().then_some(()));
        assert_eq!(producer.counters().read, 1);
        assert_eq!(producer.write_available(), 1, "the pop's slot is free");
        assert_eq!(producer.push(2), Ok(()));
        assert_eq!(producer.push(3), Err(3));
        assert_eq!(reader.join().unwrap(), Some(1));
    });
}

#[test]
fn a_chunks_dropped_count_is_published_with_its_commit() {
    loom::model(|| {
        let (mut producer, consumer) = RingBuffer::<u32>::new(1);
        let writer = thread::spawn(move || {
            let mut chunk = producer.write_chunk(3);
            chunk.as_mut_slices().0[0] = 7;
            chunk.record_dropped(2);
            chunk.commit_all();
        });
        let counters = consumer.counters();
        if counters.written == 1 {
            assert_eq!(counters.dropped, 2);
        }
        writer.join().unwrap();
    });
}

#[test]
fn snapshot_write_longer_than_capacity_is_never_torn() {
    loom::model(|| {
        let (mut writer, reader) = SnapshotBuffer::<u64>::new(2);
        let writing = thread::spawn(move || {
            writer.write(&[1]);
            writer.write(&[2, 3, 4]);
        });
        let mut window = [0; 2];
        let racing = reader.read_latest(&mut window);
        // The long write is claimed and published whole: positions 2 and 3 are never an end.
        assert_racing_read(racing, &window, &[0, 1, 4]);
        writing.join().unwrap();
        let got = reader.read_latest(&mut window);
        assert_eq!(
            got,
            Ok(Window {
                len: 2,
                end_position: 4
            })
        );
        assert_eq!(window, [3, 4]);
    });
}

#[test]
fn snapshot_window_of_the_whole_capacity_is_never_torn() {
    loom::model(|| {
        let (mut writer, reader) = SnapshotBuffer::<u64>::new(2);
        let writing = thread::spawn(move || {
            writer.write(&[1, 2]);
            writer.write(&[3]);
        });
        let mut window = [0; 2];
        let racing = reader.read_latest(&mut window);
        assert_racing_read(racing, &window, &[0, 1, 2, 3]);
        writing.join().unwrap();
        let got = reader.read_latest(&mut window);
        assert_eq!(
            got,
            Ok(Window {
                len: 2,
                end_position: 3
            })
        );
        assert_eq!(window, [2, 3]);
    });
}

/// `write_chunk` default-fills every slot it lends while the consumer pops the element before
/// them. The fill must write only free slots (a data race on a slot fails the model) and lend
/// them all holding the default, slot 0 too (lent again only if the pop has freed it), whose
/// stale element is overwritten.
#[test]
fn write_chunk_default_fill_racing_pop() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(3);
        producer.push(1).unwrap();
        let writer = thread::spawn(move || {
            let mut chunk = producer.write_chunk(3);
            let len = chunk.len();
            let (first, second) = chunk.as_mut_slices();
            assert_eq!(first, [0, 0], "slots 1 and 2 hold the default");
            assert_eq!(
                second,
                &[0][..len - 2],
                "slot 0, if lent, holds the default"
            );
            for (slot, value) in first.iter_mut().chain(second.iter_mut()).zip(2..) {
                *slot = value;
            }
            chunk.commit_all();
            len
        });
        let received = drain_until_abandoned(&mut consumer);
        let len = writer.join().unwrap() as u32;
        assert_eq!(received, (1..=len + 1).collect::<Vec<u32>>());
    });
}

/// `write_chunk_uninit` and its `unsafe` commit racing `pop_slice` and `pop`: a slot written
/// but not committed is never read, and the second chunk wraps into slot 0 only once the
/// consumer has read it (a data race on a slot fails the model).
#[test]
fn write_chunk_uninit_commit_racing_pop_and_pop_slice() {
    loom::model(|| {
        let (mut producer, mut consumer) = RingBuffer::<u32>::new(2);
        let writer = thread::spawn(move || {
            let mut chunk = producer.write_chunk_uninit(2);
            let (first, second) = chunk.as_mut_slices();
            assert_eq!((first.len(), second.len()), (2, 0));
            first[0].write(1);
            first[1].write(99);
            // SAFETY: the first slot was written just above (the second too, but it stays
            // unpublished until the next chunk overwrites it).
            unsafe { chunk.commit(1) };
            let mut chunk = producer.write_chunk_uninit(2);
            let len = chunk.len();
            let (first, second) = chunk.as_mut_slices();
            assert_eq!((first.len(), second.len()), (1, len - 1));
            for (slot, value) in first.iter_mut().chain(second.iter_mut()).zip(2..) {
                slot.write(value);
            }
            // SAFETY: every slot of the chunk was written in the loop above.
            unsafe { chunk.commit_all() };
            len
        });
        let mut received = Vec::new();
        loop {
            let abandoned = consumer.is_abandoned();
            let mut dst = [0; 2];
            let n = consumer.pop_slice(&mut dst);
            received.extend_from_slice(&dst[..n]);
            received.extend(consumer.pop());
            // Once abandoned, one `pop_slice` of the whole capacity has taken everything.
            if abandoned {
                break;
            }
            thread::yield_now();
        }
        let len = writer.join().unwrap() as u32;
        assert_eq!(received, (1..=len + 1).collect::<Vec<u32>>());
        assert_eq!(consumer.counters().written, u64::from(len) + 1);
    });
}

/// The byte ring: slices of whole elements and a stray partial one, between two threads.
#[test]
fn bytes_push_slice_then_pop_slice_keeps_whole_elements_in_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            let mut next = 1;
            while next <= 3 {
                // Two elements and one stray byte, which must never be written.
                let data = [&element(next)[..], &element(next + 1), &[0xff]].concat();
                let n = if next == 3 { ES + 1 } else { data.len() };
                next += producer.push_slice(&data[..n]) as u8;
                thread::yield_now();
            }
        });
        let mut received = Vec::new();
        let mut dst = [0; 2 * ES + 2];
        while received.len() < 3 {
            let n = consumer.pop_slice(&mut dst);
            received.extend(values(&dst[..n * ES]));
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3]);
        writer.join().unwrap();
        assert_eq!(consumer.read_available(), 0, "the stray byte is no element");
    });
}

/// The byte ring's chunks, a partial commit on each side.
#[test]
fn bytes_write_chunk_then_read_chunk_keeps_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            let mut next = 1;
            while next <= 3 {
                let mut chunk = producer.write_chunk(2);
                let (first, second) = chunk.as_mut_slices();
                let mut n = 0;
                for slot in first
                    .chunks_exact_mut(ES)
                    .chain(second.chunks_exact_mut(ES))
                {
                    if next + n > 3 {
                        break;
                    }
                    slot.copy_from_slice(&element(next + n));
                    n += 1;
                }
                chunk.commit(n as usize);
                next += n;
                thread::yield_now();
            }
        });
        let mut received = Vec::new();
        while received.len() < 3 {
            let chunk = consumer.read_chunk(2);
            let (first, second) = chunk.as_slices();
            let got = values(&[first, second].concat());
            if let Some(&value) = got.first() {
                received.push(value);
                chunk.commit(1);
            }
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3]);
        writer.join().unwrap();
    });
}

/// The byte ring's raw regions: written through the pointers, then advanced; read through
/// the pointers, then advanced. The second write wraps into slot 0 only once it is read.
#[test]
fn bytes_write_regions_then_read_regions_keeps_order() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            let mut next = 1;
            while next <= 3 {
                let regions = producer.write_regions(2);
                let n = (regions.first_len + regions.second_len).min(usize::from(4 - next));
                for i in 0..n {
                    let at = if i < regions.first_len {
                        regions.first.wrapping_add(i * ES)
                    } else {
                        regions.second.wrapping_add((i - regions.first_len) * ES)
                    };
                    // SAFETY: element `i` of the free regions, the producer's until it advances.
                    unsafe { at.copy_from_nonoverlapping(element(next + i as u8).as_ptr(), ES) };
                }
                producer.advance_write(n);
                next += n as u8;
                thread::yield_now();
            }
        });
        let mut received = Vec::new();
        while received.len() < 3 {
            let regions = consumer.read_regions(1);
            if regions.first_len == 1 {
                // SAFETY: one published element at `first`, kept until `advance_read`.
                let bytes = unsafe { std::slice::from_raw_parts(regions.first, ES) };
                received.extend(values(bytes));
                consumer.advance_read(1);
            }
            thread::yield_now();
        }
        assert_eq!(received, [1, 2, 3]);
        writer.join().unwrap();
    });
}

#[test]
fn bytes_clear_racing_push_loses_nothing_it_does_not_count() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            for value in 1..=3 {
                let _ = producer.push_slice(&element(value));
            }
        });
        let cleared = consumer.clear();
        let after = drain_bytes_until_abandoned(&mut consumer);
        writer.join().unwrap();
        let counters = consumer.counters();
        assert!(
            after.windows(2).all(|w| w[0] < w[1]),
            "order kept: {after:?}"
        );
        assert_eq!(counters.written + counters.dropped, 3);
        assert_eq!(counters.read, (cleared + after.len()) as u64);
        assert_eq!(counters.read, counters.written);
    });
}

/// `skip` loads the producer's position Relaxed and must not cache it: popping the element
/// after a skipped one must still synchronise with its write.
#[test]
fn bytes_skip_one_of_two_then_pop() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            producer.push_slice(&[element(1), element(2)].concat());
        });
        if consumer.skip(1) == 1 {
            let mut dst = [0; ES];
            assert_eq!(consumer.pop_slice(&mut dst), 1);
            assert_eq!(dst, element(2));
        }
        writer.join().unwrap();
    });
}

#[test]
fn bytes_abandoned_producer_leaves_everything_readable() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 2).unwrap();
        let writer = thread::spawn(move || {
            producer.push_slice(&[element(1), element(2)].concat());
            drop(producer);
        });
        until(|| consumer.is_abandoned().then_some(()));
        let mut dst = [0; 2 * ES];
        assert_eq!(consumer.pop_slice(&mut dst), 2);
        assert_eq!(values(&dst), [1, 2]);
        writer.join().unwrap();
    });
}

#[test]
fn bytes_abandoned_consumer_leaves_its_final_position_visible() {
    loom::model(|| {
        let (mut producer, mut consumer) = bytes::RingBuffer::new(ES, 1).unwrap();
        producer.push_slice(&element(1));
        let reader = thread::spawn(move || {
            let mut dst = [0; ES];
            let popped = consumer.pop_slice(&mut dst);
            drop(consumer);
            (popped, dst)
        });
        until(|| producer.is_abandoned().then_some(()));
        assert_eq!(producer.counters().read, 1);
        assert_eq!(producer.write_available(), 1, "the pop's slot is free");
        assert_eq!(producer.push_slice(&element(2)), 1);
        assert_eq!(reader.join().unwrap(), (1, element(1)));
    });
}
