//! View models: plain data the panels draw, built from the model layer.
//!
//! Nothing here depends on egui, so every view model can be tested on its own. The
//! window caches them per date (and per expand state) rather than rebuilding them
//! every frame.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::format::EventKind;
use crate::model::snapshot::{LinkKind, Org};
use crate::model::timeline::SystemNode;
use crate::model::{Date, FOREVER, OrgId, OrgKind, Provenance, Snapshot, Timeline, human_date};

/// How the tree groups organisations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    /// System -> place -> neighbourhood.
    #[default]
    SystemPlace,
    /// System -> CCG -> place.
    SystemCcg,
}

/// Which tree nodes are open: every node is open when `all_open`, except those toggled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Expansion {
    /// The default for nodes not toggled.
    pub all_open: bool,
    /// Nodes whose state differs from the default.
    pub toggled: HashSet<String>,
}

impl Expansion {
    /// Whether the node with `key` is open.
    pub fn is_open(&self, key: &str) -> bool {
        self.all_open != self.toggled.contains(key)
    }

    /// Opens or closes one node.
    pub fn toggle(&mut self, key: &str) {
        if !self.toggled.remove(key) {
            self.toggled.insert(key.to_string());
        }
    }

    /// Opens (or closes) every node.
    pub fn set_all(&mut self, open: bool) {
        self.all_open = open;
        self.toggled.clear();
    }
}

/// What a tree row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A system, or the group of commissioners in no system.
    System,
    /// A place.
    Place,
    /// A CCG or sub-ICB location.
    Commissioner,
    /// A neighbourhood.
    Neighbourhood,
}

/// One visible row of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeRow {
    /// Indent level, from 0.
    pub depth: u8,
    /// What it stands for.
    pub kind: RowKind,
    /// Stable key for its open/closed state.
    pub key: String,
    /// The organisation, if the row is one.
    pub org: Option<OrgId>,
    /// Main text.
    pub label: String,
    /// Secondary text (commissioners and shares, counts, population).
    pub detail: String,
    /// Whether it has children.
    pub expandable: bool,
    /// Whether it is open.
    pub open: bool,
    /// Created, merged or changed on the date shown.
    pub changed: bool,
}

/// Formats a count with thousands separators: `1,254`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `62%`, or `0.4%` for small shares.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// `pop. 1,252,919 (1 Jan 2021, published)`.
pub fn population_text(org: &Org) -> Option<String> {
    let p = org.population.as_ref()?;
    let when = if p.period.is_empty() || p.basis != Provenance::Published {
        human_date(p.as_at)
    } else {
        p.period.clone()
    };
    Some(format!(
        "pop. {} ({when}, {})",
        thousands(p.count),
        p.basis.label()
    ))
}

fn system_label(s: &Snapshot, sys: &SystemNode) -> String {
    match sys.system {
        Some(id) => s.org(id).label(),
        None => "No system yet (STPs from April 2017)".to_string(),
    }
}

fn system_key(sys: &SystemNode, s: &Snapshot) -> String {
    match sys.system {
        Some(id) => format!("s:{}", s.org(id).code),
        None => "s:-".to_string(),
    }
}

/// The served-by text of a place: `NHS A CCG (A01) 60% · NHS B CCG (B01) 40%`.
fn served_text(s: &Snapshot, served: &[crate::model::timeline::Served]) -> String {
    served
        .iter()
        .map(|c| {
            let o = s.org(c.commissioner);
            if c.share < 0.9995 {
                format!("{} {}", o.label(), percent(c.share))
            } else {
                o.label()
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Every visible row of the tree on `date`.
pub fn tree_rows(tl: &Timeline, date: Date, grouping: Grouping, open: &Expansion) -> Vec<TreeRow> {
    let s = tl.snapshot();
    let tree = tl.state_at(date).tree();
    let changed = |id: OrgId| s.org(id).from == date;
    let mut rows = Vec::new();
    for sys in &tree.systems {
        let key = system_key(sys, s);
        let is_open = open.is_open(&key);
        let n_commissioners = {
            let mut set = HashSet::new();
            for p in &sys.places {
                for c in &p.served_by {
                    set.insert(c.commissioner);
                }
            }
            set.len()
        };
        let commissioner_word = if tl.counts_at(date).ccg > 0 {
            "CCG"
        } else {
            "sub-ICB location"
        };
        let mut detail = format!(
            "{} place{} · {} {commissioner_word}{}",
            sys.places.len(),
            if sys.places.len() == 1 { "" } else { "s" },
            n_commissioners,
            if n_commissioners == 1 { "" } else { "s" }
        );
        if let Some(pop) = sys.system.and_then(|id| population_text(s.org(id))) {
            detail.push_str(" · ");
            detail.push_str(&pop);
        }
        rows.push(TreeRow {
            depth: 0,
            kind: RowKind::System,
            key: key.clone(),
            org: sys.system,
            label: system_label(s, sys),
            detail,
            expandable: !sys.places.is_empty(),
            open: is_open,
            changed: sys.system.is_some_and(changed),
        });
        if !is_open {
            continue;
        }
        match grouping {
            Grouping::SystemPlace => {
                for p in &sys.places {
                    let pkey = format!("{key}/p:{}", s.org(p.place).code);
                    let p_open = open.is_open(&pkey);
                    let mut detail = served_text(s, &p.served_by);
                    if p.share_in_system < 0.9995 {
                        detail.push_str(&format!(
                            " (this system serves {})",
                            percent(p.share_in_system)
                        ));
                    }
                    if let Some(pop) = population_text(s.org(p.place)) {
                        detail.push_str(" · ");
                        detail.push_str(&pop);
                    }
                    rows.push(TreeRow {
                        depth: 1,
                        kind: RowKind::Place,
                        key: pkey.clone(),
                        org: Some(p.place),
                        label: s.org(p.place).name.clone(),
                        detail,
                        expandable: !p.neighbourhoods.is_empty(),
                        open: p_open,
                        changed: p.served_by.iter().any(|c| changed(c.commissioner)),
                    });
                    if p_open {
                        for n in &p.neighbourhoods {
                            let o = s.org(n.commissioner);
                            let mut detail = population_text(o).unwrap_or_default();
                            if n.share < 0.9995 {
                                detail = format!("{} in this place · {detail}", percent(n.share));
                            }
                            rows.push(TreeRow {
                                depth: 2,
                                kind: RowKind::Neighbourhood,
                                key: format!("{pkey}/n:{}", o.code),
                                org: Some(n.commissioner),
                                label: o.label(),
                                detail,
                                expandable: false,
                                open: false,
                                changed: changed(n.commissioner),
                            });
                        }
                    }
                }
            }
            Grouping::SystemCcg => {
                // Regroup the places under each commissioner.
                let mut by_comm: Vec<(OrgId, Vec<(OrgId, f64)>)> = Vec::new();
                for p in &sys.places {
                    for c in &p.served_by {
                        match by_comm.iter_mut().find(|(id, _)| *id == c.commissioner) {
                            Some((_, places)) => places.push((p.place, c.share)),
                            None => by_comm.push((c.commissioner, vec![(p.place, c.share)])),
                        }
                    }
                }
                by_comm.sort_by(|a, b| s.org(a.0).name.cmp(&s.org(b.0).name));
                for (comm, places) in by_comm {
                    let o = s.org(comm);
                    let ckey = format!("{key}/c:{}", o.code);
                    let c_open = open.is_open(&ckey);
                    let mut detail = format!(
                        "{} place{}",
                        places.len(),
                        if places.len() == 1 { "" } else { "s" }
                    );
                    if let Some(p) = population_text(o) {
                        detail.push_str(" · ");
                        detail.push_str(&p);
                    }
                    rows.push(TreeRow {
                        depth: 1,
                        kind: RowKind::Commissioner,
                        key: ckey.clone(),
                        org: Some(comm),
                        label: o.label(),
                        detail,
                        expandable: true,
                        open: c_open,
                        changed: changed(comm),
                    });
                    if c_open {
                        for (place, share) in places {
                            let detail = if share < 0.9995 {
                                format!("serves {} of it", percent(share))
                            } else {
                                "serves all of it".to_string()
                            };
                            rows.push(TreeRow {
                                depth: 2,
                                kind: RowKind::Place,
                                key: format!("{ckey}/p:{}", s.org(place).code),
                                org: Some(place),
                                label: s.org(place).name.clone(),
                                detail,
                                expandable: false,
                                open: false,
                                changed: false,
                            });
                        }
                    }
                }
            }
        }
    }
    rows
}

/// Keys of the tree nodes to open so that `id` shows on `date`, outermost first.
pub fn tree_path(tl: &Timeline, date: Date, grouping: Grouping, id: OrgId) -> Vec<String> {
    let s = tl.snapshot();
    let tree = tl.state_at(date).tree();
    for sys in &tree.systems {
        let skey = system_key(sys, s);
        if sys.system == Some(id) {
            return Vec::new();
        }
        for p in &sys.places {
            let serves = p.served_by.iter().any(|c| c.commissioner == id);
            match grouping {
                Grouping::SystemPlace => {
                    if p.place == id || serves {
                        return vec![skey];
                    }
                    if p.neighbourhoods.iter().any(|n| n.commissioner == id) {
                        let pkey = format!("{skey}/p:{}", s.org(p.place).code);
                        return vec![skey, pkey];
                    }
                }
                Grouping::SystemCcg => {
                    if serves {
                        return vec![skey];
                    }
                    if p.place == id
                        && let Some(c) = p.served_by.first()
                    {
                        let ckey = format!("{skey}/c:{}", s.org(c.commissioner).code);
                        return vec![skey, ckey];
                    }
                }
            }
        }
    }
    Vec::new()
}

/// A search result.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// The organisation.
    pub org: OrgId,
    /// `NHS Devon CCG (15N)`.
    pub label: String,
    /// `CCG · 1 Apr 2019 to 30 Jun 2022`.
    pub detail: String,
}

fn normalise(s: &str) -> String {
    s.to_lowercase()
        .replace('&', " and ")
        .replace([',', '(', ')', '-', '.'], " ")
}

/// Organisations whose name or code matches `query`: case-insensitive, every word of
/// the query found as the start of a word (or inside a word, ranked lower), or the code.
pub fn search(s: &Snapshot, query: &str, limit: usize) -> Vec<SearchHit> {
    let q = normalise(query);
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let code_q = query.trim().to_uppercase();
    let mut scored: Vec<(u32, OrgKind, &str, OrgId)> = Vec::new();
    for (i, o) in s.orgs.iter().enumerate() {
        let id = OrgId(i as u32);
        let score = if o.code.to_uppercase() == code_q {
            Some(0)
        } else {
            let name = normalise(&o.name);
            let name_words: Vec<&str> = name.split_whitespace().collect();
            let mut worst = 0;
            let mut all = true;
            for w in &words {
                if name_words.iter().any(|nw| nw.starts_with(w)) {
                    worst = worst.max(1);
                } else if name.contains(w) || o.code.to_lowercase().starts_with(w) {
                    worst = worst.max(2);
                } else {
                    all = false;
                    break;
                }
            }
            all.then_some(worst)
        };
        if let Some(score) = score {
            scored.push((score, o.kind, o.name.as_str(), id));
        }
    }
    // Best match first; CCGs before other kinds; then by name.
    scored.sort_by(|a, b| {
        (a.0, a.1 != OrgKind::Ccg, a.1, a.2).cmp(&(b.0, b.1 != OrgKind::Ccg, b.1, b.2))
    });
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, _, id)| {
            let o = s.org(id);
            SearchHit {
                org: id,
                label: o.label(),
                detail: format!("{} · {}", o.kind.label(), life_text(o)),
            }
        })
        .collect()
}

/// `1 Apr 2013 to 31 Mar 2019`, or `from 1 Jul 2022`.
pub fn life_text(o: &Org) -> String {
    if o.to == FOREVER {
        format!("from {}", human_date(o.from))
    } else {
        format!("{} to {}", human_date(o.from), human_date(o.to))
    }
}

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

/// One step of a lineage, for the details panel.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageLine {
    /// The event's id.
    pub event: String,
    /// Whether the event is a scenario's.
    pub scenario: bool,
    /// Whether it is a merger.
    pub merger: bool,
    /// The day.
    pub date: Date,
    /// `merger` or `abolished into ICB`.
    pub what: String,
    /// The organisations before.
    pub from: Vec<OrgLink>,
    /// The organisation after.
    pub to: OrgLink,
}

/// Everything the details panel shows about one organisation on one date.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    /// The organisation.
    pub org: OrgId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
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
    /// Mergers and abolitions, in date order.
    pub lineage: Vec<LineageLine>,
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
        if (st.kind == EventKind::Merge && ancestors.contains(&st.to)) || into_me {
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
            to,
        });
    }

    let state = tl.state_at(date);
    let mut belongs_to = Vec::new();
    let mut members = Vec::new();
    let mut places = Vec::new();
    let (members_heading, places_heading);
    for (_, l) in s.links_of(org) {
        if !l.holds_on(date) {
            continue;
        }
        let share = |x: f64| {
            if x < 0.9995 {
                percent(x)
            } else {
                String::new()
            }
        };
        match l.kind {
            LinkKind::CcgPlace | LinkKind::SubIcbPlace => {
                if l.a == org {
                    places.push(link(s, l.b, share(l.share)));
                } else {
                    places.push(link(s, l.a, share(l.share)));
                }
            }
            LinkKind::NeighbourhoodPlace => {
                if l.a == org {
                    places.push(link(s, l.b, share(l.share)));
                } else {
                    members.push(link(s, l.a, share(l.share)));
                }
            }
            _ => {
                if l.a == org {
                    belongs_to.push(link(s, l.b, s.org(l.b).kind.label()));
                } else {
                    members.push(link(s, l.a, ""));
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
        name: o.name.clone(),
        kind: o.kind.label().to_string(),
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
        belongs_to,
        members,
        members_heading: members_heading.to_string(),
        places,
        places_heading: places_heading.to_string(),
        note: o.note.clone(),
    }
}

/// A labelled wave of mergers on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Wave {
    /// The day.
    pub date: Date,
    /// `Apr 2020: 74 CCGs ➡ 18`.
    pub label: String,
}

/// An event day on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The day.
    pub date: Date,
    /// How many events.
    pub events: usize,
    /// Whether any of them is a merger or abolition.
    pub structural: bool,
    /// Whether any of them comes from a scenario.
    pub scenario: bool,
}

/// What the timeline draws: marks for every event day, and the merger waves labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineModel {
    /// First day of the snapshot.
    pub first: Date,
    /// Last day.
    pub last: Date,
    /// Every event day.
    pub marks: Vec<Mark>,
    /// Merger and abolition waves.
    pub waves: Vec<Wave>,
}

/// Builds the timeline model once per snapshot.
pub fn timeline_model(tl: &Timeline) -> TimelineModel {
    let (first, last) = tl.snapshot().span();
    let mut marks = Vec::new();
    let mut waves = Vec::new();
    for day in tl.event_days() {
        let events = tl.events_on(*day);
        let merges: Vec<_> = events
            .iter()
            .filter(|e| e.kind == EventKind::Merge)
            .collect();
        let abolitions: Vec<_> = events
            .iter()
            .filter(|e| e.kind == EventKind::AbolishIntoIcb)
            .collect();
        let scenario = events
            .iter()
            .any(|e| e.source == crate::model::scenario::SCENARIO_SOURCE);
        marks.push(Mark {
            date: *day,
            events: events.len(),
            structural: !merges.is_empty() || !abolitions.is_empty(),
            scenario,
        });
        let month = day.format("%b %Y");
        if !merges.is_empty() {
            let n_from: usize = merges.iter().map(|e| e.from.len()).sum();
            let what = if scenario { " (scenario)" } else { "" };
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {n_from} CCGs ➡ {}{what}", merges.len()),
            });
        } else if !abolitions.is_empty() {
            let n_from: usize = abolitions.iter().map(|e| e.from.len()).sum();
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {n_from} CCGs ➡ {} ICBs", abolitions.len()),
            });
        }
    }
    TimelineModel {
        first,
        last,
        marks,
        waves,
    }
}

/// One line about the events of a day, for the central panel.
pub fn event_lines(tl: &Timeline, day: Date) -> Vec<String> {
    let s = tl.snapshot();
    let events = tl.events_on(day);
    let mut lines = Vec::new();
    let established = events
        .iter()
        .filter(|e| e.kind == EventKind::Establish)
        .count();
    if established > 0 {
        lines.push(format!(
            "{established} CCG{} established",
            if established == 1 { "" } else { "s" }
        ));
    }
    for e in events {
        let names = |ids: &[OrgId]| {
            ids.iter()
                .map(|i| s.org(*i).label())
                .collect::<Vec<_>>()
                .join(" + ")
        };
        match e.kind {
            EventKind::Establish => {}
            EventKind::Merge => {
                let what = if e.source == crate::model::scenario::SCENARIO_SOURCE {
                    " (scenario)"
                } else {
                    ""
                };
                lines.push(format!(
                    "Merger{what}: {} into {}",
                    names(&e.from),
                    s.org(e.to).label()
                ))
            }
            EventKind::AbolishIntoIcb => lines.push(format!(
                "{} CCG{} abolished into {}",
                e.from.len(),
                if e.from.len() == 1 { "" } else { "s" },
                s.org(e.to).label()
            )),
            EventKind::Rename => {
                lines.push(format!("Renamed: {} ({})", s.org(e.to).label(), e.note))
            }
            EventKind::BoundaryChange => lines.push(format!(
                "Boundary change: {} ({})",
                s.org(e.to).label(),
                e.date_basis
            )),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_percent() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1254), "1,254");
        assert_eq!(thousands(1252919), "1,252,919");
        assert_eq!(percent(0.6), "60%");
        assert_eq!(percent(0.004), "0.4%");
    }

    #[test]
    fn expansion_defaults_and_toggles() {
        let mut e = Expansion::default();
        assert!(!e.is_open("a"));
        e.toggle("a");
        assert!(e.is_open("a"));
        e.set_all(true);
        assert!(e.is_open("a") && e.is_open("b"));
        e.toggle("b");
        assert!(!e.is_open("b"));
    }
}

/// A date as a decimal year, for time axes: 1 April 2019 is about 2019.25.
pub fn decimal_year(d: Date) -> f64 {
    use chrono::Datelike;
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    d.year() as f64 + (d.ordinal0() as f64) / days
}

/// Chart (a): running costs of the selected footprint by financial year.
#[derive(Clone, Debug, PartialEq)]
pub struct CostChart {
    /// `Running costs: Devon (E54000037)`.
    pub title: String,
    /// The footprint's name.
    pub footprint: String,
    /// Year by year.
    pub rows: Vec<crate::model::costs::YearCost>,
    /// The financial year of the date shown (its first year).
    pub current_year: Option<i32>,
    /// The baseline and target years (first years).
    pub baseline_year: i32,
    /// The target year.
    pub target_year: i32,
    /// The target cut, 0.2.
    pub cut: f64,
    /// Notes that belong to this footprint.
    pub annotations: Vec<String>,
    /// Which CCGs the footprint adds up, over all years.
    pub members: String,
    /// Published allowances of the selected CCG itself: (year, GBP, source).
    pub own_published: Vec<(i32, f64, String)>,
}

/// Chart (b): structural savings by system at one financial year.
#[derive(Clone, Debug, PartialEq)]
pub struct SavingsChart {
    /// `Modelled savings by system, 2020/21`.
    pub title: String,
    /// Systems, largest saving first: (system, name, percent).
    pub bars: Vec<(OrgId, String, f64)>,
    /// The target, in percent.
    pub target_percent: f64,
    /// Why the bars are all zero, when they are.
    pub note: String,
}

/// Chart (c): the number of CCGs over time.
#[derive(Clone, Debug, PartialEq)]
pub struct CountChart {
    /// The day marked.
    pub date: Date,
    /// Step points (decimal year, count).
    pub steps: Vec<[f64; 2]>,
    /// Where the current date is (decimal year).
    pub marker_x: f64,
    /// `1 Apr 2020: 135 CCGs`.
    pub marker_label: String,
    /// Notes pinned to dates: (decimal year, text).
    pub annotations: Vec<(f64, String)>,
}

/// The footprint of the selection (England when nothing is selected).
pub fn footprint_for(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    selection: Option<OrgId>,
    date: Date,
) -> crate::model::costs::Footprint {
    match selection {
        Some(id) => model.footprint(tl, id, date),
        None => model.england(),
    }
}

/// Builds chart (a).
pub fn cost_chart(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    selection: Option<OrgId>,
    date: Date,
) -> CostChart {
    use crate::model::format::ChartKind;
    let s = tl.snapshot();
    let fp = footprint_for(tl, model, selection, date);
    let rows = model.series(&fp);
    let annotations = s
        .annotations
        .iter()
        .filter(|a| a.chart == ChartKind::Costs)
        .filter(|a| match a.footprint {
            None => fp.org.is_none(),
            Some(id) => fp.org.is_some() && model.in_footprint(&fp, id),
        })
        .map(|a| format!("{} · {} ({})", human_date(a.date), a.text, a.basis.label()))
        .collect();
    let mut member_codes: Vec<&str> = s
        .orgs
        .iter()
        .enumerate()
        .filter(|(i, o)| o.kind == OrgKind::Ccg && model.in_footprint(&fp, OrgId(*i as u32)))
        .map(|(_, o)| o.code.as_str())
        .collect();
    member_codes.sort_unstable();
    let members = if fp.org.is_none() {
        format!("all {} CCGs that ever existed", member_codes.len())
    } else if member_codes.len() <= 12 {
        format!(
            "{} ({} with the CCGs it merged with)",
            member_codes.join(", "),
            fp.name
        )
    } else {
        format!("{} CCGs over time", member_codes.len())
    };
    let own_published = match selection {
        Some(id) if s.org(id).kind == OrgKind::Ccg => model
            .years
            .iter()
            .filter_map(|y| match model.allowance_of(id, *y) {
                Some((v, true)) => {
                    let src = s
                        .money
                        .figures
                        .iter()
                        .find(|f| {
                            f.metric == "rca"
                                && f.year == Some(*y)
                                && f.orgs == [s.org(id).code.clone()]
                        })
                        .map(|f| f.source.clone())
                        .unwrap_or_default();
                    Some((y.0, v, src))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    CostChart {
        title: format!("Running costs: {}", fp.name),
        members,
        own_published,
        footprint: fp.name.clone(),
        rows,
        current_year: model.year_for(date).map(|y| y.0),
        baseline_year: model.baseline_year.0,
        target_year: model.target_year.0,
        cut: model.cut,
        annotations,
    }
}

/// Builds chart (b).
pub fn savings_chart(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    date: Date,
) -> SavingsChart {
    let s = tl.snapshot();
    let year = model.year_for(date);
    let bars: Vec<(OrgId, String, f64)> = model
        .savings_by_system(tl, date)
        .into_iter()
        .map(|(id, share)| (id, s.org(id).name.clone(), share * 100.0))
        .collect();
    let note = match year {
        None => "This snapshot has no running-cost years.".to_string(),
        Some(y) if y < model.baseline_year => format!(
            "Savings are measured from the {} baseline; move the date to {} or later.",
            model.baseline_year, model.baseline_year
        ),
        Some(_) if bars.is_empty() => "No systems on this date.".to_string(),
        Some(_) => String::new(),
    };
    SavingsChart {
        title: match year {
            Some(y) => format!(
                "Modelled savings by system, {y} (% of {} baseline)",
                model.baseline_year
            ),
            None => "Modelled savings by system".to_string(),
        },
        bars,
        target_percent: model.cut * 100.0,
        note,
    }
}

/// Builds chart (c).
pub fn count_chart(tl: &Timeline, date: Date) -> CountChart {
    use crate::model::format::ChartKind;
    let (first, last) = tl.snapshot().span();
    let mut steps = Vec::new();
    let mut days: Vec<Date> = vec![first];
    days.extend(tl.event_days().iter().copied().filter(|d| *d > first));
    for (i, d) in days.iter().enumerate() {
        let n = tl.counts_at(*d).ccg as f64;
        let x = decimal_year(*d);
        if let Some(prev) = steps.last().map(|p: &[f64; 2]| p[1]) {
            steps.push([x, prev]);
        }
        steps.push([x, n]);
        if i + 1 == days.len() {
            steps.push([decimal_year(last.max(*d)), n]);
        }
    }
    let annotations = tl
        .snapshot()
        .annotations
        .iter()
        .filter(|a| a.chart == ChartKind::CcgCount)
        .map(|a| {
            (
                decimal_year(a.date),
                format!("{} ({})", a.text, a.basis.label()),
            )
        })
        .collect();
    CountChart {
        date,
        steps,
        marker_x: decimal_year(date),
        marker_label: format!("{}: {} CCGs", human_date(date), tl.counts_at(date).ccg),
        annotations,
    }
}

/// The system (or ICB) an organisation belongs to on `date`, for highlighting.
pub fn system_of(tl: &Timeline, org: OrgId, date: Date) -> Option<OrgId> {
    let s = tl.snapshot();
    match s.org(org).kind {
        OrgKind::System | OrgKind::Icb => Some(org),
        OrgKind::Ccg | OrgKind::SubIcb => s.links_of(org).find_map(|(_, l)| {
            (matches!(l.kind, LinkKind::CcgSystem | LinkKind::SubIcbIcb)
                && l.a == org
                && l.holds_on(date))
            .then_some(l.b)
        }),
        _ => None,
    }
}

/// Running costs of the selection at the date, for the details panel.
pub fn cost_lines(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    org: OrgId,
    date: Date,
) -> Vec<String> {
    footprint_cost_lines(model, &model.footprint(tl, org, date), date)
}

/// Running costs of a footprint at the date.
pub fn footprint_cost_lines(
    model: &crate::model::costs::CostModel,
    fp: &crate::model::costs::Footprint,
    date: Date,
) -> Vec<String> {
    let Some(year) = model.year_for(date) else {
        return Vec::new();
    };
    let Some(row) = model.year_of(fp, year) else {
        return Vec::new();
    };
    let m = |x: f64| format!("£{:.1}m", x / 1e6);
    vec![
        if fp.org.is_some() {
            format!("Footprint: {} (with predecessors and successors)", fp.name)
        } else {
            "Footprint: England (every CCG)".to_string()
        },
        format!(
            "Allowance {}: {} ({})",
            row.year,
            m(row.allowance_gbp),
            row.allowance_basis.label()
        ),
        format!(
            "Baseline {}: {} · target {}: {}",
            model.baseline_year,
            m(row.baseline_gbp),
            model.target_year,
            m(row.target_gbp)
        ),
        format!(
            "Modelled savings from mergers and shared management by {}: {} ({:.1}%)",
            row.year,
            m(row.structural_saving_gbp),
            row.saving_share * 100.0
        ),
        format!(
            "Gap to target left for other actions: {} (modelled)",
            m(row.gap_gbp.max(0.0))
        ),
    ]
}
