//! The one way the profiler takes its locks.

use std::sync::{Mutex, MutexGuard};

/// Locks a profiler mutex; the data stays valid even if a holder panicked (no code that holds
/// these locks can leave them half-updated).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
