//! The recording threads: one [`ThreadRecord`] per live thread, and the totals of threads that
//! have exited.
//!
//! A thread's record holds its slots (behind the lock readers take) and points at its
//! `THREAD` entry in the store, where its reset epoch lives (so a reader of the store's file
//! knows which slots are current). When a thread exits, its counters are added to the
//! exited-threads totals — slots like any other, owned by a pseudo-thread — and its slots,
//! histograms and entry go back to the store for reuse.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

use super::slot::{SiteSlot, SlotList};
use super::state::current_epoch;
use super::store::{self, atomic, layout};
use super::sync::lock;

/// One thread's recorder, shared between the thread and snapshots.
pub(crate) struct ThreadRecord {
    pub(crate) name: String,
    /// Unique for the process's lifetime (never reused, unlike addresses).
    pub(crate) number: u64,
    /// Body of the thread's `THREAD` entry in the store.
    entry: *mut u64,
    pub(crate) slots: SlotList,
}

// SAFETY: `entry` points into the store, which lives for the process; it is only accessed
// atomically.
unsafe impl Send for ThreadRecord {}
// SAFETY: as above.
unsafe impl Sync for ThreadRecord {}

impl ThreadRecord {
    /// The epoch the slots were last cleared for; older means "reset since".
    pub(crate) fn epoch(&self) -> u64 {
        // SAFETY: the entry lives as long as the record.
        unsafe { atomic(self.entry.add(layout::T_EPOCH)) }.load(Ordering::Acquire)
    }

    /// Records that the slots are cleared for `epoch`.
    pub(crate) fn set_epoch(&self, epoch: u64) {
        // SAFETY: as in `epoch`.
        unsafe { atomic(self.entry.add(layout::T_EPOCH)) }.store(epoch, Ordering::Release);
    }
}

pub(crate) struct Threads {
    pub(crate) live: Vec<Arc<ThreadRecord>>,
    /// The exited-threads totals: slots of a pseudo-thread, created on first use.
    pub(crate) exited: Option<Arc<ThreadRecord>>,
    /// The exited-threads slot of each site id (owned by `exited`).
    exited_by_site: Vec<Option<&'static SiteSlot>>,
    next_number: u64,
}

static THREADS: Mutex<Threads> = Mutex::new(Threads {
    live: Vec::new(),
    exited: None,
    exited_by_site: Vec::new(),
    next_number: 0,
});

/// Locks the thread list.
pub(crate) fn threads() -> MutexGuard<'static, Threads> {
    lock(&THREADS)
}

fn record(name: String, number: u64, state: u64) -> Arc<ThreadRecord> {
    let epoch = current_epoch();
    let entry = store::with(|s| s.alloc_thread(number, state, epoch, &name));
    Arc::new(ThreadRecord {
        name,
        number,
        entry,
        slots: Mutex::new(Vec::new()),
    })
}

/// Registers the calling thread's recorder, under `number` if it had one before (a forked
/// child keeps its thread's number), else under a new one.
pub(crate) fn new_thread(number: Option<u64>) -> Arc<ThreadRecord> {
    let mut threads = threads();
    let number = number.unwrap_or_else(|| {
        threads.next_number += 1;
        threads.next_number
    });
    let current = std::thread::current();
    let name = match current.name() {
        Some(n) => n.to_owned(),
        None => format!("thread-{number}"),
    };
    let record = record(name, number, layout::STATE_LIVE);
    threads.live.push(record.clone());
    record
}

impl Threads {
    /// The exited-threads slot of `site_id`, created on first use. The caller holds the
    /// exited record's slot lock (`list`).
    fn exited_slot(
        &mut self,
        exited: &Arc<ThreadRecord>,
        list: &mut Vec<&'static SiteSlot>,
        site_id: u32,
    ) -> &'static SiteSlot {
        let id = site_id as usize;
        if self.exited_by_site.len() <= id {
            self.exited_by_site.resize(id + 1, None);
        }
        self.exited_by_site[id].get_or_insert_with(|| {
            let slot =
                store::with(|s| SiteSlot::alloc(s, site_id, layout::EXITED_THREAD, &exited.slots));
            list.push(slot);
            slot
        })
    }

    /// The exited-threads record, created on first use.
    fn exited_record(&mut self) -> Arc<ThreadRecord> {
        self.exited
            .get_or_insert_with(|| {
                record(
                    layout::EXITED_NAME.to_owned(),
                    layout::EXITED_THREAD,
                    layout::STATE_EXITED,
                )
            })
            .clone()
    }

    /// After a reset to `epoch`: clears the exited-threads totals.
    pub(crate) fn clear_exited(&mut self, epoch: u64) {
        if let Some(exited) = &self.exited {
            let list = lock(&exited.slots);
            for slot in list.iter() {
                slot.clear();
            }
            exited.set_epoch(epoch);
        }
    }

    /// In a forked child: forgets every thread (the parent's threads do not exist here; the
    /// forking thread registers again when it next records).
    pub(crate) fn forget_after_fork(&mut self) {
        self.live.clear();
        self.exited = None;
        self.exited_by_site.clear();
    }
}

/// Adds an exiting thread's counters to the exited-threads totals (unless a reset made them
/// stale), returns its slots and entry to the store and forgets the thread.
///
/// `retired` are slots an earlier reset took out of the thread's profile: they are only
/// returned to the store.
pub(crate) fn retire(record: &Arc<ThreadRecord>, retired: Vec<&'static SiteSlot>) {
    let mut threads = threads();
    if store::with(|s| s.file_is_full()) {
        // The exited-threads totals would be in memory only: the thread's counts stay where
        // they are (in the file, for its readers), and the thread stays listed, never written
        // again. A bounded leak, only once the disk is full.
        drop(threads);
        let _ = retired;
        return;
    }
    threads.live.retain(|r| !Arc::ptr_eq(r, record));
    let current = record.epoch() == current_epoch();
    let exited = threads.exited_record();
    let mut slots = lock(&record.slots);
    let mut exited_list = lock(&exited.slots);
    if exited.epoch() != current_epoch() {
        // Reset since the totals were last written: they are stale.
        drop(exited_list);
        threads.clear_exited(current_epoch());
        exited_list = lock(&exited.slots);
    }
    for slot in slots.drain(..) {
        if current {
            let data = slot.read();
            if data.calls > 0 {
                threads
                    .exited_slot(&exited, &mut exited_list, slot.site_id)
                    .absorb(&data);
            }
        }
        // One slot at a time: were the process killed here, at most this slot would be
        // counted twice by a reader of the store's file.
        store::with(|s| slot.release(s));
    }
    store::with(|s| {
        for slot in retired {
            slot.release(s);
        }
        s.free_thread(record.entry);
    });
}

/// Every lock of the thread list, held around `fork()` (see [`super::fork`]).
pub(crate) struct ThreadLocks {
    pub(crate) threads: MutexGuard<'static, Threads>,
    slots: Vec<MutexGuard<'static, Vec<&'static SiteSlot>>>,
    /// Keeps the records whose slot locks are held alive until the guards are dropped.
    _records: Vec<Arc<ThreadRecord>>,
}

impl ThreadLocks {
    /// Takes the thread list's lock, then every thread's slot lock (the order every other
    /// path that takes several of them follows).
    pub(crate) fn take() -> ThreadLocks {
        let threads = threads();
        let records: Vec<Arc<ThreadRecord>> = threads
            .live
            .iter()
            .chain(&threads.exited)
            .cloned()
            .collect();
        let slots = records
            .iter()
            .map(|r| {
                // SAFETY: `_records` keeps the record alive until after the guard is dropped
                // (fields drop in declaration order).
                let list: &'static SlotList = unsafe { &*std::ptr::addr_of!(r.slots) };
                lock(list)
            })
            .collect();
        ThreadLocks {
            threads,
            slots,
            _records: records,
        }
    }

    /// Releases the slot locks first (the records may be forgotten meanwhile).
    pub(crate) fn release(mut self) {
        self.slots.clear();
    }
}
