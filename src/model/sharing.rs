//! Shared management: CCGs (and, from 2025, ICBs) that kept their statutory bodies but
//! shared leadership.
//!
//! The record holds dated arrangements: a shared accountable officer, a single
//! management team, a joint committee, an ICB leadership cluster. This module answers
//! which hold on a day, what a body shared and with whom, and how the bodies alive on a
//! day fall into leadership teams. Bodies linked by shared leadership (directly, or
//! through a partner they both share with) form one team; a body sharing with no one is
//! a team of its own. Joint committees are arrangements too, shown wherever the record
//! is shown, but share no leadership. A cluster's part members (ICBs only part of whose
//! area joined it) are shown with it but belong to the team they are a member of.

use std::collections::{BTreeMap, BTreeSet};

use super::format::{ArrangementKind, DatePrecision};
use super::snapshot::Arrangement;
use super::{Date, FOREVER, OrgId, Snapshot};

/// Indexes into [`Snapshot::arrangements`] of those holding on `date`.
pub fn holding_on(s: &Snapshot, date: Date) -> impl Iterator<Item = usize> + '_ {
    s.arrangements
        .iter()
        .enumerate()
        .filter(move |(_, a)| a.holds_on(date))
        .map(|(i, _)| i)
}

/// Indexes of every arrangement that names `ccg` (a CCG or an ICB, as a member or a
/// part member), by start date.
pub fn of_ccg(s: &Snapshot, ccg: OrgId) -> Vec<usize> {
    let mut out: Vec<usize> = s
        .arrangements
        .iter()
        .enumerate()
        .filter(|(_, a)| a.members.contains(&ccg) || a.part_members.contains(&ccg))
        .map(|(i, _)| i)
        .collect();
    out.sort_by_key(|i| (s.arrangements[*i].from, *i));
    out
}

/// The other members (and part members) of arrangement `a`, seen from `ccg`.
pub fn partners(a: &Arrangement, ccg: OrgId) -> impl Iterator<Item = OrgId> + '_ {
    a.everyone().filter(move |m| *m != ccg)
}

/// One leadership team on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    /// Its bodies (CCGs, or ICBs), in id order (one for a body that shares with no one).
    pub ccgs: Vec<OrgId>,
    /// The shared-leadership arrangements that join them, by start date.
    pub arrangements: Vec<usize>,
    /// Whether an arrangement of the team also reaches into part of another body's area
    /// (an East of England cluster): then even a team of one body shares leadership.
    pub partly: bool,
}

impl Team {
    /// Whether the team's leadership is shared: more than one body, or one body with
    /// part of another's area.
    pub fn shared(&self) -> bool {
        self.ccgs.len() > 1 || self.partly
    }
}

/// Union-find over organisation ids, for grouping CCGs into teams (never iterated, so
/// hashed with the fast FxHash).
#[derive(Default)]
struct Groups {
    parent: rustc_hash::FxHashMap<OrgId, OrgId>,
}

impl Groups {
    fn root(&mut self, x: OrgId) -> OrgId {
        let mut r = x;
        while let Some(p) = self.parent.get(&r).copied() {
            if p == r {
                break;
            }
            r = p;
        }
        // Path compression.
        let mut y = x;
        while let Some(p) = self.parent.get(&y).copied() {
            if p == r {
                break;
            }
            self.parent.insert(y, r);
            y = p;
        }
        self.parent.entry(x).or_insert(x);
        r
    }

    fn join(&mut self, a: OrgId, b: OrgId) {
        let (x, y) = (self.root(a), self.root(b));
        if x != y {
            // The smaller id leads, so that groups come out the same every time.
            let (lo, hi) = if x < y { (x, y) } else { (y, x) };
            self.parent.insert(hi, lo);
        }
    }
}

/// The leadership teams of the CCGs in `alive` on `date`: every CCG in exactly one
/// team. Teams are ordered by their first CCG.
pub fn teams(s: &Snapshot, date: Date, alive: impl IntoIterator<Item = OrgId>) -> Vec<Team> {
    let mut groups = Groups::default();
    let alive: BTreeSet<OrgId> = alive.into_iter().collect();
    for a in &alive {
        groups.root(*a);
    }
    let mut joined_by: Vec<(OrgId, usize)> = Vec::new();
    let mut partly: BTreeSet<OrgId> = BTreeSet::new();
    for i in holding_on(s, date) {
        let a = &s.arrangements[i];
        if !a.kind.shares_management() {
            continue;
        }
        let members: Vec<OrgId> = a
            .members
            .iter()
            .copied()
            .filter(|m| alive.contains(m))
            .collect();
        for w in members.windows(2) {
            groups.join(w[0], w[1]);
        }
        if let Some(first) = members.first() {
            joined_by.push((*first, i));
            if !a.part_members.is_empty() {
                partly.insert(*first);
            }
        }
    }
    let mut by_root: BTreeMap<OrgId, Team> = BTreeMap::new();
    for a in &alive {
        let r = groups.root(*a);
        by_root
            .entry(r)
            .or_insert_with(|| Team {
                ccgs: Vec::new(),
                arrangements: Vec::new(),
                partly: false,
            })
            .ccgs
            .push(*a);
    }
    for (first, i) in joined_by {
        let r = groups.root(first);
        if let Some(t) = by_root.get_mut(&r) {
            t.arrangements.push(i);
            t.partly |= partly.contains(&first);
        }
    }
    let mut out: Vec<Team> = by_root.into_values().collect();
    for t in &mut out {
        t.arrangements
            .sort_by_key(|i| (s.arrangements[*i].from, *i));
        t.arrangements.dedup();
    }
    out
}

/// How the bodies alive on a day share leadership: the counts of a day, found by binary
/// search over the days on which an arrangement starts or ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharingIndex {
    /// Days from which the figures below hold, ascending.
    starts: Vec<Date>,
    /// On each stretch: CCGs in a shared-leadership team, ICBs in one, and bodies beyond
    /// the first in each such team (teams = bodies alive less this).
    figures: Vec<(u32, u32, u32)>,
}

/// The counts of shared leadership on a day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    /// CCGs in a shared-leadership arrangement.
    pub ccgs: usize,
    /// ICBs in one (as members: a part member counts in its own team).
    pub icbs: usize,
    /// Bodies beyond the first in each shared team: teams = bodies alive less this.
    pub beyond_first: usize,
}

impl SharingIndex {
    /// Indexes a checked snapshot. Arrangements lie inside their members' lives (the
    /// loader checks it), so only their own days change the figures.
    pub fn new(s: &Snapshot) -> Self {
        let shared: Vec<&Arrangement> = s
            .arrangements
            .iter()
            .filter(|a| a.kind.shares_management() && a.joins_several())
            .collect();
        let mut days: BTreeSet<Date> = BTreeSet::new();
        for a in &shared {
            days.insert(a.from);
            if a.to != FOREVER
                && let Some(after) = a.to.succ_opt()
            {
                days.insert(after);
            }
        }
        let mut starts = Vec::with_capacity(days.len());
        let mut figures = Vec::with_capacity(days.len());
        for day in days {
            let mut groups = Groups::default();
            let mut members: BTreeSet<OrgId> = BTreeSet::new();
            for a in shared.iter().filter(|a| a.holds_on(day)) {
                for w in a.members.windows(2) {
                    groups.join(w[0], w[1]);
                }
                members.extend(a.members.iter().copied());
            }
            let roots: BTreeSet<OrgId> = members.iter().map(|m| groups.root(*m)).collect();
            let icbs = members
                .iter()
                .filter(|m| s.org(**m).kind == super::OrgKind::Icb)
                .count() as u32;
            let sharing = members.len() as u32;
            let beyond_first = sharing - roots.len() as u32;
            starts.push(day);
            figures.push((sharing - icbs, icbs, beyond_first));
        }
        SharingIndex { starts, figures }
    }

    /// On `date`: the CCGs and ICBs in a shared-leadership team, and how many bodies
    /// beyond the first each such team holds.
    pub fn at(&self, date: Date) -> Shared {
        let i = self.starts.partition_point(|d| *d <= date);
        match i.checked_sub(1) {
            Some(i) => {
                let (ccgs, icbs, beyond) = self.figures[i];
                Shared {
                    ccgs: ccgs as usize,
                    icbs: icbs as usize,
                    beyond_first: beyond as usize,
                }
            }
            None => Shared::default(),
        }
    }

    /// Days on which the figures change, ascending.
    pub fn days(&self) -> &[Date] {
        &self.starts
    }
}

/// `April 2017`, `2017` or `1 Apr 2017`, as precisely as the date is known.
fn date_text(d: Date, precision: DatePrecision) -> String {
    match precision {
        DatePrecision::Day => super::human_date(d),
        DatePrecision::Month => d.format("%B %Y").to_string(),
        DatePrecision::Year => d.format("%Y").to_string(),
    }
}

/// When the arrangement began, as precisely as it is known:
/// `from April 2017 (month only, inferred)`.
pub fn start_text(a: &Arrangement) -> String {
    let mut how: Vec<&str> = Vec::new();
    if !a.from_precision.is_day() {
        how.push(a.from_precision.label());
    }
    if a.date_basis.trim() == "inferred" {
        how.push("inferred");
    }
    let how = if how.is_empty() {
        String::new()
    } else {
        format!(" ({})", how.join(", "))
    };
    format!("from {}{how}", date_text(a.from, a.from_precision))
}

/// When it ended: `to 31 Mar 2020`, `to 2018 (year only)`, or `open-ended`.
pub fn end_text(a: &Arrangement) -> String {
    if a.to == FOREVER {
        return "open-ended".to_string();
    }
    let how = if a.to_precision.is_day() {
        String::new()
    } else {
        format!(" ({})", a.to_precision.label())
    };
    format!("to {}{how}", date_text(a.to, a.to_precision))
}

/// `from April 2017 (month only) to 31 Mar 2020`.
pub fn span_text(a: &Arrangement) -> String {
    format!("{} {}", start_text(a), end_text(a))
}

/// What the members did, in words: `shared an accountable officer`.
pub fn verb_phrase(kind: ArrangementKind) -> &'static str {
    match kind {
        ArrangementKind::SharedAccountableOfficer => "shared an accountable officer",
        ArrangementKind::SingleManagementTeam => "shared a single management team",
        ArrangementKind::JointCommittee => "had a joint committee",
        ArrangementKind::LeadershipCluster => "formed a leadership cluster",
    }
}

/// `A, B and C`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The arrangement in a sentence: `NHS A CCG (A01) and NHS B CCG (B01) shared an
/// accountable officer from April 2017 (month only) to 31 Mar 2019`.
pub fn sentence(s: &Snapshot, a: &Arrangement) -> String {
    let names: Vec<String> = a
        .members
        .iter()
        .map(|m| s.org(*m).label())
        .chain(
            a.part_members
                .iter()
                .map(|m| format!("part of {}", s.org(*m).label())),
        )
        .collect();
    format!(
        "{} {} {}",
        and_list(&names),
        verb_phrase(a.kind),
        span_text(a)
    )
}

/// The merger that ended the arrangement by joining all its CCGs the day after its
/// last day, if the lineage has one.
pub fn then_merged<'l>(
    lineage: &'l super::Lineage,
    a: &Arrangement,
) -> Option<&'l super::timeline::LineageStep> {
    let next = a.to.succ_opt()?;
    lineage.steps.iter().find(|st| {
        st.kind == super::format::EventKind::Merge
            && st.date == next
            && a.members.iter().all(|m| st.from.contains(m))
    })
}
