//! Regions, systems, CCGs and ICBs from their source files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, anyhow};

use crate::model::format::{RawLink, RawOrg, RawPopulation, RawSnapshot};
use crate::model::{Date, Provenance};

use super::*;

pub(super) fn regions_and_systems(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let membership: Vec<Row> = read_csv(dir, "ccg_stp_membership.csv")?;
    let icbs: Vec<Row> = read_csv(dir, "icbs_2022.csv")?;
    let last_year = membership
        .iter()
        .filter_map(|r| get(r, "year").parse::<i32>().ok())
        .max()
        .ok_or_else(|| anyhow!("ccg_stp_membership.csv is empty"))?;

    // Regions: named by their latest appearance.
    let mut region_years: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
    let mut region_name: BTreeMap<String, String> = BTreeMap::new();
    let mut system_region_years: BTreeMap<(String, String), BTreeSet<i32>> = BTreeMap::new();
    let mut ccg_system_years: BTreeMap<(String, String), BTreeSet<i32>> = BTreeMap::new();
    for r in &membership {
        let year: i32 = get(r, "year")
            .parse()
            .context("ccg_stp_membership.csv: bad year")?;
        let reg = get(r, "nhs_region_ons_code").to_string();
        region_years.entry(reg.clone()).or_default().insert(year);
        region_name.insert(reg.clone(), get(r, "nhs_region_name").to_string());
        let stp = get(r, "stp_ons_code").to_string();
        system_region_years
            .entry((stp.clone(), reg))
            .or_default()
            .insert(year);
        ccg_system_years
            .entry((get(r, "ccg_ods_code").to_string(), stp))
            .or_default()
            .insert(year);
    }
    let mut icb_regions: BTreeMap<String, (String, String)> = BTreeMap::new();
    for r in &icbs {
        icb_regions.insert(
            get(r, "nhs_region_ons_code").to_string(),
            (
                get(r, "nhs_region_name").to_string(),
                get(r, "nhs_region_ods_code").to_string(),
            ),
        );
    }
    let mut all_regions: BTreeSet<String> = region_years.keys().cloned().collect();
    all_regions.extend(icb_regions.keys().cloned());
    for code in all_regions {
        let years = region_years.get(&code);
        let in_2022 = icb_regions.get(&code);
        let from = match years.and_then(|y| y.first()) {
            Some(y) => ymd(*y, 4, 1),
            None => ICB_DAY,
        };
        let to = match (years.and_then(|y| y.last()), in_2022) {
            (_, Some(_)) => None,
            (Some(y), None) => Some(year_interval(*y, last_year).1),
            (None, None) => None,
        };
        let name = in_2022
            .map(|(n, _)| n.clone())
            .or_else(|| region_name.get(&code).cloned())
            .unwrap_or_default();
        let mut note = String::new();
        if let Some((_, ods)) = in_2022 {
            note = format!("ODS code {ods} (July 2022)");
        }
        if years.is_some_and(|y| y.len() < 5 || y.first() != Some(&2017))
            || (in_2022.is_some() && years.is_none())
        {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str("region structure changed: 4 regions in 2017, 5 in 2018, 7 from 2019; two codes reissued in July 2022");
        }
        snap.regions.push(RawOrg {
            code: code.clone(),
            name,
            ons: Some(code),
            from,
            to,
            population: None,
            named_from: None,
            ons_codes: Vec::new(),
            note,
        });
    }

    // Systems.
    let ics: Vec<Row> = read_csv(dir, "ics.csv")?;
    let icb_of_system: BTreeMap<String, &Row> = icbs
        .iter()
        .map(|r| (get(r, "predecessor_stp21_ons_code").to_string(), r))
        .collect();
    for r in &ics {
        let code = get(r, "ons_code").to_string();
        let first: i32 = get(r, "first_lookup_year")
            .parse()
            .context("ics.csv: first_lookup_year")?;
        let last: i32 = get(r, "last_lookup_year")
            .parse()
            .context("ics.csv: last_lookup_year")?;
        let replaced = get(r, "status") == "replaced";
        // The 42 systems of 2021 go on as integrated care systems, each with its ICB.
        let to = replaced.then(|| ymd(last + 1, 3, 31));
        let mut notes = vec![format!(
            "in the ONS CCG to STP lookups {first} to {last}; STPs were announced in 2016 but the first lookup is April 2017"
        )];
        if let Some(ods) = opt(get(r, "ods_code")) {
            notes.push(format!("ODS code {ods} (2020 to 2022)"));
        }
        if replaced {
            notes.push(format!(
                "replaced from April {} by {}",
                get(r, "replaced_from_year"),
                get(r, "replaced_by_ons_code").replace(';', " and ")
            ));
        } else if let Some(icb) = icb_of_system.get(&code) {
            notes.push(format!(
                "from 1 July 2022 an integrated care system with its integrated care board, {} ({}, ONS {}): {}",
                get(icb, "icb_name"),
                get(icb, "icb_ods_code"),
                get(icb, "icb_ons_code"),
                get(icb, "boundary_change_vs_stp21")
            ));
        }
        let population = opt(get(r, "registered_population_2021_01"))
            .map(|p| -> Result<RawPopulation> {
                Ok(RawPopulation {
                    count: p.parse().context("ics.csv: population")?,
                    as_at: ymd(2021, 1, 1),
                    period: String::new(),
                    basis: Provenance::Derived,
                    source: "NHSD_GPREG_2021_01".to_string(),
                })
            })
            .transpose()?;
        snap.systems.push(RawOrg {
            code: code.clone(),
            name: get(r, "name").to_string(),
            ons: Some(code),
            from: ymd(first, 4, 1),
            to,
            population,
            named_from: None,
            ons_codes: Vec::new(),
            note: notes.join("; "),
        });
    }
    // From July 2022 a system's region is its ICB's: the same link carries on where the
    // region did not change.
    for (stp, icb) in &icb_of_system {
        let region = get(icb, "nhs_region_ons_code");
        if let Some(l) = snap
            .system_regions
            .iter_mut()
            .find(|l| &l.member == stp && l.of == region && l.to == Some(CCG_LAST_DAY))
        {
            l.to = None;
            continue;
        }
        snap.system_regions.push(in_icb_region(stp.clone(), icb));
    }
    for ((stp, reg), from_y, to_y) in runs(&system_region_years) {
        snap.system_regions.push(RawLink {
            member: stp,
            of: reg,
            from: year_interval(from_y, last_year).0,
            to: Some(year_interval(to_y, last_year).1),
            basis: None,
            source: "ONS_CCG_NHSER".to_string(),
        });
    }
    // CCG lives clip the last year of each run.
    let ccg_rows: Vec<Row> = read_csv(dir, "ccgs.csv")?;
    let ccg_end: HashMap<String, Date> = ccg_rows
        .iter()
        .map(|r| {
            let end = opt(get(r, "end_date"))
                .map(|d| date(&d, "ccgs.csv end_date"))
                .transpose()?
                .unwrap_or(CCG_LAST_DAY);
            Ok((get(r, "ods_code").to_string(), end))
        })
        .collect::<Result<_>>()?;
    for ((ccg, stp), from_y, to_y) in runs(&ccg_system_years) {
        let mut to = year_interval(to_y, last_year).1;
        if let Some(end) = ccg_end.get(&ccg) {
            to = to.min(*end);
        }
        snap.ccg_systems.push(RawLink {
            member: ccg,
            of: stp,
            from: year_interval(from_y, last_year).0,
            to: Some(to),
            basis: None,
            source: "ONS_CCG_STP".to_string(),
        });
    }
    snap.system_regions
        .sort_by(|a, b| (&a.member, a.from).cmp(&(&b.member, b.from)));
    snap.ccg_systems
        .sort_by(|a, b| (&a.member, a.from).cmp(&(&b.member, b.from)));
    Ok(())
}

/// `member` in the region of an ICB (a row of `icbs_2022.csv`), from the day ICBs
/// began.
fn in_icb_region(member: String, icb: &Row) -> RawLink {
    RawLink {
        member,
        of: get(icb, "nhs_region_ons_code").to_string(),
        from: ICB_DAY,
        to: None,
        basis: None,
        source: "RCPCH_ICB".to_string(),
    }
}

pub(super) fn population_of_ccg(r: &Row) -> Result<Option<RawPopulation>> {
    let Some(count) = opt(get(r, "registered_population")) else {
        return Ok(None);
    };
    let when = get(r, "registered_population_date");
    let source = get(r, "registered_population_source");
    let (as_at, period) = if let Some(y) = when.strip_suffix(" (Jan-Mar 2016)") {
        (ymd(2016, 1, 1), format!("{y} (Jan-Mar 2016)"))
    } else if let Some(y) = when.strip_suffix(" (Jan-Mar 2015)") {
        (ymd(2015, 1, 1), format!("{y} (Jan-Mar 2015)"))
    } else {
        (
            date(when, "ccgs.csv registered_population_date")?,
            String::new(),
        )
    };
    let (basis, key, period) =
        if let Some(rest) = source.strip_prefix("DERIVED_SUM_OF_PREDECESSORS_") {
            let key = rest.split_whitespace().next().unwrap_or(rest).to_string();
            let of = rest.trim_start_matches(&key).trim();
            (
                Provenance::Derived,
                key,
                format!("sum of predecessors {of}"),
            )
        } else {
            (Provenance::Published, source.to_string(), period)
        };
    Ok(Some(RawPopulation {
        count: count.parse().context("ccgs.csv: registered_population")?,
        as_at,
        period,
        basis,
        source: key,
    }))
}

pub(super) fn ccgs(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "ccgs.csv")?;
    for r in &rows {
        let code = get(r, "ods_code").to_string();
        let mut notes = Vec::new();
        if let Some(n) = opt(get(r, "notes")) {
            notes.push(n);
        }
        if let Some(v) = opt(get(r, "name_variants")) {
            notes.push(format!("also published as: {v}"));
        }
        if let Some(h) = opt(get(r, "ons_code_history")) {
            notes.push(format!("ONS codes: {h}"));
        }
        snap.ccgs.push(RawOrg {
            code: code.clone(),
            name: get(r, "name").to_string(),
            ons: opt(get(r, "ons_code")),
            from: date(get(r, "start_date"), &format!("ccgs.csv {code} start_date"))?,
            to: Some(match opt(get(r, "end_date")) {
                Some(d) => date(&d, &format!("ccgs.csv {code} end_date"))?,
                None => CCG_LAST_DAY,
            }),
            population: population_of_ccg(r)?,
            named_from: None,
            ons_codes: Vec::new(),
            note: notes.join("; "),
        });
    }
    Ok(())
}

pub(super) fn icbs(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "icbs_2022.csv")?;
    for r in &rows {
        let code = get(r, "icb_ods_code").to_string();
        let note = format!(
            "predecessor STP/ICS {} ({}); {}",
            get(r, "predecessor_stp21_ons_code"),
            get(r, "predecessor_stp21_name"),
            get(r, "boundary_change_vs_stp21")
        );
        snap.icbs.push(RawOrg {
            code: code.clone(),
            name: get(r, "icb_name").to_string(),
            ons: opt(get(r, "icb_ons_code")),
            from: date(get(r, "established"), "icbs_2022.csv established")?,
            to: None,
            population: None,
            named_from: None,
            ons_codes: Vec::new(),
            note,
        });
        snap.icb_regions.push(in_icb_region(code.clone(), r));
        // Each ICB is the board of the integrated care system it continues: the April
        // 2021 STP holding most of its LSOAs (SOURCES.md 5.4).
        snap.icb_systems.push(RawLink {
            member: code,
            of: get(r, "predecessor_stp21_ons_code").to_string(),
            from: ICB_DAY,
            to: None,
            basis: Some(Provenance::Derived),
            source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
        });
    }
    let rows: Vec<Row> = read_csv(dir, "sub_icb_locations_2022.csv")?;
    for r in &rows {
        let code = get(r, "sicbl_ods_code").to_string();
        let mut note = format!(
            "carries on {} ({})",
            get(r, "predecessor_ccg_name"),
            get(r, "predecessor_ccg_ods_code")
        );
        if let Some(c) = opt(get(r, "change_note")) {
            note.push_str("; ");
            note.push_str(&c);
        }
        snap.sub_icb_locations.push(RawOrg {
            code: code.clone(),
            name: get(r, "sicbl_name").to_string(),
            ons: opt(get(r, "sicbl_ons_code")),
            from: ICB_DAY,
            to: None,
            population: None,
            named_from: None,
            ons_codes: Vec::new(),
            note,
        });
        snap.sub_icb_icbs.push(RawLink {
            member: code,
            of: get(r, "icb_ods_code").to_string(),
            from: ICB_DAY,
            to: None,
            basis: None,
            source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
        });
    }
    Ok(())
}
