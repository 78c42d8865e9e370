//! The writing end: its handle and the `ringscope_producer_*` functions.

use core::ffi::c_void;

use ringscope::bytes;

use crate::RingscopeCounters;

/// The writing end of a ring (opaque). Obtained from `ringscope_ring_new` or from Python's
/// `producer_handle()`; released with `ringscope_producer_release`.
pub struct RingscopeProducer {
    inner: bytes::Producer,
}

impl RingscopeProducer {
    /// Boxes a producer into a handle for C. The caller owns the returned pointer and must
    /// give it to [`ringscope_producer_release`] exactly once.
    pub fn into_raw(inner: bytes::Producer) -> *mut RingscopeProducer {
        Box::into_raw(Box::new(RingscopeProducer { inner }))
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
