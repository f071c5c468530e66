//! `measure_memory_throughput` for Python.

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;

use crate::args;
use crate::errors::timing_error;

/// Reads ``size`` float64 values (≥ 1) on all cores, ``iterations`` times (≥ 1), and
/// returns the best pass in decimal GB/s (10⁹ bytes/s). The buffer is allocated and written
/// before timing; with more than one pass the first is a discarded warm-up. The GIL is
/// released. A size too large to allocate raises ``MemoryError``.
#[pyfunction]
pub fn measure_memory_throughput(
    py: Python<'_>,
    size: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let size = args::count(size, "size", 1)?;
    let iterations = args::count(iterations, "iterations", 1)?;
    let size = usize::try_from(size)
        .map_err(|_| PyOverflowError::new_err("size does not fit in this platform's usize"))?;
    py.detach(|| timing_runtime::memory::measure_memory_throughput(size, iterations))
        .map_err(timing_error)
}
