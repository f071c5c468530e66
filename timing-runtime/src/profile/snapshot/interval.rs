//! [`Interval`]: what was recorded between two readings of a cumulative profile.
//!
//! Every counter of a [`Snapshot`] is cumulative (calls, total, self, the histogram's bucket
//! counts), so the difference of two readings is exactly what was recorded in between:
//! [`Snapshot::since`] subtracts them record by record, and the interval's percentiles come
//! from the difference of the histograms — the exact histogram of the interval's calls, not an
//! estimate. This is what `python -m performance_timing top` shows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::Snapshot;
use super::record::Record;
use crate::profile::histogram::Histogram;

/// FNV-1a: a fast hash for the short names records are matched by (no untrusted keys from
/// the network pick buckets here: a slow match costs only the watcher's time).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// One function's calls within an [`Interval`], with its cumulative figures at the end of it.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRecord {
    pub(crate) name: String,
    pub(crate) module_path: String,
    pub(crate) calls: u64,
    pub(crate) sum_ns: u64,
    pub(crate) total_ns: u64,
    pub(crate) self_ns: u64,
    pub(crate) histogram: Histogram,
    pub(crate) cumulative_calls: u64,
    pub(crate) cumulative_total_ns: u64,
}

impl IntervalRecord {
    fn between(now: &Record, before: Option<&Record>) -> Self {
        // A counter that went down means the profile was reset (or the process replaced):
        // everything it holds now was recorded since.
        let before = before.filter(|b| b.calls <= now.calls && b.sum_ns <= now.sum_ns);
        let sub = |a: u64, b: Option<u64>| a.saturating_sub(b.unwrap_or(0));
        Self {
            name: now.name.to_string(),
            module_path: now.module_path.to_string(),
            calls: sub(now.calls, before.map(|b| b.calls)),
            sum_ns: sub(now.sum_ns, before.map(|b| b.sum_ns)),
            // Busy time: for calls that run in steps (coroutines, async fns), their time
            // suspended is not time spent, so 100 requests waiting on I/O do not read 10 000 %.
            total_ns: sub(now.busy_ns(), before.map(|b| b.busy_ns())),
            self_ns: sub(now.self_ns, before.map(|b| b.self_ns)),
            histogram: match before {
                Some(b) => now.histogram.since(&b.histogram),
                None => now.histogram.clone(),
            },
            cumulative_calls: now.calls,
            cumulative_total_ns: now.total_ns,
        }
    }

    fn add(&mut self, other: &IntervalRecord) {
        self.calls = self.calls.saturating_add(other.calls);
        self.sum_ns = self.sum_ns.saturating_add(other.sum_ns);
        self.total_ns = self.total_ns.saturating_add(other.total_ns);
        self.self_ns = self.self_ns.saturating_add(other.self_ns);
        self.histogram.merge(&other.histogram);
        self.cumulative_calls = self.cumulative_calls.saturating_add(other.cumulative_calls);
        self.cumulative_total_ns = self
            .cumulative_total_ns
            .saturating_add(other.cumulative_total_ns);
    }

    /// The recorded name (see [`Record::name`]).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The module path of the instrumented function.
    pub fn module_path(&self) -> &str {
        &self.module_path
    }

    /// Calls finished within the interval.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Inclusive busy time recorded within the interval, in nanoseconds: the total of plain
    /// calls; for calls that run in steps (async functions, coroutines, generators), the total
    /// less the time they were suspended.
    pub fn total_ns(&self) -> u64 {
        self.total_ns
    }

    /// Self time recorded within the interval, in nanoseconds.
    pub fn self_ns(&self) -> u64 {
        self.self_ns
    }

    /// Mean duration of the interval's calls in nanoseconds (`None` without calls).
    pub fn mean_ns(&self) -> Option<u64> {
        self.sum_ns.checked_div(self.calls)
    }

    /// The `q`-th quantile (0 ≤ q ≤ 1) of the interval's call durations, from the difference
    /// of the histograms (±3.2 %); `None` without calls.
    pub fn quantile_ns(&self, q: f64) -> Option<u64> {
        self.histogram.quantile(q)
    }

    /// The histogram of the interval's calls.
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// Calls since the process started (or its profile was reset), at the interval's end.
    pub fn cumulative_calls(&self) -> u64 {
        self.cumulative_calls
    }

    /// Inclusive time since start, at the interval's end, in nanoseconds.
    pub fn cumulative_total_ns(&self) -> u64 {
        self.cumulative_total_ns
    }
}

/// What was recorded between two readings of a profile: one [`IntervalRecord`] per function
/// of the later reading, by interval self time (largest first), then by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interval {
    pub(crate) records: Vec<IntervalRecord>,
}

impl Interval {
    /// The records.
    pub fn records(&self) -> &[IntervalRecord] {
        &self.records
    }

    /// Self time of every function within the interval, in nanoseconds.
    pub fn total_self_ns(&self) -> u64 {
        self.records
            .iter()
            .fold(0u64, |n, r| n.saturating_add(r.self_ns))
    }

    /// The sum of intervals of different processes: records of the same `(module, name)` add,
    /// histograms bucket for bucket.
    ///
    /// ```
    /// use timing_runtime::profile::{self, Snapshot, snapshot::Interval};
    /// let empty = Snapshot::empty();
    /// let now = profile::snapshot();
    /// let one = now.since(&empty);
    /// let two = Interval::merge([&one, &one]);
    /// assert_eq!(two.total_self_ns(), 2 * one.total_self_ns());
    /// ```
    pub fn merge<'a>(intervals: impl IntoIterator<Item = &'a Interval>) -> Interval {
        let mut records: Vec<IntervalRecord> = Vec::new();
        let mut index: FastMap<(&'a str, &'a str), usize> = FastMap::default();
        for interval in intervals {
            for r in &interval.records {
                let key = (r.module_path.as_str(), r.name.as_str());
                match index.get(&key) {
                    Some(&at) => records[at].add(r),
                    None => {
                        index.insert(key, records.len());
                        records.push(r.clone());
                    }
                }
            }
        }
        Interval::sorted(records)
    }

    fn sorted(mut records: Vec<IntervalRecord>) -> Interval {
        records.sort_by(|a, b| {
            b.self_ns
                .cmp(&a.self_ns)
                .then_with(|| a.module_path.cmp(&b.module_path))
                .then_with(|| a.name.cmp(&b.name))
        });
        Interval { records }
    }
}

impl Snapshot {
    /// What was recorded since `earlier` (an earlier reading of the same profile): for every
    /// record, the difference of calls, times and histogram, exact to the call. A record
    /// whose counters went down (the profile was reset in between) counts from zero.
    ///
    /// ```
    /// use timing_runtime::profile::{self, CallSite, Guard};
    /// static SITE: CallSite = CallSite::new(Some("since_doc"), module_path!(), file!(), line!(), || "");
    /// let before = profile::snapshot();
    /// for _ in 0..3 { drop(Guard::enter(&SITE)); }
    /// let interval = profile::snapshot().since(&before);
    /// let r = interval.records().iter().find(|r| r.name() == "since_doc").unwrap();
    /// assert_eq!(r.calls(), 3);
    /// assert_eq!(r.histogram().count(), 3);
    /// ```
    pub fn since(&self, earlier: &Snapshot) -> Interval {
        let before: FastMap<(&str, &str), &Record> =
            earlier.records.iter().map(|r| (r.key(), r)).collect();
        let records = self
            .records
            .iter()
            .map(|r| IntervalRecord::between(r, before.get(&r.key()).copied()))
            .collect();
        Interval::sorted(records)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::profile::histogram::bucket_index;

    fn record(name: &'static str, durations: &[u64]) -> Record {
        let mut histogram = Histogram::default();
        for &d in durations {
            histogram.record(d);
        }
        let sum: u64 = durations.iter().sum();
        Record {
            name: Cow::Borrowed(name),
            module_path: Cow::Borrowed("m"),
            file: Cow::Borrowed(""),
            line: 0,
            calls: durations.len() as u64,
            sum_ns: sum,
            total_ns: sum,
            self_ns: sum / 2,
            idle_ns: 0,
            min_ns: durations.iter().copied().min().unwrap_or(0),
            max_ns: durations.iter().copied().max().unwrap_or(0),
            histogram,
        }
    }

    fn snap(records: Vec<Record>) -> Snapshot {
        Snapshot {
            records,
            threads: Vec::new(),
            processes: Vec::new(),
            clock: Cow::Borrowed("tsc"),
        }
    }

    #[test]
    fn difference_is_exact() {
        let before = snap(vec![record("f", &[100, 100, 100])]);
        let after = snap(vec![
            record("f", &[100, 100, 100, 5000, 5000]),
            record("g", &[10]),
        ]);
        let interval = after.since(&before);
        let f = interval.records().iter().find(|r| r.name() == "f").unwrap();
        assert_eq!(f.calls(), 2);
        assert_eq!(f.total_ns(), 10_000);
        assert_eq!(f.mean_ns(), Some(5000));
        assert_eq!(
            f.histogram().counts().collect::<Vec<_>>(),
            [(bucket_index(5000), 2)]
        );
        assert_eq!(f.cumulative_calls(), 5);
        let g = interval.records().iter().find(|r| r.name() == "g").unwrap();
        assert_eq!((g.calls(), g.quantile_ns(0.5)), (1, Some(10)));
    }

    #[test]
    fn a_reset_counts_from_zero() {
        let before = snap(vec![record("f", &[100, 100, 100])]);
        let after = snap(vec![record("f", &[7])]);
        let interval = after.since(&before);
        let f = &interval.records()[0];
        assert_eq!((f.calls(), f.total_ns(), f.histogram().count()), (1, 7, 1));
    }

    #[test]
    fn nothing_new_is_zero() {
        let s = snap(vec![record("f", &[100, 200])]);
        let interval = s.since(&s);
        let f = &interval.records()[0];
        assert_eq!(
            (f.calls(), f.mean_ns(), f.quantile_ns(0.99)),
            (0, None, None)
        );
        assert_eq!(f.cumulative_calls(), 2);
        let two = Interval::merge([&s.since(&s), &s.since(&snap(vec![]))]);
        assert_eq!(two.records()[0].calls(), 2);
        assert_eq!(two.records()[0].cumulative_calls(), 4);
    }
}
