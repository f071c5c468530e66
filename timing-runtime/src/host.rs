//! Facts about the host machine that measurements depend on.

/// Bytes of memory the kernel reports as available for new allocations
/// (`MemAvailable` in `/proc/meminfo`), or `None` where that is unknown.
pub fn available_memory_bytes() -> Option<u128> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
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
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
    fn finds_a_plausible_cache_here() {
        // Every Linux host we run on exposes sysfs caches; anything found must be sane.
        if let Some(bytes) = last_level_cache_bytes() {
            assert!((64 << 10..=4 << 30).contains(&bytes), "{bytes}");
        }
        assert_eq!(parse_cache_size("48K"), Some(48 * 1024));
        assert_eq!(parse_cache_size("12X"), None);
    }
}
