//! `trace()` and the `Trace` class: span capture (`timing_runtime::profile::trace`) from Python.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use timing_runtime::export::file::write_atomically;
use timing_runtime::export::flamegraph::DEFAULT_TITLE;
use timing_runtime::profile::trace::{DEFAULT_CAPACITY, Session, Trace, start};

use crate::args;
use crate::errors::{io_error, trace_error};

enum State {
    Ready(usize),
    Recording(Session),
    Done(Arc<Trace>),
}

/// A trace of spans: every ``@timed`` Python function and ``#[timed]`` Rust function called
/// while it records, per thread, with start and end. Use it as a context manager — ``with
/// performance_timing.trace() as tr: run()`` — then ``tr.write_chrome_trace("trace.json")``
/// (ui.perfetto.dev or chrome://tracing) and ``tr.write_flamegraph("flame.svg", title="run")``.
/// ``len(tr)`` is the number of spans kept and ``tr.dropped`` the number dropped because a
/// thread's buffer was full; both, and the exports, are available once the block has ended.
#[pyclass(frozen, module = "performance_timing", name = "Trace")]
pub struct PyTrace {
    state: Mutex<State>,
}

impl PyTrace {
    pub(crate) fn finished(&self) -> PyResult<Arc<Trace>> {
        match &*self.state.lock().unwrap_or_else(|p| p.into_inner()) {
            State::Done(trace) => Ok(trace.clone()),
            _ => Err(PyRuntimeError::new_err(
                "the trace is not finished: use it after its `with` block has ended",
            )),
        }
    }
}

/// Captures spans of every thread while the returned ``Trace`` is entered as a context manager
/// (``with performance_timing.trace() as tr: …``), keeping at most ``capacity`` spans per
/// thread (``ValueError`` below 1). Entering while another trace records → ``RuntimeError``.
#[pyfunction]
#[pyo3(signature = (capacity = None), text_signature = "(capacity=1000000)")]
pub fn trace(capacity: Option<&Bound<'_, PyAny>>) -> PyResult<PyTrace> {
    let capacity = match capacity {
        Some(c) => args::size(c, "capacity", 1)?,
        None => DEFAULT_CAPACITY,
    };
    Ok(PyTrace {
        state: Mutex::new(State::Ready(capacity)),
    })
}

#[pymethods]
impl PyTrace {
    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        {
            let mut state = slf.get().state.lock().unwrap_or_else(|p| p.into_inner());
            let State::Ready(capacity) = *state else {
                return Err(PyRuntimeError::new_err(
                    "this trace was already entered: call performance_timing.trace() again",
                ));
            };
            *state = State::Recording(start(capacity).map_err(trace_error)?);
        }
        Ok(slf)
    }

    #[pyo3(signature = (_exc_type = None, _exc_value = None, _traceback = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let State::Recording(_) = &*state {
            let State::Recording(session) = std::mem::replace(&mut *state, State::Ready(0)) else {
                unreachable!("matched above");
            };
            *state = State::Done(Arc::new(session.finish()));
        }
        Ok(false)
    }

    fn __len__(&self) -> PyResult<usize> {
        Ok(self.finished()?.len())
    }

    /// The number of spans dropped because their thread's buffer was full.
    #[getter]
    fn dropped(&self) -> PyResult<u64> {
        Ok(self.finished()?.dropped())
    }

    /// Writes Chrome Trace Event JSON to ``path`` (open it in ui.perfetto.dev or
    /// chrome://tracing). Written to a temporary file, then renamed: on ``OSError`` nothing is
    /// left behind.
    fn write_chrome_trace(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let path: PathBuf = args::path(path, "path")?;
        let trace = self.finished()?;
        py.detach(|| write_atomically(&path, |w| trace.write_chrome_trace(w)))
            .map_err(|e| io_error(&path, e))
    }

    /// Folded stacks: ``"outer;inner;leaf 12345\n…"``, one line per stack, root first, with
    /// its self time in integer nanoseconds.
    fn folded(&self, py: Python<'_>) -> PyResult<String> {
        let trace = self.finished()?;
        Ok(py.detach(|| trace.folded()))
    }

    /// Writes the flame graph of ``folded()`` to ``path`` as an interactive SVG (inferno),
    /// with ``title`` on top; nothing is left behind on ``OSError``.
    #[pyo3(signature = (path, title = None), text_signature = "($self, path, title='Flame Graph')")]
    fn write_flamegraph(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        title: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let path: PathBuf = args::path(path, "path")?;
        let title = match title {
            Some(t) if !t.is_none() => args::string(t, "title")?,
            _ => DEFAULT_TITLE.to_owned(),
        };
        let trace = self.finished()?;
        py.detach(|| write_atomically(&path, |w| trace.write_flamegraph(w, &title)))
            .map_err(|e| io_error(&path, e))
    }

    fn __repr__(&self) -> String {
        match &*self.state.lock().unwrap_or_else(|p| p.into_inner()) {
            State::Ready(capacity) => format!("Trace(capacity={capacity}, not started)"),
            State::Recording(_) => "Trace(recording)".to_owned(),
            State::Done(t) => format!(
                "Trace(spans={}, dropped={}, duration={})",
                t.len(),
                t.dropped(),
                timing_runtime::format::nanos(t.duration_ns())
            ),
        }
    }
}
