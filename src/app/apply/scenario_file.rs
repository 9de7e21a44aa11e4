//! The scenario's file: saving (asking first when the file changed or would lose
//! comments), watching it for outside edits, autosave and recovery, and what the
//! file workers hand back.

use std::path::PathBuf;

use crate::app::command::Scenario as Cmd;
use crate::app::jobs::{AfterOpen, IoPurpose, IoResult};
use crate::app::path_prompt::{PromptFor, did_not_open};
use crate::app::scenario::{AUTOSAVE_FILE, AUTOSAVE_WAITING_FILE, OnDisk, SaveQuestion, autosave};
use crate::app::{App, ProblemReport};

impl App {
    /// The session's autosave file: never the one waiting for "Recover" or "Discard".
    pub(super) fn autosave_path(&self) -> Option<PathBuf> {
        let dir = self.autosave.dir.as_ref()?;
        let primary = dir.join(AUTOSAVE_FILE);
        Some(match &self.recovery {
            Some(r) if r.path == primary => dir.join(AUTOSAVE_WAITING_FILE),
            _ => primary,
        })
    }

    /// Writes the scenario to the autosave file (in the background), then (once it is
    /// written) removes `old`: an autosave file the work has moved out of.
    pub(super) fn autosave(&mut self, ctx: &egui::Context, old: Option<PathBuf>) {
        let (Some(dir), Some(path), Some(sc)) =
            (self.autosave.dir.clone(), self.autosave_path(), &self.sc)
        else {
            return;
        };
        let text = match autosave::text(&sc.scenario, sc.path.as_deref()) {
            Ok(t) => t,
            Err(e) => {
                // Said, not swallowed: the work is still open, but not autosaved.
                self.report = Some(ProblemReport::message(format!(
                    "Cannot autosave the scenario ({e}); save it with Ctrl+S to keep it"
                )));
                return;
            }
        };
        // Writes are numbered; a slower, older write never lands after a newer one.
        self.autosave.generation += 1;
        let generation = self.autosave.generation;
        let last = self.autosave.written.clone();
        self.services.io.spawn(ctx, move || {
            let Ok(mut written) = last.lock() else {
                return IoResult::Wrote(path, Err("autosave lock poisoned".into()));
            };
            if *written > generation {
                return IoResult::Wrote(path, Ok(()));
            }
            let r = autosave::write(&dir, &path, &text);
            *written = generation;
            if let (Ok(()), Some(old)) = (&r, old.filter(|o| *o != path)) {
                autosave::remove(&old);
            }
            IoResult::Wrote(path, r)
        });
    }

    /// Removes the session's autosave (never the one waiting for an answer).
    pub(super) fn clear_autosave(&self) {
        if let Some(path) = self.autosave_path() {
            autosave::remove(&path);
        }
    }

    /// Remembers what the scenario's file holds now and watches it for outside changes.
    pub(super) fn track_file(&mut self, ctx: &egui::Context, path: PathBuf, text: String) {
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

    /// Reads the scenario's file again after the watch saw it change, to tell an
    /// outside edit from a save of ours.
    pub(super) fn read_scenario_file(&mut self, ctx: &egui::Context) {
        let Some(path) = self.sc.as_ref().and_then(|s| s.path.clone()) else {
            return;
        };
        self.services.io.spawn(ctx, move || {
            let text = std::fs::read_to_string(&path).ok();
            IoResult::OnDiskNow(path, text)
        });
    }

    /// Recovers the autosaved scenario: it opens unsaved and is autosaved again at once,
    /// so that a crash straight after still offers it.
    pub(super) fn recover(&mut self, ctx: &egui::Context) {
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

    /// Saves to `path`. Over the scenario's own file, unless `force`: asks first when
    /// saving would drop comments inside the scenario (once), and writes only if the
    /// file still holds what was read or saved here (else asks).
    pub(super) fn save_to(&mut self, ctx: &egui::Context, path: PathBuf, force: bool) {
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
                self.services.io.spawn(ctx, move || {
                    #[cfg(not(target_arch = "wasm32"))]
                    if let Some(expected) = expected
                        && std::fs::read_to_string(&path).ok().as_ref() != Some(&expected)
                    {
                        return IoResult::SaveConflict(path);
                    }
                    #[cfg(target_arch = "wasm32")]
                    let _ = expected;
                    let r = crate::app::jobs::write_file(&path, text.as_bytes()).map(|()| text);
                    IoResult::Saved(path, r)
                })
            }
            Err(e) => {
                self.report = Some(ProblemReport::message(format!(
                    "Cannot write the scenario: {e}"
                )))
            }
        }
    }

    /// In a browser: the file picker to open a scenario; saving and exporting
    /// download a file with the suggested name (the browser asks where, if set to).
    #[cfg(target_arch = "wasm32")]
    pub(super) fn ask(&mut self, ctx: &egui::Context, purpose: IoPurpose, name: String) {
        match purpose {
            IoPurpose::OpenScenario => self
                .services
                .browser
                .pick(ctx, crate::app::browser::Want::Scenario),
            IoPurpose::SaveScenario | IoPurpose::Export(_) => {
                self.services.io.spawn(ctx, move || {
                    IoResult::Picked(purpose, Some(PathBuf::from(name)))
                });
            }
        }
    }

    /// Asks where (a native dialog, off the UI thread).
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn ask(&mut self, ctx: &egui::Context, purpose: IoPurpose, name: String) {
        let start = self
            .sc
            .as_ref()
            .and_then(|s| s.path.as_ref())
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
        self.services.io.spawn(ctx, move || {
            crate::app::jobs::pick_file(purpose, start, name)
        });
    }

    /// Finished scenario file work.
    pub(super) fn io_done(&mut self, ctx: &egui::Context, r: IoResult) {
        match r {
            IoResult::Opened(path, Ok((scenario, text))) => {
                self.open_scenario(ctx, scenario, Some(path), false, AfterOpen::File(text));
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
                self.report = Some(ProblemReport::message(format!(
                    "Could not write {}: {e}. Nothing was lost: the scenario is still open.",
                    path.display()
                )));
            }
            IoResult::Wrote(_, Ok(())) => {}
            IoResult::Picked(_, None) => self.after_saved = None,
            IoResult::NoDialog(purpose) => {
                let purpose = match purpose {
                    IoPurpose::OpenScenario => PromptFor::Scenario,
                    IoPurpose::SaveScenario => PromptFor::SaveScenario,
                    IoPurpose::Export(kind) => PromptFor::Export(kind),
                };
                self.push(crate::app::File::AskPath(purpose, did_not_open()));
            }
            IoResult::Picked(IoPurpose::OpenScenario, Some(p)) => self.push(Cmd::Open(p)),
            IoResult::Picked(IoPurpose::SaveScenario, Some(p)) => self.save_to(ctx, p, false),
            IoResult::Picked(IoPurpose::Export(kind), Some(p)) => self.export_to(ctx, kind, p),
        }
    }
}
