//! `Snapshot.diff` and `SnapshotDiff`, and `flamegraph_diff`: what changed per function
//! (`timing_runtime::profile::snapshot::diff`, `export::flamegraph`) from Python.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use timing_runtime::export::file::write_atomically;
use timing_runtime::export::flamegraph::{
    DEFAULT_DIFF_TITLE, differential_folded, folded_of_saved, write_differential_flamegraph,
};
use timing_runtime::export::report::{Entry, write_report};
use timing_runtime::profile::snapshot::{DiffRow, SnapshotDiff};

use super::snapshot::PySnapshot;
use crate::args;
use crate::errors::{io_error, timing_error};
use crate::trace::PyTrace;

/// The default heading of a diff's HTML section.
const DEFAULT_HTML_TITLE: &str = "What changed, per function";

/// What changed, per function, between two snapshots (``Snapshot.diff(base, new)``): one row
/// per function matched by (module, name), largest change of the total first. ``rows`` are
/// dicts; ``summary()`` is the text table, ``to_json()`` / ``to_dict()`` the document,
/// ``write_html(path)`` a report page.
#[pyclass(frozen, module = "performance_timing", name = "SnapshotDiff")]
pub struct PySnapshotDiff {
    pub(crate) inner: Arc<SnapshotDiff>,
}

fn row_dict<'py>(py: Python<'py>, r: &DiffRow) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("name", &r.name)?;
    d.set_item("module_path", &r.module_path)?;
    d.set_item("verdict", r.change.as_str())?;
    d.set_item("calls", r.calls)?;
    let secs = |(b, a): (f64, f64)| (b * 1e-9, a * 1e-9);
    d.set_item("total_per_call_secs", secs(r.total_per_call_ns))?;
    d.set_item("self_per_call_secs", secs(r.self_per_call_ns))?;
    d.set_item(
        "median_secs",
        secs((r.median_ns.0 as f64, r.median_ns.1 as f64)),
    )?;
    d.set_item("ratio", r.ratio)?;
    d.set_item("interval", r.interval)?;
    d.set_item("change_secs", r.change_ns * 1e-9)?;
    d.set_item("share", r.share)?;
    Ok(d)
}

#[pymethods]
impl PySnapshotDiff {
    /// The rows, largest change of the total first: dicts with ``name``, ``module_path``,
    /// ``verdict`` (``"faster"``, ``"slower"``, ``"no change"``, ``"new"``, ``"gone"``),
    /// ``calls``, ``total_per_call_secs``, ``self_per_call_secs``, ``median_secs`` (each a
    /// ``(before, after)`` pair), ``ratio`` (median after / before, or ``None``), ``interval``
    /// (its ≥ 95 % interval, or ``None``), ``change_secs`` and ``share`` (of all self time).
    #[getter]
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .inner
            .rows()
            .iter()
            .map(|r| row_dict(py, r))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    fn __len__(&self) -> usize {
        self.inner.rows().len()
    }

    /// The text table: calls, self and total per call (before → after), median ratio with its
    /// interval, share of the total and verdict.
    fn summary(&self) -> String {
        self.inner.to_table()
    }

    fn __str__(&self) -> String {
        self.inner.to_table()
    }

    /// The diff as JSON (schema ``performance_timing.profile_diff/1``, nanoseconds).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The JSON document as plain dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyModule::import(py, "json")?.call_method1("loads", (self.inner.to_json(),))
    }

    /// Writes a self-contained HTML page with the diff's table to ``path``, headed ``title``;
    /// nothing is left behind on ``OSError``.
    #[pyo3(signature = (path, title = None), text_signature = "($self, path, title='What changed, per function')")]
    fn write_html(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        title: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let path: PathBuf = args::path(path, "path")?;
        let title = match title {
            Some(t) if !t.is_none() => args::string(t, "title")?,
            _ => DEFAULT_HTML_TITLE.to_owned(),
        };
        let diff = self.inner.clone();
        py.detach(|| {
            write_atomically(&path, |w| {
                write_report(
                    &[Entry::Diff {
                        title: &title,
                        diff: &diff,
                    }],
                    Some(&title),
                    w,
                )
            })
        })
        .map_err(|e| io_error(&path, e))
    }

    fn __repr__(&self) -> String {
        let count = |c: &str| {
            self.inner
                .rows()
                .iter()
                .filter(|r| r.change.as_str() == c)
                .count()
        };
        format!(
            "SnapshotDiff(rows={}, slower={}, faster={}, new={}, gone={})",
            self.inner.rows().len(),
            count("slower"),
            count("faster"),
            count("new"),
            count("gone")
        )
    }
}

/// The folded stacks of one input of `flamegraph_diff`: a `Snapshot`, a finished `Trace`, or
/// the path of a saved snapshot (JSON) or of saved folded stacks.
fn folded_input(obj: &Bound<'_, PyAny>, what: &'static str) -> PyResult<String> {
    if let Ok(snap) = obj.cast::<PySnapshot>() {
        return Ok(snap.get().inner.folded());
    }
    if let Ok(trace) = obj.cast::<PyTrace>() {
        return Ok(trace.get().finished()?.folded());
    }
    let path: PathBuf = args::path(obj, what).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a Snapshot, a Trace or the path of a saved snapshot or folded stacks, not {}",
            args::type_name(obj)
        ))
    })?;
    let text = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
    let text = String::from_utf8(text).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "{what} ({}) is not UTF-8 text: neither a snapshot nor folded stacks",
            path.display()
        ))
    })?;
    folded_of_saved(&text, what).map_err(timing_error)
}

/// Writes the differential flame graph of ``base`` → ``new`` to ``path`` as an SVG (inferno's
/// differential flame graph): frames as wide as in ``new``, red where self time grew, blue
/// where it shrank. ``base`` and ``new`` are each a ``Snapshot`` (one frame per function), a
/// finished ``Trace`` (its call stacks), or the path of a saved snapshot (``to_json()``) or
/// of saved folded stacks (``Trace.folded()``). With ``normalize``, ``base`` is scaled to the
/// total of ``new`` first. Nothing is left behind on ``OSError``.
#[pyfunction]
#[pyo3(signature = (base, new, path, *, title = None, normalize = None), text_signature = "(base, new, path, *, title='Differential Flame Graph', normalize=False)")]
pub fn flamegraph_diff(
    py: Python<'_>,
    base: &Bound<'_, PyAny>,
    new: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    title: Option<&Bound<'_, PyAny>>,
    normalize: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let before = folded_input(base, "base")?;
    let after = folded_input(new, "new")?;
    let path: PathBuf = args::path(path, "path")?;
    let title = match title {
        Some(t) if !t.is_none() => args::string(t, "title")?,
        _ => DEFAULT_DIFF_TITLE.to_owned(),
    };
    let normalize = match normalize {
        Some(n) => args::boolean(n, "normalize")?,
        None => false,
    };
    let merged = py
        .detach(|| differential_folded(&before, &after, normalize))
        .map_err(timing_error)?;
    py.detach(|| write_atomically(&path, |w| write_differential_flamegraph(&merged, &title, w)))
        .map_err(|e| io_error(&path, e))
}
