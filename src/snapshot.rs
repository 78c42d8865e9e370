//! "Latest N" mode: a ring the writer overwrites freely and readers copy the newest window from.
//!
//! # When to use it instead of the FIFO
//!
//! The [FIFO](crate::RingBuffer) delivers every element exactly once, to one consumer, and
//! refuses new elements when the consumer falls behind. That is right when every sample matters:
//! a spectrum analyzer that must see each hop, a meter that integrates loudness, a recorder.
//!
//! A [`SnapshotBuffer`] never refuses anything: the writer always overwrites the oldest data, so
//! it never waits and never counts drops, and any number of readers (clone the
//! [`SnapshotReader`]) copy the newest window whenever they like, as often or as rarely as they
//! like. That is right for a display that only wants "the last 20 ms": an oscilloscope drawing at
//! the screen's rate, a level readout, a second window showing the same signal.
//!
//! # How a reader detects a race, without undefined behaviour
//!
//! A reader can be overtaken: while it copies the window, the writer may come round and
//! overwrite part of it. Each slot is therefore an atomic word written and read with `Relaxed`
//! stores and loads (plain loads and stores on x86 and AArch64, though one element at a time:
//! no `memcpy`), never a plain memory access that could race. Before it overwrites anything, the
//! writer announces how far it will write (`claimed`); after, it publishes how far it has
//! written (`published`). A reader loads `published`, copies the window below it, then loads
//! `claimed`: if the writer had claimed any slot of the window by then, the copy may be torn
//! and the reader tries again. This is a sequence lock per block, not per element: a block
//! costs the writer two stores and a release fence (free on x86, a `dmb` on AArch64) on top of
//! the element stores, and no read-modify-write at all.
//!
//! # Sizing
//!
//! The writer claims at most a quarter of the capacity at a time (longer writes are split), so
//! with a capacity of at least twice the longest window a copy is retried only if the writer
//! publishes more than a quarter of the capacity while the copy runs. A single write longer
//! than the capacity is claimed whole (only its newest `capacity` elements are kept), and any
//! copy racing it is retried.
//!
//! # Examples
//!
//! ```
//! use ringscope::snapshot::SnapshotBuffer;
//!
//! let (mut writer, reader) = SnapshotBuffer::<f32>::new(8);
//! writer.write(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
//! let mut latest = [0.0; 3];
//! let window = reader.read_latest(&mut latest).unwrap();
//! assert_eq!(latest, [8.0, 9.0, 10.0]);
//! assert_eq!((window.len, window.end_position), (3, 10));
//! ```
#![deny(missing_debug_implementations)]

use core::fmt;
use core::marker::PhantomData;

use crossbeam_utils::CachePadded;

use crate::sync::{Arc, AtomicU32, AtomicU64, Ordering, fence};

/// How many times [`SnapshotReader::read_latest`] tries a copy the writer keeps racing.
///
/// With the recommended capacity (see [Sizing](self#sizing)) a second attempt all but always
/// succeeds; the bound keeps the reader's time bounded too.
///
/// ```
/// use ringscope::snapshot::{MAX_READ_ATTEMPTS, SnapshotError};
///
/// assert!(MAX_READ_ATTEMPTS > 1);
/// assert!(SnapshotError::Raced.to_string().contains(&MAX_READ_ATTEMPTS.to_string()));
/// ```
pub const MAX_READ_ATTEMPTS: usize = 8;

/// An element a [`SnapshotBuffer`] can hold: a value that fits one atomic word.
///
/// Implemented for `f32`, `f64`, `[f32; 2]` (a stereo frame), `u32`, `i32`, `u64` and `i64`.
///
/// # Examples
///
/// ```
/// use ringscope::snapshot::{SnapshotBuffer, SnapshotElement};
///
/// fn newest<T: SnapshotElement + Default>(capacity: usize, data: &[T]) -> T {
///     let (mut writer, reader) = SnapshotBuffer::<T>::new(capacity);
///     writer.write(data);
///     let mut last = [T::default()];
///     reader.read_latest(&mut last).unwrap();
///     last[0]
/// }
/// assert_eq!(newest(4, &[[0.1_f32, 0.2], [0.3, 0.4]]), [0.3, 0.4]);
/// ```
pub trait SnapshotElement: Copy + Send + Sync + 'static + sealed::Sealed {}

mod sealed {
    /// The atomic word behind a [`SnapshotElement`](super::SnapshotElement).
    pub trait Sealed: Sized {
        type Word: Send + Sync;
        fn new_word(value: Self) -> Self::Word;
        fn store(word: &Self::Word, value: Self);
        fn load(word: &Self::Word) -> Self;
    }
}

macro_rules! snapshot_element {
    ($t:ty, $atomic:ty, |$v:ident| $to:expr, |$b:ident| $from:expr) => {
        impl sealed::Sealed for $t {
            type Word = $atomic;
            #[inline(always)]
            fn new_word($v: Self) -> Self::Word {
                <$atomic>::new($to)
            }
            #[inline(always)]
            fn store(word: &Self::Word, $v: Self) {
                // Relaxed: ordering comes from the fences and position stores around the block;
                // the word being atomic is what makes a racing read defined (and detectable).
                word.store($to, Ordering::Relaxed)
            }
            #[inline(always)]
            fn load(word: &Self::Word) -> Self {
                // Relaxed: as for `store`; the reader's fence orders this before its check.
                let $b = word.load(Ordering::Relaxed);
                $from
            }
        }
        impl SnapshotElement for $t {}
    };
}

snapshot_element!(f32, AtomicU32, |v| v.to_bits(), |b| f32::from_bits(b));
snapshot_element!(u32, AtomicU32, |v| v, |b| b);
snapshot_element!(i32, AtomicU32, |v| v as u32, |b| b as i32);
snapshot_element!(f64, AtomicU64, |v| v.to_bits(), |b| f64::from_bits(b));
snapshot_element!(u64, AtomicU64, |v| v, |b| b);
snapshot_element!(i64, AtomicU64, |v| v as u64, |b| b as i64);
snapshot_element!(
    [f32; 2],
    AtomicU64,
    |v| u64::from(v[0].to_bits()) | (u64::from(v[1].to_bits()) << 32),
    |b| [f32::from_bits(b as u32), f32::from_bits((b >> 32) as u32)]
);

/// A fixed-capacity overwrite ring for "latest N" reads; see the [module docs](self).
///
/// [`SnapshotBuffer::new`] allocates one and returns its [`SnapshotWriter`] and a first
/// [`SnapshotReader`].
///
/// # Examples
///
/// ```
/// use ringscope::snapshot::SnapshotBuffer;
///
/// let (mut writer, reader) = SnapshotBuffer::<f32>::new(4_800);
/// let display = std::thread::spawn(move || {
///     let mut window = vec![0.0_f32; 480];
///     // A display thread polls whenever it redraws; early on there may be less than a window.
///     loop {
///         let got = reader.read_latest(&mut window).unwrap();
///         if got.len == window.len() {
///             return window;
///         }
///     }
/// });
/// for block in 0..100 {
///     writer.write(&[block as f32; 64]);
/// }
/// let window = display.join().unwrap();
/// assert!(window.windows(2).all(|w| w[0] <= w[1]), "newest data, in order");
/// ```
pub struct SnapshotBuffer<T: SnapshotElement> {
    /// The writer stores both and every reader loads both: one cache line, away from the slots.
    positions: CachePadded<Positions>,
    slots: Box<[<T as sealed::Sealed>::Word]>,
    _element: PhantomData<T>,
}

struct Positions {
    /// Every position below this may have been (or be being) overwritten by the writer.
    claimed: AtomicU64,
    /// Every position below this is completely written.
    published: AtomicU64,
}

impl<T: SnapshotElement> fmt::Debug for SnapshotBuffer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotBuffer")
            .field("capacity", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<T: SnapshotElement + Default> SnapshotBuffer<T> {
    /// Allocates a snapshot ring holding the newest `capacity` elements and returns its writer
    /// and a reader (clone the reader for more).
    ///
    /// Make `capacity` at least twice the longest window the readers ask for: the slack is what
    /// lets a reader copy a window while the writer keeps writing (see
    /// [Sizing](self#sizing)).
    ///
    /// # Panics
    ///
    /// If `capacity` is 0, or the allocation fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let (writer, reader) = ringscope::snapshot::SnapshotBuffer::<[f32; 2]>::new(96_000);
    /// assert_eq!(reader.capacity(), 96_000);
    /// ```
    #[allow(clippy::new_ret_no_self)]
    #[must_use]
    pub fn new(capacity: usize) -> (SnapshotWriter<T>, SnapshotReader<T>) {
        assert!(capacity > 0, "SnapshotBuffer capacity must be at least 1");
        let buffer = Arc::new(SnapshotBuffer {
            positions: CachePadded::new(Positions {
                claimed: AtomicU64::new(0),
                published: AtomicU64::new(0),
            }),
            slots: (0..capacity)
                .map(|_| <T as sealed::Sealed>::new_word(T::default()))
                .collect(),
            _element: PhantomData,
        });
        let writer = SnapshotWriter {
            buffer: buffer.clone(),
            position: 0,
            index: 0,
        };
        (writer, SnapshotReader { buffer })
    }
}

/// The writing end of a [`SnapshotBuffer`]: wait-free, never refuses, overwrites the oldest.
///
/// # Examples
///
/// ```
/// let (mut writer, _reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(4);
/// writer.write(&[0.0; 10]);
/// assert_eq!(writer.position(), 10);
/// ```
pub struct SnapshotWriter<T: SnapshotElement> {
    buffer: Arc<SnapshotBuffer<T>>,
    /// Total elements ever written; exact, as this is the only writer.
    position: u64,
    /// `position % capacity`, kept incrementally.
    index: usize,
}

impl<T: SnapshotElement> SnapshotWriter<T> {
    /// Appends `values`, overwriting the oldest elements; never waits, never fails.
    ///
    /// If `values` is longer than the capacity only its newest `capacity` elements are kept, but
    /// the position still advances by `values.len()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut writer, reader) = ringscope::snapshot::SnapshotBuffer::<i32>::new(2);
    /// writer.write(&[1, 2, 3]);
    /// let mut dst = [0; 2];
    /// reader.read_latest(&mut dst).unwrap();
    /// assert_eq!(dst, [2, 3]);
    /// ```
    #[inline]
    pub fn write(&mut self, values: &[T]) {
        let capacity = self.capacity();
        if values.len() > capacity {
            // One claim for the whole call: publishing an intermediate end would let a reader
            // accept skipped positions whose slots still hold older data.
            self.write_part(values.len(), &values[values.len() - capacity..]);
        } else {
            // Claims of at most a quarter of the capacity keep readers' retries rare.
            for part in values.chunks((capacity / 4).max(1)) {
                self.write_part(part.len(), part);
            }
        }
    }

    /// Advances the position by `advance`, storing `newest` (at most `capacity` elements) as the
    /// elements just below the new position, under one claim.
    #[inline]
    fn write_part(&mut self, advance: usize, newest: &[T]) {
        let capacity = self.capacity();
        let end = self.position.wrapping_add(advance as u64);
        let mut index = if advance == newest.len() {
            self.index
        } else {
            (end.wrapping_sub(newest.len() as u64) % capacity as u64) as usize
        };
        // Relaxed store + Release fence: the fence orders this claim before every element store
        // below, so a reader whose element load sees one of those stores (and then runs its
        // Acquire fence) is guaranteed to see this claim and discard its copy.
        self.buffer.positions.claimed.store(end, Ordering::Relaxed);
        fence(Ordering::Release);
        let (first, second) = newest.split_at(newest.len().min(capacity - index));
        for (word, &value) in self.buffer.slots[index..].iter().zip(first) {
            <T as sealed::Sealed>::store(word, value);
        }
        for (word, &value) in self.buffer.slots.iter().zip(second) {
            <T as sealed::Sealed>::store(word, value);
        }
        index = if second.is_empty() {
            index + first.len()
        } else {
            second.len()
        };
        if index == capacity {
            index = 0;
        }
        // Release: a reader that Acquire-loads this position sees every element below it.
        self.buffer
            .positions
            .published
            .store(end, Ordering::Release);
        self.position = end;
        self.index = index;
    }

    /// The total number of elements ever written (the sample clock of the next one).
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut writer, _reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(4);
    /// writer.write(&[0.0; 3]);
    /// assert_eq!(writer.position(), 3);
    /// ```
    #[inline]
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The number of newest elements the buffer keeps.
    ///
    /// # Examples
    ///
    /// ```
    /// let (writer, _reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(5);
    /// assert_eq!(writer.capacity(), 5);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buffer.slots.len()
    }
}

impl<T: SnapshotElement> fmt::Debug for SnapshotWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotWriter")
            .field("capacity", &self.capacity())
            .field("position", &self.position)
            .finish()
    }
}

/// What [`SnapshotReader::read_latest`] copied.
///
/// # Examples
///
/// ```
/// let (mut writer, reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(8);
/// writer.write(&[0.5; 5]);
/// let mut dst = [0.0; 6];
/// let window = reader.read_latest(&mut dst).unwrap();
/// assert_eq!(window, ringscope::snapshot::Window { len: 5, end_position: 5 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Elements copied to the start of the destination: its length, or fewer if fewer were ever
    /// written.
    pub len: usize,
    /// The writer's position just after the newest copied element: the window covers positions
    /// `end_position - len .. end_position`.
    pub end_position: u64,
}

/// Why [`SnapshotReader::read_latest`] copied nothing.
///
/// # Examples
///
/// ```
/// use ringscope::snapshot::{SnapshotBuffer, SnapshotError};
///
/// let (_writer, reader) = SnapshotBuffer::<f32>::new(4);
/// let mut too_long = [0.0; 5];
/// assert_eq!(
///     reader.read_latest(&mut too_long),
///     Err(SnapshotError::WindowTooLong { requested: 5, capacity: 4 })
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SnapshotError {
    /// The destination is longer than the buffer's capacity.
    WindowTooLong {
        /// The destination's length.
        requested: usize,
        /// The buffer's capacity.
        capacity: usize,
    },
    /// The writer overwrote the window during each of [`MAX_READ_ATTEMPTS`] copies: it writes
    /// faster than this reader copies; give the buffer more slack or read a shorter window.
    Raced,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::WindowTooLong {
                requested,
                capacity,
            } => write!(
                f,
                "a window of {requested} elements does not fit a snapshot buffer of {capacity}"
            ),
            SnapshotError::Raced => write!(
                f,
                "the writer overwrote the window during {MAX_READ_ATTEMPTS} attempts to copy it"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// A reading end of a [`SnapshotBuffer`]; clone it for as many readers as you like.
///
/// # Examples
///
/// ```
/// let (mut writer, reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(16);
/// let second = reader.clone();
/// writer.write(&[0.25; 4]);
/// let mut dst = [0.0; 4];
/// second.read_latest(&mut dst).unwrap();
/// assert_eq!(dst, [0.25; 4]);
/// ```
pub struct SnapshotReader<T: SnapshotElement> {
    buffer: Arc<SnapshotBuffer<T>>,
}

impl<T: SnapshotElement> Clone for SnapshotReader<T> {
    fn clone(&self) -> Self {
        Self {
            buffer: self.buffer.clone(),
        }
    }
}

impl<T: SnapshotElement> SnapshotReader<T> {
    /// Copies the newest `dst.len()` elements (fewer if fewer were ever written) into the start
    /// of `dst`, oldest first, retrying if the writer overwrote them mid-copy.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::WindowTooLong`] if `dst` is longer than the capacity, and
    /// [`SnapshotError::Raced`] if all [`MAX_READ_ATTEMPTS`] copies were overwritten; `dst` then
    /// holds a torn copy, not to be shown.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut writer, reader) = ringscope::snapshot::SnapshotBuffer::<u32>::new(4);
    /// writer.write(&[1, 2, 3, 4, 5]);
    /// let mut dst = [0; 2];
    /// let window = reader.read_latest(&mut dst).unwrap();
    /// assert_eq!(dst, [4, 5]);
    /// assert_eq!(window.end_position, 5);
    /// ```
    pub fn read_latest(&self, dst: &mut [T]) -> Result<Window, SnapshotError> {
        let capacity = self.buffer.slots.len();
        if dst.len() > capacity {
            return Err(SnapshotError::WindowTooLong {
                requested: dst.len(),
                capacity,
            });
        }
        let positions = &self.buffer.positions;
        for _ in 0..MAX_READ_ATTEMPTS {
            // Acquire: pairs with the writer's Release store of `published`, so every element
            // below `end` is at least as new as the write that published it.
            let end = positions.published.load(Ordering::Acquire);
            let len = (dst.len() as u64).min(end) as usize;
            if len == 0 {
                // Nothing to copy, so nothing can be torn.
                return Ok(Window {
                    len,
                    end_position: end,
                });
            }
            let start = end - len as u64;
            let index = (start % capacity as u64) as usize;
            let (first, second) = dst[..len].split_at_mut(len.min(capacity - index));
            for (slot, word) in first.iter_mut().zip(&self.buffer.slots[index..]) {
                *slot = <T as sealed::Sealed>::load(word);
            }
            for (slot, word) in second.iter_mut().zip(self.buffer.slots.iter()) {
                *slot = <T as sealed::Sealed>::load(word);
            }
            // Acquire fence: if any load above saw an element stored after the writer's Release
            // fence, that fence synchronises with this one and the claim below is visible.
            fence(Ordering::Acquire);
            // Relaxed: ordered by the fence above.
            let claimed = positions.claimed.load(Ordering::Relaxed);
            // The slot of position p is overwritten only by position p + capacity, so the copy
            // is whole exactly when nothing at or above `start + capacity` was claimed.
            if start >= claimed.saturating_sub(capacity as u64) {
                return Ok(Window {
                    len,
                    end_position: end,
                });
            }
        }
        Err(SnapshotError::Raced)
    }

    /// The writer's position as of now: the total number of elements ever written.
    ///
    /// # Examples
    ///
    /// ```
    /// let (mut writer, reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(4);
    /// writer.write(&[0.0; 7]);
    /// assert_eq!(reader.position(), 7);
    /// ```
    #[inline]
    pub fn position(&self) -> u64 {
        // Relaxed: a clock reading that gives access to no element; `read_latest` makes its own
        // Acquire load before it copies anything.
        self.buffer.positions.published.load(Ordering::Relaxed)
    }

    /// The number of newest elements the buffer keeps.
    ///
    /// # Examples
    ///
    /// ```
    /// let (_writer, reader) = ringscope::snapshot::SnapshotBuffer::<f32>::new(5);
    /// assert_eq!(reader.capacity(), 5);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buffer.slots.len()
    }
}

impl<T: SnapshotElement> fmt::Debug for SnapshotReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotReader")
            .field("capacity", &self.capacity())
            .finish()
    }
}
