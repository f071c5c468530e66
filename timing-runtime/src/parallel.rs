//! Sequential vs parallel: the same sum of squares on one thread and on all cores (rayon).

use std::hint::black_box;
use std::time::Duration;

use rayon::prelude::*;

use crate::clock::{self, ticks_between};
use crate::error::{TimingError, require_at_least};
use crate::reduce::{par_chunk_len, sum_of_squares};
use crate::timer::TimerResult;

/// The sum of squares of `data` on the calling thread (vectorised). Recorded in the global
/// profile as `seq_sum_of_squares`.
#[crate::timed]
pub fn seq_sum_of_squares(data: &[f64]) -> f64 {
    sum_of_squares(data)
}

/// The sum of squares of `data` on rayon's pool (all cores by default). Recorded in the
/// global profile as `par_sum_of_squares`.
///
/// ```
/// assert_eq!(timing_runtime::parallel::par_sum_of_squares(&[3.0, 4.0]), 25.0);
/// ```
#[crate::timed]
pub fn par_sum_of_squares(data: &[f64]) -> f64 {
    data.par_chunks(par_chunk_len(data.len()))
        .map(sum_of_squares)
        .sum()
}

/// Times the sum of squares of `data`, `iterations` times sequentially and `iterations` times
/// in parallel, and returns `(sequential, parallel)` results named `"Sequential"` and
/// `"Parallel"`.
///
/// The two variants alternate (one sequential pass, one parallel pass, …) so that drift in
/// the machine's speed hits both alike. Inputs and results pass through
/// [`std::hint::black_box`], so the optimiser cannot remove the work.
///
/// ```
/// let data = vec![1.0; 1000];
/// let (seq, par) = timing_runtime::parallel::compare_seq_vs_parallel(&data, 3).unwrap();
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
    let (mut seq_ticks, mut par_ticks) = (0u64, 0u64);
    for _ in 0..iterations {
        let start = clock::now();
        black_box(seq_sum_of_squares(black_box(data)));
        let mid = clock::now();
        black_box(par_sum_of_squares(black_box(data)));
        let end = clock::now();
        seq_ticks = seq_ticks.saturating_add(ticks_between(start, mid));
        par_ticks = par_ticks.saturating_add(ticks_between(mid, end));
    }
    Ok((
        TimerResult::new("Sequential", Duration::from_nanos(seq_ticks), iterations)?,
        TimerResult::new("Parallel", Duration::from_nanos(par_ticks), iterations)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_sum_matches_sequential() {
        let data: Vec<f64> = (0..200_000).map(|i| (i % 10) as f64).collect();
        let expected: f64 = data.iter().map(|x| x * x).sum();
        assert_eq!(sum_of_squares(&data), expected);
        assert_eq!(par_sum_of_squares(&data), expected);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(compare_seq_vs_parallel(&[], 1).is_err());
        assert!(compare_seq_vs_parallel(&[1.0], 0).is_err());
    }

    #[test]
    fn reports_both_results() {
        let data = vec![2.0; 50_000];
        let (s, p) = compare_seq_vs_parallel(&data, 4).unwrap();
        assert_eq!(s.iterations(), 4);
        assert_eq!(p.iterations(), 4);
        assert!(s.duration_secs() > 0.0 && p.duration_secs() > 0.0);
    }
}
