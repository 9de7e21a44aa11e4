//! Files: reading text with a size limit, and atomic, durable writes (with the
//! temporary files of interrupted writes cleaned up). The command line and the window
//! both use these; neither owns them.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write;
use std::path::Path;

#[cfg(not(target_arch = "wasm32"))]
use anyhow::Context;
use anyhow::Result;

/// The largest file the window and `check` open: 256 MB.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a file as UTF-8 text with a message that says what to do. Files over
/// [`MAX_FILE_BYTES`] are refused, as the window refuses them
/// (reading stops there, so `/dev/zero` is refused too).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_text(path: &Path) -> Result<String> {
    use std::io::Read;
    let limit = MAX_FILE_BYTES;
    let too_big = || {
        anyhow::anyhow!(
            "{} is larger than {} MB, the largest file this build opens (the window has the same limit); split it, or open a smaller one",
            path.display(),
            limit / (1024 * 1024)
        )
    };
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    if file.metadata().is_ok_and(|m| m.len() > limit) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    text_from_bytes(path, bytes)
}

/// The bytes of `path` as text, or a message saying it is not UTF-8.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8 and try again",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The start of the names of `name`'s temporary files: `.NAME.tmp-`.
#[cfg(not(target_arch = "wasm32"))]
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// Removes the temporary files that interrupted saves of `path` left beside it (a
/// save killed between writing and renaming): those no running save holds locked.
/// Returns how many it removed. Run before every save and, by the window, at start.
#[cfg(not(target_arch = "wasm32"))]
pub fn clean_stale_temps(path: &Path) -> usize {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return 0;
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = temp_prefix(name);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !file_name.to_str().is_some_and(|f| f.starts_with(&prefix)) {
            continue;
        }
        let stale = match std::fs::OpenOptions::new().write(true).open(entry.path()) {
            // Locked by a save under way (here or in another process): leave it.
            Ok(f) => match f.try_lock() {
                Ok(()) => true,
                Err(std::fs::TryLockError::WouldBlock) => false,
                // No locks here: stale once an hour old.
                Err(std::fs::TryLockError::Error(_)) => f
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > std::time::Duration::from_secs(3600)),
            },
            Err(_) => false,
        };
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Makes a rename in `dir` durable (Unix: fsync the folder). Elsewhere a no-op.
#[cfg(not(target_arch = "wasm32"))]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Writes a file atomically and durably: write beside it, sync, rename over it, then
/// sync the folder so that the rename survives a power cut.
#[cfg(not(target_arch = "wasm32"))]
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "snapshot".to_string());
    // What an interrupted save of this file left beside it goes first.
    clean_stale_temps(path);
    // Unique per write, so that two writes of the same file never share a temp file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{}{}-{n}", temp_prefix(&name), std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        // Held while the save runs: a temporary file nobody holds is stale (its save was
        // killed), and [`clean_stale_temps`] may remove it. The system lets go of the
        // lock when the process ends, however it ends. Where locks are not supported
        // the temporary file is only removed once it is stale by age.
        let _ = f.lock();
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot sync {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        // The rename itself is durable only once the folder is synced.
        sync_dir(dir).with_context(|| format!("cannot sync the folder {}", dir.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
