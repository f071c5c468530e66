//! Scopes: spans kept on a per-thread stack, for callers that cannot hold a guard value
//! across a call boundary (Python's `with timed(...)` and `@timed`).

use std::cell::RefCell;

use super::callsite::CallSite;
use super::guard::Span;

thread_local! {
    static OPEN: RefCell<Vec<(&'static CallSite, Span)>> = const { RefCell::new(Vec::new()) };
}

/// [`exit_scope`] found no open scope of that call site on the calling thread.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no open timed scope of this name on this thread (scopes must end on the thread that started them)"
)]
pub struct NoOpenScope;

/// Does the first-call set-up of `site` on the calling thread now — clock calibration, the
/// site's id, this thread's recorder and slot — so that its first recorded call costs what
/// every later one does. Optional: all of it otherwise happens on the first call.
pub fn prepare(site: &'static CallSite) {
    crate::clock::tsc::calibrate();
    let id = super::control::site_id(site);
    let epoch = super::state::current_epoch();
    super::local::with_local(|local| {
        local.slot(id, epoch);
    });
}

/// Opens a scope of `site` on the calling thread (inert when recording is off).
///
/// ```
/// use timing_runtime::profile::{self, CallSite};
/// static SITE: CallSite = CallSite::new(Some("scoped"), module_path!(), file!(), line!(), || "");
/// profile::enter_scope(&SITE);
/// profile::exit_scope(&SITE).unwrap();
/// assert!(profile::exit_scope(&SITE).is_err());
/// assert_eq!(profile::snapshot().get("scoped").unwrap().calls(), 1);
/// ```
///
/// Inside a step of an [`AsyncCall`](super::AsyncCall) (a timed Python coroutine or generator
/// resuming, a `#[timed]` future's poll) the scope belongs to that call, not to the thread:
/// it is parked while the call is suspended (see [`task`](super::task)).
pub fn enter_scope(site: &'static CallSite) {
    if super::task::in_step() && super::task::enter_scope(site) {
        return;
    }
    let span = Span::open(site);
    // During thread teardown the stack is gone; the span then records on drop, if it can.
    let _ = OPEN.try_with(|open| open.borrow_mut().push((site, span)));
}

/// Closes and records the innermost open scope of `site` on the calling thread.
pub fn exit_scope(site: &'static CallSite) -> Result<(), NoOpenScope> {
    if super::task::in_step() && super::task::exit_scope(site) {
        return Ok(());
    }
    let span = OPEN
        .try_with(|open| {
            let mut open = open.borrow_mut();
            // Blocks nest: the innermost open scope is almost always the one ending.
            if open.last().is_some_and(|(s, _)| std::ptr::eq(*s, site)) {
                return open.pop().map(|(_, span)| span);
            }
            let index = open.iter().rposition(|(s, _)| std::ptr::eq(*s, site))?;
            Some(open.remove(index).1)
        })
        .ok()
        .flatten()
        .ok_or(NoOpenScope)?;
    // Opened on this thread, so closing cannot fail.
    let _ = span.close();
    Ok(())
}
