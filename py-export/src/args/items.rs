//! Reading a Python iterable item by item without trusting its size.
//!
//! A `__len__` is only a hint: a length whose items could not fit in the memory the host can
//! give is refused with `MemoryError` before anything is read (as `list()` does), and at most
//! [`HINT_CAP`] items are reserved from it. Every growth after that is checked the same way
//! ([`check_allocation`], then `try_reserve`), so a huge or endless iterable ends in
//! `MemoryError`, never in an abort. Signals are checked every [`SIGNAL_EVERY`] items, so
//! Ctrl-C stops a long read.

use pyo3::exceptions::{PyMemoryError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use timing_runtime::TimingError;
use timing_runtime::host::check_allocation;

use super::is_text_or_bytes;

/// The most items reserved before reading, whatever the iterable's length says.
pub const HINT_CAP: usize = 1 << 16;

/// Items read between two checks for signals (Ctrl-C).
pub const SIGNAL_EVERY: usize = 1 << 16;

/// An iterator over `obj`, an argument whose items must be numbers: text and bytes (which
/// iterate, but over characters) and non-iterables are `refuse()` (the caller's `TypeError`
/// naming the argument); any other error of `iter(obj)` propagates unchanged.
pub fn number_items<'py>(
    obj: &Bound<'py, PyAny>,
    refuse: impl Fn() -> PyErr,
) -> PyResult<Bound<'py, PyIterator>> {
    if is_text_or_bytes(obj) {
        return Err(refuse());
    }
    obj.try_iter().map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            refuse()
        } else {
            e
        }
    })
}

/// Reads every item of `iter`, an iterator over `obj` (named `name` in messages), through
/// `convert`, without trusting `obj`'s length: see the module documentation.
pub fn read_items<'py, T>(
    obj: &Bound<'py, PyAny>,
    iter: Bound<'py, PyIterator>,
    name: &str,
    mut convert: impl FnMut(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    let item_bytes = std::mem::size_of::<T>().max(1) as u128;
    let told = length_hint(obj, name, item_bytes)?;
    let mut values: Vec<T> = Vec::new();
    reserve_to(&mut values, told.min(HINT_CAP), name, item_bytes)?;
    // `for … in iter` calls `next` only: the iterator's own `__length_hint__` (which pyo3
    // reports as its size hint, and `collect` would reserve) is never used.
    for item in iter {
        if values.len() == values.capacity() {
            let cap = values.capacity();
            let target = if cap < told {
                told.min(cap.saturating_mul(2))
            } else {
                cap.saturating_mul(2)
            };
            reserve_to(&mut values, target.max(16), name, item_bytes)?;
        }
        values.push(convert(&item?)?);
        if values.len() % SIGNAL_EVERY == 0 {
            obj.py().check_signals()?;
        }
    }
    Ok(values)
}

/// `len(obj)` checked against the memory the host can give (`MemoryError` naming `name`), or
/// 0 for an object without a length. Errors other than `TypeError` from `__len__` propagate,
/// as in `list()`.
pub fn length_hint(obj: &Bound<'_, PyAny>, name: &str, item_bytes: u128) -> PyResult<usize> {
    match obj.len() {
        Ok(len) => {
            check_allocation(len as u128 * item_bytes)
                .map_err(|e| too_large(name, &format!("has {len} items (by len())"), e))?;
            Ok(len)
        }
        Err(e) if e.is_instance_of::<PyTypeError>(obj.py()) => Ok(0),
        Err(e) => Err(e),
    }
}

/// Grows `values` to a capacity of at least `target` items, checked first.
fn reserve_to<T>(values: &mut Vec<T>, target: usize, name: &str, item_bytes: u128) -> PyResult<()> {
    let extra = target.saturating_sub(values.len());
    if extra == 0 {
        return Ok(());
    }
    let what = format!("has more than {} items", values.len());
    check_allocation(target as u128 * item_bytes).map_err(|e| too_large(name, &what, e))?;
    values.try_reserve_exact(extra).map_err(|e| {
        let e = TimingError::Allocation {
            bytes: target as u128 * item_bytes,
            reason: e.to_string(),
        };
        too_large(name, &what, e)
    })
}

fn too_large(name: &str, what: &str, e: TimingError) -> PyErr {
    PyMemoryError::new_err(format!("{name} {what}, too many to hold: {e}"))
}
