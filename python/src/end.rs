//! One end of a ring as a Python object holds it: here, handed to C, or closed.
//!
//! Each end sits behind its own mutex, so the producer and the consumer never wait for each
//! other (a thread pushing and a thread popping on the same Python object run at the same
//! time), while two Python threads on the *same* end are serialised: each call is atomic, and
//! the ring's single-producer single-consumer contract holds. Uncontended, the lock is one
//! atomic exchange; contended, the waiting thread detaches from the interpreter first, so it
//! cannot deadlock with a thread that holds the lock and wants the GIL back. The mutexes are
//! on the Python side only: C code holding a handle never locks anything.

use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::MutexExt;

/// Where an end is.
pub enum State<T> {
    /// Python holds it.
    Here(T),
    /// It was handed to C as a handle (`producer_handle()` / `consumer_handle()`); C releases it.
    InC,
    /// The Python object was closed.
    Closed,
}

/// An end behind its mutex.
pub struct End<T> {
    state: Mutex<State<T>>,
    /// "producer" or "consumer", for error messages.
    name: &'static str,
}

impl<T> End<T> {
    /// An end Python holds.
    pub fn new(end: T, name: &'static str) -> End<T> {
        End {
            state: Mutex::new(State::Here(end)),
            name,
        }
    }

    /// Locks the end (serialising threads that use it), whatever its state.
    pub fn lock(&self, py: Python<'_>) -> MutexGuard<'_, State<T>> {
        // A panic while locked cannot leave the ring inconsistent (the ring's operations
        // complete or do nothing), so a poisoned lock is still usable.
        self.state
            .lock_py_attached(py)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the end if Python holds it: `ValueError` on a closed ring, `RuntimeError`
    /// once the end belongs to C.
    pub fn with<R>(&self, py: Python<'_>, f: impl FnOnce(&mut T) -> PyResult<R>) -> PyResult<R> {
        let mut guard = self.lock(py);
        let end = self.here(&mut guard)?;
        f(end)
    }

    /// The end inside a locked state, or the error for its state.
    pub fn here<'g>(&self, state: &'g mut State<T>) -> PyResult<&'g mut T> {
        match state {
            State::Here(end) => Ok(end),
            State::InC => Err(PyRuntimeError::new_err(format!(
                "the {} end of this ring was handed to C (its handle); only C may use it now",
                self.name
            ))),
            State::Closed => Err(closed_error()),
        }
    }

    /// Forgets the end (dropping it if Python holds it); C keeps any handle it was given.
    pub fn close(&self, py: Python<'_>) {
        let old = std::mem::replace(&mut *self.lock(py), State::Closed);
        drop(old);
    }

    /// Whether the Python object was closed.
    pub fn is_closed(&self, py: Python<'_>) -> bool {
        matches!(*self.lock(py), State::Closed)
    }
}

/// The error every call on a closed ring raises.
pub fn closed_error() -> PyErr {
    PyValueError::new_err("operation on a closed ring")
}
