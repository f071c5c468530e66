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

/// The footnote under a profile table with a recursive record (its total is marked `*`).
pub const RECURSION_NOTE: &str = "* recursive: total counts each outermost call once (the calls \
inside it are part of it), while calls, mean and percentiles count every call, so mean × calls \
exceeds total";

impl Snapshot {
    /// A text table sorted by self time: calls, total, self (with busy and idle when a record
    /// ran in steps: async functions, coroutines, generators), mean, p50, p99 and the share of
    /// all self time.
    ///
    /// A name that records of several modules share is shown qualified (`pkg.a::load`,
    /// [`Record::qualified_name`](crate::profile::Record::qualified_name)), as
    /// [`Snapshot::lookup`] takes it. A recursive record's total is marked `*` and explained
    /// under the table ([`RECURSION_NOTE`]): it counts the outermost calls only.
    ///
    /// ```
    /// #[timing_runtime::timed]
    /// fn table_doc() {}
    ///
    /// table_doc();
    /// let table = timing_runtime::profile::snapshot().to_table();
    /// assert!(table.starts_with("name"));
    /// assert!(table.contains("table_doc"));
    /// ```
    pub fn to_table(&self) -> String {
        if self.is_empty() {
            return "Profile: nothing recorded".to_owned();
        }
        let all_self = self.total_self().as_nanos() as f64;
        let mut recursive = false;
        // Calls that run in steps (async functions, coroutines, generators): their time
        // running and suspended, in two more columns.
        let stepped = self.records().iter().any(|r| r.idle_ns() > 0);
        let rows: Vec<Vec<String>> = self
            .records()
            .iter()
            .map(|r| {
                let name = if self.is_ambiguous(r) {
                    r.qualified_name()
                } else {
                    r.name().to_owned()
                };
                let mut total = format::nanos(r.total_ns());
                if r.is_recursive() {
                    recursive = true;
                    total.push('*');
                }
                let mut row = vec![
                    format::printable(&name).into_owned(),
                    r.calls().to_string(),
                    total,
                    format::nanos(r.self_ns()),
                ];
                if stepped {
                    row.push(format::nanos(r.busy_ns()));
                    row.push(format::nanos(r.idle_ns()));
                }
                row.extend([
                    format::duration(r.mean().as_secs_f64()),
                    format::nanos(r.percentile_ns(50.0)),
                    format::nanos(r.percentile_ns(99.0)),
                    format!("{:.1}%", format::percent(r.self_ns() as f64, all_self)),
                ]);
                row
            })
            .collect();
        let mut header = vec!["name", "calls", "total", "self"];
        if stepped {
            header.extend(["busy", "idle"]);
        }
        header.extend(["mean", "p50", "p99", "% self"]);
        let mut table = render(&header, &rows);
        if recursive {
            table.push('\n');
            table.push_str(RECURSION_NOTE);
        }
        table
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
    /// let text = Snapshot::diff(&Snapshot::empty(), &profile::snapshot()).to_table();
    /// assert!(text.starts_with("name"), "{text}");
    /// assert!(text.lines().any(|l| l.starts_with("diff_doc") && l.ends_with("new")), "{text}");
    /// # Ok::<(), timing_runtime::TimingError>(())
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
