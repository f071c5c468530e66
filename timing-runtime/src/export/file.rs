//! Writing an export to a file with nothing half-written left behind.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static TEMPORARIES: AtomicU64 = AtomicU64::new(0);

/// Writes `path` through `write`: into a temporary file in the same directory, renamed over
/// `path` only once complete. On any error the temporary is removed and `path` is untouched.
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("pt-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("out.txt");
/// timing_runtime::export::file::write_atomically(&path, |w| w.write_all(b"done")).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"done");
/// assert!(timing_runtime::export::file::write_atomically(&dir.join("no/such/dir/x"), |_| Ok(())).is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let temporary = temporary_beside(path);
    let result = File::create_new(&temporary).and_then(|file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        write(&mut writer)?;
        writer.flush()?;
        drop(writer);
        fs::rename(&temporary, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// `dir/.name.<pid>.<n>.tmp` beside `path`.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_owned());
    let n = TEMPORARIES.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}
