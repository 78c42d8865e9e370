//! The buffer protocol both ways: borrowing the memory of objects Python passes in (NumPy
//! arrays, `bytes`, `bytearray`, `array.array`, `memoryview`, …), and describing memory this
//! module exports (popped frames, the regions `ringscope.pa` lends).

use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::MaybeUninit;
use std::ptr;

use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;

/// A buffer borrowed from a Python object for the length of one call.
pub struct Borrowed<'a> {
    view: &'a ffi::Py_buffer,
}

impl Borrowed<'_> {
    /// Start of the memory.
    pub fn ptr(&self) -> *mut u8 {
        self.view.buf.cast()
    }

    /// Length in bytes.
    pub fn len_bytes(&self) -> usize {
        // A buffer's `len` is never negative.
        self.view.len as usize
    }

    /// Bytes per item.
    pub fn itemsize(&self) -> usize {
        self.view.itemsize as usize
    }

    /// The struct-syntax format (`"B"` when the exporter gives none).
    pub fn format(&self) -> &CStr {
        if self.view.format.is_null() {
            c"B"
        } else {
            // SAFETY: a non-null format is a NUL-terminated string owned by the exporter for
            // the life of the view.
            unsafe { CStr::from_ptr(self.view.format) }
        }
    }

    /// The shape, one extent per dimension.
    pub fn shape(&self) -> &[isize] {
        let ndim = self.view.ndim as usize;
        if ndim == 0 || self.view.shape.is_null() {
            &[]
        } else {
            // SAFETY: PyBUF_ND was requested, so `shape` holds `ndim` extents for the life of
            // the view.
            unsafe { std::slice::from_raw_parts(self.view.shape, ndim) }
        }
    }

    /// Whether the exporter refuses writes.
    pub fn readonly(&self) -> bool {
        self.view.readonly != 0
    }

    /// Whether the items are laid out contiguously in C (row-major) order.
    pub fn is_c_contiguous(&self) -> bool {
        // SAFETY: a live, filled view; PyBuffer_IsContiguous only reads it.
        unsafe { ffi::PyBuffer_IsContiguous(self.view, b'C' as c_char) != 0 }
    }

    /// `ValueError` unless the buffer is C-contiguous.
    pub fn require_c_contiguous(&self, what: &str) -> PyResult<()> {
        if self.is_c_contiguous() {
            Ok(())
        } else {
            Err(PyValueError::new_err(format!(
                "{what} must be C-contiguous (a strided view or a transposed array is not); \
                 pass a contiguous copy such as numpy.ascontiguousarray(x)"
            )))
        }
    }

    /// `TypeError` if the buffer is read-only.
    pub fn require_writable(&self, what: &str) -> PyResult<()> {
        if self.readonly() {
            Err(PyTypeError::new_err(format!(
                "{what} must be a writable buffer (bytes and read-only arrays are not)"
            )))
        } else {
            Ok(())
        }
    }
}

/// Borrows `obj`'s buffer (strides and format requested, so any exporter may answer) for the
/// length of `f`, then releases it. Not a buffer: the `TypeError` the exporter raised.
pub fn with_buffer<R>(
    obj: &Bound<'_, PyAny>,
    f: impl FnOnce(&Borrowed<'_>) -> PyResult<R>,
) -> PyResult<R> {
    /// Releases the view when the call ends, on every path.
    struct Release(*mut ffi::Py_buffer);
    impl Drop for Release {
        fn drop(&mut self) {
            // SAFETY: the view was filled by a successful PyObject_GetBuffer and is released
            // once, while the caller still holds the GIL.
            unsafe { ffi::PyBuffer_Release(self.0) }
        }
    }
    // The view stays in this frame: exporters may point `shape`/`strides` into it.
    let mut view = MaybeUninit::<ffi::Py_buffer>::uninit();
    // SAFETY: `obj` is a live object and `view` is writable storage for one Py_buffer.
    if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), ffi::PyBUF_RECORDS_RO) }
        != 0
    {
        return Err(PyErr::fetch(obj.py()));
    }
    let _release = Release(view.as_mut_ptr());
    let borrowed = Borrowed {
        // SAFETY: PyObject_GetBuffer succeeded, so the view is initialised until released.
        view: unsafe { view.assume_init_ref() },
    };
    f(&borrowed)
}

/// What an exported buffer looks like: C-contiguous items of `format`.
pub struct Layout<'a> {
    /// First byte.
    pub buf: *mut u8,
    /// Length in bytes.
    pub len: usize,
    /// Whether writers must be refused.
    pub readonly: bool,
    /// Item format (NUL-terminated, static).
    pub format: &'static CStr,
    /// Bytes per item.
    pub itemsize: usize,
    /// Extents (1 or 2 dimensions), living as long as the exporting object.
    pub shape: &'a [isize],
    /// Strides in bytes, matching `shape`, living as long as the exporting object.
    pub strides: &'a [isize],
}

/// Fills `view` for a `__getbuffer__` request, honouring `flags` (a consumer that asks for
/// less than shape, strides or format gets the plain byte view it expects).
///
/// # Safety
/// `view` is the pointer `__getbuffer__` received; `layout`'s memory and arrays stay valid
/// while `owner` lives (the view keeps a reference to `owner`).
pub unsafe fn fill_view(
    view: *mut ffi::Py_buffer,
    flags: c_int,
    owner: Bound<'_, PyAny>,
    layout: &Layout<'_>,
) -> PyResult<()> {
    if view.is_null() {
        return Err(PyBufferError::new_err("null view"));
    }
    if layout.readonly && flags & ffi::PyBUF_WRITABLE == ffi::PyBUF_WRITABLE {
        return Err(PyBufferError::new_err("this buffer is read-only"));
    }
    let multi_dim = layout.shape.len() > 1 && layout.shape.iter().filter(|&&e| e > 1).count() > 1;
    if multi_dim
        && flags & ffi::PyBUF_F_CONTIGUOUS == ffi::PyBUF_F_CONTIGUOUS
        && flags & ffi::PyBUF_C_CONTIGUOUS != ffi::PyBUF_C_CONTIGUOUS
    {
        return Err(PyBufferError::new_err(
            "frames are C-contiguous, not Fortran-contiguous",
        ));
    }
    let want_nd = flags & ffi::PyBUF_ND == ffi::PyBUF_ND;
    let want_format = flags & ffi::PyBUF_FORMAT == ffi::PyBUF_FORMAT;
    let want_strides = flags & ffi::PyBUF_STRIDES == ffi::PyBUF_STRIDES;
    // SAFETY: `view` is non-null and points to the Py_buffer being filled.
    unsafe {
        (*view).obj = owner.into_ptr();
        (*view).buf = layout.buf.cast::<c_void>();
        (*view).len = layout.len as isize;
        (*view).readonly = c_int::from(layout.readonly);
        (*view).format = if want_format {
            layout.format.as_ptr().cast_mut()
        } else {
            ptr::null_mut()
        };
        if want_nd {
            (*view).itemsize = layout.itemsize as isize;
            (*view).ndim = layout.shape.len() as c_int;
            (*view).shape = layout.shape.as_ptr().cast_mut();
            (*view).strides = if want_strides {
                layout.strides.as_ptr().cast_mut()
            } else {
                ptr::null_mut()
            };
        } else {
            // Without PyBUF_ND a consumer sees plain bytes (and items of one byte).
            (*view).itemsize = if want_format {
                layout.itemsize as isize
            } else {
                1
            };
            (*view).ndim = 1;
            (*view).shape = ptr::null_mut();
            (*view).strides = ptr::null_mut();
        }
        (*view).suboffsets = ptr::null_mut();
        (*view).internal = ptr::null_mut();
    }
    Ok(())
}

/// A raw pointer that may cross into a closure run without the GIL. The memory it points to
/// is kept alive (and, for ring memory, reserved) by the caller for the closure's length.
#[derive(Clone, Copy)]
pub struct SendPtr(pub *mut u8);

impl SendPtr {
    /// The pointer. (A method, so closures capture the whole `SendPtr`, not its field.)
    pub fn get(self) -> *mut u8 {
        self.0
    }
}

// SAFETY: the pointer is only dereferenced inside closures whose caller keeps the memory alive
// and exclusively reserved, as the comment on each use says.
unsafe impl Send for SendPtr {}
// SAFETY: as above; sharing the address itself is harmless.
unsafe impl Sync for SendPtr {}
