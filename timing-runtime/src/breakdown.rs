//! The manual [`Profiler`] (the seed's name): record named durations by hand, then read a
//! breakdown with percentages. Not to be confused with the global profile of `#[timed]`
//! ([`crate::profile`]).

use crate::error::TimingError;
use crate::format::{percent, seconds};

/// Named durations recorded by hand, in insertion order.
///
/// ```
/// use timing_runtime::Profiler;
///
/// let mut p = Profiler::new();
/// p.measure("load", 0.5).unwrap();
/// p.measure("process", 1.2).unwrap();
/// p.measure("save", 0.3).unwrap();
/// let text = p.summary();
/// assert!(text.contains("load: 0.500s (25.0%)"));
/// assert!(text.contains("process: 1.200s (60.0%)"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiler {
    entries: Vec<(String, f64)>,
}

/// One name's share of a [`Profiler`]'s total.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownLine {
    /// The measured name.
    pub name: String,
    /// Sum of its durations in seconds.
    pub total_secs: f64,
    /// How many times it was measured.
    pub count: usize,
    /// Its share of the profiler's total, in percent.
    pub percent: f64,
}

impl Profiler {
    /// An empty profiler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `duration_secs` under `name`. A negative, NaN or infinite duration is refused
    /// and nothing is recorded.
    pub fn measure(
        &mut self,
        name: impl Into<String>,
        duration_secs: f64,
    ) -> Result<(), TimingError> {
        if !duration_secs.is_finite() || duration_secs < 0.0 {
            return Err(TimingError::invalid(
                "duration_secs",
                format!("must be a finite number of seconds >= 0, got {duration_secs}"),
            ));
        }
        self.entries.push((name.into(), duration_secs));
        Ok(())
    }

    /// Every measurement as `(name, seconds)`, in insertion order.
    pub fn results(&self) -> &[(String, f64)] {
        &self.entries
    }

    /// Sum of all measurements in seconds.
    pub fn total_secs(&self) -> f64 {
        self.entries.iter().map(|(_, s)| s).sum()
    }

    /// Whether nothing has been measured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every measurement.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// One line per distinct name, in order of first measurement, with sums and shares.
    pub fn breakdown(&self) -> Vec<BreakdownLine> {
        let total = self.total_secs();
        let mut lines: Vec<BreakdownLine> = Vec::new();
        for (name, secs) in &self.entries {
            match lines.iter_mut().find(|l| &l.name == name) {
                Some(line) => {
                    line.total_secs += secs;
                    line.count += 1;
                }
                None => lines.push(BreakdownLine {
                    name: name.clone(),
                    total_secs: *secs,
                    count: 1,
                    percent: 0.0,
                }),
            }
        }
        for line in &mut lines {
            line.percent = percent(line.total_secs, total);
        }
        lines
    }

    /// The breakdown as text: a header with the total, then `name: 0.500s (25.0%)` per name
    /// (with `[N measurements]` when a name was measured more than once).
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "Profiler: no measurements".to_owned();
        }
        let lines = self.breakdown();
        let mut out = format!(
            "Profiler: total {} in {} measurement{} of {} name{}",
            seconds(self.total_secs()),
            self.entries.len(),
            plural(self.entries.len()),
            lines.len(),
            plural(lines.len()),
        );
        for line in lines {
            out.push_str(&format!(
                "\n  {}: {} ({:.1}%)",
                line.name,
                seconds(line.total_secs),
                line.percent
            ));
            if line.count > 1 {
                out.push_str(&format!(" [{} measurements]", line.count));
            }
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_summary_says_so() {
        assert_eq!(Profiler::new().summary(), "Profiler: no measurements");
    }

    #[test]
    fn repeated_names_are_summed() {
        let mut p = Profiler::new();
        p.measure("a", 1.0).unwrap();
        p.measure("b", 2.0).unwrap();
        p.measure("a", 1.0).unwrap();
        assert_eq!(p.results().len(), 3);
        let lines = p.breakdown();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].total_secs, lines[0].count), (2.0, 2));
        assert_eq!(lines[0].percent, 50.0);
        assert!(p.summary().contains("a: 2.000s (50.0%) [2 measurements]"));
    }

    #[test]
    fn refuses_bad_durations_without_recording() {
        let mut p = Profiler::new();
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(p.measure("x", bad).is_err());
        }
        assert!(p.is_empty());
    }

    #[test]
    fn zero_total_gives_zero_percent() {
        let mut p = Profiler::new();
        p.measure("z", 0.0).unwrap();
        assert!(p.summary().contains("z: 0.000s (0.0%)"));
    }
}
