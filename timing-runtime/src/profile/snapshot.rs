//! Snapshots of the global profile: merged and per-thread records, a text table and JSON.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Serialize;

use super::callsite::CallSite;
use super::histogram::Histogram;
use super::registry::{self, current_epoch};
use super::slot::SlotData;
use crate::error::TimingError;
use crate::fast_clock::{self, raw_to_nanos};
use crate::report::format_nanos;

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
            name: display_name(site),
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
        let raw = self.histogram.quantile(q / 100.0).unwrap_or(0);
        let ns = raw_to_nanos(raw).clamp(self.min_ns, self.max_ns.max(self.min_ns));
        Ok(Duration::from_nanos(ns))
    }

    fn percentile_ns(&self, q: f64) -> u64 {
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
    fast_clock::calibrate();
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

/// The name shown for `site`: its explicit name, or its path relative to its module.
fn display_name(site: &CallSite) -> String {
    match site.explicit_name() {
        Some(name) => name.to_owned(),
        None => path_name(site.raw_path(), site.module_path()),
    }
}

/// Turns the `type_name` of the marker fn nested in an instrumented function into a short,
/// readable name: `crate::m::Parser::new::__timed_path` → `Parser::new`,
/// `<crate::m::P as core::fmt::Display>::fmt::__timed_path` → `<P as Display>::fmt`,
/// `crate::m::W<_>::get::__timed_path` → `W::get`, `crate::m::f::{{closure}}::__timed_path` → `f`.
fn path_name(raw: &str, module_path: &str) -> String {
    // Drop the marker fn and the closures of `async fn` bodies.
    let path = raw.rsplit_once("::").map_or(raw, |(head, _)| head);
    let path = path.replace("::{{closure}}", "");
    if let Some(rest) = path.strip_prefix('<') {
        // `<Type as Trait>::method`: shorten both paths.
        if let Some(close) = matching_angle(rest) {
            let (qualified, tail) = (&rest[..close], &rest[close + 1..]);
            let shortened: Vec<String> = qualified
                .split(" as ")
                .map(|p| last_segment(&strip_generics(p)).to_owned())
                .collect();
            return format!("<{}>{}", shortened.join(" as "), strip_generics(tail));
        }
    }
    let relative = path
        .strip_prefix(module_path)
        .and_then(|r| r.strip_prefix("::"))
        .unwrap_or(&path);
    strip_generics(relative)
}

/// Index of the `>` closing an angle bracket opened just before `s`.
fn matching_angle(s: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Removes generic arguments: `W<_>::get` → `W::get`.
fn strip_generics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
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

    /// A text table sorted by self time: calls, total, self, mean, p50, p99 and the share of
    /// all self time.
    pub fn to_table(&self) -> String {
        if self.is_empty() {
            return "Profile: nothing recorded".to_owned();
        }
        let all_self = self.total_self().as_nanos() as f64;
        let header = [
            "name", "calls", "total", "self", "mean", "p50", "p99", "% self",
        ];
        let mut rows: Vec<[String; 8]> = vec![header.map(str::to_owned)];
        for r in &self.records {
            rows.push([
                r.name.clone(),
                r.calls.to_string(),
                format_nanos(r.total_ns),
                format_nanos(r.self_ns),
                format_nanos(r.mean().as_nanos() as u64),
                format_nanos(r.percentile_ns(50.0)),
                format_nanos(r.percentile_ns(99.0)),
                format!("{:.1}%", crate::report::percent(r.self_ns as f64, all_self)),
            ]);
        }
        let widths: Vec<usize> = (0..8)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for (i, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let pad = widths[c] - cell.chars().count();
                if c == 0 {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            out.push('\n');
            if i == 0 {
                out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * 7));
                out.push('\n');
            }
        }
        out.pop();
        out
    }

    /// The snapshot as JSON (schema `performance_timing.profile/1`): clock source, merged
    /// records and per-thread records, durations in seconds.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_document()).expect("plain data serialises")
    }

    /// The JSON document as a serialisable value.
    pub fn to_document(&self) -> ProfileDocument {
        ProfileDocument {
            schema: "performance_timing.profile/1",
            clock: fast_clock::source(),
            records: self.records.iter().map(RecordDocument::from).collect(),
            threads: self
                .threads
                .iter()
                .map(|t| ThreadDocument {
                    thread: t.thread.clone(),
                    records: t.records.iter().map(RecordDocument::from).collect(),
                })
                .collect(),
        }
    }
}

/// The JSON form of a [`Snapshot`].
#[derive(Debug, Clone, Serialize)]
pub struct ProfileDocument {
    /// Schema name and version.
    pub schema: &'static str,
    /// `"tsc"` or `"monotonic"`.
    pub clock: &'static str,
    /// Merged records.
    pub records: Vec<RecordDocument>,
    /// Per-thread records.
    pub threads: Vec<ThreadDocument>,
}

/// The JSON form of a [`ThreadProfile`].
#[derive(Debug, Clone, Serialize)]
pub struct ThreadDocument {
    /// Thread name.
    pub thread: String,
    /// Its records.
    pub records: Vec<RecordDocument>,
}

/// The JSON form of a [`Record`] (durations in seconds).
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct RecordDocument {
    pub name: String,
    pub module_path: String,
    pub file: String,
    pub line: u32,
    pub calls: u64,
    pub total_secs: f64,
    pub self_secs: f64,
    pub mean_secs: f64,
    pub min_secs: f64,
    pub max_secs: f64,
    pub p50_secs: f64,
    pub p90_secs: f64,
    pub p99_secs: f64,
    pub p999_secs: f64,
}

impl From<&Record> for RecordDocument {
    fn from(r: &Record) -> Self {
        let secs = |ns: u64| ns as f64 / 1e9;
        Self {
            name: r.name.clone(),
            module_path: r.module_path.to_owned(),
            file: r.file.to_owned(),
            line: r.line,
            calls: r.calls,
            total_secs: secs(r.total_ns),
            self_secs: secs(r.self_ns),
            mean_secs: r.mean().as_secs_f64(),
            min_secs: secs(r.min_ns),
            max_secs: secs(r.max_ns),
            p50_secs: secs(r.percentile_ns(50.0)),
            p90_secs: secs(r.percentile_ns(90.0)),
            p99_secs: secs(r.percentile_ns(99.0)),
            p999_secs: secs(r.percentile_ns(99.9)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::path_name;

    #[test]
    fn names_from_type_name_paths() {
        let m = "app::m";
        let cases = [
            ("app::m::free::__timed_path", "free"),
            ("app::m::Parser::new::__timed_path", "Parser::new"),
            ("app::m::Lexer::new::__timed_path", "Lexer::new"),
            ("app::m::Wrapper<_>::get::__timed_path", "Wrapper::get"),
            (
                "app::m::Wrapper<u8>::concrete::__timed_path",
                "Wrapper::concrete",
            ),
            (
                "<app::m::Parser as core::fmt::Display>::fmt::__timed_path",
                "<Parser as Display>::fmt",
            ),
            (
                "<app::m::Wrapper<_> as core::fmt::Display>::fmt::__timed_path",
                "<Wrapper as Display>::fmt",
            ),
            ("app::m::Shape::area::__timed_path", "Shape::area"),
            ("app::m::outer::inner::__timed_path", "outer::inner"),
            ("app::m::fetch::{{closure}}::__timed_path", "fetch"),
            (
                "app::m::Parser::run::{{closure}}::__timed_path",
                "Parser::run",
            ),
            ("other::place::f::__timed_path", "other::place::f"),
        ];
        for (raw, want) in cases {
            assert_eq!(path_name(raw, m), want, "{raw}");
        }
    }
}
