//! The benchmark family: a timed block of calls, with optional warm-up, or repeated runs.
//!
//! Every function takes a *fallible* closure: the first `Err` stops the loop at once and is
//! returned as [`BenchError::Aborted`] (the Python layer uses it to propagate an exception
//! unchanged). Arguments are validated before the closure is ever called.
//!
//! [`bench()`] is the full harness: calibration (clock, harness overhead, iterations per sample),
//! time-based warm-up, a time budget, and [`Stats`] with every statistic. All functions time
//! their loops with the same block timer.

use std::fmt;
use std::hint::black_box;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::calibrate::{self, Calibration};
use crate::clock::{self, duration_to_ticks, ticks_between, ticks_to_secs};
use crate::error::{TimingError, require_at_least};
use crate::persist::Metadata;
use crate::report::format_secs;
use crate::stats::{SECONDS, Stats, Summary};
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
        let samples = self.run_ticks.iter().map(|&t| t as f64 / n / 1e9).collect();
        Stats::from_samples(self.name.clone(), samples, self.iterations_per_run)
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

/// Whether [`bench()`] reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Report progress of runs longer than about a second (the sink decides where; the
    /// default sink writes to stderr only when it is a terminal).
    Auto,
    /// Never report progress.
    Off,
}

/// A progress report of a running [`bench()`]: sent at most every 100 ms once the run has lasted
/// a second, and once with `finished` set at the end if any report was sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressUpdate<'a> {
    /// The benchmark's name.
    pub name: &'a str,
    /// Samples taken so far.
    pub done: u64,
    /// Samples asked for.
    pub total: u64,
    /// Seconds since the call started.
    pub elapsed: f64,
    /// The time budget in seconds.
    pub max_time: f64,
    /// Whether the run is over (clear the line).
    pub finished: bool,
}

impl ProgressUpdate<'_> {
    /// One line of text describing the progress.
    ///
    /// ```
    /// use timing_runtime::bench::ProgressUpdate;
    /// let u = ProgressUpdate { name: "f", done: 3, total: 10, elapsed: 1.25, max_time: 5.0, finished: false };
    /// assert_eq!(u.line(), "f: 3/10 samples, 1.2s of at most 5.0s");
    /// ```
    pub fn line(&self) -> String {
        format!(
            "{}: {}/{} samples, {:.1}s of at most {:.1}s",
            self.name, self.done, self.total, self.elapsed, self.max_time
        )
    }
}

/// The options of [`bench()`]; [`BenchOptions::new`] gives the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// The benchmark's name.
    pub name: String,
    /// How long to call the closure untimed before calibrating (at most a quarter of
    /// `max_time`; zero for none). Default 100 ms.
    pub warmup: Duration,
    /// The shortest duration of one sample (> 0); the real floor is
    /// `max(min_time, 1000 × clock resolution)`. Default 5 ms.
    pub min_time: Duration,
    /// The budget of the whole call, calibration and warm-up included (≥ `min_time`).
    /// Default 5 s.
    pub max_time: Duration,
    /// How many samples to take (≥ 2) if the budget allows. Default 50.
    pub samples: u64,
    /// Progress reporting. Default [`Progress::Auto`].
    pub progress: Progress,
}

impl BenchOptions {
    /// The default options under `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            warmup: Duration::from_millis(100),
            min_time: Duration::from_millis(5),
            max_time: Duration::from_secs(5),
            samples: 50,
            progress: Progress::Auto,
        }
    }

    /// Checks the options: `min_time > 0`, `max_time ≥ min_time`, `samples ≥ 2`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut o = timing_runtime::bench::BenchOptions::new("x");
    /// assert!(o.validate().is_ok());
    /// o.max_time = Duration::from_millis(1);
    /// assert!(o.validate().unwrap_err().to_string().starts_with("max_time"));
    /// ```
    pub fn validate(&self) -> Result<(), TimingError> {
        if self.min_time.is_zero() {
            return Err(TimingError::invalid("min_time", "must be positive, got 0"));
        }
        if self.max_time < self.min_time {
            return Err(TimingError::invalid(
                "max_time",
                format!(
                    "must be at least min_time ({:?}), got {:?}",
                    self.min_time, self.max_time
                ),
            ));
        }
        require_at_least("samples", self.samples, 2)
    }
}

/// A progress sink that writes to stderr when stderr is a terminal, and does nothing otherwise.
pub fn stderr_progress() -> impl FnMut(&ProgressUpdate<'_>) {
    let tty = std::io::stderr().is_terminal();
    move |u| {
        if tty {
            let mut err = std::io::stderr().lock();
            let _ = if u.finished {
                write!(err, "\r\x1b[2K")
            } else {
                write!(err, "\r\x1b[2K{}", u.line())
            };
            let _ = err.flush();
        }
    }
}

/// Benchmarks `f` under `options` and returns its full statistics, per iteration.
///
/// Steps: validate; measure the harness overhead with an empty closure through the same loop;
/// warm up; grow the iterations per sample until one sample lasts at least
/// `max(min_time, 1000 × clock resolution)`; take `samples` samples, stopping early (with a
/// warning) when the next one would overrun `max_time`. At least 2 samples are always taken,
/// so a single call longer than about `max_time / 3` overruns it (with a warning).
///
/// ```
/// use std::convert::Infallible;
/// use std::hint::black_box;
/// use std::time::Duration;
/// use timing_runtime::bench::{BenchOptions, Progress, bench};
///
/// let mut options = BenchOptions::new("sum");
/// options.min_time = Duration::from_millis(1);
/// options.max_time = Duration::from_millis(200);
/// options.samples = 10;
/// options.progress = Progress::Off;
/// let stats = bench(&options, || {
///     black_box((0..black_box(100u64)).sum::<u64>());
///     Ok::<(), Infallible>(())
/// })
/// .unwrap();
/// assert_eq!(stats.name(), "sum");
/// assert!(stats.samples().len() >= 2 && stats.median() > 0.0);
/// assert!(stats.calibration().unwrap().clock_resolution > 0.0);
/// ```
pub fn bench<E, F>(options: &BenchOptions, f: F) -> Result<Stats, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
{
    let noop = || {
        black_box(());
        Ok(())
    };
    bench_with(options, f, noop, stderr_progress())
}

/// [`bench()`] with the no-op closure that calibrates the harness overhead (it must go through
/// the same calling path as `f`, e.g. a no-op Python callable) and a progress sink.
pub fn bench_with<E, F, O, P>(
    options: &BenchOptions,
    mut f: F,
    mut noop: O,
    mut progress: P,
) -> Result<Stats, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
    O: FnMut() -> Result<(), E>,
    P: FnMut(&ProgressUpdate<'_>),
{
    options.validate()?;
    let start = clock::now();
    let elapsed = || ticks_between(start, clock::now());
    let budget = duration_to_ticks(options.max_time);
    let clock_info = calibrate::clock_info();
    let mut warnings = Vec::new();

    // Harness overhead: median of 11 batches of 1,000 no-op calls.
    const PROBE: u64 = 1_000;
    let mut probe: Vec<u64> = Vec::with_capacity(11);
    for _ in 0..11 {
        probe.push(timed_block(PROBE, &mut noop).map_err(BenchError::Aborted)?);
    }
    probe.sort_unstable();
    let overhead = ticks_to_secs(probe[5]) / PROBE as f64;

    // Warm-up, time-based.
    let warm = duration_to_ticks(options.warmup.min(options.max_time / 4));
    while elapsed() < warm {
        f().map_err(BenchError::Aborted)?;
    }

    // Iterations per sample.
    let target = duration_to_ticks(calibrate::target_sample_time(
        options.min_time,
        clock_info.resolution,
    ));
    let mut n = 1u64;
    loop {
        let mut t = timed_block(n, &mut f).map_err(BenchError::Aborted)?;
        if t >= target {
            // Confirm once: a preemption must not stop the growth early.
            t = t.min(timed_block(n, &mut f).map_err(BenchError::Aborted)?);
        }
        if t >= target || n == u64::MAX {
            break;
        }
        let next = calibrate::next_iterations(n, t, target);
        let predicted = t as f64 * next as f64 / n as f64;
        let remaining = budget.saturating_sub(elapsed()) as f64;
        if predicted * 3.0 > remaining {
            warnings.push(format!(
                "samples last about {} (under the target {}): max_time leaves no room for longer ones",
                format_secs(ticks_to_secs(t)),
                format_secs(ticks_to_secs(target))
            ));
            break;
        }
        n = next;
    }

    // Samples.
    let total = options.samples;
    let mut ticks: Vec<u64> = Vec::with_capacity(usize::try_from(total.min(1 << 16)).unwrap_or(2));
    let (mut shown, mut last_shown) = (false, 0u64);
    let max_time = options.max_time.as_secs_f64();
    for i in 0..total {
        if i >= 2 {
            let last = ticks[ticks.len() - 1];
            if elapsed().saturating_add(last) > budget {
                warnings.push(format!("max_time reached: {i} of {total} samples taken"));
                break;
            }
        }
        ticks.push(timed_block(n, &mut f).map_err(BenchError::Aborted)?);
        if options.progress == Progress::Auto {
            let e = elapsed();
            if e >= 1_000_000_000 && e - last_shown >= 100_000_000 {
                progress(&ProgressUpdate {
                    name: &options.name,
                    done: i + 1,
                    total,
                    elapsed: ticks_to_secs(e),
                    max_time,
                    finished: false,
                });
                (shown, last_shown) = (true, e);
            }
        }
    }
    let spent = elapsed();
    if shown {
        progress(&ProgressUpdate {
            name: &options.name,
            done: ticks.len() as u64,
            total,
            elapsed: ticks_to_secs(spent),
            max_time,
            finished: true,
        });
    }
    if spent > budget {
        warnings.push(format!(
            "the run took {}, over max_time {}: one call is too long for this budget",
            format_secs(ticks_to_secs(spent)),
            format_secs(max_time)
        ));
    }
    let per_iteration = ticks.iter().map(|&t| t as f64 / n as f64 / 1e9).collect();
    let calibration = Calibration {
        clock_resolution: clock_info.resolution,
        clock_read_cost: clock_info.read_cost,
        overhead,
    };
    Ok(Stats::build(
        options.name.clone(),
        SECONDS.to_owned(),
        per_iteration,
        n,
        Some(calibration),
        Metadata::current(),
        warnings,
    )?)
}

/// Times `iterations` calls of `f` as one block, in nanoseconds.
///
/// The profiler's clock is calibrated first, so that a `#[timed]` function inside `f` never
/// pays its one-time calibration inside the measurement.
#[inline]
pub(crate) fn timed_block<E, F>(iterations: u64, f: &mut F) -> Result<u64, E>
where
    F: FnMut() -> Result<(), E>,
{
    crate::fast_clock::calibrate();
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

    fn quick(name: &str) -> BenchOptions {
        let mut o = BenchOptions::new(name);
        o.warmup = Duration::from_millis(5);
        o.min_time = Duration::from_millis(1);
        o.max_time = Duration::from_millis(300);
        o.samples = 10;
        o.progress = Progress::Off;
        o
    }

    #[test]
    fn bench_grows_iterations_to_min_time() {
        let mut calls = 0u64;
        let s = bench(&quick("spin"), || {
            calls += 1;
            black_box((0..black_box(50u64)).sum::<u64>());
            ok()
        })
        .unwrap();
        assert_eq!(s.samples().len(), 10);
        // A typical sample lasted about min_time (1 ms) or more.
        assert!(
            s.median() * s.iterations_per_sample() as f64 >= 0.5e-3,
            "{s:?}"
        );
        assert!(s.iterations_per_sample() > 1);
        assert!(calls >= 10 * s.iterations_per_sample());
        let c = s.calibration().unwrap();
        assert!(c.overhead >= 0.0 && c.overhead < 1e-6, "{c:?}");
    }

    #[test]
    fn bench_respects_the_budget() {
        let mut o = quick("sleepy");
        o.samples = 1_000;
        o.max_time = Duration::from_millis(100);
        o.warmup = Duration::ZERO;
        let begin = std::time::Instant::now();
        let s = bench(&o, || {
            std::thread::sleep(Duration::from_millis(2));
            ok()
        })
        .unwrap();
        let took = begin.elapsed();
        assert!(took < Duration::from_millis(400), "{took:?}");
        assert!(s.samples().len() >= 2 && s.samples().len() < 1_000);
        assert!(s.warnings().iter().any(|w| w.contains("max_time reached")));
    }

    #[test]
    fn bench_refuses_bad_options_and_propagates_errors() {
        let mut calls = 0;
        let mut o = quick("bad");
        o.samples = 1;
        assert!(matches!(
            bench(&o, || {
                calls += 1;
                ok()
            }),
            Err(BenchError::Invalid(_))
        ));
        o = quick("bad");
        o.min_time = Duration::ZERO;
        assert!(
            bench(&o, || {
                calls += 1;
                ok()
            })
            .is_err()
        );
        assert_eq!(calls, 0);
        let r = bench(&quick("err"), || {
            calls += 1;
            if calls == 5 { Err("boom") } else { Ok(()) }
        });
        assert_eq!(r.unwrap_err(), BenchError::Aborted("boom"));
    }

    #[test]
    fn progress_is_reported_for_long_runs_only() {
        let mut updates = Vec::new();
        let mut o = quick("p");
        o.progress = Progress::Auto;
        bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
        assert!(updates.is_empty());
        o.min_time = Duration::from_millis(100);
        o.max_time = Duration::from_millis(1_600);
        o.samples = 14;
        bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
        assert!(updates.len() >= 2, "{updates:?}");
        assert_eq!(updates.last(), Some(&true));
        o.progress = Progress::Off;
        updates.clear();
        bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
        assert!(updates.is_empty());
    }
}
