//! The timeline engine on the small example snapshot, where every answer can be
//! worked out by reading assets/examples/tiny.ron.

use ccg_explorer::model::format::EventKind;
use ccg_explorer::model::timeline::Served;
use ccg_explorer::model::{Date, OrgKind, Snapshot, Timeline, load_str};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn tiny() -> Timeline {
    let text = std::fs::read_to_string("assets/examples/tiny.ron").unwrap();
    let loaded = load_str(&text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    Timeline::new(loaded.snapshot)
}

#[test]
fn nothing_exists_before_the_first_day() {
    let tl = tiny();
    let state = tl.state_at(d("2013-03-31"));
    assert_eq!(state.counts(), Default::default());
    assert!(state.tree().systems.is_empty());
}

#[test]
fn counts_follow_the_merger_and_the_abolition() {
    let tl = tiny();
    let c = |s: &str| tl.counts_at(d(s));
    assert_eq!(c("2013-04-01").ccg, 3);
    assert_eq!(c("2019-03-31").ccg, 3);
    assert_eq!(c("2019-04-01").ccg, 2);
    assert_eq!(c("2022-06-30").ccg, 2);
    assert_eq!(c("2022-07-01").ccg, 0);
    assert_eq!(c("2022-07-01").icb, 1);
    assert_eq!(c("2022-07-01").sub_icb_location, 2);
    assert_eq!(c("2017-03-31").system, 0);
    assert_eq!(c("2017-04-01").system, 1);
    // counts_at and state_at agree.
    for day in [
        "2013-04-01",
        "2018-06-15",
        "2019-04-01",
        "2022-07-01",
        "2030-01-01",
    ] {
        assert_eq!(tl.state_at(d(day)).counts(), tl.counts_at(d(day)), "{day}");
    }
}

/// The codes of the commissioners in `served`, in its order.
fn codes<'a>(s: &'a Snapshot, served: &[Served]) -> Vec<&'a str> {
    served
        .iter()
        .map(|c| s.org(c.commissioner).code.as_str())
        .collect()
}

#[test]
fn the_tree_splits_a_place_between_commissioners_until_they_merge() {
    let tl = tiny();
    let s = tl.snapshot();
    let tree_on = |day| tl.state_at(d(day)).tree();
    // Before STPs: one group with no system.
    let tree = tree_on("2016-01-01");
    assert_eq!(tree.systems.len(), 1);
    assert_eq!(tree.systems[0].system, None);

    let tree = tree_on("2018-01-01");
    assert_eq!(tree.systems.len(), 1);
    let sys = &tree.systems[0];
    assert_eq!(s.org(sys.system.unwrap()).code, "S1");
    // Places by name: Anyshire, Anyton.
    let names: Vec<&str> = sys
        .places
        .iter()
        .map(|p| s.org(p.place).name.as_str())
        .collect();
    assert_eq!(names, ["Anyshire", "Anyton"]);
    let anyshire = &sys.places[0];
    let served: Vec<(&str, f64)> = anyshire
        .served_by
        .iter()
        .map(|c| (s.org(c.commissioner).code.as_str(), c.share))
        .collect();
    assert_eq!(served, [("A01", 0.6), ("B01", 0.4)], "largest share first");
    assert!((anyshire.share_in_system - 1.0).abs() < 1e-9);
    assert!(
        sys.places[1].neighbourhoods.is_empty(),
        "no PCNs before July 2019"
    );

    let tree = tree_on("2019-07-01");
    let sys = &tree.systems[0];
    assert_eq!(codes(s, &sys.places[0].served_by), ["A3X"]);
    assert_eq!(codes(s, &sys.places[1].neighbourhoods), ["U00001"]);

    // From July 2022 the ICB is the system level and sub-ICB locations serve places.
    let tree = tree_on("2022-07-01");
    assert_eq!(s.org(tree.systems[0].system.unwrap()).code, "QAA");
    let served = &tree.systems[0].places[0].served_by;
    assert_eq!(s.org(served[0].commissioner).kind, OrgKind::SubIcb);
}

#[test]
fn lineage_goes_back_and_forward() {
    let tl = tiny();
    let s = tl.snapshot();
    let a01 = s.find(OrgKind::Ccg, "A01").unwrap();
    let l = tl.lineage(a01);
    assert_eq!(l.steps.len(), 2);
    assert_eq!(l.steps[0].kind, EventKind::Merge);
    assert_eq!(s.org(l.steps[0].to).code, "A3X");
    assert_eq!(l.steps[1].kind, EventKind::AbolishIntoIcb);
    assert_eq!(s.org(l.steps[1].to).code, "QAA");
    assert_eq!(s.org(l.steps[1].sub_icb.unwrap()).code, "A3X");
    // From the merged CCG, the predecessors are found.
    let a3x = s.find(OrgKind::Ccg, "A3X").unwrap();
    let l = tl.lineage(a3x);
    let from: Vec<&str> = l.steps[0]
        .from
        .iter()
        .map(|f| s.org(*f).code.as_str())
        .collect();
    assert_eq!(from, ["A01", "B01"]);
    // A sub-ICB location continues its CCG.
    let sub = s.find(OrgKind::SubIcb, "A3X").unwrap();
    assert_eq!(tl.lineage(sub).steps.len(), 2);
    // C01 never merged: only its abolition.
    let c01 = s.find(OrgKind::Ccg, "C01").unwrap();
    let l = tl.lineage(c01);
    assert_eq!(l.steps.len(), 1);
    assert_eq!(s.org(l.steps[0].sub_icb.unwrap()).code, "C01");
}

#[test]
fn next_and_previous_event_days() {
    let tl = tiny();
    assert_eq!(
        tl.event_days(),
        [d("2013-04-01"), d("2019-04-01"), d("2022-07-01")]
    );
    assert_eq!(tl.next_event_day(d("2013-04-01")), Some(d("2019-04-01")));
    assert_eq!(tl.next_event_day(d("2019-03-31")), Some(d("2019-04-01")));
    assert_eq!(tl.prev_event_day(d("2019-04-01")), Some(d("2013-04-01")));
    assert_eq!(tl.prev_event_day(d("2013-04-01")), None);
    assert_eq!(tl.next_event_day(d("2022-07-01")), None);
    assert_eq!(tl.events_on(d("2013-04-01")).len(), 3);
    assert_eq!(tl.events_on(d("2019-04-01"))[0].kind, EventKind::Merge);
}

#[test]
fn find_any_prefers_the_ccg_and_tolerates_case() {
    let tl = tiny();
    let s = tl.snapshot();
    let found = s.find_any("a3x");
    assert_eq!(found.len(), 2);
    assert_eq!(s.org(found[0]).kind, OrgKind::Ccg);
    assert_eq!(s.org(found[1]).kind, OrgKind::SubIcb);
    assert!(s.find_any("nope").is_empty());
}

/// State on every day equals a naive scan of every interval.
#[test]
fn indexed_state_equals_a_naive_scan_on_every_day() {
    let tl = tiny();
    let s = tl.snapshot();
    let mut day = d("2013-01-01");
    while day <= d("2023-01-01") {
        let state = tl.state_at(day);
        for (i, o) in s.orgs.iter().enumerate() {
            let id = ccg_explorer::model::OrgId(i as u32);
            assert_eq!(state.is_alive(id), o.alive_on(day), "{} on {day}", o.code);
        }
        for (i, l) in s.links.iter().enumerate() {
            let id = ccg_explorer::model::LinkId(i as u32);
            assert_eq!(state.holds(id), l.holds_on(day), "link {i} on {day}");
        }
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn england_indexed_state_equals_a_naive_scan_on_sampled_days() {
    let tl = Timeline::new(load_str(ccg_explorer::ENGLAND_RON).unwrap().snapshot);
    let s = tl.snapshot();
    // Every segment boundary and the day before it, plus a spread of ordinary days.
    let mut days: Vec<Date> = s
        .orgs
        .iter()
        .flat_map(|o| [o.from, o.from.pred_opt().unwrap()])
        .collect();
    days.extend(s.links.iter().flat_map(|l| [l.from, l.to]));
    let mut x = d("2012-12-25");
    while x < d("2023-02-01") {
        days.push(x);
        x += chrono::Duration::days(37);
    }
    days.sort();
    days.dedup();
    days.retain(|d| *d < ccg_explorer::model::FOREVER);
    for day in days {
        let state = tl.state_at(day);
        for (i, o) in s.orgs.iter().enumerate() {
            assert_eq!(
                state.is_alive(ccg_explorer::model::OrgId(i as u32)),
                o.alive_on(day)
            );
        }
        for (i, l) in s.links.iter().enumerate() {
            assert_eq!(
                state.holds(ccg_explorer::model::LinkId(i as u32)),
                l.holds_on(day)
            );
        }
    }
}

#[test]
fn tree_path_opens_the_nodes_above_an_organisation() {
    use ccg_explorer::view::{Grouping, tree_path};
    let tl = tiny();
    let s = tl.snapshot();
    let a01 = s.find(OrgKind::Ccg, "A01").unwrap();
    let pcn = s.find(OrgKind::Neighbourhood, "U00001").unwrap();
    let anyton = s.find(OrgKind::Place, "E06000001").unwrap();
    assert_eq!(
        tree_path(&tl, d("2018-01-01"), Grouping::SystemPlace, a01),
        ["s:S1"]
    );
    assert_eq!(
        tree_path(&tl, d("2020-01-01"), Grouping::SystemPlace, pcn),
        ["s:S1", "s:S1/p:E06000001"]
    );
    assert_eq!(
        tree_path(&tl, d("2020-01-01"), Grouping::SystemCcg, anyton),
        ["s:S1", "s:S1/c:C01"]
    );
    // Not on the tree that day: nothing to open.
    assert!(tree_path(&tl, d("2020-01-01"), Grouping::SystemPlace, a01).is_empty());
}

/// Warnings are kept apart from errors: the file loads, and `check` says what looks odd.
#[test]
fn warnings_do_not_stop_a_file_loading() {
    let text = std::fs::read_to_string("assets/examples/tiny.ron")
        .unwrap()
        .replace("title: \"Tiny example\"", "title: \"\"");
    let loaded = load_str(&text).unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(
        loaded.warnings[0].severity,
        ccg_explorer::model::Severity::Warning
    );
    assert!(loaded.warnings[0].message.contains("no title"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("untitled.ron");
    std::fs::write(&path, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(": valid:"), "{stdout}");
    assert!(stdout.contains("1 warning"), "{stdout}");
    assert!(
        stdout.contains("warning at line 7, column 3: the snapshot has no title"),
        "{stdout}"
    );
}

#[test]
fn days_in_the_same_epoch_have_the_same_state() {
    let tl = tiny();
    let first = d("2013-03-01");
    let mut last: Option<((usize, bool), ccg_explorer::model::Tree)> = None;
    for i in 0..3_600 {
        let day = first + chrono::Duration::days(i);
        let (epoch, start) = tl.epoch(day);
        let tree = tl.state_at(day).tree();
        if let Some(((e, _), t)) = &last
            && *e == epoch
        {
            assert!(!start, "{day}: a new epoch starts on its first day only");
            assert_eq!(*t, tree, "{day}");
        }
        // On an epoch's first day an organisation or a relation starts or ends.
        if start && i > 0 {
            let before = tl.state_at(day - chrono::Duration::days(1));
            let now = tl.state_at(day);
            let alive = |st: &ccg_explorer::model::State| -> Vec<Vec<_>> {
                ccg_explorer::model::OrgKind::ALL
                    .iter()
                    .map(|k| st.alive(*k).collect())
                    .collect()
            };
            let links = |st: &ccg_explorer::model::State| -> Vec<Vec<_>> {
                ccg_explorer::model::LinkKind::ALL
                    .iter()
                    .map(|k| st.links(*k).collect())
                    .collect()
            };
            assert!(
                alive(&before) != alive(&now) || links(&before) != links(&now),
                "{day}: epoch {epoch} starts but nothing starts or ends"
            );
        }
        last = Some(((epoch, start), tree));
    }
}
