//! The scenario panel (above the details): the CCGs picked for a merger, the open
//! scenario's name, its changes (each can be edited or removed), undo and redo, and
//! its bookmarks.

use egui::RichText;

use super::file_name;
use crate::app::ViewCtx;
use crate::app::command::{Action, Command, Scenario, Selection};
use crate::model::scenario::Change;
use crate::view::plural;

/// The scenario section of the right-hand panel.
pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    let warm = cx.theme.scenario();
    if !app.merge_pick.is_empty() {
        ui.label(RichText::new(format!("CCGs to merge ({})", app.merge_pick.len())).strong());
        for code in &app.merge_pick {
            ui.horizontal(|ui| {
                let actual = cx.actual().snapshot();
                let name = actual
                    .find(crate::model::OrgKind::Ccg, code)
                    .map(|id| actual.org(id).label())
                    .unwrap_or(code.clone());
                ui.label(name);
                if ui.small_button("Remove").clicked() {
                    out.push(Selection::TogglePick(code.clone()).into());
                }
            });
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(app.merge_pick.len() >= 2, egui::Button::new("Merge…"))
                .clicked()
            {
                out.push(Scenario::OpenMergeDialog.into());
            }
            if ui
                .add_enabled(app.merge_pick.len() >= 2, egui::Button::new("Share an AO…"))
                .on_hover_text("The picked CCGs share one accountable officer from a date")
                .clicked()
            {
                out.push(Scenario::OpenShareDialog.into());
            }
            if ui.button("Clear").clicked() {
                for c in &app.merge_pick {
                    out.push(Selection::TogglePick(c.clone()).into());
                }
            }
        });
        ui.separator();
    }
    if app.scenario_applying() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Laying the scenario over the record…");
        });
    }
    let Some(sc) = &app.sc else { return };
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
                out.push(Scenario::ReloadFromDisk.into());
            }
            if ui
                .button("Keep mine")
                .on_hover_text("Keep this version; saving will ask before overwriting the file")
                .clicked()
            {
                out.push(Scenario::KeepMine.into());
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
            out.push(Scenario::Rename(name.trim().to_string()).into());
        }
    }
    if super::WEB {
        ui.weak(
            "In a browser, Save downloads the scenario; unsaved changes are kept in \
             this browser's storage.",
        );
    }
    let mut show = app.show_scenario;
    if ui
        .checkbox(
            &mut show,
            "Show the scenario (untick for the actual record)",
        )
        .changed()
    {
        out.push(Scenario::ToggleView.into());
    }
    if sc.world.is_some() && !sc.problems.is_empty() {
        ui.colored_label(
            warm,
            format!("{}:", plural(sc.problems.len(), "warning", "warnings")),
        );
        for p in &sc.problems {
            ui.weak(p.to_string());
        }
    }
    if sc.world.is_none() && !sc.problems.is_empty() {
        ui.colored_label(cx.theme.error, "The scenario does not apply:");
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
                out.push(Scenario::EditChange(i).into());
            }
            if ui
                .small_button(format!("Remove change {}", i + 1))
                .clicked()
            {
                out.push(Scenario::RemoveChange(i).into());
            }
        });
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!sc.undo.is_empty(), egui::Button::new("Undo"))
            .on_hover_text(Action::Undo.keys_text(ui.ctx()))
            .clicked()
        {
            out.push(Action::Undo.command());
        }
        if ui
            .add_enabled(!sc.redo.is_empty(), egui::Button::new("Redo"))
            .on_hover_text(Action::Redo.keys_text(ui.ctx()))
            .clicked()
        {
            out.push(Action::Redo.command());
        }
        if ui
            .button("Save")
            .on_hover_text(Action::SaveScenario.keys_text(ui.ctx()))
            .clicked()
        {
            out.push(Action::SaveScenario.command());
        }
    });
    ui.label(RichText::new(format!("Bookmarks ({})", sc.scenario.bookmarks.len())).strong());
    let current = app.bookmark_at;
    for (i, b) in sc.scenario.bookmarks.iter().enumerate() {
        ui.horizontal(|ui| {
            if ui
                .selectable_label(current == Some(i), format!("{}. {}", i + 1, b.name))
                .clicked()
            {
                out.push(Scenario::GoToBookmark(i).into());
            }
            if ui.small_button("⏶").on_hover_text("Move up").clicked() {
                out.push(Scenario::MoveBookmark(i, true).into());
            }
            if ui.small_button("⏷").on_hover_text("Move down").clicked() {
                out.push(Scenario::MoveBookmark(i, false).into());
            }
            if ui
                .small_button("Remove")
                .on_hover_text(format!("Remove bookmark {}", i + 1))
                .clicked()
            {
                out.push(Scenario::RemoveBookmark(i).into());
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
            out.push(Scenario::RenameBookmark(i, name).into());
            ui.data_mut(|d| d.remove::<String>(id));
        }
    }
    if ui.button("Add bookmark").clicked() {
        out.push(Action::AddBookmark.command());
    }
    ui.separator();
}
