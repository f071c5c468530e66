//! The manual `Profiler` for Python.

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;

use crate::errors::timing_error;
use crate::{args, repr};

/// A manual profiler: ``measure(name, duration_secs)`` records a duration; ``summary()``
/// shows the total and one line per name with seconds and percentage, like
/// ``load: 0.500s (25.0%)``; ``results()`` lists every measurement in insertion order.
#[pyclass(frozen, module = "performance_timing", name = "Profiler")]
#[derive(Default)]
pub struct PyProfiler {
    inner: Mutex<timing_runtime::Profiler>,
}

impl PyProfiler {
    fn lock(&self) -> MutexGuard<'_, timing_runtime::Profiler> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl PyProfiler {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Records ``duration_secs`` (a finite number ≥ 0) under ``name``.
    fn measure(&self, name: &Bound<'_, PyAny>, duration_secs: &Bound<'_, PyAny>) -> PyResult<()> {
        let name = args::string(name, "name")?;
        let secs = args::real(duration_secs, "duration_secs")?;
        self.lock().measure(name, secs).map_err(timing_error)
    }

    /// Every measurement as ``(name, seconds)``, in insertion order.
    fn results(&self) -> Vec<(String, f64)> {
        self.lock().results().to_vec()
    }

    /// Sum of all measurements in seconds.
    fn total(&self) -> f64 {
        self.lock().total_secs()
    }

    /// The breakdown as text: the total, then ``name: 0.500s (25.0%)`` per name (a name
    /// measured several times is one line with its sum and ``[N measurements]``).
    fn summary(&self) -> String {
        self.lock().summary()
    }

    /// Forgets every measurement.
    fn clear(&self) {
        self.lock().clear();
    }

    fn __len__(&self) -> usize {
        self.lock().results().len()
    }

    fn __repr__(&self) -> String {
        let p = self.lock();
        format!(
            "Profiler(measurements={}, total={})",
            p.results().len(),
            repr::duration(p.total_secs())
        )
    }
}
