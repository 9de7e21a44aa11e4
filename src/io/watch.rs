//! Watches the open snapshot file so that the window can offer to reload it when it
//! changes on disk (an editor saving it, a colleague's copy replacing it).
//!
//! Desktop-only: a browser page cannot see the file on disk again after it was picked,
//! so in the web build [`FileWatch::new`] watches nothing and the window says so.

#[cfg(not(target_arch = "wasm32"))]
use std::ffi::OsString;
use std::path::Path;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::mpsc::{Receiver, channel};

#[cfg(not(target_arch = "wasm32"))]
use notify::{EventKind, RecursiveMode, Watcher};

/// A watch on one file. Dropping it stops watching.
#[cfg(not(target_arch = "wasm32"))]
pub struct FileWatch {
    _watcher: notify::RecommendedWatcher,
    rx: Receiver<()>,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileWatch {
    /// Watches `path` (through its folder, since editors often replace the file);
    /// `wake` is called on each change. `None` if the system cannot watch it.
    pub fn new(path: &Path, wake: impl Fn() + Send + 'static) -> Option<FileWatch> {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let folder = path.parent()?.to_path_buf();
        let name: OsString = path.file_name()?.to_os_string();
        let (tx, rx) = channel();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let Ok(event) = res else { return };
            if matches!(event.kind, EventKind::Access(_)) {
                return;
            }
            if event
                .paths
                .iter()
                .any(|p| p.file_name() == Some(name.as_os_str()))
            {
                // The window may have gone; then there is no one to tell.
                let _ = tx.send(());
                wake();
            }
        })
        .ok()?;
        watcher.watch(&folder, RecursiveMode::NonRecursive).ok()?;
        Some(FileWatch {
            _watcher: watcher,
            rx,
        })
    }

    /// Whether the file changed since the last call.
    pub fn changed(&self) -> bool {
        let mut any = false;
        while self.rx.try_recv().is_ok() {
            any = true;
        }
        any
    }
}

/// In a browser nothing is watched.
#[cfg(target_arch = "wasm32")]
pub struct FileWatch;

#[cfg(target_arch = "wasm32")]
impl FileWatch {
    /// Always `None`: a page cannot watch files on disk.
    pub fn new(_path: &Path, _wake: impl Fn() + Send + 'static) -> Option<FileWatch> {
        None
    }

    /// Never changed.
    pub fn changed(&self) -> bool {
        false
    }
}
