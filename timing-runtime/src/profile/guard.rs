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
use super::shared::{RawFrame, guest};
use super::slot::SiteSlot;
use super::state::{ENABLED, HOSTED, STATE, TRACING, epoch_of};
use super::trace::buffer as trace;
use super::trace::records::Record;
use crate::clock::tsc;

/// One open frame: where to record, when it started and the children-sum when it started.
struct Frame {
    slot: *const SiteSlot,
    start: u64,
    saved_children: u64,
}

/// A frame as opened: not at all (recording off), recording, recording and captured as a
/// span of the active trace session, or opened in the host's profile (this runtime a guest).
enum Open {
    Recording(Frame),
    Off,
    Traced(Frame, NonNull<Record>),
    Hosted(RawFrame),
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
                if state & HOSTED == 0 {
                    return (Open::Off, None);
                }
                return (Self::begin_hosted(site), None);
            }
            return Self::begin_traced(site_id(site), state, on_local);
        }
        Self::begin_recording(site_id(site), state, on_local)
    }

    /// [`Frame::begin`] with recording on and no trace session, for the site of id `id`.
    #[inline(always)]
    fn begin_recording<T>(
        id: u32,
        state: u64,
        on_local: impl FnOnce(&Local) -> T,
    ) -> (Open, Option<T>) {
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
        id: u32,
        state: u64,
        on_local: impl FnOnce(&Local) -> T,
    ) -> (Open, Option<T>) {
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

    /// [`Frame::begin`] in a guest: the frame is the host's (see `profile/shared`). The test
    /// of the host's switch is inline, so a guest with recording off makes no call.
    #[inline(always)]
    fn begin_hosted(site: &'static CallSite) -> Open {
        match guest::recording_host() {
            // A frame the host did not open (its thread shutting down) is closed as a no-op.
            Some(api) => Open::Hosted(guest::begin(api, site)),
            None => Open::Off,
        }
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
    /// The calling thread's number in the profile this frame belongs to (the host's for a
    /// hosted frame); `None` during thread teardown.
    fn calling_thread(&self) -> Option<u64> {
        match self {
            Open::Hosted(_) => guest::host().map(guest::thread_token),
            _ => with_local(|local| local.token()),
        }
    }

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
            Open::Hosted(frame) => guest::end(frame),
        }
    }
}

/// The host's side of a guest's frame: opens a frame of the site of id `id` (registered by
/// the guest) and hands it out as a [`RawFrame`].
pub(crate) fn begin_raw(id: u32) -> RawFrame {
    let state = STATE.load(Ordering::Relaxed);
    let open = if state & ENABLED != 0 {
        Frame::begin_recording(id, state, |_| ()).0
    } else if state & TRACING != 0 {
        Frame::begin_traced(id, state, |_| ()).0
    } else {
        Open::Off
    };
    match open {
        Open::Recording(f) => RawFrame {
            slot: f.slot.cast(),
            start: f.start,
            saved_children: f.saved_children,
            record: std::ptr::null(),
        },
        Open::Traced(f, record) => RawFrame {
            slot: f.slot.cast(),
            start: f.start,
            saved_children: f.saved_children,
            record: record.as_ptr().cast_const().cast(),
        },
        // A host is never a guest; recording off.
        Open::Hosted(_) | Open::Off => RawFrame::OFF,
    }
}

/// The host's side of closing a guest's frame that [`begin_raw`] opened.
pub(crate) fn end_raw(frame: &RawFrame) {
    if !frame.is_open() {
        return;
    }
    let f = Frame {
        slot: frame.slot.cast(),
        start: frame.start,
        saved_children: frame.saved_children,
    };
    match NonNull::new(frame.record.cast_mut().cast::<Record>()) {
        None => {
            with_local(|local| f.end(local));
        }
        Some(record) => Frame::end_traced(f.slot, f.start, f.saved_children, record),
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
        let thread = match (&open, thread) {
            (_, Some(thread)) => thread,
            (Open::Hosted(_), None) => open.calling_thread().unwrap_or(0),
            _ => 0,
        };
        Self { open, thread }
    }

    /// Closes and records the frame. On another thread nothing is recorded and
    /// [`WrongThread`] is returned.
    pub fn close(mut self) -> Result<(), WrongThread> {
        let open = std::mem::replace(&mut self.open, Open::Off);
        if matches!(open, Open::Off) {
            return Ok(());
        }
        match open.calling_thread() {
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
        if !matches!(open, Open::Off) && open.calling_thread() == Some(self.thread) {
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
    /// The call in the host's profile, when this runtime is a guest.
    hosted: guest::HostedCall,
}

impl<F> TimedFuture<F> {
    /// Wraps `inner`, recording it under `site`.
    pub fn new(site: &'static CallSite, inner: F) -> Self {
        Self {
            inner,
            call: super::task::AsyncCall::new(site),
            hosted: guest::HostedCall::new(),
        }
    }
}

impl<F: Future> Future for TimedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned (never moved out); `call` and `hosted` are
        // Unpin plain data.
        let this = unsafe { self.get_unchecked_mut() };
        if STATE.load(Ordering::Relaxed) & HOSTED != 0 {
            // SAFETY: as above.
            let inner = unsafe { Pin::new_unchecked(&mut this.inner) };
            let site = this.call.site();
            return this.hosted.poll(site, |cx| inner.poll(cx), cx);
        }
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
