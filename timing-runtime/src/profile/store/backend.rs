//! Where a store's chunks live: heap memory, or a memory-mapped file that outlives the process.

use std::alloc::{Layout, alloc_zeroed};
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// One chunk of a store: `bytes` bytes at `base`, at `offset` in the store (and its file).
#[derive(Clone, Copy)]
pub(crate) struct Chunk {
    pub(crate) base: *mut u64,
    pub(crate) bytes: usize,
    pub(crate) offset: u64,
    /// Mapped from the file (not heap memory).
    pub(crate) mapped: bool,
}

/// The memory behind a store.
pub(crate) enum Backend {
    /// Zeroed heap allocations, never freed (slots and histograms are recycled instead).
    Heap,
    /// A file in `PERFORMANCE_TIMING_DIR`, mapped shared chunk by chunk: every counter the
    /// hot path stores lands in the page cache, so it survives `SIGTERM`, `os._exit` and
    /// crashes of the process.
    File { path: PathBuf, file: File },
}

/// Alignment of chunks (and the size they are rounded up to): a page.
pub(crate) const CHUNK_ALIGN: usize = 4096;

impl Backend {
    /// A new file named `name` in `dir` (created if missing).
    pub(crate) fn create_file(dir: &Path, name: &str) -> std::io::Result<Backend> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(name);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(Backend::File { path, file })
    }

    /// The file's path, for the file backend.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Backend::Heap => None,
            Backend::File { path, .. } => Some(path),
        }
    }

    /// A zeroed chunk of `bytes` bytes (a multiple of [`CHUNK_ALIGN`]) at `offset`.
    pub(crate) fn chunk(&self, offset: u64, bytes: usize) -> std::io::Result<Chunk> {
        let mapped = matches!(self, Backend::File { .. });
        let base = match self {
            Backend::Heap => {
                let layout = Layout::from_size_align(bytes, CHUNK_ALIGN)
                    .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
                // SAFETY: the layout has a non-zero size.
                let p = unsafe { alloc_zeroed(layout) };
                if p.is_null() {
                    return Err(std::io::ErrorKind::OutOfMemory.into());
                }
                p.cast::<u64>()
            }
            Backend::File { file, .. } => {
                let off = libc::off_t::try_from(offset)
                    .map_err(|_| std::io::Error::from(std::io::ErrorKind::FileTooLarge))?;
                if offset + bytes as u64 > crate::profile::MAX_PROFILE_FILE {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::FileTooLarge,
                        format!(
                            "the file would pass {} bytes, the most a profile file may have",
                            crate::profile::MAX_PROFILE_FILE
                        ),
                    ));
                }
                let len = libc::off_t::try_from(bytes)
                    .map_err(|_| std::io::Error::from(std::io::ErrorKind::FileTooLarge))?;
                // Reserve the blocks before mapping them: a store into a page of a sparse
                // file that the disk cannot hold is a SIGBUS, not an error.
                reserve(file, off, len)?;
                // SAFETY: a fresh shared mapping of a range of our own file; nothing else is
                // mapped at the address the kernel picks.
                let p = unsafe {
                    libc::mmap(
                        std::ptr::null_mut(),
                        bytes,
                        libc::PROT_READ | libc::PROT_WRITE,
                        libc::MAP_SHARED,
                        file.as_raw_fd(),
                        off,
                    )
                };
                if p == libc::MAP_FAILED {
                    return Err(std::io::Error::last_os_error());
                }
                p.cast::<u64>()
            }
        };
        Ok(Chunk {
            base,
            bytes,
            offset,
            mapped,
        })
    }

    /// The file backend after a chunk could not be added: a file that holds nothing yet (its
    /// first chunk failed) is removed, so that [`load_dir`](crate::profile::load_dir) does not
    /// meet an empty profile. Returns whether it was removed.
    pub(crate) fn remove_if_empty(&self) -> bool {
        match self {
            Backend::File { path, file } => {
                file.metadata().is_ok_and(|m| m.len() == 0) && std::fs::remove_file(path).is_ok()
            }
            Backend::Heap => false,
        }
    }

    /// In a forked child: makes the parent's file chunks private copies at the same
    /// addresses, so that nothing the child still writes there (a call open across the fork
    /// finishing) reaches the parent's file. The heap needs nothing: it is already a copy.
    pub(crate) fn detach_after_fork(&self, chunks: &[Chunk]) {
        let Backend::File { file, .. } = self else {
            return;
        };
        for c in chunks.iter().filter(|c| c.mapped) {
            let Ok(off) = libc::off_t::try_from(c.offset) else {
                continue;
            };
            // SAFETY: replaces our own mapping of this range by a private mapping of the same
            // file range (same contents) at the same address and length.
            unsafe {
                libc::mmap(
                    c.base.cast(),
                    c.bytes,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_FIXED,
                    file.as_raw_fd(),
                    off,
                );
            }
        }
    }
}

/// Allocates `len` bytes of `file` at `off` (`posix_fallocate`: real blocks, not a hole), so
/// that the mapping of that range can never fault for want of space. On failure (`ENOSPC`,
/// a quota) the file is cut back to `off`.
fn reserve(file: &File, off: libc::off_t, len: libc::off_t) -> std::io::Result<()> {
    // SAFETY: plain system call on our own descriptor.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), off, len) };
    if rc == 0 {
        return Ok(());
    }
    let err = std::io::Error::from_raw_os_error(rc);
    let _ = file.set_len(u64::try_from(off).unwrap_or(0));
    Err(err)
}
