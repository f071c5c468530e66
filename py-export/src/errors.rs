//! The one place where runtime errors become Python exceptions.

use pyo3::PyErr;
use pyo3::exceptions::{PyMemoryError, PyOSError, PyRuntimeError, PyValueError};
use timing_runtime::profile::{NoOpenScope, ProfileFileError};
use timing_runtime::{BenchError, TimingError};

/// Maps a [`TimingError`]: bad arguments → `ValueError`, allocation failures → `MemoryError`.
pub fn timing_error(e: TimingError) -> PyErr {
    match e {
        TimingError::InvalidArgument { .. } => PyValueError::new_err(e.to_string()),
        TimingError::Allocation { .. } => PyMemoryError::new_err(e.to_string()),
    }
}

/// Maps a benchmark failure: the Python exception raised by the user's function is returned
/// unchanged (type, message and traceback).
pub fn bench_error(e: BenchError<PyErr>) -> PyErr {
    match e {
        BenchError::Invalid(e) => timing_error(e),
        BenchError::Aborted(err) => err,
    }
}

/// Maps a `timed` scope ended where none is open (e.g. on another thread) → `RuntimeError`.
pub fn no_open_scope(e: NoOpenScope) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

/// Maps a profile file failure: the system's error → `OSError` (its subclass for the errno,
/// with the file name), an unreadable profile or a missing directory → `ValueError`.
pub fn profile_file_error(e: ProfileFileError) -> PyErr {
    match e {
        ProfileFileError::Io { path, source } => match source.raw_os_error() {
            Some(errno) => PyOSError::new_err((
                errno,
                source.to_string(),
                path.to_string_lossy().into_owned(),
            )),
            None => PyOSError::new_err(format!("{}: {source}", path.display())),
        },
        ProfileFileError::Invalid { .. } => PyValueError::new_err(e.to_string()),
    }
}
