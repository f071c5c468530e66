//! The binary layout of a profile store, shared by the writer (this process) and the reader
//! of a process file ([`read`](super::read)).
//!
//! A store is a sequence of **chunks**; a chunk is a 64-byte header (`MAGIC`, its size in
//! bytes, the bytes used so far, reserved) followed by **entries**. Every entry starts with a
//! header word: its kind in the low 32 bits, its size in bytes (header included, a multiple of
//! 64: entries are cache-line aligned) in the high 32 bits. All words are native-endian `u64`s (the reader checks the magic,
//! so a file from a host of the other endianness is refused, not misread).
//!
//! | kind | body (words after the header) |
//! | --- | --- |
//! | `PROCESS` | layout version, pid, start time (ns since the Unix epoch), nanoseconds per 2^32 raw clock counts, reset epoch, clock (0 tsc, 1 monotonic), host length, host bytes |
//! | `SITE` | site id, line, module length, name length, file length, then the three strings |
//! | `THREAD` | thread number, reset epoch, state, name length, name bytes (at most 64) |
//! | `SLOT` | a [`SiteSlot`](crate::profile::slot::SiteSlot) (its first word is the header) |
//! | `BLOCK` | a histogram block: chunk table, then counters |
//! | `FREE` | nothing: a freed entry, kept for reuse |

/// First word of every chunk ("PTPROF" and the layout version).
pub(crate) const MAGIC: u64 = u64::from_ne_bytes(*b"PTPROF\x00\x01");
/// Version of this layout, written in the `PROCESS` entry.
pub(crate) const LAYOUT_VERSION: u64 = 2;
/// Bytes of a chunk header (one cache line, so entries start on a line).
pub(crate) const CHUNK_HEADER: usize = 64;
/// Entries start on, and are a multiple of, a cache line: two threads' slots or histograms
/// never share a line (which would make each thread's stores slow down the other's).
pub(crate) const ENTRY_ALIGN: usize = 64;
/// Word index of "bytes used" in a chunk header.
pub(crate) const CHUNK_USED: usize = 2;

pub(crate) const FREE: u32 = 0;
pub(crate) const PROCESS: u32 = 1;
pub(crate) const SITE: u32 = 2;
pub(crate) const THREAD: u32 = 3;
pub(crate) const SLOT: u32 = 4;
pub(crate) const BLOCK: u32 = 5;

/// The header word of an entry of `kind` and `bytes` bytes.
pub(crate) const fn header(kind: u32, bytes: usize) -> u64 {
    kind as u64 | ((bytes as u64) << 32)
}

/// `(kind, bytes)` of a header word.
pub(crate) const fn parse_header(word: u64) -> (u32, usize) {
    (word as u32, (word >> 32) as usize)
}

/// Words of a `PROCESS` entry body before the host bytes.
pub(crate) const PROCESS_FIELDS: usize = 7;
/// Maximum bytes of a host name kept.
pub(crate) const HOST_BYTES: usize = 256;
pub(crate) const P_VERSION: usize = 0;
pub(crate) const P_PID: usize = 1;
pub(crate) const P_START: usize = 2;
pub(crate) const P_SCALE: usize = 3;
pub(crate) const P_EPOCH: usize = 4;
pub(crate) const P_CLOCK: usize = 5;
pub(crate) const P_HOST_LEN: usize = 6;

/// Words of a `SITE` entry body before the strings.
pub(crate) const SITE_FIELDS: usize = 5;

/// `THREAD` entry body: number, epoch, state, name length, then the name.
pub(crate) const T_NUMBER: usize = 0;
pub(crate) const T_EPOCH: usize = 1;
pub(crate) const T_STATE: usize = 2;
pub(crate) const T_NAME_LEN: usize = 3;
pub(crate) const T_NAME: usize = 4;
/// Maximum bytes of a thread name kept.
pub(crate) const THREAD_NAME_BYTES: usize = 64;
/// Bytes of a `THREAD` entry (header included).
pub(crate) const THREAD_ENTRY: usize = 8 * (1 + T_NAME) + THREAD_NAME_BYTES;

/// `THREAD` state: not in use.
pub(crate) const STATE_UNUSED: u64 = 0;
/// `THREAD` state: a live thread's counters.
pub(crate) const STATE_LIVE: u64 = 1;
/// `THREAD` state: the merged counters of exited threads.
pub(crate) const STATE_EXITED: u64 = 2;

/// Thread number of the exited-threads totals.
pub(crate) const EXITED_THREAD: u64 = u64::MAX;
/// The name under which exited threads' totals are shown.
pub(crate) const EXITED_NAME: &str = "(exited threads)";

/// Bytes needed for `len` bytes of text, rounded up to whole words.
pub(crate) const fn padded(len: usize) -> usize {
    len.div_ceil(8) * 8
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(crate) fn truncated(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
