//! A fixed team of worker threads with a static partition of the work.
//!
//! Bandwidth measurements need every element to be handled by the same thread on every pass
//! (and by the thread that first touched it, so that its page sits near that thread). rayon's
//! work stealing does not promise that, so a [`Team`] is the calling thread plus a
//! [`rayon::ThreadPool`] of exactly `threads − 1` workers, and runs one closure per thread
//! (`spawn_broadcast` in a scope): thread `i` always gets part `i` of [`partition`].

use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crate::error::{TimingError, require_at_least};
use crate::host;

/// Elements per 64-byte cache line of `f64`: part boundaries are multiples of it.
const LINE: usize = 8;

/// Splits `0..len` into `parts` contiguous ranges of nearly equal length whose boundaries are
/// multiples of 8 elements (one cache line of `f64`); trailing ranges may be empty.
///
/// ```
/// use timing_runtime::hardware::team::partition;
/// assert_eq!(partition(20, 2), vec![0..16, 16..20]);
/// assert_eq!(partition(0, 3), vec![0..0, 0..0, 0..0]);
/// ```
pub fn partition(len: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    let chunk = len.div_ceil(parts).div_ceil(LINE) * LINE;
    (0..parts)
        .map(|i| {
            let start = (i * chunk).min(len);
            start..(start + chunk).min(len)
        })
        .collect()
}

/// Splits `slice` into the disjoint mutable pieces given by `ranges` (as from [`partition`]).
///
/// ```
/// use timing_runtime::hardware::team::{partition, split_mut};
/// let mut v = [0; 20];
/// let pieces = split_mut(&mut v, &partition(20, 2));
/// assert_eq!(pieces.iter().map(|p| p.len()).collect::<Vec<_>>(), [16, 4]);
/// ```
pub fn split_mut<'a, T>(mut slice: &'a mut [T], ranges: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut offset = 0;
    ranges
        .iter()
        .map(|r| {
            let start = r.start.saturating_sub(offset).min(slice.len());
            let len = r.len().min(slice.len() - start);
            let (piece, rest) = std::mem::take(&mut slice)[start..].split_at_mut(len);
            slice = rest;
            offset = r.end.max(offset);
            piece
        })
        .collect()
}

/// Splits `slice` into the shared pieces given by `ranges` (clamped to its length).
///
/// ```
/// use timing_runtime::hardware::team::{partition, split};
/// let v = [1.0; 20];
/// assert_eq!(split(&v, &partition(20, 2))[1].len(), 4);
/// ```
pub fn split<'a, T>(slice: &'a [T], ranges: &[Range<usize>]) -> Vec<&'a [T]> {
    ranges
        .iter()
        .map(|r| &slice[r.start.min(slice.len())..r.end.min(slice.len())])
        .collect()
}

/// The most threads a team may have (a guard against typos such as `threads=10**6`).
pub const MAX_THREADS: usize = 1024;

/// Checks a team's thread count: 1 ..= [`MAX_THREADS`] (`InvalidArgument` naming `threads`).
///
/// ```
/// use timing_runtime::hardware::team::check_threads;
/// assert!(check_threads(2).is_ok() && check_threads(0).is_err() && check_threads(5000).is_err());
/// ```
pub fn check_threads(threads: usize) -> Result<(), TimingError> {
    require_at_least("threads", threads as u64, 1)?;
    if threads > MAX_THREADS {
        return Err(TimingError::invalid(
            "threads",
            format!("must be at most {MAX_THREADS}, got {threads}"),
        ));
    }
    Ok(())
}

/// The stack of every thread this crate starts (Rust's default, set explicitly so that
/// [`check_thread_room`] counts what is really mapped).
pub const WORKER_STACK_BYTES: usize = 2 << 20;

/// Address space a started thread needs beyond its stack: guard page, thread-local data and
/// its share of the allocator's bookkeeping (an estimate on the generous side).
const WORKER_EXTRA_BYTES: u128 = 1 << 20;

/// Address space that must stay free once every thread has started.
const SPARE_BYTES: u128 = 16 << 20;

/// Checks, before starting `workers` threads for a team of `threads`, that they fit under the
/// process's address-space limit (`RLIMIT_AS`). Without this check a thread whose stack still
/// fits can fail to allocate its thread-local data, and the C library aborts the process
/// instead of returning an error.
///
/// ```
/// assert!(timing_runtime::hardware::team::check_thread_room(1, 2).is_ok());
/// ```
pub fn check_thread_room(workers: usize, threads: usize) -> Result<(), TimingError> {
    let need = workers as u128 * (WORKER_STACK_BYTES as u128 + WORKER_EXTRA_BYTES) + SPARE_BYTES;
    match host::address_space_room_bytes() {
        Some(room) if workers > 0 && room < need => Err(TimingError::ThreadStart {
            threads,
            reason: format!(
                "only {room} bytes are left under the address-space limit (RLIMIT_AS), \
                 and {workers} more threads need about {need}"
            ),
        }),
        _ => Ok(()),
    }
}

/// A team of `threads` threads: the calling thread plus a pool of `threads − 1` workers.
///
/// Part 0 always runs on the thread that calls [`Team::run`] (so a one-thread team has no
/// dispatch cost at all, and a measurement does not wait for a worker to wake for work the
/// caller could do), and part `i ≥ 1` always on worker `i − 1`. Call a team from one thread for
/// the mapping to stay fixed (every function in this crate does).
pub struct Team {
    workers: Option<rayon::ThreadPool>,
    /// The workers' threads, joined when the team is dropped (or fails to start), so none is
    /// left running after the call that used it.
    handles: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Team {
    /// Starts a team of `threads` threads (1 ..= [`MAX_THREADS`]), the caller included; when
    /// the OS refuses a thread → [`TimingError::ThreadStart`].
    ///
    /// ```
    /// let team = timing_runtime::hardware::team::Team::new(2).unwrap();
    /// assert_eq!(team.threads(), 2);
    /// ```
    pub fn new(threads: usize) -> Result<Self, TimingError> {
        check_threads(threads)?;
        let handles: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        if threads == 1 {
            return Ok(Self {
                workers: None,
                handles,
            });
        }
        check_thread_room(threads - 1, threads)?;
        let spawned = handles.clone();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads - 1)
            .spawn_handler(move |thread| {
                let name = format!("timing-team-{}", thread.index() + 1);
                let handle = std::thread::Builder::new()
                    .name(name)
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn(|| thread.run())?;
                lock(&spawned).push(handle);
                Ok(())
            })
            .build();
        match pool {
            Ok(pool) => Ok(Self {
                workers: Some(pool),
                handles,
            }),
            Err(e) => {
                // rayon has already told the workers it did start to stop: wait for them.
                join_all(&handles);
                Err(TimingError::ThreadStart {
                    threads,
                    reason: e.to_string(),
                })
            }
        }
    }

    /// The number of threads, the caller included.
    pub fn threads(&self) -> usize {
        1 + self
            .workers
            .as_ref()
            .map_or(0, rayon::ThreadPool::current_num_threads)
    }

    /// The static partition of `0..len` for this team (one range per thread).
    pub fn partition(&self, len: usize) -> Vec<Range<usize>> {
        partition(len, self.threads())
    }

    /// Runs `work(part)` for each of `parts` (one per thread, in thread order): part 0 on the
    /// calling thread, part `i` on worker `i − 1`, all at once; returns the results in part
    /// order. Extra parts are ignored and missing ones leave their thread idle.
    ///
    /// ```
    /// let team = timing_runtime::hardware::team::Team::new(2).unwrap();
    /// assert_eq!(team.run(vec![1, 2], |x| x * 10), vec![10, 20]);
    /// ```
    pub fn run<T: Send, R: Send>(&self, parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
        let threads = self.threads();
        let mut parts = parts.into_iter().take(threads);
        let first = parts.next();
        let Some(workers) = &self.workers else {
            return first.map(&work).into_iter().collect();
        };
        let slots: Vec<Mutex<(Option<T>, Option<R>)>> =
            parts.map(|p| Mutex::new((Some(p), None))).collect();
        let lock = |i: usize| lock(&slots[i]);
        let head = workers.in_place_scope(|scope| {
            scope.spawn_broadcast(|_, ctx| {
                if ctx.index() < slots.len() {
                    let part = lock(ctx.index()).0.take();
                    let result = part.map(&work);
                    lock(ctx.index()).1 = result;
                }
            });
            first.map(&work)
        });
        head.into_iter()
            .chain((0..slots.len()).filter_map(|i| lock(i).1.take()))
            .collect()
    }
}

impl Drop for Team {
    /// Stops the workers and joins their threads.
    fn drop(&mut self) {
        drop(self.workers.take());
        join_all(&self.handles);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Joins every thread in `handles` (a worker that panicked has nothing more to report).
fn join_all(handles: &Mutex<Vec<JoinHandle<()>>>) {
    let all = std::mem::take(&mut *lock(handles));
    for handle in all {
        let _ = handle.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_covers_everything_once() {
        for len in [0usize, 1, 7, 8, 9, 100, 1001] {
            for parts in 1..5 {
                let ranges = partition(len, parts);
                assert_eq!(ranges.len(), parts);
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges.last().unwrap().end, len);
                for w in ranges.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                }
            }
        }
    }

    #[test]
    fn same_part_runs_on_same_thread() {
        let team = Team::new(3).unwrap();
        let names = || team.run(vec![(), (), ()], |_| std::thread::current().id());
        let first = names();
        for _ in 0..10 {
            assert_eq!(names(), first);
        }
        assert_eq!(
            first[0],
            std::thread::current().id(),
            "part 0 runs on the caller"
        );
        assert!(first[0] != first[1] && first[1] != first[2] && first[0] != first[2]);
        let solo = Team::new(1).unwrap();
        assert_eq!(
            solo.run(vec![5, 6], |x| x),
            vec![5],
            "extra parts are ignored"
        );
    }

    #[test]
    fn refuses_bad_thread_counts() {
        assert!(Team::new(0).is_err());
        assert!(Team::new(MAX_THREADS + 1).is_err());
    }

    #[test]
    fn split_mut_gives_disjoint_pieces() {
        let mut v: Vec<usize> = vec![0; 37];
        let ranges = partition(v.len(), 3);
        for (i, piece) in split_mut(&mut v, &ranges).into_iter().enumerate() {
            piece.fill(i);
        }
        for (i, r) in ranges.iter().enumerate() {
            assert!(v[r.clone()].iter().all(|&x| x == i));
        }
    }
}
