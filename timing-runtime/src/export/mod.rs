//! Outputs for people and other tools, built from what the earlier stages measured and
//! computed. Every figure for people is formatted by [`crate::format`].
//!
//! * [`table`]: aligned text tables, and the profile table (`Snapshot::to_table`);
//! * [`prometheus`]: the profile in the Prometheus text format (`Snapshot::to_prometheus`);
//! * [`http`]: the little HTTP/1.1 the two below speak, and their error type;
//! * [`metrics_server`]: a background thread serving `/metrics`;
//! * [`pushgateway`]: pushing the profile to a Prometheus Pushgateway;
//! * [`chrome`]: Chrome Trace Event JSON of a [`Trace`](crate::profile::trace::Trace);
//! * [`folded`]: folded stacks of a trace; [`flamegraph`]: its flame graph (SVG, by inferno);
//! * [`file`](mod@file): writing a file with nothing half-written left behind (temporary, then rename);
//! * [`report`]: the self-contained HTML report of benchmark results, with plots.

pub mod chrome;
pub mod file;
pub mod flamegraph;
pub mod folded;
pub mod http;
pub mod metrics_server;
pub mod prometheus;
pub mod pushgateway;
pub mod report;
pub mod table;
