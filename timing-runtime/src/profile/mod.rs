//! The global profiler behind `#[timed]`.

pub mod callsite;
pub mod guard;

pub use callsite::CallSite;
pub use guard::{Guard, TimedFuture};
