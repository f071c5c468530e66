//! What `#[timed]` expands to — a drop guard for plain functions, a future wrapper for async —
//! and [`Span`], the manual form used by dynamic callers (Python's `timed`).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use super::callsite::CallSite;
use super::local::{Local, with_local};
use super::registry::{self, ENABLED, STATE, epoch_of, same_epoch};
use super::slot::SiteSlot;
use crate::clock::tsc;

/// One open frame: where to record, when it started and the children-sum when it started.
struct Frame {
    slot: *const SiteSlot,
    start: u64,
    saved_children: u64,
}

impl Frame {
    /// Opens a frame, or returns `None` when recording is off (one relaxed load).
    /// `on_local` runs with the thread's recorder before the clock is read.
    #[inline(always)]
    fn begin<T>(site: &'static CallSite, on_local: impl FnOnce(&Local) -> T) -> Option<(Frame, T)> {
        let state = STATE.load(Ordering::Relaxed);
        if state & ENABLED == 0 {
            return None;
        }
        let id = registry::site_id(site);
        let (slot, saved_children, extra) = with_local(|local| {
            let slot = local.slot(id, epoch_of(state));
            slot.enter_frame();
            (
                slot as *const SiteSlot,
                local.children.get(),
                on_local(local),
            )
        })?;
        Some((
            Frame {
                slot,
                saved_children,
                start: tsc::raw(),
            },
            extra,
        ))
    }

    /// Closes the frame on the thread that opened it. A frame opened before the last
    /// `reset()` (or, in a forked child, before the fork) is not recorded: its slot is no
    /// longer part of the profile.
    #[inline(always)]
    fn end(&self, local: &Local) {
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
    }
}

/// Records one call of a [`CallSite`] when dropped: on return, `?`, early return or panic.
///
/// Self time is the inclusive time minus the inclusive time of timed calls made inside it;
/// under recursion every call is counted but inclusive time is added only for the
/// outermost frame.
#[must_use = "the call is recorded when the guard is dropped"]
pub struct Guard {
    frame: Option<Frame>,
}

impl Guard {
    /// Starts timing a call of `site` (does nothing when recording is off).
    #[inline(always)]
    pub fn enter(site: &'static CallSite) -> Self {
        Self {
            frame: Frame::begin(site, |_| ()).map(|(frame, ())| frame),
        }
    }
}

impl Drop for Guard {
    #[inline(always)]
    fn drop(&mut self) {
        if let Some(frame) = &self.frame {
            with_local(|local| frame.end(local));
        }
    }
}

/// A manually opened and closed frame that may be moved between threads but must be closed
/// on the thread that opened it (this is what Python's `timed` uses).
pub struct Span {
    frame: Option<Frame>,
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
        match Frame::begin(site, Local::token) {
            Some((frame, thread)) => Self {
                frame: Some(frame),
                thread,
            },
            None => Self {
                frame: None,
                thread: 0,
            },
        }
    }

    /// Closes and records the frame. On another thread nothing is recorded and
    /// [`WrongThread`] is returned.
    pub fn close(mut self) -> Result<(), WrongThread> {
        let Some(frame) = self.frame.take() else {
            return Ok(());
        };
        with_local(|local| {
            if local.token() == self.thread {
                frame.end(local);
                Ok(())
            } else {
                Err(WrongThread)
            }
        })
        .unwrap_or(Ok(()))
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(frame) = self.frame.take() {
            with_local(|local| {
                if local.token() == self.thread {
                    frame.end(local);
                }
            });
        }
    }
}

/// Wraps the body of an `async fn`: times it from the first poll to completion.
///
/// Inclusive time is wall time from the first poll to completion, across `.await`s and
/// threads; self time is the time spent inside this future's polls minus timed calls made
/// within them. It is `Send` whenever the wrapped future is.
pub struct TimedFuture<F> {
    site: &'static CallSite,
    inner: F,
    /// Raw clock reading at the first poll; 0 before it; `None` when recording was off.
    start: Option<u64>,
    self_time: u64,
    /// The profiler state at the first poll (a future started before a `reset()` and
    /// finished after it is not recorded).
    state: u64,
}

impl<F> TimedFuture<F> {
    /// Wraps `inner`, recording it under `site`.
    pub fn new(site: &'static CallSite, inner: F) -> Self {
        Self {
            site,
            inner,
            start: Some(0),
            self_time: 0,
            state: 0,
        }
    }
}

impl<F: Future> Future for TimedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned (never moved out); the other fields are Unpin
        // plain data.
        let this = unsafe { self.get_unchecked_mut() };
        let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
        if this.start == Some(0) {
            this.state = STATE.load(Ordering::Relaxed);
            if this.state & ENABLED == 0 {
                this.start = None;
            }
        }
        let Some(start) = this.start else {
            return inner.poll(cx);
        };
        let saved = with_local(|l| l.children.get()).unwrap_or(0);
        let t0 = tsc::raw();
        let start = if start == 0 { t0.max(1) } else { start };
        this.start = Some(start);
        let result = inner.poll(cx);
        let t1 = tsc::raw();
        let busy = t1.saturating_sub(t0);
        let site = this.site;
        let started_in = this.state;
        let self_time = &mut this.self_time;
        with_local(|local| {
            let children = local.children.get().wrapping_sub(saved);
            *self_time = self_time.saturating_add(busy.saturating_sub(children));
            local.children.set(saved.wrapping_add(busy));
            let state = STATE.load(Ordering::Relaxed);
            if result.is_ready() && same_epoch(state, started_in) {
                let slot = local.slot(registry::site_id(site), epoch_of(state));
                slot.record(t1.saturating_sub(start), *self_time, true);
            }
        });
        result
    }
}
