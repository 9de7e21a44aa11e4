//! Work off the UI thread: file dialogs, reading and writing scenario files, laying a
//! scenario over a large record. Each job's result comes back as a [`Done`] command,
//! which [`super::App::apply`] takes in like any other.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use super::export::ExportKind;
use crate::io::loader::Loaded;
use crate::model::load::Problem;
use crate::model::scenario::Scenario;
use crate::view::World;

/// A result handed from a worker to the app once: cloning the command that carries
/// it shares it, and the first to take it has it.
pub struct Payload<T>(Arc<Mutex<Option<T>>>);

impl<T> Payload<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Payload(Arc::new(Mutex::new(Some(value))))
    }

    /// The value, if no one took it yet.
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut v| v.take())
    }
}

impl<T> Clone for Payload<T> {
    fn clone(&self) -> Self {
        Payload(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Payload<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(std::any::type_name::<T>())
    }
}

/// Work that finished off the UI thread, or something the system handed over.
#[derive(Clone, Debug)]
pub enum Done {
    /// A snapshot file loaded (or failed, or turned out to be a scenario).
    Loaded(Payload<Loaded>),
    /// The snapshot file dialog answered.
    SnapshotDialog(DialogAnswer),
    /// The open snapshot's file changed on disk.
    SnapshotChanged,
    /// The open scenario's file changed on disk (read it to tell an outside edit from
    /// a save of ours).
    ScenarioChanged,
    /// Scenario file work finished.
    Io(Payload<IoResult>),
    /// A scenario was laid over the record on a worker.
    Applied(Payload<Applied>),
}

/// What a native file dialog answered.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogAnswer {
    /// A file.
    Picked(PathBuf),
    /// Closed without one.
    Cancelled,
    /// No file, at once: the dialog never showed (no file-chooser portal).
    DidNotOpen,
}

/// What scenario file work gave.
pub enum IoResult {
    /// A scenario read and parsed (with its text), or why not.
    Opened(PathBuf, Result<(Scenario, String), Vec<Problem>>),
    /// A save: the text written, or why not.
    Saved(PathBuf, Result<String, String>),
    /// A save found the file changed on disk and did not write (desktop only).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    SaveConflict(PathBuf),
    /// The text of the open scenario's file, read after the watch saw it change
    /// (desktop only).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    OnDiskNow(PathBuf, Option<String>),
    /// A file picked for a purpose (none: cancelled).
    Picked(IoPurpose, Option<PathBuf>),
    /// The file dialog answered "no file" at once: it never showed (desktop only).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    NoDialog(IoPurpose),
    /// A file written (an autosave, an export), or why not.
    Wrote(PathBuf, Result<(), String>),
}

/// What a file is picked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IoPurpose {
    OpenScenario,
    SaveScenario,
    Export(ExportKind),
}

/// A scenario laid over the record: its world and warnings, or why it does not apply.
pub type Applied = Result<(World, Vec<Problem>), Vec<Problem>>;

/// A scenario being laid over the record on a worker: validating and indexing the
/// result and building its cost model take seconds for the largest snapshots.
pub struct Applying {
    /// The scenario laid over.
    pub scenario: Scenario,
    /// What to do with it then.
    pub purpose: ApplyPurpose,
    rx: Receiver<Applied>,
}

/// What to do once the worker has laid the scenario over the record.
pub enum ApplyPurpose {
    /// An edit of the open scenario, which was `before`.
    Edit { before: Scenario },
    /// Opening a scenario.
    Open {
        path: Option<PathBuf>,
        dirty: bool,
        after: AfterOpen,
    },
    /// The open scenario again (undo, redo, another snapshot).
    Reapply,
}

/// What follows opening a scenario.
pub enum AfterOpen {
    /// It came from its file, which held this text.
    File(String),
    /// It was recovered from this autosave file.
    Recovered(PathBuf),
}

/// File work off the UI thread, and the scenario being laid over the record.
#[derive(Default)]
pub struct Io {
    mail: crate::io::Mailbox<IoResult>,
    /// Jobs under way.
    pub busy: usize,
    /// The scenario being laid over the record on a worker, if any.
    pub applying: Option<Applying>,
    /// Lay scenarios over the record on a worker whatever its size (tests use it;
    /// otherwise only snapshots over [`super::ON_WORKER`] organisations do).
    pub always_on_worker: bool,
    /// Woken when a worker finishes.
    pub ctx: Option<egui::Context>,
}

impl Io {
    /// Runs `job` off the UI thread; its result comes back as [`Done::Io`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> IoResult + Send + 'static) {
        if super::memo::send_from_worker("scenario-io", ctx, self.mail.tx.clone(), job) {
            self.busy += 1;
        }
    }

    /// In a browser there are no worker threads, and the jobs (reading bytes the page
    /// already has, starting a download) are quick: `job` runs at once.
    #[cfg(target_arch = "wasm32")]
    pub fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> IoResult + Send + 'static) {
        self.busy += 1;
        let _ = self.mail.tx.send(job());
        ctx.request_repaint();
    }

    /// A sender for results that come from elsewhere (a screenshot's callback).
    pub fn sender(&mut self) -> Sender<IoResult> {
        self.busy += 1;
        self.mail.tx.clone()
    }

    /// Finished file work, each as a [`Done`].
    pub fn finished(&self) -> Vec<Done> {
        self.mail
            .rx
            .try_iter()
            .map(|r| Done::Io(Payload::new(r)))
            .collect()
    }

    /// Lays `scenario` over `raw` on a worker; the result comes back as
    /// [`Done::Applied`]. A newer job replaces an older one, whose result is dropped.
    pub fn spawn_apply(
        &mut self,
        raw: Arc<crate::model::format::RawSnapshot>,
        scenario: Scenario,
        purpose: ApplyPurpose,
    ) -> Result<(), String> {
        let (tx, rx) = channel();
        let (job, ctx) = (scenario.clone(), self.ctx.clone());
        std::thread::Builder::new()
            .name("scenario-apply".into())
            .spawn(move || {
                let _ = tx.send(lay_over(&raw, &job));
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            })
            .map_err(|e| e.to_string())?;
        self.applying = Some(Applying {
            scenario,
            purpose,
            rx,
        });
        Ok(())
    }

    /// The scenario laid over the record, once the worker is done.
    pub fn applied(&self) -> Option<Done> {
        let job = self.applying.as_ref()?;
        let result = match job.rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(vec![Problem::general(
                "laying the scenario over the record failed unexpectedly",
                "please report this scenario; nothing was changed",
            )]),
        };
        Some(Done::Applied(Payload::new(result)))
    }
}

/// `scenario` laid over `raw`: its world and warnings, or why it does not apply.
pub fn lay_over(raw: &crate::model::format::RawSnapshot, scenario: &Scenario) -> Applied {
    match crate::model::scenario::apply(raw, scenario) {
        Ok((_, l)) => Ok((
            World::new(crate::model::Timeline::new(l.snapshot)),
            l.warnings,
        )),
        Err(e) => Err(e.problems),
    }
}

/// Writes `text` to `path` atomically (beside it, synced, renamed over it).
#[cfg(not(target_arch = "wasm32"))]
pub fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    crate::io::files::write_atomic(path, text).map_err(|e| format!("{e:#}"))
}

/// In a browser, "writing" `path` downloads a file with its name.
#[cfg(target_arch = "wasm32")]
pub fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "ccg-explorer-download".to_string());
    super::browser::download(&name, text)
}

/// A native dialog for a scenario or an export (desktop).
#[cfg(not(target_arch = "wasm32"))]
pub fn pick_file(purpose: IoPurpose, start: Option<PathBuf>, name: String) -> IoResult {
    let started = std::time::Instant::now();
    let mut dialog = rfd::FileDialog::new();
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    let picked = match purpose {
        IoPurpose::OpenScenario => dialog
            .set_title("Open a scenario")
            .add_filter("RON scenario", &["ron"])
            .pick_file(),
        IoPurpose::SaveScenario => dialog
            .set_title("Save the scenario")
            .add_filter("RON scenario", &["ron"])
            .set_file_name(name)
            .save_file(),
        IoPurpose::Export(kind) => {
            let (what, ext) = kind.file_type();
            dialog
                .set_title("Export")
                .add_filter(what, &[ext])
                .set_file_name(name)
                .save_file()
        }
    };
    if picked.is_none() && started.elapsed() < super::path_prompt::QUICK_ANSWER {
        return IoResult::NoDialog(purpose);
    }
    IoResult::Picked(purpose, picked)
}

/// The native dialog for a snapshot, on a thread of its own; its answer comes back
/// through the receiver (desktop).
#[cfg(not(target_arch = "wasm32"))]
pub fn snapshot_dialog(
    ctx: &egui::Context,
    start_dir: Option<PathBuf>,
) -> std::io::Result<Receiver<DialogAnswer>> {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name("open-dialog".into())
        .spawn(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Open a snapshot")
                .add_filter("RON snapshot", &["ron"])
                .add_filter("All files", &["*"]);
            if let Some(dir) = start_dir {
                dialog = dialog.set_directory(dir);
            }
            let started = std::time::Instant::now();
            let answer = match dialog.pick_file() {
                Some(p) => DialogAnswer::Picked(p),
                // No file, at once: the dialog never showed.
                None if started.elapsed() < super::path_prompt::QUICK_ANSWER => {
                    DialogAnswer::DidNotOpen
                }
                None => DialogAnswer::Cancelled,
            };
            let _ = tx.send(answer);
            ctx.request_repaint();
        })?;
    Ok(rx)
}
