//! The synchronisation primitives the ring buffers are built from: `std`'s in normal builds,
//! loom's under `--cfg loom`, so that the loom models in `tests/loom.rs` check the real code.

#[cfg(loom)]
pub(crate) use loom::sync::Arc;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering, fence};

#[cfg(not(loom))]
pub(crate) use std::sync::Arc;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering, fence};

/// Tells loom which slots a side touches and when, so that it can prove every slot access is
/// ordered after the other side's last access to the same slot.
///
/// The slots themselves are plain memory that loom cannot see; each slot has a shadow
/// `loom::cell::UnsafeCell<()>` and every access to a slot range is mirrored on its shadows. In
/// normal builds this type is empty and every method compiles to nothing.
#[derive(Debug)]
pub(crate) struct SlotAccessLog {
    #[cfg(loom)]
    shadows: Box<[loom::cell::UnsafeCell<()>]>,
}

impl SlotAccessLog {
    #[cfg_attr(not(loom), allow(unused_variables))]
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            #[cfg(loom)]
            shadows: (0..capacity)
                .map(|_| loom::cell::UnsafeCell::new(()))
                .collect(),
        }
    }

    /// Records writes to `len` slots starting at slot index `start`, wrapping at the capacity.
    #[cfg_attr(not(loom), allow(unused_variables))]
    #[inline(always)]
    pub(crate) fn write(&self, start: usize, len: usize) {
        #[cfg(loom)]
        for i in 0..len {
            self.shadows[(start + i) % self.shadows.len()].with_mut(|_| ());
        }
    }

    /// Records reads of `len` slots starting at slot index `start`, wrapping at the capacity.
    #[cfg_attr(not(loom), allow(unused_variables))]
    #[inline(always)]
    pub(crate) fn read(&self, start: usize, len: usize) {
        #[cfg(loom)]
        for i in 0..len {
            self.shadows[(start + i) % self.shadows.len()].with(|_| ());
        }
    }
}
