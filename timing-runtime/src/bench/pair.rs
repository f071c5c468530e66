//! The paired harness: [`bench_pair()`] measures a baseline and a candidate interleaved, pair
//! by pair, and stops as soon as the verdict is settled.
//!
//! * **Same work per sample.** Both functions get the same iterations per sample, grown until
//!   the *slower* one's sample lasts [`PAIR_SAMPLE_TIME`] (0.1 ms).
//! * **Interleaved, order varied.** Pair `i` is baseline then candidate for even `i`,
//!   candidate then baseline for odd `i` (A B B A A B …), so neither side always runs first
//!   and a trend within a pair cancels over two pairs.
//! * **Paired statistic.** The verdict is on the per-pair ratios
//!   ([`crate::stats::paired::compare_paired`]): anything that slows the
//!   machine for longer than a pair (~0.2 ms) slows both samples of it and cancels in the ratio;
//!   a stretch that hits one side of a pair only makes that pair an outlier, which the median
//!   and its interval ([`paired_interval`](crate::stats::paired::paired_interval)) shrug off.
//! * **Early stop, confirmed.** Once the pairs span [`FIRST_LOOK_TIME`] (0.2 s, and at least
//!   [`FIRST_LOOK`] pairs), they are looked at each time their count has grown by a quarter,
//!   with a 99 % interval ([`EARLY_LEVEL`]). The run stops when two successive looks agree that
//!   the verdict is settled — the interval wholly outside the noise band (a change) or wholly
//!   inside it (no change). So a verdict always rests on pairs spread over at least a quarter
//!   of a second (many scheduler time slices, longer than most slow stretches of a busy
//!   machine), and a change must still hold after a quarter more pairs, taken later.
//!   Otherwise sampling goes on until `max_time`, and the final verdict uses the 95 %
//!   interval of all pairs.

use std::hint::black_box;
use std::time::Duration;

use super::BenchError;
use super::block::timed_block;
use super::harness::per_iteration;
use super::options::{PAIR_SAMPLE_TIME, PairOptions, Progress};
use super::progress::{ProgressUpdate, stderr_progress};
use super::run::{Run, measure_overhead, warm_up};
use super::sizing::{next_iterations, target_sample_time};
use crate::clock::precision::Calibration;
use crate::clock::{duration_to_nanos, nanos_to_secs};
use crate::format;
use crate::host::Metadata;
use crate::stats::paired::{PairedComparison, compare_paired};
use crate::stats::{SECONDS, Stats, Verdict};

/// Pairs taken before the first look at the verdict (at least).
pub const FIRST_LOOK: usize = 20;
/// How long the pairs must span before the first look at the verdict: 0.2 s.
pub const FIRST_LOOK_TIME: Duration = Duration::from_millis(200);
/// The confidence level of the looks before `max_time` (the final verdict uses 95 %).
pub const EARLY_LEVEL: f64 = 0.99;

/// Benchmarks `baseline` and `candidate` interleaved and compares them, pair by pair.
///
/// ```
/// use std::convert::Infallible;
/// use std::hint::black_box;
/// use std::time::Duration;
/// use timing_runtime::bench::{PairOptions, Progress, bench_pair};
/// use timing_runtime::stats::Verdict;
///
/// let work = |n: u64| move || { black_box((0..black_box(n)).fold(0u64, |a, x| a ^ x.wrapping_mul(x))); Ok::<(), Infallible>(()) };
/// let mut options = PairOptions::new("short", "long");
/// options.max_time = Duration::from_millis(500);
/// options.progress = Progress::Off;
/// let c = bench_pair(&options, work(1_000), work(2_000)).unwrap();
/// assert_eq!(c.comparison.verdict, Verdict::Slower);
/// assert!(c.comparison.ratio > 1.5);
/// assert_eq!(c.ratios.len(), c.baseline.samples().len());
/// ```
pub fn bench_pair<E, A, B>(
    options: &PairOptions,
    baseline: A,
    candidate: B,
) -> Result<PairedComparison, BenchError<E>>
where
    A: FnMut() -> Result<(), E>,
    B: FnMut() -> Result<(), E>,
{
    let noop = || {
        black_box(());
        Ok(())
    };
    bench_pair_with(
        options,
        baseline,
        candidate,
        noop,
        || Ok(Metadata::current()),
        stderr_progress(),
    )
}

/// [`bench_pair()`] with the front end's no-op closure (harness overhead), metadata (collected
/// inside the budget) and progress sink.
pub fn bench_pair_with<E, A, B, O, M, P>(
    options: &PairOptions,
    mut baseline: A,
    mut candidate: B,
    mut noop: O,
    metadata: M,
    mut progress: P,
) -> Result<PairedComparison, BenchError<E>>
where
    A: FnMut() -> Result<(), E>,
    B: FnMut() -> Result<(), E>,
    O: FnMut() -> Result<(), E>,
    M: FnOnce() -> Result<Metadata, E>,
    P: FnMut(&ProgressUpdate<'_>),
{
    options.validate()?;
    let mut run = Run::start(options.max_time);
    let metadata = metadata().map_err(BenchError::Aborted)?;
    let overhead = measure_overhead(&mut noop).map_err(BenchError::Aborted)?;
    let warmup = options.warmup.min(options.max_time / 4);
    warm_up(&run, warmup, &mut [&mut baseline, &mut candidate]).map_err(BenchError::Aborted)?;
    let iterations =
        size_pairs(&mut run, &mut baseline, &mut candidate).map_err(BenchError::Aborted)?;
    run.mark_calibrated();
    let pairs = take_pairs(
        &mut run,
        options,
        iterations,
        &mut baseline,
        &mut candidate,
        &mut progress,
    )
    .map_err(BenchError::Aborted)?;
    let longest = (pairs.baseline.iter().zip(&pairs.candidate))
        .map(|(a, b)| a.saturating_add(*b))
        .max()
        .unwrap_or(0);
    run.overrun_warning(longest, iterations.saturating_mul(2));
    let calibration = Calibration {
        clock_resolution: run.clock.resolution,
        clock_read_cost: run.clock.read_cost,
        overhead,
    };
    let side = |name: &str, nanos: &[u64]| {
        Stats::build(
            name.to_owned(),
            SECONDS.to_owned(),
            per_iteration(nanos, iterations),
            iterations,
            Some(calibration),
            metadata.clone(),
            Vec::new(),
        )
    };
    let base = side(&options.baseline_name, &pairs.baseline)?;
    let cand = side(&options.candidate_name, &pairs.candidate)?;
    Ok(PairedComparison::new(
        base,
        cand,
        options.noise,
        pairs.settled_early,
        run.warnings,
    )?)
}

/// Calls per sample for both sides: grown until the slower side's sample lasts
/// [`PAIR_SAMPLE_TIME`] (confirmed once above one call), or until the budget leaves no room.
fn size_pairs<E>(
    run: &mut Run,
    a: &mut impl FnMut() -> Result<(), E>,
    b: &mut impl FnMut() -> Result<(), E>,
) -> Result<u64, E> {
    let target = duration_to_nanos(target_sample_time(PAIR_SAMPLE_TIME, run.clock.resolution));
    let mut n = 1u64;
    loop {
        let mut t = timed_block(n, a)?.max(timed_block(n, b)?);
        if t >= target && n > 1 {
            t = t.min(timed_block(n, a)?.max(timed_block(n, b)?));
        }
        if t >= target || n == u64::MAX {
            return Ok(n);
        }
        let next = next_iterations(n, t, target);
        let predicted = t as f64 * next as f64 / n as f64;
        let remaining = run.budget.saturating_sub(run.elapsed()) as f64;
        // Two pairs (four samples) must still fit.
        if predicted * 4.0 > remaining {
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

/// The pairs of a run, in nanos, and whether sampling stopped on a settled verdict.
struct Pairs {
    baseline: Vec<u64>,
    candidate: Vec<u64>,
    settled_early: bool,
}

/// What a look at the pairs found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    /// The interval is wholly outside the band: this change.
    Change(Verdict),
    /// The interval is wholly inside the band: no change.
    Inside,
    /// Neither: more pairs are needed.
    Open,
}

fn look(baseline: &[u64], candidate: &[u64], noise: f64) -> Look {
    let secs = |v: &[u64]| -> Vec<f64> { v.iter().map(|&t| nanos_to_secs(t.max(1))).collect() };
    match compare_paired(&secs(baseline), &secs(candidate), noise, EARLY_LEVEL) {
        Ok(c) if c.verdict != Verdict::NoChange => Look::Change(c.verdict),
        Ok(c) if c.ci.0 >= 1.0 - noise && c.ci.1 <= 1.0 + noise => Look::Inside,
        _ => Look::Open,
    }
}

/// Pairs in the order A B, B A, A B, … until the verdict is settled at two successive looks
/// or the next pair would overrun the budget (after at least 2 pairs).
fn take_pairs<E>(
    run: &mut Run,
    options: &PairOptions,
    iterations: u64,
    a: &mut impl FnMut() -> Result<(), E>,
    b: &mut impl FnMut() -> Result<(), E>,
    progress: &mut impl FnMut(&ProgressUpdate<'_>),
) -> Result<Pairs, E> {
    let mut p = Pairs {
        baseline: Vec::new(),
        candidate: Vec::new(),
        settled_early: false,
    };
    let (mut next_look, mut previous) = (FIRST_LOOK, Look::Open);
    let (mut shown, mut last_shown, mut total) = (false, 0u64, 0u64);
    let max_time = options.max_time.as_secs_f64();
    let name = format!("{} vs {}", options.baseline_name, options.candidate_name);
    let first_look = run
        .elapsed()
        .saturating_add(duration_to_nanos(FIRST_LOOK_TIME));
    loop {
        let i = p.baseline.len();
        if let (Some(&ta), Some(&tb)) = (p.baseline.last(), p.candidate.last())
            && i >= 2
            && !run.fits(ta.saturating_add(tb))
        {
            break;
        }
        if i % 2 == 0 {
            p.baseline.push(timed_block(iterations, a)?);
            p.candidate.push(timed_block(iterations, b)?);
        } else {
            p.candidate.push(timed_block(iterations, b)?);
            p.baseline.push(timed_block(iterations, a)?);
        }
        if i + 1 >= next_look && run.elapsed() >= first_look {
            let now = look(&p.baseline, &p.candidate, options.noise);
            if now != Look::Open && now == previous {
                p.settled_early = true;
                break;
            }
            previous = now;
            next_look = (i + 1) + (i + 1).div_ceil(4);
        }
        if options.progress == Progress::Auto {
            let e = run.elapsed();
            if e >= 1_000_000_000 && e - last_shown >= 100_000_000 {
                if total == 0 {
                    // Pairs that fit in the budget at the pace so far.
                    total = (run.budget as f64 / e as f64 * (i + 1) as f64) as u64;
                }
                progress(&ProgressUpdate {
                    name: &name,
                    done: (i + 1) as u64,
                    total,
                    elapsed: nanos_to_secs(e),
                    max_time,
                    finished: false,
                });
                (shown, last_shown) = (true, e);
            }
        }
    }
    if shown {
        progress(&ProgressUpdate {
            name: &name,
            done: p.baseline.len() as u64,
            total,
            elapsed: nanos_to_secs(run.elapsed()),
            max_time,
            finished: true,
        });
    }
    Ok(p)
}
