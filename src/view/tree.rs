//! The tree of organisations on a date: its rows, what is open, and the path to a row.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::text::{
    percent, population_text, served_text, share_hover, share_text, sharing_badge, source_text,
};
use crate::model::snapshot::{LinkKind, Org};
use crate::model::timeline::{Served, SystemNode};
use crate::model::{
    APPROX, Date, FULL_SHARE, OrgId, OrgKind, Snapshot, Timeline, approx_share, plural, sharing,
};

/// How the tree groups organisations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    /// System -> place -> neighbourhood.
    #[default]
    SystemPlace,
    /// System -> CCG -> place.
    SystemCcg,
    /// System -> leadership team -> CCG: CCGs sharing an accountable officer or a
    /// management team grouped together.
    SystemLeadership,
}

impl Grouping {
    /// What its middle level groups together, where the nesting alone does not say.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Grouping::SystemLeadership => {
                Some("CCGs sharing an accountable officer or a management team together")
            }
            Grouping::SystemPlace | Grouping::SystemCcg => None,
        }
    }
}

/// Every grouping, in the order offered: its short name and what it nests.
pub const GROUPINGS: [(Grouping, &str, &str); 3] = [
    (
        Grouping::SystemPlace,
        "by place",
        "System, place, neighbourhood",
    ),
    (Grouping::SystemCcg, "by CCG", "System, CCG, place"),
    (
        Grouping::SystemLeadership,
        "by leadership",
        "System, leadership team, CCG",
    ),
];

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
    /// CCGs sharing leadership on the date.
    Team,
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
    /// Part of what the row shows is not published (a derived share of part of a
    /// place, an estimated membership): drawn with `≈` and muted.
    pub approx: bool,
    /// The shared management a CCG has on the date (`shared AO`), if any.
    pub sharing: String,
    /// Shown on hover: the basis and source of each share, the partners of shared
    /// management, what a place's name means on the date.
    pub hover: String,
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

/// A commissioner's row (CCG or sub-ICB location) at `depth`, with no children.
fn commissioner_row(
    s: &Snapshot,
    date: Date,
    key: String,
    id: OrgId,
    depth: u8,
    detail: String,
) -> TreeRow {
    let o = s.org(id);
    let (sharing, hover) = if o.kind == OrgKind::Ccg {
        sharing_badge(s, id, date)
    } else {
        (String::new(), String::new())
    };
    TreeRow {
        depth,
        kind: RowKind::Commissioner,
        key,
        org: Some(id),
        label: o.label_on(date),
        detail,
        expandable: false,
        open: false,
        changed: o.from == date,
        approx: false,
        sharing,
        hover,
    }
}

/// A place's row label: its name, with `(2021 area)` on dates before its council began.
fn place_label(o: &Org, date: Date) -> String {
    if o.named_later(date) {
        format!("{} (2021 area)", o.name)
    } else {
        o.name.clone()
    }
}

/// Every visible row of the tree on `date`.
/// The ICB a system row stands for on `date`: the ICB itself, or the board of the
/// system.
pub(super) fn icb_of_system(s: &Snapshot, id: OrgId, date: Date) -> Option<OrgId> {
    match s.org(id).kind {
        OrgKind::Icb => Some(id),
        OrgKind::System => s
            .links_of(id)
            .find(|(_, l)| l.kind == LinkKind::IcbSystem && l.b == id && l.holds_on(date))
            .map(|(_, l)| l.a),
        _ => None,
    }
}

pub fn tree_rows(tl: &Timeline, date: Date, grouping: Grouping, open: &Expansion) -> Vec<TreeRow> {
    let s = tl.snapshot();
    let mut tree = tl.state_at(date).tree();
    // ICBs in one leadership cluster (2025/26) share leadership across their systems:
    // grouped by leadership, a cluster's systems come together, largest cluster first.
    let icb_teams: Vec<sharing::Team> = {
        let icbs: Vec<OrgId> = tree
            .systems
            .iter()
            .filter_map(|sys| sys.system.and_then(|id| icb_of_system(s, id, date)))
            .collect();
        if icbs.is_empty() {
            Vec::new()
        } else {
            sharing::teams(s, date, icbs)
        }
    };
    let team_of_icb = |icb: OrgId| icb_teams.iter().position(|t| t.ccgs.contains(&icb));
    if grouping == Grouping::SystemLeadership && icb_teams.iter().any(|t| t.shared()) {
        tree.systems.sort_by_key(|sys| {
            let team = sys
                .system
                .and_then(|id| icb_of_system(s, id, date))
                .and_then(team_of_icb);
            let size = team
                .and_then(|t| icb_teams.get(t))
                .filter(|t| t.shared())
                .map(|t| t.ccgs.len())
                .unwrap_or(0);
            let first = team
                .and_then(|t| icb_teams.get(t))
                .filter(|t| t.shared())
                .and_then(|t| t.ccgs.iter().map(|c| s.org(*c).name.clone()).min());
            (std::cmp::Reverse(size), first, system_label(s, sys))
        });
    }
    let changed = |id: OrgId| s.org(id).from == date;
    let counts = tl.counts_at(date);
    let commissioner_word = if counts.ccg > 0 {
        ("CCG", "CCGs")
    } else {
        ("sub-ICB location", "sub-ICB locations")
    };
    let mut rows = Vec::new();
    for sys in &tree.systems {
        let key = system_key(sys, s);
        let is_open = open.is_open(&key);
        let mut commissioners: Vec<OrgId> = Vec::new();
        for p in &sys.places {
            for c in &p.served_by {
                if !commissioners.contains(&c.commissioner) {
                    commissioners.push(c.commissioner);
                }
            }
        }
        commissioners.sort_by(|a, b| s.org(*a).name.cmp(&s.org(*b).name).then(a.cmp(b)));
        let teams = match grouping {
            Grouping::SystemLeadership => {
                let ccgs = commissioners
                    .iter()
                    .copied()
                    .filter(|c| s.org(*c).kind == OrgKind::Ccg);
                sharing::teams(s, date, ccgs)
            }
            _ => Vec::new(),
        };
        let mut detail = format!(
            "{} · {}",
            plural(sys.places.len(), "place", "places"),
            plural(
                commissioners.len(),
                commissioner_word.0,
                commissioner_word.1
            )
        );
        if grouping == Grouping::SystemLeadership && !teams.is_empty() {
            detail.push_str(&format!(
                " · {}",
                plural(teams.len(), "leadership team", "leadership teams")
            ));
        }
        // An ICB in a leadership cluster: the mark and its partners, as for CCGs.
        let icb = sys.system.and_then(|id| icb_of_system(s, id, date));
        let (cluster_mark, cluster_hover) = match icb {
            Some(icb) => sharing_badge(s, icb, date),
            None => (String::new(), String::new()),
        };
        if let Some(t) = icb
            .and_then(team_of_icb)
            .and_then(|t| icb_teams.get(t))
            .filter(|t| t.shared())
        {
            let ids: Vec<String> = t
                .arrangements
                .iter()
                .map(|i| s.arrangements[*i].id.clone())
                .collect();
            detail.push_str(&format!(
                " · leadership team of {} ({})",
                plural(t.ccgs.len(), "ICB", "ICBs"),
                ids.join(", ")
            ));
        }
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
            approx: false,
            sharing: cluster_mark,
            hover: cluster_hover,
        });
        if !is_open {
            continue;
        }
        match grouping {
            Grouping::SystemPlace => {
                for p in &sys.places {
                    let place = s.org(p.place);
                    let pkey = format!("{key}/p:{}", place.code);
                    let p_open = open.is_open(&pkey);
                    let mut detail = served_text(s, &p.served_by, date);
                    if p.share_in_system < FULL_SHARE {
                        detail.push_str(&format!(
                            " (this system serves {})",
                            percent(p.share_in_system)
                        ));
                    }
                    if let Some(pop) = population_text(place) {
                        detail.push_str(" · ");
                        detail.push_str(&pop);
                    }
                    let mut hover: Vec<String> = p
                        .served_by
                        .iter()
                        .map(|c| share_hover(s, c.commissioner, c, "of the place"))
                        .collect();
                    if place.named_later(date) {
                        hover.push(format!("{}: {}", place.name, place.named_later_note()));
                    }
                    rows.push(TreeRow {
                        depth: 1,
                        kind: RowKind::Place,
                        key: pkey.clone(),
                        org: Some(p.place),
                        label: place_label(place, date),
                        detail,
                        expandable: !p.neighbourhoods.is_empty(),
                        open: p_open,
                        changed: p.served_by.iter().any(|c| changed(c.commissioner)),
                        approx: p.served_by.iter().any(|c| approx_share(c.basis, c.share)),
                        sharing: String::new(),
                        hover: hover.join("\n"),
                    });
                    if p_open {
                        for n in &p.neighbourhoods {
                            rows.push(neighbourhood_row(s, &pkey, n, date));
                        }
                    }
                }
            }
            Grouping::SystemCcg => {
                // Regroup the places under each commissioner.
                for comm in commissioners {
                    let places: Vec<(OrgId, &Served)> = sys
                        .places
                        .iter()
                        .filter_map(|p| {
                            p.served_by
                                .iter()
                                .find(|c| c.commissioner == comm)
                                .map(|c| (p.place, c))
                        })
                        .collect();
                    let o = s.org(comm);
                    let ckey = format!("{key}/c:{}", o.code);
                    let c_open = open.is_open(&ckey);
                    let mut detail = plural(places.len(), "place", "places");
                    if let Some(p) = population_text(o) {
                        detail.push_str(" · ");
                        detail.push_str(&p);
                    }
                    rows.push(TreeRow {
                        expandable: true,
                        open: c_open,
                        ..commissioner_row(s, date, ckey.clone(), comm, 1, detail)
                    });
                    if c_open {
                        for (place, served) in places {
                            let po = s.org(place);
                            let detail = if served.share < FULL_SHARE {
                                format!("serves {} of it", share_text(served.basis, served.share))
                            } else {
                                "serves all of it".to_string()
                            };
                            let mut hover = vec![share_hover(s, comm, served, "of the place")];
                            if po.named_later(date) {
                                hover.push(format!("{}: {}", po.name, po.named_later_note()));
                            }
                            rows.push(TreeRow {
                                depth: 2,
                                kind: RowKind::Place,
                                key: format!("{ckey}/p:{}", po.code),
                                org: Some(place),
                                label: place_label(po, date),
                                detail,
                                expandable: false,
                                open: false,
                                changed: false,
                                approx: approx_share(served.basis, served.share),
                                sharing: String::new(),
                                hover: hover.join("\n"),
                            });
                        }
                    }
                }
            }
            Grouping::SystemLeadership => {
                let mut teams = teams;
                // Shared teams first, largest first; then CCGs with their own leaders.
                teams.sort_by(|a, b| {
                    b.ccgs
                        .len()
                        .cmp(&a.ccgs.len())
                        .then(s.org(a.ccgs[0]).name.cmp(&s.org(b.ccgs[0]).name))
                });
                let in_team: HashSet<OrgId> =
                    teams.iter().flat_map(|t| t.ccgs.iter().copied()).collect();
                for t in teams.iter().filter(|t| t.shared()) {
                    let codes: Vec<&str> = t.ccgs.iter().map(|c| s.org(*c).code.as_str()).collect();
                    let tkey = format!("{key}/t:{}", codes.join("+"));
                    let t_open = open.is_open(&tkey);
                    let mut kinds: Vec<&str> = s
                        .arrangements_at(&t.arrangements)
                        .map(|a| a.kind.short())
                        .collect();
                    kinds.dedup();
                    let sentences: Vec<String> = s
                        .arrangements_at(&t.arrangements)
                        .map(|a| format!("{} ({})", sharing::sentence(s, a), a.id))
                        .collect();
                    rows.push(TreeRow {
                        depth: 1,
                        kind: RowKind::Team,
                        key: tkey.clone(),
                        org: None,
                        label: format!("Leadership team of {} CCGs", t.ccgs.len()),
                        detail: kinds.join(" · "),
                        expandable: true,
                        open: t_open,
                        changed: s.arrangements_at(&t.arrangements).any(|a| a.from == date),
                        approx: false,
                        sharing: String::new(),
                        hover: sentences.join("\n"),
                    });
                    if t_open {
                        for c in &t.ccgs {
                            let detail = population_text(s.org(*c)).unwrap_or_default();
                            let ckey = format!("{tkey}/c:{}", s.org(*c).code);
                            rows.push(commissioner_row(s, date, ckey, *c, 2, detail));
                        }
                    }
                }
                for c in commissioners {
                    let shared = in_team.contains(&c)
                        && teams.iter().any(|t| t.shared() && t.ccgs.contains(&c));
                    if shared {
                        continue;
                    }
                    let o = s.org(c);
                    let mut detail = if o.kind == OrgKind::Ccg {
                        "own leadership".to_string()
                    } else {
                        String::new()
                    };
                    if let Some(p) = population_text(o) {
                        if !detail.is_empty() {
                            detail.push_str(" · ");
                        }
                        detail.push_str(&p);
                    }
                    let ckey = format!("{key}/c:{}", o.code);
                    rows.push(commissioner_row(s, date, ckey, c, 1, detail));
                }
            }
        }
    }
    rows
}

/// A neighbourhood's row under a place: estimated membership and share marked `≈`.
fn neighbourhood_row(s: &Snapshot, pkey: &str, n: &Served, date: Date) -> TreeRow {
    let o = s.org(n.commissioner);
    let mut detail = population_text(o).unwrap_or_default();
    if n.share < FULL_SHARE {
        detail = format!("{} in this place · {detail}", share_text(n.basis, n.share));
    } else if approx_share(n.basis, n.share) {
        detail = format!("{APPROX} {detail}");
    }
    let mut hover = vec![share_hover(
        s,
        n.commissioner,
        n,
        "of the neighbourhood lies here",
    )];
    for (_, l) in s.links_of(n.commissioner) {
        if matches!(
            l.kind,
            LinkKind::NeighbourhoodCcg | LinkKind::NeighbourhoodSubIcb
        ) && l.a == n.commissioner
            && l.holds_on(date)
        {
            hover.push(format!(
                "Member of {}: {} ({}); source {}",
                s.org(l.b).label(),
                l.basis.label(),
                l.basis.explain(),
                source_text(s, &l.source)
            ));
        }
    }
    TreeRow {
        depth: 2,
        kind: RowKind::Neighbourhood,
        key: format!("{pkey}/n:{}", o.code),
        org: Some(n.commissioner),
        label: o.label(),
        detail,
        expandable: false,
        open: false,
        changed: o.from == date,
        approx: approx_share(n.basis, n.share),
        sharing: String::new(),
        hover: hover.join("\n"),
    }
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
                Grouping::SystemLeadership => {
                    if !serves {
                        continue;
                    }
                    // Inside its team's row when it shares leadership.
                    let ccgs: Vec<OrgId> = sys
                        .places
                        .iter()
                        .flat_map(|p| p.served_by.iter().map(|c| c.commissioner))
                        .filter(|c| s.org(*c).kind == OrgKind::Ccg)
                        .collect::<HashSet<_>>()
                        .into_iter()
                        .collect();
                    let team = sharing::teams(s, date, ccgs)
                        .into_iter()
                        .find(|t| t.shared() && t.ccgs.contains(&id));
                    return match team {
                        Some(t) => {
                            let codes: Vec<&str> =
                                t.ccgs.iter().map(|c| s.org(*c).code.as_str()).collect();
                            let tkey = format!("{skey}/t:{}", codes.join("+"));
                            vec![skey, tkey]
                        }
                        None => vec![skey],
                    };
                }
            }
        }
    }
    Vec::new()
}

/// The system (or ICB) an organisation belongs to on `date`, for highlighting.
pub fn system_of(tl: &Timeline, org: OrgId, date: Date) -> Option<OrgId> {
    let s = tl.snapshot();
    // From July 2022 an ICB is the board of its system: the system is what is drawn.
    let board_of = |icb: OrgId| {
        s.links_of(icb)
            .find(|(_, l)| l.kind == LinkKind::IcbSystem && l.a == icb && l.holds_on(date))
            .map(|(_, l)| l.b)
            .unwrap_or(icb)
    };
    match s.org(org).kind {
        OrgKind::System => Some(org),
        OrgKind::Icb => Some(board_of(org)),
        OrgKind::SubIcb => s
            .links_of(org)
            .find(|(_, l)| l.kind == LinkKind::SubIcbIcb && l.a == org && l.holds_on(date))
            .map(|(_, l)| board_of(l.b)),
        OrgKind::Ccg => s.links_of(org).find_map(|(_, l)| {
            (l.kind == LinkKind::CcgSystem && l.a == org && l.holds_on(date)).then_some(l.b)
        }),
        // A place: the system of the commissioner serving most of it.
        OrgKind::Place => s
            .links_of(org)
            .filter(|(_, l)| l.kind.serves_place() && l.b == org && l.holds_on(date))
            .max_by(|(_, a), (_, b)| a.share.total_cmp(&b.share))
            .and_then(|(_, l)| system_of(tl, l.a, date)),
        // A neighbourhood: its commissioner's system.
        OrgKind::Neighbourhood => s
            .links_of(org)
            .find(|(_, l)| {
                matches!(
                    l.kind,
                    LinkKind::NeighbourhoodCcg | LinkKind::NeighbourhoodSubIcb
                ) && l.a == org
                    && l.holds_on(date)
            })
            .and_then(|(_, l)| system_of(tl, l.b, date)),
        OrgKind::Region => None,
    }
}
