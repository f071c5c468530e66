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
    // Python runs signal handlers on its main thread only: elsewhere there is nothing to poll
    // (and taking the GIL every 10 ms would only slow the other threads down).
    let cancel = if on_main_thread(py) {
        Cancel::with_hook(move || {
            Python::attach(|py| match py.check_signals() {
                Ok(()) => false,
                Err(e) => {
                    *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                    true
                }
            })
        })
    } else {
        Cancel::new()
    };
    let result = py.detach(|| cancel.run(work));
    // A handler's exception is never lost, even if the work finished before it noticed.
    if let Some(e) = raised.lock().unwrap_or_else(PoisonError::into_inner).take() {
        return Err(e);
    }
    result.map_err(timing_error)
}

/// Whether the calling thread is Python's main thread (the one that runs signal handlers).
fn on_main_thread(py: Python<'_>) -> bool {
    let ident = |py: Python<'_>| -> PyResult<bool> {
        let threading = py.import("threading")?;
        let main = threading.call_method0("main_thread")?.getattr("ident")?;
        let current = threading.call_method0("get_ident")?;
        main.eq(current)
    };
    // When in doubt, poll: a useless poll costs little, a missing one ignores Ctrl-C.
    ident(py).unwrap_or(true)
}
