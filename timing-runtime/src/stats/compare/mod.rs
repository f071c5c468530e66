//! Comparison of two benchmark results with a verdict usable in CI.
//!
//! Three methods, chosen by what the results hold ([`Method`]):
//!
//! * **paired** ([`paired::compare_paired`](super::paired::compare_paired)): samples of the two
//!   functions taken next to each other by [`bench_pair`](crate::bench::bench_pair()); the
//!   statistic is on the per-pair ratios, so drift of the machine's speed cancels.
//! * **reference** ([`reference`](mod@reference), when both results carry samples of the same reference
//!   workload, as every [`bench`](crate::bench::bench()) result does): each run's block
//!   medians of log time, fitted against the reference's, so that the two runs are compared
//!   *at the same machine speed* — with how the function follows the machine's speed fitted
//!   from the runs ([`reference::fit`]), and the run-to-run wander that no reference explains
//!   ([`reference::RUN_WANDER`]) in the interval.
//! * **unpaired** (results without reference samples: files of schema version 1, statistics
//!   of given samples): `ratio` = candidate median / baseline median, `ci` =
//!   `[cand.lo / base.hi, cand.hi / base.lo]` from the medians' 95 % intervals, `p_value`:
//!   Mann–Whitney U on the samples; `faster`/`slower` when the interval excludes 1, the ratio
//!   differs from 1 by at least the noise floor and `p < 0.05`. The samples of one run are
//!   treated as independent, so drift between runs is ignored ([`drift_warning`] says so).
//!
//! The paired and reference verdicts need the *whole* interval outside the noise band
//! ([`Verdict::outside_band`]).
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
//! println!("{} {:?} {} {} {:?}", c.ratio, c.ci, c.p_value, c.verdict, c.method);
//! let back = Stats::from_json(&a.to_json())?;
//! # assert_eq!(back, a);
//! # Ok(())
//! # }
//! ```

pub mod reference;

use std::fmt;

use super::mann_whitney::mann_whitney_u;
use super::{Relative, Stats};
use crate::error::TimingError;
use crate::host::check_allocation;

/// The significance level of the verdict.
pub const ALPHA: f64 = 0.05;

/// The default noise floor: relative changes under 1 % are "no change".
pub const DEFAULT_NOISE: f64 = 0.01;

/// How a comparison was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Samples of the two functions taken in pairs, next to each other (`bench_pair`).
    Paired,
    /// Two runs, each relative to the reference workload run alongside it.
    Reference,
    /// Two runs compared by their absolute samples (no reference samples): drift between the
    /// runs is not accounted for.
    Unpaired,
}

impl Method {
    /// `"paired"`, `"reference"` or `"unpaired"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Paired => "paired",
            Self::Reference => "reference",
            Self::Unpaired => "unpaired",
        }
    }
}

/// Checks a noise band: a finite fraction with `0 ≤ noise < 1`.
pub fn check_noise(noise: f64) -> Result<(), TimingError> {
    if noise.is_finite() && (0.0..1.0).contains(&noise) {
        Ok(())
    } else {
        Err(TimingError::invalid(
            "noise",
            format!("must be a fraction with 0 <= noise < 1, got {noise}"),
        ))
    }
}

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

impl Verdict {
    /// The verdict of an interval `ci` of a ratio against the noise band
    /// `[1 − noise, 1 + noise]`: `Slower` when the whole interval is above `1 + noise`,
    /// `Faster` when it is below `1 − noise` (both only with `p_value < ALPHA`), otherwise
    /// `NoChange`.
    ///
    /// ```
    /// use timing_runtime::stats::Verdict;
    /// assert_eq!(Verdict::outside_band((1.02, 1.05), 0.01, 0.001), Verdict::Slower);
    /// assert_eq!(Verdict::outside_band((1.005, 1.05), 0.01, 0.001), Verdict::NoChange);
    /// assert_eq!(Verdict::outside_band((0.9, 0.95), 0.01, 0.001), Verdict::Faster);
    /// ```
    pub fn outside_band(ci: (f64, f64), noise: f64, p_value: f64) -> Self {
        if p_value >= ALPHA {
            Self::NoChange
        } else if ci.0 > 1.0 + noise {
            Self::Slower
        } else if ci.1 < 1.0 - noise {
            Self::Faster
        } else {
            Self::NoChange
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
    /// Two-sided p-value: the sign test of the paired ratios, or Mann–Whitney U.
    pub p_value: f64,
    /// The verdict.
    pub verdict: Verdict,
    /// The noise band used, as a fraction (0.01 = 1 %).
    pub noise: f64,
    /// How the comparison was made.
    pub method: Method,
}

/// Compares `candidate` against `baseline`; `noise` (a fraction, `0 ≤ noise < 1`, e.g.
/// [`DEFAULT_NOISE`]) is the smallest relative change that can count. Uses the reference
/// workload when both results carry it ([`Method::Reference`], see [`reference_pair`]),
/// otherwise the absolute samples ([`Method::Unpaired`]).
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
    check_noise(noise)?;
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
    fn with_reference(s: &Stats) -> Option<(&[f64], &[f64])> {
        s.reference().map(|r| (s.samples(), &r.samples[..]))
    }
    match (
        reference_pair(baseline, candidate),
        with_reference(baseline),
        with_reference(candidate),
    ) {
        (Ok(_), Some(b), Some(c)) => match reference::compare_reference(b, c, noise) {
            Some(comparison) => Ok(comparison),
            None => compare_unpaired(baseline, candidate, noise),
        },
        _ => compare_unpaired(baseline, candidate, noise),
    }
}

/// The two results' [`Relative`] figures when they can be compared relative to the reference
/// workload: both have reference samples of the same workload, taken under the same Python
/// version (or both from Rust). Otherwise why not, as one sentence for a warning.
pub fn reference_pair<'a>(
    baseline: &'a Stats,
    candidate: &'a Stats,
) -> Result<(&'a Relative, &'a Relative), String> {
    let missing = |side: &str, s: &Stats| {
        format!(
            "{side} {:?} has no reference-workload samples (saved by an older version, schema \
             version 1, or built from given samples): the verdict compares absolute times and \
             ignores drift of the machine's speed between the runs",
            s.name()
        )
    };
    let (Some(br), Some(cr)) = (baseline.reference(), candidate.reference()) else {
        let side = if baseline.reference().is_none() {
            ("baseline", baseline)
        } else {
            ("candidate", candidate)
        };
        return Err(missing(side.0, side.1));
    };
    if br.workload != cr.workload {
        return Err(format!(
            "the runs used different reference workloads ({:?} and {:?}): the verdict compares \
             absolute times and ignores drift of the machine's speed",
            br.workload, cr.workload
        ));
    }
    let version = |s: &Stats| {
        s.metadata()
            .python
            .as_deref()
            .and_then(|v| v.split_whitespace().next())
            .map(str::to_owned)
    };
    if version(baseline) != version(candidate) {
        return Err(format!(
            "the runs used different Python versions ({} and {}), so the reference workload ran at \
             different speeds: the verdict compares absolute times",
            version(baseline).unwrap_or_else(|| "none".into()),
            version(candidate).unwrap_or_else(|| "none".into())
        ));
    }
    if baseline.samples().len().min(candidate.samples().len()) < 4 {
        return Err(
            "a result has fewer than 4 samples, too few to fit how the function follows the \
             reference workload: the verdict compares absolute times"
                .to_owned(),
        );
    }
    match (baseline.relative(), candidate.relative()) {
        (Some(b), Some(c)) => Ok((b, c)),
        _ => Err(
            "a result has a zero sample, so it has no ratio to the reference: the verdict \
                  compares absolute times"
                .to_owned(),
        ),
    }
}

/// Why the verdict of [`compare`] on these results ignores drift between the runs, if it
/// does (`None` when it is made relative to the reference workload).
pub fn drift_warning(baseline: &Stats, candidate: &Stats) -> Option<String> {
    reference_pair(baseline, candidate).err()
}

/// The comparison of two runs' absolute samples.
fn compare_unpaired(
    baseline: &Stats,
    candidate: &Stats,
    noise: f64,
) -> Result<Comparison, TimingError> {
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
        method: Method::Unpaired,
    })
}

#[cfg(test)]
mod tests;
