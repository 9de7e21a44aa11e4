//! The merger flow: organisations in columns (1 April of each year, then the ICBs on
//! the day they began and on each day ICBs changed) and who became whom between one
//! column and the next.
//!
//! This is the structure behind the alluvial view; geometry lives with the window.
//! Each CCG flows whole into its successor (a merger) or into the ICB it was abolished
//! into, so within a column the nodes can be ordered so that no two bands cross. An
//! ICB split between several (Frimley in April 2026) flows to each by its share of
//! the population.

use std::collections::HashMap;

use super::format::EventKind;
use super::{Date, LinkKind, OrgId, OrgKind, Snapshot, Timeline};

/// The most columns drawn; longer spans skip years evenly.
pub const MAX_COLUMNS: usize = 24;

/// One organisation in one column.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowNode {
    /// The organisation.
    pub org: OrgId,
    /// Its population: its own figure, or the sum of what flows into it.
    pub value: f64,
    /// Whether `value` is the sum of its predecessors rather than its own figure.
    pub value_derived: bool,
    /// Where it goes in the next column: node index and the share of `value`.
    pub next: Vec<(u32, f64)>,
    /// Where it comes from in the previous column (node indexes).
    pub prev: Vec<u32>,
    /// Index into [`Flow::groups`]: the system its lineage ends in.
    pub group: u32,
    /// How many organisations it stands for (more than 1 in a coarsened flow).
    pub members: u32,
}

/// A column: everything alive on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowColumn {
    /// The day.
    pub date: Date,
    /// Whether the column holds ICBs (rather than CCGs).
    pub icb: bool,
    /// Nodes from top to bottom.
    pub nodes: Vec<FlowNode>,
}

/// The system (or ICB) a family of nodes ends in; nodes are coloured by it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowGroup {
    /// The ICB, the system, or the last CCG of the lineage when it has no system.
    pub org: OrgId,
    /// Its NHS region, where known.
    pub region: Option<OrgId>,
}

/// CCGs in one column under one leadership team (sharing an accountable officer or a
/// management team on the column's date).
#[derive(Clone, Debug, PartialEq)]
pub struct FlowTeam {
    /// Their nodes in the column, top to bottom.
    pub nodes: Vec<u32>,
    /// The arrangements that join them (indexes into `Snapshot::arrangements`).
    pub arrangements: Vec<usize>,
}

/// Columns of organisations and the bands between them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Flow {
    /// Columns left to right.
    pub columns: Vec<FlowColumn>,
    /// Colour groups, in the order they appear in the last column.
    pub groups: Vec<FlowGroup>,
}

/// How far the flow runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FlowSpan {
    /// The CCGs and the ICBs they became: 1 April of every year CCGs exist, then the
    /// day ICBs were established.
    #[default]
    ToIcbs,
    /// The whole record: then every day on which ICBs merged, split or changed their
    /// boundaries (1 April 2023, 1 April 2026 in England), to 36 ICBs.
    Record,
}

/// The days the columns show: 1 April of every year CCGs exist, then the day ICBs
/// were established (if the snapshot has any).
pub fn column_dates(tl: &Timeline) -> Vec<Date> {
    column_dates_for(tl, FlowSpan::ToIcbs)
}

/// The days the columns show over `span`.
pub fn column_dates_for(tl: &Timeline, span: FlowSpan) -> Vec<Date> {
    let s = tl.snapshot();
    let (_, span_end) = s.span();
    let ccgs = s.orgs.iter().filter(|o| o.kind == OrgKind::Ccg);
    let first = ccgs.clone().map(|o| o.from).min();
    let last = ccgs.map(|o| o.to.min(span_end)).max();
    let mut dates = Vec::new();
    if let (Some(first), Some(last)) = (first, last) {
        use chrono::Datelike;
        let mut year = first.year();
        if Date::from_ymd_opt(year, 4, 1).is_some_and(|d| d < first) {
            year += 1;
        }
        while let Some(d) = Date::from_ymd_opt(year, 4, 1) {
            if d > last {
                break;
            }
            dates.push(d);
            year += 1;
        }
    }
    if dates.len() > MAX_COLUMNS {
        let step = dates.len().div_ceil(MAX_COLUMNS);
        let last = dates.last().copied();
        dates = dates.iter().step_by(step).copied().collect();
        if let Some(l) = last
            && dates.last() != Some(&l)
        {
            dates.push(l);
        }
    }
    let icb_day = tl.first_icb_day();
    if let Some(d) = icb_day
        && dates.last().is_none_or(|l| *l < d)
    {
        dates.push(d);
    }
    if span == FlowSpan::Record
        && let Some(d) = icb_day
    {
        // Then every day on which ICBs merged, split or changed their boundaries.
        let mut changed: Vec<Date> = s
            .events
            .iter()
            .filter(|e| e.date > d && s.org(e.to).kind == OrgKind::Icb)
            .map(|e| e.date)
            .collect();
        changed.dedup();
        dates.extend(changed);
    }
    dates
}

/// Where `org` has gone by `day`: itself if alive, else the successors through mergers
/// and abolitions, each with its share of `share`.
fn successors(
    tl: &Timeline,
    org: OrgId,
    day: Date,
    depth: u32,
    share: f64,
    out: &mut Vec<(OrgId, f64)>,
) {
    let s = tl.snapshot();
    if s.org(org).alive_on(day) {
        out.push((org, share));
        return;
    }
    if depth > 64 {
        return;
    }
    let events: Vec<usize> = tl
        .ends_in(org)
        .iter()
        .copied()
        .filter(|e| tl.events()[*e].date <= day)
        .collect();
    // The first day it ends on; an abolition can split it across several ICBs.
    let Some(first_day) = events.iter().map(|e| tl.events()[*e].date).min() else {
        return;
    };
    let on_day: Vec<usize> = events
        .into_iter()
        .filter(|e| tl.events()[*e].date == first_day)
        .collect();
    // An abolition may split a CCG evenly across ICBs; a split passes on its share.
    let n = on_day
        .iter()
        .filter(|e| tl.events()[**e].kind != EventKind::Split)
        .count()
        .max(1) as f64;
    let mut on_day = on_day;
    // The largest part first: a lineage takes the colour of where most of it went.
    on_day.sort_by(|a, b| {
        let (ea, eb) = (&tl.events()[*a], &tl.events()[*b]);
        eb.passing_share()
            .total_cmp(&ea.passing_share())
            .then(a.cmp(b))
    });
    for e in on_day {
        let ev = &tl.events()[e];
        match ev.kind {
            EventKind::Merge | EventKind::AbolishIntoIcb => {
                successors(tl, ev.to, day, depth + 1, share / n, out)
            }
            EventKind::Split => {
                successors(tl, ev.to, day, depth + 1, share * ev.passing_share(), out)
            }
            _ => {}
        }
    }
}

/// The system or ICB `org` belongs to on `day` (itself for a system or ICB).
fn group_of(tl: &Timeline, org: OrgId, day: Date) -> OrgId {
    let s = tl.snapshot();
    match s.org(org).kind {
        OrgKind::System | OrgKind::Icb => org,
        _ => s
            .links_of(org)
            .find_map(|(_, l)| {
                (matches!(l.kind, LinkKind::CcgSystem | LinkKind::SubIcbIcb)
                    && l.a == org
                    && l.holds_on(day))
                .then_some(l.b)
            })
            .unwrap_or(org),
    }
}

/// The region of a system or ICB: the latest region it was in.
fn region_of(tl: &Timeline, group: OrgId) -> Option<OrgId> {
    let s = tl.snapshot();
    s.links_of(group)
        .filter(|(_, l)| {
            matches!(l.kind, LinkKind::SystemRegion | LinkKind::IcbRegion) && l.a == group
        })
        .max_by_key(|(_, l)| l.from)
        .map(|(_, l)| l.b)
}

impl Flow {
    /// The group (ICB or system) whose lineage `id` is drawn in: itself if it is one, the
    /// group of its last node if it is drawn, and for a system, the group with its ONS
    /// code or else where its last CCG went. `None` for anything not in the flow.
    pub fn group_for(&self, s: &Snapshot, id: OrgId) -> Option<OrgId> {
        let drawn = |id: OrgId| {
            if self.groups.iter().any(|g| g.org == id) {
                return Some(id);
            }
            self.columns.iter().rev().find_map(|c| {
                let n = c.nodes.iter().find(|n| n.org == id)?;
                self.groups.get(n.group as usize).map(|g| g.org)
            })
        };
        drawn(id).or_else(|| {
            let o = s.org(id);
            if o.kind != OrgKind::System {
                return None;
            }
            let same_ons = self.groups.iter().find(|g| {
                let go = s.org(g.org);
                go.ons.is_some() && go.ons == o.ons
            });
            same_ons.map(|g| g.org).or_else(|| {
                s.links_of(id)
                    .filter(|(_, l)| l.b == id && l.kind == LinkKind::CcgSystem)
                    .max_by_key(|(_, l)| l.to)
                    .and_then(|(_, l)| drawn(l.a))
            })
        })
    }

    /// Builds the flow of a snapshot from the first CCGs to the ICBs they became.
    pub fn build(tl: &Timeline) -> Flow {
        Self::build_for(tl, FlowSpan::ToIcbs)
    }

    /// Builds the flow over `span`: with [`FlowSpan::Record`], on to the ICBs of the
    /// record's last change (36 in April 2026), with Frimley's split by population.
    pub fn build_for(tl: &Timeline, span: FlowSpan) -> Flow {
        let s = tl.snapshot();
        let dates = column_dates_for(tl, span);
        // Organisations in each column, and where each goes in the next.
        let mut cols: Vec<Vec<OrgId>> = Vec::with_capacity(dates.len());
        let mut icb_col: Vec<bool> = Vec::with_capacity(dates.len());
        for d in &dates {
            let state = tl.state_at(*d);
            let is_icb_col = state.alive(OrgKind::Ccg).next().is_none()
                && state.alive(OrgKind::Icb).next().is_some();
            let kind = if is_icb_col {
                OrgKind::Icb
            } else {
                OrgKind::Ccg
            };
            cols.push(state.alive(kind).collect());
            icb_col.push(is_icb_col);
        }
        let mut succ: Vec<HashMap<OrgId, Vec<(OrgId, f64)>>> = Vec::with_capacity(cols.len());
        for (i, col) in cols.iter().enumerate() {
            let mut m = HashMap::new();
            if let Some(next_day) = dates.get(i + 1) {
                for &o in col {
                    let mut out = Vec::new();
                    successors(tl, o, *next_day, 0, 1.0, &mut out);
                    m.insert(o, out);
                }
            }
            succ.push(m);
        }
        // Groups: decided in the last column where each lineage lives, carried back.
        let mut groups: Vec<FlowGroup> = Vec::new();
        let mut group_ix: HashMap<OrgId, u32> = HashMap::new();
        let mut group_of_node: Vec<HashMap<OrgId, u32>> = vec![HashMap::new(); cols.len()];
        for i in (0..cols.len()).rev() {
            for &o in &cols[i] {
                let inherited = succ[i]
                    .get(&o)
                    .and_then(|v| v.first())
                    .and_then(|(n, _)| group_of_node.get(i + 1).and_then(|m| m.get(n)))
                    .copied();
                let g = match inherited {
                    Some(g) => g,
                    None => {
                        let g = group_of(tl, o, dates[i]);
                        *group_ix.entry(g).or_insert_with(|| {
                            groups.push(FlowGroup {
                                org: g,
                                region: region_of(tl, g),
                            });
                            (groups.len() - 1) as u32
                        })
                    }
                };
                group_of_node[i].insert(o, g);
            }
        }
        // Groups in order: region name, then system name.
        let name = |id: OrgId| s.org(id).name.as_str();
        let mut order: Vec<u32> = (0..groups.len() as u32).collect();
        order.sort_by(|a, b| {
            let (ga, gb) = (&groups[*a as usize], &groups[*b as usize]);
            let ra = ga.region.map(name).unwrap_or("~");
            let rb = gb.region.map(name).unwrap_or("~");
            ra.cmp(rb)
                .then(name(ga.org).cmp(name(gb.org)))
                .then(ga.org.cmp(&gb.org))
        });
        let mut rank = vec![0u32; groups.len()];
        for (r, g) in order.iter().enumerate() {
            rank[*g as usize] = r as u32;
        }
        let groups_sorted: Vec<FlowGroup> =
            order.iter().map(|g| groups[*g as usize].clone()).collect();
        for m in &mut group_of_node {
            for g in m.values_mut() {
                *g = rank[*g as usize];
            }
        }
        // Order columns right to left so that bands do not cross.
        let mut pos: Vec<HashMap<OrgId, usize>> = vec![HashMap::new(); cols.len()];
        for i in (0..cols.len()).rev() {
            let gm = &group_of_node[i];
            let mut keyed: Vec<((u32, f64), OrgId)> = cols[i]
                .iter()
                .map(|&o| {
                    let g = gm.get(&o).copied().unwrap_or(u32::MAX);
                    let at = succ[i]
                        .get(&o)
                        .and_then(|v| {
                            v.iter()
                                .filter_map(|(n, _)| pos.get(i + 1).and_then(|p| p.get(n)))
                                .min()
                        })
                        .map(|p| *p as f64)
                        .unwrap_or(f64::MAX);
                    ((g, at), o)
                })
                .collect();
            keyed.sort_by(|(ka, a), (kb, b)| {
                ka.0.cmp(&kb.0)
                    .then(ka.1.total_cmp(&kb.1))
                    .then(name(*a).cmp(name(*b)))
                    .then(a.cmp(b))
            });
            cols[i] = keyed.into_iter().map(|(_, o)| o).collect();
            pos[i] = cols[i].iter().enumerate().map(|(k, o)| (*o, k)).collect();
        }
        // Nodes, with values from left to right.
        let mut columns: Vec<FlowColumn> = Vec::with_capacity(cols.len());
        for i in 0..cols.len() {
            let mut nodes: Vec<FlowNode> = cols[i]
                .iter()
                .map(|&o| {
                    let own = s.org(o).population.as_ref().map(|p| p.count as f64);
                    let next = succ[i]
                        .get(&o)
                        .map(|v| {
                            v.iter()
                                .filter_map(|(n, share)| {
                                    pos.get(i + 1)
                                        .and_then(|p| p.get(n))
                                        .map(|k| (*k as u32, *share))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    FlowNode {
                        org: o,
                        value: own.filter(|v| *v > 0.0).unwrap_or(0.0),
                        value_derived: own.is_none_or(|v| v <= 0.0),
                        next,
                        prev: Vec::new(),
                        group: group_of_node[i].get(&o).copied().unwrap_or(0),
                        members: 1,
                    }
                })
                .collect();
            if let Some(prev) = columns.last() {
                let mut inflow = vec![0.0; nodes.len()];
                let mut from: Vec<Vec<u32>> = vec![Vec::new(); nodes.len()];
                for (k, p) in prev.nodes.iter().enumerate() {
                    for (n, share) in &p.next {
                        if let Some(slot) = inflow.get_mut(*n as usize) {
                            *slot += p.value * share;
                            from[*n as usize].push(k as u32);
                        }
                    }
                }
                for ((node, v), f) in nodes.iter_mut().zip(inflow).zip(from) {
                    if node.value_derived {
                        node.value = v;
                    }
                    node.prev = f;
                }
            }
            columns.push(FlowColumn {
                date: dates[i],
                icb: icb_col[i],
                nodes,
            });
        }
        Flow {
            columns,
            groups: groups_sorted,
        }
    }

    /// Only the nodes whose group passes `keep`, re-indexed.
    pub fn filtered(&self, keep: impl Fn(&FlowGroup) -> bool) -> Flow {
        let kept: Vec<bool> = self.groups.iter().map(keep).collect();
        let keep_node = |n: &FlowNode| kept.get(n.group as usize).copied().unwrap_or(false);
        // New index of every kept node, per column.
        let new_ix: Vec<Vec<Option<u32>>> = self
            .columns
            .iter()
            .map(|c| {
                let mut k = 0u32;
                c.nodes
                    .iter()
                    .map(|n| {
                        keep_node(n).then(|| {
                            k += 1;
                            k - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let columns = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| FlowColumn {
                date: c.date,
                icb: c.icb,
                nodes: c
                    .nodes
                    .iter()
                    .filter(|n| keep_node(n))
                    .map(|n| FlowNode {
                        next: n
                            .next
                            .iter()
                            .filter_map(|(k, sh)| {
                                new_ix
                                    .get(i + 1)
                                    .and_then(|v| v.get(*k as usize).copied().flatten())
                                    .map(|k| (k, *sh))
                            })
                            .collect(),
                        prev: n
                            .prev
                            .iter()
                            .filter_map(|k| {
                                i.checked_sub(1)
                                    .and_then(|p| new_ix.get(p))
                                    .and_then(|v| v.get(*k as usize).copied().flatten())
                            })
                            .collect(),
                        ..n.clone()
                    })
                    .collect(),
            })
            .collect();
        Flow {
            columns,
            groups: self.groups.clone(),
        }
    }

    /// The same flow with the nodes of each system (or, with `by_region`, each region)
    /// in a column drawn as one: for views too dense to show every organisation.
    /// A coarse node's `org` is the system (ICB) or region it stands for.
    pub fn coarsen(&self, by_region: bool) -> Flow {
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        enum Key {
            Group(u32),
            Region(OrgId),
        }
        let key_of = |n: &FlowNode| -> Key {
            match self.groups.get(n.group as usize).and_then(|g| g.region) {
                Some(r) if by_region => Key::Region(r),
                _ => Key::Group(n.group),
            }
        };
        // Coarse index of every node, per column.
        let mut index: Vec<Vec<u32>> = Vec::with_capacity(self.columns.len());
        let mut columns: Vec<FlowColumn> = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let mut keys: Vec<Key> = Vec::new();
            let mut at: HashMap<Key, u32> = HashMap::new();
            let mut nodes: Vec<FlowNode> = Vec::new();
            let mut ix = Vec::with_capacity(c.nodes.len());
            for n in &c.nodes {
                let k = key_of(n);
                let i = *at.entry(k).or_insert_with(|| {
                    keys.push(k);
                    let org = match k {
                        Key::Region(r) => r,
                        Key::Group(g) => {
                            self.groups.get(g as usize).map(|g| g.org).unwrap_or(n.org)
                        }
                    };
                    nodes.push(FlowNode {
                        org,
                        value: 0.0,
                        value_derived: false,
                        next: Vec::new(),
                        prev: Vec::new(),
                        group: n.group,
                        members: 0,
                    });
                    (nodes.len() - 1) as u32
                });
                let node = &mut nodes[i as usize];
                node.value += n.value;
                node.value_derived |= n.value_derived;
                node.members += n.members;
                ix.push(i);
            }
            index.push(ix);
            columns.push(FlowColumn {
                date: c.date,
                icb: c.icb,
                nodes,
            });
        }
        for (ci, c) in self.columns.iter().enumerate() {
            let Some(next_ix) = index.get(ci + 1) else {
                continue;
            };
            let mut flows: HashMap<(u32, u32), f64> = HashMap::new();
            for (k, n) in c.nodes.iter().enumerate() {
                let from = index[ci][k];
                for (t, share) in &n.next {
                    if let Some(to) = next_ix.get(*t as usize) {
                        *flows.entry((from, *to)).or_default() += n.value.max(1.0) * share;
                    }
                }
            }
            let mut flows: Vec<((u32, u32), f64)> = flows.into_iter().collect();
            flows.sort_by_key(|(k, _)| *k);
            for ((from, to), v) in flows {
                let total = columns[ci].nodes[from as usize].value.max(1.0);
                columns[ci].nodes[from as usize]
                    .next
                    .push((to, (v / total).min(1.0)));
                columns[ci + 1].nodes[to as usize].prev.push(from);
            }
        }
        Flow {
            columns,
            groups: self.groups.clone(),
        }
    }

    /// The shared leadership teams in each column, on the column's date: CCG nodes (in
    /// an ICB column, ICB nodes) that stand for one organisation each (none in a coarse
    /// column).
    pub fn teams(&self, s: &Snapshot) -> Vec<Vec<FlowTeam>> {
        self.columns
            .iter()
            .map(|c| {
                let kind = if c.icb { OrgKind::Icb } else { OrgKind::Ccg };
                let pos: HashMap<OrgId, u32> = c
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.members == 1 && s.org(n.org).kind == kind)
                    .map(|(k, n)| (n.org, k as u32))
                    .collect();
                super::sharing::teams(s, c.date, pos.keys().copied())
                    .into_iter()
                    .filter(|t| t.shared())
                    .map(|t| {
                        let mut nodes: Vec<u32> =
                            t.ccgs.iter().filter_map(|o| pos.get(o).copied()).collect();
                        nodes.sort_unstable();
                        FlowTeam {
                            nodes,
                            arrangements: t.arrangements,
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// The most nodes in any column.
    pub fn densest(&self) -> usize {
        self.columns
            .iter()
            .map(|c| c.nodes.len())
            .max()
            .unwrap_or(0)
    }

    /// Every (column, node) holding `org`.
    pub fn positions(&self, org: OrgId) -> Vec<(usize, usize)> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(c, col)| col.nodes.iter().position(|n| n.org == org).map(|k| (c, k)))
            .collect()
    }

    /// The lineage of a node: everything that flows into it and everything it flows into,
    /// as a flag per node per column.
    pub fn lineage(&self, col: usize, node: usize) -> Vec<Vec<bool>> {
        let mut on: Vec<Vec<bool>> = self
            .columns
            .iter()
            .map(|c| vec![false; c.nodes.len()])
            .collect();
        let mut stack = vec![(col, node)];
        while let Some((c, k)) = stack.pop() {
            let Some(n) = self.columns.get(c).and_then(|x| x.nodes.get(k)) else {
                continue;
            };
            if std::mem::replace(&mut on[c][k], true) && (c, k) != (col, node) {
                continue;
            }
            if c >= col {
                for (nx, _) in &n.next {
                    if !on
                        .get(c + 1)
                        .and_then(|v| v.get(*nx as usize))
                        .copied()
                        .unwrap_or(true)
                    {
                        stack.push((c + 1, *nx as usize));
                    }
                }
            }
            if c <= col
                && let Some(pc) = c.checked_sub(1)
            {
                for p in &n.prev {
                    if !on[pc].get(*p as usize).copied().unwrap_or(true) {
                        stack.push((pc, *p as usize));
                    }
                }
            }
        }
        on
    }

    /// The largest column total, the scale every column shares.
    pub fn max_total(&self) -> f64 {
        self.columns
            .iter()
            .map(|c| c.nodes.iter().map(|n| n.value).sum::<f64>())
            .fold(0.0, f64::max)
    }
}
