//! Reading and writing the byte ring in place: chunks (borrowing their end, safe) and raw
//! regions (for FFI and for views that outlive a call), with the methods that lend them.
//!
//! Both lend up to `n` whole elements as two byte regions, the second non-empty only where the
//! elements wrap around the end of the slots; lengths are in elements. Every byte of the ring
//! is always initialised (the slots start zeroed), so nothing needs filling first.

use core::fmt;
use core::slice;

use super::{Consumer, Producer};
use crate::ring::consumer::ReadEnd;
use crate::ring::producer::WriteEnd;
use crate::ring::storage::{Regions, Runtime};

impl Producer {
    /// Lends up to `n` free elements for writing in place.
    ///
    /// The chunk holds `min(n, write_available())` elements; nothing is visible to the
    /// consumer until [`WriteChunk::commit`]. Bytes not yet written hold zeros or a stale
    /// element. Asking for more than fits is not counted as dropped: a chunk is a reservation,
    /// not a write.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// let mut chunk = producer.write_chunk(3);
    /// let (first, _second) = chunk.as_mut_slices();
    /// first[..4].copy_from_slice(b"hiyo");
    /// chunk.commit(2);
    /// let mut dst = [0; 4];
    /// assert_eq!(consumer.pop_slice(&mut dst), 2);
    /// assert_eq!(&dst, b"hiyo");
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn write_chunk(&mut self, n: usize) -> WriteChunk<'_> {
        let len = self.end.reserve(n);
        WriteChunk {
            end: &mut self.end,
            len,
        }
    }

    /// Lends up to `n` free elements as raw regions, for zero-copy writes from C or through a
    /// view that outlives this call; [`Producer::advance_write`] publishes what was written.
    ///
    /// The regions hold `min(n, write_available())` elements and stay the producer's until it
    /// publishes them. Writing through the pointers is the caller's (`unsafe`) business: only
    /// within `first_len` / `second_len` elements, only until the next `advance_write`, and
    /// from the producer's thread or one synchronised with it.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(4, 8)?;
    /// let regions = producer.write_regions(3);
    /// assert_eq!((regions.first_len, regions.second_len), (3, 0));
    /// // SAFETY: 3 elements of 4 bytes are free at `first`, and nothing else touches them
    /// // until `advance_write`.
    /// unsafe { regions.first.write_bytes(7, 3 * 4) };
    /// producer.advance_write(3);
    /// assert_eq!(consumer.read_available(), 3);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn write_regions(&mut self, n: usize) -> WriteRegions {
        let len = self.end.reserve(n);
        let Regions {
            first,
            first_len,
            second,
            second_len,
        } = self.end.regions(len);
        WriteRegions {
            first,
            first_len,
            second,
            second_len,
        }
    }

    /// Publishes the next `k` elements, written through [`Producer::write_regions`].
    ///
    /// # Panics
    ///
    /// If `k > write_available()`: the producer can only publish free slots.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(4, 8)?;
    /// let regions = producer.write_regions(8);
    /// // SAFETY: the first element of the free regions is ours to write.
    /// unsafe { regions.first.copy_from_nonoverlapping(1.5_f32.to_ne_bytes().as_ptr(), 4) };
    /// producer.advance_write(1);
    /// assert_eq!(consumer.read_available(), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn advance_write(&mut self, k: usize) {
        let free = self.end.free_slots(k);
        assert!(k <= free, "advance_write({k}) with {free} elements free");
        self.end.commit(k);
    }
}

impl Consumer {
    /// Lends up to `n` of the oldest elements for reading in place.
    ///
    /// The chunk holds `min(n, read_available())` elements; they stay in the ring until
    /// [`ReadChunk::commit`] releases some or all of them.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabbcc");
    /// let chunk = consumer.read_chunk(2);
    /// assert_eq!(chunk.as_slices(), (&b"aabb"[..], &b""[..]));
    /// chunk.commit_all();
    /// assert_eq!(consumer.read_available(), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn read_chunk(&mut self, n: usize) -> ReadChunk<'_> {
        let len = self.end.reserve(n);
        ReadChunk {
            end: &mut self.end,
            len,
        }
    }

    /// Lends up to `n` of the oldest elements as raw regions, for zero-copy reads from C or
    /// through a view that outlives this call; [`Consumer::advance_read`] releases them.
    ///
    /// The regions hold `min(n, read_available())` elements and stay valid, unchanged, until
    /// the consumer releases them. Reading through the pointers is the caller's (`unsafe`)
    /// business: only within `first_len` / `second_len` elements, only until the next
    /// `advance_read`, `skip` or `clear`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabb");
    /// let regions = consumer.read_regions(4);
    /// assert_eq!((regions.first_len, regions.second_len), (2, 0));
    /// // SAFETY: 2 published elements of 2 bytes start at `first`, kept until `advance_read`.
    /// let bytes = unsafe { std::slice::from_raw_parts(regions.first, 4) };
    /// assert_eq!(bytes, b"aabb");
    /// consumer.advance_read(2);
    /// assert_eq!(consumer.read_available(), 0);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn read_regions(&mut self, n: usize) -> ReadRegions {
        let len = self.end.reserve(n);
        let Regions {
            first,
            first_len,
            second,
            second_len,
        } = self.end.regions(len);
        ReadRegions {
            first: first.cast_const(),
            first_len,
            second: second.cast_const(),
            second_len,
        }
    }

    /// Releases the `k` oldest elements, read through [`Consumer::read_regions`].
    ///
    /// # Panics
    ///
    /// If `k > read_available()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabb");
    /// consumer.advance_read(1);
    /// assert_eq!(consumer.counters().read, 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn advance_read(&mut self, k: usize) {
        let available = self.end.available(k);
        assert!(
            k <= available,
            "advance_read({k}) with {available} elements readable"
        );
        self.end.commit(k);
    }
}

/// Free elements lent by [`Producer::write_chunk`], written in place and then committed.
///
/// Dropping the chunk without committing publishes nothing.
///
/// # Examples
///
/// ```
/// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(3, 4)?;
/// let mut chunk = producer.write_chunk(1);
/// chunk.as_mut_slices().0.copy_from_slice(b"abc");
/// chunk.commit_all();
/// assert_eq!(consumer.read_available(), 1);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
#[must_use = "nothing is published until the chunk is committed"]
pub struct WriteChunk<'a> {
    end: &'a mut WriteEnd<Runtime>,
    len: usize,
}

impl WriteChunk<'_> {
    /// The chunk's two regions as bytes: from the write position to at most the end of the
    /// slots, then from their start; together `len() * element_size` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 3)?;
    /// producer.push_slice(b"xxyy");
    /// consumer.skip(2);
    /// let mut chunk = producer.write_chunk(3); // starts at element 2, wraps to element 0
    /// let (first, second) = chunk.as_mut_slices();
    /// assert_eq!((first.len(), second.len()), (2, 4));
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn as_mut_slices(&mut self) -> (&mut [u8], &mut [u8]) {
        let regions = self.end.regions(self.len);
        let size = self.end.slots.element_size();
        // SAFETY: the `len` elements from the write position (wrapping) are free and belong to
        // the producer, which this chunk borrows exclusively; the regions do not overlap
        // (`first_len + second_len <= capacity`), and every byte of the slots is initialised.
        unsafe {
            (
                slice::from_raw_parts_mut(regions.first, regions.first_len * size),
                slice::from_raw_parts_mut(regions.second, regions.second_len * size),
            )
        }
    }

    /// The number of elements in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// assert_eq!(producer.write_chunk(10).len(), 4);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the chunk has no elements (the ring was full).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _) = ringscope::bytes::RingBuffer::new(2, 1)?;
    /// producer.push_slice(b"ab");
    /// assert!(producer.write_chunk(1).is_empty());
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `n` to [`Counters::dropped`](crate::Counters::dropped) for elements that did not
    /// fit this chunk, published with the chunk's commit.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(2, 2)?;
    /// let mut chunk = producer.write_chunk(3);
    /// chunk.record_dropped(3 - chunk.len());
    /// chunk.commit_all();
    /// assert_eq!(consumer.counters().dropped, 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn record_dropped(&mut self, n: usize) {
        self.end.record_dropped(n);
    }

    /// Makes the first `k` elements of the chunk readable.
    ///
    /// # Panics
    ///
    /// If `k > len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.write_chunk(4).commit(1);
    /// assert_eq!(consumer.read_available(), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn commit(self, k: usize) {
        assert!(
            k <= self.len,
            "commit({k}) of a {}-element WriteChunk",
            self.len
        );
        self.end.commit(k);
    }

    /// Makes every element of the chunk readable.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.write_chunk(3).commit_all();
    /// assert_eq!(consumer.read_available(), 3);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn commit_all(self) {
        let len = self.len;
        self.commit(len);
    }
}

impl fmt::Debug for WriteChunk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteChunk")
            .field("len", &self.len)
            .finish()
    }
}

/// The oldest elements lent by [`Consumer::read_chunk`], read in place and then committed.
///
/// Dropping the chunk without committing leaves the elements in the ring.
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
/// producer.push_slice(b"aabb");
/// let chunk = consumer.read_chunk(4);
/// assert_eq!(chunk.len(), 2);
/// chunk.commit(1);
/// assert_eq!(consumer.read_available(), 1);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
#[must_use = "nothing is released until the chunk is committed"]
pub struct ReadChunk<'a> {
    end: &'a mut ReadEnd<Runtime>,
    len: usize,
}

impl ReadChunk<'_> {
    /// The chunk's two regions as bytes: from the read position to at most the end of the
    /// slots, then from their start; together `len() * element_size` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 3)?;
    /// producer.push_slice(b"xxyy");
    /// consumer.skip(2);
    /// producer.push_slice(b"aabbcc");
    /// let chunk = consumer.read_chunk(3);
    /// assert_eq!(chunk.as_slices(), (&b"aa"[..], &b"bbcc"[..]));
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn as_slices(&self) -> (&[u8], &[u8]) {
        let regions = self.end.regions(self.len);
        let size = self.end.slots.element_size();
        // SAFETY: the `len` elements from the read position (wrapping) are published and stay
        // untouched by the producer until the consumer (exclusively borrowed by this chunk)
        // releases them.
        unsafe {
            (
                slice::from_raw_parts(regions.first, regions.first_len * size),
                slice::from_raw_parts(regions.second, regions.second_len * size),
            )
        }
    }

    /// The number of elements in the chunk.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabb");
    /// assert_eq!(consumer.read_chunk(10).len(), 2);
    /// # Ok::<(), ringscope::bytes::NewError>(())
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
    /// let (_, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// assert!(consumer.read_chunk(4).is_empty());
    /// # Ok::<(), ringscope::bytes::NewError>(())
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
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabbcc");
    /// consumer.read_chunk(3).commit(2);
    /// assert_eq!(consumer.read_available(), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
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
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// producer.push_slice(b"aabbcc");
    /// consumer.read_chunk(3).commit_all();
    /// assert_eq!(consumer.read_available(), 0);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn commit_all(self) {
        let len = self.len;
        self.commit(len);
    }
}

impl fmt::Debug for ReadChunk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadChunk").field("len", &self.len).finish()
    }
}

/// Free elements lent by [`Producer::write_regions`] as raw memory: `first_len` elements at
/// `first`, then `second_len` at `second` (the start of the slots). Lengths are in elements;
/// a region of length 0 must not be written. Published by [`Producer::advance_write`].
///
/// # Examples
///
/// ```
/// let (mut producer, _) = ringscope::bytes::RingBuffer::new(4, 8)?;
/// let regions = producer.write_regions(100);
/// assert_eq!(regions.first_len + regions.second_len, 8);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteRegions {
    /// The first free element; never null.
    pub first: *mut u8,
    /// Elements at `first`, up to the end of the slots.
    pub first_len: usize,
    /// The start of the slots, where the free elements continue; never null.
    pub second: *mut u8,
    /// Elements at `second`; 0 unless the free elements wrap around the end.
    pub second_len: usize,
}

/// The oldest elements lent by [`Consumer::read_regions`] as raw memory: `first_len`
/// elements at `first`, then `second_len` at `second` (the start of the slots). Lengths are in
/// elements. Released by [`Consumer::advance_read`].
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(4, 8)?;
/// producer.push_slice(&[0; 12]);
/// let regions = consumer.read_regions(100);
/// assert_eq!(regions.first_len + regions.second_len, 3);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadRegions {
    /// The oldest element; never null.
    pub first: *const u8,
    /// Elements at `first`, up to the end of the slots.
    pub first_len: usize,
    /// The start of the slots, where the elements continue; never null.
    pub second: *const u8,
    /// Elements at `second`; 0 unless the elements wrap around the end.
    pub second_len: usize,
}
