//! The global profile (`#[timed]` Rust code and Python `timed`) seen from Python.
//!
//! * [`functions`]: `snapshot`, `reset`, `set_enabled`, `is_enabled`;
//! * [`snapshot`]: the `Snapshot` and `Record` classes;
//! * [`diff`]: `Snapshot.diff`'s `SnapshotDiff`, and `flamegraph_diff`;
//! * [`scope`]: `timed` (and `_scope`, the decorator's way to a site of an explicit module);
//! * [`sites`]: one `timed` object per call site, and the per-thread cache behind
//!   `timed("stage")`;
//! * [`steps`]: `_Steps`, a timed coroutine, generator or async generator, step by step;
//! * [`fast`]: `timed`'s construction and `with` without CPython's generic dispatch;
//! * [`shared`]: one profile per process (the `_PROFILE_API` capsule; another extension
//!   attaching to it).

pub mod diff;
pub mod fast;
pub mod functions;
pub mod scope;
pub mod shared;
pub mod sites;
pub mod snapshot;
pub mod steps;
