//! Loads snapshot files on a worker thread so that no frame waits on file I/O.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::model::Timeline;
use crate::model::format::RawSnapshot;
use crate::model::load::{Problem, Severity, load_raw};

/// Files larger than this are refused with a clear message.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What a load produced.
pub enum Loaded {
    /// The file loaded; warnings may be empty.
    Ok {
        /// The file.
        path: PathBuf,
        /// Its index.
        timeline: Box<Timeline>,
        /// The raw form, which scenarios apply to.
        raw: Box<RawSnapshot>,
        /// Things that look odd.
        warnings: Vec<Problem>,
    },
    /// The file is a scenario, not a snapshot.
    Scenario(PathBuf),
    /// The file could not be used.
    Failed {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

fn io_problem(message: String, hint: &str) -> Vec<Problem> {
    vec![Problem {
        severity: Severity::Error,
        pos: None,
        code: None,
        message,
        hint: hint.to_string(),
    }]
}

/// Reads, parses, validates and indexes one file. Runs on the worker thread.
pub fn load_file(path: &Path) -> Loaded {
    let fail = |problems| Loaded::Failed {
        path: path.to_path_buf(),
        problems,
    };
    match std::fs::metadata(path) {
        Err(e) => {
            return fail(io_problem(
                format!("cannot open {}: {e}", path.display()),
                "check that the file exists and that you may read it",
            ));
        }
        Ok(m) if m.is_dir() => {
            return fail(io_problem(
                format!("{} is a folder, not a snapshot file", path.display()),
                "choose a .ron file",
            ));
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return fail(io_problem(
                format!(
                    "{} is {} MB; the largest snapshot this build opens is {} MB",
                    path.display(),
                    m.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
                "split the snapshot, or open a smaller one",
            ));
        }
        Ok(_) => {}
    }
    let text = match crate::cli::read_text(path) {
        Ok(t) => t,
        Err(e) => return fail(io_problem(format!("{e:#}"), "check the file and try again")),
    };
    if crate::model::scenario::looks_like_scenario(&text) {
        return Loaded::Scenario(path.to_path_buf());
    }
    match load_raw(&text) {
        Ok((raw, l)) => Loaded::Ok {
            path: path.to_path_buf(),
            timeline: Box::new(Timeline::new(l.snapshot)),
            raw: Box::new(raw),
            warnings: l.warnings,
        },
        Err(e) => fail(e.problems),
    }
}

/// A worker that loads one file at a time.
pub struct Loader {
    tx: Sender<Loaded>,
    rx: Receiver<Loaded>,
    /// The file most recently asked for, while any load is under way.
    pub busy: Option<PathBuf>,
    pending: usize,
}

impl Default for Loader {
    fn default() -> Self {
        let (tx, rx) = channel();
        Loader {
            tx,
            rx,
            busy: None,
            pending: 0,
        }
    }
}

impl Loader {
    /// Starts loading `path`; `wake` is called when it is done.
    pub fn start(&mut self, path: PathBuf, wake: impl FnOnce() + Send + 'static) {
        self.busy = Some(path.clone());
        self.pending += 1;
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("snapshot-loader".into())
            .spawn(move || {
                // A bug in loading must not leave the window waiting for ever.
                let result = std::panic::catch_unwind(|| load_file(&path)).unwrap_or_else(|_| {
                    Loaded::Failed {
                        path: path.clone(),
                        problems: io_problem(
                            format!("loading {} failed unexpectedly", path.display()),
                            "please report this file; what you had open stays open",
                        ),
                    }
                });
                // The receiver lives as long as the app; if it is gone there is no one to tell.
                let _ = tx.send(result);
                wake();
            });
        if let Err(e) = spawned {
            let _ = self.tx.send(Loaded::Failed {
                path: self.busy.clone().unwrap_or_default(),
                problems: io_problem(format!("cannot start loading: {e}"), "try again"),
            });
        }
    }

    /// A finished load, if there is one.
    pub fn poll(&mut self) -> Option<Loaded> {
        let r = self.rx.try_recv().ok();
        if r.is_some() {
            self.pending = self.pending.saturating_sub(1);
            if self.pending == 0 {
                self.busy = None;
            }
        }
        r
    }
}
