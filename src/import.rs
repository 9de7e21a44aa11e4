//! Builds the England snapshot from the sourced CSVs in `assets/sources`.
//!
//! `ccg-explorer import` runs this and writes `assets/england.ron`; a test checks that
//! the committed file is byte for byte what this produces. Every figure keeps its
//! basis from the sources: LSOA-count shares are derived, the 2013 boundary overlay is
//! estimated, 2022 neighbourhood membership carried back to 2019 is estimated.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde::de::DeserializeOwned;

use crate::model::format::{
    EventKind, RawEvent, RawFigure, RawLink, RawMoney, RawOrg, RawPopulation, RawShare,
    RawSnapshot, RawSource, RawTarget, RawYearAmount,
};
use crate::model::{Date, FinancialYear, Provenance};

mod icb_era;

/// The day CCGs were abolished and ICBs began.
fn icb_day() -> Date {
    ymd(2022, 7, 1)
}

/// The last day of CCGs.
fn ccg_last_day() -> Date {
    ymd(2022, 6, 30)
}

/// The day primary care networks began.
fn pcn_day() -> Date {
    ymd(2019, 7, 1)
}

fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).unwrap_or(Date::MIN)
}

fn date(s: &str, what: &str) -> Result<Date> {
    Date::parse_from_str(s.trim(), "%Y-%m-%d").with_context(|| format!("{what}: bad date '{s}'"))
}

fn read_csv<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<Vec<T>> {
    let path = dir.join(name);
    let mut rdr =
        csv::Reader::from_path(&path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, row) in rdr.deserialize().enumerate() {
        rows.push(row.with_context(|| format!("{}: row {}", path.display(), i + 2))?);
    }
    Ok(rows)
}

type Row = HashMap<String, String>;

fn get<'a>(row: &'a Row, col: &str) -> &'a str {
    row.get(col).map(|s| s.trim()).unwrap_or("")
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn parse_f64(s: &str, what: &str) -> Result<f64> {
    s.trim()
        .parse()
        .with_context(|| format!("{what}: not a number '{s}'"))
}

/// Source keys and what they are (from SOURCES.md and RUNNING_COSTS.md).
const SOURCES: &[(&str, &str, &str)] = &[
    (
        "ODS_SUCC",
        "ODS successor records (CCG rows): predecessor, successor, legal start",
        "tomjemmett/odsProcessing ods_successors.csv @ 75fc309",
    ),
    (
        "ONS_CCG13",
        "ONS CCG names and codes, April 2013 (211 CCGs)",
        "ebmdatalab/openprescribing CCG_APR_2013.csv @ 2aab031",
    ),
    (
        "ODS_ECCG",
        "ODS eccg.csv extracts: CCG open and close dates (2016, Nov 2018)",
        "ebmdatalab/openprescribing eccg.csv",
    ),
    (
        "ONS_CCG_STP",
        "ONS CCG to STP lookups, April 2017 (066), 2018 (065), 2019 (028), 2020 (031), 2021 (CCG21/STP21/NHSER21)",
        "jtrim-ons/ons-lookups @ 85d0ba6; open-innovations/mental-health-data-map",
    ),
    (
        "ONS_CCG_NHSER",
        "ONS CCG to NHS England region lookups 2017 (222), 2018 (202); 2019-2020 regions derived from the 2021 file",
        "jtrim-ons/ons-lookups @ 85d0ba6",
    ),
    (
        "NHSBSA_LISTSIZE_2015Q1",
        "NHSBSA prescribing patient list sizes by practice, Jan-Mar 2015, summed by CCG",
        "ebmdatalab/openprescribing Patient_List_Size_2015_01-03.csv",
    ),
    (
        "NHSBSA_LISTSIZE_2016Q1",
        "NHSBSA prescribing patient list sizes by practice, Jan-Mar 2016, summed by CCG",
        "ebmdatalab/openprescribing Patient_List_Size_2016_01-03.csv",
    ),
    (
        "NHSD_GPREG_2021_01",
        "NHS Digital patients registered at a GP practice, 1 Jan 2021, summed by CCG, PCN or place",
        "gp-reg-pat-prac-all.csv (Jan 2021)",
    ),
    (
        "NHSD_PRACMAP_2022_01",
        "NHS Digital practice to PCN to CCG to STP map, 1 Jan 2022",
        "nhsx-mirror/SystemHierarchies gp-reg-pat-prac-map.csv @ c4d6cff",
    ),
    (
        "PRACTICE_POSTCODE_LISTSIZE",
        "PCN to place shares: practice sites (NHS England x-boundary mapping 2023/24) weighted by Jan 2021 list sizes",
        "SOURCES.md section 9",
    ),
    (
        "ONS_LSOA_SICBL22_ICB22_LAD22",
        "ONS LSOA to sub-ICB location to ICB lookup, July 2022",
        "humaniverse/geographr lookup_lsoa11_sicbl22_icb22_ltla22.rda @ ae07d1e",
    ),
    (
        "RCPCH_ICB",
        "ICB names, ODS codes and regions (RCPCH audit engine constants)",
        "rcpch/rcpch-audit-engine @ 176c371",
    ),
    (
        "DERIVED_BY_LINEAGE",
        "2013-15 CCG to place cells carried back from the July 2015 lookup for CCGs whose ONS code did not change",
        "SOURCES.md section 5.3",
    ),
    (
        "ESTIMATED_BY_2013_BOUNDARY_OVERLAY",
        "2013-15 CCG to place cells for 00F, 00G, 00H, 09G, 09N: LSOA centroids in Feb 2013 CCG boundaries",
        "SOURCES.md section 5.3",
    ),
    (
        "LOOKUP_2015",
        "ONS LSOA to CCG to LAD lookup, July 2015 (212): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/212.csv",
    ),
    (
        "LOOKUP_2016",
        "ONS LSOA to CCG to LAD lookup, April 2016 (211): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/211.csv",
    ),
    (
        "LOOKUP_2017",
        "ONS LSOA to CCG to LAD lookup, April 2017 (226): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/226.csv",
    ),
    (
        "LOOKUP_2018",
        "ONS LSOA to CCG to LAD lookup, April 2018 (216): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/216.csv",
    ),
    (
        "LOOKUP_2019",
        "ONS LSOA to CCG to LAD lookup, April 2019 (217): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/217.csv",
    ),
    (
        "LOOKUP_2020",
        "ONS LSOA to CCG to LAD lookup, April 2020 (219): shares of LSOA counts",
        "jtrim-ons/ons-lookups csv/219.csv",
    ),
    (
        "LOOKUP_2021",
        "ONS LSOA to CCG to LAD lookup, April 2021: shares of LSOA counts",
        "open-innovations/mental-health-data-map",
    ),
    (
        "SHARED_MANAGEMENT",
        "Informal shared management between CCGs, from news reports, CCG papers and minutes (one row per arrangement, with its page addresses)",
        "SOURCES.md section 7",
    ),
    (
        "DAC_BEACHCROFT_2019",
        "DAC Beachcroft, \"The NHS Long Term Plan balancing act\", 11 June 2019: reports that some 127 CCGs have shared management with 38 senior leaders, and quotes the clinical chair of South Devon and Torbay CCG on Devon's running costs (reported, not checked against a primary source)",
        "https://www.dacbeachcroft.com/es/gb/articles/2019/june/the-nhs-long-term-plan-balancing-act/ (reprinted on Mondaq, 20 June 2019)",
    ),
];

/// Reads every CSV in `dir` and builds the England snapshot.
pub fn build_england(dir: &Path) -> Result<RawSnapshot> {
    let mut snap = RawSnapshot {
        format: crate::model::format::FORMAT_VERSION,
        title: "England CCGs 2013–2022 and ICBs 2022–2026".to_string(),
        description:
            "Every clinical commissioning group in England from their creation on 1 April 2013 \
to their abolition on 1 July 2022, with STP/ICS membership (April 2017 onwards), the places \
(upper-tier councils) each served, primary care networks, and the ICBs and sub-ICB locations \
that replaced them, to the record's as-at day: the 2023 boundary change, the 2025/26 \
leadership clusters, the mergers of 1 April 2026 (42 ICBs to 36, Frimley split three ways) \
and the ICB running-cost rules. Built by `ccg-explorer import` from assets/sources."
                .to_string(),
        ..RawSnapshot::default()
    };
    snap.sources = SOURCES
        .iter()
        .map(|(k, t, r)| RawSource {
            key: k.to_string(),
            title: t.to_string(),
            reference: r.to_string(),
        })
        .collect();
    snap.sources.extend(running_cost_sources(dir)?);
    snap.sources.sort_by_key(|a| natural_key(&a.key));

    regions_and_systems(dir, &mut snap)?;
    ccgs(dir, &mut snap)?;
    icbs(dir, &mut snap)?;
    let moves = places(dir, &mut snap)?;
    neighbourhoods(dir, &mut snap)?;
    events(dir, &mut snap)?;
    boundary_changes_2022(dir, &moves, &mut snap)?;
    shared_management(dir, &mut snap)?;
    snap.money = money(dir)?;
    snap.annotations = annotations();
    icb_era::extend(dir, &mut snap)?;
    Ok(snap)
}

/// Sorts `S2` before `S10`.
fn natural_key(s: &str) -> (String, u32) {
    let digits: String = s.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
    let n: u32 = digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    let stem = s[..s.len() - digits.len()].to_string();
    (stem, n)
}

/// The `- S1 https://...` lines at the end of RUNNING_COSTS.md.
fn running_cost_sources(dir: &Path) -> Result<Vec<RawSource>> {
    let path = dir.join("RUNNING_COSTS.md");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("- S") else {
            continue;
        };
        let Some((num, reference)) = rest.split_once(' ') else {
            continue;
        };
        if num.chars().all(|c| c.is_ascii_digit()) && !num.is_empty() {
            out.push(RawSource {
                key: format!("S{num}"),
                title: format!("Running costs source S{num} (RUNNING_COSTS.md)"),
                reference: reference.trim().to_string(),
            });
        }
    }
    if out.is_empty() {
        bail!("{}: no source lines (- S1 ...) found", path.display());
    }
    Ok(out)
}

/// The interval a yearly April lookup covers: 1 April of `year` to 31 March next, or to
/// the CCGs' last day for the final year.
fn year_interval(year: i32, last_year: i32) -> (Date, Date) {
    let from = ymd(year, 4, 1);
    let to = if year >= last_year {
        ccg_last_day()
    } else {
        ymd(year + 1, 3, 31)
    };
    (from, to)
}

/// Joins runs of consecutive years with the same value into intervals.
fn runs<K: Ord + Clone>(years: &BTreeMap<K, BTreeSet<i32>>) -> Vec<(K, i32, i32)> {
    let mut out = Vec::new();
    for (k, ys) in years {
        let mut iter = ys.iter().copied();
        let Some(mut start) = iter.next() else {
            continue;
        };
        let mut prev = start;
        for y in iter {
            if y != prev + 1 {
                out.push((k.clone(), start, prev));
                start = y;
            }
            prev = y;
        }
        out.push((k.clone(), start, prev));
    }
    out
}

fn regions_and_systems(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
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
            None => icb_day(),
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
            .find(|l| &l.member == stp && l.of == region && l.to == Some(ccg_last_day()))
        {
            l.to = None;
            continue;
        }
        snap.system_regions.push(RawLink {
            member: stp.clone(),
            of: get(icb, "nhs_region_ons_code").to_string(),
            from: icb_day(),
            to: None,
            basis: None,
            source: "RCPCH_ICB".to_string(),
        });
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
                .unwrap_or(ccg_last_day());
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

fn population_of_ccg(r: &Row) -> Result<Option<RawPopulation>> {
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

fn ccgs(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
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
                None => ccg_last_day(),
            }),
            population: population_of_ccg(r)?,
            named_from: None,
            ons_codes: Vec::new(),
            note: notes.join("; "),
        });
    }
    Ok(())
}

fn icbs(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
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
        snap.icb_regions.push(RawLink {
            member: code.clone(),
            of: get(r, "nhs_region_ons_code").to_string(),
            from: icb_day(),
            to: None,
            basis: None,
            source: "RCPCH_ICB".to_string(),
        });
        // Each ICB is the board of the integrated care system it continues: the April
        // 2021 STP holding most of its LSOAs (SOURCES.md 5.4).
        snap.icb_systems.push(RawLink {
            member: code,
            of: get(r, "predecessor_stp21_ons_code").to_string(),
            from: icb_day(),
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
            from: icb_day(),
            to: None,
            population: None,
            named_from: None,
            ons_codes: Vec::new(),
            note,
        });
        snap.sub_icb_icbs.push(RawLink {
            member: code,
            of: get(r, "icb_ods_code").to_string(),
            from: icb_day(),
            to: None,
            basis: None,
            source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
        });
    }
    Ok(())
}

fn places(dir: &Path, snap: &mut RawSnapshot) -> Result<Vec<PlacedMove>> {
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
fn council_from(code: &str) -> Option<Date> {
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
struct Move {
    from: String,
    to: String,
    lsoas: u32,
}

/// A move with the place its LSOAs lie in.
struct PlacedMove {
    what: Move,
    place: String,
}

/// The July 2022 moves, read from the losers' `change_note` ("lost 92 LSOAs to 15E").
fn moves_2022(rows: &[Row]) -> Result<Vec<Move>> {
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
fn sub_icb_places(
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
            from: icb_day(),
            to: None,
            basis: Provenance::Derived,
            source: "ONS_LSOA_SICBL22_ICB22_LAD22".to_string(),
            note,
        });
    }
    Ok(placed)
}

/// The boundary changes of 1 July 2022 as events, one for each side of each move.
fn boundary_changes_2022(dir: &Path, moves: &[PlacedMove], snap: &mut RawSnapshot) -> Result<()> {
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
                date: icb_day(),
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

fn neighbourhoods(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
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
            from: pcn_day(),
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
            .max(pcn_day());
        ccg_links.push(RawLink {
            member: code.clone(),
            of: ccg.clone(),
            from: start,
            to: Some(ccg_last_day()),
            basis: Some(Provenance::Estimated),
            source: "NHSD_PRACMAP_2022_01".to_string(),
        });
        if sub_icbs.contains(ccg.as_str()) {
            sub_links.push(RawLink {
                member: code,
                of: ccg,
                from: icb_day(),
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
            from: pcn_day(),
            to: None,
            basis: Provenance::Estimated,
            source: "PRACTICE_POSTCODE_LISTSIZE".to_string(),
            note: opt(get(r, "note")).unwrap_or_default(),
        });
    }
    Ok(())
}

fn events(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "events.csv")?;
    for r in &rows {
        let id = get(r, "event_id").to_string();
        let kind = match get(r, "kind") {
            "establish" => EventKind::Establish,
            "merge" => EventKind::Merge,
            "boundary-change" => EventKind::BoundaryChange,
            "rename" => EventKind::Rename,
            "abolish-into-ICB" => EventKind::AbolishIntoIcb,
            other => bail!("events.csv {id}: unknown kind '{other}'"),
        };
        // The CSV repeats the CCG's own code in `from_codes` for renames and boundary
        // changes; only mergers and abolitions end CCGs.
        let ends = matches!(kind, EventKind::Merge | EventKind::AbolishIntoIcb);
        snap.events.push(RawEvent {
            id: id.clone(),
            date: date(get(r, "date"), &format!("events.csv {id}"))?,
            kind,
            from: get(r, "from_codes")
                .split(';')
                .filter(|_| ends)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            to: get(r, "to_code").to_string(),
            to_kind: None,
            name: get(r, "to_name").to_string(),
            share: None,
            date_basis: get(r, "date_basis").to_string(),
            basis: None,
            source: get(r, "source").to_string(),
            note: get(r, "note").to_string(),
        });
    }
    Ok(())
}

/// A date written `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as its first (or last) day.
fn partial_date(s: &str, last: bool) -> Result<Date> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |i: usize| -> Result<u32> {
        parts
            .get(i)
            .ok_or_else(|| anyhow!("bad date '{s}'"))?
            .parse()
            .with_context(|| format!("bad date '{s}'"))
    };
    let year = num(0)? as i32;
    let d = match parts.len() {
        3 => Date::from_ymd_opt(year, num(1)?, num(2)?),
        2 if last => {
            let m = num(1)?;
            let next = if m == 12 {
                ymd(year + 1, 1, 1)
            } else {
                ymd(year, m + 1, 1)
            };
            next.pred_opt()
        }
        2 => Date::from_ymd_opt(year, num(1)?, 1),
        1 if last => Date::from_ymd_opt(year, 12, 31),
        1 => Date::from_ymd_opt(year, 1, 1),
        _ => None,
    };
    d.ok_or_else(|| anyhow!("bad date '{s}'"))
}

fn shared_management(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    use crate::model::format::{ArrangementKind, DatePrecision, RawArrangement};
    let rows: Vec<Row> = read_csv(dir, "shared_management.csv")?;
    let lives: HashMap<&str, (Date, Date)> = snap
        .ccgs
        .iter()
        .map(|c| {
            (
                c.code.as_str(),
                (c.from, c.to.unwrap_or(crate::model::FOREVER)),
            )
        })
        .collect();
    let mut out = Vec::new();
    for r in &rows {
        let id = get(r, "arrangement_id").to_string();
        let kind = match get(r, "kind") {
            "shared_accountable_officer" => ArrangementKind::SharedAccountableOfficer,
            "single_management_team" => ArrangementKind::SingleManagementTeam,
            "joint_committee" => ArrangementKind::JointCommittee,
            other => bail!("shared_management.csv {id}: unknown kind '{other}'"),
        };
        let members: Vec<String> = get(r, "ccg_ods_codes")
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let written_from = get(r, "start_date");
        let written_to = get(r, "end_date");
        let precision = |w: &str| match w.trim().len() {
            4 => DatePrecision::Year,
            7 => DatePrecision::Month,
            _ => DatePrecision::Day,
        };
        let mut from = partial_date(written_from, false)
            .with_context(|| format!("shared_management.csv {id}"))?;
        let mut to = match opt(written_to) {
            Some(t) => {
                partial_date(&t, true).with_context(|| format!("shared_management.csv {id}"))?
            }
            None => ccg_last_day(),
        };
        // A start or end given only as a month or year can fall outside a member's
        // life; keep the arrangement inside every member's life and say so.
        let mut notes = Vec::new();
        for m in &members {
            let (a, b) = lives
                .get(m.as_str())
                .copied()
                .ok_or_else(|| anyhow!("shared_management.csv {id}: unknown CCG {m}"))?;
            if from < a {
                from = a;
            }
            if to > b {
                to = b;
            }
        }
        // A month or a year is kept as the date's precision; a day moved to fit the
        // CCGs' lives is noted.
        if precision(written_from).is_day() && from.to_string() != written_from {
            notes.push(format!("start written as {written_from}"));
        }
        if precision(written_to).is_day() && !written_to.is_empty() && to.to_string() != written_to
        {
            notes.push(format!("end written as {written_to}"));
        }
        if to < from {
            bail!("shared_management.csv {id}: no day on which all its CCGs existed");
        }
        let mut note = get(r, "note").to_string();
        if !notes.is_empty() {
            note = format!("{}; {note}", notes.join("; "));
        }
        out.push(RawArrangement {
            id,
            kind,
            member_kind: None,
            members,
            part_members: Vec::new(),
            from,
            to: Some(to),
            date_basis: get(r, "date_basis").to_string(),
            from_precision: precision(written_from),
            // Open-ended rows end with the CCGs, on a known day.
            to_precision: precision(written_to),
            leader: get(r, "leader_title").to_string(),
            basis: None,
            source: "SHARED_MANAGEMENT".to_string(),
            evidence: get(r, "source").to_string(),
            note,
        });
    }
    snap.shared_management = out;
    Ok(())
}

fn annotations() -> Vec<crate::model::format::RawAnnotation> {
    use crate::model::format::{ChartKind, RawAnnotation, RawPoint};
    vec![
        RawAnnotation {
            chart: ChartKind::CcgCount,
            footprint: None,
            date: ymd(2019, 6, 1),
            text: "\"Some 127 CCGs now have shared management, with 38 senior leaders operating across them\" (DAC Beachcroft, \"The NHS Long Term Plan balancing act\", 11 June 2019)".to_string(),
            basis: Provenance::Reported,
            source: "DAC_BEACHCROFT_2019".to_string(),
            points: vec![
                RawPoint {
                    series: "ccgs_sharing_leadership".to_string(),
                    value: 127.0,
                },
                RawPoint {
                    series: "shared_leadership_teams".to_string(),
                    value: 38.0,
                },
            ],
        },
        RawAnnotation {
            chart: ChartKind::Costs,
            footprint: Some("15N".to_string()),
            date: ymd(2019, 4, 1),
            text: "Devon: about £4m out of running costs before the April 2019 merger and £1m after, \"almost up to the 20% target\", said the clinical chair of South Devon and Torbay CCG (DAC Beachcroft, \"The NHS Long Term Plan balancing act\", 11 June 2019)".to_string(),
            basis: Provenance::Reported,
            source: "DAC_BEACHCROFT_2019".to_string(),
            points: Vec::new(),
        },
    ]
}

/// The cost model's parameters: assumptions from RUNNING_COSTS.md section 7, for users
/// to see and change.
fn parameters() -> Vec<crate::model::format::RawParameter> {
    use crate::model::format::RawParameter;
    let p = |name: &str, value: f64, note: &str| RawParameter {
        name: name.to_string(),
        value,
        note: note.to_string(),
    };
    vec![
        p(
            "fixed_cost_per_body_gbp",
            1_000_000.0,
            "G: governance and leadership cost of one statutory CCG (own AO and executive team), removed when CCGs merge; RUNNING_COSTS.md 7.2 default (the 2011 DH ready reckoner put corporate base costs near 1.5m)",
        ),
        p(
            "shared_management_fixed_saving",
            0.6,
            "share of G saved while CCGs share an accountable officer or team: G falls from 1.0m to 0.4m (Preston and Chorley anchor, RUNNING_COSTS.md 7.2)",
        ),
        p(
            "merger_back_office_saving",
            0.05,
            "b: back-office economies on the rest of a merging CCG's baseline (range 0.03 to 0.10)",
        ),
        p(
            "merger_realisation",
            0.75,
            "r: share of planned merger and sharing savings actually realised (range 0.5 to 1.0; provider-merger evidence)",
        ),
        p(
            "population_growth_per_year",
            0.007,
            "growth of registered population per year, used to move each population figure to the middle of a financial year (ONS England growth of about 0.6 to 0.8% a year)",
        ),
        p(
            "allowance_cut_phase_2019_20",
            0.55,
            "share of the 2018/19 to 2020/21 allowance cut taken in 2019/20 (RUNNING_COSTS.md 7.2: 55 to 60%)",
        ),
        p(
            "calibration_year",
            2013.0,
            "the financial year (by its first year) whose published national total scales registered lists to the population the allowance was paid on",
        ),
    ]
}

fn provenance(s: &str) -> Result<Provenance> {
    Ok(match s {
        "Published" | "SOURCED" => Provenance::Published,
        "Derived" | "DERIVED" => Provenance::Derived,
        "Estimated" => Provenance::Estimated,
        "Modelled" | "ASSUMPTION" => Provenance::Modelled,
        // RUNNING_COSTS.md: "claimed in press reports, but not seen in a primary or
        // secondary source".
        "Reported" | "REPORTED" | "UNVERIFIED" => Provenance::Reported,
        other => bail!("unknown basis '{other}'"),
    })
}

fn money(dir: &Path) -> Result<RawMoney> {
    let mut money = RawMoney::default();
    let rows: Vec<Row> = read_csv(dir, "rca_national.csv")?;
    for r in &rows {
        let year: FinancialYear = get(r, "financial_year")
            .parse()
            .map_err(|e: String| anyhow!("rca_national.csv: {e}"))?;
        let note = get(r, "note").to_string();
        money.allowance_per_head.push(RawYearAmount {
            year,
            gbp: parse_f64(get(r, "per_head_gbp"), "rca_national.csv per_head_gbp")?,
            basis: provenance(get(r, "per_head_basis"))?,
            source: get(r, "per_head_source").to_string(),
            note: note.clone(),
        });
        money.national_totals.push(RawYearAmount {
            year,
            gbp: parse_f64(
                get(r, "national_total_gbp"),
                "rca_national.csv national_total_gbp",
            )?,
            basis: provenance(get(r, "total_basis"))?,
            source: get(r, "total_source").to_string(),
            note,
        });
    }
    money.parameters = parameters();
    money.target = Some(RawTarget {
        cut: 0.2,
        baseline_year: FinancialYear(2017),
        target_year: FinancialYear(2020),
        source: "S11; S12".to_string(),
        note: "20% cut in CCG running cost allowances by 2020/21 versus 2017/18 (NHS England letter, Nov 2018)".to_string(),
    });
    let rows: Vec<Row> = read_csv(dir, "running_costs.csv")?;
    for r in &rows {
        let period = get(r, "financial_year").to_string();
        let label = get(r, "label");
        let mut note = get(r, "notes").to_string();
        if matches!(label, "UNVERIFIED" | "REPORTED") {
            note = format!("reported, not checked against a primary source: {note}");
        }
        let who = get(r, "ccg_name");
        if !who.is_empty() {
            note = format!("{who}: {note}");
        }
        money.figures.push(RawFigure {
            orgs: get(r, "ods_code")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            year: period.parse().ok(),
            period,
            metric: get(r, "metric").to_string(),
            gbp: opt(get(r, "value_gbp"))
                .map(|v| parse_f64(&v, "running_costs.csv value_gbp"))
                .transpose()?,
            gbp_per_head: opt(get(r, "per_head_gbp"))
                .map(|v| parse_f64(&v, "running_costs.csv per_head_gbp"))
                .transpose()?,
            basis: provenance(label)?,
            source: get(r, "source_id").to_string(),
            note,
        });
    }
    Ok(money)
}

/// Writes a snapshot as RON the way the project commits it: one organisation, relation
/// or event per line, so that a diff shows what changed.
pub fn to_ron(snap: &RawSnapshot) -> Result<String> {
    let config = |depth| {
        ron::ser::PrettyConfig::new()
            .depth_limit(depth)
            .indentor("  ".to_string())
            .new_line("\n".to_string())
    };
    // The money section nests one level deeper; write it on its own so that each of
    // its entries also gets a line, then put it in place of the empty one.
    let without_money = RawSnapshot {
        money: RawMoney::default(),
        ..snap.clone()
    };
    let top = config(2).extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let mut text = ron::ser::to_string_pretty(&without_money, top).context("cannot write RON")?;
    let inner = config(2).extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let money = ron::ser::to_string_pretty(&snap.money, inner).context("cannot write RON")?;
    // The file's header already enables implicit_some.
    let body = money
        .split_once('\n')
        .filter(|(first, _)| first.starts_with("#!["))
        .map(|(_, rest)| rest)
        .unwrap_or(&money);
    let indented = body.replace('\n', "\n  ");
    let start = text.find("\n  money: (");
    let end = start.and_then(|s| text[s..].find("\n  ),\n").map(|e| s + e + "\n  ),\n".len()));
    let (Some(start), Some(end)) = (start, end) else {
        bail!("cannot place the money section in the written snapshot");
    };
    text.replace_range(start..end, &format!("\n  money: {indented},\n"));
    text.push('\n');
    Ok(text)
}
