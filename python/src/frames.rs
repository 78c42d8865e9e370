//! What `RingBuffer.pop` returns: frames copied out of the ring, owned by a small exporter
//! object and seen through a `memoryview` of the ring's format and shape `(n,)` or
//! `(n, channels)`. `bytes()`, `array.array()`, `numpy.asarray()` and `memoryview` methods all
//! accept it; it is writable, like `ringbuf`'s popped arrays.

use std::ffi::{CStr, c_int};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyMemoryView;

use crate::buffer::{Layout, fill_view};

/// Owned frames exported through the buffer protocol.
#[pyclass(frozen, module = "ringscope", name = "Frames")]
pub struct Frames {
    data: Bytes,
    format: &'static CStr,
    itemsize: usize,
    /// `(n,)` or `(n, channels)`; `ndim` says how many are used.
    shape: [isize; 2],
    strides: [isize; 2],
    ndim: usize,
}

/// The frames' bytes, kept as a raw allocation: after construction Rust never forms a
/// reference to them, since Python may write them through the (writable) buffer.
struct Bytes {
    ptr: *mut u8,
    len: usize,
}

impl Bytes {
    fn new(data: Vec<u8>) -> Bytes {
        let len = data.len();
        let ptr = Box::into_raw(data.into_boxed_slice()).cast::<u8>();
        Bytes { ptr, len }
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` came from `Box::<[u8]>::into_raw` in `new` and are freed once;
        // no export outlives the object (each view holds a reference to it).
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.ptr, self.len)) });
    }
}

// SAFETY: Rust only hands out the address; reads and writes of the bytes come from Python
// through the buffer protocol, where synchronising them is the Python program's business, as
// for any writable buffer (a bytearray's, a NumPy array's).
unsafe impl Send for Bytes {}
// SAFETY: as above.
unsafe impl Sync for Bytes {}

impl Frames {
    /// Wraps `data` (`n` frames of `channels` samples) in a memoryview.
    pub fn into_memoryview<'py>(
        py: Python<'py>,
        data: Vec<u8>,
        format: &'static CStr,
        itemsize: usize,
        channels: usize,
    ) -> PyResult<Bound<'py, PyMemoryView>> {
        let frame = (itemsize * channels) as isize;
        let n = data.len() as isize / frame;
        let (shape, strides, ndim) = if channels == 1 {
            ([n, 0], [frame, 0], 1)
        } else {
            ([n, channels as isize], [frame, itemsize as isize], 2)
        };
        let frames = Frames {
            data: Bytes::new(data),
            format,
            itemsize,
            shape,
            strides,
            ndim,
        };
        PyMemoryView::from(Bound::new(py, frames)?.as_any())
    }
}

#[pymethods]
impl Frames {
    /// Exports the frames (the buffer protocol).
    ///
    /// # Safety
    /// Called by the interpreter with a view to fill.
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let this = slf.get();
        let layout = Layout {
            buf: this.data.ptr,
            len: this.data.len,
            readonly: false,
            format: this.format,
            itemsize: this.itemsize,
            shape: &this.shape[..this.ndim],
            strides: &this.strides[..this.ndim],
        };
        // SAFETY: the memory and the shape/stride arrays belong to `slf`, which the view keeps.
        unsafe { fill_view(view, flags, slf.clone().into_any(), &layout) }
    }

    /// Nothing to release: the view's arrays belong to the object.
    unsafe fn __releasebuffer__(&self, _view: *mut ffi::Py_buffer) {}
}
