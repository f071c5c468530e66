//! The benchmark family: a timed block of calls, with optional warm-up, or repeated runs.
//!
//! Every function takes a *fallible* closure: the first `Err` stops the loop at once and is
//! returned as [`BenchError::Aborted`] (the Python layer uses it to propagate an exception
//! unchanged). Arguments are validated before the closure is ever called.

use std::fmt;

use crate::clock::{self, ticks_between};
use crate::error::{TimingError, require_at_least};
use crate::stats::Summary;
use crate::timer::TimerResult;

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
    let ticks = timed_block(iterations, &mut f).map_err(BenchError::Aborted)?;
    Ok(TimerResult::new(
        name,
        std::time::Duration::from_nanos(ticks),
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
    run_ticks: Vec<u64>,
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

    /// Each run's duration in nanoseconds, in the order they ran.
    pub fn run_ticks(&self) -> &[u64] {
        &self.run_ticks
    }

    /// Mean, median, min and max of the run durations, in seconds.
    pub fn summary(&self) -> Summary {
        self.summary
    }
}

/// Runs `runs` timed runs (≥ 1) of `iterations_per_run` calls (≥ 1) each and summarises the
/// per-run durations.
///
/// ```
/// use std::convert::Infallible;
/// let r = timing_runtime::bench::benchmark_statistical("s", 4, 10, || Ok::<(), Infallible>(()))
///     .unwrap();
/// let s = r.summary();
/// assert_eq!(r.run_ticks().len(), 4);
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
    let mut run_ticks: Vec<u64> = Vec::new();
    let capacity = usize::try_from(runs)
        .ok()
        .filter(|&n| run_ticks.try_reserve_exact(n).is_ok());
    if capacity.is_none() {
        return Err(TimingError::Allocation {
            bytes: u128::from(runs) * 8,
            reason: format!("runs={runs} is too many runs to record"),
        }
        .into());
    }
    for _ in 0..runs {
        run_ticks.push(timed_block(iterations_per_run, &mut f).map_err(BenchError::Aborted)?);
    }
    let summary = Summary::of_ticks(&run_ticks).expect("runs >= 1 was checked");
    Ok(StatisticalResult {
        name: name.to_owned(),
        iterations_per_run,
        run_ticks,
        summary,
    })
}

/// Times `iterations` calls of `f` as one block, in nanoseconds.
#[inline]
fn timed_block<E, F>(iterations: u64, f: &mut F) -> Result<u64, E>
where
    F: FnMut() -> Result<(), E>,
{
    let start = clock::now();
    for _ in 0..iterations {
        f()?;
    }
    Ok(ticks_between(start, clock::now()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn ok() -> Result<(), Infallible> {
        Ok(())
    }

    #[test]
    fn exact_call_counts() {
        let mut calls = 0u64;
        benchmark("b", 17, || {
            calls += 1;
            ok()
        })
        .unwrap();
        assert_eq!(calls, 17);
        calls = 0;
        let r = benchmark_statistical("s", 6, 5, || {
            calls += 1;
            ok()
        })
        .unwrap();
        assert_eq!(calls, 30);
        assert_eq!(r.run_ticks().len(), 6);
        assert_eq!(r.iterations_per_run(), 5);
    }

    #[test]
    fn warmup_zero_is_allowed() {
        let mut calls = 0;
        benchmark_with_warmup("w", 0, 2, || {
            calls += 1;
            ok()
        })
        .unwrap();
        assert_eq!(calls, 2);
    }

    #[test]
    fn invalid_arguments_make_no_calls() {
        let mut calls = 0;
        let mut f = || {
            calls += 1;
            ok()
        };
        assert!(matches!(
            benchmark("b", 0, &mut f),
            Err(BenchError::Invalid(_))
        ));
        assert!(benchmark_with_warmup("w", 3, 0, &mut f).is_err());
        assert!(benchmark_statistical("s", 0, 1, &mut f).is_err());
        assert!(benchmark_statistical("s", 1, 0, &mut f).is_err());
        assert!(matches!(
            benchmark_statistical("s", u64::MAX, 1, &mut f),
            Err(BenchError::Invalid(TimingError::Allocation { .. }))
        ));
        assert_eq!(calls, 0);
    }

    #[test]
    fn error_stops_the_loop() {
        let mut calls = 0;
        let r = benchmark("b", 100, || {
            calls += 1;
            if calls == 3 { Err("boom") } else { Ok(()) }
        });
        assert_eq!(r, Err(BenchError::Aborted("boom")));
        assert_eq!(calls, 3);
    }

    #[test]
    fn statistical_measures_real_time() {
        let r = benchmark_statistical("sleep", 2, 1, || {
            std::thread::sleep(std::time::Duration::from_millis(1));
            ok()
        })
        .unwrap();
        assert!(r.summary().min >= 0.001);
    }
}
