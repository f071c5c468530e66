//! The sources `top` reads: a directory of multi-process mode (every process's file, one by
//! one, so a bad file is reported and the others still shown) or the `/profile.json` of a
//! `/metrics` endpoint, each read within a time bound.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::error::TimingError;
use crate::export::http::HttpUrl;
use crate::profile::Snapshot;
use crate::profile::snapshot::process_file;

/// Longest profile file or `/profile.json` body read (a larger one is reported, not read).
pub const MAX_PROFILE_BYTES: u64 = 256 * 1024 * 1024;

/// How long reading one URL may take (connecting, sending, reading the answer).
pub const URL_TIMEOUT: Duration = Duration::from_secs(2);

/// Where `top` reads profiles from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory of multi-process mode (`PERFORMANCE_TIMING_DIR`).
    Dir(PathBuf),
    /// A `/metrics` endpoint of [`serve_metrics`](crate::export::metrics_server); its exact
    /// snapshot is read from `/profile.json` beside it.
    Url {
        /// The URL as given.
        text: String,
        /// The URL, parsed.
        url: HttpUrl,
    },
}

impl Source {
    /// A source from a command-line word: an `http://` URL, or else a directory.
    pub fn parse(text: &str) -> Result<Source, TimingError> {
        if text.is_empty() {
            return Err(TimingError::invalid(
                "source",
                "must be a directory or an http:// URL, got ''",
            ));
        }
        if text.contains("://") {
            return Ok(Source::Url {
                text: text.to_owned(),
                url: HttpUrl::parse(text, "source")?,
            });
        }
        Ok(Source::Dir(PathBuf::from(text)))
    }

    /// The source as shown in the header.
    pub fn label(&self) -> String {
        match self {
            Source::Dir(dir) => dir.display().to_string(),
            Source::Url { text, .. } => text.clone(),
        }
    }
}

/// One process's reading of a directory: its file's stem and what reading it gave.
pub(crate) struct FileReading {
    pub stem: String,
    pub host: String,
    pub pid: u32,
    pub start_ns: u64,
    pub result: Result<Snapshot, String>,
}

/// `host-pid-start` split, or `None`.
pub(crate) fn parse_stem(stem: &str) -> Option<(String, u32, u64)> {
    let mut parts = stem.rsplitn(3, '-');
    let start = parts.next()?;
    let pid = parts.next()?;
    let host = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if host.is_empty() || !digits(pid) || !digits(start) {
        return None;
    }
    Some((host.to_owned(), pid.parse().ok()?, start.parse().ok()?))
}

/// Reads one file of at most [`MAX_PROFILE_BYTES`]: regular files only (a FIFO, a device or a
/// symlink to one is refused without blocking: the file is opened non-blocking and checked).
fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > MAX_PROFILE_BYTES {
        return Err(format!(
            "{} bytes, more than the {MAX_PROFILE_BYTES} bytes a profile may have",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_PROFILE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Reads every process file of `dir`, each on its own: a `.ptprof` file (or the `.json` of
/// a dump when the process has no live file). Fails only when the directory cannot be listed.
///
/// `skip(stem)` says which files need not be read again (the final file of a process already
/// read after it exited); they are left out. Files are read in parallel.
pub(crate) fn read_dir(
    dir: &Path,
    skip: impl Fn(&str) -> bool + Sync,
) -> Result<(Vec<FileReading>, Vec<String>), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // stem -> (live file, dumped file)
    let mut found: std::collections::BTreeMap<String, Files> = Default::default();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if parse_stem(stem).is_none() {
            continue;
        }
        let slot = found.entry(stem.to_owned()).or_default();
        match ext {
            "ptprof" => slot.0 = Some(path),
            "json" => slot.1 = Some(path),
            _ => {}
        }
    }
    let stems: Vec<String> = found.keys().cloned().collect();
    let work: Vec<(String, Files)> = found.into_iter().filter(|(stem, _)| !skip(stem)).collect();
    let out = work
        .into_par_iter()
        .filter_map(|(stem, files)| read_one(stem, files))
        .collect();
    Ok((out, stems))
}

/// A process's files: the live `.ptprof` and the dumped `.json`.
type Files = (Option<PathBuf>, Option<PathBuf>);

fn read_one(stem: String, (live, dumped): Files) -> Option<FileReading> {
    {
        let (host, pid, start_ns) = parse_stem(&stem)?;
        let result = match (live, dumped) {
            (Some(path), _) => match read_regular(&path) {
                Ok(bytes) if bytes.is_empty() => return None, // just created
                Ok(bytes) => process_file::read(&bytes),
                Err(e) => Err(e),
            }
            .map_err(|e| format!("{}: {e}", path.display())),
            (None, Some(path)) => read_regular(&path)
                .and_then(|bytes| {
                    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
                    Snapshot::from_json(&text).map_err(|e| e.to_string())
                })
                .map_err(|e| format!("{}: {e}", path.display())),
            (None, None) => return None,
        };
        Some(FileReading {
            stem,
            host,
            pid,
            start_ns,
            result,
        })
    }
}

/// Reads the exact snapshot of the `/metrics` endpoint `url`: `GET /profile.json` beside it,
/// all of it within [`URL_TIMEOUT`].
pub(crate) fn read_url(url: &HttpUrl) -> Result<Snapshot, String> {
    let deadline = Instant::now() + URL_TIMEOUT;
    let prefix = url.path.strip_suffix("/metrics").unwrap_or(&url.path);
    let path = format!("{prefix}/profile.json");
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", url.host))?
        .collect();
    let mut stream = None;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, URL_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = stream.ok_or_else(|| match last {
        Some(e) => format!("cannot connect to {}: {e}", url.authority()),
        None => format!("cannot resolve {}", url.host),
    })?;
    let fail = |e: std::io::Error| {
        if matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ) {
            format!(
                "{} did not answer within {} s",
                url.authority(),
                URL_TIMEOUT.as_secs()
            )
        } else {
            format!("reading {}: {e}", url.authority())
        }
    };
    stream.set_write_timeout(Some(URL_TIMEOUT)).map_err(fail)?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        url.authority()
    );
    stream.write_all(request.as_bytes()).map_err(fail)?;
    let mut reply = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(fail(std::io::ErrorKind::TimedOut.into()));
        }
        stream.set_read_timeout(Some(left)).map_err(fail)?;
        let n = stream.read(&mut chunk).map_err(fail)?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&chunk[..n]);
        if reply.len() as u64 > MAX_PROFILE_BYTES {
            return Err(format!(
                "{} sent more than {MAX_PROFILE_BYTES} bytes",
                url.authority()
            ));
        }
    }
    let end = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{} did not answer HTTP", url.authority()))?;
    let head = String::from_utf8_lossy(&reply[..end]);
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| format!("{} did not answer HTTP", url.authority()))?;
    if status == 404 {
        return Err(format!(
            "http://{}{path} not found: top reads the exact profile that \
             performance_timing.serve_metrics() serves beside /metrics",
            url.authority()
        ));
    }
    if status != 200 {
        return Err(format!(
            "http://{}{path} answered HTTP {status}",
            url.authority()
        ));
    }
    let body = std::str::from_utf8(&reply[end + 4..])
        .map_err(|_| format!("http://{}{path}: not UTF-8", url.authority()))?;
    Snapshot::from_json(body).map_err(|e| format!("http://{}{path}: {e}", url.authority()))
}
