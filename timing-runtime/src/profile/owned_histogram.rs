//! The histogram a recording thread writes: sparse, grown one octave at a time.
//!
//! Buckets are grouped in chunks of 16 (one power-of-two octave above 32 ns; [`BUCKETS`] make
//! 62 chunks). A slot's histogram is one block, an entry of the [`store`]: a 64-byte table
//! mapping each chunk number to its position in the block (or "absent"), followed by the
//! present chunks' counters. A site whose durations span one decade touches 4 or 5 chunks: at
//! most 8 + 64 + 5 × 128 = 712 bytes, however many calls it records. A slot that has recorded
//! nothing points at a shared empty block and owns no memory.
//!
//! Only the owning thread writes counters (a relaxed load and store, as for the slot's other
//! counters). Adding a chunk replaces the block: the owner builds the bigger block, publishes
//! it while holding its thread's slot lock — the lock every reader holds while reading — and
//! then returns the old block to the store, so a reader never sees a freed block.

use std::sync::Mutex;
use std::sync::atomic::{
    AtomicPtr, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release,
};

use super::histogram::{BUCKETS, Histogram};
use super::store::{self, Store, layout};

/// Buckets per chunk.
const CHUNK: usize = 16;
/// Chunks in a full histogram.
const CHUNKS: usize = BUCKETS.div_ceil(CHUNK);
/// Bytes of the chunk table at the start of a block (8-byte words: 8).
pub(crate) const TABLE_BYTES: usize = 64;
const TABLE_WORDS: usize = TABLE_BYTES / 8;
/// Table entry of a chunk the block does not hold.
pub(crate) const ABSENT: u8 = 0xFF;
/// Counters per chunk, for readers of a store's file.
pub(crate) const CHUNK_BUCKETS: usize = CHUNK;

const _: () = assert!(CHUNKS <= TABLE_BYTES);

/// The block of a histogram that has recorded nothing: every chunk absent, no counters.
static EMPTY: [u64; TABLE_WORDS] = [u64::MAX; TABLE_WORDS];

fn empty() -> *mut u64 {
    EMPTY.as_ptr().cast_mut()
}

/// Bytes of the store entry of a block of `chunks` chunks (its header word included).
fn entry_bytes(chunks: usize) -> usize {
    8 * (1 + TABLE_WORDS + chunks * CHUNK)
}

/// A histogram written by one thread (its owner) and read by any holder of the owner's slot
/// lock. `repr(C)`: it is part of a slot's layout.
#[repr(C)]
pub(crate) struct OwnedHistogram {
    /// The table (as bytes) followed by the counters (as `AtomicU64`s), in a store entry;
    /// [`EMPTY`] when none.
    block: AtomicPtr<u64>,
    /// Offset of the table in the store (0 when none), for readers of the store's file.
    block_at: AtomicU64,
}

impl OwnedHistogram {
    /// Byte offset of `block_at` in the struct.
    pub(crate) const BLOCK_AT: usize = std::mem::offset_of!(OwnedHistogram, block_at);

    pub(crate) const fn new() -> Self {
        Self {
            block: AtomicPtr::new(EMPTY.as_ptr().cast_mut()),
            block_at: AtomicU64::new(0),
        }
    }

    fn table(block: *const u64) -> *const u8 {
        block.cast()
    }

    /// Number of chunks in `block`.
    fn chunks(block: *const u64) -> usize {
        // SAFETY: every block starts with a table of TABLE_BYTES bytes, written before the block
        // was published and never written after.
        let table = unsafe { std::slice::from_raw_parts(Self::table(block), CHUNKS) };
        table.iter().filter(|&&t| t != ABSENT).count()
    }

    /// The counter of bucket `index` in `block`, if its chunk is present.
    #[inline(always)]
    fn cell(block: *const u64, index: usize) -> Option<*const AtomicU64> {
        // SAFETY: `index < BUCKETS`, so `index / CHUNK < CHUNKS <= TABLE_BYTES`.
        let position = unsafe { *Self::table(block).add(index / CHUNK) };
        if position == ABSENT {
            return None;
        }
        // SAFETY: a present chunk's counters follow the table at its position.
        Some(unsafe { block.add(TABLE_WORDS + position as usize * CHUNK + index % CHUNK) }.cast())
    }

    /// Owner only: counts one value in bucket `index` (< [`BUCKETS`]). `lock` is the lock
    /// readers of this histogram hold, taken only when a chunk must be added.
    #[inline(always)]
    pub(crate) fn record<T>(&self, index: usize, lock: &Mutex<T>) {
        match Self::cell(self.block.load(Relaxed), index) {
            Some(cell) => {
                // SAFETY: only this thread replaces the block, so it is live here.
                let cell = unsafe { &*cell };
                cell.store(cell.load(Relaxed).wrapping_add(1), Relaxed)
            }
            None => {
                let new = self.grown(index);
                let old = {
                    let _guard = super::registry::lock(lock);
                    self.publish(new)
                };
                // Freed after the lock: a reader that took it after `publish` sees the new
                // block; one that held it before has finished.
                store::with(|s| Self::free_in(old, s));
                self.record(index, lock);
            }
        }
    }

    /// The caller holds the slot lock and is the only writer: adds `counts`.
    pub(crate) fn add_locked(&self, counts: &Histogram) {
        for (index, count) in counts.counts() {
            if Self::cell(self.block.load(Relaxed), index).is_none() {
                let old = self.publish(self.grown(index));
                store::with(|s| Self::free_in(old, s));
            }
            let cell = Self::cell(self.block.load(Relaxed), index).expect("chunk present");
            // SAFETY: the caller is the only writer; the block is live.
            let cell = unsafe { &*cell };
            cell.store(cell.load(Relaxed).saturating_add(count), Relaxed);
        }
    }

    /// A copy of the current block with the chunk of bucket `index` added (zero counts), and
    /// its offset in the store (owner only: the counters do not change while copied).
    #[cold]
    #[inline(never)]
    fn grown(&self, index: usize) -> (*mut u64, u64) {
        let old = self.block.load(Relaxed);
        let chunks = Self::chunks(old);
        let (entry, at) = store::with(|s| {
            let e = s.alloc(layout::BLOCK, entry_bytes(chunks + 1));
            (e, s.offset_of(e) + 8)
        });
        // SAFETY: the entry holds a header, the table and `chunks + 1` chunks; `old` holds the
        // table and `chunks` chunks.
        unsafe {
            let new = entry.add(1);
            std::ptr::copy_nonoverlapping(old, new, TABLE_WORDS + chunks * CHUNK);
            *new.cast::<u8>().add(index / CHUNK) = chunks as u8;
            (new, at)
        }
    }

    /// Makes `new` the block (with its store offset) and returns the old one.
    fn publish(&self, (new, at): (*mut u64, u64)) -> *mut u64 {
        self.block_at.store(at, Release);
        self.block.swap(new, Release)
    }

    /// Frees `block` unless it is the shared empty one. No reader can hold it any more.
    fn free_in(block: *mut u64, store: &mut Store) {
        if block != empty() {
            // SAFETY: a published block is the body of a store entry, one word in.
            store.free(unsafe { block.sub(1) });
        }
    }

    /// Holding the slot lock (or sole owner): forgets every value and returns the memory.
    pub(crate) fn clear_in(&self, store: &mut Store) {
        self.block_at.store(0, Release);
        let old = self.block.swap(empty(), Release);
        Self::free_in(old, store);
    }

    /// Any thread holding the owner's slot lock (or the owner): the counts.
    pub(crate) fn read(&self) -> Histogram {
        let block = self.block.load(Acquire);
        let mut counts = Vec::new();
        for chunk in 0..CHUNKS {
            for index in chunk * CHUNK..((chunk + 1) * CHUNK).min(BUCKETS) {
                match Self::cell(block, index) {
                    Some(cell) => {
                        // SAFETY: the caller holds the slot lock, so the block is live.
                        let c = unsafe { &*cell }.load(Relaxed);
                        if c > 0 {
                            counts.push((index as u16, c));
                        }
                    }
                    None => break,
                }
            }
        }
        Histogram::from_sorted(counts)
    }

    /// Bytes of memory this histogram holds.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        match Self::chunks(self.block.load(Relaxed)) {
            0 => 0,
            n => entry_bytes(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::histogram::bucket_index;

    #[test]
    fn grows_by_chunks_and_reads_back() {
        let lock = Mutex::new(());
        let h = OwnedHistogram::new();
        assert_eq!(h.bytes(), 0);
        assert_eq!(h.read().count(), 0);
        let mut expected = Histogram::default();
        // One decade: 1 µs to 10 µs.
        for i in 0..10_000u64 {
            let v = 1_000 + (i * 9_000) / 10_000;
            h.record(bucket_index(v), &lock);
            expected.record(v);
        }
        assert_eq!(h.read(), expected);
        assert!(h.bytes() <= 8 + 64 + 5 * 128, "{} bytes", h.bytes());
        h.record(bucket_index(0), &lock);
        h.record(bucket_index(u64::MAX), &lock);
        expected.record(0);
        expected.record(u64::MAX);
        assert_eq!(h.read(), expected);
        let doubled = OwnedHistogram::new();
        doubled.add_locked(&expected);
        doubled.add_locked(&expected);
        let mut twice = expected.clone();
        twice.merge(&expected);
        assert_eq!(doubled.read(), twice);
        store::with(|s| {
            h.clear_in(s);
            doubled.clear_in(s);
        });
        assert_eq!(h.bytes(), 0);
        assert_eq!(h.read().count(), 0);
    }
}
