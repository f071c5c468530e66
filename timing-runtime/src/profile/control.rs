//! What users switch: recording on or off, a reset, a call site by name. Each installs the
//! fork handlers (see `fork.rs`) before it takes a profiler lock.

use super::callsite::CallSite;
use super::shared::guest;
use super::{fork, registry, state, store, threads};

/// Turns recording on or off. Off, an instrumented call costs one relaxed atomic load.
///
/// ```
/// use timing_runtime::profile;
/// profile::set_enabled(false);
/// assert!(!profile::is_enabled());
/// profile::set_enabled(true);
/// assert!(profile::is_enabled());
/// ```
pub fn set_enabled(enabled: bool) {
    if let Some(host) = guest::host() {
        return (host.set_enabled)(enabled);
    }
    fork::install();
    state::set_enabled(enabled);
}

/// Whether recording is on (it is by default). In a guest, the host's switch.
pub fn is_enabled() -> bool {
    match guest::host() {
        Some(host) => (host.is_enabled)(),
        None => state::is_enabled(),
    }
}

/// Forgets everything recorded so far, in every thread. Threads keep recording.
///
/// A call (or `timed` span) that is open when `reset()` runs is **not recorded**, neither
/// before nor after the reset — always, whatever else happens before it closes. Calls that
/// start after the reset are recorded, including those nested in a call that is dropped.
pub fn reset() {
    if let Some(host) = guest::host() {
        return (host.reset)();
    }
    fork::install();
    let mut threads = threads::threads();
    let epoch = state::new_epoch();
    threads.clear_exited(epoch);
    store::if_open(|s| s.set_epoch(epoch));
}

/// The call site named `name` in `module_path`, created (and leaked, once per pair) on first
/// use. This is how dynamic callers — the Python `timed` — get static call sites.
///
/// ```
/// let a = timing_runtime::profile::intern("my.module", "stage");
/// assert!(std::ptr::eq(a, timing_runtime::profile::intern("my.module", "stage")));
/// ```
pub fn intern(module_path: &str, name: &str) -> &'static CallSite {
    fork::install();
    registry::intern(module_path, name)
}

/// The id of `site`, registering it on first use (the hot path: one load when registered).
#[inline(always)]
pub(crate) fn site_id(site: &'static CallSite) -> u32 {
    let id = site.cached_id();
    if id != super::callsite::UNREGISTERED {
        id
    } else {
        register(site)
    }
}

#[cold]
fn register(site: &'static CallSite) -> u32 {
    fork::install();
    registry::register(site)
}

/// Registers a guest's call site (see `profile/shared`): one site per (module, name, file,
/// line), so that concurrent first calls of one guest site get one id.
pub(crate) fn register_foreign(module_path: &str, name: &str, file: &str, line: u32) -> u32 {
    fork::install();
    registry::register_foreign(module_path, name, file, line)
}
