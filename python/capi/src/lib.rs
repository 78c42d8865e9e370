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
//!
//! Files: this one (the ABI version, making a ring, the counters both ends report),
//! `producer.rs` and `consumer.rs` (each end's handle and functions), `table.rs` (the function
//! table).

use ringscope::bytes::{self, NewError};

// cbindgen writes the header in the order it reads: this file's items, then the modules in
// the order declared here (the blank lines keep rustfmt from sorting them).
mod producer;

mod consumer;

mod table;

pub use self::consumer::*;
pub use self::producer::*;
pub use self::table::*;

/// The version of this C API; a program checks it against `ringscope_api.abi_version` or
/// `ringscope_abi_version()` before it calls anything else. Raised on every incompatible change.
pub const RINGSCOPE_ABI_VERSION: u32 = 1;

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
