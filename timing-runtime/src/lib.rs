//! Timing, benchmarking and profiling for Rust, the core of `performance_timing`.
//!
//! Everything here is plain Rust (no Python): the Python module in `py-export` only converts
//! arguments and maps [`TimingError`] to Python exceptions.
//!
//! * [`Timer`] / [`TimerResult`]: a named stopwatch and its frozen result.
//! * [`bench`]: `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` over fallible closures.
//! * [`parallel`]: sequential vs parallel (rayon) sum of squares, speedup with a confidence
//!   interval ([`median_interval`]) and a scaling sweep.
//! * [`memory`]: memory read bandwidth in decimal GB/s.
//! * [`stream`]: STREAM-style read/copy/scale/add/triad kernels on a fixed [`team`] of threads.
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
pub mod clock;
pub mod error;
pub mod host;
pub mod median_interval;
pub mod memory;
pub mod parallel;
pub mod profiler;
pub mod reduce;
pub mod report;
pub mod stats;
pub mod stream;
pub mod team;
pub mod timer;

pub use bench::{BenchError, StatisticalResult};
pub use error::TimingError;
pub use profiler::Profiler;
pub use timer::{Timer, TimerResult};
