//! `snapshot`, `reset`, `set_enabled` and `is_enabled`.

use pyo3::prelude::*;
use timing_runtime::profile;

use super::snapshot::PySnapshot;
use crate::args;

/// Takes an immutable snapshot of the global profile (every ``#[timed]`` Rust function and
/// Python ``timed`` block recorded so far). Recording threads are not stopped.
#[pyfunction]
pub fn snapshot(py: Python<'_>) -> PySnapshot {
    PySnapshot::new(py.detach(profile::snapshot))
}

/// Clears the global profile in every thread.
#[pyfunction]
pub fn reset() {
    profile::reset();
}

/// Turns recording on or off (off, an instrumented call costs one relaxed atomic load).
#[pyfunction]
pub fn set_enabled(enabled: &Bound<'_, PyAny>) -> PyResult<()> {
    profile::set_enabled(args::boolean(enabled, "enabled")?);
    Ok(())
}

/// Whether recording is on (it is by default).
#[pyfunction]
pub fn is_enabled() -> bool {
    profile::is_enabled()
}
