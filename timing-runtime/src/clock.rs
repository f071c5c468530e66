//! The clock every measurement uses, and conversions between ticks and seconds.
//!
//! Durations are kept as integer nanosecond ticks (`u64`) until they are reported, so that
//! order relations such as `min <= mean <= max` hold exactly.

use std::time::{Duration, Instant};

/// A point in time from the monotonic clock.
pub type Timestamp = Instant;

/// Reads the monotonic clock.
#[inline(always)]
pub fn now() -> Timestamp {
    Instant::now()
}

/// Nanoseconds from `start` to `end` (zero if `end` is earlier), saturated at `u64::MAX`.
#[inline]
pub fn ticks_between(start: Timestamp, end: Timestamp) -> u64 {
    duration_to_ticks(end.saturating_duration_since(start))
}

/// Nanoseconds in `d`, saturated at `u64::MAX` (about 584 years).
#[inline]
pub fn duration_to_ticks(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Seconds in `ticks` nanoseconds.
///
/// ```
/// assert_eq!(timing_runtime::clock::ticks_to_secs(1_500_000_000), 1.5);
/// ```
#[inline]
pub fn ticks_to_secs(ticks: u64) -> f64 {
    ticks as f64 / 1e9
}
