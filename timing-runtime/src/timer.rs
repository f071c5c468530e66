//! A named stopwatch ([`Timer`]) and the result it freezes into ([`TimerResult`]).

use std::fmt;
use std::time::Duration;

use crate::clock::{self, Timestamp};
use crate::error::{TimingError, require_at_least};
use crate::format;

/// A named stopwatch that starts when it is created.
///
/// [`Timer::stop`] freezes it: after that, [`Timer::elapsed`] keeps returning the frozen
/// duration. [`Timer::restart`] starts it again from zero.
///
/// ```
/// use timing_runtime::Timer;
///
/// let mut timer = Timer::start("sleep");
/// std::thread::sleep(std::time::Duration::from_millis(2));
/// let result = timer.stop(1).unwrap();
/// assert!(result.duration_secs() >= 0.002);
/// assert_eq!(timer.elapsed(), result.duration());
/// ```
#[derive(Debug, Clone)]
pub struct Timer {
    name: String,
    start: Timestamp,
    frozen: Option<Duration>,
}

impl Timer {
    /// Creates a timer called `name` and starts it.
    ///
    /// The profiler's clock is calibrated first (once per process), so that `#[timed]` code
    /// inside the timed region never pays for it.
    pub fn start(name: impl Into<String>) -> Self {
        crate::clock::tsc::calibrate();
        Self {
            name: name.into(),
            start: clock::now(),
            frozen: None,
        }
    }

    /// The timer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Starts the timer again from zero (it is no longer stopped).
    pub fn restart(&mut self) {
        crate::clock::tsc::calibrate();
        self.frozen = None;
        self.start = clock::now();
    }

    /// Time since the start, or the frozen duration once stopped.
    pub fn elapsed(&self) -> Duration {
        self.frozen
            .unwrap_or_else(|| clock::now().saturating_duration_since(self.start))
    }

    /// [`Timer::elapsed`] in seconds.
    pub fn elapsed_secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// Whether [`Timer::stop`] has been called since the last (re)start.
    pub fn is_stopped(&self) -> bool {
        self.frozen.is_some()
    }

    /// Stops the timer if it is running (a no-op when already stopped).
    pub fn freeze(&mut self) {
        if self.frozen.is_none() {
            self.frozen = Some(self.elapsed());
        }
    }

    /// Stops the timer (if it is running) and returns its result for `iterations` iterations.
    ///
    /// Calling it again returns the same frozen duration. `iterations` below 1 is an error and
    /// leaves the timer untouched.
    pub fn stop(&mut self, iterations: u64) -> Result<TimerResult, TimingError> {
        require_at_least("iterations", iterations, 1)?;
        let duration = self.elapsed();
        self.frozen = Some(duration);
        TimerResult::new(self.name.clone(), duration, iterations)
    }
}

/// The frozen outcome of a timing: a name, a total duration and an iteration count (≥ 1).
///
/// ```
/// use std::time::Duration;
/// use timing_runtime::TimerResult;
///
/// let r = TimerResult::new("op", Duration::from_millis(500), 100).unwrap();
/// assert_eq!(r.per_iteration(), 0.005);
/// assert_eq!(r.ops_per_second(), 200.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TimerResult {
    name: String,
    duration: Duration,
    iterations: u64,
}

impl TimerResult {
    /// Creates a result; `iterations` must be at least 1.
    pub fn new(
        name: impl Into<String>,
        duration: Duration,
        iterations: u64,
    ) -> Result<Self, TimingError> {
        require_at_least("iterations", iterations, 1)?;
        Ok(Self {
            name: name.into(),
            duration,
            iterations,
        })
    }

    /// The name of what was timed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The total measured duration.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The total measured duration in seconds.
    pub fn duration_secs(&self) -> f64 {
        self.duration.as_secs_f64()
    }

    /// How many iterations the duration covers (at least 1).
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Seconds per iteration: `duration_secs / iterations`.
    pub fn per_iteration(&self) -> f64 {
        self.duration_secs() / self.iterations as f64
    }

    /// Iterations per second: `iterations / duration_secs` (infinite for a zero duration).
    pub fn ops_per_second(&self) -> f64 {
        let secs = self.duration_secs();
        if secs == 0.0 {
            f64::INFINITY
        } else {
            self.iterations as f64 / secs
        }
    }
}

impl fmt::Display for TimerResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} for {} iteration{} ({} each)",
            self.name,
            format::duration(self.duration_secs()),
            self.iterations,
            if self.iterations == 1 { "" } else { "s" },
            format::duration(self.per_iteration())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_freezes_elapsed() {
        let mut t = Timer::start("t");
        let r = t.stop(3).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        assert!(t.is_stopped());
        assert_eq!(t.elapsed(), r.duration());
        assert_eq!(r.iterations(), 3);
        let again = t.stop(1).unwrap();
        assert_eq!(again.duration(), r.duration());
    }

    #[test]
    fn stop_rejects_zero_iterations_without_freezing() {
        let mut t = Timer::start("t");
        assert!(matches!(
            t.stop(0),
            Err(TimingError::InvalidArgument {
                name: "iterations",
                ..
            })
        ));
        assert!(!t.is_stopped());
    }

    #[test]
    fn restart_unfreezes() {
        let mut t = Timer::start("t");
        t.stop(1).unwrap();
        t.restart();
        assert!(!t.is_stopped());
        std::thread::sleep(Duration::from_millis(1));
        assert!(t.elapsed() >= Duration::from_millis(1));
    }

    #[test]
    fn result_arithmetic() {
        let r = TimerResult::new("x", Duration::from_secs(2), 4).unwrap();
        assert_eq!(r.per_iteration(), 0.5);
        assert_eq!(r.ops_per_second(), 2.0);
        let zero = TimerResult::new("z", Duration::ZERO, 1).unwrap();
        assert!(zero.ops_per_second().is_infinite());
        assert!(TimerResult::new("x", Duration::ZERO, 0).is_err());
        assert_eq!(r.to_string(), "x: 2.00 s for 4 iterations (500 ms each)");
    }
}
