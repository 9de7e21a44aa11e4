//! Builds the England snapshot from the sourced CSVs in `assets/sources`.
//!
//! `ccg-explorer import` runs this and writes `assets/england.ron`; a test checks that
//! the committed file is byte for byte what this produces. Every figure keeps its
//! basis from the sources: LSOA-count shares are derived, the 2013 boundary overlay is
//! estimated, 2022 neighbourhood membership carried back to 2019 is estimated.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::de::DeserializeOwned;

use crate::model::Date;
use crate::model::format::{RawMoney, RawSnapshot, RawSource};

mod events;
mod icb_era;
mod money;
mod orgs;
mod places;

use events::*;
use money::*;
use orgs::*;
use places::*;

/// The day CCGs were abolished and ICBs began.
const ICB_DAY: Date = ymd(2022, 7, 1);

/// The last day of CCGs.
const CCG_LAST_DAY: Date = ymd(2022, 6, 30);

/// The day primary care networks began.
const PCN_DAY: Date = ymd(2019, 7, 1);

const fn ymd(y: i32, m: u32, d: u32) -> Date {
    match Date::from_ymd_opt(y, m, d) {
        Some(day) => day,
        None => Date::MIN,
    }
}

fn date(s: &str, what: &str) -> Result<Date> {
    Date::parse_from_str(s.trim(), "%Y-%m-%d").with_context(|| format!("{what}: bad date '{s}'"))
}

/// A whole text file, its path named where it cannot be read.
fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
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

/// The items of a `;`-separated list, trimmed, the empty ones left out.
fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// The kind a `kind` column names, looked up in `kinds`; an error for `what` (the file
/// and row) when it names none of them.
fn kind_named<K: Copy>(kinds: &[(&str, K)], word: &str, what: &str) -> Result<K> {
    match kinds.iter().find(|(w, _)| *w == word) {
        Some(&(_, kind)) => Ok(kind),
        None => bail!("{what}: unknown kind '{word}'"),
    }
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
    let text = read_text(&path)?;
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
        CCG_LAST_DAY
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
