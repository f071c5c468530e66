//! Tests of [`Stats`](super::Stats) against reference values.

use super::*;

#[test]
fn stats_reject_bad_samples() {
    assert!(Stats::from_samples("x", vec![1.0], 1).is_err());
    assert!(Stats::from_samples("x", vec![1.0, f64::NAN], 1).is_err());
    assert!(Stats::from_samples("x", vec![1.0, -1.0], 1).is_err());
    assert!(Stats::from_samples("x", vec![1.0, f64::INFINITY], 1).is_err());
    assert!(Stats::from_samples("x", vec![1.0, 2.0], 0).is_err());
}

#[test]
fn stats_match_reference_values() {
    // Reference values computed with Python's statistics module.
    let s = Stats::from_samples("x", vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 1).unwrap();
    assert_eq!(s.mean(), 5.0);
    assert_eq!(s.median(), 4.5);
    assert!((s.stddev() - 2.138_089_935_299_395).abs() < 1e-12);
    assert_eq!(s.mad(), 0.5);
    assert_eq!(s.quartiles(), (4.0, 5.5));
    assert!((s.percentile(90.0).unwrap() - 7.6).abs() < 1e-12);
    assert!(s.percentile(101.0).is_err());
    assert_eq!(s.ops_per_second(), 0.2);
    // t(0.975, 7) = 2.364624251...
    let half = 2.364_624_251_592_785 * s.stddev() / 8f64.sqrt();
    assert!((s.mean_ci().0 - (5.0 - half)).abs() < 1e-9);
    assert!((s.mean_ci().1 - (5.0 + half)).abs() < 1e-9);
}

#[test]
fn warnings_flag_instability() {
    let calm = Stats::from_samples("c", vec![1.0, 1.01, 0.99, 1.0, 1.0, 1.02], 1).unwrap();
    assert!(calm.warnings().is_empty(), "{:?}", calm.warnings());
    let wild = Stats::from_samples("w", vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 9.0], 1).unwrap();
    assert!(wild.warnings().iter().any(|w| w.contains("high variation")));
    assert!(wild.warnings().iter().any(|w| w.contains("severe outlier")));
}

#[test]
fn extreme_magnitudes_keep_every_figure_finite_and_right() {
    // Reference: the same samples scaled to ordinary magnitudes, then scaled back.
    let base = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
    let reference = Stats::from_samples("r", base.to_vec(), 1).unwrap();
    for scale in [1e200, 1e300, 1e-200, 1e-300, 1e-310] {
        let s = Stats::from_samples("x", base.iter().map(|x| x * scale).collect(), 1).unwrap();
        let close = |got: f64, want: f64| ((got - want) / want).abs() < 1e-12;
        assert!(
            close(s.mean(), reference.mean() * scale),
            "{scale}: {}",
            s.mean()
        );
        assert!(
            close(s.stddev(), reference.stddev() * scale),
            "{scale}: {}",
            s.stddev()
        );
        assert!(close(s.cv(), reference.cv()), "{scale}: {}", s.cv());
        assert!(
            close(s.mean_ci().0, reference.mean_ci().0 * scale),
            "{scale}"
        );
        assert!(
            close(s.mean_ci().1, reference.mean_ci().1 * scale),
            "{scale}"
        );
    }
    let huge = Stats::from_samples("h", vec![f64::MAX, f64::MAX / 2.0], 1).unwrap();
    assert!(huge.mean().is_finite() && huge.stddev().is_finite() && huge.cv().is_finite());
    let zeros = Stats::from_samples("z", vec![0.0, 0.0], 1).unwrap();
    assert_eq!((zeros.mean(), zeros.stddev()), (0.0, 0.0));
    assert!(zeros.cv().is_nan());
}
