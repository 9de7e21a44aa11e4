//! The lineage of one organisation (`lineage`), as text and JSON.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use super::{Format, arrangement_json, write_json, write_title};
use crate::model::format::EventKind;
use crate::model::scenario::scenario_of;
use crate::model::sharing;
use crate::model::snapshot::Arrangement;
use crate::model::timeline::LineageStep;
use crate::model::{APPROX, Date, FOREVER, OrgId, OrgKind, Provenance, Timeline, human_date};

/// Every ONS code an organisation had, with its basis, for JSON.
fn ons_codes_json(o: &crate::model::Org) -> Value {
    json!(
        o.ons_codes
            .iter()
            .map(|c| json!({
                "code": c.code,
                "from": c.from.to_string(),
                "to": (c.to != FOREVER).then(|| c.to.to_string()),
                "basis": c.basis.label(),
                "source": c.source,
                "note": c.note,
            }))
            .collect::<Vec<_>>()
    )
}

fn step_text(tl: &Timeline, step: &LineageStep) -> String {
    let s = tl.snapshot();
    let names: Vec<String> = step.from.iter().map(|f| s.org(*f).label()).collect();
    let to = s.org(step.to).label();
    let ev = &tl.events()[step.event];
    // Anything not confirmed says so.
    let basis = match ev.basis {
        Some(b) if !b.is_published() => format!(" ({APPROX}{})", b.label()),
        _ => String::new(),
    };
    match step.kind {
        EventKind::Split => format!(
            "{} split: part of {} ({:.1}% of its population) -> {to}{basis}",
            step.date,
            names.join(" + "),
            ev.passing_share() * 100.0
        ),
        EventKind::Merge if s.org(step.to).kind == OrgKind::Icb => {
            format!(
                "{} ICB merger: {} -> {to}{basis}",
                step.date,
                names.join(" + ")
            )
        }
        EventKind::AbolishIntoIcb => {
            let via = step
                .sub_icb
                .map(|x| format!(" as sub-ICB location {} ({})", s.org(x).code, s.org(x).name))
                .unwrap_or_default();
            let from: Vec<String> = step
                .from
                .iter()
                .filter(|f| {
                    step.sub_icb
                        .is_none_or(|x| s.org(x).code == s.org(**f).code)
                })
                .map(|f| s.org(*f).label())
                .collect();
            format!("{} abolished: {} -> {to}{via}", step.date, from.join(" + "))
        }
        _ => format!("{} merger: {} -> {to}", step.date, names.join(" + ")),
    }
}

/// The lineage of one organisation: its mergers and abolitions, and the shared
/// management of it and its predecessors, in date order.
pub fn write_lineage(out: &mut dyn Write, tl: &Timeline, id: OrgId, format: Format) -> Result<()> {
    let s = tl.snapshot();
    let lineage = tl.lineage(id);
    let o = s.org(id);
    let then_merged = |a: &Arrangement| sharing::then_merged(&lineage, a);
    if format == Format::Json {
        let steps: Vec<_> = lineage
            .steps
            .iter()
            .map(|st| {
                let ev = &tl.events()[st.event];
                json!({
                    "date": st.date.to_string(),
                    "kind": st.kind.label(),
                    "from": st.from.iter().map(|f| s.org(*f).code.clone()).collect::<Vec<_>>(),
                    "from_kind": st.from.first().map(|f| s.org(*f).kind.label()),
                    "to": s.org(st.to).code,
                    "to_name": s.org(st.to).name_on(st.date),
                    "to_kind": s.org(st.to).kind.label(),
                    "share": ev.share,
                    "sub_icb_location": st.sub_icb.map(|x| s.org(x).code.clone()),
                    "date_basis": ev.date_basis,
                    "basis": ev.basis.map(Provenance::label),
                    "source": ev.source,
                    "note": ev.note,
                })
            })
            .collect();
        let shared: Vec<_> = s
            .arrangements_at(&lineage.arrangements)
            .map(|a| {
                let mut v = arrangement_json(s, a);
                if let Some(st) = then_merged(a) {
                    v["then_merged"] = json!({
                        "date": st.date.to_string(),
                        "into": s.org(st.to).code,
                    });
                }
                v
            })
            .collect();
        let parents: Vec<Value> = lineage
            .parents
            .iter()
            .map(|p| {
                json!({
                    "sub_icb_location": s.org(p.sub_icb).code,
                    "icb": s.org(p.icb).code,
                    "icb_name": s.org(p.icb).name,
                    "from": p.from.to_string(),
                    "to": (p.to != FOREVER).then(|| p.to.to_string()),
                    "basis": p.basis.label(),
                })
            })
            .collect();
        let v = json!({
            "code": o.code,
            "name": o.name,
            "kind": o.kind.label(),
            "from": o.from.to_string(),
            "to": (o.to != FOREVER).then(|| o.to.to_string()),
            "ons": o.ons,
            "ons_codes": ons_codes_json(o),
            "scenario": scenario_of(s),
            "steps": steps,
            "sub_icb_location_icbs": parents,
            "shared_management": shared,
        });
        write_json(out, &v)?;
        return Ok(());
    }
    let life = if o.to == FOREVER {
        format!("from {}", human_date(o.from))
    } else {
        format!("{} to {}", human_date(o.from), human_date(o.to))
    };
    let title = format!("{} — {}, {life}", o.label(), o.kind.label());
    write_title(out, scenario_of(s).as_deref(), &title)?;
    if lineage.steps.is_empty() && lineage.arrangements.is_empty() {
        writeln!(out, "  no mergers, abolitions or shared management")?;
    }
    // Mergers and shared management in one list, by date.
    let mut lines: Vec<(Date, String)> = lineage
        .steps
        .iter()
        .map(|st| (st.date, step_text(tl, st)))
        .collect();
    for a in s.arrangements_at(&lineage.arrangements) {
        let mut text = sharing::sentence(s, a);
        if let Some(st) = then_merged(a) {
            text.push_str(&format!(
                ", then merged on {} into {}",
                human_date(st.date),
                s.org(st.to).label()
            ));
        }
        lines.push((
            a.from,
            format!(
                "{} {}: {text} [{}]",
                a.from,
                if a.member_kind == OrgKind::Icb {
                    "shared leadership"
                } else {
                    "shared management"
                },
                a.id
            ),
        ));
    }
    lines.sort_by_key(|(d, _)| *d);
    for (_, l) in lines {
        writeln!(out, "  {l}")?;
    }
    // A sub-ICB location's ICB, period by period (2026 moved 23 of them).
    if !lineage.parents.is_empty() {
        writeln!(out, "  ICB of each sub-ICB location:")?;
        for p in &lineage.parents {
            let mark = if p.basis.is_published() {
                String::new()
            } else {
                format!(" ({APPROX}{})", p.basis.label())
            };
            let end = if p.to == FOREVER {
                "on".to_string()
            } else {
                format!("to {}", human_date(p.to))
            };
            writeln!(
                out,
                "    {}: {} from {} {end}{mark}",
                s.org(p.sub_icb).code,
                s.org(p.icb).label(),
                human_date(p.from),
            )?;
        }
    }
    if !o.ons_codes.is_empty() {
        writeln!(out, "  ONS codes:")?;
        for c in &o.ons_codes {
            let end = if c.to == FOREVER {
                "on".to_string()
            } else {
                format!("to {}", human_date(c.to))
            };
            let mark = if c.basis.is_published() {
                String::new()
            } else {
                format!(" ({APPROX}{}: {})", c.basis.label(), c.note)
            };
            writeln!(
                out,
                "    {} from {} {end}{mark}",
                c.code,
                human_date(c.from)
            )?;
        }
    }
    Ok(())
}
