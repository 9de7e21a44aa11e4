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
fn served_json(s: &Snapshot, c: &Served, date: Date) -> Value {
    let mut v = org_json(s, c.commissioner);
    // Its name that day (a sub-ICB location renamed with its new ICB in 2026).
    let o = s.org(c.commissioner);
    v["name"] = json!(o.name_on(date));
    if let Some(b) = o.name_basis_on(date).filter(|b| !b.is_published()) {
        v["name_basis"] = json!(b.label());
    }
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
        "member_kind": a.member_kind.label(),
        "members": a.members.iter().map(|m| s.org(*m).code.clone()).collect::<Vec<_>>(),
        "part_members": a.part_members.iter().map(|m| s.org(*m).code.clone()).collect::<Vec<_>>(),
        "basis": a.basis.map(Provenance::label),
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

/// The leadership teams of the CCGs (and ICBs) alive on `date`, and each body's team:
/// a sub-ICB location's is its ICB's.
fn teams_on(tl: &Timeline, date: Date) -> (Vec<Team>, HashMap<OrgId, usize>) {
    let s = tl.snapshot();
    let state = tl.state_at(date);
    let teams = sharing::teams(
        s,
        date,
        state.alive(OrgKind::Ccg).chain(state.alive(OrgKind::Icb)),
    );
    let mut of = HashMap::new();
    for (i, t) in teams.iter().enumerate() {
        for c in &t.ccgs {
            of.insert(*c, i);
        }
    }
    for l in state.links(crate::model::LinkKind::SubIcbIcb) {
        let l = s.link(l);
        if let Some(i) = of.get(&l.b).copied() {
            of.insert(l.a, i);
        }
    }
    (teams, of)
}

/// The ICB a sub-ICB location is in on `date`, and how that is known.
fn icb_of(s: &Snapshot, sub: OrgId, date: Date) -> Option<(OrgId, Provenance)> {
    s.links_of(sub).find_map(|(_, l)| {
        (l.kind == crate::model::LinkKind::SubIcbIcb && l.a == sub && l.holds_on(date))
            .then_some((l.b, l.basis))
    })
}

/// The ONS code of `id` on `date` with its basis, for JSON.
fn ons_json(s: &Snapshot, id: OrgId, date: Date) -> Value {
    match s.org(id).ons_on(date) {
        Some((code, basis)) => json!({ "code": code, "basis": basis.label() }),
        None => Value::Null,
    }
}

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

/// `42 ICBs, of which 30 share leadership: 26 leadership teams`.
pub fn icb_sharing_line(c: &crate::model::Counts) -> String {
    format!(
        "{}, of which {} share leadership: {}",
        plural(c.icb, "ICB", "ICBs"),
        thousands(c.icbs_sharing_leadership as u64),
        plural(c.leadership_teams, "leadership team", "leadership teams")
    )
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
                                    let mut v = served_json(s, c, date);
                                    let codes = team_codes(s, team(c.commissioner));
                                    if !codes.is_empty() {
                                        v["leadership_team"] = json!(codes.split(';').collect::<Vec<_>>());
                                    }
                                    if let Some((icb, basis)) = icb_of(s, c.commissioner, date) {
                                        v["icb"] = json!(s.org(icb).code);
                                        v["icb_basis"] = json!(basis.label());
                                    }
                                    if !s.org(c.commissioner).ons_codes.is_empty() {
                                        v["ons"] = ons_json(s, c.commissioner, date);
                                    }
                                    v
                                }).collect::<Vec<_>>(),
                                "neighbourhoods": p.neighbourhoods.iter().map(|n| served_json(s, n, date)).collect::<Vec<_>>(),
                            });
                            if place.named_later(date) {
                                v["note"] = json!(place.named_later_note());
                            }
                            v
                        })
                        .collect();
                    let head = match sys.system {
                        Some(id) => {
                            let mut v = org_json(s, id);
                            v["ons"] = ons_json(s, id, date);
                            v
                        }
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
                    let codes: Vec<String> = t.ccgs.iter().map(|c| s.org(*c).code.clone()).collect();
                    let icbs = t.ccgs.iter().any(|c| s.org(*c).kind == OrgKind::Icb);
                    let mut v = json!({
                        "arrangements": t.arrangements.iter().map(|i| s.arrangements[*i].id.clone()).collect::<Vec<_>>(),
                    });
                    v[if icbs { "icbs" } else { "ccgs" }] = json!(codes);
                    if t.partly {
                        v["part_members"] = json!(t
                            .arrangements
                            .iter()
                            .flat_map(|i| s.arrangements[*i].part_members.iter().map(|m| s.org(*m).code.clone()))
                            .collect::<Vec<_>>());
                    }
                    v
                })
                .collect();
            let bases: serde_json::Map<String, Value> = Provenance::ALL
                .iter()
                .map(|b| (b.label().to_string(), json!(b.explain())))
                .collect();
            let v = json!({
                "date": date.to_string(),
                "snapshot": s.title,
                "as_at": s.as_at.map(|d| d.to_string()),
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
                // Added for the ICB era, after the older columns so that readers by
                // position keep working.
                "commissioner_ons_code",
                "commissioner_ons_basis",
                "icb",
                "icb_basis",
                "icbs_sharing_leadership",
            ])?;
            // The day's counts, like the date, on every row.
            let sharing = counts.ccgs_sharing_leadership.to_string();
            let icb_sharing = counts.icbs_sharing_leadership.to_string();
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
                        let ons = o.ons_on(date);
                        let icb = icb_of(s, c.commissioner, date);
                        w.write_record([
                            &date.to_string(),
                            sc,
                            sn,
                            &place.code,
                            &place.name,
                            o.kind.label(),
                            &o.code,
                            o.name_on(date),
                            &format!("{:.4}", c.share),
                            &scenario,
                            c.basis.label(),
                            &s.link(c.link).source,
                            &team_codes(s, team(c.commissioner)),
                            &place_note,
                            &sharing,
                            &teams_count,
                            ons.map(|x| x.0).unwrap_or(""),
                            ons.map(|x| x.1.label()).unwrap_or(""),
                            icb.map(|x| s.org(x.0).code.as_str()).unwrap_or(""),
                            icb.map(|x| x.1.label()).unwrap_or(""),
                            &icb_sharing,
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
            if counts.icb > 0 {
                writeln!(out, "Shared leadership: {}", icb_sharing_line(&counts))?;
            }
            if let Some(a) = s.as_at
                && date > a
            {
                writeln!(
                    out,
                    "The record runs to {} (its sources were last checked then): nothing later is known.",
                    human_date(a)
                )?;
            }
            writeln!(out, "{APPROX_LEGEND}")?;
            for sys in &tree.systems {
                writeln!(out)?;
                match sys.system {
                    Some(id) => {
                        let o = s.org(id);
                        // An ONS code not confirmed says so.
                        let ons = match o.ons_on(date) {
                            Some((code, basis))
                                if !basis.is_published() && !o.ons_codes.is_empty() =>
                            {
                                format!(" [ONS {code}, {APPROX}{}]", basis.label())
                            }
                            _ => String::new(),
                        };
                        writeln!(out, "{}{ons}", o.label())?
                    }
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
                            let name_mark = match o.name_basis_on(date) {
                                Some(b) if !b.is_published() => APPROX,
                                _ => "",
                            };
                            let label = format!("{name_mark}{}", o.label_on(date));
                            let mut t = if c.share < FULL_SHARE {
                                format!("{label} {mark}{:.1}%", c.share * 100.0)
                            } else {
                                format!("{mark}{label}")
                            };
                            let own_icb = icb_of(s, c.commissioner, date).map(|x| x.0);
                            if let Some(tm) = team(c.commissioner).filter(|t| t.shared()) {
                                let others: Vec<String> = tm
                                    .ccgs
                                    .iter()
                                    .filter(|x| **x != c.commissioner && Some(**x) != own_icb)
                                    .map(|x| s.org(*x).code.clone())
                                    .collect();
                                if !others.is_empty() {
                                    t.push_str(&format!(
                                        " [leadership shared with {}]",
                                        others.join(", ")
                                    ));
                                }
                            }
                            if let Some((_, basis)) =
                                icb_of(s, c.commissioner, date).filter(|(_, b)| !b.is_published())
                            {
                                t.push_str(&format!(" [ICB membership {APPROX}{}]", basis.label()));
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
                "Running costs: {} (CCGs, 2013 to 2022; a CCG's footprint includes the CCGs it merged with; the ICB era's are apart: costs --era icb)",
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

/// `£15.5m`, or `-` for no figure.
fn gbp_or_dash(x: Option<f64>) -> String {
    x.map(|g| format!("£{}m", gbp_m(g)))
        .unwrap_or_else(|| "-".to_string())
}

/// A footprint's running costs in the ICB era by financial year, the rules and what
/// is not known, every figure with its basis. Never mixed with the CCG era's.
pub fn write_icb_costs(
    out: &mut dyn Write,
    tl: &Timeline,
    model: &crate::model::icb_costs::IcbCostModel,
    fp: &crate::model::icb_costs::IcbFootprint,
    format: Format,
) -> Result<()> {
    let rows = model.series(tl, fp);
    let rules = model.rules(&rows);
    let others = model.other_figures(fp);
    let gaps = model.gaps(fp);
    let basis = |b: Option<Provenance>| b.map(Provenance::label).unwrap_or("");
    match format {
        Format::Json => {
            let v = json!({
                "era": "icb",
                "footprint": fp.name,
                "describe": fp.describe,
                "scenario": model.scenario,
                "parts": fp.parts,
                "note": "ICB running costs (from July 2022), never mixed with the CCG era's: published (draft) allowances are added up only when every body of the footprint has one; envelope_gbp and half_gbp are modelled; the envelope covers running costs and programme pay, so it is not comparable with the allowance",
                "population_growth_per_year": model.growth,
                "years": rows,
                "targets": rules.iter().map(|r| json!({
                    "id": r.target.id,
                    "name": r.target.name,
                    "cut": r.target.cut,
                    "gbp_per_head": r.target.gbp_per_head,
                    "scope": r.target.scope,
                    "baseline_year": r.target.baseline_year.map(|y| y.to_string()),
                    "baseline_basis": r.target.baseline_basis.map(Provenance::label),
                    "target_year": r.target.target_year.to_string(),
                    "deadline": r.target.deadline,
                    "basis": r.target.basis.label(),
                    "source": r.target.source,
                    "comparable_with_allowance": r.target.comparable_with_allowance,
                    "caveat": r.target.caveat,
                    "note": r.target.note,
                    "levels": r.levels.iter().map(|(y, g)| json!({
                        "year": crate::model::FinancialYear(*y).to_string(),
                        "gbp": g,
                        "basis": r.level_basis.map(Provenance::label),
                    })).collect::<Vec<_>>(),
                    "no_level": r.no_level,
                })).collect::<Vec<_>>(),
                "figures": others.iter().map(|f| json!({
                    "orgs": f.orgs,
                    "period": f.period,
                    "metric": f.metric,
                    "gbp": f.gbp,
                    "gbp_per_head": f.gbp_per_head,
                    "basis": f.basis.label(),
                    "source": f.source,
                    "note": f.note,
                })).collect::<Vec<_>>(),
                "not_found": gaps.iter().map(|g| json!({
                    "orgs": g.orgs,
                    "period": g.period,
                    "what": g.what,
                    "status": g.status,
                    "source": g.source,
                    "note": g.note,
                })).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "footprint",
                "financial_year",
                "icbs",
                "allowance_gbp",
                "allowance_basis",
                "allowance_missing",
                "population",
                "population_basis",
                "envelope_gbp",
                "envelope_basis",
                "envelope_comparable_with_allowance",
                "half_of_2024_25_allowance_gbp",
                "half_basis",
                "note",
                "allowance_parts",
            ])?;
            let comparable = model
                .targets
                .iter()
                .find(|t| t.gbp_per_head.is_some())
                .map(|t| t.comparable_with_allowance.to_string())
                .unwrap_or_default();
            let num = |x: Option<f64>| x.map(|g| format!("{g:.0}")).unwrap_or_default();
            for r in &rows {
                w.write_record([
                    fp.name.clone(),
                    r.year.clone(),
                    r.icbs.to_string(),
                    num(r.allowance_gbp),
                    basis(r.allowance_basis).to_string(),
                    r.missing.join(";"),
                    num(r.population),
                    basis(r.population_basis).to_string(),
                    num(r.envelope_gbp),
                    basis(r.envelope_basis).to_string(),
                    if r.envelope_gbp.is_some() {
                        comparable.clone()
                    } else {
                        String::new()
                    },
                    num(r.half_gbp),
                    basis(r.half_basis).to_string(),
                    r.gap.clone(),
                    // Each body's own figure: code, GBP, the share in the footprint, basis.
                    r.allowance_parts
                        .iter()
                        .map(|p| {
                            format!(
                                "{} {:.0} x{:.4} {}",
                                p.code,
                                p.gbp,
                                p.weight,
                                p.basis.label()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ])?;
            }
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        Format::Text => {
            if let Some(sc) = &model.scenario {
                writeln!(out, "{sc}")?;
            }
            writeln!(
                out,
                "ICB running costs: {} (from July 2022; the CCG era's are apart: costs --era ccg)",
                fp.name
            )?;
            writeln!(out, "Footprint: {}", fp.describe)?;
            for p in fp
                .parts
                .iter()
                .filter(|p| p.weight < 1.0 || fp.parts.len() <= 12)
            {
                let mark = if p.basis.is_published() {
                    String::new()
                } else {
                    format!(" ({APPROX}{})", p.basis.label())
                };
                writeln!(
                    out,
                    "  {} {:.1}%{mark}: {}",
                    s_label(tl, p.icb),
                    p.weight * 100.0,
                    p.why
                )?;
            }
            writeln!(
                out,
                "GBP m. allowance: published (draft) figures added up only when every ICB has one; envelope and 50% level are modelled (*)."
            )?;
            writeln!(
                out,
                "{:<8} {:>5} {:>18} {:>12} {:>14} {:>14}",
                "year", "ICBs", "allowance", "population", "envelope*", "50% level*"
            )?;
            for r in &rows {
                let allowance = match (r.allowance_gbp, r.allowance_basis) {
                    (Some(g), Some(b)) => format!("{} ({})", gbp_m(g), b.label()),
                    _ => "-".to_string(),
                };
                writeln!(
                    out,
                    "{:<8} {:>5} {:>18} {:>12} {:>14} {:>14}",
                    r.year,
                    r.icbs,
                    allowance,
                    r.population
                        .map(|p| thousands(p.round() as u64))
                        .unwrap_or_else(|| "-".to_string()),
                    gbp_or_dash(r.envelope_gbp),
                    gbp_or_dash(r.half_gbp),
                )?;
                for p in &r.allowance_parts {
                    writeln!(
                        out,
                        "           {} £{}m{} ({}; {}){}",
                        p.code,
                        gbp_m(p.gbp),
                        if p.weight < 1.0 {
                            format!(" × {:.1}%", p.weight * 100.0)
                        } else {
                            String::new()
                        },
                        p.basis.label(),
                        p.source,
                        if p.note.starts_with("draft") {
                            " draft"
                        } else {
                            ""
                        }
                    )?;
                }
                if !r.missing.is_empty() && !r.allowance_parts.is_empty() {
                    writeln!(out, "           no figure for {}", r.missing.join(", "))?;
                }
                if !r.gap.is_empty() && r.allowance_parts.is_empty() {
                    writeln!(out, "           {}", r.gap)?;
                }
            }
            writeln!(out, "Rules:")?;
            for r in &rules {
                let t = &r.target;
                writeln!(
                    out,
                    "  {} ({}; source {}): {}; baseline {}{}; {}.",
                    t.name,
                    t.basis.label(),
                    t.source,
                    t.scope,
                    t.baseline_year
                        .map(|y| y.to_string())
                        .unwrap_or_else(|| "none".to_string()),
                    match t.baseline_basis {
                        Some(b) if !b.is_published() => format!(" ({APPROX}{})", b.label()),
                        _ => String::new(),
                    },
                    t.deadline
                )?;
                if r.levels.is_empty() {
                    writeln!(out, "    {}", r.no_level)?;
                }
                if !t.caveat.is_empty() {
                    writeln!(out, "    Caveat: {}", t.caveat)?;
                }
            }
            for f in &others {
                let amount = match (f.gbp, f.gbp_per_head) {
                    (Some(g), _) => format!("£{}m ", gbp_m(g)),
                    (_, Some(h)) => format!("£{h:.2} a head "),
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "{} ({}): {amount}{} for {}; {}. Source {}",
                    capitalise_first(f.basis.label()),
                    f.period,
                    f.metric,
                    if f.orgs.is_empty() {
                        "England".to_string()
                    } else {
                        f.orgs.join(", ")
                    },
                    f.note,
                    f.source
                )?;
            }
            for g in &gaps {
                writeln!(
                    out,
                    "Not in the record ({}): {}, {}{}",
                    g.period,
                    g.what,
                    g.status,
                    if g.source.is_empty() {
                        String::new()
                    } else {
                        format!(" (source {})", g.source)
                    }
                )?;
            }
        }
    }
    Ok(())
}

fn s_label(tl: &Timeline, id: OrgId) -> String {
    tl.snapshot().org(id).label()
}

fn capitalise_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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
            "scenario": crate::model::scenario::scenario_of(s),
            "steps": steps,
            "sub_icb_location_icbs": parents,
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
        .map(|st| (st.date, step_text(tl, st)))
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
                    "to_name": s.org(ch.to).name_on(ch.date),
                    "to_kind": s.org(ch.to).kind.label(),
                    "into": ch.into.map(code),
                    "left": ch.left.map(code),
                    "note": ch.note,
                    "basis": ch.basis.map(Provenance::label),
                    "text": ch.describe(s),
                });
                if !ch.parts.is_empty() {
                    v["parts"] = json!(
                        ch.parts
                            .iter()
                            .map(|(f, share)| json!({ "from": code(*f), "share": share }))
                            .collect::<Vec<_>>()
                    );
                }
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
            "icb_mergers": c.new_icbs.len(),
            "new_icbs": c.new_icbs.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "icbs_formed_from": c.icbs_formed_from.iter().map(|x| code(*x)).collect::<Vec<_>>(),
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
