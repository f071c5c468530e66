//! Mean and standard deviation in a scaled form, right for any finite samples.

use super::order::accurate_sum;

/// Mean and standard deviation computed in a scaled form: the samples are divided by a power
/// of two near the largest one first, so that any finite input (samples of 1e300 or of 1e-300) gives the right
/// answer instead of an overflow to infinity or an underflow to 0.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moments {
    /// A power of two near the largest sample (1 when every sample is 0).
    pub(crate) scale: f64,
    /// Mean of the samples, clamped to `[min, max]`.
    pub(crate) mean: f64,
    /// Mean of the scaled samples (below 2).
    pub(crate) scaled_mean: f64,
    /// Standard deviation of the scaled samples (n − 1).
    pub(crate) scaled_stddev: f64,
    /// `scaled_stddev × scale`.
    pub(crate) stddev: f64,
}

impl Moments {
    /// Moments of ascending `sorted` (at least 2 finite values ≥ 0).
    pub(crate) fn of_sorted(sorted: &[f64]) -> Self {
        let n = sorted.len();
        let (min, max) = (sorted[0], sorted[n - 1]);
        // A power of two near the largest sample: dividing by it is exact, so for ordinary
        // samples the figures are bit for bit those of the unscaled formulas.
        let scale = if max > 0.0 {
            power_of_two(max.log2().floor() as i32)
        } else {
            1.0
        };
        let scaled: Vec<f64> = sorted.iter().map(|x| x / scale).collect();
        let scaled_mean =
            (accurate_sum(scaled.iter().copied()) / n as f64).clamp(min / scale, max / scale);
        let var = accurate_sum(scaled.iter().map(|y| (y - scaled_mean) * (y - scaled_mean)))
            / (n - 1) as f64;
        let scaled_stddev = var.sqrt();
        Self {
            scale,
            mean: (scaled_mean * scale).clamp(min, max),
            scaled_mean,
            scaled_stddev,
            stddev: scaled_stddev * scale,
        }
    }

    /// `stddev / mean` from the scaled figures (`NaN` when the mean is 0).
    pub(crate) fn cv(&self) -> f64 {
        if self.scaled_mean > 0.0 {
            self.scaled_stddev / self.scaled_mean
        } else {
            f64::NAN
        }
    }
}

/// `2^e` for `-1074 ≤ e ≤ 1023` (subnormal powers included), built from its bits.
fn power_of_two(e: i32) -> f64 {
    let e = e.clamp(-1074, 1023);
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}
