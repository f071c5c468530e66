//! `TopWatch` and `TopFrame`: the live view behind `python -m performance_timing top`
//! (all logic in `timing_runtime::top`).

use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use timing_runtime::top::{Column, Frame, View, Watch};

use crate::errors::timing_error;

/// Watches directories of multi-process mode and ``/metrics`` URLs; ``read()`` once per
/// interval gives the ``TopFrame`` of the interval since the previous read.
#[pyclass(frozen, module = "performance_timing", name = "_TopWatch")]
pub struct PyTopWatch {
    inner: Mutex<Watch>,
}

#[pymethods]
impl PyTopWatch {
    #[new]
    fn new(sources: Vec<String>) -> PyResult<Self> {
        let inner = Watch::new(&sources).map_err(timing_error)?;
        Ok(Self {
            inner: Mutex::new(inner),
        })
    }

    /// Reads every source (the GIL released); ``seconds`` overrides the measured interval.
    #[pyo3(signature = (seconds=None))]
    fn read(&self, py: Python<'_>, seconds: Option<f64>) -> PyResult<PyTopFrame> {
        if let Some(s) = seconds {
            if !(s.is_finite() && s >= 0.0) {
                return Err(PyValueError::new_err(format!(
                    "seconds must be a finite number >= 0, got {s}"
                )));
            }
        }
        let frame = py.detach(|| {
            let mut watch = self
                .inner
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            watch.read(seconds)
        });
        Ok(PyTopFrame { inner: frame })
    }
}

/// `(headings kept, [(is a per-process row, cells)], functions matched)`.
type TableTuple = (Vec<&'static str>, Vec<(bool, Vec<String>)>, usize);

/// One interval of the watched processes.
#[pyclass(frozen, module = "performance_timing", name = "_TopFrame")]
pub struct PyTopFrame {
    inner: Frame,
}

fn view(
    sort: &str,
    reverse: bool,
    filter: String,
    per_process: bool,
    width: Option<usize>,
    limit: Option<usize>,
) -> PyResult<View> {
    let sort = Column::parse(sort).ok_or_else(|| {
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.heading()).collect();
        PyValueError::new_err(format!(
            "sort must be one of {}, got {sort:?}",
            names.join(", ")
        ))
    })?;
    Ok(View {
        sort,
        reverse,
        filter,
        per_process,
        width,
        limit,
    })
}

#[pymethods]
impl PyTopFrame {
    /// The headings of every column, in order.
    #[staticmethod]
    fn columns() -> Vec<&'static str> {
        Column::ALL.iter().map(|c| c.heading()).collect()
    }

    /// The header line: processes, threads, interval, time since start, sources.
    fn header(&self) -> String {
        self.inner.header()
    }

    /// Problems met at this read (one line each).
    #[getter]
    fn problems(&self) -> Vec<String> {
        self.inner.problems().to_vec()
    }

    /// Live processes.
    #[getter]
    fn live(&self) -> usize {
        self.inner.process_counts().0
    }

    /// Exited processes (their counts stay).
    #[getter]
    fn exited(&self) -> usize {
        self.inner.process_counts().1
    }

    /// The table: ``(headings kept, [(is a per-process row, cells)], functions matched)``.
    #[pyo3(signature = (sort="self/s", reverse=false, filter=String::new(), per_process=false, width=None, limit=None))]
    fn table(
        &self,
        sort: &str,
        reverse: bool,
        filter: String,
        per_process: bool,
        width: Option<usize>,
        limit: Option<usize>,
    ) -> PyResult<TableTuple> {
        let t = self
            .inner
            .table(&view(sort, reverse, filter, per_process, width, limit)?);
        Ok((
            t.columns.iter().map(|c| c.heading()).collect(),
            t.rows,
            t.matched,
        ))
    }

    /// The frame as plain text (header, problems, table).
    #[pyo3(signature = (sort="self/s", reverse=false, filter=String::new(), per_process=false, width=None, limit=None))]
    fn text(
        &self,
        sort: &str,
        reverse: bool,
        filter: String,
        per_process: bool,
        width: Option<usize>,
        limit: Option<usize>,
    ) -> PyResult<String> {
        Ok(self
            .inner
            .to_text(&view(sort, reverse, filter, per_process, width, limit)?))
    }

    /// The frame as one line of JSON.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
}
