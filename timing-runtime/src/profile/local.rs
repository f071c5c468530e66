//! The calling thread's recorder, reached through a thread-local.

use std::cell::{Cell, UnsafeCell};
use std::sync::Arc;

use super::registry;
use super::slot::SiteSlot;
use super::store;
use super::sync::lock;
use super::threads::{self, ThreadRecord};

pub(crate) struct Local {
    /// This thread's record (created on its first recording). Owner only.
    record: UnsafeCell<Option<Arc<ThreadRecord>>>,
    /// The thread's number, kept across a fork (0 before its first recording).
    number: Cell<u64>,
    /// Slot pointers indexed by site id (null: this thread has not called that site yet).
    /// Owner only. The slots are kept alive by `record`.
    slots: UnsafeCell<Vec<*const SiteSlot>>,
    /// Slots a reset took out of the profile while calls were open on them. Owner only.
    retired: UnsafeCell<Vec<&'static SiteSlot>>,
    /// Running sum of the inclusive time of finished timed frames (raw ticks, wrapping):
    /// a frame's timed-children time is the growth of this sum during the frame.
    pub(crate) children: Cell<u64>,
    epoch: Cell<u64>,
}

thread_local! {
    static LOCAL: Local = const {
        Local {
            record: UnsafeCell::new(None),
            number: Cell::new(0),
            slots: UnsafeCell::new(Vec::new()),
            retired: UnsafeCell::new(Vec::new()),
            children: Cell::new(0),
            epoch: Cell::new(0),
        }
    };
}

impl Drop for Local {
    fn drop(&mut self) {
        if let Some(record) = self.record.get_mut().take() {
            threads::retire(&record, std::mem::take(self.retired.get_mut()));
        }
    }
}

/// Runs `f` with the calling thread's recorder; `None` while the thread is shutting down.
#[inline(always)]
pub(crate) fn with_local<R>(f: impl FnOnce(&Local) -> R) -> Option<R> {
    LOCAL.try_with(f).ok()
}

/// In a forked child, on the thread that forked (the only one): forgets this thread's record
/// and slots, which belong to the parent's profile. Takes no lock.
pub(crate) fn forget_after_fork() {
    let _ = LOCAL.try_with(|local| {
        // SAFETY: owner-only fields, and the fork did not happen inside a borrow of them.
        unsafe {
            *local.record.get() = None;
            (*local.slots.get()).clear();
            (*local.retired.get()).clear();
        }
        local.epoch.set(u64::MAX);
    });
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
        self.number.get()
    }

    fn record(&self) -> &Arc<ThreadRecord> {
        // SAFETY: owner-only; no reference to the Option escapes across a write.
        let record = unsafe { &mut *self.record.get() };
        record.get_or_insert_with(|| {
            let number = self.number.get();
            let r = threads::new_thread((number != 0).then_some(number));
            self.number.set(r.number);
            r
        })
    }

    /// After a reset: this thread's slots leave the profile and it records into new ones.
    ///
    /// Calls open at the reset still hold their old slot and finish into it, unseen: that is
    /// how a call open across `reset()` is never recorded, at no cost on the hot path. An old
    /// slot is returned to the store once no call is open on it.
    #[cold]
    fn sync_epoch(&self, epoch: u64) {
        let record = self.record();
        // SAFETY: owner-only fields; no reference into them escapes.
        let (cache, retired) = unsafe { (&mut *self.slots.get(), &mut *self.retired.get()) };
        {
            let mut list = lock(&record.slots);
            for slot in list.drain(..) {
                slot.detach();
                retired.push(slot);
            }
            store::with(|s| {
                retired.retain(|slot| {
                    let open = slot.open_frames() > 0;
                    if !open {
                        slot.release(s);
                    }
                    open
                })
            });
        }
        cache.iter_mut().for_each(|p| *p = std::ptr::null());
        record.set_epoch(epoch);
        self.epoch.set(epoch);
    }

    #[cold]
    fn add_slot(&self, site_id: u32) -> &SiteSlot {
        let site = registry::registered(site_id);
        let record = self.record();
        let mut list = lock(&record.slots);
        let slot = store::with(|s| {
            s.describe_site(
                site_id,
                site.site.module_path(),
                site.name,
                site.site.file(),
                site.site.line(),
            );
            SiteSlot::alloc(s, site_id, record.number, &record.slots)
        });
        list.push(slot);
        // SAFETY: owner-only access, as in `slot`.
        let slots = unsafe { &mut *self.slots.get() };
        let index = site_id as usize;
        if slots.len() <= index {
            slots.resize(index + 1, std::ptr::null());
        }
        slots[index] = slot;
        slot
    }
}
