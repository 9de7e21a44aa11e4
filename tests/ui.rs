//! UI tests: egui_kittest drives the real App by accessible labels, as a user would.

mod common;

use std::time::Instant;

use ccg_explorer::app::{App, AppOptions, UiState};
use common::*;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, App> {
    harness_sized([1500.0, 950.0], AppOptions::default())
}

#[test]
fn next_event_moves_to_april_2020_and_the_ccg_count_drops() {
    let mut h = harness();
    go_to(&mut h, "2020-03-31");
    assert_eq!(h.state().date(), d("2020-03-31"));
    h.get_by_label("31 Mar 2020");
    h.get_by_label("191 CCGs");
    click(&mut h, "Next event ▶");
    assert_eq!(h.state().date(), d("2020-04-01"));
    h.get_by_label("1 Apr 2020");
    h.get_by_label("135 CCGs");
    assert_not_shown(&h, "191 CCGs");
}

#[test]
fn arrow_keys_step_between_events() {
    let mut h = harness();
    go_to(&mut h, "2020-03-31");
    // Move focus away from the text box, then use the keyboard.
    click(&mut h, "Organisations");
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(h.state().date(), d("2020-04-01"));
    h.key_press(Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().date(), d("2019-04-01"));
    h.key_press(Key::End);
    h.run();
    assert_eq!(h.state().date(), d("2026-11-25"));
    h.get_by_label("0 CCGs");
    h.get_by_label("36 ICBs");
}

#[test]
fn searching_devon_and_choosing_the_ccg_shows_its_predecessors() {
    let mut h = harness();
    choose(&mut h, "devon", "NHS Devon CCG (15N)");
    let s = h.state().timeline().snapshot();
    assert_eq!(s.org(h.state().selection().unwrap()).code, "15N");
    // The details panel lists both predecessors (as links, also in the lineage line).
    assert_shown(&h, "NHS Northern, Eastern and Western Devon CCG (99P)");
    assert_shown(&h, "NHS South Devon and Torbay CCG (99Q)");
    h.get_by_label("Predecessors");
}

#[test]
fn choosing_a_search_result_outside_the_date_moves_into_its_life() {
    let mut h = harness();
    go_to(&mut h, "2021-06-01");
    choose(
        &mut h,
        "south devon torb",
        "NHS South Devon and Torbay CCG (99Q)",
    );
    // 99Q ended on 31 March 2019, so the date moves to its last day.
    assert_eq!(h.state().date(), d("2019-03-31"));
    h.get_by_label("Successors");
    assert_shown(&h, "NHS Devon CCG (15N)");
}

#[test]
fn a_malformed_file_shows_line_and_column_and_the_tree_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    std::fs::write(
        &path,
        "(\n  format: 1,\n  title: \"Broken\"\n  ccgs: [],\n)\n",
    )
    .unwrap();
    let mut h = harness();
    h.get_by_label("Devon (E54000037)");
    drop_file(&mut h, path.clone());
    h.step();
    wait_for(&mut h, |app| app.report().is_some());
    h.get_by_label_contains("Could not open");
    h.get_by_label_contains("line 4, column 3");
    // The England record stays open, with its tree.
    assert!(h.state().file().is_none());
    h.get_by_label("Devon (E54000037)");
    h.get_by_label("191 CCGs");
    // The panel can be dismissed.
    click(&mut h, "Dismiss");
    assert!(h.query_by_label_contains("Could not open").is_none());
}

/// The window titles the app asked for in the last frame.
fn titles(h: &Harness<'static, App>) -> Vec<String> {
    h.output()
        .viewport_output
        .values()
        .flat_map(|v| v.commands.iter())
        .filter_map(|c| match c {
            egui::ViewportCommand::Title(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_good_file_opens_in_the_background_and_retitles_the_window() {
    let mut h = harness();
    let path = project_file("assets/examples/tiny.ron");
    drop_file(&mut h, path.clone());
    // Frame by frame until it has loaded, keeping the titles the window was given.
    let mut given = Vec::new();
    let start = Instant::now();
    while h.state().file().is_none() {
        assert!(start.elapsed() < PATIENCE, "the file never loaded");
        std::thread::yield_now();
        h.step();
        given.extend(titles(&h));
    }
    h.run();
    assert_eq!(
        given.last().map(String::as_str),
        Some("Tiny example — tiny.ron — ccg-explorer"),
        "{given:?}"
    );
    assert_eq!(h.state().timeline().snapshot().title, "Tiny example");
    h.get_by_label("Anyshire partnership (S1)");
    h.get_by_label("2 CCGs");
}

#[test]
fn play_advances_the_date_and_pause_stops_it() {
    let mut h = harness();
    let before = h.state().date();
    h.get_by_label("▶ Play").click();
    h.run_steps(20);
    assert!(h.state().playing());
    let during = h.state().date();
    assert!(during > before, "{during} should be after {before}");
    h.get_by_label("⏸ Pause").click();
    h.run_steps(2);
    let stopped = h.state().date();
    h.run_steps(20);
    assert_eq!(h.state().date(), stopped);
    assert!(!h.state().playing());
}

#[test]
fn ui_state_survives_a_save_and_restore() {
    let mut h = harness();
    go_to(&mut h, "2018-04-01");
    choose(&mut h, "Bracknell", "NHS Bracknell and Ascot CCG (10G)");
    let saved = h.state().ui_state();
    assert!(saved.date.is_some());
    // eframe stores state as RON; go through the same round trip.
    let text = ron::to_string(&saved).unwrap();
    let restored: UiState = ron::from_str(&text).unwrap();
    assert_eq!(restored, saved);

    let date = h.state().date();
    let mut h2 = common::builder()
        .with_size([1500.0, 950.0])
        .build_eframe(move |cc| App::with_state(&cc.egui_ctx, AppOptions::default(), restored));
    h2.run();
    assert_eq!(h2.state().date(), date);
    let s = h2.state().timeline().snapshot();
    assert_eq!(s.org(h2.state().selection().unwrap()).code, "10G");
    h2.get_by_label("NHS Bracknell and Ascot CCG");
}

#[test]
fn a_bad_date_in_go_to_date_gets_a_clear_message() {
    let mut h = harness();
    let before = h.state().date();
    go_to(&mut h, "2019-02-30");
    assert_eq!(h.state().date(), before);
    h.get_by_label_contains("“2019-02-30” is not a date: write it as 2020-04-01, 01/04/2020");
    // Dates as people in England write them go where they say.
    for (typed, want) in [
        ("01/04/2018", "2018-04-01"),
        ("1 April 2020", "2020-04-01"),
        ("1 Oct 2019", "2019-10-01"),
        ("June 2021", "2021-06-01"),
        ("2016", "2016-04-01"),
    ] {
        go_to(&mut h, typed);
        assert_eq!(h.state().date(), d(want), "{typed}");
    }
    // Day first: 04/13/2020 is no date, and the message says why.
    go_to(&mut h, "04/13/2020");
    h.get_by_label_contains("there is no month 13 (the day comes first");
}

#[test]
fn grouping_by_ccg_and_expanding_all_show_ccg_rows() {
    let mut h = harness();
    assert_not_shown(&h, "NHS Bath and North East Somerset CCG (11E)");
    click(&mut h, "by CCG");
    click(&mut h, "Expand all");
    // The first system (by name) now shows its CCGs, each with its places.
    h.get_by_label("NHS Bath and North East Somerset CCG (11E)");
    h.get_by_label("NHS Swindon CCG (12D)");
    h.get_by_label_contains("serves ≈1.0% of it");
    click(&mut h, "Collapse all");
    assert_not_shown(&h, "NHS Swindon CCG (12D)");
}

#[test]
fn junk_missing_and_oversized_files_get_messages_and_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ron");
    let bytes: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&junk, bytes).unwrap();
    let huge = dir.path().join("huge.ron");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk used
    let missing = dir.path().join("nowhere.ron");

    let mut h = harness();
    for (path, message) in [
        (junk, "is not UTF-8 text"),
        (huge, "the largest snapshot this build opens is 256 MB"),
        (missing, "cannot open"),
    ] {
        drop_file(&mut h, path);
        h.step();
        wait_for(&mut h, |app| app.report().is_some() && !app.busy());
        h.get_by_label_contains(message);
        h.get_by_label("Devon (E54000037)");
        click(&mut h, "Dismiss");
    }
    assert!(h.state().file().is_none());
}

#[test]
fn selecting_a_system_retitles_the_cost_chart_and_changes_its_series() {
    let mut h = harness();
    h.get_by_label("Running costs: England");
    let england = h.state_mut().charts().costs.rows.clone();
    click(&mut h, "Devon (E54000037)");
    h.get_by_label("Running costs: Devon (E54000037)");
    assert_not_shown(&h, "Running costs: England");
    let devon = h.state_mut().charts().costs.rows.clone();
    assert_eq!(devon.len(), england.len());
    assert!(devon[0].allowance_gbp < england[0].allowance_gbp / 10.0);
    assert_ne!(devon, england);
    // The details panel shows the selection's running costs.
    h.get_by_label_contains("Baseline 2017/18: £");
}

#[test]
fn moving_the_date_moves_the_marker_on_the_ccg_chart() {
    let mut h = harness();
    go_to(&mut h, "2020-03-31");
    h.get_by_label_contains("Marked: 31 Mar 2020: 191 CCGs, ");
    let before = h.state_mut().charts().count.marker_x;
    click(&mut h, "Next event ▶");
    h.get_by_label_contains("Marked: 1 Apr 2020: 135 CCGs, ");
    let after = h.state_mut().charts().count.marker_x;
    assert!(after > before);
    assert!((after - ccg_explorer::view::decimal_year(d("2020-04-01"))).abs() < 1e-9);
}

#[test]
fn savings_bars_are_sorted_largest_first() {
    let mut h = harness();
    go_to(&mut h, "2020-10-01");
    h.get_by_label("Modelled savings by system, 2020/21 (% of 2017/18 baseline)");
    let bars = h.state_mut().charts().savings.bars.clone();
    assert_eq!(bars.len(), 42);
    assert!(bars.windows(2).all(|w| w[0].2 >= w[1].2), "{bars:?}");
    assert!(bars[0].2 > 0.0);
    // Before the baseline year there is nothing to rank, and the chart says why.
    go_to(&mut h, "2016-06-01");
    h.get_by_label_contains("Savings are measured from the 2017/18 baseline");
}

/// eframe's storage, in memory.
#[derive(Default)]
struct MemStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn app_save_writes_what_a_restart_restores() {
    use eframe::App as _;
    let mut h = harness();
    go_to(&mut h, "2016-06-01");
    let mut storage = MemStorage::default();
    h.state_mut().save(&mut storage);
    let restored: UiState =
        eframe::get_value(&storage, eframe::APP_KEY).expect("saved under the app key");
    assert_eq!(restored.date, Some(d("2016-06-01")));
    let mut h2 = common::builder()
        .with_size([1500.0, 950.0])
        .build_eframe(move |cc| App::with_state(&cc.egui_ctx, AppOptions::default(), restored));
    h2.run();
    assert_eq!(h2.state().date(), d("2016-06-01"));
    h2.get_by_label("1 Jun 2016");
}

#[test]
fn with_nothing_selected_the_details_show_england_on_the_date() {
    let h = harness();
    h.get_by_label("England");
    h.get_by_label_contains("On 1 Apr 2019: 191 CCGs in 42 systems");
    h.get_by_label_contains("Footprint: England (every CCG)");
}

#[test]
fn a_load_shows_its_progress_and_can_be_cancelled_keeping_what_was_open() {
    // A named pipe blocks the reader until something writes to it: the load stays in
    // progress for as long as the test wants.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("slow.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut h = harness();
    drop_file(&mut h, fifo.clone());
    h.step();
    h.step();
    assert!(h.state().busy());
    h.get_by_label_contains("Loading slow.ron: reading");
    // The window keeps drawing and answering while the load waits.
    let before = h.state().date();
    h.key_press(Key::ArrowRight);
    h.step();
    h.step();
    assert!(h.state().date() > before, "the date moved on");
    h.get_by_label("Cancel loading").click();
    h.step();
    h.run();
    assert!(!h.state().busy());
    assert_not_shown(&h, "Cancel loading");
    // Let the worker go on: it sees the cancel and stops (closing the pipe, so the
    // write may fail), or reads and its result is dropped.
    let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    let _ = std::io::Write::write_all(&mut w, b"(format: 1, title: \"late\")");
    drop(w);
    // The worker's result arrives, and is dropped, not shown.
    wait_for(&mut h, |app| app.loads_dropped() == 1);
    assert!(h.state().report().is_none());
    assert!(h.state().file().is_none());
    assert_eq!(
        h.state().timeline().snapshot().title,
        "England CCGs 2013–2022 and ICBs 2022–2026"
    );
    h.get_by_label("Devon (E54000037)");
}

#[test]
fn a_file_changed_on_disk_offers_a_reload() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = std::fs::read_to_string(project_file("assets/examples/tiny.ron")).unwrap();
    let mine = dir.path().join("mine.ron");
    std::fs::write(&mine, &tiny).unwrap();
    let mut h = harness();
    drop_file(&mut h, mine.clone());
    wait_for(&mut h, |app| app.file().is_some());
    assert!(h.query_by_label_contains("changed on disk").is_none());
    // Someone edits it: the window offers to reload, and keeps showing what it read.
    std::fs::write(&mine, tiny.replace("Tiny example", "Tiny example, edited")).unwrap();
    wait_for_label(&mut h, "mine.ron changed on disk.");
    assert_eq!(h.state().timeline().snapshot().title, "Tiny example");
    click(&mut h, "Keep this version");
    assert_not_shown(&h, "mine.ron changed on disk.");
    // Another file opened and then edited: its own edit (never a late echo of the
    // first file's) is offered, and this time reloaded.
    let other = dir.path().join("other.ron");
    std::fs::write(&other, &tiny).unwrap();
    drop_file(&mut h, other.clone());
    wait_for(&mut h, |app| app.file() == Some(&other) && !app.busy());
    assert!(!h.state().file_changed());
    std::fs::write(&other, tiny.replace("Tiny example", "Tiny example, again")).unwrap();
    wait_for_label(&mut h, "other.ron changed on disk.");
    h.get_by_label("Reload").click();
    h.step();
    wait_for(&mut h, |app| {
        !app.busy() && app.timeline().snapshot().title == "Tiny example, again"
    });
    assert_not_shown(&h, "other.ron changed on disk.");
}

/// The window's background is drawn once. eframe clears the window to the app's clear
/// colour, which is the panels' colour, and no panel fills itself again; under a
/// renderer that clears to transparent (egui_kittest's, here) the app paints it. The
/// two look the same: the first composited over the clear colour is the second. (The
/// fades at the ends of scroll areas, which blend into the background, are in the
/// image snapshots of the map view, whose tree is cut by its panel.)
#[test]
fn the_background_is_drawn_once_by_the_clear_or_by_the_app() {
    use ccg_explorer::app::ThemeChoice;
    for (theme, visuals) in [
        (ThemeChoice::Dark, egui::Visuals::dark()),
        (ThemeChoice::Light, egui::Visuals::light()),
    ] {
        let background = visuals.panel_fill;
        for present in [false, true] {
            let what = format!("{theme:?}, presenting {present}");
            let window = |background_by_clear: bool| {
                let options = AppOptions {
                    theme: Some(theme),
                    present,
                    background_by_clear,
                    ..on_date("2019-04-01")
                };
                harness_sized([1024.0, 768.0], options)
            };
            let mut h = window(false);
            let clear = eframe::App::clear_color(h.state(), &visuals);
            assert_eq!(clear, background.to_normalized_gamma_f32(), "{what}");
            let painted = h.render().expect("a render of the frame");
            let cleared = window(true).render().expect("a render of the frame");
            let pixels = f64::from(painted.width() * painted.height());
            // Painted by the app: no pixel is left to the clear.
            let see_through = painted.pixels().filter(|p| p[3] < 255).count();
            assert_eq!(see_through, 0, "{what}: pixels the app left unpainted");
            // Left to the clear: most of the window, and hardly a pixel is painted in
            // the background's colour (a bar across the top filling itself would be
            // 3% of the window).
            let left = cleared.pixels().filter(|p| p[3] == 0).count() as f64 / pixels;
            assert!(
                left > 0.5,
                "{what}: only {:.0}% left to the clear",
                left * 100.0
            );
            let [r, g, b, _] = background.to_array();
            let again = cleared.pixels().filter(|p| p.0 == [r, g, b, 255]).count() as f64 / pixels;
            assert!(
                again < 0.005,
                "{what}: {:.1}% painted in the background's colour",
                again * 100.0
            );
            // And over the clear colour it is the same picture.
            let mut worst = 0;
            for (p, q) in cleared.pixels().zip(painted.pixels()) {
                let under = 255 - i32::from(p[3]);
                for c in 0..3 {
                    let over = i32::from(p[c]) + i32::from(background[c]) * under / 255;
                    worst = worst.max((over - i32::from(q[c])).abs());
                }
            }
            assert!(worst <= 2, "{what}: the two differ by {worst} in a channel");
        }
    }
}

/// The frame after a change of theme is drawn wholly in the new theme: the window's
/// background (the clear colour) follows at once, so the panels must too.
#[test]
fn the_frame_after_a_change_of_theme_is_all_in_the_new_theme() {
    use ccg_explorer::app::ThemeChoice;
    use ccg_explorer::app::command::Window;
    let mut h = harness_sized(
        [1024.0, 768.0],
        AppOptions {
            theme: Some(ThemeChoice::Dark),
            ..on_date("2019-04-01")
        },
    );
    h.state_mut().push(Window::SetTheme(ThemeChoice::Light));
    // The command is applied at the end of this frame; the next is the first drawn
    // after it.
    h.step();
    h.step();
    let image = h.render().expect("a render of the frame");
    let light = egui::Visuals::light().panel_fill.to_array();
    let dark = egui::Visuals::dark().panel_fill.to_array();
    let count = |c: [u8; 4]| image.pixels().filter(|p| p.0 == c).count();
    let (light, dark) = (count(light), count(dark));
    assert!(
        light > 100 * dark.max(1),
        "{light} pixels in the light theme's background, {dark} in the dark's"
    );
}
