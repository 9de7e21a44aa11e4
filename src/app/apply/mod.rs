//! The one place that changes application state: [`App::apply`] carries out a
//! command, whoever asked (a panel, the keyboard, a worker that finished). Each group
//! of commands has its file; they are reached only through `apply`.

mod export;
mod file;
mod scenario;
mod scenario_file;
mod time;
mod window;

use super::command::{Command, Selection, Time, Tree, Window};
use super::jobs::Done;
use super::{App, ProblemReport};
use crate::model::OrgId;
use crate::view;

impl App {
    /// Carries out `c`. Commands it leads to (a save that must ask where first, say)
    /// are queued for the next frame.
    pub fn apply(&mut self, ctx: &egui::Context, c: Command) {
        match c {
            Command::Time(t) => self.apply_time(ctx, t),
            Command::Selection(s) => self.apply_selection(s),
            Command::Tree(t) => self.apply_tree(t),
            Command::File(f) => self.apply_file(ctx, f),
            Command::Scenario(s) => self.apply_scenario(ctx, s),
            Command::Export(e) => self.apply_export(ctx, e),
            Command::Window(w) => self.apply_window(ctx, w),
            Command::Done(d) => self.apply_done(ctx, d),
        }
        // A bookmark is shown while its date is.
        if let Some(i) = self.bookmark_at
            && self
                .scenario()
                .and_then(|s| s.bookmarks.get(i))
                .is_none_or(|b| b.date != self.date)
        {
            self.bookmark_at = None;
        }
    }

    /// What workers finished and the system handed over since the last frame, and
    /// the time that passed while playing.
    pub(super) fn take_in(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out: Vec<Command> = Vec::new();
        let s = &mut self.services;
        s.io.ctx = Some(ctx.clone());
        if s.watch.as_ref().is_some_and(|w| w.changed()) && self.file.is_some() {
            out.push(Done::SnapshotChanged.into());
        }
        while let Some(loaded) = s.loader.poll() {
            out.push(Done::Loaded(super::jobs::Payload::new(loaded)).into());
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            if let Some(rx) = &s.dialog
                && let Ok(answer) = rx.try_recv()
            {
                s.dialog = None;
                out.push(Done::SnapshotDialog(answer).into());
            }
            let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .collect()
            });
            if let Some(path) = dropped.into_iter().next() {
                out.push(super::File::Open(path).into());
            }
        }
        // In a browser, picked and dropped files come as bytes.
        #[cfg(target_arch = "wasm32")]
        out.extend(s.browser.take_in(ctx));
        out.extend(s.io.applied().map(Command::from));
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(sc) = &self.sc
            && let Some((path, watch)) = &sc.watch
            && watch.changed()
            && sc.path.as_ref() == Some(path)
        {
            out.push(Done::ScenarioChanged.into());
        }
        out.extend(s.io.finished().into_iter().map(Command::from));
        if self.playing || self.autoplay.is_some() {
            let dt = ctx.input(|i| i.stable_dt).clamp(0.0, 0.25);
            out.push(Time::Tick(f64::from(dt)).into());
            ctx.request_repaint();
        }
        out
    }

    /// The keyboard's commands this frame, and a request to close the window.
    pub(super) fn keys(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = super::Action::from_keys(ctx, self.presenting);
        if ctx.input(|i| i.viewport().close_requested()) {
            out.push(Window::CloseRequested.into());
        }
        out
    }

    fn apply_selection(&mut self, s: Selection) {
        match s {
            Selection::Select(id) => self.reveal(id),
            Selection::Clear => self.selection = None,
            Selection::TogglePick(code) => {
                if let Some(i) = self.merge_pick.iter().position(|c| *c == code) {
                    self.merge_pick.remove(i);
                } else {
                    self.merge_pick.push(code);
                }
            }
        }
    }

    fn apply_tree(&mut self, t: Tree) {
        match t {
            Tree::ToggleNode(k) => self.state.expansion.toggle(&k),
            Tree::ExpandAll => self.state.expansion.set_all(true),
            Tree::CollapseAll => self.state.expansion.set_all(false),
            Tree::SetGrouping(g) => self.state.grouping = g,
        }
        self.tree_version += 1;
    }

    /// Selects `id` and, if it did not exist on the date, moves into its life; the tree
    /// opens down to it and scrolls there.
    fn reveal(&mut self, id: OrgId) {
        let o = self.world.timeline.snapshot().org(id);
        if !o.alive_on(self.date) {
            let d = if self.date < o.from { o.from } else { o.to };
            self.date = self.clamp(d);
        }
        self.selection = Some(id);
        for k in view::tree_path(&self.world.timeline, self.date, self.state.grouping, id) {
            if !self.state.expansion.is_open(&k) {
                self.state.expansion.toggle(&k);
            }
        }
        self.tree_version += 1;
        self.reveal_version += 1;
    }

    /// Selects the organisation with this code, or says there is none.
    pub(super) fn select_code(&mut self, code: &str) {
        match self
            .world
            .timeline
            .snapshot()
            .find_any(code)
            .first()
            .copied()
        {
            Some(id) => self.reveal(id),
            None => {
                self.report = Some(ProblemReport::message(format!(
                    "No organisation has the code {code}"
                )))
            }
        }
    }

    /// Shows only part of the merger flow: a region's, or the lineage of the ICB (or
    /// system) that an ICB, system, CCG or sub-ICB location with this code ends in. A
    /// code that is none of these shows all of England, and says so.
    pub(super) fn set_flow_filter(&mut self, code: &str) {
        use super::FlowFilter;
        use crate::model::OrgKind;
        let tl = self.world.timeline.clone();
        let s = tl.snapshot();
        let ids = s.find_any(code);
        if let Some(r) = ids.iter().find(|id| s.org(**id).kind == OrgKind::Region) {
            self.flow_filter = FlowFilter::Region(*r);
            return;
        }
        let full = crate::model::flow::Flow::build_for(&tl, crate::model::flow::FlowSpan::Record);
        self.flow_filter = match ids.iter().find_map(|id| full.group_for(s, *id)) {
            Some(g) => FlowFilter::Group(g),
            None => {
                self.report = Some(ProblemReport::message(format!(
                    "No region, ICB, system or CCG has the code {code}: the merger flow \
                     shows all of England"
                )));
                FlowFilter::All
            }
        };
    }

    /// Shows the scenario or the actual record, keeping the date and, where it exists
    /// in both, the selection.
    pub(super) fn activate(&mut self) {
        let selected = self.selection.map(|id| {
            let o = self.world.timeline.snapshot().org(id);
            (o.kind, o.code.clone())
        });
        self.world = match (&self.sc, self.show_scenario) {
            (Some(sc), true) => sc.world.clone().unwrap_or_else(|| self.actual.clone()),
            _ => self.actual.clone(),
        };
        self.date = self.clamp(self.date);
        self.selection = selected.and_then(|(k, c)| self.world.timeline.snapshot().find(k, &c));
    }
}
