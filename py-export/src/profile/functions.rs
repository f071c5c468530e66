//! `snapshot`, `reset`, `set_enabled`, `is_enabled`, `dump` and `load_dir`.

use pyo3::prelude::*;
use timing_runtime::profile;

use super::snapshot::PySnapshot;
use crate::args;
use crate::errors::profile_file_error;

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

/// Writes this process's profile into ``dir`` (default: ``$PERFORMANCE_TIMING_DIR``) and
/// returns the file's path. In multi-process mode (the variable set when the process first
/// recorded) that is the process's live ``.ptprof`` file, synced to disk; otherwise a
/// ``host-pid-start.json`` snapshot. No directory → ``ValueError``; a failed write →
/// ``OSError``.
#[pyfunction]
#[pyo3(signature = (dir = None))]
pub fn dump(py: Python<'_>, dir: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let dir = match dir {
        Some(d) if !d.is_none() => Some(args::path(d, "dir")?),
        _ => None,
    };
    py.detach(|| profile::dump(dir.as_deref()))
        .map(|p| p.to_string_lossy().into_owned())
        .map_err(profile_file_error)
}

/// Merges the profiles of every process in directory ``path`` (the ``.ptprof`` files of
/// multi-process mode and the ``.json`` files of ``dump()``) into one ``Snapshot``, counting
/// each process once. A missing directory → ``OSError``; an unreadable profile file →
/// ``ValueError`` naming it.
#[pyfunction]
pub fn load_dir(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<PySnapshot> {
    let path = args::path(path, "path")?;
    py.detach(|| profile::load_dir(&path))
        .map(PySnapshot::new)
        .map_err(profile_file_error)
}
