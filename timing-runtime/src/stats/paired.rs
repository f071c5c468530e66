//! Paired samples of two functions: the statistics of [`bench_pair`](crate::bench::bench_pair()).
//!
//! Sample `i` of the baseline and sample `i` of the candidate were taken next to each other,
//! so anything that slows the machine for longer than a pair slows both; the per-pair ratio
//! `candidate_i / baseline_i` cancels it. The statistics work on the log-ratios `x_i`, in the
//! order the pairs were taken:
//!
//! * `ratio`: `exp(median of x_i)`, the median paired ratio;
//! * `ci`: the interval of that median ([`paired_interval`]), exponentiated. Its model: the
//!   log-ratio is `μ + w + e_i` — `e_i` the pair-to-pair noise, possibly correlated over
//!   neighbouring pairs, and `w` a slow wander of the ratio itself (the two functions do not
//!   react to the machine's state exactly alike: caches, frequency, the other core's work),
//!   slower than one run, so that a run cannot see it in its own pairs. Three parts, each a
//!   statement of that model:
//!   1. the order-statistic interval of the median ([`median_interval`]): exact when the pairs
//!      are independent;
//!   2. *batch medians*: the pairs split into [`BLOCKS`](super::relative::BLOCKS) consecutive blocks, the
//!      half-width `t(B − 1) · sd(block medians) / √B` — right also when neighbouring pairs
//!      are correlated (the ratio drifts within the run); the wider of 1 and 2 is kept, on
//!      each side;
//!   3. the slow wander: combined in quadrature with `z · `[`RATIO_WANDER`], the standard
//!      deviation of `w` measured on this project's shared development machine
//!      (`benchmarks/verdicts.py`).
//! * `p_value`: the exact two-sided sign test of "the median log-ratio is 0" (pairs with a
//!   ratio of exactly 1 dropped, as `scipy.stats.binomtest(k, n)` on the rest);
//! * `verdict`: [`Verdict::outside_band`] — a change only when the whole interval lies outside
//!   the noise band `[1 − noise, 1 + noise]` (and `p < 0.05`); two different function objects
//!   with the same code differ by a few tenths of a percent, so significance alone is not
//!   enough.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal, StudentsT};

use super::Stats;
use super::compare::{Comparison, Method, Verdict, check_noise};
use super::median_interval::{self, MedianInterval};
use super::order::sorted;
use super::relative::{block_medians, log_ratios};
use crate::error::TimingError;

/// The standard deviation of the slow wander of a paired log-ratio: how much the ratio of two
/// functions' times itself moves between runs, beyond what a run sees in its own pairs. 0.1 %:
/// on this project's 2-vCPU development machine the medians of 2-second runs of the same pair
/// of functions (~1 µs and ~20 µs per call) differed with a standard deviation of 0.03–0.1 %,
/// while each run's own interval was a few hundredths of a percent wide
/// (`benchmarks/verdicts.py` measures the resulting coverage).
pub const RATIO_WANDER: f64 = 0.001;

/// The interval of the median of log-ratios `logs` (in the order the pairs were taken) at
/// `level`: the order-statistic interval, widened on each side to the batch-median half-width
/// of [`BLOCKS`](super::relative::BLOCKS) consecutive blocks when that is wider, then combined in quadrature with
/// `z_level · RATIO_WANDER` (see the module documentation). `confidence` is the
/// order-statistic part's own coverage (below `level` only with too few pairs to reach it).
///
/// ```
/// use timing_runtime::stats::paired::{RATIO_WANDER, paired_interval};
/// // Identical ratios: only the wander is left, ±1.96 × 0.1 %.
/// let i = paired_interval(&[0.0; 40], 0.95);
/// assert!((i.high - 1.959_963_984_540_054 * RATIO_WANDER).abs() < 1e-12);
/// assert_eq!((i.median, i.low), (0.0, -i.high));
/// ```
pub fn paired_interval(logs: &[f64], level: f64) -> MedianInterval {
    let os = median_interval::of_sorted(&sorted(logs), level);
    let (mut below, mut above) = (os.median - os.low, os.high - os.median);
    let blocks = block_medians(logs);
    if blocks.len() >= 2 {
        let b = blocks.len() as f64;
        let mean = blocks.iter().sum::<f64>() / b;
        let sd = (blocks.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (b - 1.0)).sqrt();
        let t = StudentsT::new(0.0, 1.0, b - 1.0)
            .map(|t| t.inverse_cdf(0.5 + level / 2.0))
            .unwrap_or(f64::INFINITY);
        let half = t * sd / b.sqrt();
        (below, above) = (below.max(half), above.max(half));
    }
    let z = Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(0.5 + level / 2.0))
        .unwrap_or(f64::INFINITY);
    let wander = z * RATIO_WANDER;
    MedianInterval {
        median: os.median,
        low: os.median - below.hypot(wander),
        high: os.median + above.hypot(wander),
        confidence: os.confidence,
    }
}

/// The exact two-sided sign test of "the median of `values` is 0": zeros are dropped, `k` of
/// the remaining `n` are positive, `p = min(1, 2 · P(B ≤ min(k, n − k)))`, `B ~ Binomial(n, ½)`
/// (as `scipy.stats.binomtest(k, n).pvalue`). 1 when nothing is left.
///
/// ```
/// use timing_runtime::stats::paired::sign_test;
/// // 9 of 10 positive: p = 2 · (1 + 10) / 1024
/// assert!((sign_test(&[1., 1., 1., 1., 1., 1., 1., 1., 1., -1.]) - 22.0 / 1024.0).abs() < 1e-15);
/// assert_eq!(sign_test(&[0.0, 0.0]), 1.0);
/// ```
pub fn sign_test(values: &[f64]) -> f64 {
    let positive = values.iter().filter(|&&x| x > 0.0).count() as u64;
    let negative = values.iter().filter(|&&x| x < 0.0).count() as u64;
    let n = positive + negative;
    if n == 0 {
        return 1.0;
    }
    let b = Binomial::new(0.5, n).expect("p = 0.5 is valid");
    (2.0 * b.cdf(positive.min(negative))).min(1.0)
}

/// The comparison of paired per-iteration samples (`candidate[i]` taken next to
/// `baseline[i]`, all > 0) at confidence `level` (0.95 for a final verdict), with the noise
/// band `noise` (`0 ≤ noise < 1`).
///
/// ```
/// use timing_runtime::stats::paired::compare_paired;
/// use timing_runtime::stats::Verdict;
/// // The machine's speed wanders by 2x, the candidate is always 5 % slower.
/// let base: Vec<f64> = (0..40).map(|i| 1.0 + (i % 7) as f64 * 0.15).collect();
/// let cand: Vec<f64> = base.iter().enumerate().map(|(i, b)| b * (1.05 + (i % 3) as f64 * 0.001)).collect();
/// let c = compare_paired(&base, &cand, 0.01, 0.95).unwrap();
/// assert_eq!(c.verdict, Verdict::Slower);
/// assert!(c.ci.0 > 1.04 && c.ci.1 < 1.06);
/// ```
pub fn compare_paired(
    baseline: &[f64],
    candidate: &[f64],
    noise: f64,
    level: f64,
) -> Result<Comparison, TimingError> {
    check_noise(noise)?;
    if baseline.len() != candidate.len() {
        return Err(TimingError::invalid(
            "candidate",
            format!(
                "has {} samples but baseline has {}; paired samples come in pairs",
                candidate.len(),
                baseline.len()
            ),
        ));
    }
    if baseline.is_empty() {
        return Err(TimingError::invalid("baseline", "has no samples"));
    }
    for (name, side) in [("baseline", baseline), ("candidate", candidate)] {
        if let Some(x) = side.iter().find(|x| !x.is_finite() || **x <= 0.0) {
            return Err(TimingError::invalid(
                name,
                format!("samples must be finite and > 0 for a paired ratio, got {x}"),
            ));
        }
    }
    let logs = log_ratios(candidate, baseline);
    let interval = paired_interval(&logs, level);
    let ci = (interval.low.exp(), interval.high.exp());
    let p_value = sign_test(&logs);
    Ok(Comparison {
        ratio: interval.median.exp(),
        ci,
        p_value,
        verdict: Verdict::outside_band(ci, noise, p_value),
        noise,
        method: Method::Paired,
    })
}

/// The outcome of [`bench_pair`](crate::bench::bench_pair()): the verdict, the per-pair
/// ratios and each side's full statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedComparison {
    /// Ratio (median paired ratio), interval, sign-test p-value, verdict, noise band.
    pub comparison: Comparison,
    /// `candidate_i / baseline_i` per pair, in the order the pairs were taken.
    pub ratios: Vec<f64>,
    /// The baseline's statistics (per iteration, samples in pair order).
    pub baseline: Stats,
    /// The candidate's statistics (per iteration, samples in pair order).
    pub candidate: Stats,
    /// Whether sampling stopped before `max_time` because the verdict was settled.
    pub settled_early: bool,
    /// What to know about the run (budget cut short, overran, …).
    pub warnings: Vec<String>,
}

impl PairedComparison {
    /// The final comparison of two sides' paired statistics (95 %).
    pub fn new(
        baseline: Stats,
        candidate: Stats,
        noise: f64,
        settled_early: bool,
        warnings: Vec<String>,
    ) -> Result<Self, TimingError> {
        let comparison = compare_paired(
            baseline.samples(),
            candidate.samples(),
            noise,
            median_interval::CONFIDENCE,
        )?;
        let ratios = candidate
            .samples()
            .iter()
            .zip(baseline.samples())
            .map(|(c, b)| c / b)
            .collect();
        Ok(Self {
            comparison,
            ratios,
            baseline,
            candidate,
            settled_early,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_test_matches_binomtest() {
        // scipy.stats.binomtest(k, n).pvalue for (k, n):
        // (3, 10) 0.34375, (0, 5) 0.0625, (5, 10) 1.0, (12, 40) 0.016 589 003 374 974 71
        let vals = |k: usize, n: usize| -> Vec<f64> {
            (0..n).map(|i| if i < k { 1.0 } else { -1.0 }).collect()
        };
        assert!((sign_test(&vals(3, 10)) - 0.34375).abs() < 1e-14);
        assert!((sign_test(&vals(0, 5)) - 0.0625).abs() < 1e-14);
        assert_eq!(sign_test(&vals(5, 10)), 1.0);
        assert!((sign_test(&vals(12, 40)) - 0.016_589_003_374_974_71).abs() < 1e-12);
    }

    #[test]
    fn identical_sides_are_no_change() {
        let s: Vec<f64> = (1..=30).map(f64::from).collect();
        let c = compare_paired(&s, &s, 0.01, 0.95).unwrap();
        assert_eq!((c.ratio, c.p_value), (1.0, 1.0));
        // Only the slow wander is left: ±1.96 × 0.1 %.
        let w = 1.959_963_984_540_054 * RATIO_WANDER;
        assert!((c.ci.0 - (-w).exp()).abs() < 1e-15 && (c.ci.1 - w.exp()).abs() < 1e-15);
        assert_eq!(c.verdict, Verdict::NoChange);
        assert_eq!(c.method, Method::Paired);
    }

    #[test]
    fn inside_the_band_is_no_change_even_when_significant() {
        let base: Vec<f64> = (0..50).map(|i| 1.0 + i as f64 * 0.01).collect();
        let cand: Vec<f64> = base.iter().map(|b| b * 1.005).collect();
        let c = compare_paired(&base, &cand, 0.01, 0.95).unwrap();
        assert!(c.p_value < 1e-10 && c.ci.0 > 1.0);
        assert_eq!(c.verdict, Verdict::NoChange);
        let c = compare_paired(&base, &cand, 0.001, 0.95).unwrap();
        assert_eq!(c.verdict, Verdict::Slower);
        let faster: Vec<f64> = base.iter().map(|b| b * 0.9).collect();
        let c = compare_paired(&base, &faster, 0.01, 0.95).unwrap();
        assert_eq!(c.verdict, Verdict::Faster);
        assert!((c.ratio - 0.9).abs() < 1e-12);
    }

    #[test]
    fn a_ratio_that_drifts_within_the_run_widens_the_interval() {
        // Log-ratios with a small pair-to-pair spread around a level that climbs by 2 % over
        // the run: the pairs look precise, the block medians show the drift.
        let n = 200;
        let logs: Vec<f64> = (0..n)
            .map(|i| 0.02 * i as f64 / n as f64 + 1e-4 * ((i * 7919) % 13) as f64)
            .collect();
        let os = median_interval::of_sorted(&sorted(&logs), 0.95);
        let i = paired_interval(&logs, 0.95);
        assert!(i.high - i.low > 2.0 * (os.high - os.low), "{i:?} {os:?}");
        // Batch medians by hand (SciPy: t.ppf(0.975, 9) = 2.262 157 162 740 992).
        let blocks = block_medians(&logs);
        let mean = blocks.iter().sum::<f64>() / 10.0;
        let sd = (blocks.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0).sqrt();
        let half = 2.262_157_162_740_992 * sd / 10f64.sqrt();
        let wander = 1.959_963_984_540_054 * RATIO_WANDER;
        assert!((i.high - i.median - half.hypot(wander)).abs() < 1e-12);
        assert!((i.median - i.low - half.hypot(wander)).abs() < 1e-12);
        // Shuffled (index 37·i mod 200), the same values have no drift between blocks.
        let mixed: Vec<f64> = (0..n).map(|i| logs[i * 37 % n]).collect();
        let j = paired_interval(&mixed, 0.95);
        assert!(j.high - j.low < i.high - i.low);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(compare_paired(&[1.0], &[1.0, 2.0], 0.01, 0.95).is_err());
        assert!(compare_paired(&[], &[], 0.01, 0.95).is_err());
        assert!(compare_paired(&[1.0, 0.0], &[1.0, 1.0], 0.01, 0.95).is_err());
        assert!(compare_paired(&[1.0], &[1.0], 1.0, 0.95).is_err());
        assert!(compare_paired(&[1.0], &[1.0], -0.5, 0.95).is_err());
    }
}
