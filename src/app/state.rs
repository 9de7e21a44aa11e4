//! UI state that survives restarts (eframe persistence), kept apart from domain state.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::{Date, OrgKind};
use crate::view::{Expansion, Grouping};

/// Light, dark, or whatever the system uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The themes offered, as the menu names them.
pub const THEMES: [(ThemeChoice, &str); 3] = [
    (ThemeChoice::System, "Follow the system"),
    (ThemeChoice::Light, "Light"),
    (ThemeChoice::Dark, "Dark"),
];

/// Playback speeds offered, in days per second.
pub const SPEEDS: [(f64, &str); 4] = [
    (30.0, "1 month/s"),
    (91.0, "3 months/s"),
    (182.0, "6 months/s"),
    (365.0, "1 year/s"),
];

/// The most recent files kept.
pub const MAX_RECENT: usize = 8;

/// Everything about the window that is remembered between runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    /// The snapshot file last opened (none: the embedded England record).
    pub last_file: Option<PathBuf>,
    /// Recently opened files, newest first.
    pub recent: Vec<PathBuf>,
    /// The date shown.
    pub date: Option<Date>,
    /// The selected organisation, by kind and code (ids change between files).
    pub selection: Option<(OrgKind, String)>,
    /// Light or dark.
    pub theme: ThemeChoice,
    /// Snap the scrubber to event days.
    pub snap_to_events: bool,
    /// Playback speed, days per second.
    pub speed_days_per_s: f64,
    /// Tree grouping.
    pub grouping: Grouping,
    /// Open tree nodes.
    pub expansion: Expansion,
    /// Show the tree panel.
    pub show_tree: bool,
    /// Show the details panel.
    pub show_details: bool,
    /// Mark the days shared management began or ended on the timeline.
    pub show_sharing_marks: bool,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            last_file: None,
            recent: Vec::new(),
            date: None,
            selection: None,
            theme: ThemeChoice::System,
            snap_to_events: true,
            speed_days_per_s: SPEEDS[1].0,
            grouping: Grouping::SystemPlace,
            expansion: Expansion::default(),
            show_tree: true,
            show_details: true,
            show_sharing_marks: true,
        }
    }
}

impl UiState {
    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: PathBuf) {
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}
