//! What changed between two dates: counts on each, and a list of changes (mergers of
//! CCGs and of ICBs, splits, renames, moves between systems, sub-ICB locations moving
//! to another ICB, boundary changes, CCGs becoming sub-ICB locations, shared
//! leadership beginning and ending).

use std::collections::BTreeSet;

use super::format::EventKind;
use super::{Counts, Date, LinkKind, OrgId, OrgKind, Timeline};

/// The kinds of change listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A CCG was established.
    Established,
    /// CCGs merged into a new CCG, or ICBs (wholly or in part) into a new ICB.
    Merge,
    /// Part of an organisation passed to another (a new one, or one that carries on):
    /// one change for each part.
    Split,
    /// A sub-ICB location moved from one ICB to another (its code kept).
    MovedIcb,
    /// One CCG carried on under a new code (a scenario's CCG taken up by a later real
    /// merger): not a merger.
    CarriedOn,
    /// A CCG took a new name.
    Rename,
    /// A CCG moved from one system to another.
    MovedSystem,
    /// A CCG's boundary changed.
    BoundaryChange,
    /// A CCG was abolished and its area became a sub-ICB location of an ICB.
    BecameSubIcb,
    /// A CCG outside any system was placed in one (when STPs began).
    JoinedSystem,
    /// CCGs began sharing management (an accountable officer, a team, a joint committee).
    SharedManagementBegan,
    /// A shared-management arrangement ended.
    SharedManagementEnded,
}

impl ChangeKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [ChangeKind; 12] = [
        ChangeKind::Merge,
        ChangeKind::Split,
        ChangeKind::CarriedOn,
        ChangeKind::BecameSubIcb,
        ChangeKind::MovedIcb,
        ChangeKind::MovedSystem,
        ChangeKind::BoundaryChange,
        ChangeKind::SharedManagementBegan,
        ChangeKind::SharedManagementEnded,
        ChangeKind::Rename,
        ChangeKind::Established,
        ChangeKind::JoinedSystem,
    ];

    /// The machine name used in JSON (`merge`, `rename`, ...).
    pub fn key(self) -> &'static str {
        match self {
            ChangeKind::Established => "established",
            ChangeKind::Merge => "merge",
            ChangeKind::Split => "split",
            ChangeKind::MovedIcb => "moved-icb",
            ChangeKind::CarriedOn => "carried-on",
            ChangeKind::Rename => "rename",
            ChangeKind::MovedSystem => "moved-system",
            ChangeKind::BoundaryChange => "boundary-change",
            ChangeKind::BecameSubIcb => "became-sub-icb-location",
            ChangeKind::JoinedSystem => "joined-system",
            ChangeKind::SharedManagementBegan => "shared-management-began",
            ChangeKind::SharedManagementEnded => "shared-management-ended",
        }
    }

    /// A heading for people.
    pub fn heading(self) -> &'static str {
        match self {
            ChangeKind::Established => "Established",
            ChangeKind::Merge => "Merged",
            ChangeKind::Split => "Split",
            ChangeKind::MovedIcb => "Moved to another ICB",
            ChangeKind::CarriedOn => "Carried on under a new code",
            ChangeKind::Rename => "Renamed",
            ChangeKind::MovedSystem => "Moved system",
            ChangeKind::BoundaryChange => "Boundary changes",
            ChangeKind::BecameSubIcb => "Became sub-ICB locations",
            ChangeKind::JoinedSystem => "Placed in a system",
            ChangeKind::SharedManagementBegan => "Shared management or leadership began",
            ChangeKind::SharedManagementEnded => "Shared management or leadership ended",
        }
    }
}

/// One change between the two dates.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// What kind.
    pub kind: ChangeKind,
    /// The day it took effect.
    pub date: Date,
    /// What it came from: the merging CCGs, the CCG abolished, the CCG that moved.
    pub from: Vec<OrgId>,
    /// What it became: the new CCG, the sub-ICB location, the CCG itself.
    pub to: OrgId,
    /// For an abolition, the ICB; for a move, the system joined.
    pub into: Option<OrgId>,
    /// For a move, the system left.
    pub left: Option<OrgId>,
    /// For shared management, the arrangement (an index into
    /// [`super::Snapshot::arrangements`]); `from` lists its CCGs and `to` is the first.
    pub arrangement: Option<usize>,
    /// The event's note (for renames and boundary changes: what changed).
    pub note: String,
    /// For a merger of ICBs: the predecessors only part of which passed on, each with
    /// the share that did. For a split: the share passing.
    pub parts: Vec<(OrgId, f64)>,
    /// How the change is known, where the record says (its event's basis).
    pub basis: Option<super::Provenance>,
}

impl Change {
    /// One line for people.
    pub fn describe(&self, s: &super::Snapshot) -> String {
        let label = |id: OrgId| s.org(id).label();
        let list = |ids: &[OrgId]| ids.iter().map(|i| label(*i)).collect::<Vec<_>>().join(", ");
        let note = if self.note.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.note)
        };
        match self.kind {
            ChangeKind::Established => format!("{} established", label(self.to)),
            ChangeKind::CarriedOn => {
                format!("{} carries on as {}", list(&self.from), label(self.to))
            }
            ChangeKind::Merge if self.parts.is_empty() => {
                format!("{} formed from {}", label(self.to), list(&self.from))
            }
            ChangeKind::Merge => {
                let whole: Vec<OrgId> = self
                    .from
                    .iter()
                    .copied()
                    .filter(|f| !self.parts.iter().any(|(p, _)| p == f))
                    .collect();
                let mut names: Vec<String> = whole.iter().map(|i| label(*i)).collect();
                names.extend(
                    self.parts.iter().map(|(p, share)| {
                        format!("part of {} ({})", label(*p), share_words(*share))
                    }),
                );
                format!("{} formed from {}", label(self.to), names.join(", "))
            }
            ChangeKind::Split => {
                let share = self
                    .parts
                    .first()
                    .map(|(_, x)| format!(" ({})", share_words(*x)))
                    .unwrap_or_default();
                format!(
                    "part of {}{share} passed to {}{note}",
                    list(&self.from),
                    label(self.to)
                )
            }
            ChangeKind::MovedIcb => match (self.left, self.into) {
                (Some(l), Some(i)) => format!(
                    "{} now in {} (was {})",
                    s.org(self.to).label_on(self.date),
                    label(i),
                    label(l)
                ),
                _ => format!("{} moved to another ICB", label(self.to)),
            },
            ChangeKind::Rename => format!("{}: renamed{note}", label(self.to)),
            ChangeKind::BoundaryChange => format!("{}: boundary changed{note}", label(self.to)),
            ChangeKind::MovedSystem | ChangeKind::JoinedSystem => match (self.left, self.into) {
                (Some(l), Some(i)) => format!(
                    "{} now in {} (was {})",
                    label(self.to),
                    s.org(i).name,
                    s.org(l).name
                ),
                (None, Some(i)) => format!("{} joined {}", label(self.to), s.org(i).name),
                _ => format!("{} changed system", label(self.to)),
            },
            ChangeKind::SharedManagementBegan | ChangeKind::SharedManagementEnded => {
                let what = self
                    .arrangement
                    .and_then(|i| s.arrangements.get(i))
                    .map(|a| format!("{} {}", a.kind.label(), super::sharing::span_text(a)))
                    .unwrap_or_default();
                let verb = if self.kind == ChangeKind::SharedManagementBegan {
                    "began sharing"
                } else {
                    "stopped sharing"
                };
                format!("{} {verb}: {what}", list(&self.from))
            }
            ChangeKind::BecameSubIcb => match self.into {
                Some(icb) => format!(
                    "{} became a sub-ICB location of {}",
                    list(&self.from),
                    label(icb)
                ),
                None => format!("{} became a sub-ICB location", list(&self.from)),
            },
        }
    }
}

/// `58.9% of its population`.
fn share_words(share: f64) -> String {
    format!("{:.1}% of its population", share * 100.0)
}

/// Two dates side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The earlier date.
    pub a: Date,
    /// The later date.
    pub b: Date,
    /// Whether the dates were given the other way round.
    pub swapped: bool,
    /// Live counts on `a`.
    pub counts_a: Counts,
    /// Live counts on `b`.
    pub counts_b: Counts,
    /// Every change in `(a, b]`, by date then kind.
    pub changes: Vec<Change>,
    /// Merger events in `(a, b]`, whatever exists on `b`.
    pub mergers: usize,
    /// CCGs that ended in those mergers, and the CCGs they created.
    pub merged: (usize, usize),
    /// CCGs alive on `b` that mergers after `a` created.
    pub new_ccgs: Vec<OrgId>,
    /// The CCGs alive on `a` they were formed from.
    pub formed_from: Vec<OrgId>,
    /// ICBs alive on `b` that mergers of ICBs after `a` created (from two or more).
    pub new_icbs: Vec<OrgId>,
    /// The ICBs alive on `a` they were formed from, wholly or in part.
    pub icbs_formed_from: Vec<OrgId>,
}

impl Comparison {
    /// Every organisation a change touches (for marking the tree).
    pub fn touched(&self) -> BTreeSet<OrgId> {
        let mut set = BTreeSet::new();
        for c in &self.changes {
            set.extend(c.from.iter().copied());
            set.insert(c.to);
            set.extend(c.into);
        }
        set
    }

    /// The counts on both dates, a row per kind that can change: (what, on A, on B).
    pub fn count_rows(&self) -> [(&'static str, usize, usize); 9] {
        let (a, b) = (self.counts_a, self.counts_b);
        [
            ("clinical commissioning groups", a.ccg, b.ccg),
            (
                "CCGs sharing leadership",
                a.ccgs_sharing_leadership,
                b.ccgs_sharing_leadership,
            ),
            (
                "leadership teams (CCGs, then ICBs)",
                a.leadership_teams,
                b.leadership_teams,
            ),
            ("STPs / integrated care systems", a.system, b.system),
            ("integrated care boards", a.icb, b.icb),
            (
                "ICBs sharing leadership",
                a.icbs_sharing_leadership,
                b.icbs_sharing_leadership,
            ),
            ("sub-ICB locations", a.sub_icb_location, b.sub_icb_location),
            ("places", a.place, b.place),
            ("neighbourhoods (PCNs)", a.neighbourhood, b.neighbourhood),
        ]
    }

    /// Changes of one kind.
    pub fn of(&self, kind: ChangeKind) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.kind == kind)
    }

    /// `18 mergers: 18 new CCGs formed from 74`, from the merger events between the
    /// dates whatever exists on B; with ICB mergers, `6 ICB mergers: 6 new ICBs formed
    /// from 12`; `No mergers between these dates` when there are none.
    pub fn summary(&self) -> String {
        use super::plural;
        let mut parts = Vec::new();
        if self.mergers > 0 {
            let head = plural(self.mergers, "merger", "mergers");
            parts.push(if !self.new_ccgs.is_empty() {
                format!(
                    "{head}: {} formed from {}",
                    plural(self.new_ccgs.len(), "new CCG", "new CCGs"),
                    self.formed_from.len()
                )
            } else {
                let (ended, created) = self.merged;
                format!(
                    "{head}: {} merged into {}, none of which exists on {}",
                    plural(ended, "CCG", "CCGs"),
                    plural(created, "new CCG", "new CCGs"),
                    super::human_date(self.b)
                )
            });
        }
        if !self.new_icbs.is_empty() {
            parts.push(format!(
                "{}: {} formed from {}",
                plural(self.new_icbs.len(), "ICB merger", "ICB mergers"),
                plural(self.new_icbs.len(), "new ICB", "new ICBs"),
                self.icbs_formed_from.len()
            ));
        }
        if parts.is_empty() {
            return "No mergers between these dates".to_string();
        }
        parts.join("; ")
    }
}

/// The relation of `kind` from `org` (as member) to a group, holding on `day`.
fn group_link(tl: &Timeline, org: OrgId, kind: LinkKind, day: Date) -> Option<(OrgId, Date)> {
    tl.snapshot().links_of(org).find_map(|(_, l)| {
        (l.kind == kind && l.a == org && l.holds_on(day)).then_some((l.b, l.from))
    })
}

/// The system (STP/ICS) a CCG, or a sub-ICB location through its ICB, is in on `day`,
/// and since when.
fn system_on(tl: &Timeline, org: OrgId, day: Date) -> Option<(OrgId, Date)> {
    match tl.snapshot().org(org).kind {
        OrgKind::SubIcb => {
            let (icb, joined) = group_link(tl, org, LinkKind::SubIcbIcb, day)?;
            let (sys, since) = group_link(tl, icb, LinkKind::IcbSystem, day)?;
            Some((sys, joined.max(since)))
        }
        _ => group_link(tl, org, LinkKind::CcgSystem, day),
    }
}

/// What carries `org` on at `day`: itself if it still exists, or the sub-ICB location
/// that continues a CCG abolished into an ICB by then.
fn carried_on(tl: &Timeline, org: OrgId, day: Date) -> Option<OrgId> {
    let s = tl.snapshot();
    if s.org(org).alive_on(day) {
        return Some(org);
    }
    tl.ends_in(org).iter().find_map(|e| {
        let ev = &tl.events()[*e];
        (ev.kind == EventKind::AbolishIntoIcb && ev.date <= day)
            .then(|| tl.sub_icb_for(org, ev.to))
            .flatten()
            .filter(|sub| s.org(*sub).alive_on(day))
    })
}

/// What changed on `day`: the record on it compared with the day before.
pub fn changes_on(tl: &Timeline, day: Date) -> Comparison {
    compare(tl, day.pred_opt().unwrap_or(day), day)
}

/// Compares the record on `a` with the record on `b` (either order).
pub fn compare(tl: &Timeline, a: Date, b: Date) -> Comparison {
    let swapped = a > b;
    let (a, b) = if swapped { (b, a) } else { (a, b) };
    let s = tl.snapshot();
    let mut changes = Vec::new();
    let change = |kind, date, from: Vec<OrgId>, to| Change {
        kind,
        date,
        from,
        to,
        into: None,
        left: None,
        arrangement: None,
        note: String::new(),
        parts: Vec::new(),
        basis: None,
    };
    // Mergers and splits into one organisation on one day are one change.
    let mut into: std::collections::BTreeMap<(Date, OrgId), Vec<&super::snapshot::Event>> =
        Default::default();
    for ev in tl.events().iter().filter(|e| a < e.date && e.date <= b) {
        let kind = match ev.kind {
            EventKind::Establish => ChangeKind::Established,
            EventKind::Merge | EventKind::Split => {
                into.entry((ev.date, ev.to)).or_default().push(ev);
                continue;
            }
            EventKind::Rename => ChangeKind::Rename,
            EventKind::BoundaryChange => ChangeKind::BoundaryChange,
            EventKind::AbolishIntoIcb => {
                for f in &ev.from {
                    changes.push(Change {
                        into: Some(ev.to),
                        basis: ev.basis,
                        ..change(
                            ChangeKind::BecameSubIcb,
                            ev.date,
                            vec![*f],
                            tl.sub_icb_for(*f, ev.to).unwrap_or(ev.to),
                        )
                    });
                }
                continue;
            }
        };
        // A rename says the new name (the organisation keeps one name, its latest or
        // its first, and the note says what it was).
        let note = if kind == ChangeKind::Rename
            && !ev.name.is_empty()
            && !ev.note.contains(&format!("to {}", ev.name))
        {
            if ev.note.is_empty() {
                format!("to {}", ev.name)
            } else {
                format!("to {}; {}", ev.name, ev.note)
            }
        } else {
            ev.note.clone()
        };
        changes.push(Change {
            note,
            basis: ev.basis,
            ..change(kind, ev.date, ev.from.clone(), ev.to)
        });
    }
    for ((date, to), evs) in &into {
        let created = s.org(*to).from == *date;
        let from: Vec<OrgId> = evs.iter().flat_map(|e| e.from.iter().copied()).collect();
        let splits: Vec<&&super::snapshot::Event> =
            evs.iter().filter(|e| e.kind == EventKind::Split).collect();
        let basis = evs.iter().filter_map(|e| e.basis).max();
        let note = evs
            .iter()
            .map(|e| e.note.as_str())
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        if created && from.len() >= 2 {
            changes.push(Change {
                parts: splits
                    .iter()
                    .flat_map(|e| e.from.iter().map(|f| (*f, e.passing_share())))
                    .collect(),
                basis,
                note,
                ..change(ChangeKind::Merge, *date, from, *to)
            });
        } else if created && splits.is_empty() {
            changes.push(Change {
                basis,
                note,
                ..change(ChangeKind::CarriedOn, *date, from, *to)
            });
        } else {
            // Parts passed on: to a new organisation from one, or to one that carries on.
            for e in evs {
                let kind = if e.kind == EventKind::Split {
                    ChangeKind::Split
                } else {
                    ChangeKind::Merge
                };
                changes.push(Change {
                    parts: e.from.iter().map(|f| (*f, e.passing_share())).collect(),
                    basis: e.basis,
                    note: e.note.clone(),
                    ..change(kind, *date, e.from.clone(), *to)
                });
            }
        }
    }
    // Shared management that began or ended between the dates.
    for (i, arr) in s.arrangements.iter().enumerate() {
        let Some(first) = arr.members.first().copied() else {
            continue;
        };
        let ended = (arr.to != super::FOREVER)
            .then(|| arr.to.succ_opt())
            .flatten();
        for (kind, day) in [
            (ChangeKind::SharedManagementBegan, Some(arr.from)),
            (ChangeKind::SharedManagementEnded, ended),
        ] {
            if let Some(day) = day
                && a < day
                && day <= b
            {
                changes.push(Change {
                    arrangement: Some(i),
                    note: arr.id.clone(),
                    basis: arr.basis,
                    ..change(kind, day, arr.everyone().collect(), first)
                });
            }
        }
    }
    let (state_a, state_b) = (tl.state_at(a), tl.state_at(b));
    let commissioners_a: Vec<OrgId> = state_a
        .alive(OrgKind::Ccg)
        .chain(state_a.alive(OrgKind::SubIcb))
        .collect();
    for ccg in commissioners_a {
        // A CCG that became a sub-ICB location is followed into it.
        let Some(later) = carried_on(tl, ccg, b) else {
            continue;
        };
        // A sub-ICB location that moved to another ICB (its code kept).
        if s.org(ccg).kind == OrgKind::SubIcb {
            let before = group_link(tl, ccg, LinkKind::SubIcbIcb, a);
            let after = group_link(tl, later, LinkKind::SubIcbIcb, b);
            if let (Some((left, _)), Some((joined, since))) = (before, after)
                && left != joined
            {
                let basis = s
                    .links_of(later)
                    .find(|(_, l)| l.kind == LinkKind::SubIcbIcb && l.a == later && l.holds_on(b))
                    .map(|(_, l)| l.basis);
                changes.push(Change {
                    into: Some(joined),
                    left: Some(left),
                    basis,
                    ..change(ChangeKind::MovedIcb, since, vec![ccg], later)
                });
                continue;
            }
        }
        let before = system_on(tl, ccg, a);
        let Some((after, since)) = system_on(tl, later, b) else {
            continue;
        };
        // A system re-coded under the same name is not a move.
        let same_name = before.is_some_and(|(x, _)| s.org(x).name == s.org(after).name);
        if before.map(|x| x.0) != Some(after) && !same_name {
            changes.push(Change {
                into: Some(after),
                left: before.map(|x| x.0),
                ..change(
                    if before.is_some() {
                        ChangeKind::MovedSystem
                    } else {
                        ChangeKind::JoinedSystem
                    },
                    since,
                    vec![ccg],
                    later,
                )
            });
        }
    }
    let name = |id: OrgId| s.org(id).name.as_str();
    changes.sort_by(|x, y| {
        x.date
            .cmp(&y.date)
            .then(x.kind.cmp(&y.kind))
            .then(name(x.to).cmp(name(y.to)))
            .then(x.from.cmp(&y.from))
    });
    // Net mergers: new CCGs (and ICBs) alive on `b`, and their ancestors alive on `a`.
    let net = |kind: OrgKind| -> (Vec<OrgId>, BTreeSet<OrgId>) {
        let mut new = Vec::new();
        let mut formed_from = BTreeSet::new();
        for body in state_b.alive(kind) {
            if state_a.is_alive(body) || tl.merges_into(body).is_empty() {
                continue;
            }
            let mut stack = vec![body];
            let mut ancestors = BTreeSet::new();
            let mut guard = 0;
            while let Some(x) = stack.pop() {
                guard += 1;
                if guard > 100_000 {
                    break;
                }
                if state_a.is_alive(x) && x != body {
                    ancestors.insert(x);
                    continue;
                }
                for &e in tl.merges_into(x) {
                    let ev = &tl.events()[e];
                    if a < ev.date && ev.date <= b {
                        stack.extend(ev.from.iter().copied());
                    }
                }
            }
            // One body carried on under a new code is no merger.
            if ancestors.len() >= 2 {
                new.push(body);
                formed_from.extend(ancestors);
            }
        }
        new.sort_by(|x, y| name(*x).cmp(name(*y)));
        (new, formed_from)
    };
    let (new_ccgs, formed_from) = net(OrgKind::Ccg);
    let (new_icbs, icbs_formed_from) = net(OrgKind::Icb);
    // Mergers of CCGs counted from the events, whatever exists on `b`.
    let merger_events: Vec<&super::snapshot::Event> = tl
        .events()
        .iter()
        .filter(|e| {
            e.kind == EventKind::Merge
                && e.from.len() >= 2
                && s.org(e.to).kind == OrgKind::Ccg
                && a < e.date
                && e.date <= b
        })
        .collect();
    let ended: BTreeSet<OrgId> = merger_events
        .iter()
        .flat_map(|e| e.from.iter().copied())
        .collect();
    let created: BTreeSet<OrgId> = merger_events.iter().map(|e| e.to).collect();
    Comparison {
        a,
        b,
        swapped,
        counts_a: tl.counts_at(a),
        counts_b: tl.counts_at(b),
        mergers: merger_events.len(),
        merged: (ended.len(), created.len()),
        changes,
        new_ccgs,
        formed_from: formed_from.into_iter().collect(),
        new_icbs,
        icbs_formed_from: icbs_formed_from.into_iter().collect(),
    }
}
