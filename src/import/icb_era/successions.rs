//! The 2026 successions and Frimley's places.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Result, anyhow, bail, ensure};

use crate::import::{Row, get, parse_f64, read_csv};
use crate::model::format::{EventKind, RawEvent, RawLink, RawShare, RawSnapshot};
use crate::model::{OrgKind, Provenance};

use super::*;

/// The population weights of D4U1Y's three successors (NHS England's code, S10), from
/// the note of its row: `U2G6B ... pop. weight 0.589`, `D9Y0V ... 0.229`, `92A ... 0.182`.
pub(super) fn frimley_weights(rows: &[Row]) -> Result<BTreeMap<String, f64>> {
    let r = rows
        .iter()
        .find(|r| get(r, "sicbl_ods_code") == "D4U1Y" && !get(r, "period_end").is_empty())
        .ok_or_else(|| anyhow!("icb_era/sub_icb_locations.csv: no closed D4U1Y row"))?;
    let note = get(r, "notes");
    let mut out = BTreeMap::new();
    for to in ["U2G6B", "D9Y0V", "92A"] {
        let at = note
            .find(to)
            .ok_or_else(|| anyhow!("D4U1Y's note does not name {to}"))?;
        let rest = &note[at..];
        let weight = rest
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .find(|w| w.starts_with("0.") && w.len() > 2)
            .ok_or_else(|| anyhow!("D4U1Y's note gives no weight for {to}"))?;
        out.insert(to.to_string(), parse_f64(weight, "D4U1Y weight")?);
    }
    let total: f64 = out.values().sum();
    ensure!(
        (total - 1.0).abs() < 0.002,
        "D4U1Y's weights sum to {total}, not 1"
    );
    Ok(out)
}

/// The 1 April 2026 successions: the ODS rows (merger, split, acquisition) as events,
/// one merger for each new ICB's whole predecessors and one split for each part; and
/// D4U1Y's split into U2G6B, D9Y0V and 92A. Checked against the abolition and
/// establishment rows.
pub(super) fn successions_2026(
    rows: &[Row],
    sicbls: &[Row],
    weights: &BTreeMap<String, f64>,
    populations: &HashMap<String, i64>,
    snap: &mut RawSnapshot,
    next: &mut u32,
) -> Result<()> {
    let day = MERGER_DAY;
    let name_of = |code: &str| {
        snap.icbs
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    // The ICB of each sub-ICB location from 1 April 2026.
    let parent_2026: HashMap<&str, &str> = sicbls
        .iter()
        .filter(|r| get(r, "period_start") == "2026-04-01")
        .map(|r| (get(r, "sicbl_ods_code"), get(r, "icb_ods_code")))
        .collect();
    let parent_2025: HashMap<&str, &str> = sicbls
        .iter()
        .filter(|r| get(r, "period_end") == "2026-03-31")
        .map(|r| (get(r, "sicbl_ods_code"), get(r, "icb_ods_code")))
        .collect();
    // Share of a predecessor passing to a successor, with its basis and why.
    let share_of = |from: &str, to: &str| -> Result<(f64, Provenance, String)> {
        if from == "QNQ" {
            // Frimley is one sub-ICB location, D4U1Y, split three ways.
            let sub = parent_2026
                .iter()
                .filter(|(_, icb)| **icb == to)
                .find_map(|(s, _)| weights.get(*s).map(|w| (*s, *w)))
                .ok_or_else(|| anyhow!("no part of D4U1Y goes to {to}"))?;
            return Ok((
                sub.1,
                Provenance::Reported,
                format!(
                    "share {:.3}: NHS England's population weight for D4U1Y's part in {} (S10, S11; reported)",
                    sub.1, sub.0
                ),
            ));
        }
        let subs: Vec<&str> = parent_2025
            .iter()
            .filter(|(_, icb)| **icb == from)
            .map(|(s, _)| *s)
            .collect();
        let pop = |s: &&str| populations.get(*s).copied().unwrap_or(0) as f64;
        let total: f64 = subs.iter().map(pop).sum();
        let mut going: Vec<&str> = subs
            .iter()
            .copied()
            .filter(|s| parent_2026.get(s) == Some(&to))
            .collect();
        going.sort_unstable();
        let part: f64 = going.iter().map(pop).sum();
        ensure!(
            total > 0.0 && part > 0.0,
            "cannot share {from} between its successors: no populations"
        );
        let share = (part / total * 10_000.0).round() / 10_000.0;
        Ok((
            share,
            Provenance::Derived,
            format!(
                "share {share:.4}: the January 2021 registered lists of {} out of all of {from}'s",
                going.join(", ")
            ),
        ))
    };
    let succession: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            get(r, "date") == "2026-04-01"
                && matches!(
                    get(r, "event_type"),
                    "merger" | "split" | "boundary_change (acquisition)"
                )
        })
        .collect();
    ensure!(
        succession.len() == 16,
        "icb_era/icb_events.csv: {} succession rows for 2026, not 16",
        succession.len()
    );
    // Whole predecessors by successor, in file order.
    let mut merged: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    let mut out: Vec<RawEvent> = Vec::new();
    for r in &succession {
        let id = get(r, "event_id");
        ensure!(
            get(r, "confidence")
                == "confirmed (ICB pair, type per ODS); reported (SICBL/area detail)",
            "icb_era/icb_events.csv {id}: unknown confidence '{}': add it to the importer",
            get(r, "confidence")
        );
        let (from, to) = (get(r, "from_icb_ods"), get(r, "to_icb_ods"));
        if get(r, "event_type") == "merger" {
            merged.entry(to).or_default().push(r);
            continue;
        }
        let (share, basis, why) = share_of(from, to)?;
        out.push(RawEvent {
            id: new_event_id(next),
            date: day,
            kind: EventKind::Split,
            from: vec![from.to_string()],
            to: to.to_string(),
            to_kind: Some(OrgKind::Icb),
            name: name_of(to),
            share: Some(share),
            date_basis: "exact (ODS succession date)".to_string(),
            basis: Some(basis),
            source: keys(get(r, "source_ids")),
            note: format!(
                "ODS succession ({}, confirmed): {}; {why} ({id})",
                get(r, "event_type"),
                get(r, "area_detail")
            ),
        });
    }
    for (to, rs) in &merged {
        let ids: Vec<&str> = rs.iter().map(|r| get(r, "event_id")).collect();
        let mut sources: Vec<String> = Vec::new();
        for r in rs {
            for k in keys(get(r, "source_ids")).split("; ") {
                if !sources.iter().any(|s| s == k) {
                    sources.push(k.to_string());
                }
            }
        }
        out.push(RawEvent {
            id: new_event_id(next),
            date: day,
            kind: EventKind::Merge,
            from: rs
                .iter()
                .map(|r| get(r, "from_icb_ods").to_string())
                .collect(),
            to: to.to_string(),
            to_kind: Some(OrgKind::Icb),
            name: name_of(to),
            share: None,
            date_basis: "exact (ODS succession date)".to_string(),
            basis: Some(Provenance::Published),
            source: sources.join("; "),
            note: format!(
                "ODS succession rows {} (mergers, confirmed; RCPCH reading of the ODS API); {}",
                ids.join(", "),
                rs.iter()
                    .map(|r| format!("{}: {}", get(r, "from_icb_ods"), get(r, "area_detail")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        });
    }
    // Checked against the abolition and establishment rows.
    let mut ended: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in &out {
        for f in &e.from {
            ended.entry(f.clone()).or_default().insert(e.to.clone());
        }
    }
    for r in rows
        .iter()
        .filter(|r| get(r, "event_type") == "abolition" && get(r, "date") == "2026-04-01")
    {
        let from = get(r, "from_icb_ods");
        let want: BTreeSet<String> = get(r, "to_icb_ods").split(';').map(String::from).collect();
        ensure!(
            ended.get(from) == Some(&want),
            "icb_era/icb_events.csv {}: {from} abolished into {want:?}, but the successions give {:?}",
            get(r, "event_id"),
            ended.get(from)
        );
    }
    for r in rows
        .iter()
        .filter(|r| get(r, "event_type") == "establishment" && get(r, "date") == "2026-04-01")
    {
        let to = get(r, "to_icb_ods");
        let want: BTreeSet<&str> = get(r, "from_icb_ods").split(';').collect();
        let have: BTreeSet<&str> = out
            .iter()
            .filter(|e| e.to == to)
            .flat_map(|e| e.from.iter().map(String::as_str))
            .collect();
        ensure!(
            want == have,
            "icb_era/icb_events.csv {}: {to} established from {want:?}, but the successions give {have:?}",
            get(r, "event_id")
        );
    }
    let closure = rows
        .iter()
        .find(|r| get(r, "event_type") == "sicbl_closure/new_code")
        .ok_or_else(|| anyhow!("icb_era/icb_events.csv: no sub-ICB location closure row"))?;
    ensure!(
        get(closure, "confidence") == "reported (confirmed by NHS England code for U2G6B)",
        "icb_era/icb_events.csv {}: unknown confidence '{}': add it to the importer",
        get(closure, "event_id"),
        get(closure, "confidence")
    );
    for (to, w) in weights {
        let name = snap
            .sub_icb_locations
            .iter()
            .find(|o| o.code == *to)
            .map(|o| o.name.clone())
            .unwrap_or_default();
        out.push(RawEvent {
            id: new_event_id(next),
            date: day,
            kind: EventKind::Split,
            from: vec!["D4U1Y".to_string()],
            to: to.clone(),
            to_kind: Some(OrgKind::SubIcb),
            name,
            share: Some(*w),
            date_basis: "exact (ODS succession date)".to_string(),
            basis: Some(Provenance::Reported),
            source: keys("S08;S09;S10;S11"),
            note: format!(
                "Frimley's sub-ICB location split three ways; share {w:.3}: NHS England's population weight (S10, S11; reported) ({})",
                get(closure, "event_id")
            ),
        });
    }
    snap.events.extend(out);
    Ok(())
}

/// The places D4U1Y served pass, from 1 April 2026, to the successor whose area each
/// lies in (the project's choice, `icb_era_frimley_places.csv`, estimated); its
/// neighbourhoods follow their main place. The population weights the sources give
/// are checked against the neighbourhoods' list sizes.
pub(super) fn frimley_places(
    dir: &Path,
    weights: &BTreeMap<String, f64>,
    snap: &mut RawSnapshot,
) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "icb_era_frimley_places.csv")?;
    let day = MERGER_DAY;
    let mut to_of_place: HashMap<String, String> = HashMap::new();
    for r in &rows {
        let place = get(r, "place_code").to_string();
        let from = get(r, "from_sicbl");
        let to = get(r, "to_sicbl").to_string();
        let reason = get(r, "reason");
        let old = snap
            .sub_icb_places
            .iter_mut()
            .find(|l| l.by == from && l.place == place && l.to.is_none())
            .ok_or_else(|| anyhow!("icb_era_frimley_places.csv: {from} does not serve {place}"))?;
        old.to = Some(BEFORE_MERGERS);
        let part = old.share;
        let (share, note) = match snap
            .sub_icb_places
            .iter_mut()
            .find(|l| l.by == to && l.place == place && l.to.is_none())
        {
            Some(own) => {
                own.to = Some(BEFORE_MERGERS);
                (
                    own.share + part,
                    format!(
                        "from 1 April 2026 its own {:.4} ({}) and {from}'s {part:.4} of the place (estimated: {reason})",
                        own.share,
                        own.basis.label()
                    ),
                )
            }
            None => (
                part,
                format!("from 1 April 2026 {from}'s {part:.4} of the place (estimated: {reason})"),
            ),
        };
        snap.sub_icb_places.push(RawShare {
            by: to.clone(),
            place: place.clone(),
            share: (share * 10_000.0).round() / 10_000.0,
            from: day,
            to: None,
            basis: Provenance::Estimated,
            source: CHOICES.to_string(),
            note,
        });
        to_of_place.insert(place, to);
    }
    if let Some(l) = snap
        .sub_icb_places
        .iter()
        .find(|l| l.by == "D4U1Y" && l.to.is_none_or(|t| t >= day))
    {
        bail!(
            "D4U1Y still serves {} from {day}: add the place to icb_era_frimley_places.csv",
            l.place
        );
    }
    // Neighbourhoods go with their main place.
    let pcn_places: Vec<Row> = read_csv(dir, "pcn_places.csv")?;
    let main: HashMap<&str, &str> = pcn_places
        .iter()
        .filter(|r| get(r, "main_place") == "Y")
        .map(|r| (get(r, "pcn_code"), get(r, "utla_code")))
        .collect();
    let list: HashMap<&str, f64> = {
        let mut m: HashMap<&str, f64> = HashMap::new();
        for r in &pcn_places {
            *m.entry(get(r, "pcn_code")).or_default() += parse_f64(
                get(r, "list_size_2021_01"),
                "pcn_places.csv list_size_2021_01",
            )?;
        }
        m
    };
    let mut moved: Vec<RawLink> = Vec::new();
    let mut lists: BTreeMap<String, f64> = BTreeMap::new();
    for l in snap
        .neighbourhood_sub_icbs
        .iter()
        .filter(|l| l.of == "D4U1Y" && l.to == Some(BEFORE_MERGERS))
    {
        let place = main
            .get(l.member.as_str())
            .ok_or_else(|| anyhow!("neighbourhood {} has no main place", l.member))?;
        let to = to_of_place.get(*place).ok_or_else(|| {
            anyhow!(
                "neighbourhood {}'s place {place} has no successor",
                l.member
            )
        })?;
        *lists.entry(to.clone()).or_default() +=
            list.get(l.member.as_str()).copied().unwrap_or(0.0);
        moved.push(RawLink {
            member: l.member.clone(),
            of: to.clone(),
            from: day,
            to: None,
            basis: Some(Provenance::Estimated),
            source: format!("NHSD_PRACMAP_2022_01; {CHOICES}"),
        });
    }
    let total: f64 = lists.values().sum();
    for (to, w) in weights {
        let have = lists.get(to).copied().unwrap_or(0.0) / total.max(1.0);
        ensure!(
            (have - w).abs() < 0.02,
            "the neighbourhoods given to {to} hold {have:.3} of D4U1Y's list, but the sources' weight is {w:.3}: check icb_era_frimley_places.csv"
        );
    }
    snap.neighbourhood_sub_icbs.extend(moved);
    Ok(())
}
