//! Text of Python `repr()`s: quoted strings as Python writes them, and durations through the
//! runtime's one formatter ([`timing_runtime::format`]).

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Python's `repr()` of a string (quotes and escapes as Python writes them).
pub fn quoted(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

/// A duration in seconds as a person reads it (`34.8 µs`).
pub fn duration(secs: f64) -> String {
    timing_runtime::format::duration(secs)
}

/// A Python `bool` literal.
pub fn boolean(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}
