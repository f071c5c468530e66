//! Log-linear histograms of durations in **nanoseconds**, the same buckets on every host.
//!
//! Bucket edges are fixed integers of nanoseconds: 0 ns has a bucket, every value from 1 to
//! 32 ns has its own, and above 32 ns every power-of-two interval `(2^k, 2^(k+1)]` is split into
//! 16 equal buckets. Buckets are **upper-inclusive**: a bucket holds the values `v` with
//! `low < v ≤ high`, so every power of two from 32 ns on is the inclusive upper edge of a bucket
//! and "how many calls took at most 2^k ns" is an exact sum of whole buckets (what a Prometheus
//! `le` bucket exports). A bucket's width is at most 1/16 of its lower edge, so a percentile
//! reported as the bucket's midpoint is within **±3.2 %** of the true value (relative error
//! ≤ 1/32), for any value up to `u64::MAX`, with [`BUCKETS`] = 977 buckets.
//!
//! Because the edges are nanoseconds (not raw clock counts), histograms from different
//! processes and hosts add bucket for bucket: a merged percentile equals the percentile of
//! recording every call in one process. [`Histogram`] stores only non-empty buckets.

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
/// Number of buckets.
pub const BUCKETS: usize = ((64 - SUB_BITS) as usize) * SUB as usize + SUB as usize + 1;

/// The bucket index of `nanos`.
///
/// ```
/// use timing_runtime::profile::histogram::{bucket_index, bucket_range};
/// for v in [0u64, 1, 31, 32, 33, 64, 65, 1000, 1 << 40, u64::MAX] {
///     let (first, last) = bucket_range(bucket_index(v));
///     assert!(first <= v && v <= last);
/// }
/// // Every power of two from 32 ns on is the last value of its bucket.
/// assert_eq!(bucket_range(bucket_index(1024)).1, 1024);
/// assert_eq!(bucket_index(1025), bucket_index(1024) + 1);
/// ```
#[inline(always)]
pub fn bucket_index(nanos: u64) -> usize {
    if nanos == 0 {
        return 0;
    }
    // Upper-inclusive buckets are the lower-inclusive buckets of `nanos - 1`, shifted by one
    // (bucket 0 holds exactly 0).
    let v = nanos - 1;
    // Below 16 every value has its own bucket; from 16 to 31 the formula below gives the
    // same one-value buckets. Branching at 16 rather than 32 keeps the branch predictable for
    // the shortest calls (about 20–40 ns: two clock reads and a little work).
    if v < SUB {
        return v as usize + 1;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - SUB_BITS;
    ((shift as u64 + 1) * SUB + ((v >> shift) & (SUB - 1))) as usize + 1
}

/// The values of bucket `index` as an inclusive range `(first, last)` of nanoseconds (the
/// bucket is the interval `(first - 1, last]`). Indexes past the end are clamped.
pub fn bucket_range(index: usize) -> (u64, u64) {
    let index = index.min(BUCKETS - 1) as u64;
    if index == 0 {
        return (0, 0);
    }
    let i = index - 1;
    if i < 2 * SUB {
        return (i + 1, i + 1);
    }
    let shift = i / SUB - 1;
    let low = (SUB + i % SUB) << shift;
    (low + 1, low.saturating_add(1u64 << shift))
}

/// Bucket counts in nanosecond buckets: only the non-empty buckets are stored, so a histogram
/// costs 16 bytes per distinct bucket, not 977 counters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    /// `(bucket index, count)`, ascending by index, every count > 0.
    counts: Vec<(u16, u64)>,
}

impl std::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Histogram")
            .field("count", &self.count())
            .field("buckets", &self.counts.len())
            .finish()
    }
}

impl Histogram {
    /// A histogram from `(bucket index, count)` pairs in ascending order of index, as
    /// produced by the recorders (zero counts are dropped).
    pub(crate) fn from_sorted(counts: Vec<(u16, u64)>) -> Self {
        debug_assert!(counts.windows(2).all(|w| w[0].0 < w[1].0));
        let mut counts = counts;
        counts.retain(|&(_, c)| c > 0);
        Self { counts }
    }

    /// A histogram from `(bucket index, count)` pairs in any order; repeated indexes add.
    /// `None` when an index is not below [`BUCKETS`] or a total overflows `u64`.
    ///
    /// ```
    /// use timing_runtime::profile::histogram::{Histogram, bucket_index};
    /// let h = Histogram::from_counts([(bucket_index(1000), 2), (bucket_index(10), 1)]).unwrap();
    /// assert_eq!(h.count(), 3);
    /// assert!(Histogram::from_counts([(977, 1)]).is_none());
    /// ```
    pub fn from_counts(pairs: impl IntoIterator<Item = (usize, u64)>) -> Option<Self> {
        let mut counts: Vec<(u16, u64)> = Vec::new();
        for (index, count) in pairs {
            if index >= BUCKETS {
                return None;
            }
            counts.push((index as u16, count));
        }
        counts.sort_unstable_by_key(|&(i, _)| i);
        let mut merged: Vec<(u16, u64)> = Vec::with_capacity(counts.len());
        for (i, c) in counts {
            match merged.last_mut() {
                Some((last, total)) if *last == i => *total = total.checked_add(c)?,
                _ => merged.push((i, c)),
            }
        }
        Some(Self::from_sorted(merged))
    }

    /// Adds one value (nanoseconds).
    pub fn record(&mut self, nanos: u64) {
        let index = bucket_index(nanos) as u16;
        match self.counts.binary_search_by_key(&index, |&(i, _)| i) {
            Ok(at) => self.counts[at].1 += 1,
            Err(at) => self.counts.insert(at, (index, 1)),
        }
    }

    /// Adds every count of `other`, bucket for bucket (saturating).
    pub fn merge(&mut self, other: &Histogram) {
        self.merge_with(other, u64::saturating_add);
    }

    /// [`Histogram::merge`] with exact sums: returns `false` (and leaves `self` unchanged)
    /// when a bucket's sum would pass `u64::MAX`.
    pub fn checked_merge(&mut self, other: &Histogram) -> bool {
        let mut overflow = false;
        let mut sum = self.clone();
        sum.merge_with(other, |a, b| {
            a.checked_add(b).unwrap_or_else(|| {
                overflow = true;
                u64::MAX
            })
        });
        if !overflow {
            *self = sum;
        }
        !overflow
    }

    fn merge_with(&mut self, other: &Histogram, mut add: impl FnMut(u64, u64) -> u64) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.counts = other.counts.clone();
            return;
        }
        let mut out = Vec::with_capacity(self.counts.len() + other.counts.len());
        let (mut a, mut b) = (
            self.counts.iter().peekable(),
            other.counts.iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&(i, x)), Some(&&(j, y))) if i == j => {
                    a.next();
                    b.next();
                    (i, add(x, y))
                }
                (Some(&&x), Some(&&y)) => {
                    if x.0 < y.0 {
                        a.next();
                        x
                    } else {
                        b.next();
                        y
                    }
                }
                (Some(&&x), None) => {
                    a.next();
                    x
                }
                (None, Some(&&y)) => {
                    b.next();
                    y
                }
                (None, None) => break,
            };
            out.push(next);
        }
        self.counts = out;
    }

    /// The counts added since `earlier`, bucket for bucket: the exact histogram of the calls
    /// recorded between two readings of a cumulative histogram (a bucket that went down, as
    /// after a reset, counts from zero).
    ///
    /// ```
    /// use timing_runtime::profile::histogram::Histogram;
    /// let mut before = Histogram::default();
    /// before.record(1000);
    /// let mut after = before.clone();
    /// after.record(1000);
    /// after.record(50);
    /// let interval = after.since(&before);
    /// assert_eq!(interval.count(), 2);
    /// assert_eq!(interval.count_at_most(64), 1);
    /// ```
    pub fn since(&self, earlier: &Histogram) -> Histogram {
        let mut before = earlier.counts.iter().peekable();
        let mut out = Vec::with_capacity(self.counts.len());
        for &(i, c) in &self.counts {
            while before.next_if(|&&(j, _)| j < i).is_some() {}
            let old = before.next_if(|&&(j, _)| j == i).map_or(0, |&(_, c)| c);
            let delta = if c >= old { c - old } else { c };
            if delta > 0 {
                out.push((i, delta));
            }
        }
        Histogram { counts: out }
    }

    /// `(first, last, count)` of every non-empty bucket, in ascending order: the bucket holds
    /// the `count` values `v` with `first ≤ v ≤ last` nanoseconds.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        self.counts.iter().map(|&(i, c)| {
            let (first, last) = bucket_range(i as usize);
            (first, last, c)
        })
    }

    /// `(bucket index, count)` of every non-empty bucket, in ascending order of index.
    pub fn counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.counts.iter().map(|&(i, c)| (i as usize, c))
    }

    /// Number of recorded values (saturating).
    pub fn count(&self) -> u64 {
        self.counts
            .iter()
            .fold(0u64, |n, &(_, c)| n.saturating_add(c))
    }

    /// Number of values of at most `nanos`: exact when `nanos` is the last value of a bucket
    /// (every integer up to 32 and every power of two from 32 on), otherwise the count up to
    /// the last bucket that ends at or below `nanos`.
    pub fn count_at_most(&self, nanos: u64) -> u64 {
        self.buckets()
            .take_while(|&(_, last, _)| last <= nanos)
            .fold(0u64, |n, (_, _, c)| n.saturating_add(c))
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
        let mut seen = 0u64;
        for (first, last, c) in self.buckets() {
            seen = seen.saturating_add(c);
            if seen >= rank {
                return Some(first + (last - first) / 2);
            }
        }
        None
    }

    /// Heap bytes held by the counts.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * std::mem::size_of::<(u16, u64)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_bounded_and_upper_inclusive() {
        let mut expected_first = 0u64;
        for i in 0..BUCKETS {
            let (first, last) = bucket_range(i);
            assert_eq!(first, expected_first, "bucket {i}");
            assert!(last >= first);
            assert_eq!(bucket_index(first), i);
            assert_eq!(bucket_index(last), i);
            if first > 32 {
                // The bucket is (first - 1, last]: width ≤ 1/16 of its lower edge.
                let lower_edge = first - 1;
                assert!(
                    (last - first + 1) * 16 <= lower_edge,
                    "width bound at bucket {i}"
                );
            }
            expected_first = last.wrapping_add(1);
        }
        assert_eq!(expected_first, 0, "the last bucket ends at u64::MAX");
        assert_eq!(bucket_index(u64::MAX), BUCKETS - 1);
        for k in 5..64 {
            let p = 1u64 << k;
            assert_eq!(bucket_range(bucket_index(p)).1, p, "2^{k} is an upper edge");
        }
        for v in 0..=32u64 {
            assert_eq!(bucket_range(bucket_index(v)), (v, v));
        }
    }

    #[test]
    fn quantile_error_is_within_bound() {
        for v in [
            1u64,
            31,
            33,
            100,
            999,
            12_345,
            1 << 40,
            (1 << 40) + 1,
            u64::MAX / 3,
        ] {
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
    }

    #[test]
    fn merge_adds_bucket_for_bucket_and_counts_at_edges_are_exact() {
        let (mut a, mut b, mut all) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        let values: Vec<u64> = (0..2000u64).map(|i| (i * 7919) % 100_000).collect();
        for (k, &v) in values.iter().enumerate() {
            if k % 3 == 0 {
                a.record(v)
            } else {
                b.record(v)
            }
            all.record(v);
        }
        a.merge(&b);
        assert_eq!(a, all);
        for k in 5..20 {
            let edge = 1u64 << k;
            let exact = values.iter().filter(|&&v| v <= edge).count() as u64;
            assert_eq!(all.count_at_most(edge), exact, "le 2^{k}");
        }
        assert_eq!(Histogram::from_counts(all.counts()), Some(all.clone()));
    }
}
