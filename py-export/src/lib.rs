//! Python bindings of `timing-runtime`: the native part (`performance_timing._native`) of
//! the Python package `performance_timing`.
//!
//! This crate only converts: a binding is a signature with its defaults (constants of
//! `timing-runtime`), one conversion of its arguments (`args.rs`), one call into the runtime
//! (with the GIL released around long work, stopped by Ctrl-C: `interrupt.rs`), and one mapping
//! of its errors (`errors.rs`).
//! Reprs format their figures with the runtime's formatter (`repr.rs`). The few calls Python
//! code makes in hot loops (`timed("stage")`, `Timer("x")`, their `with` blocks) enter through
//! C entry points installed at import (`dispatch/`), which do the same as the bindings.
//!
//! | file | Python API |
//! | --- | --- |
//! | `timer.rs` | `Timer`, `TimerResult` |
//! | `breakdown.rs` | `Profiler` |
//! | `bench.rs` | `benchmark`, `benchmark_with_warmup`, `benchmark_statistical`, `bench`, `bench_pair` |
//! | `stats.rs`, `compare.rs` | `Stats`, `Outliers`, `Calibration`; `compare`, `Comparison` |
//! | `hardware/` | `measure_memory_throughput`, `stream`, `CacheWarning`, `compare_seq_vs_parallel`, `compare_scaling`, `scaling_sweep`, `ParallelComparison` |
//! | `format.rs` | `_format_duration`, `_format_rate` (the formatter, for the command line and the pytest plugin) |
//! | `trace.rs` | `trace`, `Trace` (spans, Chrome trace, folded stacks, flame graph) |
//! | `report.rs` | `report` (the HTML benchmark report) |
//! | `profile/` | `snapshot`, `reset`, `set_enabled`, `is_enabled`, `dump`, `load_dir`, `Snapshot`, `Record`, `timed`, `_scope` |
//! | `prometheus.rs` | `serve_metrics`, `MetricsServer`, `push` (`Snapshot.to_prometheus` is in `profile/`) |

mod args;
mod bench;
mod breakdown;
mod compare;
mod dispatch;
mod errors;
mod format;
mod hardware;
mod interrupt;
mod profile;
mod prometheus;
mod report;
mod repr;
mod stats;
mod timer;
mod top;
mod trace;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Makes `module` (another PyO3 extension) record into performance_timing's profile, and adds
/// the profile API to it: `snapshot`, `reset`, `set_enabled`, `is_enabled`, `dump`, `load_dir`,
/// `Snapshot` and `Record`.
///
/// For authors of other PyO3 extensions: `#[timed]` records into statics of the shared
/// library its code is linked into, so without this call an extension would have a profile of
/// its own. With it, the extension's runtime attaches to `performance_timing`'s (importing it
/// if it is installed, so import order does not matter): its functions show in
/// `performance_timing.snapshot()`, nested under the Python code that calls them, and in
/// traces, `/metrics` and the multi-process files, and the module's profile names *are*
/// `performance_timing`'s. Without `performance_timing` installed, or with one whose profile
/// API has another major version (a `RuntimeWarning` says so), the extension keeps its own
/// profile and these names read it. Call it first in the module's init, before any of its
/// `#[timed]` code runs:
///
/// ```no_run
/// use pyo3::prelude::*;
///
/// #[pymodule]
/// fn my_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
///     py_export::add_profile_api(m)?;
///     // m.add_function(...)?;
///     Ok(())
/// }
/// ```
pub fn add_profile_api(module: &Bound<'_, PyModule>) -> PyResult<()> {
    if let profile::shared::Host::Attached = profile::shared::attach(module)? {
        return Ok(());
    }
    module.add_class::<profile::snapshot::PySnapshot>()?;
    module.add_class::<profile::snapshot::PyRecord>()?;
    module.add_function(wrap_pyfunction!(profile::functions::snapshot, module)?)?;
    module.add_function(wrap_pyfunction!(profile::functions::reset, module)?)?;
    module.add_function(wrap_pyfunction!(profile::functions::set_enabled, module)?)?;
    module.add_function(wrap_pyfunction!(profile::functions::is_enabled, module)?)?;
    module.add_function(wrap_pyfunction!(profile::functions::dump, module)?)?;
    module.add_function(wrap_pyfunction!(profile::functions::load_dir, module)?)?;
    Ok(())
}

/// The defaults of every optional argument, keyed `"function.argument"`, straight from the
/// runtime's constants: the signatures and stubs show the same values (a test checks it).
fn defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    use timing_runtime::bench::options as bench;
    use timing_runtime::export::metrics_server;
    use timing_runtime::hardware::{scaling, stream};
    use timing_runtime::stats::compare;
    let d = PyDict::new(py);
    d.set_item("bench.warmup", bench::DEFAULT_WARMUP.as_secs_f64())?;
    d.set_item("bench.min_time", bench::DEFAULT_MIN_TIME.as_secs_f64())?;
    d.set_item("bench.max_time", bench::DEFAULT_MAX_TIME.as_secs_f64())?;
    d.set_item("bench.samples", bench::DEFAULT_SAMPLES)?;
    d.set_item("bench.iterations", bench::DEFAULT_ITERATIONS)?;
    d.set_item(
        "bench_pair.warmup",
        bench::DEFAULT_PAIR_WARMUP.as_secs_f64(),
    )?;
    d.set_item(
        "bench_pair.max_time",
        bench::DEFAULT_PAIR_MAX_TIME.as_secs_f64(),
    )?;
    d.set_item("bench_pair.noise", bench::DEFAULT_PAIR_NOISE)?;
    d.set_item("compare.noise", compare::DEFAULT_NOISE)?;
    d.set_item("compare.paired", false)?;
    d.set_item("compare_scaling.iterations", scaling::DEFAULT_ITERATIONS)?;
    d.set_item("compare_scaling.runs", scaling::DEFAULT_RUNS)?;
    d.set_item("scaling_sweep.iterations", scaling::SWEEP_ITERATIONS)?;
    d.set_item("scaling_sweep.runs", scaling::SWEEP_RUNS)?;
    d.set_item("stream.iterations", stream::DEFAULT_ITERATIONS)?;
    d.set_item("serve_metrics.addr", metrics_server::DEFAULT_ADDR)?;
    d.set_item(
        "trace.capacity",
        timing_runtime::profile::trace::DEFAULT_CAPACITY,
    )?;
    Ok(d)
}

/// The native module `performance_timing._native`; import `performance_timing` instead.
#[pymodule(name = "_native", module = "performance_timing")]
mod native {
    #[pymodule_export]
    use crate::bench::{
        bench, bench_pair, benchmark, benchmark_statistical, benchmark_with_warmup,
        reference_workload_object,
    };
    #[pymodule_export]
    use crate::breakdown::PyProfiler;
    #[pymodule_export]
    use crate::compare::{PyComparison, compare};
    #[pymodule_export]
    use crate::format::{format_duration, format_rate};
    #[pymodule_export]
    use crate::hardware::scaling::{
        PyParallelComparison, compare_scaling, compare_seq_vs_parallel, scaling_sweep,
    };
    #[pymodule_export]
    use crate::hardware::stream::{CacheWarning, measure_memory_throughput, stream};
    #[pymodule_export]
    use crate::profile::diff::{PySnapshotDiff, flamegraph_diff};
    #[pymodule_export]
    use crate::profile::functions::{dump, is_enabled, load_dir, reset, set_enabled, snapshot};
    #[pymodule_export]
    use crate::profile::scope::{PyTimed, scope};
    #[pymodule_export]
    use crate::profile::snapshot::{PyRecord, PySnapshot};
    #[pymodule_export]
    use crate::profile::steps::PySteps;
    #[pymodule_export]
    use crate::prometheus::{PyMetricsServer, push, serve_metrics};
    #[pymodule_export]
    use crate::report::report;
    #[pymodule_export]
    use crate::stats::{PyCalibration, PyOutliers, PyStats};
    #[pymodule_export]
    use crate::timer::{PyTimer, PyTimerResult};
    #[pymodule_export]
    use crate::top::{PyTopFrame, PyTopWatch};
    #[pymodule_export]
    use crate::trace::{PyTrace, trace};

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("_DEFAULTS", defaults(m.py())?)?;
        crate::profile::shared::export(m)?;
        crate::dispatch::init(m.py())?;
        crate::profile::fast::install(m.py())?;
        crate::timer::install(m.py())
    }
}
