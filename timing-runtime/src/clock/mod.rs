//! Clocks, named by role, and one vocabulary for their units.
//!
//! * **The harness clock** (this module): `std::time::Instant`, the OS monotonic clock. Every
//!   benchmark, [`Timer`](crate::Timer) and hardware kernel is timed with it. Its durations are
//!   **nanos**: integer nanoseconds (`u64`), kept as integers until they are reported so that
//!   order relations such as `min <= mean <= max` hold exactly; [`nanos_to_secs`] is the one
//!   conversion to seconds.
//! * **The profiler's clock** ([`tsc`]): the CPU's time-stamp counter, read by every
//!   `#[timed]` call. Its readings are **raw** counts (`u64`) whose length depends on the host;
//!   [`tsc::raw_to_nanos`] converts a raw duration to nanos.
//! * **Precision** ([`precision`]): what the harness clock can resolve and what a read costs,
//!   measured once per process and reported with every benchmark result.

pub mod precision;
pub mod tsc;

use std::time::{Duration, Instant};

/// A point in time from the harness clock.
pub type Timestamp = Instant;

/// Reads the harness clock.
#[inline(always)]
pub fn now() -> Timestamp {
    Instant::now()
}

/// Nanos from `start` to `end` (zero if `end` is earlier), saturated at `u64::MAX`.
#[inline]
pub fn nanos_between(start: Timestamp, end: Timestamp) -> u64 {
    duration_to_nanos(end.saturating_duration_since(start))
}

/// Nanos in `d`, saturated at `u64::MAX` (about 584 years).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(timing_runtime::clock::duration_to_nanos(Duration::from_micros(3)), 3_000);
/// ```
#[inline]
pub fn duration_to_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Seconds in `nanos` nanoseconds: the one conversion from integer nanos to seconds.
///
/// It is a single monotone floating-point operation, so it keeps the order of its inputs.
///
/// ```
/// assert_eq!(timing_runtime::clock::nanos_to_secs(1_500_000_000), 1.5);
/// ```
#[inline]
pub fn nanos_to_secs(nanos: u64) -> f64 {
    nanos as f64 / 1e9
}

/// Seconds in a nanosecond figure that is already a float (a mean or a per-iteration share).
///
/// ```
/// assert_eq!(timing_runtime::clock::fractional_nanos_to_secs(2.5), 2.5e-9);
/// ```
#[inline]
pub fn fractional_nanos_to_secs(nanos: f64) -> f64 {
    nanos / 1e9
}
