//! `ringscope.RingBuffer`: `ringbuf.RingBuffer`'s API over Ringscope's ring, plus frames of
//! several channels, `pop_into`, counters and C handles.

use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyMemoryView, PySlice};
use ringscope::bytes;
use ringscope_capi::{RingscopeConsumer, RingscopeProducer};

use crate::args;
use crate::buffer::{Borrowed, SendPtr, with_buffer};
use crate::end::{End, State, closed_error};
use crate::format::SampleFormat;
use crate::frames::Frames;
use crate::ring_error;

/// Copies of at least this many bytes run with the GIL released, so other Python threads
/// (the other end's among them) keep running. Below it, releasing and re-taking the GIL costs
/// more than the copy (see the README's "From Python" section for the measurement).
pub const DETACH_BYTES: usize = 256 * 1024;

/// The threshold in force: `DETACH_BYTES` unless python/bench.py moves it to measure both paths.
static DETACH_THRESHOLD: AtomicUsize = AtomicUsize::new(DETACH_BYTES);

/// Runs `copy` on `end`, with the GIL released if it moves `bytes` or more.
fn copy_maybe_detached<E: Send, R: Send>(
    py: Python<'_>,
    bytes: usize,
    end: &mut E,
    copy: impl FnOnce(&mut E) -> R + Send,
) -> R {
    // Relaxed: a tuning knob read on its own; no other memory depends on it.
    if bytes >= DETACH_THRESHOLD.load(Ordering::Relaxed) {
        py.detach(|| copy(end))
    } else {
        copy(end)
    }
}

/// Sets the GIL-release threshold (bytes) and returns the previous one; for python/bench.py,
/// which measures both paths to choose `DETACH_BYTES`.
#[pyfunction]
pub fn _set_detach_threshold(bytes: usize) -> usize {
    DETACH_THRESHOLD.swap(bytes, Ordering::Relaxed)
}

/// A lock-free single-producer single-consumer ring buffer of samples: `ringbuf.RingBuffer`'s
/// API, unchanged, on Ringscope's wait-free ring.
///
/// `RingBuffer(format='f', capacity=100)` holds `capacity` frames of one sample of the struct
/// format character `format` (`b B h H i I l L q Q n N e f d ? c`); `channels=2` makes every
/// frame two samples, pushed and popped as `(n, 2)` arrays. Anything with the buffer protocol
/// goes in: NumPy arrays, `bytes`, `bytearray`, `array.array`, `memoryview`.
///
/// One thread may push while another pops, on this same object, with no lock between them.
/// Several threads calling `push` (or `pop`) are serialised: each call is atomic. C code gets
/// an end of its own through `producer_handle()` or `consumer_handle()` and calls the
/// `ringscope_*` functions of `ringscope.h` with no GIL and no lock.
#[pyclass(frozen, module = "ringscope", name = "RingBuffer")]
pub struct RingBuffer {
    /// The format string as given.
    format: String,
    sample: SampleFormat,
    channels: usize,
    capacity: usize,
    producer: End<bytes::Producer>,
    consumer: End<bytes::Consumer>,
}

impl RingBuffer {
    /// Bytes per frame.
    fn frame_bytes(&self) -> usize {
        self.sample.itemsize * self.channels
    }

    /// How many frames `b` holds, after checking its format, shape and layout against the
    /// ring's (`what` names the argument in errors).
    fn frames_in(&self, b: &Borrowed<'_>, what: &str) -> PyResult<usize> {
        if !self.sample.accepts(b.format(), b.itemsize()) {
            return Err(PyTypeError::new_err(format!(
                "Mismatched format in {what} (got {:?} with itemsize {}, expected {:?})",
                b.format().to_string_lossy(),
                b.itemsize(),
                self.format
            )));
        }
        let shape = b.shape();
        let frames = match (shape, self.channels) {
            ([n], 1) | ([n, 1], 1) => *n,
            ([n, c], channels) if *c as usize == channels => *n,
            _ => {
                return Err(PyValueError::new_err(if self.channels == 1 {
                    format!(
                        "{what} must be 1-dimensional (or (n, 1)) for a 1-channel ring, not of shape {shape:?}"
                    )
                } else {
                    format!(
                        "{what} must have shape (n, {}) for a {}-channel ring, not {shape:?}; \
                         reshape interleaved samples with .reshape(-1, {})",
                        self.channels, self.channels, self.channels
                    )
                }));
            }
        };
        b.require_c_contiguous(what)?;
        Ok(frames as usize)
    }

    fn new_checked(format: &str, capacity: usize, channels: usize) -> PyResult<RingBuffer> {
        let sample = SampleFormat::for_ring(format)?;
        let frame = sample
            .itemsize
            .checked_mul(channels)
            .ok_or_else(|| PyValueError::new_err("channels is too large"))?;
        let (p, c) = bytes::RingBuffer::new(frame, capacity).map_err(ring_error)?;
        Ok(RingBuffer {
            format: format.to_owned(),
            sample,
            channels,
            capacity,
            producer: End::new(p, "producer"),
            consumer: End::new(c, "consumer"),
        })
    }
}

/// Copies `n` frames from `src` into the ring (as many as fit) and publishes them; returns
/// how many. Refused frames are not counted as dropped: the caller gets them back.
pub fn push_frames(py: Python<'_>, p: &mut bytes::Producer, src: SendPtr, n: usize) -> usize {
    let copy = move |p: &mut bytes::Producer| {
        let mut chunk = p.write_chunk(n);
        let (a, b) = chunk.as_mut_slices();
        // SAFETY: `src` holds `n` frames (checked by the caller, whose buffer export keeps it
        // alive); the chunk lends at most `n` frames in `a` then `b`, so both copies stay in
        // bounds, and ring memory never overlaps a Python buffer. Raw copies: the source may
        // be shared with other threads, so no Rust reference to it is formed.
        unsafe {
            let src = src.get();
            ptr::copy_nonoverlapping(src, a.as_mut_ptr(), a.len());
            ptr::copy_nonoverlapping(src.add(a.len()), b.as_mut_ptr(), b.len());
        }
        let written = chunk.len();
        chunk.commit_all();
        written
    };
    copy_maybe_detached(py, n.saturating_mul(p.element_size()), p, copy)
}

/// Copies up to `n` of the oldest frames into `dst` and releases them; returns how many.
pub fn pop_frames(py: Python<'_>, c: &mut bytes::Consumer, dst: SendPtr, n: usize) -> usize {
    let copy = move |c: &mut bytes::Consumer| {
        let chunk = c.read_chunk(n);
        let (a, b) = chunk.as_slices();
        // SAFETY: `dst` has room for `n` frames (checked by the caller, whose writable export
        // keeps it alive); the chunk holds at most `n`.
        unsafe {
            let dst = dst.get();
            ptr::copy_nonoverlapping(a.as_ptr(), dst, a.len());
            ptr::copy_nonoverlapping(b.as_ptr(), dst.add(a.len()), b.len());
        }
        let read = chunk.len();
        chunk.commit_all();
        read
    };
    copy_maybe_detached(py, n.saturating_mul(c.element_size()), c, copy)
}

#[pymethods]
impl RingBuffer {
    /// Makes a ring of `capacity` frames of `channels` samples of `format`.
    ///
    /// `ValueError` for an unknown format, a capacity or channel count below 1, or a ring too
    /// large to address; `MemoryError` if the memory cannot be had.
    #[new]
    #[pyo3(signature = (format, capacity, *, channels = None))]
    fn py_new(
        format: &str,
        capacity: &Bound<'_, PyAny>,
        channels: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RingBuffer> {
        let capacity = args::count(capacity, "capacity", 1).map_err(|e| {
            if e.is_instance_of::<PyValueError>(capacity.py()) {
                PyValueError::new_err(format!("capacity must be > 0 and addressable ({e})"))
            } else {
                e
            }
        })?;
        let channels = match channels {
            Some(c) => args::count(c, "channels", 1)?,
            None => 1,
        };
        RingBuffer::new_checked(format, capacity, channels)
    }

    /// Pushes as many frames of `data` as fit; returns the part that did not fit (a slice of
    /// `data`, as `data[n:]`), or `None` when everything was pushed.
    ///
    /// `data` is any C-contiguous buffer of the ring's format, 1-dimensional (or `(n, 1)`) for
    /// one channel, `(n, channels)` otherwise. A mismatched format is a `TypeError`, a wrong
    /// shape or a strided view a `ValueError`; then nothing is pushed.
    fn push<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let (offered, written) = with_buffer(data, |b| {
            let n = self.frames_in(b, "input")?;
            let written = self
                .producer
                .with(py, |p| Ok(push_frames(py, p, SendPtr(b.ptr()), n)))?;
            Ok((n, written))
        })?;
        if written == offered {
            return Ok(None);
        }
        let rest = PySlice::new(py, written as isize, offered as isize, 1);
        match data.get_item(&rest) {
            Ok(rest) => Ok(Some(rest)),
            // An exporter that cannot be sliced: its memory, sliced.
            Err(_) => Ok(Some(PyMemoryView::from(data)?.get_item(rest)?)),
        }
    }

    /// Pops up to `count` frames; returns them as a `memoryview` of the ring's format and
    /// shape `(n,)` (or `(n, channels)`), or `None` when nothing was popped (as `ringbuf` does;
    /// `pop(0)` returns `None` too). A negative count is a `ValueError`.
    fn pop<'py>(
        &self,
        py: Python<'py>,
        count: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyMemoryView>>> {
        let count = args::count_up_to(count, "count")?;
        let frame = self.frame_bytes();
        let data = self.consumer.with(py, |c| {
            let n = count.min(c.read_available());
            if n == 0 {
                return Ok(None);
            }
            let mut data = Vec::with_capacity(n * frame);
            let read = pop_frames(py, c, SendPtr(data.as_mut_ptr()), n);
            // SAFETY: pop_frames initialised `read * frame <= capacity` bytes.
            unsafe { data.set_len(read * frame) };
            Ok(Some(data))
        })?;
        data.map(|d| {
            Frames::into_memoryview(
                py,
                d,
                self.sample.code(),
                self.sample.itemsize,
                self.channels,
            )
        })
        .transpose()
    }

    /// Pops up to `len(out)` frames into `out` (a writable, C-contiguous buffer of the ring's
    /// format and shape) without allocating; returns how many frames it wrote (from the start
    /// of `out`).
    fn pop_into(&self, py: Python<'_>, out: &Bound<'_, PyAny>) -> PyResult<usize> {
        with_buffer(out, |b| {
            b.require_writable("out")?;
            let room = self.frames_in(b, "out")?;
            self.consumer
                .with(py, |c| Ok(pop_frames(py, c, SendPtr(b.ptr()), room)))
        })
    }

    /// Discards everything readable (safe while a producer pushes).
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.consumer.with(py, |c| {
            c.clear();
            Ok(())
        })
    }

    /// Frames that can be popped now.
    #[getter]
    fn read_available(&self, py: Python<'_>) -> PyResult<usize> {
        self.either_end(
            py,
            |c| c.read_available(),
            |p| self.capacity - p.write_available(),
        )
    }

    /// Frames that can be pushed now.
    #[getter]
    fn write_available(&self, py: Python<'_>) -> PyResult<usize> {
        self.either_end(
            py,
            |c| self.capacity - c.read_available(),
            |p| p.write_available(),
        )
    }

    /// Frames ever pushed (by Python or C).
    #[getter]
    fn written(&self, py: Python<'_>) -> PyResult<u64> {
        self.either_end(py, |c| c.counters().written, |p| p.counters().written)
    }

    /// Frames ever popped, skipped or reset away.
    #[getter]
    fn read(&self, py: Python<'_>) -> PyResult<u64> {
        self.either_end(py, |c| c.counters().read, |p| p.counters().read)
    }

    /// Frames lost because the ring was full: what C pushes (`ringscope_producer_push`)
    /// could not deliver, plus what C reported with `ringscope_producer_record_dropped`.
    /// `push` from Python returns what did not fit instead, so it counts nothing here.
    #[getter]
    fn dropped(&self, py: Python<'_>) -> PyResult<u64> {
        self.either_end(py, |c| c.counters().dropped, |p| p.counters().dropped)
    }

    /// The format string the ring was made with.
    #[getter]
    fn format(&self) -> &str {
        &self.format
    }

    /// Capacity in frames.
    #[getter]
    fn capacity(&self) -> usize {
        self.capacity
    }

    /// Samples per frame.
    #[getter]
    fn channels(&self) -> usize {
        self.channels
    }

    /// Bytes per sample.
    #[getter]
    fn itemsize(&self) -> usize {
        self.sample.itemsize
    }

    /// Always `True`: both ends are wait-free (`ringbuf` asks boost; here it is by design).
    #[getter]
    fn is_lock_free(&self) -> bool {
        true
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self, py: Python<'_>) -> bool {
        self.producer.is_closed(py)
    }

    /// Hands the producer end to C and returns its handle, a `RingscopeProducer *` as an
    /// integer (`ringbuf`'s `queue_void_ptr()`, for any C code): from now on only C pushes
    /// (`push` raises `RuntimeError`). C must call `ringscope_producer_release(handle)` exactly
    /// once; until then the handle keeps the ring's memory alive, whatever Python does.
    fn producer_handle(&self, py: Python<'_>) -> PyResult<usize> {
        let mut state = self.producer.lock(py);
        self.producer.here(&mut state)?;
        let State::Here(p) = std::mem::replace(&mut *state, State::InC) else {
            unreachable!("checked above")
        };
        Ok(RingscopeProducer::into_raw(p) as usize)
    }

    /// Hands the consumer end to C and returns its handle, a `RingscopeConsumer *` as an
    /// integer: from now on only C pops (`pop` raises `RuntimeError`). C must call
    /// `ringscope_consumer_release(handle)` exactly once.
    fn consumer_handle(&self, py: Python<'_>) -> PyResult<usize> {
        let mut state = self.consumer.lock(py);
        self.consumer.here(&mut state)?;
        let State::Here(c) = std::mem::replace(&mut *state, State::InC) else {
            unreachable!("checked above")
        };
        Ok(RingscopeConsumer::into_raw(c) as usize)
    }

    /// Lets go of the ends Python holds; every later call raises `ValueError`. Handles given
    /// to C stay valid until C releases them. Calling it again does nothing.
    fn close(&self, py: Python<'_>) {
        self.producer.close(py);
        self.consumer.close(py);
    }

    /// `with RingBuffer(...) as ring:` closes the ring at the end of the block.
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the ring.
    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        if self.channels == 1 {
            format!(
                "RingBuffer(format='{}', capacity={})",
                self.format, self.capacity
            )
        } else {
            format!(
                "RingBuffer(format='{}', capacity={}, channels={})",
                self.format, self.capacity, self.channels
            )
        }
    }
}

impl RingBuffer {
    /// Reads something from the consumer if Python holds it, else from the producer.
    fn either_end<R>(
        &self,
        py: Python<'_>,
        from_consumer: impl FnOnce(&bytes::Consumer) -> R,
        from_producer: impl FnOnce(&bytes::Producer) -> R,
    ) -> PyResult<R> {
        if let State::Here(c) = &*self.consumer.lock(py) {
            return Ok(from_consumer(c));
        }
        match &*self.producer.lock(py) {
            State::Here(p) => Ok(from_producer(p)),
            State::Closed => Err(closed_error()),
            State::InC => Err(PyRuntimeError::new_err(
                "both ends of this ring belong to C; ask C (ringscope_*_counters)",
            )),
        }
    }
}
