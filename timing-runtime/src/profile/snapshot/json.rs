//! The JSON document of a [`Snapshot`] (schema `performance_timing.profile/1`), in seconds.

use serde::Serialize;

use super::{Record, Snapshot};
use crate::clock::{nanos_to_secs, tsc};

/// The schema name and version of a profile document.
pub const SCHEMA: &str = "performance_timing.profile/1";

impl Snapshot {
    /// The snapshot as JSON (schema `performance_timing.profile/1`): clock source, merged
    /// records and per-thread records, durations in seconds.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_document()).expect("plain data serialises")
    }

    /// The JSON document as a serialisable value.
    pub fn to_document(&self) -> ProfileDocument {
        ProfileDocument {
            schema: SCHEMA,
            clock: tsc::source(),
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

/// The JSON form of a [`ThreadProfile`](super::ThreadProfile).
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
        let secs = nanos_to_secs;
        Self {
            name: r.name().to_owned(),
            module_path: r.module_path().to_owned(),
            file: r.location().0.to_owned(),
            line: r.location().1,
            calls: r.calls(),
            total_secs: secs(r.total_ns()),
            self_secs: secs(r.self_ns()),
            mean_secs: r.mean().as_secs_f64(),
            min_secs: r.min().as_secs_f64(),
            max_secs: r.max().as_secs_f64(),
            p50_secs: secs(r.percentile_ns(50.0)),
            p90_secs: secs(r.percentile_ns(90.0)),
            p99_secs: secs(r.percentile_ns(99.0)),
            p999_secs: secs(r.percentile_ns(99.9)),
        }
    }
}
