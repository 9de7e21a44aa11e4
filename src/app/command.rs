//! What panels, the keyboard and workers ask the app to do, grouped by concern, and
//! the table of actions (label, shortcut, tooltip) that the menus, the keyboard and
//! the shortcuts window all read, so that they cannot drift apart.
//!
//! Panels push [`Command`]s; [`super::App::apply`] is the one place that carries
//! them out.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::export::ExportKind;
use super::jobs::Done;
use super::panels::flow::FlowFilter;
use super::path_prompt::PromptFor;
use super::state::ThemeChoice;
use crate::model::format::ChartKind;
use crate::model::scenario::Change;
use crate::model::{Date, OrgId};
use crate::view::Grouping;

/// Something to do, applied after the frame is drawn.
#[derive(Clone, Debug)]
pub enum Command {
    /// The date and playback.
    Time(Time),
    /// What is selected or picked.
    Selection(Selection),
    /// The tree's grouping and open nodes.
    Tree(Tree),
    /// Snapshot files and the problems panel.
    File(File),
    /// The scenario, its files and dialogs, presenter bookmarks.
    Scenario(Scenario),
    /// Pictures and CSV files.
    Export(Export),
    /// The window: views, panels, theme, presenter mode, closing.
    Window(Window),
    /// Work finished off the UI thread (loads, dialogs, saves), taken in by the app.
    Done(Done),
}

/// The date and playback.
#[derive(Clone, Debug, PartialEq)]
pub enum Time {
    /// Show this date (clamped to the snapshot).
    SetDate(Date),
    /// Go to the previous event day.
    PrevEvent,
    /// Go to the next event day.
    NextEvent,
    /// Go to the first day.
    First,
    /// Go to the last day.
    Last,
    /// Start or stop playback.
    TogglePlay,
    /// Playback speed in days per second.
    SetSpeed(f64),
    /// Snap the scrubber to event days, or not.
    SetSnap(bool),
    /// Mark the days shared management began and ended on the timeline, or not.
    SetSharingMarks(bool),
    /// Presenter autoplay: the next event every so many seconds (none: stop).
    Autoplay(Option<f64>),
    /// Seconds since the last frame, while playing or autoplaying.
    Tick(f64),
}

/// What is selected or picked.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Select an organisation; if it does not exist on the date, move into its life.
    Select(OrgId),
    /// Clear the selection.
    Clear,
    /// Add a CCG (by code) to the CCGs to merge, or take it out.
    TogglePick(String),
}

/// The tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree {
    /// Open or close a node.
    ToggleNode(String),
    /// Open every node.
    ExpandAll,
    /// Close every node.
    CollapseAll,
    /// Change the grouping.
    SetGrouping(Grouping),
}

/// Snapshot files and the problems panel.
#[derive(Clone, Debug, PartialEq)]
pub enum File {
    /// Ask for a file with the native dialog (the page's picker in a browser).
    OpenDialog,
    /// Open a snapshot file (in the background).
    Open(PathBuf),
    /// Read the open file again.
    Reload,
    /// Stop loading the file being loaded; what is open stays open.
    CancelLoad,
    /// Keep the open snapshot although its file changed on disk.
    IgnoreChange,
    /// Go back to the embedded England record.
    OpenEmbedded,
    /// Ask for a path to be typed (the file dialog did not open, or File > Open a
    /// path…), saying why.
    AskPath(PromptFor, String),
    /// Close the "type a path" window.
    ClosePathPrompt,
    /// Show a message in the problems panel (a date that cannot be read, say).
    Report(String),
    /// Hide the problems panel.
    DismissProblems,
}

/// The scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Scenario {
    /// Start an empty scenario.
    New,
    /// Ask for a scenario file with the native dialog.
    OpenDialog,
    /// Open a scenario file (in the background).
    Open(PathBuf),
    /// Save the scenario to its file (or ask where).
    Save,
    /// Ask where to save the scenario.
    SaveAs,
    /// Save the scenario here.
    SaveTo(PathBuf),
    /// Close the scenario.
    Close,
    /// Show the scenario or the actual record.
    ToggleView,
    /// Open the merge dialog for the picked CCGs.
    OpenMergeDialog,
    /// Open the shared-management dialog for the picked CCGs.
    OpenShareDialog,
    /// Open the dialog that moves a real merger (by event id).
    OpenMoveDialog(String),
    /// Open the dialog on change `i`.
    EditChange(usize),
    /// Close the merge, move or share dialog.
    CloseDialog,
    /// Add a change (or replace the one the dialog edits), checked first.
    AddChange(Change),
    /// Remove change `i`.
    RemoveChange(usize),
    /// Undo the last edit.
    Undo,
    /// Redo.
    Redo,
    /// Keep the current view as a bookmark.
    AddBookmark,
    /// Show bookmark `i`.
    GoToBookmark(usize),
    /// Remove bookmark `i`.
    RemoveBookmark(usize),
    /// Move bookmark `i` up (or down).
    MoveBookmark(usize, bool),
    /// Rename bookmark `i`.
    RenameBookmark(usize, String),
    /// Rename the scenario.
    Rename(String),
    /// Recover the autosaved scenario (or discard it).
    Recover(bool),
    /// Answer to "save changes?": save, discard, or cancel.
    AnswerSave(Option<bool>),
    /// Answer to "save over the file?" (it changed on disk, or saving drops
    /// comments): save anyway, or not.
    AnswerSaveOver(bool),
    /// Read the open scenario's file again (it changed on disk), dropping edits.
    ReloadFromDisk,
    /// Keep the open scenario although its file changed on disk.
    KeepMine,
}

/// Pictures and CSV files.
#[derive(Clone, Debug, PartialEq)]
pub enum Export {
    /// Export the window, a chart, the flow as PNG, or the tree or costs as CSV
    /// (asks where).
    Ask(ExportKind),
    /// The same, to a chosen path.
    To(ExportKind, PathBuf),
}

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CentralTab {
    /// The three charts.
    #[default]
    Charts,
    /// Counts and the changes near the date.
    Changes,
    /// The merger flow, 2013 to 2022.
    Flow,
    /// Two dates side by side.
    Compare,
    /// England on the date: CCG areas, or places as hexes.
    Map,
}

/// What the map shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapLayout {
    /// The CCG (sub-ICB location) areas on real geography.
    Areas,
    /// The 152 places as equal hexes.
    PlaceHexes,
    /// The PCNs as equal hexes.
    PcnHexes,
}

/// What colours the map's areas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFill {
    /// The system (or ICB) of each commissioner.
    System,
    /// Each commissioner its own colour.
    Ccg,
    /// Shared leadership teams coloured, others grey.
    Leadership,
    /// Modelled savings of the system against the target.
    Savings,
}

/// The map's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapSettings {
    /// Areas or hexes.
    pub layout: MapLayout,
    /// What colours them.
    pub fill: MapFill,
    /// Places' borders dashed over the areas.
    pub places: bool,
    /// A click selects the place under the pointer (else its commissioner).
    pub select_places: bool,
    /// Areas run together when the date crosses a merger wave.
    pub animate: bool,
}

impl Default for MapSettings {
    fn default() -> Self {
        MapSettings {
            layout: MapLayout::Areas,
            fill: MapFill::System,
            places: false,
            select_places: true,
            animate: true,
        }
    }
}

/// The window.
#[derive(Clone, Debug, PartialEq)]
pub enum Window {
    /// Show this view in the middle.
    SetTab(CentralTab),
    /// Show this chart large.
    SetFocusChart(ChartKind),
    /// Show this era's running costs (`None`: the era of the date shown).
    SetCostEra(Option<crate::view::CostEra>),
    /// Show this part of the merger flow.
    SetFlowFilter(FlowFilter),
    /// Change what the map shows.
    SetMap(MapSettings),
    /// Compare these two dates (the compare view and the tree's marks follow).
    SetCompareDates(Date, Date),
    /// Light, dark or system.
    SetTheme(ThemeChoice),
    /// Enter or leave full screen.
    ToggleFullscreen,
    /// Show or hide the tree panel.
    ToggleTree,
    /// Show or hide the details panel.
    ToggleDetails,
    /// Show or hide the keyboard shortcuts window.
    ShowKeys(bool),
    /// Put the keyboard focus in the search box.
    FocusSearch,
    /// Enter or leave presenter mode.
    TogglePresenter,
    /// Step to the next (or previous) bookmark, or event when there are none.
    Slide(bool),
    /// Close the window (asks first when a scenario has unsaved changes).
    Quit,
    /// The window was asked to close (its close button): asks first when unsaved.
    CloseRequested,
}

macro_rules! from_group {
    ($($group:ident),*) => {
        $(impl From<$group> for Command {
            fn from(c: $group) -> Self {
                Command::$group(c)
            }
        })*
    };
}
from_group!(Time, Selection, Tree, File, Scenario, Export, Window);

impl From<Done> for Command {
    fn from(d: Done) -> Self {
        Command::Done(d)
    }
}

/// The concern a command belongs to (for tests and logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Time,
    Selection,
    Tree,
    File,
    Scenario,
    Export,
    Window,
    Done,
}

impl Command {
    /// The concern this command belongs to.
    pub fn group(&self) -> Group {
        match self {
            Command::Time(_) => Group::Time,
            Command::Selection(_) => Group::Selection,
            Command::Tree(_) => Group::Tree,
            Command::File(_) => Group::File,
            Command::Scenario(_) => Group::Scenario,
            Command::Export(_) => Group::Export,
            Command::Window(_) => Group::Window,
            Command::Done(_) => Group::Done,
        }
    }
}

/// When a key does what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Always, even while typing (keys with Ctrl).
    Always,
    /// Outside presenter mode, when no text field has the keyboard.
    Browsing,
    /// In presenter mode, when no text field has the keyboard.
    Presenting,
}

/// A key and when it works.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortcut {
    /// The key with its modifiers.
    pub key: KeyboardShortcut,
    /// When it works.
    pub when: When,
}

const fn always(modifiers: Modifiers, key: Key) -> Shortcut {
    Shortcut {
        key: KeyboardShortcut::new(modifiers, key),
        when: When::Always,
    }
}

const fn browsing(key: Key) -> Shortcut {
    Shortcut {
        key: KeyboardShortcut::new(Modifiers::NONE, key),
        when: When::Browsing,
    }
}

const fn presenting(key: Key) -> Shortcut {
    Shortcut {
        key: KeyboardShortcut::new(Modifiers::NONE, key),
        when: When::Presenting,
    }
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

/// The window's actions that take no argument: each with its label, keys and tooltip,
/// read by the menus, the keyboard handler and the shortcuts window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    OpenSnapshot,
    OpenPath,
    Reload,
    OpenEmbedded,
    Quit,
    NewScenario,
    OpenScenario,
    SaveScenario,
    SaveScenarioAs,
    CloseScenario,
    MergePicked,
    Undo,
    Redo,
    AddBookmark,
    Presenter,
    LeavePresenter,
    NextSlide,
    PreviousSlide,
    ToggleTree,
    ToggleDetails,
    ExpandAll,
    CollapseAll,
    Fullscreen,
    Keys,
    Search,
    Play,
    PreviousEvent,
    NextEvent,
    FirstDay,
    LastDay,
}

impl Action {
    /// Every action, in the order the shortcuts window lists them.
    pub const ALL: [Action; 30] = [
        Action::Play,
        Action::PreviousEvent,
        Action::NextEvent,
        Action::FirstDay,
        Action::LastDay,
        Action::Search,
        Action::OpenSnapshot,
        Action::OpenPath,
        Action::Reload,
        Action::OpenEmbedded,
        Action::Fullscreen,
        Action::Presenter,
        Action::NextSlide,
        Action::PreviousSlide,
        Action::LeavePresenter,
        Action::NewScenario,
        Action::OpenScenario,
        Action::SaveScenario,
        Action::SaveScenarioAs,
        Action::CloseScenario,
        Action::MergePicked,
        Action::Undo,
        Action::Redo,
        Action::AddBookmark,
        Action::ToggleTree,
        Action::ToggleDetails,
        Action::ExpandAll,
        Action::CollapseAll,
        Action::Keys,
        Action::Quit,
    ];

    /// What it does.
    pub fn command(self) -> Command {
        match self {
            Action::OpenSnapshot => File::OpenDialog.into(),
            Action::OpenPath => File::AskPath(PromptFor::Snapshot, String::new()).into(),
            Action::Reload => File::Reload.into(),
            Action::OpenEmbedded => File::OpenEmbedded.into(),
            Action::Quit => Window::Quit.into(),
            Action::NewScenario => Scenario::New.into(),
            Action::OpenScenario => Scenario::OpenDialog.into(),
            Action::SaveScenario => Scenario::Save.into(),
            Action::SaveScenarioAs => Scenario::SaveAs.into(),
            Action::CloseScenario => Scenario::Close.into(),
            Action::MergePicked => Scenario::OpenMergeDialog.into(),
            Action::Undo => Scenario::Undo.into(),
            Action::Redo => Scenario::Redo.into(),
            Action::AddBookmark => Scenario::AddBookmark.into(),
            Action::Presenter | Action::LeavePresenter => Window::TogglePresenter.into(),
            Action::NextSlide => Window::Slide(true).into(),
            Action::PreviousSlide => Window::Slide(false).into(),
            Action::ToggleTree => Window::ToggleTree.into(),
            Action::ToggleDetails => Window::ToggleDetails.into(),
            Action::ExpandAll => Tree::ExpandAll.into(),
            Action::CollapseAll => Tree::CollapseAll.into(),
            Action::Fullscreen => Window::ToggleFullscreen.into(),
            Action::Keys => Window::ShowKeys(true).into(),
            Action::Search => Window::FocusSearch.into(),
            Action::Play => Time::TogglePlay.into(),
            Action::PreviousEvent => Time::PrevEvent.into(),
            Action::NextEvent => Time::NextEvent.into(),
            Action::FirstDay => Time::First.into(),
            Action::LastDay => Time::Last.into(),
        }
    }

    /// Its name in menus and buttons.
    pub fn label(self) -> &'static str {
        match self {
            Action::OpenSnapshot => "Open…",
            Action::OpenPath => "Open a path…",
            Action::Reload => "Reload",
            Action::OpenEmbedded => "Open the England record",
            Action::Quit => "Quit",
            Action::NewScenario => "New scenario",
            Action::OpenScenario => "Open scenario…",
            Action::SaveScenario => "Save scenario",
            Action::SaveScenarioAs => "Save scenario as…",
            Action::CloseScenario => "Close scenario",
            Action::MergePicked => "Merge picked CCGs…",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::AddBookmark => "Add bookmark",
            Action::Presenter => "Presenter mode",
            Action::LeavePresenter => "Leave presenter mode",
            Action::NextSlide => "Next bookmark",
            Action::PreviousSlide => "Previous bookmark",
            Action::ToggleTree => "Tree panel",
            Action::ToggleDetails => "Details panel",
            Action::ExpandAll => "Expand all",
            Action::CollapseAll => "Collapse all",
            Action::Fullscreen => "Full screen",
            Action::Keys => "Keyboard shortcuts…",
            Action::Search => "Search",
            Action::Play => "Play or pause",
            Action::PreviousEvent => "Previous event",
            Action::NextEvent => "Next event",
            Action::FirstDay => "First day",
            Action::LastDay => "Last day",
        }
    }

    /// What it does, in a sentence (menus' hover text, the shortcuts window).
    pub fn tooltip(self) -> &'static str {
        let web = cfg!(target_arch = "wasm32");
        match self {
            Action::OpenSnapshot if web => {
                "Opens the browser's file picker; you can also drop a file on the page"
            }
            Action::OpenSnapshot => "Open a snapshot (or a scenario) from a file",
            Action::OpenPath => "Type the path of a snapshot or scenario to open",
            Action::Reload if web => {
                "Reloads the page (reloading the open file is a desktop feature)"
            }
            Action::Reload => "Read the open file again",
            Action::OpenEmbedded => "Go back to the England record built into the app",
            Action::Quit => "Close the window (asks first if the scenario is unsaved)",
            Action::NewScenario => "Start an empty scenario over the record",
            Action::OpenScenario => "Open a scenario file",
            Action::SaveScenario => "Save the scenario",
            Action::SaveScenarioAs => "Save the scenario to a new file",
            Action::CloseScenario => "Close the scenario (asks first if unsaved)",
            Action::MergePicked => "Merge the CCGs picked for a merger",
            Action::Undo => "Undo a scenario edit",
            Action::Redo => "Redo a scenario edit",
            Action::AddBookmark => "Keep the date, selection and chart as a bookmark",
            Action::Presenter if web => {
                "Full screen with large text (F5 reloads the page; Escape leaves)"
            }
            Action::Presenter => "Full screen with large text, bookmarks as slides",
            Action::LeavePresenter => "Leave presenter mode",
            Action::NextSlide => "Next bookmark (presenter mode)",
            Action::PreviousSlide => "Previous bookmark (presenter mode)",
            Action::ToggleTree => "Show or hide the tree",
            Action::ToggleDetails => "Show or hide the details",
            Action::ExpandAll => "Open every branch of the tree",
            Action::CollapseAll => "Close every branch of the tree",
            Action::Fullscreen => "Full screen",
            Action::Keys => "The keyboard shortcuts",
            Action::Search => "Search by name or code",
            Action::Play => "Play or pause the timeline",
            Action::PreviousEvent => "The previous day something changed",
            Action::NextEvent => "The next day something changed",
            Action::FirstDay => "The record's first day",
            Action::LastDay => "The record's last day",
        }
    }

    /// Its keys (none for most).
    pub fn shortcuts(self) -> &'static [Shortcut] {
        const OPEN: [Shortcut; 1] = [always(CTRL, Key::O)];
        const RELOAD: [Shortcut; 1] = [always(CTRL, Key::R)];
        const SAVE: [Shortcut; 1] = [always(CTRL, Key::S)];
        const UNDO: [Shortcut; 1] = [always(CTRL, Key::Z)];
        const REDO: [Shortcut; 1] = [always(CTRL_SHIFT, Key::Z)];
        const PRESENT: [Shortcut; 1] = [always(Modifiers::NONE, Key::F5)];
        const FULL: [Shortcut; 1] = [always(Modifiers::NONE, Key::F11)];
        const SEARCH: [Shortcut; 1] = [always(CTRL, Key::F)];
        const LEAVE: [Shortcut; 1] = [presenting(Key::Escape)];
        const NEXT_SLIDE: [Shortcut; 2] = [presenting(Key::PageDown), presenting(Key::ArrowRight)];
        const PREV_SLIDE: [Shortcut; 2] = [presenting(Key::PageUp), presenting(Key::ArrowLeft)];
        const PLAY: [Shortcut; 2] = [browsing(Key::Space), presenting(Key::Space)];
        const PREV: [Shortcut; 1] = [browsing(Key::ArrowLeft)];
        const NEXT: [Shortcut; 1] = [browsing(Key::ArrowRight)];
        const FIRST: [Shortcut; 2] = [browsing(Key::Home), presenting(Key::Home)];
        const LAST: [Shortcut; 2] = [browsing(Key::End), presenting(Key::End)];
        match self {
            Action::OpenSnapshot => &OPEN,
            Action::Reload => &RELOAD,
            Action::SaveScenario => &SAVE,
            Action::Undo => &UNDO,
            Action::Redo => &REDO,
            // In a browser F5 reloads the page: presenter mode is in the menu.
            Action::Presenter if cfg!(target_arch = "wasm32") => &[],
            Action::Presenter => &PRESENT,
            Action::Fullscreen => &FULL,
            Action::Search => &SEARCH,
            Action::LeavePresenter => &LEAVE,
            Action::NextSlide => &NEXT_SLIDE,
            Action::PreviousSlide => &PREV_SLIDE,
            Action::Play => &PLAY,
            Action::PreviousEvent => &PREV,
            Action::NextEvent => &NEXT,
            Action::FirstDay => &FIRST,
            Action::LastDay => &LAST,
            _ => &[],
        }
    }

    /// Its keys as people read them: `Ctrl+O`, `PageDown / Right`.
    pub fn keys_text(self, ctx: &egui::Context) -> String {
        let mut seen: Vec<String> = Vec::new();
        for s in self.shortcuts() {
            let t = ctx.format_shortcut(&s.key);
            if !seen.contains(&t) {
                seen.push(t);
            }
        }
        seen.join(" / ")
    }

    /// The commands for the keys pressed this frame, consuming them: keys with Ctrl
    /// always; plain keys only when no text field has the keyboard, and as presenter
    /// mode (or not) says.
    pub fn from_keys(ctx: &egui::Context, presenting_now: bool) -> Vec<Command> {
        let typing = ctx.egui_wants_keyboard_input();
        let mut out = Vec::new();
        ctx.input_mut(|i| {
            // Keys with more modifiers first: consuming Ctrl+Z would eat Ctrl+Shift+Z.
            let mut all: Vec<(Action, Shortcut)> = Action::ALL
                .iter()
                .flat_map(|a| a.shortcuts().iter().map(move |s| (*a, *s)))
                .collect();
            all.sort_by_key(|(_, s)| {
                std::cmp::Reverse(
                    u8::from(s.key.modifiers.shift)
                        + u8::from(s.key.modifiers.command)
                        + u8::from(s.key.modifiers.alt),
                )
            });
            for (action, s) in all {
                let active = match s.when {
                    When::Always => true,
                    When::Browsing => !presenting_now && !typing,
                    When::Presenting => presenting_now && !typing,
                };
                if active && i.consume_shortcut(&s.key) {
                    out.push(action.command());
                }
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_actions_share_a_key_in_the_same_mode() {
        let mut seen = Vec::new();
        for a in Action::ALL {
            for s in a.shortcuts() {
                for mode in [When::Browsing, When::Presenting] {
                    if s.when == When::Always || s.when == mode {
                        let k = (s.key.modifiers, s.key.logical_key, mode);
                        assert!(!seen.contains(&k), "{a:?} shares {k:?}");
                        seen.push(k);
                    }
                }
            }
        }
        // Every action is listed once.
        let all: std::collections::HashSet<Action> = Action::ALL.into_iter().collect();
        assert_eq!(all.len(), Action::ALL.len());
    }
}
