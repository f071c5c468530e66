//! `_format_duration` and `_format_rate`: the runtime's formatter, for the package's Python code.

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

/// A rate with an SI prefix (``2.41 Mops/s``, ``39.9 GB/s``): `per_second` of `unit`, as
/// every table of this package prints rates, for the package's own Python code.
#[pyfunction]
#[pyo3(name = "_format_rate")]
pub fn format_rate(per_second: &Bound<'_, PyAny>, unit: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(timing_runtime::format::rate(
        args::real(per_second, "per_second")?,
        &args::string(unit, "unit")?,
    ))
}
