//! Tests of the sequential vs parallel comparisons.

use super::*;
use crate::hardware::team::MAX_THREADS;

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

#[test]
fn speedup_and_efficiency_arithmetic() {
    let c = ParallelComparison {
        size: 1000,
        threads: 4,
        iterations: 1,
        sequential_secs: vec![4.0, 6.0, 3.0],
        parallel_secs: vec![2.0, 2.0, 1.0],
        speedup: median_interval::median_interval(&[2.0, 3.0, 3.0], 0.95).unwrap(),
    };
    assert_eq!(c.speedups(), [2.0, 3.0, 3.0]);
    assert_eq!(c.speedup.median, 3.0);
    assert_eq!(c.efficiency(), 0.75);
    // 1000 elements × 8 B in the best pass (3 s sequential, 1 s parallel).
    assert!((c.sequential_gbps() - 8000.0 / 3e9).abs() < 1e-15);
    assert!((c.parallel_gbps() - 8000.0 / 1e9).abs() < 1e-15);
}

#[test]
fn compare_scaling_measures_every_run() {
    let data: Vec<f64> = (0..50_000).map(|i| (i % 7) as f64).collect();
    let expected: f64 = data.iter().map(|x| x * x).sum();
    let team = Team::new(3).unwrap();
    assert_eq!(team_sum_of_squares(&team, &data), expected);
    let c = compare_scaling(&data, 2, 4, 2).unwrap();
    assert_eq!((c.size, c.threads, c.iterations), (50_000, 2, 2));
    assert_eq!(c.parallel_secs.len(), 4);
    assert!(c.sequential_secs.iter().all(|&s| s > 0.0));
    let speedups = c.speedups();
    assert!(speedups.iter().all(|s| s.is_finite() && *s > 0.0));
    assert!(c.speedup.low <= c.speedup.median && c.speedup.median <= c.speedup.high);
}

#[test]
fn scaling_rejects_bad_input_before_work() {
    assert!(compare_scaling(&[], 1, 1, 1).is_err());
    assert!(compare_scaling(&[1.0], 0, 1, 1).is_err());
    assert!(compare_scaling(&[1.0], 1, 0, 1).is_err());
    assert!(compare_scaling(&[1.0], 1, 1, 0).is_err());
    assert!(scaling_sweep(&[], &[1], 1, 1).is_err());
    assert!(scaling_sweep(&[1], &[], 1, 1).is_err());
    assert!(scaling_sweep(&[1, 0], &[1], 1, 1).is_err());
    assert!(scaling_sweep(&[1], &[1, 0], 1, 1).is_err());
    assert!(scaling_sweep(&[1], &[1, MAX_THREADS + 1], 1, 1).is_err());
    assert!(matches!(
        scaling_sweep(&[usize::MAX / 8], &[1], 1, 1),
        Err(TimingError::Allocation { .. })
    ));
}

#[test]
fn cancelled_work_stops_with_interrupted() {
    let cancel = Cancel::new();
    cancel.cancel();
    let data = vec![1.0; 1000];
    cancel.run(|| {
        assert_eq!(
            compare_seq_vs_parallel(&data, u64::MAX),
            Err(TimingError::Interrupted)
        );
        assert_eq!(
            compare_scaling(&data, u64::MAX, 5, 2).unwrap_err(),
            TimingError::Interrupted
        );
        assert_eq!(
            scaling_sweep(&[1000], &[1, 2], u64::MAX, 5).unwrap_err(),
            TimingError::Interrupted
        );
    });
}
