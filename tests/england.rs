//! Data truth: the embedded England snapshot reproduces the published record.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use ccg_explorer::model::timeline::{PlaceNode, Served};
use ccg_explorer::model::{LinkKind, OrgKind, Timeline, Tree, load_str};
use common::cli::{assert_counts_at, at_json, bin};
use common::d;

fn england() -> Timeline {
    let loaded = load_str(ccg_explorer::ENGLAND_RON).expect("the embedded snapshot loads");
    assert!(
        loaded.warnings.is_empty(),
        "warnings: {:?}",
        loaded.warnings
    );
    Timeline::new(loaded.snapshot)
}

/// Every place row of `tree`, system by system (a place split between systems is in
/// each).
fn place_rows(tree: &Tree) -> impl Iterator<Item = &PlaceNode> {
    tree.systems.iter().flat_map(|sys| &sys.places)
}

/// The distinct commissioners that `of` lists for the places of `tree`.
fn distinct(tree: &Tree, of: fn(&PlaceNode) -> &Vec<Served>) -> BTreeSet<u32> {
    place_rows(tree)
        .flat_map(of)
        .map(|c| c.commissioner.0)
        .collect()
}

#[test]
fn cli_counts_ccgs_on_every_first_of_april() {
    let expected = [211, 211, 209, 209, 207, 195, 191, 135, 106];
    for (year, want) in (2013..=2021).zip(expected) {
        assert_counts_at(&format!("{year}-04-01"), &[("ccg", want), ("icb", 0)]);
    }
}

#[test]
fn cli_shows_icbs_and_no_ccgs_from_july_2022() {
    assert_counts_at(
        "2022-07-01",
        &[
            ("ccg", 0),
            ("icb", 42),
            ("sub_icb_location", 106),
            ("place", 152),
        ],
    );
    // The day before, the last CCGs still stand.
    assert_counts_at("2022-06-30", &[("ccg", 106), ("icb", 0)]);
}

#[test]
fn cli_counts_systems_44_then_42() {
    assert_eq!(at_json("2017-04-01")["counts"]["system"], 44);
    assert_eq!(at_json("2018-04-01")["counts"]["system"], 42);
    for year in 2019..=2021 {
        assert_eq!(at_json(&format!("{year}-04-01"))["counts"]["system"], 42);
    }
    // STPs appear in the record from April 2017 only.
    assert_eq!(at_json("2017-03-31")["counts"]["system"], 0);
}

#[test]
fn cli_json_counts_has_the_documented_keys() {
    let v = at_json("2019-04-01");
    for key in ["ccg", "system", "icb", "place", "neighbourhood"] {
        assert!(v["counts"][key].is_u64(), "counts.{key} missing in {v}");
    }
}

#[test]
fn cli_lineage_of_99q_reaches_devon_icb() {
    let out = bin().args(["lineage", "99Q"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("NHS South Devon and Torbay CCG (99Q)"),
        "{text}"
    );
    assert!(
        text.contains("2019-04-01 merger: NHS Northern, Eastern and Western Devon CCG (99P) + NHS South Devon and Torbay CCG (99Q) -> NHS Devon CCG (15N)"),
        "{text}"
    );
    assert!(
        text.contains("2022-07-01 abolished: NHS Devon CCG (15N) -> NHS Devon Integrated Care Board (QJK) as sub-ICB location 15N"),
        "{text}"
    );
    let merger = text.find("2019-04-01").unwrap();
    let abolition = text.find("2022-07-01").unwrap();
    assert!(merger < abolition, "steps in date order: {text}");
}

#[test]
fn cli_lineage_of_unknown_code_is_a_clear_usage_error() {
    let out = bin().args(["lineage", "ZZZ"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no organisation has the code 'ZZZ'"), "{err}");
}

#[test]
fn every_merger_is_in_the_record() {
    let tl = england();
    let s = tl.snapshot();
    // Mergers of CCGs (the ICB mergers of April 2026 are checked in tests/icb_era.rs).
    let merges: Vec<_> = tl
        .events()
        .iter()
        .filter(|e| {
            e.kind == ccg_explorer::model::format::EventKind::Merge
                && s.org(e.to).kind == OrgKind::Ccg
        })
        .collect();
    assert_eq!(merges.len(), 37);
    let sources: usize = merges.iter().map(|e| e.from.len()).sum();
    assert_eq!(sources, 142, "142 predecessors in all");
    let april_2020: Vec<_> = merges
        .iter()
        .filter(|e| e.date == d("2020-04-01"))
        .collect();
    assert_eq!(april_2020.len(), 18, "18 new CCGs in April 2020");
    assert_eq!(
        april_2020.iter().map(|e| e.from.len()).sum::<usize>(),
        74,
        "from 74"
    );
    // Every merger source ends the day before; every new CCG starts that day.
    for e in &merges {
        for f in &e.from {
            assert_eq!(
                s.org(*f).to,
                e.date.pred_opt().unwrap(),
                "{}",
                s.org(*f).code
            );
        }
        assert_eq!(s.org(e.to).from, e.date);
    }
    // The chain 10G -> 15D -> D4U1Y, then Frimley's sub-ICB location, split three
    // ways on 1 April 2026.
    let ccg = |c: &str| s.find(OrgKind::Ccg, c).unwrap();
    let lineage = tl.lineage(ccg("10G"));
    let tos: Vec<&str> = lineage
        .steps
        .iter()
        .map(|st| s.org(st.to).code.as_str())
        .collect();
    assert_eq!(tos, ["15D", "D4U1Y", "QNQ", "92A", "D9Y0V", "U2G6B"]);
}

/// The sets of CCGs alive on each 1 April, and their systems, equal the published
/// CCG to STP lookups copied into assets/sources.
#[test]
fn ics_membership_matches_the_published_lookups() {
    let tl = england();
    let s = tl.snapshot();
    let mut rdr = csv::Reader::from_path("assets/sources/ccg_stp_membership.csv").unwrap();
    let mut published: BTreeMap<i32, BTreeMap<String, String>> = BTreeMap::new();
    for row in rdr.deserialize::<BTreeMap<String, String>>() {
        let row = row.unwrap();
        published
            .entry(row["year"].parse().unwrap())
            .or_default()
            .insert(row["ccg_ods_code"].clone(), row["stp_ons_code"].clone());
    }
    assert_eq!(published.len(), 5);
    for (year, members) in &published {
        let state = tl.state_at(d(&format!("{year}-04-01")));
        let mut ours: BTreeMap<String, String> = BTreeMap::new();
        for l in state.links(LinkKind::CcgSystem) {
            let l = s.link(l);
            let prev = ours.insert(s.org(l.a).code.clone(), s.org(l.b).code.clone());
            assert!(
                prev.is_none(),
                "{} in two systems in {year}",
                s.org(l.a).code
            );
        }
        assert_eq!(&ours, members, "CCG -> system on 1 April {year}");
        let alive: BTreeSet<String> = state
            .alive(OrgKind::Ccg)
            .map(|c| s.org(c).code.clone())
            .collect();
        let listed: BTreeSet<String> = members.keys().cloned().collect();
        assert_eq!(alive, listed, "CCGs alive on 1 April {year}");
    }
}

/// Walks every day from 2013-04-01 to 2022-06-30: every place is served by at least
/// one CCG, and the shares per place sum to 1.
#[test]
fn every_place_is_served_on_every_day_and_shares_sum_to_one() {
    let tl = england();
    let s = tl.snapshot();
    let places: Vec<_> = (0..s.orgs.len())
        .map(|i| ccg_explorer::model::OrgId(i as u32))
        .filter(|id| s.org(*id).kind == OrgKind::Place)
        .collect();
    assert_eq!(places.len(), 152);
    let mut day = d("2013-04-01");
    let last = d("2022-06-30");
    let mut days = 0;
    while day <= last {
        let state = tl.state_at(day);
        let mut sums: BTreeMap<u32, f64> = BTreeMap::new();
        for l in state.links(LinkKind::CcgPlace) {
            let l = s.link(l);
            assert!(
                state.is_alive(l.a),
                "{day}: serving CCG {} is alive",
                s.org(l.a).code
            );
            *sums.entry(l.b.0).or_default() += l.share;
        }
        for p in &places {
            let sum = sums.get(&p.0).copied().unwrap_or(0.0);
            assert!(
                (sum - 1.0).abs() < 0.001,
                "{day}: place {} served with shares summing to {sum}",
                s.org(*p).code
            );
        }
        day = day.succ_opt().unwrap();
        days += 1;
    }
    assert_eq!(days, 3378);
}

#[test]
fn after_july_2022_sub_icb_locations_serve_every_place() {
    let tl = england();
    let state = tl.state_at(d("2022-07-01"));
    let tree = state.tree();
    assert_eq!(tree.systems.len(), 42, "one group per ICB");
    assert!(tree.systems.iter().all(|s| s.system.is_some()));
    let places: BTreeSet<u32> = place_rows(&tree).map(|p| p.place.0).collect();
    assert_eq!(places.len(), 152);
}

#[test]
fn the_tree_on_1_april_2019_is_complete() {
    let tl = england();
    let s = tl.snapshot();
    let tree = tl.state_at(d("2019-04-01")).tree();
    assert_eq!(tree.systems.len(), 42);
    let commissioners = distinct(&tree, |p| &p.served_by);
    assert_eq!(commissioners.len(), 191, "every CCG serves a place");
    // Torbay is served by NHS Devon CCG alone.
    let torbay = place_rows(&tree)
        .find(|p| s.org(p.place).name == "Torbay")
        .unwrap();
    assert_eq!(torbay.served_by.len(), 1);
    assert_eq!(s.org(torbay.served_by[0].commissioner).code, "15N");
    // Before PCNs began there are no neighbourhoods; from July 2019 all 1,254 appear once or more.
    assert!(place_rows(&tree).all(|p| p.neighbourhoods.is_empty()));
    let later = tl.state_at(d("2020-04-01")).tree();
    assert_eq!(distinct(&later, |p| &p.neighbourhoods).len(), 1254);
}

/// The committed assets/england.ron is exactly what the importer builds from
/// assets/sources. If this fails, run `cargo run --release -- import` and commit.
#[test]
fn regenerating_the_england_snapshot_gives_the_committed_file() {
    let snap = ccg_explorer::import::build_england(std::path::Path::new("assets/sources")).unwrap();
    let text = ccg_explorer::import::to_ron(&snap).unwrap();
    assert_committed(
        text.as_bytes(),
        "assets/england.ron",
        ccg_explorer::ENGLAND_RON.as_bytes(),
    );
}

/// Fails unless what the importer `built` is the committed file at `path`, byte for
/// byte, and the binary `embeds` that file; returns the file.
fn assert_committed(built: &[u8], path: &str, embeds: &[u8]) -> Vec<u8> {
    let committed = std::fs::read(path).unwrap();
    assert!(
        built == committed,
        "{path} is stale: run `cargo run --release -- import`"
    );
    assert!(committed == embeds, "the binary embeds the committed file");
    committed
}

#[test]
fn estimated_figures_stay_labelled() {
    use ccg_explorer::model::Provenance;
    let tl = england();
    let s = tl.snapshot();
    // The 2013 boundary overlay cells are estimates.
    let overlay: Vec<_> = s
        .links
        .iter()
        .filter(|l| l.source == "ESTIMATED_BY_2013_BOUNDARY_OVERLAY")
        .collect();
    assert_eq!(overlay.len(), 6);
    assert!(overlay.iter().all(|l| l.basis == Provenance::Estimated));
    // Derived populations (sums of predecessors) are labelled derived.
    let north_east_london = s.org(s.find(OrgKind::Ccg, "A3A8R").unwrap());
    assert_eq!(
        north_east_london.population.as_ref().unwrap().basis,
        Provenance::Derived
    );
    // Neighbourhood membership carried back from 2022 is estimated.
    assert!(
        s.links
            .iter()
            .filter(|l| l.kind == LinkKind::NeighbourhoodPlace)
            .all(|l| l.basis == Provenance::Estimated)
    );
}

/// The committed assets/england.geo (the map's geography) is exactly what the importer
/// builds from assets/sources/geo, and the binary embeds it. If this fails, run
/// `cargo run --release -- import` and commit.
#[test]
fn regenerating_the_england_geography_gives_the_committed_file() {
    let file = ccg_explorer::geo::build::build(std::path::Path::new("assets/sources")).unwrap();
    let bytes = ccg_explorer::geo::build::to_bytes(&file).unwrap();
    let committed = assert_committed(&bytes, "assets/england.geo", ccg_explorer::geo::ENGLAND_GEO);
    // And it reads back: nine eras, 152 places.
    let g = ccg_explorer::geo::Geography::new(&committed).unwrap();
    assert_eq!((g.eras.len(), g.places.areas.len()), (9, 152));
}
