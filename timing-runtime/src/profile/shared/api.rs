//! The table of entry points a host exports: a C ABI, append-only, versioned.

use std::ffi::c_void;
use std::sync::atomic::AtomicU64;

/// The name of the capsule that holds the host's table, as `PyCapsule_Import` wants it
/// (the module path of the attribute, NUL-terminated).
pub const CAPSULE_NAME: &std::ffi::CStr = c"performance_timing._native._PROFILE_API";

/// `b"PTPROFIL"` read as a little-endian `u64`: the first field of every table.
pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"PTPROFIL");

/// The table's major version: a guest attaches only to a host of the same major version.
#[cfg(not(feature = "abi-test-major"))]
pub const ABI_MAJOR: u32 = 1;
/// The table's major version (the `abi-test-major` test build: a major version no host has).
#[cfg(feature = "abi-test-major")]
pub const ABI_MAJOR: u32 = 1_000;

/// The table's minor version: the number of entries appended since the major version began.
#[cfg(not(feature = "abi-test-minor"))]
pub const ABI_MINOR: u32 = 0;
/// The table's minor version (the `abi-test-minor` test build: one entry more than any host).
#[cfg(feature = "abi-test-minor")]
pub const ABI_MINOR: u32 = 1;

/// A guest call site as the host registers it: UTF-8 strings by pointer and length.
#[repr(C)]
pub struct SiteDesc {
    /// The name its records are shown under.
    pub name: *const u8,
    /// Length of `name` in bytes.
    pub name_len: usize,
    /// `module_path!()` of the function.
    pub module: *const u8,
    /// Length of `module` in bytes.
    pub module_len: usize,
    /// Source file.
    pub file: *const u8,
    /// Length of `file` in bytes.
    pub file_len: usize,
    /// Source line.
    pub line: u32,
}

/// An open frame as the host hands it to a guest, which gives it back, unchanged, to close it
/// on the same thread. `slot` null: nothing is recorded (recording off, or thread teardown).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RawFrame {
    /// The host's slot (opaque to the guest).
    pub slot: *const c_void,
    /// The host's clock reading at the start (opaque).
    pub start: u64,
    /// The host's children-sum at the start (opaque).
    pub saved_children: u64,
    /// The host's span record while tracing, or null (opaque).
    pub record: *const c_void,
}

impl RawFrame {
    /// A frame that records nothing.
    pub const OFF: RawFrame = RawFrame {
        slot: std::ptr::null(),
        start: 0,
        saved_children: 0,
        record: std::ptr::null(),
    };

    /// Whether this frame records something.
    #[inline(always)]
    pub fn is_open(&self) -> bool {
        !self.slot.is_null()
    }
}

/// A sink for bytes the host hands out (a snapshot's JSON, a path, an error message): called
/// once with a pointer valid for the duration of the call.
pub type Sink = extern "C" fn(context: *mut c_void, bytes: *const u8, len: usize);

/// The host's table of entry points. Fields are only ever appended: a guest reads a field only
/// when [`size`](Self::size) covers it.
#[repr(C)]
pub struct ProfileApi {
    /// Always `MAGIC` (`b"PTPROFIL"`).
    pub magic: u64,
    /// [`ABI_MAJOR`] of the host.
    pub major: u32,
    /// [`ABI_MINOR`] of the host.
    pub minor: u32,
    /// `size_of::<ProfileApi>()` of the host: which entries exist.
    pub size: usize,
    /// The host's state word (on/off, trace session, reset epoch), read by the guest's hot
    /// path so that "recording off" costs no call.
    pub state: *const AtomicU64,
    /// Registers a guest call site; returns its id in the host.
    pub register: extern "C" fn(site: &SiteDesc) -> u32,
    /// Opens a frame of site `id` on the calling thread.
    pub begin: extern "C" fn(id: u32, out: &mut RawFrame),
    /// Closes a frame opened by `begin` (on the thread that opened it).
    pub end: extern "C" fn(frame: &RawFrame),
    /// The calling thread's number in the host (0 before it first records).
    pub thread_token: extern "C" fn() -> u64,
    /// `set_enabled` of the host.
    pub set_enabled: extern "C" fn(enabled: bool),
    /// `is_enabled` of the host.
    pub is_enabled: extern "C" fn() -> bool,
    /// `reset` of the host.
    pub reset: extern "C" fn(),
    /// The host's `snapshot()` as profile JSON, handed to `sink`.
    pub snapshot_json: extern "C" fn(context: *mut c_void, sink: Sink),
    /// The host's `dump(dir)` (`dir_len == 0`: the default directory). Returns true and hands
    /// the path to `sink`, or false and hands the error message.
    pub dump:
        extern "C" fn(dir: *const u8, dir_len: usize, context: *mut c_void, sink: Sink) -> bool,
    /// A new call of site `id` that runs in steps (a guest's `async fn`): the host's
    /// `AsyncCall`, boxed; the handle goes to the three entries below.
    pub async_new: extern "C" fn(id: u32) -> *mut c_void,
    /// Begins a step of the call on the calling thread; returns the step's handle.
    pub async_begin_step: extern "C" fn(call: *mut c_void) -> *mut c_void,
    /// Ends a step (on the thread it began on); `finished`: the call is complete.
    pub async_end_step: extern "C" fn(call: *mut c_void, step: *mut c_void, finished: bool),
    /// Frees the call (recording it if it started and did not finish, as `AsyncCall` does).
    pub async_drop: extern "C" fn(call: *mut c_void),
    /// An entry of the `abi-test-minor` build: one entry more than any host has.
    #[cfg(feature = "abi-test-minor")]
    pub probe: extern "C" fn() -> u32,
}

// SAFETY: the table is immutable after construction; its pointers are to statics.
unsafe impl Sync for ProfileApi {}
// SAFETY: as above.
unsafe impl Send for ProfileApi {}
