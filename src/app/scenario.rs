//! Scenarios in the window: the open scenario and its undo history, the merge dialog,
//! the scenario panel with changes and bookmarks, files (open, save, autosave and
//! recovery), presenter mode and export.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Color32, RichText};

use super::{App, Command, ProblemReport, World};
use crate::model::Timeline;
use crate::model::load::Problem;
use crate::model::scenario::{Bookmark, Change, Scenario, apply, parse_scenario};

/// The autosave file's name in the app's storage folder.
pub const AUTOSAVE_FILE: &str = "scenario-autosave.ron";

/// Where the session autosaves while an earlier session's autosave waits for the
/// user's answer ("Recover" or "Discard"): that one is never overwritten or removed
/// before the answer.
pub const AUTOSAVE_WAITING_FILE: &str = "scenario-autosave-2.ron";

/// The open scenario.
pub struct ScenarioState {
    /// The scenario as edited.
    pub scenario: Scenario,
    /// Where it was opened from or last saved.
    pub path: Option<PathBuf>,
    /// Edited since it was opened or saved.
    pub dirty: bool,
    /// The world with the scenario applied; `None` when it does not apply.
    pub(crate) world: Option<World>,
    /// Why it does not apply, or warnings.
    pub problems: Vec<Problem>,
    undo: Vec<Scenario>,
    redo: Vec<Scenario>,
    /// What its file held when last read or written here.
    pub disk: Option<OnDisk>,
    /// The file changed on disk since then (noticed by the watch).
    pub changed_on_disk: bool,
    /// The question a save waits on.
    pub question: Option<SaveQuestion>,
    /// The user agreed that saving drops the file's inner comments.
    comments_dropped_ok: bool,
    /// A save is under way (its own change to the file is not an outside one).
    saving: bool,
    /// Watches its file (and which file that is).
    #[cfg(not(target_arch = "wasm32"))]
    watch: Option<(PathBuf, crate::io::watch::FileWatch)>,
}

impl ScenarioState {
    fn new(scenario: Scenario, path: Option<PathBuf>, dirty: bool) -> Self {
        ScenarioState {
            scenario,
            path,
            dirty,
            world: None,
            problems: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            disk: None,
            changed_on_disk: false,
            question: None,
            comments_dropped_ok: false,
            saving: false,
            #[cfg(not(target_arch = "wasm32"))]
            watch: None,
        }
    }
}

/// What a scenario file held when it was last read or written here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnDisk {
    /// The whole text: a save first checks the file still holds it.
    pub text: String,
    /// Its leading comment lines, written back at the top on save.
    pub header: String,
    /// Whether it has comments after those, which a save cannot keep.
    pub inner_comments: bool,
}

impl OnDisk {
    /// Reads the comments of a scenario file's text.
    pub fn of(text: &str) -> Self {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut header_len = 0;
        for line in body.split_inclusive('\n') {
            let t = line.trim();
            if t.starts_with("//") || (t.is_empty() && header_len > 0) {
                header_len += line.len();
            } else {
                break;
            }
        }
        let header = body[..header_len].trim_end().to_string();
        OnDisk {
            text: text.to_string(),
            inner_comments: has_comments(&body[header_len..]),
            header: if header.is_empty() {
                header
            } else {
                header + "\n"
            },
        }
    }
}

/// Whether RON text has a comment (`//` or `/* */`) outside strings.
fn has_comments(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                // A raw string: r#"..."# with as many hashes.
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let start = i + 2 + hashes;
                i = b
                    .get(start..)
                    .and_then(|rest| rest.windows(close.len()).position(|w| w == close))
                    .map_or(b.len(), |p| start + p + close.len() - 1);
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// What a save asks before writing.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveQuestion {
    /// The file has comments inside the scenario, which saving drops.
    DropsComments(PathBuf),
    /// The file changed on disk since it was read or saved here.
    ChangedOnDisk(PathBuf),
}

/// The merge dialog's fields.
pub struct MergeDialog {
    /// What the dialog makes.
    pub kind: DialogKind,
    /// The change it replaces, when editing.
    pub replace: Option<usize>,
    /// The date, as typed.
    pub date: String,
    /// The new CCG's name.
    pub name: String,
    /// Its code.
    pub code: String,
    /// Why the last try failed.
    pub error: String,
}

/// The kinds of change the dialog makes.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogKind {
    /// Merge these CCGs (codes).
    Merge(Vec<String>),
    /// Move this merger (event id).
    Move(String),
    /// These CCGs share an accountable officer.
    Share(Vec<String>),
}

/// An autosaved scenario found at start.
pub struct Recovery {
    /// The scenario.
    pub scenario: Scenario,
    /// The autosave file.
    pub path: PathBuf,
    /// The file it was saved to before, if any.
    pub original: Option<PathBuf>,
}

/// What to do after "save changes?" is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterSave {
    /// Close the window.
    Quit,
    /// Open another scenario.
    Open(Option<PathBuf>),
    /// Start a new scenario.
    New,
    /// Close the scenario.
    Close,
    /// Recover the autosaved scenario.
    Recover,
}

/// What File > Export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The whole window as PNG.
    Window,
    /// One chart as PNG (0: running costs, 1: savings, 2: CCGs over time).
    Chart(usize),
    /// The tree at the date as CSV.
    TreeCsv,
    /// The running-cost series of the footprint as CSV.
    CostsCsv,
    /// The merger flow as PNG.
    Flow,
}

/// An export waiting for its frame.
#[derive(Clone, Debug)]
pub struct Export {
    /// What.
    pub kind: ExportKind,
    /// Where.
    pub path: PathBuf,
    /// The stamp drawn on the picture.
    pub stamp: String,
    /// Frames waited.
    pub frames: u32,
}

enum IoResult {
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
    Picked(IoPurpose, Option<PathBuf>),
    /// The file dialog answered "no file" at once: it never showed (desktop only).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    NoDialog(IoPurpose),
    Wrote(PathBuf, Result<(), String>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum IoPurpose {
    OpenScenario,
    SaveScenario,
    Export(ExportKind),
}

/// File work off the UI thread.
pub struct Io {
    tx: Sender<IoResult>,
    rx: Receiver<IoResult>,
    /// Jobs under way.
    pub busy: usize,
    /// The scenario being laid over the record on a worker, if any.
    applying: Option<Applying>,
    /// Lay scenarios over the record on a worker whatever its size (tests use it;
    /// otherwise only snapshots over [`super::ON_WORKER`] organisations do).
    pub(crate) always_on_worker: bool,
    /// Woken when a worker finishes.
    ctx: Option<egui::Context>,
}

impl Default for Io {
    fn default() -> Self {
        let (tx, rx) = channel();
        Io {
            tx,
            rx,
            busy: 0,
            applying: None,
            always_on_worker: false,
            ctx: None,
        }
    }
}

/// A scenario being laid over the record on a worker: validating and indexing the
/// result and building its cost model take seconds for the largest snapshots.
struct Applying {
    scenario: Scenario,
    purpose: Purpose,
    rx: Receiver<Applied>,
}

/// A scenario laid over the record: its world and warnings, or why it does not apply.
type Applied = Result<(World, Vec<Problem>), Vec<Problem>>;

/// What to do once the worker has laid the scenario over the record.
enum Purpose {
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
enum AfterOpen {
    /// It came from its file, which held this text.
    File(String),
    /// It was recovered from this autosave file.
    Recovered(PathBuf),
}

impl Io {
    /// Runs `job` off the UI thread; its result is taken in by `poll_io`.
    #[cfg(not(target_arch = "wasm32"))]
    fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> IoResult + Send + 'static) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        self.busy += 1;
        let spawned = std::thread::Builder::new()
            .name("scenario-io".into())
            .spawn(move || {
                let _ = tx.send(job());
                ctx.request_repaint();
            });
        if spawned.is_err() {
            self.busy -= 1;
        }
    }

    /// In a browser there are no worker threads, and the jobs (reading bytes the page
    /// already has, starting a download) are quick: `job` runs at once.
    #[cfg(target_arch = "wasm32")]
    fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> IoResult + Send + 'static) {
        self.busy += 1;
        let _ = self.tx.send(job());
        ctx.request_repaint();
    }
}

/// Writes `text` to `path` atomically (beside it, synced, renamed over it).
#[cfg(not(target_arch = "wasm32"))]
fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    crate::io::files::write_atomic(path, text).map_err(|e| format!("{e:#}"))
}

/// In a browser, "writing" `path` downloads a file with its name.
#[cfg(target_arch = "wasm32")]
fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "ccg-explorer-download".to_string());
    super::browser::download(&name, text)
}

/// Looks for an autosaved scenario: the session's, or one a session wrote while an
/// earlier one waited for an answer.
pub fn find_recovery(dir: Option<&Path>) -> Option<Recovery> {
    let dir = dir?;
    [AUTOSAVE_FILE, AUTOSAVE_WAITING_FILE]
        .iter()
        .find_map(|f| recovery_in(&dir.join(f)))
}

fn recovery_in(path: &Path) -> Option<Recovery> {
    let path = path.to_path_buf();
    let text = autosave_store::read(&path)?;
    let (original, body) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("// saved from: ") => {
            let p = first.trim_start_matches("// saved from: ").trim();
            ((!p.is_empty()).then(|| PathBuf::from(p)), rest.to_string())
        }
        _ => (None, text.clone()),
    };
    match parse_scenario(&body) {
        Ok(scenario) => Some(Recovery {
            scenario,
            path,
            original,
        }),
        Err(_) => {
            autosave_store::remove(&path);
            None
        }
    }
}

/// Where the unsaved scenario is autosaved: a file in the app's storage folder on the
/// desktop; in a browser, an entry of the page's local storage named by that path.
mod autosave_store {
    use std::path::Path;

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn read(path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn write(dir: &Path, path: &Path, text: &str) -> Result<(), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| e.to_string())
            .and_then(|_| super::write_file(path, text.as_bytes()))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn remove(path: &Path) {
        let _ = std::fs::remove_file(path);
    }

    #[cfg(target_arch = "wasm32")]
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn read(path: &Path) -> Option<String> {
        storage()?.get_item(&path.to_string_lossy()).ok()?
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn write(_dir: &Path, path: &Path, text: &str) -> Result<(), String> {
        storage()
            .ok_or("the browser offers no local storage")?
            .set_item(&path.to_string_lossy(), text)
            .map_err(|_| "the browser's local storage is full or turned off".to_string())
    }

    #[cfg(target_arch = "wasm32")]
    pub(super) fn remove(path: &Path) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&path.to_string_lossy());
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn pick_file(purpose: IoPurpose, start: Option<PathBuf>, name: String) -> IoResult {
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
            let (what, ext) = match kind {
                ExportKind::Window | ExportKind::Chart(_) | ExportKind::Flow => {
                    ("PNG image", "png")
                }
                ExportKind::TreeCsv | ExportKind::CostsCsv => ("CSV", "csv"),
            };
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

impl App {
    /// Whether a scenario has unsaved changes.
    pub fn unsaved(&self) -> bool {
        self.sc.as_ref().is_some_and(|s| s.dirty)
    }

    /// The open scenario, if any.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.sc.as_ref().map(|s| &s.scenario)
    }

    /// Whether the scenario (not the actual record) is shown.
    pub fn showing_scenario(&self) -> bool {
        self.show_scenario && self.sc.as_ref().is_some_and(|s| s.world.is_some())
    }

    /// The chart shown large.
    pub fn focus_chart(&self) -> crate::model::format::ChartKind {
        self.focus_chart
    }

    /// Whether presenter mode is on.
    pub fn presenting(&self) -> bool {
        self.presenting
    }

    /// The caption line of presenter mode.
    pub fn caption(&self) -> &str {
        &self.caption
    }

    /// The CCGs picked for a merger.
    pub fn merge_pick(&self) -> &[String] {
        &self.merge_pick
    }

    /// The actual record, whatever is shown.
    pub fn actual_timeline(&self) -> &Timeline {
        &self.actual.timeline
    }

    /// Whether scenarios are laid over the record on a worker: for snapshots too large
    /// to do it within a frame (desktop only; a page has no threads).
    fn apply_on_worker(&self) -> bool {
        cfg!(not(target_arch = "wasm32"))
            && (self.io.always_on_worker
                || self.actual.timeline.snapshot().orgs.len() > super::ON_WORKER)
    }

    /// Whether a scenario is being laid over the record on a worker.
    pub fn scenario_applying(&self) -> bool {
        self.io.applying.is_some()
    }

    /// Lays `scenario` over the record on a worker; [`App::poll_apply`] takes the result.
    /// A newer job replaces an older one, whose result is then dropped.
    fn spawn_apply(&mut self, scenario: Scenario, purpose: Purpose) {
        let (tx, rx) = channel();
        let (raw, job, ctx) = (self.raw.clone(), scenario.clone(), self.io.ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("scenario-apply".into())
            .spawn(move || {
                let r = match apply(&raw, &job) {
                    Ok((_, l)) => Ok((World::new(Timeline::new(l.snapshot)), l.warnings)),
                    Err(e) => Err(e.problems),
                };
                // If the window moved on, no one is waiting.
                let _ = tx.send(r);
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        match spawned {
            Ok(_) => {
                self.io.applying = Some(Applying {
                    scenario,
                    purpose,
                    rx,
                })
            }
            Err(e) => {
                self.report = Some(ProblemReport {
                    title: format!("Cannot lay the scenario over the record: {e}"),
                    problems: Vec::new(),
                })
            }
        }
    }

    /// Takes in a scenario laid over the record on a worker.
    fn poll_apply(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.io.applying else { return };
        let result = match job.rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(vec![Problem {
                severity: crate::model::Severity::Error,
                pos: None,
                code: None,
                message: "laying the scenario over the record failed unexpectedly".into(),
                hint: "please report this scenario; nothing was changed".into(),
            }]),
        };
        let Some(Applying {
            scenario, purpose, ..
        }) = self.io.applying.take()
        else {
            return;
        };
        match purpose {
            Purpose::Edit { before } => {
                let Some(sc) = &mut self.sc else { return };
                if sc.scenario != before {
                    return;
                }
                match result {
                    Ok((world, warnings)) => {
                        self.commit_edit(ctx, scenario, world, warnings);
                    }
                    Err(problems) => {
                        self.report = Some(ProblemReport {
                            title: "That change does not fit the record; nothing was changed"
                                .into(),
                            problems,
                        });
                    }
                }
            }
            Purpose::Open { path, dirty, after } => match result {
                Ok((world, warnings)) => {
                    self.install_scenario(scenario, path.clone(), dirty, world, warnings);
                    self.after_open(ctx, path, after);
                    if let Some(i) = self.pending_bookmark.take() {
                        self.go_to_bookmark(i);
                    }
                }
                Err(problems) => self.not_applied(problems),
            },
            Purpose::Reapply => {
                let Some(sc) = &mut self.sc else { return };
                if sc.scenario != scenario {
                    return;
                }
                match result {
                    Ok((world, warnings)) => {
                        sc.world = Some(world);
                        sc.problems = warnings;
                    }
                    Err(problems) => {
                        sc.world = None;
                        sc.problems = problems;
                    }
                }
                self.activate();
            }
        }
    }

    /// Applies the open scenario to the actual record again.
    pub(crate) fn reapply_scenario(&mut self) {
        if self.apply_on_worker() {
            let Some(sc) = &mut self.sc else { return };
            // The world it had belongs to the record as it was: shown no more.
            sc.world = None;
            let scenario = sc.scenario.clone();
            self.spawn_apply(scenario, Purpose::Reapply);
            return;
        }
        let raw = self.raw.clone();
        let Some(sc) = &mut self.sc else { return };
        match apply(&raw, &sc.scenario) {
            Ok((_, loaded)) => {
                sc.world = Some(World::new(Timeline::new(loaded.snapshot)));
                sc.problems = loaded.warnings;
            }
            Err(e) => {
                sc.world = None;
                sc.problems = e.problems;
            }
        }
    }

    /// Replaces the scenario with `next` if it applies; otherwise keeps it and says why.
    /// For a large snapshot it is laid over the record on a worker: the edit lands (or
    /// is refused, with a report) when that is done.
    fn edit(&mut self, ctx: &egui::Context, next: Scenario) -> Result<(), Vec<Problem>> {
        let Some(before) = self.sc.as_ref().map(|s| s.scenario.clone()) else {
            return Err(Vec::new());
        };
        if self.apply_on_worker() {
            // Laying the scenario as it is over the record again is superseded by the
            // edit; another edit or an opening under way is not.
            if self
                .io
                .applying
                .as_ref()
                .is_some_and(|a| !matches!(a.purpose, Purpose::Reapply))
            {
                return Err(vec![Problem {
                    severity: crate::model::Severity::Error,
                    pos: None,
                    code: None,
                    message: "the scenario is still being laid over the record".into(),
                    hint: "try again in a moment".into(),
                }]);
            }
            self.spawn_apply(next, Purpose::Edit { before });
            return Ok(());
        }
        match apply(&self.raw, &next) {
            Ok((_, loaded)) => {
                let world = World::new(Timeline::new(loaded.snapshot));
                self.commit_edit(ctx, next, world, loaded.warnings);
                Ok(())
            }
            Err(e) => Err(e.problems),
        }
    }

    /// Makes `next`, laid over the record as `world`, the open scenario (undoably).
    fn commit_edit(
        &mut self,
        ctx: &egui::Context,
        next: Scenario,
        world: World,
        warnings: Vec<Problem>,
    ) {
        let Some(sc) = &mut self.sc else { return };
        sc.undo.push(std::mem::replace(&mut sc.scenario, next));
        sc.redo.clear();
        sc.world = Some(world);
        sc.problems = warnings;
        sc.dirty = true;
        self.show_scenario = true;
        self.activate();
        self.autosave(ctx);
    }

    fn ensure_scenario(&mut self) {
        if self.sc.is_none() {
            self.sc = Some(ScenarioState::new(
                Scenario::new("Untitled scenario", &self.raw),
                None,
                false,
            ));
            self.reapply_scenario();
        }
    }

    /// Opens `scenario` (on a worker for a large snapshot), then does what follows.
    fn open_scenario(
        &mut self,
        ctx: &egui::Context,
        scenario: Scenario,
        path: Option<PathBuf>,
        dirty: bool,
        after: AfterOpen,
    ) {
        if self.apply_on_worker() {
            self.spawn_apply(scenario, Purpose::Open { path, dirty, after });
        } else if self.set_scenario(scenario, path.clone(), dirty) {
            self.after_open(ctx, path, after);
        }
    }

    /// What follows opening a scenario: track its file, or autosave a recovered one.
    fn after_open(&mut self, ctx: &egui::Context, path: Option<PathBuf>, after: AfterOpen) {
        match (after, path) {
            (AfterOpen::File(text), Some(path)) => {
                self.clear_autosave();
                self.state.remember(path.clone());
                self.track_file(ctx, path, text);
            }
            (AfterOpen::Recovered(old), _) => self.autosave_then_remove(ctx, Some(old)),
            (AfterOpen::File(_), None) => {}
        }
    }

    fn not_applied(&mut self, problems: Vec<Problem>) {
        self.report = Some(ProblemReport {
            title: "The scenario does not apply to this snapshot; nothing was changed".into(),
            problems,
        });
    }

    /// Opens `scenario` if it applies to the open snapshot; otherwise says why and
    /// keeps what was open.
    fn set_scenario(&mut self, scenario: Scenario, path: Option<PathBuf>, dirty: bool) -> bool {
        let (world, problems) = match apply(&self.raw, &scenario) {
            Ok((_, loaded)) => (World::new(Timeline::new(loaded.snapshot)), loaded.warnings),
            Err(e) => {
                self.not_applied(e.problems);
                return false;
            }
        };
        self.install_scenario(scenario, path, dirty, world, problems);
        true
    }

    /// Makes `scenario`, laid over the record as `world`, the open one.
    fn install_scenario(
        &mut self,
        scenario: Scenario,
        path: Option<PathBuf>,
        dirty: bool,
        world: World,
        problems: Vec<Problem>,
    ) {
        if !problems.is_empty() {
            self.report = Some(ProblemReport {
                title: format!(
                    "The scenario “{}” opened with {}",
                    scenario.name,
                    crate::model::plural(problems.len(), "warning", "warnings")
                ),
                problems: problems.clone(),
            });
        }
        let mut state = ScenarioState::new(scenario, path, dirty);
        state.world = Some(world);
        state.problems = problems;
        self.sc = Some(state);
        self.show_scenario = true;
        self.bookmark_at = None;
        self.activate();
    }

    /// The session's autosave file: never the one waiting for "Recover" or "Discard".
    fn autosave_path(&self) -> Option<PathBuf> {
        let dir = self.autosave_dir.as_ref()?;
        let primary = dir.join(AUTOSAVE_FILE);
        Some(match &self.recovery {
            Some(r) if r.path == primary => dir.join(AUTOSAVE_WAITING_FILE),
            _ => primary,
        })
    }

    /// Writes the scenario to the autosave file (in the background).
    fn autosave(&mut self, ctx: &egui::Context) {
        self.autosave_then_remove(ctx, None);
    }

    /// [`App::autosave`], then (once it is written) removes `old`: an autosave file the
    /// work has moved out of.
    fn autosave_then_remove(&mut self, ctx: &egui::Context, old: Option<PathBuf>) {
        let (Some(dir), Some(path), Some(sc)) =
            (self.autosave_dir.clone(), self.autosave_path(), &self.sc)
        else {
            return;
        };
        let Ok(body) = sc.scenario.to_ron() else {
            return;
        };
        let from = sc
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let text = format!("// saved from: {from}\n{body}");
        // Writes are numbered; a slower, older write never lands after a newer one.
        self.autosave_gen += 1;
        let generation = self.autosave_gen;
        let last = self.autosave_written.clone();
        self.io.spawn(ctx, move || {
            let Ok(mut written) = last.lock() else {
                return IoResult::Wrote(path, Err("autosave lock poisoned".into()));
            };
            if *written > generation {
                return IoResult::Wrote(path, Ok(()));
            }
            let r = autosave_store::write(&dir, &path, &text);
            *written = generation;
            if let (Ok(()), Some(old)) = (&r, old.filter(|o| *o != path)) {
                autosave_store::remove(&old);
            }
            IoResult::Wrote(path, r)
        });
    }

    /// Remembers what the scenario's file holds now and watches it for outside changes.
    fn track_file(&mut self, ctx: &egui::Context, path: PathBuf, text: String) {
        let Some(sc) = &mut self.sc else { return };
        if sc.path.as_ref() != Some(&path) {
            return;
        }
        sc.disk = Some(OnDisk::of(&text));
        sc.changed_on_disk = false;
        #[cfg(not(target_arch = "wasm32"))]
        {
            let repaint = ctx.clone();
            let same = sc.watch.as_ref().is_some_and(|(p, _)| *p == path);
            if !same {
                sc.watch =
                    crate::io::watch::FileWatch::new(&path, move || repaint.request_repaint())
                        .map(|w| (path, w));
            }
        }
        #[cfg(target_arch = "wasm32")]
        let _ = ctx;
    }

    /// Reads the scenario's file again when the watch saw it change, to tell an outside
    /// edit from a save of ours.
    pub(crate) fn poll_scenario_file(&mut self, ctx: &egui::Context) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let Some(sc) = &self.sc else { return };
            let Some((path, watch)) = &sc.watch else {
                return;
            };
            if !watch.changed() || sc.path.as_ref() != Some(path) {
                return;
            }
            let path = path.clone();
            self.io.spawn(ctx, move || {
                let text = std::fs::read_to_string(&path).ok();
                IoResult::OnDiskNow(path, text)
            });
        }
        #[cfg(target_arch = "wasm32")]
        let _ = ctx;
    }

    /// Removes the session's autosave (never the one waiting for an answer).
    fn clear_autosave(&self) {
        if let Some(path) = self.autosave_path() {
            autosave_store::remove(&path);
        }
    }

    /// Recovers the autosaved scenario: it opens unsaved and is autosaved again at once,
    /// so that a crash straight after still offers it.
    fn recover(&mut self, ctx: &egui::Context) {
        let Some(r) = self.recovery.take() else {
            return;
        };
        // If it does not apply to this snapshot, it stays on disk for a later start.
        self.open_scenario(
            ctx,
            r.scenario,
            r.original,
            true,
            AfterOpen::Recovered(r.path),
        );
    }

    fn save_to(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.save_to_with(ctx, path, false);
    }

    /// Saves to `path`. Over the scenario's own file, unless `force`: asks first when
    /// saving would drop comments inside the scenario (once), and writes only if the
    /// file still holds what was read or saved here (else asks).
    fn save_to_with(&mut self, ctx: &egui::Context, path: PathBuf, force: bool) {
        let Some(sc) = &mut self.sc else { return };
        let own = sc.path.as_ref() == Some(&path);
        let disk = sc.disk.clone().filter(|_| own);
        if !force && !sc.comments_dropped_ok && disk.as_ref().is_some_and(|d| d.inner_comments) {
            sc.question = Some(SaveQuestion::DropsComments(path));
            return;
        }
        // The comments at the top of the file are kept.
        let header = disk.as_ref().map(|d| d.header.clone()).unwrap_or_default();
        let expected = disk.map(|d| d.text).filter(|_| !force);
        match sc.scenario.to_ron() {
            Ok(body) => {
                sc.saving = true;
                let text = format!("{header}{body}");
                self.io.spawn(ctx, move || {
                    #[cfg(not(target_arch = "wasm32"))]
                    if let Some(expected) = expected
                        && std::fs::read_to_string(&path).ok().as_ref() != Some(&expected)
                    {
                        return IoResult::SaveConflict(path);
                    }
                    #[cfg(target_arch = "wasm32")]
                    let _ = expected;
                    let r = write_file(&path, text.as_bytes()).map(|()| text);
                    IoResult::Saved(path, r)
                })
            }
            Err(e) => {
                self.report = Some(ProblemReport {
                    title: format!("Cannot write the scenario: {e}"),
                    problems: Vec::new(),
                })
            }
        }
    }

    /// In a browser: the file picker to open a scenario; saving and exporting
    /// download a file with the suggested name (the browser asks where, if set to).
    #[cfg(target_arch = "wasm32")]
    fn ask(&mut self, ctx: &egui::Context, purpose: IoPurpose, name: String) {
        match purpose {
            IoPurpose::OpenScenario => self.browser.pick(ctx, super::browser::Want::Scenario),
            IoPurpose::SaveScenario | IoPurpose::Export(_) => {
                self.io.spawn(ctx, move || {
                    IoResult::Picked(purpose, Some(PathBuf::from(name)))
                });
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn ask(&mut self, ctx: &egui::Context, purpose: IoPurpose, name: String) {
        let start = self
            .sc
            .as_ref()
            .and_then(|s| s.path.as_ref())
            .and_then(|p| p.parent().map(Path::to_path_buf));
        self.io.spawn(ctx, move || pick_file(purpose, start, name));
    }

    /// Runs what waited for "save changes?".
    fn continue_after_save(&mut self, ctx: &egui::Context, after: AfterSave) {
        match after {
            AfterSave::Quit => {
                self.quitting = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            AfterSave::Open(Some(p)) => self.commands.push(Command::OpenScenario(p)),
            AfterSave::Open(None) => self.ask(ctx, IoPurpose::OpenScenario, String::new()),
            AfterSave::New => {
                self.sc = None;
                self.ensure_scenario();
                self.show_scenario = true;
                self.activate();
            }
            AfterSave::Close => {
                self.sc = None;
                self.show_scenario = false;
                self.activate();
            }
            AfterSave::Recover => self.recover(ctx),
        }
    }

    fn guard(&mut self, ctx: &egui::Context, after: AfterSave) {
        if self.unsaved() {
            self.pending_after_save = Some(after);
        } else {
            self.continue_after_save(ctx, after);
        }
    }

    /// The scenario-side commands.
    pub(crate) fn apply_scenario_command(&mut self, ctx: &egui::Context, c: Command) {
        match c {
            Command::NewScenario => self.guard(ctx, AfterSave::New),
            Command::OpenScenarioDialog => self.guard(ctx, AfterSave::Open(None)),
            Command::OpenScenario(path) => {
                if self.unsaved() && self.pending_after_save.is_none() {
                    self.pending_after_save = Some(AfterSave::Open(Some(path)));
                    return;
                }
                #[cfg(not(target_arch = "wasm32"))]
                let read = {
                    let path = path.clone();
                    move || crate::io::files::read_text(&path)
                };
                // In a browser: the bytes the page received for this name.
                #[cfg(target_arch = "wasm32")]
                let read = {
                    let text = self.browser.text(&path);
                    move || text
                };
                self.io.spawn(ctx, move || {
                    let r = read()
                        .map_err(|e| {
                            vec![Problem {
                                severity: crate::model::Severity::Error,
                                pos: None,
                                code: None,
                                message: format!("{e:#}"),
                                hint: "check the path and try again".into(),
                            }]
                        })
                        .and_then(|t| parse_scenario(&t).map(|s| (s, t)).map_err(|e| e.problems));
                    IoResult::Opened(path, r)
                });
            }
            Command::SaveScenario => match self.sc.as_ref().and_then(|s| s.path.clone()) {
                Some(p) => self.save_to(ctx, p),
                None => self.commands.push(Command::SaveScenarioAs),
            },
            Command::SaveScenarioAs => {
                let name = self
                    .sc
                    .as_ref()
                    .map(|s| format!("{}.ron", slug(&s.scenario.name)))
                    .unwrap_or_default();
                self.ask(ctx, IoPurpose::SaveScenario, name);
            }
            Command::SaveScenarioTo(p) => self.save_to(ctx, p),
            Command::CloseScenario => self.guard(ctx, AfterSave::Close),
            Command::ToggleScenarioView if self.sc.is_some() => {
                self.show_scenario = !self.show_scenario;
                self.activate();
            }
            Command::TogglePick(code) => {
                if let Some(i) = self.merge_pick.iter().position(|c| *c == code) {
                    self.merge_pick.remove(i);
                } else {
                    self.merge_pick.push(code);
                }
            }
            Command::OpenMergeDialog | Command::OpenShareDialog => {
                let s = self.actual.timeline.snapshot();
                let system = self
                    .merge_pick
                    .first()
                    .and_then(|c| s.find(crate::model::OrgKind::Ccg, c))
                    .and_then(|id| crate::view::system_of(&self.actual.timeline, id, self.date))
                    .map(|id| s.org(id).name.clone());
                let n = self
                    .sc
                    .as_ref()
                    .map(|s| s.scenario.changes.len())
                    .unwrap_or(0)
                    + 1;
                let picks = self.merge_pick.clone();
                self.merge_dialog = Some(MergeDialog {
                    kind: if c == Command::OpenMergeDialog {
                        DialogKind::Merge(picks)
                    } else {
                        DialogKind::Share(picks)
                    },
                    replace: None,
                    date: self.date.to_string(),
                    name: match system {
                        Some(sys) => format!("NHS {sys} CCG"),
                        None => "NHS merged CCG".to_string(),
                    },
                    code: format!("SC{n:02}"),
                    error: String::new(),
                });
            }
            Command::OpenMoveDialog(event) => {
                self.merge_dialog = Some(MergeDialog {
                    kind: DialogKind::Move(event),
                    replace: None,
                    date: self.date.to_string(),
                    name: String::new(),
                    code: String::new(),
                    error: String::new(),
                });
            }
            Command::EditChange(i) => {
                let Some(change) = self.scenario().and_then(|s| s.changes.get(i)).cloned() else {
                    return;
                };
                let (kind, date, name, code) = match change {
                    Change::Merge {
                        date,
                        ccgs,
                        code,
                        name,
                    } => (DialogKind::Merge(ccgs), date, name, code),
                    Change::MoveMerger { event, date } => {
                        (DialogKind::Move(event), date, String::new(), String::new())
                    }
                    Change::SharedManagement { ccgs, from, .. } => {
                        (DialogKind::Share(ccgs), from, String::new(), String::new())
                    }
                    Change::CancelMerger { .. } => return,
                };
                self.merge_dialog = Some(MergeDialog {
                    kind,
                    replace: Some(i),
                    date: date.to_string(),
                    name,
                    code,
                    error: String::new(),
                });
            }
            Command::AddChange(change) => {
                self.ensure_scenario();
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                match self.merge_dialog.as_ref().and_then(|d| d.replace) {
                    Some(i) if i < next.changes.len() => next.changes[i] = change,
                    _ => next.changes.push(change),
                }
                match self.edit(ctx, next) {
                    Ok(()) => {
                        self.merge_dialog = None;
                        self.merge_pick.clear();
                    }
                    Err(problems) => {
                        let text = problems
                            .iter()
                            .map(|p| p.to_string())
                            .collect::<Vec<_>>()
                            .join("\n");
                        match &mut self.merge_dialog {
                            Some(d) => d.error = text,
                            None => {
                                self.report = Some(ProblemReport {
                                    title:
                                        "That change does not fit the record; nothing was changed"
                                            .into(),
                                    problems,
                                })
                            }
                        }
                    }
                }
            }
            Command::RemoveChange(i) => {
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                if i < next.changes.len() {
                    next.changes.remove(i);
                    if let Err(problems) = self.edit(ctx, next) {
                        self.report = Some(ProblemReport {
                            title: "Removing that change breaks a later one; nothing was changed"
                                .into(),
                            problems,
                        });
                    }
                }
            }
            Command::Undo | Command::Redo => {
                let undo = c == Command::Undo;
                let Some(sc) = &mut self.sc else { return };
                let (from, to) = if undo {
                    (&mut sc.undo, &mut sc.redo)
                } else {
                    (&mut sc.redo, &mut sc.undo)
                };
                if let Some(prev) = from.pop() {
                    to.push(std::mem::replace(&mut sc.scenario, prev));
                    sc.dirty = true;
                    self.reapply_scenario();
                    self.activate();
                    self.autosave(ctx);
                }
            }
            Command::AddBookmark => {
                self.ensure_scenario();
                let selection = self
                    .selection
                    .map(|id| self.timeline.snapshot().org(id).code.clone());
                let show = self.showing_scenario();
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                next.bookmarks.push(Bookmark {
                    name: format!(
                        "{} {}",
                        crate::model::human_date(self.date),
                        if show { "(scenario)" } else { "(actual)" }
                    ),
                    date: self.date,
                    selection,
                    scenario: show,
                    chart: self.focus_chart,
                    note: String::new(),
                });
                let _ = self.edit(ctx, next);
                self.show_scenario = show;
                self.activate();
            }
            Command::RemoveBookmark(i)
            | Command::MoveBookmark(i, _)
            | Command::RenameBookmark(i, _) => {
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                let n = next.bookmarks.len();
                if i >= n {
                    return;
                }
                match c {
                    Command::RemoveBookmark(_) => {
                        next.bookmarks.remove(i);
                    }
                    Command::MoveBookmark(_, up) => {
                        let j = if up {
                            i.checked_sub(1)
                        } else {
                            (i + 1 < n).then_some(i + 1)
                        };
                        if let Some(j) = j {
                            next.bookmarks.swap(i, j);
                        }
                    }
                    Command::RenameBookmark(_, name) => next.bookmarks[i].name = name,
                    _ => {}
                }
                let show = self.show_scenario;
                let _ = self.edit(ctx, next);
                self.show_scenario = show;
                self.activate();
            }
            Command::GoToBookmark(i) => self.go_to_bookmark(i),
            Command::RenameScenario(name) => {
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                next.name = name;
                let show = self.show_scenario;
                let _ = self.edit(ctx, next);
                self.show_scenario = show;
                self.activate();
            }
            Command::Slide(forward) => {
                let n = self.scenario().map(|s| s.bookmarks.len()).unwrap_or(0);
                if n > 0 {
                    let i = match (self.bookmark_at, forward) {
                        (None, true) => Some(0),
                        (None, false) => None,
                        (Some(i), true) => (i + 1 < n).then_some(i + 1),
                        (Some(i), false) => i.checked_sub(1),
                    };
                    if let Some(i) = i {
                        self.go_to_bookmark(i);
                    }
                } else {
                    self.commands.push(if forward {
                        Command::NextEvent
                    } else {
                        Command::PrevEvent
                    });
                }
            }
            Command::TogglePresenter => {
                self.presenting = !self.presenting;
                // A screenshot keeps the size it was asked for.
                if !self.taking_screenshot() {
                    super::set_fullscreen(ctx, Some(self.presenting));
                }
                ctx.set_zoom_factor(if self.presenting { 1.35 } else { 1.0 });
                if !self.presenting {
                    self.autoplay = None;
                }
            }
            Command::Autoplay(pace) => {
                self.autoplay = pace;
                self.autoplay_carry = 0.0;
            }
            Command::Recover(yes) => {
                if self.recovery.is_none() {
                    return;
                }
                if yes {
                    // The scenario open now is not dropped unasked.
                    self.guard(ctx, AfterSave::Recover);
                } else if let Some(r) = self.recovery.take() {
                    autosave_store::remove(&r.path);
                    // The session's own unsaved work moves to the usual autosave file.
                    if self.unsaved() {
                        let waiting = self
                            .autosave_dir
                            .as_ref()
                            .map(|d| d.join(AUTOSAVE_WAITING_FILE));
                        self.autosave_then_remove(ctx, waiting);
                    }
                }
            }
            Command::AnswerSaveOver(yes) => {
                let Some(sc) = &mut self.sc else { return };
                let Some(q) = sc.question.take() else { return };
                if !yes {
                    // Nothing written; what waited for the save waits no more.
                    self.after_saved = None;
                    return;
                }
                match q {
                    SaveQuestion::DropsComments(p) => {
                        sc.comments_dropped_ok = true;
                        self.save_to_with(ctx, p, false);
                    }
                    SaveQuestion::ChangedOnDisk(p) => {
                        sc.changed_on_disk = false;
                        self.save_to_with(ctx, p, true);
                    }
                }
            }
            Command::ReloadScenario => {
                let Some(sc) = &mut self.sc else { return };
                let Some(p) = sc.path.clone() else { return };
                // The user chose the file's version over the edits made here.
                sc.dirty = false;
                self.commands.push(Command::OpenScenario(p));
            }
            Command::KeepScenario => {
                if let Some(sc) = &mut self.sc {
                    sc.changed_on_disk = false;
                }
            }
            Command::AnswerSave(answer) => {
                let Some(after) = self.pending_after_save.take() else {
                    return;
                };
                match answer {
                    None => {}
                    Some(true) => {
                        match self.sc.as_ref().and_then(|s| s.path.clone()) {
                            Some(p) => {
                                // Carry on once it is saved (a save may ask first).
                                self.after_saved = Some(after);
                                self.save_to(ctx, p);
                            }
                            None => {
                                // Ask where, then carry on once saved.
                                self.after_saved = Some(after);
                                self.commands.push(Command::SaveScenarioAs);
                            }
                        }
                    }
                    Some(false) => {
                        if let Some(sc) = &mut self.sc {
                            sc.dirty = false;
                        }
                        self.clear_autosave();
                        self.continue_after_save(ctx, after);
                    }
                }
            }
            Command::ExportTo(kind, path) => self.start_export(ctx, kind, path),
            Command::Export(kind) => {
                let date = self.date.to_string();
                let name = match kind {
                    ExportKind::Window => format!("ccg-explorer-{date}.png"),
                    ExportKind::Chart(i) => format!(
                        "chart-{}-{date}.png",
                        ["costs", "savings", "ccgs"][i.min(2)]
                    ),
                    ExportKind::TreeCsv => format!("tree-{date}.csv"),
                    ExportKind::Flow => format!("merger-flow-{date}.png"),
                    ExportKind::CostsCsv => "running-costs.csv".to_string(),
                };
                self.ask(ctx, IoPurpose::Export(kind), name);
            }
            _ => {}
        }
    }

    fn go_to_bookmark(&mut self, i: usize) {
        let Some(b) = self.scenario().and_then(|s| s.bookmarks.get(i)).cloned() else {
            return;
        };
        self.bookmark_at = Some(i);
        self.show_scenario = b.scenario && self.sc.as_ref().is_some_and(|s| s.world.is_some());
        self.activate();
        self.date = self.clamp(b.date);
        self.selection = b
            .selection
            .as_deref()
            .and_then(|c| self.timeline.snapshot().find_any(c).first().copied());
        self.central_tab = super::CentralTab::Charts;
        self.focus_chart = b.chart;
        self.caption = if b.note.is_empty() {
            b.name.clone()
        } else {
            format!("{}: {}", b.name, b.note)
        };
        self.rows.version += 1;
    }

    /// Takes in finished file work.
    pub(crate) fn poll_io(&mut self, ctx: &egui::Context) {
        self.io.ctx = Some(ctx.clone());
        self.poll_apply(ctx);
        self.poll_scenario_file(ctx);
        while let Ok(r) = self.io.rx.try_recv() {
            self.io.busy = self.io.busy.saturating_sub(1);
            match r {
                IoResult::Opened(path, Ok((scenario, text))) => {
                    self.open_scenario(
                        ctx,
                        scenario,
                        Some(path.clone()),
                        false,
                        AfterOpen::File(text),
                    );
                    if let Some(code) = self.pending_select.take() {
                        self.select_code(&code);
                    }
                    if let Some(i) = self.pending_bookmark.take() {
                        self.go_to_bookmark(i);
                    }
                }
                IoResult::Opened(path, Err(problems)) => {
                    self.pending_select = None;
                    self.report = Some(ProblemReport {
                        title: format!(
                            "Could not open the scenario {}; what you had open is unchanged",
                            path.display()
                        ),
                        problems,
                    });
                }
                IoResult::Saved(path, Ok(text)) => {
                    if let Some(sc) = &mut self.sc {
                        sc.path = Some(path.clone());
                        sc.dirty = false;
                        sc.saving = false;
                    }
                    self.track_file(ctx, path, text);
                    self.clear_autosave();
                    if let Some(after) = self.after_saved.take() {
                        self.continue_after_save(ctx, after);
                    }
                }
                IoResult::SaveConflict(path) => {
                    if let Some(sc) = &mut self.sc {
                        sc.saving = false;
                        sc.changed_on_disk = true;
                        sc.question = Some(SaveQuestion::ChangedOnDisk(path));
                    }
                }
                IoResult::OnDiskNow(path, text) => {
                    if let Some(sc) = &mut self.sc
                        && sc.path.as_ref() == Some(&path)
                        && !sc.saving
                        && sc.disk.as_ref().map(|d| Some(&d.text)) != Some(text.as_ref())
                    {
                        sc.changed_on_disk = true;
                    }
                }
                IoResult::Saved(path, Err(e)) | IoResult::Wrote(path, Err(e)) => {
                    if let Some(sc) = &mut self.sc {
                        sc.saving = false;
                    }
                    self.after_saved = None;
                    self.report = Some(ProblemReport {
                        title: format!(
                            "Could not write {}: {e}. Nothing was lost: the scenario is still open.",
                            path.display()
                        ),
                        problems: Vec::new(),
                    });
                }
                IoResult::Wrote(_, Ok(())) => {}
                IoResult::Picked(_, None) => self.after_saved = None,
                IoResult::NoDialog(purpose) => {
                    use super::path_prompt::PromptFor;
                    let purpose = match purpose {
                        IoPurpose::OpenScenario => PromptFor::Scenario,
                        IoPurpose::SaveScenario => PromptFor::SaveScenario,
                        IoPurpose::Export(kind) => PromptFor::Export(kind),
                    };
                    self.commands.push(Command::AskPath(
                        purpose,
                        super::path_prompt::did_not_open(),
                    ));
                }
                IoResult::Picked(IoPurpose::OpenScenario, Some(p)) => {
                    self.commands.push(Command::OpenScenario(p))
                }
                IoResult::Picked(IoPurpose::SaveScenario, Some(p)) => self.save_to(ctx, p),
                IoResult::Picked(IoPurpose::Export(kind), Some(p)) => {
                    self.start_export(ctx, kind, p)
                }
            }
        }
    }

    /// The stamp on exported pictures: date, footprint and scenario.
    pub fn stamp(&mut self) -> String {
        let footprint = self.charts().costs.footprint.clone();
        let scenario = match (self.showing_scenario(), self.scenario()) {
            (true, Some(s)) => format!("scenario: {}", s.name),
            _ => "actual record".to_string(),
        };
        format!(
            "{} · {footprint} · {scenario}",
            crate::model::human_date(self.date)
        )
    }

    /// Starts an export to `path`.
    pub fn start_export(&mut self, ctx: &egui::Context, kind: ExportKind, path: PathBuf) {
        match kind {
            ExportKind::Window | ExportKind::Chart(_) | ExportKind::Flow => {
                if kind == ExportKind::Flow {
                    self.central_tab = super::CentralTab::Flow;
                }
                let stamp = self.stamp();
                // One picture at a time; later ones wait their turn.
                self.exports.push(Export {
                    kind,
                    path,
                    stamp,
                    frames: 0,
                });
                ctx.request_repaint();
            }
            ExportKind::TreeCsv | ExportKind::CostsCsv => {
                let mut buf: Vec<u8> = Vec::new();
                let r = if kind == ExportKind::TreeCsv {
                    crate::io::report::write_at(
                        &mut buf,
                        &self.timeline,
                        self.date,
                        crate::io::report::Format::Csv,
                    )
                } else {
                    let fp = crate::view::footprint_for(
                        &self.timeline,
                        &self.costs,
                        self.selection,
                        self.date,
                    );
                    crate::io::report::write_costs(
                        &mut buf,
                        &self.costs,
                        &fp,
                        crate::io::report::Format::Csv,
                    )
                };
                match r {
                    Ok(()) => self.io.spawn(ctx, move || {
                        let r = write_file(&path, &buf);
                        IoResult::Wrote(path, r)
                    }),
                    Err(e) => {
                        self.report = Some(ProblemReport {
                            title: format!("Cannot export: {e:#}"),
                            problems: Vec::new(),
                        })
                    }
                }
            }
        }
    }

    /// Draws the stamp and takes the picture once the frame is stable.
    pub(crate) fn export_step(&mut self, ui: &mut egui::Ui) {
        let Some(export) = self.exports.first_mut() else {
            return;
        };
        export.frames += 1;
        let ctx = ui.ctx().clone();
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("export stamp"),
        ));
        let screen = ctx.content_rect();
        let crop = match export.kind {
            ExportKind::Chart(i) => self.chart_rects.get(i).copied().flatten(),
            ExportKind::Flow => self.flow_rect,
            _ => None,
        };
        let area = crop.unwrap_or(screen);
        let galley = painter.layout_no_wrap(
            export.stamp.clone(),
            egui::FontId::proportional(14.0),
            Color32::WHITE,
        );
        let pos = area.right_bottom() - galley.size() - egui::vec2(10.0, 8.0);
        painter.rect_filled(
            egui::Rect::from_min_size(
                pos - egui::vec2(6.0, 4.0),
                galley.size() + egui::vec2(12.0, 8.0),
            ),
            4.0,
            Color32::from_black_alpha(200),
        );
        painter.galley(pos, galley, Color32::WHITE);
        ctx.request_repaint();
        if export.frames < 2 {
            return;
        }
        if export.frames > 2 {
            // Waiting for the browser's picture, with the stamp still drawn.
            if export.frames >= 2 + SCREENSHOT_LAG {
                self.exports.remove(0);
            }
            return;
        }
        let path = export.path.clone();
        if SCREENSHOT_LAG == 0 {
            self.exports.remove(0);
        }
        let ppp = ctx.pixels_per_point();
        let tx = self.io.tx.clone();
        self.io.busy += 1;
        ctx.request_screenshot(move |img| {
            let [w, h] = img.size;
            let rgba: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
            let job = move || {
                let r = encode_png(w as u32, h as u32, rgba, crop, ppp)
                    .and_then(|bytes| write_file(&path, &bytes));
                let _ = tx.send(IoResult::Wrote(path, r));
            };
            // Encoding and writing happen off the UI thread (in a browser, at once).
            #[cfg(not(target_arch = "wasm32"))]
            let _ = std::thread::Builder::new().name("export".into()).spawn(job);
            #[cfg(target_arch = "wasm32")]
            job();
        });
    }

    /// Presenter autoplay: the next event every so many seconds.
    pub(crate) fn autoplay_step(&mut self, ctx: &egui::Context) {
        let Some(pace) = self.autoplay else { return };
        self.autoplay_carry += f64::from(ctx.input(|i| i.stable_dt).clamp(0.0, 0.25));
        if self.autoplay_carry >= pace {
            self.autoplay_carry = 0.0;
            if self.timeline.next_event_day(self.date).is_some() {
                self.commands.push(Command::NextEvent);
            } else {
                self.autoplay = None;
            }
        }
        ctx.request_repaint();
    }

    /// The caption line: the bookmark's note, or what happened on the date.
    pub(crate) fn update_caption(&mut self) {
        if let Some(i) = self.bookmark_at
            && let Some(b) = self.scenario().and_then(|s| s.bookmarks.get(i))
            && b.date == self.date
        {
            return;
        }
        self.bookmark_at = None;
        // A wave is summed up ("18 mergers: 74 CCGs became 18"), not cut to its first
        // merger; scenario changes first, since they are what the room is looking at.
        let mut lines = crate::view::day_summary(&self.timeline, self.date);
        lines.sort_by_key(|l| !l.contains("(scenario)"));
        self.caption = if lines.is_empty() {
            String::new()
        } else {
            format!(
                "{}: {}",
                crate::model::human_date(self.date),
                lines.join("; ")
            )
        };
    }

    /// The scenario section of the right-hand panel.
    pub(crate) fn scenario_panel_ui(&mut self, ui: &mut egui::Ui) {
        let warm = if ui.visuals().dark_mode {
            Color32::from_rgb(255, 196, 80)
        } else {
            Color32::from_rgb(170, 90, 0)
        };
        if !self.merge_pick.is_empty() {
            ui.label(RichText::new(format!("CCGs to merge ({})", self.merge_pick.len())).strong());
            for code in self.merge_pick.clone() {
                ui.horizontal(|ui| {
                    let name = self
                        .actual
                        .timeline
                        .snapshot()
                        .find(crate::model::OrgKind::Ccg, &code)
                        .map(|id| self.actual.timeline.snapshot().org(id).label())
                        .unwrap_or(code.clone());
                    ui.label(name);
                    if ui.small_button("Remove").clicked() {
                        self.commands.push(Command::TogglePick(code.clone()));
                    }
                });
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(self.merge_pick.len() >= 2, egui::Button::new("Merge…"))
                    .clicked()
                {
                    self.commands.push(Command::OpenMergeDialog);
                }
                if ui
                    .add_enabled(
                        self.merge_pick.len() >= 2,
                        egui::Button::new("Share an AO…"),
                    )
                    .on_hover_text("The picked CCGs share one accountable officer from a date")
                    .clicked()
                {
                    self.commands.push(Command::OpenShareDialog);
                }
                if ui.button("Clear").clicked() {
                    for c in self.merge_pick.clone() {
                        self.commands.push(Command::TogglePick(c));
                    }
                }
            });
            ui.separator();
        }
        if self.scenario_applying() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Laying the scenario over the record…");
            });
        }
        let Some(sc) = &self.sc else { return };
        if sc.changed_on_disk
            && let Some(p) = &sc.path
        {
            ui.colored_label(
                warm,
                format!(
                    "The scenario file {} changed on disk since it was opened or saved here.",
                    file_name(p)
                ),
            );
            ui.horizontal(|ui| {
                if ui
                    .button("Reload scenario")
                    .on_hover_text("Open the file's version; edits made here are dropped")
                    .clicked()
                {
                    self.commands.push(Command::ReloadScenario);
                }
                if ui
                    .button("Keep mine")
                    .on_hover_text("Keep this version; saving will ask before overwriting the file")
                    .clicked()
                {
                    self.commands.push(Command::KeepScenario);
                }
            });
        }
        let dirty = if sc.dirty { " (unsaved)" } else { "" };
        ui.label(
            RichText::new(format!("Scenario: {}{dirty}", sc.scenario.name))
                .strong()
                .color(warm),
        );
        let id = egui::Id::unique("scenario name");
        let mut name = ui
            .data(|d| d.get_temp::<String>(id))
            .unwrap_or_else(|| sc.scenario.name.clone());
        let resp = ui
            .horizontal(|ui| {
                let l = ui.label("Name:");
                ui.text_edit_singleline(&mut name).labelled_by(l.id)
            })
            .inner;
        if resp.changed() {
            ui.data_mut(|d| d.insert_temp(id, name.clone()));
        }
        if resp.lost_focus() {
            ui.data_mut(|d| d.remove::<String>(id));
            if !name.trim().is_empty() && name.trim() != sc.scenario.name {
                self.commands
                    .push(Command::RenameScenario(name.trim().to_string()));
            }
        }
        if super::panels::WEB {
            ui.weak(
                "In a browser, Save downloads the scenario; unsaved changes are kept in \
                 this browser's storage.",
            );
        }
        let mut show = self.show_scenario;
        if ui
            .checkbox(
                &mut show,
                "Show the scenario (untick for the actual record)",
            )
            .changed()
        {
            self.commands.push(Command::ToggleScenarioView);
        }
        if sc.world.is_some() && !sc.problems.is_empty() {
            ui.colored_label(warm, format!("{} warning(s):", sc.problems.len()));
            for p in &sc.problems {
                ui.weak(p.to_string());
            }
        }
        if sc.world.is_none() && !sc.problems.is_empty() {
            ui.colored_label(
                Color32::from_rgb(200, 60, 40),
                "The scenario does not apply:",
            );
            for p in &sc.problems {
                ui.label(p.to_string());
            }
        }
        ui.label(RichText::new(format!("Changes ({})", sc.scenario.changes.len())).strong());
        if sc.scenario.changes.is_empty() {
            ui.weak("No changes yet: pick CCGs (Ctrl+click in the tree grouped by CCG, or “Add to merger” in the details), then Merge…");
        }
        for (i, c) in sc.scenario.changes.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{}. {}", i + 1, c.describe()));
                if !matches!(c, Change::CancelMerger { .. })
                    && ui.small_button(format!("Edit change {}", i + 1)).clicked()
                {
                    self.commands.push(Command::EditChange(i));
                }
                if ui
                    .small_button(format!("Remove change {}", i + 1))
                    .clicked()
                {
                    self.commands.push(Command::RemoveChange(i));
                }
            });
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!sc.undo.is_empty(), egui::Button::new("Undo"))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                self.commands.push(Command::Undo);
            }
            if ui
                .add_enabled(!sc.redo.is_empty(), egui::Button::new("Redo"))
                .on_hover_text("Ctrl+Shift+Z")
                .clicked()
            {
                self.commands.push(Command::Redo);
            }
            if ui.button("Save").on_hover_text("Ctrl+S").clicked() {
                self.commands.push(Command::SaveScenario);
            }
        });
        ui.label(RichText::new(format!("Bookmarks ({})", sc.scenario.bookmarks.len())).strong());
        let current = self.bookmark_at;
        for (i, b) in sc.scenario.bookmarks.iter().enumerate() {
            ui.horizontal(|ui| {
                if ui
                    .selectable_label(current == Some(i), format!("{}. {}", i + 1, b.name))
                    .clicked()
                {
                    self.commands.push(Command::GoToBookmark(i));
                }
                if ui.small_button("⏶").on_hover_text("Move up").clicked() {
                    self.commands.push(Command::MoveBookmark(i, true));
                }
                if ui.small_button("⏷").on_hover_text("Move down").clicked() {
                    self.commands.push(Command::MoveBookmark(i, false));
                }
                if ui
                    .small_button("Remove")
                    .on_hover_text(format!("Remove bookmark {}", i + 1))
                    .clicked()
                {
                    self.commands.push(Command::RemoveBookmark(i));
                }
            });
        }
        if let Some(i) = current
            && let Some(b) = sc.scenario.bookmarks.get(i)
        {
            let id = egui::Id::unique("bookmark name").with(i);
            let mut name = ui
                .data(|d| d.get_temp::<String>(id))
                .unwrap_or_else(|| b.name.clone());
            let resp = ui.horizontal(|ui| {
                let l = ui.label("Rename:");
                ui.text_edit_singleline(&mut name).labelled_by(l.id)
            });
            let resp = resp.inner;
            if resp.changed() {
                ui.data_mut(|d| d.insert_temp(id, name.clone()));
            }
            if resp.lost_focus() && name != b.name {
                self.commands.push(Command::RenameBookmark(i, name));
                ui.data_mut(|d| d.remove::<String>(id));
            }
        }
        if ui.button("Add bookmark").clicked() {
            self.commands.push(Command::AddBookmark);
        }
        ui.separator();
    }

    /// Dialogs: merge, recovery, "save changes?".
    pub(crate) fn scenario_dialogs_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let Some(r) = &self.recovery {
            let name = r.scenario.name.clone();
            let n = r.scenario.changes.len();
            egui::Window::new("Recover unsaved scenario")
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(&ctx, |ui| {
                    ui.label(format!(
                        "The scenario “{name}” ({}) was not saved when ccg-explorer last closed.",
                        crate::model::plural(n, "change", "changes")
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Recover").clicked() {
                            self.commands.push(Command::Recover(true));
                        }
                        if ui.button("Discard").clicked() {
                            self.commands.push(Command::Recover(false));
                        }
                    });
                });
        }
        if self.pending_after_save.is_some() {
            let name = self.scenario().map(|s| s.name.clone()).unwrap_or_default();
            egui::Window::new("Unsaved scenario")
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(&ctx, |ui| {
                    ui.label(format!("Save the changes to “{name}” first?"));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            self.commands.push(Command::AnswerSave(Some(true)));
                        }
                        if ui.button("Don't save").clicked() {
                            self.commands.push(Command::AnswerSave(Some(false)));
                        }
                        if ui.button("Cancel").clicked() {
                            self.commands.push(Command::AnswerSave(None));
                        }
                    });
                });
        }
        if let Some(q) = self.sc.as_ref().and_then(|s| s.question.clone()) {
            let (text, yes) = match &q {
                SaveQuestion::DropsComments(p) => (
                    format!(
                        "{} has comments inside the scenario. Saving writes the scenario anew: the comments at the top of the file are kept, the others are dropped.",
                        file_name(p)
                    ),
                    "Save and drop them",
                ),
                SaveQuestion::ChangedOnDisk(p) => (
                    format!(
                        "{} changed on disk since it was opened or saved here. Saving would overwrite that version.",
                        file_name(p)
                    ),
                    "Overwrite it",
                ),
            };
            egui::Window::new("Save over the file?")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .show(&ctx, |ui| {
                    ui.label(text);
                    ui.horizontal(|ui| {
                        if ui.button(yes).clicked() {
                            self.commands.push(Command::AnswerSaveOver(true));
                        }
                        if ui.button("Cancel").clicked() {
                            self.commands.push(Command::AnswerSaveOver(false));
                        }
                    });
                });
        }
        let mut close = false;
        if let Some(d) = &mut self.merge_dialog {
            let mut push = None;
            let (title, button) = match (&d.kind, d.replace) {
                (DialogKind::Merge(_), None) => ("Merge CCGs", "Merge"),
                (DialogKind::Move(_), None) => ("Move a merger", "Move"),
                (DialogKind::Share(_), None) => ("Share an accountable officer", "Share"),
                (_, Some(_)) => ("Edit the change", "Apply"),
            };
            // The merger a Move dialog is about, in words.
            let merger_name = match &d.kind {
                DialogKind::Move(event) => self
                    .actual
                    .timeline
                    .events()
                    .iter()
                    .find(|e| e.id == *event)
                    .map(|e| {
                        let s = self.actual.timeline.snapshot();
                        format!(
                            "the merger of {} CCGs into {} on {}",
                            e.from.len(),
                            s.org(e.to).label(),
                            crate::model::human_date(e.date)
                        )
                    })
                    .unwrap_or_else(|| format!("merger {event}")),
                _ => String::new(),
            };
            // Centred (never over the menu bar), with fields as wide as what they hold.
            egui::Window::new(title)
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
                .min_width(420.0)
                .show(&ctx, |ui| {
                    match &d.kind {
                        DialogKind::Merge(ccgs) => {
                            ui.label(format!("Merge {} CCGs: {}", ccgs.len(), ccgs.join(", ")));
                        }
                        DialogKind::Move(_) => {
                            ui.label(format!("Move {merger_name} to another date"));
                        }
                        DialogKind::Share(ccgs) => {
                            ui.label(format!(
                                "{} share one accountable officer from:",
                                ccgs.join(", ")
                            ));
                        }
                    }
                    egui::Grid::new("change fields").show(ui, |ui| {
                        let l = ui.label(if matches!(d.kind, DialogKind::Share(_)) {
                            "From"
                        } else {
                            "Merger date"
                        });
                        ui.add(
                            egui::TextEdit::singleline(&mut d.date)
                                .desired_width(160.0)
                                .min_size(egui::vec2(160.0, 0.0))
                                .hint_text("1 April 2019"),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                        if matches!(d.kind, DialogKind::Merge(_)) {
                            let l = ui.label("New CCG name");
                            ui.add(
                                egui::TextEdit::singleline(&mut d.name)
                                    .desired_width(320.0)
                                    .min_size(egui::vec2(320.0, 0.0)),
                            )
                            .labelled_by(l.id);
                            ui.end_row();
                            let l = ui.label("New CCG code");
                            ui.add(
                                egui::TextEdit::singleline(&mut d.code)
                                    .desired_width(120.0)
                                    .min_size(egui::vec2(120.0, 0.0))
                                    .hint_text("e.g. KM18"),
                            )
                            .labelled_by(l.id);
                            ui.end_row();
                        }
                    });
                    if !d.error.is_empty() {
                        ui.colored_label(Color32::from_rgb(220, 70, 50), &d.error);
                    }
                    ui.horizontal(|ui| {
                        if ui.button(button).clicked() {
                            match crate::model::dates::parse_date(&d.date) {
                                Ok(date) => {
                                    push = Some(match &d.kind {
                                        DialogKind::Merge(ccgs) => Change::Merge {
                                            date,
                                            ccgs: ccgs.clone(),
                                            code: d.code.trim().to_string(),
                                            name: d.name.trim().to_string(),
                                        },
                                        DialogKind::Move(event) => Change::MoveMerger {
                                            event: event.clone(),
                                            date,
                                        },
                                        DialogKind::Share(ccgs) => Change::SharedManagement {
                                            ccgs: ccgs.clone(),
                                            from: date,
                                            to: None,
                                        },
                                    })
                                }
                                Err(e) => d.error = e.to_string(),
                            }
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                });
            if let Some(change) = push {
                self.commands.push(Command::AddChange(change));
            }
        }
        if close {
            self.merge_dialog = None;
        }
    }

    /// Handles a close request: asks first when the scenario is unsaved.
    pub(crate) fn close_guard(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.quitting && self.unsaved() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending_after_save = Some(AfterSave::Quit);
        }
    }
}

/// Frames after asking for a picture before it is taken: none on the desktop; in a
/// browser eframe takes it when a later frame is painted, so the export stamp stays
/// on the screen that long.
const SCREENSHOT_LAG: u32 = if cfg!(target_arch = "wasm32") { 2 } else { 0 };

/// The picture as PNG bytes, cropped to `crop` (in points; `ppp` pixels a point).
fn encode_png(
    w: u32,
    h: u32,
    rgba: Vec<u8>,
    crop: Option<egui::Rect>,
    ppp: f32,
) -> Result<Vec<u8>, String> {
    let mut buf = image::RgbaImage::from_raw(w, h, rgba).ok_or("unexpected picture size")?;
    if let Some(r) = crop {
        let x = (r.left() * ppp).max(0.0) as u32;
        let y = (r.top() * ppp).max(0.0) as u32;
        let cw = ((r.width() * ppp) as u32).min(buf.width().saturating_sub(x));
        let ch = ((r.height() * ppp) as u32).min(buf.height().saturating_sub(y));
        buf = image::imageops::crop(&mut buf, x, y, cw, ch).to_image();
    }
    let mut bytes = Vec::new();
    buf.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| e.to_string())?;
    Ok(bytes)
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A file's name for messages.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| p.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_strings_only() {
        assert!(!has_comments(r###"(name: "a // b", note: r#"/* x */"#)"###));
        assert!(!has_comments(r##"(name: "esc \" // still a string")"##));
        assert!(has_comments("(\n  // a note\n  name: \"x\")"));
        assert!(has_comments("(name: \"x\" /* note */)"));
        let d = OnDisk::of("// top\n// more\n#![enable(implicit_some)]\n(name: \"x\")\n");
        assert_eq!(d.header, "// top\n// more\n");
        assert!(!d.inner_comments);
        let d = OnDisk::of("#![enable(implicit_some)]\n(\n // inside\n)");
        assert_eq!(d.header, "");
        assert!(d.inner_comments);
    }
}
