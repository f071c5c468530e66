//! Objects of a short-lived class handed out again once nothing refers to them any more:
//! `Timer("x")` in a loop resets the timer the previous iteration dropped instead of freeing
//! one object and allocating another (a free list, as CPython keeps for floats and tuples).

use std::cell::{Cell, RefCell};

use pyo3::ffi;
use pyo3::prelude::*;

use super::methods::idle_references;
use super::recycling;

/// Classes whose objects may be recycled.
pub const CLASSES: usize = 1;
/// Objects kept per thread and class.
const KEPT: usize = 4;

thread_local! {
    static KEPT_OBJECTS: RefCell<[[Option<Py<PyAny>>; KEPT]; CLASSES]> =
        const { RefCell::new([const { [const { None }; KEPT] }; CLASSES]) };
    static NEXT_REPLACED: Cell<usize> = const { Cell::new(0) };
}

/// A new reference to an object of class number `class` (below [`CLASSES`]): one kept by the
/// calling thread that nothing else refers to any more, passed to `reset` (which must make it
/// exactly what `make` would), or else a new one from `make`, then kept.
///
/// `reset` must not run Python code (it runs while the thread's pool is borrowed).
pub fn recycle<'py>(
    py: Python<'py>,
    class: usize,
    reset: impl FnOnce(&Bound<'py, PyAny>),
    make: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    if !recycling() {
        return make();
    }
    let reused = KEPT_OBJECTS
        .try_with(|kept| {
            let kept = kept.borrow();
            for obj in kept[class].iter().flatten() {
                let ptr = obj.as_ptr();
                // SAFETY: the pool holds a reference, so the object is alive. Its count is the
                // pool's reference plus those of idle recycled built-ins bound to it: no one
                // else can reach it.
                if unsafe { ffi::Py_REFCNT(ptr) == 1 + idle_references(ptr) } {
                    return Some(obj.bind(py).clone());
                }
            }
            None
        })
        .ok()
        .flatten();
    if let Some(obj) = reused {
        reset(&obj);
        return Ok(obj);
    }
    let fresh = make()?;
    let replaced = KEPT_OBJECTS
        .try_with(|kept| {
            let mut kept = kept.borrow_mut();
            let slots = &mut kept[class];
            let i = slots.iter().position(Option::is_none).unwrap_or_else(|| {
                NEXT_REPLACED.with(|n| {
                    let i = n.get() % KEPT;
                    n.set(i + 1);
                    i
                })
            });
            slots[i].replace(fresh.clone().unbind())
        })
        .ok()
        .flatten();
    // Released after the borrow ends, at once (a plain `Py` drop in a C entry point would be
    // deferred to PyO3's pool of pending decrements).
    drop(replaced.map(|obj| obj.into_bound(py)));
    Ok(fresh)
}
