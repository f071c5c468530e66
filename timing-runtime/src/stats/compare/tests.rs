//! Tests of [`compare`](super::compare) and the noise band.

use super::*;

fn stats(name: &str, values: impl IntoIterator<Item = f64>) -> Stats {
    Stats::from_samples(name, values.into_iter().collect(), 1).unwrap()
}

fn spread(center: f64, n: usize) -> Vec<f64> {
    // A deterministic, symmetric spread of ±2 % around `center`.
    (0..n)
        .map(|i| center * (0.98 + 0.04 * i as f64 / (n - 1) as f64))
        .collect()
}

#[test]
fn verdicts_on_crafted_distributions() {
    let base = stats("b", spread(1.0, 30));
    assert_eq!(
        compare(&base, &stats("c", spread(1.5, 30)), 0.01)
            .unwrap()
            .verdict,
        Verdict::Slower
    );
    assert_eq!(
        compare(&base, &stats("c", spread(0.7, 30)), 0.01)
            .unwrap()
            .verdict,
        Verdict::Faster
    );
    let same = compare(&base, &stats("c", spread(1.0, 30)), 0.01).unwrap();
    assert_eq!((same.verdict, same.ratio), (Verdict::NoChange, 1.0));
    // 0.5 % slower with a very tight spread: significant, but under the 1 % noise floor.
    let tight = |c: f64| stats("t", (0..30).map(|i| c + i as f64 * 1e-6));
    let small = compare(&tight(1.0), &tight(1.005), 0.01).unwrap();
    assert_eq!(small.verdict, Verdict::NoChange);
    assert!(small.p_value < 0.05 && small.ci.0 > 1.0);
    assert_eq!(
        compare(&tight(1.0), &tight(1.005), 0.001).unwrap().verdict,
        Verdict::Slower
    );
}

#[test]
fn straddling_interval_is_no_change() {
    let base = stats("b", spread(1.0, 10));
    let c = compare(&base, &stats("c", spread(1.015, 10)), 0.0).unwrap();
    assert!(c.ci.0 <= 1.0 && c.ci.1 >= 1.0, "{c:?}");
    assert_eq!(c.verdict, Verdict::NoChange);
}

#[test]
fn welch_matches_scipy() {
    // scipy.stats.ttest_ind(b, a, equal_var=False): p = 0.000348634204107606,
    // confidence_interval() = (0.0907443434184763, 0.2052556565815238) around 0.148.
    let a = [0.1, 0.2, 0.15, 0.12, 0.18];
    let b = [0.3, 0.25, 0.35, 0.28, 0.31];
    let (half, p) = welch(&a, &b, 0.148);
    assert!((p - 0.000_348_634_204_107_606).abs() < 1e-9, "{p}");
    assert!(
        (0.148 - half - 0.090_744_343_418_476_3).abs() < 1e-9,
        "{half}"
    );
    assert_eq!(welch(&[1.0], &b, 0.1), (f64::INFINITY, 1.0));
    assert_eq!(welch(&[1.0, 1.0], &[2.0, 2.0], 1.0), (0.0, 0.0));
}

#[test]
fn bad_input_is_refused() {
    let base = stats("b", spread(1.0, 10));
    assert!(compare(&base, &base, -0.1).is_err());
    assert!(compare(&base, &base, f64::NAN).is_err());
    assert!(compare(&base, &base, 1.0).is_err());
    let zero = stats("z", [0.0, 0.0, 0.0]);
    assert!(compare(&zero, &base, 0.01).is_err());
    let bytes = Stats::from_samples_with_unit("m", spread(1.0, 10), 1, "B/s").unwrap();
    let e = compare(&base, &bytes, 0.01).unwrap_err().to_string();
    assert!(e.starts_with("candidate") && e.contains("unit"), "{e}");
}
