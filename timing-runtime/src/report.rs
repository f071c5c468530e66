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
