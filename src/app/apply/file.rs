//! Snapshot files: opening (in the background), reloading, the embedded record, the
//! problems panel; and what the loader and the open dialog hand back.

use std::path::PathBuf;

use crate::app::command::{File, Scenario};
use crate::app::jobs::{DialogAnswer, Done};
use crate::app::path_prompt::{PathPromptRequest, PromptFor, did_not_open};
use crate::app::{App, ProblemReport, World};
use crate::io::loader::{Loaded, Prepared};
use crate::model::format::RawSnapshot;

impl App {
    pub(super) fn apply_file(&mut self, ctx: &egui::Context, f: File) {
        match f {
            File::OpenDialog => self.open_dialog(ctx),
            File::Open(path) => self.start_load(ctx, path),
            File::IgnoreChange => self.file_changed = false,
            #[cfg(not(target_arch = "wasm32"))]
            File::Reload => {
                self.file_changed = false;
                if let Some(p) = self.file.clone() {
                    self.start_load(ctx, p);
                }
            }
            #[cfg(target_arch = "wasm32")]
            File::Reload => {
                if self.file.is_some() {
                    self.report = Some(ProblemReport::message(format!(
                        "{}: open the file again with File > Open… or drop it on the page.",
                        crate::app::RELOAD_DESKTOP
                    )));
                }
            }
            File::CancelLoad => {
                self.services.loader.cancel();
                self.pending_select = None;
            }
            File::OpenEmbedded => {
                self.services.watch = None;
                self.file_changed = false;
                let (world, raw, report) = super::super::england();
                self.set_world(world, raw, None, None);
                self.report = report;
            }
            File::AskPath(purpose, why) => {
                self.dialogs_opened += 1;
                self.path_prompt = Some(PathPromptRequest {
                    id: self.dialogs_opened,
                    purpose,
                    why,
                });
            }
            File::ClosePathPrompt => self.path_prompt = None,
            File::Report(title) => self.report = Some(ProblemReport::message(title)),
            File::DismissProblems => self.report = None,
        }
    }

    /// What finished off the UI thread.
    pub(super) fn apply_done(&mut self, ctx: &egui::Context, d: Done) {
        match d {
            Done::Loaded(loaded) => {
                if let Some(loaded) = loaded.take() {
                    self.loaded(ctx, loaded);
                }
            }
            Done::SnapshotDialog(answer) => match answer {
                DialogAnswer::Picked(path) => self.start_load(ctx, path),
                DialogAnswer::DidNotOpen => {
                    self.apply_file(ctx, File::AskPath(PromptFor::Snapshot, did_not_open()))
                }
                DialogAnswer::Cancelled => {}
            },
            Done::SnapshotChanged => self.file_changed = true,
            Done::ScenarioChanged => self.read_scenario_file(ctx),
            Done::Io(r) => {
                self.services.io.busy = self.services.io.busy.saturating_sub(1);
                if let Some(r) = r.take() {
                    self.io_done(ctx, r);
                }
            }
            Done::Applied(r) => {
                if let Some(r) = r.take() {
                    self.applied(ctx, r);
                }
            }
        }
    }

    /// A snapshot file loaded, failed, or was a scenario.
    fn loaded(&mut self, ctx: &egui::Context, loaded: Loaded) {
        match loaded {
            Loaded::Ok {
                path,
                world,
                raw,
                warnings,
                scenario,
            } => {
                self.state.remember(path.clone());
                let name = path.display().to_string();
                let repaint = ctx.clone();
                self.services.watch =
                    crate::io::watch::FileWatch::new(&path, move || repaint.request_repaint());
                self.file_changed = false;
                self.set_world(*world, *raw, Some(path), scenario.map(|p| *p));
                self.report = (!warnings.is_empty()).then(|| ProblemReport {
                    title: format!(
                        "{name} opened with {}",
                        crate::model::plural(warnings.len(), "warning", "warnings")
                    ),
                    problems: warnings,
                });
                if let Some(code) = self.pending_select.take() {
                    self.select_code(&code);
                }
            }
            Loaded::Scenario(path) => self.push(Scenario::Open(path)),
            Loaded::Cancelled(_) => {}
            Loaded::Failed { path, problems } => {
                let errors = problems
                    .iter()
                    .filter(|p| p.severity == crate::model::Severity::Error)
                    .count();
                self.report = Some(ProblemReport {
                    title: format!(
                        "Could not open {}: {}. The snapshot you had open stays open.",
                        path.display(),
                        crate::model::plural(errors, "error", "errors")
                    ),
                    problems,
                });
                if self.state.last_file.as_ref() == Some(&path) && self.file.is_none() {
                    self.state.last_file = None;
                }
                if let Some(code) = self.pending_select.take() {
                    self.select_code(&code);
                }
            }
        }
    }

    /// Starts loading `path` on a worker (the open scenario is laid over it there too).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn start_load(&mut self, ctx: &egui::Context, path: PathBuf) {
        let ctx = ctx.clone();
        let loader = &mut self.services.loader;
        loader.scenario = self.sc.as_ref().map(|s| s.scenario.clone());
        loader.start(path, move || ctx.request_repaint());
    }

    /// In a browser: loads the bytes the page handed over for `path`, at once.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn start_load(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.services
            .browser
            .load_now(&mut self.services.loader, path);
        ctx.request_repaint();
    }

    #[cfg(target_arch = "wasm32")]
    fn open_dialog(&mut self, ctx: &egui::Context) {
        self.services
            .browser
            .pick(ctx, crate::app::browser::Want::Snapshot);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.services.dialog.is_some() {
            return;
        }
        let start_dir = self
            .file
            .as_ref()
            .and_then(|f| f.parent().map(|p| p.to_path_buf()));
        match crate::app::jobs::snapshot_dialog(ctx, start_dir) {
            Ok(rx) => self.services.dialog = Some(rx),
            Err(e) => {
                self.report = Some(ProblemReport::message(format!(
                    "Cannot show the open dialog: {e}"
                )))
            }
        }
    }

    /// Opens a new actual record, built on a worker with its cost model and marks;
    /// the open scenario is laid over it (perhaps already there).
    pub(super) fn set_world(
        &mut self,
        world: World,
        raw: RawSnapshot,
        file: Option<PathBuf>,
        prepared: Option<Prepared>,
    ) {
        self.actual = world;
        self.raw = std::sync::Arc::new(raw);
        self.file = file;
        match (prepared, &mut self.sc) {
            (Some(p), Some(sc)) if p.scenario == sc.scenario => sc.set_applied(p.result),
            _ => self.reapply_scenario(),
        }
        self.activate();
        self.playing = false;
    }
}
