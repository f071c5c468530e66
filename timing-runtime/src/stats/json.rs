//! Saving and loading [`Stats`] as JSON: a versioned schema with metadata about the machine.
//!
//! A document looks like this (the `summary` block is for human readers and other tools; it is
//! recomputed from `samples` on load):
//!
//! ```json
//! {"schema": "performance_timing.stats", "version": 2, "name": "sort", "unit": "s",
//!  "iterations_per_sample": 100, "samples": [1.2e-6, …],
//!  "reference": {"workload": "python-mix/1", "iterations_per_sample": 1500,
//!                "samples": [3.3e-6, …]},
//!  "calibration": {"clock_resolution": 2e-8, "clock_read_cost": 2e-8, "overhead": 4e-8},
//!  "warnings": [], "metadata": {"clock": "…", "cpu_count": 2, "python": "3.11.2 …",
//!  "platform": "Linux-…", "timing_runtime": "0.1.0"},
//!  "summary": {"mean": …, …, "relative": {"ratio": 0.36, "ci": […], "blocks": […]}}}
//! ```
//!
//! Version 2 added `reference` (the reference workload's samples, one per sample, see
//! [`relative`](super::relative)); documents of version 1 still load, without it (their
//! comparisons ignore drift between runs, and say so).

use serde::{Deserialize, Serialize};

use super::{Reference, Stats};
use crate::clock::precision::Calibration;
use crate::error::TimingError;
use crate::host::{Metadata, check_allocation};

/// The value of the `schema` field.
pub const SCHEMA: &str = "performance_timing.stats";
/// The schema version this build writes.
pub const VERSION: u64 = 2;
/// The oldest schema version this build reads (1: without reference samples).
pub const OLDEST_VERSION: u64 = 1;

#[derive(Serialize)]
struct Summary<'a> {
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
    relative: Option<RelativeSummary<'a>>,
}

#[derive(Serialize)]
struct RelativeSummary<'a> {
    ratio: f64,
    ci: (f64, f64),
    blocks: &'a [f64],
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'a str,
    version: u64,
    name: &'a str,
    unit: &'a str,
    iterations_per_sample: u64,
    samples: &'a [f64],
    reference: Option<&'a Reference>,
    calibration: Option<Calibration>,
    warnings: &'a [String],
    metadata: &'a Metadata,
    summary: Summary<'a>,
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
    #[serde(default)]
    reference: Option<Reference>,
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
        reference: stats.reference(),
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
            relative: stats.relative().map(|r| RelativeSummary {
                ratio: r.ratio,
                ci: r.ci,
                blocks: &r.blocks,
            }),
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
        Some(serde_json::Value::Number(n))
            if n.as_u64()
                .is_some_and(|v| (OLDEST_VERSION..=VERSION).contains(&v)) => {}
        other => {
            return Err(bad(format!(
                "has schema version {}, this build reads versions {OLDEST_VERSION} to {VERSION}",
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
    let stats = Stats::restore(
        r.name,
        r.unit,
        r.samples,
        r.iterations_per_sample,
        r.calibration,
        r.metadata,
        r.warnings,
    )
    .map_err(|e| bad(format!("holds invalid data: {e}")))?;
    match r.reference {
        Some(reference) => stats
            .with_reference(reference)
            .map_err(|e| bad(format!("holds invalid data: {e}"))),
        None => Ok(stats),
    }
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
    fn reference_round_trips_and_version_1_still_loads() {
        let s = Stats::from_samples("v", vec![2.0, 4.0, 3.0], 5)
            .unwrap()
            .with_reference(Reference {
                workload: "w/1".into(),
                iterations_per_sample: 7,
                samples: vec![1.0, 2.0, 1.5],
            })
            .unwrap();
        let text = to_json(&s);
        assert!(text.contains("\"version\": 2") && text.contains("\"workload\": \"w/1\""));
        let back = from_json(&text).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.relative().unwrap().ratio, 2.0);
        // A version-1 document: no reference, loads without one.
        let plain = Stats::from_samples("old", vec![1.0, 2.0], 1).unwrap();
        let v1 = to_json(&plain).replace("\"version\": 2", "\"version\": 1");
        let old = from_json(&v1).unwrap();
        assert!(old.reference().is_none() && old.relative().is_none());
        // A reference of the wrong length is refused.
        let bad = text.replacen("\"samples\": [\n      1.0,", "\"samples\": [\n", 1);
        assert_ne!(bad, text);
        let e = from_json(&bad).unwrap_err().to_string();
        assert!(e.contains("reference"), "{e}");
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
                r#"{"schema": "performance_timing.stats", "version": 3}"#,
                "version 3",
            ),
            (
                r#"{"schema": "performance_timing.stats", "version": 0}"#,
                "version 0",
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
