//! The identity of a process whose profile is recorded: host name and process id.

use serde::{Deserialize, Serialize};

/// A process a profile comes from (listed by [`Snapshot::processes`](super::Snapshot::processes)).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Process {
    /// The host's name (`gethostname`).
    pub host: String,
    /// The process id on that host.
    pub pid: u32,
}

impl Process {
    /// The calling process.
    ///
    /// ```
    /// let me = timing_runtime::profile::Process::current();
    /// assert_eq!(me.pid, std::process::id());
    /// assert!(!me.host.is_empty());
    /// ```
    pub fn current() -> Self {
        Self {
            host: host_name(),
            pid: std::process::id(),
        }
    }
}

/// This host's name, or `"localhost"` when it cannot be read.
pub(crate) fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let len = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match (rc, std::str::from_utf8(&buf[..len])) {
        (0, Ok(name)) if !name.is_empty() => name.to_owned(),
        _ => "localhost".to_owned(),
    }
}
