//! Calibration: what the clock can resolve, what one read costs, what the harness itself costs
//! per call, and how many iterations one sample needs.
//!
//! The clock figures are measured once per process (lazily, on first use, in about a
//! millisecond); the harness overhead is measured by every [`crate::bench::bench`] call with a
//! no-op closure through the very loop that times the user's closure.

use std::hint::black_box;
use std::sync::LazyLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::{self, ticks_between, ticks_to_secs};

/// The name of the clock every measurement uses.
pub const CLOCK_NAME: &str = "std::time::Instant (monotonic)";

/// What the clock can resolve and what reading it costs, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockInfo {
    /// The smallest non-zero difference seen between two successive reads, in seconds.
    pub resolution: f64,
    /// The cost of one read, in seconds (best of several batches).
    pub read_cost: f64,
}

static CLOCK: LazyLock<ClockInfo> = LazyLock::new(measure_clock);

/// The clock's figures, measured once per process on first use.
///
/// ```
/// let c = timing_runtime::calibrate::clock_info();
/// assert!(c.resolution > 0.0 && c.read_cost > 0.0);
/// assert_eq!(c, timing_runtime::calibrate::clock_info());
/// ```
pub fn clock_info() -> ClockInfo {
    *CLOCK
}

/// Measures the clock now (prefer the cached [`clock_info`]).
pub fn measure_clock() -> ClockInfo {
    // Resolution: the smallest positive step between successive reads.
    let mut resolution = u64::MAX;
    let begin = clock::now();
    let mut prev = begin;
    let mut steps = 0;
    while steps < 1_000 {
        let t = black_box(clock::now());
        let d = ticks_between(prev, t);
        if d > 0 {
            resolution = resolution.min(d);
            steps += 1;
            prev = t;
        }
        if ticks_between(begin, t) > 50_000_000 {
            break; // a very coarse clock: stop after 50 ms
        }
    }
    // Read cost: best of 5 batches of 2,000 reads.
    const READS: u64 = 2_000;
    let mut best = u64::MAX;
    for _ in 0..5 {
        let start = clock::now();
        for _ in 0..READS {
            black_box(clock::now());
        }
        best = best.min(ticks_between(start, clock::now()));
    }
    ClockInfo {
        resolution: ticks_to_secs(resolution.max(1)),
        read_cost: (best.max(1) as f64 / READS as f64) / 1e9,
    }
}

/// The calibration figures reported with every benchmark result, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The clock's resolution (see [`ClockInfo::resolution`]).
    pub clock_resolution: f64,
    /// The cost of one clock read.
    pub clock_read_cost: f64,
    /// The harness's own cost per iteration, measured with a no-op closure (Rust) or a no-op
    /// callable (Python) in the same loop. It is reported, not subtracted.
    pub overhead: f64,
}

/// The shortest duration one sample must last: `max(min_time, 1000 × resolution)`.
///
/// ```
/// use std::time::Duration;
/// let t = timing_runtime::calibrate::target_sample_time(Duration::from_millis(5), 1e-8);
/// assert_eq!(t, Duration::from_millis(5));
/// let t = timing_runtime::calibrate::target_sample_time(Duration::from_nanos(1), 1e-6);
/// assert_eq!(t, Duration::from_millis(1));
/// ```
pub fn target_sample_time(min_time: Duration, resolution: f64) -> Duration {
    let floor = Duration::from_secs_f64((resolution * 1000.0).clamp(0.0, 1.0));
    min_time.max(floor)
}

/// The next iteration count to try when `iterations` lasted `ticks` nanoseconds and a sample
/// must last `target` nanoseconds: aim 20 % past the target, growing at least 2× and at most
/// 10× per step.
///
/// ```
/// use timing_runtime::calibrate::next_iterations;
/// assert_eq!(next_iterations(1, 0, 1_000), 10);
/// assert_eq!(next_iterations(10, 500, 1_000), 24);
/// assert_eq!(next_iterations(10, 990, 1_000), 20);
/// ```
pub fn next_iterations(iterations: u64, ticks: u64, target: u64) -> u64 {
    let lo = iterations.saturating_mul(2);
    let hi = iterations.saturating_mul(10);
    if ticks == 0 {
        return hi;
    }
    let want = (iterations as f64 * target as f64 * 1.2 / ticks as f64).ceil();
    let want = if want >= u64::MAX as f64 {
        u64::MAX
    } else {
        want as u64
    };
    want.clamp(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_figures_are_plausible() {
        let c = measure_clock();
        // Generous bounds: a read costs less than 100 µs and the clock resolves 10 ms.
        assert!(c.read_cost > 0.0 && c.read_cost < 1e-4, "{c:?}");
        assert!(c.resolution > 0.0 && c.resolution < 1e-2, "{c:?}");
    }

    #[test]
    fn growth_is_bounded() {
        assert_eq!(next_iterations(u64::MAX / 2, 1, 1_000_000), u64::MAX);
        assert_eq!(next_iterations(3, 3_000, 1_000), 6);
        assert_eq!(next_iterations(1, 1, 1_000_000), 10);
    }
}
