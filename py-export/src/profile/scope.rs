//! `timed`: Python code in the global profile, next to `#[timed]` Rust functions.
//!
//! A named `timed` object is a prepared call site of the runtime; entering it opens a
//! `profile::Span` on the calling thread's scope stack (`profile::enter_scope`), leaving it
//! closes and records the span — the same recorders (and span hooks) as `#[timed]`. There is
//! one object per site for the life of the process ([`super::sites`]); `timed("stage")` finds
//! it through a per-thread cache keyed by (calling module, name). [`super::fast`] holds the
//! C entry points of that call, of `__enter__`/`__exit__` and of `_call`. The decorator's
//! wrappers are made by `performance_timing._timed` (plain Python functions, so
//! `functools.wraps`, `inspect` and method binding behave as for any function); a synchronous
//! one calls `_call`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use pyo3::{ffi, intern};
use timing_runtime::profile::{self, CallSite};

use super::sites;
use super::steps::PySteps;
use crate::args::{self, type_name};
use crate::errors::no_open_scope;
use crate::repr;

/// Records Python code into the global profile, next to ``#[timed]`` Rust functions.
///
/// As a decorator — ``@timed``, ``@timed("name")``, ``@timed(name="name")`` or ``@timed()`` —
/// every call of the function is recorded (under its ``__qualname__`` by default); the
/// wrapper keeps the function's ``__name__``, ``__doc__`` and signature (``functools.wraps``)
/// and works on methods, ``classmethod`` and ``staticmethod``. As a context manager —
/// ``with timed("stage"):`` — the block is recorded; the same object may be entered again,
/// nested, and from several threads. ``timed("stage")`` returns the one object of that name
/// in the calling module, ready at once (writing it inline constructs nothing).
///
/// Self time is exclusive across the language boundary: Rust ``#[timed]`` functions called
/// inside count as children. A coroutine, generator or async generator function is timed
/// from its first step to its end (wall time, across suspensions); each resumption is a step
/// on the thread that runs it, its self time is the time in its own steps minus timed frames
/// nested in them, and the time suspended is its idle time. A ``with`` block inside such a
/// call belongs to the call (its task), not to the thread: across an ``await`` it never
/// contains another task's work. A scope must end on the thread that started it (``RuntimeError``, nothing
/// recorded). Each distinct (module, name) is a call site kept for the life of the process.
#[pyclass(frozen, immutable_type, module = "performance_timing", name = "timed")]
pub struct PyTimed {
    site: Option<&'static CallSite>,
    /// `__enter__` and `__exit__` bound to this object (made on first use, see
    /// [`super::fast`]). They refer back to the object, which lives as long as its call site
    /// anyway: the process.
    bound: [PyOnceLock<Py<PyAny>>; 2],
}

impl PyTimed {
    fn new_object<'py>(
        py: Python<'py>,
        site: Option<&'static CallSite>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bound = [PyOnceLock::new(), PyOnceLock::new()];
        Ok(Bound::new(py, Self { site, bound })?.into_any())
    }

    /// The cells of the bound `__enter__` and `__exit__`, for a named object (an unnamed one
    /// is not kept for the life of the process, so it keeps none).
    pub(super) fn keeps_bound(&self) -> Option<&[PyOnceLock<Py<PyAny>>; 2]> {
        self.site.map(|_| &self.bound)
    }

    pub(super) fn site(&self) -> PyResult<&'static CallSite> {
        self.site.ok_or_else(|| {
            PyTypeError::new_err("timed() needs a name when used as a context manager")
        })
    }
}

/// `performance_timing._timed._decorate`, imported on first decoration (the import of the
/// package stays light, and `_timed` imports this module).
static DECORATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn decorate<'py>(
    func: &Bound<'py, PyAny>,
    name: Option<Bound<'py, PyString>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = func.py();
    let decorate = DECORATE.get_or_try_init(py, || {
        py.import("performance_timing._timed")?
            .getattr("_decorate")
            .map(Bound::unbind)
    })?;
    decorate.bind(py).call1((func, name))
}

/// `__name__` of the calling Python code's module (`"python"` when there is none).
fn calling_module(py: Python<'_>) -> Bound<'_, PyString> {
    let key = intern!(py, "__name__");
    // SAFETY: called with the thread attached. `PyEval_GetGlobals` borrows the executing
    // frame's globals (NULL when no Python frame runs); `PyDict_GetItemWithError` borrows the
    // value (NULL when absent, with an error set only on failure, which is cleared: the
    // fallback name is used then), taken as a new reference at once.
    unsafe {
        let globals = ffi::PyEval_GetGlobals();
        if !globals.is_null() && ffi::PyDict_Check(globals) != 0 {
            let module = ffi::PyDict_GetItemWithError(globals, key.as_ptr());
            if !module.is_null() && ffi::PyUnicode_Check(module) != 0 {
                return Bound::from_borrowed_ptr(py, module).cast_into_unchecked();
            }
            if module.is_null() {
                ffi::PyErr_Clear();
            }
        }
    }
    intern!(py, "python").clone()
}

/// The object of `name` in `module`.
fn of_pair<'py>(
    module: &Bound<'py, PyString>,
    name: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    sites::of_pair(module, name, |py, site| PyTimed::new_object(py, Some(site)))
}

/// `timed(name)` with a `str`: the object of `name` in the calling module.
#[inline(always)]
pub(super) fn named<'py>(name: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
    let module = calling_module(name.py());
    sites::cached(
        &module,
        name,
        |name| args::non_empty_py_string(name.as_any(), "name").map(drop),
        |py, site| PyTimed::new_object(py, Some(site)),
    )
}

/// `timed(...)` with any arguments: a named object, an unnamed decorator factory, or (given a
/// function) the decorated function.
pub(super) fn construct<'py>(
    py: Python<'py>,
    name: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let name = name.filter(|n| !n.is_none());
    if let (Some(name), None) = (name, kwargs) {
        if let Ok(name) = name.cast::<PyString>() {
            return named(name);
        }
    }
    let mut keyword = None;
    if let Some(kwargs) = kwargs {
        let mut unknown: Vec<String> = Vec::new();
        for (key, value) in kwargs.iter() {
            if key.cast::<PyString>().is_ok_and(|k| k == "name") {
                keyword = Some(value).filter(|v| !v.is_none());
            } else {
                unknown.push(key.str()?.to_string());
            }
        }
        if let Some(first) = unknown.iter().min() {
            return Err(PyTypeError::new_err(format!(
                "timed() got an unexpected keyword argument {}",
                repr::quoted(py, first)?
            )));
        }
    }
    if let Some(func) = name {
        if !func.is_instance_of::<PyString>() && (func.is_callable() || is_method_wrapper(func)) {
            // Bare `@timed` (or `timed(func, name="n")`).
            let keyword = keyword
                .as_ref()
                .map(|k| args::non_empty_py_string(k, "name"))
                .transpose()?;
            return decorate(func, keyword);
        }
    }
    match (name.cloned(), keyword) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(
            "timed() takes the name once: positionally or as name=",
        )),
        (Some(n), None) | (None, Some(n)) => {
            of_pair(&calling_module(py), &args::non_empty_py_string(&n, "name")?)
        }
        (None, None) => PyTimed::new_object(py, None),
    }
}

/// A `classmethod` or `staticmethod` object (not callable before Python 3.10, decorated all
/// the same).
fn is_method_wrapper(obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: the type objects are statics of the interpreter, valid while it runs.
    unsafe {
        let ty = ffi::Py_TYPE(obj.as_ptr());
        ffi::PyType_IsSubtype(ty, &raw mut ffi::PyClassMethod_Type) != 0
            || ffi::PyType_IsSubtype(ty, &raw mut ffi::PyStaticMethod_Type) != 0
    }
}

/// `_scope(module, name)`: the `timed` object of `name` in an explicit module (what the
/// decorator records a function under).
#[pyfunction]
#[pyo3(name = "_scope")]
pub fn scope<'py>(
    module: &Bound<'py, PyAny>,
    name: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = module.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("module must be a str, not {}", type_name(module)))
    })?;
    of_pair(module, &args::non_empty_py_string(name, "name")?)
}

#[pymethods]
impl PyTimed {
    #[new]
    #[pyo3(signature = (func_or_name = None, /, **kwargs))]
    fn py_new<'py>(
        py: Python<'py>,
        func_or_name: Option<&Bound<'py, PyAny>>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        construct(py, func_or_name, kwargs)
    }

    /// The scope's name (``None`` for an unnamed ``timed()`` decorator factory).
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.site.and_then(CallSite::explicit_name)
    }

    /// Starts the scope on the calling thread.
    fn enter(&self) -> PyResult<()> {
        profile::enter_scope(self.site()?);
        Ok(())
    }

    /// Ends and records the innermost open scope of this name on the calling thread
    /// (``RuntimeError`` when there is none, e.g. on another thread).
    fn exit(&self) -> PyResult<()> {
        profile::exit_scope(self.site()?).map_err(no_open_scope)
    }

    /// One call of the scope that runs in steps, driving ``inner`` (a coroutine or generator;
    /// with ``mode`` 1, an async generator's first ``__anext__()`` awaitable): what the
    /// decorator's wrappers of coroutine, generator and async generator functions delegate to.
    #[pyo3(signature = (inner, mode = 0))]
    fn _steps(&self, inner: Py<PyAny>, mode: u8) -> PyResult<PySteps> {
        PySteps::start(self.site()?, inner, mode)
    }

    /// Decorates ``func`` (``@timed("name")`` / ``@timed()``).
    fn __call__<'py>(&self, func: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let name = self.name().map(|n| PyString::new(func.py(), n));
        decorate(func, name)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(match self.name() {
            Some(name) => format!("timed({})", repr::quoted(py, name)?),
            None => "timed(None)".to_owned(),
        })
    }
}
