//! Benchmarks of Python callables: the seed's helpers, the calibrated `bench` (with the Python
//! reference workload) and the paired `bench_pair`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
use timing_runtime::bench::reference::{PYTHON_MIX, Workload};
use timing_runtime::bench::{
    BenchOptions, PairOptions, Progress, ProgressUpdate, bench_pair_with, bench_with, seed,
};

use crate::args;
use crate::compare::PyComparison;
use crate::errors::{bench_error, timing_error};
use crate::stats::{PyStats, python_metadata};
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
    name: &Bound<'_, PyAny>,
    func: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<PyTimerResult> {
    let name = args::string(name, "name")?;
    args::callable(func, "func")?;
    let iterations = args::count(iterations, "iterations", 1)?;
    seed::benchmark(&name, iterations, caller(func))
        .map(PyTimerResult::from_runtime)
        .map_err(bench_error)
}

/// Makes exactly ``warmup`` untimed calls (≥ 0) to stabilise caches, then ``iterations``
/// timed calls (≥ 1) like ``benchmark``.
#[pyfunction]
pub fn benchmark_with_warmup(
    name: &Bound<'_, PyAny>,
    func: &Bound<'_, PyAny>,
    warmup: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<PyTimerResult> {
    let name = args::string(name, "name")?;
    args::callable(func, "func")?;
    let warmup = args::count(warmup, "warmup", 0)?;
    let iterations = args::count(iterations, "iterations", 1)?;
    seed::benchmark_with_warmup(&name, warmup, iterations, caller(func))
        .map(PyTimerResult::from_runtime)
        .map_err(bench_error)
}

/// Runs ``runs`` timed runs (≥ 1) of ``iterations_per_run`` calls (≥ 1) and returns
/// ``(mean, median, min, max)`` of the per-run durations in seconds. The median of an even
/// count is the mean of the two middle values; ``min <= mean <= max`` holds exactly.
#[pyfunction]
pub fn benchmark_statistical(
    name: &Bound<'_, PyAny>,
    func: &Bound<'_, PyAny>,
    runs: &Bound<'_, PyAny>,
    iterations_per_run: &Bound<'_, PyAny>,
) -> PyResult<(f64, f64, f64, f64)> {
    let name = args::string(name, "name")?;
    args::callable(func, "func")?;
    let runs = args::count(runs, "runs", 1)?;
    let iterations_per_run = args::count(iterations_per_run, "iterations_per_run", 1)?;
    let result = seed::benchmark_statistical(&name, runs, iterations_per_run, caller(func))
        .map_err(bench_error)?;
    let s = result.summary();
    Ok((s.mean, s.median, s.min, s.max))
}

/// Benchmarks ``func(*args)`` and returns its ``Stats`` (seconds per iteration).
///
/// Positional ``args`` are passed to every call (``bench(sorted, data)``, as the pytest
/// fixture's ``benchmark(fn, *args)``); the harness overhead is then measured with a no-op
/// called with the same arguments. Keyword arguments are ``bench``'s own options: for a
/// function's keywords use a ``lambda`` or ``functools.partial``.
///
/// Measures the harness overhead with a no-op callable, warms up for ``warmup`` seconds,
/// grows the calls per sample until one sample lasts at least ``max(min_time, 1000 × clock
/// resolution)`` (or uses ``iterations`` calls per sample when given), then takes up to
/// ``samples`` samples within ``max_time`` seconds (the budget of the whole call), each next to
/// a sample of a fixed reference workload so that saved results compare across changes of the
/// machine's speed. Progress is shown on stderr for runs over a second when stderr is a
/// terminal and ``progress`` is true. An exception raised by ``func`` propagates unchanged.
#[pyfunction]
#[pyo3(
    signature = (func, *call_args, name = None, warmup = None, min_time = None, max_time = None, samples = None, iterations = None, progress = true),
    text_signature = "(func, *args, name=None, warmup=0.1, min_time=0.0001, max_time=5.0, samples=1000, iterations=None, progress=True)"
)]
#[allow(clippy::too_many_arguments)]
pub fn bench(
    py: Python<'_>,
    func: &Bound<'_, PyAny>,
    call_args: &Bound<'_, PyTuple>,
    name: Option<&Bound<'_, PyAny>>,
    warmup: Option<&Bound<'_, PyAny>>,
    min_time: Option<&Bound<'_, PyAny>>,
    max_time: Option<&Bound<'_, PyAny>>,
    samples: Option<&Bound<'_, PyAny>>,
    iterations: Option<&Bound<'_, PyAny>>,
    progress: bool,
) -> PyResult<PyStats> {
    args::callable(func, "func")?;
    let name = match args::optional_string(name, "name")? {
        Some(n) => n,
        None => default_name(func),
    };
    let mut options = BenchOptions::new(name);
    if let Some(w) = warmup {
        options.warmup = args::non_negative_seconds(w, "warmup")?;
    }
    if let Some(t) = min_time {
        options.min_time = args::positive_seconds(t, "min_time")?;
    }
    if let Some(t) = max_time {
        options.max_time = args::positive_seconds(t, "max_time")?;
    }
    options.samples = args::count_or(samples, "samples", 2, options.samples)?;
    options.iterations = match iterations {
        Some(n) if !n.is_none() => Some(args::count(n, "iterations", 1)?),
        _ => None,
    };
    options.validate().map_err(timing_error)?;
    let (shown, sink) = progress_sink(py, progress)?;
    options.progress = shown;
    let (target, noop) = if call_args.is_empty() {
        (func.clone(), py.eval(c"lambda: None", None, None)?)
    } else {
        // One prepared call each: `partial` passes the arguments from C, for the function and
        // for the no-op that measures the cost of calling that way.
        let noop = py.eval(c"lambda *args: None", None, None)?;
        (
            with_args(func.clone(), call_args)?,
            with_args(noop, call_args)?,
        )
    };
    let workload = reference_workload(py)?;
    let stats = bench_with(
        &options,
        sampling_caller(&target),
        sampling_caller(&noop),
        Workload {
            name: PYTHON_MIX.to_owned(),
            call: sampling_caller(workload.bind(py)),
        },
        || python_metadata(py),
        sink,
    )
    .map_err(bench_error)?;
    Ok(PyStats { inner: stats })
}

/// Benchmarks ``baseline()`` and ``candidate()`` interleaved, pair by pair, and compares them.
///
/// Both get the same calls per sample (grown until the slower one's sample lasts 0.1 ms); pairs
/// run in the order A B, B A, A B, …; the verdict is on the per-pair ratios (median, its
/// interval: order statistics widened by batch medians and the ratio's slow wander; sign test): ``"slower"``/``"faster"`` only when the whole 95 %
/// interval lies outside ``[1 - noise, 1 + noise]``. Sampling stops early once two successive
/// looks (99 % intervals) agree that the verdict is settled, else at ``max_time`` seconds.
/// ``name`` names both sides' ``Stats`` (default: each function's name). Returns a
/// ``Comparison`` with ``paired=True``, ``ratios`` and both sides' ``Stats``.
#[pyfunction]
#[pyo3(
    signature = (baseline, candidate, *, name = None, warmup = None, max_time = None, noise = None, progress = true),
    text_signature = "(baseline, candidate, *, name=None, warmup=0.1, max_time=2.0, noise=0.01, progress=True)"
)]
#[allow(clippy::too_many_arguments)]
pub fn bench_pair(
    py: Python<'_>,
    baseline: &Bound<'_, PyAny>,
    candidate: &Bound<'_, PyAny>,
    name: Option<String>,
    warmup: Option<&Bound<'_, PyAny>>,
    max_time: Option<&Bound<'_, PyAny>>,
    noise: Option<&Bound<'_, PyAny>>,
    progress: bool,
) -> PyResult<PyComparison> {
    args::callable(baseline, "baseline")?;
    args::callable(candidate, "candidate")?;
    let (base_name, cand_name) = match name {
        Some(n) => (n.clone(), n),
        None => (default_name(baseline), default_name(candidate)),
    };
    let mut options = PairOptions::new(base_name, cand_name);
    if let Some(w) = warmup {
        options.warmup = args::non_negative_seconds(w, "warmup")?;
    }
    if let Some(t) = max_time {
        options.max_time = args::positive_seconds(t, "max_time")?;
    }
    options.noise = args::real_or(noise, "noise", options.noise)?;
    options.validate().map_err(timing_error)?;
    let (shown, sink) = progress_sink(py, progress)?;
    options.progress = shown;
    let noop = py.eval(c"lambda: None", None, None)?;
    let result = bench_pair_with(
        &options,
        sampling_caller(baseline),
        sampling_caller(candidate),
        sampling_caller(&noop),
        || python_metadata(py),
        sink,
    )
    .map_err(bench_error)?;
    Ok(PyComparison::from_pair(result))
}

/// Whether to show progress (only on a terminal, when asked) and the sink writing it to
/// Python's ``sys.stderr``.
fn progress_sink<'py>(
    py: Python<'py>,
    progress: bool,
) -> PyResult<(Progress, impl FnMut(&ProgressUpdate<'_>) + 'py)> {
    let stderr = py.import("sys")?.getattr("stderr")?;
    let tty = progress
        && !stderr.is_none()
        && stderr
            .call_method0("isatty")
            .and_then(|r| r.is_truthy())
            .unwrap_or(false);
    let shown = if tty { Progress::Auto } else { Progress::Off };
    let sink = move |u: &ProgressUpdate<'_>| {
        // Progress is best effort: a failing stderr must not fail the benchmark.
        let _ = stderr.call_method1("write", (u.terminal_text(),));
        let _ = stderr.call_method0("flush");
    };
    Ok((shown, sink))
}

/// The Python reference workload (~3 µs: a loop, integer arithmetic, a dict, a sort, a call).
/// Never change it without changing [`PYTHON_MIX`]: saved results compare only against the
/// same workload.
const PYTHON_MIX_SOURCE: &std::ffi::CStr = c"
def reference():
    table = {}
    total = 0
    for i in range(32):
        total = (total * 31 + i) % 65521
        table[i & 7] = total
    items = sorted(table.values())
    return items[0] + len(items)
";

static REFERENCE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python reference workload, compiled once per process.
fn reference_workload(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    REFERENCE.get_or_try_init(py, || {
        let module = PyModule::from_code(
            py,
            PYTHON_MIX_SOURCE,
            c"performance_timing_reference.py",
            c"performance_timing_reference",
        )?;
        Ok(module.getattr("reference")?.unbind())
    })
}

/// The Python reference workload ``bench`` times beside every function (``python-mix/1``), for
/// code that times its own samples and attaches reference samples with
/// ``Stats._with_reference`` (the pytest plugin's ``pedantic``).
#[pyfunction]
#[pyo3(name = "_reference_workload")]
pub fn reference_workload_object(py: Python<'_>) -> PyResult<Py<PyAny>> {
    reference_workload(py).map(|r| r.clone_ref(py))
}

/// Calls between two signal checks in [`bench`]'s loop: often enough that Ctrl-C stops even a
/// C builtin promptly, rare enough to cost nothing measurable per call.
const SIGNAL_CHECK_EVERY: u32 = 64;

/// Wraps a Python callable for [`bench`]: one call, its result dropped, and a signal check every
/// [`SIGNAL_CHECK_EVERY`] calls (a Python function also handles signals itself at every call).
/// An exception propagates unchanged.
fn sampling_caller<'py>(func: &Bound<'py, PyAny>) -> impl FnMut() -> PyResult<()> + 'py {
    let func = func.clone();
    let mut calls = 0u32;
    move || {
        func.call0()?;
        calls = calls.wrapping_add(1);
        if calls % SIGNAL_CHECK_EVERY == 0 {
            func.py().check_signals()?;
        }
        Ok(())
    }
}

/// ``func.__qualname__``, else ``__name__``, else ``repr(func)``.
/// `functools.partial(f, *args)`.
fn with_args<'py>(f: Bound<'py, PyAny>, args: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
    let py = f.py();
    let partial = py.import("functools")?.getattr("partial")?;
    let mut all = vec![f];
    all.extend(args.iter());
    partial.call1(PyTuple::new(py, all)?)
}

fn default_name(func: &Bound<'_, PyAny>) -> String {
    for attr in ["__qualname__", "__name__"] {
        if let Ok(n) = func.getattr(attr).and_then(|n| n.extract::<String>()) {
            return n;
        }
    }
    func.repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "bench".to_owned())
}
