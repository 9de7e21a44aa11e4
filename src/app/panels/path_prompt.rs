//! The "type a path" window: asked for when a file dialog did not open, or with
//! File > Open a path….

use std::path::PathBuf;

use egui::RichText;

use crate::app::ViewCtx;
use crate::app::command::{Command, File};

/// The path field's width, in points.
const PATH_WIDTH: f32 = 440.0;

/// The text typed, for the asking it belongs to.
#[derive(Default)]
pub struct PathPromptWindow {
    id: u64,
    text: String,
}

impl PathPromptWindow {
    /// The window, while a path is asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let Some(prompt) = &cx.app.path_prompt else {
            return;
        };
        if prompt.id != self.id {
            self.id = prompt.id;
            self.text.clear();
        }
        let mut close = false;
        egui::Window::new(prompt.purpose.heading())
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ui.ctx(), |ui| {
                if !prompt.why.is_empty() {
                    ui.label(RichText::new(&prompt.why).strong());
                }
                let edit = super::labelled_field(
                    ui,
                    "Path",
                    &mut self.text,
                    PATH_WIDTH,
                    "/home/me/snapshots/my-snapshot.ron",
                );
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let path = self.text.trim();
                ui.horizontal(|ui| {
                    let ok = ui
                        .add_enabled(!path.is_empty(), egui::Button::new(prompt.purpose.button()))
                        .clicked();
                    if (ok || enter) && !path.is_empty() {
                        out.push(prompt.purpose.command(PathBuf::from(path)));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            out.push(File::ClosePathPrompt.into());
        }
    }
}
