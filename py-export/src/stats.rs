//! The `Stats`, `Outliers` and `Calibration` classes for Python.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use timing_runtime::bench::reference::PYTHON_MIX;
use timing_runtime::host::Metadata;
use timing_runtime::stats::{Reference, Stats};

use crate::errors::timing_error;
use crate::{args, repr};

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
        self.inner.low()
    }
    /// Outliers above the upper fence (mild and severe).
    #[getter]
    fn high(&self) -> usize {
        self.inner.high()
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
    inner: timing_runtime::clock::precision::Calibration,
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
            "Calibration(clock_resolution={}, clock_read_cost={}, overhead={})",
            repr::duration(self.inner.clock_resolution),
            repr::duration(self.inner.clock_read_cost),
            repr::duration(self.inner.overhead)
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

static PYTHON_FACTS: PyOnceLock<(String, String)> = PyOnceLock::new();

/// The metadata of this process as Python sees it: the runtime's, with ``sys.version`` and
/// ``platform.platform()`` (both read once per process: the first ``platform.platform()``
/// takes milliseconds).
pub(crate) fn python_metadata(py: Python<'_>) -> PyResult<Metadata> {
    let (version, platform) = PYTHON_FACTS.get_or_try_init(py, || -> PyResult<_> {
        let version: String = py.import("sys")?.getattr("version")?.extract()?;
        let platform: String = py
            .import("platform")?
            .getattr("platform")?
            .call0()?
            .extract()?;
        Ok((version, platform))
    })?;
    let mut m = Metadata::current();
    m.python = Some(version.clone());
    m.platform = platform.clone();
    Ok(m)
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
        name: Option<&Bound<'_, PyAny>>,
        unit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let ips = args::count_or(iterations_per_sample, "iterations_per_sample", 1, 1)?;
        let name = args::optional_string(name, "name")?.unwrap_or_else(|| "stats".to_owned());
        let unit = args::optional_string(unit, "unit")?
            .unwrap_or_else(|| timing_runtime::stats::SECONDS.to_owned());
        let values = args::reals(samples, "samples")?;
        let mut stats =
            Stats::from_samples_with_unit(name, values, ips, unit).map_err(timing_error)?;
        *stats.metadata_mut() = python_metadata(py)?;
        Ok(Self { inner: stats })
    }

    /// A copy with samples of the Python reference workload (``_reference_workload``), one
    /// per sample, each the seconds per call of ``iterations_per_sample`` calls taken next to
    /// that sample: ``compare`` then compares at the same machine speed (method
    /// ``"reference"``). Wrong count, non-positive or non-finite samples → ``ValueError``.
    #[pyo3(signature = (samples, iterations_per_sample))]
    fn _with_reference(
        &self,
        samples: &Bound<'_, PyAny>,
        iterations_per_sample: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let reference = Reference {
            workload: PYTHON_MIX.to_owned(),
            iterations_per_sample: args::count(iterations_per_sample, "iterations_per_sample", 1)?,
            samples: args::reals(samples, "samples")?,
        };
        let inner = self.inner.clone().with_reference(reference);
        inner.map(|inner| Self { inner }).map_err(timing_error)
    }

    /// Loads statistics saved by ``to_json()``; malformed JSON or another schema version →
    /// ``ValueError``.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, s: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = args::string(s, "s")?;
        Stats::from_json(&text)
            .map(|inner| Self { inner })
            .map_err(timing_error)
    }

    /// The statistics as a JSON document (versioned schema, with metadata).
    fn to_json(&self) -> String {
        self.inner.to_json()
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
    /// The function's time per call relative to the reference workload run alongside it
    /// (``exp`` of the median of ``log(sample / reference sample)``), or ``None`` for results
    /// without reference samples (given samples, files of schema version 1).
    #[getter]
    fn relative(&self) -> Option<f64> {
        self.inner.relative().map(|r| r.ratio)
    }
    /// 95 % interval of ``relative`` within the run, ``(low, high)``, or ``None``.
    #[getter]
    fn relative_ci(&self) -> Option<(f64, f64)> {
        self.inner.relative().map(|r| r.ci)
    }
    /// The reference workload's name (``"python-mix/1"``), or ``None``.
    #[getter]
    fn reference(&self) -> Option<&str> {
        self.inner.reference().map(|r| r.workload.as_str())
    }
    /// The reference workload's seconds per call, one sample next to each sample, or ``None``.
    #[getter]
    fn reference_samples(&self) -> Option<Vec<f64>> {
        self.inner.reference().map(|r| r.samples.clone())
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
    /// The result as a readable block: the median with its 95 % interval, min, ops/s, the
    /// samples and every warning (what ``print(stats)`` and the command line's ``show`` print).
    fn summary(&self) -> String {
        self.inner.summary()
    }
    fn __str__(&self) -> String {
        self.inner.summary()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let (lo, hi) = self.inner.median_ci();
        Ok(format!(
            "Stats(name={}, median={} [{}, {}], samples={}, iterations_per_sample={}, warnings={})",
            repr::quoted(py, self.inner.name())?,
            repr::duration(self.inner.median()),
            repr::duration(lo),
            repr::duration(hi),
            self.inner.samples().len(),
            self.inner.iterations_per_sample(),
            self.inner.warnings().len()
        ))
    }
}
