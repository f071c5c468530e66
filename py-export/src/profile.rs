//! The global profile (`#[timed]` Rust code and Python `timed`) seen from Python.

use std::sync::Arc;

use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use timing_runtime::profile::{self, CallSite, Record, Snapshot};

use crate::args;
use crate::errors::timing_error;

/// What one instrumented function recorded: calls, total (inclusive) and self (exclusive)
/// time, min/max/mean and percentiles, in seconds.
#[pyclass(frozen, module = "performance_timing", name = "Record")]
pub struct PyRecord {
    inner: Record,
}

#[pymethods]
impl PyRecord {
    /// The recorded name (``#[timed(name = ...)]``, ``Type::method``, or a Python name).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Module path of the function (Rust ``module_path!()`` or the Python module).
    #[getter]
    fn module_path(&self) -> &str {
        self.inner.module_path()
    }

    /// Number of calls.
    #[getter]
    fn calls(&self) -> u64 {
        self.inner.calls()
    }

    /// Inclusive time in seconds (outermost frames only under recursion).
    #[getter]
    fn total_secs(&self) -> f64 {
        self.inner.total().as_secs_f64()
    }

    /// Self (exclusive) time in seconds: total minus time in timed callees.
    #[getter]
    fn self_secs(&self) -> f64 {
        self.inner.self_time().as_secs_f64()
    }

    /// Mean call duration in seconds.
    #[getter]
    fn mean_secs(&self) -> f64 {
        self.inner.mean().as_secs_f64()
    }

    /// Shortest call in seconds.
    #[getter]
    fn min_secs(&self) -> f64 {
        self.inner.min().as_secs_f64()
    }

    /// Longest call in seconds.
    #[getter]
    fn max_secs(&self) -> f64 {
        self.inner.max().as_secs_f64()
    }

    /// The ``q``-th percentile (0 <= q <= 100) of call durations in seconds, within ±3.2 %.
    fn percentile(&self, q: &Bound<'_, PyAny>) -> PyResult<f64> {
        let q = args::real(q, "q")?;
        self.inner
            .percentile(q)
            .map(|d| d.as_secs_f64())
            .map_err(timing_error)
    }

    /// The record as a dict (the same fields as in ``Snapshot.to_json()``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_dict(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Record(name={}, calls={}, total_secs={:.6}, self_secs={:.6})",
            PyString::new(py, self.inner.name()).repr()?,
            self.inner.calls(),
            self.inner.total().as_secs_f64(),
            self.inner.self_time().as_secs_f64()
        ))
    }
}

fn record_dict<'py>(py: Python<'py>, r: &Record) -> PyResult<Bound<'py, PyDict>> {
    let doc = profile::snapshot::RecordDocument::from(r);
    let d = PyDict::new(py);
    d.set_item("name", doc.name)?;
    d.set_item("module_path", doc.module_path)?;
    d.set_item("file", doc.file)?;
    d.set_item("line", doc.line)?;
    d.set_item("calls", doc.calls)?;
    d.set_item("total_secs", doc.total_secs)?;
    d.set_item("self_secs", doc.self_secs)?;
    d.set_item("mean_secs", doc.mean_secs)?;
    d.set_item("min_secs", doc.min_secs)?;
    d.set_item("max_secs", doc.max_secs)?;
    d.set_item("p50_secs", doc.p50_secs)?;
    d.set_item("p90_secs", doc.p90_secs)?;
    d.set_item("p99_secs", doc.p99_secs)?;
    d.set_item("p999_secs", doc.p999_secs)?;
    Ok(d)
}

/// An immutable copy of the global profile: iterate it for ``Record`` objects (largest self
/// time first), look one up with ``snap["name"]``, or render it with ``summary()``,
/// ``to_dict()`` and ``to_json()``.
#[pyclass(frozen, module = "performance_timing", name = "Snapshot")]
pub struct PySnapshot {
    inner: Arc<Snapshot>,
}

impl PySnapshot {
    fn record(&self, py: Python<'_>, r: &Record) -> PyResult<Py<PyRecord>> {
        Py::new(py, PyRecord { inner: r.clone() })
    }

    fn records<'py>(&self, py: Python<'py>, records: &[Record]) -> PyResult<Bound<'py, PyList>> {
        let items = records
            .iter()
            .map(|r| self.record(py, r))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}

#[pymethods]
impl PySnapshot {
    fn __len__(&self) -> usize {
        self.inner.records().len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .records(py, self.inner.records())?
            .try_iter()?
            .into_any())
    }

    fn __getitem__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyRecord>> {
        let key = name_arg(name)?;
        match self.inner.get(&key) {
            Some(r) => self.record(py, r),
            None => Err(PyKeyError::new_err(key)),
        }
    }

    fn __contains__(&self, name: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.get(&name_arg(name)?).is_some())
    }

    /// The record called ``name``, or ``default`` when there is none.
    #[pyo3(signature = (name, default = None))]
    fn get(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        default: Option<Py<PyAny>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        match self.inner.get(&name_arg(name)?) {
            Some(r) => Ok(Some(self.record(py, r)?.into_any())),
            None => Ok(default),
        }
    }

    /// Names of the records, largest self time first.
    fn names(&self) -> Vec<String> {
        self.inner
            .records()
            .iter()
            .map(|r| r.name().to_owned())
            .collect()
    }

    /// Per-thread records: ``{thread name: [Record, ...]}``; exited threads are merged under
    /// ``"(exited threads)"``.
    fn threads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for t in self.inner.threads() {
            d.set_item(&t.thread, self.records(py, &t.records)?)?;
        }
        Ok(d)
    }

    /// Total self time over all records in seconds (time spent in instrumented code).
    #[getter]
    fn total_self_secs(&self) -> f64 {
        self.inner.total_self().as_secs_f64()
    }

    /// A text table sorted by self time: calls, total, self, mean, p50, p99, % of self time.
    fn summary(&self) -> String {
        self.inner.to_table()
    }

    /// The snapshot as plain dicts and lists (see ``to_json``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = PyModule::import(py, "json")?;
        json.call_method1("loads", (self.inner.to_json(),))
    }

    /// The snapshot as JSON (schema ``performance_timing.profile/1``; seconds).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __repr__(&self) -> String {
        format!(
            "Snapshot(records={}, total_self_secs={:.6})",
            self.inner.records().len(),
            self.inner.total_self().as_secs_f64()
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_table()
    }
}

fn name_arg(name: &Bound<'_, PyAny>) -> PyResult<String> {
    if !name.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "name must be a str, not {}",
            args::type_name(name)
        )));
    }
    name.extract()
}

/// Takes an immutable snapshot of the global profile (every ``#[timed]`` Rust function and
/// Python ``timed`` block recorded so far). Recording threads are not stopped.
#[pyfunction]
pub fn snapshot(py: Python<'_>) -> PySnapshot {
    PySnapshot {
        inner: Arc::new(py.detach(profile::snapshot)),
    }
}

/// Clears the global profile in every thread.
#[pyfunction]
pub fn reset() {
    profile::reset();
}

/// Turns recording on or off (off, an instrumented call costs one relaxed atomic load).
#[pyfunction]
pub fn set_enabled(enabled: &Bound<'_, PyAny>) -> PyResult<()> {
    let flag = enabled.cast::<pyo3::types::PyBool>().map_err(|_| {
        PyTypeError::new_err(format!(
            "enabled must be a bool, not {}",
            args::type_name(enabled)
        ))
    })?;
    profile::set_enabled(flag.is_true());
    Ok(())
}

/// Whether recording is on (it is by default).
#[pyfunction]
pub fn is_enabled() -> bool {
    profile::is_enabled()
}

/// A named scope of Python code in the global profile, interned by ``(module, name)``; the
/// native base of ``performance_timing.timed``. As a context manager it records the block;
/// ``enter()``/``exit()`` do the same for the decorator's wrapper. Scopes nest, may be re-entered
/// (recursion) and are per thread: one must end on the thread that started it.
#[pyclass(
    frozen,
    subclass,
    module = "performance_timing._native",
    name = "_Scope"
)]
pub struct PyScope {
    site: Option<&'static CallSite>,
}

impl PyScope {
    fn site(&self) -> PyResult<&'static CallSite> {
        self.site.ok_or_else(|| {
            PyTypeError::new_err("timed() needs a name when used as a context manager")
        })
    }
}

#[pymethods]
impl PyScope {
    #[new]
    #[pyo3(signature = (module, name = None))]
    fn new(module: &Bound<'_, PyAny>, name: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let module = name_arg(module).map_err(|_| PyTypeError::new_err("module must be a str"))?;
        let site = match name {
            Some(name) => Some(profile::intern(&module, &name_arg(name)?)),
            None => None,
        };
        if let Some(site) = site {
            // First-call set-up now, so a decorated function's first call is not an outlier.
            profile::prepare(site);
        }
        Ok(Self { site })
    }

    /// The scope's name (``None`` for an unnamed ``timed()`` decorator factory).
    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.site.and_then(CallSite::explicit_name)
    }

    /// Starts the scope on the calling thread.
    fn enter(&self) -> PyResult<()> {
        profile::enter_scope(self.site()?);
        Ok(())
    }

    /// Ends and records the innermost open scope of this name on the calling thread
    /// (``RuntimeError`` when there is none, e.g. on another thread).
    fn exit(&self) -> PyResult<()> {
        profile::exit_scope(self.site()?).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().enter()?;
        Ok(slf)
    }

    #[pyo3(signature = (_exc_type = None, _exc_value = None, _traceback = None))]
    fn __exit__(
        &self,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.exit()?;
        Ok(false)
    }
}
