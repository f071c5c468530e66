//! Snapshots of the global profile: collecting every thread's counters into merged and
//! per-thread [`Record`]s.
//!
//! * `naming`: the names records are shown under (from `type_name` paths);
//! * [`json`]: the JSON document of a snapshot;
//! * the text table is printed by [`crate::export::table`].

pub mod json;
mod naming;

pub use json::{ProfileDocument, RecordDocument, ThreadDocument};

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::callsite::CallSite;
use super::histogram::Histogram;
use super::registry::{self, current_epoch};
use super::slot::SlotData;
use crate::clock::tsc::{self, raw_to_nanos};
use crate::error::TimingError;

/// The percentiles shown in tables and JSON.
pub const STANDARD_PERCENTILES: [f64; 4] = [50.0, 90.0, 99.0, 99.9];

/// What one call site recorded (in one thread, or merged over all threads).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    name: String,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    calls: u64,
    sum_ns: u64,
    total_ns: u64,
    self_ns: u64,
    min_ns: u64,
    max_ns: u64,
    histogram: Histogram,
}

impl Record {
    fn new(site: &CallSite, data: &SlotData) -> Self {
        Self {
            name: naming::display_name(site),
            module_path: site.module_path(),
            file: site.file(),
            line: site.line(),
            calls: data.calls,
            sum_ns: raw_to_nanos(data.sum),
            total_ns: raw_to_nanos(data.total),
            self_ns: raw_to_nanos(data.self_time),
            min_ns: raw_to_nanos(data.min),
            max_ns: raw_to_nanos(data.max),
            histogram: data.histogram.clone(),
        }
    }

    /// The recorded name: `#[timed(name = …)]`, or the function's path relative to its
    /// module (`parse`, `Parser::new`, `<Lexer as Iterator>::next`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The module path of the instrumented function.
    pub fn module_path(&self) -> &str {
        self.module_path
    }

    /// Source file and line of the instrumented function (empty / 0 for dynamic sites).
    pub fn location(&self) -> (&str, u32) {
        (self.file, self.line)
    }

    /// Inclusive time in nanoseconds (see [`Record::total`]).
    pub fn total_ns(&self) -> u64 {
        self.total_ns
    }

    /// Self time in nanoseconds (see [`Record::self_time`]).
    pub fn self_ns(&self) -> u64 {
        self.self_ns
    }

    /// Number of calls.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Inclusive time: wall time inside the function (outermost frames under recursion).
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.total_ns)
    }

    /// Exclusive time: total minus time in timed functions called from it.
    pub fn self_time(&self) -> Duration {
        Duration::from_nanos(self.self_ns)
    }

    /// Shortest call.
    pub fn min(&self) -> Duration {
        Duration::from_nanos(self.min_ns)
    }

    /// Longest call.
    pub fn max(&self) -> Duration {
        Duration::from_nanos(self.max_ns)
    }

    /// Mean call duration (every call's inclusive time, recursive ones included).
    pub fn mean(&self) -> Duration {
        Duration::from_nanos(self.sum_ns.checked_div(self.calls).unwrap_or(0))
    }

    /// The `q`-th percentile (0 ≤ q ≤ 100) of call durations, from the histogram: within
    /// ±3.2 % of the exact value, clamped to `[min, max]`.
    pub fn percentile(&self, q: f64) -> Result<Duration, TimingError> {
        if !(0.0..=100.0).contains(&q) {
            return Err(TimingError::invalid(
                "q",
                format!("must be between 0 and 100, got {q}"),
            ));
        }
        let ns = self.histogram.quantile(q / 100.0).unwrap_or(0);
        let ns = ns.clamp(self.min_ns, self.max_ns.max(self.min_ns));
        Ok(Duration::from_nanos(ns))
    }

    /// Number of calls that took at most `nanos` nanoseconds, from the histogram.
    ///
    /// This is the cumulative count a Prometheus histogram bucket `le` exports. It is exact
    /// whenever `nanos` is an upper edge of a nanosecond bucket: every integer up to 32 and
    /// every power of two from 32 ns on (see [`histogram`](super::histogram)); for other values
    /// it counts the buckets that end at or below `nanos` (at most one bucket, ±3.2 %, short).
    pub fn calls_at_most(&self, nanos: u64) -> u64 {
        self.histogram.count_at_most(nanos)
    }

    /// The record's histogram of call durations (nanosecond buckets).
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// [`Record::percentile`] in nanoseconds (0 for `q` outside 0–100).
    pub fn percentile_ns(&self, q: f64) -> u64 {
        self.percentile(q).map_or(0, |d| d.as_nanos() as u64)
    }
}

/// One thread's records.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadProfile {
    /// The thread's name (or `thread-N`), or `(exited threads)` for threads that have ended.
    pub thread: String,
    /// Its records, by self time, largest first.
    pub records: Vec<Record>,
}

/// A copy of the global profile at one instant, merged over threads.
///
/// Taking it does not stop recording threads: each record's counters are read consistently
/// (a per-slot sequence lock); the histograms may lag the counters by calls in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    records: Vec<Record>,
    threads: Vec<ThreadProfile>,
}

/// Takes a snapshot of everything recorded since the start or the last
/// [`reset`](super::reset).
pub fn snapshot() -> Snapshot {
    tsc::calibrate();
    let epoch = current_epoch();
    // First copy the counters (thread name, site id, data), then look the sites up: a site is
    // registered before any slot of it exists, so every id seen here is in the list read after.
    let mut per_thread: Vec<(String, Vec<(usize, SlotData)>)> = Vec::new();
    {
        let state = registry::threads();
        for record in &state.live {
            if record.epoch.load(Ordering::Relaxed) != epoch {
                continue;
            }
            let slots: Vec<(usize, SlotData)> = registry::lock(&record.slots)
                .iter()
                .map(|slot| (slot.site_id as usize, slot.read()))
                .filter(|(_, data)| data.calls > 0)
                .collect();
            per_thread.push((record.name.clone(), slots));
        }
        let exited = state
            .exited
            .iter()
            .enumerate()
            .filter(|(_, data)| data.calls > 0)
            .map(|(id, data)| (id, data.clone()))
            .collect();
        per_thread.push(("(exited threads)".to_owned(), exited));
    }
    let sites = registry::sites();
    let record = |id: usize, data: &SlotData| sites.get(id).map(|site| Record::new(site, data));
    let mut merged: Vec<SlotData> = Vec::new();
    let mut threads = Vec::new();
    for (thread, slots) in per_thread {
        for (id, data) in &slots {
            if merged.len() <= *id {
                merged.resize_with(id + 1, SlotData::default);
            }
            merged[*id].merge(data);
        }
        let records: Vec<Record> = slots.iter().filter_map(|(id, d)| record(*id, d)).collect();
        if !records.is_empty() {
            threads.push(ThreadProfile {
                thread,
                records: sorted(records),
            });
        }
    }
    let records = merged
        .iter()
        .enumerate()
        .filter(|(_, d)| d.calls > 0)
        .filter_map(|(id, d)| record(id, d))
        .collect();
    Snapshot {
        records: sorted(records),
        threads,
    }
}

fn sorted(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by(|a, b| b.self_ns.cmp(&a.self_ns).then_with(|| a.name.cmp(&b.name)));
    records
}

impl Snapshot {
    /// Records merged over all threads, by self time, largest first.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Per-thread records (live threads, then the merged exited threads).
    pub fn threads(&self) -> &[ThreadProfile] {
        &self.threads
    }

    /// The record called `name` (or `module::path::name`), if any.
    pub fn get(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name).or_else(|| {
            self.records.iter().find(|r| {
                name.strip_prefix(r.module_path)
                    .and_then(|rest| rest.strip_prefix("::"))
                    .is_some_and(|rest| rest == r.name)
            })
        })
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Sum of self time over all records: the time spent in instrumented code.
    pub fn total_self(&self) -> Duration {
        Duration::from_nanos(self.records.iter().map(|r| r.self_ns).sum())
    }
}
