//! `compare_seq_vs_parallel` for Python: converts the data once, then times with the GIL
//! released.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::args;
use crate::errors::timing_error;
use crate::timer::PyTimerResult;

/// Float64 data from Python: a contiguous buffer read in place, or a converted copy.
enum Samples {
    Borrowed(PyBuffer<f64>),
    Owned(Vec<f64>),
}

impl Samples {
    /// Reads `data`: a C-contiguous float64 buffer (``array('d')``, a NumPy array) is borrowed
    /// without copying; any other iterable of real numbers is converted element by element.
    fn extract(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        if args::is_text_or_bytes(data) {
            return Err(PyTypeError::new_err(format!(
                "data must be a sequence of real numbers, not {}",
                args::type_name(data)
            )));
        }
        if let Ok(buffer) = PyBuffer::<f64>::get(data) {
            if buffer.is_c_contiguous() {
                return Ok(Self::Borrowed(buffer));
            }
            return Ok(Self::Owned(buffer.to_vec(data.py())?));
        }
        let iter = data.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "data must be a sequence of real numbers, not {}",
                args::type_name(data)
            ))
        })?;
        let mut values = Vec::with_capacity(data.len().unwrap_or(0));
        for item in iter {
            values.push(args::real(&item?, "every element of data")?);
        }
        Ok(Self::Owned(values))
    }

    /// Runs `f` on the values with the GIL released.
    fn with_slice_detached<R: Send>(
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

/// Times the sum of squares of ``data``, ``iterations`` times (≥ 1) on one thread and
/// ``iterations`` times on all cores (rayon, GIL released), alternating the two, and returns
/// ``(TimerResult "Sequential", TimerResult "Parallel")``.
///
/// ``data`` is any non-empty sequence of real numbers, converted once before timing; a
/// contiguous float64 buffer (``array('d')``, a NumPy array) is read without copying.
#[pyfunction]
pub fn compare_seq_vs_parallel(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    iterations: &Bound<'_, PyAny>,
) -> PyResult<(PyTimerResult, PyTimerResult)> {
    let iterations = args::count(iterations, "iterations", 1)?;
    let samples = Samples::extract(data)?;
    if samples.is_empty() {
        return Err(PyValueError::new_err("data must not be empty"));
    }
    let (seq, par) = samples
        .with_slice_detached(py, |values| {
            timing_runtime::parallel::compare_seq_vs_parallel(values, iterations)
        })
        .map_err(timing_error)?;
    Ok((
        PyTimerResult::from_runtime(seq),
        PyTimerResult::from_runtime(par),
    ))
}
