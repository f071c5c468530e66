//! `bench` and the `Stats`, `Outliers` and `Calibration` classes for Python.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use timing_runtime::bench::{BenchOptions, Progress, ProgressUpdate, bench_with};
use timing_runtime::report::format_secs;
use timing_runtime::stats::Stats;

use crate::args;
use crate::errors::{bench_error, timing_error};
use crate::timer::py_repr;

/// Tukey outlier counts of a ``Stats``: ``mild`` (beyond 1.5 IQR from the quartiles, within
/// 3 IQR) and ``severe`` (beyond 3 IQR), with ``low``/``high`` splits. Reported, never removed.
#[pyclass(frozen, module = "performance_timing", name = "Outliers")]
pub struct PyOutliers {
    inner: timing_runtime::stats::Outliers,
}

#[pymethods]
impl PyOutliers {
    /// Mild outliers (between 1.5 and 3 IQR outside the quartiles).
    #[getter]
    fn mild(&self) -> usize {
        self.inner.mild()
    }
    /// Severe outliers (beyond 3 IQR outside the quartiles).
    #[getter]
    fn severe(&self) -> usize {
        self.inner.severe()
    }
    /// Outliers below the lower fence (mild and severe).
    #[getter]
    fn low(&self) -> usize {
        self.inner.low_mild + self.inner.low_severe
    }
    /// Outliers above the upper fence (mild and severe).
    #[getter]
    fn high(&self) -> usize {
        self.inner.high_mild + self.inner.high_severe
    }
    fn __repr__(&self) -> String {
        format!(
            "Outliers(mild={}, severe={}, low={}, high={})",
            self.mild(),
            self.severe(),
            self.low(),
            self.high()
        )
    }
}

/// Calibration figures of a measured ``Stats``, in seconds: ``clock_resolution``,
/// ``clock_read_cost`` and ``overhead`` (the harness's cost per call of a no-op callable,
/// reported, not subtracted).
#[pyclass(frozen, module = "performance_timing", name = "Calibration")]
pub struct PyCalibration {
    inner: timing_runtime::calibrate::Calibration,
}

#[pymethods]
impl PyCalibration {
    /// The smallest non-zero step of the clock, in seconds.
    #[getter]
    fn clock_resolution(&self) -> f64 {
        self.inner.clock_resolution
    }
    /// The cost of one clock read, in seconds.
    #[getter]
    fn clock_read_cost(&self) -> f64 {
        self.inner.clock_read_cost
    }
    /// The harness's own cost per iteration (a no-op callable), in seconds.
    #[getter]
    fn overhead(&self) -> f64 {
        self.inner.overhead
    }
    fn __repr__(&self) -> String {
        format!(
            "Calibration(clock_resolution={:?}, clock_read_cost={:?}, overhead={:?})",
            self.inner.clock_resolution, self.inner.clock_read_cost, self.inner.overhead
        )
    }
}

/// Statistics of a benchmark, in seconds per iteration: the raw ``samples`` and ``mean``,
/// ``median``, ``stddev`` (n − 1), ``mad``, ``iqr``, ``min``, ``max``, ``percentile(q)``,
/// ``cv``, ``outliers``, ``median_ci``, ``mean_ci``, ``ops_per_second`` and ``warnings``.
///
/// Returned by ``bench()``; build one from given samples with ``Stats.from_samples`` or load
/// one with ``Stats.from_json``.
#[pyclass(frozen, module = "performance_timing", name = "Stats")]
pub struct PyStats {
    pub(crate) inner: Stats,
}

/// Fills the metadata that only Python knows: ``sys.version`` and ``platform.platform()``.
fn with_python_metadata(py: Python<'_>, mut stats: Stats) -> PyResult<Stats> {
    let version: String = py.import("sys")?.getattr("version")?.extract()?;
    let platform: String = py
        .import("platform")?
        .getattr("platform")?
        .call0()?
        .extract()?;
    let m = stats.metadata_mut();
    m.python = Some(version);
    m.platform = platform;
    Ok(stats)
}

#[pymethods]
impl PyStats {
    /// Statistics of given per-iteration ``samples`` (at least 2 finite numbers >= 0), each
    /// the mean of ``iterations_per_sample`` calls. ``unit`` defaults to ``"s"`` (seconds).
    #[staticmethod]
    #[pyo3(signature = (samples, iterations_per_sample = None, name = None, unit = None))]
    fn from_samples(
        py: Python<'_>,
        samples: &Bound<'_, PyAny>,
        iterations_per_sample: Option<&Bound<'_, PyAny>>,
        name: Option<String>,
        unit: Option<String>,
    ) -> PyResult<Self> {
        let values = args::reals(samples, "samples")?;
        let ips = match iterations_per_sample {
            Some(obj) => args::count(obj, "iterations_per_sample", 1)?,
            None => 1,
        };
        let name = name.unwrap_or_else(|| "stats".to_owned());
        let unit = unit.unwrap_or_else(|| timing_runtime::stats::SECONDS.to_owned());
        let stats = Stats::from_samples_with_unit(name, values, ips, unit).map_err(timing_error)?;
        Ok(Self {
            inner: with_python_metadata(py, stats)?,
        })
    }

    /// Loads statistics saved by ``to_json()``; malformed JSON or another schema version →
    /// ``ValueError``.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, s: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = s.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "s must be a str of JSON, not {}",
                args::type_name(s)
            ))
        })?;
        timing_runtime::persist::from_json(&text)
            .map(|inner| Self { inner })
            .map_err(timing_error)
    }

    /// The statistics as a JSON document (versioned schema, with metadata).
    fn to_json(&self) -> String {
        timing_runtime::persist::to_json(&self.inner)
    }

    /// The benchmark's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }
    /// The unit of the samples (``"s"``: seconds per iteration).
    #[getter]
    fn unit(&self) -> &str {
        self.inner.unit()
    }
    /// The per-iteration samples, in the order they were taken.
    #[getter]
    fn samples(&self) -> Vec<f64> {
        self.inner.samples().to_vec()
    }
    /// Calls per sample.
    #[getter]
    fn iterations_per_sample(&self) -> u64 {
        self.inner.iterations_per_sample()
    }
    /// Arithmetic mean.
    #[getter]
    fn mean(&self) -> f64 {
        self.inner.mean()
    }
    /// Median (mean of the two middle values for an even count).
    #[getter]
    fn median(&self) -> f64 {
        self.inner.median()
    }
    /// Sample standard deviation (n − 1), as ``statistics.stdev``.
    #[getter]
    fn stddev(&self) -> f64 {
        self.inner.stddev()
    }
    /// Median absolute deviation from the median (unscaled).
    #[getter]
    fn mad(&self) -> f64 {
        self.inner.mad()
    }
    /// Interquartile range (quartiles by linear interpolation, like ``numpy.percentile``).
    #[getter]
    fn iqr(&self) -> f64 {
        self.inner.iqr()
    }
    /// Smallest sample.
    #[getter]
    fn min(&self) -> f64 {
        self.inner.min()
    }
    /// Largest sample.
    #[getter]
    fn max(&self) -> f64 {
        self.inner.max()
    }
    /// Coefficient of variation, ``stddev / mean`` (NaN when the mean is 0).
    #[getter]
    fn cv(&self) -> f64 {
        self.inner.cv()
    }
    /// Tukey outlier counts (``mild``, ``severe``).
    #[getter]
    fn outliers(&self) -> PyOutliers {
        PyOutliers {
            inner: self.inner.outliers(),
        }
    }
    /// 95 % confidence interval of the median, ``(low, high)``, from order statistics.
    #[getter]
    fn median_ci(&self) -> (f64, f64) {
        self.inner.median_ci()
    }
    /// 95 % confidence interval of the mean, ``(low, high)`` (Student's t).
    #[getter]
    fn mean_ci(&self) -> (f64, f64) {
        self.inner.mean_ci()
    }
    /// Operations per second over the run, ``1 / mean``.
    #[getter]
    fn ops_per_second(&self) -> f64 {
        self.inner.ops_per_second()
    }
    /// Warnings when the result is unstable or suspect (empty when all is well).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }
    /// Calibration figures of the run, or ``None`` for statistics of given samples.
    #[getter]
    fn calibration(&self) -> Option<PyCalibration> {
        self.inner
            .calibration()
            .map(|inner| PyCalibration { inner })
    }
    /// Where the samples were taken: ``clock``, ``cpu_count``, ``python``, ``platform``,
    /// ``timing_runtime``.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = self.inner.metadata();
        let d = PyDict::new(py);
        d.set_item("clock", &m.clock)?;
        d.set_item("cpu_count", m.cpu_count)?;
        d.set_item("python", &m.python)?;
        d.set_item("platform", &m.platform)?;
        d.set_item("timing_runtime", &m.timing_runtime)?;
        Ok(d)
    }
    /// The ``q``-th percentile, ``0 <= q <= 100`` (linear interpolation).
    fn percentile(&self, q: &Bound<'_, PyAny>) -> PyResult<f64> {
        let q = args::real(q, "q")?;
        self.inner.percentile(q).map_err(timing_error)
    }
    fn __len__(&self) -> usize {
        self.inner.samples().len()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (lo, hi) = self.inner.median_ci();
        Ok(format!(
            "Stats(name={}, median={} [{}, {}], samples={}, iterations_per_sample={}, warnings={})",
            py_repr(py, self.inner.name())?,
            format_secs(self.inner.median()),
            format_secs(lo),
            format_secs(hi),
            self.inner.samples().len(),
            self.inner.iterations_per_sample(),
            self.inner.warnings().len()
        ))
    }
}

/// Benchmarks ``func()`` and returns its ``Stats`` (seconds per iteration).
///
/// Measures the harness overhead with a no-op callable, warms up for ``warmup`` seconds,
/// grows the calls per sample until one sample lasts at least ``max(min_time, 1000 × clock
/// resolution)``, then takes up to ``samples`` samples within ``max_time`` seconds (the budget
/// of the whole call). Progress is shown on stderr for runs over a second when stderr is a
/// terminal and ``progress`` is true. An exception raised by ``func`` propagates unchanged.
#[pyfunction]
#[pyo3(
    signature = (func, *, name = None, warmup = None, min_time = None, max_time = None, samples = None, progress = true),
    text_signature = "(func, *, name=None, warmup=0.1, min_time=0.005, max_time=5.0, samples=50, progress=True)"
)]
#[allow(clippy::too_many_arguments)]
pub fn bench(
    py: Python<'_>,
    func: &Bound<'_, PyAny>,
    name: Option<String>,
    warmup: Option<&Bound<'_, PyAny>>,
    min_time: Option<&Bound<'_, PyAny>>,
    max_time: Option<&Bound<'_, PyAny>>,
    samples: Option<&Bound<'_, PyAny>>,
    progress: bool,
) -> PyResult<PyStats> {
    args::callable(func, "func")?;
    let name = match name {
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
    if let Some(s) = samples {
        options.samples = args::count(s, "samples", 2)?;
    }
    options.validate().map_err(timing_error)?;
    let stderr = py.import("sys")?.getattr("stderr")?;
    let tty = progress
        && !stderr.is_none()
        && stderr
            .call_method0("isatty")
            .and_then(|r| r.is_truthy())
            .unwrap_or(false);
    options.progress = if tty { Progress::Auto } else { Progress::Off };
    let noop = py.eval(c"lambda: None", None, None)?;
    let sink = |u: &ProgressUpdate<'_>| {
        let text = if u.finished {
            "\r\x1b[2K".to_owned()
        } else {
            format!("\r\x1b[2K{}", u.line())
        };
        // Progress is best effort: a failing stderr must not fail the benchmark.
        let _ = stderr.call_method1("write", (text,));
        let _ = stderr.call_method0("flush");
    };
    let stats = bench_with(
        &options,
        sampling_caller(func),
        sampling_caller(&noop),
        sink,
    )
    .map_err(bench_error)?;
    Ok(PyStats {
        inner: with_python_metadata(py, stats)?,
    })
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
