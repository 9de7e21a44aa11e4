//! The eframe window.
//!
//! Rooms:
//! - [`App`] (here) holds the application's state and runs a frame: take in what
//!   workers and the keyboard sent, draw the panels, apply the commands.
//! - [`command`]: what can be asked, grouped by concern, and the table of actions
//!   (label, shortcut, tooltip) the menus, keyboard and shortcuts window share.
//! - [`apply`](self::apply): the one place that changes application state.
//! - [`panels`]: one type per panel, each drawing from a read-only [`ViewCtx`] and
//!   pushing commands; [`caches`]: the view models they draw, memoised.
//! - [`scenario`]: the open scenario as a session (undo, saved or not, its file);
//!   [`jobs`]: work off the UI thread; [`export`]: pictures and CSV files;
//!   [`theme`]: the colours.

mod apply;
#[cfg(target_arch = "wasm32")]
mod browser;
pub mod caches;
pub mod command;
mod ctx;
pub mod export;
pub mod jobs;
pub mod memo;
pub mod panels;
pub mod path_prompt;
pub mod scenario;
pub mod state;
pub mod theme;

use std::path::PathBuf;
use std::sync::Arc;

pub use caches::{Charts, ON_WORKER};
pub use command::{
    Action, CentralTab, Command, Export, File, Group, Scenario as ScenarioCmd, Selection, Time,
    Tree, Window,
};
pub use ctx::ViewCtx;
pub use panels::flow::FlowFilter;
pub use path_prompt::PromptFor;
pub use state::{ThemeChoice, UiState};
pub use theme::Theme;

use crate::io::loader::Loader;
use crate::io::watch::FileWatch;
use crate::model::format::{ChartKind, RawSnapshot};
use crate::model::load::{Problem, load_raw};
use crate::model::{Date, OrgId, Snapshot, Timeline, human_date};
use crate::view::Grouping;
pub use crate::view::World;

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
    pub chart: Option<ChartKind>,
    /// Show only this region or ICB (by code) in the merger flow.
    pub flow_filter: Option<String>,
    /// Compare these two dates (and start on the compare view).
    pub compare: Option<(Date, Date)>,
    /// Lay scenarios over the record on a worker whatever the snapshot's size (as for
    /// snapshots over 20,000 organisations).
    pub scenario_on_worker: bool,
    /// The renderer clears the window to [`eframe::App::clear_color`] (eframe does,
    /// natively and on the web), so the window's background is not painted again. Off,
    /// the app paints it itself, as for egui_kittest's renderer, which clears to
    /// transparent.
    pub background_by_clear: bool,
}

/// Problems from the last file that failed (or loaded with warnings), or a message.
#[derive(Clone, Debug, Default)]
pub struct ProblemReport {
    /// What the report is about.
    pub title: String,
    /// Every problem.
    pub problems: Vec<Problem>,
}

impl ProblemReport {
    /// A message with no problems listed.
    pub fn message(title: impl Into<String>) -> Self {
        ProblemReport {
            title: title.into(),
            problems: Vec::new(),
        }
    }
}

/// What the app uses to reach outside the frame: loading, dialogs, file watches,
/// scenario file work, pictures.
#[derive(Default)]
pub(crate) struct Services {
    /// Loads snapshot files on a worker.
    pub loader: Loader,
    /// Scenario file work and scenario application on workers.
    pub io: jobs::Io,
    /// The native open dialog, while it is open.
    #[cfg(not(target_arch = "wasm32"))]
    pub dialog: Option<std::sync::mpsc::Receiver<jobs::DialogAnswer>>,
    /// Watches the open snapshot file for changes on disk.
    pub watch: Option<FileWatch>,
    /// Takes exported pictures.
    pub exporter: export::Exporter,
    /// Files the page handed over, and the picker.
    #[cfg(target_arch = "wasm32")]
    pub browser: browser::Browser,
}

/// Autosaving the unsaved scenario.
pub(crate) struct Autosave {
    /// The folder (none: no autosave, as in tests and screenshots).
    pub dir: Option<PathBuf>,
    /// Writes are numbered; a slower, older write never lands after a newer one.
    pub generation: u64,
    /// The number of the last write that landed.
    pub written: Arc<std::sync::Mutex<u64>>,
}

/// A `--screenshot` run: where the picture goes and how far it got.
pub(crate) struct ScreenshotRun {
    path: PathBuf,
    frames: u32,
    requested: bool,
}

/// Frames drawn before a `--screenshot` is taken, so that layouts settle.
const SCREENSHOT_SETTLE_FRAMES: u32 = 4;

/// The zoom of presenter mode.
pub(crate) const PRESENTER_ZOOM: f32 = 1.35;

/// What the web build says where the desktop would reload the open file.
pub const RELOAD_DESKTOP: &str = "Reload from disk is a desktop feature";

/// The application: everything the window shows and edits. Panels draw it read-only
/// (through [`ViewCtx`]); [`App::apply`] changes it.
pub struct App {
    // The record.
    /// The world shown: the actual record or the scenario.
    pub(crate) world: World,
    /// The actual record, and its raw form (scenarios apply to it).
    pub(crate) actual: World,
    pub(crate) raw: Arc<RawSnapshot>,
    /// The open file; `None` for the embedded England record.
    pub(crate) file: Option<PathBuf>,
    /// The open file changed on disk since it was read.
    pub(crate) file_changed: bool,

    // Where the user is.
    pub(crate) date: Date,
    pub(crate) selection: Option<OrgId>,
    /// What is remembered between runs (grouping, open nodes, theme, panels…).
    pub(crate) state: UiState,
    pub(crate) playing: bool,
    pub(crate) play_carry: f64,
    pub(crate) central_tab: CentralTab,
    /// The chart shown large.
    pub(crate) focus_chart: ChartKind,
    /// The running-cost era chosen (`None`: the era of the date shown).
    pub(crate) cost_era: Option<crate::view::CostEra>,
    /// The part of the merger flow shown.
    pub(crate) flow_filter: FlowFilter,
    /// What the map shows.
    pub(crate) map: command::MapSettings,
    /// The two dates compared (the compare view and the tree's marks).
    pub(crate) compare_dates: Option<(Date, Date)>,
    /// Counts changes of the tree's open nodes (its rows are rebuilt).
    pub(crate) tree_version: u64,
    /// Counts requests to show the selection in the tree (it scrolls there).
    pub(crate) reveal_version: u64,
    /// Counts requests to put the keyboard in the search box.
    pub(crate) search_version: u64,
    pub(crate) show_keys: bool,
    /// The problems panel's content.
    pub(crate) report: Option<ProblemReport>,
    /// The "type a path" window, while it is asked for.
    pub(crate) path_prompt: Option<path_prompt::PathPromptRequest>,

    // The scenario.
    pub(crate) sc: Option<scenario::ScenarioState>,
    /// Whether the scenario (rather than the actual record) is shown.
    pub(crate) show_scenario: bool,
    /// CCGs picked for a merger (by code, from the actual record).
    pub(crate) merge_pick: Vec<String>,
    /// The merge, move or share dialog, while it is open.
    pub(crate) change_dialog: Option<scenario::ChangeDialog>,
    pub(crate) dialogs_opened: u64,
    /// An autosaved scenario found at start, waiting for the user's answer.
    pub(crate) recovery: Option<scenario::Recovery>,
    /// What to do once the user answers "save changes?".
    pub(crate) pending_after_save: Option<scenario::AfterSave>,
    /// What to do once the save under way is done.
    pub(crate) after_saved: Option<scenario::AfterSave>,
    pub(crate) autosave: Autosave,

    // Presenter mode.
    pub(crate) presenting: bool,
    pub(crate) autoplay: Option<f64>,
    pub(crate) autoplay_carry: f64,
    /// The bookmark shown, while the date is still its date.
    pub(crate) bookmark_at: Option<usize>,
    /// The window is closing (its close is not asked about again).
    pub(crate) quitting: bool,

    // Requests that wait for a file.
    /// Organisation to select once the file being loaded arrives (from --select).
    pub(crate) pending_select: Option<String>,
    /// Bookmark to show once the scenario arrives (from --bookmark).
    pub(crate) pending_bookmark: Option<usize>,

    /// Commands for the next frame (asked for while applying others).
    commands: Vec<Command>,
    pub(crate) services: Services,
    pub(crate) caches: caches::Caches,
    /// The egui context the app draws in: the panels keep their widgets' state in its
    /// memory, as egui's own widgets do, so the app holds none of it.
    ctx: egui::Context,
    screenshot: Option<ScreenshotRun>,
    last_title: String,
    applied_theme: Option<ThemeChoice>,
    /// See [`AppOptions::background_by_clear`].
    pub(crate) background_by_clear: bool,
}

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

/// The embedded record as the app starts on it: the world shown (index, cost model,
/// timeline marks), the raw form and a report.
type England = (World, RawSnapshot, Option<ProblemReport>);

/// The embedded record being read on a worker while the window opens.
#[cfg(not(target_arch = "wasm32"))]
static PRELOAD: std::sync::Mutex<Option<std::thread::JoinHandle<England>>> =
    std::sync::Mutex::new(None);

/// Starts reading the embedded England record (and building its cost model) on a
/// worker, so that this overlaps the opening of the window; the first app built takes it (later ones read their own).
#[cfg(not(target_arch = "wasm32"))]
pub fn preload_england() {
    let worker = std::thread::Builder::new()
        .name("england".into())
        .spawn(england);
    if let (Ok(handle), Ok(mut slot)) = (worker, PRELOAD.lock()) {
        *slot = Some(handle);
    }
}

/// The record [`preload_england`] read, waiting for it if it is still being read; else
/// the record read now.
fn england_preloaded() -> England {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(handle) = PRELOAD.lock().ok().and_then(|mut slot| slot.take())
        && let Ok(england) = handle.join()
    {
        return england;
    }
    england()
}

/// The embedded England record (and a report if it were ever invalid).
fn england() -> England {
    match load_raw(crate::ENGLAND_RON) {
        Ok((raw, l)) => (World::new(Timeline::new(l.snapshot)), raw, None),
        // The embedded file is checked by tests; this guard only keeps the window up.
        Err(e) => (
            World::new(Timeline::new(Snapshot::empty())),
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
        let (actual, raw, report) = england_preloaded();
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
        #[cfg(not(target_arch = "wasm32"))]
        clean_temps_at_start(&state, &options, autosave_dir.as_deref());
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
            world: actual.clone(),
            actual,
            raw: Arc::new(raw),
            file: None,
            file_changed: false,
            date: Date::MIN,
            selection: None,
            playing: false,
            play_carry: 0.0,
            central_tab: options.view.unwrap_or_default(),
            focus_chart: options.chart.unwrap_or_default(),
            cost_era: None,
            flow_filter: FlowFilter::All,
            map: command::MapSettings::default(),
            compare_dates: options.compare,
            tree_version: 0,
            reveal_version: 0,
            search_version: 0,
            show_keys: false,
            report,
            path_prompt: None,
            sc: None,
            show_scenario: false,
            merge_pick: Vec::new(),
            change_dialog: None,
            dialogs_opened: 0,
            recovery,
            pending_after_save: None,
            after_saved: None,
            autosave: Autosave {
                dir: autosave_dir,
                generation: 0,
                written: Arc::new(std::sync::Mutex::new(0)),
            },
            presenting: false,
            autoplay: None,
            autoplay_carry: 0.0,
            bookmark_at: None,
            quitting: false,
            pending_select: options.select.clone(),
            pending_bookmark: options.bookmark.and_then(|n| n.checked_sub(1)),
            commands: Vec::new(),
            services: Services::default(),
            caches: caches::Caches::default(),
            ctx: ctx.clone(),
            screenshot: options.screenshot.map(|path| ScreenshotRun {
                path,
                frames: 0,
                requested: false,
            }),
            last_title: String::new(),
            applied_theme: None,
            background_by_clear: options.background_by_clear,
            state,
        };
        if options.compare.is_some() && options.view.is_none() {
            app.central_tab = CentralTab::Compare;
        }
        app.services.io.always_on_worker = options.scenario_on_worker;
        app.date = app.clamp(app.state.date.unwrap_or_else(|| app.default_date()));
        // A date asked for outside the record is shown at the record's nearest day, and
        // the window says so (a file still to load has its own span).
        if let Some(asked) = options.date
            && file_to_open.is_none()
            && app.date != asked
        {
            let snapshot = app.world.timeline.snapshot();
            let (first, last) = snapshot.span();
            let which = if asked < first {
                format!("before the record begins ({})", human_date(first))
            } else if snapshot.as_at == Some(last) {
                format!(
                    "after the record's as-at date ({}, when its sources were last checked)",
                    human_date(last)
                )
            } else {
                format!("after the record's last change ({})", human_date(last))
            };
            app.report = Some(ProblemReport::message(format!(
                "{} is {which}: showing {}",
                human_date(asked),
                human_date(app.date)
            )));
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
        if let Some(path) = options.scenario {
            app.push(ScenarioCmd::Open(path));
        }
        if options.present {
            app.push(Window::TogglePresenter);
        }
        if let Some(code) = &options.flow_filter {
            app.set_flow_filter(code);
        }
        app
    }

    // What tests, benchmarks and the panels read.

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

    /// The open snapshot's index (the scenario's, when it is shown).
    pub fn timeline(&self) -> &Timeline {
        &self.world.timeline
    }

    /// The cost model of the world shown.
    pub fn costs(&self) -> &crate::model::costs::CostModel {
        &self.world.costs
    }

    /// Whether playback is running.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Whether a file is loading.
    pub fn busy(&self) -> bool {
        self.services.loader.busy.is_some()
    }

    /// Areas (or hexes) the map drew in its last frame.
    pub fn map_drawn(&self) -> usize {
        panels::Panels::with(&self.ctx, |p| p.central.map.drawn)
    }

    /// Where a point of England (longitude, latitude) was on the screen in the map's
    /// last frame.
    pub fn map_screen_point(&self, lon: f64, lat: f64) -> Option<egui::Pos2> {
        let t = panels::Panels::with(&self.ctx, |p| p.central.map.transform)?;
        Some(t.to_screen(crate::geo::project(lon, lat)))
    }

    /// How many loads finished after they were cancelled or superseded (their results
    /// dropped unseen).
    pub fn loads_dropped(&self) -> u64 {
        self.services.loader.dropped
    }

    /// Whether the view shown is still being built on a worker (the tree rows or the
    /// merger flow of a large snapshot, a scenario laid over a large record).
    pub fn building(&self) -> bool {
        self.rows_building()
            || self.day_marks_building()
            || (self.central_tab == CentralTab::Charts && self.charts_building())
            || panels::Panels::with(&self.ctx, |p| match self.central_tab {
                CentralTab::Flow => p.flow.building(),
                CentralTab::Map => p.central.map.building(),
                _ => false,
            })
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

    /// Whether the open snapshot's file changed on disk since it was read.
    pub fn file_changed(&self) -> bool {
        self.file_changed
    }

    /// The UI state as it would be saved now.
    pub fn ui_state(&self) -> UiState {
        let mut st = self.state.clone();
        st.date = Some(self.date);
        st.last_file = self.file.clone();
        st.selection = self.selection.map(|id| {
            let o = self.world.timeline.snapshot().org(id);
            (o.kind, o.code.clone())
        });
        st
    }

    /// Whether a scenario has unsaved changes.
    pub fn unsaved(&self) -> bool {
        self.sc.as_ref().is_some_and(|s| s.dirty)
    }

    /// The open scenario, if any.
    pub fn scenario(&self) -> Option<&crate::model::scenario::Scenario> {
        self.sc.as_ref().map(|s| &s.scenario)
    }

    /// Whether the scenario (not the actual record) is shown.
    pub fn showing_scenario(&self) -> bool {
        self.show_scenario && self.sc.as_ref().is_some_and(|s| s.world.is_some())
    }

    /// Whether a scenario is being laid over the record on a worker.
    pub fn scenario_applying(&self) -> bool {
        self.services.io.applying.is_some()
    }

    /// The chart shown large.
    pub fn focus_chart(&self) -> ChartKind {
        self.focus_chart
    }

    /// The running-cost era the cost chart shows: the one chosen, else the date's.
    pub fn cost_era(&self) -> crate::view::CostEra {
        self.cost_era
            .unwrap_or_else(|| crate::view::CostEra::of_date(&self.world.timeline, self.date))
    }

    /// The part of the merger flow shown.
    pub fn flow_filter(&self) -> FlowFilter {
        self.flow_filter
    }

    /// Whether presenter mode is on.
    pub fn presenting(&self) -> bool {
        self.presenting
    }

    /// The caption of presenter mode: the bookmark's note while its date is shown,
    /// else what happened on the date.
    pub fn caption(&self) -> String {
        if let Some(b) = self.current_bookmark() {
            return if b.note.is_empty() {
                b.name.clone()
            } else {
                format!("{}: {}", b.name, b.note)
            };
        }
        self.day_caption()
    }

    /// The bookmark shown, while its date is shown.
    pub(crate) fn current_bookmark(&self) -> Option<&crate::model::scenario::Bookmark> {
        let i = self.bookmark_at?;
        self.scenario()
            .and_then(|s| s.bookmarks.get(i))
            .filter(|b| b.date == self.date)
    }

    /// The CCGs picked for a merger.
    pub fn merge_pick(&self) -> &[String] {
        &self.merge_pick
    }

    /// Queues a command, as a panel would; it is applied at the end of the next frame.
    pub fn push(&mut self, c: impl Into<Command>) {
        self.commands.push(c.into());
    }

    // Helpers of the state itself.

    fn default_date(&self) -> Date {
        let (first, last) = self.world.timeline.snapshot().span();
        Date::from_ymd_opt(2019, 4, 1)
            .filter(|d| *d >= first && *d <= last)
            .unwrap_or(first)
    }

    pub(crate) fn clamp(&self, d: Date) -> Date {
        let (first, last) = self.world.timeline.snapshot().span();
        d.clamp(first, last.max(first))
    }

    fn restore_selection(&mut self) {
        self.selection = self
            .state
            .selection
            .as_ref()
            .and_then(|(kind, code)| self.world.timeline.snapshot().find(*kind, code));
    }

    fn window_title(&self) -> String {
        let name = match &self.file {
            Some(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| p.display().to_string()),
            None => crate::ENGLAND_NAME.to_string(),
        };
        format!(
            "{} — {name} — ccg-explorer",
            self.world.timeline.snapshot().title
        )
    }

    /// Puts the chosen theme into effect, this frame included: the frame's root Ui was
    /// made with the style of before, and the window's background (the clear colour)
    /// already follows the new one.
    fn apply_theme(&mut self, ui: &mut egui::Ui) {
        if self.applied_theme == Some(self.state.theme) {
            return;
        }
        self.applied_theme = Some(self.state.theme);
        let ctx = ui.ctx().clone();
        ctx.set_theme(match self.state.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
        ui.set_style(ctx.global_style());
    }

    /// Draws one frame and applies what it asked for. Used by eframe, tests and
    /// benchmarks: take in what workers, the system and the keyboard sent; draw the
    /// panels; apply every command.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.apply_theme(ui);
        let ctx = ui.ctx().clone();
        // What finished off the UI thread, and playback, before the frame is drawn.
        for c in self.take_in(&ctx) {
            self.apply(&ctx, c);
        }
        // Commands queued earlier, then the keyboard's, then the panels'.
        let mut out = std::mem::take(&mut self.commands);
        out.extend(self.keys(&ctx));
        let title = self.window_title();
        if title != self.last_title {
            #[cfg(not(target_arch = "wasm32"))]
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            #[cfg(target_arch = "wasm32")]
            browser::set_title(&title);
            self.last_title = title;
        }
        // The panels draw from the state, read-only, and say what to do.
        let cx = ViewCtx::new(self, Theme::of(ui));
        panels::Panels::with(&ctx, |panels| panels.ui(ui, &cx, &mut out));
        self.export_step(&ctx);
        if !out.is_empty() {
            // What the commands change is drawn in the next frame.
            ctx.request_repaint();
        }
        for c in out {
            self.apply(&ctx, c);
        }
        self.screenshot_step(&ctx);
        #[cfg(target_arch = "wasm32")]
        self.services.browser.frame_drawn(&ctx);
    }

    /// Draws the export stamp and takes the picture once the frame is stable.
    fn export_step(&mut self, ctx: &egui::Context) {
        // The picture waits for the view it shows (the map's geography being read).
        if self.services.exporter.busy() && self.building() {
            ctx.request_repaint();
            return;
        }
        let crop = self
            .services
            .exporter
            .current()
            .and_then(|job| panels::Panels::with(ctx, |p| p.crop_for(job.kind)));
        let Services { exporter, io, .. } = &mut self.services;
        exporter.step(ctx, crop, || io.sender());
    }

    fn screenshot_step(&mut self, ctx: &egui::Context) {
        let waiting = self.busy()
            || self.building()
            || self.services.io.busy > 0
            || self.services.exporter.busy();
        let Some(run) = &mut self.screenshot else {
            return;
        };
        run.frames += 1;
        ctx.request_repaint();
        if run.requested || run.frames < SCREENSHOT_SETTLE_FRAMES || waiting {
            return;
        }
        run.requested = true;
        let path = run.path.clone();
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

/// Removes the temporary files that saves killed part-way left beside the files this
/// window works with (off the UI thread).
#[cfg(not(target_arch = "wasm32"))]
fn clean_temps_at_start(state: &UiState, options: &AppOptions, autosave: Option<&std::path::Path>) {
    let mut paths: Vec<PathBuf> = state.recent.clone();
    paths.extend(state.last_file.clone());
    paths.extend(options.file.clone());
    paths.extend(options.scenario.clone());
    if let Some(d) = autosave {
        paths.push(d.join(scenario::AUTOSAVE_FILE));
    }
    let spawned = std::thread::Builder::new()
        .name("clean-temps".into())
        .spawn(move || {
            for p in paths {
                crate::io::files::clean_stale_temps(&p);
            }
        });
    if let Err(e) = spawned {
        // Nothing is lost: the next save of each file cleans up too.
        eprintln!("ccg-explorer: cannot start cleaning temporary files: {e}");
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        theme::background(visuals).to_normalized_gamma_f32()
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_preloaded_record_is_taken_once_and_is_the_embedded_one() {
        preload_england();
        let (preloaded, _, report) = england_preloaded();
        assert!(report.is_none());
        // Taken: the slot is empty for the next app, which reads its own.
        assert!(PRELOAD.lock().map(|s| s.is_none()).unwrap_or(false));
        let (read, _, _) = england();
        let s = preloaded.timeline.snapshot();
        assert!(s.orgs.len() > 1000, "{} organisations", s.orgs.len());
        assert_eq!(s.orgs.len(), read.timeline.snapshot().orgs.len());
        assert_eq!(s.title, read.timeline.snapshot().title);
    }
}
