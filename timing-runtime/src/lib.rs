//! Timing, benchmarking and profiling for Rust, the core of `performance_timing`.
//!
//! # Quick start
//!
//! ```toml
//! [dependencies]
//! timing-runtime = { path = "../performance_timing/timing-runtime" }  # or a git = "…" URL
//! ```
//!
//! Mark functions with [`#[timed]`](timed), run them, then read the profile:
//!
//! ```
//! use timing_runtime::{profile, timed};
//!
//! #[timed]
//! fn parse(input: &str) -> Vec<u64> {
//!     input.split(',').map(|s| s.trim().parse().unwrap()).collect()
//! }
//!
//! #[timed]
//! fn total(input: &str) -> u64 {
//!     parse(input).iter().sum()
//! }
//!
//! fn main() {
//!     for _ in 0..100 {
//!         assert_eq!(total("1, 2, 3"), 6);
//!     }
//!     let snap = profile::snapshot();
//!     println!("{snap}"); // the table: name, calls, total, self, mean, p50, p99, % self
//!     assert_eq!(snap.get("parse").unwrap().calls(), 100);
//!     for record in &snap {
//!         println!("{}: {} calls, self {:?}", record.name(), record.calls(), record.self_time());
//!     }
//! }
//! ```
//!
//! To benchmark a closure with statistics, [`bench::bench`] returns [`Stats`] (`println!("{stats}")`
//! prints median, its 95 % interval, min, ops/s and warnings); [`stats::compare::compare`] gives a verdict
//! between two of them. Under a renamed dependency (`ptime = { package = "timing-runtime", … }`)
//! write `#[ptime::timed(crate = ptime)]`.
//!
//! # Modules
//!
//! Everything here is plain Rust (no Python): the Python module in `py-export` only converts
//! arguments and maps [`TimingError`] to Python exceptions. The modules follow the stages of
//! the work, and depend only on those listed before them:
//!
//! | module | stage |
//! | --- | --- |
//! | [`error`], [`format`](mod@format) | the typed errors; the one formatter of durations, rates, shares |
//! | [`cancel`] | stopping long work early (Ctrl-C from Python) |
//! | [`clock`] | clocks by role: the harness clock (nanos), the profiler's TSC (raw counts), precision |
//! | [`host`] | facts about the machine: memory, cache, the metadata saved with results |
//! | [`profile`] | the global profile of `#[timed]`: call sites, per-thread recording, snapshots |
//! | [`timer`] | [`Timer`] / [`TimerResult`]: a named stopwatch |
//! | [`breakdown`] | the manual [`Profiler`]: named durations and their shares |
//! | [`stats`] | statistics of samples: summary, order statistics, intervals, comparison, JSON |
//! | [`bench`](mod@bench) | measuring a closure: the seed's helpers and the calibrated harness |
//! | [`hardware`] | memory bandwidth (STREAM) and parallel scaling on a thread team |
//! | [`export`] | outputs for people and tools: text tables, Prometheus text, `/metrics` server, Pushgateway |
//! | [`top`] | the live view of running processes (`python -m performance_timing top`): sources, intervals, frames |
//!
//! # Cargo features
//!
//! * `off`: compile `#[timed]` instrumentation out completely; instrumented functions are
//!   emitted exactly as written (forwards `timing-macros/disabled`).

// Lets `#[timed]` (which names `::timing_runtime`) instrument this crate's own kernels.
extern crate self as timing_runtime;

pub mod cancel;
pub mod error;
pub mod format;

pub mod clock;
pub mod host;

pub mod profile;

pub mod breakdown;
pub mod timer;

pub mod stats;

pub mod bench;

pub mod hardware;

pub mod export;

pub mod top;

pub use bench::{BenchError, BenchOptions, StatisticalResult};
pub use breakdown::Profiler;
pub use error::TimingError;
pub use stats::{Comparison, Stats, Verdict};
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
