//! The Mann–Whitney U test (two-sided, normal approximation), as SciPy's asymptotic method.

use statrs::distribution::{ContinuousCDF, Normal};

/// Two-sided p-value of the Mann–Whitney U test of `a` against `b` (normal approximation,
/// tie-corrected variance, continuity correction); 1 when every value is equal.
///
/// ```
/// use timing_runtime::stats::mann_whitney::mann_whitney_u;
/// // U = 0 for two fully separated groups of 3: z = (4.5 - 0.5) / sqrt(5.25).
/// let p = mann_whitney_u(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]);
/// assert!((p - 0.080_856_08).abs() < 1e-6);
/// assert_eq!(mann_whitney_u(&[1.0, 1.0], &[1.0, 1.0]), 1.0);
/// ```
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, true))
        .chain(b.iter().map(|&x| (x, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let n = all.len();
    let (mut rank_sum_a, mut tie_term) = (0.0f64, 0.0f64);
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_a += avg_rank * all[i..=j].iter().filter(|v| v.1).count() as f64;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let u1 = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let mu = n1 * n2 / 2.0;
    let nn = n as f64;
    let var = n1 * n2 / 12.0 * ((nn + 1.0) - tie_term / (nn * (nn - 1.0)));
    if var.is_nan() || var <= 0.0 {
        return 1.0;
    }
    let z = ((u1 - mu).abs() - 0.5).max(0.0) / var.sqrt();
    let normal = Normal::new(0.0, 1.0).expect("standard normal");
    (2.0 * normal.sf(z)).min(1.0)
}
