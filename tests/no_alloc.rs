//! After construction, no ring operation allocates: checked with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ringscope::snapshot::SnapshotBuffer;
use ringscope::{RingBuffer, bytes};

/// Counts allocations made by the current thread (the test harness's own threads don't count).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is a thread-local `Cell`.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn the_allocator_guard_sees_allocations() {
    assert!(allocations_during(|| drop(std::hint::black_box(vec![0_u8; 16]))) > 0);
}

#[test]
fn no_ring_operation_allocates_after_new() {
    let (mut producer, mut consumer) = RingBuffer::<[f32; 2]>::new(1000);
    let block = [[0.25_f32, -0.25]; 300];
    let mut dst = [[0.0_f32; 2]; 300];
    let allocations = allocations_during(|| {
        for _ in 0..100 {
            producer.push_slice(&block);
            let _ = producer.push([1.0, 1.0]);
            let mut chunk = producer.write_chunk(64);
            chunk.as_mut_slices().0.fill([0.5, 0.5]);
            chunk.commit_all();
            let mut chunk = producer.write_chunk_uninit(64);
            chunk
                .as_mut_slices()
                .0
                .fill(std::mem::MaybeUninit::new([0.5, 0.5]));
            let filled = chunk.as_mut_slices().0.len();
            // SAFETY: the first region's slots were all written just above.
            unsafe { chunk.commit(filled) };
            let _ = producer.write_available();
            let _ = producer.counters();
            let _ = producer.is_abandoned();

            let _ = consumer.peek();
            let _ = consumer.pop();
            let _ = consumer.pop_slice(&mut dst);
            let chunk = consumer.read_chunk(100);
            let _ = chunk.as_slices();
            chunk.commit_all();
            consumer.skip(10);
            let _ = consumer.read_available();
            let _ = consumer.counters();
            consumer.clear();
        }
    });
    assert_eq!(allocations, 0);
}

#[test]
fn no_byte_ring_operation_allocates_after_new() {
    let (mut producer, mut consumer) = bytes::RingBuffer::new(6, 1000).unwrap();
    let block = [0x5a_u8; 6 * 300 + 5];
    let mut dst = [0_u8; 6 * 300];
    let allocations = allocations_during(|| {
        for _ in 0..100 {
            producer.push_slice(&block);
            let mut chunk = producer.write_chunk(64);
            chunk.as_mut_slices().0.fill(1);
            chunk.record_dropped(1);
            chunk.commit_all();
            let regions = producer.write_regions(10);
            producer.advance_write(regions.first_len);
            producer.record_dropped(2);
            let _ = producer.write_available();
            let _ = producer.counters();
            let _ = producer.is_abandoned();

            let _ = consumer.pop_slice(&mut dst);
            let chunk = consumer.read_chunk(100);
            let _ = chunk.as_slices();
            chunk.commit_all();
            let regions = consumer.read_regions(10);
            consumer.advance_read(regions.first_len);
            consumer.skip(10);
            let _ = consumer.read_available();
            let _ = consumer.counters();
            let _ = consumer.is_abandoned();
            consumer.clear();
        }
    });
    assert_eq!(allocations, 0);
}

#[test]
fn no_snapshot_operation_allocates_after_new() {
    let (mut writer, reader) = SnapshotBuffer::<f32>::new(4096);
    let block = [0.5_f32; 512];
    let mut window = [0.0_f32; 1024];
    let allocations = allocations_during(|| {
        for _ in 0..100 {
            writer.write(&block);
            reader.read_latest(&mut window).unwrap();
            let _ = reader.clone();
            let _ = reader.position();
        }
    });
    assert_eq!(allocations, 0);
}
