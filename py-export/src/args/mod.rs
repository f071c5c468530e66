//! Validation and conversion of Python arguments: the only place where a Python value
//! becomes a Rust one. Every message names the argument.

mod samples;

pub use samples::Samples;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyString};
use timing_runtime::hardware::Kernel;

use crate::errors::timing_error;

/// Extracts an integer count ≥ `min`.
///
/// `bool` and non-integers (`float`, `str`, …) → `TypeError`; an integer beyond 64 bits →
/// `OverflowError`; below `min` → `ValueError`. Objects with `__index__` (NumPy integers) are
/// accepted.
pub fn count(obj: &Bound<'_, PyAny>, name: &str, min: u64) -> PyResult<u64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an integer, not bool"
        )));
    }
    let value: i64 = obj.extract().map_err(|e: PyErr| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            PyTypeError::new_err(format!("{name} must be an integer, not {}", type_name(obj)))
        } else {
            e
        }
    })?;
    match u64::try_from(value) {
        Ok(v) if v >= min => Ok(v),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be at least {min}, got {value}"
        ))),
    }
}

/// [`count`] as a `usize` (an element or thread count): `OverflowError` beyond `usize`.
pub fn size(obj: &Bound<'_, PyAny>, name: &str, min: u64) -> PyResult<usize> {
    let value = count(obj, name, min)?;
    usize::try_from(value).map_err(|_| {
        PyOverflowError::new_err(format!("{name} does not fit in this platform's usize"))
    })
}

/// An optional [`size`]: an omitted argument or `None` → `None`.
pub fn optional_size(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    min: u64,
) -> PyResult<Option<usize>> {
    match obj {
        Some(o) if !o.is_none() => size(o, name, min).map(Some),
        _ => Ok(None),
    }
}

/// Extracts a real number (an `int`, a `float`, or anything with `__float__`), refusing
/// `bool`, strings and other non-numbers with `TypeError`.
pub fn real(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyString>() {
        return Err(not_a_number(obj, name));
    }
    obj.extract::<f64>().map_err(|e: PyErr| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            not_a_number(obj, name)
        } else {
            e
        }
    })
}

/// Checks that `obj` is callable (`TypeError` otherwise).
pub fn callable<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<()> {
    if obj.is_callable() {
        Ok(())
    } else {
        Err(PyTypeError::new_err(format!(
            "{name} must be callable, got {}",
            type_name(obj)
        )))
    }
}

/// Whether `obj` is text or bytes, which iterate but are not sequences of numbers.
pub fn is_text_or_bytes(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
}

/// The Python type name of `obj`, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

fn not_a_number(obj: &Bound<'_, PyAny>, name: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{name} must be a real number, not {}",
        type_name(obj)
    ))
}

/// Extracts a positive, finite number of seconds (`ValueError` for ≤ 0, NaN or infinity).
pub fn positive_seconds(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<std::time::Duration> {
    let secs = real(obj, name)?;
    if secs.is_finite() && secs > 0.0 {
        std::time::Duration::try_from_secs_f64(secs).map_err(|_| out_of_range(name, secs, "> 0"))
    } else {
        Err(out_of_range(name, secs, "> 0"))
    }
}

/// Extracts a finite number of seconds ≥ 0 (`ValueError` for < 0, NaN or infinity).
pub fn non_negative_seconds(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<std::time::Duration> {
    let secs = real(obj, name)?;
    std::time::Duration::try_from_secs_f64(secs).map_err(|_| out_of_range(name, secs, ">= 0"))
}

/// Extracts a list of real numbers from any iterable (not `str`/`bytes`), converting every
/// element with [`real`]; messages name `name`.
pub fn reals(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let not_numbers = || {
        PyTypeError::new_err(format!(
            "{name} must be an iterable of real numbers, not {}",
            type_name(obj)
        ))
    };
    if is_text_or_bytes(obj) {
        return Err(not_numbers());
    }
    let iter = obj.try_iter().map_err(|_| not_numbers())?;
    let mut values = Vec::with_capacity(obj.len().unwrap_or(0));
    for item in iter {
        values.push(real(&item?, &format!("every element of {name}"))?);
    }
    Ok(values)
}

fn out_of_range(name: &str, secs: f64, rule: &str) -> PyErr {
    PyValueError::new_err(format!(
        "{name} must be a finite number of seconds {rule}, got {secs}"
    ))
}

/// An optional [`count`]: an omitted argument → `default`.
pub fn count_or(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    min: u64,
    default: u64,
) -> PyResult<u64> {
    match obj {
        Some(o) => count(o, name, min),
        None => Ok(default),
    }
}

/// An optional real number: an omitted argument → `default`.
pub fn real_or(obj: Option<&Bound<'_, PyAny>>, name: &str, default: f64) -> PyResult<f64> {
    match obj {
        Some(o) => real(o, name),
        None => Ok(default),
    }
}

/// A `str` argument (`TypeError` naming `name` otherwise; `ValueError` for a `str` that is
/// not valid Unicode, i.e. holds a lone surrogate).
pub fn string(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if !obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a str, not {}",
            type_name(obj)
        )));
    }
    obj.extract().map_err(|_: PyErr| {
        let shown = obj
            .repr()
            .map_or_else(|_| "?".to_owned(), |r| r.to_string());
        PyValueError::new_err(format!(
            "{name} must be valid Unicode, got {shown} with a lone surrogate"
        ))
    })
}

/// ``kernel``: a ``str`` (``TypeError`` otherwise) naming one of the five kernels
/// (``ValueError`` otherwise).
pub fn kernel(obj: &Bound<'_, PyAny>) -> PyResult<Kernel> {
    string(obj, "kernel")?
        .parse::<Kernel>()
        .map_err(timing_error)
}

/// A non-empty sequence of counts ≥ 1 (``TypeError`` for a non-sequence, ``ValueError`` when
/// empty).
pub fn sizes(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<usize>> {
    let not_integers = || {
        PyTypeError::new_err(format!(
            "{name} must be a sequence of integers, not {}",
            type_name(obj)
        ))
    };
    if is_text_or_bytes(obj) {
        return Err(not_integers());
    }
    let iter = obj.try_iter().map_err(|_| not_integers())?;
    let values = iter
        .map(|item| size(&item?, name, 1))
        .collect::<PyResult<Vec<_>>>()?;
    if values.is_empty() {
        return Err(PyValueError::new_err(format!("{name} must not be empty")));
    }
    Ok(values)
}

/// An argument that must be an instance of the native class `T`, borrowed (``TypeError``
/// naming `name` and the class's Python name `class` otherwise).
pub fn instance<'a, 'py, T: pyo3::PyTypeInfo>(
    obj: &'a Bound<'py, PyAny>,
    name: &str,
    class: &str,
) -> PyResult<&'a Bound<'py, T>> {
    obj.cast::<T>().map_err(|_| {
        PyTypeError::new_err(format!("{name} must be a {class}, not {}", type_name(obj)))
    })
}

/// A filesystem path: a `str` or an `os.PathLike` (``TypeError`` naming `name` otherwise).
pub fn path(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<std::path::PathBuf> {
    let fspath = PyModule::import(obj.py(), "os")?.getattr("fspath")?;
    let text = fspath
        .call1((obj,))
        .ok()
        .filter(|p| p.is_instance_of::<PyString>());
    match text {
        Some(p) => Ok(std::path::PathBuf::from(string(&p, name)?)),
        None => Err(PyTypeError::new_err(format!(
            "{name} must be a str or os.PathLike, not {}",
            type_name(obj)
        ))),
    }
}

/// A `bool` argument: `True`/`False`, or a NumPy bool (``TypeError`` naming `name` and the
/// type it got otherwise).
pub fn boolean(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(b.is_true());
    }
    let ty = obj.get_type();
    let from_numpy = ty.module().is_ok_and(|m| m == "numpy");
    let type_name = type_name(obj);
    if from_numpy && (type_name == "bool" || type_name == "bool_") {
        return obj.is_truthy();
    }
    let qualified = if from_numpy {
        format!("numpy.{type_name}")
    } else {
        type_name
    };
    Err(PyTypeError::new_err(format!(
        "{name} must be a bool, not {qualified}"
    )))
}
