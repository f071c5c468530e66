//! `report()`: the HTML benchmark report (`timing_runtime::export::report`) from Python.

use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use timing_runtime::export::file::write_atomically;
use timing_runtime::export::report::{Entry, write_report};

use crate::args;
use crate::compare::PyComparison;
use crate::errors::io_error;
use crate::profile::diff::PySnapshotDiff;
use crate::profile::snapshot::PySnapshot;
use crate::stats::PyStats;

/// Writes one self-contained HTML page to ``path`` (no network needed to view it) with, per
/// ``Stats`` in ``results``, a plot of its samples (median, 95 % interval, outliers) and a
/// summary table, and per ``Comparison`` the two distributions side by side and the ratio with
/// its interval, coloured by the verdict; per ``Snapshot``, its records with their busy and
/// idle time (calls that run in steps: coroutines, generators); per ``SnapshotDiff`` its table
/// of what changed per function. ``title`` defaults to ``"Benchmark report"``. ``results`` is
/// any iterable of them (a list, a tuple, a generator; a set works but its order is arbitrary),
/// read once; a ``str``, ``bytes`` or non-iterable is a ``TypeError``.
/// Written to a temporary file, then renamed: on ``OSError`` nothing is left behind.
#[pyfunction]
#[pyo3(signature = (results, path, *, title = None))]
pub fn report(
    py: Python<'_>,
    results: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    title: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let not_results = || {
        PyTypeError::new_err(format!(
            "results must be an iterable (list, tuple, generator, ...) of Stats, Comparison \
             and/or Snapshot, not {}",
            args::type_name(results)
        ))
    };
    if args::is_text_or_bytes(results) {
        return Err(not_results());
    }
    let mut items: Vec<Bound<'_, PyAny>> = Vec::new();
    for item in results.try_iter().map_err(|_| not_results())? {
        let item = item?;
        if item.cast::<PyStats>().is_err()
            && item.cast::<PyComparison>().is_err()
            && item.cast::<PySnapshot>().is_err()
            && item.cast::<PySnapshotDiff>().is_err()
        {
            return Err(PyTypeError::new_err(format!(
                "every element of results must be a Stats, a Comparison, a Snapshot or a \
                 SnapshotDiff, not {}",
                args::type_name(&item)
            )));
        }
        items.push(item);
    }
    if items.is_empty() {
        return Err(PyValueError::new_err("results must not be empty"));
    }
    let path: PathBuf = args::path(path, "path")?;
    let title = match title {
        Some(t) if !t.is_none() => Some(args::string(t, "title")?),
        _ => None,
    };
    let borrowed: Vec<Entry<'_>> = items
        .iter()
        .map(|item| match item.cast::<PyStats>() {
            Ok(stats) => Entry::Stats(&stats.get().inner),
            Err(_) if item.cast::<PySnapshot>().is_ok() => {
                Entry::Profile(item.cast::<PySnapshot>().expect("checked").get().snapshot())
            }
            Err(_) if item.cast::<PySnapshotDiff>().is_ok() => Entry::Diff {
                title: "What changed, per function",
                diff: &item.cast::<PySnapshotDiff>().expect("checked").get().inner,
            },
            Err(_) => {
                let c = item.cast::<PyComparison>().expect("checked above").get();
                Entry::Comparison {
                    baseline: &c.baseline,
                    candidate: &c.candidate,
                    comparison: &c.inner,
                }
            }
        })
        .collect();
    let write = || write_atomically(&path, |w| write_report(&borrowed, title.as_deref(), w));
    write().map_err(|e| io_error(&path, e))?;
    let _ = py;
    Ok(())
}
