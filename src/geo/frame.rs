//! What the map shows on a date: for every area of the date's era, the commissioner
//! that holds it (the area's own CCG or sub-ICB location if alive, else what it became
//! by then), its system and leadership team; for every place, who serves it. No egui:
//! the map panel paints this.
//!
//! Areas are matched to the record by code, so a scenario's merged CCG (a code the
//! geography does not know) is the union of its sources' areas, and an area whose
//! organisation was split is marked so.

use std::collections::HashMap;

use super::Geography;
use crate::model::format::EventKind;
use crate::model::{Date, OrgId, OrgKind, Timeline, sharing};

/// Who holds one area on the date.
#[derive(Clone, Debug, PartialEq)]
pub struct Holder {
    /// The commissioner (CCG, or sub-ICB location from July 2022).
    pub org: OrgId,
    /// Its system (or, from July 2022, the ICB's system) on the date.
    pub system: Option<OrgId>,
    /// Its leadership team on the date (index into [`MapFrame::teams`]).
    pub team: usize,
    /// When the area's organisation was split: the other successors alive on the date
    /// (the area is drawn in `org`'s colour, approximately, and marked so).
    pub split_with: Vec<OrgId>,
}

/// Who serves one place on the date.
#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    /// The commissioners serving it with their shares, largest first.
    pub by: Vec<(OrgId, f64)>,
}

/// The map on one date.
#[derive(Clone, Debug, PartialEq)]
pub struct MapFrame {
    /// The day.
    pub date: Date,
    /// The era of areas drawn (index into [`Geography::eras`]).
    pub era: usize,
    /// For each area of that era, who holds it (none: no commissioner in the record).
    pub holders: Vec<Option<Holder>>,
    /// The commissioners drawn, each once, in the order first met.
    pub orgs: Vec<OrgId>,
    /// The systems drawn, each once.
    pub systems: Vec<OrgId>,
    /// The leadership teams: the commissioners of each.
    pub teams: Vec<Vec<OrgId>>,
    /// For each place of the geography (by index), who serves it; by ONS code.
    pub places: Vec<Option<OrgId>>,
    /// Who serves each place, by index.
    pub served: Vec<Served>,
    /// The areas whose commissioner the record does not give on the date.
    pub unheld: usize,
}

impl MapFrame {
    /// The holder of area `i`.
    pub fn holder(&self, i: usize) -> Option<&Holder> {
        self.holders.get(i).and_then(Option::as_ref)
    }

    /// Whether areas `i` and `j` belong to the same commissioner (no border between).
    pub fn same_org(&self, i: usize, j: usize) -> bool {
        match (self.holder(i), self.holder(j)) {
            (Some(a), Some(b)) => a.org == b.org,
            _ => false,
        }
    }

    /// Whether areas `i` and `j` are in the same system.
    pub fn same_system(&self, i: usize, j: usize) -> bool {
        match (self.holder(i), self.holder(j)) {
            (Some(a), Some(b)) => a.system.is_some() && a.system == b.system,
            _ => false,
        }
    }
}

/// Why there is no map on a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoMap {
    /// The date is before the first era.
    #[error("The map starts on {0}, when the first CCGs began: move the date later.")]
    TooEarly(String),
    /// The snapshot's organisations are not the geography's.
    #[error(
        "No geography in this snapshot: the map knows England's CCG areas, and none of this snapshot's commissioners on {0} has one. Open the England record (File > Open England) to see the map."
    )]
    NoGeography(String),
}

/// Builds the map of `tl` on `date` from `geo`.
pub fn map_frame(tl: &Timeline, geo: &Geography, date: Date) -> Result<MapFrame, NoMap> {
    let s = tl.snapshot();
    let first = geo.eras.first().and_then(|e| e.from);
    let era = geo.era_on(date).ok_or_else(|| {
        NoMap::TooEarly(
            first
                .map(crate::model::human_date)
                .unwrap_or_else(|| "no date".into()),
        )
    })?;
    let state = tl.state_at(date);
    let layer = &geo.eras[era];
    let mut matched = 0usize;
    let mut owners: Vec<Vec<OrgId>> = Vec::with_capacity(layer.areas.len());
    for a in &layer.areas {
        let own = s
            .find(OrgKind::SubIcb, &a.code)
            .into_iter()
            .chain(s.find(OrgKind::Ccg, &a.code))
            .collect::<Vec<_>>();
        if !own.is_empty() {
            matched += 1;
        }
        let mut found: Vec<OrgId> = Vec::new();
        for o in own {
            successors_on(tl, &state, o, date, 0, &mut found);
        }
        owners.push(found);
    }
    if matched == 0 {
        return Err(NoMap::NoGeography(crate::model::human_date(date)));
    }
    // Leadership teams among the commissioners drawn.
    let mut orgs: Vec<OrgId> = Vec::new();
    // Every commissioner drawn, those sharing a split area among them.
    for o in owners.iter().flatten() {
        if !orgs.contains(o) {
            orgs.push(*o);
        }
    }
    let teams: Vec<Vec<OrgId>> = sharing::teams(s, date, orgs.iter().copied())
        .into_iter()
        .map(|t| t.ccgs)
        .collect();
    let team_of: HashMap<OrgId, usize> = teams
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.iter().map(move |o| (*o, i)))
        .collect();
    let mut systems: Vec<OrgId> = Vec::new();
    let mut system_of: HashMap<OrgId, Option<OrgId>> = HashMap::new();
    for o in &orgs {
        let sys = crate::view::system_of(tl, *o, date);
        if let Some(x) = sys
            && !systems.contains(&x)
        {
            systems.push(x);
        }
        system_of.insert(*o, sys);
    }
    let mut unheld = 0;
    let holders = owners
        .into_iter()
        .map(|found| {
            let Some((&org, rest)) = found.split_first() else {
                unheld += 1;
                return None;
            };
            Some(Holder {
                org,
                system: system_of.get(&org).copied().flatten(),
                team: team_of.get(&org).copied().unwrap_or(0),
                split_with: rest.to_vec(),
            })
        })
        .collect();
    // Places: who serves each.
    let mut served: Vec<Served> = Vec::with_capacity(geo.places.areas.len());
    let mut places = Vec::with_capacity(geo.places.areas.len());
    for a in &geo.places.areas {
        let place = s.find(OrgKind::Place, &a.code);
        places.push(place);
        let mut by: Vec<(OrgId, f64)> = place
            .map(|p| {
                s.links_of(p)
                    .filter(|(_, l)| l.kind.serves_place() && l.b == p && l.holds_on(date))
                    .map(|(_, l)| (l.a, l.share))
                    .collect()
            })
            .unwrap_or_default();
        by.sort_by(|x, y| y.1.total_cmp(&x.1));
        served.push(Served { by });
    }
    Ok(MapFrame {
        date,
        era,
        holders,
        orgs,
        systems,
        teams,
        places,
        served,
        unheld,
    })
}

/// What `org` is on `date`: itself if alive, else what it merged or was abolished
/// into (a CCG into its ICB continues as the sub-ICB location with its code), followed
/// until something alive. Several when it was split.
fn successors_on(
    tl: &Timeline,
    state: &crate::model::State<'_>,
    org: OrgId,
    date: Date,
    depth: usize,
    out: &mut Vec<OrgId>,
) {
    let s = tl.snapshot();
    if depth > 16 {
        return;
    }
    if state.is_alive(org) {
        if !out.contains(&org) {
            out.push(org);
        }
        return;
    }
    if s.org(org).from > date {
        return;
    }
    for &e in tl.ends_in(org) {
        let ev = &tl.events()[e];
        if ev.date > date {
            continue;
        }
        let next = match ev.kind {
            EventKind::AbolishIntoIcb => tl.sub_icb_for(org, ev.to).unwrap_or(ev.to),
            _ => ev.to,
        };
        successors_on(tl, state, next, date, depth + 1, out);
    }
    // A CCG carried on by the sub-ICB location with its code.
    if s.org(org).kind == OrgKind::Ccg
        && let Some(sub) = s.find(OrgKind::SubIcb, &s.org(org).code)
        && sub != org
        && state.is_alive(sub)
        && !out.contains(&sub)
    {
        out.push(sub);
    }
}

/// The commissioner of each PCN hex of `geo` on `date`, from the record's
/// neighbourhoods (none where the record gives none that day).
pub fn pcn_commissioners(tl: &Timeline, geo: &Geography, date: Date) -> Vec<Option<OrgId>> {
    let s = tl.snapshot();
    geo.pcn_hexes
        .iter()
        .map(|h| {
            let n = s.find(OrgKind::Neighbourhood, &h.code)?;
            s.links_of(n)
                .find(|(_, l)| {
                    matches!(
                        l.kind,
                        crate::model::LinkKind::NeighbourhoodCcg
                            | crate::model::LinkKind::NeighbourhoodSubIcb
                    ) && l.a == n
                        && l.holds_on(date)
                })
                .map(|(_, l)| l.b)
        })
        .collect()
}
