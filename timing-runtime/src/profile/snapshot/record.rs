//! [`Record`]: what one call site recorded, in nanoseconds, and [`ThreadProfile`].

use std::borrow::Cow;
use std::time::Duration;

use crate::error::TimingError;
use crate::profile::histogram::Histogram;
use crate::profile::slot::SlotData;

/// What one call site recorded (in one thread, or merged over threads and processes).
///
/// Every figure is in nanoseconds, so records from different processes and hosts add exactly
/// ([`Record::merge`]): calls, total, self time and the mean's sum add, min and max combine,
/// histograms add bucket for bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub(crate) name: Cow<'static, str>,
    pub(crate) module_path: Cow<'static, str>,
    pub(crate) file: Cow<'static, str>,
    pub(crate) line: u32,
    pub(crate) calls: u64,
    pub(crate) sum_ns: u64,
    pub(crate) total_ns: u64,
    pub(crate) self_ns: u64,
    /// Time suspended between steps, for calls that run in steps (0 for the others).
    pub(crate) idle_ns: u64,
    pub(crate) min_ns: u64,
    pub(crate) max_ns: u64,
    pub(crate) histogram: Histogram,
}

impl Record {
    /// The record of counters in raw clock units, converted to nanoseconds by `to_nanos`.
    pub(crate) fn from_raw(
        name: Cow<'static, str>,
        module_path: Cow<'static, str>,
        file: Cow<'static, str>,
        line: u32,
        data: SlotData,
        to_nanos: impl Fn(u64) -> u64,
    ) -> Self {
        Self {
            name,
            module_path,
            file,
            line,
            calls: data.calls,
            sum_ns: to_nanos(data.sum),
            total_ns: to_nanos(data.total),
            self_ns: to_nanos(data.self_time),
            idle_ns: to_nanos(data.idle),
            min_ns: to_nanos(data.min),
            max_ns: to_nanos(data.max),
            histogram: data.histogram,
        }
    }

    /// The recorded name: `#[timed(name = …)]`, or the function's path relative to its
    /// module (`parse`, `Parser::new`, `<Lexer as Iterator>::next`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The module path of the instrumented function.
    pub fn module_path(&self) -> &str {
        &self.module_path
    }

    /// `module::name`: the name that tells this record apart from same-named ones of other
    /// modules (`pkg.b::load`, `my_crate::io::load`); the plain name when the module is empty.
    pub fn qualified_name(&self) -> String {
        if self.module_path.is_empty() {
            self.name.to_string()
        } else {
            format!("{}::{}", self.module_path, self.name)
        }
    }

    /// Whether some calls ran inside another call of the same function (recursion): then
    /// [`Record::total`] counts the outermost calls only, and mean × calls exceeds it.
    pub fn is_recursive(&self) -> bool {
        self.sum_ns > self.total_ns
    }

    /// Source file and line of the instrumented function (empty / 0 for dynamic sites).
    pub fn location(&self) -> (&str, u32) {
        (&self.file, self.line)
    }

    /// Inclusive time in nanoseconds (see [`Record::total`]).
    pub fn total_ns(&self) -> u64 {
        self.total_ns
    }

    /// Self time in nanoseconds (see [`Record::self_time`]).
    pub fn self_ns(&self) -> u64 {
        self.self_ns
    }

    /// Idle time in nanoseconds (see [`Record::idle`]).
    pub fn idle_ns(&self) -> u64 {
        self.idle_ns
    }

    /// Busy time in nanoseconds (see [`Record::busy`]).
    pub fn busy_ns(&self) -> u64 {
        self.total_ns.saturating_sub(self.idle_ns)
    }

    /// Time the calls of a site that runs in steps (async functions, Python coroutines,
    /// generators and async generators, and `with timed(...)` blocks inside them) spent
    /// suspended, between their steps; zero for plain calls.
    pub fn idle(&self) -> Duration {
        Duration::from_nanos(self.idle_ns)
    }

    /// Time running: [`Record::total`] minus [`Record::idle`] (all of the total for plain
    /// calls).
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.busy_ns())
    }

    /// Sum of every call's inclusive time in nanoseconds, recursive calls included (the
    /// numerator of [`Record::mean`]).
    pub fn sum_ns(&self) -> u64 {
        self.sum_ns
    }

    /// Shortest call in nanoseconds.
    pub fn min_ns(&self) -> u64 {
        self.min_ns
    }

    /// Longest call in nanoseconds.
    pub fn max_ns(&self) -> u64 {
        self.max_ns
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
    /// every power of two from 32 ns on (see [`histogram`](crate::profile::histogram)); for
    /// other values it counts the buckets that end at or below `nanos` (at most one bucket,
    /// ±3.2 %, short).
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

    /// Adds `other`'s calls to this record: calls, total, self and the mean's sum add
    /// exactly (a sum beyond 2^64 − 1 is an error, and the record is left as it was), min and
    /// max combine, histograms add bucket for bucket. Names are kept;
    /// a missing source location is taken from `other`.
    pub fn merge(&mut self, other: &Record) -> Result<(), TimingError> {
        if other.calls == 0 {
            return Ok(());
        }
        let add = |field: &str, a: u64, b: u64| {
            a.checked_add(b).ok_or_else(|| {
                TimingError::invalid(
                    "snapshots",
                    format!(
                        "cannot be added: {field} of {:?} would be {} + {}, more than 2^64 - 1",
                        self.name, a, b
                    ),
                )
            })
        };
        let calls = add("calls", self.calls, other.calls)?;
        let sum_ns = add("sum_ns", self.sum_ns, other.sum_ns)?;
        let total_ns = add("total_ns", self.total_ns, other.total_ns)?;
        let self_ns = add("self_ns", self.self_ns, other.self_ns)?;
        let idle_ns = add("idle_ns", self.idle_ns, other.idle_ns)?;
        let mut histogram = self.histogram.clone();
        if !histogram.checked_merge(&other.histogram) {
            return Err(TimingError::invalid(
                "snapshots",
                format!(
                    "cannot be added: a histogram bucket of {:?} would pass 2^64 - 1",
                    self.name
                ),
            ));
        }
        if self.file.is_empty() && self.line == 0 {
            self.file = other.file.clone();
            self.line = other.line;
        }
        self.min_ns = if self.calls == 0 {
            other.min_ns
        } else {
            self.min_ns.min(other.min_ns)
        };
        self.max_ns = self.max_ns.max(other.max_ns);
        self.calls = calls;
        self.sum_ns = sum_ns;
        self.total_ns = total_ns;
        self.self_ns = self_ns;
        self.idle_ns = idle_ns;
        self.histogram = histogram;
        Ok(())
    }

    /// The key records are matched by when merging: `(module path, name)`.
    pub(crate) fn key(&self) -> (&str, &str) {
        (&self.module_path, &self.name)
    }
}

/// One thread's records.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadProfile {
    /// The thread's name (or `thread-N`), or `(exited threads)` for threads that have ended.
    /// In a snapshot merged from several processes it is prefixed with `host:pid/`.
    pub thread: String,
    /// Its records, by self time, largest first.
    pub records: Vec<Record>,
}

/// Sorts records by self time, largest first; ties keep their order.
pub(crate) fn by_self_time(records: Vec<Record>) -> Vec<Record> {
    // Sort positions on an integer key (no string compares, no moves of large records), then
    // move each record once.
    let mut order: Vec<(u64, usize)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (u64::MAX - r.self_ns, i))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<Record>> = records.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, i)| slots[i].take())
        .collect()
}
