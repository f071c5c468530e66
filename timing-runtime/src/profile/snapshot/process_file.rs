//! Reading a process's store file (multi-process mode) back into a [`Snapshot`].
//!
//! The file is read as bytes, never mapped or written: the process may be alive (its counts
//! are then as of the read, each slot's counters consistent unless a call was being recorded
//! at that instant) or gone (killed or exited: every call it finished is there).

use std::borrow::Cow;
use std::collections::HashMap;

use super::Snapshot;
use super::record::{Record, ThreadProfile, by_self_time};
use crate::clock::tsc;
use crate::profile::histogram::{BUCKETS, Histogram};
use crate::profile::owned_histogram::{CHUNK, parse_window};
use crate::profile::process::Process;
use crate::profile::slot::{SlotData, offsets};
use crate::profile::store::layout::*;

struct Site {
    module: String,
    name: String,
    file: String,
    line: u32,
}

struct Thread {
    name: String,
    state: u64,
    epoch: u64,
}

/// Bounds-checked reads of native-endian words and text.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn word(&self, at: usize) -> Result<u64, String> {
        let b = at
            .checked_add(8)
            .and_then(|end| self.0.get(at..end))
            .ok_or_else(|| format!("truncated at byte {at}"))?;
        Ok(u64::from_ne_bytes(b.try_into().expect("8 bytes")))
    }

    fn text(&self, at: usize, len: u64, end: usize) -> Result<String, String> {
        let len = usize::try_from(len).map_err(|_| format!("bad length at byte {at}"))?;
        let stop = at
            .checked_add(len)
            .filter(|&s| s <= end)
            .ok_or_else(|| format!("text runs past its entry at byte {at}"))?;
        String::from_utf8(self.0[at..stop].to_vec())
            .map_err(|_| format!("text is not UTF-8 at byte {at}"))
    }
}

/// The snapshot of the process whose store file holds `bytes`; `Err` says what is wrong.
pub(crate) fn read(bytes: &[u8]) -> Result<Snapshot, String> {
    let b = Bytes(bytes);
    let mut process: Option<(Process, u64, u64, bool)> = None; // (who, scale, epoch, tsc)
    let mut sites: HashMap<u64, Site> = HashMap::new();
    let mut threads: HashMap<u64, Thread> = HashMap::new();
    let mut slots: Vec<(u64, u64, SlotData)> = Vec::new(); // (thread, site, data)
    let mut chunk = 0usize;
    while chunk < bytes.len() {
        let magic = b.word(chunk)?;
        if magic == 0 && chunk > 0 {
            break; // a chunk the process was adding when the file was read
        }
        if magic != MAGIC {
            return Err(if chunk == 0 {
                "is not a performance_timing profile file (or was written by an incompatible \
                 version)"
                    .to_owned()
            } else {
                format!("has no chunk header at byte {chunk}")
            });
        }
        let size = usize::try_from(b.word(chunk + 8)?).unwrap_or(usize::MAX);
        let used = usize::try_from(b.word(chunk + 8 * CHUNK_USED)?).unwrap_or(usize::MAX);
        let end = chunk
            .checked_add(used)
            .filter(|_| used <= size && size >= CHUNK_HEADER)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| format!("has a bad chunk header at byte {chunk}"))?;
        let mut at = chunk + CHUNK_HEADER;
        while at < end {
            let (kind, n) = parse_header(b.word(at)?);
            if n < 8 || n % 8 != 0 || at + n > end {
                return Err(format!("has a bad entry header at byte {at}"));
            }
            let body = at + 8;
            let w = |i: usize| b.word(body + 8 * i);
            match kind {
                PROCESS => {
                    let version = w(P_VERSION)?;
                    if version != LAYOUT_VERSION {
                        return Err(format!(
                            "has layout version {version}, this build reads {LAYOUT_VERSION}"
                        ));
                    }
                    let host = b.text(body + 8 * PROCESS_FIELDS, w(P_HOST_LEN)?, at + n)?;
                    let pid = u32::try_from(w(P_PID)?).map_err(|_| "has a bad pid".to_owned())?;
                    let who = Process { host, pid };
                    process = Some((who, w(P_SCALE)?, w(P_EPOCH)?, w(P_CLOCK)? == 0));
                }
                SITE => {
                    let (module_len, name_len, file_len) = (w(2)?, w(3)?, w(4)?);
                    let text = body + 8 * SITE_FIELDS;
                    let module = b.text(text, module_len, at + n)?;
                    let name = b.text(text + module.len(), name_len, at + n)?;
                    let file = b.text(text + module.len() + name.len(), file_len, at + n)?;
                    let line = u32::try_from(w(1)?).unwrap_or(0);
                    sites.insert(
                        w(0)?,
                        Site {
                            module,
                            name,
                            file,
                            line,
                        },
                    );
                }
                THREAD => {
                    let state = w(T_STATE)?;
                    if state != STATE_UNUSED {
                        let name = b.text(body + 8 * T_NAME, w(T_NAME_LEN)?, at + n)?;
                        let epoch = w(T_EPOCH)?;
                        threads.insert(w(T_NUMBER)?, Thread { name, state, epoch });
                    }
                }
                SLOT => {
                    if n < offsets::SIZE {
                        return Err(format!("has a short slot at byte {at}"));
                    }
                    let f = |offset: usize| b.word(at + offset);
                    let site = f(offsets::SITE_ID)? & u64::from(u32::MAX);
                    let block_at = f(offsets::BLOCK_AT)?;
                    if block_at >= b.0.len() as u64 {
                        // Its histogram lives past the file's end: the file was full, and the
                        // process keeps this slot's calls in memory only (as it said on stderr).
                        at += n;
                        continue;
                    }
                    let data = SlotData {
                        calls: f(offsets::CALLS)?,
                        sum: f(offsets::SUM)?,
                        total: f(offsets::TOTAL)?,
                        self_time: f(offsets::SELF_TIME)?,
                        idle: f(offsets::IDLE)?,
                        min: f(offsets::MIN)?,
                        max: f(offsets::MAX)?,
                        histogram: histogram(&b, block_at)?,
                    };
                    if data.calls > 0 {
                        slots.push((f(offsets::THREAD)?, site, data));
                    }
                }
                FREE | BLOCK => {}
                other => return Err(format!("has an entry of unknown kind {other} at byte {at}")),
            }
            at += n;
        }
        chunk = chunk
            .checked_add(size)
            .ok_or_else(|| "has a bad chunk size".to_owned())?;
    }
    let (who, scale, epoch, is_tsc) =
        process.ok_or_else(|| "has no process entry (the process had just started?)".to_owned())?;
    let to_nanos = |raw| tsc::scale(raw, scale);
    let record = |site: &Site, data: SlotData| {
        Record::from_raw(
            Cow::Owned(site.name.clone()),
            Cow::Owned(site.module.clone()),
            Cow::Owned(site.file.clone()),
            site.line,
            data,
            to_nanos,
        )
    };
    // Slots of current threads (live, or the exited-threads totals) in this epoch.
    let mut per_thread: Vec<(u64, Vec<Record>)> = Vec::new();
    let mut merged: Vec<(u64, SlotData)> = Vec::new();
    let mut merged_at: HashMap<u64, usize> = HashMap::new();
    for (thread, site_id, data) in slots {
        let (Some(t), Some(site)) = (threads.get(&thread), sites.get(&site_id)) else {
            continue;
        };
        if t.epoch != epoch || (t.state != STATE_LIVE && t.state != STATE_EXITED) {
            continue;
        }
        match merged_at.get(&site_id) {
            Some(&i) => {
                if !merged[i].1.checked_merge(&data) {
                    return Err(format!(
                        "the counts of call site {site_id} add past 2^64 - 1 over its threads"
                    ));
                }
            }
            None => {
                merged_at.insert(site_id, merged.len());
                merged.push((site_id, data.clone()));
            }
        }
        let r = record(site, data);
        match per_thread.iter_mut().find(|(n, _)| *n == thread) {
            Some((_, list)) => list.push(r),
            None => per_thread.push((thread, vec![r])),
        }
    }
    // Live threads by number, the exited-threads totals last (as in a live snapshot).
    per_thread.sort_by_key(|(n, _)| *n);
    let records = merged
        .into_iter()
        .map(|(id, data)| record(&sites[&id], data))
        .collect();
    Ok(Snapshot {
        records: by_self_time(records),
        threads: per_thread
            .into_iter()
            .map(|(n, records)| ThreadProfile {
                thread: threads[&n].name.clone(),
                records: by_self_time(records),
            })
            .collect(),
        processes: vec![who],
        clock: Cow::Borrowed(if is_tsc { "tsc" } else { "monotonic" }),
    })
}

/// The histogram whose block (window word, then counters) is at byte `at` (0: none).
fn histogram(b: &Bytes<'_>, at: u64) -> Result<Histogram, String> {
    if at == 0 {
        return Ok(Histogram::default());
    }
    let at = usize::try_from(at).map_err(|_| "has a bad histogram offset".to_owned())?;
    let (first, buckets) = parse_window(b.word(at)?);
    if first % CHUNK != 0 || first.saturating_add(buckets) > BUCKETS.next_multiple_of(CHUNK) {
        return Err(format!("has a bad histogram window at byte {at}"));
    }
    let mut pairs = Vec::new();
    for offset in 0..buckets {
        let count = b.word(at + 8 * (1 + offset))?;
        if count > 0 && first + offset < BUCKETS {
            pairs.push((first + offset, count));
        }
    }
    Histogram::from_counts(pairs).ok_or_else(|| "has an overflowing histogram".to_owned())
}
