//! The menu bar: File, Scenario, View and Help (their entries from the [`Action`]
//! table), the search box, a file loading, and the counts on the date.

use egui::{Align, Layout, RichText};

use super::search::SearchBox;
use super::{WEB, details::leadership_hover, radios};
use crate::app::ViewCtx;
use crate::app::command::{Action, Command, Export, File, Scenario, Tree, Window};
use crate::app::export::ExportKind;
use crate::app::state::THEMES;
use crate::view::{GROUPINGS, plural};

/// What the web build's File menu says in place of Quit.
const QUIT_DESKTOP: &str = "Quit is a desktop feature: close the tab";

/// An action as a menu entry: its label, its keys on the right, its tooltip on hover.
fn entry(ui: &mut egui::Ui, action: Action, enabled: bool, out: &mut Vec<Command>) {
    let keys = action.keys_text(ui.ctx());
    let mut button = egui::Button::new(action.label());
    if !keys.is_empty() {
        button = button.shortcut_text(keys);
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(action.tooltip())
        .clicked()
    {
        out.push(action.command());
    }
}

/// The menu bar.
pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, search: &mut SearchBox, out: &mut Vec<Command>) {
    let app = cx.app;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu(ui, cx, out));
        ui.menu_button("Scenario", |ui| scenario_menu(ui, cx, out));
        ui.menu_button("View", |ui| view_menu(ui, cx, out));
        ui.menu_button("Help", |ui| {
            entry(ui, Action::Keys, true, out);
            ui.separator();
            ui.label(format!("ccg-explorer {}", env!("CARGO_PKG_VERSION")));
            ui.label("Data: ODS, ONS and NHS Digital publications; see assets/sources.");
        });
        ui.add_space(16.0);
        search.field(ui, cx, out);
        loading(ui, cx, out);
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let c = app.world.timeline.counts_at(app.date);
            let summary = if c.ccg > 0 || c.icb == 0 {
                format!(
                    "{} · {} · {}",
                    plural(c.ccg, "CCG", "CCGs"),
                    plural(c.leadership_teams, "leadership team", "leadership teams"),
                    plural(c.system, "system", "systems")
                )
            } else if c.icbs_sharing_leadership > 0 {
                format!(
                    "{} · {} · {}",
                    plural(c.icb, "ICB", "ICBs"),
                    plural(c.leadership_teams, "leadership team", "leadership teams"),
                    plural(c.sub_icb_location, "sub-ICB location", "sub-ICB locations"),
                )
            } else {
                format!(
                    "{} · {} · {}",
                    plural(c.icb, "ICB", "ICBs"),
                    plural(c.sub_icb_location, "sub-ICB location", "sub-ICB locations"),
                    plural(c.system, "system", "systems")
                )
            };
            // The record's as-at date: nothing after it is known.
            if let Some(as_at) = app.world.timeline.snapshot().as_at {
                ui.label(
                    RichText::new(format!("record as at {}", crate::model::human_date(as_at)))
                        .weak(),
                )
                .on_hover_text(
                    "The day the record's sources were last checked: the timeline runs to it, \
                     and nothing later is known.",
                );
            }
            let resp = ui.label(RichText::new(summary).strong());
            if c.ccg > 0 || c.icbs_sharing_leadership > 0 {
                resp.on_hover_text(leadership_hover(&c));
            }
        });
    });
}

fn file_menu(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    entry(ui, Action::OpenSnapshot, true, out);
    if !WEB {
        entry(ui, Action::OpenPath, true, out);
    }
    ui.add_enabled_ui(!app.state.recent.is_empty(), |ui| {
        ui.menu_button("Open recent", |ui| {
            for p in &app.state.recent {
                if ui.button(p.display().to_string()).clicked() {
                    out.push(File::Open(p.clone()).into());
                }
            }
        });
    });
    if WEB {
        ui.add_enabled(false, egui::Button::new(Action::Reload.label()))
            .on_disabled_hover_text(crate::app::RELOAD_DESKTOP);
        ui.weak(crate::app::RELOAD_DESKTOP);
    } else {
        entry(ui, Action::Reload, app.file.is_some(), out);
    }
    entry(ui, Action::OpenEmbedded, app.file.is_some(), out);
    ui.menu_button("Export", |ui| {
        if WEB {
            ui.weak("In a browser, exports download");
        }
        for (kind, label) in ExportKind::MENU {
            if ui.button(label).clicked() {
                out.push(Export::Ask(kind).into());
            }
        }
    });
    ui.separator();
    if WEB {
        ui.add_enabled(false, egui::Button::new(Action::Quit.label()))
            .on_disabled_hover_text(QUIT_DESKTOP);
        ui.weak(QUIT_DESKTOP);
    } else {
        entry(ui, Action::Quit, true, out);
    }
}

fn scenario_menu(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    let has = app.sc.is_some();
    entry(ui, Action::NewScenario, true, out);
    entry(ui, Action::OpenScenario, true, out);
    entry(ui, Action::SaveScenario, has, out);
    entry(ui, Action::SaveScenarioAs, has, out);
    entry(ui, Action::CloseScenario, has, out);
    ui.separator();
    let mut show = app.show_scenario;
    if ui
        .add_enabled(has, egui::Checkbox::new(&mut show, "Show the scenario"))
        .changed()
    {
        out.push(Scenario::ToggleView.into());
    }
    entry(ui, Action::MergePicked, app.merge_pick.len() >= 2, out);
    entry(ui, Action::Undo, true, out);
    entry(ui, Action::Redo, true, out);
    entry(ui, Action::AddBookmark, true, out);
    ui.separator();
    entry(ui, Action::Presenter, true, out);
}

fn view_menu(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let state = &cx.app.state;
    let mut tree = state.show_tree;
    if ui.checkbox(&mut tree, Action::ToggleTree.label()).changed() {
        out.push(Action::ToggleTree.command());
    }
    let mut details = state.show_details;
    if ui
        .checkbox(&mut details, Action::ToggleDetails.label())
        .changed()
    {
        out.push(Action::ToggleDetails.command());
    }
    ui.separator();
    ui.label("Group the tree");
    let groupings = GROUPINGS.map(|(g, _, nests)| (g, nests));
    radios(
        ui,
        state.grouping,
        &groupings,
        |g| Tree::SetGrouping(g).into(),
        out,
    );
    entry(ui, Action::ExpandAll, true, out);
    entry(ui, Action::CollapseAll, true, out);
    ui.separator();
    ui.label("Theme");
    radios(
        ui,
        state.theme,
        &THEMES,
        |t| Window::SetTheme(t).into(),
        out,
    );
    ui.separator();
    entry(ui, Action::Fullscreen, true, out);
    // Playback is on the timeline, with its keys; listed here for the keyboard-minded.
    ui.menu_button("Timeline", |ui| {
        for a in [
            Action::Play,
            Action::PreviousEvent,
            Action::NextEvent,
            Action::FirstDay,
            Action::LastDay,
        ] {
            entry(ui, a, true, out);
        }
    });
}

/// A file loading: its progress and a way to stop it.
fn loading(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let loader = &cx.app.services.loader;
    let Some(path) = &loader.busy else { return };
    ui.add(egui::Spinner::new());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (text, fraction) = loader
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
        out.push(File::CancelLoad.into());
    }
    // Keep the progress moving on screen.
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
}
