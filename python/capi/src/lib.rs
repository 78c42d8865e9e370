//! The C API of Ringscope's ring buffer: the `ringscope_*` functions declared in `ringscope.h`.
//!
//! A ring of elements of a size chosen at run time ([`ringscope::bytes`]) is reached from C
//! through two opaque handles, a [`RingscopeProducer`] and a [`RingscopeConsumer`]. C code gets
//! them either from [`ringscope_ring_new`] or from Python (`RingBuffer.producer_handle()` and
//! friends), and calls the functions below either directly (linking the Python extension
//! module, which exports them) or through the [`RingscopeApi`] table that the extension module
//! hands out as the PyCapsule `ringscope._ringscope._C_API` (NumPy's C-API pattern).
//!
//! # Rules
//! - **Real-time safe.** Every function except [`ringscope_ring_new`], [`ringscope_producer_release`]
//!   and [`ringscope_consumer_release`] allocates nothing, takes no lock, makes no system call
//!   and runs in bounded time (`tests/no_alloc.rs` and the seccomp test in `python/tests` prove
//!   it). Call those three outside the audio callback.
//! - **One thread per handle at a time.** A producer handle is used by one thread (the one that
//!   pushes), a consumer handle by one thread (the one that pops); the two may run at the same
//!   time, with no lock between them. A handle may move between threads (it is `Send`, not
//!   `Sync`).
//! - **Counts are elements.** Every `n`, length and count is in elements of the ring's element
//!   size; a push never writes part of an element.
//! - **Lifetime.** A handle keeps the ring's memory alive until it is released, whatever the
//!   other end does: Python's `close()` or garbage collection cannot free memory a C callback
//!   still writes. Release each handle exactly once; after that the pointer is dangling.
//! - **No panics cross the boundary.** Out-of-range counts are clamped (and the clamped count is
//!   returned), a null handle makes a function return 0 (or do nothing).

use core::ffi::c_void;

use ringscope::bytes::{self, NewError};

/// The version of this C API; a program checks it against `ringscope_api.abi_version` or
/// `ringscope_abi_version()` before it calls anything else. Raised on every incompatible change.
pub const RINGSCOPE_ABI_VERSION: u32 = 1;

/// The writing end of a ring (opaque). Obtained from `ringscope_ring_new` or from Python's
/// `producer_handle()`; released with `ringscope_producer_release`.
pub struct RingscopeProducer {
    inner: bytes::Producer,
}

/// The reading end of a ring (opaque). Obtained from `ringscope_ring_new` or from Python's
/// `consumer_handle()`; released with `ringscope_consumer_release`.
pub struct RingscopeConsumer {
    inner: bytes::Consumer,
}

impl RingscopeProducer {
    /// Boxes a producer into a handle for C. The caller owns the returned pointer and must
    /// give it to [`ringscope_producer_release`] exactly once.
    pub fn into_raw(inner: bytes::Producer) -> *mut RingscopeProducer {
        Box::into_raw(Box::new(RingscopeProducer { inner }))
    }
}

impl RingscopeConsumer {
    /// Boxes a consumer into a handle for C. The caller owns the returned pointer and must
    /// give it to [`ringscope_consumer_release`] exactly once.
    pub fn into_raw(inner: bytes::Consumer) -> *mut RingscopeConsumer {
        Box::into_raw(Box::new(RingscopeConsumer { inner }))
    }
}

/// What `ringscope_ring_new` returns: `RINGSCOPE_OK` or one of the `RINGSCOPE_ERROR_*` codes.
pub type RingscopeStatus = i32;

/// The ring was made; both handles were written.
pub const RINGSCOPE_OK: RingscopeStatus = 0;
/// A handle pointer was null; nothing was made.
pub const RINGSCOPE_ERROR_NULL_ARGUMENT: RingscopeStatus = 1;
/// `element_size` was 0.
pub const RINGSCOPE_ERROR_ZERO_ELEMENT_SIZE: RingscopeStatus = 2;
/// `capacity` was 0.
pub const RINGSCOPE_ERROR_ZERO_CAPACITY: RingscopeStatus = 3;
/// `element_size * capacity` does not fit in memory (overflows `isize`).
pub const RINGSCOPE_ERROR_TOO_LARGE: RingscopeStatus = 4;
/// The allocator could not provide the storage.
pub const RINGSCOPE_ERROR_ALLOCATION_FAILED: RingscopeStatus = 5;

/// The status code of a failed construction.
fn status_of(error: NewError) -> RingscopeStatus {
    match error {
        NewError::ZeroElementSize => RINGSCOPE_ERROR_ZERO_ELEMENT_SIZE,
        NewError::ZeroCapacity => RINGSCOPE_ERROR_ZERO_CAPACITY,
        NewError::TooLarge => RINGSCOPE_ERROR_TOO_LARGE,
        NewError::AllocationFailed => RINGSCOPE_ERROR_ALLOCATION_FAILED,
    }
}

/// The free space `ringscope_producer_write_regions` lends: `first_len` elements at `first`,
/// then `second_len` elements at `second` (the part that wraps around to the start of the
/// storage; 0 and `first + first_len` when nothing wraps). Write the elements, then publish
/// them with `ringscope_producer_commit`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RingscopeWriteRegions {
    /// Start of the first region.
    pub first: *mut c_void,
    /// Elements in the first region.
    pub first_len: usize,
    /// Start of the second region (the wrapped part).
    pub second: *mut c_void,
    /// Elements in the second region.
    pub second_len: usize,
}

/// The readable elements `ringscope_consumer_read_regions` lends: `first_len` elements at
/// `first`, then `second_len` at `second`. Read them, then give them back with
/// `ringscope_consumer_commit`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RingscopeReadRegions {
    /// Start of the first region.
    pub first: *const c_void,
    /// Elements in the first region.
    pub first_len: usize,
    /// Start of the second region (the wrapped part).
    pub second: *const c_void,
    /// Elements in the second region.
    pub second_len: usize,
}

/// The ring's counters, in elements, as one side sees them.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RingscopeCounters {
    /// Elements ever written into the ring.
    pub written: u64,
    /// Elements ever taken out (popped, committed, skipped or cleared).
    pub read: u64,
    /// Elements a push refused because the ring was full, plus those reported with
    /// `ringscope_producer_record_dropped`.
    pub dropped: u64,
}

impl From<ringscope::Counters> for RingscopeCounters {
    fn from(c: ringscope::Counters) -> Self {
        RingscopeCounters {
            written: c.written,
            read: c.read,
            dropped: c.dropped,
        }
    }
}

/// The C API as a table of function pointers: what the Python extension module hands out as
/// the PyCapsule `"ringscope._ringscope._C_API"`, for C extensions that would rather not link
/// against the module. Each field is the function of the same name with the `ringscope_`
/// prefix.
#[repr(C)]
pub struct RingscopeApi {
    /// `RINGSCOPE_ABI_VERSION` of the library that filled the table.
    pub abi_version: u32,
    /// `sizeof(RingscopeApi)` of the library that filled the table (fields are only appended).
    pub size: usize,
    /// See `ringscope_ring_new`.
    pub ring_new: unsafe extern "C" fn(
        element_size: usize,
        capacity: usize,
        producer: *mut *mut RingscopeProducer,
        consumer: *mut *mut RingscopeConsumer,
    ) -> RingscopeStatus,
    /// See `ringscope_producer_element_size`.
    pub producer_element_size: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_capacity`.
    pub producer_capacity: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_write_available`.
    pub producer_write_available: unsafe extern "C" fn(producer: *const RingscopeProducer) -> usize,
    /// See `ringscope_producer_push`.
    pub producer_push: unsafe extern "C" fn(
        producer: *mut RingscopeProducer,
        data: *const c_void,
        n: usize,
    ) -> usize,
    /// See `ringscope_producer_write_regions`.
    pub producer_write_regions: unsafe extern "C" fn(
        producer: *mut RingscopeProducer,
        n: usize,
        regions: *mut RingscopeWriteRegions,
    ) -> usize,
    /// See `ringscope_producer_commit`.
    pub producer_commit: unsafe extern "C" fn(producer: *mut RingscopeProducer, n: usize) -> usize,
    /// See `ringscope_producer_record_dropped`.
    pub producer_record_dropped: unsafe extern "C" fn(producer: *mut RingscopeProducer, n: usize),
    /// See `ringscope_producer_counters`.
    pub producer_counters:
        unsafe extern "C" fn(producer: *const RingscopeProducer) -> RingscopeCounters,
    /// See `ringscope_producer_is_abandoned`.
    pub producer_is_abandoned: unsafe extern "C" fn(producer: *const RingscopeProducer) -> bool,
    /// See `ringscope_producer_release`.
    pub producer_release: unsafe extern "C" fn(producer: *mut RingscopeProducer),
    /// See `ringscope_consumer_element_size`.
    pub consumer_element_size: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_capacity`.
    pub consumer_capacity: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_read_available`.
    pub consumer_read_available: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_pop`.
    pub consumer_pop:
        unsafe extern "C" fn(consumer: *mut RingscopeConsumer, dst: *mut c_void, n: usize) -> usize,
    /// See `ringscope_consumer_read_regions`.
    pub consumer_read_regions: unsafe extern "C" fn(
        consumer: *mut RingscopeConsumer,
        n: usize,
        regions: *mut RingscopeReadRegions,
    ) -> usize,
    /// See `ringscope_consumer_commit`.
    pub consumer_commit: unsafe extern "C" fn(consumer: *mut RingscopeConsumer, n: usize) -> usize,
    /// See `ringscope_consumer_skip`.
    pub consumer_skip: unsafe extern "C" fn(consumer: *mut RingscopeConsumer, n: usize) -> usize,
    /// See `ringscope_consumer_clear`.
    pub consumer_clear: unsafe extern "C" fn(consumer: *mut RingscopeConsumer) -> usize,
    /// See `ringscope_consumer_counters`.
    pub consumer_counters:
        unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> RingscopeCounters,
    /// See `ringscope_consumer_is_abandoned`.
    pub consumer_is_abandoned: unsafe extern "C" fn(consumer: *const RingscopeConsumer) -> bool,
    /// See `ringscope_consumer_release`.
    pub consumer_release: unsafe extern "C" fn(consumer: *mut RingscopeConsumer),
}

/// The C API's function table, filled at compile time (nothing to initialise, nothing to
/// free). C code that links the library may use it directly; the Python extension module hands
/// out its address as the capsule `ringscope._ringscope._C_API`.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)] // a C symbol, named like the functions
pub static ringscope_api: RingscopeApi = RingscopeApi {
    abi_version: RINGSCOPE_ABI_VERSION,
    size: size_of::<RingscopeApi>(),
    ring_new: ringscope_ring_new,
    producer_element_size: ringscope_producer_element_size,
    producer_capacity: ringscope_producer_capacity,
    producer_write_available: ringscope_producer_write_available,
    producer_push: ringscope_producer_push,
    producer_write_regions: ringscope_producer_write_regions,
    producer_commit: ringscope_producer_commit,
    producer_record_dropped: ringscope_producer_record_dropped,
    producer_counters: ringscope_producer_counters,
    producer_is_abandoned: ringscope_producer_is_abandoned,
    producer_release: ringscope_producer_release,
    consumer_element_size: ringscope_consumer_element_size,
    consumer_capacity: ringscope_consumer_capacity,
    consumer_read_available: ringscope_consumer_read_available,
    consumer_pop: ringscope_consumer_pop,
    consumer_read_regions: ringscope_consumer_read_regions,
    consumer_commit: ringscope_consumer_commit,
    consumer_skip: ringscope_consumer_skip,
    consumer_clear: ringscope_consumer_clear,
    consumer_counters: ringscope_consumer_counters,
    consumer_is_abandoned: ringscope_consumer_is_abandoned,
    consumer_release: ringscope_consumer_release,
};

/// Returns `RINGSCOPE_ABI_VERSION` of the linked library.
#[unsafe(no_mangle)]
pub extern "C" fn ringscope_abi_version() -> u32 {
    RINGSCOPE_ABI_VERSION
}

/// Makes a ring of `capacity` elements of `element_size` bytes each (any sizes ≥ 1, no
/// power-of-two rule, every slot usable) and writes its two handles to `*producer` and
/// `*consumer`. Allocates: call it outside real-time code. On any status but `RINGSCOPE_OK`
/// nothing is allocated and the handles are left untouched.
///
/// # Safety
/// `producer` and `consumer` are null or valid for writing one pointer each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_ring_new(
    element_size: usize,
    capacity: usize,
    producer: *mut *mut RingscopeProducer,
    consumer: *mut *mut RingscopeConsumer,
) -> RingscopeStatus {
    if producer.is_null() || consumer.is_null() {
        return RINGSCOPE_ERROR_NULL_ARGUMENT;
    }
    match bytes::RingBuffer::new(element_size, capacity) {
        Ok((p, c)) => {
            // SAFETY: both pointers are non-null and valid for a write (the caller's promise).
            unsafe {
                producer.write(RingscopeProducer::into_raw(p));
                consumer.write(RingscopeConsumer::into_raw(c));
            }
            RINGSCOPE_OK
        }
        Err(error) => status_of(error),
    }
}

/// Borrows the producer behind a handle, or `None` for a null handle.
///
/// # Safety
/// `producer` is null or a live handle that no other thread uses right now.
unsafe fn producer_mut<'a>(producer: *mut RingscopeProducer) -> Option<&'a mut bytes::Producer> {
    // SAFETY: the caller's promise: null or live and unaliased.
    unsafe { producer.as_mut() }.map(|p| &mut p.inner)
}

/// Shared-reference form of [`producer_mut`].
///
/// # Safety
/// As [`producer_mut`].
unsafe fn producer_ref<'a>(producer: *const RingscopeProducer) -> Option<&'a bytes::Producer> {
    // SAFETY: the caller's promise: null or live and unaliased.
    unsafe { producer.as_ref() }.map(|p| &p.inner)
}

/// Borrows the consumer behind a handle, or `None` for a null handle.
///
/// # Safety
/// `consumer` is null or a live handle that no other thread uses right now.
unsafe fn consumer_mut<'a>(consumer: *mut RingscopeConsumer) -> Option<&'a mut bytes::Consumer> {
    // SAFETY: the caller's promise: null or live and unaliased.
    unsafe { consumer.as_mut() }.map(|c| &mut c.inner)
}

/// Shared-reference form of [`consumer_mut`].
///
/// # Safety
/// As [`consumer_mut`].
unsafe fn consumer_ref<'a>(consumer: *const RingscopeConsumer) -> Option<&'a bytes::Consumer> {
    // SAFETY: the caller's promise: null or live and unaliased.
    unsafe { consumer.as_ref() }.map(|c| &c.inner)
}

/// The element size in bytes (0 for a null handle).
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_element_size(
    producer: *const RingscopeProducer,
) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { producer_ref(producer) }.map_or(0, |p| p.element_size())
}

/// The capacity in elements (0 for a null handle).
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_capacity(producer: *const RingscopeProducer) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { producer_ref(producer) }.map_or(0, |p| p.capacity())
}

/// How many elements a push could write now (at least this many while only this side acts).
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_write_available(
    producer: *const RingscopeProducer,
) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { producer_ref(producer) }.map_or(0, |p| p.write_available())
}

/// Copies the first elements of `data` (`n` elements, `n * element_size` bytes) into the ring,
/// as many as fit, and returns how many it wrote. The elements that did not fit are counted as
/// dropped (`RingscopeCounters.dropped`): the call for a callback that drops what it cannot
/// deliver. To retry instead, use `ringscope_producer_write_regions`, which counts nothing.
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now; `data` is valid
/// for reading `n * element_size` bytes (or `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_push(
    producer: *mut RingscopeProducer,
    data: *const c_void,
    n: usize,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(p) = (unsafe { producer_mut(producer) }) else {
        return 0;
    };
    if data.is_null() || n == 0 {
        return 0;
    }
    // No push can take more than the capacity: bounding `n` first keeps the byte count from
    // overflowing (capacity * element_size fits, the ring checked it).
    let offered = n.min(p.capacity());
    // SAFETY: `data` holds `n * element_size` readable bytes (the caller's promise), and
    // `offered <= n`.
    let bytes =
        unsafe { core::slice::from_raw_parts(data.cast::<u8>(), offered * p.element_size()) };
    let written = p.push_slice(bytes);
    // push_slice counted the refused part of `bytes`; the part beyond the capacity was refused
    // too.
    if offered < n {
        p.record_dropped(n - offered);
    }
    written
}

/// Lends the next `min(n, write_available)` free elements as up to two regions (written to
/// `*regions`) and returns their total. Nothing is published until
/// `ringscope_producer_commit`; lending again before a commit lends the same slots again.
/// Returns 0 (and lends nothing) for a null handle or a null `regions`.
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now; `regions` is null
/// or valid for writing one `RingscopeWriteRegions`. The lent memory may be written until the
/// next commit on this handle or its release.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_write_regions(
    producer: *mut RingscopeProducer,
    n: usize,
    regions: *mut RingscopeWriteRegions,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(p) = (unsafe { producer_mut(producer) }) else {
        return 0;
    };
    if regions.is_null() {
        return 0;
    }
    let lent = p.write_regions(n);
    // SAFETY: `regions` is non-null and valid for a write (the caller's promise).
    unsafe {
        regions.write(RingscopeWriteRegions {
            first: lent.first.cast(),
            first_len: lent.first_len,
            second: lent.second.cast(),
            second_len: lent.second_len,
        });
    }
    lent.first_len + lent.second_len
}

/// Publishes the first `n` elements of the regions last lent by
/// `ringscope_producer_write_regions` (clamped to what is free) and returns how many it
/// published.
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_commit(
    producer: *mut RingscopeProducer,
    n: usize,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(p) = (unsafe { producer_mut(producer) }) else {
        return 0;
    };
    let n = n.min(p.write_available());
    p.advance_write(n);
    n
}

/// Adds `n` to the dropped count, for elements the producer gave up on by itself.
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_record_dropped(
    producer: *mut RingscopeProducer,
    n: usize,
) {
    // SAFETY: forwarded caller's promise.
    if let Some(p) = unsafe { producer_mut(producer) } {
        p.record_dropped(n);
    }
}

/// The counters as the producer sees them (all 0 for a null handle).
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_counters(
    producer: *const RingscopeProducer,
) -> RingscopeCounters {
    // SAFETY: forwarded caller's promise.
    unsafe { producer_ref(producer) }
        .map_or_else(RingscopeCounters::default, |p| p.counters().into())
}

/// Whether the consumer is gone (released, closed or collected): pushing still works but no
/// one will read. True for a null handle.
///
/// # Safety
/// `producer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_is_abandoned(
    producer: *const RingscopeProducer,
) -> bool {
    // SAFETY: forwarded caller's promise.
    unsafe { producer_ref(producer) }.is_none_or(|p| p.is_abandoned())
}

/// Releases the producer handle; the ring's memory is freed when its consumer is gone too.
/// May free memory: call it outside real-time code. Null is ignored.
///
/// # Safety
/// `producer` is null or a live handle, released exactly once; no thread uses it afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_producer_release(producer: *mut RingscopeProducer) {
    if !producer.is_null() {
        // SAFETY: the handle came from `RingscopeProducer::into_raw` (a Box) and is released
        // once (the caller's promise).
        drop(unsafe { Box::from_raw(producer) });
    }
}

/// The element size in bytes (0 for a null handle).
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_element_size(
    consumer: *const RingscopeConsumer,
) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_ref(consumer) }.map_or(0, |c| c.element_size())
}

/// The capacity in elements (0 for a null handle).
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_capacity(consumer: *const RingscopeConsumer) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_ref(consumer) }.map_or(0, |c| c.capacity())
}

/// How many elements a pop could read now (at least this many while only this side acts).
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_read_available(
    consumer: *const RingscopeConsumer,
) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_ref(consumer) }.map_or(0, |c| c.read_available())
}

/// Copies up to `n` of the oldest elements into `dst` (`n * element_size` bytes), removes
/// them from the ring and returns how many it copied.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now; `dst` is valid for
/// writing `n * element_size` bytes (or `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_pop(
    consumer: *mut RingscopeConsumer,
    dst: *mut c_void,
    n: usize,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(c) = (unsafe { consumer_mut(consumer) }) else {
        return 0;
    };
    if dst.is_null() || n == 0 {
        return 0;
    }
    // No pop returns more than the capacity, which bounds the byte count (see push).
    let wanted = n.min(c.capacity());
    // SAFETY: `dst` holds `n * element_size` writable bytes (the caller's promise), and
    // `wanted <= n`; the ring never hands C's buffer to anyone else.
    let bytes =
        unsafe { core::slice::from_raw_parts_mut(dst.cast::<u8>(), wanted * c.element_size()) };
    c.pop_slice(bytes)
}

/// Lends up to `n` of the oldest elements as up to two regions (written to `*regions`) and
/// returns their total; `ringscope_consumer_commit` gives them back. Returns 0 (and lends
/// nothing) for a null handle or a null `regions`.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now; `regions` is null
/// or valid for writing one `RingscopeReadRegions`. The lent memory may be read until the next
/// commit, skip or clear on this handle or its release.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_read_regions(
    consumer: *mut RingscopeConsumer,
    n: usize,
    regions: *mut RingscopeReadRegions,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(c) = (unsafe { consumer_mut(consumer) }) else {
        return 0;
    };
    if regions.is_null() {
        return 0;
    }
    let lent = c.read_regions(n);
    // SAFETY: `regions` is non-null and valid for a write (the caller's promise).
    unsafe {
        regions.write(RingscopeReadRegions {
            first: lent.first.cast(),
            first_len: lent.first_len,
            second: lent.second.cast(),
            second_len: lent.second_len,
        });
    }
    lent.first_len + lent.second_len
}

/// Removes the first `n` elements lent by `ringscope_consumer_read_regions` (clamped to what
/// is readable) and returns how many it removed.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_commit(
    consumer: *mut RingscopeConsumer,
    n: usize,
) -> usize {
    // SAFETY: forwarded caller's promise.
    let Some(c) = (unsafe { consumer_mut(consumer) }) else {
        return 0;
    };
    let n = n.min(c.read_available());
    c.advance_read(n);
    n
}

/// Discards up to `n` of the oldest elements unread and returns how many it discarded.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_skip(
    consumer: *mut RingscopeConsumer,
    n: usize,
) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_mut(consumer) }.map_or(0, |c| c.skip(n))
}

/// Discards everything readable (safe while the producer pushes) and returns how many
/// elements it discarded.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_clear(consumer: *mut RingscopeConsumer) -> usize {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_mut(consumer) }.map_or(0, |c| c.clear())
}

/// The counters as the consumer sees them (all 0 for a null handle).
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_counters(
    consumer: *const RingscopeConsumer,
) -> RingscopeCounters {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_ref(consumer) }
        .map_or_else(RingscopeCounters::default, |c| c.counters().into())
}

/// Whether the producer is gone (released, closed or collected): what is readable stays
/// readable, nothing new arrives. True for a null handle.
///
/// # Safety
/// `consumer` is null or a live handle not used by another thread right now.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_is_abandoned(
    consumer: *const RingscopeConsumer,
) -> bool {
    // SAFETY: forwarded caller's promise.
    unsafe { consumer_ref(consumer) }.is_none_or(|c| c.is_abandoned())
}

/// Releases the consumer handle; the ring's memory is freed when its producer is gone too.
/// May free memory: call it outside real-time code. Null is ignored.
///
/// # Safety
/// `consumer` is null or a live handle, released exactly once; no thread uses it afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ringscope_consumer_release(consumer: *mut RingscopeConsumer) {
    if !consumer.is_null() {
        // SAFETY: the handle came from `RingscopeConsumer::into_raw` (a Box) and is released
        // once (the caller's promise).
        drop(unsafe { Box::from_raw(consumer) });
    }
}
