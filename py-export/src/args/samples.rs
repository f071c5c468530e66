//! Float64 data from Python: a contiguous buffer read in place, or a converted copy.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use super::{is_text_or_bytes, real, type_name};

/// Float64 data from Python: a contiguous buffer read in place, or a converted copy.
pub enum Samples {
    /// A C-contiguous float64 buffer (``array('d')``, a NumPy array), read without copying.
    Borrowed(PyBuffer<f64>),
    /// Any other iterable of real numbers, converted element by element.
    Owned(Vec<f64>),
}

impl Samples {
    /// Reads `data` (named `name` in messages): a C-contiguous float64 buffer is borrowed
    /// without copying; any other iterable of real numbers is converted element by element.
    /// Empty data is a `ValueError`.
    pub fn extract(data: &Bound<'_, PyAny>, name: &str) -> PyResult<Self> {
        let not_numbers = || {
            PyTypeError::new_err(format!(
                "{name} must be a sequence of real numbers, not {}",
                type_name(data)
            ))
        };
        if is_text_or_bytes(data) {
            return Err(not_numbers());
        }
        let samples = if let Ok(buffer) = PyBuffer::<f64>::get(data) {
            if buffer.is_c_contiguous() {
                Self::Borrowed(buffer)
            } else {
                Self::Owned(buffer.to_vec(data.py())?)
            }
        } else {
            let iter = data.try_iter().map_err(|_| not_numbers())?;
            let mut values = Vec::with_capacity(data.len().unwrap_or(0));
            let element = format!("every element of {name}");
            for item in iter {
                values.push(real(&item?, &element)?);
            }
            Self::Owned(values)
        };
        if samples.is_empty() {
            return Err(PyValueError::new_err(format!("{name} must not be empty")));
        }
        Ok(samples)
    }

    /// Runs `f` on the values with the GIL released.
    pub fn with_slice_detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&[f64]) -> R + Send,
    ) -> R {
        match self {
            Self::Owned(values) => py.detach(|| f(values)),
            Self::Borrowed(buffer) => py.detach(|| {
                let ptr = buffer
                    .as_slice_ptr()
                    .expect("checked C-contiguous when extracted");
                // SAFETY: the buffer export keeps the memory alive and its size fixed until
                // `buffer` is released (after this call); f64 has no invalid bit patterns.
                f(unsafe { ptr.as_ref() })
            }),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Owned(values) => values.is_empty(),
            Self::Borrowed(buffer) => buffer.item_count() == 0,
        }
    }
}
