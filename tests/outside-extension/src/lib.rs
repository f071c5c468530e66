//! A user's extension, built outside the workspace: its `#[timed]` functions show in
//! `performance_timing.snapshot()`, nested under the Python code that calls them.

use pyo3::prelude::*;
use timing_runtime::timed;

/// Lowercases every word.
#[timed]
fn normalise(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// The number of distinct words of `text`.
#[pyfunction]
#[timed(name = "distinct_words")]
fn distinct_words(text: &str) -> usize {
    let mut words = normalise(text);
    words.sort();
    words.dedup();
    words.len()
}

/// The module: the profile API first, then its functions.
#[pymodule]
fn outside_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
    py_export::add_profile_api(m)?;
    m.add_function(wrap_pyfunction!(distinct_words, m)?)?;
    Ok(())
}
