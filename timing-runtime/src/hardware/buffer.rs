//! Buffers for bandwidth measurements, and the one GB/s formula.
//!
//! [`first_touched`] is the only allocator of measured data: it refuses a size the host
//! cannot give before allocating anything, and has each part of the buffer written first by
//! the [`Team`] thread that will work on it (so its pages are placed for that thread).

use super::team::{Team, split_mut};
use crate::cancel::Cancel;
use crate::error::TimingError;
use crate::host::check_allocation;

/// Bytes per element of an `f64` buffer.
pub const ELEMENT_BYTES: u128 = 8;

/// Elements written between two checks of the [`Cancel`] while a buffer is first touched
/// (2 MiB: about a millisecond of page faults).
pub const TOUCH_BLOCK: usize = 1 << 18;

/// `size` `f64` values, `value(index)` each, every part written first by the thread of `team`
/// that owns it in [`Team::partition`].
///
/// Refuses (without allocating) a size whose bytes overflow or exceed the memory the host
/// reports as available, so an oversized request is an error rather than an abort or an
/// out-of-memory kill. Checks the current [`Cancel`] every [`TOUCH_BLOCK`] elements (the
/// calling thread polls it) and returns [`TimingError::Interrupted`] once it is set.
///
/// ```
/// use timing_runtime::hardware::{buffer::first_touched, team::Team};
/// let team = Team::new(2).unwrap();
/// let v = first_touched(&team, 10, |i| i as f64).unwrap();
/// assert_eq!(v[9], 9.0);
/// ```
pub fn first_touched(
    team: &Team,
    size: usize,
    value: impl Fn(usize) -> f64 + Sync,
) -> Result<Vec<f64>, TimingError> {
    let bytes = size as u128 * ELEMENT_BYTES;
    check_allocation(bytes)?;
    let mut v: Vec<f64> = Vec::new();
    v.try_reserve_exact(size)
        .map_err(|e| TimingError::Allocation {
            bytes,
            reason: e.to_string(),
        })?;
    let cancel = Cancel::current();
    let ranges = team.partition(size);
    let parts = split_mut(&mut v.spare_capacity_mut()[..size], &ranges);
    let starts = ranges.iter().map(|r| r.start);
    let work: Vec<_> = parts.into_iter().zip(starts).enumerate().collect();
    let written = team.run(work, |(i, (part, start))| {
        for (b, block) in part.chunks_mut(TOUCH_BLOCK).enumerate() {
            // Part 0 is the calling thread's: the only one that may run the hook.
            let go = if i == 0 {
                cancel.poll()
            } else {
                cancel.check()
            };
            if go.is_err() {
                return false;
            }
            let offset = start + b * TOUCH_BLOCK;
            for (j, slot) in block.iter_mut().enumerate() {
                slot.write(value(offset + j));
            }
        }
        true
    });
    if written.len() != ranges.len() || !written.iter().all(|&w| w) {
        return Err(TimingError::Interrupted);
    }
    // SAFETY: the capacity is at least `size`, and the parts cover `0..size` (partition's
    // ranges are contiguous from 0 to `size`), every slot of every part written above.
    unsafe { v.set_len(size) };
    Ok(v)
}

/// Decimal GB/s (10⁹ bytes per second) for `bytes` moved in `secs` seconds (a duration under
/// one nanosecond counts as one nanosecond).
///
/// ```
/// use timing_runtime::hardware::buffer::gigabytes_per_second;
/// assert_eq!(gigabytes_per_second(8_000_000_000, 1.0), 8.0);
/// assert_eq!(gigabytes_per_second(8, 0.0), 8.0);
/// ```
pub fn gigabytes_per_second(bytes: u128, secs: f64) -> f64 {
    bytes as f64 / (secs.max(1e-9) * 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_is_written() {
        let n = 100_003;
        for threads in [1, 2, 3] {
            let team = Team::new(threads).unwrap();
            let v = first_touched(&team, n, |i| (i % 8) as f64).unwrap();
            assert_eq!(v.len(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| x == (i % 8) as f64));
        }
    }

    #[test]
    fn stops_when_cancelled() {
        let cancel = Cancel::new();
        cancel.cancel();
        let team = Team::new(2).unwrap();
        let result = cancel.run(|| first_touched(&team, 3 * TOUCH_BLOCK, |_| 1.0));
        assert_eq!(result, Err(TimingError::Interrupted));
    }

    #[test]
    fn refuses_impossible_sizes() {
        let team = Team::new(1).unwrap();
        assert!(matches!(
            first_touched(&team, usize::MAX, |_| 0.0),
            Err(TimingError::Allocation { .. })
        ));
    }
}
