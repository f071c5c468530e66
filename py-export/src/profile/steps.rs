//! `_Steps`: a timed Python coroutine, generator or async generator, resumed step by step.
//!
//! The decorator's wrappers (`performance_timing._timed`) delegate to a `_Steps` object with
//! `await` / `yield from`: every resumption (`send`, `throw`, `__next__`, `close`) goes through
//! it and is one step of a `profile::AsyncCall` — the accounting `#[timed]` Rust futures use,
//! so both languages measure calls that run in steps the same way (see
//! `timing_runtime::profile::task`). An async generator's call is shared by the `_Steps` of
//! each awaitable its wrapper awaits (`asend`, `athrow`, `aclose`), made with `_next`.

use std::cell::UnsafeCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::exceptions::{PyStopIteration, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use timing_runtime::profile::{AsyncCall, CallSite};

/// How the end of the wrapped iterator's resumption maps to the end of the call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A coroutine or generator: returning (`StopIteration`) or raising finishes the call.
    Whole,
    /// An async generator's `__anext__`/`asend`/`athrow` awaitable: `StopIteration` is a
    /// value yielded; `StopAsyncIteration` or another exception finishes the call.
    Item,
    /// An async generator's `aclose` awaitable: its end, either way, finishes the call.
    Closing,
}

impl Mode {
    fn from_int(mode: u8) -> PyResult<Self> {
        match mode {
            0 => Ok(Self::Whole),
            1 => Ok(Self::Item),
            2 => Ok(Self::Closing),
            _ => Err(PyValueError::new_err(format!(
                "mode must be 0, 1 or 2, got {mode}"
            ))),
        }
    }
}

/// One call, shared by the `_Steps` of an async generator.
struct Call {
    /// Set while a resumption runs: the call is then borrowed by that resumption only.
    running: AtomicBool,
    call: UnsafeCell<AsyncCall>,
}

// SAFETY: `call` is only touched by the holder of `running` (an exclusive flag taken with an
// atomic swap), and `AsyncCall` is `Send`.
unsafe impl Sync for Call {}

/// Clears `running` when the resumption ends (also on unwinding).
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// A resumption.
enum Resume<'py> {
    Send(Bound<'py, PyAny>),
    Throw(Bound<'py, PyTuple>),
    Close,
}

/// A timed call of a coroutine, generator or async generator, driven step by step (made by
/// ``timed._steps``; used by the decorator's wrappers).
#[pyclass(frozen, module = "performance_timing", name = "_Steps")]
pub struct PySteps {
    inner: Py<PyAny>,
    call: Arc<Call>,
    mode: Mode,
}

impl PySteps {
    /// A new call of `site` driving `inner`.
    pub(super) fn start(site: &'static CallSite, inner: Py<PyAny>, mode: u8) -> PyResult<Self> {
        Ok(Self {
            inner,
            call: Arc::new(Call {
                running: AtomicBool::new(false),
                call: UnsafeCell::new(AsyncCall::new(site)),
            }),
            mode: Mode::from_int(mode)?,
        })
    }

    fn resume<'py>(&self, py: Python<'py>, how: Resume<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.inner.bind(py);
        let forward = |how: Resume<'py>| match how {
            Resume::Send(value) => inner.call_method1(intern!(py, "send"), (value,)),
            Resume::Throw(args) => inner.call_method1(intern!(py, "throw"), args),
            Resume::Close => inner.call_method0(intern!(py, "close")),
        };
        if self.call.running.swap(true, Ordering::Acquire) {
            return Err(PyValueError::new_err("generator already executing"));
        }
        let _running = Running(&self.call.running);
        // SAFETY: this resumption holds `running`, so it is the only one touching the call;
        // the reference does not outlive `_running`.
        let call = unsafe { &mut *self.call.call.get() };
        // Closing or throwing into a call that never started runs none of it: not a step.
        if call.is_finished() || (!call.is_started() && !matches!(how, Resume::Send(_))) {
            return forward(how);
        }
        let closing = matches!(how, Resume::Close);
        let step = call.begin_step();
        let result = forward(how);
        let finished = match (self.mode, &result) {
            (Mode::Whole | Mode::Closing, result) => closing || result.is_err(),
            (Mode::Item, Ok(_)) => false,
            (Mode::Item, Err(e)) => !e.is_instance_of::<PyStopIteration>(py),
        };
        call.end_step(step, finished);
        result
    }
}

#[pymethods]
impl PySteps {
    fn __await__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.resume(py, Resume::Send(py.None().into_bound(py)))
    }

    /// Resumes the wrapped iterator with ``value`` (one step of the call).
    fn send<'py>(&self, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.resume(value.py(), Resume::Send(value))
    }

    /// Throws an exception into the wrapped iterator (one step of the call).
    #[pyo3(signature = (*args))]
    fn throw<'py>(&self, args: Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.resume(args.py(), Resume::Throw(args))
    }

    /// Closes the wrapped iterator (its last step).
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.resume(py, Resume::Close)
    }

    /// Drives ``inner`` as a further part of the same call (an async generator's next
    /// awaitable; ``mode`` 1: an item, 2: the closing).
    fn _next(&self, inner: Py<PyAny>, mode: u8) -> PyResult<Self> {
        Ok(Self {
            inner,
            call: self.call.clone(),
            mode: Mode::from_int(mode)?,
        })
    }
}
