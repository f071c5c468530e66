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

fn with_reference(name: &str, f: Vec<f64>, r: Vec<f64>) -> Stats {
    let reference = crate::stats::Reference {
        workload: "w/1".into(),
        iterations_per_sample: 1,
        samples: r,
    };
    stats(name, f).with_reference(reference).unwrap()
}

#[test]
fn reference_runs_at_one_steady_speed_leave_only_the_run_wander() {
    // Constant samples: nothing scatters, the machine's speed is the same in both runs.
    let a = with_reference("a", vec![2.0; 40], vec![1.0; 40]);
    let c = compare(&a, &a, 0.01).unwrap();
    assert_eq!(
        (c.method, c.verdict, c.ratio),
        (Method::Reference, Verdict::NoChange, 1.0)
    );
    // df = 20 blocks - 2; scipy.stats.t.ppf(0.975, 18) = 2.10092204024096
    let half = 2.100_922_040_240_96 * reference::RUN_WANDER;
    assert!((c.ci.1 - half.exp()).abs() < 1e-12 && (c.ci.0 - (-half).exp()).abs() < 1e-12);
    // 10 % slower at the same speed: seen, with a 1 % band.
    let b = with_reference("b", vec![2.2; 40], vec![1.0; 40]);
    let c = compare(&a, &b, 0.01).unwrap();
    assert_eq!(c.verdict, Verdict::Slower);
    assert!((c.ratio - 1.1).abs() < 1e-12);
}

#[test]
fn a_speed_change_seen_only_between_the_runs_widens_the_interval() {
    // The candidate's run saw the machine 1.5x slower throughout, and the function 1.5x
    // slower with it: the plain ratio says "no change", but how the function follows the
    // machine is unknown (no change of speed inside a run), so the interval is wide.
    let a = with_reference("a", vec![2.0; 40], vec![1.0; 40]);
    let b = with_reference("b", vec![3.0; 40], vec![1.5; 40]);
    let c = compare(&a, &b, 0.01).unwrap();
    assert_eq!(c.verdict, Verdict::NoChange, "{c:?}");
    assert!((c.ratio - 1.0).abs() < 1e-12);
    let fit = reference::fit(
        (a.samples(), &a.reference().unwrap().samples),
        (b.samples(), &b.reference().unwrap().samples),
    )
    .unwrap();
    let expected = (1.5f64.ln().powi(2) * reference::ELASTICITY_SD.powi(2)
        + reference::RUN_WANDER.powi(2))
    .sqrt();
    assert!((fit.sd - expected).abs() < 1e-12 && fit.beta == 1.0);
    assert!(c.ci.0 < 0.8 && c.ci.1 > 1.25, "{c:?}");
}

/// `n` pseudo-random numbers uniform in `[-1, 1)` (a fixed LCG: the same every run).
fn jitter(seed: u64, n: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect()
}

#[test]
fn the_references_own_scatter_does_not_pass_for_the_machines_speed() {
    // Two runs of the same function, each at one steady speed (the candidate's 1.5x slower),
    // the function following 0.7 of it; both the function's and the reference's samples
    // scatter by a few percent, independently. Inside a run, x and y are then uncorrelated:
    // a least-squares slope would be near 0 and call the candidate ~1.5^0.7 = 1.33x slower.
    let run = |speed: f64, seed: u64| {
        let (jf, jr) = (jitter(seed, 200), jitter(seed + 1, 200));
        let f = jf
            .iter()
            .map(|j| 2e-6 * speed.powf(0.7) * (1.0 + 0.05 * j))
            .collect();
        let r = jr.iter().map(|j| 1e-6 * speed * (1.0 + 0.05 * j)).collect();
        with_reference("f", f, r)
    };
    let (a, b) = (run(1.0, 1), run(1.5, 7));
    let c = compare(&a, &b, 0.01).unwrap();
    assert_eq!(
        (c.method, c.verdict),
        (Method::Reference, Verdict::NoChange),
        "{c:?}"
    );
    assert!(c.ci.0 < 1.0 && c.ci.1 > 1.0, "{c:?}");
    // A real change of speed inside the runs still fits the elasticity.
    let steps = |slow: &[usize], cost: f64, seed: u64| {
        let (jf, jr) = (jitter(seed, 200), jitter(seed + 1, 200));
        let speed = |i: usize| {
            if slow.contains(&(i / 20)) {
                1.5
            } else {
                1.0f64
            }
        };
        let f = (0..200)
            .map(|i| cost * speed(i).powf(0.7) * (1.0 + 0.005 * jf[i]))
            .collect();
        let r = (0..200)
            .map(|i| 1e-6 * speed(i) * (1.0 + 0.005 * jr[i]))
            .collect();
        with_reference("f", f, r)
    };
    let (a, b) = (steps(&[1, 5], 2e-6, 3), steps(&[0, 2, 3, 6, 8], 2.2e-6, 5));
    let fit = reference::fit(
        (a.samples(), &a.reference().unwrap().samples),
        (b.samples(), &b.reference().unwrap().samples),
    )
    .unwrap();
    assert!((fit.beta - 0.7).abs() < 0.05, "{fit:?}");
    assert_eq!(compare(&a, &b, 0.01).unwrap().verdict, Verdict::Slower);
}

#[test]
fn too_few_samples_for_the_fit_compare_absolute_times() {
    let a = with_reference("a", vec![1.0, 1.1, 1.2], vec![1.0, 1.0, 1.0]);
    let c = compare(&a, &a, 0.01).unwrap();
    assert_eq!(c.method, Method::Unpaired);
    assert!(
        drift_warning(&a, &a)
            .unwrap()
            .contains("fewer than 4 samples")
    );
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
