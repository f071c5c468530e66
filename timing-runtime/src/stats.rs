//! Statistics of benchmark samples: [`Summary`] over integer ticks (the seed's helpers) and
//! the full [`Stats`] (spread, percentiles, outliers, confidence intervals, warnings).
//!
//! In [`Summary`], samples stay in integer nanoseconds until the very end; every conversion to seconds is a
//! single monotone floating-point operation, so `min <= median <= max` and
//! `min <= mean <= max` hold exactly in the reported seconds too.

use crate::clock::ticks_to_secs;
use crate::error::{TimingError, require_at_least};

/// Mean, median, minimum and maximum of a non-empty set of durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Arithmetic mean in seconds.
    pub mean: f64,
    /// Median in seconds (the mean of the two middle values for an even count).
    pub median: f64,
    /// Smallest value in seconds.
    pub min: f64,
    /// Largest value in seconds.
    pub max: f64,
}

impl Summary {
    /// Summarises `ticks` (nanoseconds); `None` when it is empty.
    ///
    /// ```
    /// use timing_runtime::stats::Summary;
    /// let s = Summary::of_ticks(&[4, 1, 3, 2]).unwrap();
    /// assert_eq!(s.median, 2.5e-9);
    /// assert_eq!((s.min, s.max), (1e-9, 4e-9));
    /// assert_eq!(s.mean, 2.5e-9);
    /// ```
    pub fn of_ticks(ticks: &[u64]) -> Option<Self> {
        if ticks.is_empty() {
            return None;
        }
        let mut sorted = ticks.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let sum: u128 = sorted.iter().map(|&t| u128::from(t)).sum();
        let median = if n % 2 == 1 {
            ticks_to_secs(sorted[n / 2])
        } else {
            per_tick(u128::from(sorted[n / 2 - 1]) + u128::from(sorted[n / 2]), 2)
        };
        Some(Self {
            mean: per_tick(sum, n),
            median,
            min: ticks_to_secs(sorted[0]),
            max: ticks_to_secs(sorted[n - 1]),
        })
    }
}

/// `total / count` ticks in seconds: divide in ticks first, then convert, so that the result
/// is rounded exactly like a single tick value would be.
fn per_tick(total: u128, count: usize) -> f64 {
    (total as f64 / count as f64) / 1e9
}

/// Tukey outlier counts: beyond 1.5 × IQR from the quartiles is *mild*, beyond 3 × IQR is
/// *severe*. Outliers are reported, never removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outliers {
    /// Below `q1 - 3 iqr`.
    pub low_severe: usize,
    /// Between `q1 - 3 iqr` and `q1 - 1.5 iqr`.
    pub low_mild: usize,
    /// Between `q3 + 1.5 iqr` and `q3 + 3 iqr`.
    pub high_mild: usize,
    /// Above `q3 + 3 iqr`.
    pub high_severe: usize,
}

impl Outliers {
    /// Counts the outliers of `sorted` (ascending) against the Tukey fences of `q1` and `q3`.
    ///
    /// ```
    /// use timing_runtime::stats::Outliers;
    /// let o = Outliers::tukey(&[0.0, 10.0, 11.0, 12.0, 13.0, 14.0, 30.0, 100.0], 10.75, 18.0);
    /// assert_eq!((o.mild(), o.severe()), (1, 1));
    /// ```
    pub fn tukey(sorted: &[f64], q1: f64, q3: f64) -> Self {
        let iqr = q3 - q1;
        let mut o = Self::default();
        for &x in sorted {
            if x < q1 - 3.0 * iqr {
                o.low_severe += 1;
            } else if x < q1 - 1.5 * iqr {
                o.low_mild += 1;
            } else if x > q3 + 3.0 * iqr {
                o.high_severe += 1;
            } else if x > q3 + 1.5 * iqr {
                o.high_mild += 1;
            }
        }
        o
    }

    /// Mild outliers, low and high.
    pub fn mild(&self) -> usize {
        self.low_mild + self.high_mild
    }

    /// Severe outliers, low and high.
    pub fn severe(&self) -> usize {
        self.low_severe + self.high_severe
    }
}

/// The `q`-th percentile (`0 ≤ q ≤ 100`) of ascending, non-empty `sorted`, by linear
/// interpolation between closest ranks (NumPy's default, `statistics.quantiles(...,
/// method="inclusive")`).
///
/// ```
/// use timing_runtime::stats::percentile_of_sorted;
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

/// The median of ascending, non-empty `sorted` (mean of the two middle values for an even
/// count).
pub fn median_of_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        let (a, b) = (sorted[n / 2 - 1], sorted[n / 2]);
        (a + (b - a) / 2.0).clamp(a, b)
    }
}

/// A compensated (Neumaier) sum, accurate to about one rounding.
fn accurate_sum(values: impl IntoIterator<Item = f64>) -> f64 {
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

/// The two-sided 95 % distribution-free confidence interval of the median, as the 0-based
/// ranks `(lo, hi)` of the sorted samples, and its exact coverage.
///
/// With `B ~ Binomial(n, ½)`, the interval `[x(k), x(n-1-k)]` covers the median with probability
/// `1 - 2 P(B ≤ k - 1)`; `k` is the largest rank that keeps this at least 95 %. Below 6 samples
/// no such rank exists and the interval is `[min, max]` with a smaller coverage.
///
/// ```
/// let (lo, hi, coverage) = timing_runtime::stats::median_ci_ranks(10);
/// assert_eq!((lo, hi), (1, 8));
/// assert!((coverage - 0.978_515_625).abs() < 1e-12);
/// ```
pub fn median_ci_ranks(n: usize) -> (usize, usize, f64) {
    use statrs::distribution::{Binomial, DiscreteCDF};
    if n == 0 {
        return (0, 0, 0.0);
    }
    let b = Binomial::new(0.5, n as u64).expect("p = 0.5 is valid");
    // tail(k) = P(B <= k - 1); find the largest k with tail(k) <= 0.025 (k = 0 always qualifies).
    let tail = |k: usize| if k == 0 { 0.0 } else { b.cdf(k as u64 - 1) };
    let (mut lo, mut hi) = (0usize, n / 2);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if tail(mid) <= 0.025 {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let k = lo;
    if k == 0 {
        // Not even [min, max] reaches 95 %: report it with its true coverage.
        let coverage = 1.0 - 2.0 * 0.5f64.powi(n.min(1_000) as i32);
        return (0, n - 1, coverage);
    }
    (k - 1, n - k, 1.0 - 2.0 * tail(k))
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (`df ≥ 1`).
fn t_975(df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// The full statistics of a benchmark: per-iteration samples and everything derived from them.
///
/// Build one with [`crate::bench::bench`] or from given samples with [`Stats::from_samples`].
///
/// ```
/// use timing_runtime::stats::Stats;
/// let s = Stats::from_samples("demo", vec![3.0, 1.0, 2.0, 4.0, 100.0], 1).unwrap();
/// assert_eq!((s.median(), s.min(), s.max()), (3.0, 1.0, 100.0));
/// assert_eq!(s.outliers().severe(), 1);
/// assert!(s.median_ci().0 <= s.median() && s.median() <= s.median_ci().1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    name: String,
    unit: String,
    samples: Vec<f64>,
    sorted: Vec<f64>,
    iterations_per_sample: u64,
    calibration: Option<crate::calibrate::Calibration>,
    metadata: crate::persist::Metadata,
    warnings: Vec<String>,
    mean: f64,
    median: f64,
    stddev: f64,
    mad: f64,
    q1: f64,
    q3: f64,
    outliers: Outliers,
    median_ci: (f64, f64),
    median_ci_coverage: f64,
    mean_ci: (f64, f64),
}

/// The unit of benchmark samples: seconds per iteration.
pub const SECONDS: &str = "s";

impl Stats {
    /// Statistics of given per-iteration `samples` in seconds (at least 2 finite values ≥ 0),
    /// each the mean of `iterations_per_sample` (≥ 1) calls.
    pub fn from_samples(
        name: impl Into<String>,
        samples: Vec<f64>,
        iterations_per_sample: u64,
    ) -> Result<Self, TimingError> {
        Self::build(
            name.into(),
            SECONDS.to_owned(),
            samples,
            iterations_per_sample,
            None,
            crate::persist::Metadata::current(),
            Vec::new(),
        )
    }

    /// Like [`Stats::from_samples`] for samples in another `unit` (non-empty, e.g. `"B/s"`);
    /// only results of the same unit can be compared.
    pub fn from_samples_with_unit(
        name: impl Into<String>,
        samples: Vec<f64>,
        iterations_per_sample: u64,
        unit: impl Into<String>,
    ) -> Result<Self, TimingError> {
        Self::build(
            name.into(),
            unit.into(),
            samples,
            iterations_per_sample,
            None,
            crate::persist::Metadata::current(),
            Vec::new(),
        )
    }

    /// Computes every statistic; `run_warnings` come first in [`Stats::warnings`], followed by
    /// the warnings derived from the samples.
    pub(crate) fn build(
        name: String,
        unit: String,
        samples: Vec<f64>,
        iterations_per_sample: u64,
        calibration: Option<crate::calibrate::Calibration>,
        metadata: crate::persist::Metadata,
        run_warnings: Vec<String>,
    ) -> Result<Self, TimingError> {
        require_at_least("iterations_per_sample", iterations_per_sample, 1)?;
        if samples.len() < 2 {
            return Err(TimingError::invalid(
                "samples",
                format!("must hold at least 2 values, got {}", samples.len()),
            ));
        }
        if let Some((i, x)) = samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return Err(TimingError::invalid(
                "samples",
                format!("must be finite numbers >= 0, got {x} at index {i}"),
            ));
        }
        if unit.is_empty() {
            return Err(TimingError::invalid("unit", "must not be empty"));
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let (min, max) = (sorted[0], sorted[n - 1]);
        let mean = (accurate_sum(sorted.iter().copied()) / n as f64).clamp(min, max);
        let median = median_of_sorted(&sorted);
        let var = accurate_sum(sorted.iter().map(|x| (x - mean) * (x - mean))) / (n - 1) as f64;
        let stddev = var.sqrt();
        let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        let mad = median_of_sorted(&deviations);
        let q1 = percentile_of_sorted(&sorted, 25.0);
        let q3 = percentile_of_sorted(&sorted, 75.0);
        let outliers = Outliers::tukey(&sorted, q1, q3);
        let (lo, hi, median_ci_coverage) = median_ci_ranks(n);
        let half = t_975(n - 1) * stddev / (n as f64).sqrt();
        let mut stats = Self {
            name,
            unit,
            samples,
            iterations_per_sample,
            calibration,
            metadata,
            warnings: run_warnings,
            mean,
            median,
            stddev,
            mad,
            q1,
            q3,
            outliers,
            median_ci: (sorted[lo], sorted[hi]),
            median_ci_coverage,
            mean_ci: (mean - half, mean + half),
            sorted,
        };
        let derived = stats.derived_warnings();
        stats.warnings.extend(derived);
        Ok(stats)
    }

    /// Rebuilds statistics from stored parts, keeping `warnings` as they were recorded.
    pub(crate) fn restore(
        name: String,
        unit: String,
        samples: Vec<f64>,
        iterations_per_sample: u64,
        calibration: Option<crate::calibrate::Calibration>,
        metadata: crate::persist::Metadata,
        warnings: Vec<String>,
    ) -> Result<Self, TimingError> {
        let mut s = Self::build(
            name,
            unit,
            samples,
            iterations_per_sample,
            calibration,
            metadata,
            Vec::new(),
        )?;
        s.warnings = warnings;
        Ok(s)
    }

    fn derived_warnings(&self) -> Vec<String> {
        use crate::report::format_secs;
        let mut w = Vec::new();
        let cv = self.cv();
        if cv > 0.10 {
            w.push(format!(
                "high variation: the standard deviation is {:.1}% of the mean (above 10%); \
                 close other programs or take more samples",
                cv * 100.0
            ));
        }
        let severe = self.outliers.severe();
        if severe > 0 {
            w.push(format!(
                "{severe} severe outlier(s) (beyond 3 IQR) among {} samples; they are kept",
                self.samples.len()
            ));
        }
        if self.median_ci_coverage < 0.95 {
            w.push(format!(
                "only {} samples: the median's interval [min, max] covers {:.1}%, not 95%",
                self.samples.len(),
                self.median_ci_coverage * 100.0
            ));
        }
        if let (Some(c), true) = (self.calibration, self.unit == SECONDS) {
            let sample = self.median * self.iterations_per_sample as f64;
            if sample < 1000.0 * c.clock_resolution {
                w.push(format!(
                    "samples near the timer resolution: a sample lasts {} (median), under \
                     1000 x the clock resolution {}",
                    format_secs(sample),
                    format_secs(c.clock_resolution)
                ));
            }
            if c.overhead > 0.1 * self.median {
                w.push(format!(
                    "the harness overhead ({} per call, included in the figures) is {:.0}% \
                     of the median",
                    format_secs(c.overhead),
                    c.overhead / self.median * 100.0
                ));
            }
        }
        w
    }

    /// The benchmark's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The unit of the samples (`"s"`: seconds per iteration, for every measured result).
    pub fn unit(&self) -> &str {
        &self.unit
    }
    /// The per-iteration samples, in the order they were taken.
    pub fn samples(&self) -> &[f64] {
        &self.samples
    }
    /// The samples in ascending order.
    pub fn sorted_samples(&self) -> &[f64] {
        &self.sorted
    }
    /// Calls per sample.
    pub fn iterations_per_sample(&self) -> u64 {
        self.iterations_per_sample
    }
    /// Calibration figures of the run (`None` for statistics of given samples).
    pub fn calibration(&self) -> Option<crate::calibrate::Calibration> {
        self.calibration
    }
    /// Where and how the samples were taken.
    pub fn metadata(&self) -> &crate::persist::Metadata {
        &self.metadata
    }
    /// Mutable metadata, for a front end that knows more (the Python version).
    pub fn metadata_mut(&mut self) -> &mut crate::persist::Metadata {
        &mut self.metadata
    }
    /// Human-readable warnings when the result is unstable or suspect.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// Arithmetic mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Median (mean of the two middle values for an even count).
    pub fn median(&self) -> f64 {
        self.median
    }
    /// Sample standard deviation (n − 1), as Python's `statistics.stdev`.
    pub fn stddev(&self) -> f64 {
        self.stddev
    }
    /// Median absolute deviation from the median, unscaled.
    pub fn mad(&self) -> f64 {
        self.mad
    }
    /// Interquartile range `q3 − q1` (linear-interpolated quartiles).
    pub fn iqr(&self) -> f64 {
        self.q3 - self.q1
    }
    /// First and third quartiles.
    pub fn quartiles(&self) -> (f64, f64) {
        (self.q1, self.q3)
    }
    /// Smallest sample.
    pub fn min(&self) -> f64 {
        self.sorted[0]
    }
    /// Largest sample.
    pub fn max(&self) -> f64 {
        self.sorted[self.sorted.len() - 1]
    }
    /// The `q`-th percentile, `0 ≤ q ≤ 100` (see [`percentile_of_sorted`]).
    pub fn percentile(&self, q: f64) -> Result<f64, TimingError> {
        if !(0.0..=100.0).contains(&q) {
            return Err(TimingError::invalid(
                "q",
                format!("must be between 0 and 100, got {q}"),
            ));
        }
        Ok(percentile_of_sorted(&self.sorted, q))
    }
    /// Coefficient of variation: `stddev / mean` (`NaN` when the mean is 0).
    pub fn cv(&self) -> f64 {
        if self.mean > 0.0 {
            self.stddev / self.mean
        } else {
            f64::NAN
        }
    }
    /// Tukey outlier counts.
    pub fn outliers(&self) -> Outliers {
        self.outliers
    }
    /// 95 % confidence interval of the median from order statistics (distribution-free,
    /// deterministic; see [`median_ci_ranks`]).
    pub fn median_ci(&self) -> (f64, f64) {
        self.median_ci
    }
    /// The exact coverage of [`Stats::median_ci`] (≥ 0.95 from 6 samples on).
    pub fn median_ci_coverage(&self) -> f64 {
        self.median_ci_coverage
    }
    /// 95 % confidence interval of the mean (Student's t).
    pub fn mean_ci(&self) -> (f64, f64) {
        self.mean_ci
    }
    /// Operations per second over the whole run: `1 / mean` (`inf` when the mean is 0).
    pub fn ops_per_second(&self) -> f64 {
        1.0 / self.mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_none() {
        assert!(Summary::of_ticks(&[]).is_none());
    }

    #[test]
    fn odd_median_is_middle_value() {
        let s = Summary::of_ticks(&[9, 1, 5]).unwrap();
        assert_eq!(s.median, 5e-9);
        assert_eq!(s.mean, 5e-9);
    }

    #[test]
    fn order_holds_exactly_for_awkward_values() {
        // Values whose mean is not representable exactly.
        let ticks = [1_000_000_001, 1_000_000_002, 1_000_000_002];
        let s = Summary::of_ticks(&ticks).unwrap();
        assert!(s.min <= s.mean && s.mean <= s.max);
        assert!(s.min <= s.median && s.median <= s.max);
        let same = Summary::of_ticks(&[7, 7, 7, 7, 7, 7, 7]).unwrap();
        assert_eq!(same.mean, same.min);
        assert_eq!(same.max, same.median);
    }

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
    fn median_ci_ranks_match_tables() {
        // Classic tables of the sign-test interval: n=6 -> (1,6), n=20 -> (6,15), 1-based.
        let (lo, hi, _) = median_ci_ranks(6);
        assert_eq!((lo, hi), (0, 5));
        let (lo, hi, cov) = median_ci_ranks(20);
        assert_eq!((lo + 1, hi + 1), (6, 15));
        assert!(cov >= 0.95);
        let (lo, hi, cov) = median_ci_ranks(5);
        assert_eq!((lo, hi), (0, 4));
        assert!((cov - 0.9375).abs() < 1e-12);
        let (lo, hi, cov) = median_ci_ranks(100_000);
        assert!(lo < 50_000 && hi > 50_000 && cov >= 0.95);
    }

    #[test]
    fn warnings_flag_instability() {
        let calm = Stats::from_samples("c", vec![1.0, 1.01, 0.99, 1.0, 1.0, 1.02], 1).unwrap();
        assert!(calm.warnings().is_empty(), "{:?}", calm.warnings());
        let wild = Stats::from_samples("w", vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 9.0], 1).unwrap();
        assert!(wild.warnings().iter().any(|w| w.contains("high variation")));
        assert!(wild.warnings().iter().any(|w| w.contains("severe outlier")));
    }
}
