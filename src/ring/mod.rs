//! The FIFO: [`RingBuffer`], its [`Producer`] and its [`Consumer`]; and [`bytes`], the same
//! ring with an element size chosen at run time.
//!
//! # Guarantees
//!
//! - Wait-free on both sides: after `new`, no call allocates, locks, makes a system call or
//!   loops without bound, whatever the other thread does.
//! - Every element arrives once, in order, whole: a push never writes part of an element, and a
//!   consumer never sees an element before it was completely written.
//! - Any capacity ≥ 1, every slot usable. Both totals (`Counters::written`, `Counters::read`)
//!   only grow, and every element refused for want of room is counted in `Counters::dropped`.
//!
//! # How it works
//!
//! Both sides count positions with 64-bit totals that only grow: `write_pos` is the number of
//! elements ever written, `read_pos` the number ever read or skipped. Each total has exactly one
//! writer (its own side), so every update is a plain `store`, never a read-modify-write. The
//! number of readable elements is `write_pos - read_pos` and lies in `0..=capacity`, so every
//! slot is usable and any capacity works. Each side also keeps its own slot index
//! (`position % capacity`) incrementally, so no operation divides.
//!
//! Each side caches the other side's position and reloads it only when the cached value shows
//! too little room or data: a stale cache under-reports what is available, which is safe, and a
//! side that finds room in its cache touches no shared cache line at all. The two positions live
//! on separate cache lines so the two threads never write the same line.
//!
//! At 10⁹ elements a second the totals wrap after 584 years; the arithmetic wraps anyway
//! (`wrapping_sub`), and a unit test crosses the wrap.
//!
//! # One protocol, two fronts
//!
//! `storage.rs` holds the slots and the shared positions; `producer.rs` and `consumer.rs` each
//! hold one side's protocol (`WriteEnd`, `ReadEnd`: positions, caches, reservation, publish and
//! release) and the typed front on it; `chunks.rs` the typed chunks. The protocol is generic
//! over the element size: `size_of::<T>()` for the typed ring, a constant that compiles to the
//! same address arithmetic as a `*mut T`, or a run-time byte count for [`bytes`], whose front
//! adds nothing but whole-element rounding.
//!
//! # Memory orderings
//!
//! Each side stores only its own position, with `Release`, and loads the other side's with
//! `Acquire` when it is about to touch slots on the strength of it (only when its cached copy
//! shows too little room or data); `skip` and `clear`, which touch no slot, load it `Relaxed`
//! and keep it out of the cache. The overrun count is a `Relaxed` single-writer statistic,
//! published by the next `Release` of the write position; the "gone" flags are a `Release`
//! store in `drop` and an `Acquire` load in `is_abandoned`. Every ordering in the code carries a
//! comment saying why nothing weaker is correct. The loom models in `tests/loom.rs` check the
//! concurrent operation pairs they list under loom's approximation of the C11 memory model,
//! with every slot access mirrored on a loom cell so that a data race fails the model, and
//! `scripts/mutate-orderings.sh` weakens each ordering in turn to show a model fails.
#![deny(missing_debug_implementations)]

use core::fmt;
use core::marker::PhantomData;
use core::mem;
use std::alloc;

pub mod bytes;
mod chunks;
mod consumer;
mod producer;
mod storage;

pub use chunks::{ReadChunk, WriteChunk, WriteChunkUninit};
pub use consumer::Consumer;
pub use producer::Producer;

use consumer::ReadEnd;
use producer::WriteEnd;
use storage::{AllocError, Fill, Shared, Slots, Typed};

/// A fixed-capacity single-producer single-consumer FIFO of `Copy` elements.
///
/// A `RingBuffer` is never used directly: [`RingBuffer::new`] allocates one and returns its two
/// ends, a [`Producer`] for the writing thread and a [`Consumer`] for the reading thread. Both
/// sides are wait-free: every call finishes in a bounded number of steps whatever the other
/// thread does, and none allocates, locks or makes a system call.
///
/// # Examples
///
/// ```
/// use ringscope::RingBuffer;
///
/// let (mut producer, mut consumer) = RingBuffer::<f32>::new(4);
/// let audio = std::thread::spawn(move || {
///     // One push per block; a real-time producer never waits for room.
///     let written = producer.push_slice(&[0.25_f32, -0.25, 0.5]);
///     assert_eq!(written, 3);
/// });
/// let mut received = Vec::new();
/// while received.len() < 3 {
///     if let Some(sample) = consumer.pop() {
///         received.push(sample);
///     }
/// }
/// audio.join().unwrap();
/// assert_eq!(received, [0.25, -0.25, 0.5]);
/// ```
pub struct RingBuffer<T> {
    _element: PhantomData<T>,
}

impl<T: Copy> RingBuffer<T> {
    /// Allocates a ring buffer with room for `capacity` elements and returns its two ends.
    ///
    /// This is the only call that allocates. Every one of the `capacity` slots is usable, the
    /// capacity need not be a power of two, and any `Copy` type will do (`T: Send` makes the
    /// two ends `Send`). The slots are not initialised here, so a large ring costs no more
    /// than its allocation; nothing can read a slot before it is written.
    ///
    /// The memory is freed when the second of the two ends is dropped, on that thread; for a
    /// large ring that can be a system call (`munmap`), so let the non-real-time side be the
    /// one dropped last.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0, or the allocation fails. ([`bytes::RingBuffer::new`] returns an
    /// error instead.)
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, mut consumer) = RingBuffer::<[f32; 2]>::new(3);
    /// assert_eq!(producer.push_slice(&[[0.1, 0.2]; 5]), 3);
    /// assert_eq!(consumer.read_available(), 3);
    ///
    /// // No `Default` needed: blocks of 64 frames (arrays longer than 32 have none).
    /// let (mut blocks_in, mut blocks_out) = RingBuffer::<[f32; 64]>::new(4);
    /// blocks_in.push([0.25; 64]).unwrap();
    /// assert_eq!(blocks_out.pop().map(|block| block[63]), Some(0.25));
    /// ```
    #[allow(clippy::new_ret_no_self)]
    #[must_use]
    pub fn new(capacity: usize) -> (Producer<T>, Consumer<T>) {
        Self::starting_at(capacity, 0)
    }

    /// `new` with both totals at `position`; tests use it to cross the `u64` wrap.
    #[inline]
    pub(crate) fn starting_at(capacity: usize, position: u64) -> (Producer<T>, Consumer<T>) {
        assert!(capacity > 0, "RingBuffer capacity must be at least 1");
        let size = mem::size_of::<T>();
        let align = mem::align_of::<T>();
        let shared = match Shared::new(capacity, size, align, Fill::Uninit, position) {
            Ok(shared) => shared,
            Err(AllocError::Failed(layout)) => alloc::handle_alloc_error(layout),
            Err(AllocError::TooLarge) => panic!("RingBuffer capacity exceeds the address space"),
        };
        let slots = Slots::of(&shared, capacity, Typed::<T>::SIZE);
        let producer = Producer {
            end: WriteEnd::new(shared.clone(), slots, position),
        };
        let consumer = Consumer {
            end: ReadEnd::new(shared, slots, position),
        };
        (producer, consumer)
    }
}

impl<T> fmt::Debug for RingBuffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingBuffer").finish_non_exhaustive()
    }
}

/// Monotonic totals of a ring buffer's traffic: its sample clock and overrun count.
///
/// A reader that compares `written` with the sample positions it expects, or watches `dropped`
/// grow, knows that it missed data and how much. `written` and `read` only ever grow (they wrap
/// at 2⁶⁴, after centuries). Read from the [`Consumer`], `dropped` includes at least every element
/// refused before the newest element counted in `written`. The [`bytes`] ring counts in
/// elements too, not bytes.
///
/// # Examples
///
/// ```
/// use ringscope::{Counters, RingBuffer};
///
/// let (mut producer, mut consumer) = RingBuffer::<f32>::new(4);
/// producer.push_slice(&[0.0; 6]);
/// consumer.skip(1);
/// assert_eq!(consumer.counters(), Counters { written: 4, read: 1, dropped: 2 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counters {
    /// Elements ever written into the ring.
    pub written: u64,
    /// Elements ever taken out of the ring (popped, committed, skipped or cleared).
    pub read: u64,
    /// Elements the ring refused because it was full ([`Producer::push`] and
    /// [`Producer::push_slice`]), plus those the producer reported with
    /// [`Producer::record_dropped`].
    pub dropped: u64,
}

#[cfg(all(test, not(loom)))]
mod tests;
