//! View models: plain data the panels draw, built from the model layer.
//!
//! Nothing here depends on egui, so every view model can be tested on its own. The
//! window caches them per date (and per expand state) rather than rebuilding them
//! every frame.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::format::EventKind;
use crate::model::sharing;
use crate::model::snapshot::{LinkKind, Org};
use crate::model::timeline::{Served, SystemNode};
use crate::model::{
    APPROX, Date, FOREVER, OrgId, OrgKind, Provenance, Snapshot, Timeline, human_date,
};
pub use crate::model::{FULL_SHARE, approx_share};

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

pub use crate::model::{plural, thousands};

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

/// The title of a source key, for hover texts: `LOOKUP_2019: ONS LSOA to CCG ...`.
pub fn source_text(s: &Snapshot, key: &str) -> String {
    match s.sources.iter().find(|x| x.key == key) {
        Some(src) if !src.title.is_empty() => format!("{key}: {}", src.title),
        _ => key.to_string(),
    }
}

/// A source's title up to its first colon (`DAC Beachcroft, "...", 11 June 2019`), or
/// its key when it has no title.
pub fn short_source(s: &Snapshot, key: &str) -> String {
    s.sources
        .iter()
        .find(|x| x.key == key)
        .and_then(|x| x.title.split(':').next())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(key)
        .to_string()
}

/// `60%`, with `≈` when the share is not published (see [`approx_share`]).
fn share_text(basis: Provenance, share: f64) -> String {
    let mark = if approx_share(basis, share) {
        APPROX
    } else {
        ""
    };
    format!("{mark}{}", percent(share))
}

/// One hover line about a share: `NHS A CCG (A01): 60% of the place, derived (arithmetic
/// on published figures ...); source LOOKUP_2019: ...`.
fn share_hover(s: &Snapshot, who: OrgId, served: &Served, of_what: &str) -> String {
    let l = s.link(served.link);
    format!(
        "{}: {} {of_what}, {} ({}); source {}",
        s.org(who).label(),
        percent(served.share),
        served.basis.label(),
        served.basis.explain(),
        source_text(s, &l.source)
    )
}

/// The served-by text of a place: `NHS A CCG (A01) ≈60% · NHS B CCG (B01) ≈40%`.
fn served_text(s: &Snapshot, served: &[Served], date: Date) -> String {
    served
        .iter()
        .map(|c| {
            let o = s.org(c.commissioner);
            if c.share < FULL_SHARE {
                format!("{} {}", o.label_on(date), share_text(c.basis, c.share))
            } else if approx_share(c.basis, c.share) {
                format!("{APPROX}{}", o.label_on(date))
            } else {
                o.label_on(date)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The shared management a CCG has on `date`: a short badge (`shared AO · joint
/// committee`) and a hover text naming each arrangement's partners and dates.
pub fn sharing_badge(s: &Snapshot, ccg: OrgId, date: Date) -> (String, String) {
    let now: Vec<&crate::model::snapshot::Arrangement> = sharing::of_ccg(s, ccg)
        .into_iter()
        .map(|i| &s.arrangements[i])
        .filter(|a| a.holds_on(date))
        .collect();
    let mut kinds: Vec<&str> = now.iter().map(|a| a.kind.short()).collect();
    kinds.dedup();
    let hover = now
        .iter()
        .map(|a| {
            let partners: Vec<String> = sharing::partners(a, ccg)
                .map(|p| s.org(p).label())
                .collect();
            format!(
                "{} with {} {} ({})",
                capitalise(a.kind.label()),
                sharing::and_list(&partners),
                sharing::span_text(a),
                a.id
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    (kinds.join(" · "), hover)
}

/// `Shared accountable officer`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
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
fn icb_of_system(s: &Snapshot, id: OrgId, date: Date) -> Option<OrgId> {
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
                    let mut kinds: Vec<&str> = t
                        .arrangements
                        .iter()
                        .map(|i| s.arrangements[*i].kind.short())
                        .collect();
                    kinds.dedup();
                    let sentences: Vec<String> = t
                        .arrangements
                        .iter()
                        .map(|i| {
                            let a = &s.arrangements[*i];
                            format!("{} ({})", sharing::sentence(s, a), a.id)
                        })
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
                        changed: t
                            .arrangements
                            .iter()
                            .any(|i| s.arrangements[*i].from == date),
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
    for i in &lineage.arrangements {
        let a = &s.arrangements[*i];
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

/// A labelled wave of mergers on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Wave {
    /// The day.
    pub date: Date,
    /// `Apr 2020: 74 CCGs ➡ 18`.
    pub label: String,
    /// Shorter forms for a crowded timeline, longest first: `Apr 2020: 74 ➡ 18`, `74 ➡ 18`.
    pub shorter: [String; 2],
    /// Whether a scenario's event is among them.
    pub scenario: bool,
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

/// A day on which shared management began or ended, drawn as a quieter mark.
#[derive(Clone, Debug, PartialEq)]
pub struct SharingMark {
    /// The day (an end is marked the day after the last day).
    pub date: Date,
    /// What began and ended, one line each, for the hover text.
    pub lines: Vec<String>,
    /// Whether any of them is a scenario's.
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
    /// Days on which shared management began or ended.
    pub sharing: Vec<SharingMark>,
}

/// Builds the timeline model once per snapshot.
pub fn timeline_model(tl: &Timeline) -> TimelineModel {
    let (first, last) = tl.snapshot().span();
    let mut marks = Vec::new();
    let mut waves = Vec::new();
    for day in tl.event_days() {
        let events = tl.events_on(*day);
        // A "merger" of one CCG (a scenario's CCG carried on by a later real one) is a
        // succession, not a merger: it is not counted in the wave.
        let merges: Vec<_> = events
            .iter()
            .filter(|e| {
                e.kind == EventKind::Merge
                    && e.from.len() >= 2
                    && tl.snapshot().org(e.to).kind == OrgKind::Ccg
            })
            .collect();
        let abolitions: Vec<_> = events
            .iter()
            .filter(|e| e.kind == EventKind::AbolishIntoIcb)
            .collect();
        let icb_wave = icb_wave(tl, *day);
        let scenario = events
            .iter()
            .any(|e| e.source == crate::model::scenario::SCENARIO_SOURCE);
        marks.push(Mark {
            date: *day,
            events: events.len(),
            structural: !merges.is_empty() || !abolitions.is_empty() || icb_wave.is_some(),
            scenario,
        });
        let month = day.format("%b %Y");
        if let Some((ended, created)) = icb_wave {
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {ended} ICBs ➡ {created}"),
                shorter: [
                    format!("{month}: {ended} ➡ {created} ICBs"),
                    format!("{ended} ➡ {created}"),
                ],
                scenario,
            });
        } else if !merges.is_empty() {
            let n_from: usize = merges.iter().map(|e| e.from.len()).sum();
            let what = if scenario { " (scenario)" } else { "" };
            let n = merges.len();
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {n_from} CCGs ➡ {n}{what}"),
                shorter: [
                    format!("{month}: {n_from} ➡ {n}"),
                    format!("{n_from} ➡ {n}"),
                ],
                scenario,
            });
        } else if !abolitions.is_empty() {
            let n_from: usize = abolitions.iter().map(|e| e.from.len()).sum();
            let icbs = plural(abolitions.len(), "ICB", "ICBs");
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {} ➡ {icbs}", plural(n_from, "CCG", "CCGs")),
                shorter: [
                    format!("{month}: {n_from} ➡ {icbs}"),
                    format!("{n_from} ➡ {icbs}"),
                ],
                scenario,
            });
        }
    }
    TimelineModel {
        first,
        last,
        marks,
        waves,
        sharing: sharing_marks(tl.snapshot(), first, last),
    }
}

/// The ICBs that ended on `day` in mergers and splits, and the new ICBs they formed
/// (`None` when no ICB was formed that day): 12 and 6 on 1 April 2026.
pub fn icb_wave(tl: &Timeline, day: Date) -> Option<(usize, usize)> {
    let s = tl.snapshot();
    let mut ended: Vec<OrgId> = Vec::new();
    let mut created: Vec<OrgId> = Vec::new();
    for e in tl.events_on(day) {
        if !matches!(e.kind, EventKind::Merge | EventKind::Split)
            || s.org(e.to).kind != OrgKind::Icb
        {
            continue;
        }
        ended.extend(e.from.iter().copied());
        if s.org(e.to).from == day {
            created.push(e.to);
        }
    }
    ended.sort_unstable();
    ended.dedup();
    created.sort_unstable();
    created.dedup();
    (!created.is_empty()).then_some((ended.len(), created.len()))
}

/// The days shared management began or ended, within the snapshot's span.
fn sharing_marks(s: &Snapshot, first: Date, last: Date) -> Vec<SharingMark> {
    let mut by_day: std::collections::BTreeMap<Date, SharingMark> = Default::default();
    for a in &s.arrangements {
        let names: Vec<&str> = a.members.iter().map(|m| s.org(*m).code.as_str()).collect();
        let ended = (a.to != FOREVER).then(|| a.to.succ_opt()).flatten();
        for (day, verb) in [(Some(a.from), "began"), (ended, "ended")] {
            let Some(day) = day.filter(|d| *d >= first && *d <= last) else {
                continue;
            };
            let m = by_day.entry(day).or_insert_with(|| SharingMark {
                date: day,
                lines: Vec::new(),
                scenario: false,
            });
            m.lines.push(format!(
                "{} {verb}: {} ({})",
                capitalise(a.kind.label()),
                names.join(", "),
                a.id
            ));
            m.scenario |= a.source == crate::model::scenario::SCENARIO_SOURCE;
        }
    }
    by_day.into_values().collect()
}

/// The events of a day summed up, a line for each kind: `18 mergers: 74 CCGs became
/// 18`, `NHS X CCG (X1) carries on as NHS Y CCG (Y1)`, `106 CCGs became sub-ICB locations
/// of 42 ICBs`. For captions and the changes list, where a wave is one thing.
pub fn day_summary(tl: &Timeline, day: Date) -> Vec<String> {
    let s = tl.snapshot();
    let events = tl.events_on(day);
    let scenario = |es: &[&crate::model::snapshot::Event]| {
        if es
            .iter()
            .any(|e| e.source == crate::model::scenario::SCENARIO_SOURCE)
        {
            " (scenario)"
        } else {
            ""
        }
    };
    let of = |kind: EventKind| -> Vec<&crate::model::snapshot::Event> {
        events.iter().filter(|e| e.kind == kind).collect()
    };
    let mut lines = Vec::new();
    if let Some((ended, created)) = icb_wave(tl, day) {
        lines.push(format!(
            "{}: {} became {}",
            plural(created, "ICB merger", "ICB mergers"),
            plural(ended, "ICB", "ICBs"),
            created
        ));
    }
    let merges: Vec<_> = of(EventKind::Merge)
        .into_iter()
        .filter(|e| e.from.len() >= 2 && s.org(e.to).kind == OrgKind::Ccg)
        .collect();
    if !merges.is_empty() {
        let from: usize = merges.iter().map(|e| e.from.len()).sum();
        lines.push(format!(
            "{}: {} became {}{}",
            plural(merges.len(), "merger", "mergers"),
            plural(from, "CCG", "CCGs"),
            merges.len(),
            scenario(&merges)
        ));
    }
    for e in of(EventKind::Merge)
        .into_iter()
        .filter(|e| e.from.len() == 1 && s.org(e.to).kind == OrgKind::Ccg)
    {
        lines.push(format!(
            "{} carries on as {}{}",
            s.org(e.from[0]).label(),
            s.org(e.to).label(),
            scenario(&[e])
        ));
    }
    let abolitions = of(EventKind::AbolishIntoIcb);
    if !abolitions.is_empty() {
        let from: usize = abolitions.iter().map(|e| e.from.len()).sum();
        lines.push(format!(
            "{} became sub-ICB locations of {}",
            plural(from, "CCG", "CCGs"),
            plural(abolitions.len(), "ICB", "ICBs")
        ));
    }
    let established = of(EventKind::Establish).len();
    if established > 0 {
        lines.push(format!(
            "{} established",
            plural(established, "CCG", "CCGs")
        ));
    }
    for (kind, one, many) in [
        (EventKind::Split, "split", "splits"),
        (EventKind::Rename, "rename", "renames"),
        (
            EventKind::BoundaryChange,
            "boundary change",
            "boundary changes",
        ),
    ] {
        let es = of(kind);
        match es.as_slice() {
            [] => {}
            [e] => lines.push(format!(
                "{}: {}",
                capitalise(kind.label()),
                s.org(e.to).label()
            )),
            _ => lines.push(plural(es.len(), one, many)),
        }
    }
    lines
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
            "{} established",
            plural(established, "CCG", "CCGs")
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
                if e.from.len() == 1 {
                    lines.push(format!(
                        "Carried on{what}: {} as {}",
                        names(&e.from),
                        s.org(e.to).label()
                    ))
                } else {
                    lines.push(format!(
                        "Merger{what}: {} into {}",
                        names(&e.from),
                        s.org(e.to).label()
                    ))
                }
            }
            EventKind::AbolishIntoIcb => lines.push(format!(
                "{} abolished into {}",
                plural(e.from.len(), "CCG", "CCGs"),
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
            EventKind::Split => lines.push(format!(
                "Split: part of {} ({:.1}%) to {}",
                names(&e.from),
                e.passing_share() * 100.0,
                s.org(e.to).label()
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
    /// Notes that belong to this footprint: (source key, text).
    pub annotations: Vec<(String, String)>,
    /// Which CCGs the footprint adds up, over all years.
    pub members: String,
    /// Published allowances of the selected CCG itself: (year, GBP, source).
    pub own_published: Vec<(i32, f64, String)>,
    /// The selection's own running costs where its footprint is wider (a CCG that
    /// merged, alone while it existed; a place, its share): what it is, and (year, GBP).
    pub own: Option<(String, Vec<[f64; 2]>)>,
    /// England's national totals as the snapshot gives them: (year, GBP, basis, source).
    pub national: Vec<(i32, f64, Provenance, String)>,
    /// Reported claims about the footprint, each with the year it is drawn at (the
    /// last year of its period) and the model's structural savings that year.
    pub reported: Vec<ReportedLine>,
}

/// A reported claim on the running-cost chart, beside the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedLine {
    /// The claim.
    pub figure: crate::model::costs::ReportedFigure,
    /// The financial year it is drawn at (its first calendar year).
    pub year: Option<i32>,
    /// The model's structural savings in that year, for comparison.
    pub modelled_saving_gbp: Option<f64>,
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

/// A figure from a note, drawn as a point beside the record's line.
#[derive(Clone, Debug, PartialEq)]
pub struct NotePoint {
    /// Decimal year.
    pub x: f64,
    /// The value given.
    pub value: f64,
    /// The series it belongs to (see [`crate::model::format::COUNT_SERIES`]).
    pub series: String,
    /// What the record gives for that series on that day.
    pub record: f64,
    /// Its basis (reported, for an article's claim).
    pub basis: Provenance,
    /// `DAC_BEACHCROFT_2019: DAC Beachcroft, ...`: the source's key and title.
    pub source: String,
    /// `DAC Beachcroft, "The NHS Long Term Plan balancing act", 11 June 2019`: the
    /// source's title up to its first colon.
    pub source_title: String,
    /// The day.
    pub date: Date,
}

/// Chart (c): commissioning bodies (CCGs, then ICBs) and leadership teams over time.
#[derive(Clone, Debug, PartialEq)]
pub struct CountChart {
    /// The day marked.
    pub date: Date,
    /// Statutory CCGs: step points (decimal year, count).
    pub steps: Vec<[f64; 2]>,
    /// Leadership teams: bodies (CCGs, then ICBs) linked by shared leadership count once.
    pub teams: Vec<[f64; 2]>,
    /// CCGs sharing leadership.
    pub sharing: Vec<[f64; 2]>,
    /// Shared leadership teams (one leader over several CCGs or ICBs).
    pub shared_teams: Vec<[f64; 2]>,
    /// Statutory ICBs (from July 2022).
    pub icbs: Vec<[f64; 2]>,
    /// ICBs sharing leadership (the 2025 clusters).
    pub icb_sharing: Vec<[f64; 2]>,
    /// Where the current date is (decimal year).
    pub marker_x: f64,
    /// `1 Apr 2020: 135 CCGs, 120 leadership teams`.
    pub marker_label: String,
    /// Notes pinned to dates: (decimal year, text).
    pub annotations: Vec<(f64, String)>,
    /// Figures the notes give, beside the record.
    pub points: Vec<NotePoint>,
}

/// The value of a count series on a day.
fn series_value(c: &crate::model::Counts, series: &str) -> f64 {
    // Teams over two or more bodies: the sharing bodies less those a team stands for
    // beyond its first.
    let bodies = c.ccg + c.icb;
    let shared_teams = (c.ccgs_sharing_leadership + c.icbs_sharing_leadership)
        .saturating_sub(bodies.saturating_sub(c.leadership_teams));
    (match series {
        "ccg" => c.ccg,
        "leadership_teams" => c.leadership_teams,
        "ccgs_sharing_leadership" => c.ccgs_sharing_leadership,
        "shared_leadership_teams" => shared_teams,
        "icb" => c.icb,
        "icbs_sharing_leadership" => c.icbs_sharing_leadership,
        _ => 0,
    }) as f64
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
        .map(|a| {
            (
                a.source.clone(),
                format!("{} · {} ({})", human_date(a.date), a.text, a.basis.label()),
            )
        })
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
        format!("the CCGs added up: {}", member_codes.join(", "))
    } else {
        format!("{} CCGs over time", member_codes.len())
    };
    // Say what is drawn: a CCG's running costs are its merged footprint's.
    let footprint_ccgs: Vec<OrgId> = (0..s.orgs.len())
        .map(|i| OrgId(i as u32))
        .filter(|id| s.org(*id).kind == OrgKind::Ccg && model.in_footprint(&fp, *id))
        .collect();
    let merger = |e: &usize| tl.events()[*e].kind == EventKind::Merge;
    let roots = footprint_ccgs
        .iter()
        .filter(|c| !tl.merges_into(**c).iter().any(merger))
        .count();
    let leaves: Vec<String> = footprint_ccgs
        .iter()
        .filter(|c| !tl.ends_in(**c).iter().any(merger))
        .map(|c| s.org(*c).label())
        .collect();
    let title = match selection.map(|id| (id, s.org(id))) {
        Some((_, o)) if o.kind == OrgKind::Ccg && footprint_ccgs.len() > 1 => {
            if leaves == [o.label()] {
                format!(
                    "Running costs: {}, with the {roots} CCGs it was formed from",
                    fp.name
                )
            } else {
                format!(
                    "Running costs of the footprint of {}: the {roots} CCGs that became {}",
                    o.label(),
                    sharing::and_list(&leaves)
                )
            }
        }
        Some((_, o)) if o.kind == OrgKind::Place => format!(
            "Running costs: the CCGs serving {} ({} in all), and its share",
            fp.name,
            footprint_ccgs.len()
        ),
        _ => format!("Running costs: {}", fp.name),
    };
    let own = match selection.map(|id| (id, s.org(id))) {
        Some((id, o)) if o.kind == OrgKind::Ccg && footprint_ccgs.len() > 1 => {
            let pts: Vec<[f64; 2]> = model
                .years
                .iter()
                .filter_map(|y| model.allowance_of(id, *y).map(|(v, _)| [y.0 as f64, v]))
                .collect();
            (!pts.is_empty()).then(|| {
                (
                    format!("Allowance of {} alone (modelled, while it existed)", o.name),
                    pts,
                )
            })
        }
        Some((_, o)) if o.kind == OrgKind::Place => o.population.as_ref().map(|p| {
            (
                format!(
                    "{}'s share: allowance per head × its {} people (modelled)",
                    o.name,
                    thousands(p.count)
                ),
                model
                    .years
                    .iter()
                    .filter_map(|y| model.modelled_allowance(p, *y).map(|v| [y.0 as f64, v]))
                    .collect(),
            )
        }),
        _ => None,
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
    let national = rows
        .iter()
        .filter_map(|r| {
            Some((
                r.start_year,
                r.national_total_gbp?,
                r.national_total_basis?,
                r.national_total_source.clone().unwrap_or_default(),
            ))
        })
        .collect();
    let reported = model
        .reported(&fp)
        .into_iter()
        .map(|figure| {
            // Drawn at the last financial year its period names (`2018/19-2019/20`).
            let year = figure
                .period
                .split(|c: char| !(c.is_ascii_digit() || c == '/'))
                .filter_map(|w| w.parse::<crate::model::FinancialYear>().ok())
                .map(|y| y.0)
                .max();
            let modelled_saving_gbp = year.and_then(|y| {
                rows.iter()
                    .find(|r| r.start_year == y)
                    .map(|r| r.structural_saving_gbp)
            });
            ReportedLine {
                figure,
                year,
                modelled_saving_gbp,
            }
        })
        .collect();
    CostChart {
        national,
        reported,
        own,
        title,
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
    // An empty chart says why, and what to do.
    let after = crate::model::FinancialYear(model.baseline_year.0 + 1);
    let note = match year {
        None => "This snapshot has no running-cost years, so there are no savings to show."
            .to_string(),
        Some(y) if y < model.baseline_year => format!(
            "Savings are measured from the {} baseline, so there are none before it: move the date to {after} or later.",
            model.baseline_year
        ),
        Some(y) if y == model.baseline_year => format!(
            "{y} is the baseline year itself: savings are measured from it, so every bar is zero. Move the date to {after} or later."
        ),
        Some(_) if bars.is_empty() => {
            "No systems on this date, so there are no bars: move the date to April 2017 or later, when STPs began."
                .to_string()
        }
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

/// Builds chart (c): statutory CCGs, then ICBs, and leadership teams as step lines, with the
/// figures notes give (the reported "127 CCGs under 38 leaders") beside the record.
pub fn count_chart(tl: &Timeline, date: Date) -> CountChart {
    use crate::model::format::ChartKind;
    let s = tl.snapshot();
    let (first, last) = s.span();
    let mut days: Vec<Date> = vec![first];
    days.extend(tl.event_days().iter().copied().filter(|d| *d > first));
    days.extend(
        tl.sharing_days()
            .iter()
            .copied()
            .filter(|d| *d > first && *d <= last),
    );
    days.sort_unstable();
    days.dedup();
    let mut lines: [Vec<[f64; 2]>; 6] = Default::default();
    for (i, d) in days.iter().enumerate() {
        let c = tl.counts_at(*d);
        let x = decimal_year(*d);
        for (line, series) in lines.iter_mut().zip(crate::model::format::COUNT_SERIES) {
            let n = series_value(&c, series);
            if let Some(prev) = line.last().map(|p| p[1]) {
                line.push([x, prev]);
            }
            line.push([x, n]);
            if i + 1 == days.len() {
                line.push([decimal_year(last.max(*d)), n]);
            }
        }
    }
    let notes: Vec<&crate::model::snapshot::Annotation> = s
        .annotations
        .iter()
        .filter(|a| a.chart == ChartKind::CcgCount)
        .collect();
    let annotations = notes
        .iter()
        .map(|a| {
            (
                decimal_year(a.date),
                format!("{} ({}; source {})", a.text, a.basis.label(), a.source),
            )
        })
        .collect();
    let points = notes
        .iter()
        .flat_map(|a| {
            let c = tl.counts_at(a.date);
            a.points.iter().map(move |(series, value)| NotePoint {
                x: decimal_year(a.date),
                value: *value,
                series: series.clone(),
                record: series_value(&c, series),
                basis: a.basis,
                source: source_text(s, &a.source),
                source_title: short_source(s, &a.source),
                date: a.date,
            })
        })
        .collect();
    let c = tl.counts_at(date);
    let [
        steps,
        teams,
        sharing,
        shared_teams,
        mut icbs,
        mut icb_sharing,
    ] = lines;
    // The ICB lines begin with the ICBs (July 2022), not at zero through the CCG era.
    match s
        .orgs
        .iter()
        .filter(|o| o.kind == crate::model::OrgKind::Icb)
        .map(|o| o.from)
        .min()
    {
        Some(first_icb) => {
            let x0 = decimal_year(first_icb);
            icbs.retain(|p| p[0] >= x0);
            icb_sharing.retain(|p| p[0] >= x0);
        }
        None => {
            icbs.clear();
            icb_sharing.clear();
        }
    }
    CountChart {
        date,
        steps,
        teams,
        sharing,
        shared_teams,
        icbs,
        icb_sharing,
        marker_x: decimal_year(date),
        marker_label: if c.ccg > 0 {
            format!(
                "{}: {}, {} ({} sharing leadership)",
                human_date(date),
                plural(c.ccg, "CCG", "CCGs"),
                plural(c.leadership_teams, "leadership team", "leadership teams"),
                thousands(c.ccgs_sharing_leadership as u64)
            )
        } else if c.icb > 0 {
            format!(
                "{}: {}, {} ({} sharing leadership)",
                human_date(date),
                plural(c.icb, "ICB", "ICBs"),
                plural(c.leadership_teams, "leadership team", "leadership teams"),
                thousands(c.icbs_sharing_leadership as u64)
            )
        } else {
            format!("{}: no CCGs or ICBs", human_date(date))
        },
        annotations,
        points,
    }
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

/// Running costs of the selection at the date, for the details panel.
pub fn cost_lines(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    org: OrgId,
    date: Date,
) -> Vec<String> {
    footprint_cost_lines(model, &model.footprint(tl, org, date), date)
}

/// Running costs in the ICB era (from July 2022) of the selection (or England) at the
/// date: the ICB footprint's allowance, envelope and 50% level that financial year.
/// `None` before the ICB era, or for something with no ICB footprint.
pub fn icb_cost_lines(tl: &Timeline, selection: Option<OrgId>, date: Date) -> Option<Vec<String>> {
    use crate::model::icb_costs::IcbCostModel;
    if CostEra::of_date(tl, date) != CostEra::Icb {
        return None;
    }
    let model = IcbCostModel::new(tl);
    let fp = match selection {
        None => model.england(tl),
        Some(id) => model.footprint(tl, id, date).ok()?,
    };
    let year = crate::model::FinancialYear::containing(date);
    let rows = model.series(tl, &fp);
    let row = rows.iter().find(|r| r.start_year == year.0)?;
    let m = |x: f64| format!("£{:.1}m", x / 1e6);
    let mut lines = vec![format!("ICB era footprint: {}", fp.name)];
    lines.push(match (row.allowance_gbp, row.allowance_basis) {
        (Some(g), Some(b)) => format!("Allowance {}: {} ({})", row.year, m(g), b.label()),
        _ if !row.allowance_parts.is_empty() => format!(
            "Allowance {}: published (draft) for {} of {} ICBs only; no figure for {}",
            row.year,
            row.icbs.saturating_sub(row.missing.len()),
            row.icbs,
            row.missing.join(", ")
        ),
        _ => format!("Allowance {}: no figure in the record", row.year),
    });
    if let Some(e) = row.envelope_gbp {
        lines.push(format!(
            "Envelope {}: {} (modelled; covers programme pay too: not comparable with the allowance)",
            row.year,
            m(e)
        ));
    }
    if let Some(h) = row.half_gbp {
        lines.push(format!("Half the 2024/25 allowance: {} (modelled)", m(h)));
    }
    lines.push("The CCG era's running costs: choose it above the cost chart.".to_string());
    Some(lines)
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

/// One view of the world: the actual record, or a scenario laid over it, with its
/// cost model and timeline marks (built together, on a worker for a file that loads).
#[derive(Clone)]
pub struct World {
    pub timeline: std::sync::Arc<Timeline>,
    pub costs: std::sync::Arc<crate::model::costs::CostModel>,
    pub timeline_model: std::sync::Arc<TimelineModel>,
}

impl World {
    /// Builds the cost model and the timeline marks of `timeline`.
    pub fn new(timeline: Timeline) -> Self {
        World {
            costs: std::sync::Arc::new(crate::model::costs::CostModel::new(&timeline)),
            timeline_model: std::sync::Arc::new(timeline_model(&timeline)),
            timeline: std::sync::Arc::new(timeline),
        }
    }
}

/// Which era's running costs the cost chart shows: never both at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostEra {
    /// CCG running-cost allowances, 2013/14 to 2022/23 (the 20% target).
    Ccg,
    /// ICB running costs from July 2022 (the 30% and 50% targets, the £18.76 envelope).
    Icb,
}

impl CostEra {
    /// The era a date falls in, for a snapshot: ICB from the first ICB's day.
    pub fn of_date(tl: &Timeline, date: Date) -> Self {
        let first_icb = tl
            .snapshot()
            .orgs
            .iter()
            .filter(|o| o.kind == crate::model::OrgKind::Icb)
            .map(|o| o.from)
            .min();
        match first_icb {
            Some(d) if date >= d => CostEra::Icb,
            _ => CostEra::Ccg,
        }
    }

    /// The label of the choice.
    pub fn label(self) -> &'static str {
        match self {
            CostEra::Ccg => "CCG era (2013–2022)",
            CostEra::Icb => "ICB era (from July 2022)",
        }
    }
}

/// A figure drawn as a point on the ICB running-cost chart.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbPoint {
    /// The financial year's first calendar year.
    pub year: i32,
    /// GBP m.
    pub gbp_m: f64,
    /// Its basis.
    pub basis: Provenance,
    /// Whether it covers the whole footprint (else a part: drawn hollow).
    pub complete: bool,
    /// What it is, for the legend and hover.
    pub label: String,
}

/// Chart (a) in the ICB era: an ICB footprint's running costs and rules, never mixed
/// with the CCG era's.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbCostChart {
    /// `ICB running costs: NHS Central East Integrated Care Board (S1Y5D)`.
    pub title: String,
    /// What the footprint is, in a sentence.
    pub describe: String,
    /// Why the footprint is England though something else was selected.
    pub fallback: Option<String>,
    /// The financial years (first calendar years).
    pub years: Vec<i32>,
    /// The £-a-head envelope × population, GBP m by year: modelled.
    pub envelope: Vec<[f64; 2]>,
    /// Half the 2024/25 allowance, GBP m by year: modelled.
    pub half: Vec<[f64; 2]>,
    /// Published, derived or reported figures: allowances and other amounts.
    pub points: Vec<IcbPoint>,
    /// The rules, a sentence each, with their basis, scope, baseline and deadline.
    pub rules: Vec<String>,
    /// Why the envelope cannot be read against the allowance.
    pub not_comparable: String,
    /// Years with no allowance figure, and why: (year, text).
    pub gaps: Vec<(i32, String)>,
    /// The financial year of the date shown (its first year).
    pub current_year: Option<i32>,
}

/// Builds chart (a) for the ICB era: the footprint of the selection (an ICB, its
/// sub-ICB location, its system or a region), or England.
pub fn icb_cost_chart(tl: &Timeline, selection: Option<OrgId>, date: Date) -> IcbCostChart {
    use crate::model::icb_costs::IcbCostModel;
    let model = IcbCostModel::new(tl);
    let (fp, fallback) = match selection {
        None => (model.england(tl), None),
        Some(id) => match model.footprint(tl, id, date) {
            Ok(fp) => (fp, None),
            Err(e) => (model.england(tl), Some(format!("{e}: showing England"))),
        },
    };
    let rows = model.series(tl, &fp);
    let rules = model.rules(&rows);
    let x = |y: i32| y as f64;
    let envelope = rows
        .iter()
        .filter_map(|r| r.envelope_gbp.map(|g| [x(r.start_year), g / 1e6]))
        .collect();
    let half = rows
        .iter()
        .filter_map(|r| r.half_gbp.map(|g| [x(r.start_year), g / 1e6]))
        .collect();
    let mut points = Vec::new();
    let mut gaps = Vec::new();
    for r in &rows {
        match (r.allowance_gbp, r.allowance_basis) {
            (Some(g), Some(b)) => points.push(IcbPoint {
                year: r.start_year,
                gbp_m: g / 1e6,
                basis: b,
                complete: true,
                label: format!("Allowance {} ({})", r.year, b.label()),
            }),
            _ if !r.allowance_parts.is_empty() => {
                let sum: f64 = r.allowance_parts.iter().map(|p| p.gbp * p.weight).sum();
                let basis = r
                    .allowance_parts
                    .iter()
                    .map(|p| p.basis)
                    .max()
                    .unwrap_or(Provenance::Published);
                let known = r.icbs.saturating_sub(r.missing.len());
                points.push(IcbPoint {
                    year: r.start_year,
                    gbp_m: sum / 1e6,
                    basis,
                    complete: false,
                    label: format!(
                        "Allowances {} of {known} of {} ICBs ({}; no figure for {})",
                        r.year,
                        r.icbs,
                        basis.label(),
                        r.missing.join(", ")
                    ),
                });
                gaps.push((
                    r.start_year,
                    format!(
                        "{}: published (draft) for {known} of {} ICBs only; no figure for {}",
                        r.year,
                        r.icbs,
                        r.missing.join(", ")
                    ),
                ));
            }
            _ => gaps.push((
                r.start_year,
                format!(
                    "{}: no allowance figure{}",
                    r.year,
                    if r.gap.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", r.gap)
                    }
                ),
            )),
        }
    }
    for f in model.other_figures(&fp) {
        if let (Some(g), Some(y)) = (f.gbp, f.year) {
            points.push(IcbPoint {
                year: y.0,
                gbp_m: g / 1e6,
                basis: f.basis,
                complete: true,
                label: format!(
                    "{} {} ({}; source {})",
                    f.metric.replace('_', " "),
                    f.period,
                    f.basis.label(),
                    f.source
                ),
            });
        }
    }
    let not_comparable = model
        .targets
        .iter()
        .find(|t| t.gbp_per_head.is_some() && !t.comparable_with_allowance)
        .map(|t| {
            format!(
                "The £{:.2} a head envelope covers running costs and programme pay: it is not \
                 comparable with the running cost allowance.",
                t.gbp_per_head.unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let rules = rules
        .iter()
        .map(|r| {
            let t = &r.target;
            let mut line = format!(
                "{} ({}): {}; baseline {}; {}",
                t.name,
                t.basis.label(),
                t.scope,
                t.baseline_year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "none".to_string()),
                t.deadline
            );
            if r.levels.is_empty() && !r.no_level.is_empty() {
                line.push_str(&format!(". No level drawn: {}", r.no_level));
            }
            line
        })
        .collect();
    IcbCostChart {
        title: format!("ICB running costs: {}", fp.name),
        describe: fp.describe.clone(),
        fallback,
        years: rows.iter().map(|r| r.start_year).collect(),
        envelope,
        half,
        points,
        rules,
        not_comparable,
        gaps,
        current_year: Some(crate::model::FinancialYear::containing(date).0),
    }
}
