//! The writing end: [`WriteEnd`], the position protocol both rings' producers share, and the
//! typed ring's [`Producer`] on top of it.

use core::cell::Cell;
use core::fmt;
use core::mem::ManuallyDrop;

use super::Counters;
use super::storage::{ElementSize, Regions, Shared, Slots, Typed};
use crate::sync::{Arc, Ordering};

/// The producer's half of the protocol, for elements of any size: its position, its cache of
/// the consumer's, reservation and publication of slots, and the overrun count. The typed
/// [`Producer`] and the byte ring's producer are thin fronts on it.
pub(crate) struct WriteEnd<S> {
    /// Dropped by value in `drop`; see there.
    shared: ManuallyDrop<Arc<Shared>>,
    pub(crate) slots: Slots<S>,
    /// The producer is the only writer of `shared.producer.write_pos`, so this copy is exact.
    write_pos: u64,
    /// `write_pos % capacity`, kept incrementally.
    pub(crate) write_index: usize,
    /// The consumer's position as last loaded with Acquire; it may lag, which only
    /// under-reports the free space.
    cached_read_pos: Cell<u64>,
    /// Exact copy of `shared.dropped`.
    dropped: u64,
}

impl<S: ElementSize> WriteEnd<S> {
    /// The producer of `shared`, whose positions both start at `position`.
    pub(crate) fn new(shared: Arc<Shared>, slots: Slots<S>, position: u64) -> Self {
        Self {
            write_index: (position % slots.capacity() as u64) as usize,
            shared: ManuallyDrop::new(shared),
            slots,
            write_pos: position,
            cached_read_pos: Cell::new(position),
            dropped: 0,
        }
    }

    /// Free slots according to the cache.
    #[inline(always)]
    fn cached_free_slots(&self) -> usize {
        self.slots.capacity() - self.write_pos.wrapping_sub(self.cached_read_pos.get()) as usize
    }

    /// Free slots, reloading the consumer's position only if the cache shows fewer than `wanted`.
    #[inline(always)]
    pub(crate) fn free_slots(&self, wanted: usize) -> usize {
        let free = self.cached_free_slots();
        if free >= wanted {
            return free;
        }
        // Acquire: pairs with the consumer's Release stores of `read_pos`, so its reads of the
        // slots it gave back happen before our writes into them (no data race on a slot).
        let read_pos = self.shared.consumer.read_pos.load(Ordering::Acquire);
        self.cached_read_pos.set(read_pos);
        self.cached_free_slots()
    }

    /// All free slots.
    #[inline(always)]
    pub(crate) fn write_available(&self) -> usize {
        self.free_slots(self.slots.capacity())
    }

    /// Reserves the next `min(n, free)` slots for a chunk and returns how many that is. They
    /// stay the producer's, unpublished, until `commit`.
    #[inline(always)]
    pub(crate) fn reserve(&mut self, n: usize) -> usize {
        let len = n.min(self.free_slots(n));
        self.shared.access.write(self.write_index, len);
        len
    }

    /// The next `len` free slots as raw regions; `len` must not exceed what `reserve` gave.
    #[inline(always)]
    pub(crate) fn regions(&self, len: usize) -> Regions {
        self.slots.regions(self.write_index, len)
    }

    /// Publishes the first `k` reserved slots, which hold initialised elements.
    #[inline(always)]
    pub(crate) fn commit(&mut self, k: usize) {
        if k > 0 {
            self.shared.access.write(self.write_index, k);
            self.publish(k);
        }
    }

    /// Copies the leading elements of `src` (`len` of them) that fit into the free slots and
    /// publishes them with one store; the rest is counted as dropped. Returns how many fit.
    ///
    /// # Safety
    ///
    /// `src` is valid for reading `len` elements. (It cannot overlap the free slots: a slice
    /// into this ring can only come from its readable region.)
    #[inline(always)]
    pub(crate) unsafe fn push_from(&mut self, src: *const u8, len: usize) -> usize {
        let n = len.min(self.free_slots(len));
        if n < len {
            self.count_dropped(len - n);
        }
        if n == 0 {
            return 0;
        }
        self.shared.access.write(self.write_index, n);
        // SAFETY: the `n` slots from `write_index` (wrapping) are free (`free_slots`) and ours
        // until `publish`; the caller vouches for `src`.
        unsafe { self.slots.copy_in(self.write_index, src, n) };
        self.publish(n);
        n
    }

    /// Hands the next `n` written slots to the consumer.
    #[inline(always)]
    pub(crate) fn publish(&mut self, n: usize) {
        self.write_pos = self.write_pos.wrapping_add(n as u64);
        self.write_index = self.slots.advance(self.write_index, n);
        // Release: pairs with the consumer's Acquire load, so our writes into the slots (and the
        // `dropped` store before it) are visible to it once it sees the new position.
        self.shared
            .producer
            .write_pos
            .store(self.write_pos, Ordering::Release);
    }

    /// Adds `n` to the overrun count, if it is not 0.
    #[inline]
    pub(crate) fn record_dropped(&mut self, n: usize) {
        if n > 0 {
            self.count_dropped(n);
        }
    }

    #[cold]
    pub(crate) fn count_dropped(&mut self, n: usize) {
        self.dropped = self.dropped.wrapping_add(n as u64);
        // Relaxed: a single-writer statistic. It needs no ordering of its own: a consumer that
        // Acquire-loads a `write_pos` published after this store also sees this value, because
        // the publishing Release store is sequenced after it.
        self.shared.dropped.store(self.dropped, Ordering::Relaxed);
    }

    /// Whether the consumer has been dropped.
    #[inline]
    pub(crate) fn is_abandoned(&self) -> bool {
        // Acquire: pairs with the Release store in `ReadEnd::drop`, so that `true` also means
        // "everything the consumer did before it was dropped is visible", as documented; with
        // Relaxed, `counters().read` could still show an older position after `true`.
        self.shared.consumer.gone.load(Ordering::Acquire)
    }

    /// The totals as the producer sees them.
    #[inline]
    pub(crate) fn counters(&self) -> Counters {
        Counters {
            written: self.write_pos,
            // Relaxed: reported, never used to touch a slot; per-location coherence still makes
            // successive values monotonic.
            read: self.shared.consumer.read_pos.load(Ordering::Relaxed),
            dropped: self.dropped,
        }
    }
}

impl<S> Drop for WriteEnd<S> {
    fn drop(&mut self) {
        // Release: pairs with the Acquire in `ReadEnd::is_abandoned`, so a consumer that sees
        // the producer gone also sees its final `write_pos` and can drain everything.
        self.shared.producer.gone.store(true, Ordering::Release);
        // The `Arc` is moved out and dropped from a local: dropping it in place would hand the
        // address of `self` to `Arc`'s out-of-line slow path, and LLVM would then treat the
        // whole producer as escaped and keep its fields in memory instead of registers in the
        // caller's loops (measured: single-element push+pop 25 % slower).
        // SAFETY: `shared` is never used again; this is the last thing `drop` does.
        drop(unsafe { ManuallyDrop::take(&mut self.shared) });
    }
}

/// The writing end of a [`RingBuffer`](super::RingBuffer); move it to the producing thread
/// (usually the audio thread).
///
/// It is [`Send`] but not [`Sync`]: exactly one thread writes. Dropping it makes
/// [`Consumer::is_abandoned`](super::Consumer::is_abandoned) return `true`. Its chunk methods,
/// [`Producer::write_chunk`] and [`Producer::write_chunk_uninit`], are documented with the
/// chunk types.
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
    pub(crate) end: WriteEnd<Typed<T>>,
}

// SAFETY: the raw pointer in `end.slots` points into the allocation that `end` keeps alive; a
// `Producer` is the only handle on the producer side, so moving it moves that side whole.
// Elements written here are read on the consumer's thread, hence `T: Send`.
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
        let end = &mut self.end;
        if end.free_slots(1) == 0 {
            end.count_dropped(1);
            return Err(value);
        }
        end.shared.access.write(end.write_index, 1);
        // SAFETY: `write_index < capacity`, and the slot is ours: `free_slots` saw the consumer
        // past it, and the consumer does not touch it until `publish` below hands it over.
        // The slot array is aligned for `T` and its slots are `size_of::<T>()` bytes apart.
        unsafe { end.slots.slot(end.write_index).cast::<T>().write(value) };
        end.publish(1);
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
        // SAFETY: `values` is valid for reading `values.len()` elements of `T`, the element
        // type of the slots.
        unsafe { self.end.push_from(values.as_ptr().cast(), values.len()) }
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
        self.end.write_available()
    }
}

impl<T> Producer<T> {
    /// Adds `n` to [`Counters::dropped`], for elements the producer discarded itself, so that
    /// one total counts every overrun.
    ///
    /// [`Producer::push`] and [`Producer::push_slice`] count what they refuse; a
    /// [`WriteChunk`](super::WriteChunk) is a reservation and counts nothing, so a producer
    /// that writes through chunks records what it discards here, or with
    /// [`WriteChunk::record_dropped`](super::WriteChunk::record_dropped) (which publishes the
    /// count together with the chunk).
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
        self.end.record_dropped(n);
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
        self.end.slots.capacity()
    }

    /// Whether the [`Consumer`](super::Consumer) has been dropped.
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
        self.end.is_abandoned()
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
        self.end.counters()
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
