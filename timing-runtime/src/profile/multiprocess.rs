//! Multi-process mode: every process's profile in one directory, merged by [`load_dir`].
//!
//! With `PERFORMANCE_TIMING_DIR` set when a process first records (or, for a forked child,
//! at the fork), its profile lives in `$PERFORMANCE_TIMING_DIR/host-pid-start.ptprof`, a file
//! the recording threads write through a shared memory mapping — no flush, no exit handler:
//! what a process recorded is there even if it is killed (`SIGTERM` from `Pool.terminate()`)
//! or leaves through `os._exit`. [`dump`] writes a process's profile on demand (for a process
//! without the variable, or to another directory); [`load_dir`] reads every process's file and
//! merges them, counting each process once.
//!
//! ```
//! use timing_runtime::profile::{self, CallSite, Guard};
//! static SITE: CallSite = CallSite::new(Some("mp_doc"), module_path!(), file!(), line!(), || "");
//! drop(Guard::enter(&SITE));
//! let dir = std::env::temp_dir().join(format!("pt-doc-{}", std::process::id()));
//! let written = profile::dump(Some(&dir)).unwrap();
//! assert!(written.starts_with(&dir));
//! let merged = profile::load_dir(&dir).unwrap();
//! assert_eq!(merged.get("mp_doc").unwrap().calls(), profile::snapshot().get("mp_doc").unwrap().calls());
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::process::host_name;
use super::snapshot::{Snapshot, process_file, snapshot};
use super::store::{self, DIR_VARIABLE, EXTENSION, process_file_stem};

/// Why [`dump`] or [`load_dir`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileFileError {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file is not a readable profile (`reason` says why), or no directory was given.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file (empty when no directory was given).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ProfileFileError + '_ {
    move |source| ProfileFileError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes this process's profile into `dir` (default: `$PERFORMANCE_TIMING_DIR`) and returns
/// the file.
///
/// When this process already keeps its profile in that directory (multi-process mode), the
/// file is that live `.ptprof` file, synced to disk; otherwise it is a snapshot written as
/// `host-pid-start.json` (replaced at each call, atomically), which [`load_dir`] reads too.
pub fn dump(dir: Option<&Path>) -> Result<PathBuf, ProfileFileError> {
    if let Some(host) = super::shared::guest::host() {
        return super::shared::guest::dump(host, dir)
            .map(PathBuf::from)
            .map_err(|reason| ProfileFileError::Invalid {
                path: dir.map(Path::to_owned).unwrap_or_default(),
                reason,
            });
    }
    super::fork::install();
    let dir = match dir.map(Path::to_owned).or_else(store::configured_dir) {
        Some(dir) => dir,
        None => {
            return Err(ProfileFileError::Invalid {
                path: PathBuf::new(),
                reason: format!("no directory to dump into: pass one or set {DIR_VARIABLE}"),
            });
        }
    };
    let (live, start_ns) = store::with(|s| {
        let live = s
            .path()
            .filter(|p| same_dir(p.parent(), &dir))
            .map(Path::to_owned);
        if live.is_some() {
            s.flush().map_err(io_error(&dir))?;
        }
        Ok::<_, ProfileFileError>((live, s.start_ns()))
    })?;
    if let Some(path) = live {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    let stem = process_file_stem(&host_name(), std::process::id(), start_ns);
    let path = dir.join(format!("{stem}.json"));
    let temporary = dir.join(format!("{stem}.json.tmp"));
    std::fs::write(&temporary, snapshot().to_json()).map_err(io_error(&temporary))?;
    std::fs::rename(&temporary, &path).map_err(io_error(&path))?;
    Ok(path)
}

fn same_dir(a: Option<&Path>, b: &Path) -> bool {
    match (a.and_then(|a| a.canonicalize().ok()), b.canonicalize().ok()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Reads every process's profile in `dir` — the live `.ptprof` files of multi-process mode
/// and the `.json` files of [`dump`] — and merges them into one snapshot
/// ([`Snapshot::merge`]), counting each process once (its `.ptprof` file when it has both).
/// A directory without profiles gives an empty snapshot.
///
/// Files whose names are not `host-pid-start.ptprof` / `.json` are ignored; a profile file
/// that cannot be read is an error naming it, and so is one that is not a regular file (a
/// FIFO, a link to a device) or is larger than [`MAX_PROFILE_FILE`]: nothing waits or reads
/// without bound. Counts whose sum does not fit in 64 bits are an error too (never wrapped).
pub fn load_dir(dir: &Path) -> Result<Snapshot, ProfileFileError> {
    super::fork::install();
    // stem -> (live file, dumped file)
    let mut found: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let path = entry.map_err(io_error(dir))?.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if !is_process_stem(stem) {
            continue;
        }
        let slot = found.entry(stem.to_owned()).or_default();
        match ext {
            EXTENSION => slot.0 = Some(path),
            "json" => slot.1 = Some(path),
            _ => {}
        }
    }
    let mut parts = Vec::with_capacity(found.len());
    for (live, dumped) in found.into_values() {
        let part = match (live, dumped) {
            (Some(path), _) => {
                let bytes = read_profile_file(&path)?;
                if bytes.is_empty() {
                    continue; // a process that had just created its file
                }
                process_file::read(&bytes).map_err(|reason| ProfileFileError::Invalid {
                    path: path.clone(),
                    reason,
                })?
            }
            (None, Some(path)) => {
                let bytes = read_profile_file(&path)?;
                let text = String::from_utf8(bytes).map_err(|_| ProfileFileError::Invalid {
                    path: path.clone(),
                    reason: "is not UTF-8 text".to_owned(),
                })?;
                Snapshot::from_json(&text).map_err(|e| ProfileFileError::Invalid {
                    path: path.clone(),
                    reason: e.to_string(),
                })?
            }
            (None, None) => continue,
        };
        parts.push(part);
    }
    Snapshot::merge(&parts).map_err(|e| ProfileFileError::Invalid {
        path: dir.to_owned(),
        reason: format!("the profiles cannot be added: {e}"),
    })
}

/// Largest profile file [`load_dir`] reads (`.ptprof` or `.json`), and largest a process's
/// live file grows to (beyond it, the process records in memory): 1 GiB.
pub const MAX_PROFILE_FILE: u64 = 1 << 30;

/// Reads a profile file: a regular file (a symbolic link to one is followed) of at most
/// [`MAX_PROFILE_FILE`] bytes. A FIFO, device, socket or directory is refused at once, without
/// waiting for a writer or reading a byte.
fn read_profile_file(path: &Path) -> Result<Vec<u8>, ProfileFileError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let invalid = |reason: String| ProfileFileError::Invalid {
        path: path.to_owned(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(io_error(path))?;
    if !meta.is_file() {
        return Err(invalid(
            "is not a regular file (a FIFO, device, socket or directory); only regular files are read"
                .to_owned(),
        ));
    }
    // O_NONBLOCK: should the path have become a FIFO since, opening it does not wait.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io_error(path))?;
    let meta = file.metadata().map_err(io_error(path))?;
    if !meta.is_file() {
        return Err(invalid(
            "is not a regular file; only regular files are read".to_owned(),
        ));
    }
    let too_large = |len: u64| {
        invalid(format!(
            "is {len} bytes, larger than the {MAX_PROFILE_FILE} bytes a profile file may have"
        ))
    };
    if meta.len() > MAX_PROFILE_FILE {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    (&file)
        .take(MAX_PROFILE_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if bytes.len() as u64 > MAX_PROFILE_FILE {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Whether `stem` looks like `host-pid-start`.
fn is_process_stem(stem: &str) -> bool {
    let mut parts = stem.rsplitn(3, '-');
    let start = parts.next().unwrap_or("");
    let pid = parts.next().unwrap_or("");
    let host = parts.next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    !host.is_empty() && digits(pid) && digits(start)
}
