//! Scenarios: hypothetical changes laid over the England record.

mod common;

use ccg_explorer::model::load::load_raw;
use ccg_explorer::model::scenario::{Change, Scenario, apply, parse_scenario};
use ccg_explorer::model::{Date, OrgKind, Timeline};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn england_raw() -> ccg_explorer::model::format::RawSnapshot {
    load_raw(ccg_explorer::ENGLAND_RON).unwrap().0
}

fn timeline_with(changes: Vec<Change>) -> Result<Timeline, ccg_explorer::model::LoadError> {
    let raw = england_raw();
    let mut sc = Scenario::new("test", &raw);
    sc.changes = changes;
    apply(&raw, &sc).map(|(_, l)| Timeline::new(l.snapshot))
}

const KENT: [&str; 8] = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"];

fn kent_merge() -> Change {
    Change::Merge {
        date: d("2018-04-01"),
        ccgs: KENT.iter().map(|s| s.to_string()).collect(),
        code: "KM18".into(),
        name: "NHS Kent and Medway CCG (2018 scenario)".into(),
    }
}

#[test]
fn the_kent_example_merges_eight_ccgs_two_years_early() {
    let text = std::fs::read_to_string("assets/examples/kent-2018.ron").unwrap();
    let sc = parse_scenario(&text).unwrap();
    let raw = england_raw();
    let (_, applied) = apply(&raw, &sc).unwrap();
    assert!(applied.warnings.is_empty(), "{:?}", applied.warnings);
    let tl = Timeline::new(applied.snapshot);
    assert_eq!(tl.counts_at(d("2018-03-31")).ccg, 207);
    assert_eq!(tl.counts_at(d("2018-04-01")).ccg, 195 - 7);
    assert_eq!(
        tl.counts_at(d("2020-04-01")).ccg,
        135,
        "the real 2020 merger still lands on 135"
    );
    // One Kent CCG in the tree.
    let s = tl.snapshot();
    let mut commissioners = common::commissioners_in(&tl, "E54000032", d("2018-04-01"));
    commissioners.dedup();
    assert_eq!(commissioners, ["KM18"]);
    // Lineage runs through the scenario CCG.
    let l = tl.lineage(s.find(OrgKind::Ccg, "09C").unwrap());
    let tos: Vec<&str> = l
        .steps
        .iter()
        .map(|st| s.org(st.to).code.as_str())
        .collect();
    assert_eq!(tos, ["KM18", "91Q", "QKS"]);
    assert_eq!(sc.bookmarks.len(), 4);
}

#[test]
fn a_scenario_changes_only_what_it_says() {
    // On 1 April 2018 the record has 195 CCGs; the scenario merges Kent's eight into
    // one: 188. Every other organisation alive that day is the same in both.
    let raw = england_raw();
    let real = Timeline::new(load_raw(ccg_explorer::ENGLAND_RON).unwrap().1.snapshot);
    let mut sc = Scenario::new("k", &raw);
    sc.changes = vec![kent_merge()];
    let (_, loaded) = apply(&raw, &sc).unwrap();
    let scenario = Timeline::new(loaded.snapshot);
    let day = d("2018-04-01");
    assert_eq!(real.counts_at(day).ccg, 195);
    assert_eq!(scenario.counts_at(day).ccg, 188);
    let codes = |tl: &Timeline| -> std::collections::BTreeSet<String> {
        let st = tl.state_at(day);
        OrgKind::ALL
            .iter()
            .flat_map(|k| st.alive(*k).collect::<Vec<_>>())
            .map(|id| tl.snapshot().org(id).code.clone())
            .collect()
    };
    let (r, s) = (codes(&real), codes(&scenario));
    let gone: Vec<&String> = r.difference(&s).collect();
    let new: Vec<&String> = s.difference(&r).collect();
    assert_eq!(gone, KENT.iter().collect::<Vec<_>>());
    assert_eq!(new, ["KM18"]);
}

#[test]
fn moving_devons_merger_earlier_and_later() {
    let tl = timeline_with(vec![Change::MoveMerger {
        event: "E232".into(),
        date: d("2018-04-01"),
    }])
    .unwrap();
    let s = tl.snapshot();
    let devon = s.find(OrgKind::Ccg, "15N").unwrap();
    assert_eq!(s.org(devon).from, d("2018-04-01"));
    assert_eq!(tl.counts_at(d("2018-04-01")).ccg, 194);
    assert_eq!(tl.counts_at(d("2019-04-01")).ccg, 191);

    let tl = timeline_with(vec![Change::MoveMerger {
        event: "E232".into(),
        date: d("2020-04-01"),
    }])
    .unwrap();
    assert_eq!(
        tl.counts_at(d("2019-04-01")).ccg,
        192,
        "99P and 99Q carry on a year"
    );
    assert_eq!(tl.counts_at(d("2020-04-01")).ccg, 135);
    // Every place is still served with shares summing to 1 (validation checks it).
}

#[test]
fn cancelling_a_merger_keeps_its_ccgs() {
    let tl = timeline_with(vec![Change::CancelMerger {
        event: "E232".into(),
    }])
    .unwrap();
    let s = tl.snapshot();
    assert!(s.find(OrgKind::Ccg, "15N").is_none());
    assert_eq!(tl.counts_at(d("2021-04-01")).ccg, 107);
    assert_eq!(
        s.org(s.find(OrgKind::Ccg, "99Q").unwrap()).to,
        d("2022-06-30")
    );
    assert_eq!(tl.counts_at(d("2022-07-01")).icb, 42);
}

#[test]
fn shared_management_adds_an_arrangement() {
    let raw = england_raw();
    let mut sc = Scenario::new("s", &raw);
    sc.changes = vec![Change::SharedManagement {
        ccgs: vec!["01F".into(), "02E".into()],
        from: d("2018-04-01"),
        to: None,
    }];
    let (out, _) = apply(&raw, &sc).unwrap();
    assert_eq!(out.shared_management.len(), raw.shared_management.len() + 1);
}

#[test]
fn bad_changes_get_clear_messages() {
    let cases: Vec<(Change, &str)> = vec![
        (
            Change::Merge {
                date: d("2018-04-01"),
                ccgs: vec!["09C".into(), "ZZZ".into()],
                code: "X1".into(),
                name: "X".into(),
            },
            "there is no CCG ZZZ",
        ),
        (
            Change::Merge {
                date: d("2021-04-01"),
                ccgs: vec!["09C".into(), "09E".into()],
                code: "X1".into(),
                name: "X".into(),
            },
            "must all exist on 2021-03-31 and on 2021-04-01",
        ),
        (
            Change::Merge {
                date: d("2018-04-01"),
                ccgs: vec!["09C".into(), "99P".into()],
                code: "X1".into(),
                name: "X".into(),
            },
            "do not share a future",
        ),
        (
            Change::Merge {
                date: d("2018-04-01"),
                ccgs: vec!["09C".into(), "09E".into()],
                code: "15N".into(),
                name: "X".into(),
            },
            "the code 15N is already used",
        ),
        (
            Change::MoveMerger {
                event: "E001".into(),
                date: d("2015-01-01"),
            },
            "is a established, not a merger",
        ),
        (
            Change::MoveMerger {
                event: "E232".into(),
                date: d("2013-01-01"),
            },
            "only exists from 2013-04-01",
        ),
        (
            Change::CancelMerger {
                event: "NOPE".into(),
            },
            "there is no event NOPE",
        ),
    ];
    for (change, want) in cases {
        let err = timeline_with(vec![change.clone()])
            .err()
            .unwrap_or_else(|| panic!("{change:?} should fail"));
        let text = err
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains(want), "{change:?}: {text}");
        assert!(text.contains("[change 1]"), "{text}");
    }
}

#[test]
fn a_scenario_round_trips_through_its_file() {
    let text = std::fs::read_to_string("assets/examples/kent-2018.ron").unwrap();
    let sc = parse_scenario(&text).unwrap();
    let again = parse_scenario(&sc.to_ron().unwrap()).unwrap();
    assert_eq!(again, sc);
}

#[test]
fn a_broken_scenario_file_says_where() {
    let err = parse_scenario(
        "(\n  format: 1,\n  name: \"x\"\n  snapshot: (title: \"t\", fingerprint: \"f\"),\n)",
    )
    .unwrap_err();
    let text = err.problems[0].to_string();
    assert!(text.contains("line 4, column 3"), "{text}");
    let err =
        parse_scenario("(format: 2, name: \"x\", snapshot: (title: \"t\", fingerprint: \"f\"))")
            .unwrap_err();
    assert!(
        err.problems[0]
            .to_string()
            .contains("scenario format version 2 is not supported")
    );
    assert!(
        parse_scenario("").unwrap_err().problems[0]
            .message
            .contains("empty")
    );
}

/// Runs `ccg-explorer ARGS`.
fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_takes_a_scenario_and_checks_it() {
    let out = cli(&[
        "at",
        "2018-04-01",
        "--format",
        "json",
        "--scenario",
        "assets/examples/kent-2018.ron",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["counts"]["ccg"], 188);
    assert!(
        v["scenario"]
            .as_str()
            .unwrap()
            .contains("Kent and Medway merge in 2018"),
        "marked as scenario"
    );
    let out = cli(&["at", "2018-04-01", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["scenario"].is_null(), "the actual record is not marked");
    let out = cli(&["check", "assets/examples/kent-2018.ron"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("valid scenario \"Kent and Medway merge in 2018\""),
        "{text}"
    );
    assert!(text.contains("matches"), "{text}");
    let out = cli(&[
        "costs",
        "--footprint",
        "KM18",
        "--format",
        "json",
        "--scenario",
        "assets/examples/kent-2018.ron",
    ]);
    assert!(out.status.success());
    let out = cli(&[
        "lineage",
        "09C",
        "--scenario",
        "assets/examples/kent-2018.ron",
    ]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("(KM18)"));
}

#[test]
fn scenario_ids_never_clash_with_the_snapshots() {
    // A valid snapshot whose event ids and arrangement ids are those a scenario's
    // first change would take (S1): the scenario still applies, with ids of its own.
    let mut raw = england_raw();
    raw.events[0].id = "S1".into();
    raw.events[1].id = "S1.2".into();
    raw.shared_management[0].id = "S2".into();
    let mut sc = Scenario::new("ids", &raw);
    sc.changes = vec![
        kent_merge(),
        Change::SharedManagement {
            ccgs: vec!["01F".into(), "02E".into()],
            from: d("2018-04-01"),
            to: None,
        },
    ];
    let (out, loaded) = apply(&raw, &sc).expect("the scenario applies");
    let merge = out.events.iter().find(|e| e.to == "KM18").unwrap();
    assert_eq!(merge.id, "S1.3");
    let ids: Vec<&str> = out.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.iter().filter(|i| **i == "S1").count(), 1, "{ids:?}");
    let shared = out.shared_management.last().unwrap();
    assert_eq!(shared.id, "S2.2");
    assert!(loaded.snapshot.find(OrgKind::Ccg, "KM18").is_some());
}

#[test]
fn a_population_sum_that_overflows_is_refused_not_wrapped() {
    let mut raw = england_raw();
    for c in raw
        .ccgs
        .iter_mut()
        .filter(|c| ["09C", "09E"].contains(&c.code.as_str()))
    {
        c.population.as_mut().unwrap().count = i64::MAX / 2 + 1;
    }
    let mut sc = Scenario::new("overflow", &raw);
    sc.changes = vec![kent_merge()];
    let err = apply(&raw, &sc).unwrap_err();
    let text = err.problems[0].to_string();
    assert!(
        text.contains("[change 1]") && text.contains("add up to more than a whole number can hold"),
        "{text}"
    );
}

#[test]
fn codes_are_compared_as_ods_codes() {
    let raw = england_raw();
    let mut sc = Scenario::new("codes", &raw);
    // " 09c" names 09C; "k\u{200b}m18" is the new code KM18.
    sc.changes = vec![Change::Merge {
        date: d("2018-04-01"),
        ccgs: KENT
            .iter()
            .map(|s| format!(" {}", s.to_lowercase()))
            .collect(),
        code: "k\u{200b}m18".into(),
        name: "NHS Kent and Medway CCG (2018 scenario)".into(),
    }];
    let (out, loaded) = apply(&raw, &sc).unwrap();
    assert!(out.ccgs.iter().any(|c| c.code == "KM18"));
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("is read as KM18"))
    );
    // A second merger into "km18" is refused: the code is taken.
    sc.changes.push(Change::Merge {
        date: d("2018-04-01"),
        ccgs: vec!["01F".into(), "02E".into()],
        code: "km18".into(),
        name: "x".into(),
    });
    let err = apply(&raw, &sc).unwrap_err();
    assert!(
        err.problems[0]
            .message
            .contains("the code KM18 is already used"),
        "{err}"
    );
}
