//! The panels. Each draws a view model and pushes [`Command`]s; none changes domain
//! state itself.

use egui::{Align, Color32, Layout, RichText, Sense, Stroke, Vec2};

use super::state::{SPEEDS, ThemeChoice};
use super::{App, Command};
use crate::model::{Date, human_date};
use crate::view::{self, Grouping, RowKind, TimelineModel, plural, thousands};

/// Colour for rows created or merged on the date shown.
pub(super) fn changed_colour(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(255, 196, 80)
    } else {
        Color32::from_rgb(170, 90, 0)
    }
}

/// Strong blue for the timeline's marks and for lifetimes.
pub(super) fn accent_colour(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(120, 180, 255)
    } else {
        Color32::from_rgb(20, 90, 180)
    }
}

/// Below this height the charts view shows only the chart chosen as large.
pub(super) const SHORT_CHARTS: f32 = 560.0;

/// Green for leadership teams: the line beside the CCG count, tree badges.
pub(super) fn teams_colour(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 210, 160)
    } else {
        Color32::from_rgb(0, 130, 90)
    }
}

/// Whether this is the web build (some desktop features are marked as such).
pub(super) const WEB: bool = cfg!(target_arch = "wasm32");

/// What the web build's File menu says in place of Quit.
const QUIT_DESKTOP: &str = "Quit is a desktop feature: close the tab";

pub(super) fn error_colour(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(255, 120, 110)
    } else {
        Color32::from_rgb(180, 30, 20)
    }
}

impl App {
    pub(super) fn panels_ui(&mut self, ui: &mut egui::Ui) {
        let warm = changed_colour(ui);
        if self.presenting {
            egui::Panel::top("caption").show(ui, |ui| self.caption_ui(ui));
        } else {
            egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        }
        if self.showing_scenario() {
            let name = self.scenario().map(|s| s.name.clone()).unwrap_or_default();
            egui::Panel::top("scenario banner").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("Scenario: {name}"))
                            .strong()
                            .color(warm),
                    );
                    ui.label(
                        "hypothetical changes are shown; the counts, tree and charts follow them.",
                    );
                    if !self.presenting && ui.button("Show the actual record").clicked() {
                        self.commands.push(Command::ToggleScenarioView);
                    }
                });
            });
        }
        if self.file_changed && !self.presenting {
            let name = self
                .file
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            egui::Panel::top("file changed").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!("{name} changed on disk."))
                            .strong()
                            .color(warm),
                    );
                    ui.label("The window still shows the version read earlier.");
                    if ui.button("Reload").clicked() {
                        self.commands.push(Command::Reload);
                    }
                    if ui.button("Keep this version").clicked() {
                        self.commands.push(Command::IgnoreFileChange);
                    }
                });
            });
        }
        egui::Panel::bottom("timeline")
            .resizable(false)
            .show(ui, |ui| self.timeline_ui(ui));
        if self.report.is_some() && !self.presenting {
            egui::Panel::bottom("problems")
                .resizable(true)
                .default_size(150.0)
                .show(ui, |ui| self.problems_ui(ui));
        }
        if self.state.show_tree && !self.presenting {
            // Wide enough for a row and most of its details on a laptop; wider on a big
            // screen (the full text is on hover).
            let width = (ui.ctx().content_rect().width() * 0.28).clamp(300.0, 480.0);
            egui::Panel::left("tree")
                .resizable(true)
                .default_size(width)
                .size_range(240.0..=900.0)
                .show(ui, |ui| self.tree_ui(ui));
        }
        if self.state.show_details && !self.presenting {
            let width = (ui.ctx().content_rect().width() * 0.22).clamp(260.0, 420.0);
            egui::Panel::right("details")
                .resizable(true)
                .default_size(width)
                .size_range(240.0..=700.0)
                .show(ui, |ui| {
                    if self.sc.is_some() || !self.merge_pick.is_empty() {
                        ui.add_space(4.0);
                        self.scenario_panel_ui(ui);
                    }
                    self.details_ui(ui);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        self.search_results_ui(ui);
        self.keys_window(ui);
        self.drop_overlay(ui);
    }

    fn caption_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        // The caption takes the whole width and wraps (it is never cut); long ones step
        // down a size so that they stay within about three lines.
        let caption = if self.caption.is_empty() {
            format!(
                "{} · {}",
                self.timeline.snapshot().title,
                crate::model::human_date(self.date)
            )
        } else {
            self.caption.clone()
        };
        let width = ui.available_width().max(200.0);
        let size = [24.0, 20.0, 17.0]
            .into_iter()
            .find(|size| {
                let font = egui::FontId::proportional(*size);
                let rows = ui.fonts_mut(|f| {
                    f.layout(caption.clone(), font, Color32::WHITE, width)
                        .rows
                        .len()
                });
                rows <= 3
            })
            .unwrap_or(17.0);
        ui.add(egui::Label::new(RichText::new(&caption).size(size).strong()).wrap());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.small_button("Leave presenter mode (Esc)").clicked() {
                self.commands.push(Command::TogglePresenter);
            }
            let auto = self.autoplay;
            for pace in [5.0, 3.0, 2.0] {
                if ui
                    .selectable_label(auto == Some(pace), format!("{pace:.0} s"))
                    .on_hover_text(format!("Autoplay: the next event every {pace:.0} seconds"))
                    .clicked()
                {
                    let next = if auto == Some(pace) { None } else { Some(pace) };
                    self.commands.push(Command::Autoplay(next));
                }
            }
            ui.weak("Autoplay events:");
            ui.weak("PageDown / PageUp: bookmarks");
        });
        ui.add_space(2.0);
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                let open = ui.button("Open…  (Ctrl+O)");
                let open = if WEB {
                    open.on_hover_text(
                        "Opens the browser's file picker; you can also drop a file on the page",
                    )
                } else {
                    open
                };
                if open.clicked() {
                    self.commands.push(Command::OpenDialog);
                }
                if !WEB
                    && ui
                        .button("Open a path…")
                        .on_hover_text("Type the path of a snapshot or scenario to open")
                        .clicked()
                {
                    self.commands.push(Command::AskPath(
                        super::path_prompt::PromptFor::Snapshot,
                        String::new(),
                    ));
                }
                ui.add_enabled_ui(!self.state.recent.is_empty(), |ui| {
                    ui.menu_button("Open recent", |ui| {
                        for p in self.state.recent.clone() {
                            if ui.button(p.display().to_string()).clicked() {
                                self.commands.push(Command::Open(p));
                            }
                        }
                    });
                });
                if WEB {
                    ui.add_enabled(false, egui::Button::new("Reload"))
                        .on_disabled_hover_text(super::RELOAD_DESKTOP);
                    ui.weak(super::RELOAD_DESKTOP);
                } else if ui
                    .add_enabled(self.file.is_some(), egui::Button::new("Reload  (Ctrl+R)"))
                    .clicked()
                {
                    self.commands.push(Command::Reload);
                }
                if ui
                    .add_enabled(
                        self.file.is_some(),
                        egui::Button::new("Open the England record"),
                    )
                    .clicked()
                {
                    self.commands.push(Command::OpenEmbedded);
                }
                ui.menu_button("Export", |ui| {
                    use super::scenario::ExportKind;
                    if WEB {
                        ui.weak("In a browser, exports download");
                    }
                    for (kind, label) in [
                        (ExportKind::Window, "Window as PNG…"),
                        (ExportKind::Chart(0), "Running-costs chart as PNG…"),
                        (ExportKind::Chart(1), "Savings chart as PNG…"),
                        (
                            ExportKind::Chart(2),
                            "CCGs and leadership teams chart as PNG…",
                        ),
                        (ExportKind::Flow, "Merger flow as PNG…"),
                        (ExportKind::TreeCsv, "Tree at this date as CSV…"),
                        (ExportKind::CostsCsv, "Running-cost series as CSV…"),
                    ] {
                        if ui.button(label).clicked() {
                            self.commands.push(Command::Export(kind));
                        }
                    }
                });
                ui.separator();
                if WEB {
                    ui.add_enabled(false, egui::Button::new("Quit"))
                        .on_disabled_hover_text(QUIT_DESKTOP);
                    ui.weak(QUIT_DESKTOP);
                } else if ui.button("Quit").clicked() {
                    self.commands.push(Command::Quit);
                }
            });
            ui.menu_button("Scenario", |ui| {
                if ui.button("New scenario").clicked() {
                    self.commands.push(Command::NewScenario);
                }
                if ui.button("Open scenario…").clicked() {
                    self.commands.push(Command::OpenScenarioDialog);
                }
                let has = self.sc.is_some();
                if ui
                    .add_enabled(has, egui::Button::new("Save scenario  (Ctrl+S)"))
                    .clicked()
                {
                    self.commands.push(Command::SaveScenario);
                }
                if ui
                    .add_enabled(has, egui::Button::new("Save scenario as…"))
                    .clicked()
                {
                    self.commands.push(Command::SaveScenarioAs);
                }
                if ui
                    .add_enabled(has, egui::Button::new("Close scenario"))
                    .clicked()
                {
                    self.commands.push(Command::CloseScenario);
                }
                ui.separator();
                let mut show = self.show_scenario;
                if ui
                    .add_enabled(has, egui::Checkbox::new(&mut show, "Show the scenario"))
                    .changed()
                {
                    self.commands.push(Command::ToggleScenarioView);
                }
                if ui
                    .add_enabled(
                        self.merge_pick.len() >= 2,
                        egui::Button::new("Merge picked CCGs…"),
                    )
                    .clicked()
                {
                    self.commands.push(Command::OpenMergeDialog);
                }
                if ui.button("Undo  (Ctrl+Z)").clicked() {
                    self.commands.push(Command::Undo);
                }
                if ui.button("Redo  (Ctrl+Shift+Z)").clicked() {
                    self.commands.push(Command::Redo);
                }
                if ui.button("Add bookmark").clicked() {
                    self.commands.push(Command::AddBookmark);
                }
                ui.separator();
                // In a browser F5 reloads the page.
                let presenter = if WEB {
                    "Presenter mode"
                } else {
                    "Presenter mode  (F5)"
                };
                if ui.button(presenter).clicked() {
                    self.commands.push(Command::TogglePresenter);
                }
            });
            ui.menu_button("View", |ui| {
                let mut tree = self.state.show_tree;
                if ui.checkbox(&mut tree, "Tree panel").changed() {
                    self.commands.push(Command::ToggleTree);
                }
                let mut details = self.state.show_details;
                if ui.checkbox(&mut details, "Details panel").changed() {
                    self.commands.push(Command::ToggleDetails);
                }
                ui.separator();
                ui.label("Group the tree");
                for (g, label) in [
                    (Grouping::SystemPlace, "System, place, neighbourhood"),
                    (Grouping::SystemCcg, "System, CCG, place"),
                    (Grouping::SystemLeadership, "System, leadership team, CCG"),
                ] {
                    if ui.radio(self.state.grouping == g, label).clicked() {
                        self.commands.push(Command::SetGrouping(g));
                    }
                }
                if ui.button("Expand all").clicked() {
                    self.commands.push(Command::ExpandAll);
                }
                if ui.button("Collapse all").clicked() {
                    self.commands.push(Command::CollapseAll);
                }
                ui.separator();
                ui.label("Theme");
                for (t, label) in [
                    (ThemeChoice::System, "Follow the system"),
                    (ThemeChoice::Light, "Light"),
                    (ThemeChoice::Dark, "Dark"),
                ] {
                    if ui.radio(self.state.theme == t, label).clicked() {
                        self.commands.push(Command::SetTheme(t));
                    }
                }
                ui.separator();
                if ui.button("Full screen  (F11)").clicked() {
                    self.commands.push(Command::ToggleFullscreen);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts…").clicked() {
                    self.commands.push(Command::ShowKeys(true));
                }
                ui.separator();
                ui.label(format!("ccg-explorer {}", env!("CARGO_PKG_VERSION")));
                ui.label("Data: ODS, ONS and NHS Digital publications; see assets/sources.");
            });
            ui.add_space(16.0);
            let search_label = ui.label("Search");
            let search = egui::TextEdit::singleline(&mut self.search)
                .hint_text("Search name or code  (Ctrl+F)")
                .desired_width(280.0)
                .id(egui::Id::unique("search"));
            let resp = ui.add(search).labelled_by(search_label.id);
            if self.focus_search {
                resp.request_focus();
                self.focus_search = false;
                self.search_open = true;
            }
            if resp.changed() {
                self.search_open = !self.search.trim().is_empty();
            }
            if resp.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                self.search_open = false;
            }
            if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let hits = view::search(self.timeline.snapshot(), &self.search, 1);
                if let Some(h) = hits.first() {
                    self.commands.push(Command::Select(h.org));
                    self.search_open = false;
                }
            }
            self.search_anchor = Some(resp.rect);
            if let Some(path) = &self.loader.busy {
                ui.add(egui::Spinner::new());
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let (text, fraction) = self
                    .loader
                    .progress
                    .as_ref()
                    .map(|p| (p.text(), p.fraction()))
                    .unwrap_or_default();
                ui.label(format!("Loading {name}: {text}…"));
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(90.0)
                        .desired_height(8.0),
                );
                if ui
                    .small_button("Cancel loading")
                    .on_hover_text("Stop; what you have open stays open")
                    .clicked()
                {
                    self.commands.push(Command::CancelLoad);
                }
                // Keep the progress moving on screen.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let c = self.timeline.counts_at(self.date);
                let summary = if c.ccg > 0 || c.icb == 0 {
                    format!(
                        "{} · {} · {}",
                        plural(c.ccg, "CCG", "CCGs"),
                        plural(c.leadership_teams, "leadership team", "leadership teams"),
                        plural(c.system, "system", "systems")
                    )
                } else {
                    format!(
                        "{} · {} · {}",
                        plural(c.icb, "ICB", "ICBs"),
                        plural(c.sub_icb_location, "sub-ICB location", "sub-ICB locations"),
                        plural(c.system, "system", "systems")
                    )
                };
                let resp = ui.label(RichText::new(summary).strong());
                if c.ccg > 0 {
                    resp.on_hover_text(leadership_hover(&c));
                }
            });
        });
    }

    fn search_results_ui(&mut self, ui: &mut egui::Ui) {
        if !self.search_open || self.search.trim().is_empty() {
            return;
        }
        let Some(anchor) = self.search_anchor else {
            return;
        };
        let hits = view::search(self.timeline.snapshot(), &self.search, 12);
        let mut clear = false;
        egui::Area::new(egui::Id::unique("search results"))
            .order(egui::Order::Foreground)
            .fixed_pos(anchor.left_bottom() + Vec2::new(0.0, 4.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_min_width(anchor.width().max(360.0));
                    if hits.is_empty() {
                        ui.weak(format!("Nothing matches “{}”", self.search.trim()));
                    }
                    for h in &hits {
                        ui.horizontal(|ui| {
                            if ui.selectable_label(false, &h.label).clicked() {
                                self.commands.push(Command::Select(h.org));
                                self.search_open = false;
                                clear = true;
                            }
                            ui.weak(&h.detail);
                        });
                    }
                });
            });
        if clear {
            self.search.clear();
        }
    }

    fn tree_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading("Organisations");
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.small_button("Collapse all").clicked() {
                    self.commands.push(Command::CollapseAll);
                }
                if ui.small_button("Expand all").clicked() {
                    self.commands.push(Command::ExpandAll);
                }
            });
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Group:");
            let g = self.state.grouping;
            for (grouping, label, hover) in [
                (Grouping::SystemPlace, "by place", "System, place, neighbourhood"),
                (Grouping::SystemCcg, "by CCG", "System, CCG, place"),
                (
                    Grouping::SystemLeadership,
                    "by leadership",
                    "System, leadership team, CCG: CCGs sharing an accountable officer or a management team together",
                ),
            ] {
                if ui
                    .selectable_label(g == grouping, label)
                    .on_hover_text(hover)
                    .clicked()
                {
                    self.commands.push(Command::SetGrouping(grouping));
                }
            }
        });
        ui.weak(format!("{} not published (derived or estimated): hover a row for its basis and source", crate::model::APPROX))
            .on_hover_text("Shares of a place are derived from counts of small areas (LSOAs), not published; neighbourhood (PCN) membership before 2022 and some 2013-15 cells are estimates.");
        ui.separator();
        let selection = self.selection;
        let changed = changed_colour(ui);
        let badge_colour = teams_colour(ui);
        self.tree_rows(&ui.ctx().clone());
        // Borrow the cached rows for the frame without copying them.
        let rows = std::mem::take(&mut self.rows.rows);
        if rows.is_empty() {
            if self.rows.pending.is_some() {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.weak("Building the tree…");
                });
            } else {
                ui.weak("Nothing exists on this date in this snapshot. Move the timeline below.");
            }
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut commands = Vec::new();
        let pick = self.merge_pick.clone();
        let showing_scenario = self.showing_scenario();
        let actual_tl = self.actual.timeline.clone();
        let actual = actual_tl.snapshot();
        let tl = self.timeline.clone();
        let snapshot = tl.snapshot();
        // While comparing two dates, rows the changes touch are marked; on a day of
        // changes, every organisation they touch with its system and places.
        let comparing = self.central_tab == super::CentralTab::Compare;
        let touched = if comparing {
            self.compare.marks(&tl, self.date)
        } else {
            self.day_marks(self.date)
        };
        let mut area = egui::ScrollArea::both().auto_shrink(false);
        if std::mem::take(&mut self.scroll_to_selection)
            && let Some(sel) = selection
        {
            let path = view::tree_path(&self.timeline, self.date, self.state.grouping, sel);
            let index = rows.iter().position(|r| r.org == Some(sel)).or_else(|| {
                path.last()
                    .and_then(|k| rows.iter().position(|r| &r.key == k))
            });
            if let Some(i) = index {
                let spacing = ui.spacing().item_spacing.y;
                area = area
                    .vertical_scroll_offset(((i as f32) - 3.0).max(0.0) * (row_height + spacing));
            }
        }
        area.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                ui.horizontal(|ui| {
                    ui.set_height(row_height - 2.0);
                    ui.add_space(f32::from(row.depth) * 18.0);
                    if row.expandable {
                        let icon = if row.open { "⏷" } else { "⏵" };
                        let what = if row.open { "Collapse" } else { "Expand" };
                        let name = format!("{what} {}", row.label);
                        let button = ui.add(egui::Button::new(icon).frame(false).small());
                        // Screen readers (and tests) know it by what it does, not its icon.
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                        });
                        if button.on_hover_text(&name).clicked() {
                            commands.push(Command::ToggleNode(row.key.clone()));
                        }
                    } else {
                        ui.add_space(18.0);
                    }
                    // Organisations that only the scenario has are marked as such.
                    let hypothetical = showing_scenario
                        && row.org.is_some_and(|id| {
                            let o = snapshot.org(id);
                            actual.find(o.kind, &o.code).is_none()
                        });
                    let label = if hypothetical {
                        format!("{} (scenario)", row.label)
                    } else {
                        row.label.clone()
                    };
                    let mut text = RichText::new(label);
                    if matches!(row.kind, RowKind::System | RowKind::Team) {
                        text = text.strong();
                    }
                    let marked = match &touched {
                        Some(t) => row.org.is_some_and(|id| t.contains(&id)),
                        None => row.changed,
                    };
                    if marked {
                        text = text.color(changed);
                    }
                    let picked = row.kind == RowKind::Commissioner
                        && row
                            .org
                            .is_some_and(|id| pick.contains(&snapshot.org(id).code));
                    if picked {
                        text = text.underline();
                    }
                    let selected = (row.org.is_some() && row.org == selection) || picked;
                    let resp = ui.selectable_label(selected, text);
                    if resp.clicked() {
                        let ctrl = ui.input(|i| i.modifiers.command);
                        match row.org {
                            Some(id)
                                if ctrl && snapshot.org(id).kind == crate::model::OrgKind::Ccg =>
                            {
                                commands.push(Command::TogglePick(snapshot.org(id).code.clone()));
                            }
                            Some(id) => commands.push(Command::Select(id)),
                            None if row.expandable => {
                                commands.push(Command::ToggleNode(row.key.clone()));
                            }
                            None => {}
                        }
                    }
                    let mut hover = Vec::new();
                    if marked {
                        hover.push(if comparing {
                            "Changed between the two dates compared"
                        } else {
                            "Created or changed on this date"
                        });
                    }
                    // The whole detail on hover: the panel may cut it.
                    let full = if row.detail.is_empty() {
                        String::new()
                    } else {
                        format!("{}: {}", row.label, row.detail)
                    };
                    if !full.is_empty() {
                        hover.push(&full);
                    }
                    if !row.hover.is_empty() {
                        hover.push(&row.hover);
                    }
                    if !hover.is_empty() {
                        resp.on_hover_text(hover.join("\n"));
                    }
                    if !row.sharing.is_empty() {
                        let badge = egui::Label::new(
                            RichText::new(format!("↔ {}", row.sharing))
                                .small()
                                .color(badge_colour),
                        )
                        .sense(Sense::hover());
                        ui.add(badge).on_hover_text(&row.hover);
                    }
                    let detail = if row.approx {
                        RichText::new(&row.detail).italics().weak()
                    } else {
                        RichText::new(&row.detail).weak()
                    };
                    let d = ui.label(detail);
                    if !row.hover.is_empty() {
                        d.on_hover_text(&row.hover);
                    }
                });
            }
        });
        self.rows.rows = rows;
        self.commands.extend(commands);
    }

    fn details_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.heading("Details");
        ui.separator();
        let span = self.timeline.snapshot().span();
        let date = self.date;
        let err = error_colour(ui);
        let cost_lines = self.cost_lines();
        let pick = self.merge_pick.clone();
        let actual_ccg = self.selection.is_some_and(|id| {
            let o = self.timeline.snapshot().org(id);
            self.actual
                .timeline
                .snapshot()
                .find(crate::model::OrgKind::Ccg, &o.code)
                .is_some()
        });
        let Some(d) = self.details_model().cloned() else {
            // Nothing selected: an overview of England on the date.
            let s = self.timeline.snapshot();
            let c = self.timeline.counts_at(date);
            ui.label(RichText::new("England").size(18.0).strong());
            ui.label(format!(
                "On {}: {} in {}, {}, {}, {}.",
                human_date(date),
                plural(c.ccg, "CCG", "CCGs"),
                plural(c.system, "system", "systems"),
                plural(c.icb, "ICB", "ICBs"),
                plural(c.place, "place", "places"),
                plural(c.neighbourhood, "neighbourhood", "neighbourhoods")
            ));
            if c.ccg > 0 {
                ui.label(format!(
                    "Shared management: {}.",
                    crate::io::report::sharing_line(&c)
                ))
                .on_hover_text(leadership_hover(&c));
            }
            if !s.description.is_empty() {
                ui.weak(&s.description);
            }
            let lines = cost_lines.clone();
            if !lines.is_empty() {
                ui.add_space(6.0);
                ui.label(
                    RichText::new("Running costs (modelled unless marked published)").strong(),
                );
                for l in lines.iter() {
                    ui.label(l);
                }
            }
            ui.add_space(8.0);
            ui.weak("Select an organisation in the tree, or search for one (Ctrl+F), to see its codes, life, lineage, members and running costs.");
            return;
        };
        let mut commands = Vec::new();
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                ui.label(RichText::new(&d.name).size(18.0).strong());
                ui.label(format!("{} · {}", d.kind, d.code));
                if let Some(ons) = &d.ons {
                    ui.weak(format!("ONS code {ons}"));
                }
                ui.label(&d.life);
                lifetime_bar(ui, span, (d.from, d.to), date);
                if !d.alive {
                    ui.colored_label(err, format!("Does not exist on {}", human_date(date)));
                }
                if d.kind == crate::model::OrgKind::Ccg.label() && actual_ccg {
                    let picked = pick.contains(&d.code);
                    let label = if picked {
                        "Remove from merger"
                    } else {
                        "Add to merger"
                    };
                    if ui
                        .button(label)
                        .on_hover_text("Pick CCGs, then Merge… in the scenario panel")
                        .clicked()
                    {
                        commands.push(Command::TogglePick(d.code.clone()));
                    }
                }
                if let Some(p) = &d.population {
                    ui.label(p);
                    if let Some(src) = &d.population_source {
                        ui.weak(format!("Source: {src}"));
                    }
                }
                if !cost_lines.is_empty() {
                    ui.add_space(6.0);
                    ui.label(
                        RichText::new("Running costs (modelled unless marked published)").strong(),
                    );
                    for l in cost_lines.iter() {
                        ui.label(l);
                    }
                }
                shared_ui(ui, &d, date, &mut commands);
                let mut links = |ui: &mut egui::Ui, heading: &str, list: &[view::OrgLink]| {
                    if list.is_empty() {
                        return;
                    }
                    ui.add_space(6.0);
                    let mut rows = |ui: &mut egui::Ui| {
                        for l in list {
                            ui.horizontal_wrapped(|ui| {
                                if ui.link(&l.label).clicked() {
                                    commands.push(Command::Select(l.org));
                                }
                                if !l.note.is_empty() {
                                    ui.weak(&l.note);
                                }
                            });
                        }
                    };
                    // Long lists (a CCG's neighbourhoods) fold away.
                    if list.len() > 12 {
                        egui::CollapsingHeader::new(RichText::new(heading).strong())
                            .id_salt(heading)
                            .show(ui, |ui| rows(ui));
                    } else {
                        ui.label(RichText::new(heading).strong());
                        rows(ui);
                    }
                };
                links(ui, "Part of", &d.belongs_to);
                links(ui, "Predecessors", &d.predecessors);
                links(ui, "Successors", &d.successors);
                links(ui, &d.places_heading, &d.places);
                let heading = format!("{} ({})", d.members_heading, d.members.len());
                links(ui, &heading, &d.members);
                if !d.lineage.is_empty() {
                    ui.add_space(6.0);
                    ui.label(RichText::new("Lineage").strong())
                        .on_hover_text("Mergers and abolitions, and the shared management of this organisation and its predecessors");
                    for line in &d.lineage {
                        ui.horizontal_wrapped(|ui| {
                            let when = if line.span.is_empty() {
                                human_date(line.date)
                            } else {
                                line.date.format("%b %Y").to_string()
                            };
                            ui.weak(format!("{when} · {}:", line.what));
                            for (i, f) in line.from.iter().enumerate() {
                                if i > 0 {
                                    ui.label("+");
                                }
                                if ui.link(&f.label).clicked() {
                                    commands.push(Command::Select(f.org));
                                }
                            }
                            if !line.span.is_empty() {
                                ui.weak(&line.span);
                            }
                            if let Some(to) = &line.to {
                                if line.span.is_empty() {
                                    ui.label("➡");
                                } else {
                                    ui.weak(format!("{}, into", to.note));
                                }
                                if ui.link(&to.label).clicked() {
                                    commands.push(Command::Select(to.org));
                                }
                                if line.span.is_empty() && !to.note.is_empty() {
                                    ui.weak(&to.note);
                                }
                            }
                        });
                        if line.merger && !line.scenario {
                            // Named by what they act on, not by an internal event id.
                            let into = line.to.as_ref().map(|t| t.label.as_str()).unwrap_or("");
                            ui.horizontal_wrapped(|ui| {
                                if ui
                                    .small_button(format!("Move the merger into {into}…"))
                                    .on_hover_text(format!(
                                        "Scenario: this merger ({}) on another date",
                                        line.event
                                    ))
                                    .clicked()
                                {
                                    commands.push(Command::OpenMoveDialog(line.event.clone()));
                                }
                                if ui
                                    .small_button(format!("Cancel the merger into {into}"))
                                    .on_hover_text(format!(
                                        "Scenario: this merger ({}) never happens",
                                        line.event
                                    ))
                                    .clicked()
                                {
                                    commands.push(Command::AddChange(
                                        crate::model::scenario::Change::CancelMerger {
                                            event: line.event.clone(),
                                        },
                                    ));
                                }
                            });
                        }
                    }
                }
                if !d.note.is_empty() {
                    ui.add_space(6.0);
                    ui.label(RichText::new("Notes").strong());
                    ui.weak(&d.note);
                }
            });
        self.commands.extend(commands);
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            for (tab, label) in [
                (super::CentralTab::Charts, "Running costs"),
                (super::CentralTab::Flow, "Merger flow"),
                (super::CentralTab::Compare, "Compare dates"),
                (super::CentralTab::Changes, "Counts and changes"),
            ] {
                if ui
                    .selectable_label(self.central_tab == tab, label)
                    .clicked()
                {
                    self.central_tab = tab;
                }
            }
            if self.central_tab == super::CentralTab::Charts {
                use crate::model::format::ChartKind;
                ui.add_space(24.0);
                ui.weak("Large chart:");
                for (kind, label) in [
                    (ChartKind::Costs, "running costs"),
                    (ChartKind::Savings, "savings by system"),
                    (ChartKind::CcgCount, "CCGs and leadership teams"),
                ] {
                    if ui
                        .selectable_label(self.focus_chart == kind, label)
                        .clicked()
                    {
                        self.focus_chart = kind;
                    }
                }
            }
        });
        ui.separator();
        match self.central_tab {
            super::CentralTab::Charts => self.charts_ui(ui),
            super::CentralTab::Changes => self.changes_ui(ui),
            super::CentralTab::Flow => self.flow_ui(ui),
            super::CentralTab::Compare => self.compare_ui(ui),
        }
    }

    fn charts_ui(&mut self, ui: &mut egui::Ui) {
        use crate::model::format::ChartKind;
        let charts = self.charts().clone();
        let selected_system = self
            .selection
            .and_then(|id| view::system_of(&self.timeline, id, self.date));
        let accent = accent_colour(ui);
        let warm = changed_colour(ui);
        let teams = teams_colour(ui);
        // The chart in focus (a bookmark can choose it) takes the large area on top.
        let focus = self.focus_chart;
        let order: [usize; 3] = match focus {
            ChartKind::Costs => [0, 1, 2],
            ChartKind::Savings => [1, 0, 2],
            ChartKind::CcgCount => [2, 0, 1],
        };
        let mut clicked = None;
        let mut draw = |ui: &mut egui::Ui, which: usize| -> egui::Rect {
            // Left-aligned, never justified: `ui.columns` stretches words to the edge.
            let layout = egui::Layout::top_down(egui::Align::Min);
            let r = ui.with_layout(layout, |ui| match which {
                0 => super::charts::cost_chart_ui(
                    ui,
                    &charts.costs,
                    charts.actual.as_deref().map(Vec::as_slice),
                    accent,
                    warm,
                ),
                1 => {
                    clicked = super::charts::savings_chart_ui(
                        ui,
                        &charts.savings,
                        selected_system,
                        accent,
                        warm,
                    )
                }
                _ => super::charts::count_chart_ui(ui, &charts.count, accent, warm, teams),
            });
            r.response.rect
        };
        let total = ui.available_height();
        let mut rects = [None; 3];
        if total < SHORT_CHARTS {
            // Too short for three readable charts (a laptop, a projector in presenter
            // mode): the one chosen above takes the whole area.
            rects[order[0]] = Some(draw(ui, order[0]));
        } else {
            let top = (total * 0.52).max(200.0);
            let r = ui.allocate_ui(Vec2::new(ui.available_width(), top), |ui| {
                draw(ui, order[0])
            });
            rects[order[0]] = Some(r.inner);
            ui.add_space(6.0);
            ui.columns(2, |cols| {
                rects[order[1]] = Some(draw(&mut cols[0], order[1]));
                rects[order[2]] = Some(draw(&mut cols[1], order[2]));
            });
        }
        if let Some(id) = clicked {
            self.commands.push(Command::Select(id));
        }
        self.chart_rects = rects;
    }

    fn changes_ui(&mut self, ui: &mut egui::Ui) {
        let tl = self.timeline.clone();
        let c = tl.counts_at(self.date);
        ui.add_space(8.0);
        ui.label(
            RichText::new(format!("On {}", human_date(self.date)))
                .size(22.0)
                .strong(),
        );
        ui.add_space(6.0);
        egui::Grid::new("counts")
            .spacing([24.0, 6.0])
            .show(ui, |ui| {
                for (n, what) in [
                    (c.ccg, "clinical commissioning groups"),
                    (c.ccgs_sharing_leadership, "CCGs sharing leadership"),
                    (c.leadership_teams, "leadership teams of CCGs"),
                    (c.system, "STPs / integrated care systems"),
                    (c.icb, "integrated care boards"),
                    (c.sub_icb_location, "sub-ICB locations"),
                    (c.place, "places (upper-tier councils)"),
                    (c.neighbourhood, "neighbourhoods (primary care networks)"),
                    (c.region, "NHS regions"),
                ] {
                    ui.label(RichText::new(thousands(n as u64)).size(20.0).strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
        ui.add_space(12.0);
        // Every change of the day, the one before and the one after: summed up, then
        // listed in full (long lists fold and the panel scrolls), each name a link.
        let mut days: Vec<(String, Date)> = Vec::new();
        if !tl.events_on(self.date).is_empty() {
            days.push((format!("Changes on {}", human_date(self.date)), self.date));
        }
        if let Some(prev) = tl.prev_event_day(self.date) {
            days.push((format!("Previous changes: {}", human_date(prev)), prev));
        }
        if let Some(next) = tl.next_event_day(self.date) {
            days.push((format!("Next changes: {}", human_date(next)), next));
        }
        if days.is_empty() {
            ui.weak("This snapshot has no events.");
            return;
        }
        let changes: Vec<_> = days.iter().map(|(_, day)| self.day_changes(*day)).collect();
        let s = tl.snapshot();
        let mut select = None;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                for ((heading, day), c) in days.iter().zip(&changes) {
                    ui.add_space(8.0);
                    ui.label(RichText::new(heading).strong());
                    for line in view::day_summary(&tl, *day) {
                        ui.label(format!("• {line}"));
                    }
                    let salt = format!("changes {day}");
                    select = select.or(super::compare::change_list_ui(ui, s, c, &salt));
                }
            });
        if let Some(id) = select {
            self.commands.push(Command::Select(id));
        }
    }

    fn problems_ui(&mut self, ui: &mut egui::Ui) {
        let Some(report) = &self.report else { return };
        let err = error_colour(ui);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.colored_label(err, RichText::new(&report.title).strong());
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.button("Dismiss").clicked() {
                    self.commands.push(Command::DismissProblems);
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

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        let c = self.timeline.counts_at(self.date);
        // Wrapped, so that a narrow window (or presenter mode's larger text) shows every
        // count on a second line rather than cutting them off.
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(human_date(self.date)).size(26.0).strong());
            ui.add_space(20.0);
            let big = [
                (c.ccg, "CCG", "CCGs"),
                (c.leadership_teams, "leadership team", "leadership teams"),
                (c.system, "system", "systems"),
                (c.icb, "ICB", "ICBs"),
                (c.place, "place", "places"),
                (c.neighbourhood, "neighbourhood", "neighbourhoods"),
            ];
            let presenting = self.presenting;
            for (n, one, many) in big {
                if many == "leadership teams" && c.ccg == 0 {
                    continue;
                }
                // On a projector: what the story is about, in one line.
                if presenting
                    && (matches!(many, "places" | "neighbourhoods") || (many == "ICBs" && n == 0))
                {
                    continue;
                }
                let resp = ui.label(RichText::new(plural(n, one, many)).size(20.0));
                if many == "leadership teams" {
                    resp.on_hover_text(leadership_hover(&c));
                }
                ui.add_space(14.0);
            }
        });
        ui.add_space(2.0);
        ui.horizontal_wrapped(|ui| {
            let tl = self.timeline.clone();
            let has_prev = tl.prev_event_day(self.date).is_some();
            let has_next = tl.next_event_day(self.date).is_some();
            if ui.button("⏮").on_hover_text("First day (Home)").clicked() {
                self.commands.push(Command::First);
            }
            if ui
                .add_enabled(has_prev, egui::Button::new("◀ Previous event"))
                .on_hover_text("Left arrow")
                .clicked()
            {
                self.commands.push(Command::PrevEvent);
            }
            let play = if self.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui.button(play).on_hover_text("Space").clicked() {
                self.commands.push(Command::TogglePlay);
            }
            if ui
                .add_enabled(has_next, egui::Button::new("Next event ▶"))
                .on_hover_text("Right arrow")
                .clicked()
            {
                self.commands.push(Command::NextEvent);
            }
            if ui.button("⏭").on_hover_text("Last day (End)").clicked() {
                self.commands.push(Command::Last);
            }
            if self.presenting {
                // The keyboard drives a presentation; the rest of the controls wait.
                return;
            }
            ui.add_space(8.0);
            let current = SPEEDS
                .iter()
                .find(|(s, _)| (*s - self.state.speed_days_per_s).abs() < 0.5)
                .map(|(_, l)| *l)
                .unwrap_or("custom");
            egui::ComboBox::from_label("speed")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (s, label) in SPEEDS {
                        if ui
                            .selectable_label((s - self.state.speed_days_per_s).abs() < 0.5, label)
                            .clicked()
                        {
                            self.commands.push(Command::SetSpeed(s));
                        }
                    }
                });
            let mut snap = self.state.snap_to_events;
            if ui.checkbox(&mut snap, "Snap to events").changed() {
                self.commands.push(Command::SetSnap(snap));
            }
            let mut sharing = self.state.show_sharing_marks;
            if ui
                .checkbox(&mut sharing, "Shared management")
                .on_hover_text(
                    "Mark the days shared management began or ended (short marks below the line)",
                )
                .changed()
            {
                self.commands.push(Command::SetSharingMarks(sharing));
            }
            ui.add_space(8.0);
            let label = ui.label("Go to date");
            let id = egui::Id::unique("go to date");
            let mut text = ui
                .data(|d| d.get_temp::<String>(id))
                .unwrap_or_else(|| self.date.to_string());
            let resp = ui.add(
                egui::TextEdit::singleline(&mut text)
                    .desired_width(110.0)
                    .min_size(egui::vec2(110.0, 0.0))
                    .hint_text("1 April 2019")
                    .id(id.with("edit")),
            );
            let resp = resp.labelled_by(label.id);
            if resp.has_focus() {
                ui.data_mut(|d| d.insert_temp(id, text.clone()));
            } else {
                ui.data_mut(|d| d.remove::<String>(id));
            }
            if resp.lost_focus() {
                match crate::model::dates::parse_date(&text) {
                    Ok(d) => self.commands.push(Command::SetDate(d)),
                    Err(e) => {
                        if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                            self.commands.push(Command::Report(e.to_string()));
                        }
                    }
                }
            }
        });
        ui.add_space(4.0);
        if let Some(d) = scrubber(
            ui,
            &self.timeline_model,
            self.date,
            self.state.snap_to_events,
            self.state.show_sharing_marks,
        ) {
            self.commands.push(Command::SetDate(d));
        }
        ui.add_space(6.0);
    }

    fn keys_window(&mut self, ui: &mut egui::Ui) {
        if !self.show_keys {
            return;
        }
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ui.ctx(), |ui| {
                egui::Grid::new("keys").spacing([24.0, 4.0]).show(ui, |ui| {
                    for (k, what) in [
                        ("Space", "Play or pause"),
                        ("Left / Right", "Previous / next event"),
                        ("Home / End", "First / last day"),
                        ("Ctrl+F", "Search"),
                        ("Ctrl+O", "Open a snapshot"),
                        (
                            "Ctrl+R",
                            if WEB {
                                "Reloads the page (reloading the open file is a desktop feature)"
                            } else {
                                "Reload the open file"
                            },
                        ),
                        ("F11", "Full screen"),
                        (
                            "F5",
                            if WEB {
                                "Reloads the page: use Scenario > Presenter mode (Escape leaves)"
                            } else {
                                "Presenter mode (Escape leaves)"
                            },
                        ),
                        (
                            "PageDown / PageUp",
                            "Next / previous bookmark (presenter mode)",
                        ),
                        ("Ctrl+S", "Save the scenario"),
                        ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a scenario edit"),
                        ("Ctrl+click", "Pick a CCG for a merger (tree by CCG)"),
                        ("Escape", "Close the search results; leave presenter mode"),
                    ] {
                        ui.label(RichText::new(k).monospace().strong());
                        ui.label(what);
                        ui.end_row();
                    }
                });
            });
        if !open {
            self.commands.push(Command::ShowKeys(false));
        }
    }

    fn drop_overlay(&mut self, ui: &mut egui::Ui) {
        let hovering = ui.input(|i| !i.raw.hovered_files.is_empty());
        if !hovering {
            return;
        }
        let screen = ui.ctx().content_rect();
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop overlay"),
        ));
        painter.rect_filled(screen, 0.0, Color32::from_black_alpha(160));
        painter.text(
            screen.center(),
            egui::Align2::CENTER_CENTER,
            "Drop a snapshot or scenario (.ron) to open it",
            egui::FontId::proportional(28.0),
            Color32::WHITE,
        );
    }
}

/// The details panel's "Shared management" section: each arrangement with its kind,
/// partners (links), dates as precisely as known, leader, source and note.
fn shared_ui(ui: &mut egui::Ui, d: &view::Details, date: Date, commands: &mut Vec<Command>) {
    if d.shared.is_empty() {
        return;
    }
    ui.add_space(6.0);
    let heading = if d.kind == crate::model::OrgKind::Ccg.label()
        || d.kind == crate::model::OrgKind::SubIcb.label()
    {
        format!("Shared management ({})", d.shared.len())
    } else {
        format!(
            "Shared management among its CCGs on {} ({})",
            human_date(date),
            d.shared.len()
        )
    };
    ui.label(RichText::new(heading).strong()).on_hover_text(
            "CCGs that kept their statutory bodies but shared leadership: an accountable officer or a management team. A joint committee shares decisions, not leadership.",
        );
    for sh in &d.shared {
        ui.horizontal_wrapped(|ui| {
            let kind = RichText::new(&sh.kind).strong();
            if sh.in_force {
                ui.label(kind);
            } else {
                ui.label(kind.weak());
            }
            if !sh.in_force {
                ui.weak(format!("(not on {})", human_date(date)));
            }
            if !sh.shares_leadership {
                ui.weak("(no shared leadership)");
            }
            ui.weak("with");
            for (i, p) in sh.partners.iter().enumerate() {
                if i > 0 {
                    ui.weak("·");
                }
                if ui.link(&p.label).clicked() {
                    commands.push(Command::Select(p.org));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            ui.label(&sh.span);
            if let Some((day, into)) = &sh.then_merged {
                ui.weak(format!("then merged on {} into", human_date(*day)));
                if ui.link(&into.label).clicked() {
                    commands.push(Command::Select(into.org));
                }
            }
        });
        let mut more = Vec::new();
        if !sh.leader.is_empty() {
            more.push(format!("Leader: {}", sh.leader));
        }
        more.push(format!("Source {}", sh.source));
        if !sh.note.is_empty() {
            more.push(sh.note.clone());
        }
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            let resp = ui.weak(format!("{} ({})", more.join(". "), sh.id));
            if !sh.evidence.is_empty() {
                resp.on_hover_text(format!("Evidence: {}", sh.evidence));
            }
        });
    }
}

/// What the leadership counts mean, for hover texts.
fn leadership_hover(c: &crate::model::Counts) -> String {
    format!(
        "{} of the {} share an accountable officer or a management team with another CCG. \
         CCGs linked by shared leadership count once: {}. Joint committees share no leadership.",
        plural(c.ccgs_sharing_leadership, "CCG", "CCGs"),
        plural(c.ccg, "CCG", "CCGs"),
        plural(c.leadership_teams, "leadership team", "leadership teams")
    )
}

/// A bar across the snapshot's span with the organisation's life filled in and the
/// current date marked.
fn lifetime_bar(ui: &mut egui::Ui, span: (Date, Date), life: (Date, Date), date: Date) {
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(ui.available_width().min(320.0), 12.0),
        Sense::hover(),
    );
    let total = (span.1 - span.0).num_days().max(1) as f32;
    let x = |d: Date| {
        rect.left() + rect.width() * ((d.clamp(span.0, span.1) - span.0).num_days() as f32 / total)
    };
    let p = ui.painter();
    let accent = accent_colour(ui);
    p.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
    p.rect_stroke(
        rect,
        3.0,
        Stroke::new(1.0, ui.visuals().weak_text_color()),
        egui::StrokeKind::Inside,
    );
    let life_rect =
        egui::Rect::from_x_y_ranges(x(life.0)..=x(life.1).max(x(life.0) + 3.0), rect.y_range());
    p.rect_filled(life_rect, 3.0, accent);
    let dx = x(date);
    p.line_segment(
        [
            egui::pos2(dx, rect.top() - 2.0),
            egui::pos2(dx, rect.bottom() + 2.0),
        ],
        Stroke::new(2.0, ui.visuals().strong_text_color()),
    );
}

/// Where a wave's label goes on the timeline: which of its forms (0 the full one,
/// then shorter ones), on which of the two rows, from which x.
#[derive(Clone, Copy, Debug, PartialEq)]
struct WavePlace {
    form: usize,
    row: usize,
    left: f32,
}

/// Places wave labels (each its x and the widths of its forms, longest first)
/// between `left` and `right`, on two rows, 8 points apart: the longest form that
/// fits on either row, so that a crowded label is shortened rather than dropped.
/// `None` only when not even the shortest form fits.
fn place_wave_labels(waves: &[(f32, Vec<f32>)], left: f32, right: f32) -> Vec<Option<WavePlace>> {
    let mut row_end = [f32::MIN; 2];
    waves
        .iter()
        .map(|(x, widths)| {
            let place = widths.iter().enumerate().find_map(|(form, width)| {
                let l = (x - width / 2.0).clamp(left, (right - width).max(left));
                (0..2)
                    .find(|row| l > row_end[*row] + 8.0)
                    .map(|row| WavePlace { form, row, left: l })
            })?;
            row_end[place.row] = place.left + widths[place.form];
            Some(place)
        })
        .collect()
}

/// The date scrubber: years, a mark for every event day, merger waves labelled, and
/// the current date. Returns a new date when the user clicks or drags.
fn scrubber(
    ui: &mut egui::Ui,
    model: &TimelineModel,
    date: Date,
    snap: bool,
    sharing: bool,
) -> Option<Date> {
    let height = 74.0;
    let (rect, resp) = ui.allocate_exact_size(
        Vec2::new(ui.available_width(), height),
        Sense::click_and_drag(),
    );
    resp.widget_info(|| {
        egui::WidgetInfo::slider(true, (date - model.first).num_days() as f64, "Timeline")
    });
    let total = (model.last - model.first).num_days().max(1) as f32;
    let inner = rect.shrink2(Vec2::new(12.0, 0.0));
    let x_of =
        |d: Date| inner.left() + inner.width() * ((d - model.first).num_days() as f32 / total);
    let date_of = |x: f32| {
        let t = ((x - inner.left()) / inner.width()).clamp(0.0, 1.0);
        model.first + chrono::Duration::days((t * total).round() as i64)
    };
    let visuals = ui.visuals().clone();
    let p = ui.painter_at(rect);
    let axis_y = rect.top() + 44.0;
    p.line_segment(
        [
            egui::pos2(inner.left(), axis_y),
            egui::pos2(inner.right(), axis_y),
        ],
        Stroke::new(2.0, visuals.widgets.noninteractive.fg_stroke.color),
    );
    // Years.
    use chrono::Datelike;
    for y in model.first.year()..=model.last.year() {
        let Some(d) = Date::from_ymd_opt(y, 1, 1) else {
            continue;
        };
        if d < model.first || d > model.last {
            continue;
        }
        let x = x_of(d);
        p.line_segment(
            [egui::pos2(x, axis_y - 4.0), egui::pos2(x, axis_y + 4.0)],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
        p.text(
            egui::pos2(x, axis_y + 6.0),
            egui::Align2::CENTER_TOP,
            y.to_string(),
            egui::FontId::proportional(12.0),
            visuals.weak_text_color(),
        );
    }
    // Event marks.
    let structural = accent_colour(ui);
    let scenario_colour = changed_colour(ui);
    for m in &model.marks {
        let x = x_of(m.date);
        let h = if m.structural { 14.0 } else { 8.0 };
        let colour = if m.scenario {
            scenario_colour
        } else if m.structural {
            structural
        } else {
            visuals.weak_text_color()
        };
        p.line_segment(
            [egui::pos2(x, axis_y - h), egui::pos2(x, axis_y)],
            Stroke::new(2.0, colour),
        );
    }
    // Shared management began or ended: short, quiet marks below the line.
    let quiet = visuals.weak_text_color().gamma_multiply(0.8);
    let mut near_sharing: Option<&view::SharingMark> = None;
    if sharing {
        let pointer = resp.hover_pos();
        for m in &model.sharing {
            let x = x_of(m.date);
            let colour = if m.scenario { scenario_colour } else { quiet };
            p.line_segment(
                [egui::pos2(x, axis_y + 1.0), egui::pos2(x, axis_y + 5.0)],
                Stroke::new(1.0, colour),
            );
            if let Some(pt) = pointer
                && (pt.x - x).abs() <= 3.0
                && pt.y > axis_y
            {
                near_sharing = Some(m);
            }
        }
    }
    // Wave labels, on two rows so that neighbours do not overlap; a crowded label
    // takes a shorter form (the full one is on hover) rather than vanishing.
    let font = egui::FontId::proportional(12.0);
    let mut hovered_wave = None;
    let galleys: Vec<Vec<std::sync::Arc<egui::Galley>>> = model
        .waves
        .iter()
        .map(|w| {
            std::iter::once(&w.label)
                .chain(w.shorter.iter())
                .map(|t| p.layout_no_wrap(t.clone(), font.clone(), Color32::PLACEHOLDER))
                .collect()
        })
        .collect();
    let wanted: Vec<(f32, Vec<f32>)> = model
        .waves
        .iter()
        .zip(&galleys)
        .map(|(w, g)| (x_of(w.date), g.iter().map(|g| g.size().x).collect()))
        .collect();
    let places = place_wave_labels(&wanted, inner.left(), inner.right());
    for ((w, g), place) in model.waves.iter().zip(galleys).zip(places) {
        let Some(WavePlace { form, row, left }) = place else {
            continue;
        };
        let colour = if w.scenario {
            scenario_colour
        } else {
            structural
        };
        let galley = g[form].clone();
        let y = rect.top() + 2.0 + row as f32 * 14.0;
        let area = egui::Rect::from_min_size(egui::pos2(left, y), galley.size());
        p.galley(area.min, galley, colour);
        if form > 0 && resp.hover_pos().is_some_and(|pt| area.contains(pt)) {
            hovered_wave = Some(w.label.clone());
        }
    }
    // Current date.
    let x = x_of(date.clamp(model.first, model.last));
    let handle = if visuals.dark_mode {
        Color32::from_rgb(255, 196, 80)
    } else {
        Color32::from_rgb(200, 60, 20)
    };
    p.line_segment(
        [
            egui::pos2(x, rect.top() + 28.0),
            egui::pos2(x, axis_y + 4.0),
        ],
        Stroke::new(2.0, handle),
    );
    p.circle_filled(egui::pos2(x, axis_y), 6.0, handle);
    if resp.hovered() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    let resp = match hovered_wave {
        Some(label) => resp.on_hover_text(label),
        None => resp,
    };
    let resp = match near_sharing {
        Some(m) => resp.on_hover_text(format!(
            "{}: shared management\n{}",
            human_date(m.date),
            m.lines.join("\n")
        )),
        None => resp,
    };
    let pointer = resp.interact_pointer_pos()?;
    if !(resp.clicked() || resp.dragged()) {
        return None;
    }
    let mut d = date_of(pointer.x);
    if snap {
        let near = model
            .marks
            .iter()
            .map(|m| m.date)
            .min_by_key(|m| (x_of(*m) - pointer.x).abs() as i64);
        if let Some(m) = near
            && (x_of(m) - pointer.x).abs() <= 8.0
        {
            d = m;
        }
    }
    (d != date).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_wave_labels_are_shortened_not_dropped() {
        // Three labels 40 points apart, each 100 wide in full, 50 and 20 when shorter:
        // the third has no row for its full form but fits shortened.
        let forms = vec![100.0, 50.0, 20.0];
        let waves = vec![
            (100.0, forms.clone()),
            (140.0, forms.clone()),
            (180.0, forms.clone()),
        ];
        let places = place_wave_labels(&waves, 0.0, 1000.0);
        assert_eq!(places[0].map(|p| (p.form, p.row)), Some((0, 0)));
        assert_eq!(places[1].map(|p| (p.form, p.row)), Some((0, 1)));
        let third = places[2].expect("placed shortened");
        assert!(third.form > 0, "{third:?}");
        // Nothing placed overlaps on its row.
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate().skip(i + 1) {
                let (Some(a), Some(b)) = (a, b) else { continue };
                if a.row == b.row {
                    let a_end = a.left + waves[i].1[a.form];
                    assert!(b.left > a_end, "{i} and {j} overlap");
                }
            }
        }
        // A label at the right edge stays inside.
        let p = place_wave_labels(&[(995.0, forms)], 0.0, 1000.0);
        assert!(p[0].is_some_and(|p| p.left + 100.0 <= 1000.0));
    }
}
