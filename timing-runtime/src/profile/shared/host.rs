//! The table this runtime exports when it is the host (performance_timing's own module).

use std::ffi::c_void;
use std::path::Path;

use super::api::{ABI_MAJOR, ABI_MINOR, MAGIC, ProfileApi, RawFrame, Sink, SiteDesc};
use crate::profile::local::with_local;
use crate::profile::state::STATE;
use crate::profile::task::{AsyncCall, Step};
use crate::profile::{control, guard, multiprocess, registry, snapshot};

/// This runtime's table of entry points, for guests to attach to (see [the module](super)).
///
/// ```
/// let api = timing_runtime::profile::shared::api();
/// assert_eq!(api.major, timing_runtime::profile::shared::ABI_MAJOR);
/// ```
pub fn api() -> &'static ProfileApi {
    &API
}

static API: ProfileApi = ProfileApi {
    magic: MAGIC,
    major: ABI_MAJOR,
    minor: ABI_MINOR,
    size: std::mem::size_of::<ProfileApi>(),
    state: &STATE,
    register,
    begin,
    end,
    thread_token,
    set_enabled,
    is_enabled,
    reset,
    snapshot_json,
    dump,
    async_new,
    async_begin_step,
    async_end_step,
    async_drop,
    #[cfg(feature = "abi-test-minor")]
    probe,
};

/// Reads a string the guest passed (its own statics; not trusted to be UTF-8).
///
/// # Safety
/// `ptr` must point to `len` readable bytes (or `len` be 0).
unsafe fn text<'a>(ptr: *const u8, len: usize) -> std::borrow::Cow<'a, str> {
    if len == 0 || ptr.is_null() {
        return std::borrow::Cow::Borrowed("");
    }
    // SAFETY: the caller's contract.
    String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(ptr, len) })
}

extern "C" fn register(site: &SiteDesc) -> u32 {
    // SAFETY: the guest passes its own `'static` strings with their lengths.
    let (name, module, file) = unsafe {
        (
            text(site.name, site.name_len),
            text(site.module, site.module_len),
            text(site.file, site.file_len),
        )
    };
    control::register_foreign(&module, &name, &file, site.line)
}

extern "C" fn begin(id: u32, out: &mut RawFrame) {
    *out = guard::begin_raw(id);
}

extern "C" fn end(frame: &RawFrame) {
    guard::end_raw(frame);
}

extern "C" fn thread_token() -> u64 {
    with_local(|local| local.token()).unwrap_or(0)
}

extern "C" fn set_enabled(enabled: bool) {
    control::set_enabled(enabled);
}

extern "C" fn is_enabled() -> bool {
    crate::profile::state::is_enabled()
}

extern "C" fn reset() {
    control::reset();
}

extern "C" fn snapshot_json(context: *mut c_void, sink: Sink) {
    let json = snapshot::snapshot().to_json();
    sink(context, json.as_ptr(), json.len());
}

extern "C" fn dump(dir: *const u8, dir_len: usize, context: *mut c_void, sink: Sink) -> bool {
    // SAFETY: the guest passes its path's bytes with their length.
    let dir = unsafe { text(dir, dir_len) }.into_owned();
    let dir = (!dir.is_empty()).then(|| Path::new(&dir).to_owned());
    match multiprocess::dump(dir.as_deref()) {
        Ok(path) => {
            let path = path.to_string_lossy();
            sink(context, path.as_ptr(), path.len());
            true
        }
        Err(e) => {
            let message = e.to_string();
            sink(context, message.as_ptr(), message.len());
            false
        }
    }
}

extern "C" fn async_new(id: u32) -> *mut c_void {
    if !registry::is_registered(id) {
        return std::ptr::null_mut();
    }
    let call = AsyncCall::new(registry::registered(id).site);
    Box::into_raw(Box::new(call)).cast()
}

extern "C" fn async_begin_step(call: *mut c_void) -> *mut c_void {
    // SAFETY: a handle from `async_new`, used by one poll at a time (the guest's `&mut`).
    let call = unsafe { &mut *call.cast::<AsyncCall>() };
    Box::into_raw(Box::new(call.begin_step())).cast()
}

extern "C" fn async_end_step(call: *mut c_void, step: *mut c_void, finished: bool) {
    // SAFETY: handles from `async_new` and `async_begin_step` of that call, on the same
    // thread; each step handle is given back once.
    let (call, step) = unsafe {
        (
            &mut *call.cast::<AsyncCall>(),
            Box::from_raw(step.cast::<Step>()),
        )
    };
    call.end_step(*step, finished);
}

extern "C" fn async_drop(call: *mut c_void) {
    // SAFETY: a handle from `async_new`, given back once.
    drop(unsafe { Box::from_raw(call.cast::<AsyncCall>()) });
}

#[cfg(feature = "abi-test-minor")]
extern "C" fn probe() -> u32 {
    ABI_MINOR
}
