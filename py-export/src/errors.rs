//! The one place where runtime errors become Python exceptions.

use pyo3::PyErr;
use pyo3::exceptions::{
    PyKeyboardInterrupt, PyMemoryError, PyOSError, PyRuntimeError, PyValueError,
};
use timing_runtime::export::http::NetError;
use timing_runtime::profile::NoOpenScope;
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
