//! The reading end: its handle and the `ringscope_consumer_*` functions.

use core::ffi::c_void;

use ringscope::bytes;

use crate::RingscopeCounters;

/// The reading end of a ring (opaque). Obtained from `ringscope_ring_new` or from Python's
/// `consumer_handle()`; released with `ringscope_consumer_release`.
pub struct RingscopeConsumer {
    inner: bytes::Consumer,
}

impl RingscopeConsumer {
    /// Boxes a consumer into a handle for C. The caller owns the returned pointer and must
    /// give it to [`ringscope_consumer_release`] exactly once.
    pub fn into_raw(inner: bytes::Consumer) -> *mut RingscopeConsumer {
        Box::into_raw(Box::new(RingscopeConsumer { inner }))
    }
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
