//! Text: strings (valid Unicode: a lone surrogate is refused), paths, label mappings, and the
//! test for text or bytes where numbers are expected.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

use super::{short_repr, type_name};

/// Whether `obj` is text or bytes, which iterate but are not sequences of numbers: `str`,
/// `bytes`, `bytearray`, and a `memoryview` of single bytes (format `B`, `b` or `c`, such as
/// `memoryview(b"abc")`). A `memoryview` of floats or wider integers is data, not bytes.
pub fn is_text_or_bytes(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
        || obj.cast::<PyMemoryView>().is_ok_and(|view| {
            view.getattr("format")
                .and_then(|f| f.extract::<String>())
                .is_ok_and(|f| {
                    matches!(
                        f.trim_start_matches(['@', '=', '<', '>', '!']),
                        "B" | "b" | "c"
                    )
                })
        })
}

/// A `str` argument (`TypeError` naming `name` otherwise); a string that is not valid
/// Unicode (a lone surrogate such as `"\udc80"`) → `ValueError` naming `name`.
pub fn string(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    Ok(py_string(obj, name)?.to_str()?.to_owned())
}

/// [`string`], keeping the Python `str` object (no copy).
pub fn py_string<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyString>> {
    let Ok(text) = obj.cast::<PyString>() else {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a str, not {}",
            type_name(obj)
        )));
    };
    match text.to_str() {
        Ok(_) => Ok(text.clone()),
        Err(_) => Err(PyValueError::new_err(format!(
            "{name} must be valid Unicode text, got {} (a lone surrogate cannot be encoded)",
            short_repr(obj)
        ))),
    }
}

/// [`py_string`] that must not be empty (``ValueError`` naming `name`).
pub fn non_empty_py_string<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Bound<'py, PyString>> {
    let text = py_string(obj, name)?;
    if text.to_str()?.is_empty() {
        return Err(PyValueError::new_err(format!("{name} must not be empty")));
    }
    Ok(text)
}

/// An optional [`string`]: an omitted argument or `None` → `None`.
pub fn optional_string(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match obj {
        Some(o) if !o.is_none() => string(o, name).map(Some),
        _ => Ok(None),
    }
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

/// Label pairs: `None` → none; otherwise a mapping of `str` to `str` (`TypeError` naming
/// `name` for anything else), in the mapping's order.
pub fn labels(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let mapping = obj.cast::<pyo3::types::PyMapping>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a dict of str to str, not {}",
            type_name(obj)
        ))
    })?;
    let items = mapping.items()?;
    let mut pairs = Vec::with_capacity(items.len());
    for item in items.iter() {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        if !key.is_instance_of::<PyString>() || !value.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "{name} must be a dict of str to str, got a {}: {} item",
                type_name(&key),
                type_name(&value)
            )));
        }
        pairs.push((key.extract()?, value.extract()?));
    }
    Ok(pairs)
}
