//! The global profile (`#[timed]` Rust code and Python `timed`) seen from Python.
//!
//! * [`functions`]: `snapshot`, `reset`, `set_enabled`, `is_enabled`;
//! * [`snapshot`]: the `Snapshot` and `Record` classes;
//! * [`scope`]: `_Scope`, the native base of Python's `timed`.

pub mod functions;
pub mod scope;
pub mod snapshot;
