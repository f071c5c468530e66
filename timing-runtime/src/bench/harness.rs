//! The calibrated harness: [`bench()`] measures a closure and returns its [`Stats`].
//!
//! A run has these stages, each a function here or in `run.rs`: collect the
//! metadata, measure the harness's own overhead, warm up, size the samples (grow the
//! iterations per sample until one lasts long enough, unless they are fixed), take the samples
//! within the budget — each next to a sample of the reference workload, in the order f, ref,
//! ref, f, f, ref, … — and build the statistics. Everything, metadata included, happens inside
//! the budget `max_time`.

use std::hint::black_box;
use std::time::Duration;

use super::BenchError;
use super::block::timed_block;
use super::options::{BenchOptions, Progress};
use super::progress::{ProgressUpdate, stderr_progress};
use super::reference::{MAX_REFERENCE_SAMPLE, Workload, rust_workload};
use super::run::{Run, measure_overhead, warm_up};
use super::sizing::{next_iterations, target_sample_time};
use crate::clock::precision::Calibration;
use crate::clock::{duration_to_nanos, nanos_to_secs};
use crate::format;
use crate::host::Metadata;
use crate::stats::{Reference, SECONDS, Stats};

/// Benchmarks `f` under `options` and returns its full statistics, per iteration.
///
/// Steps: validate; measure the harness overhead with an empty closure through the same loop;
/// warm up; grow the iterations per sample until one sample lasts at least
/// `max(min_time, 1000 × clock resolution)` (or use `options.iterations`); take `samples`
/// samples, each next to a sample of the reference workload ([`rust_mix`]), stopping early
/// (with a warning) when the next pair would overrun `max_time`. At least 2 samples are always
/// taken: with a warm-up at least 4 calls are made (one warm-up call, one to size the samples,
/// two samples), so a single call longer than about `max_time / 4` overruns the budget (with a
/// warning); without warm-up, `max_time / 3`.
///
/// [`rust_mix`]: super::reference::rust_mix
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
/// assert_eq!(stats.reference().unwrap().samples.len(), stats.samples().len());
/// ```
pub fn bench<E, F>(options: &BenchOptions, f: F) -> Result<Stats, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
{
    let noop = || {
        black_box(());
        Ok(())
    };
    bench_with(
        options,
        f,
        noop,
        rust_workload(),
        || Ok(Metadata::current()),
        stderr_progress(),
    )
}

/// [`bench()`] with the front end's companions: the no-op closure that calibrates the harness
/// overhead (it must go through the same calling path as `f`, e.g. a no-op Python callable),
/// the reference workload, the metadata (collected inside the budget) and a progress sink.
pub fn bench_with<E, F, O, R, M, P>(
    options: &BenchOptions,
    mut f: F,
    mut noop: O,
    mut reference: Workload<R>,
    metadata: M,
    mut progress: P,
) -> Result<Stats, BenchError<E>>
where
    F: FnMut() -> Result<(), E>,
    O: FnMut() -> Result<(), E>,
    R: FnMut() -> Result<(), E>,
    M: FnOnce() -> Result<Metadata, E>,
    P: FnMut(&ProgressUpdate<'_>),
{
    options.validate()?;
    let mut run = Run::start(options.max_time);
    let metadata = metadata().map_err(BenchError::Aborted)?;
    let overhead = measure_overhead(&mut noop).map_err(BenchError::Aborted)?;
    let warmup = options.warmup.min(options.max_time / 4);
    warm_up(&run, warmup, &mut [&mut f]).map_err(BenchError::Aborted)?;
    let (iterations, sample_nanos) = match options.iterations {
        Some(n) => (n, None),
        None => {
            let (n, t) = size_samples(&mut run, options, &mut f).map_err(BenchError::Aborted)?;
            (n, Some(t))
        }
    };
    run.mark_calibrated();
    let sampled = take_samples(
        &mut run,
        options,
        (iterations, sample_nanos),
        &mut f,
        &mut reference,
        &mut progress,
    )
    .map_err(BenchError::Aborted)?;
    let longest = (sampled.f.iter().zip(&sampled.reference))
        .map(|(f, r)| f.saturating_add(*r))
        .max()
        .unwrap_or(0);
    run.overrun_warning(longest, iterations);
    let calibration = Calibration {
        clock_resolution: run.clock.resolution,
        clock_read_cost: run.clock.read_cost,
        overhead,
    };
    let stats = Stats::build(
        options.name.clone(),
        SECONDS.to_owned(),
        per_iteration(&sampled.f, iterations),
        iterations,
        Some(calibration),
        metadata,
        run.warnings,
    )?;
    let reference = Reference {
        workload: reference.name,
        iterations_per_sample: sampled.reference_iterations,
        samples: per_iteration(&sampled.reference, sampled.reference_iterations),
    };
    // A reference sample of 0 ns (a clock that did not tick) has no ratio: keep the result
    // without its reference rather than fail the run.
    Ok(match stats.clone().with_reference(reference) {
        Ok(with) => with,
        Err(_) => stats,
    })
}

/// Seconds per iteration of samples of `iterations` calls lasting `nanos`.
pub(crate) fn per_iteration(nanos: &[u64], iterations: u64) -> Vec<f64> {
    nanos
        .iter()
        .map(|&t| nanos_to_secs(t) / iterations as f64)
        .collect()
}

/// The iterations per sample, grown until a sample lasts at least the target unless the
/// budget leaves no room for longer samples (then with a warning), and how long a sample of
/// them lasted (the faster of two timings above one call).
fn size_samples<E>(
    run: &mut Run,
    options: &BenchOptions,
    f: &mut impl FnMut() -> Result<(), E>,
) -> Result<(u64, u64), E> {
    let target = duration_to_nanos(target_sample_time(options.min_time, run.clock.resolution));
    let mut n = 1u64;
    loop {
        let mut t = timed_block(n, f)?;
        if t >= target && n > 1 {
            // Confirm once: a preemption must not stop the growth early (at one call there is
            // no growth to stop, and a slow call must not cost a second one).
            t = t.min(timed_block(n, f)?);
        }
        if t >= target || n == u64::MAX {
            return Ok((n, t));
        }
        let next = next_iterations(n, t, target);
        let predicted = t as f64 * next as f64 / n as f64;
        let remaining = run.budget.saturating_sub(run.elapsed()) as f64;
        // Two samples and their reference samples must still fit.
        if predicted * 4.0 > remaining {
            run.warnings.push(format!(
                "samples last about {} (under the target {}): max_time leaves no room for longer ones",
                format::nanos(t),
                format::nanos(target)
            ));
            return Ok((n, t));
        }
        n = next;
    }
}

/// The samples of a run in nanos: the function's and the reference workload's, pair by pair.
struct Sampled {
    f: Vec<u64>,
    reference: Vec<u64>,
    reference_iterations: u64,
}

/// Up to `options.samples` samples of `iterations` calls each, each next to a reference sample
/// (order f, ref, ref, f, …), in nanos; stops (with a warning) when the next pair would overrun
/// the budget, after at least 2.
fn take_samples<E>(
    run: &mut Run,
    options: &BenchOptions,
    (iterations, sample_nanos): (u64, Option<u64>),
    f: &mut impl FnMut() -> Result<(), E>,
    reference: &mut Workload<impl FnMut() -> Result<(), E>>,
    progress: &mut impl FnMut(&ProgressUpdate<'_>),
) -> Result<Sampled, E> {
    let total = options.samples;
    // Grown one sample at a time: `samples` is the user's number, not an allocation size.
    let mut s = Sampled {
        f: Vec::new(),
        reference: Vec::new(),
        reference_iterations: 1,
    };
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
    let call = &mut reference.call;
    for i in 0..total {
        if let (Some(&last), Some(&last_ref)) = (s.f.last(), s.reference.last())
            && i >= 2
            && !run.fits(last.saturating_add(last_ref))
        {
            run.warnings.push(format!(
                "max_time reached: {i} of {total} samples taken (calibration and warm-up took {})",
                run.calibration_text()
            ));
            break;
        }
        if i % 2 == 0 {
            let t = timed_block(iterations, f)?;
            if i == 0 {
                // As long as a sample of the function: as sized, or the first sample when the
                // iterations are fixed.
                s.reference_iterations = size_reference(run, sample_nanos.unwrap_or(t), call)?;
            }
            s.f.push(t);
            s.reference.push(timed_block(s.reference_iterations, call)?);
        } else {
            s.reference.push(timed_block(s.reference_iterations, call)?);
            s.f.push(timed_block(iterations, f)?);
        }
        if options.progress == Progress::Auto {
            let e = run.elapsed();
            if e >= 1_000_000_000 && e - last_shown >= 100_000_000 {
                progress(&update(i + 1, e, false));
                (shown, last_shown) = (true, e);
            }
        }
    }
    if shown {
        progress(&update(s.f.len() as u64, run.elapsed(), true));
    }
    Ok(s)
}

/// Calls of the reference workload per sample so that one lasts about `nanos` (the
/// function's sample as sized, or its first sample when the iterations are fixed), between
/// 1000 × the clock resolution and [`MAX_REFERENCE_SAMPLE`]. Both sides' samples must last
/// about as long: on a busy machine the chance that a sample is interrupted grows with its
/// length, and the median ratio is only fair when both sides run that risk alike.
fn size_reference<E>(
    run: &Run,
    nanos: u64,
    call: &mut impl FnMut() -> Result<(), E>,
) -> Result<u64, E> {
    let floor = duration_to_nanos(target_sample_time(
        Duration::from_nanos(1),
        run.clock.resolution,
    ));
    let target = nanos.clamp(floor, duration_to_nanos(MAX_REFERENCE_SAMPLE).max(floor));
    let mut n = 1u64;
    loop {
        // The faster of two timings: an interruption must not make the samples too short.
        let t = timed_block(n, call)?.min(timed_block(n, call)?).max(1);
        if t.saturating_mul(4) >= target || n == u64::MAX {
            let scaled = (n as f64 * target as f64 / t as f64).ceil();
            return Ok(if scaled >= u64::MAX as f64 {
                u64::MAX
            } else {
                (scaled as u64).max(1)
            });
        }
        n = next_iterations(n, t, target);
    }
}
