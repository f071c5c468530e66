//! An example third-party PyO3 extension, the model for profiling your own: its Rust code is
//! `#[timed]`, and one call — [`py_export::add_profile_api`] — makes it record into
//! `performance_timing`'s profile, so its functions show in `performance_timing.snapshot()`,
//! traces, flame graphs, `/metrics` and the multi-process files, nested under the Python code
//! that calls them (and Python `timed` code it calls back nests under them).
//!
//! Build and try: `maturin develop --release -m examples/extension/Cargo.toml`, then
//! `python -c "import performance_timing as pt, profiled_extension as m; m.tokenize_and_count('a b a'); print(pt.snapshot())"`.

use std::collections::HashMap;

use pyo3::prelude::*;
use rayon::prelude::*;
use timing_runtime::timed;

/// Splits text into lowercase words.
#[timed]
fn tokenize(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// Counts word frequencies.
#[timed]
fn count(words: &[String]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for w in words {
        *counts.entry(w.clone()).or_insert(0) += 1;
    }
    counts
}

/// Tokenizes `text` and returns word counts (both stages are timed in Rust).
#[pyfunction]
#[timed(name = "tokenize_and_count")]
fn tokenize_and_count(text: &str) -> HashMap<String, usize> {
    count(&tokenize(text))
}

/// Calls `callback(word)` for every word of `text` and returns the results: Rust calling back
/// into Python, so a Python `timed` callback nests under this Rust frame.
#[pyfunction]
#[timed(name = "map_words")]
fn map_words(text: &str, callback: &Bound<'_, PyAny>) -> PyResult<Vec<Py<PyAny>>> {
    tokenize(text)
        .into_iter()
        .map(|w| callback.call1((w,)).map(Bound::unbind))
        .collect()
}

/// Counts the words of each text on rayon's worker threads (the GIL released): calls made on
/// threads this extension starts record into the same profile.
#[pyfunction]
fn parallel_counts(py: Python<'_>, texts: Vec<String>) -> Vec<usize> {
    py.detach(|| {
        texts
            .par_iter()
            .map(|t| count(&tokenize(t)).len())
            .collect()
    })
}

/// The module: its functions, after the profile API (attach first, before any timed call).
#[pymodule]
fn profiled_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
    py_export::add_profile_api(m)?;
    m.add_function(wrap_pyfunction!(tokenize_and_count, m)?)?;
    m.add_function(wrap_pyfunction!(map_words, m)?)?;
    m.add_function(wrap_pyfunction!(parallel_counts, m)?)?;
    Ok(())
}
