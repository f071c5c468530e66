//! A distribution-free confidence interval of the median, from order statistics.
//!
//! For `n` independent values, the interval between the `k`-th smallest and the `k`-th
//! largest covers the true median with probability `1 − 2·P(B ≤ k − 1)`, `B ~ Binomial(n, ½)`,
//! whatever the distribution (the sign-test interval, the method asv uses). We take the
//! narrowest such interval whose coverage is at least the level asked for; with too few
//! values to reach it (fewer than 6 for 95 %) the interval is `[min, max]` and
//! [`MedianInterval::confidence`] says how much confidence that really has. The binomial
//! distribution comes from `statrs`. This is the crate's only interval of a median: benchmark
//! samples, speedups and paired ratios all use it.

use statrs::distribution::{Binomial, DiscreteCDF};

use super::order::{median_of_sorted, sorted};

/// The confidence level used throughout the crate (95 %).
pub const CONFIDENCE: f64 = 0.95;

/// A median and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianInterval {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
    /// The interval's actual coverage probability (≥ the level asked for when achievable).
    pub confidence: f64,
}

/// The 0-based ranks `(lo, hi)` of the interval for `n` sorted values at `level` (e.g. 0.95),
/// and its exact coverage.
///
/// ```
/// use timing_runtime::stats::median_interval::ranks;
/// let (lo, hi, coverage) = ranks(10, 0.95);
/// assert_eq!((lo, hi), (1, 8));
/// assert!((coverage - 0.978_515_625).abs() < 1e-12);
/// assert_eq!(ranks(5, 0.95), (0, 4, 0.9375)); // too few for 95 %: [min, max]
/// ```
pub fn ranks(n: usize, level: f64) -> (usize, usize, f64) {
    if n == 0 {
        return (0, 0, 0.0);
    }
    let b = Binomial::new(0.5, n as u64).expect("p = 0.5 is valid");
    // tail(k) = P(B <= k - 1); the largest k with tail(k) <= (1 - level) / 2 (k = 0 always
    // qualifies) gives the narrowest interval with enough coverage.
    let allowed = (1.0 - level) / 2.0;
    let tail = |k: usize| if k == 0 { 0.0 } else { b.cdf(k as u64 - 1) };
    let (mut lo, mut hi) = (0usize, n / 2);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if tail(mid) <= allowed {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let k = lo;
    if k == 0 {
        // Not even [min, max] reaches the level: report it with its true coverage.
        let coverage = 1.0 - 2.0 * 0.5f64.powi(n.min(1_100) as i32);
        return (0, n - 1, coverage);
    }
    (k - 1, n - k, 1.0 - 2.0 * tail(k))
}

/// The median of ascending, non-empty `sorted` with its interval at `level`.
///
/// ```
/// use timing_runtime::stats::median_interval::of_sorted;
/// let ci = of_sorted(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.95);
/// assert_eq!((ci.low, ci.median, ci.high), (2.0, 5.5, 9.0));
/// ```
pub fn of_sorted(sorted: &[f64], level: f64) -> MedianInterval {
    let (lo, hi, confidence) = ranks(sorted.len(), level);
    MedianInterval {
        median: median_of_sorted(sorted),
        low: sorted[lo],
        high: sorted[hi],
        confidence,
    }
}

/// The median of `values` (no NaN) with its interval at `level`; `None` when empty.
///
/// ```
/// use timing_runtime::stats::median_interval::median_interval;
/// let values: Vec<f64> = (1..=10).map(f64::from).collect();
/// let ci = median_interval(&values, 0.95).unwrap();
/// assert_eq!(ci.median, 5.5);
/// assert_eq!((ci.low, ci.high), (2.0, 9.0)); // coverage 1 − 2·P(B ≤ 1) ≈ 97.9 %
/// assert!(ci.confidence >= 0.95);
/// assert!(median_interval(&[], 0.95).is_none());
/// ```
pub fn median_interval(values: &[f64], level: f64) -> Option<MedianInterval> {
    if values.is_empty() {
        return None;
    }
    Some(of_sorted(&sorted(values), level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_match_tables() {
        // Classic tables of the sign-test interval: n=6 -> (1,6), n=20 -> (6,15), 1-based.
        let (lo, hi, _) = ranks(6, CONFIDENCE);
        assert_eq!((lo, hi), (0, 5));
        let (lo, hi, cov) = ranks(20, CONFIDENCE);
        assert_eq!((lo + 1, hi + 1), (6, 15));
        assert!(cov >= 0.95);
        let (lo, hi, cov) = ranks(100_000, CONFIDENCE);
        assert!(lo < 50_000 && hi > 50_000 && cov >= 0.95);
        assert_eq!(ranks(1, CONFIDENCE), (0, 0, 0.0));
    }

    #[test]
    fn small_samples_fall_back_to_the_range() {
        let ci = median_interval(&[3.0, 1.0, 2.0], 0.95).unwrap();
        assert_eq!((ci.median, ci.low, ci.high), (2.0, 1.0, 3.0));
        assert!((ci.confidence - 0.75).abs() < 1e-12);
        let one = median_interval(&[4.0], 0.95).unwrap();
        assert_eq!((one.low, one.median, one.high), (4.0, 4.0, 4.0));
        assert_eq!(one.confidence, 0.0);
    }

    #[test]
    fn large_samples_narrow_and_keep_coverage() {
        let values: Vec<f64> = (0..101).map(f64::from).collect();
        let ci = median_interval(&values, 0.95).unwrap();
        assert_eq!(ci.median, 50.0);
        assert!(ci.low < 50.0 && ci.high > 50.0);
        assert!(ci.high - ci.low < 30.0, "{ci:?}");
        assert!(ci.confidence >= 0.95 && ci.confidence < 0.99, "{ci:?}");
        assert_eq!(50.0 - ci.low, ci.high - 50.0);
        let huge: Vec<f64> = (0..5000).map(f64::from).collect();
        let ci = median_interval(&huge, 0.95).unwrap();
        assert!(ci.confidence >= 0.95 && ci.low > 2300.0);
    }

    #[test]
    fn other_levels_widen_or_narrow() {
        let (lo90, hi90, c90) = ranks(50, 0.90);
        let (lo99, hi99, c99) = ranks(50, 0.99);
        assert!(lo90 > lo99 && hi90 < hi99);
        assert!(c90 >= 0.90 && c99 >= 0.99);
    }
}
