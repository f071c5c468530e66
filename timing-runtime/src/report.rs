//! Human-readable formatting of durations and shares.

/// Formats seconds with three decimals, or more where three would show only zeros.
///
/// ```
/// use timing_runtime::report::format_secs;
/// assert_eq!(format_secs(0.5), "0.500s");
/// assert_eq!(format_secs(0.000_012_5), "0.0000125s");
/// assert_eq!(format_secs(0.0), "0.000s");
/// ```
pub fn format_secs(secs: f64) -> String {
    if secs == 0.0 || secs.abs() >= 1e-3 || !secs.is_finite() {
        return format!("{secs:.3}s");
    }
    // Three significant digits for tiny values.
    let decimals = (2 - secs.abs().log10().floor() as i32).clamp(3, 12) as usize;
    format!("{secs:.decimals$}s")
}

/// `part` as a percentage of `total` (0 when `total` is 0).
///
/// ```
/// assert_eq!(timing_runtime::report::percent(1.0, 4.0), 25.0);
/// assert_eq!(timing_runtime::report::percent(1.0, 0.0), 0.0);
/// ```
pub fn percent(part: f64, total: f64) -> f64 {
    if total > 0.0 {
        part / total * 100.0
    } else {
        0.0
    }
}

/// Formats nanoseconds with a unit chosen for readability (`ns`, `µs`, `ms`, `s`).
///
/// ```
/// use timing_runtime::report::format_nanos;
/// assert_eq!(format_nanos(950), "950ns");
/// assert_eq!(format_nanos(12_340), "12.34µs");
/// assert_eq!(format_nanos(1_500_000_000), "1.500s");
/// ```
pub fn format_nanos(ns: u64) -> String {
    let f = ns as f64;
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        format!("{:.2}µs", f / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{:.2}ms", f / 1e6)
    } else {
        format!("{:.3}s", f / 1e9)
    }
}
