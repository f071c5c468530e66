//! Where the profile's counters live: an arena of slots, histogram blocks and thread entries.
//!
//! Recording threads write into [`SiteSlot`]s and histogram blocks allocated here, once per
//! (site, thread) pair and per histogram growth; the hot path never calls into the store.
//! Freed entries (those of exited threads, replaced histogram blocks) are reused, so memory
//! is bounded by the pairs alive at once, not by the threads ever started.
//!
//! With the environment variable [`DIR_VARIABLE`] (`PERFORMANCE_TIMING_DIR`) set when the
//! process first records (or, in a forked child, at the fork), the arena is a file in that
//! directory named `host-pid-start.ptprof`, mapped shared: every count is in the page cache as
//! soon as it is stored, so it survives `SIGTERM`, `os._exit` and crashes, and
//! [`load_dir`](crate::profile::load_dir) reads it from any process. The file also holds what a
//! reader needs to interpret it (see [`layout`]): process, sites, threads.
//!
//! * [`layout`]: the entries and their fields;
//! * [`backend`]: heap or memory-mapped file;
//! * `entries`: the `SITE` and `THREAD` entries;
//! * reading a process file back into a snapshot is
//!   [`snapshot::process_file`](super::snapshot).

pub(crate) mod backend;
mod entries;
pub(crate) mod layout;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use backend::{Backend, CHUNK_ALIGN, Chunk};
use layout::*;

use super::process::host_name;
use crate::clock::tsc;

/// The environment variable naming the directory of multi-process mode.
pub const DIR_VARIABLE: &str = "PERFORMANCE_TIMING_DIR";

/// Bytes of the first chunk; later chunks double up to [`MAX_CHUNK`].
const FIRST_CHUNK: usize = 64 * 1024;
const MAX_CHUNK: usize = 4 * 1024 * 1024;

/// The arena, its chunks and its free entries.
pub(crate) struct Store {
    backend: Backend,
    chunks: Vec<Chunk>,
    /// Bytes used in the last chunk.
    used: usize,
    /// Store size so far: the offset of the next chunk.
    end: u64,
    /// Freed entries by size in bytes.
    free: BTreeMap<usize, Vec<*mut u64>>,
    /// Body of the `PROCESS` entry.
    process: *mut u64,
    /// Which sites have a `SITE` entry (file backend only).
    sites: Vec<bool>,
    /// When the store was created (ns since the Unix epoch): part of the file name.
    start_ns: u64,
    /// A chunk could not be added to the file: later chunks are on the heap.
    file_full: bool,
}

// SAFETY: the raw pointers point into chunks the store owns for the process's life; the store
// is only reached through `STORE`'s lock.
unsafe impl Send for Store {}

static STORE: Mutex<Option<Store>> = Mutex::new(None);

/// The directory captured at the last fork, for the child (which must not read the
/// environment through locks another thread of the parent may have held).
static DIR_AT_FORK: Mutex<Option<Option<PathBuf>>> = Mutex::new(None);

/// Locks the store (`None` until first used).
pub(crate) fn lock() -> MutexGuard<'static, Option<Store>> {
    super::sync::lock(&STORE)
}

/// Runs `f` on the store, creating it on first use. Entries `f` allocated and filled become
/// visible to readers of the store's file when it returns.
pub(crate) fn with<R>(f: impl FnOnce(&mut Store) -> R) -> R {
    let mut guard = lock();
    let store = guard.get_or_insert_with(Store::open);
    let result = f(store);
    store.publish();
    result
}

/// Runs `f` on the store if it exists (nothing was recorded yet otherwise).
pub(crate) fn if_open(f: impl FnOnce(&mut Store)) {
    if let Some(store) = lock().as_mut() {
        f(store);
    }
}

/// The multi-process directory configured by [`DIR_VARIABLE`], if set and not empty.
pub(crate) fn configured_dir() -> Option<PathBuf> {
    if let Some(captured) = super::sync::lock(&DIR_AT_FORK).clone() {
        return captured;
    }
    std::env::var_os(DIR_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Before a fork: reads the configured directory for the child.
pub(crate) fn capture_dir_for_fork() {
    let dir = std::env::var_os(DIR_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    *super::sync::lock(&DIR_AT_FORK) = Some(dir);
}

/// In the parent after a fork: the captured directory is only for the child.
pub(crate) fn forget_captured_dir() {
    *super::sync::lock(&DIR_AT_FORK) = None;
}

/// In a forked child, holding the store's lock: forgets the parent's store (its file chunks
/// become private copies); the child's own store is created when it first records.
pub(crate) fn forget_after_fork(store: &mut Option<Store>) {
    if let Some(old) = store.take() {
        old.backend.detach_after_fork(&old.chunks);
        // The heap chunks stay allocated: calls open across the fork still point into them.
        std::mem::forget(old.chunks);
        drop(old.backend);
    }
}

/// The name of this process's file: host, pid and start time, so a reused pid never lands in
/// another process's file.
pub(crate) fn process_file_stem(host: &str, pid: u32, start_ns: u64) -> String {
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{host}-{pid}-{start_ns}")
}

/// File extension of a live process file.
pub(crate) const EXTENSION: &str = "ptprof";

impl Store {
    fn open() -> Store {
        let start_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let host = host_name();
        let backend = match configured_dir() {
            None => Backend::Heap,
            Some(dir) => {
                let name = format!(
                    "{}.{EXTENSION}",
                    process_file_stem(&host, std::process::id(), start_ns)
                );
                Backend::create_file(&dir, &name).unwrap_or_else(|e| {
                    eprintln!(
                        "performance_timing: cannot create the profile file {name} in {} \
                         ({DIR_VARIABLE}): {e}; this process's profile stays in memory",
                        dir.display()
                    );
                    Backend::Heap
                })
            }
        };
        let mut store = Store {
            backend,
            chunks: Vec::new(),
            used: 0,
            end: 0,
            free: BTreeMap::new(),
            process: std::ptr::null_mut(),
            sites: Vec::new(),
            start_ns,
            file_full: false,
        };
        let host = truncated(&host, HOST_BYTES);
        let entry = store.alloc(PROCESS, 8 * (1 + PROCESS_FIELDS) + padded(host.len()));
        // SAFETY: the entry has room for the fields and the host bytes.
        unsafe {
            let body = entry.add(1);
            *body.add(P_VERSION) = LAYOUT_VERSION;
            *body.add(P_PID) = u64::from(std::process::id());
            *body.add(P_START) = start_ns;
            *body.add(P_SCALE) = tsc::nanos_per_2_32_raw();
            *body.add(P_EPOCH) = super::state::current_epoch();
            *body.add(P_CLOCK) = u64::from(tsc::source() != "tsc");
            *body.add(P_HOST_LEN) = host.len() as u64;
            std::ptr::copy_nonoverlapping(
                host.as_ptr(),
                body.add(PROCESS_FIELDS).cast::<u8>(),
                host.len(),
            );
            store.process = body;
        }
        store.publish();
        store
    }

    /// Whether the store lives in a file that could not grow any more: new entries are in
    /// memory only, where a reader of the file cannot see them.
    pub(crate) fn file_is_full(&self) -> bool {
        self.file_full && self.backend.path().is_some()
    }

    /// The file this store lives in, if it is file-backed.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.backend.path()
    }

    /// Asks the kernel to write the file's pages to disk now (file backend; the counts are
    /// already visible to every reader of the file without it).
    pub(crate) fn flush(&self) -> std::io::Result<()> {
        {
            for c in self.chunks.iter().filter(|c| c.mapped) {
                // SAFETY: a live mapping of `c.bytes` bytes at `c.base`.
                if unsafe { libc::msync(c.base.cast(), c.bytes, libc::MS_SYNC) } != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
        }
        Ok(())
    }

    /// When the store was created (ns since the Unix epoch).
    pub(crate) fn start_ns(&self) -> u64 {
        self.start_ns
    }

    /// Writes the reset epoch readers of the file compare threads against.
    pub(crate) fn set_epoch(&mut self, epoch: u64) {
        // SAFETY: the PROCESS entry lives as long as the store.
        unsafe { atomic(self.process.add(P_EPOCH)) }.store(epoch, Ordering::Release);
    }

    /// A zeroed entry of `kind` and `bytes` bytes (header included), reusing a freed one of
    /// the same size when there is one. Returns a pointer to its header word.
    pub(crate) fn alloc(&mut self, kind: u32, bytes: usize) -> *mut u64 {
        let bytes = bytes.max(8).next_multiple_of(ENTRY_ALIGN);
        if let Some(p) = self.free.get_mut(&bytes).and_then(Vec::pop) {
            // SAFETY: a freed entry of `bytes` bytes nothing refers to any more.
            unsafe {
                std::ptr::write_bytes(p.add(1), 0, bytes / 8 - 1);
                atomic(p).store(header(kind, bytes), Ordering::Release);
            }
            return p;
        }
        if self
            .chunks
            .last()
            .is_none_or(|c| self.used + bytes > c.bytes)
        {
            self.grow(bytes);
        }
        let chunk = *self.chunks.last().expect("a chunk was just added");
        // SAFETY: `used + bytes <= chunk.bytes`; the chunk's memory is zeroed and unused.
        unsafe {
            let p = chunk.base.add(self.used / 8);
            atomic(p).store(header(kind, bytes), Ordering::Relaxed);
            self.used += bytes;
            p
        }
    }

    /// Makes the entries allocated so far visible to readers of the file (they read a chunk
    /// up to its "bytes used"), once they are filled in.
    fn publish(&self) {
        if let Some(chunk) = self.chunks.last() {
            // SAFETY: the chunk header lives as long as the store.
            unsafe { atomic(chunk.base.add(CHUNK_USED)) }
                .store(self.used as u64, Ordering::Release);
        }
    }

    /// Returns the entry at `p` (from [`Store::alloc`]) for reuse.
    pub(crate) fn free(&mut self, p: *mut u64) {
        // SAFETY: `p` is the header word of a live entry, which nothing refers to any more.
        let (_, bytes) = parse_header(unsafe { atomic(p) }.load(Ordering::Relaxed));
        unsafe { atomic(p) }.store(header(FREE, bytes), Ordering::Release);
        self.free.entry(bytes).or_default().push(p);
    }

    /// The offset of `p` in the store (and its file).
    pub(crate) fn offset_of(&self, p: *const u64) -> u64 {
        let addr = p as usize;
        self.chunks
            .iter()
            .find(|c| addr >= c.base as usize && addr < c.base as usize + c.bytes)
            .map_or(0, |c| c.offset + (addr - c.base as usize) as u64)
    }

    fn grow(&mut self, bytes: usize) {
        self.publish();
        let last = self.chunks.last().map_or(0, |c| c.bytes);
        let size = (last * 2)
            .clamp(FIRST_CHUNK, MAX_CHUNK)
            .max((bytes + CHUNK_HEADER).next_multiple_of(CHUNK_ALIGN));
        let chunk = if self.file_full {
            Backend::Heap.chunk(self.end, size)
        } else {
            self.backend.chunk(self.end, size)
        };
        let chunk = chunk.or_else(|e| {
            if !self.file_full {
                if let Some(path) = self.backend.path().map(Path::to_owned) {
                    if self.backend.remove_if_empty() {
                        eprintln!(
                            "performance_timing: cannot reserve space for the profile file {}: \
                             {e}; this process's profile stays in memory (file removed)",
                            path.display()
                        );
                        self.backend = Backend::Heap;
                    } else {
                        eprintln!(
                            "performance_timing: cannot grow the profile file {}: {e}; new \
                             call sites and threads of this process are recorded in memory only",
                            path.display()
                        );
                    }
                }
            }
            self.file_full = true;
            Backend::Heap.chunk(self.end, size)
        });
        let Ok(chunk) = chunk else {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(size, CHUNK_ALIGN).expect("valid layout"),
            );
        };
        // SAFETY: a fresh chunk of at least CHUNK_HEADER bytes.
        unsafe {
            *chunk.base = MAGIC;
            *chunk.base.add(1) = size as u64;
            atomic(chunk.base.add(CHUNK_USED)).store(CHUNK_HEADER as u64, Ordering::Release);
        }
        self.end += size as u64;
        self.used = CHUNK_HEADER;
        self.chunks.push(chunk);
    }
}

/// The word at `p` as an atomic.
///
/// # Safety
/// `p` must be valid, 8-byte aligned and live for `'a`.
pub(crate) unsafe fn atomic<'a>(p: *mut u64) -> &'a AtomicU64 {
    // SAFETY: guaranteed by the caller; AtomicU64 has the layout of u64.
    unsafe { AtomicU64::from_ptr(p) }
}
