//! The histogram a recording thread writes: a window of buckets that grows with the range of
//! durations seen.
//!
//! Buckets are grouped in chunks of 16 (one power-of-two octave above 32 ns; [`BUCKETS`] make
//! 62 chunks). A slot's histogram is one block, an entry of the [`store`]: a word giving the
//! first chunk and the number of chunks it holds, then the counters of that contiguous run of
//! chunks — from the octave of the shortest call seen to that of the longest. A site whose
//! durations span one decade holds 4 or 5 chunks: at most 16 + 5 × 128 = 656 bytes, however many
//! calls it records; wider ranges cost 128 bytes per octave. A slot that has recorded nothing
//! points at a shared empty block and owns no memory.
//!
//! Recording is a bounds check and an increment: the counter's address depends on the
//! duration only through arithmetic, never through another load. Only the owning thread writes
//! counters (a relaxed load and store, as for the slot's other counters). Widening the window
//! replaces the block: the owner builds the wider block, publishes it while holding its
//! thread's slot lock — the lock every reader holds while reading — and then returns the old
//! block to the store, so a reader never sees a freed block.

use std::sync::Mutex;
use std::sync::atomic::{
    AtomicPtr, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release,
};

use super::histogram::{BUCKETS, Histogram};
use super::store::{self, Store, layout};

/// Buckets per chunk.
pub(crate) const CHUNK: usize = 16;
/// Chunks in a full histogram.
const CHUNKS: usize = BUCKETS.div_ceil(CHUNK);

/// A block's first word: the index of its first bucket (a multiple of [`CHUNK`]) in the low 32
/// bits, its number of buckets in the high 32 bits; the counters follow.
pub(crate) const fn window(first: usize, buckets: usize) -> u64 {
    first as u64 | ((buckets as u64) << 32)
}

/// `(first bucket, number of buckets)` of a block's first word.
pub(crate) const fn parse_window(word: u64) -> (usize, usize) {
    ((word as u32) as usize, (word >> 32) as usize)
}

/// The block of a histogram that has recorded nothing: an empty window.
static EMPTY: u64 = 0;

fn empty() -> *mut u64 {
    std::ptr::addr_of!(EMPTY).cast_mut()
}

/// Bytes of the store entry of a block of `chunks` chunks (its header word included).
fn entry_bytes(chunks: usize) -> usize {
    8 * (2 + chunks * CHUNK)
}

/// A histogram written by one thread (its owner) and read by any holder of the owner's slot
/// lock. `repr(C)`: it is part of a slot's layout.
#[repr(C)]
pub(crate) struct OwnedHistogram {
    /// The window word followed by the counters (as `AtomicU64`s), in a store entry;
    /// [`EMPTY`] when none.
    block: AtomicPtr<u64>,
    /// Offset of the window word in the store (0 when none), for readers of the store's file.
    block_at: AtomicU64,
}

impl OwnedHistogram {
    /// Byte offset of `block_at` in the struct.
    pub(crate) const BLOCK_AT: usize = std::mem::offset_of!(OwnedHistogram, block_at);

    pub(crate) const fn new() -> Self {
        Self {
            block: AtomicPtr::new(std::ptr::addr_of!(EMPTY).cast_mut()),
            block_at: AtomicU64::new(0),
        }
    }

    /// The counter of bucket `index` in `block`, if the window holds it.
    #[inline(always)]
    fn cell(block: *const u64, index: usize) -> Option<*const AtomicU64> {
        // SAFETY: every block starts with its window word, never written after publication.
        let (first, buckets) = parse_window(unsafe { *block });
        let offset = index.wrapping_sub(first);
        // SAFETY: `offset < buckets`: the counter is inside the block.
        (offset < buckets).then(|| unsafe { block.add(1 + offset) }.cast())
    }

    /// Owner only: counts one value in bucket `index` (< [`BUCKETS`]). `lock` is the lock
    /// readers of this histogram hold, taken only when the window must widen.
    #[inline(always)]
    pub(crate) fn record<T>(&self, index: usize, lock: &Mutex<T>) {
        match Self::cell(self.block.load(Relaxed), index) {
            Some(cell) => {
                // SAFETY: only this thread replaces the block, so it is live here.
                let cell = unsafe { &*cell };
                cell.store(cell.load(Relaxed).wrapping_add(1), Relaxed)
            }
            None => self.widen_and_record(index, lock),
        }
    }

    #[cold]
    #[inline(never)]
    fn widen_and_record<T>(&self, index: usize, lock: &Mutex<T>) {
        let new = self.widened(index);
        let old = {
            let _guard = super::sync::lock(lock);
            self.publish(new)
        };
        // Freed after the lock: a reader that took it after `publish` sees the new block; one
        // that held it before has finished.
        store::with(|s| Self::free_in(old, s));
        self.record(index, lock);
    }

    /// The caller holds the slot lock and is the only writer: adds `counts`.
    pub(crate) fn add_locked(&self, counts: &Histogram) {
        for (index, count) in counts.counts() {
            if Self::cell(self.block.load(Relaxed), index).is_none() {
                let old = self.publish(self.widened(index));
                store::with(|s| Self::free_in(old, s));
            }
            let cell = Self::cell(self.block.load(Relaxed), index).expect("window holds it");
            // SAFETY: the caller is the only writer; the block is live.
            let cell = unsafe { &*cell };
            cell.store(cell.load(Relaxed).saturating_add(count), Relaxed);
        }
    }

    /// A copy of the current block widened to hold bucket `index`, and its offset in the
    /// store (owner only: the counters do not change while copied).
    fn widened(&self, index: usize) -> (*mut u64, u64) {
        let old = self.block.load(Relaxed);
        // SAFETY: as in `cell`.
        let (first, buckets) = parse_window(unsafe { *old });
        let chunk = index / CHUNK;
        let (lo, hi) = if buckets == 0 {
            (chunk, chunk)
        } else {
            let (lo, hi) = (first / CHUNK, (first + buckets) / CHUNK - 1);
            (lo.min(chunk), hi.max(chunk))
        };
        let chunks = hi - lo + 1;
        debug_assert!(hi < CHUNKS);
        let (entry, at) = store::with(|s| {
            let e = s.alloc(layout::BLOCK, entry_bytes(chunks));
            (e, s.offset_of(e) + 8)
        });
        // SAFETY: the entry holds a header, the window word and `chunks` chunks of counters,
        // zeroed; the old counters fit at their offset in the wider window.
        unsafe {
            let new = entry.add(1);
            *new = window(lo * CHUNK, chunks * CHUNK);
            if buckets > 0 {
                std::ptr::copy_nonoverlapping(
                    old.add(1),
                    new.add(1 + (first - lo * CHUNK)),
                    buckets,
                );
            }
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
        // SAFETY: the caller holds the slot lock, so the block is live.
        let (first, buckets) = parse_window(unsafe { *block });
        let mut counts = Vec::new();
        for offset in 0..buckets {
            // SAFETY: inside the block's window.
            let c = unsafe { &*block.add(1 + offset).cast::<AtomicU64>() }.load(Relaxed);
            if c > 0 && first + offset < BUCKETS {
                counts.push(((first + offset) as u16, c));
            }
        }
        Histogram::from_sorted(counts)
    }

    /// Bytes of memory this histogram holds.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        // SAFETY: as in `cell`.
        match parse_window(unsafe { *self.block.load(Relaxed) }).1 {
            0 => 0,
            n => entry_bytes(n / CHUNK),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::histogram::bucket_index;

    #[test]
    fn grows_with_the_range_and_reads_back() {
        let lock = Mutex::new(());
        let h = OwnedHistogram::new();
        assert_eq!(h.bytes(), 0);
        assert_eq!(h.read().count(), 0);
        let mut expected = Histogram::default();
        // One decade: 1 µs to 10 µs, from the middle outwards.
        for i in 0..10_000u64 {
            let v = 1_000 + ((i * 7_919) % 10_000) * 9_000 / 10_000;
            h.record(bucket_index(v), &lock);
            expected.record(v);
        }
        assert_eq!(h.read(), expected);
        assert!(h.bytes() <= 16 + 5 * 128, "{} bytes", h.bytes());
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
