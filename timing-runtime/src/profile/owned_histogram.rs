//! The histogram a recording thread writes: sparse, grown one octave at a time.
//!
//! Buckets are grouped in chunks of 16 (one power-of-two octave above 32 ns; [`BUCKETS`] make
//! 62 chunks). A slot's histogram is one block: a 64-byte table mapping each chunk number to
//! its position in the block (or "absent"), followed by the present chunks' counters. A site
//! whose durations span one decade touches 4 or 5 chunks: at most 64 + 5 × 128 = 704 bytes,
//! however many calls it records. A slot that has recorded nothing points at a shared empty
//! block and owns no memory.
//!
//! Only the owning thread writes counters (a relaxed load and store, as for the slot's other
//! counters). Adding a chunk replaces the block: the owner builds the bigger block, then
//! publishes it and frees the old one while holding its thread's slot lock — the lock every
//! reader holds while reading — so a reader never sees a freed block.

use std::alloc::{Layout, alloc_zeroed, dealloc, handle_alloc_error};
use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering::Relaxed, Ordering::Release};

use super::histogram::{BUCKETS, Histogram};

/// Buckets per chunk.
const CHUNK: usize = 16;
/// Chunks in a full histogram.
const CHUNKS: usize = BUCKETS.div_ceil(CHUNK);
/// Bytes of the chunk table at the start of a block (8-byte words: 8).
const TABLE_BYTES: usize = 64;
const TABLE_WORDS: usize = TABLE_BYTES / 8;
/// Table entry of a chunk the block does not hold.
const ABSENT: u8 = 0xFF;

const _: () = assert!(CHUNKS <= TABLE_BYTES);

/// The block of a histogram that has recorded nothing: every chunk absent, no counters.
static EMPTY: [u64; TABLE_WORDS] = [u64::MAX; TABLE_WORDS];

fn empty() -> *mut u64 {
    EMPTY.as_ptr().cast_mut()
}

fn layout(chunks: usize) -> Layout {
    Layout::from_size_align((TABLE_WORDS + chunks * CHUNK) * 8, 8).expect("small layout")
}

/// Bytes a histogram holding `chunks` chunks occupies (0 for none).
#[cfg(test)]
fn block_bytes(chunks: usize) -> usize {
    if chunks == 0 {
        0
    } else {
        layout(chunks).size()
    }
}

/// A histogram written by one thread (its owner) and read by any holder of the owner's slot
/// lock.
pub(crate) struct OwnedHistogram {
    /// The table (as bytes) followed by the counters (as `AtomicU64`s); [`EMPTY`] when none.
    block: AtomicPtr<u64>,
}

impl OwnedHistogram {
    pub(crate) const fn new() -> Self {
        Self {
            block: AtomicPtr::new(EMPTY.as_ptr().cast_mut()),
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
            None => self.add_chunk(index, lock),
        }
    }

    #[cold]
    #[inline(never)]
    fn add_chunk<T>(&self, index: usize, lock: &Mutex<T>) {
        let old = self.block.load(Relaxed);
        let chunks = Self::chunks(old);
        let new_layout = layout(chunks + 1);
        // SAFETY: the layout has a non-zero size.
        let new = unsafe { alloc_zeroed(new_layout) }.cast::<u64>();
        if new.is_null() {
            handle_alloc_error(new_layout);
        }
        // SAFETY: `new` holds the table and `chunks + 1` chunks; `old` holds the table and
        // `chunks` chunks, which only this thread writes, so plain copies are consistent.
        unsafe {
            std::ptr::copy_nonoverlapping(old, new, TABLE_WORDS + chunks * CHUNK);
            *new.cast::<u8>().add(index / CHUNK) = chunks as u8;
            *new.add(TABLE_WORDS + chunks * CHUNK + index % CHUNK) = 1;
        }
        let _guard = super::registry::lock(lock);
        self.block.store(new, Release);
        Self::free(old);
    }

    /// Frees `block` unless it is the shared empty one. The caller makes sure no reader can
    /// hold it (the slot lock, or sole ownership).
    fn free(block: *mut u64) {
        if block != empty() {
            // SAFETY: allocated by `add_chunk` with the layout of its chunk count.
            unsafe { dealloc(block.cast(), layout(Self::chunks(block))) };
        }
    }

    /// Owner, holding the slot lock: forgets every value and returns the memory.
    pub(crate) fn clear(&self) {
        let old = self.block.swap(empty(), Release);
        Self::free(old);
    }

    /// Any thread holding the owner's slot lock (or the owner): the counts.
    pub(crate) fn read(&self) -> Histogram {
        let block = self.block.load(std::sync::atomic::Ordering::Acquire);
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
        block_bytes(Self::chunks(self.block.load(Relaxed)))
    }
}

impl Drop for OwnedHistogram {
    fn drop(&mut self) {
        Self::free(*self.block.get_mut());
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
        assert!(h.bytes() <= 64 + 5 * 128, "{} bytes", h.bytes());
        h.record(bucket_index(0), &lock);
        h.record(bucket_index(u64::MAX), &lock);
        expected.record(0);
        expected.record(u64::MAX);
        assert_eq!(h.read(), expected);
        h.clear();
        assert_eq!(h.bytes(), 0);
        assert_eq!(h.read().count(), 0);
    }
}
