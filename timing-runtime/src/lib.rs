//! Timing, benchmarking and profiling for Rust, the core of `performance_timing`.
//!
//! Everything here is plain Rust (no Python): the Python module in `py-export` only converts
//! arguments and maps [`TimingError`] to Python exceptions.
//!
//! * [`Timer`] / [`TimerResult`]: a named stopwatch and its frozen result.
//! * [`bench`](mod@bench): `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` over fallible closures,
//!   and [`bench::bench`], the calibrated harness returning [`Stats`].
//! * [`stats`], [`compare`], [`persist`], [`calibrate`]: statistics, comparison with a verdict,
//!   JSON, and calibration of the clock and the harness.
//! * [`parallel`]: sequential vs parallel (rayon) sum of squares, speedup with a confidence
//!   interval ([`median_interval`]) and a scaling sweep.
//! * [`memory`]: memory read bandwidth in decimal GB/s.
//! * [`stream`]: STREAM-style read/copy/scale/add/triad kernels on a fixed [`team`] of threads.
//! * [`Profiler`]: a manual breakdown of named durations.
//! * [`timed`]: the `#[timed]` attribute, recording every call of a function in the global
//!   profile ([`profile`]).
//!
//! # Cargo features
//!
//! * `off`: compile `#[timed]` instrumentation out completely; instrumented functions are
//!   emitted exactly as written (forwards `timing-macros/disabled`).
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
pub mod calibrate;
pub mod clock;
pub mod compare;
pub mod error;
pub mod fast_clock;
pub mod host;
pub mod median_interval;
pub mod memory;
pub mod parallel;
pub mod persist;
pub mod profile;
pub mod profiler;
pub mod reduce;
pub mod report;
pub mod stats;
pub mod stream;
pub mod team;
pub mod timer;

pub use bench::{BenchError, BenchOptions, StatisticalResult};
pub use compare::{Comparison, Verdict};
pub use error::TimingError;
pub use profiler::Profiler;
pub use stats::Stats;
pub use timer::{Timer, TimerResult};

/// Records every call of a function in the global profile.
///
/// `#[timed]` names the entry after the function's path (methods keep their type:
/// `Parser::new`); `#[timed(name = "…")]` overrides it. Works on free functions, methods,
/// generic and `unsafe` functions and `async fn`; early returns, `?` and panics are recorded
/// too. A `const fn`, a non-function item or a bad argument is a compile error.
///
/// With the crate feature `off`, instrumentation is compiled out: functions are emitted
/// exactly as written.
///
/// ```
/// use timing_runtime::timed;
///
/// struct Parser;
///
/// impl Parser {
///     #[timed]
///     fn words(&self, text: &str) -> usize {
///         text.split_whitespace().count()
///     }
/// }
///
/// #[timed(name = "load")]
/// fn load(path: &str) -> Result<usize, std::num::ParseIntError> {
///     let n: usize = path.parse()?;
///     Ok(n * 2)
/// }
///
/// assert_eq!(Parser.words("one two three"), 3);
/// assert_eq!(load("21"), Ok(42));
/// assert!(load("x").is_err());
/// ```
pub use timing_macros::timed;

/// Items used by the code `#[timed]` generates. Not a stable API: do not use directly.
#[doc(hidden)]
pub mod __private {
    pub use crate::profile::callsite::CallSite;
    pub use crate::profile::guard::{Guard, TimedFuture};
}
