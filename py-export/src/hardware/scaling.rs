//! `compare_seq_vs_parallel` for Python: converts the data once, then times with the GIL
//! released.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use timing_runtime::hardware::pool::default_threads;
use timing_runtime::hardware::scaling::{self, ParallelComparison};

use crate::args::{self, Samples};
use crate::interrupt;
use crate::timer::PyTimerResult;

/// Times the sum of squares of ``data``, ``iterations`` times (≥ 1) on one thread and
/// ``iterations`` times on all cores (rayon, GIL released), alternating the two, and returns
/// ``(TimerResult "Sequential", TimerResult "Parallel")``.
///
/// ``data`` is any non-empty sequence of real numbers, converted once before timing; a
/// contiguous float64 buffer (``array('d')``, a NumPy array) is read without copying.
#[pyfunction]
pub fn compare_seq_vs_parallel(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<(PyTimerResult, PyTimerResult)> {
    let iterations = args::count(iterations, "iterations", 1)?;
    let samples = Samples::extract(data, "data")?;
    let (seq, par) = samples.with_slice_detached(py, |values| {
        scaling::compare_seq_vs_parallel(values, iterations)
    })?;
    Ok((
        PyTimerResult::from_runtime(seq),
        PyTimerResult::from_runtime(par),
    ))
}

/// The sum of squares on one thread vs on ``threads`` threads, over repeated runs.
///
/// ``speedup`` is the median over the runs of (sequential time / parallel time), with a
/// distribution-free confidence interval ``speedup_ci`` at ``confidence`` (order statistics of
/// the median; ≥ 95 % when there are at least 6 runs, otherwise ``[min, max]`` with the
/// confidence it really has). ``efficiency`` is ``speedup / threads``.
#[pyclass(frozen, module = "performance_timing", name = "ParallelComparison")]
pub struct PyParallelComparison {
    inner: ParallelComparison,
}

#[pymethods]
impl PyParallelComparison {
    /// Elements of data.
    #[getter]
    fn size(&self) -> usize {
        self.inner.size
    }

    /// Threads of the parallel version.
    #[getter]
    fn threads(&self) -> usize {
        self.inner.threads
    }

    /// Passes of each version per run.
    #[getter]
    fn iterations(&self) -> u64 {
        self.inner.iterations
    }

    /// Number of runs.
    #[getter]
    fn runs(&self) -> usize {
        self.inner.sequential_secs.len()
    }

    /// Median speedup over the runs (sequential time / parallel time).
    #[getter]
    fn speedup(&self) -> f64 {
        self.inner.speedup.median
    }

    /// ``(low, high)``: confidence interval of the median speedup.
    #[getter]
    fn speedup_ci(&self) -> (f64, f64) {
        (self.inner.speedup.low, self.inner.speedup.high)
    }

    /// The actual coverage probability of ``speedup_ci``.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.speedup.confidence
    }

    /// Parallel efficiency: ``speedup / threads`` (1.0 is perfect scaling).
    #[getter]
    fn efficiency(&self) -> f64 {
        self.inner.efficiency()
    }

    /// Speedup of each run.
    #[getter]
    fn speedups(&self) -> Vec<f64> {
        self.inner.speedups()
    }

    /// Seconds per sequential pass, one value per run.
    #[getter]
    fn sequential_secs(&self) -> Vec<f64> {
        self.inner.sequential_secs.clone()
    }

    /// Seconds per parallel pass, one value per run.
    #[getter]
    fn parallel_secs(&self) -> Vec<f64> {
        self.inner.parallel_secs.clone()
    }

    /// Decimal GB/s of the fastest sequential pass (8 bytes read per element).
    #[getter]
    fn sequential_gbps(&self) -> f64 {
        self.inner.sequential_gbps()
    }

    /// Decimal GB/s of the fastest parallel pass (8 bytes read per element).
    #[getter]
    fn parallel_gbps(&self) -> f64 {
        self.inner.parallel_gbps()
    }

    /// The comparison as a plain dict, ready for ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("size", self.size())?;
        d.set_item("threads", self.threads())?;
        d.set_item("iterations", self.iterations())?;
        d.set_item("runs", self.runs())?;
        d.set_item("speedup", self.speedup())?;
        d.set_item("speedup_ci", self.speedup_ci())?;
        d.set_item("confidence", self.confidence())?;
        d.set_item("efficiency", self.efficiency())?;
        d.set_item("sequential_gbps", self.sequential_gbps())?;
        d.set_item("parallel_gbps", self.parallel_gbps())?;
        d.set_item("speedups", PyList::new(py, self.speedups())?)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let (low, high) = self.speedup_ci();
        format!(
            "ParallelComparison(size={}, threads={}, speedup={:.3} [{:.3}, {:.3}] at {:.1}%, \
             efficiency={:.3})",
            self.size(),
            self.threads(),
            self.speedup(),
            low,
            high,
            self.confidence() * 100.0,
            self.efficiency()
        )
    }
}

/// Compares the sum of squares of ``data`` (non-empty real numbers, converted once) on one
/// thread and on ``threads`` threads (default all cores): ``runs`` runs (≥ 1) of
/// ``iterations`` alternating passes (≥ 1) each, after one warm-up pass of each. Thread ``i``
/// always sums part ``i`` of the data. The GIL is released. Returns a ``ParallelComparison``.
#[pyfunction]
#[pyo3(
    signature = (data, iterations = None, *, threads = None, runs = None),
    text_signature = "(data, iterations=10, *, threads=None, runs=10)"
)]
pub fn compare_scaling(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    iterations: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
    runs: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyParallelComparison> {
    let iterations = args::count_or(iterations, "iterations", 1, scaling::DEFAULT_ITERATIONS)?;
    let runs = args::count_or(runs, "runs", 1, scaling::DEFAULT_RUNS)?;
    let threads = args::optional_size(threads, "threads", 1)?.unwrap_or_else(default_threads);
    let samples = Samples::extract(data, "data")?;
    samples
        .with_slice_detached(py, |values| {
            scaling::compare_scaling(values, iterations, runs, threads)
        })
        .map(|inner| PyParallelComparison { inner })
}

/// ``compare_scaling`` over every data size in ``sizes`` and thread count in ``threads``
/// (default ``1, 2, …, all cores``), sizes outermost; the data (``i % 8`` as float64) is
/// allocated and written before timing. Every argument is checked before any work (a size too
/// large to allocate raises ``MemoryError``). Returns a list of ``ParallelComparison``.
#[pyfunction]
#[pyo3(
    signature = (sizes, threads = None, iterations = None, runs = None),
    text_signature = "(sizes, threads=None, iterations=5, runs=5)"
)]
pub fn scaling_sweep(
    py: Python<'_>,
    sizes: &Bound<'_, PyAny>,
    threads: Option<&Bound<'_, PyAny>>,
    iterations: Option<&Bound<'_, PyAny>>,
    runs: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<PyParallelComparison>> {
    let sizes = args::sizes(sizes, "sizes")?;
    let threads = match threads {
        Some(t) if !t.is_none() => args::sizes(t, "threads")?,
        _ => (1..=default_threads()).collect(),
    };
    let iterations = args::count_or(iterations, "iterations", 1, scaling::SWEEP_ITERATIONS)?;
    let runs = args::count_or(runs, "runs", 1, scaling::SWEEP_RUNS)?;
    let rows = interrupt::detached(py, || {
        scaling::scaling_sweep(&sizes, &threads, iterations, runs)
    })?;
    Ok(rows
        .into_iter()
        .map(|inner| PyParallelComparison { inner })
        .collect())
}
