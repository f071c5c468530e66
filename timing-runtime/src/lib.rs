//! Timing, benchmarking and profiling for Rust, the core of `performance_timing`.
//!
//! Everything here is plain Rust (no Python): the Python module in `py-export` only converts
//! arguments and maps [`TimingError`] to Python exceptions.
//!
//! * [`Timer`] / [`TimerResult`]: a named stopwatch and its frozen result.
//! * [`bench`]: `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` over fallible closures.
//! * [`parallel`]: sequential vs parallel (rayon) sum of squares.
//! * [`memory`]: memory read bandwidth in decimal GB/s.
//! * [`Profiler`]: a manual breakdown of named durations.
//!
//! ```
//! use std::convert::Infallible;
//! use timing_runtime::bench::benchmark;
//!
//! let mut calls = 0;
//! let result = benchmark("count", 10, || {
//!     calls += 1;
//!     Ok::<(), Infallible>(())
//! })
//! .unwrap();
//! assert_eq!(calls, 10);
//! assert_eq!(result.iterations(), 10);
//! ```

// Lets `#[timed]` (which names `::timing_runtime`) instrument this crate's own kernels.
extern crate self as timing_runtime;

pub mod bench;
pub mod clock;
pub mod error;
pub mod fast_clock;
pub mod host;
pub mod memory;
pub mod parallel;
pub mod profile;
pub mod profiler;
pub mod reduce;
pub mod report;
pub mod stats;
pub mod timer;

pub use bench::{BenchError, StatisticalResult};
pub use error::TimingError;
pub use profiler::Profiler;
pub use timer::{Timer, TimerResult};

/// Items used by the code `#[timed]` generates. Not a stable API: do not use directly.
#[doc(hidden)]
pub mod __private {
    pub use crate::profile::callsite::CallSite;
    pub use crate::profile::guard::{Guard, TimedFuture};
}
