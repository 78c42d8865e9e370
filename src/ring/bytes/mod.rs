//! The ring with an element size chosen at run time: elements of `n` bytes, `n` fixed at
//! construction, for code that learns its element type only then (Python's `format=` and
//! `channels=`, `pa_ringbuffer`'s `elementsize`, an opaque C handle).
//!
//! It is the typed ring's protocol, slots and guarantees (the same code, generic over the
//! element size), with a byte-slice front:
//!
//! - **Whole elements only.** Every count is in elements, `Counters` too. A push of a byte
//!   slice writes its leading whole elements that fit and never part of one; a trailing partial
//!   element is neither written nor counted as dropped. Element `i` of the ring is the
//!   `element_size` bytes at offset `i * element_size` of its slots.
//! - **Always initialised.** The slots are zeroed at construction, so every byte of the ring
//!   always holds a value: chunks lend `&mut [u8]` with no fill, and a slot not yet written
//!   holds zeros or a stale element.
//! - **No aborts.** [`RingBuffer::new`] reports a zero size, an absurd size or a failed
//!   allocation as a [`NewError`] rather than panicking or aborting, so that a binding can turn
//!   it into its own error (`ValueError`, `MemoryError`).
//! - **Raw regions for FFI.** Besides chunks, which borrow their end, [`Producer::write_regions`]
//!   and [`Consumer::read_regions`] lend the slots as raw pointers that may outlive the call
//!   (for a view handed to Python or C), released by [`Producer::advance_write`] and
//!   [`Consumer::advance_read`].
//!
//! # Examples
//!
//! ```
//! use ringscope::bytes::RingBuffer;
//!
//! // Stereo f32 frames: 8 bytes per element, room for 4 800 of them.
//! let (mut producer, mut consumer) = RingBuffer::new(8, 4_800)?;
//! let frame = [0.5_f32.to_ne_bytes(), (-0.5_f32).to_ne_bytes()].concat();
//! assert_eq!(producer.push_slice(&frame.repeat(3)), 3);
//!
//! let mut out = [0_u8; 16];
//! assert_eq!(consumer.pop_slice(&mut out), 2);
//! assert_eq!(&out[..8], &frame[..]);
//! assert_eq!(consumer.counters().read, 2); // counted in elements, not bytes
//! # Ok::<(), ringscope::bytes::NewError>(())
//! ```
#![deny(missing_debug_implementations)]

use core::fmt;

use super::Counters;
use super::consumer::ReadEnd;
use super::producer::WriteEnd;
use super::storage::{AllocError, Fill, Runtime, Shared, Slots};

mod chunks;

pub use chunks::{ReadChunk, ReadRegions, WriteChunk, WriteRegions};

/// A fixed-capacity single-producer single-consumer FIFO of elements of `element_size` bytes.
///
/// As with the typed [`RingBuffer`](crate::RingBuffer), it is never used directly:
/// [`RingBuffer::new`] allocates one and returns its two ends.
///
/// # Examples
///
/// ```
/// use ringscope::bytes::RingBuffer;
///
/// let (mut producer, mut consumer) = RingBuffer::new(3, 2)?;
/// let audio = std::thread::spawn(move || {
///     let mut sent = 0;
///     while sent < 4 {
///         // 24-bit samples, one element each.
///         sent += producer.push_slice(&[sent as u8; 3]);
///     }
/// });
/// let mut received = Vec::new();
/// let mut sample = [0_u8; 3];
/// while received.len() < 4 {
///     if consumer.pop_slice(&mut sample) == 1 {
///         received.push(sample[0]);
///     }
/// }
/// audio.join().unwrap();
/// assert_eq!(received, [0, 1, 2, 3]);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
pub struct RingBuffer {
    _namespace: (),
}

impl RingBuffer {
    /// Allocates a ring of `capacity` elements of `element_size` bytes each and returns its two
    /// ends.
    ///
    /// This is the only call that allocates: `element_size * capacity` bytes, 128-byte aligned
    /// and zeroed. Any sizes ≥ 1 will do (no power-of-two rule) and every slot is usable.
    ///
    /// # Errors
    ///
    /// [`NewError::ZeroElementSize`], [`NewError::ZeroCapacity`], [`NewError::TooLarge`] if
    /// `element_size * capacity` does not fit the address space (`isize::MAX` bytes), and
    /// [`NewError::AllocationFailed`] if the allocator has no such memory. None of them aborts
    /// the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::bytes::{NewError, RingBuffer};
    ///
    /// let (producer, _consumer) = RingBuffer::new(6, 1000)?;
    /// assert_eq!((producer.element_size(), producer.capacity()), (6, 1000));
    ///
    /// assert_eq!(RingBuffer::new(0, 10).unwrap_err(), NewError::ZeroElementSize);
    /// assert_eq!(RingBuffer::new(4, 0).unwrap_err(), NewError::ZeroCapacity);
    /// assert_eq!(RingBuffer::new(1 << 40, 1 << 40).unwrap_err(), NewError::TooLarge);
    /// # Ok::<(), NewError>(())
    /// ```
    #[allow(clippy::new_ret_no_self)]
    pub fn new(element_size: usize, capacity: usize) -> Result<(Producer, Consumer), NewError> {
        Self::starting_at(element_size, capacity, 0)
    }

    /// `new` with both totals at `position`; tests use it to cross the `u64` wrap.
    pub(crate) fn starting_at(
        element_size: usize,
        capacity: usize,
        position: u64,
    ) -> Result<(Producer, Consumer), NewError> {
        if element_size == 0 {
            return Err(NewError::ZeroElementSize);
        }
        if capacity == 0 {
            return Err(NewError::ZeroCapacity);
        }
        let shared = Shared::new(capacity, element_size, 1, Fill::Zeroed, position)?;
        let slots = Slots::of(&shared, capacity, Runtime(element_size));
        let producer = Producer {
            end: WriteEnd::new(shared.clone(), slots, position),
        };
        let consumer = Consumer {
            end: ReadEnd::new(shared, slots, position),
        };
        Ok((producer, consumer))
    }
}

impl fmt::Debug for RingBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingBuffer").finish_non_exhaustive()
    }
}

/// Why [`RingBuffer::new`] could not make a ring.
///
/// # Examples
///
/// ```
/// use ringscope::bytes::{NewError, RingBuffer};
///
/// let error = RingBuffer::new(usize::MAX, 2).unwrap_err();
/// assert_eq!(error, NewError::TooLarge);
/// assert_eq!(error.to_string(), "element_size * capacity exceeds the address space");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewError {
    /// `element_size` was 0.
    ZeroElementSize,
    /// `capacity` was 0.
    ZeroCapacity,
    /// `element_size * capacity` bytes exceed `isize::MAX`.
    TooLarge,
    /// The allocator could not provide the memory.
    AllocationFailed,
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NewError::ZeroElementSize => "element_size must be at least 1 byte",
            NewError::ZeroCapacity => "capacity must be at least 1 element",
            NewError::TooLarge => "element_size * capacity exceeds the address space",
            NewError::AllocationFailed => "could not allocate the ring's memory",
        })
    }
}

impl std::error::Error for NewError {}

impl From<AllocError> for NewError {
    fn from(error: AllocError) -> Self {
        match error {
            AllocError::TooLarge => NewError::TooLarge,
            AllocError::Failed(_) => NewError::AllocationFailed,
        }
    }
}

/// The writing end of a byte [`RingBuffer`]; move it to the producing thread.
///
/// It is [`Send`] but not [`Sync`]: exactly one thread writes. Dropping it makes
/// [`Consumer::is_abandoned`] return `true`. Its in-place writes ([`Producer::write_chunk`],
/// [`Producer::write_regions`]) are documented with the chunk types.
///
/// # Examples
///
/// ```
/// let (mut producer, _consumer) = ringscope::bytes::RingBuffer::new(2, 3)?;
/// assert_eq!(producer.push_slice(b"aabbccdd"), 3); // one element refused
/// assert_eq!(producer.counters().dropped, 1);
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
pub struct Producer {
    pub(crate) end: WriteEnd<Runtime>,
}

// SAFETY: the raw pointer in `end.slots` points into the allocation that `end` keeps alive; a
// `Producer` is the only handle on the producer side, so moving it moves that side whole. The
// slots hold plain bytes, which may cross threads.
unsafe impl Send for Producer {}

impl Producer {
    /// The bytes per element, as given to [`RingBuffer::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _) = ringscope::bytes::RingBuffer::new(12, 4)?;
    /// assert_eq!(producer.element_size(), 12);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn element_size(&self) -> usize {
        self.end.slots.element_size()
    }

    /// The number of elements the ring holds when full.
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, _) = ringscope::bytes::RingBuffer::new(12, 4)?;
    /// assert_eq!(producer.capacity(), 4);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.end.slots.capacity()
    }

    /// The number of elements that can be written now; the consumer may free more at any
    /// moment, never less.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _) = ringscope::bytes::RingBuffer::new(4, 5)?;
    /// producer.push_slice(&[0; 8]);
    /// assert_eq!(producer.write_available(), 3);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn write_available(&self) -> usize {
        self.end.write_available()
    }

    /// Appends the leading whole elements of `data` (`data.len() / element_size` of them) that
    /// fit and returns how many elements that was.
    ///
    /// Whole elements that did not fit are counted in [`Counters::dropped`]; their bytes are
    /// `&data[written * element_size..]`. A trailing partial element is never written, and not
    /// counted. One call publishes everything it wrote with one atomic store.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 4)?;
    /// let data = b"spameggsham";
    /// let written = producer.push_slice(data);
    /// assert_eq!(written, 4);
    /// assert_eq!(&data[written * 2..], b"ham"); // 1 whole element dropped, "m" not counted
    /// assert_eq!(producer.counters().dropped, 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn push_slice(&mut self, data: &[u8]) -> usize {
        let whole = data.len() / self.element_size();
        // SAFETY: `data` holds at least `whole` elements of `element_size` bytes.
        unsafe { self.end.push_from(data.as_ptr(), whole) }
    }

    /// Adds `n` to [`Counters::dropped`], for elements the producer discarded itself.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(4, 4)?;
    /// producer.record_dropped(512);
    /// assert_eq!(consumer.counters().dropped, 512);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn record_dropped(&mut self, n: usize) {
        self.end.record_dropped(n);
    }

    /// The ring's totals in elements, as this side sees them: `written` and `dropped` are
    /// exact, `read` may lag behind the consumer by a moment.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, _) = ringscope::bytes::RingBuffer::new(4, 4)?;
    /// producer.push_slice(&[0; 12]);
    /// assert_eq!(producer.counters().written, 3);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn counters(&self) -> Counters {
        self.end.counters()
    }

    /// Whether the [`Consumer`] has been dropped; once `true`, everything it did before is
    /// visible here ([`Producer::counters`] reports its final `read`).
    ///
    /// # Examples
    ///
    /// ```
    /// let (producer, consumer) = ringscope::bytes::RingBuffer::new(4, 4)?;
    /// drop(consumer);
    /// assert!(producer.is_abandoned());
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn is_abandoned(&self) -> bool {
        self.end.is_abandoned()
    }
}

impl fmt::Debug for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Producer")
            .field("element_size", &self.element_size())
            .field("capacity", &self.capacity())
            .field("counters", &self.counters())
            .finish()
    }
}

/// The reading end of a byte [`RingBuffer`]; move it to the consuming thread.
///
/// It is [`Send`] but not [`Sync`]: exactly one thread reads. Dropping it makes
/// [`Producer::is_abandoned`] return `true`. Its in-place reads ([`Consumer::read_chunk`],
/// [`Consumer::read_regions`]) are documented with the chunk types.
///
/// # Examples
///
/// ```
/// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 8)?;
/// producer.push_slice(b"aabbcc");
/// let mut dst = [0_u8; 5]; // room for 2 whole elements
/// assert_eq!(consumer.pop_slice(&mut dst), 2);
/// assert_eq!(&dst[..4], b"aabb");
/// # Ok::<(), ringscope::bytes::NewError>(())
/// ```
pub struct Consumer {
    pub(crate) end: ReadEnd<Runtime>,
}

// SAFETY: as for `Producer`.
unsafe impl Send for Consumer {}

impl Consumer {
    /// The bytes per element, as given to [`RingBuffer::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// let (_, consumer) = ringscope::bytes::RingBuffer::new(12, 4)?;
    /// assert_eq!(consumer.element_size(), 12);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn element_size(&self) -> usize {
        self.end.slots.element_size()
    }

    /// The number of elements the ring holds when full.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_, consumer) = ringscope::bytes::RingBuffer::new(12, 4)?;
    /// assert_eq!(consumer.capacity(), 4);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.end.slots.capacity()
    }

    /// The number of elements that can be read now; the producer may add more at any moment,
    /// never remove any.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, consumer) = ringscope::bytes::RingBuffer::new(4, 5)?;
    /// producer.push_slice(&[0; 8]);
    /// assert_eq!(consumer.read_available(), 2);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn read_available(&self) -> usize {
        self.end.read_available()
    }

    /// Copies the oldest elements into `dst`, as many whole elements as there are up to
    /// `dst.len() / element_size`, and returns how many elements that was. Bytes of `dst`
    /// past them are left as they were.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(1, 13)?;
    /// producer.push_slice(b"spam eggs ham");
    /// let mut dst = [0_u8; 1300];
    /// let n = consumer.pop_slice(&mut dst);
    /// assert_eq!(&dst[..n], b"spam eggs ham");
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    #[must_use = "the count says how much of `dst` was filled"]
    pub fn pop_slice(&mut self, dst: &mut [u8]) -> usize {
        let whole = dst.len() / self.element_size();
        // SAFETY: `dst` has room for `whole` elements of `element_size` bytes.
        unsafe { self.end.pop_into(dst.as_mut_ptr(), whole) }
    }

    /// Discards up to `n` of the oldest elements without reading them; returns how many.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 8)?;
    /// producer.push_slice(b"aabbcc");
    /// assert_eq!(consumer.skip(2), 2);
    /// assert_eq!(consumer.skip(5), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn skip(&mut self, n: usize) -> usize {
        self.end.skip(n)
    }

    /// Discards everything readable now and returns how many elements that was; safe while
    /// the producer writes (an element is discarded whole or kept whole).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 8)?;
    /// producer.push_slice(b"aabbcc");
    /// assert_eq!(consumer.clear(), 3);
    /// assert_eq!(producer.write_available(), 8);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn clear(&mut self) -> usize {
        self.end.skip(usize::MAX)
    }

    /// The ring's totals in elements, as this side sees them: `read` is exact, `written` is as
    /// of now, and `dropped` includes at least every element refused before the newest one in
    /// `written`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ringscope::Counters;
    ///
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 2)?;
    /// producer.push_slice(b"aabbcc");
    /// consumer.skip(1);
    /// assert_eq!(consumer.counters(), Counters { written: 2, read: 1, dropped: 1 });
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn counters(&self) -> Counters {
        self.end.counters()
    }

    /// Whether the [`Producer`] has been dropped; once `true`, everything it wrote is visible:
    /// drain the ring and nothing is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut producer, mut consumer) = ringscope::bytes::RingBuffer::new(2, 2)?;
    /// producer.push_slice(b"ok");
    /// drop(producer);
    /// assert!(consumer.is_abandoned());
    /// assert_eq!(consumer.read_available(), 1);
    /// # Ok::<(), ringscope::bytes::NewError>(())
    /// ```
    #[inline]
    pub fn is_abandoned(&self) -> bool {
        self.end.is_abandoned()
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("element_size", &self.element_size())
            .field("capacity", &self.capacity())
            .field("counters", &self.counters())
            .finish()
    }
}
