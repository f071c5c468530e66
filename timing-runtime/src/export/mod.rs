//! Outputs for people and other tools, built from what the earlier stages measured and
//! computed. Every figure is formatted by [`crate::format`].
//!
//! * [`table`]: aligned text tables, and the profile table (`Snapshot::to_table`).

pub mod table;
