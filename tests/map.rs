//! The map's model: which commissioner holds each area on a date, counted against the
//! record, with scenarios and places.

mod common;

use ccg_explorer::geo::Geography;
use ccg_explorer::geo::frame::{NoMap, map_frame};
use ccg_explorer::model::OrgKind;
use ccg_explorer::model::Timeline;
use ccg_explorer::model::load::load_raw;
use ccg_explorer::model::scenario::{apply, parse_scenario};
use common::{d, england};

#[test]
fn the_map_draws_as_many_areas_as_the_record_has_commissioners() {
    let tl = england();
    let geo = Geography::england().unwrap();
    for (date, areas, systems) in [
        ("2013-04-01", 211, 0),
        ("2018-06-01", 195, 42),
        ("2019-04-01", 191, 42),
        ("2020-04-01", 135, 42),
        ("2022-07-01", 106, 42),
    ] {
        let f = map_frame(&tl, &geo, d(date)).unwrap();
        let c = tl.counts_at(d(date));
        let commissioners = c.ccg + c.sub_icb_location;
        assert_eq!(f.orgs.len(), areas, "{date}");
        assert_eq!(f.orgs.len(), commissioners, "{date}: the record's count");
        assert_eq!(f.unheld, 0, "{date}");
        assert_eq!(f.systems.len(), systems, "{date}");
        assert_eq!(f.systems.len(), c.system, "{date}: the record's systems");
    }
}

#[test]
fn torbay_in_2018_is_served_by_south_devon_and_torbay() {
    let tl = england();
    let geo = Geography::england().unwrap();
    let f = map_frame(&tl, &geo, d("2018-06-01")).unwrap();
    let s = tl.snapshot();
    let p = geo.places.area_coded("E06000027").unwrap();
    assert_eq!(geo.places.areas[p].name, "Torbay");
    assert_eq!(f.places[p], s.find(OrgKind::Place, "E06000027"));
    let served = &f.served[p].by;
    assert_eq!(s.org(served[0].0).code, "99Q");
    // A year later, the merged Devon CCG.
    let f = map_frame(&tl, &geo, d("2019-06-01")).unwrap();
    assert_eq!(s.org(f.served[p].by[0].0).code, "15N");
}

#[test]
fn a_scenario_merger_is_one_area() {
    let raw = load_raw(ccg_explorer::ENGLAND_RON).unwrap().0;
    let text = std::fs::read_to_string(common::kent()).unwrap();
    let sc = parse_scenario(&text).unwrap();
    let (_, loaded) = apply(&raw, &sc).unwrap();
    let tl = Timeline::new(loaded.snapshot);
    let geo = Geography::england().unwrap();
    let f = map_frame(&tl, &geo, d("2018-06-01")).unwrap();
    let s = tl.snapshot();
    let kent = s.find(OrgKind::Ccg, "KM18").unwrap();
    let held: Vec<&str> = geo.eras[f.era]
        .areas
        .iter()
        .zip(&f.holders)
        .filter(|(_, h)| h.as_ref().is_some_and(|h| h.org == kent))
        .map(|(a, _)| a.code.as_str())
        .collect();
    assert_eq!(held.len(), 8, "{held:?}");
    // Seven fewer areas than the record on that day.
    let actual = map_frame(&england(), &geo, d("2018-06-01")).unwrap();
    assert_eq!(actual.orgs.len() - f.orgs.len(), 7);
    // Without the scenario, Kent is eight.
    assert!(
        actual
            .orgs
            .iter()
            .all(|o| england().snapshot().org(*o).code != "KM18")
    );
}

#[test]
fn no_map_before_the_first_ccgs_or_for_a_snapshot_without_english_codes() {
    let tl = england();
    let geo = Geography::england().unwrap();
    assert!(matches!(
        map_frame(&tl, &geo, d("2012-06-01")),
        Err(NoMap::TooEarly(_))
    ));
    let tiny = std::fs::read_to_string(common::project_file("assets/examples/tiny.ron")).unwrap();
    let tiny = Timeline::new(ccg_explorer::model::load_str(&tiny).unwrap().snapshot);
    let (from, _) = tiny.snapshot().span();
    let err = map_frame(&tiny, &geo, from.max(d("2016-01-01"))).unwrap_err();
    assert!(matches!(err, NoMap::NoGeography(_)));
    assert!(err.to_string().contains("No geography in this snapshot"));
}

#[test]
fn after_april_2026_the_map_has_36_icbs_and_frimley_s_split_is_marked_approximate() {
    let tl = england();
    let geo = Geography::england().unwrap();
    let s = tl.snapshot();
    for (date, icbs) in [("2026-03-31", 42), ("2026-04-01", 36), ("2026-11-25", 36)] {
        let f = map_frame(&tl, &geo, d(date)).unwrap();
        let c = tl.counts_at(d(date));
        assert_eq!(f.orgs.len(), c.sub_icb_location, "{date}");
        assert_eq!(f.orgs.len(), 106, "{date}");
        assert_eq!(f.systems.len(), icbs, "{date}");
        assert_eq!(f.unheld, 0, "{date}");
    }
    // D4U1Y's area is shared by its three successors, drawn approximately.
    let f = map_frame(&tl, &geo, d("2026-04-01")).unwrap();
    let era = &geo.eras[f.era];
    let i = era.area_coded("D4U1Y").unwrap();
    let h = f.holder(i).unwrap();
    let mut all: Vec<&str> = std::iter::once(h.org)
        .chain(h.split_with.iter().copied())
        .map(|o| s.org(o).code.as_str())
        .collect();
    all.sort();
    assert_eq!(all, ["92A", "D9Y0V", "U2G6B"]);
    // The day before, it is still D4U1Y's own and whole.
    let f = map_frame(&tl, &geo, d("2026-03-31")).unwrap();
    let h = f.holder(i).unwrap();
    assert_eq!(s.org(h.org).code, "D4U1Y");
    assert!(h.split_with.is_empty());
}
