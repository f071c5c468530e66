//! `Timer` and `TimerResult` for Python.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};
use pyo3::{PyTypeInfo, ffi};
use timing_runtime::clock;
use timing_runtime::timer::Stopwatch;

use crate::dispatch::{self, FastMethod, MethodDef, guarded};
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
///
/// Clock: the CPU's time-stamp counter (invariant TSC, read with one ``rdtsc``), converted to
/// nanoseconds with a ratio calibrated once per process against the OS monotonic clock (its
/// rate agrees with ``perf_counter()``'s to a few parts in 10⁵); resolution 1 ns. Without an
/// invariant TSC, the OS monotonic clock.
#[pyclass(frozen, immutable_type, module = "performance_timing", name = "Timer")]
pub struct PyTimer {
    name: Name,
    watch: Stopwatch,
    /// The iteration count of the result of `stop()` or a `with` block; 0 for none. The
    /// `TimerResult` object is built when asked for, so a `with` block allocates nothing.
    result_iterations: AtomicU64,
}

/// The timer's name, replaced when the calling thread's recycled timer is reset for
/// `Timer(name)` (see `dispatch::recycle`).
struct Name(UnsafeCell<Py<PyString>>);

// SAFETY: the name is replaced only by `PyTimer::reset`, while nothing but the recycling pool
// refers to the timer, so no other thread (nor this one) can be reading it.
unsafe impl Sync for Name {}

impl Name {
    fn get<'py>(&self, py: Python<'py>) -> &Bound<'py, PyString> {
        // SAFETY: see `Sync`: no replacement can run while the timer is in use.
        unsafe { (*self.0.get()).bind(py) }
    }
}

/// `Timer`'s number among the classes `dispatch::recycle` keeps objects of.
const RECYCLED_CLASS: usize = 0;

impl PyTimer {
    /// A timer called `name` (a `str` that converts to UTF-8), started now.
    fn started(name: Bound<'_, PyString>) -> PyResult<Self> {
        let name = args::py_string(name.as_any(), "name")?;
        Ok(Self {
            name: Name(UnsafeCell::new(name.unbind())),
            watch: Stopwatch::start(),
            result_iterations: AtomicU64::new(0),
        })
    }

    /// `Timer(name)`: the calling thread's recycled timer reset, or a new one.
    fn create<'py>(name: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        args::py_string(name.as_any(), "name")?;
        let py = name.py();
        dispatch::recycle(
            py,
            RECYCLED_CLASS,
            // SAFETY: `recycle` resets only objects nothing else refers to, of this class.
            |timer| {
                unsafe { timer.cast_unchecked::<PyTimer>() }
                    .get()
                    .reset(name)
            },
            || Ok(Bound::new(py, Self::started(name.clone())?)?.into_any()),
        )
    }

    /// Makes this timer what `started(name)` makes. Only for a timer nothing else refers to.
    fn reset(&self, name: &Bound<'_, PyString>) {
        // SAFETY: nothing else refers to the timer (the caller's promise), so nothing reads
        // the name meanwhile; the old name is released after the replacement.
        let old = unsafe { std::ptr::replace(self.name.0.get(), name.clone().unbind()) };
        drop(old.into_bound(name.py()));
        self.result_iterations.store(0, Ordering::Relaxed);
        self.watch.restart();
    }

    fn result_with(&self, py: Python<'_>, iterations: u64) -> PyResult<PyTimerResult> {
        let duration = Duration::from_nanos(self.watch.elapsed_nanos());
        timing_runtime::TimerResult::new(self.name.get(py).to_str()?, duration, iterations)
            .map(PyTimerResult::from_runtime)
            .map_err(timing_error)
    }

    /// Starts it again from zero and forgets the last result.
    fn restart(&self) {
        self.result_iterations.store(0, Ordering::Relaxed);
        self.watch.restart();
    }

    /// Stops it, keeping the result of a `stop()` made inside the block.
    fn finish_block(&self) {
        self.watch.freeze();
        // A `stop()` inside the block already chose the iteration count: keep its result.
        // (A plain load and store: a timer stopped from two threads at once has no one result.)
        if self.result_iterations.load(Ordering::Relaxed) == 0 {
            self.result_iterations.store(1, Ordering::Relaxed);
        }
    }
}

#[pymethods]
impl PyTimer {
    #[new]
    fn new(name: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::started(args::py_string(name, "name")?)
    }

    /// The timer's name.
    #[getter]
    fn name<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        self.name.get(py).clone()
    }

    /// Seconds since the (re)start, or the frozen duration once stopped.
    fn elapsed(&self) -> f64 {
        clock::nanos_to_secs(self.watch.elapsed_nanos())
    }

    /// Stops the timer and returns its ``TimerResult`` for ``iterations`` iterations (≥ 1).
    /// Calling it again returns the same frozen duration.
    #[pyo3(signature = (iterations = None))]
    fn stop(
        &self,
        py: Python<'_>,
        iterations: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTimerResult> {
        let iterations = args::count_or(iterations, "iterations", 1, 1)?;
        self.watch.freeze();
        self.result_iterations.store(iterations, Ordering::Relaxed);
        self.result_with(py, iterations)
    }

    /// Starts the timer again from zero and forgets the last result.
    #[pyo3(name = "restart")]
    fn py_restart(&self) {
        self.restart();
    }

    /// Whether the timer is stopped (frozen).
    #[getter]
    fn stopped(&self) -> bool {
        self.watch.is_stopped()
    }

    /// The result of the last ``stop()`` or ``with`` block, or ``None``.
    #[getter]
    fn result(&self, py: Python<'_>) -> PyResult<Option<PyTimerResult>> {
        match self.result_iterations.load(Ordering::Relaxed) {
            0 => Ok(None),
            iterations => self.result_with(py, iterations).map(Some),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Timer(name={}, elapsed={}, stopped={})",
            self.name.get(py).repr()?,
            repr::duration(self.elapsed()),
            repr::boolean(self.stopped())
        ))
    }
}

static ENTER: MethodDef = MethodDef::new(
    c"__enter__",
    ffi::PyMethodDefPointer { PyCFunction: enter },
    ffi::METH_NOARGS,
    c"__enter__($self, /)\n--\n\nRestarts the timer; returns it.",
);
static EXIT: MethodDef = MethodDef::new(
    c"__exit__",
    ffi::PyMethodDefPointer {
        PyCFunctionFast: exit,
    },
    ffi::METH_FASTCALL,
    c"__exit__($self, exc_type=None, exc_value=None, traceback=None, /)\n--\n\n\
      Stops the timer and keeps its result (never swallows the block's exception).",
);

/// Installs the short ways in for `Timer("x")` and `with` (see `dispatch`).
pub fn install(py: Python<'_>) -> PyResult<()> {
    let ty = PyTimer::type_object(py);
    FastMethod::install(&ENTER, &ty, None)?;
    FastMethod::install(&EXIT, &ty, None)?;
    dispatch::install_constructor(&ty, construct);
    Ok(())
}

/// The timer a method was called on.
///
/// # Safety
/// `slf` is the `self` CPython passes to a method of `Timer`.
#[inline(always)]
unsafe fn this<'a>(py: Python<'_>, slf: *mut ffi::PyObject) -> &'a PyTimer {
    // SAFETY: as the caller promises.
    unsafe { dispatch::receiver(py, slf) }
}

/// `__enter__`: restarts the timer; returns it.
unsafe extern "C" fn enter(slf: *mut ffi::PyObject, _: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the thread attached, `slf` a `Timer`.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        unsafe { this(py, slf) }.restart();
        // SAFETY: `slf` is alive; the new reference is the return value.
        unsafe { ffi::Py_INCREF(slf) };
        Ok(slf)
    })
}

/// `__exit__`: stops the timer, keeping a result `stop()` made inside the block (its
/// arguments are ignored; returns `False`).
unsafe extern "C" fn exit(
    slf: *mut ffi::PyObject,
    _args: *mut *mut ffi::PyObject,
    _nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the thread attached, `slf` a `Timer`.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        unsafe { this(py, slf) }.finish_block();
        Ok(PyBool::new(py, false).to_owned().into_any().into_ptr())
    })
}

/// `Timer(...)` as CPython's vectorcall of the class: `Timer("x")` makes the timer at once;
/// every other form is the ordinary class call (`__new__`).
unsafe extern "C" fn construct(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a class's vectorcall with the thread attached and its arguments.
    unsafe {
        dispatch::construct_by_name(callable, args, nargsf, kwnames, |name| {
            PyTimer::create(name).map(Bound::into_ptr)
        })
    }
}
