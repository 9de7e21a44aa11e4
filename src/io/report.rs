//! Reports: the record on a date, a lineage, two dates compared and running costs, as
//! text, JSON and CSV.
//!
//! The command line prints them and the window's CSV exports write them, so both say
//! the same. Every relation and figure goes out with its basis (published, derived,
//! estimated, modelled, reported) and its source key: in JSON as `basis` and `source`
//! fields, in CSV as columns, in text as a `≈` before anything not published, with a
//! legend line saying so.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use crate::model::format::EventKind;
use crate::model::sharing::{self, Team};
use crate::model::snapshot::Arrangement;
use crate::model::timeline::{LineageStep, Served};
use crate::model::{
    APPROX, Date, FOREVER, FULL_SHARE, OrgId, OrgKind, Provenance, Snapshot, Timeline,
    approx_share, human_date, plural, thousands,
};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
pub enum Format {
    /// For people.
    Text,
    /// For scripts.
    Json,
    /// For spreadsheets.
    Csv,
}

/// Output formats of `compare` (a change list has no table shape for csv).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
pub enum CompareFormat {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// The legend line of text reports.
pub const APPROX_LEGEND: &str = "≈ marks a share or membership that is not published \
(derived from counts, or estimated); --format json and csv give every basis and source.";

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn org_json(s: &Snapshot, id: OrgId) -> Value {
    let o = s.org(id);
    json!({ "code": o.code, "name": o.name, "kind": o.kind.label() })
}

/// A served-by or neighbourhood entry with its share, basis and source.
fn served_json(s: &Snapshot, c: &Served) -> Value {
    let mut v = org_json(s, c.commissioner);
    v["share"] = json!(round4(c.share));
    v["basis"] = json!(c.basis.label());
    v["source"] = json!(s.link(c.link).source);
    v
}

/// An arrangement of shared management, for JSON.
pub fn arrangement_json(s: &Snapshot, a: &Arrangement) -> Value {
    json!({
        "id": a.id,
        "kind": a.kind.label(),
        "shares_leadership": a.kind.shares_management(),
        "members": a.members.iter().map(|m| s.org(*m).code.clone()).collect::<Vec<_>>(),
        "from": a.from.to_string(),
        "from_precision": precision_key(a.from_precision),
        "to": (a.to != FOREVER).then(|| a.to.to_string()),
        "to_precision": precision_key(a.to_precision),
        "date_basis": a.date_basis,
        "text": sharing::sentence(s, a),
        "leader": a.leader,
        "source": a.source,
        "evidence": a.evidence,
        "note": a.note,
    })
}

fn precision_key(p: crate::model::format::DatePrecision) -> &'static str {
    use crate::model::format::DatePrecision as P;
    match p {
        P::Day => "day",
        P::Month => "month",
        P::Year => "year",
    }
}

/// The leadership teams of the CCGs alive on `date`, and each CCG's team.
fn teams_on(tl: &Timeline, date: Date) -> (Vec<Team>, HashMap<OrgId, usize>) {
    let s = tl.snapshot();
    let state = tl.state_at(date);
    let teams = sharing::teams(s, date, state.alive(OrgKind::Ccg));
    let mut of = HashMap::new();
    for (i, t) in teams.iter().enumerate() {
        for c in &t.ccgs {
            of.insert(*c, i);
        }
    }
    (teams, of)
}

/// `99P;99Q` for a shared team, empty for a CCG with its own leadership.
fn team_codes(s: &Snapshot, team: Option<&Team>) -> String {
    match team {
        Some(t) if t.shared() => t
            .ccgs
            .iter()
            .map(|c| s.org(*c).code.clone())
            .collect::<Vec<_>>()
            .join(";"),
        _ => String::new(),
    }
}

/// `191 CCGs, of which 127 share leadership: 102 leadership teams`.
pub fn sharing_line(c: &crate::model::Counts) -> String {
    format!(
        "{}, of which {} share leadership: {}",
        plural(c.ccg, "CCG", "CCGs"),
        thousands(c.ccgs_sharing_leadership as u64),
        plural(c.leadership_teams, "leadership team", "leadership teams")
    )
}

/// The tree and counts on `date`.
pub fn write_at(out: &mut dyn Write, tl: &Timeline, date: Date, format: Format) -> Result<()> {
    let s = tl.snapshot();
    let state = tl.state_at(date);
    let counts = state.counts();
    let tree = state.tree();
    let (teams, team_of) = teams_on(tl, date);
    let team = |id: OrgId| team_of.get(&id).map(|i| &teams[*i]);
    match format {
        Format::Json => {
            let systems: Vec<_> = tree
                .systems
                .iter()
                .map(|sys| {
                    let places: Vec<_> = sys
                        .places
                        .iter()
                        .map(|p| {
                            let place = s.org(p.place);
                            let mut v = json!({
                                "code": place.code,
                                "name": place.name,
                                "share_in_system": round4(p.share_in_system),
                                "served_by": p.served_by.iter().map(|c| {
                                    let mut v = served_json(s, c);
                                    let codes = team_codes(s, team(c.commissioner));
                                    if !codes.is_empty() {
                                        v["leadership_team"] = json!(codes.split(';').collect::<Vec<_>>());
                                    }
                                    v
                                }).collect::<Vec<_>>(),
                                "neighbourhoods": p.neighbourhoods.iter().map(|n| served_json(s, n)).collect::<Vec<_>>(),
                            });
                            if place.named_later(date) {
                                v["note"] = json!(place.named_later_note());
                            }
                            v
                        })
                        .collect();
                    let head = match sys.system {
                        Some(id) => org_json(s, id),
                        None => json!({ "code": null, "name": "No system (STPs from April 2017)", "kind": null }),
                    };
                    json!({ "system": head, "places": places })
                })
                .collect();
            let shared: Vec<Value> = sharing::holding_on(s, date)
                .map(|i| arrangement_json(s, &s.arrangements[i]))
                .collect();
            let team_list: Vec<Value> = teams
                .iter()
                .filter(|t| t.shared())
                .map(|t| {
                    json!({
                        "ccgs": t.ccgs.iter().map(|c| s.org(*c).code.clone()).collect::<Vec<_>>(),
                        "arrangements": t.arrangements.iter().map(|i| s.arrangements[*i].id.clone()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let bases: serde_json::Map<String, Value> = Provenance::ALL
                .iter()
                .map(|b| (b.label().to_string(), json!(b.explain())))
                .collect();
            let v = json!({
                "date": date.to_string(),
                "snapshot": s.title,
                "scenario": crate::model::scenario::scenario_of(s),
                "counts": counts,
                "systems": systems,
                "shared_management": shared,
                "shared_leadership_teams": team_list,
                "bases": bases,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "date",
                "system_code",
                "system_name",
                "place_code",
                "place_name",
                "commissioner_kind",
                "commissioner_code",
                "commissioner_name",
                "share_of_place",
                "scenario",
                "basis",
                "source",
                "leadership_team",
                "place_note",
                "ccgs_sharing_leadership",
                "leadership_teams",
            ])?;
            // The day's counts, like the date, on every row.
            let sharing = counts.ccgs_sharing_leadership.to_string();
            let teams_count = counts.leadership_teams.to_string();
            let scenario = crate::model::scenario::scenario_of(s).unwrap_or_default();
            for sys in &tree.systems {
                let (sc, sn) = match sys.system {
                    Some(id) => (s.org(id).code.as_str(), s.org(id).name.as_str()),
                    None => ("", "No system"),
                };
                for p in &sys.places {
                    let place = s.org(p.place);
                    let place_note = if place.named_later(date) {
                        place.named_later_note()
                    } else {
                        String::new()
                    };
                    for c in &p.served_by {
                        let o = s.org(c.commissioner);
                        w.write_record([
                            &date.to_string(),
                            sc,
                            sn,
                            &place.code,
                            &place.name,
                            o.kind.label(),
                            &o.code,
                            &o.name,
                            &format!("{:.4}", c.share),
                            &scenario,
                            c.basis.label(),
                            &s.link(c.link).source,
                            &team_codes(s, team(c.commissioner)),
                            &place_note,
                            &sharing,
                            &teams_count,
                        ])?;
                    }
                }
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        Format::Text => {
            if let Some(sc) = crate::model::scenario::scenario_of(s) {
                writeln!(out, "{sc}")?;
            }
            writeln!(
                out,
                "{}: {}, {}, {}, {}, {}, {}, {}",
                human_date(date),
                plural(counts.ccg, "CCG", "CCGs"),
                plural(counts.system, "system", "systems"),
                plural(counts.icb, "ICB", "ICBs"),
                plural(
                    counts.sub_icb_location,
                    "sub-ICB location",
                    "sub-ICB locations"
                ),
                plural(counts.place, "place", "places"),
                plural(counts.neighbourhood, "neighbourhood", "neighbourhoods"),
                plural(counts.region, "region", "regions"),
            )?;
            if counts.ccg > 0 {
                writeln!(out, "Shared management: {}", sharing_line(&counts))?;
            }
            writeln!(out, "{APPROX_LEGEND}")?;
            for sys in &tree.systems {
                writeln!(out)?;
                match sys.system {
                    Some(id) => writeln!(out, "{}", s.org(id).label())?,
                    None => writeln!(out, "No system (STPs from April 2017)")?,
                }
                for p in &sys.places {
                    let served: Vec<String> = p
                        .served_by
                        .iter()
                        .map(|c| {
                            let o = s.org(c.commissioner);
                            let mark = if approx_share(c.basis, c.share) {
                                APPROX
                            } else {
                                ""
                            };
                            let mut t = if c.share < FULL_SHARE {
                                format!("{} {mark}{:.1}%", o.label(), c.share * 100.0)
                            } else {
                                format!("{mark}{}", o.label())
                            };
                            if let Some(tm) = team(c.commissioner).filter(|t| t.shared()) {
                                t.push_str(&format!(
                                    " [leadership shared with {}]",
                                    tm.ccgs
                                        .iter()
                                        .filter(|x| **x != c.commissioner)
                                        .map(|x| s.org(*x).code.clone())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ));
                            }
                            t
                        })
                        .collect();
                    let place = s.org(p.place);
                    let note = if place.named_later(date) {
                        format!(" ({})", place.named_later_note())
                    } else {
                        String::new()
                    };
                    writeln!(out, "  {}{note}: {}", place.label(), served.join(", "))?;
                    for n in &p.neighbourhoods {
                        let mark = if approx_share(n.basis, n.share) {
                            APPROX
                        } else {
                            ""
                        };
                        writeln!(out, "    {mark}{}", s.org(n.commissioner).label())?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Pounds in millions with one decimal: `25.7`.
fn gbp_m(x: f64) -> String {
    format!("{:.1}", x / 1e6)
}

/// One year of a footprint's costs as JSON, every column with its basis.
fn year_json(r: &crate::model::costs::YearCost) -> Value {
    json!({
        "year": r.year,
        "start_year": r.start_year,
        "ccgs": r.ccgs,
        "allowance_gbp": r.allowance_gbp,
        "allowance_basis": r.allowance_basis.label(),
        "baseline_gbp": r.baseline_gbp,
        "baseline_basis": r.baseline_basis.label(),
        "target_gbp": r.target_gbp,
        "target_basis": r.target_basis.label(),
        "structural_saving_gbp": r.structural_saving_gbp,
        "structural_saving_basis": r.structural_saving_basis.label(),
        "modelled_cost_gbp": r.modelled_cost_gbp,
        "modelled_cost_basis": r.modelled_cost_basis.label(),
        "saving_share": r.saving_share,
        "saving_share_basis": r.structural_saving_basis.label(),
        "gap_gbp": r.gap_gbp,
        "gap_basis": r.gap_basis.label(),
        "national_total": r.national_total_gbp.map(|g| json!({
            "gbp": g,
            "basis": r.national_total_basis.map(Provenance::label),
            "source": r.national_total_source,
        })),
    })
}

/// A footprint's running costs by financial year.
pub fn write_costs(
    out: &mut dyn Write,
    model: &crate::model::costs::CostModel,
    fp: &crate::model::costs::Footprint,
    format: Format,
) -> Result<()> {
    let rows = model.series(fp);
    let reported = model.reported(fp);
    match format {
        Format::Json => {
            let v = json!({
                "footprint": fp.name,
                "scenario": model.scenario,
                "baseline_year": model.baseline_year.to_string(),
                "target_year": model.target_year.to_string(),
                "cut": model.cut,
                "parameters": model.params,
                "note": "every column has its basis: published (stated by the source), derived, estimated, modelled (the cost model in assets/FORMAT.md) or reported; national_total is England's total as the snapshot gives it",
                "years": rows.iter().map(year_json).collect::<Vec<_>>(),
                "reported": reported.iter().map(|f| json!({
                    "orgs": f.orgs,
                    "period": f.period,
                    "metric": f.metric,
                    "gbp": f.gbp,
                    "basis": f.basis.label(),
                    "source": f.source,
                    "source_title": f.source_title,
                    "note": f.note,
                })).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "footprint",
                "financial_year",
                "ccgs",
                "allowance_gbp",
                "allowance_basis",
                "baseline_gbp",
                "baseline_basis",
                "target_gbp",
                "target_basis",
                "structural_saving_gbp",
                "structural_saving_basis",
                "modelled_cost_gbp",
                "modelled_cost_basis",
                "saving_share",
                "saving_share_basis",
                "gap_gbp",
                "gap_basis",
                "national_total_gbp",
                "national_total_basis",
                "national_total_source",
            ])?;
            for r in &rows {
                w.write_record([
                    fp.name.clone(),
                    r.year.clone(),
                    r.ccgs.to_string(),
                    format!("{:.0}", r.allowance_gbp),
                    r.allowance_basis.label().to_string(),
                    format!("{:.0}", r.baseline_gbp),
                    r.baseline_basis.label().to_string(),
                    format!("{:.0}", r.target_gbp),
                    r.target_basis.label().to_string(),
                    format!("{:.0}", r.structural_saving_gbp),
                    r.structural_saving_basis.label().to_string(),
                    format!("{:.0}", r.modelled_cost_gbp),
                    r.modelled_cost_basis.label().to_string(),
                    format!("{:.4}", r.saving_share),
                    r.structural_saving_basis.label().to_string(),
                    format!("{:.0}", r.gap_gbp),
                    r.gap_basis.label().to_string(),
                    r.national_total_gbp
                        .map(|g| format!("{g:.0}"))
                        .unwrap_or_default(),
                    r.national_total_basis
                        .map(|b| b.label().to_string())
                        .unwrap_or_default(),
                    r.national_total_source.clone().unwrap_or_default(),
                ])?;
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        Format::Text => {
            let base = rows.first().map(|r| r.baseline_gbp).unwrap_or(0.0);
            if let Some(sc) = &model.scenario {
                writeln!(out, "{sc}")?;
            }
            writeln!(
                out,
                "Running costs: {} (a CCG's footprint includes the CCGs it merged with)",
                fp.name
            )?;
            writeln!(
                out,
                "Baseline ({} allowance): £{}m; target by {}: £{}m ({:.0}% cut). GBP m; * = modelled allowance; savings are always modelled.",
                model.baseline_year,
                gbp_m(base),
                model.target_year,
                gbp_m(base * (1.0 - model.cut)),
                model.cut * 100.0
            )?;
            let england = fp.org.is_none();
            let national_head = if england { "national" } else { "" };
            writeln!(
                out,
                "{:<8} {:>5} {:>12} {:>12} {:>12} {:>8} {:>10} {:>16}",
                "year",
                "CCGs",
                "allowance",
                "structural",
                "baseline less",
                "saving",
                "gap to",
                national_head
            )?;
            writeln!(
                out,
                "{:<8} {:>5} {:>12} {:>12} {:>12} {:>8} {:>10} {:>16}",
                "",
                "",
                "",
                "savings",
                "savings",
                "",
                "target",
                if england { "total (basis)" } else { "" }
            )?;
            for r in &rows {
                let mark = if r.allowance_basis == Provenance::Published {
                    ""
                } else {
                    "*"
                };
                let before = r.start_year < model.baseline_year.0;
                let national = match (r.national_total_gbp, r.national_total_basis) {
                    (Some(g), Some(b)) => format!("{} ({})", gbp_m(g), b.label()),
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "{:<8} {:>5} {:>12} {:>12} {:>12} {:>7.1}% {:>10} {:>16}",
                    r.year,
                    r.ccgs,
                    format!("{}{mark}", gbp_m(r.allowance_gbp)),
                    gbp_m(r.structural_saving_gbp),
                    if before {
                        "-".to_string()
                    } else {
                        gbp_m(r.modelled_cost_gbp)
                    },
                    r.saving_share * 100.0,
                    if before {
                        "-".to_string()
                    } else {
                        gbp_m(r.gap_gbp)
                    },
                    national
                )?;
            }
            for f in &reported {
                let amount = f
                    .gbp
                    .map(|g| format!("£{}m ", gbp_m(g)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "Reported ({}): {amount}{} for {}, {}. Source {}: {}",
                    f.period,
                    f.metric.replace('_', " "),
                    f.orgs.join(", "),
                    f.note,
                    f.source,
                    f.source_title
                )?;
            }
            if !reported.is_empty() {
                writeln!(
                    out,
                    "The model and a reported figure can differ: see \"Reported figures and the model\" in assets/FORMAT.md."
                )?;
            }
        }
    }
    Ok(())
}

fn step_text(s: &Snapshot, step: &LineageStep) -> String {
    let names: Vec<String> = step.from.iter().map(|f| s.org(*f).label()).collect();
    let to = s.org(step.to).label();
    match step.kind {
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
                    "to": s.org(st.to).code,
                    "to_name": s.org(st.to).name,
                    "sub_icb_location": st.sub_icb.map(|x| s.org(x).code.clone()),
                    "date_basis": ev.date_basis,
                    "source": ev.source,
                })
            })
            .collect();
        let shared: Vec<_> = lineage
            .arrangements
            .iter()
            .map(|i| {
                let a = &s.arrangements[*i];
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
        let v = json!({
            "code": o.code,
            "name": o.name,
            "kind": o.kind.label(),
            "from": o.from.to_string(),
            "to": (o.to != FOREVER).then(|| o.to.to_string()),
            "scenario": crate::model::scenario::scenario_of(s),
            "steps": steps,
            "shared_management": shared,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    let life = if o.to == FOREVER {
        format!("from {}", human_date(o.from))
    } else {
        format!("{} to {}", human_date(o.from), human_date(o.to))
    };
    if let Some(sc) = crate::model::scenario::scenario_of(s) {
        writeln!(out, "{sc}")?;
    }
    writeln!(out, "{} — {}, {life}", o.label(), o.kind.label())?;
    if lineage.steps.is_empty() && lineage.arrangements.is_empty() {
        writeln!(out, "  no mergers, abolitions or shared management")?;
    }
    // Mergers and shared management in one list, by date.
    let mut lines: Vec<(Date, String)> = lineage
        .steps
        .iter()
        .map(|st| (st.date, step_text(s, st)))
        .collect();
    for i in &lineage.arrangements {
        let a = &s.arrangements[*i];
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
            format!("{} shared management: {text} [{}]", a.from, a.id),
        ));
    }
    lines.sort_by_key(|(d, _)| *d);
    for (_, l) in lines {
        writeln!(out, "  {l}")?;
    }
    Ok(())
}

/// The changes between two dates.
pub fn write_compare(
    out: &mut dyn Write,
    tl: &Timeline,
    a: Date,
    b: Date,
    format: Format,
) -> Result<()> {
    use crate::model::compare::{ChangeKind, compare};
    let s = tl.snapshot();
    let c = compare(tl, a, b);
    let code = |id: OrgId| s.org(id).code.clone();
    if format == Format::Json {
        let changes: Vec<_> = c
            .changes
            .iter()
            .map(|ch| {
                let mut v = json!({
                    "kind": ch.kind.key(),
                    "date": ch.date.to_string(),
                    "from": ch.from.iter().map(|f| code(*f)).collect::<Vec<_>>(),
                    "to": code(ch.to),
                    "to_name": s.org(ch.to).name,
                    "into": ch.into.map(code),
                    "left": ch.left.map(code),
                    "note": ch.note,
                    "text": ch.describe(s),
                });
                if let Some(i) = ch.arrangement {
                    v["arrangement"] = arrangement_json(s, &s.arrangements[i]);
                }
                v
            })
            .collect();
        let v = json!({
            "a": c.a.to_string(),
            "b": c.b.to_string(),
            "swapped": c.swapped,
            "scenario": crate::model::scenario::scenario_of(s),
            "counts": { "a": c.counts_a, "b": c.counts_b },
            "summary": c.summary(),
            "mergers": c.mergers,
            "new_ccgs": c.new_ccgs.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "formed_from": c.formed_from.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "changes": changes,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    if let Some(sc) = crate::model::scenario::scenario_of(s) {
        writeln!(out, "{sc}")?;
    }
    writeln!(
        out,
        "{} compared with {}{}",
        human_date(c.a),
        human_date(c.b),
        if c.swapped {
            " (dates put in order)"
        } else {
            ""
        }
    )?;
    writeln!(
        out,
        "  {:<34}{:>12}{:>12}{:>9}",
        "",
        c.a.to_string(),
        c.b.to_string(),
        "change"
    )?;
    for (what, x, y) in c.count_rows() {
        let d = y as i64 - x as i64;
        let d = if d == 0 {
            "0".to_string()
        } else {
            let sign = if d > 0 { '+' } else { '-' };
            format!("{sign}{}", thousands(d.unsigned_abs()))
        };
        writeln!(
            out,
            "  {what:<34}{:>12}{:>12}{d:>9}",
            thousands(x as u64),
            thousands(y as u64)
        )?;
    }
    writeln!(out, "{}", c.summary())?;
    for kind in ChangeKind::ALL {
        let items: Vec<_> = c.of(kind).collect();
        if items.is_empty() {
            continue;
        }
        writeln!(out, "\n{} ({})", kind.heading(), items.len())?;
        for ch in items {
            writeln!(out, "  {}  {}", ch.date, ch.describe(s))?;
        }
    }
    Ok(())
}
