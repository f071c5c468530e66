//! The one timing loop: every benchmark times its calls with [`timed_block`].

use crate::clock::{self, nanos_between};

/// Times `iterations` calls of `f` as one block, in nanos.
///
/// The profiler's clock is calibrated first, so that a `#[timed]` function inside `f` never
/// pays its one-time calibration inside the measurement.
#[inline]
pub fn timed_block<E, F>(iterations: u64, f: &mut F) -> Result<u64, E>
where
    F: FnMut() -> Result<(), E>,
{
    crate::clock::tsc::calibrate();
    let start = clock::now();
    for _ in 0..iterations {
        f()?;
    }
    Ok(nanos_between(start, clock::now()))
}
