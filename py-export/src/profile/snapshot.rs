//! `Snapshot` and `Record`: the global profile, copied at one instant, seen from Python.

use std::sync::Arc;

use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use timing_runtime::profile::snapshot::RecordDocument;
use timing_runtime::profile::{LookupError, Record, Snapshot};

use crate::errors::timing_error;
use crate::{args, repr};

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

    /// ``"module::name"`` (``"pkg.b::load"``): the name ``snap[...]`` takes when records of
    /// one name come from several modules.
    #[getter]
    fn qualified_name(&self) -> String {
        self.inner.qualified_name()
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

    /// Time suspended between steps in seconds, for coroutines, generators, async
    /// generators and ``with timed(...)`` blocks inside them (0 for plain calls).
    #[getter]
    fn idle_secs(&self) -> f64 {
        self.inner.idle().as_secs_f64()
    }

    /// Time running in seconds: ``total_secs - idle_secs``.
    #[getter]
    fn busy_secs(&self) -> f64 {
        self.inner.busy().as_secs_f64()
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

    /// Whether ``other`` is a ``Record`` with the same name, figures and histogram.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyRecord>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// The record as a dict (the same fields as in ``Snapshot.to_json()``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        record_dict(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Record(name={}, calls={}, total={}, self={})",
            repr::quoted(py, self.inner.name())?,
            self.inner.calls(),
            repr::duration(self.inner.total().as_secs_f64()),
            repr::duration(self.inner.self_time().as_secs_f64())
        ))
    }
}

/// The ``KeyError`` of a failed lookup: the key itself when nothing has that name (as a dict
/// says), the runtime's sentence listing the candidates when the name is ambiguous.
fn lookup_error(key: String, e: LookupError) -> PyErr {
    match e {
        LookupError::NotFound(_) => PyKeyError::new_err(key),
        ambiguous => PyKeyError::new_err(ambiguous.to_string()),
    }
}

fn record_dict<'py>(py: Python<'py>, r: &Record) -> PyResult<Bound<'py, PyDict>> {
    let doc = RecordDocument::from(r);
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
    d.set_item("sum_ns", doc.sum_ns)?;
    d.set_item("total_ns", doc.total_ns)?;
    d.set_item("self_ns", doc.self_ns)?;
    d.set_item("min_ns", doc.min_ns)?;
    d.set_item("max_ns", doc.max_ns)?;
    if doc.idle_ns != 0 {
        // Optional, as in the JSON document.
        d.set_item("idle_secs", doc.idle_secs)?;
        d.set_item("idle_ns", doc.idle_ns)?;
    }
    let buckets = doc
        .histogram
        .iter()
        .map(|&(le, count)| PyList::new(py, [le, count]))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("histogram", PyList::new(py, buckets)?)?;
    Ok(d)
}

/// An immutable copy of the global profile: iterate it for ``Record`` objects (largest self
/// time first), look one up with ``snap["name"]``, or render it with ``summary()``,
/// ``to_dict()`` and ``to_json()``.
#[pyclass(frozen, module = "performance_timing", name = "Snapshot")]
pub struct PySnapshot {
    pub(crate) inner: Arc<Snapshot>,
}

impl PySnapshot {
    /// The snapshot it holds.
    pub fn snapshot(&self) -> &Snapshot {
        &self.inner
    }

    /// Wraps a runtime snapshot.
    pub fn new(inner: Snapshot) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }
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

    /// The record called ``name``, or ``"module::name"`` (``snap["pkg.b::load"]``):
    /// ``KeyError`` when there is none, or when records of that name come from several modules
    /// (the message lists their qualified names).
    fn __getitem__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyRecord>> {
        let key = args::string(name, "name")?;
        match self.inner.lookup(&key) {
            Ok(r) => self.record(py, r),
            Err(e) => Err(lookup_error(key, e)),
        }
    }

    /// Whether a record is called ``name`` (or ``"module::name"``; one of several of that name
    /// counts): ``False`` for anything but a ``str``.
    fn __contains__(&self, name: &Bound<'_, PyAny>) -> PyResult<bool> {
        if !name.is_instance_of::<PyString>() {
            return Ok(false);
        }
        let key = args::string(name, "name")?;
        Ok(!matches!(
            self.inner.lookup(&key),
            Err(LookupError::NotFound(_))
        ))
    }

    /// Whether ``other`` is a ``Snapshot`` with the same records (figures and histograms,
    /// in the same order), per-thread views and processes.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PySnapshot>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    /// Reads a snapshot written by ``to_json()``: an equal snapshot (records, histograms
    /// bucket for bucket, per-thread views, processes). Not JSON, another schema version or a
    /// malformed document → ``ValueError`` saying what is wrong.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, py: Python<'_>, s: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = args::string(s, "s")?;
        py.detach(|| Snapshot::from_json(&text))
            .map(Self::new)
            .map_err(timing_error)
    }

    /// The sum of ``snapshots`` (any iterable of ``Snapshot``), as if every call had been
    /// recorded in one process: records matched by (module, name), calls/total/self add,
    /// min/max combine, histograms add bucket for bucket. A sum that does not fit in 64 bits
    /// raises ``ValueError`` naming the record (never wrapped or clamped).
    #[staticmethod]
    fn merge(py: Python<'_>, snapshots: &Bound<'_, PyAny>) -> PyResult<Self> {
        let not_snapshots = || {
            PyTypeError::new_err(format!(
                "snapshots must be an iterable of Snapshot, not {}",
                args::type_name(snapshots)
            ))
        };
        let iter = snapshots.try_iter().map_err(|_| not_snapshots())?;
        let mut parts: Vec<Arc<Snapshot>> = Vec::new();
        for item in iter {
            let item = item?;
            let snap =
                args::instance::<PySnapshot>(&item, "every element of snapshots", "Snapshot")?;
            parts.push(snap.get().inner.clone());
        }
        let merged = py
            .detach(|| Snapshot::merge(parts.iter().map(|s| s.as_ref())))
            .map_err(crate::errors::timing_error)?;
        Ok(Self::new(merged))
    }

    /// What changed, per function, from ``base`` to ``new`` (both ``Snapshot``): a
    /// ``SnapshotDiff`` with one row per function matched by (module, name) — calls, total and
    /// self time per call before and after, the ratio of the median call with an interval
    /// from the two histograms (≥ 95 %, within-run noise only), and a verdict — largest change
    /// of the total first.
    #[staticmethod]
    fn diff(
        py: Python<'_>,
        base: &Bound<'_, PyAny>,
        new: &Bound<'_, PyAny>,
    ) -> PyResult<super::diff::PySnapshotDiff> {
        let base = args::instance::<PySnapshot>(base, "base", "Snapshot")?
            .get()
            .inner
            .clone();
        let new = args::instance::<PySnapshot>(new, "new", "Snapshot")?
            .get()
            .inner
            .clone();
        Ok(super::diff::PySnapshotDiff {
            inner: Arc::new(py.detach(|| Snapshot::diff(&base, &new))),
        })
    }

    /// The snapshot as folded stacks for a flame graph: one single-frame stack per function,
    /// weighted by its self time in integer nanoseconds (a snapshot holds no call stacks).
    fn folded(&self) -> String {
        self.inner.folded()
    }

    /// The processes the records come from: ``[{"host": str, "pid": int}, ...]`` (this
    /// process for ``snapshot()``, every source process for a merged or loaded snapshot).
    #[getter]
    fn processes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .inner
            .processes()
            .iter()
            .map(|p| {
                let d = PyDict::new(py);
                d.set_item("host", &p.host)?;
                d.set_item("pid", p.pid)?;
                Ok(d)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The record called ``name`` (or ``"module::name"``), or ``default`` when there is none;
    /// an ambiguous name is a ``KeyError`` listing the qualified names, as for ``snap[name]``.
    #[pyo3(signature = (name, default = None))]
    fn get(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        default: Option<Py<PyAny>>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let key = args::string(name, "name")?;
        match self.inner.lookup(&key) {
            Ok(r) => Ok(Some(self.record(py, r)?.into_any())),
            Err(LookupError::NotFound(_)) => Ok(default),
            Err(e) => Err(lookup_error(key, e)),
        }
    }

    /// Names of the records, largest self time first (plain names: records of one name in
    /// several modules appear once each; ``Record.module_path`` tells them apart).
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

    /// The snapshot as JSON (schema ``performance_timing.profile/2``): readable figures in
    /// seconds and the exact ones (nanoseconds, histogram buckets) ``from_json`` reads back.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The snapshot in the Prometheus text exposition format 0.0.4: per function, the
    /// counters ``performance_timing_calls_total``, ``performance_timing_seconds_total``,
    /// ``performance_timing_self_seconds_total``, ``performance_timing_idle_seconds_total``
    /// and the histogram
    /// ``performance_timing_call_duration_seconds`` (bounds: powers of two from 128 ns to 137 s).
    fn to_prometheus(&self) -> String {
        self.inner.to_prometheus()
    }

    /// The Prometheus families as plain data, for ``PrometheusCollector``: a list of
    /// ``(name, type, help, samples)``; a counter's samples are ``(function, module, value)``,
    /// the histogram's ``(function, module, [(le, cumulative count), ...], sum)``.
    fn _prometheus_families<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        use timing_runtime::export::prometheus::{
            self as prom, BUCKET_BOUNDS_NS, nanos128_to_secs,
        };
        let series = self.inner.prometheus_series();
        let les: Vec<String> = BUCKET_BOUNDS_NS
            .iter()
            .map(|&b| prom::le_label(b))
            .collect();
        let secs = nanos128_to_secs;
        let calls = PyList::new(py, series.iter().map(|s| (s.function, s.module, s.calls)))?;
        let total = PyList::new(
            py,
            series
                .iter()
                .map(|s| (s.function, s.module, secs(s.total_ns))),
        )?;
        let self_time = PyList::new(
            py,
            series
                .iter()
                .map(|s| (s.function, s.module, secs(s.self_ns))),
        )?;
        let idle = PyList::new(
            py,
            series
                .iter()
                .map(|s| (s.function, s.module, secs(s.idle_ns))),
        )?;
        let histogram = PyList::new(
            py,
            series.iter().map(|s| {
                let mut buckets: Vec<(&str, u128)> =
                    les.iter().map(String::as_str).zip(s.buckets).collect();
                buckets.push(("+Inf", s.count));
                (s.function, s.module, buckets, secs(s.sum_ns))
            }),
        )?;
        let families = [calls, total, self_time, idle, histogram];
        PyList::new(
            py,
            prom::FAMILIES
                .iter()
                .zip(families)
                .map(|(f, samples)| (f.name, f.kind, f.help, samples)),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Snapshot(records={}, total_self={})",
            self.inner.records().len(),
            repr::duration(self.inner.total_self().as_secs_f64())
        )
    }

    fn __str__(&self) -> String {
        self.inner.to_table()
    }
}
