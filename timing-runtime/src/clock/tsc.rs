//! The profiler's clock: the CPU's time-stamp counter, calibrated, with a fallback.
//!
//! Uses [`quanta`]: on x86-64 with an invariant TSC, a read is one `rdtsc` (≈ 9 ns on this
//! project's reference VM, against ≈ 22 ns for `std::time::Instant::now()`); elsewhere quanta
//! falls back to the OS monotonic clock. Readings are **raw** counts; [`raw_to_nanos`]
//! converts a raw duration to nanoseconds.
//!
//! Calibration against the monotonic clock (≈ 0.6 ms) happens once, lazily: on the first
//! `#[timed]` call or snapshot, or before the timed region of every measuring helper of this
//! crate (`Timer`, the benchmarks, the hardware kernels call [`calibrate`] first), so no
//! measurement of ours ever contains it. The import of the Python module does not calibrate
//! (no thread is started at import: that would deadlock a child forked while it runs).

use std::sync::LazyLock;

static CLOCK: LazyLock<quanta::Clock> = LazyLock::new(quanta::Clock::new);

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
    if raw == 0 {
        0
    } else {
        CLOCK.delta_as_nanos(0, raw)
    }
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
