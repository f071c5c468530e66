//! The calling thread's recorder, reached through a thread-local.

use std::cell::{Cell, OnceCell, UnsafeCell};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::registry::{self, ThreadRecord};
use super::slot::SiteSlot;

pub(crate) struct Local {
    record: OnceCell<Arc<ThreadRecord>>,
    /// Slot pointers indexed by site id (null: this thread has not called that site yet).
    /// Owner only. The slots are kept alive by `record`.
    slots: UnsafeCell<Vec<*const SiteSlot>>,
    /// Running sum of the inclusive time of finished timed frames (raw ticks, wrapping):
    /// a frame's timed-children time is the growth of this sum during the frame.
    pub(crate) children: Cell<u64>,
    epoch: Cell<u64>,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            record: OnceCell::new(),
            slots: UnsafeCell::new(Vec::new()),
            children: Cell::new(0),
            epoch: Cell::new(0),
        }
    };
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(record) = self.record.get() {
            registry::retire(record);
        }
    }
}

/// Runs `f` with the calling thread's recorder; `None` while the thread is shutting down.
#[inline(always)]
pub(crate) fn with_local<R>(f: impl FnOnce(&Local) -> R) -> Option<R> {
    LOCAL.try_with(f).ok()
}

impl Local {
    /// This thread's slot for `site_id`, clearing stale slots first after a reset.
    #[inline(always)]
    pub(crate) fn slot(&self, site_id: u32, epoch: u64) -> &SiteSlot {
        if self.epoch.get() != epoch {
            self.sync_epoch(epoch);
        }
        // SAFETY: only this thread touches `slots`, and no reference into it escapes.
        let slots = unsafe { &*self.slots.get() };
        match slots.get(site_id as usize) {
            // SAFETY: non-null entries point into slots kept alive by `self.record`.
            Some(&p) if !p.is_null() => unsafe { &*p },
            _ => self.add_slot(site_id),
        }
    }

    /// A number identifying this thread, never reused (0 before its first recording).
    #[inline(always)]
    pub(crate) fn token(&self) -> u64 {
        self.record.get().map_or(0, |r| r.number)
    }

    fn record(&self) -> &Arc<ThreadRecord> {
        self.record.get_or_init(registry::new_thread)
    }

    #[cold]
    fn sync_epoch(&self, epoch: u64) {
        let record = self.record();
        for slot in registry::lock(&record.slots).iter() {
            slot.clear();
        }
        record.epoch.store(epoch, Ordering::Relaxed);
        self.epoch.set(epoch);
    }

    #[cold]
    fn add_slot(&self, site_id: u32) -> &SiteSlot {
        let record = self.record();
        let slot = Arc::new(SiteSlot::new(site_id, &record.slots));
        let ptr = Arc::as_ptr(&slot);
        registry::lock(&record.slots).push(slot);
        // SAFETY: owner-only access, as in `slot`.
        let slots = unsafe { &mut *self.slots.get() };
        let index = site_id as usize;
        if slots.len() <= index {
            slots.resize(index + 1, std::ptr::null());
        }
        slots[index] = ptr;
        // SAFETY: the Arc just stored in the record keeps the slot alive.
        unsafe { &*ptr }
    }
}
