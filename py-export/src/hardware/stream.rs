//! `measure_memory_throughput`, `stream` and the `CacheWarning` category for Python.

use std::ffi::CString;

use pyo3::exceptions::PyRuntimeWarning;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use timing_runtime::hardware::Kernel;
use timing_runtime::hardware::pool::default_threads;
use timing_runtime::hardware::stream::{DEFAULT_ITERATIONS, measure_memory_throughput_with};

use crate::{args, interrupt};

pyo3::create_exception!(
    performance_timing,
    CacheWarning,
    PyRuntimeWarning,
    "Warned when a memory-bandwidth buffer fits in the last-level cache, so the figure is \
     cache bandwidth rather than memory bandwidth (a ``RuntimeWarning``: shown by default)."
);

/// Issues each of `messages` as a [`CacheWarning`] attributed to the caller's line.
fn warn_all(py: Python<'_>, messages: &[String]) -> PyResult<()> {
    let category = py.get_type::<CacheWarning>();
    for message in messages {
        let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
        PyErr::warn(py, category.as_any(), &text, 1)?;
    }
    Ok(())
}

/// Best-pass memory bandwidth in decimal GB/s (10⁹ bytes/s) of ``kernel`` over ``size``
/// float64 elements per array (≥ 1), ``iterations`` passes (≥ 1; with more than one the first
/// is a discarded warm-up), on ``threads`` threads (≥ 1; default all cores).
///
/// ``kernel`` is ``"read"`` (default: ``s += a[i]``, 8 B/element), ``"copy"``
/// (``c[i] = a[i]``, 16), ``"scale"`` (``b[i] = q*c[i]``, 16), ``"add"``
/// (``c[i] = a[i] + b[i]``, 24) or ``"triad"`` (``a[i] = b[i] + q*c[i]``, 24). The arrays are
/// written before timing by the thread that later works on each part, and checked after. A
/// working set that fits in the last-level cache gives a ``CacheWarning``. A size too large to
/// allocate raises ``MemoryError`` before any work. The GIL is released.
#[pyfunction]
#[pyo3(
    signature = (size, iterations, *, kernel = None, threads = None),
    text_signature = "(size, iterations, *, kernel='read', threads=None)"
)]
pub fn measure_memory_throughput(
    py: Python<'_>,
    size: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
    kernel: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let size = args::size(size, "size", 1)?;
    let iterations = args::count(iterations, "iterations", 1)?;
    let kernel = match kernel {
        Some(k) => args::kernel(k)?,
        None => Kernel::Read,
    };
    let threads = args::optional_size(threads, "threads", 1)?.unwrap_or_else(default_threads);
    let rate = interrupt::detached(py, || {
        measure_memory_throughput_with(size, iterations, kernel, threads)
    })?;
    warn_all(py, &rate.warnings)?;
    Ok(rate.gbps)
}

/// Runs the five kernels (STREAM's read, copy, scale, add, triad) over three float64 arrays of
/// ``size`` elements (default: 4 × the last-level cache per array) on ``threads`` threads
/// (default all cores), each the best of ``iterations`` passes after a discarded first.
///
/// Returns ``{"read": GB/s, "copy": …, "scale": …, "add": …, "triad": …, "size": int,
/// "threads": int, "cache_bytes": int}`` (decimal GB/s; ``cache_bytes`` is the last-level cache
/// size used for the default and for the in-cache ``CacheWarning``). The GIL is released.
#[pyfunction]
#[pyo3(
    signature = (size = None, iterations = None, threads = None),
    text_signature = "(size=None, iterations=10, threads=None)"
)]
pub fn stream<'py>(
    py: Python<'py>,
    size: Option<&Bound<'py, PyAny>>,
    iterations: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let size = args::optional_size(size, "size", 1)?;
    let iterations = args::count_or(iterations, "iterations", 1, DEFAULT_ITERATIONS)?;
    let threads = args::optional_size(threads, "threads", 1)?;
    let report = interrupt::detached(py, || {
        timing_runtime::hardware::stream::stream(size, iterations, threads)
    })?;
    warn_all(py, &report.warnings)?;
    let dict = PyDict::new(py);
    for (kernel, gbps) in &report.rates {
        dict.set_item(kernel.name(), gbps)?;
    }
    dict.set_item("size", report.size)?;
    dict.set_item("threads", report.threads)?;
    dict.set_item("cache_bytes", report.cache_bytes)?;
    Ok(dict)
}
