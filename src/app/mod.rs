//! The window: menu bar, tree, central area, details and timeline.
//!
//! Panels draw view models (see [`crate::view`]) and push [`Command`]s; the app applies
//! them once at the end of the frame. Files load on a worker thread ([`loader`]); UI
//! state is persisted with eframe ([`state`]).
//!
//! The same window runs in a browser (the web build, `target_arch = "wasm32"`): there,
//! files arrive as bytes from the page ([`browser`]) and load at once, saving and
//! exporting download, the unsaved scenario is autosaved in the browser's storage, and
//! what only a desktop can do (reloading or watching a file on disk, quitting) is marked
//! in the window as a desktop feature.

#[cfg(target_arch = "wasm32")]
mod browser;
pub mod charts;
mod compare;
pub mod flow;

mod panels;
mod path_prompt;
pub mod scenario;
pub mod state;

use crate::io::{loader, watch};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::model::costs::CostModel;
use crate::model::format::RawSnapshot;
use crate::model::load::{Problem, load_raw};
use crate::model::{Date, OrgId, Snapshot, Timeline, human_date};
use crate::view::{
    self, CostChart, CountChart, Details, Grouping, SavingsChart, TimelineModel, TreeRow,
};

pub use path_prompt::PromptFor;
pub use state::{ThemeChoice, UiState};

/// Set once `--screenshot` has written its PNG; `main` exits non-zero without it.
pub static SCREENSHOT_SAVED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// How the window starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// A snapshot to open instead of the embedded England record (or the last file).
    pub file: Option<PathBuf>,
    /// The first date to show.
    pub date: Option<Date>,
    /// The organisation to select first, by code.
    pub select: Option<String>,
    /// Save a PNG of the window here, then exit.
    pub screenshot: Option<PathBuf>,
    /// Light or dark, overriding what was remembered.
    pub theme: Option<ThemeChoice>,
    /// Where the unsaved scenario is autosaved (default: the app's storage folder).
    pub autosave_dir: Option<PathBuf>,
    /// Open this scenario over the snapshot.
    pub scenario: Option<PathBuf>,
    /// Start in presenter mode.
    pub present: bool,
    /// Show this bookmark of the scenario first (counting from 1).
    pub bookmark: Option<usize>,
    /// Ignore remembered state (screenshots and tests start the same every time).
    pub fresh: bool,
    /// The view to start on.
    pub view: Option<CentralTab>,
    /// How the tree groups organisations (else what was chosen last time).
    pub grouping: Option<Grouping>,
    /// The chart shown large in the running-costs view.
    pub chart: Option<crate::model::format::ChartKind>,
    /// Show only this region or ICB (by code) in the merger flow.
    pub flow_filter: Option<String>,
    /// Compare these two dates (and start on the compare view).
    pub compare: Option<(Date, Date)>,
    /// Lay scenarios over the record on a worker whatever the snapshot's size (as for
    /// snapshots over 20,000 organisations).
    pub scenario_on_worker: bool,
}

/// Something a panel asks the app to do; applied at the end of the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
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
    /// Select an organisation; if it does not exist on the date, move into its life.
    Select(OrgId),
    /// Clear the selection.
    ClearSelection,
    /// Open or close a tree node.
    ToggleNode(String),
    /// Open every tree node.
    ExpandAll,
    /// Close every tree node.
    CollapseAll,
    /// Change the tree grouping.
    SetGrouping(Grouping),
    /// Ask for a file with the native dialog.
    OpenDialog,
    /// Open a snapshot file (in the background).
    Open(PathBuf),
    /// Read the open file again.
    Reload,
    /// Stop loading the file being loaded; what is open stays open.
    CancelLoad,
    /// Keep the open snapshot although its file changed on disk.
    IgnoreFileChange,
    /// Go back to the embedded England record.
    OpenEmbedded,
    /// Hide the problems panel.
    DismissProblems,
    /// Show a message in the problems panel (a date that cannot be read, say).
    Report(String),
    /// Ask for a path to be typed (the file dialog did not open, or File > Open a path…),
    /// saying why.
    AskPath(path_prompt::PromptFor, String),
    /// Close the "type a path" window.
    ClosePathPrompt,
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
    /// Close the window (asks first when a scenario has unsaved changes).
    Quit,
    /// Start an empty scenario.
    NewScenario,
    /// Ask for a scenario file with the native dialog.
    OpenScenarioDialog,
    /// Open a scenario file (in the background).
    OpenScenario(PathBuf),
    /// Save the scenario to its file (or ask where).
    SaveScenario,
    /// Ask where to save the scenario.
    SaveScenarioAs,
    /// Save the scenario here.
    SaveScenarioTo(PathBuf),
    /// Close the scenario.
    CloseScenario,
    /// Show the scenario or the actual record.
    ToggleScenarioView,
    /// Add a CCG (by code) to the CCGs to merge, or take it out.
    TogglePick(String),
    /// Open the merge dialog for the picked CCGs.
    OpenMergeDialog,
    /// Open the shared-management dialog for the picked CCGs.
    OpenShareDialog,
    /// Open the dialog that moves a real merger (by event id).
    OpenMoveDialog(String),
    /// Open the dialog on change `i`.
    EditChange(usize),
    /// Add a change to the scenario (checked first).
    AddChange(crate::model::scenario::Change),
    /// Remove change `i`.
    RemoveChange(usize),
    /// Undo the last edit of the scenario.
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
    RenameScenario(String),
    /// Step to the next (or previous) bookmark, or event when there are none.
    Slide(bool),
    /// Enter or leave presenter mode.
    TogglePresenter,
    /// Play through events every so many seconds (none: stop).
    Autoplay(Option<f64>),
    /// Recover the autosaved scenario (or discard it).
    Recover(bool),
    /// Answer to "save changes?": save, discard, or cancel.
    AnswerSave(Option<bool>),
    /// Answer to "save over the file?" (it changed on disk, or saving drops comments):
    /// save anyway, or not.
    AnswerSaveOver(bool),
    /// Read the open scenario's file again (it changed on disk), dropping edits.
    ReloadScenario,
    /// Keep the open scenario although its file changed on disk.
    KeepScenario,
    /// Export the window, a chart (0 to 2) as PNG, or the tree or costs as CSV
    /// (asks where).
    Export(scenario::ExportKind),
    /// The same, to a chosen path.
    ExportTo(scenario::ExportKind, PathBuf),
}

/// What a native file dialog answered.
#[cfg(not(target_arch = "wasm32"))]
enum DialogAnswer {
    /// A file.
    Picked(PathBuf),
    /// Closed without one.
    Cancelled,
    /// No file, at once: the dialog never showed (no file-chooser portal).
    DidNotOpen,
}

/// Problems from the last file that failed (or loaded with warnings).
#[derive(Clone, Debug, Default)]
pub struct ProblemReport {
    /// What the report is about.
    pub title: String,
    /// Every problem.
    pub problems: Vec<Problem>,
}

pub use crate::view::World;

/// The application.
pub struct App {
    /// The world shown: the actual record or the scenario.
    timeline: Arc<Timeline>,
    costs: Arc<CostModel>,
    /// The actual record, and its raw form (scenarios apply to it).
    actual: World,
    raw: Arc<RawSnapshot>,
    /// The open scenario, if any.
    pub(crate) sc: Option<scenario::ScenarioState>,
    /// Whether the scenario (rather than the actual record) is shown.
    show_scenario: bool,
    /// CCGs picked for a merger (by code, from the actual record).
    merge_pick: Vec<String>,
    merge_dialog: Option<scenario::MergeDialog>,
    /// The "type a path" window, while it is open.
    path_prompt: Option<path_prompt::PathPrompt>,
    /// An autosaved scenario found at start, waiting for the user's answer.
    recovery: Option<scenario::Recovery>,
    /// What to do once the user answers "save changes?".
    pending_after_save: Option<scenario::AfterSave>,
    autosave_dir: Option<PathBuf>,
    io: scenario::Io,
    presenting: bool,
    quitting: bool,
    after_saved: Option<scenario::AfterSave>,
    autosave_gen: u64,
    autosave_written: Arc<std::sync::Mutex<u64>>,
    autoplay: Option<f64>,
    autoplay_carry: f64,
    bookmark_at: Option<usize>,
    caption: String,
    exports: Vec<scenario::Export>,
    chart_rects: [Option<egui::Rect>; 3],
    /// The merger flow's filter and cached flows.
    pub(crate) flow: flow::FlowState,
    flow_rect: Option<egui::Rect>,
    /// The comparison of two dates.
    pub(crate) compare: compare::CompareState,
    /// The chart shown large.
    pub(crate) focus_chart: crate::model::format::ChartKind,
    /// The open file; `None` for the embedded England record.
    file: Option<PathBuf>,
    /// Watches the open file for changes on disk.
    watch: Option<watch::FileWatch>,
    /// The open file changed on disk since it was read.
    file_changed: bool,
    state: UiState,
    date: Date,
    selection: Option<OrgId>,
    report: Option<ProblemReport>,
    loader: loader::Loader,
    #[cfg(not(target_arch = "wasm32"))]
    dialog: Option<Receiver<DialogAnswer>>,
    /// Files the page handed over, and the picker.
    #[cfg(target_arch = "wasm32")]
    browser: browser::Browser,
    playing: bool,
    play_carry: f64,
    search: String,
    search_open: bool,
    search_anchor: Option<egui::Rect>,
    scroll_to_selection: bool,
    focus_search: bool,
    show_keys: bool,
    commands: Vec<Command>,
    timeline_model: Arc<TimelineModel>,
    rows: RowsCache,
    details: Option<((OrgId, Date), Details)>,
    /// Running-cost lines for the details panel, by world, selection, year and epoch.
    cost_lines: Option<(CostLinesKey, Arc<Vec<String>>)>,
    charts: Option<(ChartsKey, Charts)>,
    /// The changes of recent days (a day compared with the day before), by world.
    day_changes: Vec<((u64, Date), Arc<crate::model::compare::Comparison>)>,
    /// Tree rows a day's changes touch, by world and day.
    day_marks: Option<((u64, Date), Option<Marks>)>,
    central_tab: CentralTab,
    screenshot: Option<PathBuf>,
    frames: u32,
    shot_requested: bool,
    last_title: String,
    applied_theme: Option<ThemeChoice>,
    /// Organisation to select once the file being loaded arrives (from --select).
    pending_select: Option<String>,
    /// Bookmark to show once the scenario arrives (from --bookmark).
    pub(crate) pending_bookmark: Option<usize>,
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
}

/// What the running-cost and savings charts depend on: the world, the selection, the
/// financial year and the stretch of unchanging record (not the day).
type ChartsKey = (
    u64,
    Option<OrgId>,
    Option<crate::model::FinancialYear>,
    (usize, bool),
    bool,
);
type CostLinesKey = (
    u64,
    Option<OrgId>,
    Option<crate::model::FinancialYear>,
    (usize, bool),
);

/// The three charts' view models for one selection and date.
#[derive(Clone, Debug, PartialEq)]
pub struct Charts {
    /// (a) running costs of the footprint.
    pub costs: Arc<CostChart>,
    /// (b) savings by system.
    pub savings: Arc<SavingsChart>,
    /// (c) the number of CCGs.
    pub count: CountChart,
    /// When the scenario is shown: the actual record's series for the same footprint.
    pub actual: Option<Arc<Vec<crate::model::costs::YearCost>>>,
}

#[derive(Default)]
struct RowsCache {
    key: Option<RowsKey>,
    rows: Vec<TreeRow>,
    version: u64,
    /// Rows being built on a worker for a large snapshot, and the key they are for.
    pending: Option<(RowsKey, Receiver<Vec<TreeRow>>)>,
}

/// Timeline, epoch of the record, grouping and expansion version.
type RowsKey = (u64, (usize, bool), Grouping, u64);

/// Snapshots with more organisations than this build their tree rows and merger flow
/// on a worker, so that no frame waits for them; smaller ones build them in the frame.
const ON_WORKER: usize = 20_000;

/// Organisations the tree marks as changed.
type Marks = Arc<std::collections::HashSet<OrgId>>;

/// How many days' changes the changes view keeps.
const DAY_CHANGES_KEPT: usize = 8;

/// What the web build says where the desktop would reload the open file.
pub const RELOAD_DESKTOP: &str = "Reload from disk is a desktop feature";

/// Whether the window is full screen.
#[cfg(not(target_arch = "wasm32"))]
fn fullscreen(ctx: &egui::Context) -> bool {
    ctx.input(|i| i.viewport().fullscreen.unwrap_or(false))
}

/// Whether the page is full screen.
#[cfg(target_arch = "wasm32")]
fn fullscreen(_ctx: &egui::Context) -> bool {
    browser::fullscreen()
}

/// Enters or leaves full screen (`None`: toggles). In a browser, the page's.
pub(crate) fn set_fullscreen(ctx: &egui::Context, on: Option<bool>) {
    let on = on.unwrap_or_else(|| !fullscreen(ctx));
    #[cfg(not(target_arch = "wasm32"))]
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(on));
    #[cfg(target_arch = "wasm32")]
    browser::set_fullscreen(on);
}

fn england() -> (Timeline, RawSnapshot, Option<ProblemReport>) {
    match load_raw(crate::ENGLAND_RON) {
        Ok((raw, l)) => (Timeline::new(l.snapshot), raw, None),
        // The embedded file is checked by tests; this guard only keeps the window up.
        Err(e) => (
            Timeline::new(Snapshot::empty()),
            RawSnapshot::default(),
            Some(ProblemReport {
                title: "The embedded England snapshot is invalid".into(),
                problems: e.problems,
            }),
        ),
    }
}

impl App {
    /// Builds the app for eframe, restoring remembered state unless `options.fresh`.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let remembered = if options.fresh || options.screenshot.is_some() {
            None
        } else {
            cc.storage
                .and_then(|s| eframe::get_value::<UiState>(s, eframe::APP_KEY))
        };
        // Presenter mode's larger text is not carried into a new session.
        cc.egui_ctx.set_zoom_factor(1.0);
        Self::with_state(&cc.egui_ctx, options, remembered.unwrap_or_default())
    }

    /// Builds the app from a given UI state (what persistence restores).
    pub fn with_state(ctx: &egui::Context, options: AppOptions, mut state: UiState) -> Self {
        let (timeline, raw, report) = england();
        let actual = World::new(timeline);
        // Fresh starts (tests, screenshots) neither autosave nor recover unless told where.
        let autosave_dir = match (&options.autosave_dir, options.fresh) {
            (Some(d), _) => Some(d.clone()),
            (None, true) => None,
            #[cfg(not(target_arch = "wasm32"))]
            (None, false) => eframe::storage_dir("ccg-explorer"),
            // In a browser, the prefix of the autosave's key in local storage.
            #[cfg(target_arch = "wasm32")]
            (None, false) => Some(PathBuf::from("ccg-explorer")),
        };
        // Temporary files that saves killed part-way left beside the files this window
        // works with are removed at start (off the UI thread).
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut paths: Vec<PathBuf> = state.recent.clone();
            paths.extend(state.last_file.clone());
            paths.extend(options.file.clone());
            paths.extend(options.scenario.clone());
            if let Some(d) = &autosave_dir {
                paths.push(d.join(scenario::AUTOSAVE_FILE));
            }
            let _ = std::thread::Builder::new()
                .name("clean-temps".into())
                .spawn(move || {
                    for p in paths {
                        crate::io::files::clean_stale_temps(&p);
                    }
                });
        }
        let recovery = if options.screenshot.is_some() {
            None
        } else {
            scenario::find_recovery(autosave_dir.as_deref())
        };
        if let Some(d) = options.date {
            state.date = Some(d);
        }
        if let Some(t) = options.theme {
            state.theme = t;
        }
        if let Some(g) = options.grouping {
            state.grouping = g;
        }
        // A page cannot read the last file again: the embedded record opens at once.
        let file_to_open = if cfg!(target_arch = "wasm32") {
            None
        } else {
            options.file.clone().or_else(|| state.last_file.clone())
        };
        let mut app = App {
            timeline: actual.timeline.clone(),
            costs: actual.costs.clone(),
            timeline_model: actual.timeline_model.clone(),
            actual,
            raw: Arc::new(raw),
            sc: None,
            show_scenario: false,
            merge_pick: Vec::new(),
            merge_dialog: None,
            path_prompt: None,
            recovery,
            pending_after_save: None,
            autosave_dir,
            io: scenario::Io::default(),
            presenting: false,
            quitting: false,
            after_saved: None,
            autosave_gen: 0,
            autosave_written: Arc::new(std::sync::Mutex::new(0)),
            autoplay: None,
            autoplay_carry: 0.0,
            bookmark_at: None,
            caption: String::new(),
            exports: Vec::new(),
            chart_rects: [None; 3],
            flow: flow::FlowState::default(),
            flow_rect: None,
            compare: compare::CompareState::default(),
            focus_chart: Default::default(),
            file: None,
            watch: None,
            file_changed: false,
            date: Date::MIN,
            selection: None,
            report,
            loader: loader::Loader::default(),
            #[cfg(not(target_arch = "wasm32"))]
            dialog: None,
            #[cfg(target_arch = "wasm32")]
            browser: browser::Browser::default(),
            playing: false,
            play_carry: 0.0,
            search: String::new(),
            search_open: false,
            search_anchor: None,
            scroll_to_selection: false,
            focus_search: false,
            show_keys: false,
            commands: Vec::new(),
            rows: RowsCache::default(),
            details: None,
            cost_lines: None,
            charts: None,
            day_changes: Vec::new(),
            day_marks: None,
            central_tab: CentralTab::Charts,
            screenshot: options.screenshot,
            frames: 0,
            shot_requested: false,
            last_title: String::new(),
            applied_theme: None,
            pending_select: options.select.clone(),
            pending_bookmark: options.bookmark.and_then(|n| n.checked_sub(1)),
            state,
        };
        app.io.always_on_worker = options.scenario_on_worker;
        app.date = app.clamp(app.state.date.unwrap_or_else(|| app.default_date()));
        // A date asked for outside the record is shown at the record's nearest day, and
        // the window says so (a file still to load has its own span).
        if let Some(asked) = options.date
            && file_to_open.is_none()
            && app.date != asked
        {
            let (first, last) = app.timeline.snapshot().span();
            let which = if asked < first {
                format!("before the record begins ({})", human_date(first))
            } else {
                format!("after the record's last change ({})", human_date(last))
            };
            app.report = Some(ProblemReport {
                title: format!(
                    "{} is {which}: showing {}",
                    human_date(asked),
                    human_date(app.date)
                ),
                problems: Vec::new(),
            });
        }
        app.restore_selection();
        if let Some(code) = app.pending_select.clone()
            && file_to_open.is_none()
            && options.scenario.is_none()
        {
            app.select_code(&code);
        }
        if let Some(path) = file_to_open {
            app.start_load(ctx, path);
        }
        if let Some(path) = options.scenario.clone() {
            app.commands.push(Command::OpenScenario(path));
        }
        if options.present {
            app.commands.push(Command::TogglePresenter);
        }
        if let Some((a, b)) = options.compare {
            app.compare.a = a.to_string();
            app.compare.b = b.to_string();
            app.central_tab = CentralTab::Compare;
        }
        if let Some(v) = options.view {
            app.central_tab = v;
        }
        if let Some(c) = options.chart {
            app.focus_chart = c;
        }
        if let Some(code) = &options.flow_filter {
            app.set_flow_filter(code);
        }
        app
    }

    /// Shows only part of the merger flow: a region's, or the lineage of the ICB (or
    /// system) that an ICB, system, CCG or sub-ICB location with this code ends in. A
    /// code that is none of these shows all of England, and says so.
    pub fn set_flow_filter(&mut self, code: &str) {
        use crate::model::OrgKind;
        let tl = self.timeline.clone();
        let s = tl.snapshot();
        let ids = s.find_any(code);
        if let Some(r) = ids.iter().find(|id| s.org(**id).kind == OrgKind::Region) {
            self.flow.filter = flow::FlowFilter::Region(*r);
            return;
        }
        let (full, _) = self.flow.flow(&tl);
        let found = ids.iter().find_map(|id| full.group_for(s, *id));
        self.flow.filter = match found {
            Some(g) => flow::FlowFilter::Group(g),
            None => {
                self.report = Some(ProblemReport {
                    title: format!(
                        "No region, ICB, system or CCG has the code {code}: the merger flow \
                         shows all of England"
                    ),
                    problems: Vec::new(),
                });
                flow::FlowFilter::All
            }
        };
    }

    /// The view in the middle of the window.
    pub fn central_tab(&self) -> CentralTab {
        self.central_tab
    }

    /// Whether this run only takes a screenshot.
    pub(crate) fn taking_screenshot(&self) -> bool {
        self.screenshot.is_some()
    }

    /// The date shown.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The selected organisation.
    pub fn selection(&self) -> Option<OrgId> {
        self.selection
    }

    /// The open snapshot's index.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Whether playback is running.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Whether a file is loading.
    pub fn busy(&self) -> bool {
        self.loader.busy.is_some()
    }

    /// Whether the view shown is still being built on a worker (the tree rows or the
    /// merger flow of a large snapshot).
    pub fn building(&self) -> bool {
        self.rows.pending.is_some()
            || (self.central_tab == CentralTab::Flow && self.flow.building())
            || self.scenario_applying()
    }

    /// The problems panel's content, if shown.
    pub fn report(&self) -> Option<&ProblemReport> {
        self.report.as_ref()
    }

    /// The open file (none for the embedded record).
    pub fn file(&self) -> Option<&PathBuf> {
        self.file.as_ref()
    }

    /// The UI state as it would be saved now.
    pub fn ui_state(&self) -> UiState {
        let mut st = self.state.clone();
        st.date = Some(self.date);
        st.last_file = self.file.clone();
        st.selection = self.selection.map(|id| {
            let o = self.timeline.snapshot().org(id);
            (o.kind, o.code.clone())
        });
        st
    }

    /// Queues a command, as a panel would.
    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    fn default_date(&self) -> Date {
        let (first, last) = self.timeline.snapshot().span();
        Date::from_ymd_opt(2019, 4, 1)
            .filter(|d| *d >= first && *d <= last)
            .unwrap_or(first)
    }

    fn clamp(&self, d: Date) -> Date {
        let (first, last) = self.timeline.snapshot().span();
        d.clamp(first, last.max(first))
    }

    fn restore_selection(&mut self) {
        self.selection = self
            .state
            .selection
            .as_ref()
            .and_then(|(kind, code)| self.timeline.snapshot().find(*kind, code));
    }

    fn select_code(&mut self, code: &str) {
        if let Some(id) = self.timeline.snapshot().find_any(code).first().copied() {
            self.reveal(id);
        } else {
            self.report = Some(ProblemReport {
                title: format!("No organisation has the code {code}"),
                problems: Vec::new(),
            });
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn start_load(&mut self, ctx: &egui::Context, path: PathBuf) {
        let ctx = ctx.clone();
        // The open scenario is laid over the new file on the worker too.
        self.loader.scenario = self.sc.as_ref().map(|s| s.scenario.clone());
        self.loader.start(path, move || ctx.request_repaint());
    }

    #[cfg(target_arch = "wasm32")]
    fn start_load(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.load_now(ctx, path);
    }

    /// Selects `id` and, if it did not exist on the date, moves into its life.
    fn reveal(&mut self, id: OrgId) {
        let o = self.timeline.snapshot().org(id);
        if !o.alive_on(self.date) {
            let d = if self.date < o.from { o.from } else { o.to };
            self.date = self.clamp(d);
        }
        self.selection = Some(id);
        // Open the tree down to it, and scroll to it.
        for k in view::tree_path(&self.timeline, self.date, self.state.grouping, id) {
            if !self.state.expansion.is_open(&k) {
                self.state.expansion.toggle(&k);
            }
        }
        self.rows.version += 1;
        self.scroll_to_selection = true;
    }

    /// Opens a new actual record; a scenario that is open is laid over it again.
    fn set_timeline(&mut self, timeline: Timeline, raw: RawSnapshot, file: Option<PathBuf>) {
        self.set_world(World::new(timeline), raw, file, None);
    }

    /// [`App::set_timeline`] with the cost model and marks already built (on a worker),
    /// and the open scenario perhaps already laid over it there.
    fn set_world(
        &mut self,
        world: World,
        raw: RawSnapshot,
        file: Option<PathBuf>,
        prepared: Option<loader::Prepared>,
    ) {
        self.actual = world;
        self.raw = Arc::new(raw);
        self.file = file;
        match (prepared, &mut self.sc) {
            (Some(p), Some(sc)) if p.scenario == sc.scenario => match p.result {
                Ok((world, warnings)) => {
                    sc.world = Some(world);
                    sc.problems = warnings;
                }
                Err(problems) => {
                    sc.world = None;
                    sc.problems = problems;
                }
            },
            _ => self.reapply_scenario(),
        }
        self.activate();
        self.playing = false;
    }

    /// Shows the scenario or the actual record, keeping the date and, where it exists
    /// in both, the selection.
    pub(crate) fn activate(&mut self) {
        let selected = self.selection.map(|id| {
            let o = self.timeline.snapshot().org(id);
            (o.kind, o.code.clone())
        });
        let world = match (&self.sc, self.show_scenario) {
            (Some(sc), true) => sc.world.clone().unwrap_or_else(|| self.actual.clone()),
            _ => self.actual.clone(),
        };
        self.timeline = world.timeline;
        self.costs = world.costs;
        self.timeline_model = world.timeline_model;
        self.date = self.clamp(self.date);
        self.selection = selected.and_then(|(k, c)| self.timeline.snapshot().find(k, &c));
        self.rows.key = None;
        self.details = None;
        self.charts = None;
    }

    fn apply(&mut self, ctx: &egui::Context) {
        let commands = std::mem::take(&mut self.commands);
        for c in commands {
            match c {
                Command::SetDate(d) => self.date = self.clamp(d),
                Command::CancelLoad => {
                    self.loader.cancel();
                    self.pending_select = None;
                }
                Command::PrevEvent => {
                    if let Some(d) = self.timeline.prev_event_day(self.date) {
                        self.date = d;
                    }
                }
                Command::NextEvent => {
                    if let Some(d) = self.timeline.next_event_day(self.date) {
                        self.date = d;
                    }
                }
                Command::First => self.date = self.timeline.snapshot().span().0,
                Command::Last => self.date = self.timeline.snapshot().span().1,
                Command::TogglePlay => {
                    self.playing = !self.playing;
                    self.play_carry = 0.0;
                    if self.playing && self.date >= self.timeline.snapshot().span().1 {
                        self.date = self.timeline.snapshot().span().0;
                    }
                }
                Command::SetSpeed(s) => self.state.speed_days_per_s = s,
                Command::SetSnap(on) => self.state.snap_to_events = on,
                Command::SetSharingMarks(on) => self.state.show_sharing_marks = on,
                Command::Select(id) => self.reveal(id),
                Command::ClearSelection => self.selection = None,
                Command::ToggleNode(k) => {
                    self.state.expansion.toggle(&k);
                    self.rows.version += 1;
                }
                Command::ExpandAll => {
                    self.state.expansion.set_all(true);
                    self.rows.version += 1;
                }
                Command::CollapseAll => {
                    self.state.expansion.set_all(false);
                    self.rows.version += 1;
                }
                Command::SetGrouping(g) => self.state.grouping = g,
                Command::OpenDialog => self.open_dialog(ctx),
                Command::Open(path) => self.start_load(ctx, path),
                Command::IgnoreFileChange => self.file_changed = false,
                #[cfg(not(target_arch = "wasm32"))]
                Command::Reload => {
                    self.file_changed = false;
                    if let Some(p) = self.file.clone() {
                        self.start_load(ctx, p);
                    }
                }
                #[cfg(target_arch = "wasm32")]
                Command::Reload => {
                    if self.file.is_some() {
                        self.report = Some(ProblemReport {
                            title: format!(
                                "{RELOAD_DESKTOP}: open the file again with File > Open… \
                                 or drop it on the page."
                            ),
                            problems: Vec::new(),
                        });
                    }
                }
                Command::OpenEmbedded => {
                    self.watch = None;
                    self.file_changed = false;
                    let (tl, raw, report) = england();
                    self.set_timeline(tl, raw, None);
                    self.report = report;
                }
                Command::DismissProblems => self.report = None,
                Command::AskPath(purpose, why) => {
                    self.path_prompt = Some(path_prompt::PathPrompt {
                        purpose,
                        why,
                        text: String::new(),
                    })
                }
                Command::ClosePathPrompt => self.path_prompt = None,
                Command::Report(title) => {
                    self.report = Some(ProblemReport {
                        title,
                        problems: Vec::new(),
                    })
                }
                Command::SetTheme(t) => self.state.theme = t,
                Command::ToggleFullscreen => set_fullscreen(ctx, None),
                Command::ToggleTree => self.state.show_tree = !self.state.show_tree,
                Command::ToggleDetails => self.state.show_details = !self.state.show_details,
                Command::ShowKeys(on) => self.show_keys = on,
                Command::FocusSearch => self.focus_search = true,
                // A page is closed with its tab; the File menu says so.
                #[cfg(target_arch = "wasm32")]
                Command::Quit => {}
                #[cfg(not(target_arch = "wasm32"))]
                Command::Quit => {
                    if self.unsaved() {
                        self.pending_after_save = Some(scenario::AfterSave::Quit);
                    } else {
                        self.quitting = true;
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                other => self.apply_scenario_command(ctx, other),
            }
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn open_dialog(&mut self, ctx: &egui::Context) {
        self.browser.pick(ctx, browser::Want::Snapshot);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let start_dir = self
            .file
            .as_ref()
            .and_then(|f| f.parent().map(|p| p.to_path_buf()));
        let spawned = std::thread::Builder::new()
            .name("open-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new()
                    .set_title("Open a snapshot")
                    .add_filter("RON snapshot", &["ron"])
                    .add_filter("All files", &["*"]);
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let started = std::time::Instant::now();
                let answer = match dialog.pick_file() {
                    Some(p) => DialogAnswer::Picked(p),
                    // No file, at once: the dialog never showed.
                    None if started.elapsed() < path_prompt::QUICK_ANSWER => {
                        DialogAnswer::DidNotOpen
                    }
                    None => DialogAnswer::Cancelled,
                };
                let _ = tx.send(answer);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some(rx),
            Err(e) => {
                self.report = Some(ProblemReport {
                    title: format!("Cannot show the open dialog: {e}"),
                    problems: Vec::new(),
                })
            }
        }
    }

    /// Takes in finished loads, dialog answers and dropped files.
    fn poll(&mut self, ctx: &egui::Context) {
        if self.watch.as_ref().is_some_and(|w| w.changed()) && self.file.is_some() {
            self.file_changed = true;
        }
        while let Some(done) = self.loader.poll() {
            match done {
                loader::Loaded::Ok {
                    path,
                    world,
                    raw,
                    warnings,
                    scenario,
                } => {
                    self.state.remember(path.clone());
                    let name = path.display().to_string();
                    let repaint = ctx.clone();
                    self.watch = watch::FileWatch::new(&path, move || repaint.request_repaint());
                    self.file_changed = false;
                    self.set_world(*world, *raw, Some(path), scenario.map(|p| *p));
                    self.report = (!warnings.is_empty()).then(|| ProblemReport {
                        title: format!("{name} opened with {} warning(s)", warnings.len()),
                        problems: warnings,
                    });
                    if let Some(code) = self.pending_select.take() {
                        self.select_code(&code);
                    }
                }
                loader::Loaded::Scenario(path) => self.commands.push(Command::OpenScenario(path)),
                loader::Loaded::Cancelled(_) => {}
                loader::Loaded::Failed { path, problems } => {
                    let errors = problems
                        .iter()
                        .filter(|p| p.severity == crate::model::Severity::Error)
                        .count();
                    self.report = Some(ProblemReport {
                        title: format!(
                            "Could not open {}: {}. The snapshot you had open stays open.",
                            path.display(),
                            crate::model::plural(errors, "error", "errors")
                        ),
                        problems,
                    });
                    if self.state.last_file.as_ref() == Some(&path) && self.file.is_none() {
                        self.state.last_file = None;
                    }
                    if let Some(code) = self.pending_select.take() {
                        self.select_code(&code);
                    }
                }
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            if let Some(rx) = &self.dialog
                && let Ok(answer) = rx.try_recv()
            {
                self.dialog = None;
                match answer {
                    DialogAnswer::Picked(path) => self.start_load(ctx, path),
                    DialogAnswer::DidNotOpen => self.commands.push(Command::AskPath(
                        path_prompt::PromptFor::Snapshot,
                        path_prompt::did_not_open(),
                    )),
                    DialogAnswer::Cancelled => {}
                }
            }
            let dropped: Vec<PathBuf> = ctx.input(|i| {
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .collect()
            });
            if let Some(path) = dropped.into_iter().next() {
                self.start_load(ctx, path);
            }
        }
        // In a browser, picked and dropped files come as bytes.
        #[cfg(target_arch = "wasm32")]
        self.poll_browser(ctx);
    }

    fn advance_playback(&mut self, ctx: &egui::Context) {
        if !self.playing {
            return;
        }
        let dt = ctx.input(|i| i.stable_dt).clamp(0.0, 0.25) as f64;
        self.play_carry += dt * self.state.speed_days_per_s;
        let days = self.play_carry.floor();
        if days >= 1.0 {
            self.play_carry -= days;
            let last = self.timeline.snapshot().span().1;
            let next = self.date + chrono::Duration::days(days as i64);
            if next >= last {
                self.date = last;
                self.playing = false;
            } else {
                self.date = next;
            }
        }
        ctx.request_repaint();
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let cmd = |k| KeyboardShortcut::new(Modifiers::COMMAND, k);
        let cmd_shift = |k| KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, k);
        ctx.input_mut(|i| {
            let shortcuts = [
                (cmd(Key::F), Command::FocusSearch),
                (cmd(Key::O), Command::OpenDialog),
                (cmd(Key::R), Command::Reload),
                (cmd(Key::S), Command::SaveScenario),
                // Ctrl+Shift+Z before Ctrl+Z: consuming the plain one would eat both.
                (cmd_shift(Key::Z), Command::Redo),
                (cmd(Key::Z), Command::Undo),
            ];
            for (k, c) in shortcuts {
                if i.consume_shortcut(&k) {
                    self.commands.push(c);
                }
            }
            if i.consume_key(Modifiers::NONE, Key::F11) {
                self.commands.push(Command::ToggleFullscreen);
            }
            if i.consume_key(Modifiers::NONE, Key::F5) {
                self.commands.push(Command::TogglePresenter);
            }
        });
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let presenting = self.presenting;
        ctx.input_mut(|i| {
            let keys: Vec<(Key, Command)> = if presenting {
                vec![
                    (Key::Escape, Command::TogglePresenter),
                    (Key::PageDown, Command::Slide(true)),
                    (Key::PageUp, Command::Slide(false)),
                    (Key::ArrowRight, Command::Slide(true)),
                    (Key::ArrowLeft, Command::Slide(false)),
                    (Key::Space, Command::TogglePlay),
                    (Key::Home, Command::First),
                    (Key::End, Command::Last),
                ]
            } else {
                vec![
                    (Key::Space, Command::TogglePlay),
                    (Key::ArrowLeft, Command::PrevEvent),
                    (Key::ArrowRight, Command::NextEvent),
                    (Key::Home, Command::First),
                    (Key::End, Command::Last),
                ]
            };
            for (k, c) in keys {
                if i.consume_key(Modifiers::NONE, k) {
                    self.commands.push(c);
                }
            }
        });
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme == Some(self.state.theme) {
            return;
        }
        self.applied_theme = Some(self.state.theme);
        ctx.set_theme(match self.state.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }

    fn window_title(&self) -> String {
        let name = match &self.file {
            Some(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| p.display().to_string()),
            None => crate::ENGLAND_NAME.to_string(),
        };
        format!("{} — {name} — ccg-explorer", self.timeline.snapshot().title)
    }

    /// Tree rows for the current date, rebuilt only when the date, grouping or
    /// expansion changed.
    fn tree_rows(&mut self, ctx: &egui::Context) {
        // Rows only change where the record does: scrubbing between events reuses them.
        let key = (
            self.timeline.id(),
            self.timeline.epoch(self.date),
            self.state.grouping,
            self.rows.version,
        );
        if self.rows.key == Some(key) {
            return;
        }
        if let Some((k, rx)) = &self.rows.pending {
            if *k == key {
                // Still building: keep showing the last rows.
                if let Ok(rows) = rx.try_recv() {
                    self.rows.rows = rows;
                    self.rows.key = Some(key);
                    self.rows.pending = None;
                }
                return;
            }
            self.rows.pending = None;
        }
        let large = self.timeline.snapshot().orgs.len() > ON_WORKER;
        if large && cfg!(not(target_arch = "wasm32")) {
            let (tx, rx) = channel();
            let (tl, date, grouping) = (self.timeline.clone(), self.date, self.state.grouping);
            let open = self.state.expansion.clone();
            let ctx = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name("tree-rows".into())
                .spawn(move || {
                    // If the window moved on, no one is waiting.
                    let _ = tx.send(view::tree_rows(&tl, date, grouping, &open));
                    ctx.request_repaint();
                });
            if spawned.is_ok() {
                self.rows.pending = Some((key, rx));
                return;
            }
        }
        self.rows.rows = view::tree_rows(
            &self.timeline,
            self.date,
            self.state.grouping,
            &self.state.expansion,
        );
        self.rows.key = Some(key);
    }

    /// The charts for the current selection and date (cached).
    pub fn charts(&mut self) -> &Charts {
        let key = (
            self.timeline.id(),
            self.selection,
            self.costs.year_for(self.date),
            self.timeline.epoch(self.date),
            self.showing_scenario(),
        );
        let date = self.date;
        let stale = self.charts.as_ref().map(|(k, _)| *k) != Some(key);
        // Only when the charts are rebuilt, not every frame.
        let actual = (stale && key.4).then(|| Arc::new(self.actual_series()));
        if stale {
            self.charts = None;
        }
        let (tl, costs, selection) = (&self.timeline, &self.costs, self.selection);
        // The costs and savings change with the year and the record, not daily.
        let charts = &mut self
            .charts
            .get_or_insert_with(|| {
                let charts = Charts {
                    costs: Arc::new(view::cost_chart(tl, costs, selection, date)),
                    savings: Arc::new(view::savings_chart(tl, costs, date)),
                    count: view::count_chart(tl, date),
                    actual,
                };
                (key, charts)
            })
            .1;
        // The count chart marks the day itself.
        if charts.count.date != date {
            charts.count = view::count_chart(tl, date);
        }
        charts
    }

    /// The actual record's cost series for the footprint of the selection: the same
    /// organisation where it exists, else the first predecessor it has there.
    fn actual_series(&self) -> Vec<crate::model::costs::YearCost> {
        let real = self.actual.timeline.snapshot();
        let org = self.selection.and_then(|id| {
            let s = self.timeline.snapshot();
            let o = s.org(id);
            real.find(o.kind, &o.code).or_else(|| {
                self.timeline
                    .lineage(id)
                    .steps
                    .iter()
                    .filter(|st| st.to == id)
                    .flat_map(|st| st.from.iter())
                    .find_map(|f| real.find(s.org(*f).kind, &s.org(*f).code))
            })
        });
        let fp = view::footprint_for(&self.actual.timeline, &self.actual.costs, org, self.date);
        self.actual.costs.series(&fp)
    }

    /// The cost model of the open snapshot.
    pub fn costs(&self) -> &CostModel {
        &self.costs
    }

    /// The running-cost lines of the selection (or England) at the date. They change
    /// with the financial year and, for a selection, with its membership; not daily.
    pub(crate) fn cost_lines(&mut self) -> Arc<Vec<String>> {
        let epoch = match self.selection {
            Some(_) => self.timeline.epoch(self.date),
            None => (0, false),
        };
        let key = (
            self.timeline.id(),
            self.selection,
            self.costs.year_for(self.date),
            epoch,
        );
        if let Some((k, lines)) = &self.cost_lines
            && *k == key
        {
            return lines.clone();
        }
        let lines = Arc::new(match self.selection {
            Some(id) => view::cost_lines(&self.timeline, &self.costs, id, self.date),
            None => view::footprint_cost_lines(&self.costs, &self.costs.england(), self.date),
        });
        self.cost_lines = Some((key, lines.clone()));
        lines
    }

    /// What changed on `day`: the record on it compared with the day before (a few days
    /// kept, since the changes view shows three at a time).
    pub(crate) fn day_changes(&mut self, day: Date) -> Arc<crate::model::compare::Comparison> {
        let key = (self.timeline.id(), day);
        if let Some((_, c)) = self.day_changes.iter().find(|(k, _)| *k == key) {
            return c.clone();
        }
        let before = day.pred_opt().unwrap_or(day);
        let c = Arc::new(crate::model::compare::compare(&self.timeline, before, day));
        self.day_changes.push((key, c.clone()));
        if self.day_changes.len() > DAY_CHANGES_KEPT {
            self.day_changes.remove(0);
        }
        c
    }

    /// Tree rows to mark on `day` when something changed that day: every organisation
    /// the changes touch, with its system and places.
    pub(crate) fn day_marks(&mut self, day: Date) -> Option<Marks> {
        let key = (self.timeline.id(), day);
        if let Some((k, m)) = &self.day_marks
            && *k == key
        {
            return m.clone();
        }
        let marks = if self.timeline.events_on(day).is_empty() {
            None
        } else {
            let c = self.day_changes(day);
            let touched = c.touched().into_iter().collect();
            Some(Arc::new(compare::marks_on(&self.timeline, &touched, day)))
        };
        self.day_marks = Some((key, marks.clone()));
        marks
    }

    fn details_model(&mut self) -> Option<&Details> {
        let id = self.selection?;
        let key = (id, self.date);
        if self.details.as_ref().map(|(k, _)| *k) != Some(key) {
            self.details = Some((key, view::details(&self.timeline, id, self.date)));
        }
        self.details.as_ref().map(|(_, d)| d)
    }

    /// Draws one frame and applies what it asked for. Used by eframe, tests and benchmarks.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_theme(&ctx);
        self.poll(&ctx);
        self.poll_io(&ctx);
        self.close_guard(&ctx);
        self.keyboard(&ctx);
        self.advance_playback(&ctx);
        self.autoplay_step(&ctx);
        if self.presenting {
            self.update_caption();
        }

        let title = self.window_title();
        if title != self.last_title {
            #[cfg(not(target_arch = "wasm32"))]
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            #[cfg(target_arch = "wasm32")]
            browser::set_title(&title);
            self.last_title = title;
        }

        self.panels_ui(ui);
        self.scenario_dialogs_ui(ui);
        self.path_prompt_ui(ui);
        self.export_step(ui);
        self.apply(&ctx);
        self.screenshot_step(&ctx);
        #[cfg(target_arch = "wasm32")]
        self.browser.frame_drawn();
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let Some(path) = self.screenshot.clone() else {
            return;
        };
        self.frames += 1;
        ctx.request_repaint();
        if self.shot_requested
            || self.frames < 4
            || self.busy()
            || self.building()
            || self.io.busy > 0
        {
            return;
        }
        self.shot_requested = true;
        let ctx2 = ctx.clone();
        ctx.request_screenshot(move |img| {
            let [w, h] = img.size;
            let rgba: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
            let saved = match image::RgbaImage::from_raw(w as u32, h as u32, rgba) {
                Some(buf) => match buf.save(&path) {
                    Ok(()) => {
                        eprintln!("saved {} ({w}x{h})", path.display());
                        true
                    }
                    Err(e) => {
                        eprintln!("ccg-explorer: cannot save {}: {e}", path.display());
                        false
                    }
                },
                None => {
                    eprintln!("ccg-explorer: the screenshot had an unexpected size");
                    false
                }
            };
            SCREENSHOT_SAVED.store(saved, std::sync::atomic::Ordering::SeqCst);
            ctx2.send_viewport_cmd(egui::ViewportCommand::Close);
        });
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        // A screenshot shows the window as opened: wherever the display's pointer
        // happens to be (the middle of a virtual screen), nothing is hovered.
        if self.screenshot.is_some() {
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_)
                        | egui::Event::MouseMoved(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::PointerGone
                )
            });
        }
    }

    fn persist_egui_memory(&self) -> bool {
        // Screenshots and presenter mode leave no trace in the next session's layout.
        self.screenshot.is_none() && !self.presenting
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, eframe::APP_KEY, &self.ui_state());
        }
    }
}
