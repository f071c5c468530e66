//! [`Stats`] as text for people: the block `show`, `timeit` and Python's `print(stats)` print.

use std::fmt;

use super::Stats;
use crate::format;

impl Stats {
    /// The result as a readable block: its name, the median with its 95 % interval, the
    /// minimum, ops/s (for seconds), the samples and every warning, one per line.
    ///
    /// ```
    /// use timing_runtime::stats::Stats;
    /// let s = Stats::from_samples("sort", vec![1e-6, 1.2e-6, 1.1e-6], 1).unwrap();
    /// let text = s.summary();
    /// assert!(text.starts_with("sort\n  median  1.10 µs per call (95% CI"), "{text}");
    /// assert!(text.contains("3 samples × 1 call per sample"), "{text}");
    /// assert_eq!(text, s.to_string());
    /// ```
    pub fn summary(&self) -> String {
        let unit = self.unit();
        let value = |figure: f64| format::value(figure, unit);
        let (low, high) = self.median_ci();
        let per_call = if unit == "s" { " per call" } else { "" };
        let mut lines = vec![
            self.name().to_owned(),
            format!(
                "  median  {}{per_call} (95% CI {} – {})",
                value(self.median()),
                value(low),
                value(high)
            ),
            format!("  min     {}", value(self.min())),
        ];
        if unit == "s" {
            lines.push(format!(
                "  ops/s   {}",
                format::rate(self.ops_per_second(), "ops")
            ));
        }
        let calls = self.iterations_per_sample();
        lines.push(format!(
            "  {} sample{} × {calls} call{} per sample",
            self.samples().len(),
            if self.samples().len() == 1 { "" } else { "s" },
            if calls == 1 { "" } else { "s" },
        ));
        lines.extend(self.warnings().iter().map(|w| format!("  warning: {w}")));
        lines.join("\n")
    }
}

/// [`Stats::summary`]: `println!("{stats}")` prints the readable block.
impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}
