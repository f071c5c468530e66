//! Long runtime work with the GIL released, stopped by Ctrl-C.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use timing_runtime::TimingError;
use timing_runtime::cancel::Cancel;

use crate::errors::timing_error;

/// Runs `work` with the GIL released, under a [`Cancel`] whose hook checks Python's signals
/// (on the calling thread, between timed passes, at most every
/// [`POLL_INTERVAL`](timing_runtime::cancel::POLL_INTERVAL)). An exception raised by a signal
/// handler (`KeyboardInterrupt` for Ctrl-C) stops the work, which returns within a pass, and is
/// raised here once the work has stopped; other errors are mapped by [`timing_error`].
pub fn detached<R: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<R, TimingError> + Send,
) -> PyResult<R> {
    let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let slot = raised.clone();
    let cancel = Cancel::with_hook(move || {
        Python::attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(e) => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                true
            }
        })
    });
    let result = py.detach(|| cancel.run(work));
    // A handler's exception is never lost, even if the work finished before it noticed.
    if let Some(e) = raised.lock().unwrap_or_else(PoisonError::into_inner).take() {
        return Err(e);
    }
    result.map_err(timing_error)
}
