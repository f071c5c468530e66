//! Flame graphs of a [`Trace`]: an interactive SVG drawn by the
//! [`inferno`](https://docs.rs/inferno) crate from [`Trace::folded`] (the same data).

use std::io::{self, Write};

use std::collections::HashMap;

use inferno::differential;
use inferno::flamegraph::{self, Options};

use super::folded::frame_name;
use crate::error::TimingError;
use crate::profile::Snapshot;
use crate::profile::trace::Trace;

/// The title of a flame graph when none is given.
pub const DEFAULT_TITLE: &str = "Flame Graph";

impl Trace {
    /// Writes the flame graph of [`Trace::folded`] as an SVG (searchable, zoomable when opened
    /// in a browser) with `title` on top; widths are self time in nanoseconds.
    ///
    /// ```
    /// use timing_runtime::{profile::trace, timed};
    /// #[timed]
    /// fn kernel() { std::thread::sleep(std::time::Duration::from_micros(100)); }
    /// let session = trace::start(100).unwrap();
    /// kernel();
    /// let mut svg = Vec::new();
    /// session.finish().write_flamegraph(&mut svg, "my run").unwrap();
    /// let svg = String::from_utf8(svg).unwrap();
    /// assert!(svg.contains("<svg") && svg.contains("kernel") && svg.contains("my run"));
    /// ```
    pub fn write_flamegraph<W: Write>(&self, writer: W, title: &str) -> io::Result<()> {
        let folded = self.folded();
        let mut options = Options::default();
        options.title = title.to_owned();
        options.count_name = "ns".to_owned();
        options.name_type = "Span:".to_owned();
        options.deterministic = true;
        options.hash = true;
        if folded.is_empty() {
            // inferno refuses an empty profile; draw an empty graph with the title instead.
            return flamegraph::from_lines(&mut options, ["(no spans) 1"], writer);
        }
        flamegraph::from_lines(&mut options, folded.lines(), writer)
    }
}

/// The title of a differential flame graph when none is given.
pub const DEFAULT_DIFF_TITLE: &str = "Differential Flame Graph";

impl Snapshot {
    /// The snapshot as folded stacks for a flame graph: one single-frame stack per function
    /// (its recorded name, `module::name` where two functions share a name), weighted by its
    /// self time in integer nanoseconds; functions without self time are left out. A snapshot
    /// holds no call stacks: for real stacks, take a trace ([`Trace::folded`]).
    ///
    /// ```
    /// use timing_runtime::profile::{self, CallSite, Guard};
    /// static SITE: CallSite = CallSite::new(Some("folded_doc"), module_path!(), file!(), line!(), || "");
    /// { let _g = Guard::enter(&SITE); std::thread::sleep(std::time::Duration::from_micros(50)); }
    /// let folded = profile::snapshot().folded();
    /// assert!(folded.lines().any(|l| l.starts_with("folded_doc ")));
    /// ```
    pub fn folded(&self) -> String {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for r in self.records() {
            *count.entry(r.name()).or_default() += 1;
        }
        let mut lines: Vec<String> = self
            .records()
            .iter()
            .filter(|r| r.self_ns() > 0)
            .map(|r| {
                let name = if count[r.name()] > 1 && !r.module_path().is_empty() {
                    format!("{}::{}", r.module_path(), r.name())
                } else {
                    r.name().to_owned()
                };
                format!("{} {}", frame_name(&name), r.self_ns())
            })
            .collect();
        lines.sort_unstable();
        let mut out = lines.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// Checks that `text` is folded stacks: every non-blank line is `frame;frame;… count` with a
/// non-negative integer count. `what` names the input in the message.
///
/// ```
/// use timing_runtime::export::flamegraph::check_folded;
/// assert!(check_folded("a;b 12\na 3\n", "base").is_ok());
/// let err = check_folded("a;b twelve\n", "base").unwrap_err();
/// assert!(err.to_string().contains("line 1"));
/// ```
pub fn check_folded(text: &str, what: &'static str) -> Result<(), TimingError> {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let ok = line
            .rsplit_once(' ')
            .is_some_and(|(stack, n)| !stack.trim().is_empty() && n.parse::<u64>().is_ok());
        if !ok {
            let shown: String = line.chars().take(80).collect();
            return Err(TimingError::invalid(
                what,
                format!(
                    "is not folded stacks: line {} is {shown:?}, expected \"frame;frame count\"",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

/// The differential folded stacks of two folded profiles (see [`Trace::folded`],
/// [`Snapshot::folded`]), from inferno's `differential` module: `stack before after` lines.
/// With `normalize`, `before` is first scaled to the same total as `after`, so colours show
/// shares rather than a change of the overall time. Input that is not folded stacks →
/// [`TimingError::InvalidArgument`] naming `base` or `new`.
pub fn differential_folded(
    before: &str,
    after: &str,
    normalize: bool,
) -> Result<String, TimingError> {
    check_folded(before, "base")?;
    check_folded(after, "new")?;
    let options = differential::Options {
        // inferno divides by the base's total: only when both have one.
        normalize: normalize && weight(before) > 0 && weight(after) > 0,
        strip_hex: false,
    };
    let mut merged = Vec::new();
    differential::from_readers(options, before.as_bytes(), after.as_bytes(), &mut merged)
        .map_err(|e| TimingError::invalid("base", format!("could not be diffed: {e}")))?;
    Ok(String::from_utf8_lossy(&merged).into_owned())
}

/// The sum of the counts of folded lines (saturating).
fn weight(folded: &str) -> u64 {
    folded
        .lines()
        .filter_map(last_count)
        .fold(0u64, u64::saturating_add)
}

/// The last count of a folded line.
fn last_count(line: &str) -> Option<u64> {
    line.trim_end().rsplit_once(' ')?.1.parse().ok()
}

/// Writes the differential flame graph of `merged` ([`differential_folded`]) as an SVG drawn
/// by inferno: frames are as wide as in the new profile and coloured red where they grew, blue
/// where they shrank (deeper for larger changes); stacks only in the base have no width.
///
/// ```
/// use timing_runtime::export::flamegraph::{differential_folded, write_differential_flamegraph};
/// let merged = differential_folded("main;parse 100\nmain;eval 100\n",
///                                  "main;parse 180\nmain;eval 100\n", false).unwrap();
/// assert!(merged.lines().any(|l| l == "main;parse 100 180"));
/// let mut svg = Vec::new();
/// write_differential_flamegraph(&merged, "parse grew", &mut svg).unwrap();
/// let svg = String::from_utf8(svg).unwrap();
/// assert!(svg.contains("<svg") && svg.contains("parse") && svg.contains("parse grew"));
/// ```
pub fn write_differential_flamegraph<W: Write>(
    merged: &str,
    title: &str,
    writer: W,
) -> io::Result<()> {
    let mut options = Options::default();
    options.title = title.to_owned();
    options.subtitle = Some("red: grew, blue: shrank (widths: the new profile)".to_owned());
    options.count_name = "ns".to_owned();
    options.name_type = "Function:".to_owned();
    options.deterministic = true;
    if weight(merged) == 0 {
        // inferno refuses an empty profile; draw an empty graph with the title instead.
        return flamegraph::from_lines(&mut options, ["(nothing recorded) 0 1"], writer);
    }
    flamegraph::from_lines(&mut options, merged.lines(), writer)
}

/// The folded stacks of a saved file's text: a profile JSON document ([`Snapshot::to_json`],
/// read by [`Snapshot::from_json`] and folded by [`Snapshot::folded`]) when it starts with `{`,
/// otherwise folded stacks (a trace's [`Trace::folded`] saved to a file), checked line by line.
/// `what` names the input in messages.
///
/// ```
/// use timing_runtime::export::flamegraph::folded_of_saved;
/// assert_eq!(folded_of_saved("a;b 3\n", "base").unwrap(), "a;b 3\n");
/// let snap = timing_runtime::profile::Snapshot::empty();
/// assert_eq!(folded_of_saved(&snap.to_json(), "base").unwrap(), "");
/// assert!(folded_of_saved("{\"schema\": \"x\"}", "base").is_err());
/// # Ok::<(), timing_runtime::TimingError>(())
/// ```
pub fn folded_of_saved(text: &str, what: &'static str) -> Result<String, TimingError> {
    if text.trim_start().starts_with('{') {
        let snap = Snapshot::from_json(text).map_err(|e| match e {
            TimingError::InvalidArgument { message, .. } => TimingError::invalid(what, message),
            other => other,
        })?;
        return Ok(snap.folded());
    }
    check_folded(text, what)?;
    Ok(text.to_owned())
}
