//! Span capture: a timeline of every `#[timed]` call and Python `timed` span, per thread.
//!
//! While a [`Session`] is active, every instrumented call is also captured as a span — call
//! site, thread, start and end (raw clock readings, converted to nanoseconds when the session
//! finishes) — in a **bounded buffer per thread**: when a thread's buffer is full, its further
//! spans are dropped and counted ([`Trace::dropped`]), so memory never grows without bound.
//! The aggregated profile ([`snapshot`](crate::profile::snapshot())) goes on unchanged.
//!
//! * One session at a time: [`start`] while one is active is [`TraceError::AlreadyActive`].
//! * Threads that start or exit during the session are included.
//! * Cost: with no session, the recording path does no extra load and no extra test (the
//!   session is a bit of the word the on/off switch already loads, and "tracing" clears the
//!   "recording, no session" bit, so one test routes both "off" and "tracing" aside); with a
//!   session, a call pays about 10 ns more (the `timed_overhead` bench).
//! * `async fn`: each poll is a span on the thread that ran it, and the whole future, from its
//!   first poll to completion, is an async slice.
//!
//! ```
//! use timing_runtime::{profile::trace, timed};
//!
//! #[timed]
//! fn parse(line: &str) -> usize { line.len() }
//!
//! let session = trace::start(trace::DEFAULT_CAPACITY)?;
//! parse("a,b");
//! let trace = session.finish();
//! let mut json = Vec::new();
//! trace.write_chrome_trace(&mut json)?;
//! let mut svg = Vec::new();
//! trace.write_flamegraph(&mut svg, "parse")?;
//! assert_eq!((trace.len(), trace.dropped()), (1, 0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Exports live in [`crate::export`]: Chrome Trace Event JSON, folded stacks, flame graphs.

pub(crate) mod buffer;
mod model;
pub(crate) mod records;
pub(crate) mod session;

pub use model::Trace;
pub(crate) use model::{ROOT, SpanData};
pub use session::{Session, TraceError};

/// The default capacity of a session, in spans per thread (at 24 bytes a span, at most
/// 24 MB per thread that records that many).
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// Starts capturing spans, keeping at most `capacity_per_thread` spans per thread (later
/// spans of a full thread are dropped and counted). Aggregated recording goes on unchanged.
///
/// Errors: [`TraceError::AlreadyActive`] while another session is active,
/// [`TraceError::Invalid`] for a capacity of 0. Spans are captured only while recording is on
/// ([`set_enabled`](crate::profile::set_enabled)).
///
/// ```
/// use timing_runtime::{profile::trace, timed};
///
/// #[timed(name = "leaf")]
/// fn leaf() -> u32 { 1 }
/// #[timed(name = "outer")]
/// fn outer() -> u32 { leaf() + leaf() }
///
/// let session = trace::start(1000)?;
/// assert!(trace::start(10).is_err()); // one at a time
/// outer();
/// let trace = session.finish();
/// assert_eq!(trace.len(), 3);
/// assert_eq!(trace.dropped(), 0);
/// let folded = trace.folded();
/// assert!(folded.lines().any(|l| l.starts_with("outer;leaf ")));
/// # Ok::<(), trace::TraceError>(())
/// ```
pub fn start(capacity_per_thread: usize) -> Result<Session, TraceError> {
    if super::shared::guest::host().is_some() {
        return Err(TraceError::Hosted);
    }
    super::fork::install();
    session::begin(capacity_per_thread)
}
