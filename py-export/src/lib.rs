//! Python bindings of `timing-runtime`: the native part (`performance_timing._native`) of
//! the Python package `performance_timing`.
//!
//! This crate only converts arguments (see `args`), releases the GIL around long Rust work,
//! and maps runtime errors to Python exceptions in one place (see `errors`).

mod args;
mod bench;
mod compare;
mod errors;
mod memory;
mod parallel;
mod profile;
mod profiler;
mod stats;
mod timer;

use pyo3::prelude::*;

/// Adds the profile API to `module`: the functions `snapshot`, `reset`, `set_enabled` and
/// `is_enabled` and the classes `Snapshot` and `Record`.
///
/// For authors of other PyO3 extensions: `#[timed]` records into statics of the shared
/// library the code is linked into, so a separate extension has its own profile, and only
/// functions compiled into that extension can read it. One call in the extension's
/// `#[pymodule]` gives its Python users the same API as `performance_timing`:
///
/// ```no_run
/// use pyo3::prelude::*;
///
/// #[pymodule]
/// fn my_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
///     py_export::add_profile_api(m)
/// }
/// ```
pub fn add_profile_api(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<profile::PySnapshot>()?;
    module.add_class::<profile::PyRecord>()?;
    module.add_function(wrap_pyfunction!(profile::snapshot, module)?)?;
    module.add_function(wrap_pyfunction!(profile::reset, module)?)?;
    module.add_function(wrap_pyfunction!(profile::set_enabled, module)?)?;
    module.add_function(wrap_pyfunction!(profile::is_enabled, module)?)?;
    Ok(())
}

/// The native module `performance_timing._native`; import `performance_timing` instead.
#[pymodule(name = "_native", module = "performance_timing")]
mod native {
    #[pymodule_export]
    use crate::bench::{benchmark, benchmark_statistical, benchmark_with_warmup};
    #[pymodule_export]
    use crate::compare::{PyComparison, compare};
    #[pymodule_export]
    use crate::memory::{CacheWarning, measure_memory_throughput, stream};
    #[pymodule_export]
    use crate::parallel::{
        PyParallelComparison, compare_scaling, compare_seq_vs_parallel, scaling_sweep,
    };
    #[pymodule_export]
    use crate::profile::{PyRecord, PyScope, PySnapshot, is_enabled, reset, set_enabled, snapshot};
    #[pymodule_export]
    use crate::profiler::PyProfiler;
    #[pymodule_export]
    use crate::stats::{PyCalibration, PyOutliers, PyStats, bench};
    #[pymodule_export]
    use crate::timer::{PyTimer, PyTimerResult};

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
