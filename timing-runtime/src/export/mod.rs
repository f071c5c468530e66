//! Outputs for people and other tools, built from what the earlier stages measured and
//! computed. Every figure is formatted by [`crate::format`].
//!
//! * [`table`]: aligned text tables, and the profile table (`Snapshot::to_table`);
//! * [`chrome`]: Chrome Trace Event JSON of a [`Trace`](crate::profile::trace::Trace);
//! * [`folded`]: folded stacks of a trace; [`flamegraph`]: its flame graph (SVG, by inferno);
//! * [`file`](mod@file): writing a file with nothing half-written left behind (temporary, then rename);
//! * [`report`]: the self-contained HTML report of benchmark results, with plots.

pub mod chrome;
pub mod file;
pub mod flamegraph;
pub mod folded;
pub mod report;
pub mod table;
