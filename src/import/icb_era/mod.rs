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

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Result, anyhow, ensure};

use super::{Row, date, list, read_csv, read_text, ymd};

mod clusters;
mod icbs;
mod money;
mod sub_icb;
mod successions;

use crate::model::format::{ChartKind, RawAnnotation, RawOrg, RawPoint, RawSnapshot, RawSource};
use crate::model::{Date, Provenance};
use clusters::*;
use icbs::*;
use money::*;
use sub_icb::*;
use successions::*;

/// The folder of the sourced ICB-era files, inside `assets/sources`.
pub(super) const DIR: &str = "icb_era";

/// The source key of the project's own choices (the Frimley places, the clusters'
/// split bodies): inferences, always marked estimated.
const CHOICES: &str = "ICB_ERA_CHOICES";

/// The day of the 2023 boundary change.
const VARIATION_DAY: Date = ymd(2023, 4, 1);

/// The day of the 2026 mergers.
const MERGER_DAY: Date = ymd(2026, 4, 1);

/// The day before it.
const BEFORE_MERGERS: Date = ymd(2026, 3, 31);

/// `S04;S08` as source keys: S04 is the project's ONS July 2022 lookup, which the
/// record already cites; the others are the folder's own, prefixed `ICB_`.
fn keys(ids: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for id in list(ids) {
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
    let text = read_text(&path)?;
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
    let text = read_text(&path)?;
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
    for part in list(s) {
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

/// Adds notes to an organisation's note, each after "; ".
fn append_notes(note: &mut String, notes: impl IntoIterator<Item = String>) {
    for n in notes {
        note.push_str("; ");
        note.push_str(&n);
    }
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
        (VARIATION_DAY, 42, 106),
        (BEFORE_MERGERS, 42, 106),
        (MERGER_DAY, 36, 106),
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
