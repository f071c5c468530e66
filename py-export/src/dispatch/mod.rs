//! Short ways in for the calls Python code makes in hot loops (`timed("stage")`,
//! `Timer("x")`, their `with` statements): C entry points CPython calls directly, for the one
//! common form of each call. Every other form goes to the ordinary PyO3 binding, so
//! behaviour and errors are those of the binding.
//!
//! * [`install_constructor`] sets a class's `tp_vectorcall`: CPython then calls it with the
//!   arguments in place (no argument tuple, no `__init__` round); [`type_call`] is the
//!   ordinary class call, for the forms the fast path does not take.
//! * [`MethodDef`] is a C method definition, for built-in methods whose bodies call the
//!   runtime directly; [`guarded`] runs such a body (errors set, panics caught).
//! * [`FastMethod`] (`methods.rs`): `with obj:` looks `__enter__` and `__exit__` up on the
//!   class and binds each to `obj` — a new built-in method object per lookup, freed after the
//!   call. A `FastMethod` class attribute hands out bound built-ins without allocating.
//! * [`recycle`] (`recycle.rs`): objects of a short-lived class (`Timer`) handed out again
//!   once nothing refers to them any more, instead of freed and allocated anew.
//!
//! Recycling relies on reference counts: an object (or bound built-in) that only our per-thread
//! pool refers to cannot be seen by anyone, so it may be reset and handed out again — as
//! CPython's own free lists do for floats and tuples. It is off on free-threaded Python, where
//! a reference count does not prove that no other thread can reach the object.

mod methods;
mod recycle;

pub use methods::FastMethod;
pub use recycle::recycle;

use std::cell::UnsafeCell;
use std::ffi::{CStr, c_int};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

/// A vectorcall entry point.
pub type Vectorcall = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    usize,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// Makes CPython call `constructor` for every call of the class `ty`.
///
/// `constructor` must behave as the class call does (for forms it does not handle itself it
/// calls [`type_call`]). Call this once, at the module's import, before the class is used.
pub fn install_constructor(ty: &Bound<'_, PyType>, constructor: Vectorcall) {
    // SAFETY: `ty` is a heap type made by PyO3, fully initialised; the field is the type's
    // own (never inherited: a subclass is called the ordinary way), and CPython reads it at
    // every call of the type (`PyType_Type` has `Py_TPFLAGS_HAVE_VECTORCALL`, 3.9+).
    unsafe {
        (*ty.as_type_ptr()).tp_vectorcall = Some(constructor);
        ffi::PyType_Modified(ty.as_type_ptr());
    }
}

/// The ordinary call of the class `callable` with vectorcall arguments: `__new__` (the PyO3
/// binding) and `__init__`, with their argument handling and errors.
///
/// # Safety
/// The arguments of a vectorcall of `callable` (a class), as CPython passes them, with the
/// thread attached.
pub unsafe fn type_call(
    py: Python<'_>,
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> PyResult<*mut ffi::PyObject> {
    // SAFETY: as the caller promises: `nargs` positional arguments, then one value per name
    // in `kwnames` (a tuple of str, or NULL), all borrowed.
    unsafe {
        let nargs = ffi::PyVectorcall_NARGS(nargsf) as usize;
        let arg = |i: usize| Bound::from_borrowed_ptr(py, *args.add(i));
        let positional = PyTuple::new(py, (0..nargs).map(arg))?;
        let keywords = match Borrowed::from_ptr_or_opt(py, kwnames) {
            None => None,
            Some(names) => {
                let dict = PyDict::new(py);
                for (i, key) in names.cast::<PyTuple>()?.iter().enumerate() {
                    dict.set_item(key, arg(nargs + i))?;
                }
                Some(dict)
            }
        };
        let call = (*std::ptr::addr_of!(ffi::PyType_Type))
            .tp_call
            .expect("type objects are callable");
        let kwargs = keywords
            .as_ref()
            .map_or(std::ptr::null_mut(), |d| d.as_ptr());
        let result = call(callable, positional.as_ptr(), kwargs);
        if result.is_null() {
            Err(PyErr::fetch(py))
        } else {
            Ok(result)
        }
    }
}

/// The vectorcall of a class whose hot form is a call with one `str` argument: `by_name`
/// makes that object at once; every other form is the ordinary class call ([`type_call`]), so
/// behaviour and errors stay the binding's.
///
/// # Safety
/// The arguments of a vectorcall of the class `callable`, as CPython passes them.
#[inline(always)]
pub unsafe fn construct_by_name(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
    by_name: impl for<'py> FnOnce(&Bound<'py, PyString>) -> PyResult<*mut ffi::PyObject>,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a class's vectorcall with the thread attached.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        // SAFETY: CPython passes `nargs` borrowed positional arguments.
        unsafe {
            if kwnames.is_null() && ffi::PyVectorcall_NARGS(nargsf) == 1 {
                let first = Borrowed::from_ptr(py, *args);
                if let Ok(name) = first.cast::<PyString>() {
                    return by_name(&name);
                }
            }
            type_call(py, callable, args, nargsf, kwnames)
        }
    })
}

/// The object a C method of the frozen class `T` was called on.
///
/// # Safety
/// `slf` is the `self` CPython passes to a method of `T`; the object outlives the borrow.
#[inline(always)]
pub unsafe fn receiver<'a, T>(py: Python<'_>, slf: *mut ffi::PyObject) -> &'a T
where
    T: pyo3::PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync,
{
    // SAFETY: as the caller promises.
    unsafe {
        let obj = Borrowed::from_ptr(py, slf).cast_unchecked::<T>();
        &*(obj.get() as *const T)
    }
}

/// Runs the body of a C entry point for CPython: its error is set and NULL returned; a panic
/// (none is expected) becomes `PanicException`.
#[inline(always)]
pub fn guarded(
    py: Python<'_>,
    body: impl FnOnce() -> PyResult<*mut ffi::PyObject>,
) -> *mut ffi::PyObject {
    let result = std::panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic in performance_timing".to_owned());
        Err(PanicException::new_err(message))
    });
    result.unwrap_or_else(|err| {
        err.restore(py);
        std::ptr::null_mut()
    })
}

/// A C method definition CPython may point at for the life of the process.
pub struct MethodDef(UnsafeCell<ffi::PyMethodDef>);

// SAFETY: CPython only reads it.
unsafe impl Sync for MethodDef {}

impl MethodDef {
    /// `doc` starts with the signature line CPython reads for `__text_signature__`
    /// (`"name($self, /)\n--\n\n…"`).
    pub const fn new(
        name: &'static CStr,
        meth: ffi::PyMethodDefPointer,
        flags: c_int,
        doc: &'static CStr,
    ) -> Self {
        Self(UnsafeCell::new(ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: meth,
            ml_flags: flags,
            ml_doc: doc.as_ptr(),
        }))
    }

    /// A built-in method calling this definition with `obj` as its `self`.
    pub fn bind(&'static self, obj: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        // SAFETY: the definition is static; the built-in holds a new reference to `obj`; a
        // NULL result comes with the error set.
        unsafe {
            let f = ffi::PyCFunction_NewEx(self.0.get(), obj.as_ptr(), std::ptr::null_mut());
            Bound::from_owned_ptr_or_err(obj.py(), f).map(Bound::unbind)
        }
    }

    /// Sets this definition as a method of the class `ty` (a method descriptor in its
    /// dictionary, as a C type's method is), replacing the method of the same name.
    pub fn install(&'static self, ty: &Bound<'_, PyType>) -> PyResult<()> {
        // SAFETY: the definition is static and outlives the descriptor; its name is a C string.
        let (descriptor, name) = unsafe {
            let descriptor = ffi::PyDescr_NewMethod(ty.as_type_ptr(), self.0.get());
            let name = CStr::from_ptr((*self.0.get()).ml_name);
            (Bound::from_owned_ptr_or_err(ty.py(), descriptor)?, name)
        };
        set_class_attribute(ty, name.to_str().unwrap_or_default(), &descriptor)
    }
}

/// Sets `ty.name = value` on a class made by PyO3 at the module's import, also when the class
/// is immutable (as CPython sets up its own immutable types), then resets the type's caches.
pub fn set_class_attribute(
    ty: &Bound<'_, PyType>,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = ty.py();
    let key = pyo3::types::PyString::new(py, name);
    // SAFETY: `ty` is a fully initialised heap type not yet in use (this runs at import); its
    // dictionary is a dict; the key and value are live objects (the dict takes references).
    unsafe {
        let dict = (*ty.as_type_ptr()).tp_dict;
        if ffi::PyDict_SetItem(dict, key.as_ptr(), value.as_ptr()) != 0 {
            return Err(PyErr::fetch(py));
        }
        ffi::PyType_Modified(ty.as_type_ptr());
    }
    Ok(())
}

/// Off on free-threaded Python, where a reference count does not prove that no other thread
/// can hold the object.
static RECYCLING: AtomicBool = AtomicBool::new(true);

/// Whether objects and bound built-ins may be recycled (see the module documentation).
#[inline(always)]
fn recycling() -> bool {
    RECYCLING.load(Ordering::Relaxed)
}

/// Turns recycling off on free-threaded Python (a free-threaded build's object header is
/// larger than a reference count and a type pointer; `sys._is_gil_enabled()` says whether the
/// GIL is off at run time). Called at the module's import.
pub fn init(py: Python<'_>) -> PyResult<()> {
    let free_threaded_build =
        std::mem::size_of::<ffi::PyObject>() > 2 * std::mem::size_of::<usize>();
    let gil_disabled = py
        .import("sys")?
        .getattr("_is_gil_enabled")
        .and_then(|enabled| enabled.call0()?.extract::<bool>())
        .is_ok_and(|enabled| !enabled);
    RECYCLING.store(!(free_threaded_build || gil_disabled), Ordering::Relaxed);
    Ok(())
}
