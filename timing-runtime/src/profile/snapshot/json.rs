//! The JSON document of a [`Snapshot`] (schema `performance_timing.profile/2`), written by
//! [`Snapshot::to_json`] and read back exactly by [`Snapshot::from_json`].
//!
//! Each record carries readable figures in seconds (`total_secs`, `p99_secs`, …, derived) and
//! the exact ones they come from: integer nanoseconds (`sum_ns`, `total_ns`, `self_ns`,
//! `min_ns`, `max_ns`) and the histogram as `[le_ns, count]` pairs, one per non-empty bucket
//! (`le_ns` is the bucket's inclusive upper edge). Reading uses only the exact fields.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Record, Snapshot, ThreadProfile};
use crate::clock::nanos_to_secs;
use crate::error::TimingError;
use crate::profile::histogram::{Histogram, bucket_index, bucket_range};
use crate::profile::process::Process;

/// The schema name and version of a profile document.
pub const SCHEMA: &str = "performance_timing.profile/2";

impl Snapshot {
    /// The snapshot as JSON (schema `performance_timing.profile/2`): clock source, source
    /// processes, merged records and per-thread records, in seconds and exact nanoseconds.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_document()).expect("plain data serialises")
    }

    /// The JSON document as a serialisable value.
    pub fn to_document(&self) -> ProfileDocument {
        ProfileDocument {
            schema: SCHEMA.to_owned(),
            clock: self.clock.to_string(),
            processes: self.processes.clone(),
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

    /// Reads a snapshot written by [`Snapshot::to_json`]: the same records (every exact
    /// figure and histogram bucket), per-thread views and processes.
    ///
    /// Not JSON, another schema or version, a missing, mistyped or repeated field, or
    /// inconsistent figures (a histogram edge that is not a bucket edge, `min_ns > max_ns`,
    /// `calls` other than the histogram's total) →
    /// [`TimingError::InvalidArgument`] naming what is wrong.
    ///
    /// ```
    /// use timing_runtime::profile::{self, Snapshot};
    /// let snap = profile::snapshot();
    /// assert_eq!(Snapshot::from_json(&snap.to_json()).unwrap(), snap);
    /// let err = Snapshot::from_json(r#"{"schema": "performance_timing.profile/1"}"#).unwrap_err();
    /// assert!(err.to_string().contains("profile/2"));
    /// ```
    pub fn from_json(text: &str) -> Result<Snapshot, TimingError> {
        let bad = |msg: String| TimingError::invalid("json", msg);
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| bad(format!("is not a profile JSON document: {e}")))?;
        let Some(object) = value.as_object() else {
            return Err(bad(
                "is not a profile JSON document: expected an object".to_owned()
            ));
        };
        match object.get("schema") {
            Some(serde_json::Value::String(s)) if s == SCHEMA => {}
            other => {
                return Err(bad(format!(
                    "has schema {}, this build reads \"{SCHEMA}\"",
                    other.map_or("(missing)".to_owned(), |v| v.to_string())
                )));
            }
        }
        drop(value);
        // From the text itself (not the parsed value, which keeps the last of duplicate keys):
        // a key given twice in one object is refused.
        let doc: ProfileDocument = serde_json::from_str(text)
            .map_err(|e| bad(format!("is not a valid profile document: {e}")))?;
        doc.into_snapshot().map_err(bad)
    }
}

/// The JSON form of a [`Snapshot`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDocument {
    /// Schema name and version.
    pub schema: String,
    /// `"tsc"`, `"monotonic"` or `"mixed"`.
    pub clock: String,
    /// The processes the records come from.
    pub processes: Vec<Process>,
    /// Merged records.
    pub records: Vec<RecordDocument>,
    /// Per-thread records.
    pub threads: Vec<ThreadDocument>,
}

/// The JSON form of a [`ThreadProfile`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadDocument {
    /// Thread name.
    pub thread: String,
    /// Its records.
    pub records: Vec<RecordDocument>,
}

/// The JSON form of a [`Record`]: readable durations in seconds (derived) and the exact
/// figures in nanoseconds with the histogram.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub sum_ns: u64,
    pub total_ns: u64,
    pub self_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    /// Time suspended between steps (calls that run in steps: async functions, coroutines,
    /// generators); written only when not zero, 0 when absent (files without it load).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub idle_secs: f64,
    /// [`Record::idle_ns`], the exact figure `idle_secs` comes from (optional, as it).
    #[serde(default, skip_serializing_if = "is_zero_ns")]
    pub idle_ns: u64,
    /// `[le_ns, count]` of every non-empty bucket, ascending: `count` calls took more than
    /// the previous bucket's edge and at most `le_ns` nanoseconds.
    pub histogram: Vec<(u64, u64)>,
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
            sum_ns: r.sum_ns,
            total_ns: r.total_ns,
            self_ns: r.self_ns,
            min_ns: r.min_ns,
            max_ns: r.max_ns,
            idle_secs: secs(r.idle_ns),
            idle_ns: r.idle_ns,
            histogram: r.histogram.buckets().map(|(_, le, c)| (le, c)).collect(),
        }
    }
}

impl RecordDocument {
    /// The record, checking the exact figures; `at` names the record in messages.
    fn into_record(self, at: &str) -> Result<Record, String> {
        if self.min_ns > self.max_ns {
            return Err(format!(
                "{at}: min_ns {} is larger than max_ns {}",
                self.min_ns, self.max_ns
            ));
        }
        let mut pairs = Vec::with_capacity(self.histogram.len());
        for &(le, count) in &self.histogram {
            let index = bucket_index(le);
            if bucket_range(index).1 != le {
                return Err(format!(
                    "{at}: histogram edge {le} ns is not the upper edge of a bucket"
                ));
            }
            pairs.push((index, count));
        }
        let total = pairs
            .iter()
            .try_fold(0u64, |sum, &(_, c)| sum.checked_add(c))
            .ok_or_else(|| format!("{at}: histogram counts overflow"))?;
        if total != self.calls {
            return Err(format!(
                "{at}: calls is {} but its histogram counts {total} calls",
                self.calls
            ));
        }
        let histogram = Histogram::from_counts(pairs)
            .ok_or_else(|| format!("{at}: histogram counts overflow"))?;
        Ok(Record {
            name: Cow::Owned(self.name),
            module_path: Cow::Owned(self.module_path),
            file: Cow::Owned(self.file),
            line: self.line,
            calls: self.calls,
            sum_ns: self.sum_ns,
            total_ns: self.total_ns,
            self_ns: self.self_ns,
            idle_ns: self.idle_ns,
            min_ns: self.min_ns,
            max_ns: self.max_ns,
            histogram,
        })
    }
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_ns(x: &u64) -> bool {
    *x == 0
}

fn records(docs: Vec<RecordDocument>, at: &str) -> Result<Vec<Record>, String> {
    let records = docs
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.into_record(&format!("{at}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    // The document's order is kept: it is the snapshot's.
    Ok(records)
}

impl ProfileDocument {
    /// The snapshot this document describes (messages name the offending record).
    fn into_snapshot(self) -> Result<Snapshot, String> {
        let threads = self
            .threads
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                Ok(ThreadProfile {
                    thread: t.thread,
                    records: records(t.records, &format!("threads[{i}].records"))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Snapshot {
            records: records(self.records, "records")?,
            threads,
            processes: self.processes,
            clock: Cow::Owned(self.clock),
        })
    }
}
