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

    /// Adds a warning when the run took longer than its budget, saying whether the harness's
    /// own calibration or the samples used it up.
    pub(crate) fn overrun_warning(&mut self) {
        let spent = self.elapsed();
        if spent <= self.budget {
            return;
        }
        let took = format::duration(nanos_to_secs(spent));
        let max_time = format::duration(nanos_to_secs(self.budget));
        let calibration = self.calibration_text();
        self.warnings.push(if self.calibrated >= self.budget {
            format!(
                "the run took {took}, over max_time {max_time}: the harness's own calibration \
                 (clock, overhead, warm-up, sizing the samples) used up the budget \
                 ({calibration}) before the first sample; raise max_time"
            )
        } else {
            format!(
                "the run took {took}, over max_time {max_time}: one call is too long for this \
                 budget (calibration and warm-up took {calibration}, then at least 2 samples \
                 were taken)"
            )
        });
    }
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
