//! Saving and loading [`Stats`] as JSON: a versioned schema with metadata about the machine.
//!
//! A document looks like this (the `summary` block is for human readers and other tools; it is
//! recomputed from `samples` on load):
//!
//! ```json
//! {"schema": "performance_timing.stats", "version": 1, "name": "sort", "unit": "s",
//!  "iterations_per_sample": 100, "samples": [1.2e-6, …],
//!  "calibration": {"clock_resolution": 2e-8, "clock_read_cost": 2e-8, "overhead": 4e-8},
//!  "warnings": [], "metadata": {"clock": "…", "cpu_count": 2, "python": "3.11.2 …",
//!  "platform": "Linux-…", "timing_runtime": "0.1.0"}, "summary": {"mean": …, …}}
//! ```

use serde::{Deserialize, Serialize};

use super::Stats;
use crate::clock::precision::Calibration;
use crate::error::TimingError;
use crate::host::{Metadata, check_allocation};

/// The value of the `schema` field.
pub const SCHEMA: &str = "performance_timing.stats";
/// The schema version this build writes and reads.
pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct Summary {
    mean: f64,
    median: f64,
    stddev: f64,
    mad: f64,
    iqr: f64,
    min: f64,
    max: f64,
    cv: Option<f64>,
    median_ci: (f64, f64),
    mean_ci: (f64, f64),
    outliers_mild: usize,
    outliers_severe: usize,
    ops_per_second: Option<f64>,
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'a str,
    version: u64,
    name: &'a str,
    unit: &'a str,
    iterations_per_sample: u64,
    samples: &'a [f64],
    calibration: Option<Calibration>,
    warnings: &'a [String],
    metadata: &'a Metadata,
    summary: Summary,
}

struct Header {
    schema: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Record {
    name: String,
    unit: String,
    iterations_per_sample: u64,
    samples: Vec<f64>,
    calibration: Option<Calibration>,
    #[serde(default)]
    warnings: Vec<String>,
    metadata: Metadata,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Serialises `stats` as a JSON document of the current schema version.
///
/// ```
/// use timing_runtime::stats::json::{from_json, to_json};
/// use timing_runtime::stats::Stats;
/// let s = Stats::from_samples("x", vec![1.0, 2.0, 3.0], 10).unwrap();
/// let back = from_json(&to_json(&s)).unwrap();
/// assert_eq!(back, s);
/// ```
pub fn to_json(stats: &Stats) -> String {
    let o = stats.outliers();
    let doc = Document {
        schema: SCHEMA,
        version: VERSION,
        name: stats.name(),
        unit: stats.unit(),
        iterations_per_sample: stats.iterations_per_sample(),
        samples: stats.samples(),
        calibration: stats.calibration(),
        warnings: stats.warnings(),
        metadata: stats.metadata(),
        summary: Summary {
            mean: stats.mean(),
            median: stats.median(),
            stddev: stats.stddev(),
            mad: stats.mad(),
            iqr: stats.iqr(),
            min: stats.min(),
            max: stats.max(),
            cv: finite(stats.cv()),
            median_ci: stats.median_ci(),
            mean_ci: stats.mean_ci(),
            outliers_mild: o.mild(),
            outliers_severe: o.severe(),
            ops_per_second: finite(stats.ops_per_second()),
        },
    };
    serde_json::to_string_pretty(&doc).expect("a Stats document always serialises")
}

/// Loads a document written by [`to_json`]. Malformed JSON, another schema, another version
/// or invalid samples → [`TimingError::InvalidArgument`] naming `json`.
///
/// ```
/// let e = timing_runtime::stats::json::from_json(r#"{"schema": "performance_timing.stats", "version": 99}"#);
/// assert!(e.unwrap_err().to_string().contains("version 99"));
/// ```
pub fn from_json(text: &str) -> Result<Stats, TimingError> {
    let bad = |msg: String| TimingError::invalid("json", msg);
    // The parsed tree takes at most 16 bytes per byte of text (a 32-byte value for every
    // two-character `1,`): refuse what could not be held rather than abort half-way.
    check_allocation(text.len() as u128 * 16)?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("is not a Stats JSON document: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(bad(
            "is not a Stats JSON document: expected an object".to_owned()
        ));
    };
    let header = Header {
        schema: object.get("schema").cloned(),
        version: object.get("version").cloned(),
    };
    match header.schema {
        Some(serde_json::Value::String(s)) if s == SCHEMA => {}
        other => {
            return Err(bad(format!(
                "has schema {}, expected \"{SCHEMA}\"",
                other.map_or("(missing)".to_owned(), |v| v.to_string())
            )));
        }
    }
    match header.version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        other => {
            return Err(bad(format!(
                "has schema version {}, this build reads version {VERSION}",
                other.map_or("(missing)".to_owned(), |v| v.to_string())
            )));
        }
    }
    let r: Record = serde_json::from_value(value)
        .map_err(|e| bad(format!("is not a valid Stats document: {e}")))?;
    if let Some(c) = r.calibration {
        let figures = [c.clock_resolution, c.clock_read_cost, c.overhead];
        if figures.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(bad("has invalid calibration figures".to_owned()));
        }
    }
    Stats::restore(
        r.name,
        r.unit,
        r.samples,
        r.iterations_per_sample,
        r.calibration,
        r.metadata,
        r.warnings,
    )
    .map_err(|e| bad(format!("holds invalid data: {e}")))
}

impl Stats {
    /// This result as a JSON document ([`to_json`]).
    pub fn to_json(&self) -> String {
        to_json(self)
    }

    /// Loads a result saved by [`Stats::to_json`] ([`from_json`]).
    pub fn from_json(text: &str) -> Result<Self, TimingError> {
        from_json(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_everything() {
        let mut s =
            Stats::from_samples("rt", vec![0.1, 0.2, 0.30000000000000004, 1e-9], 7).unwrap();
        s.metadata_mut().python = Some("3.11".into());
        let text = to_json(&s);
        let back = from_json(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.samples(), s.samples());
    }

    #[test]
    fn refuses_bad_documents() {
        let good = to_json(&Stats::from_samples("x", vec![1.0, 2.0], 1).unwrap());
        for (text, needle) in [
            ("not json", "not a Stats JSON"),
            ("[1, 2]", "not a Stats JSON"),
            (r#"{"version": 1}"#, "schema"),
            (r#"{"schema": "other", "version": 1}"#, "schema"),
            (
                r#"{"schema": "performance_timing.stats", "version": 2}"#,
                "version 2",
            ),
            (
                r#"{"schema": "performance_timing.stats", "version": 1}"#,
                "missing field",
            ),
        ] {
            let e = from_json(text).unwrap_err().to_string();
            assert!(e.starts_with("json ") && e.contains(needle), "{text}: {e}");
        }
        let one_sample = good.replacen(
            "\"samples\": [\n    1.0,\n    2.0\n  ]",
            "\"samples\": [1.0]",
            1,
        );
        assert_ne!(one_sample, good);
        assert!(
            from_json(&one_sample)
                .unwrap_err()
                .to_string()
                .contains("at least 2")
        );
    }
}
