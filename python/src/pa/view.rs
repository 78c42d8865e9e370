//! The views `get_write_buffers` / `get_read_buffers` lend ([`RegionView`]), and the
//! bookkeeping that keeps them safe: each end counts the live buffer exports of its views and a
//! generation that every hand-over bumps, so a call that would hand lent slots over refuses
//! while they are exported, and a view lent before it is stale.

use std::ffi::c_int;

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyMemoryView, PyTuple};
use ringscope::bytes;

use super::PaRingBuffer;
use crate::buffer::{Layout, SendPtr, fill_view};
use crate::end::{End, State};

/// An end with the views it has lent.
pub(super) struct Lending<T> {
    pub(super) end: T,
    /// Bumped whenever lent slots change hands; a view lent under an older generation is stale.
    pub(super) generation: u64,
    /// Buffer exports of this end's views that are alive right now.
    exports: usize,
}

impl<T> Lending<T> {
    pub(super) fn new(end: T) -> Lending<T> {
        Lending {
            end,
            generation: 0,
            exports: 0,
        }
    }
}

/// Which end lent a view.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Write,
    Read,
}

impl PaRingBuffer {
    fn end(&self, side: Side) -> EndRef<'_> {
        match side {
            Side::Write => EndRef::Write(&self.producer),
            Side::Read => EndRef::Read(&self.consumer),
        }
    }
}

/// Either end, for code that treats both alike (lending bookkeeping).
enum EndRef<'a> {
    Write(&'a End<Lending<bytes::Producer>>),
    Read(&'a End<Lending<bytes::Consumer>>),
}

impl EndRef<'_> {
    /// Runs `f` on the end's lending bookkeeping if Python holds the end.
    fn with_lending<R>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut u64, &mut usize) -> R,
    ) -> Option<R> {
        fn on<T, R>(
            end: &End<Lending<T>>,
            py: Python<'_>,
            f: impl FnOnce(&mut u64, &mut usize) -> R,
        ) -> Option<R> {
            match &mut *end.lock(py) {
                State::Here(l) => Some(f(&mut l.generation, &mut l.exports)),
                _ => None,
            }
        }
        match self {
            EndRef::Write(e) => on(e, py, f),
            EndRef::Read(e) => on(e, py, f),
        }
    }
}

/// Runs `f`, a call that hands lent slots over, on a locked end: `BufferError` while views of
/// the end are exported; on success the views lent before are stale.
pub(super) fn handing_over<T, R>(
    end: &End<Lending<T>>,
    py: Python<'_>,
    f: impl FnOnce(&mut T) -> PyResult<R>,
) -> PyResult<R> {
    end.with(py, |l| {
        refuse_while_exported(l)?;
        let r = f(&mut l.end)?;
        l.generation += 1;
        Ok(r)
    })
}

pub(super) fn refuse_while_exported<T>(l: &Lending<T>) -> PyResult<()> {
    if l.exports > 0 {
        Err(PyBufferError::new_err(format!(
            "{} buffer export(s) of views from get_*_buffers() are still alive; release them \
             (del the memoryview/array, or memoryview.release()) first",
            l.exports
        )))
    } else {
        Ok(())
    }
}

/// Moves an end out of Python (to C), refusing while its views are exported.
pub(super) fn take_end<T>(end: &End<Lending<T>>, py: Python<'_>) -> PyResult<T> {
    let mut state = end.lock(py);
    refuse_while_exported(end.here(&mut state)?)?;
    match std::mem::replace(&mut *state, State::InC) {
        State::Here(l) => Ok(l.end),
        _ => unreachable!("checked above"),
    }
}

/// Builds `(count, buf1, buf2)` for regions an end lent.
pub(super) fn lend<'py>(
    ring: &Bound<'py, PaRingBuffer>,
    side: Side,
    generation: u64,
    regions: [(*mut u8, usize); 2],
) -> PyResult<Bound<'py, PyTuple>> {
    let py = ring.py();
    let es = ring.get().elementsize;
    let count = regions[0].1 + regions[1].1;
    let [first, second] = regions.map(|(ptr, len)| RegionView {
        ring: ring.clone().unbind(),
        side,
        generation,
        ptr: SendPtr(ptr),
        shape: [(len * es) as isize],
    });
    PyTuple::new(
        py,
        [
            count.into_pyobject(py)?.into_any(),
            Bound::new(py, first)?.into_any(),
            Bound::new(py, second)?.into_any(),
        ],
    )
}

/// A view of ring slots lent by `get_write_buffers` (writable) or `get_read_buffers`
/// (read-only): a bytes-like object of `len(view)` bytes. `memoryview(view)`,
/// `numpy.frombuffer(view, dtype)`, `view[i]`, `view[a:b]` (a `bytes` copy) and
/// `view[a:b] = data` work until the next advance of its side; after that the view is stale
/// and raises `BufferError`.
#[pyclass(frozen, module = "ringscope.pa", name = "RegionView")]
pub struct RegionView {
    ring: Py<PaRingBuffer>,
    side: Side,
    generation: u64,
    ptr: SendPtr,
    /// The length in bytes, as the buffer's one extent.
    shape: [isize; 1],
}

/// The stride of a byte view.
static BYTE_STRIDE: [isize; 1] = [1];

#[pymethods]
impl RegionView {
    /// Exports the lent slots (the buffer protocol), if they are still lent.
    ///
    /// # Safety
    /// Called by the interpreter with a view to fill.
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let py = slf.py();
        let this = slf.get();
        let end = this.ring.get().end(this.side);
        let lent = end.with_lending(py, |generation, exports| {
            let current = *generation == this.generation;
            if current {
                *exports += 1;
            }
            current
        });
        if lent != Some(true) {
            return Err(PyBufferError::new_err(
                "this view is stale: its slots were handed over by an advance, write, read, flush \
                 or close since it was lent; call get_write_buffers()/get_read_buffers() again",
            ));
        }
        let layout = Layout {
            buf: this.ptr.0,
            len: this.shape[0] as usize,
            readonly: this.side == Side::Read,
            format: c"B",
            itemsize: 1,
            shape: &this.shape,
            strides: &BYTE_STRIDE,
        };
        // SAFETY: the slots stay lent (and the ring's memory alive, through `ring`) while this
        // export is counted: every call that would hand them over refuses until it is released.
        let filled = unsafe { fill_view(view, flags, slf.clone().into_any(), &layout) };
        if filled.is_err() {
            end.with_lending(py, |_, exports| *exports -= 1);
        }
        filled
    }

    /// Ends one export.
    unsafe fn __releasebuffer__(slf: Bound<'_, Self>, _view: *mut ffi::Py_buffer) {
        let this = slf.get();
        this.ring
            .get()
            .end(this.side)
            .with_lending(slf.py(), |_, exports| *exports = exports.saturating_sub(1));
    }

    /// Length in bytes.
    fn __len__(&self) -> usize {
        self.shape[0] as usize
    }

    /// `view[i]` (an int) or `view[a:b]` (a `bytes` copy), as a CFFI buffer answers.
    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let view = PyMemoryView::from(slf.as_any())?;
        let item = view
            .get_item(key)
            .and_then(|item| match item.cast::<PyMemoryView>() {
                Ok(sub) => {
                    let copy = sub.call_method0("tobytes")?;
                    sub.call_method0("release")?;
                    Ok(copy)
                }
                Err(_) => Ok(item),
            });
        view.call_method0("release")?;
        item
    }

    /// `view[i] = byte` or `view[a:b] = data` (write views only).
    fn __setitem__(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let view = PyMemoryView::from(slf.as_any())?;
        let stored = view.set_item(key, value);
        view.call_method0("release")?;
        stored
    }

    fn __repr__(&self) -> String {
        let side = match self.side {
            Side::Write => "write",
            Side::Read => "read",
        };
        format!(
            "<ringscope.pa.RegionView: {} bytes lent for {side}ing>",
            self.shape[0]
        )
    }
}
