//! `_format_duration`: the runtime's formatter of durations, for the package's Python code.

use pyo3::prelude::*;

use crate::args;

/// Seconds as a person reads them (``34.8 µs``, ``1.20 s``): the formatter behind every
/// figure this package prints, for the package's own Python code (the command line).
#[pyfunction]
#[pyo3(name = "_format_duration")]
pub fn format_duration(seconds: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(timing_runtime::format::duration(args::real(
        seconds, "seconds",
    )?))
}
