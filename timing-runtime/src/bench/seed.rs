//! The seed's benchmark helpers: a timed block of calls, with optional warm-up, or repeated
//! runs summarised by mean, median, min and max.

use super::BenchError;
use super::block::timed_block;
use crate::clock::nanos_to_secs;
use crate::error::{TimingError, require_at_least};
use crate::host::check_allocation;
use crate::stats::{Stats, Summary};
use crate::timer::TimerResult;

/// Calls `f` exactly `iterations` times (≥ 1), timed as one block.
///
/// ```
/// use std::convert::Infallible;
/// let r = timing_runtime::bench::benchmark("noop", 5, || Ok::<(), Infallible>(())).unwrap();
/// assert_eq!((r.name(), r.iterations()), ("noop", 5));
/// ```
pub fn benchmark<E, F>(name: &str, iterations: u64, mut f: F) -> Result<TimerResult, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
{
    require_at_least("iterations", iterations, 1)?;
    let nanos = timed_block(iterations, &mut f).map_err(BenchError::Aborted)?;
    Ok(TimerResult::new(
        name,
        std::time::Duration::from_nanos(nanos),
        iterations,
    )?)
}

/// Makes exactly `warmup` untimed calls (≥ 0), then `iterations` timed calls (≥ 1).
///
/// ```
/// use std::convert::Infallible;
/// let mut calls = 0;
/// let r = timing_runtime::bench::benchmark_with_warmup("w", 3, 7, || {
///     calls += 1;
///     Ok::<(), Infallible>(())
/// })
/// .unwrap();
/// assert_eq!((calls, r.iterations()), (10, 7));
/// ```
pub fn benchmark_with_warmup<E, F>(
    name: &str,
    warmup: u64,
    iterations: u64,
    mut f: F,
) -> Result<TimerResult, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
{
    require_at_least("iterations", iterations, 1)?;
    for _ in 0..warmup {
        f().map_err(BenchError::Aborted)?;
    }
    benchmark(name, iterations, f)
}

/// The durations of the runs of [`benchmark_statistical`], with their summary.
#[derive(Debug, Clone, PartialEq)]
pub struct StatisticalResult {
    name: String,
    iterations_per_run: u64,
    run_nanos: Vec<u64>,
    summary: Summary,
}

impl StatisticalResult {
    /// The benchmark's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls per run.
    pub fn iterations_per_run(&self) -> u64 {
        self.iterations_per_run
    }

    /// Each run's duration in nanos, in the order they ran.
    pub fn run_nanos(&self) -> &[u64] {
        &self.run_nanos
    }

    /// Mean, median, min and max of the run durations, in seconds.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// The full statistics of the runs, per iteration (needs at least 2 runs).
    ///
    /// ```
    /// use std::convert::Infallible;
    /// let r = timing_runtime::bench::benchmark_statistical("s", 5, 10, || Ok::<(), Infallible>(()))
    ///     .unwrap();
    /// let stats = r.stats().unwrap();
    /// assert_eq!((stats.samples().len(), stats.iterations_per_sample()), (5, 10));
    /// ```
    pub fn stats(&self) -> Result<Stats, TimingError> {
        let n = self.iterations_per_run as f64;
        let samples = self
            .run_nanos
            .iter()
            .map(|&t| nanos_to_secs(t) / n)
            .collect();
        Stats::from_samples(self.name.clone(), samples, self.iterations_per_run)
    }
}

/// Runs whose durations [`benchmark_statistical`] reserves room for before the first run.
const RUNS_RESERVED: u64 = 1 << 16;

/// Runs `runs` timed runs (≥ 1) of `iterations_per_run` calls (≥ 1) each and summarises the
/// per-run durations.
///
/// ```
/// use std::convert::Infallible;
/// let r = timing_runtime::bench::benchmark_statistical("s", 4, 10, || Ok::<(), Infallible>(()))
///     .unwrap();
/// let s = r.summary();
/// assert_eq!(r.run_nanos().len(), 4);
/// assert!(s.min <= s.median && s.median <= s.max);
/// assert!(s.min <= s.mean && s.mean <= s.max);
/// ```
pub fn benchmark_statistical<E, F>(
    name: &str,
    runs: u64,
    iterations_per_run: u64,
    mut f: F,
) -> Result<StatisticalResult, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
{
    require_at_least("runs", runs, 1)?;
    require_at_least("iterations_per_run", iterations_per_run, 1)?;
    // `runs` is the caller's number: refuse what could never be recorded, then grow run by
    // run from a bounded start.
    let bytes = u128::from(runs) * 8;
    check_allocation(bytes)?;
    let mut run_nanos: Vec<u64> = Vec::new();
    let start = usize::try_from(runs.min(RUNS_RESERVED)).unwrap_or(0);
    run_nanos
        .try_reserve_exact(start)
        .map_err(|e| TimingError::Allocation {
            bytes,
            reason: e.to_string(),
        })?;
    for _ in 0..runs {
        run_nanos.push(timed_block(iterations_per_run, &mut f).map_err(BenchError::Aborted)?);
    }
    let summary = Summary::of_nanos(&run_nanos).expect("runs >= 1 was checked");
    Ok(StatisticalResult {
        name: name.to_owned(),
        iterations_per_run,
        run_nanos,
        summary,
    })
}
