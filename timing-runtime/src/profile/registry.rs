//! The registered call sites and the names their records are shown under (the switches and
//! epoch are in [`state`](super::state), the recording threads in [`threads`](super::threads)).
//! Callers install the fork handlers before they first register a site (see `control.rs`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard};

use super::callsite::{CallSite, UNREGISTERED};
use super::naming;
use super::sync::lock;

/// A registered call site and the name its records are shown under.
#[derive(Clone, Copy)]
pub(crate) struct Registered {
    pub(crate) site: &'static CallSite,
    pub(crate) name: &'static str,
}

struct Sites {
    list: Vec<Registered>,
    interned: BTreeMap<(String, String), &'static CallSite>,
    /// Guests' sites by (module, name, file, line): see `profile/shared`.
    foreign: BTreeMap<(String, String, String, u32), u32>,
}

static SITES: Mutex<Sites> = Mutex::new(Sites {
    list: Vec::new(),
    interned: BTreeMap::new(),
    foreign: BTreeMap::new(),
});

/// Locks the site list.
fn sites_lock() -> MutexGuard<'static, Sites> {
    lock(&SITES)
}

/// Registers `site` (once; its id is cached in it).
pub(crate) fn register(site: &'static CallSite) -> u32 {
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

/// Registers a guest's site described by its strings (once per key; leaked, like `intern`).
pub(crate) fn register_foreign(module_path: &str, name: &str, file: &str, line: u32) -> u32 {
    let key = (
        module_path.to_owned(),
        name.to_owned(),
        file.to_owned(),
        line,
    );
    let mut sites = sites_lock();
    if let Some(&id) = sites.foreign.get(&key) {
        return id;
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let name = leak(name);
    let site: &'static CallSite = Box::leak(Box::new(CallSite::new(
        Some(name),
        leak(module_path),
        leak(file),
        line,
        || "",
    )));
    let id = u32::try_from(sites.list.len()).expect("fewer than 4 billion call sites");
    sites.list.push(Registered { site, name });
    site.id_cell().store(id, Ordering::Relaxed);
    sites.foreign.insert(key, id);
    id
}

/// Whether `id` is a registered site's id.
pub(crate) fn is_registered(id: u32) -> bool {
    (id as usize) < sites_lock().list.len()
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

/// The call site named `name` in `module_path` (see [`intern`](super::intern)).
pub(crate) fn intern(module_path: &str, name: &str) -> &'static CallSite {
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
