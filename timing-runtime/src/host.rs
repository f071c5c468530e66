//! Facts about the host machine that measurements depend on: available memory (and the check
//! every large allocation passes first), the last-level cache, and the [`Metadata`] saved with
//! every benchmark result.

use serde::{Deserialize, Serialize};

use crate::clock::precision::CLOCK_NAME;
use crate::error::TimingError;

/// Where and how samples were taken: saved with every benchmark result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The clock that timed the samples.
    pub clock: String,
    /// Logical CPUs available to the process.
    pub cpu_count: usize,
    /// The Python version (`sys.version`) when run from Python, else `None`.
    pub python: Option<String>,
    /// The platform (`platform.platform()` from Python, `os-arch` from Rust).
    pub platform: String,
    /// The version of `timing-runtime` that took the samples.
    pub timing_runtime: String,
}

impl Metadata {
    /// The metadata of this process, as seen from Rust.
    ///
    /// ```
    /// let m = timing_runtime::host::Metadata::current();
    /// assert!(m.cpu_count >= 1 && m.python.is_none());
    /// ```
    pub fn current() -> Self {
        Self {
            clock: CLOCK_NAME.to_owned(),
            cpu_count: cpu_count(),
            python: None,
            platform: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
            timing_runtime: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Logical CPUs available to this process (at least 1).
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Checks, without allocating, that `bytes` can be allocated: they must fit in the address
/// space, in the memory the host reports as available (`MemAvailable`), under the process's
/// address-space limit (`RLIMIT_AS`, as set by `ulimit -v` or `prlimit --as`) and under its
/// cgroup's memory limit (cgroup v2 `memory.max`).
///
/// ```
/// use timing_runtime::host::check_allocation;
/// assert!(check_allocation(1024).is_ok());
/// assert!(check_allocation(u128::MAX).is_err());
/// ```
pub fn check_allocation(bytes: u128) -> Result<(), TimingError> {
    let refuse = |reason: String| TimingError::Allocation { bytes, reason };
    if bytes > isize::MAX as u128 {
        return Err(refuse("larger than the address space allows".into()));
    }
    if let Some(available) = available_memory_bytes()
        && bytes > available
    {
        return Err(refuse(format!("only {available} bytes are available")));
    }
    if let Some(room) = address_space_room_bytes()
        && bytes > room
    {
        return Err(refuse(format!(
            "only {room} bytes are left under the address-space limit (RLIMIT_AS)"
        )));
    }
    if let Some(room) = cgroup_room_bytes()
        && bytes > room
    {
        return Err(refuse(format!(
            "only {room} bytes are left under the cgroup's memory limit"
        )));
    }
    Ok(())
}

/// Bytes of memory the kernel reports as available for new allocations
/// (`MemAvailable` in `/proc/meminfo`), or `None` where that is unknown.
pub fn available_memory_bytes() -> Option<u128> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

/// Bytes of address space left under the soft `RLIMIT_AS` (the limit minus the process's
/// current `VmSize`), or `None` when there is no limit or it cannot be read.
pub fn address_space_room_bytes() -> Option<u128> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let limit = parse_address_space_limit(&limits)?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let used = parse_kib_field(&status, "VmSize:")?;
    Some(limit.saturating_sub(used))
}

/// Bytes left under the memory limit of this process's cgroup (v2: `memory.max` minus
/// `memory.current`), or `None` without a limit.
fn cgroup_room_bytes() -> Option<u128> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroups.lines().find_map(|l| l.strip_prefix("0::"))?;
    let dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let max: u128 = read("memory.max")?.trim().parse().ok()?;
    let current: u128 = read("memory.current")?.trim().parse().ok()?;
    Some(max.saturating_sub(current))
}

/// The soft "Max address space" of `/proc/self/limits` in bytes (`None` when unlimited).
fn parse_address_space_limit(limits: &str) -> Option<u128> {
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A `kB` field such as `VmSize:` of `/proc/self/status`, in bytes.
fn parse_kib_field(text: &str, field: &str) -> Option<u128> {
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: u128 = line[field.len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Bytes of the last-level data cache of CPU 0 (the highest-level data or unified cache in
/// `/sys/devices/system/cpu/cpu0/cache`), or `None` where sysfs does not say.
pub fn last_level_cache_bytes() -> Option<u64> {
    let dir = std::fs::read_dir("/sys/devices/system/cpu/cpu0/cache").ok()?;
    let mut best: Option<(u32, u64)> = None;
    for entry in dir.flatten() {
        let read = |name: &str| std::fs::read_to_string(entry.path().join(name)).ok();
        if read("type").is_some_and(|t| t.trim() == "Instruction") {
            continue;
        }
        let (Some(level), Some(size)) = (read("level"), read("size")) else {
            continue;
        };
        let (Ok(level), Some(size)) = (level.trim().parse::<u32>(), parse_cache_size(&size)) else {
            continue;
        };
        if best.is_none_or(|b| (level, size) > b) {
            best = Some((level, size));
        }
    }
    best.map(|(_, size)| size)
}

/// Parses a sysfs cache size such as `32768K`, `1M` or `512` (bytes).
///
/// ```
/// use timing_runtime::host::parse_cache_size;
/// assert_eq!(parse_cache_size("32768K\n"), Some(32 << 20));
/// assert_eq!(parse_cache_size("1M"), Some(1 << 20));
/// assert_eq!(parse_cache_size("oops"), None);
/// ```
pub fn parse_cache_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let scale: u64 = match unit.trim() {
        "" => 1,
        "K" | "k" => 1 << 10,
        "M" | "m" => 1 << 20,
        "G" | "g" => 1 << 30,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

fn parse_mem_available(meminfo: &str) -> Option<u128> {
    parse_kib_field(meminfo, "MemAvailable:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_meminfo() {
        let text = "MemTotal:       24000000 kB\nMemAvailable:   1000 kB\n";
        assert_eq!(parse_mem_available(text), Some(1_024_000));
        assert_eq!(parse_mem_available("nothing"), None);
    }

    #[test]
    fn parses_address_space_limits() {
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(parse_address_space_limit(unlimited), None);
        let limited = "Max cpu time  unlimited unlimited seconds\n\
                       Max address space         2147483648           unlimited            bytes\n";
        assert_eq!(parse_address_space_limit(limited), Some(2 << 30));
        assert_eq!(
            parse_kib_field("VmSize:\t    3892 kB\n", "VmSize:"),
            Some(3892 * 1024)
        );
    }

    #[test]
    fn finds_a_plausible_cache_here() {
        // Every Linux host we run on exposes sysfs caches; anything found must be sane.
        if let Some(bytes) = last_level_cache_bytes() {
            assert!((64 << 10..=4 << 30).contains(&bytes), "{bytes}");
        }
        assert_eq!(parse_cache_size("48K"), Some(48 * 1024));
        assert_eq!(parse_cache_size("12X"), None);
    }
}
