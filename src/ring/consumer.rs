//! The reading end: [`ReadEnd`], the position protocol both rings' consumers share, and the
//! typed ring's [`Consumer`] on top of it.

use core::cell::Cell;
use core::fmt;
use core::mem::ManuallyDrop;

use super::Counters;
use super::storage::{ElementSize, Regions, Shared, Slots, Typed};
use crate::sync::{Arc, Ordering};

/// The consumer's half of the protocol, for elements of any size: its position, its cache of
/// the producer's, reservation and release of slots, `skip` and `clear`. The typed [`Consumer`]
/// and the byte ring's consumer are thin fronts on it.
pub(crate) struct ReadEnd<S> {
    /// Dropped by value in `drop`; see `WriteEnd::drop`.
    shared: ManuallyDrop<Arc<Shared>>,
    pub(crate) slots: Slots<S>,
    /// The consumer is the only writer of `shared.consumer.read_pos`, so this copy is exact.
    read_pos: u64,
    /// `read_pos % capacity`, kept incrementally.
    pub(crate) read_index: usize,
    /// The producer's position as last loaded with Acquire (so every slot below it is safe to
    /// read); it may lag, which only under-reports the readable elements.
    cached_write_pos: Cell<u64>,
}

impl<S: ElementSize> ReadEnd<S> {
    /// The consumer of `shared`, whose positions both start at `position`.
    pub(crate) fn new(shared: Arc<Shared>, slots: Slots<S>, position: u64) -> Self {
        Self {
            read_index: (position % slots.capacity() as u64) as usize,
            shared: ManuallyDrop::new(shared),
            slots,
            read_pos: position,
            cached_write_pos: Cell::new(position),
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
    pub(crate) fn available(&self, wanted: usize) -> usize {
        let available = self.cached_available();
        if available >= wanted {
            return available;
        }
        // Acquire: pairs with the producer's Release store in `publish`, so its writes into
        // every slot below the loaded position are visible before we read them.
        let write_pos = self.shared.producer.write_pos.load(Ordering::Acquire);
        self.cached_write_pos.set(write_pos);
        self.cached_available()
    }

    /// All readable elements.
    #[inline(always)]
    pub(crate) fn read_available(&self) -> usize {
        self.available(self.slots.capacity())
    }

    /// Reserves the oldest `min(n, readable)` elements for a chunk and returns how many that
    /// is. They stay in the ring until `commit`.
    #[inline(always)]
    pub(crate) fn reserve(&mut self, n: usize) -> usize {
        let len = n.min(self.available(n));
        self.shared.access.read(self.read_index, len);
        len
    }

    /// The oldest `len` elements as raw regions; `len` must not exceed what `reserve` gave.
    #[inline(always)]
    pub(crate) fn regions(&self, len: usize) -> Regions {
        self.slots.regions(self.read_index, len)
    }

    /// Releases the first `k` reserved elements.
    #[inline(always)]
    pub(crate) fn commit(&mut self, k: usize) {
        self.shared.access.read(self.read_index, k);
        self.release(k);
    }

    /// Records a read of the oldest element, for loom (`peek`).
    #[inline(always)]
    pub(crate) fn record_read_of_oldest(&self) {
        self.shared.access.read(self.read_index, 1);
    }

    /// Copies the oldest elements, up to `len`, into `dst` and releases them; returns how many.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writing `len` elements. (It cannot overlap the readable slots: the
    /// consumer lends those only as shared slices, tied to `&mut self`, and a write chunk's
    /// slices cover free slots only.)
    #[inline(always)]
    pub(crate) unsafe fn pop_into(&mut self, dst: *mut u8, len: usize) -> usize {
        let n = len.min(self.available(len));
        if n == 0 {
            return 0;
        }
        self.shared.access.read(self.read_index, n);
        // SAFETY: the `n` slots from `read_index` (wrapping) were published by a `write_pos` we
        // Acquire-loaded and stay untouched by the producer until `release`; the caller vouches
        // for `dst`.
        unsafe { self.slots.copy_out(self.read_index, dst, n) };
        self.release(n);
        n
    }

    /// Discards up to `n` of the oldest elements without reading them; returns how many.
    #[inline]
    pub(crate) fn skip(&mut self, n: usize) -> usize {
        let mut available = self.cached_available();
        if available < n {
            // Relaxed: skipping reads no slot, so none of the producer's slot writes need to be
            // visible here; and the producer's own later writes into the skipped slots are
            // ordered by our Release store in `release`. Because this load does not synchronise,
            // it must not enter the cache, which promises slots that are safe to read.
            let write_pos = self.shared.producer.write_pos.load(Ordering::Relaxed);
            available = write_pos.wrapping_sub(self.read_pos) as usize;
        }
        let n = n.min(available);
        self.release(n);
        // The cache may now be behind `read_pos`; pull it up so that it shows nothing to read
        // rather than a wrapped, huge count.
        if self.cached_write_pos.get().wrapping_sub(self.read_pos) > self.slots.capacity() as u64 {
            self.cached_write_pos.set(self.read_pos);
        }
        n
    }

    /// Hands the next `n` slots back to the producer.
    #[inline(always)]
    pub(crate) fn release(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.read_pos = self.read_pos.wrapping_add(n as u64);
        self.read_index = self.slots.advance(self.read_index, n);
        // Release: pairs with the producer's Acquire load, so our reads of these slots happen
        // before it writes into them again.
        self.shared
            .consumer
            .read_pos
            .store(self.read_pos, Ordering::Release);
    }

    /// Whether the producer has been dropped.
    #[inline]
    pub(crate) fn is_abandoned(&self) -> bool {
        // Acquire: pairs with the Release store in `WriteEnd::drop`, so after `true` the final
        // `write_pos` (and every slot write before it) is visible.
        self.shared.producer.gone.load(Ordering::Acquire)
    }

    /// The totals as the consumer sees them.
    #[inline]
    pub(crate) fn counters(&self) -> Counters {
        // Acquire: synchronises with the producer's publishing Release store, which is
        // sequenced after its `dropped` store; that is what makes the `dropped` guarantee hold.
        // It also makes the loaded position safe to cache.
        let written = self.shared.producer.write_pos.load(Ordering::Acquire);
        self.cached_write_pos.set(written);
        Counters {
            written,
            read: self.read_pos,
            // Relaxed: ordered by the Acquire load above; see there.
            dropped: self.shared.dropped.load(Ordering::Relaxed),
        }
    }
}

impl<S> Drop for ReadEnd<S> {
    fn drop(&mut self) {
        // Release: pairs with the Acquire in `WriteEnd::is_abandoned`, so a producer that sees
        // the consumer gone also sees everything it did before, e.g. its final `read_pos`.
        self.shared.consumer.gone.store(true, Ordering::Release);
        // Moved out before dropping, as in `WriteEnd::drop`.
        // SAFETY: `shared` is never used again; this is the last thing `drop` does.
        drop(unsafe { ManuallyDrop::take(&mut self.shared) });
    }
}

/// The reading end of a [`RingBuffer`](super::RingBuffer); move it to the consuming thread
/// (e.g. the editor).
///
/// It is [`Send`] but not [`Sync`]: exactly one thread reads. Dropping it makes
/// [`Producer::is_abandoned`](super::Producer::is_abandoned) return `true`. Its chunk method,
/// [`Consumer::read_chunk`], is documented with the chunk types.
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
    pub(crate) end: ReadEnd<Typed<T>>,
}

// SAFETY: as for `Producer`: the consumer side moves whole, and the elements it reads were
// written on the producer's thread, hence `T: Send`.
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
        let end = &mut self.end;
        if end.available(1) == 0 {
            return None;
        }
        end.record_read_of_oldest();
        // SAFETY: `read_index < capacity`, and the slot holds a `T` published by a `write_pos`
        // we Acquire-loaded; the producer does not write it again until `release` below.
        let value = unsafe { end.slots.slot(end.read_index).cast::<T>().read() };
        end.release(1);
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
        // SAFETY: `dst` is valid for writing `dst.len()` elements of `T`, the slots' type.
        unsafe { self.end.pop_into(dst.as_mut_ptr().cast(), dst.len()) }
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
        let end = &self.end;
        if end.available(1) == 0 {
            return None;
        }
        end.record_read_of_oldest();
        // SAFETY: the slot holds a published `T` and stays untouched by the producer until the
        // consumer releases it, which needs `&mut self` and so cannot happen while this borrow
        // lives.
        Some(unsafe { &*end.slots.slot(end.read_index).cast::<T>() })
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
        self.end.read_available()
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
        self.end.skip(n)
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
        self.end.skip(usize::MAX)
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
        self.end.slots.capacity()
    }

    /// Whether the [`Producer`](super::Producer) has been dropped.
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
        self.end.is_abandoned()
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
        self.end.counters()
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
