//! Snapshots of the global profile: every thread's counters collected into merged and
//! per-thread [`Record`]s, and snapshots merged over processes.
//!
//! * [`record`]: [`Record`] and [`ThreadProfile`];
//! * `collect`: [`snapshot()`], reading this process's recorders;
//! * [`json`]: the JSON document of a snapshot, written and read back exactly;
//! * `merge`: [`Snapshot::merge`], adding snapshots of many processes;
//! * [`diff`]: [`Snapshot::diff`], what changed per function between two snapshots;
//! * [`interval`]: [`Snapshot::since`], the exact difference of two readings ([`Interval`]);
//! * `process_file`: a process's store file (multi-process mode) read back;
//! * the text table is printed by [`crate::export::table`].

mod collect;
pub mod diff;
pub mod interval;
pub mod json;
mod merge;
pub(crate) mod process_file;
pub mod record;

pub use collect::snapshot;
pub use diff::{Change, DiffRow, SnapshotDiff};
pub use interval::{Interval, IntervalRecord};
pub use json::{ProfileDocument, RecordDocument, ThreadDocument};
pub use record::{Record, ThreadProfile};

use std::borrow::Cow;
use std::time::Duration;

use super::process::Process;

/// Why [`Snapshot::lookup`] found no single record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No record has that name (plain or qualified).
    #[error("no record named {0:?}")]
    NotFound(String),
    /// Records of that name come from several modules.
    #[error(
        "{name:?} is ambiguous: {} records of that name, {}; ask for one by its qualified name",
        candidates.len(),
        candidates.join(", ")
    )]
    Ambiguous {
        /// The name asked for.
        name: String,
        /// The qualified names (`module::name`) of the records it could mean, sorted.
        candidates: Vec<String>,
    },
}

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
    /// A snapshot with nothing recorded (this process's clock).
    ///
    /// ```
    /// assert!(timing_runtime::profile::Snapshot::empty().is_empty());
    /// ```
    pub fn empty() -> Snapshot {
        Snapshot {
            records: Vec::new(),
            threads: Vec::new(),
            processes: Vec::new(),
            clock: Cow::Borrowed(crate::clock::tsc::source()),
        }
    }

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

    /// The one record called `name`, or named by its qualified name `module::name`
    /// ([`Record::qualified_name`]: `pkg.b::load` in Python, `my_crate::io::load` in Rust);
    /// `None` when there is none, or when the plain name is ambiguous (see [`Snapshot::lookup`],
    /// which says which records it could mean).
    pub fn get(&self, name: &str) -> Option<&Record> {
        self.lookup(name).ok()
    }

    /// The record called `name` or `module::name`, or why there is no single one: none has that
    /// name ([`LookupError::NotFound`]), or records of that name come from several modules
    /// ([`LookupError::Ambiguous`], listing their qualified names, which do look them up).
    ///
    /// ```
    /// use timing_runtime::profile;
    ///
    /// mod a { #[timing_runtime::timed] pub fn load() {} }
    /// mod b { #[timing_runtime::timed] pub fn load() {} }
    ///
    /// fn main() {
    ///     a::load();
    ///     b::load();
    ///     let snap = profile::snapshot();
    ///     let here = module_path!();
    ///     let err = snap.lookup("load").unwrap_err();
    ///     assert!(err.to_string().contains(&format!("{here}::a::load")), "{err}");
    ///     let b = snap.lookup(&format!("{here}::b::load")).unwrap();
    ///     assert_eq!(b.module_path(), format!("{here}::b"));
    ///     assert!(snap.get("load").is_none()); // ambiguous
    /// }
    /// ```
    pub fn lookup(&self, name: &str) -> Result<&Record, LookupError> {
        let mut named = self.records.iter().filter(|r| r.name == name);
        if let Some(first) = named.next() {
            let others: Vec<&Record> = named
                .filter(|r| r.module_path != first.module_path)
                .collect();
            if others.is_empty() {
                return Ok(first);
            }
            let mut candidates: Vec<String> = std::iter::once(first)
                .chain(others)
                .map(Record::qualified_name)
                .collect();
            candidates.sort();
            candidates.dedup();
            return Err(LookupError::Ambiguous {
                name: name.to_owned(),
                candidates,
            });
        }
        self.records
            .iter()
            .find(|r| {
                name.strip_prefix(r.module_path.as_ref())
                    .and_then(|rest| rest.strip_prefix("::"))
                    .is_some_and(|rest| rest == r.name)
            })
            .ok_or_else(|| LookupError::NotFound(name.to_owned()))
    }

    /// Whether another record of this snapshot has `record`'s name but another module: then
    /// tables show it by its qualified name.
    pub fn is_ambiguous(&self, record: &Record) -> bool {
        self.records
            .iter()
            .any(|r| r.name == record.name && r.module_path != record.module_path)
    }

    /// The records, largest self time first (as [`Snapshot::records`]).
    pub fn iter(&self) -> std::slice::Iter<'_, Record> {
        self.records.iter()
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

impl<'a> IntoIterator for &'a Snapshot {
    type Item = &'a Record;
    type IntoIter = std::slice::Iter<'a, Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.records.iter()
    }
}

/// The profile table ([`Snapshot::to_table`]), as Python's `str(snapshot)` prints it.
impl std::fmt::Display for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_table())
    }
}
