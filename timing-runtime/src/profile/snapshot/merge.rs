//! [`Snapshot::merge`]: the sum of snapshots taken in many processes (or hosts).

use std::borrow::Cow;
use std::collections::HashMap;

use super::Snapshot;
use super::record::{Record, ThreadProfile, by_self_time};
use crate::clock::tsc;
use crate::error::TimingError;
use crate::profile::process::Process;

/// Adds records into a list, matching them by `(module path, name)`.
#[derive(Default)]
struct Sum {
    records: Vec<Record>,
    index: HashMap<(String, String), usize>,
}

impl Sum {
    fn add(&mut self, record: &Record) -> Result<(), TimingError> {
        let (module, name) = record.key();
        match self.index.get(&(module.to_owned(), name.to_owned())) {
            Some(&at) => self.records[at].merge(record)?,
            None => {
                self.index
                    .insert((module.to_owned(), name.to_owned()), self.records.len());
                self.records.push(record.clone());
            }
        }
        Ok(())
    }
}

impl Snapshot {
    /// The sum of `snapshots`, as if every call had been recorded in one process.
    ///
    /// Records are matched by `(module path, name)`: calls, total and self time add, min and
    /// max combine, histograms add bucket for bucket (so a merged percentile is the percentile
    /// of all the calls, within the histogram's ±3.2 %). [`Snapshot::processes`] lists every
    /// source process once. Per-thread views are kept; when the sources come from more than
    /// one process, each thread is named `host:pid/thread`, and views of the same name add.
    ///
    /// Sums are exact: a count or duration whose sum would pass 2^64 − 1 is
    /// [`TimingError::InvalidArgument`] naming the record, never wrapped or clamped.
    ///
    /// ```
    /// use timing_runtime::profile::{self, Snapshot};
    /// let a = profile::snapshot();
    /// let twice = Snapshot::merge([&a, &a]).unwrap();
    /// for r in twice.records() {
    ///     assert_eq!(r.calls(), 2 * a.get(r.name()).unwrap().calls());
    /// }
    /// assert_eq!(twice.processes(), a.processes());
    /// ```
    pub fn merge<'a>(
        snapshots: impl IntoIterator<Item = &'a Snapshot>,
    ) -> Result<Snapshot, TimingError> {
        let snapshots: Vec<&Snapshot> = snapshots.into_iter().collect();
        let mut processes: Vec<Process> = Vec::new();
        for p in snapshots.iter().flat_map(|s| &s.processes) {
            if !processes.contains(p) {
                processes.push(p.clone());
            }
        }
        let prefix_threads = processes.len() > 1;
        let mut records = Sum::default();
        let mut threads: Vec<(String, Sum)> = Vec::new();
        for snap in &snapshots {
            for r in &snap.records {
                records.add(r)?;
            }
            let prefix = match (prefix_threads, snap.processes.as_slice()) {
                (true, [p]) => format!("{}:{}/", p.host, p.pid),
                _ => String::new(),
            };
            for t in &snap.threads {
                let name = format!("{prefix}{}", t.thread);
                let at = match threads.iter().position(|(n, _)| *n == name) {
                    Some(at) => at,
                    None => {
                        threads.push((name, Sum::default()));
                        threads.len() - 1
                    }
                };
                for r in &t.records {
                    threads[at].1.add(r)?;
                }
            }
        }
        let mut clocks = snapshots.iter().map(|s| s.clock.as_ref());
        let clock = match clocks.next() {
            None => Cow::Borrowed(tsc::source()),
            Some(first) if clocks.all(|c| c == first) => Cow::Owned(first.to_owned()),
            Some(_) => Cow::Borrowed("mixed"),
        };
        Ok(Snapshot {
            records: by_self_time(records.records),
            threads: threads
                .into_iter()
                .map(|(thread, sum)| ThreadProfile {
                    thread,
                    records: by_self_time(sum.records),
                })
                .collect(),
            processes,
            clock,
        })
    }
}
