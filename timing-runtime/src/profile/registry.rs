//! Global state: the on/off switch and reset epoch, and the registered call sites (the
//! recording threads are in [`threads`](super::threads)).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::callsite::{CallSite, UNREGISTERED};
use super::naming;
use super::threads::threads;

/// The profiler's switches and reset epoch in one word, so that the hot path reads them all
/// with one relaxed load: bit 0 ([`ENABLED`]) is "recording, no trace session", bit 1
/// ([`TRACING`]) is "recording, and a trace session is capturing spans" (never both; recording
/// is on when either is set, see [`recording`]), bits 2.. are the reset epoch. So the hot path's
/// one test of bit 0 sends both "off" and "tracing" to the same out-of-line branch, and
/// recording without a session runs exactly the instructions it ran before tracing existed.
pub(crate) static STATE: AtomicU64 = AtomicU64::new(ENABLED);
pub(crate) const ENABLED: u64 = 1;
/// Bit 1 of [`STATE`]: recording, and a trace session is capturing spans.
pub(crate) const TRACING: u64 = 2;
/// Whether a trace session is active (the source of truth for which of [`ENABLED`] and
/// [`TRACING`] "on" means). Written only under [`SWITCHES`].
static SESSION_ACTIVE: AtomicBool = AtomicBool::new(false);
/// Serialises the writers of the two switches (`set_enabled`, `set_tracing`).
static SWITCHES: Mutex<()> = Mutex::new(());

/// Whether a [`STATE`] value means "recording" (with or without a trace session).
#[inline(always)]
pub(crate) fn recording(state: u64) -> bool {
    state & (ENABLED | TRACING) != 0
}

/// Starts or stops span capture (a trace session); recording itself stays as it was.
pub(crate) fn set_tracing(active: bool) {
    let _switches = lock(&SWITCHES);
    switch_tracing(active);
}

/// [`set_tracing`] with [`SWITCHES`] already held by the caller.
fn switch_tracing(active: bool) {
    SESSION_ACTIVE.store(active, Ordering::Relaxed);
    let on = if active { TRACING } else { ENABLED };
    let _ = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
        Some(if recording(s) {
            (s & !(ENABLED | TRACING)) | on
        } else {
            s
        })
    });
}

/// The lock of the two switches, held by the forking thread across `fork()` (see `fork.rs`).
pub(crate) struct SwitchesLock(#[allow(dead_code)] MutexGuard<'static, ()>);

impl SwitchesLock {
    /// Takes the switches' lock.
    pub(crate) fn take() -> Self {
        Self(lock(&SWITCHES))
    }

    /// In a forked child: no trace session (the child does not inherit the parent's).
    pub(crate) fn forget_tracing_after_fork(&self) {
        switch_tracing(false);
    }
}
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
    let _switches = lock(&SWITCHES);
    let on = if !enabled {
        0
    } else if SESSION_ACTIVE.load(Ordering::Relaxed) {
        TRACING
    } else {
        ENABLED
    };
    let _ = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
        Some((s & !(ENABLED | TRACING)) | on)
    });
}

/// Whether recording is on (it is by default).
pub fn is_enabled() -> bool {
    recording(STATE.load(Ordering::Relaxed))
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
