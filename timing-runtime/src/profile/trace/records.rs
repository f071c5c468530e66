//! What a session holds of each thread: its records, in chunks, written by the thread's
//! writer (`buffer.rs`) and read once by [`Session::finish`](super::Session::finish).

use std::cell::UnsafeCell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::profile::sync::lock;

/// The `depth` of a record that is an async slice (a whole future), not a span.
pub(crate) const ASYNC: u32 = u32::MAX;

/// One captured span or async slice, in raw clock units; `end == 0` while the span is open.
pub(crate) struct Record {
    pub(super) site: UnsafeCell<u32>,
    pub(super) depth: UnsafeCell<u32>,
    pub(super) start: UnsafeCell<u64>,
    pub(super) end: AtomicU64,
}

/// A record as read at the end of a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawSpan {
    pub(crate) site: u32,
    pub(crate) depth: u32,
    pub(crate) start: u64,
    /// 0 when the span was still open.
    pub(crate) end: u64,
}

/// One thread's spans in one session.
pub(crate) struct ThreadBuffer {
    pub(crate) thread_number: u64,
    pub(crate) thread_name: String,
    pub(super) capacity: usize,
    pub(super) chunks: Mutex<Vec<Box<[Record]>>>,
    /// Records `[0, published)` have their site, depth and start written (Release).
    pub(super) published: AtomicUsize,
    pub(super) dropped: AtomicU64,
}

// SAFETY: a record's `UnsafeCell` fields are written once, by the owning thread, before the
// record is published with a Release store of `published`; readers only read records below
// an Acquire load of `published`, and never write them. `end` is atomic.
unsafe impl Sync for ThreadBuffer {}
// SAFETY: as above; the chunks are owned heap data.
unsafe impl Send for ThreadBuffer {}

impl ThreadBuffer {
    /// The published records (a consistent prefix) and the number of dropped spans.
    pub(crate) fn read(&self) -> (Vec<RawSpan>, u64) {
        let published = self.published.load(Ordering::Acquire);
        let chunks = lock(&self.chunks);
        let records = chunks.iter().flat_map(|c| c.iter()).take(published);
        let spans = records
            .map(|r| {
                // SAFETY: published records are never written again (see `Sync`).
                unsafe {
                    RawSpan {
                        site: *r.site.get(),
                        depth: *r.depth.get(),
                        start: *r.start.get(),
                        end: r.end.load(Ordering::Acquire),
                    }
                }
            })
            .collect();
        (spans, self.dropped.load(Ordering::Relaxed))
    }
}
