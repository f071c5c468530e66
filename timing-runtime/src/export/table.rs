//! Aligned text tables: the profile table of a [`Snapshot`], and the renderer behind it.

use crate::format;
use crate::profile::Snapshot;
use crate::profile::snapshot::SnapshotDiff;

/// Renders `rows` under `header` as aligned text: the first column left-aligned, the others
/// right-aligned, two spaces between columns, a rule under the header.
///
/// ```
/// use timing_runtime::export::table::render;
/// let text = render(&["name", "calls"], &[vec!["parse".into(), "12".into()]]);
/// assert_eq!(text, "name   calls\n------------\nparse     12");
/// ```
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let cell = |row: &[String], c: usize| row.get(c).map_or(0, |s| s.chars().count());
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| cell(r, c))
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (c, text) in cells.enumerate().take(columns) {
            let pad = " ".repeat(widths[c] - text.chars().count());
            if c == 0 {
                out.push_str(text);
                out.push_str(&pad);
            } else {
                out.push_str("  ");
                out.push_str(&pad);
                out.push_str(text);
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1)));
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

impl Snapshot {
    /// A text table sorted by self time: calls, total, self, mean, p50, p99 and the share of
    /// all self time.
    ///
    /// ```
    /// use timing_runtime::profile::{self, CallSite, Guard};
    /// static SITE: CallSite = CallSite::new(Some("table_doc"), module_path!(), file!(), line!(), || "");
    /// drop(Guard::enter(&SITE));
    /// let table = profile::snapshot().to_table();
    /// assert!(table.starts_with("name"));
    /// assert!(table.contains("table_doc"));
    /// ```
    pub fn to_table(&self) -> String {
        if self.is_empty() {
            return "Profile: nothing recorded".to_owned();
        }
        let all_self = self.total_self().as_nanos() as f64;
        let rows: Vec<Vec<String>> = self
            .records()
            .iter()
            .map(|r| {
                vec![
                    r.name().to_owned(),
                    r.calls().to_string(),
                    format::nanos(r.total_ns()),
                    format::nanos(r.self_ns()),
                    format::duration(r.mean().as_secs_f64()),
                    format::nanos(r.percentile_ns(50.0)),
                    format::nanos(r.percentile_ns(99.0)),
                    format!("{:.1}%", format::percent(r.self_ns() as f64, all_self)),
                ]
            })
            .collect();
        render(
            &[
                "name", "calls", "total", "self", "mean", "p50", "p99", "% self",
            ],
            &rows,
        )
    }
}

impl SnapshotDiff {
    /// A text table of the diff, largest change of the total first: calls, self and total time
    /// per call (before → after), the median ratio with its interval, the share of the total
    /// and the verdict; a line above names a clock change.
    ///
    /// ```
    /// use timing_runtime::profile::{self, CallSite, Guard, Snapshot};
    /// static SITE: CallSite = CallSite::new(Some("diff_doc"), module_path!(), file!(), line!(), || "");
    /// drop(Guard::enter(&SITE));
    /// let text = Snapshot::diff(&Snapshot::merge([]), &profile::snapshot()).to_table();
    /// assert!(text.starts_with("name"), "{text}");
    /// assert!(text.lines().any(|l| l.starts_with("diff_doc") && l.ends_with("new")), "{text}");
    /// ```
    pub fn to_table(&self) -> String {
        if self.is_empty() {
            return "Diff: nothing recorded in either profile".to_owned();
        }
        let rows: Vec<Vec<String>> = self.rows().iter().map(SnapshotDiff::cells).collect();
        let mut out = String::new();
        let (before, after) = self.clocks();
        if before != after {
            out.push_str(&format!(
                "Note: the profiles were taken with different clocks ({before} → {after})\n"
            ));
        }
        out.push_str(&render(&SnapshotDiff::HEADER, &rows));
        out
    }
}
