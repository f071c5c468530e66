//! What [`bench()`](super::bench()) and [`bench_pair()`](super::bench_pair()) share: the
//! state of a run within its budget, the harness-overhead measurement and the warm-up.

use std::time::Duration;

use super::block::timed_block;
use crate::clock::precision::{self, ClockInfo};
use crate::clock::{self, Timestamp, duration_to_nanos, nanos_between, nanos_to_secs};
use crate::format;

/// The state of one run: when it started, its budget, the clock's figures, when calibration
/// and warm-up ended, and the warnings collected so far.
pub(crate) struct Run {
    start: Timestamp,
    /// The budget in nanos (`max_time`).
    pub(crate) budget: u64,
    /// The clock's resolution and read cost.
    pub(crate) clock: ClockInfo,
    /// Nanos from the start to the end of calibration and warm-up (before the first sample).
    pub(crate) calibrated: u64,
    /// Warnings about the run, in the order they arose.
    pub(crate) warnings: Vec<String>,
}

impl Run {
    /// A run starting now with the budget `max_time`.
    pub(crate) fn start(max_time: Duration) -> Self {
        Self {
            start: clock::now(),
            budget: duration_to_nanos(max_time),
            clock: precision::clock_info(),
            calibrated: 0,
            warnings: Vec::new(),
        }
    }

    /// Nanos since the run started.
    pub(crate) fn elapsed(&self) -> u64 {
        nanos_between(self.start, clock::now())
    }

    /// Whether a step predicted to take `nanos` still fits in the budget.
    pub(crate) fn fits(&self, nanos: u64) -> bool {
        self.elapsed().saturating_add(nanos) <= self.budget
    }

    /// Marks the end of calibration and warm-up.
    pub(crate) fn mark_calibrated(&mut self) {
        self.calibrated = self.elapsed();
    }

    /// How long calibration and warm-up took, for messages.
    pub(crate) fn calibration_text(&self) -> String {
        format::duration(nanos_to_secs(self.calibrated))
    }

    /// Adds a warning when the run took clearly longer than its budget — by more than
    /// [`OVERRUN_SLACK`] of it (a last sample ending a little late is no news) — saying what
    /// used the time up, with the figure that shows it: the harness's own calibration, a
    /// sample (or one call) long compared with the budget (the longest step between two
    /// checks of the budget, `longest` nanos for `calls` calls, is at least
    /// [`LONG_STEP_FRACTION`] of it), or neither (the machine was busy).
    pub(crate) fn overrun_warning(&mut self, longest: u64, calls: u64) {
        let spent = self.elapsed();
        if let Some(text) = overrun_text(spent, self.budget, self.calibrated, longest, calls) {
            self.warnings.push(text);
        }
    }
}

/// The part of the budget a run may overrun without a warning: 5 %.
pub(crate) const OVERRUN_SLACK: f64 = 0.05;
/// A step of the run (a sample, or a pair of samples, with its reference) at least this part
/// of the budget is long compared with it: with at least 2 samples, such steps alone can
/// overrun it.
pub(crate) const LONG_STEP_FRACTION: f64 = 0.25;

/// The overrun warning of a run (see [`Run::overrun_warning`]), or `None`.
pub(crate) fn overrun_text(
    spent: u64,
    budget: u64,
    calibrated: u64,
    longest: u64,
    calls: u64,
) -> Option<String> {
    if spent as f64 <= budget as f64 * (1.0 + OVERRUN_SLACK) {
        return None;
    }
    let secs = |ns: u64| format::duration(nanos_to_secs(ns));
    let (took, max_time, calibration) = (secs(spent), secs(budget), secs(calibrated));
    let share = |ns: u64| format!("{:.0}%", format::percent(ns as f64, budget as f64));
    Some(if calibrated >= budget {
        format!(
            "the run took {took}, over max_time {max_time}: the harness's own calibration \
             (clock, overhead, warm-up, sizing the samples) used up the budget \
             ({calibration}, {} of it) before the first sample; raise max_time",
            share(calibrated)
        )
    } else if longest as f64 >= budget as f64 * LONG_STEP_FRACTION {
        let what = if calls <= 1 {
            format!("one call takes {}", secs(longest))
        } else {
            format!("one sample of {calls} calls takes {}", secs(longest))
        };
        format!(
            "the run took {took}, over max_time {max_time}: {what}, {} of the budget, and at \
             least 2 samples are taken (calibration and warm-up took {calibration}); raise \
             max_time",
            share(longest)
        )
    } else {
        format!(
            "the run took {took}, over max_time {max_time} by {}: the last samples took longer \
             than the ones before (the longest step took {}, {} of the budget): the machine \
             was likely busy",
            secs(spent - budget),
            secs(longest),
            share(longest)
        )
    })
}

/// The harness's own cost per call: the median of 11 batches of 1,000 calls of `noop`, in
/// seconds.
pub(crate) fn measure_overhead<E>(noop: &mut impl FnMut() -> Result<(), E>) -> Result<f64, E> {
    const CALLS: u64 = 1_000;
    let mut batches = [0u64; 11];
    for batch in &mut batches {
        *batch = timed_block(CALLS, noop)?;
    }
    batches.sort_unstable();
    Ok(nanos_to_secs(batches[5]) / CALLS as f64)
}

/// Calls each of `fs` in turn, untimed, until `warmup` has passed since the run started.
pub(crate) fn warm_up<E>(
    run: &Run,
    warmup: Duration,
    fs: &mut [&mut dyn FnMut() -> Result<(), E>],
) -> Result<(), E> {
    let warm = duration_to_nanos(warmup);
    while run.elapsed() < warm {
        for f in fs.iter_mut() {
            f()?;
        }
    }
    Ok(())
}
