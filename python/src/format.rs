//! Sample formats: the `struct` format characters a `RingBuffer` holds, and which buffer
//! formats count as the same type.

use std::ffi::{CStr, c_long};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// What a format character means, independent of its spelling (`'l'` and `'q'` are the same
/// 8-byte signed integer on LP64 systems).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signed,
    Unsigned,
    Float,
    Bool,
    Char,
}

/// A sample type: the format character exported in buffers, its size and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleFormat {
    /// The character exported as the buffer format of popped frames (NUL-terminated).
    code: &'static CStr,
    kind: Kind,
    /// Bytes per sample.
    pub itemsize: usize,
}

impl SampleFormat {
    /// Parses a format character with an optional native byte-order prefix (`@`, `=`, or `<` /
    /// `>` when it names this machine's order). `None` for anything else.
    fn parse(format: &[u8]) -> Option<SampleFormat> {
        let native_prefix: &[u8] = if cfg!(target_endian = "little") {
            b"@=<"
        } else {
            b"@=>!"
        };
        let code = match format {
            [c] => *c,
            [prefix, c] if native_prefix.contains(prefix) => *c,
            _ => return None,
        };
        let (code, kind, itemsize): (&'static CStr, Kind, usize) = match code {
            b'b' => (c"b", Kind::Signed, 1),
            b'B' => (c"B", Kind::Unsigned, 1),
            b'h' => (c"h", Kind::Signed, 2),
            b'H' => (c"H", Kind::Unsigned, 2),
            b'i' => (c"i", Kind::Signed, 4),
            b'I' => (c"I", Kind::Unsigned, 4),
            b'l' => (c"l", Kind::Signed, size_of::<c_long>()),
            b'L' => (c"L", Kind::Unsigned, size_of::<c_long>()),
            b'q' => (c"q", Kind::Signed, 8),
            b'Q' => (c"Q", Kind::Unsigned, 8),
            b'n' => (c"n", Kind::Signed, size_of::<isize>()),
            b'N' => (c"N", Kind::Unsigned, size_of::<usize>()),
            b'e' => (c"e", Kind::Float, 2),
            b'f' => (c"f", Kind::Float, 4),
            b'd' => (c"d", Kind::Float, 8),
            b'?' => (c"?", Kind::Bool, 1),
            b'c' => (c"c", Kind::Char, 1),
            _ => return None,
        };
        Some(SampleFormat {
            code,
            kind,
            itemsize,
        })
    }

    /// The format of a new ring, or a `ValueError` naming the accepted characters.
    pub fn for_ring(format: &str) -> PyResult<SampleFormat> {
        SampleFormat::parse(format.as_bytes()).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unsupported format {format:?}: use one struct format character of \
                 b B h H i I l L q Q n N e f d ? c (optionally with a native byte-order prefix)"
            ))
        })
    }

    /// Whether a buffer of this `format` (as the buffer protocol reports it) and `itemsize`
    /// holds samples of this type.
    pub fn accepts(&self, format: &CStr, itemsize: usize) -> bool {
        SampleFormat::parse(format.to_bytes()).is_some_and(|f| {
            f.kind == self.kind && f.itemsize == self.itemsize && itemsize == self.itemsize
        })
    }

    /// The format character exported in buffers of popped frames.
    pub fn code(&self) -> &'static CStr {
        self.code
    }
}
