//! The HTML benchmark report: one self-contained file (no network: inline CSS and SVG, no
//! scripts or fonts fetched) with, per result, a plot of the samples' distribution (strip
//! plot: every sample, the median and its 95 % interval, outliers in orange) and a summary
//! table; per comparison, the two distributions side by side and the ratio with its interval,
//! coloured by the verdict; per profile, its records with busy and idle time.
//!
//! Plots are drawn by [`plotters`] (criterion's plotting library) with its SVG backend only
//! (no font or bitmap dependencies: text is left to the browser).

mod html;
mod plot;

use std::io::{self, Write};

pub(crate) use html::escape;

use crate::format;
use crate::profile::Snapshot;
use crate::profile::snapshot::{Change, SnapshotDiff};
use crate::stats::{Comparison, Stats, Verdict};

/// The title of a report when none is given.
pub const DEFAULT_TITLE: &str = "Benchmark report";

/// One item of a report.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// One benchmark result.
    Stats(&'a Stats),
    /// A comparison, with the two results it compared.
    Comparison {
        /// The baseline result.
        baseline: &'a Stats,
        /// The candidate result.
        candidate: &'a Stats,
        /// `compare(baseline, candidate)`.
        comparison: &'a Comparison,
    },
    /// A profile (`#[timed]` and Python `timed` records): a table of its records, with the
    /// busy and idle time of calls that run in steps (async functions, coroutines,
    /// generators).
    Profile(&'a Snapshot),
    /// What changed per function between two profiles ([`Snapshot::diff`]).
    ///
    /// [`Snapshot::diff`]: crate::profile::Snapshot::diff
    Diff {
        /// The section's heading.
        title: &'a str,
        /// The diff.
        diff: &'a SnapshotDiff,
    },
}

/// Writes the report of `entries` as one HTML page titled `title` (or [`DEFAULT_TITLE`]).
///
/// ```
/// use timing_runtime::export::report::{Entry, write_report};
/// use timing_runtime::stats::{Stats, compare::compare};
/// let old = Stats::from_samples("old", (0..30).map(|i| 2e-6 + i as f64 * 1e-8).collect(), 10).unwrap();
/// let new = Stats::from_samples("new", (0..30).map(|i| 1e-6 + i as f64 * 1e-8).collect(), 10).unwrap();
/// let c = compare(&old, &new, 0.01).unwrap();
/// let mut html = Vec::new();
/// write_report(&[Entry::Stats(&old), Entry::Comparison { baseline: &old, candidate: &new, comparison: &c }],
///              Some("nightly"), &mut html).unwrap();
/// let html = String::from_utf8(html).unwrap();
/// assert!(html.contains("<title>nightly</title>") && html.contains("<svg") && html.contains("faster"));
/// assert!(!html.contains("http://") || !html.contains("src=\"http"));
/// ```
pub fn write_report<W: Write>(
    entries: &[Entry<'_>],
    title: Option<&str>,
    mut writer: W,
) -> io::Result<()> {
    let title = title.unwrap_or(DEFAULT_TITLE);
    let mut body = format!(
        "<p class=\"meta\">{} result(s) · made by performance_timing {}</p>\n",
        entries.len(),
        env!("CARGO_PKG_VERSION")
    );
    for entry in entries {
        body.push_str(&match *entry {
            Entry::Stats(stats) => stats_section(stats),
            Entry::Comparison {
                baseline,
                candidate,
                comparison,
            } => comparison_section(baseline, candidate, comparison),
            Entry::Profile(snapshot) => html::profile_section(snapshot),
            Entry::Diff { title, diff } => diff_section(title, diff),
        });
    }
    writer.write_all(html::page(title, &body).as_bytes())?;
    writer.flush()
}

/// How values of `stats` are printed: durations for seconds, else `value unit`.
fn formatter(stats: &Stats) -> impl Fn(f64) -> String + use<> {
    let unit = stats.unit().to_owned();
    move |v: f64| {
        if unit == "s" {
            format::duration(v)
        } else {
            format!("{v:.4} {unit}")
        }
    }
}

fn stats_section(stats: &Stats) -> String {
    let fmt = formatter(stats);
    format!(
        "<section>\n<h2>{}</h2>\n{}\n{}</section>\n",
        escape(stats.name()),
        plot::distributions(&[(stats.name(), stats)], &fmt),
        html::summary_table(&[(stats.name(), stats)], &fmt)
    )
}

fn comparison_section(baseline: &Stats, candidate: &Stats, c: &Comparison) -> String {
    let fmt = formatter(baseline);
    let class = match c.verdict {
        Verdict::Faster => "faster",
        Verdict::Slower => "slower",
        Verdict::NoChange => "nochange",
    };
    let heading = if baseline.name() == candidate.name() {
        escape(baseline.name())
    } else {
        format!("{} → {}", escape(baseline.name()), escape(candidate.name()))
    };
    let columns = [("baseline", baseline), ("candidate", candidate)];
    format!(
        "<section>\n<h2>{heading}</h2>\n<p><span class=\"verdict {class}\">{verdict}</span> \
         ratio (candidate / baseline median) <b>{ratio:.3}</b>, 95 % interval {lo:.3} – {hi:.3}, \
         p-value {p:.2e}, noise floor {noise} %</p>\n{plot}\n{table}</section>\n",
        verdict = c.verdict,
        ratio = c.ratio,
        lo = c.ci.0,
        hi = c.ci.1,
        p = c.p_value,
        noise = c.noise * 100.0,
        plot = plot::distributions(&columns, &fmt),
        table = html::summary_table(&columns, &fmt),
    )
}

/// The section of a profile diff: one table row per function, the verdict coloured.
fn diff_section(title: &str, diff: &SnapshotDiff) -> String {
    use std::fmt::Write as _;
    let mut out = format!("<section>\n<h2>{}</h2>\n", escape(title));
    let (before, after) = diff.clocks();
    if before != after {
        let _ = writeln!(
            out,
            "<p class=\"warn\">⚠ the profiles were taken with different clocks ({} → {})</p>",
            escape(before),
            escape(after)
        );
    }
    if diff.is_empty() {
        out.push_str("<p>Nothing recorded in either profile.</p>\n</section>\n");
        return out;
    }
    out.push_str("<table class=\"diff\">\n<tr>");
    for h in SnapshotDiff::HEADER {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for row in diff.rows() {
        let class = match row.change {
            Change::Faster => "faster",
            Change::Slower => "slower",
            Change::NoChange => "nochange",
            Change::New => "new",
            Change::Gone => "gone",
        };
        out.push_str("<tr>");
        let cells = SnapshotDiff::cells(row);
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                let _ = write!(
                    out,
                    "<td><span class=\"verdict {class}\">{}</span></td>",
                    escape(cell)
                );
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</section>\n");
    out
}
