//! The ICB era, from 1 July 2022 to the record's "as at" day, built from
//! `assets/sources/icb_era/` (a copy of the project's sourced folder) and two files of
//! the project's own choices beside it (`icb_era_frimley_places.csv`,
//! `icb_era_cluster_bodies.csv`).
//!
//! Every row of the sourced folder carries a confidence; it becomes the basis the app
//! shows (`assets/sources/README.md`, "Confidence and basis"):
//! - `confirmed` (a primary or authoritative text) is `Published`;
//! - `reported` (secondary sources only) is `Reported`;
//! - `inferred` (reasoned from other facts) is `Estimated`;
//! - `derived` (arithmetic on sourced figures) and `data-only` are `Derived`.
//!
//! A row that mixes them (`confirmed (parent, name); reported (area, weights)`) gives
//! each part its own basis: the relation its confirmed part, the figure its reported
//! part. Confidences the importer does not know stop the import with the row named,
//! so a new wording in the sources cannot slip through as published.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail, ensure};
use chrono::Datelike;

use super::{Row, date, get, opt, parse_f64, read_csv, ymd};
use crate::model::format::{
    ArrangementKind, ChartKind, DatePrecision, EventKind, RawAnnotation, RawArrangement, RawCode,
    RawEvent, RawFigure, RawGap, RawIcbMoney, RawIcbTarget, RawLink, RawOrg, RawPoint, RawShare,
    RawSnapshot, RawSource,
};
use crate::model::{Date, FinancialYear, OrgKind, Provenance};

/// The folder of the sourced ICB-era files, inside `assets/sources`.
pub(super) const DIR: &str = "icb_era";

/// The source key of the project's own choices (the Frimley places, the clusters'
/// split bodies): inferences, always marked estimated.
const CHOICES: &str = "ICB_ERA_CHOICES";

/// The day of the 2023 boundary change.
fn variation_day() -> Date {
    ymd(2023, 4, 1)
}

/// The day of the 2026 mergers.
fn merger_day() -> Date {
    ymd(2026, 4, 1)
}

/// The day before it.
fn before_mergers() -> Date {
    ymd(2026, 3, 31)
}

/// `S04;S08` as source keys: S04 is the project's ONS July 2022 lookup, which the
/// record already cites; the others are the folder's own, prefixed `ICB_`.
fn keys(ids: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for id in ids.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let key = match id {
            "S04" => "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
            other => format!("ICB_{other}"),
        };
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out.join("; ")
}

/// The sources table of `icb_era/SOURCES.md`, as `ICB_S01` ..., and the project's own
/// choices.
fn sources(era: &Path) -> Result<Vec<RawSource>> {
    let path = era.join("SOURCES.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | S01 | title | URL / location | supports |
        let [_, id, title, reference, ..] = cells.as_slice() else {
            continue;
        };
        let numbered = id
            .strip_prefix('S')
            .is_some_and(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()));
        if !numbered {
            continue;
        }
        out.push(RawSource {
            key: format!("ICB_{id}"),
            title: format!("{title} (icb_era/SOURCES.md {id})"),
            reference: reference.to_string(),
        });
    }
    ensure!(
        out.len() >= 40,
        "{}: only {} sources found in its table",
        path.display(),
        out.len()
    );
    out.push(RawSource {
        key: CHOICES.to_string(),
        title: "The project's own choices for the ICB era, beside the sourced files: which successor took D4U1Y's share of each place, and which cluster counts an ICB split between two (inferences, marked estimated)".to_string(),
        reference: "assets/sources/icb_era_frimley_places.csv; assets/sources/icb_era_cluster_bodies.csv; assets/sources/README.md".to_string(),
    });
    Ok(out)
}

/// The day the folder was compiled: `Compiled 2026-11-25 from ...`.
fn as_at(era: &Path) -> Result<Date> {
    let path = era.join("SOURCES.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let day = text
        .split_whitespace()
        .skip_while(|w| *w != "Compiled")
        .nth(1)
        .ok_or_else(|| anyhow!("{}: no \"Compiled YYYY-MM-DD\" line", path.display()))?;
    date(day, "icb_era/SOURCES.md compiled")
}

/// A period `[from..to]` as written in `icbs.csv` (`E54000042[2022-07-01..2026-03-31]`).
fn code_periods(s: &str) -> Result<Vec<(String, Date, Option<Date>)>> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, rest) = part
            .split_once('[')
            .ok_or_else(|| anyhow!("cannot read the ONS code period '{part}'"))?;
        let inner = rest
            .strip_suffix(']')
            .ok_or_else(|| anyhow!("cannot read the ONS code period '{part}'"))?;
        let (a, b) = inner
            .split_once("..")
            .ok_or_else(|| anyhow!("cannot read the ONS code period '{part}'"))?;
        let to = match b.trim() {
            "" => None,
            b => Some(date(b, part)?),
        };
        out.push((code.trim().to_string(), date(a, part)?, to));
    }
    Ok(out)
}

/// Builds the ICB era onto the CCG record.
pub(super) fn extend(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let era = dir.join(DIR);
    snap.sources.extend(sources(&era)?);
    snap.sources.sort_by_key(|a| super::natural_key(&a.key));
    let as_at = as_at(&era)?;
    snap.as_at = Some(as_at);
    let icbs: Vec<Row> = read_csv(&era, "icbs.csv")?;
    let sicbls: Vec<Row> = read_csv(&era, "sub_icb_locations.csv")?;
    let events: Vec<Row> = read_csv(&era, "icb_events.csv")?;
    let clusters: Vec<Row> = read_csv(&era, "clusters_2025.csv")?;
    let populations = ccg_populations(snap);

    icb_lives(&icbs, snap)?;
    let mut next = next_event_number(snap);
    boundary_change_2023(&events, snap, &mut next)?;
    sicbl_periods(&sicbls, snap, &mut next)?;
    let weights = frimley_weights(&sicbls)?;
    successions_2026(&events, &sicbls, &weights, &populations, snap, &mut next)?;
    frimley_places(dir, &weights, snap)?;
    cluster_arrangements(dir, &clusters, snap)?;
    snap.icb_money = money(&era, &icbs)?;
    annotations(snap, as_at);
    check_counts(snap, as_at)?;
    snap.events.sort_by_key(|e| e.date);
    Ok(())
}

/// Registered populations (January 2021) of the CCGs of April 2021, by code: the
/// sub-ICB locations carry them on.
fn ccg_populations(snap: &RawSnapshot) -> HashMap<String, i64> {
    snap.ccgs
        .iter()
        .filter_map(|c| Some((c.code.clone(), c.population.as_ref()?.count)))
        .collect()
}

fn next_event_number(snap: &RawSnapshot) -> u32 {
    snap.events
        .iter()
        .filter_map(|e| e.id.strip_prefix('E')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
}

fn new_event_id(next: &mut u32) -> String {
    *next += 1;
    format!("E{next:03}")
}

/// The name without `NHS` and `Integrated Care Board`: `Central East`.
fn short_name(name: &str) -> String {
    name.trim_start_matches("NHS ")
        .trim_end_matches(" Integrated Care Board")
        .to_string()
}

/// The ICBs' lives: the 42 of July 2022 checked against the record, 12 ended on
/// 31 March 2026, 6 begun on 1 April 2026; their ONS codes with bases; their regions;
/// the integrated care systems they are the boards of.
fn icb_lives(rows: &[Row], snap: &mut RawSnapshot) -> Result<()> {
    // The region of an ODS region code, from the ICBs that give both.
    let region_of: HashMap<String, String> = rows
        .iter()
        .filter(|r| !get(r, "nhs_region_ons_2022").is_empty())
        .map(|r| {
            (
                get(r, "nhs_region_ods").to_string(),
                get(r, "nhs_region_ons_2022").to_string(),
            )
        })
        .collect();
    for r in rows {
        let code = get(r, "ods_code").to_string();
        let what = format!("icb_era/icbs.csv {code}");
        let from = date(get(r, "start_date"), &what)?;
        let to = opt(get(r, "end_date"))
            .map(|d| date(&d, &what))
            .transpose()?;
        let conf = get(r, "confidence");
        let sources = keys(get(r, "source_ids"));
        // Which codes are only reported.
        let reported_code = |start: Date| -> Result<bool> {
            Ok(match conf {
                "confirmed" => false,
                "confirmed (ODS code, name, date); reported (GSS code, region code)" => true,
                "confirmed (2023 GSS recode: reported)" => start == variation_day(),
                "confirmed (2026 GSS code: reported)" => start == merger_day(),
                other => bail!("{what}: unknown confidence '{other}': add it to the importer"),
            })
        };
        let periods = code_periods(get(r, "ons_codes")).with_context(|| what.clone())?;
        let mut ons_codes = Vec::new();
        for (c, a, b) in &periods {
            let reported = reported_code(*a)?;
            let note = if !reported {
                String::new()
            } else if *a == merger_day() {
                "2026 GSS code from third-party code only; the ONS April 2026 lookup (S78) and the ODS change summary (S14) were not read: not confirmed (icb_era/SOURCES.md, could not be confirmed 1)".to_string()
            } else {
                "2023 GSS recode reported by third-party code (S67), not confirmed".to_string()
            };
            ons_codes.push(RawCode {
                code: c.clone(),
                from: *a,
                to: *b,
                basis: if reported {
                    Provenance::Reported
                } else {
                    Provenance::Published
                },
                source: sources.clone(),
                note,
            });
        }
        let plain = ons_codes.len() == 1 && ons_codes[0].basis == Provenance::Published;
        let mut notes: Vec<String> = Vec::new();
        if let Some(n) = opt(get(r, "notes")) {
            notes.push(n);
        }
        if let Some(s) = opt(get(r, "successors")) {
            notes.push(format!("successors (ODS): {}", s.replace(';', ", ")));
        }
        match snap.icbs.iter_mut().find(|o| o.code == code) {
            Some(o) => {
                ensure!(
                    o.from == from,
                    "{what}: starts {from}, but icbs_2022.csv says {}",
                    o.from
                );
                let first = periods.first().map(|p| p.0.as_str());
                ensure!(
                    o.ons.as_deref() == first,
                    "{what}: ONS code {first:?}, but icbs_2022.csv says {:?}",
                    o.ons
                );
                o.to = to;
                if !plain {
                    o.ons_codes = ons_codes;
                }
                for n in notes {
                    o.note.push_str("; ");
                    o.note.push_str(&n);
                }
            }
            None => {
                ensure!(
                    from == merger_day(),
                    "{what}: a new ICB that does not begin on {}",
                    merger_day()
                );
                notes.insert(
                    0,
                    format!(
                        "established {} from {} (ODS)",
                        merger_day(),
                        get(r, "predecessors").replace(';', ", ")
                    ),
                );
                snap.icbs.push(RawOrg {
                    code: code.clone(),
                    name: get(r, "name").to_string(),
                    ons: None,
                    ons_codes,
                    from,
                    to,
                    population: None,
                    named_from: None,
                    note: notes.join("; "),
                });
                let region = region_of
                    .get(get(r, "nhs_region_ods"))
                    .ok_or_else(|| anyhow!("{what}: no ONS code for its region"))?;
                snap.icb_regions.push(RawLink {
                    member: code.clone(),
                    of: region.clone(),
                    from,
                    to,
                    basis: Some(Provenance::Reported),
                    source: sources.clone(),
                });
                new_system(snap, r, &code, from, region, &sources)?;
            }
        }
        if let Some(end) = to {
            end_links(snap, &code, end)?;
        }
    }
    let record: BTreeSet<&str> = snap.icbs.iter().map(|o| o.code.as_str()).collect();
    let listed: BTreeSet<&str> = rows.iter().map(|r| get(r, "ods_code")).collect();
    ensure!(
        record == listed,
        "icb_era/icbs.csv lists other ICBs than the record: {:?}",
        record.symmetric_difference(&listed).collect::<Vec<_>>()
    );
    Ok(())
}

/// An ICB ended: its region and system links end with it, and so does the system.
fn end_links(snap: &mut RawSnapshot, code: &str, end: Date) -> Result<()> {
    for l in snap.icb_regions.iter_mut().filter(|l| l.member == code) {
        l.to = Some(end);
    }
    let mut systems = Vec::new();
    for l in snap.icb_systems.iter_mut().filter(|l| l.member == code) {
        l.to = Some(end);
        systems.push(l.of.clone());
    }
    ensure!(!systems.is_empty(), "ICB {code} is the board of no system");
    for sys in systems {
        let s = snap
            .systems
            .iter_mut()
            .find(|s| s.code == sys)
            .ok_or_else(|| anyhow!("no system {sys}"))?;
        s.to = Some(end);
        s.note.push_str(&format!(
            "; ended with its ICB ({code}), abolished from {} (inferred: the sources describe the ICBs, not the systems, after April 2026)",
            end.succ_opt().unwrap_or(end)
        ));
        for l in snap
            .system_regions
            .iter_mut()
            .filter(|l| l.member == sys && l.to.is_none())
        {
            l.to = Some(end);
        }
    }
    Ok(())
}

/// A new ICB's integrated care system: one system per ICB, as from July 2022. The
/// sources describe the ICBs only, so the system is inferred; it is keyed by the
/// ICB's ODS code (its ONS code is not confirmed).
fn new_system(
    snap: &mut RawSnapshot,
    r: &Row,
    code: &str,
    from: Date,
    region: &str,
    sources: &str,
) -> Result<()> {
    let name = format!("{} integrated care system", short_name(get(r, "name")));
    let ons_codes = code_periods(get(r, "ons_codes"))?
        .into_iter()
        .map(|(c, a, b)| RawCode {
            code: c,
            from: a,
            to: b,
            basis: Provenance::Reported,
            source: sources.to_string(),
            note: "its ICB's 2026 GSS code, from third-party code only: not confirmed (icb_era/SOURCES.md, could not be confirmed 1)".to_string(),
        })
        .collect();
    snap.systems.push(RawOrg {
        code: code.to_string(),
        name,
        ons: None,
        ons_codes,
        from,
        to: None,
        population: None,
        named_from: None,
        note: format!(
            "inferred: the record keeps one integrated care system for each ICB, as from July 2022, and this is the system of {} ({code}); the sources describe the ICBs, not the systems, after April 2026, so the system is keyed by its ICB's ODS code",
            get(r, "name")
        ),
    });
    snap.system_regions.push(RawLink {
        member: code.to_string(),
        of: region.to_string(),
        from,
        to: None,
        basis: Some(Provenance::Reported),
        source: sources.to_string(),
    });
    snap.icb_systems.push(RawLink {
        member: code.to_string(),
        of: code.to_string(),
        from,
        to: None,
        basis: Some(Provenance::Estimated),
        source: CHOICES.to_string(),
    });
    Ok(())
}

/// How a period's row of `sub_icb_locations.csv` is known: the parent link's basis,
/// and its ONS code's.
struct PeriodBasis {
    parent: Provenance,
    ons: Provenance,
    /// Confirmed in 2022, reported unchanged since: the parent and the code are
    /// published to 31 March 2026 and reported from 1 April 2026.
    unchanged_since_2022: bool,
}

fn period_basis(conf: &str, what: &str) -> Result<PeriodBasis> {
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
fn sicbl_periods(rows: &[Row], snap: &mut RawSnapshot, next: &mut u32) -> Result<()> {
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
            if basis.unchanged_since_2022
                && from < merger_day()
                && to.is_none_or(|t| t >= merger_day())
            {
                pieces.push((
                    from,
                    Some(before_mergers()),
                    basis.parent,
                    basis.ons,
                    String::new(),
                ));
                pieces.push((
                    merger_day(),
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
                for n in notes {
                    o.note.push_str("; ");
                    o.note.push_str(&n);
                }
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
fn boundary_change_2023(rows: &[Row], snap: &mut RawSnapshot, next: &mut u32) -> Result<()> {
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
    let icb_name = |code: &str| {
        snap.icbs
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for code in get(r, "to_icb_ods").split('/') {
        out.push(RawEvent {
            id: new_event_id(next),
            date: day,
            kind: EventKind::BoundaryChange,
            from: Vec::new(),
            to: code.to_string(),
            to_kind: Some(OrgKind::Icb),
            name: icb_name(code),
            share: None,
            date_basis: "exact (Variation Order 2023)".to_string(),
            basis: Some(Provenance::Published),
            source: sources.clone(),
            note: format!(
                "{}: {}; which LSOAs moved, and which way, was not found (icb_era/SOURCES.md, could not be confirmed 4); GSS codes (reported): {} ({id})",
                get(r, "notes"),
                get(r, "area_detail"),
                get(r, "ons_code_change")
            ),
        });
    }
    for code in get(r, "sicbl_codes").split(';').map(str::trim) {
        let name = snap
            .sub_icb_locations
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_default();
        out.push(RawEvent {
            id: new_event_id(next),
            date: day,
            kind: EventKind::BoundaryChange,
            from: Vec::new(),
            to: code.to_string(),
            to_kind: Some(OrgKind::SubIcb),
            name,
            share: None,
            date_basis: "exact (Variation Order 2023)".to_string(),
            basis: Some(Provenance::Estimated),
            source: sources.clone(),
            note: format!(
                "inferred: the ONS recodes of sub-ICB locations 92A and 70F point to the border between them; the LSOAs and direction were not found, so the record's place shares do not change (icb_era/SOURCES.md, could not be confirmed 4) ({id})"
            ),
        });
    }
    snap.events.extend(out);
    Ok(())
}

/// The population weights of D4U1Y's three successors (NHS England's code, S10), from
/// the note of its row: `U2G6B ... pop. weight 0.589`, `D9Y0V ... 0.229`, `92A ... 0.182`.
fn frimley_weights(rows: &[Row]) -> Result<BTreeMap<String, f64>> {
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
fn successions_2026(
    rows: &[Row],
    sicbls: &[Row],
    weights: &BTreeMap<String, f64>,
    populations: &HashMap<String, i64>,
    snap: &mut RawSnapshot,
    next: &mut u32,
) -> Result<()> {
    let day = merger_day();
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
fn frimley_places(
    dir: &Path,
    weights: &BTreeMap<String, f64>,
    snap: &mut RawSnapshot,
) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "icb_era_frimley_places.csv")?;
    let day = merger_day();
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
        old.to = Some(before_mergers());
        let part = old.share;
        let (share, note) = match snap
            .sub_icb_places
            .iter_mut()
            .find(|l| l.by == to && l.place == place && l.to.is_none())
        {
            Some(own) => {
                own.to = Some(before_mergers());
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
        .filter(|l| l.of == "D4U1Y" && l.to == Some(before_mergers()))
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

/// `QHG;QUE;QM7 (Hertfordshire footprint only)`: each code, and whether only part of
/// it is meant.
fn cluster_codes(s: &str) -> Vec<(String, Option<String>)> {
    s.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(" (") {
            Some((code, rest)) => (
                code.trim().to_string(),
                Some(rest.trim_end_matches(')').to_string()),
            ),
            None => (p.to_string(), None),
        })
        .collect()
}

/// The 2025/26 leadership clusters as shared leadership between ICBs. A cluster of one
/// ICB is no arrangement: its ICB gets a note saying its stand-alone status is
/// inferred. An ICB split between two clusters is counted in one of them
/// (`icb_era_cluster_bodies.csv`) and shown as a part member of the other.
fn cluster_arrangements(dir: &Path, rows: &[Row], snap: &mut RawSnapshot) -> Result<()> {
    let choices: Vec<Row> = read_csv(dir, "icb_era_cluster_bodies.csv")?;
    let ends: HashMap<String, Option<Date>> =
        snap.icbs.iter().map(|o| (o.code.clone(), o.to)).collect();
    let mut out = Vec::new();
    for r in rows {
        let id = get(r, "cluster_id").to_string();
        let what = format!("icb_era/clusters_2025.csv {id}");
        let codes = cluster_codes(get(r, "icb_ods_codes"));
        let conf = get(r, "confidence");
        if codes.len() == 1 {
            ensure!(
                conf == "inferred",
                "{what}: a one-ICB cluster that is not inferred"
            );
            let (code, _) = &codes[0];
            let o = snap
                .icbs
                .iter_mut()
                .find(|o| o.code == *code)
                .ok_or_else(|| anyhow!("{what}: no ICB {code}"))?;
            o.note.push_str(&format!(
                "; 2025/26: its own leadership team, in no cluster; that it stood alone is inferred from the national total of 26 teams, not read in NHS England's list ({id}; icb_era/SOURCES.md, could not be confirmed 6)"
            ));
            continue;
        }
        let basis = match conf {
            "reported" => Provenance::Reported,
            "confirmed (chair: reported)" => Provenance::Published,
            other => bail!("{what}: unknown confidence '{other}': add it to the importer"),
        };
        let mut members = Vec::new();
        let mut parts = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for (code, only) in &codes {
            match only {
                None => members.push(code.clone()),
                Some(footprint) => {
                    let c = choices
                        .iter()
                        .find(|c| get(c, "icb_ods_code") == code)
                        .ok_or_else(|| {
                            anyhow!(
                                "{what}: {code} ({footprint}): add it to icb_era_cluster_bodies.csv"
                            )
                        })?;
                    if get(c, "member_of") == id {
                        members.push(code.clone());
                        notes.push(format!(
                            "{code} ({footprint}) is counted in this team (estimated: {})",
                            get(c, "reason")
                        ));
                    } else if get(c, "part_of") == id {
                        parts.push(code.clone());
                        notes.push(format!(
                            "{code} ({footprint}) is shown here, counted in {}'s team (estimated: {})",
                            get(c, "member_of"),
                            get(c, "reason")
                        ));
                    } else {
                        bail!("{what}: icb_era_cluster_bodies.csv does not place {code} in {id}");
                    }
                }
            }
        }
        let precision_text = get(r, "start_date_precision");
        let written = get(r, "start_date");
        let precision = match precision_text.split_whitespace().next() {
            Some("day") => DatePrecision::Day,
            Some("month") => DatePrecision::Month,
            Some("year") => DatePrecision::Year,
            _ => bail!("{what}: unknown precision '{precision_text}'"),
        };
        let mut from = super::partial_date(written, false).with_context(|| what.clone())?;
        if precision == DatePrecision::Year {
            // Clusters were formed during 2025/26 (S12): a year-only start is taken as
            // the first day of that financial year, not 1 January.
            from = from.max(ymd(from.year(), 4, 1));
            notes.push(format!(
                "start given as {written} only: taken as 1 April {written}, the start of 2025/26, when clusters were formed (S12)"
            ));
        }
        let date_basis = if precision_text.contains("inferred") {
            "inferred".to_string()
        } else {
            match precision {
                DatePrecision::Day => "exact".to_string(),
                DatePrecision::Month => "month".to_string(),
                DatePrecision::Year => "year".to_string(),
            }
        };
        let to = members
            .iter()
            .chain(&parts)
            .filter_map(|m| ends.get(m).copied().flatten())
            .min();
        let mut note = vec![
            format!("{} ({})", get(r, "cluster_name"), get(r, "nhs_region")),
            format!("start: {precision_text}; {}", get(r, "start_basis")),
            format!("outcome: {}", get(r, "outcome")),
        ];
        if to.is_none() {
            note.push("no end found: its ICBs carried on after 1 April 2026".to_string());
        }
        if conf != "reported" {
            note.push(format!("confidence: {conf}"));
        }
        if let Some(n) = opt(get(r, "notes")) {
            note.push(n);
        }
        note.extend(notes);
        out.push(RawArrangement {
            id,
            kind: ArrangementKind::LeadershipCluster,
            member_kind: Some(OrgKind::Icb),
            members,
            part_members: parts,
            from,
            to,
            date_basis,
            from_precision: precision,
            to_precision: DatePrecision::Day,
            leader: get(r, "what_was_shared").to_string(),
            basis: Some(basis),
            source: keys(get(r, "source_ids")),
            evidence: String::new(),
            note: note.join("; "),
        });
    }
    snap.shared_management.extend(out);
    Ok(())
}

/// A number from the `value` column, if it is one.
fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// ICB running costs: the published (draft) 2024/25 allowances and other figures with
/// their bases, the three rules, and what was looked for and not found.
fn money(era: &Path, icbs: &[Row]) -> Result<RawIcbMoney> {
    let rows: Vec<Row> = read_csv(era, "running_costs_icb.csv")?;
    let row = |id: &str| -> Result<&Row> {
        rows.iter()
            .find(|r| get(r, "row_id") == id)
            .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv: no row {id}"))
    };
    let mut money = RawIcbMoney::default();
    let mut with_rows: BTreeSet<String> = BTreeSet::new();
    for r in &rows {
        let id = get(r, "row_id");
        let status = get(r, "status");
        let scope = get(r, "scope");
        if scope == "rule" {
            continue;
        }
        let orgs: Vec<String> = get(r, "icb_ods_code")
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect();
        let period = get(r, "financial_year").to_string();
        let year: Option<FinancialYear> = period.parse().ok();
        let metric_text = get(r, "metric");
        let value = get(r, "value");
        let unit = get(r, "unit");
        let source = keys(get(r, "source_ids"));
        if matches!(status, "published, not read" | "not found") {
            money.gaps.push(RawGap {
                orgs,
                year,
                period,
                what: format!("{metric_text} ({})", get(r, "icb_name")).replace(" ()", ""),
                status: status.to_string(),
                source,
                note: format!("{} ({id})", get(r, "notes")),
            });
            continue;
        }
        let basis = match status {
            "published (draft)" => Provenance::Published,
            s if s.starts_with("reported") => Provenance::Reported,
            s if s.starts_with("derived") => Provenance::Derived,
            other => bail!("icb_era/running_costs_icb.csv {id}: unknown status '{other}'"),
        };
        let rca = metric_text.starts_with("RCA (draft");
        let metric = if rca {
            "rca".to_string()
        } else if id == "RC08" {
            "rca_national_total".to_string()
        } else {
            metric_text.to_string()
        };
        let amount = number(value);
        let per_head = unit.contains("per head") || unit.contains("per weighted head");
        let mut orgs = orgs;
        if id == "RC39" {
            // The ICBs whose rows of the table were not read: all but those given.
            orgs = icbs
                .iter()
                .filter(|i| get(i, "start_date") == "2022-07-01")
                .map(|i| get(i, "ods_code").to_string())
                .filter(|c| !with_rows.contains(c))
                .collect();
            ensure!(
                orgs.len() == 12,
                "RC39: {} ICBs without a row, not 12",
                orgs.len()
            );
            money.gaps.push(RawGap {
                orgs: orgs.clone(),
                year,
                period: period.clone(),
                what: "the allowance of each of these ICBs (their rows of the CQC table were not readable)".to_string(),
                status: "not read".to_string(),
                source: source.clone(),
                note: "only their total is known, derived (RC39)".to_string(),
            });
        }
        if rca {
            with_rows.extend(orgs.iter().cloned());
        }
        let mut note = get(r, "notes").to_string();
        if status == "published (draft)" {
            note = format!("draft: {note}");
        }
        if amount.is_none() {
            note = format!("value as given: {value} {unit}; {note}");
        }
        money.figures.push(RawFigure {
            orgs,
            year,
            period,
            metric,
            gbp: amount.filter(|_| !per_head),
            gbp_per_head: amount.filter(|_| per_head),
            basis,
            source,
            note: format!("{note} ({id}; {status})"),
        });
    }
    // The rules.
    let fraction = |id: &str| -> Result<f64> {
        number(get(row(id)?, "value"))
            .map(|v| v / 100.0)
            .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv {id}: not a percentage"))
    };
    let fy = |s: &str| -> Result<FinancialYear> {
        s.parse()
            .map_err(|e: String| anyhow!("icb_era/running_costs_icb.csv: {e}"))
    };
    let last_year = |id: &str| -> Result<FinancialYear> {
        let p = get(row(id)?, "financial_year");
        fy(p.rsplit('-').next().unwrap_or(p))
    };
    let r03 = row("RC03")?;
    let baseline = get(row("RC06")?, "value");
    money.targets.push(RawIcbTarget {
        id: "ICB_30".to_string(),
        name: format!("{:.0}% real-terms cut in the running cost allowance", fraction("RC03")? * 100.0),
        cut: Some(fraction("RC03")?),
        gbp_per_head: None,
        scope: "each ICB's running cost allowance (RCA), a population-based allowance for management and administration (RC07), measured in real terms: no inflation uplift (RC05)".to_string(),
        baseline_year: Some(fy(baseline.split_whitespace().next().unwrap_or(baseline))?),
        baseline_basis: Some(Provenance::Estimated),
        target_year: last_year("RC03")?,
        deadline: format!(
            "by {}, with at least {:.0}% of it in 2024/25 (RC04)",
            last_year("RC03")?,
            fraction("RC04")? * 100.0
        ),
        basis: Provenance::Reported,
        source: keys("S50;S51;S53"),
        comparable_with_allowance: true,
        caveat: "the letter (2 March 2023) is read only as HSJ quoted it; the baseline year 2023/24 is inferred; no 2023/24 allowance was read, so no level is drawn for this target, and a real-terms cut has no cash level without an inflation figure".to_string(),
        note: format!("{} (RC03 to RC07)", get(r03, "notes")),
    });
    let r40 = row("RC40")?;
    money.targets.push(RawIcbTarget {
        id: "ICB_50".to_string(),
        name: format!("{:.0}% cut in ICB running costs", fraction("RC40")? * 100.0),
        cut: Some(fraction("RC40")?),
        gbp_per_head: None,
        scope: "ICB running costs; ministers' answers say \"a 50% cost reduction in their running cost allowance\" (RC40)".to_string(),
        baseline_year: Some(FinancialYear(2024)),
        baseline_basis: Some(Provenance::Estimated),
        target_year: fy(get(row("RC41")?, "financial_year"))?,
        deadline: format!("{} (RC41)", get(row("RC41")?, "value")),
        basis: Provenance::Published,
        source: keys(get(r40, "source_ids")),
        comparable_with_allowance: true,
        caveat: "the base is not stated: the 2024/25 allowance or actual 2024/25 spend (running_costs_icb.md, open points); the level drawn, half the 2024/25 allowance, is modelled on the first reading".to_string(),
        note: format!(
            "{} (RC40); earlier: {} (RC42)",
            get(r40, "notes"),
            get(row("RC42")?, "notes")
        ),
    });
    let r43 = row("RC43")?;
    money.targets.push(RawIcbTarget {
        id: "ICB_ENVELOPE".to_string(),
        name: format!(
            "£{} per head running-cost envelope (Model ICB Blueprint v1.0, draft)",
            get(r43, "value")
        ),
        cut: None,
        gbp_per_head: Some(
            number(get(r43, "value"))
                .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv RC43: not a number"))?,
        ),
        scope: "all ICB running costs and programme pay; excludes pharmacy, optometry and dental (POD) and delegated specialised commissioning; held at regional aggregate, with some variation between ICBs (RC43)".to_string(),
        baseline_year: None,
        baseline_basis: None,
        target_year: FinancialYear(2025),
        deadline: "by the end of Q3 2025/26, and recurrently into 2026/27 (RC43)".to_string(),
        basis: Provenance::Reported,
        source: keys(get(r43, "source_ids")),
        comparable_with_allowance: false,
        caveat: "The £18.76 envelope covers running costs and programme pay, so it is not comparable with the running cost allowance: do not read the allowance against it. Whether it is per head or per weighted head of population is not known (the draft says per head; local papers say weighted).".to_string(),
        note: format!("{} (RC43)", get(r43, "notes")),
    });
    Ok(money)
}

/// Notes on the count chart: the 26 leadership teams of 2025/26, beside the record's
/// count; the mergers planned for April 2027, which are not events.
fn annotations(snap: &mut RawSnapshot, as_at: Date) {
    snap.annotations.push(RawAnnotation {
        chart: ChartKind::CcgCount,
        footprint: None,
        date: ymd(2025, 9, 9),
        text: "\"Senior leadership teams\" of the 42 ICBs reduced to 26 in 2025/26, the ICBs staying separate legal bodies (written ministerial statement, 9 September 2025)".to_string(),
        basis: Provenance::Published,
        source: keys("S12;S48"),
        points: vec![RawPoint {
            series: "leadership_teams".to_string(),
            value: 26.0,
        }],
    });
    snap.annotations.push(RawAnnotation {
        chart: ChartKind::CcgCount,
        footprint: None,
        date: as_at,
        text: "Further ICB mergers are planned for 1 April 2027 (decisions in summer 2026), but no list of them was confirmed: reported only, and not in the record (icb_era/SOURCES.md, could not be confirmed 7)".to_string(),
        basis: Provenance::Reported,
        source: keys("S15;S37;S39;S65"),
        points: Vec::new(),
    });
}

/// The counts the folder's SOURCES.md gives, and a parent for every sub-ICB location
/// on each of those days.
fn check_counts(snap: &RawSnapshot, as_at: Date) -> Result<()> {
    let alive = |list: &[RawOrg], day: Date| {
        list.iter()
            .filter(|o| o.from <= day && o.to.is_none_or(|t| day <= t))
            .count()
    };
    for (day, icbs, subs) in [
        (ymd(2022, 7, 1), 42, 106),
        (variation_day(), 42, 106),
        (before_mergers(), 42, 106),
        (merger_day(), 36, 106),
        (as_at, 36, 106),
    ] {
        let (i, s) = (alive(&snap.icbs, day), alive(&snap.sub_icb_locations, day));
        ensure!(
            (i, s) == (icbs, subs),
            "on {day}: {i} ICBs and {s} sub-ICB locations, not {icbs} and {subs}"
        );
        for o in snap
            .sub_icb_locations
            .iter()
            .filter(|o| o.from <= day && o.to.is_none_or(|t| day <= t))
        {
            let parents = snap
                .sub_icb_icbs
                .iter()
                .filter(|l| l.member == o.code && l.from <= day && l.to.is_none_or(|t| day <= t))
                .count();
            ensure!(
                parents == 1,
                "on {day}: sub-ICB location {} has {parents} ICBs",
                o.code
            );
        }
    }
    Ok(())
}
