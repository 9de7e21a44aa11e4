//! A presenter on a projector and an analyst on a laptop: the window at 1024x768 to
//! 1920x1080, the Kent demo, scenario savings, dates typed as people write them, the
//! changes of a day, dialogs and typed paths. egui_kittest drives the real App.

mod common;

use std::path::Path;

use ccg_explorer::app::{App, AppOptions, CentralTab, command as cmd};
use ccg_explorer::model::OrgKind;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The Kent demo open in presenter mode at `size`.
fn presenting_kent(size: [f32; 2], dir: &Path) -> Harness<'static, App> {
    let mut h = harness_sized(
        size,
        AppOptions {
            scenario: Some(kent()),
            present: true,
            autosave_dir: Some(dir.to_path_buf()),
            ..Default::default()
        },
    );
    wait_for(&mut h, |app| app.showing_scenario());
    h
}

#[test]
fn the_kent_demo_reads_66_to_17_in_april_2020_and_its_bookmarks_select_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = presenting_kent([1920.0, 1080.0], dir.path());
    // The April 2020 wave: 17 mergers of 66 CCGs, and the scenario's CCG carrying on
    // as 91Q, not a merger of one.
    h.state_mut().push(cmd::Time::SetDate(d("2020-03-31")));
    push_run(&mut h, cmd::Time::NextEvent);
    assert_eq!(h.state().date(), d("2020-04-01"));
    let caption = h.state().caption().to_string();
    assert!(
        caption.contains("17 mergers: 66 CCGs became 17"),
        "{caption}"
    );
    assert!(
        caption.contains(
            "NHS Kent and Medway CCG (2018 scenario) (KM18) carries on as NHS Kent and Medway CCG (91Q)"
        ),
        "{caption}"
    );
    // The whole caption is on screen: it wraps, it is not cut.
    h.get_by_label(&caption);
    let model = ccg_explorer::view::timeline_model(h.state().timeline());
    let wave = model
        .waves
        .iter()
        .find(|w| w.date == d("2020-04-01"))
        .unwrap();
    assert_eq!(wave.label, "Apr 2020: 66 CCGs ➡ 17");
    // Shortened on a crowded timeline (1024 wide), never the first merger alone.
    assert_eq!(wave.shorter, ["Apr 2020: 66 ➡ 17", "66 ➡ 17"]);
    assert!(!wave.scenario);
    let scenario_wave = model
        .waves
        .iter()
        .find(|w| w.date == d("2018-04-01"))
        .unwrap();
    assert!(scenario_wave.scenario);
    assert_eq!(scenario_wave.label, "Apr 2018: 26 CCGs ➡ 7 (scenario)");
    // Every bookmark selects an organisation that exists on its date.
    for i in 0..4 {
        push_run(&mut h, cmd::Scenario::GoToBookmark(i));
        if let Some(id) = h.state().selection() {
            let o = h.state().timeline().snapshot().org(id);
            assert!(
                o.alive_on(h.state().date()),
                "bookmark {} selects {}",
                i + 1,
                o.code
            );
        }
    }
    push_run(&mut h, cmd::Scenario::GoToBookmark(2));
    let s = h.state().timeline().snapshot();
    assert_eq!(s.org(h.state().selection().unwrap()).code, "91Q");
}

#[test]
fn presenter_captions_wrap_at_1024_and_the_counts_stay_in_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = presenting_kent([1024.0, 768.0], dir.path());
    push_run(&mut h, cmd::Scenario::GoToBookmark(2));
    let caption = h.state().caption().to_string();
    assert!(caption.len() > 100, "{caption}");
    let node = h.get_by_label(&caption);
    // Wrapped onto several lines inside the window, not cut with an ellipsis.
    let r = node.rect();
    assert!(r.right() <= 1024.0 / 1.35 + 1.0, "{r:?}");
    assert!(r.height() > 40.0, "one line only: {r:?}");
    assert!(!caption.ends_with('…'));
    // The counts that tell the story, on the timeline.
    h.get_by_label("135 CCGs");
    assert_not_shown(&h, "1,254 neighbourhoods");
    // The large chart alone takes a short view, with its legend under it.
    h.get_by_label_contains("Running costs: NHS Kent and Medway CCG (91Q), with the 8 CCGs");
    assert_not_shown(&h, "Commissioning bodies over time");
    h.get_by_label("Target: baseline less 20% by 2020/21");
    // Every entry of the legend is on screen, above the timeline, none cut: on this
    // short chart the legend stands beside the plot.
    let timeline_top = h.get_by_label("Timeline").rect().top();
    for entry in [
        "Baseline (2017/18 allowance)",
        "Allowance (modelled)",
        "Scenario: baseline less modelled savings",
        "Actual record: baseline less modelled savings",
        "Gap to target (other actions)",
        "Now: 2020/21",
    ] {
        let r = h.get_by_label(entry).rect();
        assert!(r.bottom() <= timeline_top, "{entry} cut: {r:?}");
        assert!(
            r.right() <= 1024.0 / 1.35 + 1.0,
            "{entry} off the side: {r:?}"
        );
    }
}

#[test]
fn the_flow_in_presenter_mode_draws_the_kent_ccgs_one_by_one_before_2018() {
    let dir = tempfile::tempdir().unwrap();
    for size in [[1920.0, 1080.0], [1024.0, 768.0]] {
        let mut h = presenting_kent(size, dir.path());
        push_run(&mut h, cmd::Time::SetDate(d("2017-06-01")));
        click(&mut h, "Merger flow");
        assert_eq!(h.state().central_tab(), CentralTab::Flow);
        for ccg in [
            "NHS Ashford CCG (09C), Apr 2017",
            "NHS Canterbury and Coastal CCG (09E), Apr 2017",
            "NHS Kent and Medway CCG (2018 scenario) (KM18), Apr 2018",
        ] {
            h.get_by_label(ccg);
        }
        assert!(
            h.query_by_label_contains("too many to draw").is_none(),
            "England is drawn one by one at {size:?}"
        );
    }
}

#[test]
fn merging_ashford_and_canterbury_does_not_lower_kents_savings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ashford-canterbury.ron");
    let raw = ccg_explorer::model::load::parse_str(ccg_explorer::ENGLAND_RON).unwrap();
    let mut sc = ccg_explorer::model::scenario::Scenario::new("Ashford and Canterbury", &raw);
    sc.changes
        .push(ccg_explorer::model::scenario::Change::Merge {
            date: d("2018-04-01"),
            ccgs: vec!["09C".into(), "09E".into()],
            code: "AC18".into(),
            name: "NHS Ashford and Canterbury CCG (scenario)".into(),
        });
    std::fs::write(&file, sc.to_ron().unwrap()).unwrap();
    let mut h = harness_sized(
        [1500.0, 1000.0],
        AppOptions {
            scenario: Some(file),
            date: Some(d("2018-10-01")),
            autosave_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        },
    );
    wait_for(&mut h, |app| app.showing_scenario());
    let kent_share = |h: &mut Harness<'static, App>| {
        h.state_mut()
            .charts()
            .savings
            .bars
            .iter()
            .find(|(_, name, _)| name == "Kent and Medway")
            .map(|(_, _, pct)| *pct)
            .unwrap()
    };
    let scenario = kent_share(&mut h);
    push_run(&mut h, cmd::Scenario::ToggleView);
    assert!(!h.state().showing_scenario());
    let actual = kent_share(&mut h);
    assert!(
        scenario >= actual,
        "the scenario's {scenario:.2}% is below the record's {actual:.2}%"
    );
    assert!(
        scenario > actual,
        "one statutory body fewer saves something"
    );
}

#[test]
fn the_changes_of_april_2020_list_every_merger_with_links() {
    let mut h = harness_sized(
        [1500.0, 1000.0],
        AppOptions {
            view: Some(CentralTab::Changes),
            ..on_date("2020-04-01")
        },
    );
    h.get_by_label("• 18 mergers: 74 CCGs became 18");
    h.get_by_label("Merged (18)");
    // All 18, not twelve and "… more": each new CCG is a link that selects it.
    let s = h.state().timeline().snapshot();
    let new: Vec<String> = h
        .state()
        .timeline()
        .events_on(d("2020-04-01"))
        .iter()
        .filter(|e| e.kind == ccg_explorer::model::format::EventKind::Merge)
        .map(|e| s.org(e.to).label())
        .collect();
    assert_eq!(new.len(), 18);
    for label in &new {
        assert_shown(&h, label);
    }
    h.get_all_by_label("NHS Kent and Medway CCG (91Q)")
        .next()
        .unwrap()
        .click_accesskit();
    h.run();
    let s = h.state().timeline().snapshot();
    assert_eq!(s.org(h.state().selection().unwrap()).code, "91Q");
    // On the day, the tree marks every system the mergers touched.
    push_run(&mut h, cmd::Selection::Clear);
    h.get_by_label("Kent and Medway (E54000032)").hover();
    h.run();
    h.get_by_label_contains("Created or changed on this date");
}

#[test]
fn on_a_projector_the_counts_and_the_changes_of_the_day_are_both_on_screen() {
    for size in [[1024.0, 768.0], [1366.0, 768.0]] {
        let mut h = harness_sized(
            size,
            AppOptions {
                present: true,
                view: Some(CentralTab::Changes),
                ..on_date("2020-04-01")
            },
        );
        h.run();
        // Side by side: the counts begin the view and the day's changes stand beside
        // them, above the timeline, not below the counts out of sight.
        let timeline_top = h.get_by_label("Timeline").rect().top();
        let counts = h.get_by_label("clinical commissioning groups").rect();
        let summary = h.get_by_label("• 18 mergers: 74 CCGs became 18").rect();
        let first = h
            .get_by_label("NHS Bath and North East Somerset, Swindon and Wiltshire CCG (92G)")
            .rect();
        for (what, r) in [
            ("counts", counts),
            ("summary", summary),
            ("first merger", first),
        ] {
            assert!(
                r.bottom() <= timeline_top,
                "{size:?}: {what} under the timeline: {r:?}"
            );
        }
        assert!(
            summary.left() > counts.right(),
            "{size:?}: the changes are not beside the counts"
        );
        assert!(
            summary.top() < counts.bottom(),
            "{size:?}: the changes start below the counts"
        );
    }
}

#[test]
fn dialogs_open_centred_with_fields_wide_enough_for_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_sized(
        [1366.0, 768.0],
        AppOptions {
            autosave_dir: Some(dir.path().to_path_buf()),
            ..on_date("2019-06-01")
        },
    );
    for code in ["09C", "09E"] {
        h.state_mut().push(cmd::Selection::TogglePick(code.into()));
    }
    push_run(&mut h, cmd::Scenario::OpenMergeDialog);
    use egui::accesskit::Role;
    let name = h
        .get_by_role_and_label(Role::TextInput, "New CCG name")
        .rect();
    assert!(name.width() >= 300.0, "{name:?}");
    let date = h
        .get_by_role_and_label(Role::TextInput, "Merger date")
        .rect();
    assert!(date.width() >= 150.0, "{date:?}");
    // Centred: clear of the menu bar, in the middle of the window.
    let window = h.get_by_label("Merge CCGs").rect();
    assert!(window.top() > 60.0, "{window:?}");
    assert!((window.center().x - 683.0).abs() < 250.0, "{window:?}");
}

#[test]
fn a_path_typed_when_no_file_dialog_opens_opens_the_file() {
    let mut h = harness_with(AppOptions::default());
    click(&mut h, "File");
    click(&mut h, "Open a path…");
    h.get_by_label("Open a snapshot by its path");
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/tiny.ron");
    h.get_by_label("Path").click();
    h.get_by_label("Path").type_text(&tiny.to_string_lossy());
    h.run();
    click(&mut h, "Open");
    wait_for(&mut h, |app| app.file().is_some() && !app.busy());
    assert_eq!(h.state().timeline().snapshot().title, "Tiny example");
    assert_not_shown(&h, "Open a snapshot by its path");
    // When the dialog never showed, the window says so.
    push_run(
        &mut h,
        cmd::File::AskPath(
            ccg_explorer::app::PromptFor::Scenario,
            "The file dialog did not open: this desktop may have no file-chooser portal \
         (xdg-desktop-portal). Type the path instead."
                .into(),
        ),
    );
    h.get_by_label_contains("The file dialog did not open");
    click(&mut h, "Cancel");
    assert_not_shown(&h, "Open a scenario by its path");
}

#[test]
fn an_empty_savings_chart_says_why() {
    let mut h = harness_with(on_date("2018-03-31"));
    h.get_by_label_contains("2017/18 is the baseline year itself");
    push_run(&mut h, cmd::Time::SetDate(d("2015-06-01")));
    h.get_by_label_contains(
        "Savings are measured from the 2017/18 baseline, so there are none before it",
    );
    // A place lights its system's bar.
    let tl = h.state().timeline();
    let torbay = tl.snapshot().find(OrgKind::Place, "E06000027").unwrap();
    let devon = tl.snapshot().find(OrgKind::System, "E54000037").unwrap();
    assert_eq!(
        ccg_explorer::view::system_of(tl, torbay, d("2019-06-01")),
        Some(devon)
    );
}

#[test]
fn a_date_outside_the_record_says_so() {
    let h = harness_with(on_date("2030-12-31"));
    assert_eq!(h.state().date(), d("2026-11-25"));
    h.get_by_label(
        "31 Dec 2030 is after the record's as-at date (25 Nov 2026, when its sources were last checked): showing 25 Nov 2026",
    );
}

#[test]
fn the_command_line_reads_english_dates_and_checks_the_bookmark() {
    let bin = env!("CARGO_BIN_EXE_ccg-explorer");
    for date in [
        "1 April 2020",
        "01/04/2020",
        "1/4/2020",
        "April 2020",
        "2020",
    ] {
        let out = std::process::Command::new(bin)
            .args(["at", date, "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{date}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["counts"]["ccg"], 135, "{date}");
        assert_eq!(v["date"], "2020-04-01", "{date}");
    }
    let out = std::process::Command::new(bin)
        .args(["at", "31/04/2020"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no day 31 in that month"), "{err}");
    assert!(err.contains("01/04/2020, 1 April 2020"), "{err}");
    let out = std::process::Command::new(bin)
        .args(["--scenario"])
        .arg(kent())
        .args(["--bookmark", "5", "--screenshot", "/nonexistent/never.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no bookmark 5"), "{err}");
    assert!(
        err.contains("has 4 bookmarks: use --bookmark 1 to 4"),
        "{err}"
    );
    // The window's file or options before a subcommand are refused, not ignored
    // (`costs` would otherwise answer for England).
    let unusual = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/unusual/open_ended_ccg.ron");
    let out = std::process::Command::new(bin)
        .arg(&unusual)
        .arg("costs")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("given before the subcommand"), "{err}");
    assert!(err.contains("--snapshot"), "{err}");
    let out = std::process::Command::new(bin)
        .args(["--date", "2020-01-01", "at", "2020-04-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--date before the subcommand is for the window"),
        "{err}"
    );
}
