//! Unit tests of what the public API cannot reach: positions near the `u64` wrap.

use super::*;

#[test]
fn totals_cross_the_u64_wrap_without_losing_order() {
    let start = u64::MAX - 1000;
    let (mut producer, mut consumer) = RingBuffer::<u64>::starting_at(7, start);
    let mut next_in = 0_u64;
    let mut next_out = 0_u64;
    let mut dst = [0_u64; 5];
    while next_out < 5000 {
        let block: Vec<u64> = (next_in..next_in + 4).collect();
        next_in += producer.push_slice(&block) as u64;
        let n = consumer.pop_slice(&mut dst);
        for &v in &dst[..n] {
            assert_eq!(v, next_out);
            next_out += 1;
        }
        assert!(consumer.read_available() <= 7);
        assert!(producer.write_available() <= 7);
    }
    let counters = consumer.counters();
    assert_eq!(counters.written, start.wrapping_add(next_in));
    assert_eq!(counters.read, start.wrapping_add(next_out));
    assert!(counters.written < start, "the total wrapped past u64::MAX");
}

#[test]
fn two_threads_cross_the_u64_wrap_without_losing_order() {
    const TOTAL: u64 = 2_000_000;
    let start = u64::MAX - TOTAL / 2;
    let (mut producer, mut consumer) = RingBuffer::<u64>::starting_at(97, start);
    let writer = std::thread::spawn(move || {
        let mut next = 0_u64;
        let mut block = [0_u64; 61];
        while next < TOTAL {
            let n = block.len().min((TOTAL - next) as usize);
            for (i, slot) in block[..n].iter_mut().enumerate() {
                *slot = next + i as u64;
            }
            let free = producer.write_available().min(n);
            next += producer.push_slice(&block[..free]) as u64;
        }
    });
    let mut expected = 0_u64;
    let mut dst = [0_u64; 53];
    while expected < TOTAL {
        let n = consumer.pop_slice(&mut dst);
        for &value in &dst[..n] {
            assert_eq!(value, expected);
            expected += 1;
        }
    }
    writer.join().unwrap();
    let counters = consumer.counters();
    assert_eq!(counters.written, start.wrapping_add(TOTAL));
    assert_eq!(counters.read, counters.written);
    assert_eq!(counters.dropped, 0);
    assert!(counters.written < start, "the total wrapped past u64::MAX");
}

#[test]
fn byte_ring_totals_cross_the_u64_wrap_whole_elements_in_order() {
    let start = u64::MAX - 100;
    let (mut producer, mut consumer) = bytes::RingBuffer::starting_at(3, 7, start).unwrap();
    let mut next_in = 0_u8;
    let mut next_out = 0_u8;
    let mut dst = [0_u8; 3 * 5];
    for _ in 0..200 {
        // Four elements of three equal bytes, plus a partial one that must never be written.
        let block: Vec<u8> = (0..4)
            .flat_map(|i| [next_in.wrapping_add(i); 3])
            .chain([0xff])
            .collect();
        next_in = next_in.wrapping_add(producer.push_slice(&block) as u8);
        let n = consumer.pop_slice(&mut dst);
        for element in dst[..n * 3].chunks_exact(3) {
            assert_eq!(element, [next_out; 3]);
            next_out = next_out.wrapping_add(1);
        }
    }
    assert!(
        consumer.counters().written < start,
        "the total wrapped past u64::MAX"
    );
}

#[test]
fn skip_after_a_stale_cache_never_reports_a_wrapped_count() {
    let (mut producer, mut consumer) = RingBuffer::<u8>::new(4);
    producer.push_slice(&[1, 2, 3]);
    // The consumer's cache still says "empty"; skipping loads without caching.
    assert_eq!(consumer.skip(2), 2);
    assert_eq!(consumer.read_available(), 1);
    assert_eq!(consumer.pop(), Some(3));
    assert_eq!(consumer.read_available(), 0);
}

#[test]
fn zero_sized_elements_are_counted() {
    let (mut producer, mut consumer) = RingBuffer::<()>::new(3);
    assert_eq!(producer.push_slice(&[(); 5]), 3);
    assert_eq!(consumer.pop_slice(&mut [(); 2]), 2);
    assert_eq!(
        consumer.counters(),
        Counters {
            written: 3,
            read: 2,
            dropped: 2
        }
    );
}

#[test]
#[should_panic(expected = "capacity must be at least 1")]
fn zero_capacity_is_refused() {
    let _ = RingBuffer::<f32>::new(0);
}

#[test]
#[should_panic(expected = "capacity exceeds the address space")]
fn an_impossible_capacity_is_refused() {
    let _ = RingBuffer::<u64>::new(usize::MAX / 4);
}

#[test]
#[should_panic(expected = "commit(3) of a 2-slot WriteChunk")]
fn committing_more_than_the_chunk_panics() {
    let (mut producer, _consumer) = RingBuffer::<f32>::new(2);
    producer.write_chunk(5).commit(3);
}

#[test]
fn a_de_initialised_slot_is_lent_as_the_default() {
    let (mut producer, mut consumer) = RingBuffer::<u8>::new(1);
    producer.push(7).unwrap();
    assert_eq!(consumer.pop(), Some(7));
    let mut chunk = producer.write_chunk_uninit(1);
    chunk.as_mut_slices().0[0] = core::mem::MaybeUninit::uninit();
    drop(chunk);
    let mut chunk = producer.write_chunk(1);
    assert_eq!(
        chunk.as_mut_slices().0[0],
        0,
        "the default, not the stale 7"
    );
    chunk.commit_all();
    assert_eq!(consumer.pop(), Some(0));
}

/// The byte ring's API, call by call (its doc examples cover the common cases).
mod byte_ring {
    use crate::Counters;
    use crate::ring::bytes::{NewError, RingBuffer};

    #[test]
    fn construction_errors_are_values_not_aborts() {
        assert_eq!(
            RingBuffer::new(0, 1).unwrap_err(),
            NewError::ZeroElementSize
        );
        assert_eq!(RingBuffer::new(1, 0).unwrap_err(), NewError::ZeroCapacity);
        assert_eq!(
            RingBuffer::new(usize::MAX, 2).unwrap_err(),
            NewError::TooLarge
        );
        // Fits `usize`, not `isize`.
        assert_eq!(
            RingBuffer::new(1, usize::MAX / 2 + 1).unwrap_err(),
            NewError::TooLarge
        );
        // Fits `isize`, but no allocator has it.
        assert_eq!(
            RingBuffer::new(1, isize::MAX as usize - 1000).unwrap_err(),
            NewError::AllocationFailed
        );
        let error: Box<dyn std::error::Error> = Box::new(NewError::ZeroCapacity);
        assert_eq!(error.to_string(), "capacity must be at least 1 element");
    }

    #[test]
    fn the_slots_start_zeroed_and_aligned() {
        let (mut producer, _consumer) = RingBuffer::new(5, 7).unwrap();
        let mut chunk = producer.write_chunk(7);
        let (first, second) = chunk.as_mut_slices();
        assert_eq!((first.len(), second.len()), (35, 0));
        assert!(first.iter().all(|&b| b == 0));
        assert_eq!(first.as_ptr() as usize % 128, 0);
    }

    #[test]
    fn a_push_writes_whole_elements_only() {
        let (mut producer, mut consumer) = RingBuffer::new(4, 3).unwrap();
        // Two whole elements and three stray bytes: the stray bytes are not an element.
        assert_eq!(producer.push_slice(b"aaaabbbbccc"), 2);
        assert_eq!(
            producer.counters(),
            Counters {
                written: 2,
                read: 0,
                dropped: 0
            }
        );
        // Three whole elements, one fits: two dropped.
        assert_eq!(producer.push_slice(b"ccccddddeeee"), 1);
        assert_eq!(producer.counters().dropped, 2);
        // Too short for one element: nothing at all.
        consumer.skip(1);
        assert_eq!(producer.push_slice(b"xyz"), 0);
        assert_eq!(producer.counters().dropped, 2);
        let mut dst = [b'-'; 11];
        assert_eq!(consumer.pop_slice(&mut dst), 2);
        assert_eq!(&dst, b"bbbbcccc---");
    }

    #[test]
    fn chunks_wrap_in_element_units() {
        let (mut producer, mut consumer) = RingBuffer::new(3, 4).unwrap();
        producer.push_slice(&[1; 9]);
        assert_eq!(consumer.skip(3), 3);
        let mut chunk = producer.write_chunk(4);
        assert_eq!(chunk.len(), 4);
        let (first, second) = chunk.as_mut_slices();
        assert_eq!((first.len(), second.len()), (3, 9));
        first.fill(2);
        second.fill(3);
        chunk.record_dropped(5);
        chunk.commit(3);
        let chunk = consumer.read_chunk(10);
        assert_eq!(chunk.len(), 3);
        assert_eq!(chunk.as_slices(), (&[2_u8; 3][..], &[3_u8; 6][..]));
        chunk.commit_all();
        assert_eq!(
            consumer.counters(),
            Counters {
                written: 6,
                read: 6,
                dropped: 5
            }
        );
    }

    #[test]
    fn regions_lend_raw_memory_until_advanced() {
        let (mut producer, mut consumer) = RingBuffer::new(2, 3).unwrap();
        let regions = producer.write_regions(5);
        assert_eq!((regions.first_len, regions.second_len), (3, 0));
        // SAFETY: three free elements of two bytes at `first`, ours until `advance_write`.
        unsafe {
            regions
                .first
                .copy_from_nonoverlapping(b"aabbcc".as_ptr(), 6)
        };
        assert_eq!(consumer.read_available(), 0, "nothing published yet");
        producer.advance_write(2);
        let regions = consumer.read_regions(5);
        assert_eq!((regions.first_len, regions.second_len), (2, 0));
        // SAFETY: two published elements at `first`, kept until `advance_read`.
        let published = unsafe { std::slice::from_raw_parts(regions.first, 4) };
        assert_eq!(published, b"aabb");
        consumer.advance_read(1);
        // The regions now wrap: elements 2 and 0 are free.
        let regions = producer.write_regions(2);
        assert_eq!((regions.first_len, regions.second_len), (1, 1));
        assert_eq!(
            regions.second.cast_const(),
            regions.first.wrapping_sub(4).cast_const()
        );
        producer.advance_write(2);
        assert_eq!(consumer.read_available(), 3);
    }

    #[test]
    #[should_panic(expected = "advance_write(4) with 3 elements free")]
    fn advancing_past_the_free_elements_panics() {
        let (mut producer, _consumer) = RingBuffer::new(2, 3).unwrap();
        producer.advance_write(4);
    }

    #[test]
    #[should_panic(expected = "advance_read(1) with 0 elements readable")]
    fn advancing_past_the_readable_elements_panics() {
        let (_producer, mut consumer) = RingBuffer::new(2, 3).unwrap();
        consumer.advance_read(1);
    }

    #[test]
    #[should_panic(expected = "commit(2) of a 1-element WriteChunk")]
    fn committing_more_than_the_chunk_panics() {
        let (mut producer, _consumer) = RingBuffer::new(2, 1).unwrap();
        producer.write_chunk(3).commit(2);
    }

    #[test]
    fn clear_and_abandonment_count_elements() {
        let (mut producer, mut consumer) = RingBuffer::new(8, 16).unwrap();
        producer.push_slice(&[0; 8 * 5]);
        assert_eq!(consumer.clear(), 5);
        producer.push_slice(&[0; 8]);
        drop(producer);
        assert!(consumer.is_abandoned());
        assert_eq!(consumer.read_available(), 1);
        assert_eq!(
            consumer.counters(),
            Counters {
                written: 6,
                read: 5,
                dropped: 0
            }
        );
        assert!(format!("{consumer:?}").contains("element_size: 8"));
    }
}
