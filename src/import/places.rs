//! Places, the 2022 boundary changes and neighbourhoods.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::model::format::{
    EventKind, RawEvent, RawLink, RawOrg, RawPopulation, RawShare, RawSnapshot,
};
use crate::model::{Date, Provenance};

use super::*;

pub(super) fn places(dir: &Path, snap: &mut RawSnapshot) -> Result<Vec<PlacedMove>> {
    let rows: Vec<Row> = read_csv(dir, "places.csv")?;
    let pcn_places: Vec<Row> = read_csv(dir, "pcn_places.csv")?;
    let mut list_size: BTreeMap<String, i64> = BTreeMap::new();
    for r in &pcn_places {
        *list_size
            .entry(get(r, "utla_code").to_string())
            .or_default() += get(r, "list_size_2021_01")
            .parse::<i64>()
            .context("pcn_places.csv: list_size_2021_01")?;
    }
    let mut seen = BTreeSet::new();
    for r in &rows {
        let code = get(r, "utla_code").to_string();
        if !seen.insert(code.clone()) {
            continue;
        }
        snap.places.push(RawOrg {
            code: code.clone(),
            name: get(r, "utla_name").to_string(),
            ons: Some(code.clone()),
            from: ymd(2013, 4, 1),
            to: None,
            population: list_size.get(&code).map(|n| RawPopulation {
                count: *n,
                as_at: ymd(2021, 1, 1),
                period: "patients registered at practices sited in the place".to_string(),
                basis: Provenance::Derived,
                source: "NHSD_GPREG_2021_01".to_string(),
            }),
            named_from: council_from(&code),
            ons_codes: Vec::new(),
            note: "upper-tier local authority on its April 2021 boundary, used for every era"
                .to_string(),
        });
    }
    snap.places.sort_by(|a, b| a.code.cmp(&b.code));

    let eras: Vec<Row> = read_csv(dir, "ccg_places_by_era.csv")?;
    let mut last_era: Vec<&Row> = Vec::new();
    let last_from = eras
        .iter()
        .map(|r| get(r, "valid_from"))
        .max()
        .unwrap_or_default()
        .to_string();
    for r in &eras {
        let basis_key = get(r, "basis").to_string();
        let basis = match basis_key.as_str() {
            "ESTIMATED_BY_2013_BOUNDARY_OVERLAY" => Provenance::Estimated,
            _ => Provenance::Derived,
        };
        let note = opt(get(r, "note")).unwrap_or_default();
        snap.ccg_places.push(RawShare {
            by: get(r, "ccg_ods_code").to_string(),
            place: get(r, "utla_code").to_string(),
            share: parse_f64(
                get(r, "share_of_utla_lsoas"),
                "ccg_places_by_era.csv share_of_utla_lsoas",
            )?,
            from: date(get(r, "valid_from"), "ccg_places_by_era.csv valid_from")?,
            to: Some(date(get(r, "valid_to"), "ccg_places_by_era.csv valid_to")?),
            basis,
            source: basis_key,
            note,
        });
        if get(r, "valid_from") == last_from {
            last_era.push(r);
        }
    }
    sub_icb_places(dir, &last_era, snap)
}

/// Councils created after April 2013, which the record shows on their 2021 areas in
/// every era (SOURCES.md 5.3): before these days the area was organised differently.
pub(super) fn council_from(code: &str) -> Option<Date> {
    match code {
        // Bournemouth, Christchurch and Poole; Dorset.
        "E06000058" | "E06000059" => Some(ymd(2019, 4, 1)),
        // Buckinghamshire.
        "E06000060" => Some(ymd(2020, 4, 1)),
        // North and West Northamptonshire.
        "E06000061" | "E06000062" => Some(ymd(2021, 4, 1)),
        _ => None,
    }
}

/// One LSOA move of 1 July 2022 between sub-ICB locations: `from` lost `lsoas` to `to`.
pub(super) struct Move {
    from: String,
    to: String,
    lsoas: u32,
}

/// A move with the place its LSOAs lie in.
pub(super) struct PlacedMove {
    what: Move,
    place: String,
}

/// The July 2022 moves, read from the losers' `change_note` ("lost 92 LSOAs to 15E").
pub(super) fn moves_2022(rows: &[Row]) -> Result<Vec<Move>> {
    let mut out = Vec::new();
    for r in rows {
        let note = get(r, "change_note");
        let Some(rest) = note.strip_prefix("lost ") else {
            continue;
        };
        let (n, to) = rest
            .split_once(" LSOAs to ")
            .ok_or_else(|| anyhow!("sub_icb_locations_2022.csv: cannot read '{note}'"))?;
        out.push(Move {
            from: get(r, "sicbl_ods_code").to_string(),
            to: to.trim().to_string(),
            lsoas: n
                .trim()
                .parse()
                .with_context(|| format!("sub_icb_locations_2022.csv: '{note}'"))?,
        });
    }
    Ok(out)
}

/// From 1 July 2022 each sub-ICB location serves what its CCG served in April 2021,
/// with the LSOAs that moved that day (West Birmingham, Glossop, part of North
/// Northamptonshire) given to their new sub-ICB location: shares of LSOA counts, as
/// for the CCGs, checked against each sub-ICB location's July 2022 LSOA count.
pub(super) fn sub_icb_places(
    dir: &Path,
    last_era: &[&Row],
    snap: &mut RawSnapshot,
) -> Result<Vec<PlacedMove>> {
    let rows: Vec<Row> = read_csv(dir, "sub_icb_locations_2022.csv")?;
    let moves = moves_2022(&rows)?;
    // (sub-ICB location, place) -> LSOAs.
    let mut cells: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut place_total: BTreeMap<String, u32> = BTreeMap::new();
    for r in last_era {
        let n: u32 = get(r, "lsoa_count")
            .parse()
            .context("ccg_places_by_era.csv lsoa_count")?;
        let place = get(r, "utla_code").to_string();
        *place_total.entry(place.clone()).or_default() += n;
        cells.insert((get(r, "ccg_ods_code").to_string(), place), n);
    }
    let mut moved: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut placed = Vec::new();
    for m in moves {
        // The LSOAs lie in the one place both serve where the loser has exactly that many.
        let places: Vec<String> = cells
            .iter()
            .filter(|((c, p), n)| {
                *c == m.from && **n == m.lsoas && cells.contains_key(&(m.to.clone(), p.clone()))
            })
            .map(|((_, p), _)| p.clone())
            .collect();
        let [place] = places.as_slice() else {
            bail!(
                "sub_icb_locations_2022.csv: cannot place the {} LSOAs {} lost to {}: {} candidate places",
                m.lsoas,
                m.from,
                m.to,
                places.len()
            );
        };
        cells.remove(&(m.from.clone(), place.clone()));
        *cells.entry((m.to.clone(), place.clone())).or_default() += m.lsoas;
        moved.insert((m.to.clone(), place.clone()), m.from.clone());
        let place = place.clone();
        placed.push(PlacedMove { what: m, place });
    }
    // Check against the lookup's own LSOA counts per sub-ICB location.
    for r in &rows {
        let code = get(r, "sicbl_ods_code");
        let want: u32 = get(r, "lsoa_count_2022")
            .parse()
            .context("sub_icb_locations_2022.csv lsoa_count_2022")?;
        let have: u32 = cells
            .iter()
            .filter(|((c, _), _)| c == code)
            .map(|(_, n)| *n)
            .sum();
        if have != want {
            bail!(
                "sub-ICB location {code}: {have} LSOAs in its place cells, {want} in the July 2022 lookup"
            );
        }
    }
    for ((by, place), n) in cells {
        let total = place_total.get(&place).copied().unwrap_or(n).max(1);
        let share = (f64::from(n) / f64::from(total) * 10_000.0).round() / 10_000.0;
        let note = match moved.get(&(by.clone(), place.clone())) {
            Some(from) => format!(
                "from 1 July 2022 includes the LSOAs that moved here from {from}; shares of LSOA counts"
            ),
            None => "the April 2021 CCG cell, carried on; shares of LSOA counts".to_string(),
        };
        snap.sub_icb_places.push(RawShare {
            by,
            place,
            share,
            from: ICB_DAY,
            to: None,
            basis: Provenance::Derived,
            source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
            note,
        });
    }
    Ok(placed)
}

/// The boundary changes of 1 July 2022 as events, one for each side of each move.
pub(super) fn boundary_changes_2022(
    dir: &Path,
    moves: &[PlacedMove],
    snap: &mut RawSnapshot,
) -> Result<()> {
    let name = |code: &str| -> String {
        snap.sub_icb_locations
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let place_name = |code: &str| -> String {
        snap.places
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut next = snap
        .events
        .iter()
        .filter_map(|e| e.id.strip_prefix('E')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for m in moves {
        let Move { from, to, lsoas } = &m.what;
        let place = place_name(&m.place);
        for (code, note) in [
            (
                from,
                format!("lost {lsoas} LSOAs in {place} to {to} ({})", name(to)),
            ),
            (
                to,
                format!(
                    "gained {lsoas} LSOAs in {place} from {from} ({})",
                    name(from)
                ),
            ),
        ] {
            next += 1;
            out.push(RawEvent {
                id: format!("E{next:03}"),
                date: ICB_DAY,
                kind: EventKind::BoundaryChange,
                from: Vec::new(),
                to: code.clone(),
                to_kind: Some(crate::model::OrgKind::SubIcb),
                name: name(code),
                share: None,
                date_basis: "exact".to_string(),
                basis: Some(Provenance::Derived),
                source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
                note,
            });
        }
    }
    if out.is_empty() {
        bail!(
            "{}: no boundary moves found in sub_icb_locations_2022.csv",
            dir.display()
        );
    }
    snap.events.extend(out);
    Ok(())
}

pub(super) fn neighbourhoods(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "pcns.csv")?;
    let ccg_from: HashMap<&str, Date> = snap
        .ccgs
        .iter()
        .map(|c| (c.code.as_str(), c.from))
        .collect();
    let sub_icbs: BTreeSet<&str> = snap
        .sub_icb_locations
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    let mut ccg_links = Vec::new();
    let mut sub_links = Vec::new();
    for r in &rows {
        let code = get(r, "pcn_code").to_string();
        let ccg = get(r, "ccg_ods_code").to_string();
        let mut note =
            "PCNs began on 1 July 2019; membership as at 1 Jan 2022 is used for every day"
                .to_string();
        if let Some(m) = opt(get(r, "multi_ccg")) {
            note.push_str(&format!("; practices in more than one CCG: {m}"));
        }
        snap.neighbourhoods.push(RawOrg {
            code: code.clone(),
            name: get(r, "pcn_name").to_string(),
            ons: None,
            from: PCN_DAY,
            to: None,
            population: Some(RawPopulation {
                count: get(r, "list_size_derived")
                    .parse()
                    .context("pcns.csv: list_size_derived")?,
                as_at: ymd(2021, 1, 1),
                period: "Jan 2021 list sizes of the practices in the PCN in Jan 2022".to_string(),
                basis: Provenance::Derived,
                source: "NHSD_GPREG_2021_01".to_string(),
            }),
            named_from: None,
            ons_codes: Vec::new(),
            note,
        });
        let start = ccg_from
            .get(ccg.as_str())
            .copied()
            .ok_or_else(|| anyhow!("pcns.csv: {code} names unknown CCG {ccg}"))?
            .max(PCN_DAY);
        ccg_links.push(RawLink {
            member: code.clone(),
            of: ccg.clone(),
            from: start,
            to: Some(CCG_LAST_DAY),
            basis: Some(Provenance::Estimated),
            source: "NHSD_PRACMAP_2022_01".to_string(),
        });
        if sub_icbs.contains(ccg.as_str()) {
            sub_links.push(RawLink {
                member: code,
                of: ccg,
                from: ICB_DAY,
                to: None,
                basis: Some(Provenance::Estimated),
                source: "NHSD_PRACMAP_2022_01".to_string(),
            });
        }
    }
    snap.neighbourhood_ccgs = ccg_links;
    snap.neighbourhood_sub_icbs = sub_links;
    let rows: Vec<Row> = read_csv(dir, "pcn_places.csv")?;
    for r in &rows {
        snap.neighbourhood_places.push(RawShare {
            by: get(r, "pcn_code").to_string(),
            place: get(r, "utla_code").to_string(),
            share: parse_f64(get(r, "share"), "pcn_places.csv share")?,
            from: PCN_DAY,
            to: None,
            basis: Provenance::Estimated,
            source: "PRACTICE_POSTCODE_LISTSIZE".to_string(),
            note: opt(get(r, "note")).unwrap_or_default(),
        });
    }
    Ok(())
}
