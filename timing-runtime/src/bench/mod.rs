//! Benchmarks: the seed's helpers and the calibrated harness, each stage in its own file.
//!
//! * [`seed`]: `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` — the seed's
//!   helpers, a timed block of calls, with optional warm-up, or repeated runs.
//! * [`harness`]: [`bench()`](harness::bench), the full harness: calibration (clock, harness
//!   overhead, iterations per sample), time-based warm-up, a time budget, and
//!   [`Stats`](crate::Stats) with every statistic.
//! * [`pair`]: [`bench_pair()`](pair::bench_pair), a baseline and a candidate measured
//!   interleaved (A B B A …), with a verdict on the paired ratios and an early stop.
//! * [`reference`](mod@reference): the fixed reference workload `bench` interleaves with the function.
//! * [`options`]: [`BenchOptions`], [`PairOptions`] and their defaults; [`sizing`]: how many
//!   iterations make a sample; `run`: a run within its budget, overhead, warm-up;
//!   [`progress`]: the progress line shown on a terminal; [`block`]: the one timing loop every
//!   benchmark uses.
//!
//! Every function takes a *fallible* closure: the first `Err` stops the loop at once and is
//! returned as [`BenchError::Aborted`] (the Python layer uses it to propagate an exception
//! unchanged). Arguments are validated before the closure is ever called.

pub mod block;
pub mod harness;
pub mod options;
pub mod pair;
pub mod progress;
pub mod reference;
mod run;
pub mod seed;
pub mod sizing;

use std::fmt;

use crate::error::TimingError;

pub use harness::{bench, bench_with};
pub use options::{BenchOptions, PairOptions, Progress};
pub use pair::{bench_pair, bench_pair_with};
pub use progress::{ProgressUpdate, stderr_progress};
pub use seed::{StatisticalResult, benchmark, benchmark_statistical, benchmark_with_warmup};

/// Why a benchmark did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchError<E> {
    /// The arguments were refused before any call.
    Invalid(TimingError),
    /// The closure returned an error; the benchmark stopped at that call.
    Aborted(E),
}

impl<E> From<TimingError> for BenchError<E> {
    fn from(e: TimingError) -> Self {
        Self::Invalid(e)
    }
}

impl<E: fmt::Display> fmt::Display for BenchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => e.fmt(f),
            Self::Aborted(e) => write!(f, "benchmarked function failed: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for BenchError<E> {}

#[cfg(test)]
mod tests;
