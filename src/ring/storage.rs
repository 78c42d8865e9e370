//! The memory the two ends share: the slots (one allocation, element size fixed at compile time
//! or chosen at construction), the two positions and the overrun counter, each on its own cache
//! line, and the two "gone" flags.
//!
//! Nothing here knows what an element is. A slot is `size` bytes at `base + index * size`; the
//! typed ring's size is `size_of::<T>()`, a constant the compiler folds into the address
//! arithmetic exactly as `ptr.add(index)` on a `*mut T` would, and the byte ring's is a
//! `usize` chosen at construction.

use core::alloc::Layout;
use core::marker::PhantomData;
use core::mem;
use core::ptr::{self, NonNull};
use std::alloc;

use crossbeam_utils::CachePadded;

use crate::sync::{Arc, AtomicBool, AtomicU64, SlotAccessLog};

/// The size of one element: a compile-time constant for the typed ring, a run-time value for
/// the byte ring.
pub(crate) trait ElementSize: Copy {
    /// Bytes per element.
    fn bytes(self) -> usize;

    /// `ptr` moved on by `n` elements.
    ///
    /// # Safety
    ///
    /// The result stays inside (or one past) the allocation `ptr` points into.
    #[inline(always)]
    unsafe fn offset(self, ptr: *const u8, n: usize) -> *const u8 {
        // SAFETY: the caller's promise.
        unsafe { ptr.add(n * self.bytes()) }
    }

    /// Copies `n` elements from `src` to `dst`.
    ///
    /// # Safety
    ///
    /// As `ptr::copy_nonoverlapping` for `n * bytes()` bytes, and both aligned for the element.
    #[inline(always)]
    unsafe fn copy(self, src: *const u8, dst: *mut u8, n: usize) {
        // SAFETY: the caller's promise.
        unsafe { ptr::copy_nonoverlapping(src, dst, n * self.bytes()) }
    }
}

/// The typed ring's element size, `size_of::<T>()`: a zero-sized type, so it costs no field.
pub(crate) struct Typed<T>(PhantomData<fn() -> T>);

impl<T> Typed<T> {
    pub(crate) const SIZE: Self = Typed(PhantomData);
}

impl<T> Clone for Typed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Typed<T> {}

/// Offsets and copies in units of `T`, as the typed ring did before it shared this code: the same
/// arithmetic as in bytes, but LLVM then allocates registers exactly as before (in bytes it
/// kept one more value on the stack across `push_slice`'s `memcpy` call).
impl<T> ElementSize for Typed<T> {
    #[inline(always)]
    fn bytes(self) -> usize {
        mem::size_of::<T>()
    }

    #[inline(always)]
    unsafe fn offset(self, ptr: *const u8, n: usize) -> *const u8 {
        // SAFETY: the caller's promise.
        unsafe { ptr.cast::<T>().add(n).cast() }
    }

    #[inline(always)]
    unsafe fn copy(self, src: *const u8, dst: *mut u8, n: usize) {
        // SAFETY: the caller's promise.
        unsafe { ptr::copy_nonoverlapping(src.cast::<T>(), dst.cast::<T>(), n) }
    }
}

/// The byte ring's element size, chosen at construction (never 0).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Runtime(pub(crate) usize);

impl ElementSize for Runtime {
    #[inline(always)]
    fn bytes(self) -> usize {
        self.0
    }
}

/// The alignment of the slot array (at least the element type's own): a pair of cache lines,
/// the unit x86 prefetchers fetch. Blocks of whole cache lines then never share a line with the
/// blocks beside them, so a producer filling one block and a consumer reading the previous one
/// do not fight over a line. Measured with 64-element `f32` chunks between two threads, this is
/// worth 10–20 % over the allocator's 16-byte alignment.
const SLOT_ALIGNMENT: usize = 128;

/// The fields only the producer stores to, on their own cache line.
pub(crate) struct ProducerShared {
    /// Elements ever published.
    pub(crate) write_pos: AtomicU64,
    /// Set when the producer is dropped.
    pub(crate) gone: AtomicBool,
}

/// The fields only the consumer stores to, on their own cache line.
pub(crate) struct ConsumerShared {
    /// Elements ever released (read, skipped or cleared).
    pub(crate) read_pos: AtomicU64,
    /// Set when the consumer is dropped.
    pub(crate) gone: AtomicBool,
}

/// Everything the two ends share, behind one `Arc`; freed when the second end is dropped.
pub(crate) struct Shared {
    pub(crate) producer: CachePadded<ProducerShared>,
    pub(crate) consumer: CachePadded<ConsumerShared>,
    /// Stored by the producer only, on a line of its own: a producer retrying on a full ring
    /// stores it on every attempt, which must not steal the `write_pos` line from a consumer
    /// that is polling it.
    pub(crate) dropped: CachePadded<AtomicU64>,
    pub(crate) access: SlotAccessLog,
    storage: Storage,
}

// SAFETY: the slots are the only state that is not `Sync` by itself. The position protocol gives
// each slot to exactly one side at a time: the producer owns the slots of positions
// `write_pos .. read_pos + capacity`, the consumer those of `read_pos .. write_pos`, and a slot
// changes hands only through a Release store of a position that the other side Acquire-loads.
// The slots hold plain bytes or `Copy` elements, which need no drop; whether an element type
// may cross threads (`T: Send`) is checked where the typed ends are declared `Send`.
unsafe impl Sync for Shared {}
// SAFETY: as above; the allocation belongs to the `Shared` alone.
unsafe impl Send for Shared {}

/// Why the slots could not be allocated.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AllocError {
    /// `capacity * size`, rounded up to the alignment, exceeds `isize::MAX`.
    TooLarge,
    /// The allocator returned null for this layout.
    Failed(Layout),
}

/// How the slots start out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    /// Uninitialised: the typed ring writes every slot before anything reads it as a `T`.
    Uninit,
    /// Zeroed: the byte ring lends its slots as `&mut [u8]` at once, so every byte must always
    /// be initialised. (Large zeroed allocations come straight from the kernel's zero pages.)
    Zeroed,
}

impl Shared {
    /// Allocates the slots for `capacity` elements of `size` bytes aligned to `align` and the
    /// shared state, with both positions at `position`.
    pub(crate) fn new(
        capacity: usize,
        size: usize,
        align: usize,
        fill: Fill,
        position: u64,
    ) -> Result<Arc<Shared>, AllocError> {
        let storage = Storage::new(capacity, size, align, fill)?;
        Ok(Arc::new(Shared {
            producer: CachePadded::new(ProducerShared {
                write_pos: AtomicU64::new(position),
                gone: AtomicBool::new(false),
            }),
            consumer: CachePadded::new(ConsumerShared {
                read_pos: AtomicU64::new(position),
                gone: AtomicBool::new(false),
            }),
            dropped: CachePadded::new(AtomicU64::new(0)),
            access: SlotAccessLog::new(capacity),
            storage,
        }))
    }
}

/// The slot allocation.
struct Storage {
    ptr: NonNull<u8>,
    layout: Layout,
}

impl Storage {
    fn new(capacity: usize, size: usize, align: usize, fill: Fill) -> Result<Self, AllocError> {
        let bytes = capacity.checked_mul(size).ok_or(AllocError::TooLarge)?;
        // Fails if the size, rounded up to the alignment, exceeds `isize::MAX`.
        let layout = Layout::from_size_align(bytes, align.max(SLOT_ALIGNMENT))
            .map_err(|_| AllocError::TooLarge)?;
        if layout.size() == 0 {
            // Zero-sized elements: no memory, and no access ever reads or writes any; the
            // pointer only has to be aligned.
            let ptr = ptr::without_provenance_mut::<u8>(layout.align());
            // SAFETY: an alignment is never 0.
            let ptr = unsafe { NonNull::new_unchecked(ptr) };
            return Ok(Self { ptr, layout });
        }
        let raw = match fill {
            // SAFETY: the layout has a non-zero size.
            Fill::Uninit => unsafe { alloc::alloc(layout) },
            // SAFETY: the layout has a non-zero size.
            Fill::Zeroed => unsafe { alloc::alloc_zeroed(layout) },
        };
        let ptr = NonNull::new(raw).ok_or(AllocError::Failed(layout))?;
        Ok(Self { ptr, layout })
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        if self.layout.size() != 0 {
            // SAFETY: allocated in `new` with this layout. The elements need no drop: the rings
            // hold only bytes and `Copy` elements, which have no destructor.
            unsafe { alloc::dealloc(self.ptr.as_ptr(), self.layout) };
        }
    }
}

/// A side's own copy of where the slots are: their base pointer, count and element size.
///
/// Each side keeps one in its own struct, so that hot loops hold all three in registers (or,
/// for the typed ring's size, as a constant); read through the shared state they would be
/// reloaded after every slot write, which the compiler must assume could have changed them.
pub(crate) struct Slots<S> {
    base: *mut u8,
    capacity: usize,
    size: S,
}

impl<S: Copy> Clone for Slots<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Copy> Copy for Slots<S> {}

impl<S: ElementSize> Slots<S> {
    /// The slots of `shared`, `capacity` elements of `size`.
    pub(crate) fn of(shared: &Shared, capacity: usize, size: S) -> Self {
        debug_assert_eq!(shared.storage.layout.size(), capacity * size.bytes());
        Self {
            // The allocator's pointer: it may read and write every slot, from either thread,
            // as the position protocol allows.
            base: shared.storage.ptr.as_ptr(),
            capacity,
            size,
        }
    }

    /// The number of slots.
    #[inline(always)]
    pub(crate) fn capacity(self) -> usize {
        self.capacity
    }

    /// The bytes per element.
    #[inline(always)]
    pub(crate) fn element_size(self) -> usize {
        self.size.bytes()
    }

    /// A pointer to slot `index`; `index == capacity` gives the one-past-the-end pointer.
    #[inline(always)]
    pub(crate) fn slot(self, index: usize) -> *mut u8 {
        debug_assert!(index <= self.capacity);
        // SAFETY: `index <= capacity`, so the offset stays inside (or one past) the allocation
        // of `capacity * size` bytes.
        unsafe { self.size.offset(self.base, index).cast_mut() }
    }

    /// Splits `len` slots starting at slot `index` into the part before the end of the
    /// allocation and the part that wraps around to slot 0.
    #[inline(always)]
    pub(crate) fn split(self, index: usize, len: usize) -> (usize, usize) {
        let first = len.min(self.capacity - index);
        (first, len - first)
    }

    /// `index + n`, wrapped into `0..capacity`; `index < capacity` and `n <= capacity`.
    #[inline(always)]
    pub(crate) fn advance(self, index: usize, n: usize) -> usize {
        let next = index + n;
        if next >= self.capacity {
            next - self.capacity
        } else {
            next
        }
    }

    /// `len` slots from slot `index` (wrapping) as two regions: from `index` to at most the end
    /// of the allocation, then from slot 0. Lengths in elements.
    #[inline(always)]
    pub(crate) fn regions(self, index: usize, len: usize) -> Regions {
        let (first_len, second_len) = self.split(index, len);
        Regions {
            first: self.slot(index),
            first_len,
            second: self.base,
            second_len,
        }
    }

    /// Copies `n` elements from `src` into the slots from `index` on, wrapping.
    ///
    /// # Safety
    ///
    /// `n <= capacity`, the `n` slots are the caller's to write, and `src` is valid for
    /// reading `n` elements and does not overlap them.
    #[inline(always)]
    pub(crate) unsafe fn copy_in(self, index: usize, src: *const u8, n: usize) {
        let (first, second) = self.split(index, n);
        // SAFETY: the caller's promise; `first` ends at or before the end of the allocation
        // and `second` starts at slot 0; the slot array is aligned for the element.
        unsafe {
            self.size.copy(src, self.slot(index), first);
            // Most calls do not wrap: skip the second `memcpy` call rather than make it empty.
            if second > 0 {
                self.size
                    .copy(self.size.offset(src, first), self.base, second);
            }
        }
    }

    /// Copies `n` elements from the slots from `index` on, wrapping, into `dst`.
    ///
    /// # Safety
    ///
    /// `n <= capacity`, the `n` slots hold initialised elements the caller may read, and `dst`
    /// is valid for writing `n` elements and does not overlap them.
    #[inline(always)]
    pub(crate) unsafe fn copy_out(self, index: usize, dst: *mut u8, n: usize) {
        let (first, second) = self.split(index, n);
        // SAFETY: the caller's promise, as in `copy_in`.
        unsafe {
            self.size.copy(self.slot(index), dst, first);
            if second > 0 {
                let dst = self.size.offset(dst, first).cast_mut();
                self.size.copy(self.base, dst, second);
            }
        }
    }
}

/// Slots lent as raw memory: `first_len` elements from `first`, then `second_len` from
/// `second` (the start of the allocation).
#[derive(Clone, Copy)]
pub(crate) struct Regions {
    pub(crate) first: *mut u8,
    pub(crate) first_len: usize,
    pub(crate) second: *mut u8,
    pub(crate) second_len: usize,
}
