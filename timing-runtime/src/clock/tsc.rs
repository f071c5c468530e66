//! The profiler's clock: the CPU's time-stamp counter, calibrated, with a fallback.
//!
//! Uses [`quanta`]: on x86-64 with an invariant TSC, a read is one `rdtsc` (≈ 9 ns on this
//! project's reference VM, against ≈ 22 ns for `std::time::Instant::now()`); elsewhere quanta
//! falls back to the OS monotonic clock. Readings are **raw** counts; [`raw_to_nanos`]
//! converts a raw duration to nanoseconds with a multiply and a shift by a factor fixed at
//! calibration, so every conversion in a process agrees exactly.
//!
//! Calibration against the monotonic clock (≈ 0.6 ms) happens once, lazily: on the first
//! `#[timed]` call or snapshot, or before the timed region of every measuring helper of this
//! crate (`Timer`, the benchmarks, the hardware kernels call [`calibrate`] first), so no
//! measurement of ours ever contains it. The import of the Python module does not calibrate
//! (no thread is started at import: that would deadlock a child forked while it runs).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

static CLOCK: LazyLock<quanta::Clock> = LazyLock::new(|| {
    let clock = quanta::Clock::new();
    // Nanoseconds per 2^32 raw counts: one 64×64-bit multiply and a shift convert a raw
    // duration to nanoseconds (see `raw_to_nanos`).
    NANOS_PER_2_32_RAW.store(clock.delta_as_nanos(0, 1 << 32), Ordering::Relaxed);
    clock
});

/// Set once, when [`CLOCK`] is initialised (before any raw reading exists).
static NANOS_PER_2_32_RAW: AtomicU64 = AtomicU64::new(0);

/// Reads the clock in raw units (TSC counts or nanoseconds, depending on the source).
#[inline(always)]
pub fn raw() -> u64 {
    CLOCK.raw()
}

/// Converts a raw duration (a difference of two [`raw`] readings) to nanoseconds.
///
/// ```
/// use timing_runtime::clock::tsc;
/// let start = tsc::raw();
/// std::thread::sleep(std::time::Duration::from_millis(5));
/// let ns = tsc::raw_to_nanos(tsc::raw() - start);
/// assert!(ns >= 5_000_000);
/// ```
pub fn raw_to_nanos(raw: u64) -> u64 {
    scale(raw, nanos_per_2_32_raw())
}

/// The duration of one call, `raw` counts, in nanoseconds: [`raw_to_nanos`] for the
/// profiler's hot path, without its calibration check (only valid once a [`raw`] reading was
/// taken). Equal to [`scale`] with this process's factor.
#[inline(always)]
pub fn scale_to_nanos(raw: u64) -> u64 {
    let factor = NANOS_PER_2_32_RAW.load(Ordering::Relaxed);
    if (raw | factor) >> 32 == 0 {
        // Both below 2^32 (a call under ~1 s on a clock over 1 GHz): a 64-bit multiply.
        (raw * factor) >> 32
    } else {
        scale(raw, factor)
    }
}

/// `raw` counts in nanoseconds, for a clock of `nanos_per_2_32_raw` nanoseconds per 2^32
/// counts ([`nanos_per_2_32_raw`]): one multiply and a shift. Exact to the nanosecond below;
/// a result beyond `u64::MAX` (584 years; only possible for a clock slower than 1 GHz)
/// saturates.
///
/// ```
/// use timing_runtime::clock::tsc::scale;
/// assert_eq!(scale(3_000, 1 << 32), 3_000);          // a nanosecond clock
/// assert_eq!(scale(3_000, 3 << 30), 2_250);          // a 1.33 GHz counter
/// assert_eq!(scale(u64::MAX, 1 << 40), u64::MAX);     // saturates
/// ```
#[inline(always)]
pub fn scale(raw: u64, nanos_per_2_32_raw: u64) -> u64 {
    let nanos = (u128::from(raw) * u128::from(nanos_per_2_32_raw)) >> 32;
    if nanos >> 64 == 0 {
        nanos as u64
    } else {
        u64::MAX
    }
}

/// Nanoseconds per 2^32 raw counts: the factor [`raw_to_nanos`] multiplies by (after a shift
/// of 32 bits). Calibrates the clock first.
pub fn nanos_per_2_32_raw() -> u64 {
    calibrate();
    NANOS_PER_2_32_RAW.load(Ordering::Relaxed)
}

/// Calibrates the TSC against the OS clock now (otherwise it happens on first use; a no-op
/// after the first call). Measuring code calls this before its timed region when `#[timed]`
/// code runs inside it.
pub fn calibrate() {
    LazyLock::force(&CLOCK);
}

/// The clock source: `"tsc"` when the CPU advertises an invariant time-stamp counter (what
/// quanta requires to use it), otherwise `"monotonic"`.
pub fn source() -> &'static str {
    if has_invariant_tsc() {
        "tsc"
    } else {
        "monotonic"
    }
}

#[cfg(target_arch = "x86_64")]
fn has_invariant_tsc() -> bool {
    use std::arch::x86_64::__cpuid;
    let max_extended = __cpuid(0x8000_0000).eax;
    max_extended >= 0x8000_0007 && __cpuid(0x8000_0007).edx & (1 << 8) != 0
}

#[cfg(not(target_arch = "x86_64"))]
fn has_invariant_tsc() -> bool {
    false
}
