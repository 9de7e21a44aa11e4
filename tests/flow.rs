//! The merger flow and the comparison of two dates, on the England record and on the
//! small example, against the published record.

mod common;

use ccg_explorer::cli::{Cli, run};
use ccg_explorer::model::compare::{ChangeKind, compare};
use ccg_explorer::model::flow::{Flow, column_dates};
use ccg_explorer::model::{OrgKind, Timeline, load_str};
use clap::Parser;
use common::cli::changes_of;
use common::{d, england};

fn code(tl: &Timeline, id: ccg_explorer::model::OrgId) -> String {
    tl.snapshot().org(id).code.clone()
}

#[test]
fn the_flow_has_a_column_for_every_1_april_and_the_icbs() {
    let tl = england();
    let dates: Vec<String> = column_dates(&tl).iter().map(|d| d.to_string()).collect();
    let mut expected: Vec<String> = (2013..=2022).map(|y| format!("{y}-04-01")).collect();
    expected.push("2022-07-01".into());
    assert_eq!(dates, expected);
    let flow = Flow::build(&tl);
    let counts: Vec<usize> = flow.columns.iter().map(|c| c.nodes.len()).collect();
    // CCGs on each 1 April (published), then 42 ICBs.
    assert_eq!(
        counts,
        [211, 211, 209, 209, 207, 195, 191, 135, 106, 106, 42]
    );
    assert!(flow.columns.last().unwrap().icb);
    assert!(flow.columns[..10].iter().all(|c| !c.icb));
}

#[test]
fn every_ccg_flows_whole_into_one_successor_and_no_bands_cross() {
    let tl = england();
    let flow = Flow::build(&tl);
    let last = flow.columns.len() - 1;
    for (i, col) in flow.columns.iter().enumerate() {
        let total: f64 = col.nodes.iter().map(|n| n.value).sum();
        assert!((50e6..70e6).contains(&total), "column {i}: {total} people");
        let mut previous_target = 0;
        for n in &col.nodes {
            if i == last {
                assert!(n.next.is_empty());
                continue;
            }
            assert_eq!(n.next.len(), 1, "{} in column {i}", code(&tl, n.org));
            let (t, share) = n.next[0];
            assert_eq!(share, 1.0);
            // Targets never go back up the column: bands do not cross.
            assert!(t as usize >= previous_target, "crossing at column {i}");
            previous_target = t as usize;
            let target = &flow.columns[i + 1].nodes[t as usize];
            assert!(
                target
                    .prev
                    .contains(&(col.nodes.iter().position(|x| x.org == n.org).unwrap() as u32))
            );
            assert_eq!(n.group, target.group, "a lineage keeps its colour");
        }
    }
}

#[test]
fn a_lineage_runs_from_the_2013_ccgs_to_the_icb() {
    let tl = england();
    let flow = Flow::build(&tl);
    let devon = tl.snapshot().find(OrgKind::Ccg, "15N").unwrap();
    let at = flow.positions(devon);
    assert_eq!(at.len(), 4, "Devon CCG: April 2019 to April 2022");
    let (c, k) = at[0];
    let on = flow.lineage(c, k);
    let lit = |col: usize| -> Vec<String> {
        flow.columns[col]
            .nodes
            .iter()
            .zip(&on[col])
            .filter(|(_, on)| **on)
            .map(|(n, _)| code(&tl, n.org))
            .collect()
    };
    let mut first = lit(0);
    first.sort();
    assert_eq!(first, ["99P", "99Q"]);
    assert_eq!(lit(10), ["QJK"]);
    assert_eq!(lit(8), ["15N"]);
    // Nothing else in Devon's columns is part of it.
    assert_eq!(on.iter().flatten().filter(|x| **x).count(), 2 * 6 + 4 + 1);
}

#[test]
fn filtering_to_a_region_keeps_whole_lineages() {
    let tl = england();
    let flow = Flow::build(&tl);
    let se = tl.snapshot().find(OrgKind::Region, "E40000005").unwrap();
    let part = flow.filtered(|g| g.region == Some(se));
    let counts: Vec<usize> = part.columns.iter().map(|c| c.nodes.len()).collect();
    assert_eq!(counts.last(), Some(&6), "six ICBs in the South East");
    assert_eq!(counts.first(), Some(&38));
    for (i, col) in part.columns.iter().enumerate() {
        for n in &col.nodes {
            for (t, _) in &n.next {
                assert!((*t as usize) < part.columns[i + 1].nodes.len());
            }
        }
    }
}

#[test]
fn the_small_example_flows_into_its_icb() {
    let text = std::fs::read_to_string("assets/examples/tiny.ron").unwrap();
    let tl = Timeline::new(load_str(&text).unwrap().snapshot);
    let flow = Flow::build(&tl);
    let counts: Vec<usize> = flow.columns.iter().map(|c| c.nodes.len()).collect();
    assert_eq!(counts.first(), Some(&3));
    assert_eq!(counts.last(), Some(&1));
    assert!(flow.columns.last().unwrap().icb);
}

#[test]
fn comparing_2019_with_2020_finds_18_new_ccgs_from_74() {
    let tl = england();
    let c = compare(&tl, d("2019-04-01"), d("2020-04-01"));
    assert_eq!(c.new_ccgs.len(), 18);
    assert_eq!(c.formed_from.len(), 74);
    assert_eq!(c.summary(), "18 mergers: 18 new CCGs formed from 74");
    assert_eq!(c.of(ChangeKind::Merge).count(), 18);
    assert_eq!((c.counts_a.ccg, c.counts_b.ccg), (191, 135));
    let kent = c
        .of(ChangeKind::Merge)
        .find(|m| code(&tl, m.to) == "91Q")
        .unwrap();
    assert_eq!(kent.from.len(), 8);
    assert_eq!(kent.date, d("2020-04-01"));
    // Events on A are not included; events on B are.
    let c = compare(&tl, d("2020-04-01"), d("2021-04-01"));
    assert_eq!(c.summary(), "9 mergers: 9 new CCGs formed from 38");
    // Either order gives the same changes.
    let back = compare(&tl, d("2020-04-01"), d("2019-04-01"));
    assert!(back.swapped);
    assert_eq!(
        back.changes.len(),
        compare(&tl, d("2019-04-01"), d("2020-04-01")).changes.len()
    );
}

#[test]
fn comparing_across_the_icbs_lists_every_ccg_becoming_a_sub_icb_location() {
    let tl = england();
    let c = compare(&tl, d("2022-04-01"), d("2022-07-01"));
    let became: Vec<_> = c.of(ChangeKind::BecameSubIcb).collect();
    assert_eq!(became.len(), 106);
    for ch in became {
        let s = tl.snapshot();
        assert_eq!(s.org(ch.to).kind, OrgKind::SubIcb);
        assert_eq!(s.org(ch.to).code, s.org(ch.from[0]).code);
        assert_eq!(s.org(ch.into.unwrap()).kind, OrgKind::Icb);
    }
    assert!(c.new_ccgs.is_empty());
    // Renames and boundary changes carry what changed.
    let c = compare(&tl, d("2016-04-01"), d("2017-04-01"));
    let renamed: Vec<String> = c
        .of(ChangeKind::Rename)
        .map(|r| r.describe(tl.snapshot()))
        .collect();
    assert!(
        renamed.iter().any(|r| r.contains("was NHS Cumbria CCG")),
        "{renamed:?}"
    );
    assert!(c.of(ChangeKind::BoundaryChange).count() >= 4);
}

#[test]
fn the_cli_compare_prints_text_and_json() {
    // `compare ARGS`, run in process as `main` runs it; fails unless it succeeds.
    let run_compare = |args: &[&str]| -> String {
        let cli = Cli::try_parse_from([&["ccg-explorer", "compare"], args].concat()).unwrap();
        let mut out = Vec::new();
        let code = run(cli.command.unwrap(), &mut out);
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{args:?}");
        String::from_utf8(out).unwrap()
    };
    let compare_json = |args: &[&str]| -> serde_json::Value {
        serde_json::from_str(&run_compare(&[args, &["--format", "json"]].concat())).unwrap()
    };
    let text = run_compare(&["2019-04-01", "2020-04-01"]);
    assert!(
        text.contains("18 mergers: 18 new CCGs formed from 74"),
        "{text}"
    );
    assert!(text.contains("Merged (18)"));
    assert!(
        text.contains(
            "2020-04-01  NHS Kent and Medway CCG (91Q) formed from NHS Ashford CCG (09C)"
        )
    );
    let v = compare_json(&["2019-04-01", "2020-04-01"]);
    let merges = changes_of(&v, "merge");
    assert_eq!(merges.len(), 18);
    let kent = merges.iter().find(|c| c["to"] == "91Q").unwrap();
    assert_eq!(kent["date"], "2020-04-01");
    assert_eq!(kent["from"].as_array().unwrap().len(), 8);
    assert!(kent["from"].as_array().unwrap().contains(&"09C".into()));
    assert_eq!(v["counts"]["a"]["ccg"], 191);
    assert_eq!(v["counts"]["b"]["ccg"], 135);
    // With a scenario laid over the record.
    let v = compare_json(&[
        "2018-01-01",
        "2018-04-01",
        "--scenario",
        "assets/examples/kent-2018.ron",
    ]);
    assert!(changes_of(&v, "merge").iter().any(|c| c["to"] == "KM18"));
}

#[test]
fn a_coarse_flow_has_one_node_per_system_or_region_and_keeps_the_totals() {
    let tl = england();
    let flow = Flow::build(&tl);
    for (by_region, last_nodes) in [(false, 42), (true, 7)] {
        let coarse = flow.coarsen(by_region);
        assert_eq!(coarse.columns.len(), flow.columns.len());
        assert_eq!(coarse.columns.last().unwrap().nodes.len(), last_nodes);
        for (c, f) in coarse.columns.iter().zip(&flow.columns) {
            let members: u32 = c.nodes.iter().map(|n| n.members).sum();
            assert_eq!(
                members as usize,
                f.nodes.len(),
                "every organisation counted once"
            );
            let (a, b): (f64, f64) = (
                c.nodes.iter().map(|n| n.value).sum(),
                f.nodes.iter().map(|n| n.value).sum(),
            );
            assert!((a - b).abs() < 1.0, "population kept");
        }
        for (i, c) in coarse
            .columns
            .iter()
            .enumerate()
            .take(coarse.columns.len() - 1)
        {
            for n in &c.nodes {
                let out: f64 = n.next.iter().map(|(_, s)| s).sum();
                assert!((out - 1.0).abs() < 1e-6, "column {i}: shares sum to {out}");
            }
        }
    }
    assert_eq!(flow.coarsen(true).densest(), 7);
}

#[test]
fn synth_makes_a_valid_deterministic_snapshot_n_times_england() {
    let england = ccg_explorer::model::load::parse_str(ccg_explorer::ENGLAND_RON).unwrap();
    let a = ccg_explorer::synth::synthesize(&england, 3, 42).unwrap();
    let b = ccg_explorer::synth::synthesize(&england, 3, 42).unwrap();
    let c = ccg_explorer::synth::synthesize(&england, 3, 43).unwrap();
    let text = ccg_explorer::import::to_ron(&a).unwrap();
    assert_eq!(
        text,
        ccg_explorer::import::to_ron(&b).unwrap(),
        "same seed, same bytes"
    );
    assert_ne!(
        text,
        ccg_explorer::import::to_ron(&c).unwrap(),
        "the seed matters"
    );
    let loaded = load_str(&text).unwrap();
    let tl = Timeline::new(loaded.snapshot);
    let e = england_counts();
    for day in ["2013-04-01", "2019-04-01", "2020-04-01", "2022-07-01"] {
        let (x, y) = (tl.counts_at(d(day)), e(day));
        assert_eq!(x.ccg, 3 * y.ccg, "{day}");
        assert_eq!(x.icb, 3 * y.icb, "{day}");
        assert_eq!(x.neighbourhood, 3 * y.neighbourhood, "{day}");
    }
    // Copy 0 keeps the real codes; the others are suffixed and labelled modelled.
    let s = tl.snapshot();
    assert!(s.find(OrgKind::Ccg, "15N").is_some());
    let copy = s.find(OrgKind::Ccg, "15N~2").unwrap();
    assert!(s.org(copy).name.ends_with("(synthetic 2)"));
    assert_eq!(
        s.org(copy).population.as_ref().unwrap().basis,
        ccg_explorer::model::Provenance::Modelled
    );
    assert_eq!(s.annotations.len(), england.annotations.len());
    // Mergers come in the same waves: 18 new CCGs from 74 in each copy.
    let c = compare(&tl, d("2019-04-01"), d("2020-04-01"));
    assert_eq!(c.summary(), "54 mergers: 54 new CCGs formed from 222");
}

fn england_counts() -> impl Fn(&str) -> ccg_explorer::model::Counts {
    let tl = england();
    move |day| tl.counts_at(d(day))
}

#[test]
fn a_system_ccg_or_icb_code_finds_the_lineage_it_is_drawn_in() {
    let tl = england();
    let flow = Flow::build(&tl);
    let s = tl.snapshot();
    let icb = s.find(OrgKind::Icb, "QJK").unwrap();
    for (kind, code) in [
        (OrgKind::System, "E54000037"),
        (OrgKind::Ccg, "99Q"),
        (OrgKind::Ccg, "15N"),
        (OrgKind::Icb, "QJK"),
    ] {
        let id = s.find(kind, code).unwrap();
        assert_eq!(flow.group_for(s, id), Some(icb), "{code}");
    }
    let region = s.find(OrgKind::Region, "E40000006").unwrap();
    assert_eq!(flow.group_for(s, region), None);
}
