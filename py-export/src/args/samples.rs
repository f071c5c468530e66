//! Float64 data from Python: a contiguous buffer read in place, or a converted copy.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use timing_runtime::TimingError;
use timing_runtime::host::check_allocation;

use super::{is_text_or_bytes, number_items, read_items, real_items, type_name};
use crate::interrupt;

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
                Self::Owned(copied(data.py(), &buffer, name)?)
            }
        } else {
            let iter = number_items(data, not_numbers)?;
            let element = format!("every element of {name}");
            Self::Owned(read_items(data, iter, name, real_items(&element))?)
        };
        if samples.is_empty() {
            return Err(PyValueError::new_err(format!("{name} must not be empty")));
        }
        Ok(samples)
    }

    /// Runs `work` on the values with the GIL released; Ctrl-C stops it (see
    /// [`interrupt::detached`]).
    pub fn with_slice_detached<R: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&[f64]) -> Result<R, TimingError> + Send,
    ) -> PyResult<R> {
        match self {
            Self::Owned(values) => interrupt::detached(py, || work(values)),
            Self::Borrowed(buffer) => {
                let ptr = buffer
                    .as_slice_ptr()
                    .expect("checked C-contiguous when extracted");
                // SAFETY: the buffer export keeps the memory alive and its size fixed until
                // `buffer` is released (after this call); f64 has no invalid bit patterns.
                let values: &[f64] = unsafe { ptr.as_ref() };
                interrupt::detached(py, || work(values))
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Owned(values) => values.is_empty(),
            Self::Borrowed(buffer) => buffer.item_count() == 0,
        }
    }
}

/// A copy of a strided (non-contiguous) float64 buffer, its size checked before allocating:
/// a view such as NumPy's `broadcast_to` may claim far more elements than exist in memory.
fn copied(py: Python<'_>, buffer: &PyBuffer<f64>, name: &str) -> PyResult<Vec<f64>> {
    let n = buffer.item_count();
    let bytes = n as u128 * 8;
    let refuse = |e: TimingError| {
        PyMemoryError::new_err(format!(
            "{name} is too large to copy ({n} elements in a non-contiguous buffer): {e}"
        ))
    };
    check_allocation(bytes).map_err(refuse)?;
    let mut values: Vec<f64> = Vec::new();
    values.try_reserve_exact(n).map_err(|e| {
        refuse(TimingError::Allocation {
            bytes,
            reason: e.to_string(),
        })
    })?;
    values.resize(n, 0.0);
    buffer.copy_to_slice(py, &mut values)?;
    Ok(values)
}
