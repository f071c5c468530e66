//! Order statistics of sorted samples: the one median, percentiles, and an accurate sum.
//!
//! Every median in this crate (of benchmark samples, of run durations, of speedups, of
//! paired ratios) is [`median_of_sorted`]; every percentile is [`percentile_of_sorted`].

/// The median of ascending, non-empty `sorted`: the middle value, or the mean of the two
/// middle values for an even count (always between them).
///
/// ```
/// use timing_runtime::stats::order::median_of_sorted;
/// assert_eq!(median_of_sorted(&[1.0, 2.0, 3.0]), 2.0);
/// assert_eq!(median_of_sorted(&[1.0, 2.0, 3.0, 4.0]), 2.5);
/// assert_eq!(median_of_sorted(&[2e-9, 3e-9]), 2.5e-9);
/// ```
pub fn median_of_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        midpoint(sorted[n / 2 - 1], sorted[n / 2])
    }
}

/// The mean of `a ≤ b`, correctly rounded, and never outside `[a, b]` (no overflow for huge
/// values).
fn midpoint(a: f64, b: f64) -> f64 {
    let m = (a + b) / 2.0;
    let m = if m.is_finite() { m } else { a / 2.0 + b / 2.0 };
    m.clamp(a, b)
}

/// The `q`-th percentile (`0 ≤ q ≤ 100`) of ascending, non-empty `sorted`, by linear
/// interpolation between closest ranks (NumPy's default, `statistics.quantiles(...,
/// method="inclusive")`).
///
/// ```
/// use timing_runtime::stats::order::percentile_of_sorted;
/// assert_eq!(percentile_of_sorted(&[1.0, 2.0, 3.0, 4.0], 50.0), 2.5);
/// assert_eq!(percentile_of_sorted(&[1.0, 2.0, 3.0, 4.0], 100.0), 4.0);
/// assert_eq!(percentile_of_sorted(&[1.0, 2.0, 3.0, 4.0], 25.0), 1.75);
/// ```
pub fn percentile_of_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let pos = (q / 100.0).clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    if lo == hi || frac == 0.0 {
        sorted[lo]
    } else {
        // Written so that the result stays between the two neighbours.
        (sorted[lo] + (sorted[hi] - sorted[lo]) * frac).clamp(sorted[lo], sorted[hi])
    }
}

/// `values` sorted ascending (total order: any NaN last).
///
/// ```
/// assert_eq!(timing_runtime::stats::order::sorted(&[3.0, 1.0, 2.0]), [1.0, 2.0, 3.0]);
/// ```
pub fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// A compensated (Neumaier) sum, accurate to about one rounding.
///
/// ```
/// let s = timing_runtime::stats::order::accurate_sum([1e16, 1.0, -1e16]);
/// assert_eq!(s, 1.0);
/// ```
pub fn accurate_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    sum + c
}
