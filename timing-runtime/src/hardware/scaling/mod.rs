//! Sequential vs parallel: the same sum of squares on one thread and on several (rayon).
//!
//! Every function here polls the current [`Cancel`] between passes and stops with
//! [`TimingError::Interrupted`] once it is cancelled.
//!
//! [`compare_seq_vs_parallel`] is the seed's API (two [`TimerResult`]s). [`compare_scaling`]
//! is the trustworthy version: repeated runs on a fixed [`Team`] of `threads` threads with a
//! static partition, the speedup of each run, their median with a confidence interval, and
//! efficiency = speedup / threads. [`scaling_sweep`] repeats it over data sizes and thread
//! counts.

use std::hint::black_box;
use std::time::Duration;

use rayon::prelude::*;

use super::buffer::{ELEMENT_BYTES, first_touched, gigabytes_per_second};
use super::pool::parallel_pool;
use super::reduce::{par_chunk_len, sum_of_squares};
use super::team::{Team, check_threads, split};
use crate::cancel::Cancel;
use crate::clock::{self, nanos_between, nanos_to_secs};
use crate::error::{TimingError, require_at_least};
use crate::host::check_allocation;
use crate::stats::median_interval::{self, CONFIDENCE, MedianInterval};
use crate::timer::TimerResult;

/// Default passes of each version per run of [`compare_scaling`].
pub const DEFAULT_ITERATIONS: u64 = 10;
/// Default runs of [`compare_scaling`].
pub const DEFAULT_RUNS: u64 = 10;
/// Default passes per run of [`scaling_sweep`].
pub const SWEEP_ITERATIONS: u64 = 5;
/// Default runs per cell of [`scaling_sweep`].
pub const SWEEP_RUNS: u64 = 5;

/// The sum of squares of `data` on the calling thread (vectorised). Recorded in the global
/// profile as `seq_sum_of_squares`.
#[crate::timed]
pub fn seq_sum_of_squares(data: &[f64]) -> f64 {
    sum_of_squares(data)
}

/// The sum of squares of `data` on this process's work-stealing pool
/// ([`parallel_pool`]: all cores by default, built afresh in a
/// forked child); on the calling thread when that pool cannot be started. Recorded in the
/// global profile as `par_sum_of_squares`.
///
/// ```
/// assert_eq!(timing_runtime::hardware::scaling::par_sum_of_squares(&[3.0, 4.0]), 25.0);
/// ```
pub fn par_sum_of_squares(data: &[f64]) -> f64 {
    match parallel_pool() {
        Ok(pool) => par_sum_in(pool, data),
        Err(_) => sum_of_squares(data),
    }
}

#[crate::timed(name = "par_sum_of_squares")]
fn par_sum_in(pool: &rayon::ThreadPool, data: &[f64]) -> f64 {
    let chunk = par_chunk_len(data.len(), pool.current_num_threads());
    pool.install(|| data.par_chunks(chunk).map(sum_of_squares).sum())
}

/// Times the sum of squares of `data`, `iterations` times sequentially and `iterations` times
/// in parallel, and returns `(sequential, parallel)` results named `"Sequential"` and
/// `"Parallel"`.
///
/// One untimed pass of each comes first (the thread pool, caches and the profiler's
/// first-call set-up are warm before timing). The timed variants then alternate (one
/// sequential pass, one parallel pass, …) so that drift in the machine's speed hits both alike.
/// Inputs and results pass through [`std::hint::black_box`], so the optimiser cannot remove the
/// work. The current [`Cancel`] is polled between passes.
///
/// ```
/// let data = vec![1.0; 1000];
/// let (seq, par) = timing_runtime::hardware::scaling::compare_seq_vs_parallel(&data, 3).unwrap();
/// assert_eq!((seq.name(), par.name()), ("Sequential", "Parallel"));
/// assert_eq!(seq.iterations(), 3);
/// ```
pub fn compare_seq_vs_parallel(
    data: &[f64],
    iterations: u64,
) -> Result<(TimerResult, TimerResult), TimingError> {
    require_at_least("iterations", iterations, 1)?;
    if data.is_empty() {
        return Err(TimingError::invalid("data", "must not be empty"));
    }
    let cancel = Cancel::current();
    let pool = parallel_pool()?;
    // One untimed pass of each first: one-time costs (the pool's start-up, the profiler's
    // clock calibration and first-call registration, cold caches) stay out of the figures.
    black_box(seq_sum_of_squares(black_box(data)));
    cancel.poll()?;
    black_box(par_sum_in(pool, black_box(data)));
    let (seq, par) = alternate(
        iterations,
        &cancel,
        || black_box(seq_sum_of_squares(black_box(data))),
        || black_box(par_sum_in(pool, black_box(data))),
    )?;
    Ok((
        TimerResult::new("Sequential", Duration::from_nanos(seq), iterations)?,
        TimerResult::new("Parallel", Duration::from_nanos(par), iterations)?,
    ))
}

/// Times `iterations` alternations of `first` and `second` (one pass of each, in that order,
/// so that drift in the machine's speed hits both alike) and returns their total nanos (each
/// pass counts at least 1 ns). Polls `cancel` after each alternation, outside the timed
/// passes. The one timing loop of this module.
fn alternate(
    iterations: u64,
    cancel: &Cancel,
    mut first: impl FnMut() -> f64,
    mut second: impl FnMut() -> f64,
) -> Result<(u64, u64), TimingError> {
    let (mut a, mut b) = (0u64, 0u64);
    for _ in 0..iterations {
        cancel.poll()?;
        let start = clock::now();
        first();
        let mid = clock::now();
        second();
        let end = clock::now();
        a = a.saturating_add(nanos_between(start, mid).max(1));
        b = b.saturating_add(nanos_between(mid, end).max(1));
    }
    cancel.poll()?;
    Ok((a, b))
}

/// Sequential vs parallel sum of squares over `size` elements on `threads` threads.
///
/// Each of `runs` runs times `iterations` sequential passes and `iterations` parallel passes,
/// alternating them; a run's speedup is its sequential time over its parallel time.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelComparison {
    /// Elements of data.
    pub size: usize,
    /// Threads of the parallel version.
    pub threads: usize,
    /// Passes of each version per run.
    pub iterations: u64,
    /// Seconds per sequential pass, one value per run.
    pub sequential_secs: Vec<f64>,
    /// Seconds per parallel pass, one value per run.
    pub parallel_secs: Vec<f64>,
    /// The median speedup over the runs and its confidence interval.
    pub speedup: MedianInterval,
}

impl ParallelComparison {
    /// Speedup per run: sequential time / parallel time.
    pub fn speedups(&self) -> Vec<f64> {
        self.sequential_secs
            .iter()
            .zip(&self.parallel_secs)
            .map(|(s, p)| s / p)
            .collect()
    }

    /// Parallel efficiency: median speedup / threads (1 is perfect scaling).
    ///
    /// ```
    /// let data = vec![1.0; 10_000];
    /// let c = timing_runtime::hardware::scaling::compare_scaling(&data, 2, 3, 2).unwrap();
    /// assert_eq!(c.efficiency(), c.speedup.median / 2.0);
    /// ```
    pub fn efficiency(&self) -> f64 {
        self.speedup.median / self.threads as f64
    }

    /// Decimal GB/s of the fastest sequential pass (8 bytes read per element).
    pub fn sequential_gbps(&self) -> f64 {
        self.gbps(&self.sequential_secs)
    }

    /// Decimal GB/s of the fastest parallel pass (8 bytes read per element).
    pub fn parallel_gbps(&self) -> f64 {
        self.gbps(&self.parallel_secs)
    }

    fn gbps(&self, secs: &[f64]) -> f64 {
        let best = secs.iter().copied().fold(f64::INFINITY, f64::min);
        gigabytes_per_second(self.size as u128 * ELEMENT_BYTES, best)
    }
}

/// The sum of squares of `data` on `team`, thread `i` taking part `i` of the static partition.
///
/// ```
/// let team = timing_runtime::hardware::team::Team::new(2).unwrap();
/// assert_eq!(timing_runtime::hardware::scaling::team_sum_of_squares(&team, &[3.0, 4.0]), 25.0);
/// ```
pub fn team_sum_of_squares(team: &Team, data: &[f64]) -> f64 {
    let parts = split(data, &team.partition(data.len()));
    team.run(parts, sum_of_squares).into_iter().sum()
}

/// Compares the sum of squares of `data` (non-empty) on one thread and on `threads` (≥ 1):
/// `runs` (≥ 1) runs of `iterations` (≥ 1) alternating passes each, after one untimed
/// warm-up pass of each version.
///
/// ```
/// let data = vec![1.0; 100_000];
/// let c = timing_runtime::hardware::scaling::compare_scaling(&data, 3, 5, 2).unwrap();
/// assert_eq!(c.sequential_secs.len(), 5);
/// assert!(c.speedup.low <= c.speedup.median && c.speedup.median <= c.speedup.high);
/// ```
pub fn compare_scaling(
    data: &[f64],
    iterations: u64,
    runs: u64,
    threads: usize,
) -> Result<ParallelComparison, TimingError> {
    require_at_least("iterations", iterations, 1)?;
    require_at_least("runs", runs, 1)?;
    check_threads(threads)?;
    if data.is_empty() {
        return Err(TimingError::invalid("data", "must not be empty"));
    }
    let team = Team::new(threads)?;
    compare_on(&team, data, iterations, runs, &Cancel::current())
}

fn compare_on(
    team: &Team,
    data: &[f64],
    iterations: u64,
    runs: u64,
    cancel: &Cancel,
) -> Result<ParallelComparison, TimingError> {
    black_box(sum_of_squares(black_box(data)));
    cancel.poll()?;
    black_box(team_sum_of_squares(team, black_box(data)));
    // Grown run by run: `runs` is the caller's number, not an allocation size.
    let (mut sequential_secs, mut parallel_secs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (seq, par) = alternate(
            iterations,
            cancel,
            || black_box(sum_of_squares(black_box(data))),
            || black_box(team_sum_of_squares(team, black_box(data))),
        )?;
        sequential_secs.push(nanos_to_secs(seq) / iterations as f64);
        parallel_secs.push(nanos_to_secs(par) / iterations as f64);
    }
    let mut result = ParallelComparison {
        size: data.len(),
        threads: team.threads(),
        iterations,
        sequential_secs,
        parallel_secs,
        speedup: MedianInterval {
            median: 0.0,
            low: 0.0,
            high: 0.0,
            confidence: 0.0,
        },
    };
    if let Some(ci) = median_interval::median_interval(&result.speedups(), CONFIDENCE) {
        result.speedup = ci;
    }
    Ok(result)
}

/// [`compare_scaling`] for every data size in `sizes` (each ≥ 1) and thread count in
/// `thread_counts` (each 1 ..= [`MAX_THREADS`](super::team::MAX_THREADS)), sizes outermost.
/// The data (`i mod 8` as `f64`) is allocated and written in parallel before timing. Every
/// argument is checked before any work. At most two teams exist at a time (the largest, which
/// writes the data, and the one being measured).
///
/// ```
/// let rows = timing_runtime::hardware::scaling::scaling_sweep(&[1_000, 10_000], &[1, 2], 2, 3).unwrap();
/// assert_eq!(rows.len(), 4);
/// assert_eq!((rows[3].size, rows[3].threads), (10_000, 2));
/// ```
pub fn scaling_sweep(
    sizes: &[usize],
    thread_counts: &[usize],
    iterations: u64,
    runs: u64,
) -> Result<Vec<ParallelComparison>, TimingError> {
    require_at_least("iterations", iterations, 1)?;
    require_at_least("runs", runs, 1)?;
    if sizes.is_empty() {
        return Err(TimingError::invalid("sizes", "must not be empty"));
    }
    if thread_counts.is_empty() {
        return Err(TimingError::invalid("threads", "must not be empty"));
    }
    for &size in sizes {
        require_at_least("sizes", size as u64, 1)?;
    }
    for &threads in thread_counts {
        check_threads(threads)?;
    }
    let largest = sizes.iter().copied().max().unwrap_or(1);
    check_allocation(largest as u128 * ELEMENT_BYTES)?;
    let cancel = Cancel::current();
    // The data is first touched by the largest team, the closest to every team's placement.
    let most = thread_counts.iter().copied().max().unwrap_or(1);
    let toucher = Team::new(most)?;
    let mut rows = Vec::new();
    for &size in sizes {
        let data = first_touched(&toucher, size, |i| (i % 8) as f64)?;
        for &threads in thread_counts {
            let row = if threads == most {
                compare_on(&toucher, &data, iterations, runs, &cancel)?
            } else {
                compare_on(&Team::new(threads)?, &data, iterations, runs, &cancel)?
            };
            rows.push(row);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests;
