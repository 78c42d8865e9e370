//! Reading and writing in place: the typed ring's chunk types, with the methods that lend them.
//!
//! A chunk lends up to `n` slots as two slices (the second is non-empty only where the slots
//! wrap around the end of the allocation), to be read or written in place and then committed:
//! nothing moves between the sides until then. A write chunk comes in two kinds, as in rtrb:
//! [`WriteChunkUninit`] lends the slots as `MaybeUninit<T>` and its commit is `unsafe` (the
//! caller promises to have written what it commits); [`WriteChunk`] is that chunk with every
//! slot first set to `T::default()`, so it can lend them as `&mut T` and commit safely.

use core::fmt;
use core::mem::MaybeUninit;
use core::slice;

use super::consumer::{Consumer, ReadEnd};
use super::producer::{Producer, WriteEnd};
use super::storage::Typed;

impl<T: Copy> Producer<T> {
    /// Lends up to `n` free slots for writing in place, each holding `T::default()`.
    ///
    /// The chunk holds `min(n, write_available())` slots; nothing is visible to the consumer
    /// until [`WriteChunk::commit`]. This is [`Producer::write_chunk_uninit`] followed by a
    /// default fill of the chunk, which costs a store per slot: a producer that writes every
    /// slot it commits (an audio callback copying its block) should take the uninitialised
    /// chunk instead. Unlike [`Producer::push_slice`], asking for more than fits is not counted
    /// as dropped: a chunk is a reservation, not a write.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::RingBuffer;
    ///
    /// let (mut producer, mut consumer) = RingBuffer::<f32>::new(4);
    /// let mut chunk = producer.write_chunk(3);
    /// let (first, second) = chunk.as_mut_slices();
    /// assert!(first.iter().chain(second.iter()).all(|&slot| slot == 0.0));
    /// for (i, slot) in first.iter_mut().chain(second).enumerate() {
    ///     *slot = i as f32;
    /// }
    /// chunk.commit(2);
    /// assert_eq!(consumer.pop(), Some(0.0));
    /// assert_eq!(consumer.pop(), Some(1.0));
    /// assert_eq!(consumer.pop(), None);
    /// ```
    #[inline]
    pub fn write_chunk(&mut self, n: usize) -> WriteChunk<'_, T>
    where
        T: Default,
    {
        WriteChunk::from(self.write_chunk_uninit(n))
    }

    /// Lends up to `n` free slots for writing in place without an initial value: the
    /// [`Producer::write_chunk`] for element types without a `Default`, or for a producer that
    /// does not want to pay for the default fill.
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
        let len = self.end.reserve(n);
        WriteChunkUninit {
            end: &mut self.end,
            len,
        }
    }
}

impl<T: Copy> Consumer<T> {
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
        let len = self.end.reserve(n);
        ReadChunk {
            end: &mut self.end,
            len,
        }
    }
}

/// Free slots lent by [`Producer::write_chunk`], each holding `T::default()`, written in place
/// and then committed.
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
    /// The same reservation, with every slot initialised.
    chunk: WriteChunkUninit<'a, T>,
}

impl<'a, T: Copy + Default> From<WriteChunkUninit<'a, T>> for WriteChunk<'a, T> {
    /// Fills every slot of the chunk with `T::default()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::WriteChunk;
    ///
    /// let (mut producer, _consumer) = ringscope::RingBuffer::<u16>::new(4);
    /// let mut chunk = WriteChunk::from(producer.write_chunk_uninit(3));
    /// assert_eq!(chunk.as_mut_slices().0, [0, 0, 0]);
    /// ```
    #[inline]
    fn from(mut chunk: WriteChunkUninit<'a, T>) -> Self {
        let (first, second) = chunk.as_mut_slices();
        for slot in first.iter_mut().chain(second) {
            slot.write(T::default());
        }
        WriteChunk { chunk }
    }
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
        // SAFETY: `From::from` made every slot of the chunk hold an initialised `T` (and the
        // chunk lends them only as `&mut T`, which cannot de-initialise them), so the
        // `MaybeUninit<T>`s may be viewed as `T`s, which have the same layout.
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

    /// Adds `n` to [`Counters::dropped`](super::Counters::dropped) for elements that did not
    /// fit this chunk, published with the chunk's commit: a consumer that sees the committed
    /// elements sees the count too.
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
    end: &'a mut WriteEnd<Typed<T>>,
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
        let regions = self.end.regions(self.len);
        // SAFETY: the `len` slots from the write position (wrapping) are free and belong to
        // the producer, which this chunk borrows exclusively; the two regions do not overlap
        // because `first_len + second_len <= capacity`, and the slot array is aligned for `T`
        // with slots `size_of::<T>()` bytes apart. As `MaybeUninit<T>` they may hold anything.
        unsafe {
            (
                slice::from_raw_parts_mut(regions.first.cast(), regions.first_len),
                slice::from_raw_parts_mut(regions.second.cast(), regions.second_len),
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

    /// Adds `n` to [`Counters::dropped`](super::Counters::dropped) for elements that did not
    /// fit this chunk, published with the chunk's commit, as
    /// [`WriteChunk::record_dropped`] does.
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
        self.end.record_dropped(n);
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
        self.end.commit(k);
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
    end: &'a mut ReadEnd<Typed<T>>,
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
        let regions = self.end.regions(self.len);
        // SAFETY: the `len` slots from the read position (wrapping) hold published `T`s and
        // stay untouched by the producer until the consumer (exclusively borrowed by this
        // chunk) releases them; the slot array is aligned for `T`.
        unsafe {
            (
                slice::from_raw_parts(regions.first.cast::<T>(), regions.first_len),
                slice::from_raw_parts(regions.second.cast::<T>(), regions.second_len),
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
        self.end.commit(k);
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
