//! Typing a path: when the desktop's file dialog cannot open (no file-chooser portal, a
//! bare X server), the window says so and asks for the path instead of failing silently;
//! File > "Open a path…" asks on purpose.

use std::path::PathBuf;
use std::time::Duration;

use egui::{RichText, TextEdit};

use super::scenario::ExportKind;
use super::{App, Command};

/// A file dialog that answers "no file" sooner than this did not open: nobody cancels
/// a dialog that fast. (A browser's file picker is not timed.)
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub const QUICK_ANSWER: Duration = Duration::from_millis(400);

/// What the typed path is for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PromptFor {
    /// A snapshot to open.
    Snapshot,
    /// A scenario to open.
    Scenario,
    /// Where to save the scenario.
    SaveScenario,
    /// Where to export.
    Export(ExportKind),
}

impl PromptFor {
    fn heading(self) -> &'static str {
        match self {
            PromptFor::Snapshot => "Open a snapshot by its path",
            PromptFor::Scenario => "Open a scenario by its path",
            PromptFor::SaveScenario => "Save the scenario to a path",
            PromptFor::Export(_) => "Export to a path",
        }
    }

    fn button(self) -> &'static str {
        match self {
            PromptFor::Snapshot | PromptFor::Scenario => "Open",
            PromptFor::SaveScenario => "Save",
            PromptFor::Export(_) => "Export",
        }
    }

    /// What to do with the path typed.
    fn command(self, path: PathBuf) -> Command {
        match self {
            PromptFor::Snapshot => Command::Open(path),
            PromptFor::Scenario => Command::OpenScenario(path),
            PromptFor::SaveScenario => Command::SaveScenarioTo(path),
            PromptFor::Export(kind) => Command::ExportTo(kind, path),
        }
    }
}

/// The prompt on screen: what for, why it is shown, and the text typed so far.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPrompt {
    /// What the path is for.
    pub purpose: PromptFor,
    /// Why the window asks (the dialog did not open), or empty when asked on purpose.
    pub why: String,
    /// The path typed so far.
    pub text: String,
}

/// What the window says when a dialog did not open.
pub fn did_not_open() -> String {
    "The file dialog did not open: this desktop may have no file-chooser portal \
     (xdg-desktop-portal). Type the path instead."
        .to_string()
}

impl App {
    /// The "type a path" window, while it is asked for.
    pub(super) fn path_prompt_ui(&mut self, ui: &mut egui::Ui) {
        let Some(prompt) = &mut self.path_prompt else {
            return;
        };
        let mut done: Option<Command> = None;
        let mut close = false;
        egui::Window::new(prompt.purpose.heading())
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ui.ctx(), |ui| {
                if !prompt.why.is_empty() {
                    ui.label(RichText::new(&prompt.why).strong());
                }
                let label = ui.label("Path");
                let edit = ui
                    .add(
                        TextEdit::singleline(&mut prompt.text)
                            .desired_width(440.0)
                            .min_size(egui::vec2(440.0, 0.0))
                            .hint_text("/home/me/snapshots/my-snapshot.ron"),
                    )
                    .labelled_by(label.id);
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui
                        .add_enabled(
                            !prompt.text.trim().is_empty(),
                            egui::Button::new(prompt.purpose.button()),
                        )
                        .clicked();
                    if (ok || enter) && !prompt.text.trim().is_empty() {
                        done = Some(prompt.purpose.command(PathBuf::from(prompt.text.trim())));
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if let Some(c) = done {
            self.commands.push(c);
            self.commands.push(Command::ClosePathPrompt);
        } else if close {
            self.commands.push(Command::ClosePathPrompt);
        }
    }
}
