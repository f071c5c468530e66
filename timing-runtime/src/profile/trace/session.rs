//! The one trace session: starting, joining (per thread) and finishing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::model::Trace;
use super::records::ThreadBuffer;
use crate::clock::tsc;
use crate::error::TimingError;
use crate::profile::state;
use crate::profile::sync::lock;

/// Why a trace session could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// Another session is active: there is one at a time.
    #[error("a trace session is already active (only one at a time)")]
    AlreadyActive,
    /// A bad argument (a capacity below 1).
    #[error(transparent)]
    Invalid(#[from] TimingError),
    /// This runtime is a guest of another's (see `profile::shared`): traces are started by
    /// the host (`performance_timing.trace()` in Python), and capture this runtime's calls too.
    #[error(
        "this extension records into performance_timing's profile: start the trace there \
         (performance_timing.trace()); it captures this extension's calls too"
    )]
    Hosted,
}

struct Shared {
    generation: u64,
    capacity: usize,
    buffers: Vec<Arc<ThreadBuffer>>,
}

static SESSION: Mutex<Option<Shared>> = Mutex::new(None);
/// The active session's generation (0: none). Threads compare their buffer's generation with
/// it before capturing a span.
static ACTIVE: AtomicU64 = AtomicU64::new(0);
static GENERATIONS: AtomicU64 = AtomicU64::new(0);

#[inline(always)]
pub(crate) fn active_generation() -> u64 {
    ACTIVE.load(Ordering::Relaxed)
}

/// Adds a buffer made by `make(capacity)` to the active session; returns its generation.
pub(super) fn attach(
    make: impl FnOnce(usize) -> Arc<ThreadBuffer>,
) -> Option<(u64, Arc<ThreadBuffer>)> {
    let mut session = lock(&SESSION);
    let shared = session.as_mut()?;
    let buffer = make(shared.capacity);
    shared.buffers.push(buffer.clone());
    Some((shared.generation, buffer))
}

/// The session's lock, held by the forking thread across `fork()` (see `profile/fork.rs`).
pub(crate) struct SessionLock(std::sync::MutexGuard<'static, Option<Shared>>);

impl SessionLock {
    /// Takes the session's lock.
    pub(crate) fn take() -> Self {
        Self(lock(&SESSION))
    }

    /// In a forked child: the parent's session (and its buffers) is not the child's; the
    /// child captures nothing until it starts a session of its own.
    pub(crate) fn forget_after_fork(&mut self) {
        self.0.take();
        ACTIVE.store(0, Ordering::Relaxed);
    }
}

/// An active trace session: while it lives, every `#[timed]` call and Python `timed` span on
/// every thread is also captured as a span (see [`start`](super::start)). [`Session::finish`] ends it and
/// returns the [`Trace`]; dropping it unfinished ends it and discards the spans.
#[must_use = "a session captures until it is finished"]
pub struct Session {
    generation: u64,
    base: u64,
}

/// Starts the session (see [`start`](super::start); the fork handlers are installed).
pub(crate) fn begin(capacity_per_thread: usize) -> Result<Session, TraceError> {
    if capacity_per_thread < 1 {
        return Err(TimingError::invalid("capacity", "must be at least 1, got 0").into());
    }
    tsc::calibrate();
    let mut session = lock(&SESSION);
    if session.is_some() {
        return Err(TraceError::AlreadyActive);
    }
    let generation = GENERATIONS.fetch_add(1, Ordering::Relaxed) + 1;
    *session = Some(Shared {
        generation,
        capacity: capacity_per_thread,
        buffers: Vec::new(),
    });
    ACTIVE.store(generation, Ordering::Relaxed);
    let base = tsc::raw();
    state::set_tracing(true);
    Ok(Session { generation, base })
}

impl Session {
    /// Ends the session and returns what it captured. Spans still open are closed at this
    /// instant; spans that start later are not captured.
    pub fn finish(self) -> Trace {
        let buffers = self.stop();
        let end = tsc::raw();
        let threads = buffers
            .iter()
            .map(|b| (b.thread_number, b.thread_name.clone(), b.read()))
            .collect();
        Trace::build(self.base, end, threads)
    }

    fn stop(&self) -> Vec<Arc<ThreadBuffer>> {
        let mut session = lock(&SESSION);
        match session.as_ref() {
            Some(shared) if shared.generation == self.generation => {}
            _ => return Vec::new(),
        }
        state::set_tracing(false);
        ACTIVE.store(0, Ordering::Relaxed);
        session.take().map(|s| s.buffers).unwrap_or_default()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("generation", &self.generation)
            .finish()
    }
}
