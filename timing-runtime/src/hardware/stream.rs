//! STREAM-style memory bandwidth: the read, copy, scale, add and triad kernels.
//!
//! Conventions (those of McCalpin's STREAM, re-implemented here, not copied):
//!
//! * Arrays `a`, `b`, `c` of `f64`, initialised to 1, 2 and 0 and **first-touched in
//!   parallel** by the thread that later works on each part (see [`super::team`]).
//! * Kernels and the bytes a pass is credited with, per element:
//!
//!   | kernel | loop | bytes |
//!   | --- | --- | --- |
//!   | read | `s += a[i]` | 8 |
//!   | copy | `c[i] = a[i]` | 16 |
//!   | scale | `b[i] = q·c[i]` | 16 |
//!   | add | `c[i] = a[i] + b[i]` | 24 |
//!   | triad | `a[i] = b[i] + q·c[i]` | 24 |
//!
//!   Writes are counted once; the extra read a write-allocate cache performs is not counted
//!   (STREAM's rule), so the figures are comparable with STREAM and with our C reference.
//! * A measurement runs `iterations` passes; when there are several the first is a discarded
//!   warm-up, and the figure is the **best** remaining pass, in decimal GB/s (10⁹ bytes/s).
//! * After timing, every element of every array is checked against the value the same
//!   operations give on scalars (STREAM's validation), so a kernel the optimiser had skipped
//!   or a wrong partition cannot go unnoticed.
//! * Each kernel is compiled for AVX-512, AVX2, AVX and the baseline (see [`super::kernels`]).
//! * The read kernel keeps [`super::reduce::LANES`] independent accumulators per thread, so it
//!   is limited by memory rather than by the latency of floating-point adds.

use super::arrays::StreamArrays;
use super::buffer::ELEMENT_BYTES;
use super::kernels::Kernel;
use super::pool::default_threads;
use crate::error::{TimingError, require_at_least};
use crate::host;

/// Default passes per kernel of [`stream`] (the best after a discarded first is reported).
pub const DEFAULT_ITERATIONS: u64 = 10;

/// Last-level cache size assumed when the host does not report one (32 MiB).
pub const FALLBACK_CACHE_BYTES: u64 = 32 << 20;

/// The last-level cache size of this host in bytes, and whether it was detected (`false`
/// means [`FALLBACK_CACHE_BYTES`] is assumed).
pub fn cache_bytes() -> (u64, bool) {
    match host::last_level_cache_bytes() {
        Some(bytes) => (bytes, true),
        None => (FALLBACK_CACHE_BYTES, false),
    }
}

/// The default elements per array: each array is 4 × the last-level cache (STREAM's rule).
///
/// ```
/// assert_eq!(timing_runtime::hardware::stream::default_size(32 << 20), 16 << 20);
/// ```
pub fn default_size(cache_bytes: u64) -> usize {
    usize::try_from(cache_bytes.saturating_mul(4) / ELEMENT_BYTES as u64)
        .unwrap_or(usize::MAX)
        .max(1)
}

/// The warning for a kernel whose working set (`size` elements of each array it touches)
/// fits in a cache of `cache_bytes`, or `None` when it does not fit.
///
/// ```
/// use timing_runtime::hardware::{Kernel, stream::cache_warning};
/// assert!(cache_warning(Kernel::Read, 1000, 1 << 20).is_some());
/// assert!(cache_warning(Kernel::Read, 1 << 20, 1 << 20).is_none());
/// ```
pub fn cache_warning(kernel: Kernel, size: usize, cache_bytes: u64) -> Option<String> {
    let working_set = size as u128 * kernel.bytes_per_element() as u128;
    (working_set <= cache_bytes as u128).then(|| {
        format!(
            "the {kernel} kernel's working set ({working_set} bytes) fits in the \
             {cache_bytes}-byte last-level cache, so its figure is cache bandwidth, not memory \
             bandwidth; use size >= {} for memory",
            default_size(cache_bytes)
        )
    })
}

/// The best-pass bandwidth of one kernel and any warnings about it.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelRate {
    /// Decimal GB/s of the best pass.
    pub gbps: f64,
    /// Warnings (a working set that fits in cache, an undetected cache size).
    pub warnings: Vec<String>,
}

/// Measures one kernel over `size` elements per array (≥ 1) on `threads` threads (≥ 1),
/// best of `iterations` (≥ 1) passes after a discarded first. The arrays are verified after
/// timing.
///
/// ```
/// use timing_runtime::hardware::{Kernel, stream::measure_kernel};
/// let rate = measure_kernel(Kernel::Copy, 10_000, 3, 2).unwrap();
/// assert!(rate.gbps > 0.0);
/// assert!(!rate.warnings.is_empty()); // 160 kB fits in any last-level cache
/// ```
pub fn measure_kernel(
    kernel: Kernel,
    size: usize,
    iterations: u64,
    threads: usize,
) -> Result<KernelRate, TimingError> {
    require_at_least("size", size as u64, 1)?;
    require_at_least("iterations", iterations, 1)?;
    require_at_least("threads", threads as u64, 1)?;
    let mut arrays = StreamArrays::new(size, threads, &[kernel])?;
    let gbps = arrays.measure(kernel, iterations)?;
    verified(&arrays)?;
    let (cache, detected) = cache_bytes();
    let mut warnings = Vec::new();
    warnings.extend(cache_warning(kernel, size, cache));
    if !detected {
        warnings.push(undetected_cache_warning());
    }
    Ok(KernelRate { gbps, warnings })
}

fn undetected_cache_warning() -> String {
    format!(
        "the last-level cache size could not be read from sysfs; assuming {FALLBACK_CACHE_BYTES} bytes"
    )
}

fn verified(arrays: &StreamArrays) -> Result<(), TimingError> {
    if arrays.verify() {
        Ok(())
    } else {
        // Not reachable unless a kernel is wrong; reported rather than panicking.
        Err(TimingError::invalid(
            "size",
            "gave arrays that failed validation after the kernels ran (a bug; please report it)",
        ))
    }
}

/// The result of [`stream`]: the five kernels' best-pass GB/s and the set-up used.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamReport {
    /// Elements per array.
    pub size: usize,
    /// Threads used.
    pub threads: usize,
    /// Last-level cache size in bytes (detected, or [`FALLBACK_CACHE_BYTES`]).
    pub cache_bytes: u64,
    /// `(kernel, GB/s)` in the order of [`Kernel::ALL`].
    pub rates: Vec<(Kernel, f64)>,
    /// Warnings about the measurement (kernels whose working set fits in cache, …).
    pub warnings: Vec<String>,
}

impl StreamReport {
    /// The GB/s of `kernel`.
    pub fn gbps(&self, kernel: Kernel) -> f64 {
        self.rates
            .iter()
            .find(|(k, _)| *k == kernel)
            .map_or(0.0, |&(_, r)| r)
    }
}

/// Runs the five kernels over three arrays of `size` elements (default: [`default_size`] of
/// the detected cache) on `threads` threads (default: [`default_threads`]), each the best of
/// `iterations` (≥ 1) passes after a discarded first, in STREAM's order (kernel by kernel).
///
/// ```
/// use timing_runtime::hardware::{Kernel, stream::stream};
/// let report = stream(Some(20_000), 2, Some(1)).unwrap();
/// assert_eq!(report.rates.len(), 5);
/// assert!(report.gbps(Kernel::Triad) > 0.0);
/// ```
pub fn stream(
    size: Option<usize>,
    iterations: u64,
    threads: Option<usize>,
) -> Result<StreamReport, TimingError> {
    if let Some(size) = size {
        require_at_least("size", size as u64, 1)?;
    }
    require_at_least("iterations", iterations, 1)?;
    if let Some(threads) = threads {
        require_at_least("threads", threads as u64, 1)?;
    }
    let (cache, detected) = cache_bytes();
    let size = size.unwrap_or_else(|| default_size(cache));
    let threads = threads.unwrap_or_else(default_threads);
    let mut arrays = StreamArrays::new(size, threads, &Kernel::ALL)?;
    let mut rates = Vec::with_capacity(Kernel::ALL.len());
    for kernel in Kernel::ALL {
        rates.push((kernel, arrays.measure(kernel, iterations)?));
    }
    verified(&arrays)?;
    let mut warnings: Vec<String> = Kernel::ALL
        .into_iter()
        .filter_map(|k| cache_warning(k, size, cache))
        .collect();
    if !detected {
        warnings.push(undetected_cache_warning());
    }
    Ok(StreamReport {
        size,
        threads,
        cache_bytes: cache,
        rates,
        warnings,
    })
}

/// Reads `size` `f64` values (≥ 1) on all cores, `iterations` times (≥ 1), and returns the
/// best pass in decimal GB/s: the read kernel on [`default_threads`] threads, without
/// warnings (see [`measure_memory_throughput_with`] for those). The seed's API.
///
/// ```
/// let gbps = timing_runtime::hardware::stream::measure_memory_throughput(100_000, 3).unwrap();
/// assert!(gbps > 0.0 && gbps.is_finite());
/// ```
pub fn measure_memory_throughput(size: usize, iterations: u64) -> Result<f64, TimingError> {
    measure_kernel(Kernel::Read, size, iterations, default_threads()).map(|rate| rate.gbps)
}

/// [`measure_memory_throughput`] with a choice of `kernel` and `threads` (≥ 1): exactly
/// [`measure_kernel`]; the result carries a warning when the working set fits in the
/// last-level cache.
///
/// ```
/// use timing_runtime::hardware::{Kernel, stream::measure_memory_throughput_with};
/// let rate = measure_memory_throughput_with(50_000, 3, Kernel::Triad, 1).unwrap();
/// assert!(rate.gbps > 0.0);
/// ```
pub fn measure_memory_throughput_with(
    size: usize,
    iterations: u64,
    kernel: Kernel,
    threads: usize,
) -> Result<KernelRate, TimingError> {
    measure_kernel(kernel, size, iterations, threads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_cache_sizes_warn_and_large_do_not() {
        assert!(cache_warning(Kernel::Triad, 100, 1 << 20).is_some());
        // 3 arrays × 8 B × 2^16 = 1.5 MiB > 1 MiB.
        assert!(cache_warning(Kernel::Triad, 1 << 16, 1 << 20).is_none());
        assert!(cache_warning(Kernel::Read, 1 << 16, 1 << 20).is_some());
        let rate = measure_kernel(Kernel::Read, 1000, 2, 1).unwrap();
        assert!(rate.warnings.iter().any(|w| w.contains("fits in")));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(measure_kernel(Kernel::Read, 0, 1, 1).is_err());
        assert!(measure_kernel(Kernel::Read, 1, 0, 1).is_err());
        assert!(measure_kernel(Kernel::Read, 1, 1, 0).is_err());
        assert!(matches!(
            measure_kernel(Kernel::Triad, usize::MAX / 8, 1, 1),
            Err(TimingError::Allocation { .. })
        ));
        assert!(stream(Some(0), 1, None).is_err());
        assert!(stream(Some(1), 1, Some(0)).is_err());
    }

    #[test]
    fn seed_api_reports_a_finite_rate() {
        let gbps = measure_memory_throughput(1 << 16, 2).unwrap();
        assert!(gbps.is_finite() && gbps > 0.0);
        assert!(measure_memory_throughput(0, 1).is_err());
        assert!(measure_memory_throughput(1, 0).is_err());
        assert!(matches!(
            measure_memory_throughput(usize::MAX / 16, 1),
            Err(TimingError::Allocation { .. })
        ));
    }

    #[test]
    fn stream_reports_every_kernel() {
        let r = stream(Some(4096), 3, Some(2)).unwrap();
        assert_eq!((r.size, r.threads), (4096, 2));
        assert_eq!(
            r.rates.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            Kernel::ALL
        );
        assert!(r.rates.iter().all(|(_, g)| g.is_finite() && *g > 0.0));
        assert!(!r.warnings.is_empty());
    }
}
