//! Memory read bandwidth, STREAM style.
//!
//! The buffer is allocated and written (first touch, by the thread that later reads each part)
//! before any timing. Each pass reads every element once on all cores with a vectorised sum;
//! a pass moves `size × 8` bytes. The kernels themselves live in [`crate::stream`]. The figure
//! is the best pass, in decimal GB/s (10⁹ bytes per second); when there is more than one pass
//! the first is a discarded warm-up.

use rayon::prelude::*;

use crate::error::TimingError;
use crate::host;
use crate::reduce::par_chunk_len;
use crate::stream::{self, Kernel, KernelRate};

/// Bytes per element of an `f64` buffer.
pub const ELEMENT_BYTES: u128 = 8;

/// Allocates `size` `f64` values, written in parallel with `value(index)` before returning.
///
/// Refuses (without allocating) a size whose bytes overflow or exceed the memory the host
/// reports as available, so an oversized request is an error rather than an abort or an
/// out-of-memory kill.
///
/// ```
/// let v = timing_runtime::memory::touched_buffer(10, |i| i as f64).unwrap();
/// assert_eq!(v[9], 9.0);
/// ```
pub fn touched_buffer(
    size: usize,
    value: impl Fn(usize) -> f64 + Sync,
) -> Result<Vec<f64>, TimingError> {
    let bytes = size as u128 * ELEMENT_BYTES;
    let refuse = |reason: String| TimingError::Allocation { bytes, reason };
    check_allocation(bytes)?;
    let mut buffer: Vec<f64> = Vec::new();
    buffer
        .try_reserve_exact(size)
        .map_err(|e| refuse(e.to_string()))?;
    let chunk = par_chunk_len(size);
    buffer.spare_capacity_mut()[..size]
        .par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(c, slots)| {
            for (j, slot) in slots.iter_mut().enumerate() {
                slot.write(value(c * chunk + j));
            }
        });
    // SAFETY: the capacity is at least `size` and every one of the first `size` slots was
    // written above.
    unsafe { buffer.set_len(size) };
    Ok(buffer)
}

/// Checks, without allocating, that `bytes` can be allocated: they must fit in the address
/// space and in the memory the host reports as available (`MemAvailable`).
///
/// ```
/// use timing_runtime::memory::check_allocation;
/// assert!(check_allocation(1024).is_ok());
/// assert!(check_allocation(u128::MAX).is_err());
/// ```
pub fn check_allocation(bytes: u128) -> Result<(), TimingError> {
    let refuse = |reason: String| TimingError::Allocation { bytes, reason };
    if bytes > isize::MAX as u128 {
        return Err(refuse("larger than the address space allows".into()));
    }
    if let Some(available) = host::available_memory_bytes()
        && bytes > available
    {
        return Err(refuse(format!("only {available} bytes are available")));
    }
    Ok(())
}

/// Reads `size` `f64` values (≥ 1) on all cores, `iterations` times (≥ 1), and returns the
/// best pass in decimal GB/s: [`crate::stream`]'s read kernel on [`stream::default_threads`]
/// threads, without warnings (see [`measure_memory_throughput_with`] for those).
///
/// ```
/// let gbps = timing_runtime::memory::measure_memory_throughput(100_000, 3).unwrap();
/// assert!(gbps > 0.0 && gbps.is_finite());
/// ```
pub fn measure_memory_throughput(size: usize, iterations: u64) -> Result<f64, TimingError> {
    measure_memory_throughput_with(size, iterations, Kernel::Read, stream::default_threads())
        .map(|rate| rate.gbps)
}

/// [`measure_memory_throughput`] with a choice of `kernel` and `threads` (≥ 1); the result
/// carries a warning when the working set fits in the last-level cache.
///
/// ```
/// use timing_runtime::memory::measure_memory_throughput_with;
/// use timing_runtime::stream::Kernel;
/// let rate = measure_memory_throughput_with(50_000, 3, Kernel::Triad, 1).unwrap();
/// assert!(rate.gbps > 0.0);
/// ```
pub fn measure_memory_throughput_with(
    size: usize,
    iterations: u64,
    kernel: Kernel,
    threads: usize,
) -> Result<KernelRate, TimingError> {
    stream::measure_kernel(kernel, size, iterations, threads)
}

/// Decimal GB/s for `bytes` moved in `ticks` nanoseconds (a zero duration counts as 1 ns).
///
/// ```
/// assert_eq!(timing_runtime::memory::gigabytes_per_second(8_000_000_000, 1_000_000_000), 8.0);
/// ```
pub fn gigabytes_per_second(bytes: u128, ticks: u64) -> f64 {
    // bytes / (ticks · 1e-9 s) / 1e9 = bytes / ticks.
    bytes as f64 / ticks.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_is_written() {
        let n = 100_003;
        let v = touched_buffer(n, |i| (i % 8) as f64).unwrap();
        assert_eq!(v.len(), n);
        assert!(v.iter().enumerate().all(|(i, &x)| x == (i % 8) as f64));
    }

    #[test]
    fn refuses_impossible_sizes() {
        assert!(matches!(
            touched_buffer(usize::MAX, |_| 0.0),
            Err(TimingError::Allocation { .. })
        ));
        assert!(matches!(
            measure_memory_throughput(usize::MAX / 16, 1),
            Err(TimingError::Allocation { .. })
        ));
    }

    #[test]
    fn rejects_zero_arguments() {
        assert!(measure_memory_throughput(0, 1).is_err());
        assert!(measure_memory_throughput(1, 0).is_err());
    }

    #[test]
    fn reports_a_finite_rate() {
        let gbps = measure_memory_throughput(1 << 16, 2).unwrap();
        assert!(gbps.is_finite() && gbps > 0.0);
    }
}
