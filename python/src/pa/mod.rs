//! `ringscope.pa.RingBuffer`: `pa_ringbuffer` 0.1.4's `RingBuffer` class over Ringscope's
//! ring, with no CFFI module needed, and the views its `get_*_buffers` lend.
//!
//! Views are this module's own buffer exporter ([`RegionView`], in `view.rs` with the
//! bookkeeping that keeps them safe). While any memoryview (or NumPy array, …) of a lent view
//! is alive, every call that would hand its slots to the other side — an advance, `write`, `read`, `readinto`, `flush`, handing the end to C, `close` — raises
//! `BufferError`; once such a call succeeds, the views lent before it are stale and refuse to
//! export again. So Python never touches slots that were published, released or re-lent.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyTuple};
use ringscope::bytes;
use ringscope_capi::{RingscopeConsumer, RingscopeProducer};

use crate::args;
use crate::buffer::{SendPtr, with_buffer};
use crate::end::{End, State};
use crate::ring::{pop_frames, push_frames};
use crate::ring_error;

mod view;

pub use self::view::RegionView;
use self::view::{Lending, Side, handing_over, lend, refuse_while_exported, take_end};

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
