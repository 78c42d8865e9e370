//! `ringscope.pa.RingBuffer`: `pa_ringbuffer` 0.1.4's `RingBuffer` class over Ringscope's
//! ring, with no CFFI module needed, and the views its `get_*_buffers` lend.
//!
//! Views are this module's own buffer exporter ([`RegionView`]). While any memoryview (or NumPy
//! array, …) of a lent view is alive, every call that would hand its slots to the other side
//! — an advance, `write`, `read`, `readinto`, `flush`, handing the end to C, `close` — raises
//! `BufferError`; once such a call succeeds, the views lent before it are stale and refuse to
//! export again. So Python never touches slots that were published, released or re-lent.

use std::ffi::c_int;

use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyMemoryView, PyTuple};
use ringscope::bytes;
use ringscope_capi::{RingscopeConsumer, RingscopeProducer};

use crate::args;
use crate::buffer::{Layout, SendPtr, fill_view, with_buffer};
use crate::end::{End, State};
use crate::ring::{pop_frames, push_frames};
use crate::ring_error;

/// An end with the views it has lent.
struct Lending<T> {
    end: T,
    /// Bumped whenever lent slots change hands; a view lent under an older generation is stale.
    generation: u64,
    /// Buffer exports of this end's views that are alive right now.
    exports: usize,
}

impl<T> Lending<T> {
    fn new(end: T) -> Lending<T> {
        Lending {
            end,
            generation: 0,
            exports: 0,
        }
    }
}

/// Which end lent a view.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Write,
    Read,
}

/// PortAudio's single-reader single-writer lock-free ring buffer, as `pa_ringbuffer` 0.1.4
/// wraps it, on Ringscope's wait-free ring: `RingBuffer(elementsize, size)` holds `size`
/// elements of `elementsize` bytes (any sizes ≥ 1; no power-of-two rule).
///
/// One thread (or C callback) writes while another reads, with no lock between them. Unlike
/// PortAudio's, `flush()` is safe while the writer writes. The `buffer=` argument (memory the
/// caller provides) is not supported: the ring owns its memory, and C code gets an end of it
/// through `producer_handle()` / `consumer_handle()` instead of a `PaUtilRingBuffer *`.
#[pyclass(frozen, subclass, module = "ringscope.pa", name = "RingBuffer")]
pub struct PaRingBuffer {
    elementsize: usize,
    size: usize,
    producer: End<Lending<bytes::Producer>>,
    consumer: End<Lending<bytes::Consumer>>,
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
fn handing_over<T, R>(
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

fn refuse_while_exported<T>(l: &Lending<T>) -> PyResult<()> {
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
fn take_end<T>(end: &End<Lending<T>>, py: Python<'_>) -> PyResult<T> {
    let mut state = end.lock(py);
    refuse_while_exported(end.here(&mut state)?)?;
    match std::mem::replace(&mut *state, State::InC) {
        State::Here(l) => Ok(l.end),
        _ => unreachable!("checked above"),
    }
}

#[pymethods]
impl PaRingBuffer {
    /// Makes a ring of `size` elements of `elementsize` bytes.
    ///
    /// `TypeError` without `size`, or with `buffer` (not supported: the ring owns its memory);
    /// `ValueError` for sizes below 1 or too large to address; `MemoryError` if the memory
    /// cannot be had.
    #[new]
    #[pyo3(signature = (elementsize, size = None, buffer = None))]
    fn py_new(
        elementsize: &Bound<'_, PyAny>,
        size: Option<&Bound<'_, PyAny>>,
        buffer: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PaRingBuffer> {
        if buffer.is_some() {
            return Err(PyTypeError::new_err(
                "buffer= is not supported: ringscope's ring owns its memory; pass size= and give \
                 C code producer_handle() or consumer_handle() instead of the buffer",
            ));
        }
        let Some(size) = size else {
            return Err(PyTypeError::new_err(
                "size is required when buffer parameter is not specified",
            ));
        };
        let elementsize = args::count(elementsize, "elementsize", 1)?;
        let size = args::count(size, "size", 1)?;
        let (p, c) = bytes::RingBuffer::new(elementsize, size).map_err(ring_error)?;
        Ok(PaRingBuffer {
            elementsize,
            size,
            producer: End::new(Lending::new(p), "producer"),
            consumer: End::new(Lending::new(c), "consumer"),
        })
    }

    /// Reset buffer to empty: discards everything readable. Safe while the writer writes
    /// (PortAudio's is not); `BufferError` while views from `get_read_buffers` are exported.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        handing_over(&self.consumer, py, |c| {
            c.clear();
            Ok(())
        })
    }

    /// Number of elements available in the ring buffer for writing.
    #[getter]
    fn write_available(&self, py: Python<'_>) -> PyResult<usize> {
        if let State::Here(l) = &*self.producer.lock(py) {
            return Ok(l.end.write_available());
        }
        self.consumer
            .with(py, |l| Ok(self.size - l.end.read_available()))
    }

    /// Number of elements available in the ring buffer for reading.
    #[getter]
    fn read_available(&self, py: Python<'_>) -> PyResult<usize> {
        if let State::Here(l) = &*self.consumer.lock(py) {
            return Ok(l.end.read_available());
        }
        self.producer
            .with(py, |l| Ok(self.size - l.end.write_available()))
    }

    /// Write data to the ring buffer; returns the number of elements written.
    ///
    /// This advances the write index after writing; calling `advance_write_index` is *not*
    /// necessary. `data` is any C-contiguous buffer; with `size < 0` all of it is written
    /// (its length must be a multiple of `elementsize`), else its first `size` elements.
    #[pyo3(signature = (data, size = None), text_signature = "(self, data, size=-1)")]
    fn write(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<usize> {
        let size = size
            .map(|s| args::optional_size(s, "size"))
            .transpose()?
            .flatten();
        with_buffer(data, |b| {
            b.require_c_contiguous("data")?;
            let whole = b.len_bytes() / self.elementsize;
            let n = match size {
                None if b.len_bytes() % self.elementsize != 0 => {
                    return Err(PyValueError::new_err(
                        "data size must be multiple of elementsize",
                    ));
                }
                None => whole,
                Some(n) if n > whole => {
                    return Err(PyValueError::new_err(format!(
                        "size {n} exceeds the {whole} elements in data"
                    )));
                }
                Some(n) => n,
            };
            handing_over(&self.producer, py, |p| {
                Ok(push_frames(py, p, SendPtr(b.ptr()), n))
            })
        })
    }

    /// Read data from the ring buffer into a new buffer (a `bytearray` of the elements read;
    /// at most `size` elements, all available ones if `size < 0`).
    ///
    /// This advances the read index after reading; calling `advance_read_index` is *not*
    /// necessary.
    #[pyo3(signature = (size = None), text_signature = "(self, size=-1)")]
    fn read<'py>(
        &self,
        py: Python<'py>,
        size: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let size = size
            .map(|s| args::optional_size(s, "size"))
            .transpose()?
            .flatten();
        // Only this side removes elements, so what is readable now stays readable: size the
        // bytearray first (no Python allocation happens while an end is locked), then fill it.
        let n = self.consumer.with(py, |l| {
            Ok(size.unwrap_or(usize::MAX).min(l.end.read_available()))
        })?;
        let es = self.elementsize;
        PyByteArray::new_with(py, n * es, |dst| {
            let read = handing_over(&self.consumer, py, |c| {
                Ok(pop_frames(py, c, SendPtr(dst.as_mut_ptr()), n))
            })?;
            debug_assert_eq!(
                read, n,
                "elements vanished from a ring only this side reads"
            );
            Ok(())
        })
    }

    /// Read data from the ring buffer into a user-provided buffer (writable, C-contiguous, a
    /// multiple of `elementsize` bytes); returns the number of elements read, which may be
    /// less than the size of `data`.
    ///
    /// This advances the read index after reading.
    fn readinto(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        with_buffer(data, |b| {
            b.require_writable("data")?;
            b.require_c_contiguous("data")?;
            if b.len_bytes() % self.elementsize != 0 {
                return Err(PyValueError::new_err(
                    "data size must be multiple of elementsize",
                ));
            }
            let room = b.len_bytes() / self.elementsize;
            handing_over(&self.consumer, py, |c| {
                Ok(pop_frames(py, c, SendPtr(b.ptr()), room))
            })
        })
    }

    /// Get buffer(s) to which we can write data: `(count, buf1, buf2)`, `count` being the room
    /// available or `size`, whichever is smaller, and `buf1`/`buf2` writable views of that
    /// many elements in the ring (`buf2` is the part that wraps around; often empty).
    ///
    /// When done writing, use `advance_write_index` to make the written data available for
    /// reading (after releasing any memoryview or array made from the views).
    fn get_write_buffers<'py>(
        slf: &Bound<'py, Self>,
        size: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let size = args::count(size, "size", 0)?;
        let this = slf.get();
        let (generation, regions) = this.producer.with(slf.py(), |l| {
            let r = l.end.write_regions(size);
            Ok((
                l.generation,
                [(r.first, r.first_len), (r.second, r.second_len)],
            ))
        })?;
        lend(slf, Side::Write, generation, regions)
    }

    /// Advance the write index by `size` elements (those written through
    /// `get_write_buffers`); returns the new position (elements ever written).
    ///
    /// `ValueError` if fewer than `size` elements are free; `BufferError` while views from
    /// `get_write_buffers` are exported.
    fn advance_write_index(&self, py: Python<'_>, size: &Bound<'_, PyAny>) -> PyResult<u64> {
        let n = args::count(size, "size", 0)?;
        handing_over(&self.producer, py, |p| {
            let free = p.write_available();
            if n > free {
                return Err(PyValueError::new_err(format!(
                    "cannot advance the write index by {n}: only {free} elements are free"
                )));
            }
            p.advance_write(n);
            Ok(p.counters().written)
        })
    }

    /// Get buffer(s) from which we can read data: `(count, buf1, buf2)`, `count` being the
    /// number of elements available for reading (at most `size`), `buf1`/`buf2` read-only
    /// views of them.
    ///
    /// When done reading, use `advance_read_index` to make the memory available for writing
    /// again (after releasing any memoryview or array made from the views).
    fn get_read_buffers<'py>(
        slf: &Bound<'py, Self>,
        size: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let size = args::count(size, "size", 0)?;
        let this = slf.get();
        let (generation, regions) = this.consumer.with(slf.py(), |l| {
            let r = l.end.read_regions(size);
            Ok((
                l.generation,
                [
                    (r.first.cast_mut(), r.first_len),
                    (r.second.cast_mut(), r.second_len),
                ],
            ))
        })?;
        lend(slf, Side::Read, generation, regions)
    }

    /// Advance the read index by `size` elements (those read through `get_read_buffers`);
    /// returns the new position (elements ever read).
    ///
    /// `ValueError` if fewer than `size` elements are readable; `BufferError` while views from
    /// `get_read_buffers` are exported.
    fn advance_read_index(&self, py: Python<'_>, size: &Bound<'_, PyAny>) -> PyResult<u64> {
        let n = args::count(size, "size", 0)?;
        handing_over(&self.consumer, py, |c| {
            let readable = c.read_available();
            if n > readable {
                return Err(PyValueError::new_err(format!(
                    "cannot advance the read index by {n}: only {readable} elements are readable"
                )));
            }
            c.advance_read(n);
            Ok(c.counters().read)
        })
    }

    /// Element size in bytes.
    #[getter]
    fn elementsize(&self) -> usize {
        self.elementsize
    }

    /// Size of buffer in elements.
    fn __len__(&self) -> usize {
        self.size
    }

    /// Elements ever written (by Python or C).
    #[getter]
    fn written(&self, py: Python<'_>) -> PyResult<u64> {
        self.counters(py).map(|c| c.written)
    }

    /// Elements ever read, advanced over or flushed.
    #[getter]
    fn read_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.counters(py).map(|c| c.read)
    }

    /// Elements lost because the ring was full (C pushes that did not fit, and what C reported
    /// as dropped); `write` returns its count instead of counting here.
    #[getter]
    fn dropped(&self, py: Python<'_>) -> PyResult<u64> {
        self.counters(py).map(|c| c.dropped)
    }

    /// Hands the writing end to C and returns its handle (a `RingscopeProducer *` as an
    /// integer); afterwards writing from Python raises `RuntimeError`. C must call
    /// `ringscope_producer_release` exactly once. `BufferError` while write views are exported.
    fn producer_handle(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(RingscopeProducer::into_raw(take_end(&self.producer, py)?) as usize)
    }

    /// Hands the reading end to C and returns its handle (a `RingscopeConsumer *` as an
    /// integer); afterwards reading from Python raises `RuntimeError`. C must call
    /// `ringscope_consumer_release` exactly once. `BufferError` while read views are exported.
    fn consumer_handle(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(RingscopeConsumer::into_raw(take_end(&self.consumer, py)?) as usize)
    }

    /// Lets go of the ends Python holds (handles given to C stay valid until released); every
    /// later call raises `ValueError`. `BufferError` while views are exported.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        // Both ends locked at once (always producer first), so neither closes if views of the
        // other are exported.
        let mut p = self.producer.lock(py);
        let mut c = self.consumer.lock(py);
        if let State::Here(l) = &*p {
            refuse_while_exported(l)?;
        }
        if let State::Here(l) = &*c {
            refuse_while_exported(l)?;
        }
        *p = State::Closed;
        *c = State::Closed;
        Ok(())
    }

    /// `with RingBuffer(...) as ring:` closes the ring at the end of the block.
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the ring.
    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }
}

impl PaRingBuffer {
    fn counters(&self, py: Python<'_>) -> PyResult<ringscope::Counters> {
        if let State::Here(l) = &*self.consumer.lock(py) {
            return Ok(l.end.counters());
        }
        self.producer.with(py, |l| Ok(l.end.counters()))
    }
}

/// Builds `(count, buf1, buf2)` for regions an end lent.
fn lend<'py>(
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
