//! Calls that run in steps: Rust futures (each `poll`), Python coroutines, generators and async
//! generators (each `send`, `throw`, `__next__`, `close`, …). One implementation for both
//! languages: [`TimedFuture`](super::TimedFuture) drives an [`AsyncCall`] from `poll`, and
//! Python's `timed` drives one from each resumption.
//!
//! The semantics, for a call of a site that runs in steps:
//!
//! * **inclusive time** runs from the start of its first step to the end of the step that
//!   finishes it (wall time, across suspensions and threads); a call that never took a step is
//!   not a call;
//! * **busy time** is the time inside its steps, **idle time** the rest (suspended);
//! * **self time** is busy time minus the time of the timed frames nested inside its steps
//!   (never negative): an awaited child's steps run inside the awaiting step, so they nest;
//! * each step is a span on the thread that ran it, and the whole call is an async slice of
//!   the trace session its first step was captured in;
//! * a call is recorded exactly once: at the end of its finishing step, or — abandoned,
//!   cancelled, closed without a last step — when the [`AsyncCall`] is dropped (ended there).
//!
//! **Per-task scopes.** A scope entered while a step runs (Python's `with timed(...)` inside a
//! coroutine, see [`enter_scope`](super::enter_scope)) belongs to the call of that step, not
//! to the thread: when the step ends with the scope still open (the coroutine suspends at an
//! `await` inside the block), the scope is *parked* in the call, and it resumes with the
//! call's next step, on whichever thread runs it. So a task's open scopes never contain another
//! task's work, whatever drives the steps (asyncio, uvloop, trio, a hand-written loop): the
//! mechanism needs only that each resumption goes through the call's step, which is true of
//! everything `timed` wraps. Such a scope is measured like the call itself: inclusive from
//! entry to exit, busy while its task runs, idle while it is parked. Scopes entered with no
//! step running (plain code, threads, `asyncio.to_thread`) stay on the thread's stack.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;

use super::callsite::CallSite;
use super::control::site_id;
use super::local::with_local;
use super::state::{STATE, TRACING, epoch_of, recording, same_epoch};
use super::trace::buffer as trace;
use super::trace::records::Record;
use crate::clock::tsc;

/// The accounting of one call measured in segments (an async call, or a parked scope).
struct Segmented {
    site: &'static CallSite,
    /// Raw clock reading at the start of the first segment (0: not started).
    start: u64,
    /// The profiler state at the first segment.
    state: u64,
    busy: u64,
    self_time: u64,
    /// The trace session its first segment was captured in (0: none).
    session: u64,
}

/// One running segment of a [`Segmented`] on the calling thread.
struct Segment {
    t0: u64,
    saved_children: u64,
    record: Option<NonNull<Record>>,
}

impl Segmented {
    const fn new(site: &'static CallSite) -> Self {
        Self {
            site,
            start: 0,
            state: 0,
            busy: 0,
            self_time: 0,
            session: 0,
        }
    }

    /// Starts a segment on the calling thread (the first one starts the call).
    #[inline]
    fn begin(&mut self, state: u64) -> Segment {
        let saved_children = with_local(|l| l.children.get()).unwrap_or(0);
        let (record, t0) = if state & TRACING != 0 {
            trace::open(site_id(self.site))
        } else {
            (None, tsc::raw())
        };
        if self.start == 0 {
            self.start = t0.max(1);
            self.state = state;
            if record.is_some() {
                self.session = trace::current_generation();
            }
        }
        Segment {
            t0,
            saved_children,
            record,
        }
    }

    /// Ends a segment begun on the calling thread; returns the clock reading at its end.
    #[inline]
    fn end(&mut self, segment: Segment) -> u64 {
        let t1 = tsc::raw();
        if let Some(record) = segment.record {
            trace::close(record, t1);
        }
        let busy = t1.saturating_sub(segment.t0);
        self.busy = self.busy.saturating_add(busy);
        let saved = segment.saved_children;
        let self_time = &mut self.self_time;
        with_local(|local| {
            let children = local.children.get().wrapping_sub(saved);
            *self_time = self_time.saturating_add(busy.saturating_sub(children));
            // The enclosing frame counts the whole segment as a timed child.
            local.children.set(saved.wrapping_add(busy));
        });
        t1
    }

    /// Records the call, ended at raw clock reading `end`, on the calling thread (not when a
    /// `reset()` came between its start and now).
    fn record(&self, end: u64) {
        if self.start == 0 {
            return;
        }
        let id = site_id(self.site);
        let inclusive = end.saturating_sub(self.start);
        let started_in = self.state;
        with_local(|local| {
            let state = STATE.load(Ordering::Relaxed);
            if same_epoch(state, started_in) {
                let slot = local.slot(id, epoch_of(state));
                slot.record_async(
                    inclusive,
                    self.self_time.min(inclusive),
                    inclusive.saturating_sub(self.busy),
                );
            }
        });
        if self.session != 0 {
            trace::push_async(self.session, id, self.start, end);
        }
    }
}

/// Where the call is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotStarted,
    Running,
    /// Recording was off at its first step: it is not measured.
    Off,
    Done,
}

/// One call of a timed site that runs in steps — a Rust future, a Python coroutine, generator
/// or async generator. Drive it with [`AsyncCall::begin_step`] / [`AsyncCall::end_step`]
/// around each resumption (see the [module](self) for what is measured). It may move between
/// threads between steps; a step ends on the thread it began on.
///
/// ```
/// use timing_runtime::profile::{self, AsyncCall, CallSite};
/// static SITE: CallSite = CallSite::new(Some("stepped"), module_path!(), file!(), line!(), || "");
/// let mut call = AsyncCall::new(&SITE);
/// let step = call.begin_step();
/// call.end_step(step, false); // suspended
/// let step = call.begin_step();
/// call.end_step(step, true); // finished: recorded once
/// let record = profile::snapshot().get("stepped").unwrap().clone();
/// assert_eq!(record.calls(), 1);
/// assert!(record.idle() <= record.total());
/// ```
pub struct AsyncCall {
    call: Segmented,
    phase: Phase,
    /// Scopes entered in this call's steps and open while it is suspended, outermost first.
    parked: Vec<Segmented>,
}

/// A running step of an [`AsyncCall`], from [`AsyncCall::begin_step`]; hand it back to
/// [`AsyncCall::end_step`] on the same thread. Dropping it instead (the resumption panicked)
/// leaves the step and the scopes it left open uncounted.
#[must_use = "a step is measured when it is handed back to `AsyncCall::end_step`"]
pub struct Step {
    /// `None`: an unmeasured step (recording off, or the call already finished).
    segment: Option<Segment>,
    /// The thread's [`TaskLocal::base`] before this step.
    outer_base: usize,
    /// A step ends on the thread it began on.
    _thread: PhantomData<*const ()>,
}

/// The calling thread's scopes that belong to running steps.
struct TaskLocal {
    /// Scopes entered during running steps and not yet exited, in entry order, with their
    /// running segments.
    scopes: RefCell<Vec<(Segmented, Segment)>>,
    /// Index in `scopes` where the innermost running step's own scopes begin ([`NO_STEP`]:
    /// no step running on this thread).
    base: Cell<usize>,
}

const NO_STEP: usize = usize::MAX;

thread_local! {
    static TASK: TaskLocal = const {
        TaskLocal { scopes: RefCell::new(Vec::new()), base: Cell::new(NO_STEP) }
    };
}

impl AsyncCall {
    /// A call of `site` that has not started (nothing is recorded until its first step).
    pub const fn new(site: &'static CallSite) -> Self {
        Self {
            call: Segmented::new(site),
            phase: Phase::NotStarted,
            parked: Vec::new(),
        }
    }

    /// The call site it records.
    pub(crate) fn site(&self) -> &'static CallSite {
        self.call.site
    }

    /// Whether its first step has begun.
    pub fn is_started(&self) -> bool {
        self.phase != Phase::NotStarted
    }

    /// Whether it has finished (recorded, or not measured).
    pub fn is_finished(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Begins a step on the calling thread: a resumption of the call is about to run. The
    /// first step starts the call (recording off then: the call is never measured). Scopes
    /// parked at the end of the previous step resume.
    #[inline]
    pub fn begin_step(&mut self) -> Step {
        let state = STATE.load(Ordering::Relaxed);
        if self.phase == Phase::NotStarted {
            self.phase = if recording(state) {
                Phase::Running
            } else {
                Phase::Off
            };
        }
        if self.phase != Phase::Running {
            return Step {
                segment: None,
                outer_base: NO_STEP,
                _thread: PhantomData,
            };
        }
        let segment = self.call.begin(state);
        let parked = &mut self.parked;
        let outer_base = TASK
            .try_with(|task| {
                let mut scopes = task.scopes.borrow_mut();
                let outer = task.base.replace(scopes.len());
                for mut scope in parked.drain(..) {
                    let segment = scope.begin(state);
                    scopes.push((scope, segment));
                }
                outer
            })
            .unwrap_or(NO_STEP);
        Step {
            segment: Some(segment),
            outer_base,
            _thread: PhantomData,
        }
    }

    /// Ends `step` (on the thread that began it). `finished`: the resumption completed the
    /// call (returned, raised, was closed or cancelled), which records it — once; otherwise
    /// the call is suspended and the scopes its steps left open are parked in it.
    #[inline]
    pub fn end_step(&mut self, mut step: Step, finished: bool) {
        let Some(segment) = step.segment.take() else {
            if finished {
                self.phase = Phase::Done;
            }
            return;
        };
        let parked = &mut self.parked;
        let _ = TASK.try_with(|task| {
            let mut scopes = task.scopes.borrow_mut();
            let base = task.base.replace(step.outer_base).min(scopes.len());
            // Innermost first, so each scope's segment ends inside its encloser's.
            let mut open: Vec<Segmented> = Vec::new();
            while scopes.len() > base {
                let Some((mut scope, segment)) = scopes.pop() else {
                    break;
                };
                scope.end(segment);
                open.push(scope);
            }
            open.reverse();
            parked.extend(open);
        });
        let end = self.call.end(segment);
        if finished {
            self.finish_at(end);
        }
    }

    /// Records the call now if it started and has not been recorded yet (what dropping it
    /// does): for a call abandoned between steps, whose last step never came.
    pub fn finish(&mut self) {
        if self.phase == Phase::Running {
            self.finish_at(tsc::raw());
        } else {
            self.phase = Phase::Done;
        }
    }

    /// Records the call and the scopes it left open, all ended at `end`.
    fn finish_at(&mut self, end: u64) {
        self.phase = Phase::Done;
        for scope in self.parked.drain(..).rev() {
            scope.record(end);
        }
        self.call.record(end);
    }
}

impl Drop for Step {
    /// A step not handed back (its resumption panicked): the thread's scopes leave it, the
    /// step is not counted.
    fn drop(&mut self) {
        if self.segment.is_some() {
            let outer = self.outer_base;
            let _ = TASK.try_with(|task| {
                let base = task.base.replace(outer);
                let mut scopes = task.scopes.borrow_mut();
                if base < scopes.len() {
                    scopes.truncate(base);
                }
            });
        }
    }
}

impl Drop for AsyncCall {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Whether a measured step runs on the calling thread (its scopes then belong to its call).
#[inline(always)]
pub(crate) fn in_step() -> bool {
    TASK.try_with(|task| task.base.get() != NO_STEP)
        .unwrap_or(false)
}

/// Enters a scope of `site` as part of the running step's call; `false` (nothing done) when
/// no step runs here or recording is off.
pub(crate) fn enter_scope(site: &'static CallSite) -> bool {
    let state = STATE.load(Ordering::Relaxed);
    if !recording(state) {
        return false;
    }
    TASK.try_with(|task| {
        if task.base.get() == NO_STEP {
            return false;
        }
        let mut scope = Segmented::new(site);
        let segment = scope.begin(state);
        task.scopes.borrow_mut().push((scope, segment));
        true
    })
    .unwrap_or(false)
}

/// Exits and records the innermost scope of `site` entered in the running step's call (or
/// parked in it and resumed); `false` when there is none.
pub(crate) fn exit_scope(site: &'static CallSite) -> bool {
    let found = TASK
        .try_with(|task| {
            let base = task.base.get();
            if base == NO_STEP {
                return None;
            }
            let mut scopes = task.scopes.borrow_mut();
            let index = (base..scopes.len())
                .rev()
                .find(|&i| std::ptr::eq(scopes[i].0.site, site))?;
            Some(scopes.remove(index))
        })
        .ok()
        .flatten();
    match found {
        Some((mut scope, segment)) => {
            let end = scope.end(segment);
            scope.record(end);
            true
        }
        None => false,
    }
}
