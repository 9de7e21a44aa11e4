//! Property tests: random valid merger histories, checked against a naive reference.

use std::collections::BTreeMap;

use ccg_explorer::model::format::{
    EventKind, RawEvent, RawOrg, RawPopulation, RawShare, RawSnapshot, RawSource,
};
use ccg_explorer::model::load::{parse_str, validate};
use ccg_explorer::model::{Date, FOREVER, LinkKind, OrgId, OrgKind, Provenance, Timeline};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd_opt(y, m, day).unwrap()
}

/// A CCG of a history, alive over `life` (first and last days), with `count` people
/// counted on its first day, on `basis`, from the source `X`.
fn ccg(code: String, name: String, life: (Date, Date), count: i64, basis: Provenance) -> RawOrg {
    RawOrg {
        code,
        name,
        from: life.0,
        to: Some(life.1),
        population: Some(RawPopulation {
            count,
            as_at: life.0,
            period: String::new(),
            basis,
            source: "X".into(),
        }),
        ..Default::default()
    }
}

/// A history: `n` CCGs from 2013, each serving its own place, and mergers given as
/// (year, picks): on 1 April of `year`, the CCGs alive then at the picked positions merge.
fn history(n: usize, mergers: &[(i32, Vec<usize>)]) -> RawSnapshot {
    let mut raw = RawSnapshot {
        format: 1,
        title: "random".into(),
        sources: vec![RawSource {
            key: "X".into(),
            title: "generated".into(),
            reference: String::new(),
        }],
        ..Default::default()
    };
    let start = d(2013, 4, 1);
    let end = d(2022, 6, 30);
    let mut alive: Vec<usize> = Vec::new();
    // place -> serving CCG (index into raw.ccgs), per interval.
    let mut serving: Vec<(usize, usize, Date)> = Vec::new(); // (place, ccg, from)
    for i in 0..n {
        raw.ccgs.push(ccg(
            format!("C{i:02}"),
            format!("CCG {i}"),
            (start, end),
            1000 * (i as i64 + 1),
            Provenance::Published,
        ));
        raw.places.push(RawOrg {
            code: format!("P{i:02}"),
            name: format!("Place {i}"),
            from: start,
            ..Default::default()
        });
        raw.events.push(RawEvent {
            id: format!("E{i}"),
            date: start,
            kind: EventKind::Establish,
            to: format!("C{i:02}"),
            ..Default::default()
        });
        alive.push(i);
        serving.push((i, i, start));
    }
    let mut years: Vec<&(i32, Vec<usize>)> = mergers.iter().collect();
    years.sort_by_key(|m| m.0);
    for (k, (year, picks)) in years.into_iter().enumerate() {
        let day = d(*year, 4, 1);
        let mut chosen: Vec<usize> = picks.iter().map(|p| alive[p % alive.len()]).collect();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.len() < 2 || raw.ccgs[chosen[0]].from >= day {
            continue;
        }
        if chosen.iter().any(|c| raw.ccgs[*c].from >= day) {
            continue;
        }
        let new = raw.ccgs.len();
        let pop: i64 = chosen
            .iter()
            .map(|c| raw.ccgs[*c].population.as_ref().unwrap().count)
            .sum();
        for c in &chosen {
            raw.ccgs[*c].to = Some(day.pred_opt().unwrap());
        }
        raw.ccgs.push(ccg(
            format!("M{k:02}"),
            format!("Merged {k}"),
            (day, end),
            pop,
            Provenance::Derived,
        ));
        raw.events.push(RawEvent {
            id: format!("M{k}"),
            date: day,
            kind: EventKind::Merge,
            from: chosen.iter().map(|c| raw.ccgs[*c].code.clone()).collect(),
            to: format!("M{k:02}"),
            ..Default::default()
        });
        for s in serving.iter_mut() {
            if chosen.contains(&s.1) {
                raw.ccg_places.push(RawShare {
                    by: raw.ccgs[s.1].code.clone(),
                    place: format!("P{:02}", s.0),
                    share: 1.0,
                    from: s.2,
                    to: Some(day.pred_opt().unwrap()),
                    basis: Provenance::Published,
                    source: "X".into(),
                    note: String::new(),
                });
                *s = (s.0, new, day);
            }
        }
        alive.retain(|a| !chosen.contains(a));
        alive.push(new);
    }
    for (place, ccg, from) in serving {
        raw.ccg_places.push(RawShare {
            by: raw.ccgs[ccg].code.clone(),
            place: format!("P{place:02}"),
            share: 1.0,
            from,
            to: Some(end),
            basis: Provenance::Published,
            source: "X".into(),
            note: String::new(),
        });
    }
    raw
}

fn mergers() -> impl Strategy<Value = (usize, Vec<(i32, Vec<usize>)>)> {
    (3usize..14).prop_flat_map(|n| {
        let merger = (2014i32..=2021, prop::collection::vec(0usize..20, 2..5));
        (Just(n), prop::collection::vec(merger, 0..6))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The indexed engine agrees with a naive scan of every interval on random days.
    #[test]
    fn state_at_equals_a_naive_scan((n, ms) in mergers(), days in prop::collection::vec(0i64..3500, 1..12)) {
        let raw = history(n, &ms);
        let loaded = validate(&raw, &Default::default()).expect("generated histories are valid");
        let tl = Timeline::new(loaded.snapshot);
        let s = tl.snapshot();
        for offset in days {
            let day = d(2013, 1, 1) + chrono::Duration::days(offset);
            let state = tl.state_at(day);
            let mut naive_ccgs = 0;
            for (i, o) in s.orgs.iter().enumerate() {
                prop_assert_eq!(state.is_alive(OrgId(i as u32)), o.alive_on(day));
                if o.kind == OrgKind::Ccg && o.alive_on(day) {
                    naive_ccgs += 1;
                }
            }
            prop_assert_eq!(state.counts().ccg, naive_ccgs);
            prop_assert_eq!(tl.counts_at(day).ccg, naive_ccgs);
        }
    }

    /// Population is conserved across mergers, and every place is served on every day
    /// of the CCG era with shares summing to 1.
    #[test]
    fn population_is_conserved_and_places_stay_served((n, ms) in mergers(), offset in 0i64..3378) {
        let raw = history(n, &ms);
        let loaded = validate(&raw, &Default::default()).expect("valid");
        let tl = Timeline::new(loaded.snapshot);
        let s = tl.snapshot();
        let day = d(2013, 4, 1) + chrono::Duration::days(offset);
        let state = tl.state_at(day);
        let total: u64 = state.alive(OrgKind::Ccg).map(|c| s.org(c).population.as_ref().unwrap().count).sum();
        prop_assert_eq!(total, (1..=n as u64).map(|i| 1000 * i).sum::<u64>());
        let mut sums: BTreeMap<u32, f64> = BTreeMap::new();
        for l in state.links(LinkKind::CcgPlace) {
            *sums.entry(s.link(l).b.0).or_default() += s.link(l).share;
        }
        prop_assert_eq!(sums.len(), n);
        prop_assert!(sums.values().all(|v| (v - 1.0).abs() < 1e-9));
        // Every CCG's lineage ends in a CCG alive on the last day.
        for c in state.alive(OrgKind::Ccg) {
            let l = tl.lineage(c);
            let last = l.steps.last().map(|st| st.to).unwrap_or(c);
            prop_assert!(s.org(last).to == d(2022, 6, 30) || s.org(last).to == FOREVER);
        }
    }

    /// Leadership counts agree with a breadth-first count over random arrangements laid
    /// over random merger histories: overlapping teams, chains through a shared partner,
    /// joint committees that share no leadership.
    #[test]
    fn leadership_counts_equal_a_naive_count(
        (n, ms) in mergers(),
        arrangements in prop::collection::vec((prop::collection::vec(0usize..30, 2..5), 0i64..3000, 0i64..1500, 0u8..3), 0..8),
        days in prop::collection::vec(0i64..3378, 1..10),
    ) {
        use ccg_explorer::model::format::{ArrangementKind, RawArrangement};
        let mut raw = history(n, &ms);
        let start = d(2013, 4, 1);
        for (k, (picks, begin, length, kind)) in arrangements.into_iter().enumerate() {
            let from = start + chrono::Duration::days(begin);
            let to = from + chrono::Duration::days(length);
            // Members: CCGs alive for the whole interval, as the loader requires.
            let fit: Vec<String> = raw.ccgs.iter()
                .filter(|c| c.from <= from && c.to.is_none_or(|t| to <= t))
                .map(|c| c.code.clone())
                .collect();
            if fit.len() < 2 {
                continue;
            }
            let mut members: Vec<String> = picks.iter().map(|p| fit[p % fit.len()].clone()).collect();
            members.sort();
            members.dedup();
            if members.len() < 2 {
                continue;
            }
            raw.shared_management.push(RawArrangement {
                id: format!("SM{k}"),
                kind: [ArrangementKind::SharedAccountableOfficer, ArrangementKind::SingleManagementTeam, ArrangementKind::JointCommittee][kind as usize],
                members,
                from,
                to: Some(to),
                source: "X".into(),
                ..Default::default()
            });
        }
        let loaded = validate(&raw, &Default::default()).expect("generated arrangements are valid");
        let tl = Timeline::new(loaded.snapshot);
        for offset in days {
            let day = start + chrono::Duration::days(offset);
            let alive: Vec<&str> = raw.ccgs.iter()
                .filter(|c| c.from <= day && c.to.is_none_or(|t| day <= t))
                .map(|c| c.code.as_str())
                .collect();
            let mut partners: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for a in &raw.shared_management {
                if a.kind == ArrangementKind::JointCommittee || day < a.from || a.to.is_some_and(|t| day > t) {
                    continue;
                }
                for x in &a.members {
                    for y in &a.members {
                        if x != y {
                            partners.entry(x.as_str()).or_default().push(y.as_str());
                        }
                    }
                }
            }
            let sharing = alive.iter().filter(|c| partners.contains_key(*c)).count();
            let mut seen = std::collections::BTreeSet::new();
            let mut teams = 0;
            for c in &alive {
                if seen.insert(*c) {
                    teams += 1;
                    let mut stack = vec![*c];
                    while let Some(x) = stack.pop() {
                        for y in partners.get(x).into_iter().flatten() {
                            if seen.insert(*y) {
                                stack.push(*y);
                            }
                        }
                    }
                }
            }
            let counts = tl.counts_at(day);
            prop_assert_eq!(counts.ccgs_sharing_leadership, sharing, "{}", day);
            prop_assert_eq!(counts.leadership_teams, teams, "{}", day);
            // The teams the tree and the flow draw agree with the counts.
            let state = tl.state_at(day);
            let drawn = ccg_explorer::model::sharing::teams(tl.snapshot(), day, state.alive(OrgKind::Ccg));
            prop_assert_eq!(drawn.len(), teams);
            prop_assert_eq!(drawn.iter().filter(|t| t.shared()).map(|t| t.ccgs.len()).sum::<usize>(), sharing);
        }
    }

    /// Writing a snapshot and reading it back gives the same snapshot.
    #[test]
    fn save_then_load_gives_an_equal_snapshot((n, ms) in mergers()) {
        let raw = history(n, &ms);
        let text = ccg_explorer::import::to_ron(&raw).unwrap();
        prop_assert_eq!(parse_str(&text).unwrap(), raw);
    }

    /// A scenario written and read back is the same scenario.
    #[test]
    fn scenario_round_trips(name in "[A-Za-z0-9 ]{1,20}", codes in prop::collection::vec("[A-Z0-9]{3}", 2..6), year in 2014i32..2022) {
        use ccg_explorer::model::scenario::{Bookmark, Change, Scenario};
        let raw = history(3, &[]);
        let mut sc = Scenario::new(&name, &raw);
        sc.changes.push(Change::Merge { date: d(year, 4, 1), ccgs: codes.clone(), code: "NEW".into(), name: name.clone() });
        sc.changes.push(Change::SharedManagement { ccgs: codes.clone(), from: d(year, 1, 1), to: None });
        sc.bookmarks.push(Bookmark { name: name.clone(), date: d(year, 6, 1), selection: codes.first().cloned(), scenario: true, chart: Default::default(), note: String::new() });
        let again = ccg_explorer::model::scenario::parse_scenario(&sc.to_ron().unwrap()).unwrap();
        prop_assert_eq!(again, sc);
    }
}

/// The generator really produces mergers (so the properties above test something).
#[test]
fn the_generator_makes_mergers_and_chains() {
    let raw = history(
        6,
        &[
            (2015, vec![0, 1]),
            (2018, vec![4, 0, 1]),
            (2020, vec![0, 2]),
        ],
    );
    let merges: Vec<&RawEvent> = raw
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Merge)
        .collect();
    assert_eq!(merges.len(), 3, "{merges:?}");
    let loaded = validate(&raw, &Default::default()).unwrap();
    let tl = Timeline::new(loaded.snapshot);
    assert_eq!(tl.counts_at(d(2014, 4, 1)).ccg, 6);
    assert_eq!(tl.counts_at(d(2015, 4, 1)).ccg, 5);
    assert_eq!(tl.counts_at(d(2021, 4, 1)).ccg, 6 - 1 - 2 - 1);
}

/// England's raw record, parsed once for the scenario properties.
fn england_raw() -> &'static RawSnapshot {
    static RAW: std::sync::OnceLock<RawSnapshot> = std::sync::OnceLock::new();
    RAW.get_or_init(|| parse_str(ccg_explorer::ENGLAND_RON).unwrap())
}

proptest! {
    // Each case lays a scenario over all of England and builds its cost model.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Merging CCGs of one system earlier than the record never lowers the modelled
    /// savings of that system (or of England) below the record's: a merger removes a
    /// statutory body, and the merged CCG keeps the sharing its CCGs had with others.
    #[test]
    fn a_scenario_merger_never_lowers_modelled_savings(
        system_pick in 0usize..42,
        year in 2018i32..=2020,
        picks in prop::collection::vec(0usize..20, 2..4),
    ) {
        use ccg_explorer::model::costs::CostModel;
        use ccg_explorer::model::scenario::{Change, Scenario, apply};
        let raw = england_raw();
        let actual = Timeline::new(validate(raw, &Default::default()).unwrap().snapshot);
        let s = actual.snapshot();
        let day = d(year, 4, 1);
        let state = actual.state_at(day);
        let systems: Vec<OrgId> = state.alive(OrgKind::System).collect();
        let system = systems[system_pick % systems.len()];
        // CCGs of that system alive the day before and on the day, ending together.
        let members: Vec<OrgId> = s.links_of(system)
            .filter(|(_, l)| l.kind == LinkKind::CcgSystem && l.b == system && l.holds_on(day) && l.holds_on(day.pred_opt().unwrap()))
            .map(|(_, l)| l.a)
            .collect();
        prop_assume!(members.len() >= 2);
        let mut ccgs: Vec<OrgId> = picks.iter().map(|p| members[p % members.len()]).collect();
        ccgs.sort();
        ccgs.dedup();
        prop_assume!(ccgs.len() >= 2);
        let end = s.org(ccgs[0]).to;
        prop_assume!(ccgs.iter().all(|c| s.org(*c).to == end && s.org(*c).from < day));
        let mut sc = Scenario::new("property", raw);
        sc.changes.push(Change::Merge {
            date: day,
            ccgs: ccgs.iter().map(|c| s.org(*c).code.clone()).collect(),
            code: "ZZ9".into(),
            name: "Merged (property)".into(),
        });
        let (_, applied) = match apply(raw, &sc) {
            Ok(x) => x,
            // A merger the scenario rules refuse (the CCGs end in different events).
            Err(_) => return Ok(()),
        };
        let world = Timeline::new(applied.snapshot);
        let (m_actual, m_world) = (CostModel::new(&actual), CostModel::new(&world));
        let mid = d(year, 10, 1);
        let code = s.org(system).code.clone();
        let sys_world = world.snapshot().find(OrgKind::System, &code).unwrap();
        for (fa, fw) in [
            (m_actual.footprint(&actual, system, mid), m_world.footprint(&world, sys_world, mid)),
            (m_actual.england(), m_world.england()),
        ] {
            let (ra, rw) = (m_actual.series(&fa), m_world.series(&fw));
            for (a, w) in ra.iter().zip(&rw) {
                prop_assert!(
                    w.structural_saving_gbp >= a.structural_saving_gbp - 1.0,
                    "{} {}: scenario £{:.0} below the record's £{:.0}",
                    fa.name, a.year, w.structural_saving_gbp, a.structural_saving_gbp
                );
            }
        }
    }
}

/// `raw` moved `years` years earlier or later, with the CCGs alive at its end left
/// open-ended (and so their last place shares): valid, and unusual.
fn moved_and_open_ended(mut raw: RawSnapshot, years: i32, open: &[bool]) -> RawSnapshot {
    use chrono::Datelike;
    let shift = |d: &mut Date| *d = d.with_year(d.year() + years).unwrap();
    let end = d(2022, 6, 30);
    let open_codes: Vec<String> = raw
        .ccgs
        .iter()
        .enumerate()
        .filter(|(i, c)| c.to == Some(end) && open.get(*i).copied().unwrap_or(true))
        .map(|(_, c)| c.code.clone())
        .collect();
    for c in raw.ccgs.iter_mut().chain(raw.places.iter_mut()) {
        if open_codes.contains(&c.code) {
            c.to = None;
        }
        shift(&mut c.from);
        if let Some(t) = c.to.as_mut() {
            shift(t);
        }
        if let Some(p) = c.population.as_mut() {
            shift(&mut p.as_at);
        }
    }
    for s in raw.ccg_places.iter_mut() {
        if open_codes.contains(&s.by) && s.to == Some(end) {
            s.to = None;
        }
        shift(&mut s.from);
        if let Some(t) = s.to.as_mut() {
            shift(t);
        }
    }
    for e in raw.events.iter_mut() {
        shift(&mut e.date);
    }
    use ccg_explorer::model::FinancialYear;
    use ccg_explorer::model::format::{RawMoney, RawTarget, RawYearAmount};
    let base = FinancialYear(2017 + years);
    raw.money = RawMoney {
        allowance_per_head: vec![RawYearAmount {
            year: base,
            gbp: 21.76,
            basis: Provenance::Published,
            source: "X".into(),
            note: String::new(),
        }],
        target: Some(RawTarget {
            cut: 0.2,
            baseline_year: base,
            target_year: FinancialYear(base.0 + 3),
            source: "X".into(),
            note: String::new(),
        }),
        ..Default::default()
    };
    raw
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Valid snapshots with open-ended lives, anywhere in the years 1900 to 2200: they
    /// load, and every question (costs, states, trees, comparisons, the flow) is
    /// answered, with cost years bounded by the record.
    #[test]
    fn open_ended_lives_in_any_legal_year_load_and_every_answer_is_bounded(
        (n, ms) in mergers(),
        years in -113i32..=178,
        open in prop::collection::vec(any::<bool>(), 0..30),
    ) {
        use chrono::Datelike;
        let raw = moved_and_open_ended(history(n, &ms), years, &open);
        let loaded = validate(&raw, &Default::default());
        prop_assert!(loaded.is_ok(), "{:?}", loaded.err());
        let tl = Timeline::new(loaded.unwrap().snapshot);
        let s = tl.snapshot();
        let (first, last) = s.span();
        prop_assert!(first.year() >= 1900 && last.year() <= 2201);
        let model = ccg_explorer::model::costs::CostModel::new(&tl);
        prop_assert!(!model.years.is_empty());
        prop_assert!(model.years.len() <= (last.year() - first.year() + 2) as usize);
        for row in model.series(&model.england()) {
            prop_assert!(row.allowance_gbp.is_finite() && row.modelled_cost_gbp.is_finite());
        }
        let mut out = Vec::new();
        for day in [first, last, Date::MAX, d(2200, 12, 31)] {
            let _ = tl.state_at(day).tree();
            ccg_explorer::io::report::write_at(&mut out, &tl, day, ccg_explorer::io::report::Format::Json).unwrap();
        }
        ccg_explorer::io::report::write_compare(&mut out, &tl, first, d(2200, 12, 31), ccg_explorer::io::report::Format::Text).unwrap();
        ccg_explorer::io::report::write_costs(&mut out, &model, &model.england(), ccg_explorer::io::report::Format::Csv).unwrap();
        let flow = ccg_explorer::model::flow::Flow::build(&tl);
        prop_assert!(flow.columns.len() <= ccg_explorer::model::flow::MAX_COLUMNS + 1);
        prop_assert!(s.orgs.iter().any(|o| o.to == FOREVER) || open.iter().all(|o| !o));
    }
}
