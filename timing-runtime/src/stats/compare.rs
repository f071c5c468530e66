//! Comparison of two benchmark results with a verdict usable in CI.
//!
//! * `ratio` = candidate median / baseline median (below 1: the candidate is faster).
//! * `ci`: a deterministic interval of the ratio from the two medians' 95 % order-statistic
//!   intervals, `[cand.lo / base.hi, cand.hi / base.lo]`. It holds whenever both medians' intervals
//!   hold (probability ≥ 0.95² ≈ 90 %, in practice far more: it is conservative).
//! * `p_value`: two-sided Mann–Whitney U test (normal approximation with tie and continuity
//!   corrections, as `scipy.stats.mannwhitneyu(method="asymptotic")`).
//! * `verdict`: `faster`/`slower` only when the interval excludes 1, the ratio differs from 1 by
//!   at least the noise floor, and `p_value < 0.05`; otherwise `no change`.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::convert::Infallible;
//! use std::time::Duration;
//! use timing_runtime::bench::{BenchOptions, bench};
//! use timing_runtime::stats::{Stats, compare::compare};
//!
//! let mut options = BenchOptions::new("sum");
//! options.max_time = Duration::from_secs(2);
//! let a = bench(&options, || { std::hint::black_box((0..1000u64).sum::<u64>()); Ok::<(), Infallible>(()) })?;
//! let b = Stats::from_samples("given", vec![1.1e-6, 1.2e-6, 1.3e-6], 1)?;
//! let c = compare(&a, &b, 0.01)?;
//! println!("{} {:?} {} {}", c.ratio, c.ci, c.p_value, c.verdict);
//! let back = Stats::from_json(&a.to_json())?;
//! # assert_eq!(back, a);
//! # Ok(())
//! # }
//! ```

use std::fmt;

use super::Stats;
use super::mann_whitney::mann_whitney_u;
use crate::error::TimingError;
use crate::host::check_allocation;

/// The significance level of the verdict.
pub const ALPHA: f64 = 0.05;

/// The default noise floor: relative changes under 1 % are "no change".
pub const DEFAULT_NOISE: f64 = 0.01;

/// Whether the candidate is faster, slower, or not distinguishable from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The candidate takes less time per iteration.
    Faster,
    /// The candidate takes more time per iteration.
    Slower,
    /// No difference beyond noise.
    NoChange,
}

impl Verdict {
    /// `"faster"`, `"slower"` or `"no change"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Faster => "faster",
            Self::Slower => "slower",
            Self::NoChange => "no change",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Candidate median / baseline median.
    pub ratio: f64,
    /// Interval of the ratio, `(low, high)`.
    pub ci: (f64, f64),
    /// Two-sided Mann–Whitney U p-value.
    pub p_value: f64,
    /// The verdict.
    pub verdict: Verdict,
    /// The noise floor used, as a fraction (0.01 = 1 %).
    pub noise: f64,
}

/// Compares `candidate` against `baseline`; `noise` (a fraction ≥ 0, e.g. [`DEFAULT_NOISE`])
/// is the smallest relative change that can count.
///
/// ```
/// use timing_runtime::stats::compare::{Verdict, compare};
/// use timing_runtime::stats::Stats;
/// let base = Stats::from_samples("old", (0..20).map(|i| 1.0 + i as f64 * 1e-3).collect(), 1).unwrap();
/// let fast = Stats::from_samples("new", (0..20).map(|i| 0.5 + i as f64 * 1e-3).collect(), 1).unwrap();
/// let c = compare(&base, &fast, 0.01).unwrap();
/// assert_eq!(c.verdict, Verdict::Faster);
/// assert!(c.ratio < 0.52 && c.ci.1 < 1.0 && c.p_value < 1e-6);
/// assert_eq!(compare(&base, &base, 0.01).unwrap().verdict, Verdict::NoChange);
/// ```
pub fn compare(baseline: &Stats, candidate: &Stats, noise: f64) -> Result<Comparison, TimingError> {
    if !noise.is_finite() || noise < 0.0 {
        return Err(TimingError::invalid(
            "noise",
            format!("must be a finite fraction >= 0, got {noise}"),
        ));
    }
    if baseline.unit() != candidate.unit() {
        return Err(TimingError::invalid(
            "candidate",
            format!(
                "is in unit {:?} but baseline is in unit {:?}; only results of the same unit compare",
                candidate.unit(),
                baseline.unit()
            ),
        ));
    }
    if baseline.median() <= 0.0 || baseline.median_ci().0 <= 0.0 {
        return Err(TimingError::invalid(
            "baseline",
            "has a median (or median interval) of 0; a ratio needs a positive baseline",
        ));
    }
    // The test ranks both sample sets together: (value, group) pairs of 16 bytes.
    let pooled = baseline.samples().len() as u128 + candidate.samples().len() as u128;
    check_allocation(pooled * 16)?;
    let ratio = candidate.median() / baseline.median();
    let (b_lo, b_hi) = baseline.median_ci();
    let (c_lo, c_hi) = candidate.median_ci();
    let ci = (c_lo / b_hi, c_hi / b_lo);
    let p_value = mann_whitney_u(baseline.samples(), candidate.samples());
    let straddles = ci.0 <= 1.0 && 1.0 <= ci.1;
    let under_noise = (ratio - 1.0).abs() < noise;
    let verdict = if straddles || under_noise || p_value >= ALPHA {
        Verdict::NoChange
    } else if ratio < 1.0 {
        Verdict::Faster
    } else {
        Verdict::Slower
    };
    Ok(Comparison {
        ratio,
        ci,
        p_value,
        verdict,
        noise,
    })
}

#[cfg(test)]
mod tests {
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
    fn bad_input_is_refused() {
        let base = stats("b", spread(1.0, 10));
        assert!(compare(&base, &base, -0.1).is_err());
        assert!(compare(&base, &base, f64::NAN).is_err());
        let zero = stats("z", [0.0, 0.0, 0.0]);
        assert!(compare(&zero, &base, 0.01).is_err());
        let bytes = Stats::from_samples_with_unit("m", spread(1.0, 10), 1, "B/s").unwrap();
        let e = compare(&base, &bytes, 0.01).unwrap_err().to_string();
        assert!(e.starts_with("candidate") && e.contains("unit"), "{e}");
    }
}
