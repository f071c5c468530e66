//! An example third-party PyO3 extension: its Rust code is `#[timed]`, and one call —
//! [`py_export::add_profile_api`] — gives its Python module `snapshot()`, `reset()`,
//! `set_enabled()` and `is_enabled()` over *its own* profile (the `#[timed]` statics live in
//! this shared library, so only this module can read them).
//!
//! Build and try: `maturin develop --release -m examples/extension/Cargo.toml`, then
//! `python -c "import profiled_extension as m; m.tokenize_and_count('a b a'); print(m.snapshot().summary())"`.

use std::collections::HashMap;

use pyo3::prelude::*;
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

/// The module: its own functions plus the profile API.
#[pymodule]
fn profiled_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tokenize_and_count, m)?)?;
    py_export::add_profile_api(m)
}
