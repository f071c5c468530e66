//! The one place where runtime errors become Python exceptions.

use pyo3::PyErr;
use std::path::Path;

use pyo3::exceptions::{
    PyFileExistsError, PyFileNotFoundError, PyIsADirectoryError, PyKeyboardInterrupt,
    PyMemoryError, PyNotADirectoryError, PyOSError, PyPermissionError, PyRuntimeError,
    PyValueError,
};
use timing_runtime::export::http::NetError;
use timing_runtime::profile::trace::TraceError;
use timing_runtime::profile::{NoOpenScope, ProfileFileError};
use timing_runtime::{BenchError, TimingError};

/// Maps a [`TimingError`]: bad arguments → `ValueError`, allocation failures →
/// `MemoryError`, threads the OS refused → `RuntimeError`, cancelled work → `KeyboardInterrupt`.
pub fn timing_error(e: TimingError) -> PyErr {
    match e {
        TimingError::InvalidArgument { .. } => PyValueError::new_err(e.to_string()),
        TimingError::Allocation { .. } => PyMemoryError::new_err(e.to_string()),
        TimingError::ThreadStart { .. } => PyRuntimeError::new_err(e.to_string()),
        TimingError::Interrupted => PyKeyboardInterrupt::new_err(e.to_string()),
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

/// Maps a failure to serve or push metrics: a malformed argument → `ValueError`; the network
/// (bind, connect, I/O; the `OSError` subclass of the error's kind) or a refusing server →
/// `OSError`.
pub fn net_error(e: NetError) -> PyErr {
    match e {
        NetError::Invalid(e) => timing_error(e),
        NetError::Io { ref source, .. } => {
            PyErr::from(std::io::Error::new(source.kind(), e.to_string()))
        }
        NetError::Status { .. } => PyOSError::new_err(e.to_string()),
    }
}

/// Maps a trace session that cannot start: another is active, or this runtime is a guest
/// (the host starts traces) → `RuntimeError`; a bad
/// capacity → `ValueError`.
pub fn trace_error(e: TraceError) -> PyErr {
    match e {
        TraceError::AlreadyActive | TraceError::Hosted => PyRuntimeError::new_err(e.to_string()),
        TraceError::Invalid(e) => timing_error(e),
    }
}

/// Maps a failed file write to the `OSError` subclass Python would raise, with `errno`,
/// message and `filename` set.
pub fn io_error(path: &Path, e: std::io::Error) -> PyErr {
    use std::io::ErrorKind;
    let text = e.to_string();
    // Python's own messages carry no "(os error N)" suffix: the errno is its own field.
    let message = match text.rfind(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    let args = (
        e.raw_os_error().unwrap_or(0),
        message,
        path.to_string_lossy().into_owned(),
    );
    match e.kind() {
        ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
        ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
        ErrorKind::IsADirectory => PyIsADirectoryError::new_err(args),
        ErrorKind::NotADirectory => PyNotADirectoryError::new_err(args),
        ErrorKind::AlreadyExists => PyFileExistsError::new_err(args),
        _ => PyOSError::new_err(args),
    }
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
