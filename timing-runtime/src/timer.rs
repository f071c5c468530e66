//! A named stopwatch ([`Timer`]), the lock-free clock under it ([`Stopwatch`]) and the result
//! a timer freezes into ([`TimerResult`]).
//!
//! **Clock.** Timers read the profiler's clock ([`clock::tsc`](crate::clock::tsc)): the CPU's
//! invariant time-stamp counter through `quanta` (one `rdtsc`, ≈ 9 ns a read on the reference
//! VM against ≈ 22 ns for `Instant::now()`), converted to nanoseconds with the ratio `quanta`
//! calibrates against the OS monotonic clock once per process (≈ 1 ms, before the first
//! reading, never inside a timed region). Resolution: 1 ns after conversion (the counter ticks
//! faster, e.g. every 0.4 ns at 2.4 GHz). The calibrated rate agrees with the monotonic
//! clock's to a few parts in 10⁵ (2–34 ppm across processes on the loaded reference VM).
//! Without an invariant TSC, `quanta` reads the OS monotonic clock instead (the clock `Instant`
//! uses; [`clock::tsc::source`](crate::clock::tsc::source) says which).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::clock::tsc;
use crate::error::{TimingError, require_at_least};
use crate::format;

/// A stopwatch that can be started, read and frozen through a shared reference, from any
/// thread, without locks: the clock under [`Timer`] (and Python's `Timer`).
///
/// It starts when created; [`Stopwatch::freeze`] stops it (the first freeze wins; later reads
/// return the frozen duration) and [`Stopwatch::restart`] starts it again from zero.
///
/// ```
/// use timing_runtime::timer::Stopwatch;
///
/// let watch = Stopwatch::start();
/// std::thread::sleep(std::time::Duration::from_millis(2));
/// let frozen = watch.freeze();
/// assert!(frozen >= 2_000_000);
/// assert_eq!(watch.elapsed_nanos(), frozen);
/// assert!(watch.is_stopped());
/// ```
#[derive(Debug)]
pub struct Stopwatch {
    /// Raw clock reading at the (re)start.
    start: AtomicU64,
    /// The frozen duration in nanos plus one; 0 while running.
    frozen: AtomicU64,
}

impl Stopwatch {
    /// A stopwatch started now.
    ///
    /// The clock is calibrated before the start is read (once per process), so that no
    /// measurement contains the calibration.
    #[inline]
    pub fn start() -> Self {
        Self {
            start: AtomicU64::new(tsc::raw()),
            frozen: AtomicU64::new(0),
        }
    }

    /// Starts it again from zero (it is no longer stopped).
    #[inline]
    pub fn restart(&self) {
        self.frozen.store(0, Ordering::Relaxed);
        self.start.store(tsc::raw(), Ordering::Relaxed);
    }

    /// Nanos since the (re)start, or the frozen duration once stopped.
    #[inline]
    pub fn elapsed_nanos(&self) -> u64 {
        match self.frozen.load(Ordering::Relaxed) {
            0 => self.running_nanos(),
            frozen => frozen - 1,
        }
    }

    #[inline]
    fn running_nanos(&self) -> u64 {
        let now = tsc::raw();
        tsc::raw_to_nanos(now.saturating_sub(self.start.load(Ordering::Relaxed)))
    }

    /// Stops it if it is running and returns the frozen duration in nanos (a no-op when
    /// already stopped: the first freeze wins).
    #[inline]
    pub fn freeze(&self) -> u64 {
        let current = self.frozen.load(Ordering::Relaxed);
        if current != 0 {
            return current - 1;
        }
        let nanos = self.running_nanos().min(u64::MAX - 1);
        match self
            .frozen
            .compare_exchange(0, nanos + 1, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => nanos,
            Err(won) => won - 1,
        }
    }

    /// Whether it is stopped (frozen).
    #[inline]
    pub fn is_stopped(&self) -> bool {
        self.frozen.load(Ordering::Relaxed) != 0
    }
}

impl Clone for Stopwatch {
    fn clone(&self) -> Self {
        Self {
            start: AtomicU64::new(self.start.load(Ordering::Relaxed)),
            frozen: AtomicU64::new(self.frozen.load(Ordering::Relaxed)),
        }
    }
}

/// A named stopwatch that starts when it is created.
///
/// [`Timer::stop`] freezes it: after that, [`Timer::elapsed`] keeps returning the frozen
/// duration. [`Timer::restart`] starts it again from zero. It reads the TSC clock (see the
/// [module documentation](self)).
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
    watch: Stopwatch,
}

impl Timer {
    /// Creates a timer called `name` and starts it.
    ///
    /// The clock is calibrated first (once per process), so that neither this timer nor
    /// `#[timed]` code inside the timed region pays for it.
    pub fn start(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            watch: Stopwatch::start(),
        }
    }

    /// The timer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Starts the timer again from zero (it is no longer stopped).
    pub fn restart(&mut self) {
        self.watch.restart();
    }

    /// Time since the start, or the frozen duration once stopped.
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.watch.elapsed_nanos())
    }

    /// [`Timer::elapsed`] in seconds.
    pub fn elapsed_secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// Whether [`Timer::stop`] has been called since the last (re)start.
    pub fn is_stopped(&self) -> bool {
        self.watch.is_stopped()
    }

    /// Stops the timer if it is running (a no-op when already stopped).
    pub fn freeze(&mut self) {
        self.watch.freeze();
    }

    /// Stops the timer (if it is running) and returns its result for `iterations` iterations.
    ///
    /// Calling it again returns the same frozen duration. `iterations` below 1 is an error and
    /// leaves the timer untouched.
    pub fn stop(&mut self, iterations: u64) -> Result<TimerResult, TimingError> {
        require_at_least("iterations", iterations, 1)?;
        let duration = Duration::from_nanos(self.watch.freeze());
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
