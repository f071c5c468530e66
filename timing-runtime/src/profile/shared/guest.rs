//! This runtime as a guest: attaching to a host's table, and the hot path's hosted branch.

use std::ffi::c_void;
use std::mem::offset_of;
use std::path::Path;
use std::sync::atomic::{AtomicPtr, Ordering};

use super::api::{ABI_MAJOR, MAGIC, ProfileApi, RawFrame, SiteDesc};
use crate::profile::callsite::{CallSite, UNREGISTERED};
use crate::profile::naming;
use crate::profile::state;

/// The host's table once attached (null: this runtime keeps its own profile).
static HOST: AtomicPtr<ProfileApi> = AtomicPtr::new(std::ptr::null_mut());

/// The size a host's table must have for every entry of major version 1, minor 0.
const MINOR_0_SIZE: usize = offset_of!(ProfileApi, async_drop) + std::mem::size_of::<usize>();

/// How [`attach`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attached {
    /// This runtime now records into the host's profile.
    Attached,
    /// It already did (a second call changes nothing).
    AlreadyAttached,
    /// The table is this runtime's own: it is the host.
    Itself,
}

/// Why [`attach`] refused a table: the runtime then keeps its own profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachError {
    /// A null pointer.
    #[error("no profile API table (null pointer)")]
    Null,
    /// Not a table of this crate (its magic number is wrong).
    #[error("not a performance_timing profile API table")]
    NotATable,
    /// A table of another major version.
    #[error(
        "the host's profile API is version {host}.x, this extension's timing-runtime speaks {guest}.x: \
         its #[timed] functions keep a profile of their own (rebuild it against a matching timing-runtime)"
    )]
    Incompatible {
        /// The host's major version.
        host: u32,
        /// This runtime's major version.
        guest: u32,
    },
    /// A table of this major version, but shorter than its first release's.
    #[error("the host's profile API table is too short ({size} bytes)")]
    TooShort {
        /// The table's size.
        size: usize,
    },
}

/// Makes this runtime record into the host whose table is `api` (see [the module](super)).
///
/// Call it before the guest's code first records: calls recorded before it stay in the
/// guest's own profile, which no longer shows anywhere. `py_export::add_profile_api` calls it
/// with the capsule of `performance_timing`'s module.
///
/// ```
/// use timing_runtime::profile::shared::{self, Attached};
/// // The table of this very runtime: it is the host, nothing changes.
/// assert_eq!(unsafe { shared::attach(shared::api()) }, Ok(Attached::Itself));
/// ```
///
/// # Safety
/// `api` must be null or point to a table a host made with [`api`](super::api), alive for the
/// rest of the process (a table in a shared library that is never unloaded).
pub unsafe fn attach(api: *const ProfileApi) -> Result<Attached, AttachError> {
    if api.is_null() {
        return Err(AttachError::Null);
    }
    if std::ptr::eq(api, super::host::api()) {
        return Ok(Attached::Itself);
    }
    // SAFETY: the caller's contract; the header's fields exist in every version.
    let (magic, major, size) = unsafe { ((*api).magic, (*api).major, (*api).size) };
    if magic != MAGIC {
        return Err(AttachError::NotATable);
    }
    if major != ABI_MAJOR {
        return Err(AttachError::Incompatible {
            host: major,
            guest: ABI_MAJOR,
        });
    }
    if size < MINOR_0_SIZE {
        return Err(AttachError::TooShort { size });
    }
    crate::profile::fork::install();
    let previous = HOST.load(Ordering::Acquire);
    if !previous.is_null() {
        return Ok(Attached::AlreadyAttached);
    }
    if HOST
        .compare_exchange(
            std::ptr::null_mut(),
            api.cast_mut(),
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_err()
    {
        return Ok(Attached::AlreadyAttached);
    }
    state::set_hosted();
    Ok(Attached::Attached)
}

/// Whether this runtime records into a host's profile.
pub fn is_guest() -> bool {
    host().is_some()
}

/// The host's table, when attached.
#[inline(always)]
pub(crate) fn host() -> Option<&'static ProfileApi> {
    // SAFETY: a non-null pointer was checked by `attach` and lives for the process.
    unsafe { HOST.load(Ordering::Acquire).as_ref() }
}

/// Whether the host's table has the entry at byte offset `offset` (for entries appended after
/// minor version 0).
#[allow(dead_code)]
pub(crate) fn has_entry(api: &ProfileApi, offset: usize) -> bool {
    api.size >= offset + std::mem::size_of::<usize>()
}

/// The host's table when the host records (two relaxed loads: its table, its state word).
#[inline(always)]
pub(crate) fn recording_host() -> Option<&'static ProfileApi> {
    // SAFETY: a non-null table was checked by `attach`; its state word is a static of the host.
    host().filter(|api| state::recording(unsafe { (*api.state).load(Ordering::Relaxed) }))
}

/// The hosted branch of the hot path: opens a frame of `site` in the host. Out of line, so the
/// host's own path (and a plain binary's) is unchanged.
#[inline(never)]
pub(crate) fn begin(api: &'static ProfileApi, site: &'static CallSite) -> RawFrame {
    let mut frame = RawFrame::OFF;
    (api.begin)(host_id(api, site), &mut frame);
    frame
}

/// Closes a frame [`begin`] opened.
#[inline(never)]
pub(crate) fn end(frame: &RawFrame) {
    if let Some(api) = host() {
        (api.end)(frame);
    }
}

/// The host's id of `site`, registering it there on first use.
#[inline(always)]
pub(crate) fn host_id(api: &ProfileApi, site: &'static CallSite) -> u32 {
    let id = site.cached_host_id();
    if id != UNREGISTERED {
        id
    } else {
        register(api, site)
    }
}

/// Registers `site` in the host (idempotent there: concurrent first calls get the same id).
#[cold]
fn register(api: &ProfileApi, site: &'static CallSite) -> u32 {
    let name = naming::display_name(site);
    let desc = SiteDesc {
        name: name.as_ptr(),
        name_len: name.len(),
        module: site.module_path().as_ptr(),
        module_len: site.module_path().len(),
        file: site.file().as_ptr(),
        file_len: site.file().len(),
        line: site.line(),
    };
    let id = (api.register)(&desc);
    site.host_id_cell().store(id, Ordering::Relaxed);
    id
}

/// The host's thread number of the calling thread.
pub(crate) fn thread_token(api: &ProfileApi) -> u64 {
    (api.thread_token)()
}

extern "C" fn collect(context: *mut c_void, bytes: *const u8, len: usize) {
    // SAFETY: `context` is the `&mut Vec<u8>` passed below; `bytes` is valid for `len`.
    unsafe {
        let out = &mut *context.cast::<Vec<u8>>();
        out.extend_from_slice(std::slice::from_raw_parts(bytes, len));
    }
}

/// The host's snapshot, as profile JSON.
pub(crate) fn snapshot_json(api: &ProfileApi) -> String {
    let mut out = Vec::new();
    (api.snapshot_json)((&raw mut out).cast(), collect);
    String::from_utf8_lossy(&out).into_owned()
}

/// The host's `dump(dir)`: the path written, or the host's error message.
pub(crate) fn dump(api: &ProfileApi, dir: Option<&Path>) -> Result<String, String> {
    let dir = dir
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let ok = (api.dump)(dir.as_ptr(), dir.len(), (&raw mut out).cast(), collect);
    let text = String::from_utf8_lossy(&out).into_owned();
    if ok { Ok(text) } else { Err(text) }
}

/// A guest's `async fn` call in the host's profile: the host's [`AsyncCall`] behind a handle,
/// driven step by step from [`TimedFuture`]'s polls, so a guest's futures have the host's
/// semantics (busy and idle, spans of its polls, an async slice, parked scopes).
///
/// [`AsyncCall`]: crate::profile::AsyncCall
/// [`TimedFuture`]: crate::profile::TimedFuture
pub(crate) struct HostedCall {
    /// The host's call (null before the first poll).
    handle: *mut c_void,
    /// Its table (set with `handle`).
    api: Option<&'static ProfileApi>,
}

// SAFETY: the host's call is plain data that may move between threads between steps (as
// `AsyncCall` may); a step begins and ends within one `poll`, on one thread.
unsafe impl Send for HostedCall {}
// SAFETY: `&HostedCall` exposes nothing.
unsafe impl Sync for HostedCall {}

impl HostedCall {
    /// A call not started.
    pub(crate) const fn new() -> Self {
        Self {
            handle: std::ptr::null_mut(),
            api: None,
        }
    }

    /// One poll: a step of the host's call around `poll`.
    pub(crate) fn poll<T>(
        &mut self,
        site: &'static CallSite,
        poll: impl FnOnce(&mut std::task::Context<'_>) -> std::task::Poll<T>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<T> {
        if self.api.is_none() {
            let Some(api) = host() else {
                return poll(cx);
            };
            self.handle = (api.async_new)(host_id(api, site));
            self.api = Some(api);
        }
        let (Some(api), false) = (self.api, self.handle.is_null()) else {
            return poll(cx);
        };
        let step = (api.async_begin_step)(self.handle);
        let result = poll(cx);
        (api.async_end_step)(self.handle, step, result.is_ready());
        result
    }
}

impl Drop for HostedCall {
    fn drop(&mut self) {
        if let (Some(api), false) = (self.api, self.handle.is_null()) {
            (api.async_drop)(self.handle);
        }
    }
}
