//! The ICB era (July 2022 to the record's as-at date) against its sources in
//! assets/sources/icb_era, and the command line over it.

mod common;

use std::collections::BTreeMap;

use ccg_explorer::model::{Date, LinkKind, OrgKind};
use common::cli::{assert_counts_at, changes_of, cli, cli_json};
use common::{d, england};

/// Rows of a CSV in assets/sources/icb_era, as maps from column to value.
fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let path = format!(
        "{}/assets/sources/icb_era/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut r = csv::Reader::from_path(&path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Whether a row with `start`..`end` (end empty: still open) covers `day`.
fn covers(row: &BTreeMap<String, String>, start: &str, end: &str, day: Date) -> bool {
    let from = d(&row[start]);
    let to = if row[end].is_empty() {
        Date::MAX
    } else {
        d(&row[end])
    };
    from <= day && day <= to
}

fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(from), move |x| x.succ_opt().filter(|n| *n <= to))
}

#[test]
fn every_day_counts_the_icbs_and_sub_icb_locations_of_the_sources() {
    let tl = england();
    let (_, end) = tl.snapshot().span();
    assert_eq!(end, d("2026-11-25"), "the record runs to its as-at date");
    let icbs = rows("icbs.csv");
    let subs = rows("sub_icb_locations.csv");
    assert_eq!(icbs.len(), 48);
    let mut checked = 0;
    for day in days(d("2022-07-01"), end) {
        let want_icbs = icbs
            .iter()
            .filter(|r| covers(r, "start_date", "end_date", day))
            .count();
        let mut want_subs: Vec<&str> = subs
            .iter()
            .filter(|r| covers(r, "period_start", "period_end", day))
            .map(|r| r["sicbl_ods_code"].as_str())
            .collect();
        want_subs.dedup();
        let c = tl.counts_at(day);
        assert_eq!(c.icb, want_icbs, "ICBs on {day}");
        assert_eq!(
            c.sub_icb_location,
            want_subs.len(),
            "sub-ICB locations on {day}"
        );
        assert_eq!(c.ccg, 0, "no CCGs on {day}");
        checked += 1;
    }
    assert!(checked > 1500, "{checked} days");
    // The figures SOURCES.md reconciles, by name: 42 ICBs, then 36 from April 2026, and
    // 106 sub-ICB locations throughout (in April 2026 D4U1Y closed and U2G6B opened).
    for (day, n_icbs) in [
        ("2022-07-01", 42),
        ("2023-04-01", 42),
        ("2026-03-31", 42),
        ("2026-04-01", 36),
        ("2026-11-25", 36),
    ] {
        let c = tl.counts_at(d(day));
        assert_eq!((c.icb, c.sub_icb_location), (n_icbs, 106), "{day}");
    }
    // And the day before the era: CCGs, no ICBs.
    let c = tl.counts_at(d("2022-06-30"));
    assert_eq!((c.icb, c.ccg), (0, 106));
}

#[test]
fn every_sub_icb_location_has_a_live_icb_on_every_day_the_source_names() {
    let tl = england();
    let s = tl.snapshot();
    let (_, end) = s.span();
    let subs = rows("sub_icb_locations.csv");
    let mut checked = 0;
    for (id, o) in s.orgs.iter().enumerate() {
        if o.kind != OrgKind::SubIcb {
            continue;
        }
        let id = ccg_explorer::model::OrgId(id as u32);
        for day in days(o.from, o.to.min(end)) {
            let icbs: Vec<_> = s
                .links_of(id)
                .filter(|(_, l)| l.kind == LinkKind::SubIcbIcb && l.a == id && l.holds_on(day))
                .map(|(_, l)| l.b)
                .collect();
            assert_eq!(icbs.len(), 1, "{} on {day}: ICBs {icbs:?}", o.code);
            let icb = s.org(icbs[0]);
            assert!(
                icb.from <= day && day <= icb.to,
                "{} on {day}: its ICB {} is not alive",
                o.code,
                icb.code
            );
            let want: Vec<&str> = subs
                .iter()
                .filter(|r| r["sicbl_ods_code"] == o.code)
                .filter(|r| covers(r, "period_start", "period_end", day))
                .map(|r| r["icb_ods_code"].as_str())
                .collect();
            assert_eq!(want, vec![icb.code.as_str()], "{} on {day}", o.code);
            checked += 1;
        }
    }
    assert!(checked > 100 * 1500, "{checked} location-days");
}

#[test]
fn clusters_make_26_leadership_teams_in_2025_26_and_after_the_mergers() {
    let tl = england();
    for day in ["2025-10-01", "2026-03-31"] {
        let c = tl.counts_at(d(day));
        assert_eq!((c.icb, c.leadership_teams), (42, 26), "{day}");
        assert_eq!(c.icbs_sharing_leadership, 30, "{day}");
    }
    // Before the clusters, every ICB led itself.
    let c = tl.counts_at(d("2024-04-01"));
    assert_eq!(
        (c.icb, c.leadership_teams, c.icbs_sharing_leadership),
        (42, 42, 0)
    );
    // After 1 April 2026 the six merged clusters are single ICBs; eight clusters go on.
    let c = tl.counts_at(d("2026-04-01"));
    assert_eq!(
        (c.icb, c.leadership_teams, c.icbs_sharing_leadership),
        (36, 26, 18)
    );
}

#[test]
fn cli_at_counts_36_icbs_on_1_april_2026_and_42_the_day_before() {
    let v = assert_counts_at(
        "2026-04-01",
        &[("icb", 36), ("sub_icb_location", 106), ("ccg", 0)],
    );
    assert_eq!(v["as_at"], "2026-11-25");
    assert_counts_at("2026-03-31", &[("icb", 42), ("leadership_teams", 26)]);
}

#[test]
fn cli_lineage_of_qhg_ends_in_central_east() {
    let v = cli_json(&["lineage", "QHG", "--format", "json"]);
    let steps = v["steps"].as_array().unwrap();
    let last = steps.last().unwrap();
    assert_eq!(last["to"], "S1Y5D", "{last}");
    assert_eq!(last["date"], "2026-04-01");
    let from: Vec<&str> = last["from"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(from.contains(&"QHG"), "{from:?}");
    let text = cli(&["lineage", "QHG"]);
    let last_line = text.lines().last().unwrap();
    assert!(
        last_line.contains("NHS Central East Integrated Care Board (S1Y5D)"),
        "{text}"
    );
}

#[test]
fn cli_lineage_of_d4u1y_shows_its_three_successors_on_1_april_2026() {
    let v = cli_json(&["lineage", "D4U1Y", "--format", "json"]);
    let mut split: Vec<(String, f64)> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["date"] == "2026-04-01" && s["kind"] == "split")
        .map(|s| {
            (
                s["to"].as_str().unwrap().to_string(),
                s["share"].as_f64().unwrap(),
            )
        })
        .collect();
    split.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        split,
        vec![
            ("92A".to_string(), 0.182),
            ("D9Y0V".to_string(), 0.229),
            ("U2G6B".to_string(), 0.589)
        ]
    );
    // Population weights are reported, not published: the basis says so.
    for s in v["steps"].as_array().unwrap() {
        if s["kind"] == "split" {
            assert_eq!(s["basis"], "reported", "{s}");
        }
    }
}

#[test]
fn cli_compare_lists_the_six_2026_mergers_and_the_re_parented_locations() {
    let v = cli_json(&["compare", "2022-07-01", "2026-04-01", "--format", "json"]);
    let mut mergers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in changes_of(&v, "merge") {
        let mut from: Vec<String> = c["from"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        from.sort();
        mergers.insert(c["to"].as_str().unwrap().to_string(), from);
    }
    let want = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let expected: BTreeMap<String, Vec<String>> = [
        ("S1Y5D", want(&["QHG", "QM7", "QUE"])),
        ("D7T5G", want(&["QH8", "QJG", "QM7"])),
        ("T6Y0W", want(&["QJG", "QMM"])),
        ("S9B9J", want(&["QNQ", "QNX", "QXU"])),
        ("S0E4D", want(&["QNQ", "QU9"])),
        ("Z9B2Z", want(&["QMJ", "QRV"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(mergers, expected);
    assert_eq!(v["icb_mergers"], 6);
    // The 23 sub-ICB locations that changed ICB, each with its old and new ICB, as
    // the source's period rows say.
    let moved: BTreeMap<String, (String, String)> = changes_of(&v, "moved-icb")
        .into_iter()
        .map(|c| {
            (
                c["to"].as_str().unwrap().to_string(),
                (
                    c["left"].as_str().unwrap().to_string(),
                    c["into"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let subs = rows("sub_icb_locations.csv");
    let mut want_moved = BTreeMap::new();
    for r in subs.iter().filter(|r| r["period_start"] == "2026-04-01") {
        let before = subs.iter().find(|p| {
            p["sicbl_ods_code"] == r["sicbl_ods_code"] && p["period_end"] == "2026-03-31"
        });
        if let Some(before) = before
            && before["icb_ods_code"] != r["icb_ods_code"]
        {
            want_moved.insert(
                r["sicbl_ods_code"].clone(),
                (before["icb_ods_code"].clone(), r["icb_ods_code"].clone()),
            );
        }
    }
    assert_eq!(want_moved.len(), 23);
    assert_eq!(moved, want_moved);
}

#[test]
fn cli_costs_of_the_icb_era_carry_the_targets_and_a_basis_on_every_figure() {
    let v = cli_json(&["costs", "--era", "icb", "--format", "json"]);
    assert_eq!(v["era"], "icb");
    let targets = v["targets"].as_array().unwrap();
    let thirty = targets
        .iter()
        .find(|t| t["cut"].as_f64() == Some(0.3))
        .expect("the 30% target");
    assert!(thirty["name"].as_str().unwrap().contains("real-terms"));
    let half = targets
        .iter()
        .find(|t| t["cut"].as_f64() == Some(0.5))
        .expect("the 50% target");
    assert!(!half["basis"].as_str().unwrap().is_empty());
    let envelope = targets
        .iter()
        .find(|t| t["gbp_per_head"].as_f64() == Some(18.76))
        .expect("the £18.76 envelope");
    assert_eq!(envelope["comparable_with_allowance"], false);
    for t in targets {
        assert!(!t["basis"].as_str().unwrap_or("").is_empty(), "{t}");
        assert!(!t["scope"].as_str().unwrap_or("").is_empty(), "{t}");
        assert!(!t["deadline"].as_str().unwrap_or("").is_empty(), "{t}");
    }
    // Only ICB-era years, never the CCGs'.
    let years: Vec<&str> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_str().unwrap())
        .collect();
    assert_eq!(years.first(), Some(&"2022/23"), "{years:?}");
    assert!(!years.contains(&"2021/22"));
    // The 2024/25 allowances are published points with their basis.
    let y2425 = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == "2024/25")
        .unwrap();
    let parts = y2425["allowance_parts"].as_array().unwrap();
    assert!(parts.len() >= 29, "{}", parts.len());
    for p in parts {
        assert!(!p["basis"].as_str().unwrap_or("").is_empty(), "{p}");
    }
    // Every CSV figure column has its basis column filled whenever it has a figure.
    let csv_text = cli(&["costs", "--era", "icb", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        for (fig, basis) in [
            ("allowance_gbp", "allowance_basis"),
            ("population", "population_basis"),
            ("envelope_gbp", "envelope_basis"),
            ("half_of_2024_25_allowance_gbp", "half_basis"),
        ] {
            if !rec[col(fig)].is_empty() {
                assert!(
                    !rec[col(basis)].is_empty(),
                    "{fig} without a basis: {rec:?}"
                );
            }
        }
        n += 1;
    }
    assert_eq!(n, 5, "2022/23 to 2026/27");
    // The 2024/25 row lists each ICB's published (draft) allowance, with its basis.
    let row = csv_text
        .lines()
        .find(|l| l.starts_with("England,2024/25,"))
        .unwrap();
    assert!(row.contains("QHG 15530000 x1.0000 published"), "{row}");
    assert!(row.contains("QOC 7700000 x1.0000 reported"), "{row}");
    // The text says the envelope cannot be read against the allowance.
    let text = cli(&["costs", "--footprint", "S1Y5D"]);
    assert!(
        text.starts_with("ICB running costs: NHS Central East"),
        "{text}"
    );
    assert!(text.contains("not comparable with the running cost allowance"));
    // Central East's footprint is its predecessors'.
    for code in ["QHG", "QUE", "QM7"] {
        assert!(text.contains(&format!("({code})")), "{code}: {text}");
    }
    // The CCG era stays apart and points to the ICB era.
    let ccg = cli(&["costs"]);
    assert!(ccg.contains("costs --era icb"), "{ccg}");
    assert!(!ccg.contains("18.76"));
}

#[test]
fn the_unconfirmed_2026_codes_are_shown_as_unconfirmed() {
    for code in ["S1Y5D", "D7T5G", "T6Y0W", "S9B9J", "S0E4D", "Z9B2Z"] {
        let v = cli_json(&["lineage", code, "--format", "json"]);
        let ons = v["ons_codes"].as_array().unwrap();
        assert!(!ons.is_empty(), "{code}: {v}");
        for o in ons {
            assert_ne!(o["basis"], "published", "{code}: {o}");
            assert!(
                o["note"].as_str().unwrap().contains("not confirmed"),
                "{code}: {o}"
            );
        }
    }
}

#[test]
fn check_states_the_as_at_date() {
    let text = cli(&["check", "assets/england.ron"]);
    assert!(text.contains("as at 25 Nov 2026"), "{text}");
}

#[test]
fn the_flow_of_the_record_runs_on_to_36_icbs_with_frimley_split_by_population() {
    use ccg_explorer::model::flow::{Flow, FlowSpan, column_dates_for};
    let tl = england();
    let dates: Vec<String> = column_dates_for(&tl, FlowSpan::Record)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        dates[dates.len() - 4..],
        ["2022-04-01", "2022-07-01", "2023-04-01", "2026-04-01"]
    );
    let flow = Flow::build_for(&tl, FlowSpan::Record);
    let counts: Vec<usize> = flow.columns.iter().map(|c| c.nodes.len()).collect();
    assert_eq!(counts[counts.len() - 3..], [42, 42, 36]);
    let n = flow.columns.len();
    let frimley = tl.snapshot().find(OrgKind::Icb, "QNQ").unwrap();
    let node = flow.columns[n - 2]
        .nodes
        .iter()
        .find(|x| x.org == frimley)
        .expect("Frimley in the April 2023 column");
    let mut to: Vec<(String, f64)> = node
        .next
        .iter()
        .map(|(t, share)| {
            let org = flow.columns[n - 1].nodes[*t as usize].org;
            (
                tl.snapshot().org(org).code.clone(),
                (share * 1000.0).round() / 1000.0,
            )
        })
        .collect();
    to.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        to,
        [
            ("QRL".to_string(), 0.229),
            ("S0E4D".to_string(), 0.589),
            ("S9B9J".to_string(), 0.182)
        ]
    );
    // Every column still holds England.
    for (i, col) in flow.columns.iter().enumerate() {
        let total: f64 = col.nodes.iter().map(|n| n.value).sum();
        assert!((50e6..70e6).contains(&total), "column {i}: {total} people");
    }
}

#[test]
fn what_the_sources_could_not_confirm_is_not_shown_as_published() {
    // 3: sub-ICB location names from April 2026 follow a convention, except 92A's.
    let v = cli_json(&["compare", "2026-03-31", "2026-04-01", "--format", "json"]);
    let renames = changes_of(&v, "rename");
    assert!(renames.len() >= 20, "{}", renames.len());
    for c in renames {
        if c["to"] != "92A" {
            assert_eq!(c["basis"], "estimated", "{c}");
        }
    }
    // 2: the ONS codes of re-parented sub-ICB locations are assumed unchanged, and
    // the new codes of 92A and U2G6B were not found.
    let csv_text = cli(&["at", "2026-04-01", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let mut seen = BTreeMap::new();
    for rec in r.deserialize::<BTreeMap<String, String>>() {
        let rec = rec.unwrap();
        seen.insert(
            rec["commissioner_code"].clone(),
            (
                rec["commissioner_ons_code"].clone(),
                rec["commissioner_ons_basis"].clone(),
            ),
        );
    }
    assert_eq!(seen["M1J4Y"].1, "estimated", "{:?}", seen["M1J4Y"]);
    assert_eq!(seen["92A"].0, "", "{:?}", seen["92A"]);
    assert_eq!(seen["U2G6B"].0, "", "{:?}", seen["U2G6B"]);
    // 4: which way the 2023 Surrey and Sussex boundary moved is not known.
    let v = cli_json(&["compare", "2023-03-31", "2023-04-01", "--format", "json"]);
    for c in v["changes"].as_array().unwrap() {
        if c["to"] == "92A" || c["to"] == "70F" {
            assert_ne!(c["basis"], "published", "{c}");
        }
    }
    // 6: clusters are reported, and their dates carry their precision.
    let v = cli_json(&["lineage", "QJK", "--format", "json"]);
    let c14 = v["shared_management"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "C14")
        .expect("Devon's cluster");
    assert_eq!(c14["basis"], "reported");
    assert_eq!(c14["from_precision"], "month");
}

#[test]
fn the_timeline_marks_the_clusters_and_the_2026_wave() {
    let tl = england();
    let m = ccg_explorer::view::timeline_model(&tl);
    let on = |day: &str| {
        m.sharing
            .iter()
            .find(|x| x.date == d(day))
            .map(|x| x.lines.join("\n"))
            .unwrap_or_default()
    };
    assert!(
        on("2025-09-01").contains("QJ2, QJM, QT1 (C18)"),
        "{}",
        on("2025-09-01")
    );
    // The six clusters that became ICBs end on the day of the mergers.
    assert_eq!(
        on("2026-04-01").matches("ended").count(),
        6,
        "{}",
        on("2026-04-01")
    );
}

#[test]
fn a_renamed_sub_icb_location_is_named_as_it_was_on_each_day() {
    let tl = england();
    let s = tl.snapshot();
    let m = s.find(OrgKind::SubIcb, "M1J4Y").unwrap();
    assert_eq!(
        s.org(m).name_on(d("2026-03-31")),
        "NHS Bedfordshire, Luton and Milton Keynes ICB - M1J4Y"
    );
    assert_eq!(
        s.org(m).name_on(d("2026-04-01")),
        "NHS Central East ICB - M1J4Y"
    );
    // The new name is inferred from the convention: not published.
    assert_eq!(
        s.org(m).name_basis_on(d("2026-04-01")),
        Some(ccg_explorer::model::Provenance::Estimated)
    );
    let v = cli_json(&["at", "2026-04-01", "--format", "json"]);
    let text = v.to_string();
    assert!(
        text.contains("\"NHS Central East ICB - M1J4Y\""),
        "new name in at"
    );
    let v = cli_json(&["at", "2025-04-01", "--format", "json"]);
    assert!(!v.to_string().contains("NHS Central East ICB - M1J4Y"));
}

#[test]
fn a_part_of_a_footprint_s_allowances_is_derived_when_it_sums_or_shares_them() {
    use ccg_explorer::model::Provenance;
    let tl = england();
    let s = tl.snapshot();
    // Central East in 2024/25: QHG's published allowance and 79.87% of QM7's, with no
    // figure for QUE. A sum, and a share: derived, like a whole footprint's sum.
    let central_east = s.find(OrgKind::Icb, "S1Y5D").unwrap();
    let chart = ccg_explorer::view::icb_cost_chart(&tl, Some(central_east), d("2026-06-01"));
    let part = chart.points.iter().find(|p| p.year == 2024).unwrap();
    assert!(!part.complete, "{}", part.label);
    assert_eq!(part.basis, Provenance::Derived, "{}", part.label);
    assert!(
        part.label.contains("(derived; no figure for QUE)"),
        "{}",
        part.label
    );
    // A body's own published figure, whole, stays published.
    let qe1 = s.find(OrgKind::Icb, "QE1").unwrap();
    let chart = ccg_explorer::view::icb_cost_chart(&tl, Some(qe1), d("2025-06-01"));
    let whole = chart.points.iter().find(|p| p.year == 2024).unwrap();
    assert!(whole.complete, "{}", whole.label);
    assert_eq!(whole.basis, Provenance::Published, "{}", whole.label);
}
