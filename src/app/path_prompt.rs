//! Typing a path where no file dialog can open (no desktop portal, a bare X server),
//! or when File > Open a path… is chosen. The window itself is
//! [`super::panels::path_prompt`].

use std::path::PathBuf;
use std::time::Duration;

use super::command::{Command, Export, File, Scenario};
use super::export::ExportKind;

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
    /// The window's title.
    pub fn heading(self) -> &'static str {
        match self {
            PromptFor::Snapshot => "Open a snapshot by its path",
            PromptFor::Scenario => "Open a scenario by its path",
            PromptFor::SaveScenario => "Save the scenario to a path",
            PromptFor::Export(_) => "Export to a path",
        }
    }

    /// The button that does it.
    pub fn button(self) -> &'static str {
        match self {
            PromptFor::Snapshot | PromptFor::Scenario => "Open",
            PromptFor::SaveScenario => "Save",
            PromptFor::Export(_) => "Export",
        }
    }

    /// What to do with the path typed.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            PromptFor::Snapshot => File::Open(path).into(),
            PromptFor::Scenario => Scenario::Open(path).into(),
            PromptFor::SaveScenario => Scenario::SaveTo(path).into(),
            PromptFor::Export(kind) => Export::To(kind, path).into(),
        }
    }
}

/// The prompt asked for: what for, and why it is shown. The text typed is the
/// window's own; a new `id` starts it afresh.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPromptRequest {
    /// Which asking this is.
    pub id: u64,
    /// What the path is for.
    pub purpose: PromptFor,
    /// Why the window asks (the dialog did not open), or empty when asked on purpose.
    pub why: String,
}

/// What the window says when a dialog did not open.
pub fn did_not_open() -> String {
    "The file dialog did not open: this desktop may have no file-chooser portal \
     (xdg-desktop-portal). Type the path instead."
        .to_string()
}
