//! The benchmark functions for Python callables.

use pyo3::prelude::*;
use timing_runtime::bench;

use crate::args;
use crate::errors::bench_error;
use crate::timer::PyTimerResult;

/// Wraps a Python callable as a runtime closure: one call, its result dropped, then a signal
/// check so that Ctrl-C stops a long loop promptly (the error propagates unchanged).
fn caller<'py>(func: &Bound<'py, PyAny>) -> impl FnMut() -> PyResult<()> + 'py {
    let func = func.clone();
    move || {
        func.call0()?;
        func.py().check_signals()
    }
}

/// Calls ``func()`` exactly ``iterations`` times (≥ 1), timed as one block, and returns a
/// ``TimerResult`` named ``name``. An exception raised by ``func`` stops the loop and
/// propagates unchanged.
#[pyfunction]
pub fn benchmark(
    name: String,
    func: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<PyTimerResult> {
    args::callable(func, "func")?;
    let iterations = args::count(iterations, "iterations", 1)?;
    bench::benchmark(&name, iterations, caller(func))
        .map(PyTimerResult::from_runtime)
        .map_err(bench_error)
}

/// Makes exactly ``warmup`` untimed calls (≥ 0) to stabilise caches, then ``iterations``
/// timed calls (≥ 1) like ``benchmark``.
#[pyfunction]
pub fn benchmark_with_warmup(
    name: String,
    func: &Bound<'_, PyAny>,
    warmup: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<PyTimerResult> {
    args::callable(func, "func")?;
    let warmup = args::count(warmup, "warmup", 0)?;
    let iterations = args::count(iterations, "iterations", 1)?;
    bench::benchmark_with_warmup(&name, warmup, iterations, caller(func))
        .map(PyTimerResult::from_runtime)
        .map_err(bench_error)
}

/// Runs ``runs`` timed runs (≥ 1) of ``iterations_per_run`` calls (≥ 1) and returns
/// ``(mean, median, min, max)`` of the per-run durations in seconds. The median of an even
/// count is the mean of the two middle values; ``min <= mean <= max`` holds exactly.
#[pyfunction]
pub fn benchmark_statistical(
    name: String,
    func: &Bound<'_, PyAny>,
    runs: &Bound<'_, PyAny>,
    iterations_per_run: &Bound<'_, PyAny>,
) -> PyResult<(f64, f64, f64, f64)> {
    args::callable(func, "func")?;
    let runs = args::count(runs, "runs", 1)?;
    let iterations_per_run = args::count(iterations_per_run, "iterations_per_run", 1)?;
    let result = bench::benchmark_statistical(&name, runs, iterations_per_run, caller(func))
        .map_err(bench_error)?;
    let s = result.summary();
    Ok((s.mean, s.median, s.min, s.max))
}
