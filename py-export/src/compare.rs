//! `compare` and the `Comparison` class for Python (also the result of `bench_pair`).

use pyo3::prelude::*;
use timing_runtime::TimingError;
use timing_runtime::stats::compare::{DEFAULT_NOISE, drift_warning};
use timing_runtime::stats::median_interval;
use timing_runtime::stats::paired::{PairedComparison, compare_paired};
use timing_runtime::stats::{Comparison, Method, Stats};

use crate::errors::timing_error;
use crate::stats::PyStats;
use crate::{args, repr};

/// The comparison of a candidate with a baseline: ``ratio`` (below 1: the candidate is
/// faster), its interval ``ci`` = ``(low, high)``, the ``p_value``, the ``verdict``
/// (``"faster"``, ``"slower"`` or ``"no change"``), how it was made (``method``: ``"paired"``
/// for ``bench_pair``, ``"reference"`` for saved runs relative to the reference workload,
/// ``"unpaired"`` otherwise), the per-pair ``ratios`` (``bench_pair`` only) and both sides'
/// ``Stats``.
#[pyclass(frozen, module = "performance_timing", name = "Comparison")]
pub struct PyComparison {
    pub(crate) inner: Comparison,
    /// The two results compared (also for the HTML report).
    pub(crate) baseline: Stats,
    pub(crate) candidate: Stats,
    ratios: Option<Vec<f64>>,
    warnings: Vec<String>,
}

impl PyComparison {
    /// The result of `bench_pair`.
    pub(crate) fn from_pair(result: PairedComparison) -> Self {
        Self {
            inner: result.comparison,
            baseline: result.baseline,
            candidate: result.candidate,
            ratios: Some(result.ratios),
            warnings: result.warnings,
        }
    }
}

#[pymethods]
impl PyComparison {
    /// The candidate's time over the baseline's (below 1: the candidate is faster): the median
    /// paired ratio (``"paired"``), the ratio of the runs' times at the same machine speed as
    /// told by the reference workload (``"reference"``), or the ratio of medians
    /// (``"unpaired"``).
    #[getter]
    fn ratio(&self) -> f64 {
        self.inner.ratio
    }
    /// 95 % interval of the ratio, ``(low, high)``.
    #[getter]
    fn ci(&self) -> (f64, f64) {
        self.inner.ci
    }
    /// Two-sided p-value: the sign test of the paired ratios (``"paired"``), the t test of the
    /// fitted change (``"reference"``), Mann–Whitney U on the samples (``"unpaired"``).
    #[getter]
    fn p_value(&self) -> f64 {
        self.inner.p_value
    }
    /// ``"faster"``, ``"slower"`` or ``"no change"``.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }
    /// The noise band used (a fraction: 0.01 is 1 %).
    #[getter]
    fn noise(&self) -> f64 {
        self.inner.noise
    }
    /// ``"paired"``, ``"reference"`` or ``"unpaired"``.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }
    /// Whether the samples were taken in pairs (``bench_pair``).
    #[getter]
    fn paired(&self) -> bool {
        self.inner.method == Method::Paired
    }
    /// Candidate / baseline time of each pair, in the order taken (``bench_pair``), else ``None``.
    #[getter]
    fn ratios(&self) -> Option<Vec<f64>> {
        self.ratios.clone()
    }
    /// The baseline's name.
    #[getter]
    fn baseline(&self) -> &str {
        self.baseline.name()
    }
    /// The candidate's name.
    #[getter]
    fn candidate(&self) -> &str {
        self.candidate.name()
    }
    /// The baseline's ``Stats``.
    #[getter]
    fn baseline_stats(&self) -> PyStats {
        PyStats {
            inner: self.baseline.clone(),
        }
    }
    /// The candidate's ``Stats``.
    #[getter]
    fn candidate_stats(&self) -> PyStats {
        PyStats {
            inner: self.candidate.clone(),
        }
    }
    /// What to know about this verdict (e.g. that it ignores drift between runs).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Comparison(baseline={}, candidate={}, ratio={:.4}, ci=({:.4}, {:.4}), p_value={:.3e}, verdict='{}', method='{}')",
            repr::quoted(py, self.baseline.name())?,
            repr::quoted(py, self.candidate.name())?,
            self.inner.ratio,
            self.inner.ci.0,
            self.inner.ci.1,
            self.inner.p_value,
            self.inner.verdict.as_str(),
            self.inner.method.as_str()
        ))
    }
}

/// Compares ``candidate`` with ``baseline`` (both ``Stats`` of the same unit). ``noise`` is
/// the smallest relative change that counts (a fraction, ``0 <= noise < 1``; 0.01 = 1 %).
/// Results measured by ``bench`` are compared through the reference workload run alongside
/// them (``method="reference"``): at the same machine speed, with how the function follows the
/// machine's speed fitted from the runs and a 2 % run-to-run wander in the interval, so a
/// change of the machine's speed between the runs does not decide the verdict; others by their
/// absolute samples (``method="unpaired"``, with a warning that the verdict ignores drift). ``paired=True`` treats sample ``i`` of both as a
/// pair taken together (same count needed) and compares like ``bench_pair``.
#[pyfunction]
#[pyo3(signature = (baseline, candidate, *, noise = None, paired = false), text_signature = "(baseline, candidate, *, noise=0.01, paired=False)")]
pub fn compare(
    baseline: &Bound<'_, PyAny>,
    candidate: &Bound<'_, PyAny>,
    noise: Option<&Bound<'_, PyAny>>,
    paired: bool,
) -> PyResult<PyComparison> {
    let b = args::instance::<PyStats>(baseline, "baseline", "Stats")?.get();
    let c = args::instance::<PyStats>(candidate, "candidate", "Stats")?.get();
    let noise = args::real_or(noise, "noise", DEFAULT_NOISE)?;
    if paired {
        if b.inner.unit() != c.inner.unit() {
            return Err(timing_error(TimingError::invalid(
                "candidate",
                "is in another unit than baseline; only results of the same unit compare",
            )));
        }
        let inner = compare_paired(
            b.inner.samples(),
            c.inner.samples(),
            noise,
            median_interval::CONFIDENCE,
        )
        .map_err(timing_error)?;
        let ratios = c
            .inner
            .samples()
            .iter()
            .zip(b.inner.samples())
            .map(|(c, b)| c / b)
            .collect();
        return Ok(PyComparison {
            inner,
            warnings: Vec::new(),
            baseline: b.inner.clone(),
            candidate: c.inner.clone(),
            ratios: Some(ratios),
        });
    }
    let inner =
        timing_runtime::stats::compare::compare(&b.inner, &c.inner, noise).map_err(timing_error)?;
    Ok(PyComparison {
        inner,
        warnings: drift_warning(&b.inner, &c.inner).into_iter().collect(),
        baseline: b.inner.clone(),
        candidate: c.inner.clone(),
        ratios: None,
    })
}
