//! Stopping long work early: a flag the work checks between passes and blocks, and an optional
//! hook the calling thread polls where nothing is being timed (Python's signal check).
//!
//! The long-running functions of [`hardware`](crate::hardware) (memory bandwidth, parallel
//! scaling) take the [`Cancel`] made current on the calling thread by [`Cancel::run`]. Once it is
//! cancelled they stop within one pass (or one block of a buffer's first touch) and return
//! [`TimingError::Interrupted`]; threads they started are joined before they return.
//!
//! The hook is only ever called on the thread that called the work, between timed regions, at
//! most every [`POLL_INTERVAL`], so a slow hook (one that waits for Python's GIL) cannot land
//! inside a measurement.
//!
//! ```
//! use timing_runtime::cancel::Cancel;
//! use timing_runtime::{TimingError, hardware::stream::stream};
//!
//! let cancel = Cancel::new();
//! cancel.cancel(); // e.g. from a Ctrl-C handler on another thread
//! let result = cancel.run(|| stream(Some(100_000), 1_000_000, Some(1)));
//! assert_eq!(result.unwrap_err(), TimingError::Interrupted);
//! ```

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::TimingError;

/// The shortest time between two calls of a [`Cancel`]'s hook.
pub const POLL_INTERVAL: Duration = Duration::from_millis(10);

type Hook = dyn Fn() -> bool + Send + Sync;

/// A request to stop long work early, shared by the caller and the work (cheap to clone).
#[derive(Clone)]
pub struct Cancel {
    inner: Arc<Inner>,
}

struct Inner {
    cancelled: AtomicBool,
    hook: Option<Box<Hook>>,
    origin: Instant,
    /// Nanos after `origin` of the last call of `hook`.
    last_poll: AtomicU64,
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

impl Cancel {
    /// A flag that only [`Cancel::cancel`] sets.
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A flag that is also set when `hook` returns `true`; [`Cancel::poll`] calls it on the
    /// calling thread, at most every [`POLL_INTERVAL`].
    ///
    /// ```
    /// let cancel = timing_runtime::cancel::Cancel::with_hook(|| true);
    /// std::thread::sleep(timing_runtime::cancel::POLL_INTERVAL);
    /// assert!(cancel.poll().is_err() && cancel.is_cancelled());
    /// ```
    pub fn with_hook(hook: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        Self::build(Some(Box::new(hook)))
    }

    fn build(hook: Option<Box<Hook>>) -> Self {
        Self {
            inner: Arc::new(Inner {
                cancelled: AtomicBool::new(false),
                hook,
                origin: Instant::now(),
                last_poll: AtomicU64::new(0),
            }),
        }
    }

    /// Asks the work to stop (from any thread, including a signal handler's thread).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called or the hook asked to stop (one relaxed load).
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(TimingError::Interrupted)` once cancelled: for worker threads between blocks.
    #[inline]
    pub fn check(&self) -> Result<(), TimingError> {
        if self.is_cancelled() {
            Err(TimingError::Interrupted)
        } else {
            Ok(())
        }
    }

    /// [`Cancel::check`], after calling the hook when [`POLL_INTERVAL`] has passed since its
    /// last call. For the calling thread only, and only outside timed regions.
    pub fn poll(&self) -> Result<(), TimingError> {
        if let Some(hook) = &self.inner.hook {
            let now = u64::try_from(self.inner.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
            let last = self.inner.last_poll.load(Ordering::Relaxed);
            if now.saturating_sub(last) >= POLL_INTERVAL.as_nanos() as u64 {
                self.inner.last_poll.store(now, Ordering::Relaxed);
                if hook() {
                    self.cancel();
                }
            }
        }
        self.check()
    }

    /// Runs `f` with this flag as the calling thread's current one (see [`Cancel::current`]),
    /// then restores the previous one.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
            }
        }
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(previous);
        f()
    }

    /// The flag of the innermost [`Cancel::run`] on this thread, or a new one that is never set.
    pub fn current() -> Self {
        CURRENT.with(|c| c.borrow().clone()).unwrap_or_default()
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .field("hook", &self.inner.hook.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_is_scoped_to_run() {
        assert!(!Cancel::current().is_cancelled());
        let outer = Cancel::new();
        outer.cancel();
        outer.run(|| {
            assert!(Cancel::current().is_cancelled());
            Cancel::new().run(|| assert!(!Cancel::current().is_cancelled()));
            assert!(Cancel::current().check().is_err());
        });
        assert!(!Cancel::current().is_cancelled());
    }

    #[test]
    fn hook_is_rate_limited() {
        use std::sync::atomic::AtomicUsize;
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let cancel = Cancel::with_hook(move || {
            seen.fetch_add(1, Ordering::Relaxed);
            false
        });
        for _ in 0..1000 {
            cancel.poll().unwrap();
        }
        assert!(calls.load(Ordering::Relaxed) <= 1);
        std::thread::sleep(POLL_INTERVAL);
        cancel.poll().unwrap();
        assert!(calls.load(Ordering::Relaxed) >= 1);
    }
}
