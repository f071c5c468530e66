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
mod profiler;
mod stats;
mod timer;

use pyo3::prelude::*;

/// The native module `performance_timing._native`; import `performance_timing` instead.
#[pymodule(name = "_native", module = "performance_timing")]
mod native {
    #[pymodule_export]
    use crate::bench::{benchmark, benchmark_statistical, benchmark_with_warmup};
    #[pymodule_export]
    use crate::compare::{PyComparison, compare};
    #[pymodule_export]
    use crate::memory::measure_memory_throughput;
    #[pymodule_export]
    use crate::parallel::compare_seq_vs_parallel;
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
