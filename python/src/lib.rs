//! `ringscope._ringscope`: the extension module behind the `ringscope` Python package.
//!
//! - [`ring::RingBuffer`]: `ringbuf.RingBuffer`'s API (`from ringscope import RingBuffer`);
//! - [`pa::PaRingBuffer`]: `pa_ringbuffer`'s class (`ringscope.pa.RingBuffer`);
//! - the C API of `ringscope-capi`: its `ringscope_*` functions are exported from this shared
//!   object (for C code that links against it, see `ringscope.get_library()`), and its
//!   function table is the capsule `_C_API` (for C extensions that would rather not link).
//!
//! Both classes are `frozen`: every method takes `&self`, so PyO3's borrow flag never makes a
//! push on one thread fail with "Already borrowed" while another thread pops; each end has its
//! own lock instead ([`end`]).

mod args;
mod buffer;
mod end;
mod format;
mod frames;
mod pa;
mod ring;

use std::ptr::NonNull;

use pyo3::exceptions::{PyMemoryError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use ringscope::bytes::NewError;
use ringscope_capi::{RINGSCOPE_ABI_VERSION, ringscope_api};

/// The Python exception for a ring that cannot be made.
fn ring_error(error: NewError) -> PyErr {
    match error {
        NewError::AllocationFailed => {
            PyMemoryError::new_err(format!("cannot allocate the ring: {error}"))
        }
        _ => PyValueError::new_err(format!("cannot make the ring: {error}")),
    }
}

/// The address of `ringscope_ring_new` in this module, for checking that C code linked this
/// very copy of the library: `ringscope.pa.init` compares it with the `ring_new` field of the
/// `ringscope_api` table the CFFI library sees.
#[pyfunction]
fn _ring_new_address() -> usize {
    ringscope_api.ring_new as *const () as usize
}

#[pymodule]
fn _ringscope(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ring::RingBuffer>()?;
    // Both classes are called RingBuffer in Python; this one lives in `ringscope.pa`.
    m.add("PaRingBuffer", m.py().get_type::<pa::PaRingBuffer>())?;
    m.add_class::<pa::RegionView>()?;
    m.add_class::<frames::Frames>()?;
    m.add_function(wrap_pyfunction!(_ring_new_address, m)?)?;
    m.add("ABI_VERSION", RINGSCOPE_ABI_VERSION)?;
    m.add("DETACH_BYTES", ring::DETACH_BYTES)?;
    m.add_function(wrap_pyfunction!(ring::_set_detach_threshold, m)?)?;
    // Whether this is a debug build (python/bench.py refuses to measure one).
    m.add("_DEBUG_BUILD", cfg!(debug_assertions))?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // SAFETY: the table is a static, valid for the life of the process, and never written.
    let capsule = unsafe {
        PyCapsule::new_with_pointer(
            m.py(),
            NonNull::from(&ringscope_api).cast(),
            c"ringscope._ringscope._C_API",
        )?
    };
    m.add("_C_API", capsule)?;
    Ok(())
}
