//! The live view of running processes behind `python -m performance_timing top`.
//!
//! A [`Watch`] reads its [`Source`]s at every [`Watch::read`] — the memory-mapped files of
//! multi-process mode and the `/profile.json` of `/metrics` endpoints — and keeps each
//! process's last reading. A [`Frame`] is the difference of two readings per process
//! ([`Snapshot::since`]), summed over processes ([`Interval::merge`]): exact calls, times and
//! histograms of the interval. [`Frame::table`] lays it out (sorted, filtered, per-process rows,
//! columns dropped to fit a width), [`Frame::to_text`] and [`Frame::to_json`] print it.
//!
//! The watched processes pay nothing: no signal, no ptrace, no thread of theirs; their files
//! are read as bytes (see [`crate::profile::load_dir`]) and `/profile.json` is answered by the
//! metrics thread they already run.

mod frame;
mod source;

pub use frame::{Column, Frame, Table, View};
pub use source::{MAX_PROFILE_BYTES, Source, URL_TIMEOUT};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::error::TimingError;
use crate::profile::Snapshot;
use crate::profile::snapshot::Interval;

/// What is known of one watched process.
struct Watched {
    label: String,
    /// Read after the process was seen exited: its file is final, no need to read it again.
    final_read: bool,
    /// `current` was not read again at this read (the interval is empty).
    unchanged: bool,
    /// The interval of the last read (kept while `unchanged`: an exited process's empty
    /// interval is computed once).
    interval: Option<Arc<Interval>>,
    previous: Snapshot,
    current: Snapshot,
    live: bool,
    start_ns: Option<u64>,
}

/// The state of one source between reads.
struct SourceState {
    source: Source,
    processes: BTreeMap<String, Watched>,
}

/// Watches sources: call [`Watch::read`] once per interval.
pub struct Watch {
    sources: Vec<SourceState>,
    last_read: Option<Instant>,
    started: Instant,
    started_ns: u64,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Whether process `pid` of this host is alive (`kill(pid, 0)` sends no signal).
fn is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// This host's name as it appears in process file names.
fn file_host() -> String {
    crate::profile::Process::current()
        .host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Watch {
    /// A watch of `sources` (command-line words: directories or `http://` URLs).
    pub fn new(sources: &[String]) -> Result<Watch, TimingError> {
        if sources.is_empty() {
            return Err(TimingError::invalid(
                "sources",
                "give at least one directory or http:// URL",
            ));
        }
        let sources = sources
            .iter()
            .map(|s| {
                Source::parse(s).map(|source| SourceState {
                    source,
                    processes: BTreeMap::new(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Watch {
            sources,
            last_read: None,
            started: Instant::now(),
            started_ns: now_ns(),
        })
    }

    /// Reads every source and returns the frame of the interval since the previous read (the
    /// first read gives an interval of zero length: cumulative figures only). `seconds`
    /// overrides the measured interval length (for exact tests).
    pub fn read(&mut self, seconds: Option<f64>) -> Frame {
        let now = Instant::now();
        let measured = self
            .last_read
            .map_or(0.0, |t| now.duration_since(t).as_secs_f64());
        let first = self.last_read.is_none();
        self.last_read = Some(now);
        let seconds = seconds.unwrap_or(measured);
        let mut problems = Vec::new();
        let host = file_host();
        for state in &mut self.sources {
            for w in state.processes.values_mut() {
                // A final reading stays as it is (not read again, nothing new); the others
                // become the previous reading.
                w.unchanged = w.final_read;
                if !w.final_read {
                    w.previous = std::mem::replace(&mut w.current, Snapshot::empty());
                }
            }
            match &state.source {
                Source::Dir(dir) => match source::read_dir(dir, |stem| {
                    state.processes.get(stem).is_some_and(|w| w.final_read)
                }) {
                    Err(e) => {
                        problems.push(e);
                        for w in state.processes.values_mut() {
                            if !w.unchanged {
                                w.current = w.previous.clone();
                            }
                            w.live = false;
                        }
                    }
                    Ok((readings, stems)) => {
                        let seen: std::collections::BTreeSet<String> = stems.into_iter().collect();
                        for r in readings {
                            // Alive is checked before the file is used: a process found dead
                            // here wrote everything before this read, so this reading is final.
                            let live = r.host != host || is_alive(r.pid);
                            match r.result {
                                Ok(snapshot) => {
                                    let w =
                                        state.processes.entry(r.stem).or_insert_with(|| Watched {
                                            label: format!("{}:{}", r.host, r.pid),
                                            final_read: false,
                                            unchanged: false,
                                            interval: None,
                                            previous: Snapshot::empty(),
                                            current: Snapshot::empty(),
                                            live,
                                            start_ns: Some(r.start_ns),
                                        });
                                    w.current = snapshot;
                                    w.live = live;
                                    w.final_read = !live;
                                    // The first read has no interval (no clone needed).
                                    w.unchanged |= first;
                                }
                                Err(e) => {
                                    problems.push(e);
                                    if let Some(w) = state.processes.get_mut(&r.stem) {
                                        w.current = w.previous.clone();
                                        w.live = live;
                                    }
                                }
                            }
                        }
                        // A file removed: the process is gone, its counts stay.
                        for (stem, w) in &mut state.processes {
                            if !seen.contains(stem) {
                                if !w.unchanged {
                                    w.current = w.previous.clone();
                                }
                                w.live = false;
                                w.final_read = true;
                            }
                        }
                    }
                },
                Source::Url { text, url } => {
                    let key = text.clone();
                    match source::read_url(url) {
                        Ok(snapshot) => {
                            let label = match snapshot.processes() {
                                [p] => format!("{}:{}", p.host, p.pid),
                                _ => url.authority(),
                            };
                            let w = state.processes.entry(key).or_insert_with(|| Watched {
                                label,
                                final_read: false,
                                unchanged: false,
                                interval: None,
                                previous: Snapshot::empty(),
                                current: Snapshot::empty(),
                                live: true,
                                start_ns: None,
                            });
                            w.current = snapshot;
                            w.live = true;
                            w.unchanged |= first;
                        }
                        Err(e) => {
                            problems.push(format!("{text}: {e}"));
                            if let Some(w) = state.processes.get_mut(&key) {
                                w.current = w.previous.clone();
                                w.live = false;
                            }
                        }
                    }
                }
            }
        }
        for state in &mut self.sources {
            for w in state.processes.values_mut() {
                if !(w.unchanged && w.interval.is_some()) {
                    w.interval = Some(Arc::new(if w.unchanged {
                        w.current.since(&w.current)
                    } else {
                        w.current.since(&w.previous)
                    }));
                }
            }
        }
        self.frame(seconds, problems)
    }

    fn frame(&self, seconds: f64, problems: Vec<String>) -> Frame {
        let mut processes = Vec::new();
        let (mut live, mut exited, mut threads) = (0usize, 0usize, 0usize);
        let mut earliest: Option<u64> = None;
        for state in &self.sources {
            for w in state.processes.values() {
                if w.live {
                    live += 1;
                    threads += w
                        .current
                        .threads()
                        .iter()
                        .filter(|t| !t.thread.ends_with("(exited threads)"))
                        .count();
                } else {
                    exited += 1;
                }
                if let Some(s) = w.start_ns {
                    earliest = Some(earliest.map_or(s, |e| e.min(s)));
                }
                processes.push(frame::ProcessInterval {
                    label: w.label.clone(),
                    live: w.live,
                    interval: w
                        .interval
                        .clone()
                        .unwrap_or_else(|| Arc::new(w.current.since(&w.previous))),
                });
            }
        }
        let merged = Interval::merge(processes.iter().map(|p| &*p.interval));
        let start = earliest.unwrap_or(self.started_ns).min(self.started_ns);
        let uptime = now_ns().saturating_sub(start) as f64 / 1e9;
        Frame {
            seconds,
            uptime: uptime.max(self.started.elapsed().as_secs_f64()),
            live,
            exited,
            threads,
            sources: self.sources.iter().map(|s| s.source.label()).collect(),
            problems,
            merged,
            processes,
        }
    }
}
