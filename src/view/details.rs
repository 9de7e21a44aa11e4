//! The details panel's model: an organisation's lineage, links and shared management.

use std::collections::HashSet;

use super::text::{capitalise, life_text, population_text, share_text, source_text};
use super::tree::{icb_of_system, system_of};
use crate::model::format::EventKind;
use crate::model::snapshot::LinkKind;
use crate::model::{
    APPROX, Date, FULL_SHARE, OrgId, OrgKind, Snapshot, Timeline, approx_share, human_date, sharing,
};

/// A link to an organisation, for the details panel.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgLink {
    /// The organisation.
    pub org: OrgId,
    /// Its label.
    pub label: String,
    /// Extra text after the link (a share, a date).
    pub note: String,
}

/// One step of a lineage, for the details panel: a merger, an abolition, or shared
/// management of the organisation or a predecessor.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageLine {
    /// The event's (or arrangement's) id.
    pub event: String,
    /// Whether the event is a scenario's.
    pub scenario: bool,
    /// Whether it is a merger.
    pub merger: bool,
    /// The day.
    pub date: Date,
    /// `merger`, `abolished into ICB`, `shared accountable officer`.
    pub what: String,
    /// The organisations before (for shared management: its CCGs).
    pub from: Vec<OrgLink>,
    /// The organisation after (for shared management: what they then merged into).
    pub to: Option<OrgLink>,
    /// For shared management: when, as precisely as known.
    pub span: String,
}

/// One arrangement of shared management, for the details panel.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedLine {
    /// Its id (`SM035`).
    pub id: String,
    /// `Shared accountable officer`.
    pub kind: String,
    /// Whether it shares leadership (a joint committee does not).
    pub shares_leadership: bool,
    /// Whether it holds on the date shown.
    pub in_force: bool,
    /// The other CCGs (for a system, all of them).
    pub partners: Vec<OrgLink>,
    /// `from April 2017 (month only) to 31 Mar 2020`.
    pub span: String,
    /// The leader as the source calls them.
    pub leader: String,
    /// Source key and title.
    pub source: String,
    /// Page addresses.
    pub evidence: String,
    /// Caveats.
    pub note: String,
    /// The merger that ended it by joining its CCGs, if any: `then merged on 1 Apr 2019`.
    pub then_merged: Option<(Date, OrgLink)>,
}

/// Everything the details panel shows about one organisation on one date.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    /// The organisation.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// Its kind (shown by its label).
    pub kind: OrgKind,
    /// ODS (or ONS) code.
    pub code: String,
    /// ONS code, if any and different.
    pub ons: Option<String>,
    /// Life as text.
    pub life: String,
    /// First day.
    pub from: Date,
    /// Last day, or FOREVER.
    pub to: Date,
    /// Whether it exists on the date shown.
    pub alive: bool,
    /// Population with its date and basis.
    pub population: Option<String>,
    /// Population source key and title.
    pub population_source: Option<String>,
    /// Organisations it came from (all generations).
    pub predecessors: Vec<OrgLink>,
    /// Organisations it became.
    pub successors: Vec<OrgLink>,
    /// Mergers, abolitions and shared management, in date order.
    pub lineage: Vec<LineageLine>,
    /// Shared management: a CCG's own arrangements (a sub-ICB location's CCG's), or for a
    /// system those of its CCGs on the date; in force first.
    pub shared: Vec<SharedLine>,
    /// What it belongs to on the date (system, region, ICB).
    pub belongs_to: Vec<OrgLink>,
    /// Its members on the date (CCGs of a system, neighbourhoods of a CCG...).
    pub members: Vec<OrgLink>,
    /// The heading for `members`.
    pub members_heading: String,
    /// Places it serves (or, for a place, who serves it) on the date.
    pub places: Vec<OrgLink>,
    /// The heading for `places`.
    pub places_heading: String,
    /// Notes from the file.
    pub note: String,
}

/// A link labelled with the name the organisation had on `date`.
fn link_on(s: &Snapshot, id: OrgId, date: Date, note: impl Into<String>) -> OrgLink {
    OrgLink {
        org: id,
        label: s.org(id).label_on(date),
        note: note.into(),
    }
}

fn link(s: &Snapshot, id: OrgId, note: impl Into<String>) -> OrgLink {
    OrgLink {
        org: id,
        label: s.org(id).label(),
        note: note.into(),
    }
}

/// The details of `org` on `date`.
pub fn details(tl: &Timeline, org: OrgId, date: Date) -> Details {
    let s = tl.snapshot();
    let o = s.org(org);
    let lineage = tl.lineage(org);
    // The CCG this organisation continues (a sub-ICB location continues its CCG).
    let me = match o.kind {
        OrgKind::SubIcb => s.find(OrgKind::Ccg, &o.code).unwrap_or(org),
        _ => org,
    };
    let mut predecessors: Vec<OrgLink> = Vec::new();
    let mut successors: Vec<OrgLink> = Vec::new();
    let mut lines = Vec::new();
    // Walk back from `me`: every step whose result is `me` or one of its predecessors.
    let mut ancestors: HashSet<OrgId> = HashSet::from([me]);
    for st in lineage.steps.iter().rev() {
        let into_me = st.kind == EventKind::AbolishIntoIcb && st.to == me;
        let merged = matches!(st.kind, EventKind::Merge | EventKind::Split);
        if (merged && ancestors.contains(&st.to)) || into_me {
            for f in &st.from {
                if ancestors.insert(*f) {
                    predecessors.push(link(s, *f, format!("until {}", human_date(s.org(*f).to))));
                }
            }
        }
    }
    let mut descendants: HashSet<OrgId> = HashSet::from([me]);
    for st in &lineage.steps {
        if st.from.iter().any(|f| descendants.contains(f)) {
            let note = format!("from {}", human_date(st.date));
            match st.sub_icb {
                Some(sub) => {
                    successors.push(link(s, st.to, note.clone()));
                    if sub != org {
                        successors.push(link(s, sub, note));
                    }
                }
                None => {
                    if descendants.insert(st.to) {
                        successors.push(link(s, st.to, note));
                    }
                }
            }
        }
    }
    predecessors.sort_by(|a, b| a.label.cmp(&b.label));
    for st in &lineage.steps {
        let from: Vec<OrgLink> = st
            .from
            .iter()
            .filter(|f| {
                st.kind != EventKind::AbolishIntoIcb
                    || ancestors.contains(f)
                    || descendants.contains(f)
            })
            .map(|f| link(s, *f, ""))
            .collect();
        let to = match st.sub_icb {
            Some(sub) => link(s, st.to, format!("as sub-ICB location {}", s.org(sub).code)),
            None => link(s, st.to, ""),
        };
        let ev = &tl.events()[st.event];
        lines.push(LineageLine {
            event: ev.id.clone(),
            scenario: ev.source == crate::model::scenario::SCENARIO_SOURCE,
            merger: st.kind == EventKind::Merge,
            date: st.date,
            what: st.kind.label().to_string(),
            from,
            to: Some(to),
            span: String::new(),
        });
    }
    for a in s.arrangements_at(&lineage.arrangements) {
        lines.push(LineageLine {
            event: a.id.clone(),
            scenario: a.source == crate::model::scenario::SCENARIO_SOURCE,
            merger: false,
            date: a.from,
            what: a.kind.label().to_string(),
            from: a.members.iter().map(|m| link(s, *m, "")).collect(),
            to: sharing::then_merged(&lineage, a)
                .map(|st| link(s, st.to, format!("then merged on {}", human_date(st.date)))),
            span: sharing::span_text(a),
        });
    }
    lines.sort_by_key(|l| l.date);
    let shared = shared_lines(tl, &lineage, org, me, date);

    let state = tl.state_at(date);
    let mut belongs_to = Vec::new();
    let mut members = Vec::new();
    let mut places = Vec::new();
    let (members_heading, places_heading);
    for (_, l) in s.links_of(org) {
        if !l.holds_on(date) {
            continue;
        }
        // A share with `≈` when it is not published, and its basis and source.
        let share = |x: f64| {
            let mut t = if x < FULL_SHARE {
                share_text(l.basis, x)
            } else if approx_share(l.basis, x) {
                APPROX.to_string()
            } else {
                String::new()
            };
            if !l.basis.is_published() {
                t.push_str(&format!(" ({})", l.basis.label()));
            }
            t.trim().to_string()
        };
        let named = |id: OrgId| {
            let o = s.org(id);
            if o.named_later(date) {
                format!(" · {}", o.named_later_note())
            } else {
                String::new()
            }
        };
        match l.kind {
            LinkKind::CcgPlace | LinkKind::SubIcbPlace => {
                if l.a == org {
                    places.push(link(s, l.b, share(l.share) + &named(l.b)));
                } else {
                    places.push(link(s, l.a, share(l.share)));
                }
            }
            LinkKind::NeighbourhoodPlace => {
                if l.a == org {
                    places.push(link(s, l.b, share(l.share) + &named(l.b)));
                } else {
                    members.push(link_on(s, l.a, date, share(l.share)));
                }
            }
            LinkKind::NeighbourhoodCcg | LinkKind::NeighbourhoodSubIcb => {
                let basis = if l.basis.is_published() {
                    String::new()
                } else {
                    format!("{APPROX} membership {}", l.basis.label())
                };
                if l.a == org {
                    belongs_to.push(link(
                        s,
                        l.b,
                        format!("{} {basis}", s.org(l.b).kind.label())
                            .trim()
                            .to_string(),
                    ));
                } else {
                    members.push(link_on(s, l.a, date, basis));
                }
            }
            _ => {
                if l.a == org {
                    belongs_to.push(link(s, l.b, s.org(l.b).kind.label()));
                } else {
                    members.push(link_on(s, l.a, date, ""));
                }
            }
        }
    }
    match o.kind {
        OrgKind::Place => {
            members_heading = "Neighbourhoods in it";
            places_heading = "Served by";
        }
        OrgKind::Neighbourhood => {
            members_heading = "Members";
            places_heading = "Places";
        }
        OrgKind::Ccg | OrgKind::SubIcb => {
            members_heading = "Neighbourhoods";
            places_heading = "Places served";
        }
        OrgKind::System | OrgKind::Icb => {
            members_heading = "Members";
            places_heading = "Places";
        }
        OrgKind::Region => {
            members_heading = "Systems";
            places_heading = "Places";
        }
    }
    members.sort_by(|a, b| a.label.cmp(&b.label));
    places.sort_by(|a, b| a.label.cmp(&b.label));
    let population_source = o.population.as_ref().map(|p| {
        let title = s
            .sources
            .iter()
            .find(|x| x.key == p.source)
            .map(|x| x.title.as_str())
            .unwrap_or("");
        if title.is_empty() {
            p.source.clone()
        } else {
            format!("{}: {title}", p.source)
        }
    });
    Details {
        org,
        name: o.name_on(date).to_string(),
        kind: o.kind,
        code: o.code.clone(),
        ons: o.ons.clone().filter(|x| *x != o.code),
        life: life_text(o),
        from: o.from,
        to: o.to,
        alive: state.is_alive(org),
        population: population_text(o),
        population_source,
        predecessors,
        successors,
        lineage: lines,
        shared,
        belongs_to,
        members,
        members_heading: members_heading.to_string(),
        places,
        places_heading: places_heading.to_string(),
        note: o.note.clone(),
    }
}

/// The shared management the details panel lists for `org` on `date`.
fn shared_lines(
    tl: &Timeline,
    lineage: &crate::model::Lineage,
    org: OrgId,
    me: OrgId,
    date: Date,
) -> Vec<SharedLine> {
    let s = tl.snapshot();
    let o = s.org(org);
    // Whose arrangements, and whom to list as partners.
    let (indexes, partners_of): (Vec<usize>, Option<OrgId>) = match o.kind {
        OrgKind::Ccg | OrgKind::SubIcb => (sharing::of_ccg(s, me), Some(me)),
        OrgKind::System | OrgKind::Icb | OrgKind::Region => {
            let state = tl.state_at(date);
            let members: HashSet<OrgId> = state
                .alive(OrgKind::Ccg)
                .filter(|c| system_of(tl, *c, date) == Some(org))
                .collect();
            let mut idx: Vec<usize> = sharing::holding_on(s, date)
                .filter(|i| {
                    s.arrangements[*i]
                        .members
                        .iter()
                        .any(|m| members.contains(m))
                })
                .collect();
            // An ICB's own leadership clusters (2025/26), as a CCG's shared management;
            // a system's, through its ICB.
            let icb = match o.kind {
                OrgKind::Region => None,
                _ => icb_of_system(s, org, date),
            };
            if let Some(icb) = icb {
                for i in sharing::of_ccg(s, icb) {
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
            }
            (idx, icb)
        }
        _ => (Vec::new(), None),
    };
    let mut out: Vec<SharedLine> = indexes
        .into_iter()
        .map(|i| {
            let a = &s.arrangements[i];
            let partners = a
                .members
                .iter()
                .filter(|m| Some(**m) != partners_of)
                .map(|m| link(s, *m, ""))
                .collect();
            SharedLine {
                id: a.id.clone(),
                kind: capitalise(a.kind.label()),
                shares_leadership: a.kind.shares_management(),
                in_force: a.holds_on(date),
                partners,
                span: sharing::span_text(a),
                leader: a.leader.clone(),
                source: source_text(s, &a.source),
                evidence: a.evidence.clone(),
                note: a.note.clone(),
                then_merged: sharing::then_merged(lineage, a)
                    .map(|st| (st.date, link(s, st.to, ""))),
            }
        })
        .collect();
    out.sort_by_key(|l| !l.in_force);
    out
}
