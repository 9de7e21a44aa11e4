//! Bars across the top: the scenario shown, and the open file changed on disk.

use egui::RichText;

use crate::app::ViewCtx;
use crate::app::command::{Command, File, Scenario};

/// The banners that apply.
pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    let warm = cx.theme.scenario();
    if app.showing_scenario() {
        let name = app.scenario().map(|s| s.name.clone()).unwrap_or_default();
        banner(ui, "scenario banner", |ui| {
            ui.label(
                RichText::new(format!("Scenario: {name}"))
                    .strong()
                    .color(warm),
            );
            ui.label("hypothetical changes are shown; the counts, tree and charts follow them.");
            if !app.presenting && ui.button("Show the actual record").clicked() {
                out.push(Scenario::ToggleView.into());
            }
        });
    }
    if app.file_changed && !app.presenting {
        let name = app
            .file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        banner(ui, "file changed", |ui| {
            ui.label(
                RichText::new(format!("{name} changed on disk."))
                    .strong()
                    .color(cx.theme.changed),
            );
            ui.label("The window still shows the version read earlier.");
            if ui.button("Reload").clicked() {
                out.push(File::Reload.into());
            }
            if ui.button("Keep this version").clicked() {
                out.push(File::IgnoreChange.into());
            }
        });
    }
}

/// A bar across the top, its words and buttons in a row.
fn banner(ui: &mut egui::Ui, id: &str, add: impl FnOnce(&mut egui::Ui)) {
    egui::Panel::top(id)
        .frame(super::side_frame(ui))
        .show(ui, |ui| ui.horizontal(add));
}
