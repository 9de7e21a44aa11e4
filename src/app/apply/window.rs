//! The window: views, panels, theme, full screen, presenter mode, closing.

use crate::app::command::{Time, Window};
use crate::app::scenario::AfterSave;
use crate::app::{App, PRESENTER_ZOOM, set_fullscreen};

impl App {
    pub(super) fn apply_window(&mut self, ctx: &egui::Context, w: Window) {
        match w {
            Window::SetTab(tab) => self.central_tab = tab,
            Window::SetFocusChart(c) => self.focus_chart = c,
            Window::SetCostEra(e) => self.cost_era = e,
            Window::SetFlowFilter(f) => self.flow_filter = f,
            Window::SetMap(m) => self.map = m,
            Window::SetCompareDates(a, b) => self.compare_dates = Some((a, b)),
            Window::SetTheme(t) => self.state.theme = t,
            Window::ToggleFullscreen => set_fullscreen(ctx, None),
            Window::ToggleTree => self.state.show_tree = !self.state.show_tree,
            Window::ToggleDetails => self.state.show_details = !self.state.show_details,
            Window::ShowKeys(on) => self.show_keys = on,
            Window::FocusSearch => self.search_version += 1,
            Window::TogglePresenter => {
                self.presenting = !self.presenting;
                // A screenshot keeps the size it was asked for.
                if !self.taking_screenshot() {
                    set_fullscreen(ctx, Some(self.presenting));
                }
                ctx.set_zoom_factor(if self.presenting { PRESENTER_ZOOM } else { 1.0 });
                if !self.presenting {
                    self.autoplay = None;
                }
            }
            Window::Slide(forward) => self.slide(ctx, forward),
            // A page is closed with its tab; the File menu says so.
            #[cfg(target_arch = "wasm32")]
            Window::Quit => {}
            #[cfg(not(target_arch = "wasm32"))]
            Window::Quit => {
                if self.unsaved() {
                    self.pending_after_save = Some(AfterSave::Quit);
                } else {
                    self.quitting = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Window::CloseRequested => {
                if !self.quitting && self.unsaved() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                    self.pending_after_save = Some(AfterSave::Quit);
                }
            }
        }
    }

    /// The next (or previous) bookmark, like a slide; the next event when there are
    /// no bookmarks.
    fn slide(&mut self, ctx: &egui::Context, forward: bool) {
        let n = self.scenario().map(|s| s.bookmarks.len()).unwrap_or(0);
        if n == 0 {
            let step = if forward {
                Time::NextEvent
            } else {
                Time::PrevEvent
            };
            self.apply(ctx, step.into());
            return;
        }
        let i = match (self.bookmark_at, forward) {
            (None, true) => Some(0),
            (None, false) => None,
            (Some(i), true) => (i + 1 < n).then_some(i + 1),
            (Some(i), false) => i.checked_sub(1),
        };
        if let Some(i) = i {
            self.apply(ctx, crate::app::ScenarioCmd::GoToBookmark(i).into());
        }
    }
}
