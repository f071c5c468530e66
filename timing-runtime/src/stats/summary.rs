//! The seed helpers' summary of run durations: mean, median, min and max.

use super::order::{accurate_sum, median_of_sorted};
use crate::clock::{fractional_nanos_to_secs, nanos_to_secs};

/// Mean, median, minimum and maximum of a non-empty set of durations, in seconds.
///
/// The durations come in as integer nanos and are summarised as exact floating-point
/// nanoseconds (exact below 2⁵³ ns, about 104 days) before one monotone conversion to
/// seconds, so `min <= median <= max` and `min <= mean <= max` hold exactly in the reported
/// seconds too.
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
    /// Summarises `nanos` (integer nanoseconds); `None` when it is empty.
    ///
    /// ```
    /// use timing_runtime::stats::Summary;
    /// let s = Summary::of_nanos(&[4, 1, 3, 2]).unwrap();
    /// assert_eq!(s.median, 2.5e-9);
    /// assert_eq!((s.min, s.max), (1e-9, 4e-9));
    /// assert_eq!(s.mean, 2.5e-9);
    /// ```
    pub fn of_nanos(nanos: &[u64]) -> Option<Self> {
        let mut sorted = nanos.to_vec();
        sorted.sort_unstable();
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let exact: Vec<f64> = sorted.iter().map(|&t| t as f64).collect();
        let mean = (accurate_sum(exact.iter().copied()) / exact.len() as f64)
            .clamp(min as f64, max as f64);
        Some(Self {
            mean: fractional_nanos_to_secs(mean),
            median: fractional_nanos_to_secs(median_of_sorted(&exact)),
            min: nanos_to_secs(min),
            max: nanos_to_secs(max),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_none() {
        assert!(Summary::of_nanos(&[]).is_none());
    }

    #[test]
    fn odd_median_is_middle_value() {
        let s = Summary::of_nanos(&[9, 1, 5]).unwrap();
        assert_eq!(s.median, 5e-9);
        assert_eq!(s.mean, 5e-9);
    }

    #[test]
    fn order_holds_exactly_for_awkward_values() {
        // Values whose mean is not representable exactly.
        let nanos = [1_000_000_001, 1_000_000_002, 1_000_000_002];
        let s = Summary::of_nanos(&nanos).unwrap();
        assert!(s.min <= s.mean && s.mean <= s.max);
        assert!(s.min <= s.median && s.median <= s.max);
        let same = Summary::of_nanos(&[7, 7, 7, 7, 7, 7, 7]).unwrap();
        assert_eq!(same.mean, same.min);
        assert_eq!(same.max, same.median);
    }
}
