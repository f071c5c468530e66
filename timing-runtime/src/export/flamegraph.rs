//! Flame graphs of a [`Trace`]: an interactive SVG drawn by the
//! [`inferno`](https://docs.rs/inferno) crate from [`Trace::folded`] (the same data).

use std::io::{self, Write};

use inferno::flamegraph::{self, Options};

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
