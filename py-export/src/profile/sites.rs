//! Where `timed` objects come from: one object per call site for the life of the process,
//! and a per-thread cache that finds it for `timed("stage")` written inline without
//! constructing anything.
//!
//! **One object per site.** A named `timed` object is a prepared call site of the runtime
//! (`profile::intern` + `prepare`, kept for the life of the process as every interned site
//! is), so the object is kept as long: [`of_pair`] returns the same object for the same
//! `(module, name)` value, from any thread.
//!
//! **Per-thread cache.** Keyed by the *identity* of the two `str` objects — the calling
//! module's `__name__` and the name passed (a string constant of the calling code is the
//! same object at every execution) — and holding both strongly, so an address in it is
//! never reused by another string while its entry lives. A hit compares two pointers and
//! takes a reference to the ready object: nothing is allocated, nothing is left for the
//! garbage collector. Bounded: [`WAYS`] entries per thread, direct-mapped (a new pair
//! replaces the pair at its index). A name built anew at every call (an f-string) always
//! misses and takes the slow path (the pair's value looked up in the runtime's interned
//! sites) without growing anything.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyString;
use timing_runtime::profile::{self, CallSite};

/// Entries of the per-thread cache (a power of two).
pub const WAYS: usize = 64;

struct Entry {
    module: Py<PyString>,
    name: Py<PyString>,
    value: Py<PyAny>,
}

thread_local! {
    static RECENT: RefCell<[Option<Entry>; WAYS]> =
        const { RefCell::new([const { None }; WAYS]) };
}

/// The one object of each site, by the site's address.
static BY_SITE: Mutex<Option<HashMap<usize, Py<PyAny>>>> = Mutex::new(None);

fn by_site() -> MutexGuard<'static, Option<HashMap<usize, Py<PyAny>>>> {
    // Nothing panics while the lock is held; recover the data if that ever changes.
    BY_SITE.lock().unwrap_or_else(|p| p.into_inner())
}

#[inline(always)]
fn index(module: &Bound<'_, PyString>, name: &Bound<'_, PyString>) -> usize {
    let m = module.as_ptr() as usize >> 4;
    let n = name.as_ptr() as usize >> 4;
    (m ^ n.wrapping_mul(0x9E37_79B9)) % WAYS
}

/// The object for the `(module, name)` string objects: from the calling thread's cache, or
/// else from [`of_pair`] after `check(name)` passes (then cached).
#[inline(always)]
pub fn cached<'py>(
    module: &Bound<'py, PyString>,
    name: &Bound<'py, PyString>,
    check: impl FnOnce(&Bound<'py, PyString>) -> PyResult<()>,
    new: impl FnOnce(Python<'py>, &'static CallSite) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = module.py();
    let i = index(module, name);
    let hit = RECENT
        .try_with(|recent| match &recent.borrow()[i] {
            Some(e) if e.module.is(module) && e.name.is(name) => Some(e.value.bind(py).clone()),
            _ => None,
        })
        .ok()
        .flatten();
    if let Some(value) = hit {
        return Ok(value);
    }
    check(name)?;
    let value = of_pair(module, name, new)?;
    let entry = Entry {
        module: module.clone().unbind(),
        name: name.clone().unbind(),
        value: value.clone().unbind(),
    };
    let replaced = RECENT
        .try_with(|recent| recent.borrow_mut()[i].replace(entry))
        .ok()
        .flatten();
    // Released after the borrow ends, at once: this may run from a C entry point, where a
    // plain `Py` drop would be deferred to PyO3's pool of pending decrements.
    if let Some(old) = replaced {
        drop((
            old.module.into_bound(py),
            old.name.into_bound(py),
            old.value.into_bound(py),
        ));
    }
    Ok(value)
}

/// The one object of the site `(module, name)` (by value), made by `new` (with no lock
/// held: it may run Python code) the first time, after the site's first-call set-up.
pub fn of_pair<'py>(
    module: &Bound<'py, PyString>,
    name: &Bound<'py, PyString>,
    new: impl FnOnce(Python<'py>, &'static CallSite) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = module.py();
    // multiprocessing's "spawn" and "forkserver" workers import the main script as
    // `__mp_main__`: its functions are the parent's `__main__` ones, one row after a merge.
    let module = match module.to_str()? {
        "__mp_main__" => "__main__",
        other => other,
    };
    let site = profile::intern(module, name.to_str()?);
    let key = site as *const CallSite as usize;
    if let Some(found) = by_site().as_ref().and_then(|m| m.get(&key)) {
        return Ok(found.bind(py).clone());
    }
    // First-call set-up now, so that the site's first recorded call is not an outlier.
    profile::prepare(site);
    let fresh = new(py, site)?;
    let mut map = by_site();
    let kept = map
        .get_or_insert_with(HashMap::new)
        .entry(key)
        .or_insert_with(|| fresh.clone().unbind())
        .bind(py)
        .clone();
    drop(map);
    // Another thread may have made the site's object meanwhile: `fresh` is then dropped here.
    Ok(kept)
}
