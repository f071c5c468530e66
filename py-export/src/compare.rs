//! `compare` and the `Comparison` class for Python.

use pyo3::prelude::*;
use timing_runtime::stats::compare::DEFAULT_NOISE;

use crate::errors::timing_error;
use crate::stats::PyStats;
use crate::{args, repr};

/// The comparison of a candidate with a baseline: ``ratio`` (candidate median / baseline
/// median), its interval ``ci`` = ``(low, high)``, the Mann–Whitney U ``p_value``, and the
/// ``verdict``: ``"faster"``, ``"slower"`` or ``"no change"``.
#[pyclass(frozen, module = "performance_timing", name = "Comparison")]
pub struct PyComparison {
    pub(crate) inner: timing_runtime::stats::Comparison,
    baseline: String,
    candidate: String,
    /// The two results compared (for the HTML report).
    pub(crate) stats: (timing_runtime::stats::Stats, timing_runtime::stats::Stats),
}

#[pymethods]
impl PyComparison {
    /// Candidate median / baseline median (below 1: the candidate is faster).
    #[getter]
    fn ratio(&self) -> f64 {
        self.inner.ratio
    }
    /// Interval of the ratio, ``(low, high)`` (conservative, from the medians' 95 % intervals).
    #[getter]
    fn ci(&self) -> (f64, f64) {
        self.inner.ci
    }
    /// Two-sided Mann–Whitney U p-value.
    #[getter]
    fn p_value(&self) -> f64 {
        self.inner.p_value
    }
    /// ``"faster"``, ``"slower"`` or ``"no change"``.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }
    /// The noise floor used (a fraction: 0.01 is 1 %).
    #[getter]
    fn noise(&self) -> f64 {
        self.inner.noise
    }
    /// The baseline's name.
    #[getter]
    fn baseline(&self) -> &str {
        &self.baseline
    }
    /// The candidate's name.
    #[getter]
    fn candidate(&self) -> &str {
        &self.candidate
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Comparison(baseline={}, candidate={}, ratio={:.4}, ci=({:.4}, {:.4}), p_value={:.3e}, verdict='{}')",
            repr::quoted(py, &self.baseline)?,
            repr::quoted(py, &self.candidate)?,
            self.inner.ratio,
            self.inner.ci.0,
            self.inner.ci.1,
            self.inner.p_value,
            self.inner.verdict.as_str()
        ))
    }
}

/// Compares ``candidate`` with ``baseline`` (both ``Stats`` of the same unit). ``noise`` is
/// the smallest relative change that counts (a fraction >= 0; 0.01 = 1 %). The verdict is
/// never ``"faster"``/``"slower"`` when the interval straddles 1, the change is under the noise
/// floor, or ``p_value >= 0.05``.
#[pyfunction]
#[pyo3(signature = (baseline, candidate, *, noise = None), text_signature = "(baseline, candidate, *, noise=0.01)")]
pub fn compare(
    baseline: &Bound<'_, PyAny>,
    candidate: &Bound<'_, PyAny>,
    noise: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyComparison> {
    let b = args::instance::<PyStats>(baseline, "baseline", "Stats")?.get();
    let c = args::instance::<PyStats>(candidate, "candidate", "Stats")?.get();
    let noise = args::real_or(noise, "noise", DEFAULT_NOISE)?;
    let inner =
        timing_runtime::stats::compare::compare(&b.inner, &c.inner, noise).map_err(timing_error)?;
    Ok(PyComparison {
        inner,
        baseline: b.inner.name().to_owned(),
        candidate: c.inner.name().to_owned(),
        stats: (b.inner.clone(), c.inner.clone()),
    })
}
