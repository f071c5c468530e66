//! One call site's counters in one thread: written by that thread only, read by snapshots.
//!
//! Slots live in the [`store`](super::store) (on the heap, or in the process's file in
//! multi-process mode): their layout is fixed (`repr(C)`) so that a reader of the file finds
//! the counters at known offsets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

use super::histogram::{Histogram, bucket_index};
use super::owned_histogram::OwnedHistogram;
use super::store::{Store, layout};
use crate::clock::tsc;

/// One thread's slots, behind the lock that readers of the slots hold (see
/// [`OwnedHistogram`]).
pub(crate) type SlotList = Mutex<Vec<&'static SiteSlot>>;

/// The counters of one call site in one thread, in raw clock units.
///
/// Only the owning thread writes (relaxed load + store, no locked instructions); a
/// per-slot sequence lock lets a snapshot read the scalar counters consistently without
/// stopping the writer. The histogram (in nanosecond buckets) is read under the owner's slot
/// lock but outside the sequence lock: it may lag the counters by the calls in flight.
#[repr(C)]
pub(crate) struct SiteSlot {
    /// The store's entry header (kind `SLOT`, size).
    header: AtomicU64,
    /// The owning thread's number (for readers of the store's file).
    thread: AtomicU64,
    pub(crate) site_id: u32,
    /// Active frames of this site on the owning thread (recursion depth).
    depth: AtomicU32,
    seq: AtomicU64,
    calls: AtomicU64,
    sum: AtomicU64,
    total: AtomicU64,
    self_time: AtomicU64,
    /// Time suspended between the steps of calls that run in steps (async calls).
    idle: AtomicU64,
    min: AtomicU64,
    max: AtomicU64,
    histogram: OwnedHistogram,
    /// The owning thread's slot list, whose lock guards histogram growth against readers.
    /// It outlives the slot.
    owner: *const SlotList,
}

/// Byte offsets of a slot's fields, for readers of a store's file.
pub(crate) mod offsets {
    use super::SiteSlot;
    use std::mem::offset_of;
    pub(crate) const THREAD: usize = offset_of!(SiteSlot, thread);
    pub(crate) const SITE_ID: usize = offset_of!(SiteSlot, site_id);
    pub(crate) const CALLS: usize = offset_of!(SiteSlot, calls);
    pub(crate) const SUM: usize = offset_of!(SiteSlot, sum);
    pub(crate) const TOTAL: usize = offset_of!(SiteSlot, total);
    pub(crate) const SELF_TIME: usize = offset_of!(SiteSlot, self_time);
    pub(crate) const IDLE: usize = offset_of!(SiteSlot, idle);
    pub(crate) const MIN: usize = offset_of!(SiteSlot, min);
    pub(crate) const MAX: usize = offset_of!(SiteSlot, max);
    pub(crate) const BLOCK_AT: usize =
        offset_of!(SiteSlot, histogram) + super::OwnedHistogram::BLOCK_AT;
    /// Bytes of a slot.
    pub(crate) const SIZE: usize = size_of::<SiteSlot>();
}

/// A consistent copy of a slot's counters (raw clock units).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SlotData {
    pub(crate) calls: u64,
    /// Sum of every call's inclusive time (recursive frames included): the mean's numerator.
    pub(crate) sum: u64,
    /// Inclusive time of outermost frames only: wall time spent in the function.
    pub(crate) total: u64,
    pub(crate) self_time: u64,
    /// Time suspended between steps (calls that run in steps only; 0 for the others).
    pub(crate) idle: u64,
    pub(crate) min: u64,
    pub(crate) max: u64,
    pub(crate) histogram: Histogram,
}

impl SlotData {
    /// [`SlotData::merge`] with exact sums: `false` (and `self` unchanged) when a count or
    /// duration would pass `u64::MAX` (counts read from a file may be anything).
    pub(crate) fn checked_merge(&mut self, other: &SlotData) -> bool {
        let fits = self.calls.checked_add(other.calls).is_some()
            && self.sum.checked_add(other.sum).is_some()
            && self.total.checked_add(other.total).is_some()
            && self.self_time.checked_add(other.self_time).is_some()
            && self.histogram.clone().checked_merge(&other.histogram);
        if fits {
            self.merge(other);
        }
        fits
    }

    pub(crate) fn merge(&mut self, other: &SlotData) {
        if other.calls == 0 {
            return;
        }
        self.min = if self.calls == 0 {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = self.max.max(other.max);
        self.calls = self.calls.saturating_add(other.calls);
        self.sum = self.sum.saturating_add(other.sum);
        self.total = self.total.saturating_add(other.total);
        self.self_time = self.self_time.saturating_add(other.self_time);
        self.idle = self.idle.saturating_add(other.idle);
        self.histogram.merge(&other.histogram);
    }
}

#[inline(always)]
fn bump(cell: &AtomicU64, by: u64) {
    cell.store(
        cell.load(Ordering::Relaxed).wrapping_add(by),
        Ordering::Relaxed,
    );
}

// SAFETY: the raw pointer is to a `Mutex` (Sync) that outlives the slot; every other field is
// atomic.
unsafe impl Send for SiteSlot {}
// SAFETY: as above.
unsafe impl Sync for SiteSlot {}

const _: () = assert!(offsets::SIZE % 8 == 0);

impl SiteSlot {
    /// A new slot of `site_id` in `store`, owned by thread `thread` whose slot list is `owner`.
    pub(crate) fn alloc(
        store: &mut Store,
        site_id: u32,
        thread: u64,
        owner: &SlotList,
    ) -> &'static SiteSlot {
        let p = store.alloc(layout::SLOT, offsets::SIZE);
        // SAFETY: `p` is the header word of the entry just allocated.
        let header = unsafe { p.read() };
        let slot = SiteSlot {
            header: AtomicU64::new(header),
            thread: AtomicU64::new(thread),
            site_id,
            depth: AtomicU32::new(0),
            seq: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            sum: AtomicU64::new(0),
            total: AtomicU64::new(0),
            self_time: AtomicU64::new(0),
            idle: AtomicU64::new(0),
            min: AtomicU64::new(u64::MAX),
            max: AtomicU64::new(0),
            histogram: OwnedHistogram::new(),
            owner,
        };
        // SAFETY: a fresh entry of the slot's size, 8-byte aligned, that nothing else refers
        // to; it stays allocated until `release`.
        unsafe {
            p.cast::<SiteSlot>().write(slot);
            &*p.cast::<SiteSlot>()
        }
    }

    /// Owner only, holding the slot lock, after a reset: takes the slot out of its thread's
    /// profile (a reader of the store's file ignores it from now on). Calls still open on it
    /// finish into it unseen; it is released once none is (see [`SiteSlot::open_frames`]).
    pub(crate) fn detach(&self) {
        self.thread.store(0, Ordering::Release);
    }

    /// Owner only: how many frames of this slot are open on the owning thread.
    pub(crate) fn open_frames(&self) -> u32 {
        self.depth.load(Ordering::Relaxed)
    }

    /// Returns the slot and its histogram to `store`. The caller holds the slot lock and makes
    /// sure nothing refers to the slot any more.
    pub(crate) fn release(&'static self, store: &mut Store) {
        self.histogram.clear_in(store);
        store.free((self as *const SiteSlot).cast_mut().cast());
    }

    /// Owner only: a frame of this site starts.
    #[inline(always)]
    pub(crate) fn enter_frame(&self) {
        let d = self.depth.load(Ordering::Relaxed);
        self.depth.store(d.wrapping_add(1), Ordering::Relaxed);
    }

    /// Owner only: a frame ends; returns whether it was the outermost one.
    #[inline(always)]
    pub(crate) fn exit_frame(&self) -> bool {
        let d = self.depth.load(Ordering::Relaxed).saturating_sub(1);
        self.depth.store(d, Ordering::Relaxed);
        d == 0
    }

    #[inline(always)]
    fn write_begin(&self) -> u64 {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        s
    }

    #[inline(always)]
    fn write_end(&self, s: u64) {
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    /// Owner only: records one call of `inclusive` raw ticks, `self_time` of them outside
    /// timed children; `inclusive` is added to the total only for an outermost frame. The
    /// histogram counts `inclusive` converted to nanoseconds (a multiply and a shift).
    #[inline(always)]
    pub(crate) fn record(&self, inclusive: u64, self_time: u64, outermost: bool) {
        let s = self.write_begin();
        bump(&self.calls, 1);
        bump(&self.sum, inclusive);
        if outermost {
            bump(&self.total, inclusive);
        }
        bump(&self.self_time, self_time);
        if inclusive < self.min.load(Ordering::Relaxed) {
            self.min.store(inclusive, Ordering::Relaxed);
        }
        if inclusive > self.max.load(Ordering::Relaxed) {
            self.max.store(inclusive, Ordering::Relaxed);
        }
        self.write_end(s);
        // Outside the sequence lock: adding a chunk takes the slot lock, which a reader holds
        // while it waits for the sequence to settle.
        // SAFETY: the owner's slot list outlives its slots.
        let owner = unsafe { &*self.owner };
        self.histogram
            .record(bucket_index(tsc::scale_to_nanos(inclusive)), owner);
    }

    /// Owner only: records one call that ran in steps (see [`task`](super::task)):
    /// `inclusive` from its first step to its end, always added to the total (concurrent calls
    /// of one site each count their own wall time), of which `idle` was spent suspended.
    #[inline]
    pub(crate) fn record_async(&self, inclusive: u64, self_time: u64, idle: u64) {
        self.record(inclusive, self_time, true);
        let s = self.write_begin();
        bump(&self.idle, idle);
        self.write_end(s);
    }

    /// Adds `data` (counters of other slots of the same site) to this slot. The caller holds
    /// the slot lock and is the only writer (this is how exited threads' totals are kept).
    pub(crate) fn absorb(&self, data: &SlotData) {
        if data.calls == 0 {
            return;
        }
        let s = self.write_begin();
        let calls = self.calls.load(Ordering::Relaxed);
        let min = self.min.load(Ordering::Relaxed);
        self.min.store(
            if calls == 0 {
                data.min
            } else {
                min.min(data.min)
            },
            Ordering::Relaxed,
        );
        if data.max > self.max.load(Ordering::Relaxed) {
            self.max.store(data.max, Ordering::Relaxed);
        }
        self.calls
            .store(calls.saturating_add(data.calls), Ordering::Relaxed);
        for (cell, by) in [
            (&self.sum, data.sum),
            (&self.total, data.total),
            (&self.self_time, data.self_time),
            (&self.idle, data.idle),
        ] {
            cell.store(
                cell.load(Ordering::Relaxed).saturating_add(by),
                Ordering::Relaxed,
            );
        }
        self.write_end(s);
        self.histogram.add_locked(&data.histogram);
    }

    /// Owner only, holding the slot lock: forgets every call and frees the histogram's
    /// memory (the recursion depth is kept: frames may be live).
    pub(crate) fn clear(&self) {
        let s = self.write_begin();
        self.calls.store(0, Ordering::Relaxed);
        self.sum.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.self_time.store(0, Ordering::Relaxed);
        self.idle.store(0, Ordering::Relaxed);
        self.min.store(u64::MAX, Ordering::Relaxed);
        self.max.store(0, Ordering::Relaxed);
        self.write_end(s);
        super::store::with(|store| self.histogram.clear_in(store));
    }

    /// Any thread holding the slot lock: a consistent copy of the counters, whose histogram
    /// counts exactly `calls` calls (the owner updates the histogram just after the counters,
    /// so a read between the two is taken again).
    pub(crate) fn read(&self) -> SlotData {
        // Tries of a consistent pair; the owner is a few instructions from finishing unless it
        // waits for the slot lock the reader holds (to widen its histogram).
        const TRIES: u32 = 256;
        let mut tries = 0u32;
        loop {
            let mut data = self.read_counters();
            let histogram = self.histogram.read();
            let counted = histogram.count();
            data.histogram = histogram;
            tries += 1;
            if counted == data.calls {
                return data;
            }
            if tries >= TRIES {
                // The owner is blocked in the middle of a call's record: that call is left out
                // of the count, so that calls and the histogram still agree.
                data.calls = data.calls.min(counted);
                return data;
            }
            if tries % 16 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    /// The scalar counters under the sequence lock (an empty histogram).
    fn read_counters(&self) -> SlotData {
        let mut spins = 0u32;
        loop {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 0 {
                let calls = self.calls.load(Ordering::Relaxed);
                let sum = self.sum.load(Ordering::Relaxed);
                let total = self.total.load(Ordering::Relaxed);
                let self_time = self.self_time.load(Ordering::Relaxed);
                let idle = self.idle.load(Ordering::Relaxed);
                let min = self.min.load(Ordering::Relaxed);
                let max = self.max.load(Ordering::Relaxed);
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == before {
                    return SlotData {
                        calls,
                        sum,
                        total,
                        self_time,
                        idle,
                        min: if calls == 0 { 0 } else { min },
                        max,
                        histogram: Histogram::default(),
                    };
                }
            }
            spins = spins.wrapping_add(1);
            if spins % 64 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}
