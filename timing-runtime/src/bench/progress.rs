//! Progress of a long [`bench()`](super::bench()) run, shown on a terminal.

use std::io::{IsTerminal, Write};

/// A progress report of a running [`bench()`](super::bench()): sent at most every 100 ms once the run has lasted
/// a second, and once with `finished` set at the end if any report was sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressUpdate<'a> {
    /// The benchmark's name.
    pub name: &'a str,
    /// Samples taken so far.
    pub done: u64,
    /// Samples asked for.
    pub total: u64,
    /// Seconds since the call started.
    pub elapsed: f64,
    /// The time budget in seconds.
    pub max_time: f64,
    /// Whether the run is over (clear the line).
    pub finished: bool,
}

impl ProgressUpdate<'_> {
    /// One line of text describing the progress.
    ///
    /// ```
    /// use timing_runtime::bench::ProgressUpdate;
    /// let u = ProgressUpdate { name: "f", done: 3, total: 10, elapsed: 1.25, max_time: 5.0, finished: false };
    /// assert_eq!(u.line(), "f: 3/10 samples, 1.2s of at most 5.0s");
    /// ```
    pub fn line(&self) -> String {
        format!(
            "{}: {}/{} samples, {:.1}s of at most {:.1}s",
            self.name, self.done, self.total, self.elapsed, self.max_time
        )
    }

    /// What a terminal sink writes: the [`line`](Self::line) over the previous one (carriage
    /// return and ANSI "erase line"), or just the erasure once `finished`. Every progress sink
    /// (Rust's stderr, Python's `sys.stderr`) writes exactly this.
    ///
    /// ```
    /// use timing_runtime::bench::ProgressUpdate;
    /// let mut u = ProgressUpdate { name: "f", done: 1, total: 2, elapsed: 1.0, max_time: 2.0, finished: false };
    /// assert_eq!(u.terminal_text(), "\r\x1b[2Kf: 1/2 samples, 1.0s of at most 2.0s");
    /// u.finished = true;
    /// assert_eq!(u.terminal_text(), "\r\x1b[2K");
    /// ```
    pub fn terminal_text(&self) -> String {
        const ERASE_LINE: &str = "\r\x1b[2K";
        if self.finished {
            ERASE_LINE.to_owned()
        } else {
            format!("{ERASE_LINE}{}", self.line())
        }
    }
}

/// A progress sink that writes to stderr when stderr is a terminal, and does nothing otherwise.
pub fn stderr_progress() -> impl FnMut(&ProgressUpdate<'_>) {
    let tty = std::io::stderr().is_terminal();
    move |u| {
        if tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{}", u.terminal_text());
            let _ = err.flush();
        }
    }
}
