//! What `#[timed]` expands to — a drop guard for plain functions, a future wrapper for async —
//! and [`Span`], the manual form used by dynamic callers (Python's `timed`).

use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use super::callsite::CallSite;
use super::control::site_id;
use super::local::{Local, with_local};
use super::slot::SiteSlot;
use super::state::{ENABLED, STATE, TRACING, epoch_of};
use super::trace::buffer as trace;
use super::trace::records::Record;
use crate::clock::tsc;

/// One open frame: where to record, when it started and the children-sum when it started.
struct Frame {
    slot: *const SiteSlot,
    start: u64,
    saved_children: u64,
}

/// A frame as opened: not at all (recording off), recording, or recording and captured as a
/// span of the active trace session.
enum Open {
    Recording(Frame),
    Off,
    Traced(Frame, NonNull<Record>),
}

impl Frame {
    /// Opens a frame (one relaxed load when recording is off). `on_local` runs with the
    /// thread's recorder before the clock is read.
    ///
    /// Recording without a trace session takes exactly the path it took before span capture
    /// existed: "off" and "tracing" both clear bit 0 of `STATE`, so its one test sends both to
    /// the branch below it.
    #[inline(always)]
    fn begin<T>(site: &'static CallSite, on_local: impl FnOnce(&Local) -> T) -> (Open, Option<T>) {
        let state = STATE.load(Ordering::Relaxed);
        if state & ENABLED == 0 {
            if state & TRACING == 0 {
                return (Open::Off, None);
            }
            return Self::begin_traced(site, state, on_local);
        }
        let id = site_id(site);
        let Some((slot, saved_children, extra)) = with_local(|local| {
            let slot = local.slot(id, epoch_of(state));
            slot.enter_frame();
            (
                slot as *const SiteSlot,
                local.children.get(),
                on_local(local),
            )
        }) else {
            return (Open::Off, None);
        };
        (
            Open::Recording(Frame {
                slot,
                saved_children,
                start: tsc::raw(),
            }),
            Some(extra),
        )
    }

    /// [`Frame::begin`] while a trace session is active: also captures the span. Inline, with
    /// the span's bookkeeping out of line and passed in registers, so the compiler keeps every
    /// path's frame in registers (no frame copied through memory on the recording path).
    #[inline(always)]
    fn begin_traced<T>(
        site: &'static CallSite,
        state: u64,
        on_local: impl FnOnce(&Local) -> T,
    ) -> (Open, Option<T>) {
        let id = site_id(site);
        let Some((slot, saved_children, extra)) = with_local(|local| {
            let slot = local.slot(id, epoch_of(state));
            slot.enter_frame();
            (
                slot as *const SiteSlot,
                local.children.get(),
                on_local(local),
            )
        }) else {
            return (Open::Off, None);
        };
        let frame = |start| Frame {
            slot,
            saved_children,
            start,
        };
        let open = match trace::open(id) {
            (Some(record), start) => Open::Traced(frame(start), record),
            (None, start) => Open::Recording(frame(start)),
        };
        (open, Some(extra))
    }

    /// Closes the frame on the thread that opened it; returns the clock reading at its end.
    #[inline(always)]
    fn end(&self, local: &Local) -> u64 {
        let end = tsc::raw();
        let inclusive = end.saturating_sub(self.start);
        let children = local.children.get().wrapping_sub(self.saved_children);
        local
            .children
            .set(self.saved_children.wrapping_add(inclusive));
        // SAFETY: the slot is kept alive by this thread's record, which outlives `local` (after
        // a fork, by the parent's memory the child keeps).
        let slot = unsafe { &*self.slot };
        let outermost = slot.exit_frame();
        // A frame opened before a `reset()` ends in a slot the reset took out of the profile
        // (see `Local::sync_epoch`): it is not recorded, with no check here.
        slot.record(inclusive, inclusive.saturating_sub(children), outermost);
        end
    }

    /// [`Frame::end`] of a captured span, out of line (its parts passed in registers): also
    /// closes the span.
    #[inline(never)]
    fn end_traced(slot: *const SiteSlot, start: u64, saved_children: u64, record: NonNull<Record>) {
        let frame = Frame {
            slot,
            start,
            saved_children,
        };
        let end = with_local(|local| frame.end(local)).unwrap_or_else(tsc::raw);
        trace::close(record, end);
    }
}

impl Open {
    /// Closes the frame (on the thread that opened it).
    #[inline(always)]
    fn close(&self) {
        match self {
            Open::Recording(frame) => {
                with_local(|local| frame.end(local));
            }
            Open::Off => {}
            Open::Traced(frame, record) => {
                Frame::end_traced(frame.slot, frame.start, frame.saved_children, *record)
            }
        }
    }
}

/// Records one call of a [`CallSite`] when dropped: on return, `?`, early return or panic.
///
/// Self time is the inclusive time minus the inclusive time of timed calls made inside it;
/// under recursion every call is counted but inclusive time is added only for the
/// outermost frame.
#[must_use = "the call is recorded when the guard is dropped"]
pub struct Guard {
    open: Open,
}

impl Guard {
    /// Starts timing a call of `site` (does nothing when recording is off).
    #[inline(always)]
    pub fn enter(site: &'static CallSite) -> Self {
        Self {
            open: Frame::begin(site, |_| ()).0,
        }
    }
}

impl Drop for Guard {
    #[inline(always)]
    fn drop(&mut self) {
        self.open.close();
    }
}

/// A manually opened and closed frame that may be moved between threads but must be closed
/// on the thread that opened it (this is what Python's `timed` uses).
pub struct Span {
    open: Open,
    thread: u64,
}

// SAFETY: the slot pointer is only dereferenced by `close`, after checking that the calling
// thread is the one that opened the span (whose record keeps the slot alive).
unsafe impl Send for Span {}
// SAFETY: `Span` has no interior mutability; `&Span` exposes nothing.
unsafe impl Sync for Span {}

/// A [`Span`] closed on a thread other than the one that opened it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a timed span must be closed on the thread that opened it")]
pub struct WrongThread;

impl Span {
    /// Opens a frame of `site` on the calling thread (an inert span when recording is off).
    pub fn open(site: &'static CallSite) -> Self {
        let (open, thread) = Frame::begin(site, Local::token);
        Self {
            open,
            thread: thread.unwrap_or(0),
        }
    }

    /// Closes and records the frame. On another thread nothing is recorded and
    /// [`WrongThread`] is returned.
    pub fn close(mut self) -> Result<(), WrongThread> {
        let open = std::mem::replace(&mut self.open, Open::Off);
        if matches!(open, Open::Off) {
            return Ok(());
        }
        match with_local(|local| local.token()) {
            Some(thread) if thread == self.thread => {
                open.close();
                Ok(())
            }
            Some(_) => Err(WrongThread),
            None => Ok(()),
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        let open = std::mem::replace(&mut self.open, Open::Off);
        if !matches!(open, Open::Off) && with_local(|local| local.token()) == Some(self.thread) {
            open.close();
        }
    }
}

/// Wraps the body of an `async fn`: times it from the first poll to completion.
///
/// Inclusive time is wall time from the first poll to completion, across `.await`s and
/// threads; self time is the time spent inside this future's polls minus timed calls made
/// within them; idle time is the time between polls. It is `Send` whenever the wrapped future
/// is. While a trace session is active, each poll is captured as a span on the thread that ran
/// it, and a future first polled during the session is also captured as one async slice from
/// its first poll to completion. A future dropped after its first poll and before completion
/// (cancelled) is recorded once, ended at the drop. Each poll is a step of an
/// [`AsyncCall`](super::AsyncCall), the accounting Python's coroutines share.
pub struct TimedFuture<F> {
    inner: F,
    call: super::task::AsyncCall,
}

impl<F> TimedFuture<F> {
    /// Wraps `inner`, recording it under `site`.
    pub fn new(site: &'static CallSite, inner: F) -> Self {
        Self {
            inner,
            call: super::task::AsyncCall::new(site),
        }
    }
}

impl<F: Future> Future for TimedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned (never moved out); `call` is Unpin plain data.
        let this = unsafe { self.get_unchecked_mut() };
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        if this.call.is_finished() {
            return inner.poll(cx);
        }
        let step = this.call.begin_step();
        let result = inner.poll(cx);
        this.call.end_step(step, result.is_ready());
        result
    }
}
