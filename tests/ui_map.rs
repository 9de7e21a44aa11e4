//! The map in the real window: areas counted against the record on each era's date,
//! a click on Torbay, a scenario's merged Kent, the hex map.

mod common;

use ccg_explorer::app::{AppOptions, CentralTab};
use ccg_explorer::model::OrgKind;
use common::{
    assert_not_shown, click, d, england, export_beside_window, go_to, harness_with, kent, wait_for,
};
use egui_kittest::kittest::Queryable;

fn map_on(date: &str) -> AppOptions {
    AppOptions {
        view: Some(CentralTab::Map),
        ..common::on_date(date)
    }
}

#[test]
fn the_map_draws_the_record_s_commissioners_on_each_era_s_date() {
    let tl = england();
    let mut h = harness_with(map_on("2019-04-01"));
    for (date, areas, label) in [
        (
            "2019-04-01",
            191,
            "191 CCG areas in 42 systems on 1 Apr 2019",
        ),
        (
            "2020-04-01",
            135,
            "135 CCG areas in 42 systems on 1 Apr 2020",
        ),
        (
            "2022-07-01",
            106,
            "106 sub-ICB location areas in 42 ICBs on 1 Jul 2022",
        ),
    ] {
        go_to(&mut h, date);
        wait_for(&mut h, |a| a.map_drawn() == areas);
        let c = tl.counts_at(d(date));
        assert_eq!(h.state().map_drawn(), c.ccg + c.sub_icb_location, "{date}");
        h.get_by_label(label);
    }
    // 42 ICBs on the last date, as the record says.
    assert_eq!(tl.counts_at(d("2022-07-01")).icb, 42);
}

#[test]
fn clicking_torbay_in_2018_selects_the_place_and_its_details_name_its_ccg() {
    let mut h = harness_with(map_on("2018-06-01"));
    wait_for(&mut h, |a| a.map_drawn() == 195);
    // Paignton, in Torbay.
    let at = h.state().map_screen_point(-3.58, 50.44).unwrap();
    assert_not_shown(&h, "NHS South Devon and Torbay CCG (99Q)");
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
    let tl = england();
    let torbay = tl.snapshot().find(OrgKind::Place, "E06000027").unwrap();
    assert_eq!(h.state().selection(), Some(torbay));
    // The details of the place link to the CCG that served it.
    h.get_by_label("NHS South Devon and Torbay CCG (99Q)");
}

#[test]
fn a_scenario_merging_kent_in_2018_shows_one_kent_area() {
    let mut h = common::harness_sized(
        [1100.0, 760.0],
        AppOptions {
            scenario: Some(kent()),
            ..map_on("2018-06-01")
        },
    );
    // The record has 195 CCGs that day; the scenario's Kent is one area of eight.
    wait_for(&mut h, |a| a.map_drawn() == 188);
    h.get_by_label("188 CCG areas in 42 systems on 1 Jun 2018");
    h.snapshot("map_kent_scenario_2018");
    assert!(
        h.query_by_label_contains("outlined: scenario (not the record)")
            .is_some()
    );
}

#[test]
fn the_hex_map_has_a_hex_for_every_place() {
    let mut h = common::harness_sized([1100.0, 760.0], map_on("2019-04-01"));
    wait_for(&mut h, |a| a.map_drawn() == 191);
    click(&mut h, "Show:");
    click(&mut h, "places as hexes");
    wait_for(&mut h, |a| a.map_drawn() == 152);
    assert!(
        h.query_by_label_contains("split into wedges by share")
            .is_some()
    );
    h.get_by_label("152 places as hexes, each coloured by who serves most of it (191 commissioners in 42 systems on 1 Apr 2019)");
    h.snapshot("map_place_hexes_2019");
}

#[test]
fn the_map_exports_as_a_cropped_png_of_the_map_tab() {
    use ccg_explorer::app::export::ExportKind;
    let dir = tempfile::tempdir().unwrap();
    // Started on another tab: the export shows the map, once its geography is read.
    let mut h = harness_with(AppOptions {
        autosave_dir: Some(dir.path().to_path_buf()),
        ..common::on_date("2019-04-01")
    });
    let (part, full) = export_beside_window(&mut h, dir.path(), ExportKind::Map, "map.png");
    assert_eq!(h.state().central_tab(), CentralTab::Map);
    assert_eq!(h.state().map_drawn(), 191);
    assert!(part.width() < full.width() && part.height() < full.height());
    assert!(part.width() > 400 && part.height() > 400);
    // The picture is of the map: many colours (areas), not a waiting message.
    let mut colours: Vec<[u8; 4]> = part.pixels().map(|p| p.0).collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 40, "{} colours", colours.len());
}
