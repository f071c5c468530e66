//! The calibrated harness: [`bench()`] measures a closure and returns its [`Stats`].
//!
//! A run has five stages, each a function below: measure the harness's own overhead, warm
//! up, size the samples (grow the iterations per sample until one lasts long enough), take
//! the samples within the budget, and build the statistics.

use std::hint::black_box;

use super::BenchError;
use super::block::timed_block;
use super::options::{BenchOptions, Progress};
use super::progress::{ProgressUpdate, stderr_progress};
use super::sizing::{next_iterations, target_sample_time};
use crate::clock::precision::{self, Calibration, ClockInfo};
use crate::clock::{self, Timestamp, duration_to_nanos, nanos_between, nanos_to_secs};
use crate::format;
use crate::host::Metadata;
use crate::stats::{SECONDS, Stats};

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
    let mut run = Run::start(options);
    let overhead = measure_overhead(&mut noop).map_err(BenchError::Aborted)?;
    warm_up(&run, options, &mut f).map_err(BenchError::Aborted)?;
    let iterations = size_samples(&mut run, options, &mut f).map_err(BenchError::Aborted)?;
    let nanos = take_samples(&mut run, options, iterations, &mut f, &mut progress)
        .map_err(BenchError::Aborted)?;
    let spent = run.elapsed();
    if spent > run.budget {
        run.warnings.push(format!(
            "the run took {}, over max_time {}: one call is too long for this budget",
            format::duration(nanos_to_secs(spent)),
            format::duration(options.max_time.as_secs_f64())
        ));
    }
    let per_iteration = nanos
        .iter()
        .map(|&t| nanos_to_secs(t) / iterations as f64)
        .collect();
    let calibration = Calibration {
        clock_resolution: run.clock.resolution,
        clock_read_cost: run.clock.read_cost,
        overhead,
    };
    Ok(Stats::build(
        options.name.clone(),
        SECONDS.to_owned(),
        per_iteration,
        iterations,
        Some(calibration),
        Metadata::current(),
        run.warnings,
    )?)
}

/// The state of one run: when it started, its budget, the clock's figures and the warnings
/// collected so far.
struct Run {
    start: Timestamp,
    budget: u64,
    clock: ClockInfo,
    warnings: Vec<String>,
}

impl Run {
    fn start(options: &BenchOptions) -> Self {
        Self {
            start: clock::now(),
            budget: duration_to_nanos(options.max_time),
            clock: precision::clock_info(),
            warnings: Vec::new(),
        }
    }

    /// Nanos since the run started.
    fn elapsed(&self) -> u64 {
        nanos_between(self.start, clock::now())
    }
}

/// The harness's own cost per call: the median of 11 batches of 1,000 calls of `noop`, in
/// seconds.
fn measure_overhead<E>(noop: &mut impl FnMut() -> Result<(), E>) -> Result<f64, E> {
    const CALLS: u64 = 1_000;
    let mut batches = [0u64; 11];
    for batch in &mut batches {
        *batch = timed_block(CALLS, noop)?;
    }
    batches.sort_unstable();
    Ok(nanos_to_secs(batches[5]) / CALLS as f64)
}

/// Calls `f` untimed for `warmup` (at most a quarter of `max_time`) since the run started.
fn warm_up<E>(
    run: &Run,
    options: &BenchOptions,
    f: &mut impl FnMut() -> Result<(), E>,
) -> Result<(), E> {
    let warm = duration_to_nanos(options.warmup.min(options.max_time / 4));
    while run.elapsed() < warm {
        f()?;
    }
    Ok(())
}

/// The iterations per sample: grown until a sample lasts at least the target, unless the
/// budget leaves no room for longer samples (then with a warning).
fn size_samples<E>(
    run: &mut Run,
    options: &BenchOptions,
    f: &mut impl FnMut() -> Result<(), E>,
) -> Result<u64, E> {
    let target = duration_to_nanos(target_sample_time(options.min_time, run.clock.resolution));
    let mut n = 1u64;
    loop {
        let mut t = timed_block(n, f)?;
        if t >= target {
            // Confirm once: a preemption must not stop the growth early.
            t = t.min(timed_block(n, f)?);
        }
        if t >= target || n == u64::MAX {
            return Ok(n);
        }
        let next = next_iterations(n, t, target);
        let predicted = t as f64 * next as f64 / n as f64;
        let remaining = run.budget.saturating_sub(run.elapsed()) as f64;
        if predicted * 3.0 > remaining {
            run.warnings.push(format!(
                "samples last about {} (under the target {}): max_time leaves no room for longer ones",
                format::nanos(t),
                format::nanos(target)
            ));
            return Ok(n);
        }
        n = next;
    }
}

/// Up to `options.samples` samples of `iterations` calls each, in nanos; stops (with a
/// warning) when the next sample would overrun the budget, after at least 2.
fn take_samples<E>(
    run: &mut Run,
    options: &BenchOptions,
    iterations: u64,
    f: &mut impl FnMut() -> Result<(), E>,
    progress: &mut impl FnMut(&ProgressUpdate<'_>),
) -> Result<Vec<u64>, E> {
    let total = options.samples;
    // Grown one sample at a time: `samples` is the user's number, not an allocation size.
    let mut nanos: Vec<u64> = Vec::new();
    let (mut shown, mut last_shown) = (false, 0u64);
    let max_time = options.max_time.as_secs_f64();
    let update = |done: u64, elapsed: u64, finished: bool| ProgressUpdate {
        name: &options.name,
        done,
        total,
        elapsed: nanos_to_secs(elapsed),
        max_time,
        finished,
    };
    for i in 0..total {
        if let Some(&last) = nanos.last()
            && i >= 2
            && run.elapsed().saturating_add(last) > run.budget
        {
            run.warnings
                .push(format!("max_time reached: {i} of {total} samples taken"));
            break;
        }
        nanos.push(timed_block(iterations, f)?);
        if options.progress == Progress::Auto {
            let e = run.elapsed();
            if e >= 1_000_000_000 && e - last_shown >= 100_000_000 {
                progress(&update(i + 1, e, false));
                (shown, last_shown) = (true, e);
            }
        }
    }
    if shown {
        progress(&update(nanos.len() as u64, run.elapsed(), true));
    }
    Ok(nanos)
}
