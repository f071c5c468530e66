//! A fixed-size log-linear histogram of durations.
//!
//! Values below 32 have a bucket each; above, every power of two is split into 16 equal
//! buckets. A bucket's width is at most 1/16 of its lower bound, so a percentile reported as
//! the bucket's midpoint is within **±3.2 %** of the true value (relative error ≤ 1/32), for
//! any value up to `u64::MAX`, with 976 buckets.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
/// Number of buckets.
pub const BUCKETS: usize = ((64 - SUB_BITS) as usize) * SUB as usize + SUB as usize;

/// The bucket index of `value`.
///
/// ```
/// use timing_runtime::profile::histogram::{bucket_index, bucket_range};
/// for v in [0u64, 31, 32, 1000, u64::MAX] {
///     let (lo, hi) = bucket_range(bucket_index(v));
///     assert!(lo <= v && v <= hi);
/// }
/// ```
#[inline(always)]
pub fn bucket_index(value: u64) -> usize {
    if value < 2 * SUB {
        return value as usize;
    }
    let msb = 63 - value.leading_zeros();
    let shift = msb - SUB_BITS;
    ((shift as u64 + 1) * SUB + ((value >> shift) & (SUB - 1))) as usize
}

/// The inclusive range of values in bucket `index`.
pub fn bucket_range(index: usize) -> (u64, u64) {
    let index = index as u64;
    if index < 2 * SUB {
        return (index, index);
    }
    let shift = index / SUB - 1;
    let low = (SUB + index % SUB) << shift;
    (low, low + ((1u64 << shift) - 1))
}

/// Bucket counts, as read from a recorder or merged from several.
#[derive(Clone, PartialEq, Eq)]
pub struct Histogram {
    counts: Box<[u64]>,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram")
            .field("count", &self.count())
            .finish()
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS].into_boxed_slice(),
        }
    }
}

impl Histogram {
    /// Adds one value.
    pub fn record(&mut self, value: u64) {
        self.counts[bucket_index(value)] += 1;
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
    }

    /// `(low, high, count)` of every non-empty bucket, in ascending order (inclusive bounds).
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| {
                let (lo, hi) = bucket_range(i);
                (lo, hi, c)
            })
    }

    /// Number of recorded values.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The value at quantile `q` (0 ≤ q ≤ 1): the midpoint of the bucket holding the value of
    /// rank ⌈q·n⌉ (at least 1), or `None` when empty.
    ///
    /// ```
    /// use timing_runtime::profile::histogram::Histogram;
    /// let mut h = Histogram::default();
    /// for v in 1..=100 { h.record(v * 1000); }
    /// let p50 = h.quantile(0.5).unwrap() as f64;
    /// assert!((p50 - 50_000.0).abs() / 50_000.0 <= 0.032);
    /// ```
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (index, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, hi) = bucket_range(index);
                return Some(lo + (hi - lo) / 2);
            }
        }
        None
    }
}

/// A histogram written by one thread (its owner) and read by any: increments are a relaxed
/// load and store, not a locked read-modify-write.
pub(crate) struct OwnedHistogram {
    counts: Box<[AtomicU64]>,
}

impl OwnedHistogram {
    pub(crate) fn new() -> Self {
        Self {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Owner only.
    #[inline(always)]
    pub(crate) fn record(&self, value: u64) {
        let cell = &self.counts[bucket_index(value)];
        cell.store(cell.load(Relaxed) + 1, Relaxed);
    }

    /// Owner only.
    pub(crate) fn clear(&self) {
        for c in self.counts.iter() {
            c.store(0, Relaxed);
        }
    }

    pub(crate) fn read(&self) -> Histogram {
        Histogram {
            counts: self.counts.iter().map(|c| c.load(Relaxed)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_bounded() {
        let mut expected_low = 0u64;
        for i in 0..BUCKETS {
            let (lo, hi) = bucket_range(i);
            assert_eq!(lo, expected_low, "bucket {i}");
            assert!(hi >= lo);
            if lo >= 32 {
                assert!((hi - lo + 1) * 16 <= lo, "width bound at bucket {i}");
            }
            expected_low = hi.wrapping_add(1);
        }
        assert_eq!(expected_low, 0, "the last bucket ends at u64::MAX");
        assert_eq!(bucket_index(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantile_error_is_within_bound() {
        for v in [33u64, 100, 999, 12_345, 1 << 40, u64::MAX / 3] {
            let mut h = Histogram::default();
            h.record(v);
            let got = h.quantile(0.5).unwrap() as f64;
            assert!(
                (got - v as f64).abs() / v as f64 <= 1.0 / 32.0,
                "{v} -> {got}"
            );
        }
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn quantiles_pick_ranks() {
        let mut h = Histogram::default();
        for v in 1..=10u64 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.0), Some(1));
        assert_eq!(h.quantile(0.5), Some(5));
        assert_eq!(h.quantile(0.9), Some(9));
        assert_eq!(h.quantile(1.0), Some(10));
        let owned = OwnedHistogram::new();
        owned.record(7);
        owned.record(7);
        assert_eq!(owned.read().count(), 2);
        owned.clear();
        assert_eq!(owned.read().count(), 0);
    }
}
