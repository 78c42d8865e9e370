//! Two-thread stress tests: real threads, real hardware reordering, many index wrap-arounds.
//!
//! Run at full size (10⁸ elements) in a release build, as `scripts/test.sh` does:
//! `cargo test --release --test stress`. Debug builds move fewer elements, so that a plain
//! `cargo test` stays quick; `RINGSCOPE_STRESS_ELEMENTS` overrides the count.

use std::thread;

use ringscope::snapshot::SnapshotBuffer;
use ringscope::{RingBuffer, bytes};

fn element_count(release: u64, debug: u64) -> u64 {
    std::env::var("RINGSCOPE_STRESS_ELEMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            debug
        } else {
            release
        })
}

/// xorshift64*: deterministic, fast, good enough to pick chunk sizes and operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Sequence numbers go in; every one must come out once, in order, whatever mix of calls and
/// chunk sizes each side uses. A capacity that is not a power of two and chunks up to 3× the
/// capacity make both slot indices wrap around the end of the allocation every few calls.
#[test]
fn hundred_million_sequence_numbers_arrive_once_and_in_order() {
    const CAPACITY: usize = 1_021;
    /// The length of the first region of a chunk of `len` slots from `position`: up to the end
    /// of the allocation.
    fn split_at(position: u64, len: usize) -> usize {
        len.min(CAPACITY - (position % CAPACITY as u64) as usize)
    }
    let total = element_count(100_000_000, 2_000_000);
    let (mut producer, mut consumer) = RingBuffer::<u64>::new(CAPACITY);

    let writer = thread::spawn(move || {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut next = 0_u64;
        let mut refused = 0_u64;
        // Chunks whose slots wrapped around the end of the allocation (a non-empty second
        // region), as the ring itself lent them.
        let mut split_chunks = 0_u64;
        let mut block = vec![0_u64; 3 * CAPACITY];
        while next < total {
            let want = (1 + rng.below(3 * CAPACITY as u64)).min(total - next) as usize;
            let written = match rng.below(4) {
                0 => {
                    for (i, slot) in block[..want].iter_mut().enumerate() {
                        *slot = next + i as u64;
                    }
                    let written = producer.push_slice(&block[..want]);
                    refused += (want - written) as u64;
                    written
                }
                1 => {
                    let mut chunk = producer.write_chunk(want);
                    let written = chunk.len();
                    let (first, second) = chunk.as_mut_slices();
                    assert_eq!(first.len(), split_at(next, written), "chunk split point");
                    split_chunks += u64::from(!second.is_empty());
                    for (i, slot) in first.iter_mut().chain(second.iter_mut()).enumerate() {
                        let position = next + i as u64;
                        // Every lent slot holds the default, never the element a lap ago.
                        assert_eq!(*slot, 0, "slot of position {position} lent holding {slot}");
                        *slot = position;
                    }
                    chunk.commit_all();
                    written
                }
                2 => {
                    let mut chunk = producer.write_chunk_uninit(want);
                    let written = chunk.len();
                    let (first, second) = chunk.as_mut_slices();
                    assert_eq!(first.len(), split_at(next, written), "chunk split point");
                    split_chunks += u64::from(!second.is_empty());
                    for (i, slot) in first.iter_mut().chain(second.iter_mut()).enumerate() {
                        slot.write(next + i as u64);
                    }
                    // SAFETY: every slot of the chunk was written in the loop above.
                    unsafe { chunk.commit_all() };
                    written
                }
                _ => match producer.push(next) {
                    Ok(()) => 1,
                    Err(_) => {
                        refused += 1;
                        0
                    }
                },
            };
            next += written as u64;
            // Yield when the ring is full, and now and then at random: where the two threads
            // share a core, a side that ran until the other's position every time would keep
            // both positions at multiples of the capacity, and no call would ever wrap.
            if written == 0 || rng.below(16) == 0 {
                thread::yield_now();
            }
        }
        (refused, split_chunks, producer.counters())
    });

    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut expected = 0_u64;
    let mut split_chunks = 0_u64;
    let mut block = vec![0_u64; 3 * CAPACITY];
    while expected < total {
        let want = 1 + rng.below(3 * CAPACITY as u64) as usize;
        let read = match rng.below(5) {
            0 => {
                let n = consumer.pop_slice(&mut block[..want]);
                for &value in &block[..n] {
                    assert_eq!(value, expected, "lost, duplicated or reordered");
                    expected += 1;
                }
                n
            }
            1 => {
                let chunk = consumer.read_chunk(want);
                let (first, second) = chunk.as_slices();
                assert_eq!(
                    first.len(),
                    split_at(expected, chunk.len()),
                    "chunk split point"
                );
                split_chunks += u64::from(!second.is_empty());
                for &value in first.iter().chain(second) {
                    assert_eq!(value, expected, "lost, duplicated or reordered");
                    expected += 1;
                }
                let n = chunk.len();
                chunk.commit_all();
                n
            }
            3 => {
                // Skipping loads the producer's position without caching it: what comes after
                // must still arrive intact and in order.
                let n = consumer.skip(want.min(8));
                expected += n as u64;
                n
            }
            2 => match consumer.peek().copied() {
                Some(value) => {
                    assert_eq!(value, expected, "peek shows the oldest element");
                    assert_eq!(consumer.pop(), Some(value), "pop takes what peek showed");
                    expected += 1;
                    1
                }
                None => 0,
            },
            _ => match consumer.pop() {
                Some(value) => {
                    assert_eq!(value, expected, "lost, duplicated or reordered");
                    expected += 1;
                    1
                }
                None => 0,
            },
        };
        if read == 0 || rng.below(16) == 0 {
            thread::yield_now();
        }
    }

    let (refused, producer_split_chunks, producer_counters) = writer.join().unwrap();
    let laps = total / CAPACITY as u64;
    eprintln!(
        "{total} elements moved ({laps} laps), {refused} refusals; chunks split across the end \
         of the slots: {producer_split_chunks} written, {split_chunks} read"
    );
    assert_eq!(
        consumer.pop(),
        None,
        "nothing beyond the last sequence number"
    );
    let counters = consumer.counters();
    assert_eq!(counters.written, total);
    assert_eq!(
        counters.read, total,
        "read counts popped and skipped elements"
    );
    assert_eq!(counters.dropped, refused, "every refusal counted once");
    assert_eq!(producer_counters.written, total);
    assert_eq!(producer_counters.dropped, refused);
    // Each lap crosses the end of the allocation once, in one call of one side's; a chunk call
    // is that call on about a third of the laps (more for the producer, whose chunks are long).
    // Require an eighth, measured: chunks the ring actually lent in two regions.
    for (side, split) in [("written", producer_split_chunks), ("read", split_chunks)] {
        assert!(
            split >= laps / 8,
            "only {split} {side} chunks wrapped around the end of the slots in {laps} laps"
        );
    }
}

/// The byte ring's element in the stress test: 12 bytes (not a power of two, so elements
/// straddle cache lines and the end of the slots at every offset), the sequence number and a
/// check word derived from it, so that a torn or shifted element is caught.
const ELEMENT: usize = 12;

fn encode(sequence: u64, out: &mut [u8]) {
    out[..8].copy_from_slice(&sequence.to_le_bytes());
    out[8..].copy_from_slice(&(sequence as u32 ^ 0x5bd1_e995).rotate_left(7).to_le_bytes());
}

/// Checks that `data` holds whole elements `expected, expected + 1, …`; returns how many.
fn check_elements(data: &[u8], expected: &mut u64) -> usize {
    assert_eq!(data.len() % ELEMENT, 0, "whole elements only");
    let mut want = [0_u8; ELEMENT];
    for element in data.chunks_exact(ELEMENT) {
        encode(*expected, &mut want);
        if element != want {
            let got = u64::from_le_bytes(element[..8].try_into().unwrap());
            panic!(
                "element {expected}: got {element:?} (sequence {got}): lost, duplicated, reordered or torn"
            );
        }
        *expected += 1;
    }
    data.len() / ELEMENT
}

/// The byte ring under the same load: whole 12-byte elements through every producer call
/// (`push_slice` with a stray partial element, `write_chunk`, `write_regions`) and every
/// consumer call (`pop_slice`, `read_chunk`, `read_regions`, `skip`); every element must come
/// out once, in order, and whole.
#[test]
fn hundred_million_byte_elements_arrive_once_in_order_and_whole() {
    const CAPACITY: usize = 1_021;
    let total = element_count(100_000_000, 2_000_000);
    let (mut producer, mut consumer) = bytes::RingBuffer::new(ELEMENT, CAPACITY).unwrap();

    let writer = thread::spawn(move || {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut next = 0_u64;
        let mut refused = 0_u64;
        let mut split = 0_u64;
        let mut block = vec![0_u8; 3 * CAPACITY * ELEMENT + ELEMENT];
        while next < total {
            let want = (1 + rng.below(3 * CAPACITY as u64)).min(total - next) as usize;
            let written = match rng.below(3) {
                0 => {
                    for (i, e) in block[..want * ELEMENT]
                        .chunks_exact_mut(ELEMENT)
                        .enumerate()
                    {
                        encode(next + i as u64, e);
                    }
                    // A stray partial element after the whole ones is never written.
                    let stray = rng.below(ELEMENT as u64) as usize;
                    block[want * ELEMENT..want * ELEMENT + stray].fill(0xee);
                    let written = producer.push_slice(&block[..want * ELEMENT + stray]);
                    refused += (want - written) as u64;
                    written
                }
                1 => {
                    let mut chunk = producer.write_chunk(want);
                    let written = chunk.len();
                    let (first, second) = chunk.as_mut_slices();
                    split += u64::from(!second.is_empty());
                    for (i, e) in first
                        .chunks_exact_mut(ELEMENT)
                        .chain(second.chunks_exact_mut(ELEMENT))
                        .enumerate()
                    {
                        encode(next + i as u64, e);
                    }
                    chunk.commit_all();
                    written
                }
                _ => {
                    let regions = producer.write_regions(want);
                    split += u64::from(regions.second_len > 0);
                    let written = regions.first_len + regions.second_len;
                    // SAFETY: the regions are `written` free elements, the producer's until it
                    // advances; nothing else touches them meanwhile.
                    let (first, second) = unsafe {
                        (
                            std::slice::from_raw_parts_mut(
                                regions.first,
                                regions.first_len * ELEMENT,
                            ),
                            std::slice::from_raw_parts_mut(
                                regions.second,
                                regions.second_len * ELEMENT,
                            ),
                        )
                    };
                    for (i, e) in first
                        .chunks_exact_mut(ELEMENT)
                        .chain(second.chunks_exact_mut(ELEMENT))
                        .enumerate()
                    {
                        encode(next + i as u64, e);
                    }
                    producer.advance_write(written);
                    written
                }
            };
            next += written as u64;
            if written == 0 || rng.below(16) == 0 {
                thread::yield_now();
            }
        }
        (refused, split, producer.counters())
    });

    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut expected = 0_u64;
    let mut split = 0_u64;
    let mut block = vec![0_u8; 3 * CAPACITY * ELEMENT + ELEMENT];
    while expected < total {
        let want = 1 + rng.below(3 * CAPACITY as u64) as usize;
        let read = match rng.below(4) {
            0 => {
                // Room for `want` elements and a few stray bytes, which must stay unwritten.
                let stray = rng.below(ELEMENT as u64) as usize;
                let dst = &mut block[..want * ELEMENT + stray];
                let n = consumer.pop_slice(dst);
                check_elements(&dst[..n * ELEMENT], &mut expected)
            }
            1 => {
                let chunk = consumer.read_chunk(want);
                let (first, second) = chunk.as_slices();
                split += u64::from(!second.is_empty());
                check_elements(first, &mut expected);
                check_elements(second, &mut expected);
                let n = chunk.len();
                chunk.commit_all();
                n
            }
            2 => {
                let regions = consumer.read_regions(want);
                split += u64::from(regions.second_len > 0);
                // SAFETY: published elements, kept until `advance_read`.
                let (first, second) = unsafe {
                    (
                        std::slice::from_raw_parts(regions.first, regions.first_len * ELEMENT),
                        std::slice::from_raw_parts(regions.second, regions.second_len * ELEMENT),
                    )
                };
                check_elements(first, &mut expected);
                check_elements(second, &mut expected);
                let n = regions.first_len + regions.second_len;
                consumer.advance_read(n);
                n
            }
            _ => {
                let n = consumer.skip(want.min(8));
                expected += n as u64;
                n
            }
        };
        if read == 0 || rng.below(16) == 0 {
            thread::yield_now();
        }
    }

    let (refused, producer_split, producer_counters) = writer.join().unwrap();
    let laps = total / CAPACITY as u64;
    eprintln!(
        "byte ring: {total} elements of {ELEMENT} bytes moved ({laps} laps), {refused} \
         refusals; chunks and regions split across the end: {producer_split} written, {split} read"
    );
    assert_eq!(
        consumer.read_available(),
        0,
        "nothing beyond the last sequence number"
    );
    let counters = consumer.counters();
    assert_eq!((counters.written, counters.read), (total, total));
    assert_eq!(
        counters.dropped, refused,
        "every refused whole element counted once, no stray bytes"
    );
    assert_eq!(producer_counters.dropped, refused);
    for (side, split) in [("written", producer_split), ("read", split)] {
        assert!(
            split >= laps / 8,
            "only {split} {side} chunks wrapped around the end in {laps} laps"
        );
    }
}

/// A writer that never waits, a reader copying the newest window as fast as it can: every
/// window the reader accepts must be a run of consecutive sequence numbers ending where the
/// reader was told it ends.
#[test]
fn snapshot_windows_are_never_torn() {
    const CAPACITY: usize = 4_096;
    const WINDOW: usize = 1_024;
    let total = element_count(20_000_000, 1_000_000);
    let (mut writer, reader) = SnapshotBuffer::<u64>::new(CAPACITY);

    let writing = thread::spawn(move || {
        let mut rng = Rng(42);
        let mut block = vec![0_u64; CAPACITY];
        let mut next = 1_u64;
        while next <= total {
            let len = (1 + rng.below(CAPACITY as u64 / 4)).min(total - next + 1) as usize;
            for (i, slot) in block[..len].iter_mut().enumerate() {
                *slot = next + i as u64;
            }
            writer.write(&block[..len]);
            next += len as u64;
        }
    });

    let mut window = vec![0_u64; WINDOW];
    let mut accepted = 0_u64;
    loop {
        let done = writing.is_finished();
        if let Ok(got) = reader.read_latest(&mut window) {
            let first = got.end_position - got.len as u64 + 1;
            for (i, &value) in window[..got.len].iter().enumerate() {
                assert_eq!(
                    value,
                    first + i as u64,
                    "torn window ending at {}",
                    got.end_position
                );
            }
            accepted += 1;
        }
        if done {
            break;
        }
    }
    writing.join().unwrap();
    let got = reader.read_latest(&mut window).unwrap();
    assert_eq!(got.end_position, total);
    assert_eq!(window[WINDOW - 1], total);
    eprintln!("{total} elements, {accepted} windows accepted");
    assert!(
        accepted > 10,
        "the reader got {accepted} windows while the writer ran"
    );
}
