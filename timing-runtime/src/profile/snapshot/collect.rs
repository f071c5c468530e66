//! [`snapshot()`]: reads this process's recorders into a [`Snapshot`].

use std::borrow::Cow;

use super::Snapshot;
use super::record::{Record, ThreadProfile, by_self_time};
use crate::clock::tsc;
use crate::profile::process::Process;
use crate::profile::registry::{self, Registered};
use crate::profile::slot::SlotData;
use crate::profile::state::current_epoch;
use crate::profile::sync::lock;
use crate::profile::threads::threads;

impl Record {
    /// The record of `data`, recorded (in raw clock units of `nanos_per_2_32_raw`) at `site`.
    fn from_slot(site: Registered, data: SlotData, nanos_per_2_32_raw: u64) -> Self {
        Self::from_raw(
            Cow::Borrowed(site.name),
            Cow::Borrowed(site.site.module_path()),
            Cow::Borrowed(site.site.file()),
            site.site.line(),
            data,
            |raw| tsc::scale(raw, nanos_per_2_32_raw),
        )
    }
}

/// Takes a snapshot of everything recorded since the start or the last
/// [`reset`](crate::profile::reset). Records are ordered by self time, largest first (ties in
/// the order their sites were first called).
///
/// Its cost grows with the number of (site, thread) pairs that recorded something: about
/// 1 µs each (see the README's "Memory per name").
pub fn snapshot() -> Snapshot {
    if let Some(host) = crate::profile::shared::guest::host() {
        return hosted(host);
    }
    crate::profile::fork::install();
    let scale = tsc::nanos_per_2_32_raw();
    let epoch = current_epoch();
    // First copy the counters (thread name, site id, data), then look the sites up: a site is
    // registered before any slot of it exists, so every id seen here is in the list read after.
    let mut per_thread: Vec<(String, Vec<(usize, SlotData)>)> = Vec::new();
    {
        let state = threads();
        for record in state.live.iter().chain(&state.exited) {
            if record.epoch() != epoch {
                continue;
            }
            let slots = lock(&record.slots);
            let mut copied = Vec::with_capacity(slots.len());
            for slot in slots.iter() {
                let data = slot.read();
                if data.calls > 0 {
                    copied.push((slot.site_id as usize, data));
                }
            }
            per_thread.push((record.name.clone(), copied));
        }
    }
    let sites = registry::sites();
    let mut merged: Vec<SlotData> = Vec::new();
    merged.resize_with(sites.len(), SlotData::default);
    let mut threads = Vec::with_capacity(per_thread.len());
    for (thread, slots) in per_thread {
        let mut records = Vec::with_capacity(slots.len());
        for (id, data) in slots {
            let Some(&site) = sites.get(id) else { continue };
            merged[id].merge(&data);
            records.push(Record::from_slot(site, data, scale));
        }
        if !records.is_empty() {
            threads.push(ThreadProfile {
                thread,
                records: by_self_time(records),
            });
        }
    }
    let mut records = Vec::with_capacity(merged.iter().filter(|d| d.calls > 0).count());
    for (data, site) in merged.into_iter().zip(sites) {
        if data.calls > 0 {
            records.push(Record::from_slot(site, data, scale));
        }
    }
    Snapshot {
        records: by_self_time(records),
        threads,
        processes: vec![Process::current()],
        clock: Cow::Borrowed(tsc::source()),
    }
}

/// [`snapshot()`] in a guest: the host's, read back from its JSON. A host whose JSON this
/// build cannot read (a newer schema) gives an empty snapshot and says so once on stderr.
#[cold]
fn hosted(host: &crate::profile::shared::ProfileApi) -> Snapshot {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let json = crate::profile::shared::guest::snapshot_json(host);
    Snapshot::from_json(&json).unwrap_or_else(|e| {
        WARNED.call_once(|| {
            eprintln!("performance_timing: cannot read the host's profile in this extension: {e}")
        });
        Snapshot::empty()
    })
}
