//! The profile in the Prometheus text exposition format 0.0.4.
//!
//! Per call site, labelled `function` (the recorded name) and `module` (the module path):
//!
//! | family | type | value |
//! | --- | --- | --- |
//! | `performance_timing_calls_total` | counter | calls |
//! | `performance_timing_seconds_total` | counter | inclusive time (outermost frames) |
//! | `performance_timing_self_seconds_total` | counter | self time |
//! | `performance_timing_idle_seconds_total` | counter | time suspended between steps (async calls, coroutines, generators; 0 for others) |
//! | `performance_timing_call_duration_seconds` | histogram | every call's duration |
//!
//! The histogram's bounds ([`BUCKET_BOUNDS_NS`]) are every power of two from 2⁷ ns (128 ns)
//! to 2³⁷ ns (≈ 137 s), the same in every process and on every host, so series from many
//! processes add up. Records with the same `(module, function)` are added into one series.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::clock::nanos_to_secs;
use crate::profile::Snapshot;

/// The `Content-Type` of the text exposition format 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Smallest histogram bound: 2^`FIRST_BOUND_LOG2` ns.
const FIRST_BOUND_LOG2: u32 = 7;
/// Largest histogram bound: 2^`LAST_BOUND_LOG2` ns.
const LAST_BOUND_LOG2: u32 = 37;

/// The histogram's upper bounds (`le`) in nanoseconds: 2⁷, 2⁸, … 2³⁷ ns (128 ns … ≈ 137.4 s),
/// then `+Inf`.
///
/// ```
/// use timing_runtime::export::prometheus::BUCKET_BOUNDS_NS;
/// assert_eq!(BUCKET_BOUNDS_NS.len(), 31);
/// assert_eq!(BUCKET_BOUNDS_NS[0], 128);
/// assert_eq!(BUCKET_BOUNDS_NS[30], 137_438_953_472);
/// ```
pub const BUCKET_BOUNDS_NS: [u64; (LAST_BOUND_LOG2 - FIRST_BOUND_LOG2 + 1) as usize] = {
    let mut bounds = [0; (LAST_BOUND_LOG2 - FIRST_BOUND_LOG2 + 1) as usize];
    let mut i = 0;
    while i < bounds.len() {
        bounds[i] = 1 << (FIRST_BOUND_LOG2 + i as u32);
        i += 1;
    }
    bounds
};

/// A metric family: name (as exposed), type and help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// The metric name, as in the `# TYPE` line.
    pub name: &'static str,
    /// `counter` or `histogram`.
    pub kind: &'static str,
    /// The `# HELP` text.
    pub help: &'static str,
}

/// `performance_timing_calls_total`.
pub const CALLS: Family = Family {
    name: "performance_timing_calls_total",
    kind: "counter",
    help: "Calls of each timed function (#[timed] in Rust, timed in Python).",
};

/// `performance_timing_seconds_total`.
pub const SECONDS: Family = Family {
    name: "performance_timing_seconds_total",
    kind: "counter",
    help: "Inclusive time in each timed function, in seconds (outermost frames under recursion).",
};

/// `performance_timing_self_seconds_total`.
pub const SELF_SECONDS: Family = Family {
    name: "performance_timing_self_seconds_total",
    kind: "counter",
    help: "Self time of each timed function, in seconds: inclusive time minus time in timed callees.",
};

/// `performance_timing_idle_seconds_total`.
pub const IDLE_SECONDS: Family = Family {
    name: "performance_timing_idle_seconds_total",
    kind: "counter",
    help: "Time each timed async function, coroutine or generator spent suspended between its steps, in seconds (0 for plain functions).",
};

/// `performance_timing_call_duration_seconds`.
pub const CALL_DURATION: Family = Family {
    name: "performance_timing_call_duration_seconds",
    kind: "histogram",
    help: "Duration of each call of a timed function, in seconds (bounds: powers of two from 128 ns to 137 s).",
};

/// The five families, in the order they are exposed.
pub const FAMILIES: [Family; 5] = [CALLS, SECONDS, SELF_SECONDS, IDLE_SECONDS, CALL_DURATION];

/// The exposed figures of one `(module, function)`, added over its records. The sums are
/// 128-bit: records of one series whose counts add past 2^64 − 1 are shown exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Series<'a> {
    /// The `function` label: the recorded name.
    pub function: &'a str,
    /// The `module` label: the module path.
    pub module: &'a str,
    /// Calls (`performance_timing_calls_total`).
    pub calls: u128,
    /// Inclusive time in nanoseconds.
    pub total_ns: u128,
    /// Self time in nanoseconds.
    pub self_ns: u128,
    /// Idle time (suspended between steps) in nanoseconds.
    pub idle_ns: u128,
    /// Sum of every call's duration in nanoseconds (the histogram's `_sum`).
    pub sum_ns: u128,
    /// Cumulative calls at most each of [`BUCKET_BOUNDS_NS`] long.
    pub buckets: [u128; BUCKET_BOUNDS_NS.len()],
    /// Calls in the histogram (`+Inf` bucket and `_count`).
    pub count: u128,
}

/// Formats a float as Go's `strconv.FormatFloat(x, 'g', -1, 64)` (what Prometheus and
/// `prometheus_client` write): shortest digits, exponent below 1e-4 and from 1e6 on.
///
/// Bucket bounds are label values (`le="…"`), compared as strings: every exporter must
/// spell them alike.
///
/// ```
/// use timing_runtime::export::prometheus::go_float;
/// assert_eq!(go_float(1.28e-7), "1.28e-07");
/// assert_eq!(go_float(0.000131072), "0.000131072");
/// assert_eq!(go_float(137.438953472), "137.438953472");
/// assert_eq!(go_float(2.0e6), "2e+06");
/// assert_eq!(go_float(f64::INFINITY), "+Inf");
/// ```
pub fn go_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let scientific = format!("{x:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes an integer exponent");
    if (-4..6).contains(&exponent) {
        format!("{x}")
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

/// Seconds in a 128-bit nanosecond sum (the same figure as [`nanos_to_secs`] below 2^64).
pub fn nanos128_to_secs(nanos: u128) -> f64 {
    nanos as f64 / 1e9
}

/// The `le` label value of a bound in nanoseconds (`"1.28e-07"` for 128 ns).
pub fn le_label(bound_ns: u64) -> String {
    go_float(nanos_to_secs(bound_ns))
}

/// Escapes a label value: backslash, double quote and line feed.
///
/// ```
/// use timing_runtime::export::prometheus::escape_label_value;
/// assert_eq!(escape_label_value("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
/// ```
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

impl Snapshot {
    /// The exported figures per `(module, function)`, sorted by module then function.
    pub fn prometheus_series(&self) -> Vec<Series<'_>> {
        let mut by_key: BTreeMap<(&str, &str), Series<'_>> = BTreeMap::new();
        for r in self.records() {
            let s = by_key
                .entry((r.module_path(), r.name()))
                .or_insert_with(|| Series {
                    function: r.name(),
                    module: r.module_path(),
                    calls: 0,
                    total_ns: 0,
                    self_ns: 0,
                    idle_ns: 0,
                    sum_ns: 0,
                    buckets: [0; BUCKET_BOUNDS_NS.len()],
                    count: 0,
                });
            s.calls += u128::from(r.calls());
            s.total_ns += u128::from(r.total_ns());
            s.self_ns += u128::from(r.self_ns());
            s.idle_ns += u128::from(r.idle_ns());
            s.sum_ns += u128::from(r.sum_ns());
            for (cumulative, &bound) in s.buckets.iter_mut().zip(&BUCKET_BOUNDS_NS) {
                *cumulative += u128::from(r.calls_at_most(bound));
            }
            s.count += u128::from(r.calls_at_most(u64::MAX));
        }
        by_key.into_values().collect()
    }

    /// The snapshot in the Prometheus text exposition format 0.0.4 (see
    /// [`crate::export::prometheus`]): four counters and a histogram per call site, each
    /// family with `# HELP` and `# TYPE`. Serve it with [`CONTENT_TYPE`].
    ///
    /// ```
    /// use timing_runtime::profile::{self, CallSite, Guard};
    /// static SITE: CallSite = CallSite::new(Some("prom_doc"), "app::io", file!(), line!(), || "");
    /// drop(Guard::enter(&SITE));
    /// let text = profile::snapshot().to_prometheus();
    /// assert!(text.contains("# TYPE performance_timing_calls_total counter\n"));
    /// assert!(text.contains(r#"performance_timing_calls_total{function="prom_doc",module="app::io"} 1"#));
    /// ```
    pub fn to_prometheus(&self) -> String {
        let series = self.prometheus_series();
        let labels: Vec<String> = series
            .iter()
            .map(|s| {
                format!(
                    "function=\"{}\",module=\"{}\"",
                    escape_label_value(s.function),
                    escape_label_value(s.module)
                )
            })
            .collect();
        let les: Vec<String> = BUCKET_BOUNDS_NS.iter().map(|&b| le_label(b)).collect();
        let mut out = String::new();
        for family in FAMILIES {
            // Writing into a String cannot fail.
            let _ = writeln!(out, "# HELP {} {}", family.name, family.help);
            let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind);
            for (s, labels) in series.iter().zip(&labels) {
                let name = family.name;
                let secs = |ns| go_float(nanos128_to_secs(ns));
                let _ = match family {
                    CALLS => writeln!(out, "{name}{{{labels}}} {}", s.calls),
                    SECONDS => writeln!(out, "{name}{{{labels}}} {}", secs(s.total_ns)),
                    SELF_SECONDS => writeln!(out, "{name}{{{labels}}} {}", secs(s.self_ns)),
                    IDLE_SECONDS => writeln!(out, "{name}{{{labels}}} {}", secs(s.idle_ns)),
                    _ => write_histogram(&mut out, name, labels, &les, s),
                };
            }
        }
        out
    }
}

fn write_histogram(
    out: &mut String,
    name: &str,
    labels: &str,
    les: &[String],
    s: &Series<'_>,
) -> std::fmt::Result {
    for (le, count) in les.iter().zip(s.buckets) {
        writeln!(out, "{name}_bucket{{{labels},le=\"{le}\"}} {count}")?;
    }
    writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", s.count)?;
    writeln!(
        out,
        "{name}_sum{{{labels}}} {}",
        go_float(nanos128_to_secs(s.sum_ns))
    )?;
    writeln!(out, "{name}_count{{{labels}}} {}", s.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_go_formatted_powers_of_two() {
        let les: Vec<String> = BUCKET_BOUNDS_NS.iter().map(|&b| le_label(b)).collect();
        assert_eq!(les[0], "1.28e-07");
        assert_eq!(les[1], "2.56e-07");
        assert_eq!(les[10], "0.000131072");
        assert_eq!(les[9], "6.5536e-05");
        assert_eq!(les[23], "1.073741824");
        assert_eq!(les[30], "137.438953472");
        for w in BUCKET_BOUNDS_NS.windows(2) {
            assert_eq!(w[1], 2 * w[0]);
        }
    }

    #[test]
    fn exposition_of_one_site() {
        use crate::profile::{self, CallSite, Guard};
        static SITE: CallSite = CallSite::new(Some("a \"b\"\\c"), "m\nod", file!(), line!(), || "");
        for _ in 0..5 {
            drop(Guard::enter(&SITE));
        }
        let text = profile::snapshot().to_prometheus();
        let labels = r#"function="a \"b\"\\c",module="m\nod""#;
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(labels)).collect();
        // four counters, then the histogram's buckets, +Inf, sum and count
        assert_eq!(lines.len(), 4 + BUCKET_BOUNDS_NS.len() + 3, "{text}");
        assert_eq!(
            lines[0],
            format!("performance_timing_calls_total{{{labels}}} 5")
        );
        assert_eq!(
            lines[3],
            format!("performance_timing_idle_seconds_total{{{labels}}} 0")
        );
        let buckets: Vec<u64> = lines[4..4 + BUCKET_BOUNDS_NS.len() + 1]
            .iter()
            .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
            .collect();
        assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
        assert_eq!(*buckets.last().unwrap(), 5);
        assert!(lines[4].contains(r#",le="1.28e-07"} "#), "{}", lines[4]);
        assert!(lines[35].contains(r#",le="+Inf"} 5"#), "{}", lines[35]);
        assert_eq!(
            lines[37],
            format!("performance_timing_call_duration_seconds_count{{{labels}}} 5")
        );
        for family in FAMILIES {
            assert!(text.contains(&format!("# HELP {} {}\n", family.name, family.help)));
            assert!(text.contains(&format!("# TYPE {} {}\n", family.name, family.kind)));
        }
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn go_float_matches_go() {
        for (x, want) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
            (1e-300, "1e-300"),
            (-2.5, "-2.5"),
            (0.0, "0"),
        ] {
            assert_eq!(go_float(x), want, "{x}");
        }
    }
}
