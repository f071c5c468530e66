//! [`Frame`]: one interval of the watched processes, laid out as a table ([`Frame::table`])
//! or printed as text ([`Frame::to_text`]) and JSON ([`Frame::to_json`]).

use serde_json::{Value, json};

use crate::export::table::render;
use crate::format;
use crate::profile::snapshot::{Interval, IntervalRecord};

/// A column of the table, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `module:name` of the function.
    Function,
    /// Calls per second over the interval.
    CallsPerSec,
    /// Self time per second, as % of one core (400 % = busy in 4 processes).
    SelfPerSec,
    /// Inclusive time per second, as % of one core.
    TotalPerSec,
    /// Share of the interval's self time (all functions: 100 %).
    SelfShare,
    /// Mean duration of the interval's calls.
    Mean,
    /// Median of the interval's calls (from the histogram difference).
    P50,
    /// 99th percentile of the interval's calls.
    P99,
    /// Calls since start.
    Calls,
    /// Inclusive time since start.
    Total,
}

impl Column {
    /// Every column, in the order shown.
    pub const ALL: [Column; 10] = [
        Column::Function,
        Column::CallsPerSec,
        Column::SelfPerSec,
        Column::TotalPerSec,
        Column::SelfShare,
        Column::Mean,
        Column::P50,
        Column::P99,
        Column::Calls,
        Column::Total,
    ];

    /// The order in which columns are dropped when the table is wider than the terminal
    /// (`function`, `calls/s` and `self/s` are always kept; the name is cut last).
    pub const DROP_ORDER: [Column; 7] = [
        Column::Total,
        Column::Mean,
        Column::P50,
        Column::TotalPerSec,
        Column::Calls,
        Column::P99,
        Column::SelfShare,
    ];

    /// The column's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Function => "function",
            Column::CallsPerSec => "calls/s",
            Column::SelfPerSec => "self/s",
            Column::TotalPerSec => "total/s",
            Column::SelfShare => "% self",
            Column::Mean => "mean",
            Column::P50 => "p50",
            Column::P99 => "p99",
            Column::Calls => "calls",
            Column::Total => "total",
        }
    }

    /// The column of a heading (or of a short key: `name`, `self`, `share`, `calls_s`…).
    pub fn parse(text: &str) -> Option<Column> {
        let key = text.trim().to_ascii_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.heading() == key)
            .or(match key.as_str() {
                "name" => Some(Column::Function),
                "calls_s" | "rate" => Some(Column::CallsPerSec),
                "self" | "self_s" => Some(Column::SelfPerSec),
                "total_s" => Some(Column::TotalPerSec),
                "share" => Some(Column::SelfShare),
                _ => None,
            })
    }
}

/// How a frame is laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// The column rows are sorted by: largest first, names A to Z.
    pub sort: Column,
    /// Reverse the order.
    pub reverse: bool,
    /// Keep only functions whose `module:name` contains this (case-insensitive; empty: all).
    pub filter: String,
    /// Add a row per process under each function.
    pub per_process: bool,
    /// Drop columns (in [`Column::DROP_ORDER`]) and cut names to fit this many characters.
    pub width: Option<usize>,
    /// Show at most this many functions.
    pub limit: Option<usize>,
}

impl Default for View {
    fn default() -> Self {
        View {
            sort: Column::SelfPerSec,
            reverse: false,
            filter: String::new(),
            per_process: false,
            width: None,
            limit: None,
        }
    }
}

/// One process's interval within a frame.
pub(crate) struct ProcessInterval {
    pub label: String,
    pub live: bool,
    pub interval: std::sync::Arc<Interval>,
}

/// One interval of every watched process: see the [module](crate::top).
pub struct Frame {
    pub(crate) seconds: f64,
    pub(crate) uptime: f64,
    pub(crate) live: usize,
    pub(crate) exited: usize,
    pub(crate) threads: usize,
    pub(crate) sources: Vec<String>,
    pub(crate) problems: Vec<String>,
    pub(crate) merged: Interval,
    pub(crate) processes: Vec<ProcessInterval>,
}

/// A laid-out frame: the columns kept and the rows' cells (strings from the one formatter).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns kept, in order.
    pub columns: Vec<Column>,
    /// The rows: `(is a per-process row, cells)`.
    pub rows: Vec<(bool, Vec<String>)>,
    /// Functions matching the filter (before the limit).
    pub matched: usize,
}

fn display_name(r: &IntervalRecord) -> String {
    if r.module_path.is_empty() {
        r.name.clone()
    } else {
        format!("{}:{}", r.module_path, r.name)
    }
}

fn per_sec(value: f64, seconds: f64) -> f64 {
    if seconds > 0.0 { value / seconds } else { 0.0 }
}

/// A count without the `/s` of [`format::rate`]: `12.0`, `2.41 M`.
fn count_rate(x: f64) -> String {
    format::rate(x, "").trim_end_matches("/s").trim().to_owned()
}

fn optional_nanos(ns: Option<u64>) -> String {
    ns.map_or_else(|| "-".to_owned(), format::nanos)
}

impl Frame {
    /// The interval's length in seconds (0 for the first read).
    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    /// The interval summed over processes.
    pub fn merged(&self) -> &Interval {
        &self.merged
    }

    /// Problems met at this read, one line each (a missing directory, a URL that refused, a
    /// file that is not a profile…); the other sources are still shown.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Live and exited processes.
    pub fn process_counts(&self) -> (usize, usize) {
        (self.live, self.exited)
    }

    /// The header line: processes, threads, interval, time since start, sources.
    pub fn header(&self) -> String {
        format!(
            "processes: {} live, {} exited · threads: {} · interval: {} · up {} · source: {}",
            self.live,
            self.exited,
            self.threads,
            format::duration(self.seconds),
            format::duration(self.uptime),
            self.sources.join(", ")
        )
    }

    fn value(&self, r: &IntervalRecord, column: Column, all_self: f64) -> f64 {
        match column {
            Column::Function => 0.0,
            Column::CallsPerSec => per_sec(r.calls as f64, self.seconds),
            Column::SelfPerSec => per_sec(r.self_ns as f64 / 1e9, self.seconds),
            Column::TotalPerSec => per_sec(r.total_ns as f64 / 1e9, self.seconds),
            Column::SelfShare => format::percent(r.self_ns as f64, all_self),
            Column::Mean => r.mean_ns().unwrap_or(0) as f64,
            Column::P50 => r.quantile_ns(0.5).unwrap_or(0) as f64,
            Column::P99 => r.quantile_ns(0.99).unwrap_or(0) as f64,
            Column::Calls => r.cumulative_calls as f64,
            Column::Total => r.cumulative_total_ns as f64,
        }
    }

    fn cell(&self, r: &IntervalRecord, column: Column, all_self: f64) -> String {
        match column {
            Column::Function => display_name(r),
            Column::CallsPerSec => count_rate(self.value(r, column, all_self)),
            Column::SelfPerSec | Column::TotalPerSec | Column::SelfShare => {
                let share = self.value(r, column, all_self);
                let share = if column == Column::SelfShare {
                    share
                } else {
                    share * 100.0
                };
                format!("{share:.1}%")
            }
            Column::Mean => optional_nanos(r.mean_ns()),
            Column::P50 => optional_nanos(r.quantile_ns(0.5)),
            Column::P99 => optional_nanos(r.quantile_ns(0.99)),
            Column::Calls => r.cumulative_calls.to_string(),
            Column::Total => format::nanos(r.cumulative_total_ns),
        }
    }

    fn order(&self, records: &mut [&IntervalRecord], view: &View, all_self: f64) {
        if view.sort == Column::Function {
            records.sort_by_key(|r| display_name(r));
        } else {
            records.sort_by(|a, b| {
                self.value(b, view.sort, all_self)
                    .total_cmp(&self.value(a, view.sort, all_self))
                    .then_with(|| display_name(a).cmp(&display_name(b)))
            });
        }
        if view.reverse {
            records.reverse();
        }
    }

    /// The frame laid out by `view`.
    pub fn table(&self, view: &View) -> Table {
        let all_self = self.merged.total_self_ns() as f64;
        let needle = view.filter.to_lowercase();
        let mut records: Vec<&IntervalRecord> = self
            .merged
            .records()
            .iter()
            .filter(|r| needle.is_empty() || display_name(r).to_lowercase().contains(&needle))
            .collect();
        let matched = records.len();
        self.order(&mut records, view, all_self);
        records.truncate(view.limit.unwrap_or(usize::MAX));
        let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
        for r in records {
            rows.push((
                false,
                Column::ALL
                    .iter()
                    .map(|&c| self.cell(r, c, all_self))
                    .collect(),
            ));
            if view.per_process {
                let mut parts: Vec<(&ProcessInterval, &IntervalRecord)> = self
                    .processes
                    .iter()
                    .filter_map(|p| {
                        p.interval
                            .records()
                            .iter()
                            .find(|x| x.name == r.name && x.module_path == r.module_path)
                            .map(|x| (p, x))
                    })
                    .collect();
                parts.sort_by(|a, b| {
                    self.value(b.1, view.sort, all_self)
                        .total_cmp(&self.value(a.1, view.sort, all_self))
                });
                for (p, x) in parts {
                    let mut cells: Vec<String> = Column::ALL
                        .iter()
                        .map(|&c| self.cell(x, c, all_self))
                        .collect();
                    cells[0] = format!("  └ {}{}", p.label, if p.live { "" } else { " (exited)" });
                    rows.push((true, cells));
                }
            }
        }
        let mut columns: Vec<Column> = Column::ALL.to_vec();
        if let Some(width) = view.width {
            let widths = |columns: &[Column], rows: &[(bool, Vec<String>)]| -> usize {
                columns
                    .iter()
                    .map(|&c| {
                        let at = Column::ALL.iter().position(|&x| x == c).unwrap_or(0);
                        rows.iter()
                            .map(|(_, cells)| cells[at].chars().count())
                            .chain([c.heading().chars().count()])
                            .max()
                            .unwrap_or(0)
                    })
                    .sum::<usize>()
                    + 2 * columns.len().saturating_sub(1)
            };
            for drop in Column::DROP_ORDER {
                if widths(&columns, &rows) <= width {
                    break;
                }
                columns.retain(|&c| c != drop);
            }
            let over = widths(&columns, &rows).saturating_sub(width);
            if over > 0 {
                let longest = rows
                    .iter()
                    .map(|(_, c)| c[0].chars().count())
                    .max()
                    .unwrap_or(0);
                let keep = longest.saturating_sub(over).max(8);
                for (_, cells) in &mut rows {
                    if cells[0].chars().count() > keep {
                        let cut: String = cells[0].chars().take(keep.saturating_sub(1)).collect();
                        cells[0] = format!("{cut}…");
                    }
                }
            }
        }
        let at: Vec<usize> = columns
            .iter()
            .map(|&c| Column::ALL.iter().position(|&x| x == c).unwrap_or(0))
            .collect();
        let rows = rows
            .into_iter()
            .map(|(sub, cells)| (sub, at.iter().map(|&i| cells[i].clone()).collect()))
            .collect();
        Table {
            columns,
            rows,
            matched,
        }
    }

    /// The frame as plain text: the header, one line per problem (`! …`), the table.
    pub fn to_text(&self, view: &View) -> String {
        let table = self.table(view);
        let mut out = self.header();
        out.push('\n');
        for p in &self.problems {
            out.push_str("! ");
            out.push_str(p);
            out.push('\n');
        }
        let headings: Vec<&str> = table.columns.iter().map(|c| c.heading()).collect();
        let rows: Vec<Vec<String>> = table.rows.into_iter().map(|(_, c)| c).collect();
        out.push_str(&render(&headings, &rows));
        out.push('\n');
        out
    }

    fn record_json(&self, r: &IntervalRecord, all_self: f64) -> Value {
        json!({
            "module": r.module_path,
            "name": r.name,
            "calls": r.calls,
            "calls_per_s": per_sec(r.calls as f64, self.seconds),
            "self_ns": r.self_ns,
            "total_ns": r.total_ns,
            "self_per_s": per_sec(r.self_ns as f64 / 1e9, self.seconds),
            "total_per_s": per_sec(r.total_ns as f64 / 1e9, self.seconds),
            "self_share_percent": format::percent(r.self_ns as f64, all_self),
            "mean_ns": r.mean_ns(),
            "p50_ns": r.quantile_ns(0.5),
            "p99_ns": r.quantile_ns(0.99),
            "cumulative_calls": r.cumulative_calls,
            "cumulative_total_ns": r.cumulative_total_ns,
        })
    }

    /// The frame as one line of JSON: `interval_s`, `uptime_s`, `processes` (`live`,
    /// `exited`, and per process its `label`, `live` and `functions`), `threads`, `sources`,
    /// `problems` and `functions` (merged, by interval self time): per function `module`,
    /// `name`, the interval's `calls`, `self_ns`, `total_ns`, `calls_per_s`, `self_per_s`,
    /// `total_per_s` (seconds per second: 4.0 = four cores), `self_share_percent`, `mean_ns`,
    /// `p50_ns`, `p99_ns` (`null` without calls), `cumulative_calls`, `cumulative_total_ns`.
    pub fn to_json(&self) -> String {
        let all_self = self.merged.total_self_ns() as f64;
        let doc = json!({
            "interval_s": self.seconds,
            "uptime_s": self.uptime,
            "processes": {
                "live": self.live,
                "exited": self.exited,
                "each": self.processes.iter().map(|p| json!({
                    "label": p.label,
                    "live": p.live,
                    "functions": p.interval.records().iter().map(|r| self.record_json(r, all_self)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            },
            "threads": self.threads,
            "sources": self.sources,
            "problems": self.problems,
            "functions": self.merged.records().iter().map(|r| self.record_json(r, all_self)).collect::<Vec<_>>(),
        });
        doc.to_string()
    }
}
