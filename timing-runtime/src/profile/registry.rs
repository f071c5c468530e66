//! Global state: the on/off switch and reset epoch, and the registered call sites (the
//! recording threads are in [`threads`](super::threads)).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::callsite::{CallSite, UNREGISTERED};
use super::naming;
use super::threads::threads;

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

/// Whether two [`STATE`] values are in the same reset epoch.
#[inline(always)]
pub(crate) fn same_epoch(a: u64, b: u64) -> bool {
    (a ^ b) < EPOCH_UNIT
}

/// The epoch encoded in a [`STATE`] value.
#[inline(always)]
pub(crate) fn epoch_of(state: u64) -> u64 {
    state / EPOCH_UNIT
}

/// A registered call site and the name its records are shown under.
#[derive(Clone, Copy)]
pub(crate) struct Registered {
    pub(crate) site: &'static CallSite,
    pub(crate) name: &'static str,
}

struct Sites {
    list: Vec<Registered>,
    interned: BTreeMap<(String, String), &'static CallSite>,
}

static SITES: Mutex<Sites> = Mutex::new(Sites {
    list: Vec::new(),
    interned: BTreeMap::new(),
});

/// Locks a registry mutex; the data stays valid even if a holder panicked (no code that
/// holds these locks can leave them half-updated).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
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

/// Locks the site list.
fn sites_lock() -> MutexGuard<'static, Sites> {
    super::fork::install();
    lock(&SITES)
}

#[cold]
fn register(site: &'static CallSite) -> u32 {
    let mut sites = sites_lock();
    let id = site.cached_id();
    if id != UNREGISTERED {
        return id;
    }
    let id = u32::try_from(sites.list.len()).expect("fewer than 4 billion call sites");
    let name = match naming::display_name(site) {
        Cow::Borrowed(name) => name,
        // Once per site, kept for the process's life (like the site itself).
        Cow::Owned(name) => Box::leak(name.into_boxed_str()),
    };
    sites.list.push(Registered { site, name });
    site.id_cell().store(id, Ordering::Relaxed);
    id
}

/// Every registered call site, indexed by id.
pub(crate) fn sites() -> Vec<Registered> {
    sites_lock().list.clone()
}

/// The registered site of id `id` (which must have been registered).
pub(crate) fn registered(id: u32) -> Registered {
    sites_lock().list[id as usize]
}

/// The site list's lock, held around `fork()` (see [`super::fork`]).
pub(crate) struct SiteLock(#[allow(dead_code)] MutexGuard<'static, Sites>);

impl SiteLock {
    pub(crate) fn take() -> SiteLock {
        SiteLock(sites_lock())
    }
}

/// The call site named `name` in `module_path`, created (and leaked, once per pair) on first
/// use. This is how dynamic callers — the Python `timed` — get static call sites.
pub fn intern(module_path: &str, name: &str) -> &'static CallSite {
    let mut sites = sites_lock();
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

/// Forgets everything recorded so far, in every thread. Threads keep recording.
///
/// A call (or `timed` span) that is open when `reset()` runs is **not recorded**, neither
/// before nor after the reset — always, whatever else happens before it closes. Calls that
/// start after the reset are recorded, including those nested in a call that is dropped.
pub fn reset() {
    let mut threads = threads();
    STATE.fetch_add(EPOCH_UNIT, Ordering::Relaxed);
    let epoch = current_epoch();
    threads.clear_exited(epoch);
    super::store::if_open(|s| s.set_epoch(epoch));
}

/// In a forked child: starts a new epoch, so that calls open across the fork are not
/// recorded (as across a [`reset`]).
pub(crate) fn new_epoch_after_fork() {
    STATE.fetch_add(EPOCH_UNIT, Ordering::Relaxed);
}

/// The current reset epoch.
pub(crate) fn current_epoch() -> u64 {
    epoch_of(STATE.load(Ordering::Relaxed))
}
