//! The one formatter: durations, rates and shares as a person reads them.
//!
//! Every table, warning, `Display`, Python `repr` and command-line output of this project
//! formats its figures here, so one figure looks the same everywhere:
//!
//! * [`duration`] / [`nanos`]: three significant digits and a unit chosen for the size
//!   (`950 ns`, `34.8 µs`, `1.20 s`);
//! * [`rate`]: three significant digits with an SI prefix (`2.41 Mops/s`, `39.9 GB/s`);
//! * [`percent`]: a share as a percentage;
//! * [`seconds`]: the seed's fixed style (`0.500s`), kept for `Profiler.summary()` only.

use crate::clock::nanos_to_secs;

/// `text` with the characters a terminal would act on shown escaped, as Python's `repr`
/// shows them: `\n`, `\r`, `\t`, other control characters as `\x1b`, and invisible format
/// characters (bidirectional overrides, zero-width spaces) as `\u202e`. Everything else is
/// kept; text without such characters is borrowed.
///
/// ```
/// use timing_runtime::format::printable;
/// assert_eq!(printable("a\x1b[2Jb\n"), "a\\x1b[2Jb\\n");
/// assert_eq!(printable("r\u{202e}"), "r\\u202e");
/// assert_eq!(printable("plain µs"), "plain µs");
/// ```
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn hidden(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}')
    }
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Seconds with three significant digits and a unit a person reads: `ns`, `µs`, `ms` or `s`
/// (durations of 1000 s and more stay in seconds, without decimals).
///
/// ```
/// use timing_runtime::format::duration;
/// assert_eq!(duration(3.48e-5), "34.8 µs");
/// assert_eq!(duration(1.2), "1.20 s");
/// assert_eq!(duration(9.5e-7), "950 ns");
/// assert_eq!(duration(0.0), "0 ns");
/// assert_eq!(duration(9.9996e-4), "1.00 ms");
/// assert_eq!(duration(4321.0), "4321 s");
/// assert_eq!(duration(-2e-3), "-2.00 ms");
/// assert_eq!(duration(f64::NAN), "NaN");
/// ```
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return if secs.is_nan() {
            "NaN".to_owned()
        } else if secs > 0.0 {
            "inf s".to_owned()
        } else {
            "-inf s".to_owned()
        };
    }
    if secs == 0.0 {
        return "0 ns".to_owned();
    }
    const UNITS: [(f64, &str); 4] = [(1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1.0, "s")];
    let magnitude = secs.abs();
    // The largest unit that keeps the figure at 1 or more, rounded first so that 999.96 µs
    // becomes 1.00 ms rather than 1000 µs.
    let mut chosen = UNITS[0];
    for unit in UNITS {
        if round_significant(magnitude / unit.0, 3) >= 1.0 {
            chosen = unit;
        }
    }
    let value = secs / chosen.0;
    format!("{} {}", significant(value, 3), chosen.1)
}

/// [`duration`] of integer nanoseconds.
///
/// ```
/// assert_eq!(timing_runtime::format::nanos(12_340), "12.3 µs");
/// ```
pub fn nanos(nanos: u64) -> String {
    duration(nanos_to_secs(nanos))
}

/// `per_second` of `unit` with three significant digits and an SI prefix (`k`, `M`, `G`, `T`).
///
/// ```
/// use timing_runtime::format::rate;
/// assert_eq!(rate(2_410_000.0, "ops"), "2.41 Mops/s");
/// assert_eq!(rate(39.94e9, "B"), "39.9 GB/s");
/// assert_eq!(rate(12.0, "ops"), "12.0 ops/s");
/// assert_eq!(rate(f64::INFINITY, "ops"), "inf ops/s");
/// ```
pub fn rate(per_second: f64, unit: &str) -> String {
    if !per_second.is_finite() {
        return format!("{per_second} {unit}/s");
    }
    const PREFIXES: [(f64, &str); 5] = [(1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "G"), (1e12, "T")];
    let mut chosen = PREFIXES[0];
    for prefix in PREFIXES {
        if round_significant(per_second.abs() / prefix.0, 3) >= 1.0 {
            chosen = prefix;
        }
    }
    format!(
        "{} {}{unit}/s",
        significant(per_second / chosen.0, 3),
        chosen.1
    )
}

/// A figure in `unit`: a [`duration`] for seconds (`"s"`), else four significant digits and
/// the unit (`1234 instructions`, `0.5000 B/s`).
///
/// ```
/// use timing_runtime::format::value;
/// assert_eq!(value(3.48e-5, "s"), "34.8 µs");
/// assert_eq!(value(1234.0, "instructions"), "1234 instructions");
/// ```
pub fn value(figure: f64, unit: &str) -> String {
    if unit == "s" {
        duration(figure)
    } else if figure.is_finite() {
        format!("{} {unit}", significant(figure, 4))
    } else {
        format!("{figure} {unit}")
    }
}

/// `part` as a percentage of `total` (0 when `total` is 0).
///
/// ```
/// assert_eq!(timing_runtime::format::percent(1.0, 4.0), 25.0);
/// assert_eq!(timing_runtime::format::percent(1.0, 0.0), 0.0);
/// ```
pub fn percent(part: f64, total: f64) -> f64 {
    if total > 0.0 {
        part / total * 100.0
    } else {
        0.0
    }
}

/// Seconds in the seed's fixed style from a millisecond on: three decimals and an `s`
/// (`0.500s`); a shorter duration, where three decimals would show only zeros, as
/// [`duration`] writes it (`12.5 µs`, `427 ns`), like every other figure.
///
/// This is the format of `Profiler.summary()` lines (`load: 0.500s (25.0%)`), which the
/// product's seed document shows and users may parse; everything else uses [`duration`].
///
/// ```
/// use timing_runtime::format::seconds;
/// assert_eq!(seconds(0.5), "0.500s");
/// assert_eq!(seconds(0.001), "0.001s");
/// assert_eq!(seconds(0.000_012_5), "12.5 µs");
/// assert_eq!(seconds(0.000_000_427), "427 ns");
/// assert_eq!(seconds(0.0), "0.000s");
/// ```
pub fn seconds(secs: f64) -> String {
    if secs == 0.0 || secs.abs() >= 1e-3 || !secs.is_finite() {
        return format!("{secs:.3}s");
    }
    duration(secs)
}

/// `value` rounded to `digits` significant digits.
fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// `value` written with `digits` significant digits, without an exponent (`34.8`, `1.20`,
/// `950`; values of `10^digits` and more are written whole).
fn significant(value: f64, digits: i32) -> String {
    if value.abs() >= 10f64.powi(digits) {
        return format!("{value:.0}");
    }
    let rounded = round_significant(value, digits);
    if rounded == 0.0 {
        return "0".to_owned();
    }
    let exponent = rounded.abs().log10().floor() as i32;
    let decimals = (digits - 1 - exponent).max(0) as usize;
    format!("{rounded:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_readable_units() {
        let cases = [
            (1e-9, "1.00 ns"),
            (1.234e-8, "12.3 ns"),
            (9.994e-7, "999 ns"),
            (9.996e-7, "1.00 µs"),
            (1.0e-3, "1.00 ms"),
            (0.0123, "12.3 ms"),
            (59.95, "60.0 s"),
            (999.6, "1000 s"),
            (2.5e-10, "0.250 ns"),
        ];
        for (secs, want) in cases {
            assert_eq!(duration(secs), want, "{secs}");
        }
    }

    #[test]
    fn rates_and_shares() {
        assert_eq!(rate(999.7, "ops"), "1.00 kops/s");
        assert_eq!(rate(0.5, "ops"), "0.500 ops/s");
        assert_eq!(percent(3.0, 12.0), 25.0);
    }
}
