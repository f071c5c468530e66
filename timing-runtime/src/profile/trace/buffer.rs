//! Per-thread span buffers: bounded, written by their thread only, read once by
//! [`Session::finish`](super::Session::finish).
//!
//! A thread's first span in a session attaches a [`ThreadBuffer`] to the session (a lock,
//! once). After that, opening a span reserves the next record through this module's own
//! thread-local cursor — no lock, no shared read-modify-write — and writes the call site,
//! nesting depth and start; closing it stores the end. Records are kept in begin order, in
//! chunks allocated as spans arrive (never more than the capacity). When the buffer is full,
//! further spans of that thread are counted as dropped: since a span is dropped when it
//! *begins*, every kept span's enclosing spans are kept too.

use std::cell::{Cell, UnsafeCell};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::records::{ASYNC, Record, ThreadBuffer};
use super::session;
use crate::clock::tsc;
use crate::profile::sync::lock;

/// Records in a thread's first chunk (24 bytes each); chunks grow with the buffer (half of what
/// it holds), up to [`MAX_CHUNK`] (3 MiB): a thread that records a few spans takes 24 KiB.
const FIRST_CHUNK: usize = 1024;
const MAX_CHUNK: usize = 1 << 17;

/// The calling thread's cursor into its buffer of the current session.
struct TraceLocal {
    buffer: UnsafeCell<Option<Arc<ThreadBuffer>>>,
    /// The session `buffer` belongs to (0: none).
    generation: Cell<u64>,
    /// The next free record of the current chunk, and the end of that chunk.
    cursor: Cell<*const Record>,
    chunk_end: Cell<*const Record>,
    /// Index of the next record (what `published` becomes once it is written).
    next: Cell<usize>,
    /// Open traced spans on this thread (the depth the next span gets).
    depth: Cell<u32>,
    /// This thread's number in traces (assigned once, stable across sessions).
    number: Cell<u64>,
}

thread_local! {
    static TRACE: TraceLocal = const {
        TraceLocal {
            buffer: UnsafeCell::new(None),
            generation: Cell::new(0),
            cursor: Cell::new(std::ptr::null()),
            chunk_end: Cell::new(std::ptr::null()),
            next: Cell::new(0),
            depth: Cell::new(0),
            number: Cell::new(0),
        }
    };
}

static THREAD_NUMBERS: AtomicU64 = AtomicU64::new(0);

/// Opens a span of call site `site` on the calling thread: returns its record (`None` when the
/// span is not captured — buffer full: counted as dropped; no session; thread shutting down)
/// and the span's start, a raw clock reading taken after the bookkeeping. Out of line, with its
/// result in two registers, so that the code `#[timed]` inlines stays small.
#[inline(never)]
pub(crate) fn open(site: u32) -> (Option<NonNull<Record>>, u64) {
    let opened = TRACE
        .try_with(|local| {
            let record = local.reserve()?;
            let depth = local.depth.get();
            local.depth.set(depth.saturating_add(1));
            // SAFETY: the record is reserved for this thread and not yet published.
            let start = unsafe {
                let r = record.as_ref();
                *r.site.get() = site;
                *r.depth.get() = depth;
                let start = tsc::raw();
                *r.start.get() = start;
                start
            };
            local.publish();
            Some((record, start))
        })
        .ok()
        .flatten();
    match opened {
        Some((record, start)) => (Some(record), start),
        None => (None, tsc::raw()),
    }
}

/// Closes a span opened by [`open`] on this thread at raw clock reading `end`.
#[inline]
pub(crate) fn close(record: NonNull<Record>, end: u64) {
    // SAFETY: records live as long as their buffer, which the session (or this thread's
    // cursor) keeps alive until the trace is read; `depth` was written before publication.
    let depth = unsafe {
        let r = record.as_ref();
        r.end.store(end.max(1), Ordering::Release);
        *r.depth.get()
    };
    let _ = TRACE.try_with(|local| local.depth.set(depth));
}

/// Records the async slice of a future (first poll to completion) on the calling thread,
/// if it is still in the session `generation` its first poll was captured in.
pub(crate) fn push_async(generation: u64, site: u32, start: u64, end: u64) {
    let _ = TRACE.try_with(|local| {
        if local.generation.get() != generation {
            return;
        }
        if let Some(record) = local.reserve() {
            // SAFETY: reserved for this thread and not yet published.
            unsafe {
                let r = record.as_ref();
                *r.site.get() = site;
                *r.depth.get() = ASYNC;
                *r.start.get() = start;
                r.end.store(end.max(1), Ordering::Release);
            }
            local.publish();
        }
    });
}

/// The session generation the calling thread is capturing into (0: none).
pub(crate) fn current_generation() -> u64 {
    TRACE.try_with(|l| l.generation.get()).unwrap_or(0)
}

impl TraceLocal {
    /// The next record of this thread's buffer in the current session.
    #[inline(always)]
    fn reserve(&self) -> Option<NonNull<Record>> {
        if self.generation.get() != session::active_generation() {
            self.attach()?;
        }
        let cursor = self.cursor.get();
        if cursor == self.chunk_end.get() {
            return self.grow();
        }
        // SAFETY: `cursor` is inside the current chunk (not at its end).
        self.cursor.set(unsafe { cursor.add(1) });
        NonNull::new(cursor.cast_mut())
    }

    /// Publishes the record just written.
    #[inline(always)]
    fn publish(&self) {
        let next = self.next.get() + 1;
        self.next.set(next);
        // SAFETY: only this thread touches `buffer`.
        if let Some(buffer) = unsafe { &*self.buffer.get() } {
            buffer.published.store(next, Ordering::Release);
        }
    }

    /// Joins the active session with a new buffer (`None`: no session).
    #[cold]
    fn attach(&self) -> Option<()> {
        if self.number.get() == 0 {
            self.number
                .set(THREAD_NUMBERS.fetch_add(1, Ordering::Relaxed) + 1);
        }
        let number = self.number.get();
        let name = match std::thread::current().name() {
            Some(n) => n.to_owned(),
            None if is_process_main_thread() => "main".to_owned(),
            None => format!("thread-{number}"),
        };
        let (generation, buffer) = session::attach(|capacity| {
            Arc::new(ThreadBuffer {
                thread_number: number,
                thread_name: name,
                capacity,
                chunks: Mutex::new(Vec::new()),
                published: AtomicUsize::new(0),
                dropped: AtomicU64::new(0),
            })
        })?;
        // SAFETY: only this thread touches `buffer`; no reference into it is held.
        unsafe { *self.buffer.get() = Some(buffer) };
        self.generation.set(generation);
        self.cursor.set(std::ptr::null());
        self.chunk_end.set(std::ptr::null());
        self.next.set(0);
        self.depth.set(0);
        Some(())
    }

    /// Starts a new chunk, or counts a dropped span when the buffer is full.
    #[cold]
    fn grow(&self) -> Option<NonNull<Record>> {
        // SAFETY: only this thread touches `buffer`.
        let buffer = unsafe { &*self.buffer.get() }.as_ref()?;
        let next = self.next.get();
        let size = (next / 2).clamp(FIRST_CHUNK, MAX_CHUNK);
        let room = buffer.capacity.saturating_sub(next).min(size);
        let Some(chunk) = zeroed_records(room) else {
            let dropped = buffer.dropped.load(Ordering::Relaxed);
            buffer.dropped.store(dropped + 1, Ordering::Relaxed);
            return None;
        };
        let first = chunk.as_ptr();
        lock(&buffer.chunks).push(chunk);
        // SAFETY: `first .. first + room` is the chunk just stored (a stable heap address).
        unsafe {
            self.cursor.set(first.add(1));
            self.chunk_end.set(first.add(room));
        }
        NonNull::new(first.cast_mut())
    }
}

/// `len` (> 0) empty records, zeroed by the allocator (fresh pages for large chunks, no pass
/// over them); `None` for 0 or when the allocator has no memory (the span is then dropped).
fn zeroed_records(len: usize) -> Option<Box<[Record]>> {
    let layout = std::alloc::Layout::array::<Record>(len).ok()?;
    if layout.size() == 0 {
        return None;
    }
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<Record>();
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` is a fresh allocation of the layout of `[Record; len]`, all bytes zero,
    // which is a valid `Record` (zero integers, an atomic 0); the box frees it with that layout.
    Some(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) })
}

/// Whether the calling thread is the process's first thread (e.g. Python's main thread, which
/// Rust's standard library does not name).
#[cfg(target_os = "linux")]
fn is_process_main_thread() -> bool {
    // SAFETY: `gettid` and `getpid` have no preconditions.
    unsafe { libc::gettid() == libc::getpid() }
}

#[cfg(not(target_os = "linux"))]
fn is_process_main_thread() -> bool {
    false
}
