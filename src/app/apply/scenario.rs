//! The scenario: edits and their undo, opening and saving its file (asking first when
//! the file changed or would lose comments), autosave and recovery, bookmarks, and
//! what the scenario workers hand back.

use std::path::PathBuf;

use crate::app::command::Scenario as Cmd;
use crate::app::jobs::{AfterOpen, Applied, ApplyPurpose, IoPurpose, IoResult, lay_over};
use crate::app::scenario::{
    AUTOSAVE_WAITING_FILE, AfterSave, ChangeDialog, DialogKind, SaveQuestion, ScenarioState,
    autosave,
};
use crate::app::{App, CentralTab, ProblemReport, World};
use crate::model::load::Problem;
use crate::model::scenario::{Bookmark, Change, Scenario, parse_scenario};

/// What the window says when an edit does not fit the record.
const DOES_NOT_FIT: &str = "That change does not fit the record; nothing was changed";

impl App {
    pub(super) fn apply_scenario(&mut self, ctx: &egui::Context, c: Cmd) {
        match c {
            Cmd::New => self.guard(ctx, AfterSave::New),
            Cmd::OpenDialog => self.guard(ctx, AfterSave::Open(None)),
            Cmd::Open(path) => self.open_file(ctx, path),
            Cmd::Save => match self.sc.as_ref().and_then(|s| s.path.clone()) {
                Some(p) => self.save_to(ctx, p, false),
                None => self.push(Cmd::SaveAs),
            },
            Cmd::SaveAs => {
                let name = self
                    .sc
                    .as_ref()
                    .map(|s| format!("{}.ron", slug(&s.scenario.name)))
                    .unwrap_or_default();
                self.ask(ctx, IoPurpose::SaveScenario, name);
            }
            Cmd::SaveTo(p) => self.save_to(ctx, p, false),
            Cmd::Close => self.guard(ctx, AfterSave::Close),
            Cmd::ToggleView => {
                if self.sc.is_some() {
                    self.show_scenario = !self.show_scenario;
                    self.activate();
                }
            }
            Cmd::OpenMergeDialog => self.open_pick_dialog(true),
            Cmd::OpenShareDialog => self.open_pick_dialog(false),
            Cmd::OpenMoveDialog(event) => {
                let date = self.date.to_string();
                self.open_dialog_for(
                    DialogKind::Move(event),
                    None,
                    date,
                    String::new(),
                    String::new(),
                );
            }
            Cmd::EditChange(i) => self.edit_change(i),
            Cmd::CloseDialog => self.change_dialog = None,
            Cmd::AddChange(change) => self.add_change(ctx, change),
            Cmd::RemoveChange(i) => {
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
            Cmd::Undo | Cmd::Redo => {
                let undo = c == Cmd::Undo;
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
                    self.autosave(ctx, None);
                }
            }
            Cmd::AddBookmark => self.add_bookmark(ctx),
            Cmd::RemoveBookmark(i) | Cmd::MoveBookmark(i, _) | Cmd::RenameBookmark(i, _) => {
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                let n = next.bookmarks.len();
                if i >= n {
                    return;
                }
                match c {
                    Cmd::RemoveBookmark(_) => {
                        next.bookmarks.remove(i);
                    }
                    Cmd::MoveBookmark(_, up) => {
                        let j = if up {
                            i.checked_sub(1)
                        } else {
                            (i + 1 < n).then_some(i + 1)
                        };
                        if let Some(j) = j {
                            next.bookmarks.swap(i, j);
                        }
                    }
                    Cmd::RenameBookmark(_, name) => next.bookmarks[i].name = name,
                    _ => {}
                }
                self.edit_keeping_view(ctx, next);
            }
            Cmd::GoToBookmark(i) => self.go_to_bookmark(i),
            Cmd::Rename(name) => {
                let Some(sc) = &self.sc else { return };
                let mut next = sc.scenario.clone();
                next.name = name;
                self.edit_keeping_view(ctx, next);
            }
            Cmd::Recover(yes) => {
                if self.recovery.is_none() {
                    return;
                }
                if yes {
                    // The scenario open now is not dropped unasked.
                    self.guard(ctx, AfterSave::Recover);
                } else if let Some(r) = self.recovery.take() {
                    autosave::remove(&r.path);
                    // The session's own unsaved work moves to the usual autosave file.
                    if self.unsaved() {
                        let waiting = self
                            .autosave
                            .dir
                            .as_ref()
                            .map(|d| d.join(AUTOSAVE_WAITING_FILE));
                        self.autosave(ctx, waiting);
                    }
                }
            }
            Cmd::AnswerSaveOver(yes) => {
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
                        self.save_to(ctx, p, false);
                    }
                    SaveQuestion::ChangedOnDisk(p) => {
                        sc.changed_on_disk = false;
                        self.save_to(ctx, p, true);
                    }
                }
            }
            Cmd::ReloadFromDisk => {
                let Some(sc) = &mut self.sc else { return };
                let Some(p) = sc.path.clone() else { return };
                // The user chose the file's version over the edits made here.
                sc.dirty = false;
                self.push(Cmd::Open(p));
            }
            Cmd::KeepMine => {
                if let Some(sc) = &mut self.sc {
                    sc.changed_on_disk = false;
                }
            }
            Cmd::AnswerSave(answer) => {
                let Some(after) = self.pending_after_save.take() else {
                    return;
                };
                match answer {
                    None => {}
                    Some(true) => {
                        // Carry on once it is saved (a save may ask first, or ask where).
                        self.after_saved = Some(after);
                        match self.sc.as_ref().and_then(|s| s.path.clone()) {
                            Some(p) => self.save_to(ctx, p, false),
                            None => self.push(Cmd::SaveAs),
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
        }
    }

    /// Opens a scenario file (asks first about unsaved work).
    fn open_file(&mut self, ctx: &egui::Context, path: PathBuf) {
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
            let text = self.services.browser.text(&path);
            move || text
        };
        self.services.io.spawn(ctx, move || {
            let r = read()
                .map_err(|e| {
                    vec![Problem::general(
                        format!("{e:#}"),
                        "check the path and try again",
                    )]
                })
                .and_then(|t| parse_scenario(&t).map(|s| (s, t)).map_err(|e| e.problems));
            IoResult::Opened(path, r)
        });
    }

    /// The merge (or share) dialog for the picked CCGs, named after their system.
    fn open_pick_dialog(&mut self, merge: bool) {
        let s = self.actual.timeline.snapshot();
        let system = self
            .merge_pick
            .first()
            .and_then(|c| s.find(crate::model::OrgKind::Ccg, c))
            .and_then(|id| crate::view::system_of(&self.actual.timeline, id, self.date))
            .map(|id| s.org(id).name.clone());
        let n = self.scenario().map(|s| s.changes.len()).unwrap_or(0) + 1;
        let picks = self.merge_pick.clone();
        let kind = if merge {
            DialogKind::Merge(picks)
        } else {
            DialogKind::Share(picks)
        };
        let name = match system {
            Some(sys) => format!("NHS {sys} CCG"),
            None => "NHS merged CCG".to_string(),
        };
        let date = self.date.to_string();
        self.open_dialog_for(kind, None, date, name, format!("SC{n:02}"));
    }

    /// The dialog on change `i`, filled in from it.
    fn edit_change(&mut self, i: usize) {
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
        self.open_dialog_for(kind, Some(i), date.to_string(), name, code);
    }

    fn open_dialog_for(
        &mut self,
        kind: DialogKind,
        replace: Option<usize>,
        date: String,
        name: String,
        code: String,
    ) {
        self.dialogs_opened += 1;
        self.change_dialog = Some(ChangeDialog {
            id: self.dialogs_opened,
            kind,
            replace,
            date,
            name,
            code,
            error: String::new(),
        });
    }

    /// Adds `change` (or replaces the change the dialog edits); a change that does not
    /// fit is refused, and the dialog (or the problems panel) says why.
    fn add_change(&mut self, ctx: &egui::Context, change: Change) {
        self.ensure_scenario();
        let Some(sc) = &self.sc else { return };
        let mut next = sc.scenario.clone();
        match self.change_dialog.as_ref().and_then(|d| d.replace) {
            Some(i) if i < next.changes.len() => next.changes[i] = change,
            _ => next.changes.push(change),
        }
        match self.edit(ctx, next) {
            Ok(()) => {
                self.change_dialog = None;
                self.merge_pick.clear();
            }
            Err(problems) => match &mut self.change_dialog {
                Some(d) => {
                    d.error = problems
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                None => {
                    self.report = Some(ProblemReport {
                        title: DOES_NOT_FIT.into(),
                        problems,
                    })
                }
            },
        }
    }

    fn add_bookmark(&mut self, ctx: &egui::Context) {
        self.ensure_scenario();
        let selection = self
            .selection
            .map(|id| self.world.timeline.snapshot().org(id).code.clone());
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
        self.show_scenario = show;
        self.edit_keeping_view(ctx, next);
    }

    /// [`App::edit`] for changes that do not change the record (bookmarks, the name):
    /// the view shown stays, and a refusal is reported, never dropped.
    fn edit_keeping_view(&mut self, ctx: &egui::Context, next: Scenario) {
        let show = self.show_scenario;
        if let Err(problems) = self.edit(ctx, next) {
            self.report = Some(ProblemReport {
                title: DOES_NOT_FIT.into(),
                problems,
            });
        }
        self.show_scenario = show;
        self.activate();
    }

    pub(super) fn go_to_bookmark(&mut self, i: usize) {
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
            .and_then(|c| self.world.timeline.snapshot().find_any(c).first().copied());
        self.central_tab = CentralTab::Charts;
        self.focus_chart = b.chart;
        self.tree_version += 1;
    }

    /// Whether scenarios are laid over the record on a worker: for snapshots too large
    /// to do it within a frame (desktop only; a page has no threads).
    fn apply_on_worker(&self) -> bool {
        cfg!(not(target_arch = "wasm32"))
            && (self.services.io.always_on_worker
                || self.actual.timeline.snapshot().orgs.len() > crate::app::ON_WORKER)
    }

    /// Lays `scenario` over the record on a worker; [`App::applied`] takes the result.
    fn spawn_apply(&mut self, scenario: Scenario, purpose: ApplyPurpose) {
        let raw = self.raw.clone();
        if let Err(e) = self.services.io.spawn_apply(raw, scenario, purpose) {
            self.report = Some(ProblemReport::message(format!(
                "Cannot lay the scenario over the record: {e}"
            )));
        }
    }

    /// Takes in a scenario laid over the record on a worker.
    pub(super) fn applied(&mut self, ctx: &egui::Context, result: Applied) {
        let Some(job) = self.services.io.applying.take() else {
            return;
        };
        let scenario = job.scenario;
        match job.purpose {
            ApplyPurpose::Edit { before } => {
                let Some(sc) = &mut self.sc else { return };
                if sc.scenario != before {
                    return;
                }
                match result {
                    Ok((world, warnings)) => self.commit_edit(ctx, scenario, world, warnings),
                    Err(problems) => {
                        self.report = Some(ProblemReport {
                            title: DOES_NOT_FIT.into(),
                            problems,
                        });
                    }
                }
            }
            ApplyPurpose::Open { path, dirty, after } => match result {
                Ok((world, warnings)) => {
                    self.install_scenario(scenario, path.clone(), dirty, world, warnings);
                    self.after_open(ctx, path, after);
                    if let Some(i) = self.pending_bookmark.take() {
                        self.go_to_bookmark(i);
                    }
                }
                Err(problems) => self.not_applied(problems),
            },
            ApplyPurpose::Reapply => {
                let Some(sc) = &mut self.sc else { return };
                if sc.scenario != scenario {
                    return;
                }
                sc.set_applied(result);
                self.activate();
            }
        }
    }

    /// Applies the open scenario to the actual record again.
    pub(super) fn reapply_scenario(&mut self) {
        if self.apply_on_worker() {
            let Some(sc) = &mut self.sc else { return };
            // The world it had belongs to the record as it was: shown no more.
            sc.world = None;
            let scenario = sc.scenario.clone();
            self.spawn_apply(scenario, ApplyPurpose::Reapply);
            return;
        }
        let raw = self.raw.clone();
        let Some(sc) = &mut self.sc else { return };
        sc.set_applied(lay_over(&raw, &sc.scenario))
    }

    /// Replaces the scenario with `next` if it applies; otherwise keeps it and says why.
    /// For a large snapshot it is laid over the record on a worker: the edit lands (or
    /// is refused, with a report) when that is done.
    fn edit(&mut self, ctx: &egui::Context, next: Scenario) -> Result<(), Vec<Problem>> {
        let Some(before) = self.scenario().cloned() else {
            return Err(vec![Problem::general(
                "there is no scenario to change",
                "start one with Scenario > New scenario",
            )]);
        };
        if self.apply_on_worker() {
            // Laying the scenario as it is over the record again is superseded by the
            // edit; another edit or an opening under way is not.
            if self
                .services
                .io
                .applying
                .as_ref()
                .is_some_and(|a| !matches!(a.purpose, ApplyPurpose::Reapply))
            {
                return Err(vec![Problem::general(
                    "the scenario is still being laid over the record",
                    "try again in a moment",
                )]);
            }
            self.spawn_apply(next, ApplyPurpose::Edit { before });
            return Ok(());
        }
        let (world, warnings) = lay_over(&self.raw, &next)?;
        self.commit_edit(ctx, next, world, warnings);
        Ok(())
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
        self.autosave(ctx, None);
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
    pub(super) fn open_scenario(
        &mut self,
        ctx: &egui::Context,
        scenario: Scenario,
        path: Option<PathBuf>,
        dirty: bool,
        after: AfterOpen,
    ) {
        if self.apply_on_worker() {
            self.spawn_apply(scenario, ApplyPurpose::Open { path, dirty, after });
            return;
        }
        match lay_over(&self.raw, &scenario) {
            Ok((world, warnings)) => {
                self.install_scenario(scenario, path.clone(), dirty, world, warnings);
                self.after_open(ctx, path, after);
            }
            Err(problems) => self.not_applied(problems),
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
            (AfterOpen::Recovered(old), _) => self.autosave(ctx, Some(old)),
            (AfterOpen::File(_), None) => {}
        }
    }

    fn not_applied(&mut self, problems: Vec<Problem>) {
        self.report = Some(ProblemReport {
            title: "The scenario does not apply to this snapshot; nothing was changed".into(),
            problems,
        });
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

    /// Runs what waited for "save changes?".
    pub(super) fn continue_after_save(&mut self, ctx: &egui::Context, after: AfterSave) {
        match after {
            AfterSave::Quit => {
                self.quitting = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            AfterSave::Open(Some(p)) => self.push(Cmd::Open(p)),
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

    /// Does `after` now, or once "save changes?" is answered.
    pub(super) fn guard(&mut self, ctx: &egui::Context, after: AfterSave) {
        if self.unsaved() {
            self.pending_after_save = Some(after);
        } else {
            self.continue_after_save(ctx, after);
        }
    }
}

/// A scenario's name as a file name: `kent-and-medway-merge-in-2018`.
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
