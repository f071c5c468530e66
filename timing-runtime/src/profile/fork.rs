//! The profiler across `fork()`: no child can inherit a lock held by a thread that does not
//! exist in it, and every child starts with an empty profile of its own.
//!
//! `pthread_atfork` handlers, installed by every entry point before it first takes a profiler
//! lock — a site's registration (`control.rs`), `set_enabled`, `reset`, `intern`, `snapshot`,
//! `trace::start`, `dump`, `load_dir` — so that the modules whose locks it holds never call up
//! into this one:
//!
//! * **before** the fork, the forking thread calibrates the clock (so the child never waits
//!   for a calibration another thread started), reads `PERFORMANCE_TIMING_DIR` for the child,
//!   and takes every profiler lock in the one order all other code follows: the trace
//!   session, the on/off switches, the site list, the thread list, every thread's slot lock,
//!   the store;
//! * **in the parent**, it releases them;
//! * **in the child**, before releasing them, it forgets the parent's profile: the parent's
//!   threads (only the forking thread exists in the child; it registers again, with the same
//!   thread number, on its next call), their slots and the exited-threads totals; the parent's
//!   store (a file in multi-process mode is mapped privately from now on, so the child never
//!   writes into it); and it starts a new reset epoch, so a call open across the fork is not
//!   recorded; and it ends the parent's trace session in the child (the child captures no
//!   spans until it starts a session of its own). Registered call sites are kept. The child's
//!   own store (its own file in multi-process mode) is created when it first records.

use std::cell::RefCell;
use std::sync::MutexGuard;
use std::sync::atomic::{AtomicBool, Ordering};

use super::registry::SiteLock;
use super::state::{self, SwitchesLock};
use super::store::{self, Store};
use super::threads::ThreadLocks;
use super::trace::session::SessionLock;
use crate::clock::tsc;

/// Every profiler lock, held by the forking thread across `fork()`.
struct Held {
    session: SessionLock,
    switches: SwitchesLock,
    sites: SiteLock,
    threads: ThreadLocks,
    store: MutexGuard<'static, Option<Store>>,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the fork handlers (once per process; cheap afterwards).
#[inline]
pub(crate) fn install() {
    if !INSTALLED.load(Ordering::Relaxed) && !INSTALLED.swap(true, Ordering::AcqRel) {
        // SAFETY: the handlers are plain functions that never unwind.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    }
}

extern "C" fn prepare() {
    tsc::calibrate();
    store::capture_dir_for_fork();
    let session = SessionLock::take();
    let switches = SwitchesLock::take();
    let sites = SiteLock::take();
    let threads = ThreadLocks::take();
    let store = store::lock();
    let held = Held {
        session,
        switches,
        sites,
        threads,
        store,
    };
    // If the thread is being torn down, its locks are released here instead (the child may
    // then not be able to record).
    let _ = HELD.try_with(|h| *h.borrow_mut() = Some(held));
}

extern "C" fn parent() {
    let _ = HELD.try_with(|h| release(h.borrow_mut().take()));
    store::forget_captured_dir();
}

extern "C" fn child() {
    let _ = HELD.try_with(|h| {
        if let Some(mut held) = h.borrow_mut().take() {
            store::forget_after_fork(&mut held.store);
            held.threads.threads.forget_after_fork();
            state::new_epoch_after_fork();
            held.session.forget_after_fork();
            held.switches.forget_tracing_after_fork();
            super::local::forget_after_fork();
            release(Some(held));
        }
    });
}

fn release(held: Option<Held>) {
    if let Some(Held {
        session,
        switches,
        sites,
        threads,
        store,
    }) = held
    {
        drop(store);
        threads.release();
        drop(sites);
        drop(switches);
        drop(session);
    }
}
