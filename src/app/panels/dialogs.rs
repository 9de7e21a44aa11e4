//! The scenario's dialogs: recover an autosave, "save changes?", "save over the
//! file?", and the dialog that makes a change (merge, move a merger, share an
//! accountable officer). Each opens centred, never over the menu bar, with fields as
//! wide as what they hold.

use egui::RichText;

use super::{file_name, labelled_field};
use crate::app::ViewCtx;
use crate::app::command::{Command, Scenario};
use crate::app::scenario::{ChangeDialog, DialogKind, SaveQuestion};
use crate::model::scenario::Change;

/// Field widths in the change dialog, in points.
const DATE_WIDTH: f32 = 160.0;
const NAME_WIDTH: f32 = 320.0;
const CODE_WIDTH: f32 = 120.0;
const DIALOG_WIDTH: f32 = 420.0;

/// The change dialog's fields as typed.
#[derive(Default)]
pub struct Dialogs {
    /// Which opening of the dialog the fields belong to.
    id: u64,
    date: String,
    name: String,
    code: String,
    /// A date that cannot be read, said in the dialog.
    error: String,
}

/// A centred window that cannot be folded or resized.
fn centred(title: &str) -> egui::Window<'_> {
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
}

impl Dialogs {
    /// The dialogs that are open.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let app = cx.app;
        let ctx = ui.ctx().clone();
        if let Some(r) = &app.recovery {
            centred("Recover unsaved scenario").show(&ctx, |ui| {
                ui.label(format!(
                    "The scenario “{}” ({}) was not saved when ccg-explorer last closed.",
                    r.scenario.name,
                    crate::model::plural(r.scenario.changes.len(), "change", "changes")
                ));
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        out.push(Scenario::Recover(true).into());
                    }
                    if ui.button("Discard").clicked() {
                        out.push(Scenario::Recover(false).into());
                    }
                });
            });
        }
        if app.pending_after_save.is_some() {
            let name = app.scenario().map(|s| s.name.as_str()).unwrap_or_default();
            centred("Unsaved scenario").show(&ctx, |ui| {
                ui.label(format!("Save the changes to “{name}” first?"));
                ui.horizontal(|ui| {
                    for (label, answer) in [
                        ("Save", Some(true)),
                        ("Don't save", Some(false)),
                        ("Cancel", None),
                    ] {
                        if ui.button(label).clicked() {
                            out.push(Scenario::AnswerSave(answer).into());
                        }
                    }
                });
            });
        }
        if let Some(q) = app.sc.as_ref().and_then(|s| s.question.as_ref()) {
            let (text, yes) = match q {
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
            centred("Save over the file?").show(&ctx, |ui| {
                ui.label(text);
                ui.horizontal(|ui| {
                    if ui.button(yes).clicked() {
                        out.push(Scenario::AnswerSaveOver(true).into());
                    }
                    if ui.button("Cancel").clicked() {
                        out.push(Scenario::AnswerSaveOver(false).into());
                    }
                });
            });
        }
        if let Some(d) = &app.change_dialog {
            self.change_dialog(&ctx, cx, d, out);
        }
    }

    /// The dialog that makes (or edits) a change.
    fn change_dialog(
        &mut self,
        ctx: &egui::Context,
        cx: &ViewCtx,
        d: &ChangeDialog,
        out: &mut Vec<Command>,
    ) {
        if d.id != self.id {
            // A new opening: the fields start from what the app filled in.
            self.id = d.id;
            self.date = d.date.clone();
            self.name = d.name.clone();
            self.code = d.code.clone();
            self.error.clear();
        }
        let (title, button) = match (&d.kind, d.replace) {
            (DialogKind::Merge(_), None) => ("Merge CCGs", "Merge"),
            (DialogKind::Move(_), None) => ("Move a merger", "Move"),
            (DialogKind::Share(_), None) => ("Share an accountable officer", "Share"),
            (_, Some(_)) => ("Edit the change", "Apply"),
        };
        // The merger a Move dialog is about, in words.
        let merger_name = match &d.kind {
            DialogKind::Move(event) => cx
                .actual()
                .events()
                .iter()
                .find(|e| e.id == *event)
                .map(|e| {
                    let s = cx.actual().snapshot();
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
        centred(title).min_width(DIALOG_WIDTH).show(ctx, |ui| {
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
                let date = if matches!(d.kind, DialogKind::Share(_)) {
                    "From"
                } else {
                    "Merger date"
                };
                labelled_field(ui, date, &mut self.date, DATE_WIDTH, "1 April 2019");
                ui.end_row();
                if matches!(d.kind, DialogKind::Merge(_)) {
                    labelled_field(ui, "New CCG name", &mut self.name, NAME_WIDTH, "");
                    ui.end_row();
                    labelled_field(ui, "New CCG code", &mut self.code, CODE_WIDTH, "e.g. KM18");
                    ui.end_row();
                }
            });
            // The app's word on the last try (the change does not fit), else ours.
            let error = if self.error.is_empty() {
                &d.error
            } else {
                &self.error
            };
            if !error.is_empty() {
                ui.colored_label(cx.theme.error, RichText::new(error));
            }
            ui.horizontal(|ui| {
                if ui.button(button).clicked() {
                    match crate::model::dates::parse_date(&self.date) {
                        Ok(date) => {
                            self.error.clear();
                            out.push(Scenario::AddChange(self.change(&d.kind, date)).into());
                        }
                        Err(e) => self.error = e.to_string(),
                    }
                }
                if ui.button("Cancel").clicked() {
                    out.push(Scenario::CloseDialog.into());
                }
            });
        });
    }

    /// The change the fields make on `date`.
    fn change(&self, kind: &DialogKind, date: crate::model::Date) -> Change {
        match kind {
            DialogKind::Merge(ccgs) => Change::Merge {
                date,
                ccgs: ccgs.clone(),
                code: self.code.trim().to_string(),
                name: self.name.trim().to_string(),
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
        }
    }
}
