//! [`FastMethod`]: bound built-in methods handed out without allocating — kept on a
//! long-lived object (bound once, handed out again), or recycled per thread (a recycled one is
//! one that nothing but the pool refers to any more, re-pointed at the new `self`). The same
//! objects (`__self__`, `__name__`, repr) as the ordinary binding.

use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use super::{MethodDef, guarded, recycling, set_class_attribute};

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
        if pool >= POOLED_METHODS {
            return Err(PyRuntimeError::new_err(
                "dispatch: more fast methods than POOLED_METHODS",
            ));
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
            (*ty.as_type_ptr()).tp_descr_get = Some(fast_get);
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
        if recycling() {
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
        if !recycling() {
            return fresh.into_ptr();
        }
        let result = fresh.clone_ref(py).into_ptr();
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
        // Released after the borrow ends, at once (a plain `Py` drop in a C entry point would
        // be deferred to PyO3's pool of pending decrements).
        drop(replaced.map(|f| f.into_bound(py)));
        result
    }
}

/// `FastMethod.__get__` as the class's `tp_descr_get` slot.
unsafe extern "C" fn fast_get(
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

/// How many references the idle recycled built-ins of the calling thread hold on `obj` (they
/// keep pointing at their last `self` until re-pointed).
///
/// # Safety
/// `obj` is a live object.
pub(super) unsafe fn idle_references(obj: *mut ffi::PyObject) -> ffi::Py_ssize_t {
    POOLS
        .try_with(|pools| {
            let pools = pools.borrow();
            let mut count = 0;
            for f in pools.iter().flatten().flatten() {
                let f = f.as_ptr();
                // SAFETY: the pool holds a reference, so `f` is an alive built-in method.
                unsafe {
                    if (*f.cast::<ffi::PyCFunctionObject>()).m_self == obj && ffi::Py_REFCNT(f) == 1
                    {
                        count += 1;
                    }
                }
            }
            count
        })
        .unwrap_or(0)
}
