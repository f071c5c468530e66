//! `timed`'s hot entry points as C functions CPython calls directly (see `crate::dispatch`),
//! installed once at import ([`install`]):
//!
//! * **construction** — `timed("stage")` — as the class's vectorcall: a lone `str` goes
//!   straight to the per-thread cache ([`super::sites`]); every other form is the ordinary
//!   class call (`__new__`, [`scope::construct`]);
//! * **`__enter__` / `__exit__`** as built-in methods whose bodies open and close the span,
//!   bound once per named object (each is its site's one object for the life of the process)
//!   and handed out again ([`FastMethod`]);
//! * **`_call`** (the body of a decorated function's wrapper) as a built-in method.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBool;
use pyo3::{PyTypeInfo, ffi};
use timing_runtime::profile::{self, Span};

use super::scope::{self, PyTimed};
use crate::dispatch::{self, FastMethod, MethodDef, guarded};
use crate::errors::no_open_scope;

static ENTER: MethodDef = MethodDef::new(
    c"__enter__",
    ffi::PyMethodDefPointer { PyCFunction: enter },
    ffi::METH_NOARGS,
    c"__enter__($self, /)\n--\n\nStarts the scope on the calling thread; returns the scope.",
);
static EXIT: MethodDef = MethodDef::new(
    c"__exit__",
    ffi::PyMethodDefPointer {
        PyCFunctionFast: exit,
    },
    ffi::METH_FASTCALL,
    c"__exit__($self, exc_type=None, exc_value=None, traceback=None, /)\n--\n\n\
      Ends and records the scope (never swallows the block's exception).",
);
static CALL: MethodDef = MethodDef::new(
    c"_call",
    ffi::PyMethodDefPointer {
        PyCFunctionFast: call,
    },
    ffi::METH_FASTCALL,
    c"_call($self, func, args, kwargs, /)\n--\n\n\
      ``func(*args, **kwargs)`` as one recorded call of the scope.",
);

/// Installs the short ways in on `timed`.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let ty = PyTimed::type_object(py);
    FastMethod::install(&ENTER, &ty, Some(kept_enter))?;
    FastMethod::install(&EXIT, &ty, Some(kept_exit))?;
    CALL.install(&ty)?;
    dispatch::install_constructor(&ty, construct);
    Ok(())
}

/// A named `timed` object is its site's one object for the life of the process: it keeps its
/// bound `__enter__` (unnamed ones use the pool).
///
/// # Safety
/// `obj` is a live `timed` object.
unsafe fn kept_enter(obj: *mut ffi::PyObject) -> Option<*const PyOnceLock<Py<PyAny>>> {
    // SAFETY: as the caller promises; CPython calls descriptors with the thread attached.
    let this = unsafe { this(Python::assume_attached(), obj) };
    this.keeps_bound().map(|[enter, _]| enter as *const _)
}

/// As [`kept_enter`], for `__exit__`.
///
/// # Safety
/// `obj` is a live `timed` object.
unsafe fn kept_exit(obj: *mut ffi::PyObject) -> Option<*const PyOnceLock<Py<PyAny>>> {
    // SAFETY: as the caller promises; CPython calls descriptors with the thread attached.
    let this = unsafe { this(Python::assume_attached(), obj) };
    this.keeps_bound().map(|[_, exit]| exit as *const _)
}

/// The `timed` object a method was called on.
///
/// # Safety
/// `slf` is the `self` CPython passes to a method of `timed`.
#[inline(always)]
unsafe fn this<'a>(py: Python<'_>, slf: *mut ffi::PyObject) -> &'a PyTimed {
    // SAFETY: as the caller promises.
    unsafe { dispatch::receiver(py, slf) }
}

/// `__enter__`: opens the span; returns the object.
unsafe extern "C" fn enter(slf: *mut ffi::PyObject, _: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the thread attached, `slf` a `timed` object.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        let this = unsafe { this(py, slf) };
        profile::enter_scope(this.site()?);
        // SAFETY: `slf` is alive; the new reference is the return value.
        unsafe { ffi::Py_INCREF(slf) };
        Ok(slf)
    })
}

/// `__exit__`: closes and records the span (its arguments are ignored; returns `False`).
unsafe extern "C" fn exit(
    slf: *mut ffi::PyObject,
    _args: *mut *mut ffi::PyObject,
    _nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the thread attached, `slf` a `timed` object.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        let this = unsafe { this(py, slf) };
        profile::exit_scope(this.site()?).map_err(no_open_scope)?;
        Ok(PyBool::new(py, false).to_owned().into_any().into_ptr())
    })
}

/// `_call(func, args, kwargs)`: `func(*args, **kwargs)` inside a span.
unsafe extern "C" fn call(
    slf: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the thread attached, `slf` a `timed` object.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        let this = unsafe { this(py, slf) };
        if nargs != 3 {
            return Err(PyTypeError::new_err(
                "_call() takes 3 arguments: func, args, kwargs",
            ));
        }
        // SAFETY: CPython passes `nargs` borrowed arguments; the checks read types only.
        let (func, tuple, dict) = unsafe { (*args, *args.add(1), *args.add(2)) };
        if unsafe { ffi::PyTuple_Check(tuple) == 0 || ffi::PyDict_Check(dict) == 0 } {
            return Err(PyTypeError::new_err(
                "_call() needs a tuple of arguments and a dict of keyword arguments",
            ));
        }
        let span = Span::open(this.site()?);
        // SAFETY: live objects of the right types; the result is a new reference, or NULL
        // with the callee's exception set, returned as it is.
        let result = unsafe { ffi::PyObject_Call(func, tuple, dict) };
        // The call returned on the thread it started on, so closing cannot fail.
        let _ = span.close();
        Ok(result)
    })
}

/// `timed(...)` as CPython's vectorcall of the class: `timed("stage")` goes straight to the
/// per-thread cache; every other form is the ordinary class call (`__new__`).
unsafe extern "C" fn construct(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a class's vectorcall with the thread attached and its arguments.
    unsafe {
        dispatch::construct_by_name(callable, args, nargsf, kwnames, |name| {
            scope::named(name).map(Bound::into_ptr)
        })
    }
}
