//! Summary statistics over integer tick samples.
//!
//! Samples stay in integer nanoseconds until the very end; every conversion to seconds is a
//! single monotone floating-point operation, so `min <= median <= max` and
//! `min <= mean <= max` hold exactly in the reported seconds too.

use crate::clock::ticks_to_secs;

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
}
