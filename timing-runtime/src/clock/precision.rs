//! The harness clock's precision: what it can resolve and what one read costs, and the
//! [`Calibration`] figures reported with every benchmark result.
//!
//! The clock figures are measured once per process (lazily, on first use, in about a
//! millisecond); the harness overhead in [`Calibration`] is measured by every
//! [`bench`](crate::bench::bench()) call with a no-op closure through the very loop that times
//! the user's closure.

use std::hint::black_box;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::clock::{self, nanos_between, nanos_to_secs};

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
/// let c = timing_runtime::clock::precision::clock_info();
/// assert!(c.resolution > 0.0 && c.read_cost > 0.0);
/// assert_eq!(c, timing_runtime::clock::precision::clock_info());
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
        let d = nanos_between(prev, t);
        if d > 0 {
            resolution = resolution.min(d);
            steps += 1;
            prev = t;
        }
        if nanos_between(begin, t) > 50_000_000 {
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
        best = best.min(nanos_between(start, clock::now()));
    }
    ClockInfo {
        resolution: nanos_to_secs(resolution.max(1)),
        read_cost: nanos_to_secs(best.max(1)) / READS as f64,
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
}
