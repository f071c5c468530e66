//! The global profiler behind `#[timed]`.
//!
//! Every instrumented call site is a `static` [`CallSite`] with a lazily assigned id. Each
//! thread records into its own slots (no locks, no shared atomics on the hot path: owner-only
//! relaxed stores), which [`snapshot()`] reads and merges without stopping anyone. A thread that
//! exits hands its counters to an "exited threads" total, so nothing is lost.
//!
//! Per call site: calls, total (inclusive) time, self time (excluding timed children, even
//! across the Rust/Python boundary), min, max, mean and percentiles from a log-linear
//! histogram in nanosecond buckets (the same on every host) with ±3.2 % relative error. Under
//! recursion every call is counted but inclusive time is added only for the outermost frame.
//!
//! Snapshots of many processes add exactly ([`Snapshot::merge`]) and survive a JSON round trip
//! ([`Snapshot::from_json`]). With [`DIR_VARIABLE`] (`PERFORMANCE_TIMING_DIR`) set, a process
//! keeps its profile in a memory-mapped file of that directory, which [`load_dir`] merges with
//! every other process's. [`reset`] drops calls open across it; a forked child starts with an
//! empty profile of its own (see `fork.rs`).
//!
//! ```
//! use timing_runtime::{profile, timed};
//!
//! #[timed(name = "doc_example")]
//! fn step() {}
//!
//! for _ in 0..3 {
//!     step();
//! }
//! let snap = profile::snapshot();
//! assert_eq!(snap.get("doc_example").unwrap().calls(), 3);
//! ```
//!
//! [`CallSite`] and [`Guard`] are what `#[timed]` expands to; use them directly only for a
//! call site the macro cannot mark.

pub mod callsite;
mod control;
mod fork;
pub mod guard;
pub mod histogram;
mod local;
mod multiprocess;
mod naming;
mod owned_histogram;
mod process;
mod registry;
mod scope;
pub mod shared;
mod slot;
pub mod snapshot;
mod state;
mod store;
mod sync;
pub mod task;
mod threads;
pub mod trace;

pub use callsite::CallSite;
pub use control::{intern, is_enabled, reset, set_enabled};
pub use guard::{Guard, Span, TimedFuture, WrongThread};
pub use multiprocess::{MAX_PROFILE_FILE, ProfileFileError, dump, load_dir};
pub use process::Process;
pub use scope::{NoOpenScope, enter_scope, exit_scope, prepare};
pub use snapshot::{LookupError, Record, Snapshot, ThreadProfile, snapshot};
pub use store::DIR_VARIABLE;
pub use task::{AsyncCall, Step};
