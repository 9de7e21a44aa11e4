//! Shared management beside formal mergers, every figure's basis, and the July 2022
//! record: what the command line and the model say, checked against the snapshot's own
//! rows by code written here, not by the model's.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use ccg_explorer::model::format::{ArrangementKind, RawSnapshot};
use ccg_explorer::model::load::parse_str;
use ccg_explorer::model::{Date, FinancialYear, OrgKind, Provenance};
use common::cli::{assert_counts_at, changes_of, cli, cli_json};
use common::{d, england};

fn raw() -> RawSnapshot {
    parse_str(ccg_explorer::ENGLAND_RON).unwrap()
}

/// The CCGs sharing leadership and the leadership teams on `day`, worked out from the
/// raw rows: CCG (and, from July 2022, ICB) lives and arrangements, linked by
/// breadth-first search. An ICB cluster that reaches into part of another ICB's area
/// shares the leadership of its one member, but links no other ICB.
fn naive_leadership(raw: &RawSnapshot, day: Date) -> (usize, usize) {
    let (ccgs, _, teams) = naive_leadership_of_bodies(raw, day);
    (ccgs, teams)
}

/// (CCGs sharing leadership, ICBs sharing leadership, leadership teams) on `day`.
fn naive_leadership_of_bodies(raw: &RawSnapshot, day: Date) -> (usize, usize, usize) {
    let lives = |list: &Vec<ccg_explorer::model::format::RawOrg>| -> BTreeSet<String> {
        list.iter()
            .filter(|c| c.from <= day && c.to.is_none_or(|t| day <= t))
            .map(|c| c.code.clone())
            .collect()
    };
    let (ccgs, icbs) = (lives(&raw.ccgs), lives(&raw.icbs));
    let alive: BTreeSet<&str> = ccgs.iter().chain(&icbs).map(String::as_str).collect();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in &raw.shared_management {
        let holds = a.from <= day && a.to.is_none_or(|t| day <= t);
        if !holds || a.kind == ArrangementKind::JointCommittee {
            continue;
        }
        if a.members.len() + a.part_members.len() < 2 {
            continue;
        }
        for x in &a.members {
            edges.entry(x).or_default();
            for y in &a.members {
                if x != y {
                    edges.entry(x).or_default().insert(y);
                }
            }
        }
    }
    let sharing = |set: &BTreeSet<String>| {
        set.iter()
            .filter(|c| edges.contains_key(c.as_str()))
            .count()
    };
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut teams = 0;
    for c in &alive {
        if !seen.insert(c) {
            continue;
        }
        teams += 1;
        let mut queue = vec![*c];
        while let Some(x) = queue.pop() {
            for y in edges.get(x).into_iter().flatten() {
                if seen.insert(y) {
                    queue.push(y);
                }
            }
        }
    }
    (sharing(&ccgs), sharing(&icbs), teams)
}

#[test]
fn leadership_counts_match_a_count_from_the_rows_every_april_and_october() {
    let tl = england();
    let raw = raw();
    let mut checked = 0;
    for year in 2015..=2022 {
        for (month, day) in [(4, 1), (10, 1)] {
            let date = Date::from_ymd_opt(year, month, day).unwrap();
            let (sharing, teams) = naive_leadership(&raw, date);
            let c = tl.counts_at(date);
            assert_eq!(
                (c.ccgs_sharing_leadership, c.leadership_teams),
                (sharing, teams),
                "{date}"
            );
            // The command line gives the same in its JSON counts.
            let v = cli_json(&["at", &date.to_string(), "--format", "json"]);
            assert_eq!(v["counts"]["ccgs_sharing_leadership"], sharing, "{date}");
            assert_eq!(v["counts"]["leadership_teams"], teams, "{date}");
            checked += 1;
        }
    }
    assert_eq!(checked, 16);
    // Every day an arrangement begins or ends, and the day before, agrees too.
    for day in tl.sharing_days() {
        for date in [*day, day.pred_opt().unwrap()] {
            let c = tl.counts_at(date);
            assert_eq!(
                (c.ccgs_sharing_leadership, c.leadership_teams),
                naive_leadership(&raw, date),
                "{date}"
            );
        }
    }
    assert!(tl.sharing_days().len() > 20, "{}", tl.sharing_days().len());
    // Sharing is real in the record: on the day of the "127 CCGs" report, a hundred and
    // more CCGs shared leadership, so there were far fewer teams than CCGs.
    let c = tl.counts_at(d("2019-06-01"));
    assert!(c.ccgs_sharing_leadership > 100, "{c:?}");
    assert!(c.leadership_teams < c.ccg - 50, "{c:?}");
    // No CCGs after July 2022: the leadership teams are the ICBs', 42 until the
    // clusters of 2025 (the record's end moved from July 2022 to November 2026).
    assert_eq!(tl.counts_at(d("2022-07-01")).leadership_teams, 42);
    assert_eq!(tl.counts_at(d("2022-07-01")).ccgs_sharing_leadership, 0);
    // From July 2022 to the record's end, ICBs too agree with the rows.
    for year in 2022..=2026 {
        for (month, day) in [(4, 1), (7, 1), (10, 1)] {
            let date = Date::from_ymd_opt(year, month, day).unwrap();
            let c = tl.counts_at(date);
            assert_eq!(
                (
                    c.ccgs_sharing_leadership,
                    c.icbs_sharing_leadership,
                    c.leadership_teams
                ),
                naive_leadership_of_bodies(&raw, date),
                "{date}"
            );
        }
    }
}

#[test]
fn the_text_and_csv_at_a_date_carry_the_sharing_and_the_bases() {
    let text = cli(&["at", "2019-06-01"]);
    assert!(
        text.contains(
            "Shared management: 191 CCGs, of which 118 share leadership: 101 leadership teams"
        ),
        "{text}"
    );
    assert!(text.contains("≈ marks a share or membership that is not published"));
    // A derived share of part of a place is marked; a whole place is not; shared
    // leadership is named; estimated neighbourhood memberships are marked.
    let text = cli(&["at", "2018-06-01"]);
    assert!(
        text.contains(
            "  Devon (E10000008): NHS Northern, Eastern and Western Devon CCG (99P) ≈79.9% \
             [leadership shared with 99Q], NHS South Devon and Torbay CCG (99Q) ≈20.1% \
             [leadership shared with 99P]"
        ),
        "{text}"
    );
    assert!(
        text.contains("  Torbay (E06000027): NHS South Devon and Torbay CCG (99Q) [leadership shared with 99P]\n"),
        "{text}"
    );
    let text = cli(&["at", "2020-01-01"]);
    assert!(text.contains("    ≈HARTLEPOOL PCN (U70212)\n"), "{text}");
    let csv = cli(&["at", "2018-06-01", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    // The ICB era's columns come after the older ones, which keep their places.
    assert!(
        header.contains(
            ",basis,source,leadership_team,place_note,ccgs_sharing_leadership,leadership_teams,"
        ),
        "{header}"
    );
    assert!(
        header.ends_with(",icb,icb_basis,icbs_sharing_leadership"),
        "{header}"
    );
    // The day's counts are on every row, as the date is.
    let c = england().counts_at(d("2018-06-01"));
    let counts = format!(",{},{},", c.ccgs_sharing_leadership, c.leadership_teams);
    assert!(csv.lines().skip(1).all(|l| l.contains(&counts)), "{counts}");
    assert!(
        csv.lines().skip(1).all(|l| l.ends_with(",0")),
        "no ICB shares on 1 Jun 2018"
    );
    // 99P and 99Q shared an accountable officer then: each row names the team.
    let row = csv
        .lines()
        .find(|l| l.contains(",99Q,"))
        .expect("a 99Q row on 1 Jun 2018");
    assert!(row.contains("99P;99Q"), "{row}");
}

#[test]
fn estimated_relations_are_marked_estimated_in_json_and_csv() {
    // The 2013-15 cells of five CCGs come from a boundary overlay: estimated.
    let v = cli_json(&["at", "2014-01-01", "--format", "json"]);
    let mut bases: BTreeMap<String, String> = BTreeMap::new();
    for sys in v["systems"].as_array().unwrap() {
        for p in sys["places"].as_array().unwrap() {
            for c in p["served_by"].as_array().unwrap() {
                let code = c["code"].as_str().unwrap().to_string();
                bases.insert(code, c["basis"].as_str().unwrap().to_string());
                assert!(c["source"].is_string());
            }
        }
    }
    for code in ["00F", "00G", "00H", "09G", "09N"] {
        assert_eq!(
            bases.get(code).map(String::as_str),
            Some("estimated"),
            "{code}"
        );
    }
    assert_eq!(bases.get("15N"), None, "15N did not exist in 2014");
    assert_eq!(bases.get("99P").map(String::as_str), Some("derived"));
    let csv = cli(&["at", "2014-01-01", "--format", "csv"]);
    let row = csv.lines().find(|l| l.contains(",00F,")).unwrap();
    assert!(
        row.contains(",estimated,ESTIMATED_BY_2013_BOUNDARY_OVERLAY,"),
        "{row}"
    );
    // Neighbourhood membership before 2022 is an estimate (January 2022 carried back).
    let v = cli_json(&["at", "2020-01-01", "--format", "json"]);
    let n = &v["systems"][0]["places"][0]["neighbourhoods"][0];
    assert_eq!(n["basis"], "estimated", "{n}");
    // Places shown before their council existed say so.
    let v = cli_json(&["at", "2018-04-01", "--format", "json"]);
    let places: Vec<&serde_json::Value> = v["systems"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["places"].as_array().unwrap())
        .collect();
    let north = places
        .iter()
        .find(|p| p["code"] == "E06000061")
        .expect("North Northamptonshire");
    assert!(
        north["note"]
            .as_str()
            .unwrap()
            .contains("the council of this name began on 1 Apr 2021"),
        "{north}"
    );
    let kent = places.iter().find(|p| p["code"] == "E10000016").unwrap();
    assert!(kent.get("note").is_none(), "Kent's council existed: {kent}");
}

#[test]
fn lineage_names_shared_management_before_the_merger() {
    let text = cli(&["lineage", "99Q"]);
    assert!(
        text.contains(
            "shared management: NHS Northern, Eastern and Western Devon CCG (99P) and NHS South Devon \
             and Torbay CCG (99Q) shared an accountable officer from December 2017 (month only, \
             inferred) to 31 Mar 2019, then merged on 1 Apr 2019 into NHS Devon CCG (15N)"
        ),
        "{text}"
    );
    // In date order: the sharing comes before the merger.
    let sharing_at = text.find("shared an accountable officer").unwrap();
    let merger_at = text.find("2019-04-01 merger").unwrap();
    assert!(sharing_at < merger_at);
    // Devon's lineage carries its predecessors' arrangement.
    assert!(
        cli(&["lineage", "15N"]).contains("99P) and NHS South Devon and Torbay CCG (99Q) shared")
    );
    let v = cli_json(&["lineage", "99Q", "--format", "json"]);
    let sm = v["shared_management"].as_array().unwrap();
    assert!(!sm.is_empty());
    let devon = sm
        .iter()
        .find(|a| a["members"].as_array().unwrap().len() == 2)
        .unwrap();
    assert_eq!(devon["kind"], "shared accountable officer");
    assert_eq!(devon["from_precision"], "month");
    assert_eq!(devon["to"], "2019-03-31");
    assert_eq!(devon["then_merged"]["into"], "15N");
}

#[test]
fn compare_lists_shared_management_that_began_and_ended() {
    let v = cli_json(&["compare", "2016-04-01", "2018-04-01", "--format", "json"]);
    let began = changes_of(&v, "shared-management-began");
    assert!(!began.is_empty());
    for c in &began {
        let a = &c["arrangement"];
        let from = a["from"].as_str().unwrap();
        assert!(("2016-04-02"..="2018-04-01").contains(&from), "{c}");
        assert_eq!(c["from"], a["members"]);
    }
    // Devon's shared accountable officer (December 2017) is among them.
    assert!(began.iter().any(|c| {
        let m = c["from"].as_array().unwrap();
        m.len() == 2 && m.contains(&"99P".into()) && m.contains(&"99Q".into())
    }));
    // Ended: counted the day after the last day.
    let v = cli_json(&["compare", "2019-03-01", "2019-04-01", "--format", "json"]);
    let ended = changes_of(&v, "shared-management-ended");
    assert!(
        ended
            .iter()
            .any(|c| c["from"].as_array().unwrap().contains(&"99Q".into()))
    );
    assert!(ended.iter().all(|c| c["date"] == "2019-04-01"));
}

#[test]
fn from_july_2022_the_systems_go_on_and_the_moved_lsoas_are_served_by_their_new_sub_icb_location() {
    assert_counts_at(
        "2022-07-01",
        &[("system", 42), ("icb", 42), ("sub_icb_location", 106)],
    );
    let csv = cli(&["at", "2022-07-01", "--format", "csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    let serves = |code: &str, place: &str| {
        rows.iter()
            .find(|r| r.contains(&format!(",{place},")) && r.contains(&format!(",{code},")))
            .copied()
    };
    // West Birmingham, Glossop and part of North Northamptonshire moved on 1 July 2022.
    assert_eq!(
        serves("D2P2L", "E08000025"),
        None,
        "no D2P2L row for Birmingham"
    );
    assert_eq!(
        serves("01Y", "E10000007"),
        None,
        "no 01Y row for Derbyshire"
    );
    assert_eq!(
        serves("06H", "E06000061"),
        None,
        "no 06H row for North Northamptonshire"
    );
    for (code, place) in [
        ("15E", "E08000025"),
        ("15M", "E10000007"),
        ("78H", "E06000061"),
    ] {
        let row = serves(code, place).unwrap_or_else(|| panic!("{code} serves {place}"));
        assert!(row.contains(",1.0000,"), "{row}");
        assert!(row.contains(",derived,"), "{row}");
    }
    // The day before, the CCGs still had them.
    let before = cli(&["at", "2022-06-30", "--format", "csv"]);
    assert!(
        before
            .lines()
            .any(|r| r.contains(",E08000025,") && r.contains(",D2P2L,"))
    );
    // Every place is still served in whole from July 2022.
    let tl = england();
    let state = tl.state_at(d("2022-07-01"));
    let tree = state.tree();
    let mut total: BTreeMap<ccg_explorer::model::OrgId, f64> = BTreeMap::new();
    for sys in &tree.systems {
        for p in &sys.places {
            for c in &p.served_by {
                *total.entry(p.place).or_default() += c.share;
            }
        }
    }
    assert_eq!(total.len(), 152);
    for (p, t) in total {
        assert!(
            (t - 1.0).abs() < 0.002,
            "{:?} {t}",
            tl.snapshot().org(p).code
        );
    }
}

#[test]
fn compare_across_july_2022_lists_bassetlaw_moving_and_the_boundary_changes() {
    let v = cli_json(&["compare", "2022-06-30", "2022-07-01", "--format", "json"]);
    let of = |kind: &str| changes_of(&v, kind);
    let moved = of("moved-system");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["to"], "02Q");
    assert_eq!(moved[0]["left"], "E54000009");
    assert_eq!(moved[0]["into"], "E54000014");
    let boundary: BTreeSet<String> = of("boundary-change")
        .iter()
        .map(|c| c["to"].as_str().unwrap().to_string())
        .collect();
    let want: BTreeSet<String> = ["15E", "D2P2L", "15M", "01Y", "78H", "06H"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(boundary, want);
    assert_eq!(of("became-sub-icb-location").len(), 106);
    assert_eq!(v["counts"]["b"]["system"], 42);
}

#[test]
fn compare_counts_mergers_from_the_events_whatever_exists_on_b() {
    let text = cli(&["compare", "2013-04-01", "2022-07-01"]);
    assert!(!text.contains("No mergers"), "{text}");
    assert!(text.contains("37 mergers:"), "{text}");
    let v = cli_json(&["compare", "2013-04-01", "2022-07-01", "--format", "json"]);
    assert_eq!(v["mergers"], 37);
    // Within the CCG era the net change is given too.
    let text = cli(&["compare", "2019-04-01", "2020-04-01"]);
    assert!(
        text.contains("18 mergers: 18 new CCGs formed from 74"),
        "{text}"
    );
    // No merger at all says so.
    let text = cli(&["compare", "2022-07-01", "2022-08-01"]);
    assert!(text.contains("No mergers between these dates"), "{text}");
}

#[test]
fn costs_carry_the_basis_of_every_column_and_englands_published_total() {
    let v = cli_json(&["costs", "--format", "json"]);
    let years = v["years"].as_array().unwrap();
    let y13 = years.iter().find(|y| y["year"] == "2013/14").unwrap();
    let total = y13["national_total"]["gbp"].as_f64().unwrap();
    assert!((total - 1.35e9).abs() < 0.01e9, "{total}");
    assert_eq!(y13["national_total"]["basis"], "published");
    for y in years {
        for col in [
            "allowance_basis",
            "baseline_basis",
            "target_basis",
            "structural_saving_basis",
            "modelled_cost_basis",
            "saving_share_basis",
            "gap_basis",
        ] {
            assert!(y[col].is_string(), "{col} in {y}");
        }
        assert_eq!(y["structural_saving_basis"], "modelled");
    }
    // The labels follow RUNNING_COSTS.md: 2014/15's total is sourced, 2016/17's and
    // 2017/18's derived.
    let basis = |fy: &str| {
        years.iter().find(|y| y["year"] == fy).unwrap()["national_total"]["basis"].clone()
    };
    assert_eq!(basis("2014/15"), "published");
    assert_eq!(basis("2016/17"), "derived");
    assert_eq!(basis("2017/18"), "derived");
    // The CSV marks every column too.
    let csv = cli(&["costs", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    for col in [
        "baseline_basis",
        "target_basis",
        "gap_basis",
        "national_total_basis",
    ] {
        assert!(header.contains(col), "{header}");
    }
    // A footprint carries no national total.
    let v = cli_json(&["costs", "--footprint", "15N", "--format", "json"]);
    assert!(v["years"][0]["national_total"].is_null());
}

#[test]
fn reported_claims_are_reported_with_their_real_source_everywhere() {
    let s = england().snapshot().clone();
    let dac = s
        .sources
        .iter()
        .find(|x| x.key == "DAC_BEACHCROFT_2019")
        .unwrap();
    assert!(dac.title.contains("The NHS Long Term Plan balancing act"));
    assert!(dac.title.contains("11 June 2019"));
    assert!(dac.reference.starts_with("https://www.dacbeachcroft.com/"));
    // The notes of the CCG era (the ICB era's cite their own sources).
    for a in s.annotations.iter().filter(|a| a.date < d("2022-07-01")) {
        assert_eq!(a.basis, Provenance::Reported, "{}", a.text);
        assert_eq!(a.source, "DAC_BEACHCROFT_2019");
        assert!(!a.text.contains("PAC"), "{}", a.text);
    }
    let devon = s
        .money
        .figures
        .iter()
        .find(|f| f.metric == "claimed_running_cost_reduction")
        .unwrap();
    assert_eq!(devon.basis, Provenance::Reported);
    assert_eq!(devon.source, "DAC_BEACHCROFT_2019");
    // The costs of Devon's footprint show the claim beside the model.
    let v = cli_json(&["costs", "--footprint", "15N", "--format", "json"]);
    let reported = v["reported"].as_array().unwrap();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0]["basis"], "reported");
    assert_eq!(reported[0]["gbp"], 5_000_000.0);
    let text = cli(&["costs", "--footprint", "15N"]);
    assert!(text.contains("Reported (2018/19-2019/20): £5.0m"), "{text}");
    assert!(text.contains("DAC Beachcroft"), "{text}");
    // England has no claims of its own.
    assert!(
        cli_json(&["costs", "--format", "json"])["reported"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_england_chart_draws_the_published_national_totals() {
    let tl = england();
    let model = ccg_explorer::model::costs::CostModel::new(&tl);
    let chart = ccg_explorer::view::cost_chart(&tl, &model, None, d("2019-06-01"));
    let y13 = chart.national.iter().find(|n| n.0 == 2013).unwrap();
    assert_eq!(y13.2, Provenance::Published);
    assert!((y13.1 - 1.35e9).abs() < 1.0);
    let published = chart
        .national
        .iter()
        .filter(|n| n.2 == Provenance::Published)
        .count();
    assert_eq!(published, 3, "2013/14, 2014/15 and 2018/19");
    // A CCG's chart has none, and Devon's has the reported claim at 2019/20.
    let devon = tl.snapshot().find(OrgKind::Ccg, "15N").unwrap();
    let chart = ccg_explorer::view::cost_chart(&tl, &model, Some(devon), d("2019-06-01"));
    assert!(chart.national.is_empty());
    assert_eq!(chart.reported.len(), 1);
    assert_eq!(chart.reported[0].year, Some(2019));
    let modelled = chart.reported[0].modelled_saving_gbp.unwrap();
    assert!(modelled > 1.0e6 && modelled < 2.5e6, "{modelled}");
    let row = model.year_of(
        &model.footprint(&tl, devon, d("2019-06-01")),
        FinancialYear(2019),
    );
    assert_eq!(row.map(|r| r.structural_saving_gbp), Some(modelled));
}

#[test]
fn the_count_chart_puts_the_reported_figures_beside_the_record() {
    let tl = england();
    let chart = ccg_explorer::view::count_chart(&tl, d("2019-06-01"));
    let c = tl.counts_at(d("2019-06-01"));
    let of = |series: &str| chart.points.iter().find(|p| p.series == series).unwrap();
    let sharing = of("ccgs_sharing_leadership");
    assert_eq!(sharing.value, 127.0);
    assert_eq!(sharing.record, c.ccgs_sharing_leadership as f64);
    assert_eq!(sharing.basis, Provenance::Reported);
    assert!(sharing.source_title.starts_with("DAC Beachcroft"));
    let leaders = of("shared_leadership_teams");
    assert_eq!(leaders.value, 38.0);
    // Shared teams: CCGs sharing, less those beyond the first in each team.
    assert_eq!(
        leaders.record,
        (c.ccgs_sharing_leadership - (c.ccg - c.leadership_teams)) as f64
    );
    // The lines: CCGs and teams agree where no one shares.
    let at =
        |line: &[[f64; 2]], x: f64| line.iter().rev().find(|p| p[0] <= x).map(|p| p[1]).unwrap();
    let x = ccg_explorer::view::decimal_year(d("2019-06-01"));
    assert_eq!(at(&chart.steps, x), 191.0);
    assert_eq!(at(&chart.teams, x), c.leadership_teams as f64);
    assert_eq!(at(&chart.sharing, x), c.ccgs_sharing_leadership as f64);
}
