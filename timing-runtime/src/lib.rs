//! Timing, benchmarking and profiling for Rust, the core of `performance_timing`.
//!
//! Everything here is plain Rust (no Python): the Python module in `py-export` only converts
//! arguments and maps [`TimingError`] to Python exceptions.
//!
//! * [`Timer`] / [`TimerResult`]: a named stopwatch and its frozen result.
//! * [`bench`]: `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` over fallible closures,
//!   and [`bench::bench`], the calibrated harness returning [`Stats`].
//! * [`stats`], [`compare`], [`persist`], [`calibrate`]: statistics, comparison with a verdict,
//!   JSON, and calibration of the clock and the harness.
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

pub mod bench;
pub mod calibrate;
pub mod clock;
pub mod compare;
pub mod error;
pub mod host;
pub mod memory;
pub mod parallel;
pub mod persist;
pub mod profiler;
pub mod reduce;
pub mod report;
pub mod stats;
pub mod timer;

pub use bench::{BenchError, BenchOptions, StatisticalResult};
pub use compare::{Comparison, Verdict};
pub use error::TimingError;
pub use profiler::Profiler;
pub use stats::Stats;
pub use timer::{Timer, TimerResult};
