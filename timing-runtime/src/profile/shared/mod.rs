//! One profile per process: the runtime of `performance_timing`'s own module (the **host**)
//! serves the `#[timed]` call sites of every other library that links its own copy of this
//! crate (a **guest**, e.g. a user's PyO3 extension).
//!
//! Each shared library that links `timing-runtime` has its own statics: call-site table,
//! per-thread stacks, span buffers, files. Left alone, a user's extension would keep a
//! separate, invisible profile. Instead, the host exports a versioned table of `extern "C"`
//! entry points ([`ProfileApi`], in a Python capsule `performance_timing._native._PROFILE_API`),
//! and a guest [`attach`]es to it when its module is imported (`py_export::add_profile_api`).
//! From then on the guest's call sites are registered in the host, its calls open and close
//! frames on the host's thread stacks (so nesting and self time are exact across the boundary,
//! in both directions), and everything downstream — snapshots, traces, `/metrics`, files,
//! `reset`, `set_enabled`, fork handling — is the host's.
//!
//! **Cost where nothing is shared.** Whether a runtime is a guest is bit `HOSTED` of the
//! state word the hot path already loads; a guest clears the "recording" bits of its own word,
//! so the one test that sends "off" aside sends "hosted" there too. A host, and a Rust binary,
//! run exactly the instructions they ran before: no feature to switch on.
//!
//! **Version rule.** The table starts with a magic number, a major and a minor version and its
//! size in bytes. A guest attaches only to a host of its own major version; entries are only
//! ever appended (each new entry bumps the minor version), and a guest uses an entry only when
//! the host's table is long enough to hold it. A guest of another major version warns once
//! and keeps its own profile: it never calls into a table it does not know.

mod api;
pub(crate) mod guest;
mod host;

pub use api::{ABI_MAJOR, ABI_MINOR, CAPSULE_NAME, ProfileApi, RawFrame, SiteDesc};
pub use guest::{AttachError, Attached, attach, is_guest};
pub use host::api;
