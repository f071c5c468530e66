//! The descriptive entries of a store: sites and threads (what a reader of the file needs
//! to name the slots' counters).

use std::sync::atomic::Ordering;

use super::layout::*;
use super::{Store, atomic};

impl Store {
    /// Writes the `SITE` entry of site `id` once (file backend only: only a reader of the
    /// file needs it).
    pub(crate) fn describe_site(
        &mut self,
        id: u32,
        module: &str,
        name: &str,
        file: &str,
        line: u32,
    ) {
        if self.backend.path().is_none() {
            return;
        }
        let id = id as usize;
        if self.sites.get(id).copied().unwrap_or(false) {
            return;
        }
        if self.sites.len() <= id {
            self.sites.resize(id + 1, false);
        }
        self.sites[id] = true;
        let bytes = 8 * (1 + SITE_FIELDS) + padded(module.len() + name.len() + file.len());
        let Ok(bytes32) = u32::try_from(bytes) else {
            return; // names of gigabytes: the site is left out of the file
        };
        let entry = self.alloc(SITE, bytes32 as usize);
        // SAFETY: the entry has room for the fields and the three strings.
        unsafe {
            let body = entry.add(1);
            *body = id as u64;
            *body.add(1) = u64::from(line);
            *body.add(2) = module.len() as u64;
            *body.add(3) = name.len() as u64;
            *body.add(4) = file.len() as u64;
            let mut text = body.add(SITE_FIELDS).cast::<u8>();
            for s in [module, name, file] {
                std::ptr::copy_nonoverlapping(s.as_ptr(), text, s.len());
                text = text.add(s.len());
            }
        }
    }

    /// A `THREAD` entry; returns a pointer to its body.
    pub(crate) fn alloc_thread(
        &mut self,
        number: u64,
        state: u64,
        epoch: u64,
        name: &str,
    ) -> *mut u64 {
        let entry = self.alloc(THREAD, THREAD_ENTRY);
        let name = truncated(name, THREAD_NAME_BYTES);
        // SAFETY: the entry has room for the fields and THREAD_NAME_BYTES of name.
        unsafe {
            let body = entry.add(1);
            *body.add(T_NUMBER) = number;
            *body.add(T_EPOCH) = epoch;
            *body.add(T_NAME_LEN) = name.len() as u64;
            std::ptr::copy_nonoverlapping(name.as_ptr(), body.add(T_NAME).cast::<u8>(), name.len());
            atomic(body.add(T_STATE)).store(state, Ordering::Release);
            body
        }
    }

    /// Frees a `THREAD` entry given its body.
    pub(crate) fn free_thread(&mut self, body: *mut u64) {
        // SAFETY: `body` came from `alloc_thread`.
        unsafe {
            atomic(body.add(T_STATE)).store(STATE_UNUSED, Ordering::Release);
            self.free(body.sub(1));
        }
    }
}
