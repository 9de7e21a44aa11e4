//! ICBs' lives, the relations they end and the systems they make.

use std::collections::{BTreeSet, HashMap};

use anyhow::{Context, Result, anyhow, bail, ensure};

use crate::import::{Row, date, get, opt};
use crate::model::format::{RawCode, RawLink, RawOrg, RawSnapshot};
use crate::model::{Date, Provenance};

use super::*;

/// The ICBs' lives: the 42 of July 2022 checked against the record, 12 ended on
/// 31 March 2026, 6 begun on 1 April 2026; their ONS codes with bases; their regions;
/// the integrated care systems they are the boards of.
pub(super) fn icb_lives(rows: &[Row], snap: &mut RawSnapshot) -> Result<()> {
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
                "confirmed (2023 GSS recode: reported)" => start == VARIATION_DAY,
                "confirmed (2026 GSS code: reported)" => start == MERGER_DAY,
                other => bail!("{what}: unknown confidence '{other}': add it to the importer"),
            })
        };
        let periods = code_periods(get(r, "ons_codes")).with_context(|| what.clone())?;
        let mut ons_codes = Vec::new();
        for (c, a, b) in &periods {
            let reported = reported_code(*a)?;
            let note = if !reported {
                String::new()
            } else if *a == MERGER_DAY {
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
                append_notes(&mut o.note, notes);
            }
            None => {
                ensure!(
                    from == MERGER_DAY,
                    "{what}: a new ICB that does not begin on {}",
                    MERGER_DAY
                );
                notes.insert(
                    0,
                    format!(
                        "established {} from {} (ODS)",
                        MERGER_DAY,
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
pub(super) fn end_links(snap: &mut RawSnapshot, code: &str, end: Date) -> Result<()> {
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
pub(super) fn new_system(
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
