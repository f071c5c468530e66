//! Numbers: counts, sizes, reals, seconds, booleans and ports. `bool` is never a number here,
//! complex numbers are refused, and an integer beyond 64 bits is an `OverflowError`.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyMemoryView, PyType};

use super::{is_text_or_bytes, number_items, read_items, type_name};

/// Extracts an integer count ≥ `min`.
///
/// `bool` (also NumPy's) and non-integers (`float`, `str`, …) → `TypeError`; an integer
/// beyond 2**63 − 1 → `OverflowError`; below `min` → `ValueError`; every message names the
/// argument and the value or type it got. Objects with `__index__` (NumPy integers) are
/// accepted.
pub fn count(obj: &Bound<'_, PyAny>, name: &str, min: u64) -> PyResult<u64> {
    let py = obj.py();
    if is_boolean(obj) {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an integer, not {}",
            type_name(obj)
        )));
    }
    let value: i64 = match obj.extract() {
        Ok(v) => v,
        Err(e) if e.is_instance_of::<PyTypeError>(py) => {
            return Err(PyTypeError::new_err(format!(
                "{name} must be an integer, not {}",
                type_name(obj)
            )));
        }
        Err(e) if e.is_instance_of::<PyOverflowError>(py) => {
            return Err(beyond_64_bits(obj, name, min));
        }
        Err(e) => return Err(e),
    };
    match u64::try_from(value) {
        Ok(v) if v >= min => Ok(v),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be at least {min}, got {value}"
        ))),
    }
}

/// The error for an integer outside `i64`: `ValueError` when negative, else `OverflowError`.
fn beyond_64_bits(obj: &Bound<'_, PyAny>, name: &str, min: u64) -> PyErr {
    let index = obj
        .py()
        .import("operator")
        .and_then(|op| op.call_method1("index", (obj,)));
    let negative = index.as_ref().is_ok_and(|i| i.lt(0).unwrap_or(false));
    let shown = match &index {
        Ok(i) => match i.str().map(|t| t.to_string()) {
            Ok(text) if text.len() <= 40 => text,
            _ => format!(
                "an integer of {} bits",
                i.call_method0("bit_length")
                    .map_or_else(|_| "many".to_owned(), |b| b.to_string())
            ),
        },
        Err(_) => "an integer beyond 64 bits".to_owned(),
    };
    if negative {
        PyValueError::new_err(format!("{name} must be at least {min}, got {shown}"))
    } else {
        PyOverflowError::new_err(format!(
            "{name} must be at most {} (2**63 - 1), got {shown}",
            i64::MAX
        ))
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
/// `bool` (also NumPy's), strings, bytes, complex numbers (Python's and NumPy's) and other
/// non-numbers with `TypeError`; an `int` too large for a float64 → `OverflowError`.
pub fn real(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(f.value());
    }
    let is_int = obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>();
    if !is_int && (is_boolean(obj) || is_text_or_bytes(obj) || is_complex(obj)?) {
        return Err(not_a_number(obj, name));
    }
    as_float(obj, name)
}

/// `float(obj)`, its errors naming `name`: the last step of [`real`].
fn as_float(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    let py = obj.py();
    obj.extract::<f64>().map_err(|e: PyErr| {
        if e.is_instance_of::<PyTypeError>(py) {
            not_a_number(obj, name)
        } else if e.is_instance_of::<PyOverflowError>(py) {
            PyOverflowError::new_err(format!("{name} is too large for a float64 ({e})"))
        } else {
            e
        }
    })
}

/// [`real`] for the many elements of one iterable (each named `name`): remembers the last type
/// that passed its checks (they depend on the type only), so a further element of that type
/// costs one conversion (NumPy scalars would otherwise pay two `numbers` ABC checks each).
pub fn real_items<'py>(name: &str) -> impl FnMut(&Bound<'py, PyAny>) -> PyResult<f64> + use<'py> {
    let name = name.to_owned();
    let mut checked: Option<Bound<'py, PyType>> = None;
    move |item| {
        if let Ok(f) = item.cast::<PyFloat>() {
            return Ok(f.value());
        }
        let ty = item.get_type();
        if checked.as_ref().is_some_and(|t| t.is(&ty)) {
            return as_float(item, &name);
        }
        let value = real(item, &name)?;
        if !item.is_instance_of::<PyMemoryView>() {
            checked = Some(ty);
        }
        Ok(value)
    }
}

/// Whether `obj` is a `bool` or a NumPy boolean (`numpy.bool_`), which are not numbers here.
pub fn is_boolean(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyBool>()
        || matches!(type_name(obj).as_str(), "numpy.bool" | "numpy.bool_")
}

/// Whether `obj` is a complex number: a Python `complex` (NumPy's `complex128` is one) or any
/// `numbers.Complex` that is not a `numbers.Real` (NumPy's `complex64`, …).
pub fn is_complex(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static COMPLEX: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static REAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    if obj.is_instance_of::<PyComplex>() {
        return Ok(true);
    }
    let py = obj.py();
    Ok(obj.is_instance(COMPLEX.import(py, "numbers", "Complex")?)?
        && !obj.is_instance(REAL.import(py, "numbers", "Real")?)?)
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
/// element with [`real`]; messages name `name`. The iterable's length is only a hint (see
/// [`read_items`]): a huge one is a `MemoryError` before anything big is allocated.
pub fn reals(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let not_numbers = || {
        PyTypeError::new_err(format!(
            "{name} must be an iterable of real numbers, not {}",
            type_name(obj)
        ))
    };
    let iter = number_items(obj, not_numbers)?;
    read_items(
        obj,
        iter,
        name,
        real_items(&format!("every element of {name}")),
    )
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

/// A non-empty sequence of counts ≥ 1 (``TypeError`` for a non-sequence, ``ValueError`` when
/// empty), read item by item like [`reals`].
pub fn sizes(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<usize>> {
    let not_integers = || {
        PyTypeError::new_err(format!(
            "{name} must be a sequence of integers, not {}",
            type_name(obj)
        ))
    };
    let iter = number_items(obj, not_integers)?;
    let values = read_items(obj, iter, name, |item| size(item, name, 1))?;
    if values.is_empty() {
        return Err(PyValueError::new_err(format!("{name} must not be empty")));
    }
    Ok(values)
}

/// A `bool` argument: `True`/`False`, or a NumPy bool (``TypeError`` naming `name` and the
/// type it got otherwise).
pub fn boolean(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(b.is_true());
    }
    if is_boolean(obj) {
        return obj.is_truthy();
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a bool, not {}",
        type_name(obj)
    )))
}

/// A TCP port: an integer from 0 to 65535 (`TypeError` for a non-integer, `ValueError` out of
/// range, however large).
pub fn port(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<u16> {
    let out_of_range = || {
        PyValueError::new_err(format!(
            "{name} must be between 0 and 65535, got {}",
            obj.repr()
                .map_or_else(|_| "?".to_owned(), |r| r.to_string())
        ))
    };
    let py = obj.py();
    let value = count(obj, name, 0).map_err(|e| {
        if e.is_instance_of::<PyValueError>(py) || e.is_instance_of::<PyOverflowError>(py) {
            out_of_range()
        } else {
            e
        }
    })?;
    u16::try_from(value).map_err(|_| out_of_range())
}
