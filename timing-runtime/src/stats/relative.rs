//! Figures relative to a fixed reference workload, so that two runs can be compared across the
//! machine's changes of speed.
//!
//! [`bench`](crate::bench::bench()) interleaves the function's samples with samples of a fixed
//! reference workload (order ABBA: f, ref, ref, f, f, ref, …), each reference sample next to
//! the function sample of the same index. A change of the machine's speed that lasts longer
//! than a pair of samples slows both alike, so the per-pair log-ratio `ln(f_i / ref_i)` keeps
//! the function's cost *relative to the reference* while the absolute figures drift.
//!
//! [`Relative`] summarises those log-ratios: their median (as a ratio), its order-statistic
//! interval within the run, and the medians of [`BLOCKS`] consecutive blocks of pairs, whose
//! spread shows how much the relative figure itself wandered during the run. A comparison of
//! two saved runs ([`compare`](super::compare::compare())) uses the block medians, so that this
//! slow wander is part of the uncertainty.

use serde::{Deserialize, Serialize};

use super::median_interval::{self, CONFIDENCE};
use super::order::{median_of_sorted, sorted};
use crate::error::TimingError;

/// The number of blocks the pairs of a run are split into (fewer when there are fewer than
/// 2 × `BLOCKS` pairs: then about 2 pairs a block).
pub const BLOCKS: usize = 10;

/// The reference workload's samples of a run, aligned with the function's samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Which workload ran (`"python-mix/1"`, `"rust-mix/1"`): only figures relative to the
    /// same workload compare.
    pub workload: String,
    /// Calls of the workload per sample.
    pub iterations_per_sample: u64,
    /// Seconds per call of the workload, sample `i` taken next to the function's sample `i`.
    pub samples: Vec<f64>,
}

impl Reference {
    /// Checks the reference against the function's `samples`: a non-empty workload name,
    /// `iterations_per_sample ≥ 1`, one finite, positive sample per function sample.
    pub fn validate(&self, samples: &[f64]) -> Result<(), TimingError> {
        let bad = |m: String| Err(TimingError::invalid("reference", m));
        if self.workload.is_empty() {
            return bad("workload must not be empty".to_owned());
        }
        if self.iterations_per_sample == 0 {
            return bad("iterations_per_sample must be at least 1".to_owned());
        }
        if self.samples.len() != samples.len() {
            return bad(format!(
                "has {} samples for {} samples of the function",
                self.samples.len(),
                samples.len()
            ));
        }
        if let Some((i, x)) = self
            .samples
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x <= 0.0)
        {
            return bad(format!(
                "samples must be finite numbers > 0, got {x} at index {i}"
            ));
        }
        Ok(())
    }
}

/// The function's time relative to the reference workload over one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Relative {
    /// `exp(median of ln(f_i / ref_i))`: the function's time per call in units of the
    /// reference's time per call.
    pub ratio: f64,
    /// The 95 % order-statistic interval of that median, within the run.
    pub ci: (f64, f64),
    /// `exp` of the median log-ratio of each block of consecutive pairs, in time order.
    pub blocks: Vec<f64>,
}

impl Relative {
    /// The relative figures of a run: `samples[i]` of the function next to
    /// `reference[i]` of the workload. `None` when a function sample is 0 (no ratio).
    ///
    /// ```
    /// use timing_runtime::stats::relative::Relative;
    /// let f = [2.0, 2.2, 1.8, 2.0, 4.0, 4.4];   // the machine slowed down twice as much…
    /// let r = [1.0, 1.1, 0.9, 1.0, 2.0, 2.2];   // …for the reference too
    /// let rel = Relative::of(&f, &r).unwrap();
    /// assert!((rel.ratio - 2.0).abs() < 1e-12);
    /// assert_eq!(rel.blocks.len(), 3);
    /// ```
    pub fn of(samples: &[f64], reference: &[f64]) -> Option<Self> {
        if samples.len() != reference.len()
            || samples.len() < 2
            || samples
                .iter()
                .chain(reference)
                .any(|x| x.is_nan() || *x <= 0.0)
        {
            return None;
        }
        let logs: Vec<f64> = log_ratios(samples, reference);
        let interval = median_interval::of_sorted(&sorted(&logs), CONFIDENCE);
        Some(Self {
            ratio: interval.median.exp(),
            ci: (interval.low.exp(), interval.high.exp()),
            blocks: block_medians(&logs).into_iter().map(f64::exp).collect(),
        })
    }
}

/// `ln(a_i / b_i)` for every pair (both positive), computed as `ln a − ln b` so that no
/// quotient overflows.
pub fn log_ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x.ln() - y.ln()).collect()
}

/// The medians of consecutive blocks of `values` (in order): [`BLOCKS`] blocks, or `n / 2`
/// blocks (at least 1) when there are fewer than 2 × `BLOCKS` values; blocks differ in size by
/// at most one value.
///
/// ```
/// use timing_runtime::stats::relative::block_medians;
/// let v: Vec<f64> = (0..20).map(f64::from).collect();
/// assert_eq!(block_medians(&v), [0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5, 18.5]);
/// assert_eq!(block_medians(&[1.0, 3.0, 5.0, 7.0]), [2.0, 6.0]);
/// assert_eq!(block_medians(&[1.0, 3.0, 5.0]), [3.0]);
/// ```
pub fn block_medians(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    let blocks = (n / 2).clamp(1, BLOCKS);
    (0..blocks)
        .map(|b| {
            let (lo, hi) = (b * n / blocks, (b + 1) * n / blocks);
            median_of_sorted(&sorted(&values[lo..hi]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_shared_by_both_sides_cancels() {
        // The machine runs at speed s_i; the function costs 3 reference units.
        let speeds = [1.0, 1.5, 0.7, 2.0, 1.1, 1.3, 0.9, 1.0, 3.0, 1.2];
        let reference: Vec<f64> = speeds.iter().map(|s| s * 1e-6).collect();
        let f: Vec<f64> = speeds.iter().map(|s| s * 3e-6).collect();
        let rel = Relative::of(&f, &reference).unwrap();
        assert!((rel.ratio - 3.0).abs() < 1e-12);
        assert!((rel.ci.0 - 3.0).abs() < 1e-12 && (rel.ci.1 - 3.0).abs() < 1e-12);
        assert!(rel.blocks.iter().all(|b| (b - 3.0).abs() < 1e-12));
    }

    #[test]
    fn refuses_what_has_no_ratio() {
        assert!(Relative::of(&[1.0, 0.0], &[1.0, 1.0]).is_none());
        assert!(Relative::of(&[1.0, 1.0], &[1.0]).is_none());
        assert!(Relative::of(&[1.0], &[1.0]).is_none());
        let r = Reference {
            workload: "w".into(),
            iterations_per_sample: 1,
            samples: vec![1.0, f64::NAN],
        };
        assert!(r.validate(&[1.0, 1.0]).is_err());
        assert!(r.validate(&[1.0]).is_err());
    }

    #[test]
    fn huge_and_tiny_values_keep_their_ratio() {
        let rel = Relative::of(&[1e300, 1e300], &[1e-300, 1e-300]).unwrap();
        assert!(rel.ratio.is_infinite()); // 1e600 is beyond f64: the honest answer
        let rel = Relative::of(&[2e-300, 2e-300], &[1e-300, 1e-300]).unwrap();
        assert!((rel.ratio - 2.0).abs() < 1e-12);
    }
}
