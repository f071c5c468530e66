//! Global state: the on/off switch and reset epoch, registered call sites, live threads and
//! the counters of threads that have exited.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::callsite::{CallSite, UNREGISTERED};
use super::slot::{SlotData, SlotList};

/// The profiler's switches and reset epoch in one word, so that the hot path reads them all
/// with one relaxed load: bit 0 is "recording enabled", bit 1 is reserved for "a trace session
/// is capturing spans", bits 2.. are the reset epoch.
pub(crate) static STATE: AtomicU64 = AtomicU64::new(ENABLED);
pub(crate) const ENABLED: u64 = 1;
/// Bit 1 of [`STATE`]: a trace session is active (reserved for span capture).
#[allow(dead_code)]
pub(crate) const TRACING: u64 = 2;
/// The first bit of the epoch in [`STATE`]: adding it starts a new epoch.
const EPOCH_UNIT: u64 = 4;

/// The epoch encoded in a [`STATE`] value.
#[inline(always)]
pub(crate) fn epoch_of(state: u64) -> u64 {
    state / EPOCH_UNIT
}

struct Sites {
    list: Vec<&'static CallSite>,
    interned: BTreeMap<(String, String), &'static CallSite>,
}

static SITES: Mutex<Sites> = Mutex::new(Sites {
    list: Vec::new(),
    interned: BTreeMap::new(),
});

/// One thread's recorder, shared between the thread and snapshots.
pub(crate) struct ThreadRecord {
    pub(crate) name: String,
    /// Unique for the process's lifetime (never reused, unlike addresses).
    pub(crate) number: u64,
    /// The epoch the slots were last cleared for; older means "reset since".
    pub(crate) epoch: AtomicU64,
    pub(crate) slots: SlotList,
}

pub(crate) struct Threads {
    pub(crate) live: Vec<Arc<ThreadRecord>>,
    /// Merged counters of exited threads, indexed by site id.
    pub(crate) exited: Vec<SlotData>,
    next_number: u64,
}

static THREADS: Mutex<Threads> = Mutex::new(Threads {
    live: Vec::new(),
    exited: Vec::new(),
    next_number: 0,
});

/// Locks a registry mutex; the data stays valid even if a holder panicked (no code that
/// holds these locks can leave them half-updated).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn threads() -> MutexGuard<'static, Threads> {
    lock(&THREADS)
}

/// The id of `site`, registering it on first use.
#[inline(always)]
pub(crate) fn site_id(site: &'static CallSite) -> u32 {
    let id = site.cached_id();
    if id != UNREGISTERED {
        id
    } else {
        register(site)
    }
}

#[cold]
fn register(site: &'static CallSite) -> u32 {
    let mut sites = lock(&SITES);
    let id = site.cached_id();
    if id != UNREGISTERED {
        return id;
    }
    let id = u32::try_from(sites.list.len()).expect("fewer than 4 billion call sites");
    sites.list.push(site);
    site.id_cell().store(id, Ordering::Relaxed);
    id
}

/// Every registered call site, indexed by id.
pub(crate) fn sites() -> Vec<&'static CallSite> {
    lock(&SITES).list.clone()
}

/// The call site named `name` in `module_path`, created (and leaked, once per pair) on first
/// use. This is how dynamic callers — the Python `timed` — get static call sites.
pub fn intern(module_path: &str, name: &str) -> &'static CallSite {
    let mut sites = lock(&SITES);
    let key = (module_path.to_owned(), name.to_owned());
    if let Some(site) = sites.interned.get(&key) {
        return site;
    }
    let site: &'static CallSite = Box::leak(Box::new(CallSite::new(
        Some(Box::leak(name.to_owned().into_boxed_str())),
        Box::leak(module_path.to_owned().into_boxed_str()),
        "",
        0,
        || "",
    )));
    sites.interned.insert(key, site);
    site
}

/// Registers the calling thread's recorder.
pub(crate) fn new_thread() -> Arc<ThreadRecord> {
    let mut threads = threads();
    threads.next_number += 1;
    let current = std::thread::current();
    let name = match current.name() {
        Some(n) => n.to_owned(),
        None => format!("thread-{}", threads.next_number),
    };
    let record = Arc::new(ThreadRecord {
        name,
        number: threads.next_number,
        epoch: AtomicU64::new(epoch_of(STATE.load(Ordering::Relaxed))),
        slots: Mutex::new(Vec::new()),
    });
    threads.live.push(record.clone());
    record
}

/// Moves an exiting thread's counters into the exited-threads totals (unless a reset made
/// them stale) and forgets the thread.
pub(crate) fn retire(record: &Arc<ThreadRecord>) {
    let mut threads = threads();
    threads.live.retain(|r| !Arc::ptr_eq(r, record));
    let current = epoch_of(STATE.load(Ordering::Relaxed));
    if record.epoch.load(Ordering::Relaxed) != current {
        return;
    }
    for slot in lock(&record.slots).iter() {
        let id = slot.site_id as usize;
        if threads.exited.len() <= id {
            threads.exited.resize_with(id + 1, SlotData::default);
        }
        let data = slot.read();
        threads.exited[id].merge(&data);
    }
}

/// Turns recording on or off. Off, an instrumented call costs one relaxed atomic load.
pub fn set_enabled(enabled: bool) {
    if enabled {
        STATE.fetch_or(ENABLED, Ordering::Relaxed);
    } else {
        STATE.fetch_and(!ENABLED, Ordering::Relaxed);
    }
}

/// Whether recording is on (it is by default).
pub fn is_enabled() -> bool {
    STATE.load(Ordering::Relaxed) & ENABLED != 0
}

/// Forgets everything recorded so far, in every thread. Threads keep recording; a call in
/// flight during the reset may be dropped.
pub fn reset() {
    let mut threads = threads();
    STATE.fetch_add(EPOCH_UNIT, Ordering::Relaxed);
    threads.exited.clear();
}

/// The current reset epoch.
pub(crate) fn current_epoch() -> u64 {
    epoch_of(STATE.load(Ordering::Relaxed))
}
