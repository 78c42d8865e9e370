//! The FIFO: [`RingBuffer`], its [`Producer`] and its [`Consumer`].
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
//! on separate cache lines ([`CachePadded`]) so the two threads never write the same line.
//!
//! At 10⁹ elements a second the totals wrap after 584 years; the arithmetic wraps anyway
//! (`wrapping_sub`), and a unit test crosses the wrap.
#![deny(missing_debug_implementations)]

use core::cell::Cell;
use core::fmt;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ptr::{self, NonNull};
use core::slice;
use std::alloc::{self, Layout};

use crossbeam_utils::CachePadded;

use crate::sync::{Arc, AtomicBool, AtomicU64, Ordering, SlotAccessLog};

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
    producer: CachePadded<ProducerShared>,
    consumer: CachePadded<ConsumerShared>,
    /// Stored by the producer only, on a line of its own: a producer retrying on a full ring
    /// stores it on every attempt, which must not steal the `write_pos` line from a consumer
    /// that is polling it.
    dropped: CachePadded<AtomicU64>,
    slots: SlotStorage<T>,
    access: SlotAccessLog,
}

/// The fields only the producer stores to, on their own cache line.
struct ProducerShared {
    write_pos: AtomicU64,
    gone: AtomicBool,
}

/// The fields only the consumer stores to, on their own cache line.
struct ConsumerShared {
    read_pos: AtomicU64,
    gone: AtomicBool,
}

// SAFETY: the slots are the only non-`Sync` state. The position protocol gives each slot to
// exactly one side at a time: the producer owns slots in `write_pos .. read_pos + capacity`, the
// consumer owns slots in `read_pos .. write_pos`, and ownership changes hands only through a
// Release store of a position that the other side Acquire-loads. Elements move from the producer
// thread to the consumer thread, hence `T: Send`.
unsafe impl<T: Send> Sync for RingBuffer<T> {}
// SAFETY: as above; the buffer owns its elements.
unsafe impl<T: Send> Send for RingBuffer<T> {}

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
    /// If `capacity` is 0, or the allocation fails.
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
        let buffer = Arc::new(RingBuffer {
            producer: CachePadded::new(ProducerShared {
                write_pos: AtomicU64::new(position),
                gone: AtomicBool::new(false),
            }),
            dropped: CachePadded::new(AtomicU64::new(0)),
            consumer: CachePadded::new(ConsumerShared {
                read_pos: AtomicU64::new(position),
                gone: AtomicBool::new(false),
            }),
            slots: SlotStorage::new(capacity),
            access: SlotAccessLog::new(capacity),
        });
        let index = (position % capacity as u64) as usize;
        let slots = SlotArray::of(&buffer);
        let producer = Producer {
            buffer: ManuallyDrop::new(buffer.clone()),
            slots,
            write_pos: position,
            write_index: index,
            cached_read_pos: Cell::new(position),
            dropped: 0,
            // Every position of the first lap may find its slot uninitialised.
            uninit_from: position,
            uninit_to: position.wrapping_add(capacity as u64),
        };
        let consumer = Consumer {
            buffer: ManuallyDrop::new(buffer),
            slots,
            read_pos: position,
            read_index: index,
            cached_write_pos: Cell::new(position),
        };
        (producer, consumer)
    }
}

impl<T> fmt::Debug for RingBuffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingBuffer")
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

impl<T> RingBuffer<T> {
    #[inline(always)]
    fn capacity(&self) -> usize {
        self.slots.capacity
    }
}

/// The slots: room for `capacity` elements in one allocation that starts on a 128-byte
/// boundary (a pair of cache lines, the unit x86 prefetchers fetch). Blocks of whole cache lines
/// then never share a line with the blocks beside them, so a producer filling one block and a
/// consumer reading the previous one do not fight over a line. Measured with 64-element `f32`
/// chunks between two threads, this is worth 10–20 % over the allocator's 16-byte alignment.
///
/// The memory starts uninitialised. A slot is initialised by the producer before the consumer
/// can see it (a push writes it before publishing it), and before a [`WriteChunk`] lends it as
/// `&mut T` (`Producer::uninit_from` says which slots a chunk must first fill with the default).
struct SlotStorage<T> {
    ptr: NonNull<T>,
    capacity: usize,
}

/// The alignment of the slot array, at least `T`'s own.
const SLOT_ALIGNMENT: usize = 128;

impl<T> SlotStorage<T> {
    fn layout(capacity: usize) -> Layout {
        Layout::array::<T>(capacity)
            .and_then(|layout| layout.align_to(SLOT_ALIGNMENT))
            .expect("RingBuffer capacity exceeds the address space")
    }
}

impl<T: Copy> SlotStorage<T> {
    fn new(capacity: usize) -> Self {
        let layout = Self::layout(capacity);
        let ptr = if layout.size() == 0 {
            // Zero-sized elements: no memory, and no access ever reads or writes any.
            NonNull::dangling()
        } else {
            // SAFETY: the layout has a non-zero size.
            let raw = unsafe { alloc::alloc(layout) }.cast::<T>();
            NonNull::new(raw).unwrap_or_else(|| alloc::handle_alloc_error(layout))
        };
        Self { ptr, capacity }
    }
}

impl<T> Drop for SlotStorage<T> {
    fn drop(&mut self) {
        let layout = Self::layout(self.capacity);
        if layout.size() != 0 {
            // SAFETY: allocated in `new` with this layout. The elements need no drop: `new`
            // takes only `Copy` elements, which have no destructor.
            unsafe { alloc::dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

/// A side's own copy of where the slots are: their base pointer and count.
///
/// Each side keeps one in its own struct, so that hot loops hold both in registers; read
/// through the shared buffer they would be reloaded after every slot write, which the compiler
/// must assume could have changed them.
struct SlotArray<T> {
    base: *mut T,
    capacity: usize,
}

impl<T> Clone for SlotArray<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for SlotArray<T> {}

impl<T> SlotArray<T> {
    fn of(buffer: &RingBuffer<T>) -> Self {
        Self {
            // The allocator's pointer: it may read and write every slot, from either thread,
            // as the position protocol allows.
            base: buffer.slots.ptr.as_ptr(),
            capacity: buffer.capacity(),
        }
    }

    /// A pointer to slot `index`; `index == capacity` gives the one-past-the-end pointer.
    #[inline(always)]
    fn slot(self, index: usize) -> *mut T {
        debug_assert!(index <= self.capacity);
        // SAFETY: `index <= capacity`, so the offset stays inside (or one past) the allocation.
        unsafe { self.base.add(index) }
    }

    /// Splits `len` slots starting at slot `index` into the part before the end of the
    /// allocation and the part that wraps around to slot 0.
    #[inline(always)]
    fn split(self, index: usize, len: usize) -> (usize, usize) {
        let first = len.min(self.capacity - index);
        (first, len - first)
    }

    /// `index + n`, wrapped into `0..capacity`; `index < capacity` and `n <= capacity`.
    #[inline(always)]
    fn advance(self, index: usize, n: usize) -> usize {
        let next = index + n;
        if next >= self.capacity {
            next - self.capacity
        } else {
            next
        }
    }
}

/// Monotonic totals of a ring buffer's traffic: its sample clock and overrun count.
///
/// A reader that compares `written` with the sample positions it expects, or watches `dropped`
/// grow, knows that it missed data and how much. `written` and `read` only ever grow (they wrap
/// at 2⁶⁴, after centuries). Read from the [`Consumer`], `dropped` includes at least every element
/// refused before the newest element counted in `written`.
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

/// The writing end of a [`RingBuffer`]; move it to the producing thread (usually the audio thread).
///
/// It is [`Send`] but not [`Sync`]: exactly one thread writes. Dropping it makes
/// [`Consumer::is_abandoned`] return `true`.
///
/// # Examples
///
/// ```
/// use ringscope::RingBuffer;
///
/// let (mut producer, _consumer) = RingBuffer::<f32>::new(2);
/// assert_eq!(producer.push(1.0), Ok(()));
/// assert_eq!(producer.push_slice(&[2.0, 3.0]), 1);
/// assert_eq!(producer.push(4.0), Err(4.0));
/// assert_eq!(producer.counters().dropped, 2);
/// ```
pub struct Producer<T> {
    /// Dropped by value in `drop`; see there.
    buffer: ManuallyDrop<Arc<RingBuffer<T>>>,
    slots: SlotArray<T>,
    /// The producer is the only writer of `buffer.producer.write_pos`, so this copy is exact.
    write_pos: u64,
    /// `write_pos % capacity`, kept incrementally.
    write_index: usize,
    /// The consumer's position as last loaded with Acquire; it may lag, which only under-reports
    /// the free space.
    cached_read_pos: Cell<u64>,
    /// Exact copy of `buffer.producer.dropped`.
    dropped: u64,
    /// The free positions `uninit_from..uninit_to` (those not below `write_pos`) may find
    /// their slots uninitialised: in the first lap, which no element has reached yet, and where
    /// a [`WriteChunkUninit`] lent slots it did not commit (safe code may have written
    /// `MaybeUninit::uninit()` into them). Every other free slot holds an element from the lap
    /// before. Only a [`WriteChunk`], which lends slots as `&mut T` before they are written,
    /// needs to know: it first fills the uninitialised ones with `T::default()`. A push needs no
    /// update: the positions it publishes fall below `write_pos`. Both are absolute positions,
    /// compared by their wrapping distance from `write_pos` (`ahead_of_write_pos`); neither is
    /// ever more than `capacity` ahead of it.
    uninit_from: u64,
    uninit_to: u64,
}

// SAFETY: the raw pointer in `slots` is a copy of `buffer.slots`, kept alive by the `Arc`; a
// `Producer` is the only handle on the producer side, so moving it moves that side whole.
unsafe impl<T: Send> Send for Producer<T> {}

impl<T: Copy> Producer<T> {
    /// Appends one element, or hands it back if the ring is full.
    ///
    /// A refused element is counted in [`Counters::dropped`] (every time it is refused: a
    /// producer that waits for room instead should check [`Producer::write_available`] first).
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, mut consumer) = RingBuffer::new(1);
    /// assert_eq!(producer.push(7_u8), Ok(()));
    /// assert_eq!(producer.push(8), Err(8));
    /// assert_eq!(consumer.pop(), Some(7));
    /// ```
    #[inline]
    pub fn push(&mut self, value: T) -> Result<(), T> {
        if self.free_slots(1) == 0 {
            self.count_dropped(1);
            return Err(value);
        }
        self.buffer.access.write(self.write_index, 1);
        // SAFETY: `write_index < capacity`, and the slot is ours: `free_slots` saw the consumer
        // past it, and the consumer does not touch it until `publish` below hands it over.
        unsafe { self.slots.slot(self.write_index).write(value) };
        self.publish(1);
        Ok(())
    }

    /// Appends as many leading elements of `values` as fit and returns how many that was.
    ///
    /// The unwritten tail, `&values[written..]`, is the overflow; it is counted in
    /// [`Counters::dropped`] (so a producer that retries the tail instead of dropping it should
    /// size its pushes with [`Producer::write_available`], or write through
    /// [`Producer::write_chunk`], which counts nothing). One call publishes all written elements
    /// with one atomic store.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, _consumer) = RingBuffer::new(10);
    /// let data = b"spam eggs ham";
    /// let written = producer.push_slice(data);
    /// assert_eq!(&data[written..], b"ham");
    /// ```
    #[inline]
    pub fn push_slice(&mut self, values: &[T]) -> usize {
        let n = values.len().min(self.free_slots(values.len()));
        if n < values.len() {
            self.count_dropped(values.len() - n);
        }
        if n == 0 {
            return 0;
        }
        let (first, second) = self.slots.split(self.write_index, n);
        self.buffer.access.write(self.write_index, n);
        // SAFETY: the `n` slots from `write_index` (wrapping) are free (`free_slots`) and ours
        // until `publish`; `first` ends at or before the end of the allocation and `second`
        // starts at slot 0. `values` cannot overlap the slots written: a slice into this ring
        // can only come from its readable region, which is disjoint from the free one.
        unsafe {
            ptr::copy_nonoverlapping(values.as_ptr(), self.slots.slot(self.write_index), first);
            // Most calls do not wrap: skip the second `memcpy` call rather than make it empty.
            if second > 0 {
                ptr::copy_nonoverlapping(values.as_ptr().add(first), self.slots.slot(0), second);
            }
        }
        self.publish(n);
        n
    }

    /// The number of elements that can be written now.
    ///
    /// The consumer may free more at any moment, never less.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, _consumer) = RingBuffer::<f32>::new(5);
    /// producer.push_slice(&[0.0; 2]);
    /// assert_eq!(producer.write_available(), 3);
    /// ```
    #[inline]
    pub fn write_available(&self) -> usize {
        self.free_slots(self.capacity())
    }

    /// Lends up to `n` free slots for writing in place without an initial value: the
    /// [`Producer::write_chunk`] for element types without a `Default`, or for a producer that
    /// does not want to pay for the first lap's default fill.
    ///
    /// The chunk holds `min(n, write_available())` slots as `MaybeUninit<T>`; committing is
    /// `unsafe`, since the caller promises to have written every committed slot.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, mut consumer) = RingBuffer::<[f32; 64]>::new(4);
    /// let mut chunk = producer.write_chunk_uninit(2);
    /// let (first, second) = chunk.as_mut_slices();
    /// for (i, slot) in first.iter_mut().chain(second).enumerate() {
    ///     slot.write([i as f32; 64]);
    /// }
    /// // SAFETY: both slots of the chunk were written just above.
    /// unsafe { chunk.commit_all() };
    /// assert_eq!(consumer.pop().map(|block| block[0]), Some(0.0));
    /// assert_eq!(consumer.pop().map(|block| block[0]), Some(1.0));
    /// ```
    #[inline]
    pub fn write_chunk_uninit(&mut self, n: usize) -> WriteChunkUninit<'_, T> {
        let len = self.reserve(n);
        // The chunk's slots may be left uninitialised (safe code can store
        // `MaybeUninit::uninit()` and not commit): add them to the range a `WriteChunk` fills.
        // One range keeps it cheap; where it now spans initialised slots, they are filled for
        // nothing, which is harmless.
        let ahead = self.ahead_of_write_pos(self.uninit_to).max(len);
        self.uninit_from = self.write_pos;
        self.uninit_to = self.write_pos.wrapping_add(ahead as u64);
        WriteChunkUninit {
            producer: self,
            len,
        }
    }

    /// The number of slots a chunk of up to `n` gets, `min(n, write_available())`, recorded for
    /// loom as written from here on.
    #[inline(always)]
    fn reserve(&mut self, n: usize) -> usize {
        let len = n.min(self.free_slots(n));
        self.buffer.access.write(self.write_index, len);
        len
    }

    /// How far `position` lies after `write_pos`, or 0 if it lies at or before it. A position
    /// more than `capacity` ahead can only be one left far behind (by 2⁶⁴ − capacity elements
    /// or more, so that the wrapping distance looks large): that counts as behind too.
    #[inline(always)]
    fn ahead_of_write_pos(&self, position: u64) -> usize {
        let distance = position.wrapping_sub(self.write_pos);
        if distance <= self.capacity() as u64 {
            distance as usize
        } else {
            0
        }
    }
}

impl<T: Copy + Default> Producer<T> {
    /// Lends up to `n` free slots for writing in place, as two regions (the second is non-empty
    /// only where the slots wrap around the end of the allocation).
    ///
    /// The chunk holds `min(n, write_available())` slots; nothing is visible to the consumer
    /// until [`WriteChunk::commit`]. Slots not yet written hold unspecified values: a stale
    /// element, or `T::default()` (always in the ring's first lap, and where a
    /// [`WriteChunkUninit`] may have left a slot uninitialised); [`Producer::write_chunk_uninit`]
    /// serves types without a `Default`. Unlike [`Producer::push_slice`], asking for more than
    /// fits is not counted as dropped: a chunk is a reservation, not a write.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, mut consumer) = RingBuffer::<f32>::new(4);
    /// let mut chunk = producer.write_chunk(3);
    /// let (first, second) = chunk.as_mut_slices();
    /// for (i, slot) in first.iter_mut().chain(second).enumerate() {
    ///     *slot = i as f32;
    /// }
    /// chunk.commit(2);
    /// assert_eq!(consumer.pop(), Some(0.0));
    /// assert_eq!(consumer.pop(), Some(1.0));
    /// assert_eq!(consumer.pop(), None);
    /// ```
    #[inline]
    pub fn write_chunk(&mut self, n: usize) -> WriteChunk<'_, T> {
        let len = self.reserve(n);
        let uninit_ahead = self.ahead_of_write_pos(self.uninit_to);
        if uninit_ahead > 0 {
            self.fill_uninitialised(len, uninit_ahead);
        }
        WriteChunk {
            chunk: WriteChunkUninit {
                producer: self,
                len,
            },
        }
    }

    /// Fills the possibly uninitialised slots among the next `len` free ones with
    /// `T::default()`, so that a [`WriteChunk`] can lend them as `&mut T`; `uninit_ahead` is
    /// how far `uninit_to` lies ahead of `write_pos`.
    #[cold]
    fn fill_uninitialised(&mut self, len: usize, uninit_ahead: usize) {
        let from = self.ahead_of_write_pos(self.uninit_from);
        let end = uninit_ahead.min(len);
        if from >= end {
            return;
        }
        for k in from..end {
            let index = self.slots.advance(self.write_index, k);
            // SAFETY: `index < capacity`, and the slot is free (it is among the `len` free
            // slots from `write_index`), so it is the producer's to write.
            unsafe { self.slots.slot(index).write(T::default()) };
        }
        // Positions `write_pos..write_pos + from` were initialised already.
        self.uninit_from = self.write_pos.wrapping_add(end as u64);
    }
}

impl<T> Producer<T> {
    /// Adds `n` to [`Counters::dropped`], for elements the producer discarded itself, so that
    /// one total counts every overrun.
    ///
    /// [`Producer::push`] and [`Producer::push_slice`] count what they refuse; a
    /// [`WriteChunk`] is a reservation and counts nothing, so a producer that writes through
    /// chunks records what it discards here, or with [`WriteChunk::record_dropped`] (which
    /// publishes the count together with the chunk).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// // A block the producer decided to discard whole (say, its metadata had no room).
    /// producer.record_dropped(512);
    /// assert_eq!(consumer.counters().dropped, 512);
    /// ```
    #[inline]
    pub fn record_dropped(&mut self, n: usize) {
        if n > 0 {
            self.count_dropped(n);
        }
    }

    /// The number of elements the ring holds when full.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _) = ringscope::RingBuffer::<f32>::new(48_000);
    /// assert_eq!(producer.capacity(), 48_000);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.slots.capacity
    }

    /// Whether the [`Consumer`] has been dropped.
    ///
    /// Once it returns `true`, everything the consumer did before it was dropped is visible to
    /// this thread: [`Producer::counters`] then reports its final `read` total, so a producer
    /// can account exactly for what was never read. Writing to an abandoned ring is allowed,
    /// and futile.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// assert!(!producer.is_abandoned());
    /// drop(consumer);
    /// assert!(producer.is_abandoned());
    /// ```
    #[inline]
    pub fn is_abandoned(&self) -> bool {
        // Acquire: pairs with the Release store in `Consumer::drop`, so that `true` also means
        // "everything the consumer did before it was dropped is visible", as documented; with
        // Relaxed, `counters().read` could still show an older position after `true`.
        self.buffer.consumer.gone.load(Ordering::Acquire)
    }

    /// The ring's totals as this side sees them: `written` and `dropped` are exact, `read` may
    /// lag behind the consumer by a moment.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<u32>::new(8);
    /// producer.push_slice(&[1, 2, 3]);
    /// consumer.pop();
    /// let counters = producer.counters();
    /// assert_eq!((counters.written, counters.read), (3, 1));
    /// ```
    #[inline]
    pub fn counters(&self) -> Counters {
        Counters {
            written: self.write_pos,
            // Relaxed: reported, never used to touch a slot; per-location coherence still makes
            // successive values monotonic.
            read: self.buffer.consumer.read_pos.load(Ordering::Relaxed),
            dropped: self.dropped,
        }
    }

    /// Free slots according to the cache.
    #[inline(always)]
    fn cached_free_slots(&self) -> usize {
        self.capacity() - self.write_pos.wrapping_sub(self.cached_read_pos.get()) as usize
    }

    /// Free slots, reloading the consumer's position only if the cache shows fewer than `wanted`.
    #[inline(always)]
    fn free_slots(&self, wanted: usize) -> usize {
        let free = self.cached_free_slots();
        if free >= wanted {
            return free;
        }
        // Acquire: pairs with the consumer's Release stores of `read_pos`, so its reads of the
        // slots it gave back happen before our writes into them (no data race on a slot).
        let read_pos = self.buffer.consumer.read_pos.load(Ordering::Acquire);
        self.cached_read_pos.set(read_pos);
        self.cached_free_slots()
    }

    /// Hands the next `n` written slots to the consumer.
    #[inline(always)]
    fn publish(&mut self, n: usize) {
        self.write_pos = self.write_pos.wrapping_add(n as u64);
        self.write_index = self.slots.advance(self.write_index, n);
        // Release: pairs with the consumer's Acquire load, so our writes into the slots (and the
        // `dropped` store before it) are visible to it once it sees the new position.
        self.buffer
            .producer
            .write_pos
            .store(self.write_pos, Ordering::Release);
    }

    #[cold]
    fn count_dropped(&mut self, n: usize) {
        self.dropped = self.dropped.wrapping_add(n as u64);
        // Relaxed: a single-writer statistic. It needs no ordering of its own: a consumer that
        // Acquire-loads a `write_pos` published after this store also sees this value, because
        // the publishing Release store is sequenced after it.
        self.buffer.dropped.store(self.dropped, Ordering::Relaxed);
    }
}

impl<T> Drop for Producer<T> {
    fn drop(&mut self) {
        // Release: pairs with the Acquire in `Consumer::is_abandoned`, so a consumer that sees
        // the producer gone also sees its final `write_pos` and can drain everything.
        self.buffer.producer.gone.store(true, Ordering::Release);
        // The `Arc` is moved out and dropped from a local: dropping it in place would hand the
        // address of `self` to `Arc`'s out-of-line slow path, and LLVM would then treat the
        // whole `Producer` as escaped and keep its fields in memory instead of registers in the
        // caller's loops (measured: single-element push+pop 25 % slower).
        // SAFETY: `buffer` is never used again; this is the last thing `drop` does.
        drop(unsafe { ManuallyDrop::take(&mut self.buffer) });
    }
}

impl<T> fmt::Debug for Producer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("capacity", &self.capacity())
            .field("counters", &self.counters())
            .finish()
    }
}

/// The reading end of a [`RingBuffer`]; move it to the consuming thread (e.g. the editor).
///
/// It is [`Send`] but not [`Sync`]: exactly one thread reads. Dropping it makes
/// [`Producer::is_abandoned`] return `true`.
///
/// # Examples
///
/// ```
/// use ringscope::RingBuffer;
///
/// let (mut producer, mut consumer) = RingBuffer::<f32>::new(8);
/// producer.push_slice(&[1.0, 2.0, 3.0]);
/// let mut block = [0.0; 8];
/// let n = consumer.pop_slice(&mut block);
/// assert_eq!(&block[..n], &[1.0, 2.0, 3.0]);
/// ```
pub struct Consumer<T> {
    /// Dropped by value in `drop`; see `Producer::drop`.
    buffer: ManuallyDrop<Arc<RingBuffer<T>>>,
    slots: SlotArray<T>,
    /// The consumer is the only writer of `buffer.consumer.read_pos`, so this copy is exact.
    read_pos: u64,
    /// `read_pos % capacity`, kept incrementally.
    read_index: usize,
    /// The producer's position as last loaded with Acquire (so every slot below it is safe to
    /// read); it may lag, which only under-reports the readable elements.
    cached_write_pos: Cell<u64>,
}

// SAFETY: as for `Producer`.
unsafe impl<T: Send> Send for Consumer<T> {}

impl<T: Copy> Consumer<T> {
    /// Takes the oldest element, or `None` if the ring is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::new(2);
    /// assert_eq!(consumer.pop(), None);
    /// producer.push(0.5_f32).unwrap();
    /// assert_eq!(consumer.pop(), Some(0.5));
    /// ```
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.available(1) == 0 {
            return None;
        }
        self.buffer.access.read(self.read_index, 1);
        // SAFETY: `read_index < capacity`, and the slot was published by a `write_pos` we
        // Acquire-loaded; the producer does not write it again until `release` below.
        let value = unsafe { self.slots.slot(self.read_index).read() };
        self.release(1);
        Some(value)
    }

    /// Copies the oldest elements into `dst`, as many as there are up to `dst.len()`, and
    /// returns how many that was (an underflow returns what there is).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::new(13);
    /// producer.push_slice(b"spam eggs ham");
    /// let mut dst = [0_u8; 1300];
    /// let n = consumer.pop_slice(&mut dst);
    /// assert_eq!(&dst[..n], b"spam eggs ham");
    /// ```
    #[inline]
    #[must_use = "the count says how much of `dst` was filled"]
    pub fn pop_slice(&mut self, dst: &mut [T]) -> usize {
        let n = dst.len().min(self.available(dst.len()));
        if n == 0 {
            return 0;
        }
        let (first, second) = self.slots.split(self.read_index, n);
        self.buffer.access.read(self.read_index, n);
        // SAFETY: the `n` slots from `read_index` (wrapping) were published by a `write_pos` we
        // Acquire-loaded and stay untouched by the producer until `release`. `dst` is borrowed
        // mutably, so it cannot be a slice of the readable slots (the consumer lends those only
        // as shared slices, tied to `&mut self`); a `WriteChunk` slice covers free slots only.
        unsafe {
            ptr::copy_nonoverlapping(self.slots.slot(self.read_index), dst.as_mut_ptr(), first);
            // Most calls do not wrap: skip the second `memcpy` call rather than make it empty.
            if second > 0 {
                ptr::copy_nonoverlapping(self.slots.slot(0), dst.as_mut_ptr().add(first), second);
            }
        }
        self.release(n);
        n
    }

    /// A reference to the oldest element without taking it, or `None` if the ring is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::new(2);
    /// producer.push(3_i16).unwrap();
    /// assert_eq!(consumer.peek(), Some(&3));
    /// assert_eq!(consumer.read_available(), 1);
    /// ```
    #[inline]
    pub fn peek(&self) -> Option<&T> {
        if self.available(1) == 0 {
            return None;
        }
        self.buffer.access.read(self.read_index, 1);
        // SAFETY: the slot is published and stays untouched by the producer until the consumer
        // releases it, which needs `&mut self` and so cannot happen while this borrow lives.
        Some(unsafe { &*self.slots.slot(self.read_index) })
    }

    /// The number of elements that can be read now.
    ///
    /// The producer may add more at any moment, never remove any.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.push_slice(&[0.0; 3]);
    /// assert_eq!(consumer.read_available(), 3);
    /// ```
    #[inline]
    pub fn read_available(&self) -> usize {
        self.available(self.capacity())
    }

    /// Lends up to `n` readable elements in place, as two regions (the second is non-empty only
    /// where they wrap around the end of the allocation).
    ///
    /// The chunk holds `min(n, read_available())` elements; they stay in the ring until
    /// [`ReadChunk::commit`] releases some or all of them.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.push_slice(&[1.0, 2.0, 3.0]);
    /// let chunk = consumer.read_chunk(8);
    /// let (first, second) = chunk.as_slices();
    /// let sum: f32 = first.iter().chain(second).sum();
    /// assert_eq!(sum, 6.0);
    /// chunk.commit_all();
    /// assert_eq!(consumer.read_available(), 0);
    /// ```
    #[inline]
    pub fn read_chunk(&mut self, n: usize) -> ReadChunk<'_, T> {
        let len = n.min(self.available(n));
        self.buffer.access.read(self.read_index, len);
        ReadChunk {
            consumer: self,
            len,
        }
    }
}

impl<T> Consumer<T> {
    /// Discards up to `n` of the oldest elements without reading them; returns how many.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::new(8);
    /// producer.push_slice(&[1_u8, 2, 3]);
    /// assert_eq!(consumer.skip(2), 2);
    /// assert_eq!(consumer.pop(), Some(3));
    /// assert_eq!(consumer.skip(5), 0);
    /// ```
    #[inline]
    pub fn skip(&mut self, n: usize) -> usize {
        let mut available = self.cached_available();
        if available < n {
            // Relaxed: skipping reads no slot, so none of the producer's slot writes need to be
            // visible here; and the producer's own later writes into the skipped slots are
            // ordered by our Release store in `release`. Because this load does not synchronise,
            // it must not enter the cache, which promises slots that are safe to read.
            let write_pos = self.buffer.producer.write_pos.load(Ordering::Relaxed);
            available = write_pos.wrapping_sub(self.read_pos) as usize;
        }
        let n = n.min(available);
        self.release(n);
        // The cache may now be behind `read_pos`; pull it up so that it shows nothing to read
        // rather than a wrapped, huge count.
        if self.cached_write_pos.get().wrapping_sub(self.read_pos) > self.capacity() as u64 {
            self.cached_write_pos.set(self.read_pos);
        }
        n
    }

    /// Discards everything readable now and returns how many elements that was.
    ///
    /// Safe while the producer keeps writing: elements it publishes during the call are either
    /// discarded whole or kept whole, never torn, and the totals stay exact. This is
    /// `pa_ringbuffer`'s `flush` and `ringbuf`'s `reset`, without their "only when both sides
    /// are idle" caveat.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<f32>::new(8);
    /// producer.push_slice(&[0.0; 5]);
    /// assert_eq!(consumer.clear(), 5);
    /// assert_eq!(consumer.read_available(), 0);
    /// assert_eq!(producer.write_available(), 8);
    /// ```
    #[inline]
    pub fn clear(&mut self) -> usize {
        self.skip(usize::MAX)
    }

    /// The number of elements the ring holds when full.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_, consumer) = ringscope::RingBuffer::<f32>::new(1024);
    /// assert_eq!(consumer.capacity(), 1024);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.slots.capacity
    }

    /// Whether the [`Producer`] has been dropped.
    ///
    /// Once it returns `true`, everything the producer wrote is visible: drain the ring and
    /// nothing is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::new(4);
    /// producer.push(1_u32).unwrap();
    /// drop(producer);
    /// assert!(consumer.is_abandoned());
    /// assert_eq!(consumer.pop(), Some(1));
    /// ```
    #[inline]
    pub fn is_abandoned(&self) -> bool {
        // Acquire: pairs with the Release store in `Producer::drop`, so after `true` the final
        // `write_pos` (and every slot write before it) is visible.
        self.buffer.producer.gone.load(Ordering::Acquire)
    }

    /// The ring's totals as this side sees them: `read` is exact, `written` is as of now, and
    /// `dropped` includes at least every element refused before the newest one in `written`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::{Counters, RingBuffer};
    ///
    /// let (mut producer, mut consumer) = RingBuffer::<f32>::new(2);
    /// producer.push_slice(&[0.0; 3]);
    /// consumer.pop();
    /// assert_eq!(consumer.counters(), Counters { written: 2, read: 1, dropped: 1 });
    /// ```
    #[inline]
    pub fn counters(&self) -> Counters {
        // Acquire: synchronises with the producer's publishing Release store, which is
        // sequenced after its `dropped` store; that is what makes the `dropped` guarantee hold.
        // It also makes the loaded position safe to cache.
        let written = self.buffer.producer.write_pos.load(Ordering::Acquire);
        self.cached_write_pos.set(written);
        Counters {
            written,
            read: self.read_pos,
            // Relaxed: ordered by the Acquire load above; see there.
            dropped: self.buffer.dropped.load(Ordering::Relaxed),
        }
    }

    /// Readable elements according to the cache.
    #[inline(always)]
    fn cached_available(&self) -> usize {
        self.cached_write_pos.get().wrapping_sub(self.read_pos) as usize
    }

    /// Readable elements, reloading the producer's position only if the cache shows fewer than
    /// `wanted`.
    #[inline(always)]
    fn available(&self, wanted: usize) -> usize {
        let available = self.cached_available();
        if available >= wanted {
            return available;
        }
        // Acquire: pairs with the producer's Release store in `publish`, so its writes into
        // every slot below the loaded position are visible before we read them.
        let write_pos = self.buffer.producer.write_pos.load(Ordering::Acquire);
        self.cached_write_pos.set(write_pos);
        self.cached_available()
    }

    /// Hands the next `n` slots back to the producer.
    #[inline(always)]
    fn release(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.read_pos = self.read_pos.wrapping_add(n as u64);
        self.read_index = self.slots.advance(self.read_index, n);
        // Release: pairs with the producer's Acquire load, so our reads of these slots happen
        // before it writes into them again.
        self.buffer
            .consumer
            .read_pos
            .store(self.read_pos, Ordering::Release);
    }
}

impl<T> Drop for Consumer<T> {
    fn drop(&mut self) {
        // Release: pairs with the Acquire in `Producer::is_abandoned`, so a producer that sees
        // the consumer gone also sees everything it did before, e.g. its final `read_pos`.
        self.buffer.consumer.gone.store(true, Ordering::Release);
        // Moved out before dropping, as in `Producer::drop`.
        // SAFETY: `buffer` is never used again; this is the last thing `drop` does.
        drop(unsafe { ManuallyDrop::take(&mut self.buffer) });
    }
}

impl<T> fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("capacity", &self.capacity())
            .field("counters", &self.counters())
            .finish()
    }
}

/// Free slots lent by [`Producer::write_chunk`], written in place and then committed.
///
/// Dropping the chunk without committing writes nothing.
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::RingBuffer::<u8>::new(4);
/// let mut chunk = producer.write_chunk(2);
/// assert_eq!(chunk.len(), 2);
/// chunk.as_mut_slices().0.copy_from_slice(b"ok");
/// chunk.commit_all();
/// assert_eq!(consumer.read_available(), 2);
/// ```
#[must_use = "nothing is published until the chunk is committed"]
pub struct WriteChunk<'a, T> {
    /// The same reservation, with every slot known to be initialised.
    chunk: WriteChunkUninit<'a, T>,
}

impl<T> WriteChunk<'_, T> {
    /// The chunk's two regions: from the write position to at most the end of the allocation,
    /// then from its start. Their lengths add up to [`WriteChunk::len`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<u8>::new(3);
    /// producer.push_slice(&[0, 0]);
    /// consumer.skip(2);
    /// let mut chunk = producer.write_chunk(3); // starts at slot 2, wraps to slot 0
    /// let (first, second) = chunk.as_mut_slices();
    /// assert_eq!((first.len(), second.len()), (1, 2));
    /// ```
    #[inline]
    pub fn as_mut_slices(&mut self) -> (&mut [T], &mut [T]) {
        let (first, second) = self.chunk.as_mut_slices();
        // SAFETY: `Producer::write_chunk` made every slot of the chunk hold an initialised `T`
        // (pushed, committed or default-filled), so the `MaybeUninit<T>`s may be viewed as
        // `T`s, which have the same layout.
        unsafe {
            (
                &mut *(first as *mut [MaybeUninit<T>] as *mut [T]),
                &mut *(second as *mut [MaybeUninit<T>] as *mut [T]),
            )
        }
    }

    /// The number of slots in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// assert_eq!(producer.write_chunk(10).len(), 4);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.chunk.len
    }

    /// Whether the chunk has no slots (the ring was full).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<f32>::new(1);
    /// producer.push(0.0).unwrap();
    /// assert!(producer.write_chunk(1).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.chunk.len == 0
    }

    /// Adds `n` to [`Counters::dropped`] for elements that did not fit this chunk, published
    /// with the chunk's commit: a consumer that sees the committed elements sees the count too.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// let block = [0.5_f32; 6];
    /// let mut chunk = producer.write_chunk(block.len());
    /// let written = chunk.len();
    /// let (first, second) = chunk.as_mut_slices();
    /// first.copy_from_slice(&block[..first.len()]);
    /// second.copy_from_slice(&block[first.len()..written]);
    /// chunk.record_dropped(block.len() - written);
    /// chunk.commit_all();
    /// assert_eq!(consumer.counters().dropped, 2);
    /// ```
    #[inline]
    pub fn record_dropped(&mut self, n: usize) {
        self.chunk.record_dropped(n);
    }

    /// Makes the first `k` slots of the chunk readable.
    ///
    /// # Panics
    ///
    /// If `k > len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.write_chunk(4).commit(1);
    /// assert_eq!(consumer.read_available(), 1);
    /// ```
    #[inline]
    pub fn commit(self, k: usize) {
        // SAFETY: every slot of the chunk holds an initialised `T` (see `as_mut_slices`).
        unsafe { self.chunk.commit_as(k, "WriteChunk") }
    }

    /// Makes every slot of the chunk readable.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.write_chunk(3).commit_all();
    /// assert_eq!(consumer.read_available(), 3);
    /// ```
    #[inline]
    pub fn commit_all(self) {
        let len = self.chunk.len;
        self.commit(len);
    }
}

impl<T> fmt::Debug for WriteChunk<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteChunk")
            .field("len", &self.chunk.len)
            .finish()
    }
}

/// Free slots lent by [`Producer::write_chunk_uninit`] as `MaybeUninit<T>`, written in place
/// and then committed with an `unsafe` promise that every committed slot was written.
///
/// Dropping the chunk without committing writes nothing.
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::RingBuffer::<u8>::new(4);
/// let mut chunk = producer.write_chunk_uninit(4);
/// let (first, _) = chunk.as_mut_slices();
/// first[0].write(b'!');
/// // SAFETY: slot 0 of the chunk was written just above.
/// unsafe { chunk.commit(1) };
/// assert_eq!(consumer.pop(), Some(b'!'));
/// ```
#[must_use = "nothing is published until the chunk is committed"]
pub struct WriteChunkUninit<'a, T> {
    producer: &'a mut Producer<T>,
    len: usize,
}

impl<T> WriteChunkUninit<'_, T> {
    /// The chunk's two regions: from the write position to at most the end of the allocation,
    /// then from its start. Their lengths add up to [`WriteChunkUninit::len`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<f64>::new(8);
    /// let mut chunk = producer.write_chunk_uninit(5);
    /// let (first, second) = chunk.as_mut_slices();
    /// assert_eq!((first.len(), second.len()), (5, 0));
    /// ```
    #[inline]
    pub fn as_mut_slices(&mut self) -> (&mut [MaybeUninit<T>], &mut [MaybeUninit<T>]) {
        let slots = self.producer.slots;
        let index = self.producer.write_index;
        let (first, second) = slots.split(index, self.len);
        // SAFETY: the `len` slots from `index` (wrapping) are free and belong to the producer,
        // which this chunk borrows exclusively; the two ranges do not overlap because
        // `first + second <= capacity`. As `MaybeUninit<T>` (same layout as `T`) they may hold
        // anything.
        unsafe {
            (
                slice::from_raw_parts_mut(slots.slot(index).cast(), first),
                slice::from_raw_parts_mut(slots.slot(0).cast(), second),
            )
        }
    }

    /// The number of slots in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// assert_eq!(producer.write_chunk_uninit(10).len(), 4);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the chunk has no slots (the ring was full).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<f32>::new(1);
    /// producer.push(0.0).unwrap();
    /// assert!(producer.write_chunk_uninit(1).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `n` to [`Counters::dropped`] for elements that did not fit this chunk, published
    /// with the chunk's commit, as [`WriteChunk::record_dropped`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<f32>::new(2);
    /// let mut chunk = producer.write_chunk_uninit(3);
    /// chunk.record_dropped(3 - chunk.len());
    /// drop(chunk);
    /// assert_eq!(consumer.counters().dropped, 1);
    /// ```
    #[inline]
    pub fn record_dropped(&mut self, n: usize) {
        self.producer.record_dropped(n);
    }

    /// Makes the first `k` slots of the chunk readable.
    ///
    /// # Safety
    ///
    /// Each of the first `k` slots of [`WriteChunkUninit::as_mut_slices`] (counting through the
    /// first region into the second) must have been written with an initialised value since
    /// the chunk was lent.
    ///
    /// # Panics
    ///
    /// If `k > len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<u32>::new(4);
    /// let mut chunk = producer.write_chunk_uninit(4);
    /// chunk.as_mut_slices().0[0].write(7);
    /// // SAFETY: the first slot was written just above.
    /// unsafe { chunk.commit(1) };
    /// assert_eq!(consumer.read_available(), 1);
    /// ```
    #[inline]
    pub unsafe fn commit(self, k: usize) {
        // SAFETY: the caller's promise.
        unsafe { self.commit_as(k, "WriteChunkUninit") }
    }

    /// Makes every slot of the chunk readable.
    ///
    /// # Safety
    ///
    /// Every slot of the chunk must have been written with an initialised value since it was
    /// lent.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::RingBuffer::<u32>::new(4);
    /// let mut chunk = producer.write_chunk_uninit(2);
    /// let (first, second) = chunk.as_mut_slices();
    /// for slot in first.iter_mut().chain(second) {
    ///     slot.write(1);
    /// }
    /// // SAFETY: every slot was written in the loop above.
    /// unsafe { chunk.commit_all() };
    /// assert_eq!(consumer.read_available(), 2);
    /// ```
    #[inline]
    pub unsafe fn commit_all(self) {
        let len = self.len;
        // SAFETY: the caller's promise.
        unsafe { self.commit(len) }
    }

    /// Publishes the first `k` slots; `chunk` names the chunk type in the panic message.
    ///
    /// # Safety
    ///
    /// The first `k` slots of the chunk hold initialised elements.
    #[inline]
    unsafe fn commit_as(self, k: usize, chunk: &str) {
        assert!(k <= self.len, "commit({k}) of a {}-slot {chunk}", self.len);
        if k > 0 {
            self.producer
                .buffer
                .access
                .write(self.producer.write_index, k);
            self.producer.publish(k);
        }
    }
}

impl<T> fmt::Debug for WriteChunkUninit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteChunkUninit")
            .field("len", &self.len)
            .finish()
    }
}

/// Readable elements lent by [`Consumer::read_chunk`], read in place and then committed.
///
/// Dropping the chunk without committing leaves the elements in the ring.
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::RingBuffer::<u8>::new(4);
/// producer.push_slice(b"abc");
/// let chunk = consumer.read_chunk(2);
/// assert_eq!(chunk.as_slices(), (&b"ab"[..], &b""[..]));
/// chunk.commit(1);
/// assert_eq!(consumer.pop(), Some(b'b'));
/// ```
#[must_use = "nothing is released until the chunk is committed"]
pub struct ReadChunk<'a, T> {
    consumer: &'a mut Consumer<T>,
    len: usize,
}

impl<T> ReadChunk<'_, T> {
    /// The chunk's two regions: from the read position to at most the end of the allocation,
    /// then from its start. Their lengths add up to [`ReadChunk::len`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<u8>::new(3);
    /// producer.push_slice(b"xy");
    /// consumer.skip(2);
    /// producer.push_slice(b"abc");
    /// let chunk = consumer.read_chunk(3);
    /// assert_eq!(chunk.as_slices(), (&b"a"[..], &b"bc"[..]));
    /// ```
    #[inline]
    pub fn as_slices(&self) -> (&[T], &[T]) {
        let slots = self.consumer.slots;
        let index = self.consumer.read_index;
        let (first, second) = slots.split(index, self.len);
        // SAFETY: the `len` slots from `index` (wrapping) are published and stay untouched by
        // the producer until the consumer (exclusively borrowed by this chunk) releases them.
        unsafe {
            (
                slice::from_raw_parts(slots.slot(index), first),
                slice::from_raw_parts(slots.slot(0), second),
            )
        }
    }

    /// The number of elements in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.push_slice(&[0.0; 2]);
    /// assert_eq!(consumer.read_chunk(10).len(), 2);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the chunk has no elements (the ring was empty).
    ///
    /// # Examples
    ///
    /// ```
    /// let (_producer, mut consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// assert!(consumer.read_chunk(4).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes the first `k` elements of the chunk from the ring.
    ///
    /// # Panics
    ///
    /// If `k > len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.push_slice(&[0.0; 3]);
    /// consumer.read_chunk(3).commit(2);
    /// assert_eq!(consumer.read_available(), 1);
    /// ```
    #[inline]
    pub fn commit(self, k: usize) {
        assert!(
            k <= self.len,
            "commit({k}) of a {}-element ReadChunk",
            self.len
        );
        self.consumer
            .buffer
            .access
            .read(self.consumer.read_index, k);
        self.consumer.release(k);
    }

    /// Removes every element of the chunk from the ring.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::RingBuffer::<f32>::new(4);
    /// producer.push_slice(&[0.0; 3]);
    /// consumer.read_chunk(3).commit_all();
    /// assert_eq!(consumer.read_available(), 0);
    /// ```
    #[inline]
    pub fn commit_all(self) {
        let len = self.len;
        self.commit(len);
    }
}

impl<T> fmt::Debug for ReadChunk<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadChunk").field("len", &self.len).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
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
    fn a_de_initialised_slot_is_lent_as_the_default_even_after_the_positions_wrap() {
        let (mut producer, mut consumer) = RingBuffer::<u8>::new(1);
        producer.push(7).unwrap();
        assert_eq!(consumer.pop(), Some(7));
        // As after 2⁶³ more elements: the first lap's range lies so far behind that its
        // wrapping distance looks like a long way ahead.
        producer.uninit_to = producer.write_pos.wrapping_sub((1 << 63) + 5);
        producer.uninit_from = producer.uninit_to;
        let mut chunk = producer.write_chunk_uninit(1);
        chunk.as_mut_slices().0[0] = MaybeUninit::uninit();
        drop(chunk);
        let mut chunk = producer.write_chunk(1);
        assert_eq!(
            chunk.as_mut_slices().0[0],
            0,
            "lent as the default, not the stale 7"
        );
        chunk.commit_all();
        assert_eq!(consumer.pop(), Some(0));
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
    #[should_panic(expected = "commit(3) of a 2-slot WriteChunk")]
    fn committing_more_than_the_chunk_panics() {
        let (mut producer, _consumer) = RingBuffer::<f32>::new(2);
        producer.write_chunk(5).commit(3);
    }
}
