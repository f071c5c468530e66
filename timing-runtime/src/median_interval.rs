//! A distribution-free confidence interval of the median, from order statistics.
//!
//! For `n` independent values, the interval between the `k`-th smallest and the `k`-th
//! largest covers the true median with probability `1 − 2·P(X < k)`, `X ~ Binomial(n, ½)`,
//! whatever the distribution (the method asv uses). We take the narrowest such interval whose
//! coverage is at least the level asked for; with too few values to reach it (fewer than 6
//! for 95 %) the interval is `[min, max]` and [`MedianInterval::confidence`] says how much
//! confidence that really has.

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

/// The median of `values` (non-empty, no NaN) with an order-statistic interval at `level`
/// (e.g. 0.95); `None` for an empty slice.
///
/// ```
/// use timing_runtime::median_interval::median_interval;
/// let values: Vec<f64> = (1..=10).map(f64::from).collect();
/// let ci = median_interval(&values, 0.95).unwrap();
/// assert_eq!(ci.median, 5.5);
/// assert_eq!((ci.low, ci.high), (2.0, 9.0)); // coverage 1 − 2·P(X ≤ 1) ≈ 97.9 %
/// assert!(ci.confidence >= 0.95);
/// ```
pub fn median_interval(values: &[f64], level: f64) -> Option<MedianInterval> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    // cdf[j] = P(X ≤ j) for X ~ Binomial(n, ½), built in log space so large n cannot underflow.
    let mut ln_pmf = -(n as f64) * std::f64::consts::LN_2;
    let mut cdf = Vec::with_capacity(n / 2 + 1);
    let mut acc = 0.0;
    for j in 0..=n / 2 {
        if j > 0 {
            ln_pmf += ((n - j + 1) as f64).ln() - (j as f64).ln();
        }
        acc += ln_pmf.exp();
        cdf.push(acc);
    }
    // Interval [x_(k), x_(n−k+1)] (1-based) has coverage 1 − 2·P(X ≤ k−1).
    let coverage = |k: usize| (1.0 - 2.0 * cdf[k - 1]).max(0.0);
    let mut k = 1;
    while k < n.div_ceil(2) && coverage(k + 1) >= level {
        k += 1;
    }
    Some(MedianInterval {
        median,
        low: sorted[k - 1],
        high: sorted[n - k],
        confidence: coverage(k),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_samples_fall_back_to_the_range() {
        let ci = median_interval(&[3.0, 1.0, 2.0], 0.95).unwrap();
        assert_eq!((ci.median, ci.low, ci.high), (2.0, 1.0, 3.0));
        assert!((ci.confidence - 0.75).abs() < 1e-12);
        let one = median_interval(&[4.0], 0.95).unwrap();
        assert_eq!((one.low, one.median, one.high), (4.0, 4.0, 4.0));
        assert_eq!(one.confidence, 0.0);
        assert!(median_interval(&[], 0.95).is_none());
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
}
