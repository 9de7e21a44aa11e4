//! The record on a date (`at`): the tree, the counts and shared leadership, as text, JSON and CSV.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use super::{APPROX_LEGEND, Format, arrangement_json, write_csv, write_json, write_title};
use crate::model::scenario::scenario_of;
use crate::model::sharing::{self, Team};
use crate::model::timeline::Served;
use crate::model::{
    APPROX, Date, FULL_SHARE, OrgId, OrgKind, Provenance, Snapshot, Timeline, approx_share,
    human_date, plural, thousands,
};

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
    leadership_line(plural(c.icb, "ICB", "ICBs"), c.icbs_sharing_leadership, c)
}

/// `191 CCGs, of which 127 share leadership: 102 leadership teams`.
pub fn sharing_line(c: &crate::model::Counts) -> String {
    leadership_line(plural(c.ccg, "CCG", "CCGs"), c.ccgs_sharing_leadership, c)
}

/// `{bodies}, of which {sharing} share leadership: {teams}`.
fn leadership_line(bodies: String, sharing: usize, c: &crate::model::Counts) -> String {
    format!(
        "{bodies}, of which {} share leadership: {}",
        thousands(sharing as u64),
        plural(c.leadership_teams, "leadership team", "leadership teams")
    )
}

/// The columns of `at --format csv`.
const AT_COLUMNS: [&str; 21] = [
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
];

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
                "scenario": scenario_of(s),
                "counts": counts,
                "systems": systems,
                "shared_management": shared,
                "shared_leadership_teams": team_list,
                "bases": bases,
            });
            write_json(out, &v)?;
        }
        Format::Csv => write_csv(out, AT_COLUMNS, |w| {
            // The day's counts, like the date, on every row.
            let sharing = counts.ccgs_sharing_leadership.to_string();
            let icb_sharing = counts.icbs_sharing_leadership.to_string();
            let teams_count = counts.leadership_teams.to_string();
            let scenario = scenario_of(s).unwrap_or_default();
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
            Ok(())
        })?,
        Format::Text => {
            let title = format!(
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
            );
            write_title(out, scenario_of(s).as_deref(), &title)?;
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
