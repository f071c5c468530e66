//! Vectorisable reductions over `f64` slices.
//!
//! A floating-point sum with one accumulator is a dependency chain the compiler may not
//! reorder, so it runs at one add per FP latency, far below memory speed. Thirty-two independent
//! accumulators let the compiler emit SIMD adds (four AVX-512 or eight AVX2 registers, chosen at run time; see
//! [`sum`]) that keep up with memory.

use multiversion::multiversion;

/// Number of independent accumulators.
pub const LANES: usize = 32;

/// Sums `map(x)` over `data` with [`LANES`] independent accumulators.
///
/// ```
/// use timing_runtime::hardware::reduce::sum_mapped;
/// assert_eq!(sum_mapped(&[1.0, 2.0, 3.0], |x| x * x), 14.0);
/// ```
#[inline]
pub fn sum_mapped(data: &[f64], map: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let chunks = data.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        // A fixed-size array, so the compiler sees LANES independent lanes and packs them into
        // SIMD registers (with a plain slice it keeps 32 scalar accumulators).
        let chunk: &[f64; LANES] = chunk.try_into().unwrap_or(&[0.0; LANES]);
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += map(x);
        }
    }
    let mut total = tail.iter().map(|&x| map(x)).sum::<f64>();
    for a in acc {
        total += a;
    }
    total
}

/// The plain sum of `data`, compiled for AVX-512, AVX2 and AVX as well as the baseline, the
/// widest the CPU supports chosen at run time (the `multiversion` crate).
///
/// ```
/// assert_eq!(timing_runtime::hardware::reduce::sum(&[1.0, 2.0, 3.0]), 6.0);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn sum(data: &[f64]) -> f64 {
    sum_mapped(data, |x| x)
}

/// The sum of squares of `data`, multiversioned like [`sum`].
///
/// ```
/// assert_eq!(timing_runtime::hardware::reduce::sum_of_squares(&[3.0, 4.0]), 25.0);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn sum_of_squares(data: &[f64]) -> f64 {
    sum_mapped(data, |x| x * x)
}

/// A chunk length that gives each of `threads` threads several chunks of at least 16 Ki
/// elements.
///
/// ```
/// assert_eq!(timing_runtime::hardware::reduce::par_chunk_len(8_000_000, 2), 1_000_000);
/// ```
pub fn par_chunk_len(len: usize, threads: usize) -> usize {
    let pieces = threads.max(1) * 4;
    len.div_ceil(pieces).max(16 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_match_naive() {
        for n in [0usize, 1, 7, 8, 9, 100, 1001] {
            let data: Vec<f64> = (0..n).map(|i| (i % 13) as f64 - 6.0).collect();
            assert_eq!(sum(&data), data.iter().sum::<f64>());
            assert_eq!(
                sum_of_squares(&data),
                data.iter().map(|x| x * x).sum::<f64>()
            );
        }
    }

    #[test]
    fn chunk_len_is_positive() {
        assert!(par_chunk_len(0, 0) >= 1);
        assert!(par_chunk_len(10_000_000, 4) >= 16 * 1024);
    }
}
