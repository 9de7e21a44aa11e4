//! Clusters of ICBs that share their bodies.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail, ensure};
use chrono::Datelike;

use crate::import::{Row, get, opt, read_csv, ymd};
use crate::model::format::{ArrangementKind, DatePrecision, RawArrangement, RawSnapshot};
use crate::model::{Date, OrgKind, Provenance};

use super::*;

/// `QHG;QUE;QM7 (Hertfordshire footprint only)`: each code, and whether only part of
/// it is meant.
pub(super) fn cluster_codes(s: &str) -> Vec<(String, Option<String>)> {
    list(s)
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
pub(super) fn cluster_arrangements(dir: &Path, rows: &[Row], snap: &mut RawSnapshot) -> Result<()> {
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
        let mut from =
            crate::import::events::partial_date(written, false).with_context(|| what.clone())?;
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
