//! The problems panel: what was wrong with a file (every problem with its place), or
//! a message.

use egui::{Align, Layout, RichText};

use crate::app::ViewCtx;
use crate::app::command::{Command, File};

/// The problems panel.
pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let Some(report) = &cx.app.report else { return };
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.colored_label(cx.theme.error, RichText::new(&report.title).strong());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("Dismiss").clicked() {
                out.push(File::DismissProblems.into());
            }
        });
    });
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            for p in &report.problems {
                ui.label(p.to_string());
            }
        });
}
