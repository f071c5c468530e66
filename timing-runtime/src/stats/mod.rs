//! Statistics of benchmark samples, one method per file.
//!
//! * [`Stats`] (this file): the full statistics of a benchmark — spread, percentiles,
//!   outliers, confidence intervals and warnings — over per-iteration samples.
//! * [`summary`]: the seed helpers' mean/median/min/max over integer nanos.
//! * [`order`]: the one median, percentiles, an accurate sum; `moments`: mean and standard
//!   deviation in a scaled form.
//! * [`median_interval`]: the one confidence interval of a median (order statistics).
//! * [`tukey`]: outliers by Tukey's fences.
//! * [`mann_whitney`]: the Mann–Whitney U test.
//! * [`relative`]: the function's time relative to a reference workload run alongside it.
//! * [`paired`]: paired samples of two functions: the median paired ratio, its interval, the
//!   sign test.
//! * [`compare`]: a candidate against a baseline, with a verdict (paired, relative to the
//!   reference, or unpaired).
//! * [`json`]: the versioned JSON document of a [`Stats`].

pub mod compare;
pub mod json;
pub mod mann_whitney;
pub mod median_interval;
mod moments;
pub mod order;
pub mod paired;
pub mod relative;
pub mod summary;
mod text;
pub mod tukey;

pub use compare::{Comparison, Method, Verdict};
pub use median_interval::MedianInterval;
pub use relative::{Reference, Relative};
pub use summary::Summary;
pub use tukey::Outliers;

use crate::clock::precision::Calibration;
use crate::error::{TimingError, require_at_least};
use crate::format;
use crate::host::{Metadata, check_allocation};
use moments::Moments;
use order::{median_of_sorted, percentile_of_sorted, sorted};

/// The 0.975 quantile of Student's t with `df` degrees of freedom (`df ≥ 1`).
fn t_975(df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// The full statistics of a benchmark: per-iteration samples and everything derived from them.
///
/// Build one with [`bench`](crate::bench::bench()) or from given samples with [`Stats::from_samples`].
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
    calibration: Option<Calibration>,
    metadata: Metadata,
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
    reference: Option<Reference>,
    relative: Option<Relative>,
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
            Metadata::current(),
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
            Metadata::current(),
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
        calibration: Option<Calibration>,
        metadata: Metadata,
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
        // Two working copies (sorted samples, deviations from the median) of 8 bytes each.
        check_allocation(samples.len() as u128 * 16)?;
        let sorted = sorted(&samples);
        let n = sorted.len();
        let moments = Moments::of_sorted(&sorted);
        let (mean, stddev) = (moments.mean, moments.stddev);
        let median = median_of_sorted(&sorted);
        let deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
        let mad = median_of_sorted(&order::sorted(&deviations));
        let q1 = percentile_of_sorted(&sorted, 25.0);
        let q3 = percentile_of_sorted(&sorted, 75.0);
        let outliers = Outliers::tukey(&sorted, q1, q3);
        let interval = median_interval::of_sorted(&sorted, median_interval::CONFIDENCE);
        let half = t_975(n - 1) * moments.scaled_stddev / (n as f64).sqrt() * moments.scale;
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
            median_ci: (interval.low, interval.high),
            median_ci_coverage: interval.confidence,
            mean_ci: (mean - half, mean + half),
            sorted,
            reference: None,
            relative: None,
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
        calibration: Option<Calibration>,
        metadata: Metadata,
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

    /// These statistics with the `reference` workload's samples taken alongside (one per
    /// sample, in the same order), and the [`Relative`] figures derived from them.
    ///
    /// ```
    /// use timing_runtime::stats::{Reference, Stats};
    /// let s = Stats::from_samples("f", vec![2e-6, 4e-6, 2e-6], 1).unwrap();
    /// let r = Reference { workload: "w/1".into(), iterations_per_sample: 10, samples: vec![1e-6, 2e-6, 1e-6] };
    /// let s = s.with_reference(r).unwrap();
    /// assert_eq!(s.relative().unwrap().ratio, 2.0);
    /// ```
    pub fn with_reference(mut self, reference: Reference) -> Result<Self, TimingError> {
        reference.validate(&self.samples)?;
        self.relative = Relative::of(&self.samples, &reference.samples);
        self.reference = Some(reference);
        Ok(self)
    }

    fn derived_warnings(&self) -> Vec<String> {
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
                    format::duration(sample),
                    format::duration(c.clock_resolution)
                ));
            }
            if c.overhead > 0.1 * self.median {
                w.push(format!(
                    "the harness overhead ({} per call, included in the figures) is {:.0}% \
                     of the median",
                    format::duration(c.overhead),
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
    pub fn calibration(&self) -> Option<Calibration> {
        self.calibration
    }
    /// Where and how the samples were taken.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    /// Mutable metadata, for a front end that knows more (the Python version).
    pub fn metadata_mut(&mut self) -> &mut Metadata {
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
        Moments::of_sorted(&self.sorted).cv()
    }
    /// Tukey outlier counts.
    pub fn outliers(&self) -> Outliers {
        self.outliers
    }
    /// 95 % confidence interval of the median from order statistics (distribution-free,
    /// deterministic; see [`median_interval::ranks`]).
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
    /// The reference workload's samples taken alongside, if any (results measured by
    /// [`bench`](crate::bench::bench()) have them; older files and given samples do not).
    pub fn reference(&self) -> Option<&Reference> {
        self.reference.as_ref()
    }
    /// The function's time relative to the reference workload, if there is one.
    pub fn relative(&self) -> Option<&Relative> {
        self.relative.as_ref()
    }
    /// Operations per second over the whole run: `1 / mean` (`inf` when the mean is 0).
    pub fn ops_per_second(&self) -> f64 {
        1.0 / self.mean
    }
}

#[cfg(test)]
mod tests;
