//! `Timer` and `TimerResult` for Python.

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::timing_error;
use crate::{args, repr};

/// The result of a timing: ``name``, ``duration_secs`` and ``iterations`` (at least 1).
///
/// ``TimerResult(name, duration_secs, iterations=1)`` builds one by hand, e.g. to compare with
/// a figure measured elsewhere.
#[pyclass(frozen, module = "performance_timing", name = "TimerResult")]
#[derive(Clone)]
pub struct PyTimerResult {
    pub(crate) inner: timing_runtime::TimerResult,
}

impl PyTimerResult {
    pub(crate) fn from_runtime(inner: timing_runtime::TimerResult) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl PyTimerResult {
    #[new]
    #[pyo3(signature = (name, duration_secs, iterations = None))]
    fn new(
        name: &Bound<'_, PyAny>,
        duration_secs: &Bound<'_, PyAny>,
        iterations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let name = args::string(name, "name")?;
        let duration = args::non_negative_seconds(duration_secs, "duration_secs")?;
        let iterations = args::count_or(iterations, "iterations", 1, 1)?;
        timing_runtime::TimerResult::new(name, duration, iterations)
            .map(Self::from_runtime)
            .map_err(timing_error)
    }

    /// The name of what was timed.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Total measured time in seconds.
    #[getter]
    fn duration_secs(&self) -> f64 {
        self.inner.duration_secs()
    }

    /// How many iterations the duration covers (at least 1).
    #[getter]
    fn iterations(&self) -> u64 {
        self.inner.iterations()
    }

    /// Seconds per iteration: ``duration_secs / iterations``.
    fn per_iteration(&self) -> f64 {
        self.inner.per_iteration()
    }

    /// Iterations per second: ``iterations / duration_secs`` (``inf`` for a zero duration).
    fn ops_per_second(&self) -> f64 {
        self.inner.ops_per_second()
    }

    /// The result as a plain dict (``name``, ``duration_secs``, ``iterations``,
    /// ``per_iteration``, ``ops_per_second``), ready for ``json.dumps``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("name", self.inner.name())?;
        d.set_item("duration_secs", self.inner.duration_secs())?;
        d.set_item("iterations", self.inner.iterations())?;
        d.set_item("per_iteration", self.inner.per_iteration())?;
        d.set_item("ops_per_second", self.inner.ops_per_second())?;
        Ok(d)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyTimerResult>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "TimerResult(name={}, duration={}, iterations={})",
            repr::quoted(py, self.inner.name())?,
            repr::duration(self.inner.duration_secs()),
            self.inner.iterations()
        ))
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// A named stopwatch that starts when it is created.
///
/// ``elapsed()`` is the time since the start in seconds; ``stop(iterations=1)`` freezes the
/// timer and returns a ``TimerResult`` (later ``elapsed()`` calls return the frozen value).
/// As a context manager, entering restarts the timer and leaving stops it and keeps the
/// result on ``timer.result``; an exception in the block is never swallowed.
#[pyclass(frozen, module = "performance_timing", name = "Timer")]
pub struct PyTimer {
    state: Mutex<TimerState>,
}

/// The timer and, once stopped by `stop()` or a `with` block, the iteration count of its
/// result. The `TimerResult` object is built when asked for, so a `with` block allocates
/// nothing.
struct TimerState {
    timer: timing_runtime::Timer,
    result_iterations: Option<u64>,
}

impl TimerState {
    fn result(&self) -> Option<PyResult<PyTimerResult>> {
        let iterations = self.result_iterations?;
        Some(
            timing_runtime::TimerResult::new(self.timer.name(), self.timer.elapsed(), iterations)
                .map(PyTimerResult::from_runtime)
                .map_err(timing_error),
        )
    }
}

impl PyTimer {
    fn lock(&self) -> MutexGuard<'_, TimerState> {
        // Nothing panics while holding the lock; recover the data if that ever changes.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[pymethods]
impl PyTimer {
    #[new]
    fn new(name: &Bound<'_, PyAny>) -> PyResult<Self> {
        let name = args::string(name, "name")?;
        Ok(Self {
            state: Mutex::new(TimerState {
                timer: timing_runtime::Timer::start(name),
                result_iterations: None,
            }),
        })
    }

    /// The timer's name.
    #[getter]
    fn name(&self) -> String {
        self.lock().timer.name().to_owned()
    }

    /// Seconds since the (re)start, or the frozen duration once stopped.
    fn elapsed(&self) -> f64 {
        self.lock().timer.elapsed_secs()
    }

    /// Stops the timer and returns its ``TimerResult`` for ``iterations`` iterations (≥ 1).
    /// Calling it again returns the same frozen duration.
    #[pyo3(signature = (iterations = None))]
    fn stop(&self, iterations: Option<&Bound<'_, PyAny>>) -> PyResult<PyTimerResult> {
        let iterations = args::count_or(iterations, "iterations", 1, 1)?;
        let mut state = self.lock();
        let result = state.timer.stop(iterations).map_err(timing_error)?;
        state.result_iterations = Some(iterations);
        Ok(PyTimerResult::from_runtime(result))
    }

    /// Starts the timer again from zero and forgets the last result.
    fn restart(&self) {
        let mut state = self.lock();
        state.timer.restart();
        state.result_iterations = None;
    }

    /// Whether the timer is stopped (frozen).
    #[getter]
    fn stopped(&self) -> bool {
        self.lock().timer.is_stopped()
    }

    /// The result of the last ``stop()`` or ``with`` block, or ``None``.
    #[getter]
    fn result(&self) -> PyResult<Option<PyTimerResult>> {
        self.lock().result().transpose()
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf.get().restart();
        slf
    }

    #[pyo3(signature = (_exc_type = None, _exc_value = None, _traceback = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        let mut state = self.lock();
        // A `stop()` inside the block already chose the iteration count: keep its result.
        if state.result_iterations.is_none() {
            state.timer.freeze();
            state.result_iterations = Some(1);
        }
        false
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let state = self.lock();
        let t = &state.timer;
        Ok(format!(
            "Timer(name={}, elapsed={}, stopped={})",
            repr::quoted(py, t.name())?,
            repr::duration(t.elapsed_secs()),
            repr::boolean(t.is_stopped())
        ))
    }
}
