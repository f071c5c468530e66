//! Validation and conversion of Python arguments: the only place where a Python value
//! becomes a Rust one. Every message names the argument.

mod items;
mod numbers;
mod samples;
mod text;

pub use items::{number_items, read_items};
pub use numbers::*;
pub use samples::Samples;
pub use text::*;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use timing_runtime::hardware::Kernel;

use crate::errors::timing_error;

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

/// The Python type name of `obj`, for messages: `float`, or `module.Name` outside the
/// builtins (`numpy.bool`, `decimal.Decimal`).
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .fully_qualified_name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// A short `repr()` of `obj` for messages (at most about 60 characters).
pub fn short_repr(obj: &Bound<'_, PyAny>) -> String {
    let text = obj
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| format!("<{}>", type_name(obj)));
    if text.chars().count() <= 60 {
        text
    } else {
        format!("{}…", text.chars().take(59).collect::<String>())
    }
}

/// ``kernel``: a ``str`` (``TypeError`` otherwise) naming one of the five kernels
/// (``ValueError`` otherwise).
pub fn kernel(obj: &Bound<'_, PyAny>) -> PyResult<Kernel> {
    string(obj, "kernel")?
        .parse::<Kernel>()
        .map_err(timing_error)
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
