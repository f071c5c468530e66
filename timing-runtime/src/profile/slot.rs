//! One call site's counters in one thread: written by that thread only, read by snapshots.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};
use std::sync::{Arc, Mutex};

use super::histogram::{Histogram, bucket_index};
use super::owned_histogram::OwnedHistogram;
use crate::clock::tsc;

/// One thread's slots, behind the lock that readers of the slots hold (see
/// [`OwnedHistogram`]).
pub(crate) type SlotList = Mutex<Vec<Arc<SiteSlot>>>;

/// The counters of one call site in one thread, in raw clock units.
///
/// Only the owning thread writes (relaxed load + store, no locked instructions); a
/// per-slot sequence lock lets a snapshot read the scalar counters consistently without
/// stopping the writer. The histogram (in nanosecond buckets) is read under the owner's slot
/// lock but outside the sequence lock: it may lag the counters by the calls in flight.
pub(crate) struct SiteSlot {
    pub(crate) site_id: u32,
    /// The owning thread's slot list, whose lock guards histogram growth against readers.
    /// It outlives the slot (the list owns it).
    owner: *const SlotList,
    seq: AtomicU64,
    calls: AtomicU64,
    sum: AtomicU64,
    total: AtomicU64,
    self_time: AtomicU64,
    min: AtomicU64,
    max: AtomicU64,
    /// Active frames of this site on the owning thread (recursion depth).
    depth: AtomicU32,
    histogram: OwnedHistogram,
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
    pub(crate) min: u64,
    pub(crate) max: u64,
    pub(crate) histogram: Histogram,
}

impl SlotData {
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
        self.calls += other.calls;
        self.sum = self.sum.saturating_add(other.sum);
        self.total = self.total.saturating_add(other.total);
        self.self_time = self.self_time.saturating_add(other.self_time);
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

impl SiteSlot {
    /// A slot of `site_id` owned by the thread whose slot list is `owner`.
    pub(crate) fn new(site_id: u32, owner: &SlotList) -> Self {
        Self {
            site_id,
            owner,
            seq: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            sum: AtomicU64::new(0),
            total: AtomicU64::new(0),
            self_time: AtomicU64::new(0),
            min: AtomicU64::new(u64::MAX),
            max: AtomicU64::new(0),
            depth: AtomicU32::new(0),
            histogram: OwnedHistogram::new(),
        }
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

    /// Owner only, holding the slot lock: forgets every call and frees the histogram's
    /// memory (the recursion depth is kept: frames may be live).
    pub(crate) fn clear(&self) {
        let s = self.write_begin();
        self.calls.store(0, Ordering::Relaxed);
        self.sum.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.self_time.store(0, Ordering::Relaxed);
        self.min.store(u64::MAX, Ordering::Relaxed);
        self.max.store(0, Ordering::Relaxed);
        self.histogram.clear();
        self.write_end(s);
    }

    /// Any thread holding the slot lock: a consistent copy of the counters.
    pub(crate) fn read(&self) -> SlotData {
        let mut spins = 0u32;
        loop {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 0 {
                let calls = self.calls.load(Ordering::Relaxed);
                let sum = self.sum.load(Ordering::Relaxed);
                let total = self.total.load(Ordering::Relaxed);
                let self_time = self.self_time.load(Ordering::Relaxed);
                let min = self.min.load(Ordering::Relaxed);
                let max = self.max.load(Ordering::Relaxed);
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == before {
                    return SlotData {
                        calls,
                        sum,
                        total,
                        self_time,
                        min: if calls == 0 { 0 } else { min },
                        max,
                        histogram: self.histogram.read(),
                    };
                }
            }
            spins += 1;
            if spins % 64 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}
