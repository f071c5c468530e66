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
//! * [`FastMethod`]: `with obj:` looks `__enter__` and `__exit__` up on the class and binds
//!   each to `obj` — a new built-in method object per lookup, freed after the call. A class
//!   attribute that is a `FastMethod` hands out built-in methods made without allocating:
//!   kept on the object (for long-lived objects: bound once, handed out again), or else
//!   recycled per thread (a recycled one is one that nothing but the pool refers to any more,
//!   re-pointed at the new `self`). The same objects (`__self__`, `__name__`, repr) as the
//!   ordinary binding.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::ffi::{CStr, c_int};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

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

/// How many methods of all classes together may be pooled.
const POOLED_METHODS: usize = 4;
/// Recycled built-ins per thread and method: enough for `with` blocks nested this deep on
/// objects of one class; deeper ones bind the ordinary way.
const POOL_SIZE: usize = 4;

thread_local! {
    static POOLS: RefCell<[[Option<Py<PyAny>>; POOL_SIZE]; POOLED_METHODS]> =
        const { RefCell::new([const { [const { None }; POOL_SIZE] }; POOLED_METHODS]) };
    static NEXT_REPLACED: Cell<usize> = const { Cell::new(0) };
}

/// Off on free-threaded Python, where a reference count does not prove that no other thread
/// can hold the object.
static POOLING: AtomicBool = AtomicBool::new(true);

/// Pools handed out so far (each [`FastMethod`] owns one index).
static POOLS_TAKEN: AtomicUsize = AtomicUsize::new(0);

/// Where an object keeps its bound method for a [`FastMethod`], if it does: a cell on the
/// object (which must stay alive as long as the object; the bound method refers back to the
/// object, so the object should live for the life of the process), or `None` to use the pool.
///
/// # Safety
/// Called with a live object of the method's class.
pub type KeptOn = unsafe fn(obj: *mut ffi::PyObject) -> Option<*const PyOnceLock<Py<PyAny>>>;

/// A class attribute standing for a C method of the class: bound built-in methods are kept on
/// the object or recycled per thread (see the module documentation). On the class, and on an
/// object of another class, it is the plain method descriptor.
#[pyclass(frozen, module = "performance_timing._native", name = "_FastMethod")]
pub struct FastMethod {
    def: &'static MethodDef,
    owner: Py<PyType>,
    descriptor: Py<PyAny>,
    pool: usize,
    kept_on: Option<KeptOn>,
}

#[pymethods]
impl FastMethod {
    fn __get__<'py>(
        &self,
        py: Python<'py>,
        obj: Option<&Bound<'py, PyAny>>,
        owner: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let descriptor = self.descriptor.bind(py);
        match obj.filter(|o| !o.is_none()) {
            None => Ok(descriptor.clone()),
            Some(obj) if obj.get_type().is(&self.owner) => {
                // SAFETY: `obj` is a live object of the class the definition was made for.
                unsafe { Bound::from_owned_ptr_or_err(py, self.bound_to(py, obj.as_ptr())) }
            }
            Some(obj) => descriptor.call_method1("__get__", (obj, owner)),
        }
    }
}

impl FastMethod {
    /// Puts `def` on the class `ty` as a fast method, kept on objects by `kept_on` (or pooled).
    pub fn install(
        def: &'static MethodDef,
        ty: &Bound<'_, PyType>,
        kept_on: Option<KeptOn>,
    ) -> PyResult<()> {
        let py = ty.py();
        let pool = POOLS_TAKEN.fetch_add(1, Ordering::Relaxed);
        assert!(
            pool < POOLED_METHODS,
            "more pooled methods than POOLED_METHODS"
        );
        if pool == 0 {
            let free_threaded = py
                .import("sys")?
                .getattr("_is_gil_enabled")
                .and_then(|enabled| enabled.call0()?.extract::<bool>())
                .is_ok_and(|enabled| !enabled);
            POOLING.store(!free_threaded, Ordering::Relaxed);
        }
        // SAFETY: the definition is static and outlives the descriptor; its name is a C string.
        let (descriptor, name) = unsafe {
            let descriptor = ffi::PyDescr_NewMethod(ty.as_type_ptr(), def.0.get());
            let name = CStr::from_ptr((*def.0.get()).ml_name);
            (Bound::from_owned_ptr_or_err(py, descriptor)?, name)
        };
        let this = Self {
            def,
            owner: ty.clone().unbind(),
            descriptor: descriptor.unbind(),
            pool,
            kept_on,
        };
        let this = Bound::new(py, this)?;
        set_class_attribute(ty, name.to_str().unwrap_or_default(), this.as_any())?;
        // SAFETY: `FastMethod` is a heap type made by PyO3, fully initialised, without
        // subclasses; CPython reads the slot at every lookup through a descriptor. The
        // replacement does what the slot PyO3 made does (`__get__` above), minus its argument
        // handling.
        unsafe {
            let ty = this.get_type();
            (*ty.as_type_ptr()).tp_descr_get = Some(pooled_get);
            ffi::PyType_Modified(ty.as_type_ptr());
        }
        Ok(())
    }

    /// A new reference to a built-in method of `def` bound to `obj` (NULL with an error set).
    ///
    /// # Safety
    /// `obj` is a live object of `self.owner`.
    unsafe fn bound_to(&self, py: Python<'_>, obj: *mut ffi::PyObject) -> *mut ffi::PyObject {
        // SAFETY: as the caller promises.
        if let Some(cell) = self.kept_on.and_then(|kept_on| unsafe { kept_on(obj) }) {
            // SAFETY: the cell lives on `obj`, alive for this call.
            let cell = unsafe { &*cell };
            if let Some(f) = cell.get(py) {
                return f.clone_ref(py).into_ptr();
            }
            // SAFETY: as the caller promises.
            let obj = unsafe { Bound::from_borrowed_ptr(py, obj) };
            return match cell.get_or_try_init(py, || self.def.bind(&obj)) {
                Ok(f) => f.clone_ref(py).into_ptr(),
                Err(err) => {
                    err.restore(py);
                    std::ptr::null_mut()
                }
            };
        }
        if POOLING.load(Ordering::Relaxed) {
            let reused = POOLS
                .try_with(|pools| {
                    let pools = pools.borrow();
                    for f in pools[self.pool].iter().flatten() {
                        let f = f.as_ptr();
                        // SAFETY: the pool holds a reference, so `f` is alive; a count of one
                        // means no one else refers to it: it can be re-pointed.
                        unsafe {
                            if ffi::Py_REFCNT(f) == 1 {
                                let func = f.cast::<ffi::PyCFunctionObject>();
                                let old = (*func).m_self;
                                ffi::Py_INCREF(f);
                                if old == obj {
                                    return Some((f, std::ptr::null_mut()));
                                }
                                ffi::Py_INCREF(obj);
                                (*func).m_self = obj;
                                return Some((f, old));
                            }
                        }
                    }
                    None
                })
                .ok()
                .flatten();
            if let Some((f, old)) = reused {
                // SAFETY: the reference the built-in held on its previous `self`.
                unsafe { ffi::Py_XDECREF(old) };
                return f;
            }
        }
        // SAFETY: as the caller promises.
        let fresh = match self.def.bind(&unsafe { Bound::from_borrowed_ptr(py, obj) }) {
            Ok(f) => f,
            Err(err) => {
                err.restore(py);
                return std::ptr::null_mut();
            }
        };
        if !POOLING.load(Ordering::Relaxed) {
            return fresh.into_ptr();
        }
        let result = fresh.clone_ref(py).into_ptr();
        {
            let replaced = POOLS
                .try_with(|pools| {
                    let mut pools = pools.borrow_mut();
                    let pool = &mut pools[self.pool];
                    let i = match pool.iter().position(Option::is_none) {
                        Some(i) => i,
                        None => NEXT_REPLACED.with(|n| {
                            let i = n.get() % POOL_SIZE;
                            n.set(i + 1);
                            i
                        }),
                    };
                    pool[i].replace(fresh)
                })
                .ok()
                .flatten();
            // Released after the borrow ends, at once (a plain `Py` drop in a C entry point
            // would be deferred to PyO3's pool of pending decrements).
            drop(replaced.map(|f| f.into_bound(py)));
        }
        result
    }
}

/// `FastMethod.__get__` as the class's `tp_descr_get` slot.
unsafe extern "C" fn pooled_get(
    descriptor: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
    owner: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls slots with the thread attached.
    let py = unsafe { Python::assume_attached() };
    guarded(py, || {
        // SAFETY: CPython passes the descriptor (of the slot's own class) and borrowed,
        // possibly NULL, `obj` and `owner`.
        let (this, obj_ref, owner_ref) = unsafe {
            (
                Borrowed::from_ptr(py, descriptor).cast_unchecked::<FastMethod>(),
                Borrowed::from_ptr_or_opt(py, obj),
                Borrowed::from_ptr_or_opt(py, owner),
            )
        };
        let this = this.get();
        // SAFETY: reading the type of a live object.
        if !obj.is_null() && unsafe { ffi::Py_TYPE(obj) } == this.owner.as_ptr().cast() {
            // SAFETY: `obj` is a live object of the owner class.
            let f = unsafe { this.bound_to(py, obj) };
            return if f.is_null() {
                Err(PyErr::fetch(py))
            } else {
                Ok(f)
            };
        }
        let result = this.__get__(py, obj_ref.as_deref(), owner_ref.as_deref())?;
        Ok(result.into_ptr())
    })
}
