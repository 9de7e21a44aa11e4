//! Sub-ICB locations over time and the 2023 boundary change.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Result, anyhow, bail, ensure};

use crate::import::{Row, date, get, opt};
use crate::model::format::{EventKind, RawCode, RawEvent, RawLink, RawOrg, RawSnapshot};
use crate::model::{Date, OrgKind, Provenance};

use super::*;

/// How a period's row of `sub_icb_locations.csv` is known: the parent link's basis,
/// and its ONS code's.
pub(super) struct PeriodBasis {
    parent: Provenance,
    ons: Provenance,
    /// Confirmed in 2022, reported unchanged since: the parent and the code are
    /// published to 31 March 2026 and reported from 1 April 2026.
    unchanged_since_2022: bool,
}

pub(super) fn period_basis(conf: &str, what: &str) -> Result<PeriodBasis> {
    use Provenance::{Estimated, Published, Reported};
    let (parent, ons, unchanged) = match conf {
        "confirmed" => (Published, Published, false),
        "confirmed (2022); reported (no change to date)" => (Published, Published, true),
        // Re-parented in 2026: the parent is reported; the code is assumed unchanged.
        "reported" => (Reported, Estimated, false),
        "confirmed (boundary change); reported (new ONS code)" => (Published, Reported, false),
        "confirmed (parent, name, expansion); reported (ONS code, weights)" => {
            (Published, Reported, false)
        }
        "confirmed (parent, name); reported (area, weights)" => (Published, Reported, false),
        "confirmed (code, name, parent); reported (weights, practice count)" => {
            (Published, Reported, false)
        }
        other => bail!("{what}: unknown confidence '{other}': add it to the importer"),
    };
    Ok(PeriodBasis {
        parent,
        ons,
        unchanged_since_2022: unchanged,
    })
}

/// Each sub-ICB location's lives, ICBs and ONS codes period by period, and its names:
/// a name confirmed in a source becomes its name (with a rename event); one inferred
/// from the naming convention stays a rename event marked estimated.
pub(super) fn sicbl_periods(rows: &[Row], snap: &mut RawSnapshot, next: &mut u32) -> Result<()> {
    let mut by_code: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in rows {
        let code = get(r, "sicbl_ods_code").to_string();
        if !by_code.contains_key(&code) {
            order.push(code.clone());
        }
        by_code.entry(code).or_default().push(r);
    }
    let mut links: Vec<RawLink> = Vec::new();
    let mut renames: Vec<RawEvent> = Vec::new();
    for code in &order {
        let periods = &by_code[code];
        let mut parents: Vec<RawLink> = Vec::new();
        let mut codes: Vec<RawCode> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let first_from = date(get(periods[0], "period_start"), code)?;
        let mut last_to: Option<Date> = None;
        for (i, r) in periods.iter().enumerate() {
            let what = format!("icb_era/sub_icb_locations.csv {code}");
            let from = date(get(r, "period_start"), &what)?;
            let to = opt(get(r, "period_end"))
                .map(|d| date(&d, &what))
                .transpose()?;
            last_to = to;
            let basis = period_basis(get(r, "confidence"), &what)?;
            let sources = keys(get(r, "source_ids"));
            let icb = get(r, "icb_ods_code").to_string();
            let ons = get(r, "sicbl_ons_code").to_string();
            // Confirmed in 2022 and reported unchanged: split at the 2026 mergers.
            let mut pieces: Vec<(Date, Option<Date>, Provenance, Provenance, String)> = Vec::new();
            if basis.unchanged_since_2022 && from < MERGER_DAY && to.is_none_or(|t| t >= MERGER_DAY)
            {
                pieces.push((
                    from,
                    Some(BEFORE_MERGERS),
                    basis.parent,
                    basis.ons,
                    String::new(),
                ));
                pieces.push((
                    MERGER_DAY,
                    to,
                    Provenance::Reported,
                    Provenance::Reported,
                    "no change found to the record's as-at day (reported: the PCDD crosswalk lists only the sub-ICB locations changed in 2026); the ONS April 2026 lookup was not read".to_string(),
                ));
            } else {
                let ons_note = match basis.ons {
                    Provenance::Estimated => "assumed unchanged from before April 2026, not checked (icb_era/SOURCES.md, could not be confirmed 2)".to_string(),
                    Provenance::Reported => "recode reported by third-party code, not confirmed (icb_era/SOURCES.md, could not be confirmed 2)".to_string(),
                    _ => String::new(),
                };
                pieces.push((from, to, basis.parent, basis.ons, ons_note));
            }
            for (a, b, parent_basis, ons_basis, note) in pieces {
                let joins = parents.last_mut().filter(|p| {
                    p.of == icb
                        && p.basis == Some(parent_basis)
                        && p.to.and_then(|t| t.succ_opt()) == Some(a)
                });
                match joins {
                    Some(p) => p.to = b,
                    None => parents.push(RawLink {
                        member: code.clone(),
                        of: icb.clone(),
                        from: a,
                        to: b,
                        basis: Some(parent_basis),
                        source: sources.clone(),
                    }),
                }
                if ons.is_empty() {
                    continue;
                }
                let joins = codes.last_mut().filter(|c| {
                    c.code == ons
                        && c.basis == ons_basis
                        && c.to.and_then(|t| t.succ_opt()) == Some(a)
                });
                match joins {
                    Some(c) => c.to = b,
                    None => codes.push(RawCode {
                        code: ons.clone(),
                        from: a,
                        to: b,
                        basis: ons_basis,
                        source: sources.clone(),
                        note,
                    }),
                }
            }
            if ons.is_empty() {
                notes.push(format!(
                    "no ONS code known from {} (a new code is expected; the ONS April 2026 lookup was not read)",
                    from
                ));
            }
            if i > 0 {
                notes.push(format!("from {from}: {}", get(r, "change_at_period_start")));
                if let Some(n) = opt(get(r, "notes")) {
                    notes.push(n);
                }
            }
            // A name that changes with the period.
            let name = get(r, "sicbl_name").to_string();
            if i > 0 && name != get(periods[i - 1], "sicbl_name") {
                let inferred = get(r, "notes").contains("name inferred");
                let basis = if inferred {
                    Provenance::Estimated
                } else {
                    Provenance::Published
                };
                renames.push(RawEvent {
                    id: new_event_id(next),
                    date: from,
                    kind: EventKind::Rename,
                    from: Vec::new(),
                    to: code.clone(),
                    to_kind: Some(OrgKind::SubIcb),
                    name: name.clone(),
                    share: None,
                    date_basis: "exact (with its new ICB)".to_string(),
                    basis: Some(basis),
                    source: sources.clone(),
                    note: if inferred {
                        format!("new name inferred from the naming convention, not confirmed (icb_era/SOURCES.md, could not be confirmed 3); was {}", get(periods[i - 1], "sicbl_name"))
                    } else {
                        format!("was {}", get(periods[i - 1], "sicbl_name"))
                    },
                });
            }
        }
        // The last confirmed name is the record's name.
        let confirmed_name = periods
            .iter()
            .rev()
            .find(|r| !get(r, "notes").contains("name inferred"))
            .map(|r| get(r, "sicbl_name").to_string())
            .unwrap_or_default();
        let whole_life_plain = codes.len() == 1 && codes[0].basis == Provenance::Published;
        match snap.sub_icb_locations.iter_mut().find(|o| o.code == *code) {
            Some(o) => {
                ensure!(
                    o.from == first_from,
                    "sub-ICB location {code} starts {first_from} in icb_era, {} in the record",
                    o.from
                );
                ensure!(
                    o.ons.as_deref() == codes.first().map(|c| c.code.as_str()),
                    "sub-ICB location {code}: ONS code {:?} in the record, {:?} in icb_era",
                    o.ons,
                    codes.first().map(|c| &c.code)
                );
                o.to = last_to;
                o.name = confirmed_name;
                if !whole_life_plain {
                    o.ons_codes = codes;
                }
                append_notes(&mut o.note, notes);
            }
            None => {
                let r = periods[0];
                snap.sub_icb_locations.push(RawOrg {
                    code: code.clone(),
                    name: confirmed_name,
                    ons: None,
                    ons_codes: codes,
                    from: first_from,
                    to: last_to,
                    population: None,
                    named_from: None,
                    note: format!(
                        "{}; {}{}",
                        get(r, "change_at_period_start"),
                        get(r, "notes"),
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!("; {}", notes.join("; "))
                        }
                    ),
                });
            }
        }
        // The record's July 2022 parent must be the folder's.
        if let Some(old) = snap.sub_icb_icbs.iter().find(|l| l.member == *code) {
            let first = parents.first().map(|p| p.of.as_str());
            ensure!(
                Some(old.of.as_str()) == first,
                "sub-ICB location {code}: in {} in the record, in {first:?} in icb_era",
                old.of
            );
        }
        links.extend(parents);
    }
    let listed: BTreeSet<&String> = order.iter().collect();
    let record: BTreeSet<&String> = snap.sub_icb_locations.iter().map(|o| &o.code).collect();
    ensure!(
        listed == record,
        "icb_era/sub_icb_locations.csv lists other sub-ICB locations than the record: {:?}",
        listed.symmetric_difference(&record).collect::<Vec<_>>()
    );
    snap.sub_icb_icbs = links;
    snap.sub_icb_icbs
        .sort_by(|a, b| (&a.member, a.from).cmp(&(&b.member, b.from)));
    snap.events.extend(renames);
    // Sub-ICB locations that end: their relations end with them.
    let ends: HashMap<String, Date> = snap
        .sub_icb_locations
        .iter()
        .filter_map(|o| Some((o.code.clone(), o.to?)))
        .collect();
    for l in &mut snap.neighbourhood_sub_icbs {
        if let Some(e) = ends.get(&l.of) {
            l.to = Some(l.to.map_or(*e, |t| t.min(*e)));
        }
    }
    Ok(())
}

/// The 1 April 2023 change between Surrey Heartlands and Sussex: the ICBs' boundary
/// change (confirmed) and the sub-ICB locations it touched (inferred from their ONS
/// recodes).
pub(super) fn boundary_change_2023(
    rows: &[Row],
    snap: &mut RawSnapshot,
    next: &mut u32,
) -> Result<()> {
    let r = rows
        .iter()
        .find(|r| get(r, "event_type") == "boundary_change" && get(r, "date") == "2023-04-01")
        .ok_or_else(|| anyhow!("icb_era/icb_events.csv: no 2023-04-01 boundary change"))?;
    let id = get(r, "event_id");
    ensure!(
        get(r, "confidence")
            == "confirmed (change, date); reported (GSS codes); inferred (SICBLs involved)",
        "icb_era/icb_events.csv {id}: unknown confidence '{}': add it to the importer",
        get(r, "confidence")
    );
    let sources = keys(get(r, "source_ids"));
    let day = date(get(r, "date"), id)?;
    let name_in = |orgs: &[RawOrg], code: &str| {
        orgs.iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    // One boundary change an organisation the 2023 Variation Order touched.
    let mut change = |code: &str, kind: OrgKind, name: String, basis, note: String| RawEvent {
        id: new_event_id(next),
        date: day,
        kind: EventKind::BoundaryChange,
        from: Vec::new(),
        to: code.to_string(),
        to_kind: Some(kind),
        name,
        share: None,
        date_basis: "exact (Variation Order 2023)".to_string(),
        basis: Some(basis),
        source: sources.clone(),
        note,
    };
    let mut out = Vec::new();
    for code in get(r, "to_icb_ods").split('/') {
        out.push(change(
            code,
            OrgKind::Icb,
            name_in(&snap.icbs, code),
            Provenance::Published,
            format!(
                "{}: {}; which LSOAs moved, and which way, was not found (icb_era/SOURCES.md, could not be confirmed 4); GSS codes (reported): {} ({id})",
                get(r, "notes"),
                get(r, "area_detail"),
                get(r, "ons_code_change")
            ),
        ));
    }
    for code in get(r, "sicbl_codes").split(';').map(str::trim) {
        out.push(change(
            code,
            OrgKind::SubIcb,
            name_in(&snap.sub_icb_locations, code),
            Provenance::Estimated,
            format!(
                "inferred: the ONS recodes of sub-ICB locations 92A and 70F point to the border between them; the LSOAs and direction were not found, so the record's place shares do not change (icb_era/SOURCES.md, could not be confirmed 4) ({id})"
            ),
        ));
    }
    snap.events.extend(out);
    Ok(())
}
