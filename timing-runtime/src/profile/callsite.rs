//! Call sites: one `static` per instrumented function, with a lazily assigned id.

use std::sync::atomic::{AtomicU32, Ordering};

/// The static description of one instrumented function.
///
/// `#[timed]` emits one `static CallSite` per function; its id is assigned on the first call
/// (a registry push under a lock, once) and read with one relaxed load afterwards, so the hot
/// path does no hashing and no string comparison.
#[derive(Debug)]
pub struct CallSite {
    name: Option<&'static str>,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    path_of: fn() -> &'static str,
    id: AtomicU32,
    /// The id of this site in the host's registry, when this runtime is a guest (see
    /// [`shared`](super::shared)); separate from `id`, so that frames opened before the
    /// guest attached still close into its own slots.
    host_id: AtomicU32,
}

/// Id value meaning "not registered yet".
pub(crate) const UNREGISTERED: u32 = u32::MAX;

impl CallSite {
    /// Describes a call site. `name` overrides the recorded name; otherwise the name is derived
    /// from `path_of()`, which returns `std::any::type_name_of_val` of a function item nested
    /// in the instrumented function (so methods carry their type, e.g. `Parser::new`).
    pub const fn new(
        name: Option<&'static str>,
        module_path: &'static str,
        file: &'static str,
        line: u32,
        path_of: fn() -> &'static str,
    ) -> Self {
        Self {
            name,
            module_path,
            file,
            line,
            path_of,
            id: AtomicU32::new(UNREGISTERED),
            host_id: AtomicU32::new(UNREGISTERED),
        }
    }

    /// The module path of the instrumented function (`module_path!()`).
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// Source file of the instrumented function.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// Source line of the instrumented function.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The explicit name given with `#[timed(name = "…")]`, if any.
    pub fn explicit_name(&self) -> Option<&'static str> {
        self.name
    }

    /// The raw `type_name` path of the marker function.
    pub fn raw_path(&self) -> &'static str {
        (self.path_of)()
    }

    #[inline(always)]
    pub(crate) fn cached_id(&self) -> u32 {
        self.id.load(Ordering::Relaxed)
    }

    pub(crate) fn id_cell(&self) -> &AtomicU32 {
        &self.id
    }

    #[inline(always)]
    pub(crate) fn cached_host_id(&self) -> u32 {
        self.host_id.load(Ordering::Relaxed)
    }

    pub(crate) fn host_id_cell(&self) -> &AtomicU32 {
        &self.host_id
    }
}
