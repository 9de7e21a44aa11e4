//! The timeline engine: answers "what was true on date d".
//!
//! Every organisation and relation has a validity interval. The index sorts all the
//! days on which something starts or ends into segments (within a segment nothing
//! changes), keeps the changes per segment, and stores the full set of live items
//! every [`CHECKPOINT_EVERY`] segments. A query finds its segment by binary search,
//! copies the nearest checkpoint and replays at most that many segments of changes,
//! so it never rescans the whole snapshot.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::Serialize;

use super::format::EventKind;
use super::snapshot::{Event, LinkId, LinkKind, OrgId, Snapshot};
use super::{Date, FOREVER, OrgKind};

/// How many segments lie between stored full states.
pub const CHECKPOINT_EVERY: usize = 16;

/// A fixed-size set of small integers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    fn with_len(n: usize) -> Self {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }

    fn set(&mut self, i: usize, on: bool) {
        let (w, b) = (i / 64, i % 64);
        if on {
            self.words[w] |= 1 << b;
        } else {
            self.words[w] &= !(1 << b);
        }
    }

    /// Whether `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// The members within `range`, in order.
    pub fn iter_range(&self, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let Range { start, end } = range;
        let first_word = start / 64;
        let last_word = end.div_ceil(64).min(self.words.len());
        (first_word..last_word).flat_map(move |w| {
            let mut bits = self.words[w];
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
            .filter(move |i| *i >= start && *i < end)
        })
    }
}

/// Live organisations by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// NHS regions.
    pub region: usize,
    /// STPs / ICSs.
    pub system: usize,
    /// Integrated care boards.
    pub icb: usize,
    /// Sub-ICB locations.
    pub sub_icb_location: usize,
    /// Clinical commissioning groups.
    pub ccg: usize,
    /// Places.
    pub place: usize,
    /// Neighbourhoods (PCNs).
    pub neighbourhood: usize,
    /// CCGs in at least one shared accountable officer or single management team
    /// arrangement (joint committees share no leadership).
    pub ccgs_sharing_leadership: usize,
    /// Separate leadership teams among the statutory commissioners alive (CCGs until
    /// June 2022, ICBs from July 2022): bodies linked by shared leadership count once
    /// as a group.
    pub leadership_teams: usize,
    /// ICBs in a leadership cluster (from 2025) with another ICB or part of one.
    pub icbs_sharing_leadership: usize,
}

impl Counts {
    fn slot(&mut self, kind: OrgKind) -> &mut usize {
        match kind {
            OrgKind::Region => &mut self.region,
            OrgKind::System => &mut self.system,
            OrgKind::Icb => &mut self.icb,
            OrgKind::SubIcb => &mut self.sub_icb_location,
            OrgKind::Ccg => &mut self.ccg,
            OrgKind::Place => &mut self.place,
            OrgKind::Neighbourhood => &mut self.neighbourhood,
        }
    }
}

/// One change at the start of a segment: item `item` becomes live (`true`) or not.
type Change = (u32, bool);

/// The index over a snapshot. Owns the snapshot.
#[derive(Clone, Debug)]
pub struct Timeline {
    snapshot: Snapshot,
    /// First day of each segment, ascending.
    starts: Vec<Date>,
    /// Changes applied at the start of each segment.
    changes: Vec<Vec<Change>>,
    /// The full live set after segment `i * CHECKPOINT_EVERY`.
    checkpoints: Vec<BitSet>,
    /// Live counts in each segment.
    counts: Vec<Counts>,
    /// Where each relation kind's ids lie.
    link_ranges: HashMap<LinkKind, Range<usize>>,
    /// Distinct event days, ascending.
    event_days: Vec<Date>,
    /// Merge and split events by the organisation they create or add to.
    merges_into: HashMap<OrgId, Vec<usize>>,
    /// Merge, split and abolition events by each organisation that ends in them.
    ends_in: HashMap<OrgId, Vec<usize>>,
    /// Shared leadership by day, for the counts.
    sharing: super::sharing::SharingIndex,
    /// The day the first integrated care board began, if the record has any.
    first_icb_day: Option<Date>,
    /// Unique to this index (and its clones), for caches keyed by the world shown.
    id: u64,
}

impl Timeline {
    /// Indexes a checked snapshot.
    pub fn new(snapshot: Snapshot) -> Self {
        let n_orgs = snapshot.orgs.len();
        let n_items = n_orgs + snapshot.links.len();
        let mut raw: Vec<(Date, u32, bool)> = Vec::with_capacity(n_items * 2);
        let intervals = snapshot
            .orgs
            .iter()
            .map(|o| (o.from, o.to))
            .chain(snapshot.links.iter().map(|l| (l.from, l.to)));
        for (i, (from, to)) in intervals.enumerate() {
            raw.push((from, i as u32, true));
            if to != FOREVER
                && let Some(after) = to.succ_opt()
            {
                raw.push((after, i as u32, false));
            }
        }
        raw.sort_unstable_by_key(|(d, i, on)| (*d, *on, *i));

        let mut starts = Vec::new();
        let mut changes: Vec<Vec<Change>> = Vec::new();
        for (d, i, on) in raw {
            if starts.last() != Some(&d) {
                starts.push(d);
                changes.push(Vec::new());
            }
            if let Some(c) = changes.last_mut() {
                c.push((i, on));
            }
        }

        let mut live = BitSet::with_len(n_items);
        let mut checkpoints = Vec::new();
        let mut counts = Vec::with_capacity(starts.len());
        let mut running = Counts::default();
        for (seg, segment) in changes.iter().enumerate() {
            for &(i, on) in segment {
                live.set(i as usize, on);
                if (i as usize) < n_orgs {
                    let slot = running.slot(snapshot.orgs[i as usize].kind);
                    if on {
                        *slot += 1;
                    } else {
                        *slot = slot.saturating_sub(1);
                    }
                }
            }
            counts.push(running);
            if seg % CHECKPOINT_EVERY == 0 {
                checkpoints.push(live.clone());
            }
        }

        let mut link_ranges: HashMap<LinkKind, Range<usize>> = HashMap::new();
        for (i, l) in snapshot.links.iter().enumerate() {
            let r = link_ranges.entry(l.kind).or_insert(i..i);
            r.start = r.start.min(i);
            r.end = r.end.max(i + 1);
        }

        let mut event_days: Vec<Date> = snapshot.events.iter().map(|e| e.date).collect();
        event_days.dedup();
        let mut merges_into: HashMap<OrgId, Vec<usize>> = HashMap::new();
        let mut ends_in: HashMap<OrgId, Vec<usize>> = HashMap::new();
        for (i, e) in snapshot.events.iter().enumerate() {
            match e.kind {
                EventKind::Merge | EventKind::Split => {
                    merges_into.entry(e.to).or_default().push(i);
                    for f in &e.from {
                        ends_in.entry(*f).or_default().push(i);
                    }
                }
                EventKind::AbolishIntoIcb => {
                    for f in &e.from {
                        ends_in.entry(*f).or_default().push(i);
                    }
                }
                _ => {}
            }
        }

        Timeline {
            sharing: super::sharing::SharingIndex::new(&snapshot),
            first_icb_day: snapshot
                .orgs
                .iter()
                .filter(|o| o.kind == OrgKind::Icb)
                .map(|o| o.from)
                .min(),
            snapshot,
            starts,
            changes,
            checkpoints,
            counts,
            link_ranges,
            event_days,
            merges_into,
            ends_in,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }

    /// The day the first integrated care board began (1 July 2022 in England), if the
    /// record has any: where the ICB era starts.
    pub fn first_icb_day(&self) -> Option<Date> {
        self.first_icb_day
    }

    /// A number no other index built in this process has; clones share it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The snapshot behind the index.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The segment holding `date`, if anything exists by then.
    fn segment(&self, date: Date) -> Option<usize> {
        self.starts.partition_point(|s| *s <= date).checked_sub(1)
    }

    /// Which stretch of unchanging record `date` falls in, and whether it is the
    /// stretch's first day. Two dates with the same answer have the same state (and,
    /// apart from the first day's "created today" marks, the same views).
    pub fn epoch(&self, date: Date) -> (usize, bool) {
        match self.segment(date) {
            Some(i) => (i + 1, self.starts[i] == date),
            None => (0, false),
        }
    }

    /// Live counts on `date`, without building the state.
    pub fn counts_at(&self, date: Date) -> Counts {
        let c = self
            .segment(date)
            .map(|s| self.counts[s])
            .unwrap_or_default();
        self.with_sharing(c, date)
    }

    /// `counts` with the shared-leadership figures of `date` filled in.
    fn with_sharing(&self, mut c: Counts, date: Date) -> Counts {
        let shared = self.sharing.at(date);
        c.ccgs_sharing_leadership = shared.ccgs;
        c.icbs_sharing_leadership = shared.icbs;
        c.leadership_teams = (c.ccg + c.icb).saturating_sub(shared.beyond_first);
        c
    }

    /// Days on which an arrangement of shared leadership begins or ends, ascending.
    pub fn sharing_days(&self) -> &[Date] {
        self.sharing.days()
    }

    /// Everything true on `date`.
    pub fn state_at(&self, date: Date) -> State<'_> {
        let n_items = self.snapshot.orgs.len() + self.snapshot.links.len();
        let Some(seg) = self.segment(date) else {
            return State {
                tl: self,
                date,
                live: BitSet::with_len(n_items),
                counts: Counts::default(),
            };
        };
        let cp = seg / CHECKPOINT_EVERY;
        let mut live = self.checkpoints[cp].clone();
        for segment in &self.changes[cp * CHECKPOINT_EVERY + 1..=seg] {
            for &(i, on) in segment {
                live.set(i as usize, on);
            }
        }
        State {
            tl: self,
            date,
            live,
            counts: self.with_sharing(self.counts[seg], date),
        }
    }

    /// Events in date order.
    pub fn events(&self) -> &[Event] {
        &self.snapshot.events
    }

    /// Events on exactly `date`.
    pub fn events_on(&self, date: Date) -> &[Event] {
        let ev = &self.snapshot.events;
        let a = ev.partition_point(|e| e.date < date);
        let b = ev.partition_point(|e| e.date <= date);
        &ev[a..b]
    }

    /// Distinct days on which events happen, ascending.
    pub fn event_days(&self) -> &[Date] {
        &self.event_days
    }

    /// The first event day after `date`.
    pub fn next_event_day(&self, date: Date) -> Option<Date> {
        let i = self.event_days.partition_point(|d| *d <= date);
        self.event_days.get(i).copied()
    }

    /// The last event day before `date`.
    pub fn prev_event_day(&self, date: Date) -> Option<Date> {
        let i = self.event_days.partition_point(|d| *d < date);
        i.checked_sub(1).map(|i| self.event_days[i])
    }

    /// Ids of relations of `kind`.
    fn link_range(&self, kind: LinkKind) -> Range<usize> {
        self.link_ranges.get(&kind).cloned().unwrap_or(0..0)
    }

    /// Where `org` came from and what it became: every merger, split and abolition
    /// connected to it, backwards and forwards, in date order.
    ///
    /// A sub-ICB location continues the CCG with its code, so the two share a lineage.
    /// Backwards: the mergers and splits that formed it and its predecessors, and for an
    /// ICB the CCGs abolished into it (not further back). Forwards: what it merged or
    /// split into, and for a CCG abolished into an ICB, the sub-ICB location carrying it
    /// on and what became of that.
    pub fn lineage(&self, org: OrgId) -> Lineage {
        let s = &self.snapshot;
        // A sub-ICB location continues the CCG with its code.
        let start = match s.org(org).kind {
            OrgKind::SubIcb => s.find(OrgKind::Ccg, &s.org(org).code).unwrap_or(org),
            _ => org,
        };
        let mut steps: Vec<usize> = Vec::new();
        let push = |steps: &mut Vec<usize>, e: usize| {
            if !steps.contains(&e) {
                steps.push(e);
            }
        };
        let mut seen = reach(start, org, |x| {
            let o = s.org(x);
            let mut before: Vec<OrgId> = Vec::new();
            for &e in self.merges_into.get(&x).map(Vec::as_slice).unwrap_or(&[]) {
                push(&mut steps, e);
                before.extend(s.events[e].from.iter().copied());
            }
            match o.kind {
                // An ICB comes from the CCGs abolished into it.
                OrgKind::Icb => {
                    for (i, e) in s.events.iter().enumerate() {
                        if e.kind == EventKind::AbolishIntoIcb && e.to == x {
                            push(&mut steps, i);
                        }
                    }
                }
                // A sub-ICB location continues its CCG (and its CCG's abolition).
                OrgKind::SubIcb => {
                    if let Some(ccg) = s.find(OrgKind::Ccg, &o.code) {
                        before.push(ccg);
                        for &e in self.ends_in(ccg) {
                            if s.events[e].kind == EventKind::AbolishIntoIcb {
                                push(&mut steps, e);
                            }
                        }
                    }
                }
                // A CCG abolished into an ICB goes on as its sub-ICB location, which
                // may have gained part of another since.
                OrgKind::Ccg => {
                    for &e in self.ends_in(x) {
                        let ev = &s.events[e];
                        if ev.kind == EventKind::AbolishIntoIcb
                            && let Some(sub) = self.sub_icb_for(x, ev.to)
                        {
                            for &g in self.merges_into.get(&sub).map(Vec::as_slice).unwrap_or(&[]) {
                                push(&mut steps, g);
                                before.extend(s.events[g].from.iter().copied());
                            }
                        }
                    }
                }
                _ => {}
            }
            before
        });
        // Shared management of the organisation and of its predecessors.
        let mut arrangements: Vec<usize> = Vec::new();
        for body in &seen {
            for i in super::sharing::of_ccg(s, *body) {
                if !arrangements.contains(&i) {
                    arrangements.push(i);
                }
            }
        }
        arrangements.sort_by_key(|i| (s.arrangements[*i].from, *i));
        let ahead = reach(start, org, |x| {
            let mut next = Vec::new();
            for &e in self.ends_in(x) {
                push(&mut steps, e);
                let ev = &s.events[e];
                next.extend(match ev.kind {
                    EventKind::Merge | EventKind::Split => Some(ev.to),
                    // The CCG goes on as its sub-ICB location.
                    EventKind::AbolishIntoIcb => self.sub_icb_for(x, ev.to),
                    _ => None,
                });
            }
            next
        });
        for n in ahead {
            if !seen.contains(&n) {
                seen.push(n);
            }
        }
        steps.sort_by_key(|e| (s.events[*e].date, *e));
        let steps = steps
            .into_iter()
            .map(|e| {
                let ev = &s.events[e];
                let sub_icb = (ev.kind == EventKind::AbolishIntoIcb)
                    .then(|| {
                        ev.from
                            .iter()
                            .filter(|f| seen.contains(f))
                            .find_map(|f| self.sub_icb_for(*f, ev.to))
                    })
                    .flatten();
                LineageStep {
                    event: e,
                    date: ev.date,
                    kind: ev.kind,
                    from: ev.from.clone(),
                    to: ev.to,
                    sub_icb,
                }
            })
            .collect();
        // The ICB of every sub-ICB location in the lineage, period by period.
        let mut parents: Vec<Parent> = Vec::new();
        for body in &seen {
            if s.org(*body).kind != OrgKind::SubIcb {
                continue;
            }
            for (_, l) in s.links_of(*body) {
                if l.kind == LinkKind::SubIcbIcb && l.a == *body {
                    parents.push(Parent {
                        sub_icb: *body,
                        icb: l.b,
                        from: l.from,
                        to: l.to,
                        basis: l.basis,
                    });
                }
            }
        }
        parents.sort_by_key(|p| (p.from, p.sub_icb));
        Lineage {
            org,
            steps,
            arrangements,
            parents,
        }
    }

    /// Indexes into [`Timeline::events`] of the mergers and abolitions `org` ends in.
    pub fn ends_in(&self, org: OrgId) -> &[usize] {
        self.ends_in.get(&org).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Indexes into [`Timeline::events`] of the mergers that create `org`.
    pub fn merges_into(&self, org: OrgId) -> &[usize] {
        self.merges_into.get(&org).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The sub-ICB location of `icb` that carries on CCG `ccg` (same code).
    pub fn sub_icb_for(&self, ccg: OrgId, icb: OrgId) -> Option<OrgId> {
        let s = &self.snapshot;
        let code = &s.org(ccg).code;
        s.links_of(icb).find_map(|(_, l)| {
            (l.kind == LinkKind::SubIcbIcb && l.b == icb && &s.org(l.a).code == code).then_some(l.a)
        })
    }
}

/// The organisations reached from `start` (and `org`, where it is another) by following
/// `next`, each once, in the order they are reached.
fn reach(start: OrgId, org: OrgId, mut next: impl FnMut(OrgId) -> Vec<OrgId>) -> Vec<OrgId> {
    let mut queue = vec![start];
    let mut seen = vec![start];
    if org != start {
        seen.push(org);
        queue.push(org);
    }
    while let Some(x) = queue.pop() {
        for n in next(x) {
            if !seen.contains(&n) {
                seen.push(n);
                queue.push(n);
            }
        }
    }
    seen
}

/// A sub-ICB location's ICB over a period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parent {
    /// The sub-ICB location.
    pub sub_icb: OrgId,
    /// Its ICB.
    pub icb: OrgId,
    /// First day.
    pub from: Date,
    /// Last day, or [`FOREVER`].
    pub to: Date,
    /// How the membership is known.
    pub basis: super::Provenance,
}

/// One step of a lineage: a merger, a split or an abolition.
#[derive(Clone, Debug, PartialEq)]
pub struct LineageStep {
    /// Index into [`Timeline::events`].
    pub event: usize,
    /// The day.
    pub date: Date,
    /// Merge, split or abolition.
    pub kind: EventKind,
    /// The organisations that ended.
    pub from: Vec<OrgId>,
    /// The new (or receiving) organisation, or the ICB.
    pub to: OrgId,
    /// For an abolition: the sub-ICB location that carries on the CCG in this lineage.
    pub sub_icb: Option<OrgId>,
}

/// Predecessors and successors of an organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Lineage {
    /// The organisation asked about.
    pub org: OrgId,
    /// Connected mergers and abolitions in date order.
    pub steps: Vec<LineageStep>,
    /// Shared management of the organisation and of its predecessors (indexes into
    /// [`Snapshot::arrangements`]), by start date.
    pub arrangements: Vec<usize>,
    /// The ICB of each sub-ICB location in the lineage, period by period.
    pub parents: Vec<Parent>,
}

/// Everything true on one day.
#[derive(Clone, Debug)]
pub struct State<'a> {
    tl: &'a Timeline,
    /// The day.
    pub date: Date,
    live: BitSet,
    counts: Counts,
}

impl<'a> State<'a> {
    /// Live organisations by kind.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Whether `org` exists on the day.
    pub fn is_alive(&self, org: OrgId) -> bool {
        self.live.contains(org.ix())
    }

    /// Whether the relation holds on the day.
    pub fn holds(&self, link: LinkId) -> bool {
        self.live.contains(self.tl.snapshot.orgs.len() + link.ix())
    }

    /// Live organisations of `kind`, in file order.
    pub fn alive(&self, kind: OrgKind) -> impl Iterator<Item = OrgId> + '_ {
        let orgs = &self.tl.snapshot.orgs;
        self.live
            .iter_range(0..orgs.len())
            .filter(move |i| orgs[*i].kind == kind)
            .map(|i| OrgId(i as u32))
    }

    /// Relations of `kind` that hold on the day.
    pub fn links(&self, kind: LinkKind) -> impl Iterator<Item = LinkId> + '_ {
        let n = self.tl.snapshot.orgs.len();
        let r = self.tl.link_range(kind);
        self.live
            .iter_range(n + r.start..n + r.end)
            .map(move |i| LinkId((i - n) as u32))
    }

    /// The tree system -> place -> neighbourhood on the day, with the commissioners
    /// (CCGs, or sub-ICB locations from July 2022) serving each place.
    ///
    /// A place split between systems appears under each, with the commissioners of
    /// that system. A neighbourhood sits under its place in its commissioner's system,
    /// or, where its commissioner is not known on the day, under the place's main
    /// commissioner's system.
    pub fn tree(&self) -> Tree {
        let s = &self.tl.snapshot;
        let mut system_of: HashMap<OrgId, OrgId> = HashMap::new();
        for kind in [LinkKind::CcgSystem, LinkKind::SubIcbIcb] {
            for l in self.links(kind) {
                let l = s.link(l);
                system_of.insert(l.a, l.b);
            }
        }
        let mut commissioner_of: HashMap<OrgId, (OrgId, super::Provenance)> = HashMap::new();
        for kind in [LinkKind::NeighbourhoodCcg, LinkKind::NeighbourhoodSubIcb] {
            for l in self.links(kind) {
                let l = s.link(l);
                commissioner_of.insert(l.a, (l.b, l.basis));
            }
        }
        let mut groups: BTreeMap<Option<OrgId>, BTreeMap<OrgId, PlaceNode>> = BTreeMap::new();
        let mut main_system: HashMap<OrgId, (f64, Option<OrgId>)> = HashMap::new();
        for kind in [LinkKind::CcgPlace, LinkKind::SubIcbPlace] {
            for id in self.links(kind) {
                let l = s.link(id);
                let sys = system_of.get(&l.a).copied();
                let node = groups
                    .entry(sys)
                    .or_default()
                    .entry(l.b)
                    .or_insert_with(|| PlaceNode::new(l.b));
                node.served_by.push(Served {
                    commissioner: l.a,
                    share: l.share,
                    link: id,
                    basis: l.basis,
                });
                node.share_in_system += l.share;
                let best = main_system.entry(l.b).or_insert((0.0, sys));
                if l.share > best.0 {
                    *best = (l.share, sys);
                }
            }
        }
        for id in self.links(LinkKind::NeighbourhoodPlace) {
            let l = s.link(id);
            let membership = commissioner_of.get(&l.a).copied();
            let own_sys = membership.and_then(|(c, _)| system_of.get(&c)).copied();
            let in_own =
                own_sys.and_then(|sys| groups.get_mut(&Some(sys)).and_then(|g| g.get_mut(&l.b)));
            let node = match in_own {
                Some(n) => Some(n),
                None => main_system
                    .get(&l.b)
                    .and_then(|(_, sys)| groups.get_mut(sys))
                    .and_then(|g| g.get_mut(&l.b)),
            };
            if let Some(node) = node {
                // The weaker of the share's basis and the membership's.
                let basis = membership.map_or(l.basis, |(_, b)| b.max(l.basis));
                node.neighbourhoods.push(Served {
                    commissioner: l.a,
                    share: l.share,
                    link: id,
                    basis,
                });
            }
        }
        let name = |id: OrgId| s.org(id).name.as_str();
        let mut systems: Vec<SystemNode> = groups
            .into_iter()
            .map(|(system, places)| {
                let mut places: Vec<PlaceNode> = places.into_values().collect();
                for p in &mut places {
                    p.served_by.sort_by(|a, b| {
                        b.share
                            .total_cmp(&a.share)
                            .then(name(a.commissioner).cmp(name(b.commissioner)))
                    });
                    p.neighbourhoods
                        .sort_by(|a, b| name(a.commissioner).cmp(name(b.commissioner)));
                }
                places.sort_by(|a, b| name(a.place).cmp(name(b.place)));
                SystemNode { system, places }
            })
            .collect();
        systems.sort_by(|a, b| match (a.system, b.system) {
            (Some(x), Some(y)) => name(x).cmp(name(y)).then(x.cmp(&y)),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Tree { systems }
    }
}

/// An organisation with a share: a commissioner's share of a place, or a
/// neighbourhood's share inside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Served {
    /// The commissioner or neighbourhood.
    pub commissioner: OrgId,
    /// Its share.
    pub share: f64,
    /// The relation the share comes from.
    pub link: LinkId,
    /// Its basis; for a neighbourhood, the weaker of the share's and the membership's.
    pub basis: super::Provenance,
}

/// A place in the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceNode {
    /// The place.
    pub place: OrgId,
    /// Commissioners serving it within this system, largest share first.
    pub served_by: Vec<Served>,
    /// The part of the place this system serves (1 unless the place is split).
    pub share_in_system: f64,
    /// Neighbourhoods in it, by name, with the share of each inside the place.
    pub neighbourhoods: Vec<Served>,
}

impl PlaceNode {
    fn new(place: OrgId) -> Self {
        PlaceNode {
            place,
            served_by: Vec::new(),
            share_in_system: 0.0,
            neighbourhoods: Vec::new(),
        }
    }
}

/// A system (STP/ICS, or ICB from July 2022) with its places.
#[derive(Clone, Debug, PartialEq)]
pub struct SystemNode {
    /// The system; `None` groups commissioners in no system (before April 2017).
    pub system: Option<OrgId>,
    /// Its places by name.
    pub places: Vec<PlaceNode>,
}

/// The geography on one day.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Tree {
    /// Systems by name; the group with no system last.
    pub systems: Vec<SystemNode>,
}
