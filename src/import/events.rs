//! Events, shared management and the chart annotations.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::model::format::{EventKind, RawEvent, RawSnapshot};
use crate::model::{Date, Provenance};

use super::*;

/// The kinds `events.csv` names.
const EVENT_KINDS: [(&str, EventKind); 5] = [
    ("establish", EventKind::Establish),
    ("merge", EventKind::Merge),
    ("boundary-change", EventKind::BoundaryChange),
    ("rename", EventKind::Rename),
    ("abolish-into-ICB", EventKind::AbolishIntoIcb),
];

pub(super) fn events(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
    let rows: Vec<Row> = read_csv(dir, "events.csv")?;
    for r in &rows {
        let id = get(r, "event_id").to_string();
        let kind = kind_named(&EVENT_KINDS, get(r, "kind"), &format!("events.csv {id}"))?;
        // The CSV repeats the CCG's own code in `from_codes` for renames and boundary
        // changes; only mergers and abolitions end CCGs.
        let ends = matches!(kind, EventKind::Merge | EventKind::AbolishIntoIcb);
        snap.events.push(RawEvent {
            id: id.clone(),
            date: date(get(r, "date"), &format!("events.csv {id}"))?,
            kind,
            from: list(get(r, "from_codes"))
                .filter(|_| ends)
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
pub(super) fn partial_date(s: &str, last: bool) -> Result<Date> {
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

pub(super) fn shared_management(dir: &Path, snap: &mut RawSnapshot) -> Result<()> {
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
        let kind = kind_named(
            &[
                (
                    "shared_accountable_officer",
                    ArrangementKind::SharedAccountableOfficer,
                ),
                (
                    "single_management_team",
                    ArrangementKind::SingleManagementTeam,
                ),
                ("joint_committee", ArrangementKind::JointCommittee),
            ],
            get(r, "kind"),
            &format!("shared_management.csv {id}"),
        )?;
        let members: Vec<String> = list(get(r, "ccg_ods_codes")).map(str::to_string).collect();
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
            None => CCG_LAST_DAY,
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

pub(super) fn annotations() -> Vec<crate::model::format::RawAnnotation> {
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
