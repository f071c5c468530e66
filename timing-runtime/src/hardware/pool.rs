//! The thread pool of the work-stealing kernel ([`par_sum_of_squares`]), and the default
//! thread count.
//!
//! rayon's global pool does not survive `fork()`: the child inherits the pool's state but not
//! its threads, so parallel work in the child waits forever. This pool is our own, remembered
//! with the id of the process that built it, and built afresh when a forked child first
//! asks for it; the parent's pool is left untouched (and unused) in the child. The lookup
//! takes no lock, so a fork at any instant cannot leave the child waiting on one.
//!
//! [`par_sum_of_squares`]: super::scaling::par_sum_of_squares

use std::sync::atomic::{AtomicPtr, Ordering};

use super::team::{WORKER_STACK_BYTES, check_thread_room};
use crate::error::TimingError;
use crate::host;

/// The pool and the process it belongs to.
struct Owned {
    pid: u32,
    pool: rayon::ThreadPool,
}

/// The current process's pool (leaked, so `&'static`), or a pool of a parent process.
static POOL: AtomicPtr<Owned> = AtomicPtr::new(std::ptr::null_mut());

/// The threads used when none are asked for: `RAYON_NUM_THREADS` when it is a positive
/// integer (as rayon reads it), else every logical CPU available to the process.
///
/// ```
/// assert!(timing_runtime::hardware::pool::default_threads() >= 1);
/// ```
pub fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(host::cpu_count)
}

/// This process's pool of [`default_threads`] threads, started on first use (again in a
/// forked child). Its threads are named `timing-pool-N`.
///
/// ```
/// let pool = timing_runtime::hardware::pool::parallel_pool().unwrap();
/// assert_eq!(pool.install(|| 2 + 2), 4);
/// ```
pub fn parallel_pool() -> Result<&'static rayon::ThreadPool, TimingError> {
    let pid = std::process::id();
    let current = POOL.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in POOL comes from `Box::leak` below and is never freed.
    if let Some(owned) = unsafe { current.as_ref() }
        && owned.pid == pid
    {
        return Ok(&owned.pool);
    }
    let threads = default_threads();
    check_thread_room(threads, threads)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK_BYTES)
        .thread_name(|i| format!("timing-pool-{i}"))
        .build()
        .map_err(|e| TimingError::ThreadStart {
            threads,
            reason: e.to_string(),
        })?;
    let fresh: *mut Owned = Box::into_raw(Box::new(Owned { pid, pool }));
    match POOL.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `fresh` is ours and now published for the life of the process.
        Ok(_) => Ok(unsafe { &(*fresh).pool }),
        Err(winner) => {
            // Another thread of this process published a pool first: use it, drop ours.
            // SAFETY: `fresh` was never published; `winner` is non-null and never freed.
            drop(unsafe { Box::from_raw(fresh) });
            let owned = unsafe { &*winner };
            if owned.pid == pid {
                Ok(&owned.pool)
            } else {
                parallel_pool()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_is_built_once_per_process() {
        let a = parallel_pool().unwrap() as *const _;
        let b = parallel_pool().unwrap() as *const _;
        assert_eq!(a, b);
        assert_eq!(
            parallel_pool().unwrap().current_num_threads(),
            default_threads()
        );
    }
}
