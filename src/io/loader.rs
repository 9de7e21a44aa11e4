//! Loads snapshot files on a worker thread so that no frame waits on file I/O.
//!
//! In a browser there are no threads and no paths: the page hands over the bytes of a
//! picked or dropped file and [`load_text`] runs on them at once.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

use crate::model::Timeline;
use crate::model::format::RawSnapshot;
use crate::model::load::Problem;

pub use super::files::MAX_FILE_BYTES;

/// What a load produced.
pub enum Loaded {
    /// The file loaded; warnings may be empty.
    Ok {
        /// The file.
        path: PathBuf,
        /// Its index, cost model and timeline marks, all built on the worker: no frame
        /// waits for them, whatever the size.
        world: Box<crate::view::World>,
        /// The raw form, which scenarios apply to.
        raw: Box<RawSnapshot>,
        /// Things that look odd.
        warnings: Vec<Problem>,
        /// The open scenario laid over it, also on the worker (desktop only).
        scenario: Option<Box<Prepared>>,
    },
    /// The file is a scenario, not a snapshot.
    Scenario(PathBuf),
    /// The user cancelled the load.
    Cancelled(PathBuf),
    /// The file could not be used.
    Failed {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// A scenario applied to a newly loaded snapshot on the worker.
pub struct Prepared {
    /// The scenario applied.
    pub scenario: crate::model::scenario::Scenario,
    /// Its world and warnings, or why it does not apply.
    pub result: Result<(crate::view::World, Vec<Problem>), Vec<Problem>>,
}

/// Lays `scenario` over a snapshot that loaded (on the worker, like the load).
#[cfg(not(target_arch = "wasm32"))]
fn with_scenario(loaded: Loaded, scenario: Option<crate::model::scenario::Scenario>) -> Loaded {
    match (loaded, scenario) {
        (
            Loaded::Ok {
                path,
                world,
                raw,
                warnings,
                ..
            },
            Some(sc),
        ) => {
            let result = match crate::model::scenario::apply(&raw, &sc) {
                Ok((_, l)) => Ok((
                    crate::view::World::new(Timeline::new(l.snapshot)),
                    l.warnings,
                )),
                Err(e) => Err(e.problems),
            };
            Loaded::Ok {
                path,
                world,
                raw,
                warnings,
                scenario: Some(Box::new(Prepared {
                    scenario: sc,
                    result,
                })),
            }
        }
        (other, _) => other,
    }
}

/// One error about reading a file, with what to do about it.
pub(crate) fn io_problem(message: String, hint: &str) -> Vec<Problem> {
    vec![Problem::general(message, hint)]
}

/// What a load is doing, shared between the worker and the window.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    read: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
}

/// The stages of a load, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the bytes.
    Reading,
    /// Parsing the RON.
    Parsing,
    /// Checking the rules and building the index.
    Checking,
}

impl Progress {
    /// The stage.
    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Reading,
            1 => Stage::Parsing,
            _ => Stage::Checking,
        }
    }

    /// Bytes read and the file's size.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.read.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the worker to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the load was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    /// A line for people: `reading 45 of 180 MB`.
    pub fn text(&self) -> String {
        let (read, total) = self.bytes();
        match self.stage() {
            Stage::Reading if total >= 1024 * 1024 => format!(
                "reading {} of {} MB",
                read / (1024 * 1024),
                total / (1024 * 1024)
            ),
            Stage::Reading => "reading".to_string(),
            Stage::Parsing => "parsing".to_string(),
            Stage::Checking => "checking and indexing".to_string(),
        }
    }

    /// How far along, 0 to 1 (reading counts for a third; the rest is estimated).
    pub fn fraction(&self) -> f32 {
        let (read, total) = self.bytes();
        match self.stage() {
            Stage::Reading if total > 0 => (read as f32 / total as f32).min(1.0) / 3.0,
            Stage::Reading => 0.0,
            Stage::Parsing => 0.4,
            Stage::Checking => 0.8,
        }
    }
}

/// Reads a file in pieces, reporting progress and stopping when cancelled.
#[cfg(not(target_arch = "wasm32"))]
fn read_with_progress(path: &Path, progress: &Progress) -> Result<Option<String>, String> {
    let mut f =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if progress.is_cancelled() {
            return Ok(None);
        }
        let n = f
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
        progress.read.store(bytes.len() as u64, Ordering::Relaxed);
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "{} is larger than {} MB, the largest snapshot this build opens",
                path.display(),
                MAX_FILE_BYTES / (1024 * 1024)
            ));
        }
    }
    super::files::text_from_bytes(path, bytes)
        .map(Some)
        .map_err(|e| format!("{e:#}"))
}

/// Reads, parses, validates and indexes one file. Runs on the worker thread.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_file(path: &Path) -> Loaded {
    load_file_with(path, &Progress::default())
}

/// [`load_file`], reporting to `progress` and stopping early when it is cancelled.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_file_with(path: &Path, progress: &Progress) -> Loaded {
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
        Ok(m) => progress.total.store(m.len(), Ordering::Relaxed),
    }
    let text = match read_with_progress(path, progress) {
        Ok(Some(t)) => t,
        Ok(None) => return Loaded::Cancelled(path.to_path_buf()),
        Err(e) => return fail(io_problem(e, "check the file and try again")),
    };
    load_text_with(path, &text, progress)
}

/// Parses, validates and indexes the text of a file called `path`. In a browser this
/// runs at once on the bytes of a picked or dropped file.
pub fn load_text(path: &Path, text: &str) -> Loaded {
    load_text_with(path, text, &Progress::default())
}

fn load_text_with(path: &Path, text: &str, progress: &Progress) -> Loaded {
    let fail = |problems| Loaded::Failed {
        path: path.to_path_buf(),
        problems,
    };
    let cancelled = || Loaded::Cancelled(path.to_path_buf());
    use crate::model::document::{Document, Kind, read};
    progress.set_stage(Stage::Parsing);
    // One parse tells a scenario from a snapshot and, for a good snapshot, is the result.
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw = match read(body, Kind::Snapshot) {
        Ok(Document::Scenario(_)) => return Loaded::Scenario(path.to_path_buf()),
        Err(s) if s.known && s.kind == Kind::Scenario => {
            return Loaded::Scenario(path.to_path_buf());
        }
        Ok(Document::Snapshot(raw)) if raw.format == crate::model::format::FORMAT_VERSION => *raw,
        // A file that fails is read again only to word its problem.
        _ => match crate::model::load::parse_str(text) {
            Ok(raw) => raw,
            Err(e) => return fail(e.problems),
        },
    };
    if progress.is_cancelled() {
        return cancelled();
    }
    progress.set_stage(Stage::Checking);
    match crate::model::load::validate_raw(raw, text) {
        Ok((raw, l)) => Loaded::Ok {
            path: path.to_path_buf(),
            world: Box::new(crate::view::World::new(Timeline::new(l.snapshot))),
            raw: Box::new(raw),
            warnings: l.warnings,
            scenario: None,
        },
        Err(e) => fail(e.problems),
    }
}

/// A worker that loads one file at a time.
#[derive(Default)]
pub struct Loader {
    mail: super::Mailbox<(u64, Loaded)>,
    /// The file most recently asked for, while its load is under way.
    pub busy: Option<PathBuf>,
    /// The progress of that load.
    pub progress: Option<Arc<Progress>>,
    /// The number of the most recent load; results of earlier ones are dropped.
    latest: u64,
    /// The scenario to lay over the next file loaded, on the worker.
    pub scenario: Option<crate::model::scenario::Scenario>,
    /// Results dropped: of loads cancelled or superseded by a newer one.
    pub dropped: u64,
}

impl Loader {
    /// Starts loading `path`; `wake` is called when it is done. A load still under way
    /// is cancelled: the newest file asked for wins.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn start(&mut self, path: PathBuf, wake: impl FnOnce() + Send + 'static) {
        if let Some(p) = &self.progress {
            p.cancel();
        }
        let progress = Arc::new(Progress::default());
        self.progress = Some(progress.clone());
        self.busy = Some(path.clone());
        self.latest += 1;
        let id = self.latest;
        let tx = self.mail.tx.clone();
        let scenario = self.scenario.clone();
        let spawned = std::thread::Builder::new()
            .name("snapshot-loader".into())
            .spawn(move || {
                // A bug in loading must not leave the window waiting for ever.
                let result = std::panic::catch_unwind(|| {
                    with_scenario(load_file_with(&path, &progress), scenario)
                })
                .unwrap_or_else(|_| Loaded::Failed {
                    path: path.clone(),
                    problems: io_problem(
                        format!("loading {} failed unexpectedly", path.display()),
                        "please report this file; what you had open stays open",
                    ),
                });
                // The receiver lives as long as the app; if it is gone there is no one to tell.
                let _ = tx.send((id, result));
                wake();
            });
        if let Err(e) = spawned {
            let _ = self.mail.tx.send((
                id,
                Loaded::Failed {
                    path: self.busy.clone().unwrap_or_default(),
                    problems: io_problem(format!("cannot start loading: {e}"), "try again"),
                },
            ));
        }
    }

    /// Hands over a load that already ran (in a browser, loads run at once on the
    /// bytes the page received); [`Loader::poll`] returns it like any other.
    #[cfg(target_arch = "wasm32")]
    pub fn finish(&mut self, path: PathBuf, loaded: Loaded) {
        if let Some(p) = self.progress.take() {
            p.cancel();
        }
        self.busy = Some(path);
        self.latest += 1;
        let _ = self.mail.tx.send((self.latest, loaded));
    }

    /// Stops the load under way; the window carries on with what it had open.
    pub fn cancel(&mut self) {
        if let Some(p) = self.progress.take() {
            p.cancel();
        }
        self.busy = None;
    }

    /// The finished load, if there is one. Cancelled and superseded loads are dropped.
    pub fn poll(&mut self) -> Option<Loaded> {
        while let Ok((id, r)) = self.mail.rx.try_recv() {
            if id != self.latest || self.busy.is_none() || matches!(r, Loaded::Cancelled(_)) {
                self.dropped += 1;
                continue;
            }
            self.busy = None;
            self.progress = None;
            return Some(r);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // What a browser hands over (the text of a picked or dropped file) loads as the
    // same file read from disk does.
    #[test]
    fn text_loads_as_the_file_does() {
        let name = Path::new("tiny.ron");
        let Loaded::Ok {
            path,
            world,
            warnings,
            ..
        } = load_text(name, include_str!("../../assets/examples/tiny.ron"))
        else {
            panic!("tiny.ron did not load from its text");
        };
        assert_eq!(path, name);
        let timeline = &world.timeline;
        assert_eq!(timeline.snapshot().title, "Tiny example");
        // The cost model came built with it.
        assert!(!world.costs.years.is_empty());
        let Loaded::Ok {
            world: from_disk,
            warnings: disk_warnings,
            ..
        } = load_file(Path::new("assets/examples/tiny.ron"))
        else {
            panic!("tiny.ron did not load from disk");
        };
        assert_eq!(
            timeline.snapshot().orgs.len(),
            from_disk.timeline.snapshot().orgs.len()
        );
        assert_eq!(warnings.len(), disk_warnings.len());
    }

    #[test]
    fn scenario_text_is_recognised_and_bad_text_fails() {
        let name = Path::new("kent-2018.ron");
        assert!(matches!(
            load_text(name, include_str!("../../assets/examples/kent-2018.ron")),
            Loaded::Scenario(p) if p == name
        ));
        let Loaded::Failed { path, problems } = load_text(Path::new("bad.ron"), "(format: 1,")
        else {
            panic!("a broken file loaded");
        };
        assert_eq!(path, Path::new("bad.ron"));
        assert!(!problems.is_empty());
    }
}
