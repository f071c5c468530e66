//! Benchmarks: the seed's helpers and the calibrated harness, each stage in its own file.
//!
//! * [`seed`]: `benchmark`, `benchmark_with_warmup`, `benchmark_statistical` — the seed's
//!   helpers, a timed block of calls, with optional warm-up, or repeated runs.
//! * [`harness`]: [`bench()`](harness::bench), the full harness: calibration (clock, harness
//!   overhead, iterations per sample), time-based warm-up, a time budget, and
//!   [`Stats`](crate::Stats) with every statistic.
//! * [`options`]: [`BenchOptions`] and their defaults; [`sizing`]: how many iterations make a
//!   sample; [`progress`]: the progress line shown on a terminal; [`block`]: the one timing
//!   loop every benchmark uses.
//!
//! Every function takes a *fallible* closure: the first `Err` stops the loop at once and is
//! returned as [`BenchError::Aborted`] (the Python layer uses it to propagate an exception
//! unchanged). Arguments are validated before the closure is ever called.

pub mod block;
pub mod harness;
pub mod options;
pub mod progress;
pub mod seed;
pub mod sizing;

use std::fmt;

use crate::error::TimingError;

pub use harness::{bench, bench_with};
pub use options::{BenchOptions, Progress};
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
