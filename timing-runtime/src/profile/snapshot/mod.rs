//! Snapshots of the global profile: every thread's counters collected into merged and
//! per-thread [`Record`]s, and snapshots merged over processes.
//!
//! * [`record`]: [`Record`] and [`ThreadProfile`];
//! * `collect`: [`snapshot()`], reading this process's recorders;
//! * [`json`]: the JSON document of a snapshot, written and read back exactly;
//! * `merge`: [`Snapshot::merge`], adding snapshots of many processes;
//! * [`interval`]: [`Snapshot::since`], the exact difference of two readings ([`Interval`]);
//! * `process_file`: a process's store file (multi-process mode) read back;
//! * the text table is printed by [`crate::export::table`].

mod collect;
pub mod interval;
pub mod json;
mod merge;
pub(crate) mod process_file;
pub mod record;

pub use collect::snapshot;
pub use interval::{Interval, IntervalRecord};
pub use json::{ProfileDocument, RecordDocument, ThreadDocument};
pub use record::{Record, ThreadProfile};

use std::borrow::Cow;
use std::time::Duration;

use super::process::Process;

/// The percentiles shown in tables and JSON.
pub const STANDARD_PERCENTILES: [f64; 4] = [50.0, 90.0, 99.0, 99.9];

/// A copy of the global profile at one instant, merged over threads — or the sum of several
/// such copies from many processes ([`Snapshot::merge`]).
///
/// Taking it does not stop recording threads: each record's counters are read consistently
/// (a per-slot sequence lock); the histograms may lag the counters by calls in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub(crate) records: Vec<Record>,
    pub(crate) threads: Vec<ThreadProfile>,
    pub(crate) processes: Vec<Process>,
    pub(crate) clock: Cow<'static, str>,
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

    /// The processes the snapshot's records come from: this process for [`snapshot()`], every
    /// source process for a merged snapshot.
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// The profiler's clock source where the records were taken: `"tsc"` or `"monotonic"`
    /// (`"mixed"` for a merge of both).
    pub fn clock(&self) -> &str {
        &self.clock
    }

    /// The record called `name` (or `module::path::name`), if any.
    pub fn get(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name).or_else(|| {
            self.records.iter().find(|r| {
                name.strip_prefix(r.module_path.as_ref())
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
        Duration::from_nanos(
            self.records
                .iter()
                .fold(0u64, |n, r| n.saturating_add(r.self_ns)),
        )
    }
}
