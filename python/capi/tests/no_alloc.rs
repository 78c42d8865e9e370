//! The C API's real-time functions allocate nothing: a counting global allocator watches every
//! `ringscope_*` call except `ringscope_ring_new` and the releases, on one thread and on two threads
//! racing each other, across many wrap-arounds of a ring of odd element size and capacity.
//! (No lock and no system call: the seccomp test in `python/tests/test_c_thread.py` runs the same
//! functions in threads that the kernel kills on any system call.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ringscope_capi::*;

/// Counts, per thread, the allocations, reallocations and deallocations of threads that opted in.
struct Counting;

thread_local! {
    // const-initialised: using them never allocates (or recurses into the allocator).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static EVENTS: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    if COUNTING.with(Cell::get) {
        EVENTS.with(|e| e.set(e.get() + 1));
    }
}

// SAFETY: forwards every call to the system allocator unchanged; counting has no effect on it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note();
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` with this thread's allocator events counted, returning how many there were.
fn allocator_events(f: impl FnOnce()) -> usize {
    let before = EVENTS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    EVENTS.with(Cell::get) - before
}

const ELEMENT: usize = 6; // not a power of two
const CAPACITY: usize = 37; // not a power of two

fn new_ring() -> (*mut RingscopeProducer, *mut RingscopeConsumer) {
    let mut p = std::ptr::null_mut();
    let mut c = std::ptr::null_mut();
    // SAFETY: both out-pointers are valid locals.
    let status = unsafe { ringscope_ring_new(ELEMENT, CAPACITY, &mut p, &mut c) };
    assert_eq!(status, RINGSCOPE_OK);
    (p, c)
}

/// One producer step: a push, or a zero-copy write through the regions, of `n` elements
/// numbered from `*next`.
///
/// # Safety
/// `p` is a live producer handle used by this thread only.
unsafe fn produce(p: *mut RingscopeProducer, next: &mut u16, n: usize, zero_copy: bool) -> usize {
    let mut block = [0u8; ELEMENT * 8];
    let n = n.min(8);
    let written = if zero_copy {
        let mut r = RingscopeWriteRegions {
            first: std::ptr::null_mut(),
            first_len: 0,
            second: std::ptr::null_mut(),
            second_len: 0,
        };
        // SAFETY: live handle, valid out-pointer.
        let lent = unsafe { ringscope_producer_write_regions(p, n, &mut r) };
        let mut seq = *next;
        for (base, len) in [
            (r.first.cast::<u8>(), r.first_len),
            (r.second.cast::<u8>(), r.second_len),
        ] {
            for i in 0..len {
                // SAFETY: the regions lend `len` elements of ELEMENT bytes each.
                let slot =
                    unsafe { std::slice::from_raw_parts_mut(base.add(i * ELEMENT), ELEMENT) };
                slot[..2].copy_from_slice(&seq.to_le_bytes());
                slot[2..].copy_from_slice(&[0xA5; ELEMENT - 2]);
                seq = seq.wrapping_add(1);
            }
        }
        // SAFETY: live handle.
        unsafe { ringscope_producer_commit(p, lent) }
    } else {
        for (i, slot) in block.chunks_exact_mut(ELEMENT).take(n).enumerate() {
            slot[..2].copy_from_slice(&next.wrapping_add(i as u16).to_le_bytes());
            slot[2..].copy_from_slice(&[0xA5; ELEMENT - 2]);
        }
        // SAFETY: live handle; `block` holds `n` elements.
        unsafe { ringscope_producer_push(p, block.as_ptr().cast(), n) }
    };
    *next = next.wrapping_add(written as u16);
    written
}

/// One consumer step: a pop, or a zero-copy read through the regions, of up to `n` elements,
/// each checked against the sequence number `*expected`.
///
/// # Safety
/// `c` is a live consumer handle used by this thread only.
unsafe fn consume(
    c: *mut RingscopeConsumer,
    expected: &mut u16,
    n: usize,
    zero_copy: bool,
) -> usize {
    let mut check = |slot: &[u8]| {
        assert_eq!(u16::from_le_bytes([slot[0], slot[1]]), *expected);
        assert!(slot[2..].iter().all(|&b| b == 0xA5));
        *expected = expected.wrapping_add(1);
    };
    if zero_copy {
        let mut r = RingscopeReadRegions {
            first: std::ptr::null(),
            first_len: 0,
            second: std::ptr::null(),
            second_len: 0,
        };
        // SAFETY: live handle, valid out-pointer.
        let lent = unsafe { ringscope_consumer_read_regions(c, n, &mut r) };
        for (base, len) in [
            (r.first.cast::<u8>(), r.first_len),
            (r.second.cast::<u8>(), r.second_len),
        ] {
            for i in 0..len {
                // SAFETY: the regions lend `len` readable elements.
                check(unsafe { std::slice::from_raw_parts(base.add(i * ELEMENT), ELEMENT) });
            }
        }
        // SAFETY: live handle.
        unsafe { ringscope_consumer_commit(c, lent) }
    } else {
        let mut block = [0u8; ELEMENT * 8];
        // SAFETY: live handle; `block` has room for 8 elements.
        let popped = unsafe { ringscope_consumer_pop(c, block.as_mut_ptr().cast(), n.min(8)) };
        block
            .chunks_exact(ELEMENT)
            .take(popped)
            .for_each(&mut check);
        popped
    }
}

#[test]
fn real_time_calls_allocate_nothing_on_one_thread() {
    let (p, c) = new_ring();
    let (mut next, mut expected) = (0u16, 0u16);
    let mut moved = 0;
    let events = allocator_events(|| {
        for step in 0..20_000usize {
            // SAFETY: both handles are live and used by this thread only.
            unsafe {
                moved += produce(p, &mut next, 1 + step % 8, step.is_multiple_of(3));
                consume(c, &mut expected, 1 + (step * 7) % 8, step.is_multiple_of(5));
                assert!(ringscope_producer_write_available(p) <= CAPACITY);
                assert!(ringscope_consumer_read_available(c) <= CAPACITY);
                assert_eq!(ringscope_producer_element_size(p), ELEMENT);
                assert_eq!(ringscope_consumer_capacity(c), CAPACITY);
                assert!(!ringscope_producer_is_abandoned(p));
                assert!(!ringscope_consumer_is_abandoned(c));
                let pc = ringscope_producer_counters(p);
                let cc = ringscope_consumer_counters(c);
                assert_eq!(pc.written, cc.written);
                if step % 1000 == 999 {
                    // A full ring refuses (and counts) the rest; skip and clear discard.
                    let before = ringscope_producer_counters(p).dropped;
                    while produce(p, &mut next, 8, false) > 0 {}
                    assert!(ringscope_producer_counters(p).dropped > before);
                    ringscope_producer_record_dropped(p, 1);
                    let skipped = ringscope_consumer_skip(c, 3);
                    let cleared = ringscope_consumer_clear(c);
                    assert_eq!(skipped + cleared, CAPACITY);
                    expected = next;
                }
            }
        }
    });
    assert_eq!(
        events, 0,
        "the C API's real-time calls allocated or freed memory"
    );
    assert!(
        moved > 10 * CAPACITY,
        "the ring wrapped around many times ({moved} elements)"
    );
    // The counter is live: releasing both handles frees the ring.
    // SAFETY: each handle is released once and not used again.
    let freed = allocator_events(|| unsafe {
        ringscope_producer_release(p);
        ringscope_consumer_release(c);
    });
    assert!(
        freed >= 2,
        "releasing the handles should free the ring and the handles"
    );
}

#[test]
fn real_time_calls_allocate_nothing_on_two_racing_threads() {
    const TOTAL: usize = 2_000_000;
    let (p, c) = new_ring();
    // Raw pointers are not Send; the handles are (one thread each), so carry the addresses.
    let (p_addr, c_addr) = (p as usize, c as usize);
    let producer = std::thread::spawn(move || {
        let p = p_addr as *mut RingscopeProducer;
        let mut next = 0u16;
        let mut sent = 0;
        let events = allocator_events(|| {
            let mut step = 0usize;
            while sent < TOTAL {
                // SAFETY: this thread is the handle's only user.
                sent += unsafe {
                    produce(
                        p,
                        &mut next,
                        (1 + step % 8).min(TOTAL - sent),
                        step.is_multiple_of(2),
                    )
                };
                step += 1;
            }
        });
        (events, p_addr)
    });
    let c = c_addr as *mut RingscopeConsumer;
    let mut expected = 0u16;
    let mut received = 0;
    let events = allocator_events(|| {
        let mut step = 0usize;
        while received < TOTAL {
            // SAFETY: this thread is the handle's only user.
            received += unsafe { consume(c, &mut expected, 1 + step % 8, step.is_multiple_of(3)) };
            step += 1;
        }
    });
    let (producer_events, p_addr) = producer.join().unwrap();
    assert_eq!(
        (producer_events, events),
        (0, 0),
        "allocations on the real-time path"
    );
    // SAFETY: the producer thread is done; each handle is released once.
    unsafe {
        // Every element arrived once (the pushes that found the ring full were retried).
        assert_eq!(ringscope_consumer_counters(c).read, TOTAL as u64);
        assert_eq!(ringscope_consumer_counters(c).written, TOTAL as u64);
        ringscope_producer_release(p_addr as *mut RingscopeProducer);
        assert!(ringscope_consumer_is_abandoned(c));
        ringscope_consumer_release(c);
    }
}

#[test]
fn null_handles_and_bad_counts_are_harmless() {
    let null_p = std::ptr::null_mut::<RingscopeProducer>();
    let null_c = std::ptr::null_mut::<RingscopeConsumer>();
    // SAFETY: null handles are documented as accepted; the live ones are used by this thread.
    unsafe {
        assert_eq!(
            ringscope_producer_push(null_p, [0u8; 6].as_ptr().cast(), 1),
            0
        );
        assert_eq!(
            ringscope_consumer_pop(null_c, [0u8; 6].as_mut_ptr().cast(), 1),
            0
        );
        assert_eq!(ringscope_producer_commit(null_p, 5), 0);
        assert_eq!(ringscope_consumer_commit(null_c, 5), 0);
        assert!(ringscope_producer_is_abandoned(null_p));
        assert_eq!(
            ringscope_producer_counters(null_p),
            RingscopeCounters::default()
        );
        ringscope_producer_release(null_p);
        ringscope_consumer_release(null_c);

        let mut p = std::ptr::null_mut();
        assert_eq!(
            ringscope_ring_new(0, 4, &mut p, &mut std::ptr::null_mut()),
            RINGSCOPE_ERROR_ZERO_ELEMENT_SIZE
        );
        assert_eq!(
            ringscope_ring_new(4, 0, &mut p, &mut std::ptr::null_mut()),
            RINGSCOPE_ERROR_ZERO_CAPACITY
        );
        assert_eq!(
            ringscope_ring_new(4, usize::MAX, &mut p, &mut std::ptr::null_mut()),
            RINGSCOPE_ERROR_TOO_LARGE
        );
        assert_eq!(
            ringscope_ring_new(4, 4, std::ptr::null_mut(), &mut std::ptr::null_mut()),
            RINGSCOPE_ERROR_NULL_ARGUMENT
        );
        assert!(p.is_null(), "a failed ringscope_ring_new writes no handle");

        let (p, c) = new_ring();
        // Committing more than is free (or readable) is clamped, never a panic across FFI.
        assert_eq!(ringscope_producer_commit(p, usize::MAX), CAPACITY);
        assert_eq!(ringscope_consumer_commit(c, usize::MAX), CAPACITY);
        // A push of more than the capacity writes the capacity and counts the rest as dropped,
        // without computing n * element_size (which would overflow here).
        let big = vec![0u8; (CAPACITY + 1) * ELEMENT];
        assert_eq!(
            ringscope_producer_push(p, big.as_ptr().cast(), usize::MAX),
            CAPACITY
        );
        assert_eq!(
            ringscope_producer_counters(p).dropped,
            (usize::MAX - CAPACITY) as u64
        );
        // Null out-pointers lend nothing.
        assert_eq!(
            ringscope_producer_write_regions(p, 4, std::ptr::null_mut()),
            0
        );
        assert_eq!(
            ringscope_consumer_read_regions(c, 4, std::ptr::null_mut()),
            0
        );
        assert_eq!(ringscope_abi_version(), RINGSCOPE_ABI_VERSION);
        assert_eq!(ringscope_api.abi_version, RINGSCOPE_ABI_VERSION);
        assert_eq!(ringscope_api.size, size_of::<RingscopeApi>());
        ringscope_producer_release(p);
        ringscope_consumer_release(c);
    }
}
