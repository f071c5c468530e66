//! How many iterations make one sample: long enough for the clock to resolve it.

use std::time::Duration;

/// The shortest duration one sample must last: `max(min_time, 1000 × resolution)`.
///
/// ```
/// use std::time::Duration;
/// let t = timing_runtime::bench::sizing::target_sample_time(Duration::from_millis(5), 1e-8);
/// assert_eq!(t, Duration::from_millis(5));
/// let t = timing_runtime::bench::sizing::target_sample_time(Duration::from_nanos(1), 1e-6);
/// assert_eq!(t, Duration::from_millis(1));
/// ```
pub fn target_sample_time(min_time: Duration, resolution: f64) -> Duration {
    let floor = Duration::from_secs_f64((resolution * 1000.0).clamp(0.0, 1.0));
    min_time.max(floor)
}

/// The next iteration count to try when `iterations` lasted `nanos` and a sample must last
/// `target` nanos: aim 20 % past the target, growing at least 2× and at most
/// 10× per step.
///
/// ```
/// use timing_runtime::bench::sizing::next_iterations;
/// assert_eq!(next_iterations(1, 0, 1_000), 10);
/// assert_eq!(next_iterations(10, 500, 1_000), 24);
/// assert_eq!(next_iterations(10, 990, 1_000), 20);
/// ```
pub fn next_iterations(iterations: u64, nanos: u64, target: u64) -> u64 {
    let lo = iterations.saturating_mul(2);
    let hi = iterations.saturating_mul(10);
    if nanos == 0 {
        return hi;
    }
    let want = (iterations as f64 * target as f64 * 1.2 / nanos as f64).ceil();
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
    fn growth_is_bounded() {
        assert_eq!(next_iterations(u64::MAX / 2, 1, 1_000_000), u64::MAX);
        assert_eq!(next_iterations(3, 3_000, 1_000), 6);
        assert_eq!(next_iterations(1, 1, 1_000_000), 10);
    }
}
