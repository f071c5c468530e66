//! [`Snapshot::diff`]: what changed, per function, between two snapshots.
//!
//! Records are matched by `(module path, name)`. Each [`DiffRow`] gives calls, total and self
//! time per call before and after, and the ratio of the **median call duration** (after /
//! before) with an interval computed from the two histograms by order statistics:
//!
//! * for each histogram, the distribution-free (sign-test) interval of the median at level
//!   √0.95 ([`ranks`]) picks two ranks; the interval runs from the **first
//!   nanosecond of the bucket** holding the lower rank to the **last nanosecond of the bucket**
//!   holding the upper one (clamped to the record's exact min and max), so the bucket width is
//!   inside the interval, never hidden by a midpoint;
//! * the ratio's interval is `[after.low / before.high, after.high / before.low]`: when the two
//!   profiles are independent, both medians are in their boxes with probability ≥ 0.95, so
//!   the true ratio is in the interval with at least 95 %.
//!
//! What the interval accounts for: the scatter of the calls **within** each run and the
//! histogram's bucket width. What it does not: run-to-run differences (another machine load,
//! frequency, cache state between the two sessions), calls that are not independent, and
//! changes in what a call does (other arguments). So a verdict between two sessions is a
//! within-run statement unless both profiles come from an instrument without run-to-run drift
//! (instruction counts) or were taken interleaved (`bench_pair`). The histograms hold inclusive
//! call durations, so the ratio is of inclusive time; self time per call is shown beside it.
//!
//! The verdict: [`Change::Slower`] / [`Change::Faster`] when the whole interval is above /
//! below 1, [`Change::NoChange`] otherwise (including when a histogram is empty);
//! [`Change::New`] / [`Change::Gone`] for a function with calls on one side only (a renamed
//! function is one of each). Rows are sorted by the change's share of the total, largest
//! first: for a matched function, `(median after − median before) × (self / total time
//! before) × calls after` — the median call's change, the part of it that is self time, for
//! every call (a median, not the mean, as the mean moves with every outlier) — as a share of
//! all self time after; for a new one its self time after, of all self time after;
//! for a gone one minus its self time before, of all self time before. A function whose
//! verdict is "no change" sorts as a change of 0 (after every other row, then by its share):
//! its mean self time moves with every outlier, and the interval does not support the change.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Record, Snapshot};
use crate::format;
use crate::profile::histogram::{Histogram, bucket_range};
use crate::stats::median_interval::{CONFIDENCE, ranks};

/// The schema name and version of a diff document ([`SnapshotDiff::to_json`]).
pub const DIFF_SCHEMA: &str = "performance_timing.profile_diff/1";

/// What happened to one function between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Its median call is shorter: the whole interval of the ratio is below 1.
    Faster,
    /// Its median call is longer: the whole interval of the ratio is above 1.
    Slower,
    /// The interval of the ratio holds 1 (or a histogram is empty).
    NoChange,
    /// Called only in the new snapshot.
    New,
    /// Called only in the base snapshot.
    Gone,
}

impl Change {
    /// The verdict as one word or two: `faster`, `slower`, `no change`, `new`, `gone`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Faster => "faster",
            Change::Slower => "slower",
            Change::NoChange => "no change",
            Change::New => "new",
            Change::Gone => "gone",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One function's row of a [`SnapshotDiff`]. Pairs are `(before, after)`; a side where the
/// function was not called has 0 calls and 0 times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffRow {
    /// The recorded name.
    pub name: String,
    /// The module path.
    pub module_path: String,
    /// The verdict.
    pub change: Change,
    /// Calls before and after.
    pub calls: (u64, u64),
    /// Total (inclusive) time per call in nanoseconds, before and after.
    pub total_per_call_ns: (f64, f64),
    /// Self time per call in nanoseconds, before and after.
    pub self_per_call_ns: (f64, f64),
    /// Median call duration in nanoseconds (histogram bucket midpoint, clamped to min/max),
    /// before and after; 0 for a side without calls.
    pub median_ns: (u64, u64),
    /// Median after / median before; `None` unless both sides have calls and a median > 0.
    pub ratio: Option<f64>,
    /// The ratio's interval (at least 95 %, see the [module docs](self)); `None` with `ratio`.
    /// The upper end is infinite when the base's interval reaches 0 ns.
    pub interval: Option<(f64, f64)>,
    /// The change of self time in nanoseconds it stands for, from the medians (see the
    /// [module docs](self)).
    pub change_ns: f64,
    /// `change_ns` as a share (a fraction, signed) of all self time.
    pub share: f64,
}

/// What changed, per function, between two snapshots ([`Snapshot::diff`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotDiff {
    rows: Vec<DiffRow>,
    self_ns: (u64, u64),
    clocks: (String, String),
}

/// The JSON form of a [`SnapshotDiff`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiffDocument {
    /// Schema name and version ([`DIFF_SCHEMA`]).
    pub schema: String,
    /// The clock sources of the two snapshots.
    pub clocks: (String, String),
    /// All self time of the two snapshots, in nanoseconds.
    pub self_ns: (u64, u64),
    /// The rows, largest change first.
    pub rows: Vec<DiffRow>,
}

/// The median of `record`'s histogram and its interval `(median, low, high)` in nanoseconds at
/// coverage `level`, from order statistics over buckets; `None` when the histogram is empty.
///
/// The interval runs from the first value of the bucket holding the lower rank to the last
/// value of the bucket holding the upper rank, clamped to `[min, max]`.
///
/// ```
/// use timing_runtime::profile::histogram::Histogram;
/// use timing_runtime::profile::snapshot::diff::median_bounds;
/// let mut h = Histogram::default();
/// for v in 1..=10 { h.record(v); } // 1 … 32 ns have buckets of their own: exact
/// assert_eq!(median_bounds(&h, 1, 10, 0.95), Some((5, 2, 9)));
/// ```
pub fn median_bounds(
    histogram: &Histogram,
    min_ns: u64,
    max_ns: u64,
    level: f64,
) -> Option<(u64, u64, u64)> {
    let n = histogram.count();
    if n == 0 {
        return None;
    }
    let (lo, hi, _) = ranks(usize::try_from(n).unwrap_or(usize::MAX), level);
    let (lo, hi) = (lo as u64, hi as u64);
    let max_ns = max_ns.max(min_ns);
    let (mut low, mut high) = (None, None);
    let mut seen = 0u64;
    for (index, count) in histogram.counts() {
        let (first, last) = bucket_range(index);
        seen = seen.saturating_add(count);
        // 0-based ranks before..seen are in this bucket.
        if low.is_none() && lo < seen {
            low = Some(first);
        }
        if high.is_none() && hi < seen {
            high = Some(last);
            break;
        }
    }
    let median = histogram.quantile(0.5)?.clamp(min_ns, max_ns);
    let low = low.unwrap_or(min_ns).clamp(min_ns, max_ns);
    let high = high.unwrap_or(max_ns).clamp(min_ns, max_ns);
    Some((median, low.min(median), high.max(median)))
}

/// The level of each side's median interval: √0.95, so both hold with at least 95 %.
fn side_level() -> f64 {
    CONFIDENCE.sqrt()
}

fn per_call(ns: u64, calls: u64) -> f64 {
    if calls == 0 {
        0.0
    } else {
        ns as f64 / calls as f64
    }
}

fn row(before: Option<&Record>, after: Option<&Record>, self_ns: (u64, u64)) -> DiffRow {
    let any = after.or(before).expect("one side has the record");
    let calls = (
        before.map_or(0, Record::calls),
        after.map_or(0, Record::calls),
    );
    let b = before.filter(|r| r.calls() > 0);
    let a = after.filter(|r| r.calls() > 0);
    let bounds = |r: Option<&Record>| {
        r.and_then(|r| median_bounds(&r.histogram, r.min_ns, r.max_ns, side_level()))
    };
    let (bb, ab) = (bounds(b), bounds(a));
    let self_pc = (
        b.map_or(0.0, |r| per_call(r.self_ns, r.calls)),
        a.map_or(0.0, |r| per_call(r.self_ns, r.calls)),
    );
    let total_pc = (
        b.map_or(0.0, |r| per_call(r.total_ns, r.calls)),
        a.map_or(0.0, |r| per_call(r.total_ns, r.calls)),
    );
    let (ratio, interval) = match (bb, ab) {
        (Some((bm, bl, bh)), Some((am, al, ah))) if bm > 0 => {
            let low = if bh == 0 { 0.0 } else { al as f64 / bh as f64 };
            let high = if bl == 0 {
                f64::INFINITY
            } else {
                ah as f64 / bl as f64
            };
            (Some(am as f64 / bm as f64), Some((low, high)))
        }
        _ => (None, None),
    };
    let (change, change_ns, total) = match (b, a) {
        (None, Some(r)) => (Change::New, r.self_ns as f64, self_ns.1),
        (Some(r), None) => (Change::Gone, -(r.self_ns as f64), self_ns.0),
        (None, None) => (Change::NoChange, 0.0, self_ns.1),
        (Some(before), Some(r)) => {
            let change = match interval {
                Some((low, _)) if low > 1.0 => Change::Slower,
                Some((_, high)) if high < 1.0 => Change::Faster,
                _ => Change::NoChange,
            };
            // The median call's change (robust: a mean moves with every outlier), the part of
            // it that is self time (the base's self / total), for every call after.
            let self_fraction = if before.total_ns == 0 {
                1.0
            } else {
                (before.self_ns as f64 / before.total_ns as f64).min(1.0)
            };
            let per_call = match (bb, ab) {
                (Some((bm, _, _)), Some((am, _, _))) => am as f64 - bm as f64,
                _ => self_pc.1 - self_pc.0,
            };
            (change, per_call * self_fraction * r.calls as f64, self_ns.1)
        }
    };
    let share = if total == 0 {
        0.0
    } else {
        change_ns / total as f64
    };
    DiffRow {
        name: any.name().to_owned(),
        module_path: any.module_path().to_owned(),
        change,
        calls,
        total_per_call_ns: total_pc,
        self_per_call_ns: self_pc,
        median_ns: (bb.map_or(0, |m| m.0), ab.map_or(0, |m| m.0)),
        ratio,
        interval,
        change_ns,
        share,
    }
}

impl Snapshot {
    /// What changed, per function, from `base` to `new`: one [`DiffRow`] per function
    /// (matched by module path and name), largest change of the total first. See
    /// [`diff`](self) for the interval and the verdicts.
    ///
    /// ```
    /// use timing_runtime::profile::{self, Snapshot};
    /// use timing_runtime::profile::snapshot::diff::Change;
    /// let snap = profile::snapshot();
    /// let same = Snapshot::diff(&snap, &snap);
    /// assert!(same.rows().iter().all(|r| r.change == Change::NoChange));
    /// ```
    pub fn diff(base: &Snapshot, new: &Snapshot) -> SnapshotDiff {
        let self_ns = (
            base.total_self().as_nanos() as u64,
            new.total_self().as_nanos() as u64,
        );
        let mut after: HashMap<(&str, &str), &Record> = HashMap::new();
        for r in &new.records {
            after.entry(r.key()).or_insert(r);
        }
        let mut seen: HashMap<(&str, &str), ()> = HashMap::new();
        let mut rows = Vec::new();
        for r in &base.records {
            if seen.insert(r.key(), ()).is_some() {
                continue;
            }
            rows.push(row(Some(r), after.get(&r.key()).copied(), self_ns));
        }
        for r in &new.records {
            if seen.insert(r.key(), ()).is_none() {
                rows.push(row(None, Some(r), self_ns));
            }
        }
        rows.retain(|r| r.calls != (0, 0));
        // A change the interval does not support ranks as none: the mean self time it is
        // measured by moves with every outlier.
        let rank = |r: &DiffRow| match r.change {
            Change::NoChange => 0.0,
            _ => r.share.abs(),
        };
        rows.sort_by(|x, y| {
            rank(y)
                .total_cmp(&rank(x))
                .then_with(|| y.share.abs().total_cmp(&x.share.abs()))
                .then_with(|| x.module_path.cmp(&y.module_path))
                .then_with(|| x.name.cmp(&y.name))
        });
        SnapshotDiff {
            rows,
            self_ns,
            clocks: (base.clock().to_owned(), new.clock().to_owned()),
        }
    }
}

impl SnapshotDiff {
    /// The rows, largest change of the total first.
    pub fn rows(&self) -> &[DiffRow] {
        &self.rows
    }

    /// All self time of the base and the new snapshot, in nanoseconds.
    pub fn self_ns(&self) -> (u64, u64) {
        self.self_ns
    }

    /// The clock sources of the base and the new snapshot.
    pub fn clocks(&self) -> (&str, &str) {
        (&self.clocks.0, &self.clocks.1)
    }

    /// Whether neither snapshot recorded anything.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The JSON document (schema [`DIFF_SCHEMA`]) as a serialisable value.
    pub fn to_document(&self) -> DiffDocument {
        DiffDocument {
            schema: DIFF_SCHEMA.to_owned(),
            clocks: self.clocks.clone(),
            self_ns: self.self_ns,
            rows: self.rows.clone(),
        }
    }

    /// The diff as JSON (schema `performance_timing.profile_diff/1`); an infinite interval end
    /// is written as `null`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_document()).expect("plain data serialises")
    }

    /// The cells of one row for a text or HTML table: name, calls, self per call, total per
    /// call, median ratio, its interval, share of the total and verdict.
    pub fn cells(row: &DiffRow) -> Vec<String> {
        let ns = |v: f64| format::duration(v * 1e-9);
        let pair = |(b, a): (f64, f64), present: (bool, bool)| match present {
            (true, true) => format!("{} → {}", ns(b), ns(a)),
            (false, _) => format!("– → {}", ns(a)),
            (_, false) => format!("{} → –", ns(b)),
        };
        let present = (row.calls.0 > 0, row.calls.1 > 0);
        let ratio = |v: f64| {
            if v.is_finite() {
                format!("{v:.3}")
            } else {
                "inf".to_owned()
            }
        };
        vec![
            row.name.clone(),
            format!("{} → {}", row.calls.0, row.calls.1),
            pair(row.self_per_call_ns, present),
            pair(row.total_per_call_ns, present),
            row.ratio.map_or("–".to_owned(), ratio),
            row.interval.map_or("–".to_owned(), |(l, h)| {
                format!("{} – {}", ratio(l), ratio(h))
            }),
            format!("{:+.1}%", row.share * 100.0),
            row.change.to_string(),
        ]
    }

    /// The column names of [`SnapshotDiff::cells`].
    pub const HEADER: [&'static str; 8] = [
        "name",
        "calls",
        "self/call",
        "total/call",
        "median ratio",
        "95 % interval",
        "share",
        "verdict",
    ];
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::profile::snapshot::record::by_self_time;

    /// A record of `values` (ns), each call's self time equal to its duration.
    fn record(name: &str, values: &[u64]) -> Record {
        let mut histogram = Histogram::default();
        for &v in values {
            histogram.record(v);
        }
        let sum: u64 = values.iter().sum();
        Record {
            name: Cow::Owned(name.to_owned()),
            module_path: Cow::Borrowed("m"),
            file: Cow::Borrowed(""),
            line: 0,
            calls: values.len() as u64,
            sum_ns: sum,
            total_ns: sum,
            self_ns: sum,
            idle_ns: 0,
            min_ns: values.iter().copied().min().unwrap_or(0),
            max_ns: values.iter().copied().max().unwrap_or(0),
            histogram,
        }
    }

    fn snapshot(records: Vec<Record>) -> Snapshot {
        Snapshot {
            records: by_self_time(records),
            threads: Vec::new(),
            processes: Vec::new(),
            clock: Cow::Borrowed("tsc"),
        }
    }

    #[test]
    fn median_bounds_oracle_on_exact_buckets() {
        // 1..=32 ns have one bucket each, so the order statistics are exact values.
        let values: Vec<u64> = (1..=30).collect();
        let r = record("f", &values);
        // n = 30 at level √0.95: the sign-test ranks from `ranks`, computed by hand:
        // P(B ≤ 8) = 0.00806 ≤ 0.01266 < P(B ≤ 9) = 0.02139 for B ~ Binomial(30, ½): k = 9,
        // 0-based ranks 8 and 21, values 9 and 22; median: rank ⌈15⌉ = 15.
        assert_eq!(ranks(30, side_level()).0, 8);
        assert_eq!(
            median_bounds(&r.histogram, 1, 30, side_level()),
            Some((15, 9, 22))
        );
        assert_eq!(median_bounds(&Histogram::default(), 0, 0, 0.95), None);
    }

    #[test]
    fn median_bounds_span_whole_buckets_above_32_ns() {
        // 1000 calls of exactly 1000 ns: the bucket (992, 1008] holds them all. The interval
        // is the bucket clamped to the exact min and max, so it is the value itself.
        let r = record("f", &[1_000; 1_000]);
        assert_eq!(
            median_bounds(&r.histogram, r.min_ns, r.max_ns, side_level()),
            Some((1_000, 1_000, 1_000))
        );
        // Half at 1000, half at 1100: min/max no longer clamp the bucket edges.
        let mut values = vec![1_000u64; 500];
        values.extend([1_100; 500]);
        let r = record("f", &values);
        let (median, low, high) =
            median_bounds(&r.histogram, r.min_ns, r.max_ns, side_level()).unwrap();
        let (first, last) = bucket_range(crate::profile::histogram::bucket_index(1_000));
        assert_eq!(low, first.max(1_000));
        assert!((1_100..=1_100 + 1_100 / 16).contains(&high), "{high}");
        assert!(median >= first && median <= last);
    }

    #[test]
    fn slower_faster_and_no_change() {
        let base = snapshot(vec![
            record("same", &[1_000; 200]),
            record("slow", &[1_000; 200]),
            record("fast", &[2_000; 200]),
        ]);
        let new = snapshot(vec![
            record("same", &[1_000; 200]),
            record("slow", &[1_300; 200]),
            record("fast", &[1_000; 200]),
        ]);
        let d = Snapshot::diff(&base, &new);
        let by = |n: &str| d.rows().iter().find(|r| r.name == n).unwrap().clone();
        assert_eq!(by("same").change, Change::NoChange);
        assert_eq!(by("same").ratio, Some(1.0));
        let slow = by("slow");
        assert_eq!(slow.change, Change::Slower);
        assert!((slow.ratio.unwrap() - 1.3).abs() < 0.05, "{slow:?}");
        let (lo, hi) = slow.interval.unwrap();
        assert!(lo > 1.0 && lo <= slow.ratio.unwrap() && hi >= slow.ratio.unwrap());
        assert_eq!(slow.calls, (200, 200));
        assert_eq!(slow.self_per_call_ns, (1_000.0, 1_300.0));
        assert_eq!(slow.change_ns, 300.0 * 200.0);
        let fast = by("fast");
        assert_eq!(fast.change, Change::Faster);
        assert_eq!(fast.change_ns, -1_000.0 * 200.0);
        // Largest share first: fast (−200 µs) before slow (+60 µs) before same (0).
        let names: Vec<&str> = d.rows().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["fast", "slow", "same"]);
        assert!((d.rows()[0].share - (-200_000.0 / 660_000.0)).abs() < 1e-12);
    }

    #[test]
    fn overlapping_distributions_are_no_change() {
        // The same spread, shifted by less than the interval allows.
        let base: Vec<u64> = (0..101).map(|i| 1_000 + 10 * i).collect();
        let new: Vec<u64> = (0..101).map(|i| 1_010 + 10 * i).collect();
        let d = Snapshot::diff(
            &snapshot(vec![record("f", &base)]),
            &snapshot(vec![record("f", &new)]),
        );
        let r = &d.rows()[0];
        assert_eq!(r.change, Change::NoChange, "{r:?}");
        let (lo, hi) = r.interval.unwrap();
        assert!(lo < 1.0 && hi > 1.0);
    }

    #[test]
    fn new_gone_and_renamed() {
        let base = snapshot(vec![
            record("kept", &[100; 10]),
            record("old_name", &[50; 4]),
        ]);
        let new = snapshot(vec![
            record("kept", &[100; 10]),
            record("new_name", &[50; 4]),
        ]);
        let d = Snapshot::diff(&base, &new);
        let by = |n: &str| d.rows().iter().find(|r| r.name == n).unwrap().clone();
        let gone = by("old_name");
        assert_eq!((gone.change, gone.calls), (Change::Gone, (4, 0)));
        assert_eq!(gone.self_per_call_ns, (50.0, 0.0));
        assert_eq!((gone.ratio, gone.interval), (None, None));
        assert!((gone.share + 200.0 / 1_200.0).abs() < 1e-12);
        let new_row = by("new_name");
        assert_eq!((new_row.change, new_row.calls), (Change::New, (0, 4)));
        assert_eq!(new_row.change_ns, 200.0);
        assert_eq!(by("kept").change, Change::NoChange);
        assert_eq!(d.rows().len(), 3);
        // Same name in another module is another function.
        let mut other = record("kept", &[100; 10]);
        other.module_path = Cow::Borrowed("other");
        let d = Snapshot::diff(&base, &snapshot(vec![other]));
        assert_eq!(
            d.rows().iter().filter(|r| r.name == "kept").count(),
            2,
            "{:?}",
            d.rows()
        );
    }

    #[test]
    fn empty_profiles() {
        let empty = snapshot(Vec::new());
        let d = Snapshot::diff(&empty, &empty);
        assert!(d.is_empty());
        assert!(d.to_table().contains("nothing recorded"));
        let full = snapshot(vec![record("f", &[10; 3])]);
        let d = Snapshot::diff(&empty, &full);
        assert_eq!(d.rows()[0].change, Change::New);
        assert_eq!(d.rows()[0].share, 1.0);
        let d = Snapshot::diff(&full, &empty);
        assert_eq!(d.rows()[0].change, Change::Gone);
        assert_eq!(d.rows()[0].share, -1.0);
        // A record with no calls on both sides is not a row.
        let d = Snapshot::diff(&snapshot(vec![record("z", &[])]), &empty);
        assert!(d.is_empty());
    }

    #[test]
    fn json_and_table() {
        let base = snapshot(vec![record("f", &[1_000; 50])]);
        let new = snapshot(vec![record("f", &[2_000; 50]), record("<b>g</b>", &[5; 1])]);
        let d = Snapshot::diff(&base, &new);
        let doc: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(doc["schema"], DIFF_SCHEMA);
        assert_eq!(doc["rows"][0]["name"], "f");
        assert_eq!(doc["rows"][0]["change"], "slower");
        assert_eq!(doc["rows"][1]["change"], "new");
        assert!(doc["rows"][1]["ratio"].is_null());
        let table = d.to_table();
        let first = table.lines().nth(2).unwrap();
        assert!(
            first.starts_with("f ") && first.ends_with("slower"),
            "{table}"
        );
        assert!(first.contains("1.00 µs → 2.00 µs"), "{table}");
        let mut html = Vec::new();
        crate::export::report::write_report(
            &[crate::export::report::Entry::Diff {
                title: "what changed",
                diff: &d,
            }],
            None,
            &mut html,
        )
        .unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("&lt;b&gt;g&lt;/b&gt;") && !html.contains("<b>g</b>"));
        assert!(html.contains("verdict slower"));
    }
}
