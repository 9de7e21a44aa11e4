//! UI tests for the merger flow and the comparison of two dates: egui_kittest drives
//! the real App by accessible labels.

mod common;

use std::time::Duration;

use ccg_explorer::app::{App, AppOptions, CentralTab, command as cmd};
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The window, 1500x950, started with `options` and autosaving into a folder of its own.
fn window_with(options: AppOptions) -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        autosave_dir: Some(dir.path().to_path_buf()),
        ..options
    };
    (dir, harness_sized([1500.0, 950.0], options))
}

/// [`window_with`] the default options.
fn window() -> (tempfile::TempDir, Harness<'static, App>) {
    window_with(AppOptions::default())
}

/// A [`window`] on "Compare dates", with dates A and B typed in.
fn comparing(a: &str, b: &str) -> (tempfile::TempDir, Harness<'static, App>) {
    let (dir, mut h) = window();
    click(&mut h, "Compare dates");
    retype(&mut h, "Date A", a);
    retype(&mut h, "Date B", b);
    (dir, h)
}

fn selected_code(h: &Harness<'static, App>) -> Option<String> {
    let app = h.state();
    app.selection()
        .map(|id| app.timeline().snapshot().org(id).code.clone())
}

fn open_flow(h: &mut Harness<'static, App>) {
    click(h, "Merger flow");
    assert_eq!(h.state().central_tab(), CentralTab::Flow);
}

#[test]
fn clicking_a_flow_node_selects_it_and_the_details_show_its_lineage() {
    let (_dir, mut h) = window();
    open_flow(&mut h);
    // Columns: 1 April 2013 to 2022, then the ICBs of 1 July 2022.
    h.get_by_label("NHS Darlington CCG (00C), Apr 2013");
    h.get_by_label("NHS Devon Integrated Care Board (QJK), Jul 2022");
    assert!(
        h.query_by_label("NHS Devon CCG (15N), Apr 2018").is_none(),
        "Devon CCG did not exist before April 2019"
    );
    click(&mut h, "NHS Devon CCG (15N), Apr 2019");
    assert_eq!(selected_code(&h).as_deref(), Some("15N"));
    // The details panel shows where it came from.
    h.get_by_label("Predecessors");
    for name in [
        "NHS Northern, Eastern and Western Devon CCG (99P)",
        "NHS South Devon and Torbay CCG (99Q)",
    ] {
        assert_shown(&h, name);
    }
}

#[test]
fn hovering_a_flow_node_names_it_and_clicking_a_predecessor_selects_that() {
    let (_dir, mut h) = window();
    open_flow(&mut h);
    h.get_by_label("NHS South Devon and Torbay CCG (99Q), Apr 2016")
        .hover();
    h.run();
    // The tooltip names the organisation and its population's basis.
    h.get_by_label("Click to select");
    assert_shown(&h, "NHS South Devon and Torbay CCG (99Q)");
    click(&mut h, "NHS South Devon and Torbay CCG (99Q), Apr 2016");
    assert_eq!(selected_code(&h).as_deref(), Some("99Q"));
    h.get_by_label("Successors");
    assert_shown(&h, "NHS Devon CCG (15N)");
}

#[test]
fn filtering_the_flow_to_a_region_keeps_only_its_organisations() {
    let (_dir, mut h) = window();
    open_flow(&mut h);
    click(&mut h, "region");
    click(&mut h, "South East");
    h.get_by_label("NHS Kent and Medway CCG (91Q), Apr 2020");
    h.get_by_label("NHS Ashford CCG (09C), Apr 2013");
    assert_not_shown(&h, "NHS Devon CCG (15N), Apr 2019");
    assert_not_shown(&h, "NHS Darlington CCG (00C), Apr 2013");
    // And back to all of England.
    click(&mut h, "region");
    click(&mut h, "All regions");
    h.get_by_label("NHS Devon CCG (15N), Apr 2019");
}

#[test]
fn the_flow_follows_the_scenario() {
    let (_dir, mut h) = window_with(AppOptions {
        scenario: Some(kent()),
        ..Default::default()
    });
    wait_for(&mut h, |app| app.showing_scenario());
    open_flow(&mut h);
    h.get_by_label("NHS Kent and Medway CCG (2018 scenario) (KM18), Apr 2018");
    assert_not_shown(&h, "NHS Ashford CCG (09C), Apr 2018");
    // The actual record still has Ashford in April 2018.
    push_run(&mut h, cmd::Scenario::ToggleView);
    assert!(!h.state().showing_scenario());
    h.get_by_label("NHS Ashford CCG (09C), Apr 2018");
}

#[test]
fn comparing_2019_with_2020_lists_18_new_ccgs_from_74_and_marks_the_tree() {
    let (_dir, mut h) = comparing("2019-04-01", "2020-04-01");
    h.get_by_label("18 mergers: 18 new CCGs formed from 74");
    h.get_by_label("Merged (18)");
    h.get_by_label("Moved system (1)");
    // Counts side by side.
    for n in ["191", "135", "-56"] {
        assert_shown(&h, n);
    }
    // A link in the list selects.
    h.get_all_by_label("NHS Kent and Medway CCG (91Q)")
        .next()
        .unwrap()
        .click();
    h.run();
    assert_eq!(selected_code(&h).as_deref(), Some("91Q"));
    // The tree marks what changed: hover a system that had a merger.
    push_run(&mut h, cmd::Selection::Clear);
    h.get_by_label("Kent and Medway (E54000032)").hover();
    h.run();
    h.get_by_label_contains("Changed between the two dates compared");

    // A bad date says what is wrong and keeps the window whole.
    retype(&mut h, "Date B", "2020-13-45");
    h.get_by_label_contains("is not a date");
    // Swapped dates are put in order.
    retype(&mut h, "Date B", "2018-04-01");
    h.get_by_label("A is after B, so the dates are compared the other way round.");
    h.get_by_label("2 mergers: 2 new CCGs formed from 6");
}

#[test]
fn comparing_across_july_2022_lists_ccgs_becoming_sub_icb_locations() {
    let (_dir, mut h) = comparing("2022-06-30", "2022-07-01");
    h.get_by_label("Became sub-ICB locations (106)");
    h.get_by_label("No mergers between these dates");
    // "= timeline" fills the timeline's date in; "show" moves the timeline there.
    h.state_mut().push(cmd::Time::SetDate(d("2020-04-01")));
    h.run();
    h.get_all_by_label("= timeline").next().unwrap().click();
    h.run();
    let a = h.get_by_label("Date A").accesskit_node().value();
    assert_eq!(a.as_deref(), Some("2020-04-01"));
    h.get_all_by_label("show").nth(1).unwrap().click();
    h.run();
    assert_eq!(h.state().date(), d("2022-07-01"));
}

#[test]
fn the_flow_exports_as_a_cropped_png() {
    use ccg_explorer::app::export::ExportKind;
    let (dir, mut h) = window();
    let (part, full) = export_beside_window(&mut h, dir.path(), ExportKind::Flow, "flow.png");
    assert_eq!(h.state().central_tab(), CentralTab::Flow);
    assert!(
        part.width() < full.width() && part.height() < full.height(),
        "the flow is cropped: {}x{} of {}x{}",
        part.width(),
        part.height(),
        full.width(),
        full.height()
    );
    assert!(part.width() > 600 && part.height() > 400);
}

#[test]
fn a_large_snapshot_lays_out_its_flow_on_a_worker_while_the_window_draws() {
    // 14 times England: over 20,000 organisations, so the flow is built off the UI thread.
    let dir = tempfile::tempdir().unwrap();
    let england = ccg_explorer::model::load::parse_str(ccg_explorer::ENGLAND_RON).unwrap();
    let big = ccg_explorer::synth::synthesize(&england, 14, 7).unwrap();
    let path = dir.path().join("big.ron");
    std::fs::write(&path, ccg_explorer::import::to_ron(&big).unwrap()).unwrap();
    let mut h = common::builder().with_size([1500.0, 950.0]).build_eframe({
        let options = AppOptions {
            fresh: true,
            autosave_dir: Some(dir.path().to_path_buf()),
            file: Some(path.clone()),
            view: Some(CentralTab::Flow),
            ..Default::default()
        };
        move |cc| App::new(cc, options)
    });
    wait_within(&mut h, Duration::from_secs(120), |app| {
        app.file().is_some() && !app.busy()
    });
    assert!(h.state().timeline().snapshot().orgs.len() > 20_000);
    // The first frames after the load show that the flow is on its way...
    h.step();
    assert!(h.state().building());
    h.get_by_label_contains("Laying out the merger flow of");
    // ...and then the flow itself, by system, as England's systems are too many to draw.
    wait_within(&mut h, Duration::from_secs(240), |app| !app.building());
    h.step();
    h.step();
    assert!(
        h.query_by_label_contains("Laying out the merger flow")
            .is_none()
    );
    assert!(
        h.query_all_by_label_contains(", Apr 2013").count() > 20,
        "the flow's nodes are drawn"
    );
}

#[test]
fn the_flow_filter_takes_a_system_ccg_or_icb_code_and_says_when_it_knows_none() {
    let dir = tempfile::tempdir().unwrap();
    // Devon's STP (by its ONS code), one of its first CCGs, and its ICB: all show Devon.
    let flow_of = |code: &str| {
        harness_with(AppOptions {
            fresh: true,
            autosave_dir: Some(dir.path().to_path_buf()),
            view: Some(CentralTab::Flow),
            flow_filter: Some(code.into()),
            ..Default::default()
        })
    };
    for code in ["E54000037", "99Q", "QJK"] {
        let h = flow_of(code);
        h.get_by_label("NHS Devon CCG (15N), Apr 2019");
        h.get_by_label("NHS South Devon and Torbay CCG (99Q), Apr 2013");
        assert!(
            h.query_by_label("NHS Darlington CCG (00C), Apr 2013")
                .is_none(),
            "{code}: only Devon's lineage is drawn"
        );
        assert!(h.state().report().is_none(), "{code}");
    }
    let h = flow_of("XXX");
    let title = h
        .state()
        .report()
        .map(|r| r.title.clone())
        .unwrap_or_default();
    assert!(
        title.contains("No region, ICB, system or CCG has the code XXX"),
        "{title}"
    );
    // All of England: at this height, a node per system in every column.
    let nodes = h.query_all_by_label_contains(", Apr 2013").count();
    assert!(nodes >= 40, "{nodes} nodes in April 2013");
}
