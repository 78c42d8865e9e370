//! Integer arguments (counts, sizes, capacities) checked the same way everywhere.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;

/// A count that must be an `int` ≥ `min`: `TypeError` for a non-integer (the interpreter's own
/// message), `ValueError` for a negative or too small value or one beyond the address space.
pub fn count(obj: &Bound<'_, PyAny>, name: &str, min: usize) -> PyResult<usize> {
    match obj.extract::<i64>() {
        Ok(v) if v >= 0 && v as u64 >= min as u64 => {
            usize::try_from(v).map_err(|_| too_large(name))
        }
        Ok(v) => Err(PyValueError::new_err(format!(
            "{name} must be >= {min}, not {v}"
        ))),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
            if obj.gt(0)? {
                Err(too_large(name))
            } else {
                Err(PyValueError::new_err(format!(
                    "{name} must be >= {min}, not {obj}"
                )))
            }
        }
        Err(e) => Err(e),
    }
}

/// A count of things to take where more than exist means "all": as [`count`], but a value
/// beyond the address space is `usize::MAX` rather than an error.
pub fn count_up_to(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    match count(obj, name, 0) {
        Err(e) if e.is_instance_of::<PyValueError>(obj.py()) && obj.gt(0)? => Ok(usize::MAX),
        other => other,
    }
}

/// A size that may be negative for "all" (`pa_ringbuffer`'s `size=-1`): `None` if negative.
pub fn optional_size(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<usize>> {
    match obj.extract::<i64>() {
        Ok(v) if v < 0 => Ok(None),
        Ok(_) => count(obj, name, 0).map(Some),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) && obj.lt(0)? => Ok(None),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Err(too_large(name)),
        Err(e) => Err(e),
    }
}

fn too_large(name: &str) -> PyErr {
    PyValueError::new_err(format!("{name} is too large"))
}
