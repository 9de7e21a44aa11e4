//! `App::apply` is the one function that changes the app: each group of commands goes
//! through it here, without a window, and its effect is checked on the app's state.

mod common;

use std::time::Instant;

use ccg_explorer::app::command::{self as cmd, CentralTab, Command, Group};
use ccg_explorer::app::export::ExportKind;
use ccg_explorer::app::jobs::Done;
use ccg_explorer::app::{App, AppOptions, UiState};
use common::d;

fn app() -> (egui::Context, App) {
    let ctx = egui::Context::default();
    let options = AppOptions {
        fresh: true,
        date: Some(d("2019-06-01")),
        ..Default::default()
    };
    let app = App::with_state(&ctx, options, UiState::default());
    (ctx, app)
}

/// One frame of the app without a window (workers' results are taken in).
fn frame(ctx: &egui::Context, app: &mut App) {
    let mut out = ctx.run_ui(egui::RawInput::default(), |ui| app.show(ui));
    // No renderer here to take the font atlas.
    out.textures_delta.clear();
}

#[test]
fn every_group_of_commands_changes_the_app_through_apply() {
    let (ctx, mut app) = app();
    let mut seen = std::collections::HashSet::new();
    let mut go = |app: &mut App, c: Command| {
        seen.insert(c.group());
        app.apply(&ctx, c);
    };

    // Time.
    go(&mut app, cmd::Time::SetDate(d("2020-04-01")).into());
    assert_eq!(app.date(), d("2020-04-01"));
    go(&mut app, cmd::Time::NextEvent.into());
    assert!(app.date() > d("2020-04-01"));
    go(&mut app, cmd::Time::TogglePlay.into());
    assert!(app.playing());
    let before = app.date();
    go(&mut app, cmd::Time::Tick(0.25).into());
    assert!(
        app.date() > before,
        "a quarter of a second of play moves the date"
    );

    // Selection.
    let devon = app.timeline().snapshot().find_any("15N")[0];
    go(&mut app, cmd::Selection::Select(devon).into());
    assert_eq!(app.selection(), Some(devon));
    go(&mut app, cmd::Selection::TogglePick("15N".into()).into());
    assert_eq!(app.merge_pick(), ["15N"]);

    // Tree.
    go(&mut app, cmd::Tree::ExpandAll.into());
    assert!(app.ui_state().expansion.all_open);
    go(&mut app, cmd::Tree::CollapseAll.into());
    assert!(!app.ui_state().expansion.all_open);

    // File.
    go(&mut app, cmd::File::Report("a message".into()).into());
    assert_eq!(app.report().map(|r| r.title.as_str()), Some("a message"));
    go(&mut app, cmd::File::DismissProblems.into());
    assert!(app.report().is_none());

    // Window.
    go(&mut app, cmd::Window::SetTab(CentralTab::Flow).into());
    assert_eq!(app.central_tab(), CentralTab::Flow);
    go(&mut app, cmd::Window::TogglePresenter.into());
    assert!(app.presenting());

    // Scenario.
    go(&mut app, cmd::Scenario::New.into());
    assert_eq!(
        app.scenario().map(|s| s.name.as_str()),
        Some("Untitled scenario")
    );
    go(&mut app, cmd::Scenario::AddBookmark.into());
    assert_eq!(app.scenario().map(|s| s.bookmarks.len()), Some(1));
    assert!(app.unsaved());
    go(&mut app, cmd::Scenario::Undo.into());
    assert_eq!(app.scenario().map(|s| s.bookmarks.len()), Some(0));

    // Export: the CSV is written off the UI thread and comes back as Done.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("tree.csv");
    go(
        &mut app,
        cmd::Export::To(ExportKind::TreeCsv, csv.clone()).into(),
    );
    let start = Instant::now();
    while !csv.exists() {
        assert!(
            start.elapsed() < common::PATIENCE,
            "the CSV was never written"
        );
        std::thread::yield_now();
        frame(&ctx, &mut app);
    }
    assert!(std::fs::read_to_string(&csv).unwrap().contains("basis"));

    // Done: what the system hands over is applied the same way.
    assert!(!app.file_changed());
    go(&mut app, Done::SnapshotChanged.into());
    assert!(app.file_changed(), "the reload bar shows");

    for g in [
        Group::Time,
        Group::Selection,
        Group::Tree,
        Group::File,
        Group::Scenario,
        Group::Export,
        Group::Window,
        Group::Done,
    ] {
        assert!(seen.contains(&g), "{g:?} not sent");
    }
}

#[test]
fn a_frame_applies_what_panels_and_workers_asked_for_and_nothing_else() {
    let (ctx, mut app) = app();
    let date = app.date();
    // Drawing frames changes nothing by itself.
    for _ in 0..3 {
        frame(&ctx, &mut app);
    }
    assert_eq!(app.date(), date);
    assert!(app.selection().is_none());
    // A queued command lands in the next frame.
    app.push(cmd::Time::SetDate(d("2021-04-01")));
    assert_eq!(app.date(), date, "not before the frame");
    frame(&ctx, &mut app);
    assert_eq!(app.date(), d("2021-04-01"));
}
