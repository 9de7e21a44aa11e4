//! Event rules: succession without cycles, one ending per organisation, abolitions.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashSet;

use crate::model::OrgKind;
use crate::model::format::{EventKind, RawSnapshot};
use crate::model::locate::Pos;
use crate::model::snapshot::{Event, Link, LinkId, LinkKind, Org, OrgId};

use super::SHARE_TOLERANCE;
use super::checker::*;
use super::orgs::*;

/// Succession must never loop back: follow every merger forward and look for a cycle.
/// A cycle is reported at the merger that closes it (`event_pos` parallels `events`).
pub(super) fn check_cycles(
    ck: &mut Checker,
    orgs: &[Org],
    events: &[Event],
    event_pos: &[Option<Pos>],
) {
    let mut next: HashMap<OrgId, Vec<(OrgId, Option<Pos>)>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if !matches!(e.kind, EventKind::Merge | EventKind::Split) {
            continue;
        }
        for f in &e.from {
            let at = event_pos.get(i).copied().flatten();
            next.entry(*f).or_default().push((e.to, at));
        }
    }
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut mark = vec![0u8; orgs.len()];
    let mut reported: HashSet<Vec<OrgId>> = HashSet::new();
    let mut starts: Vec<&OrgId> = next.keys().collect();
    starts.sort();
    for &start in starts {
        if mark[start.ix()] != 0 {
            continue;
        }
        let mut stack: Vec<(OrgId, usize)> = vec![(start, 0)];
        mark[start.ix()] = 1;
        while let Some((node, child)) = stack.last().copied() {
            let kids = next.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if child >= kids.len() {
                mark[node.ix()] = 2;
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let (k, at) = kids[child];
            match mark[k.ix()] {
                0 => {
                    mark[k.ix()] = 1;
                    stack.push((k, 0));
                }
                1 => {
                    let from = stack.iter().position(|(n, _)| *n == k).unwrap_or(0);
                    let mut cycle: Vec<OrgId> = stack[from..].iter().map(|(n, _)| *n).collect();
                    let mut key = cycle.clone();
                    key.sort();
                    if reported.insert(key) {
                        cycle.push(k);
                        let names: Vec<&str> =
                            cycle.iter().map(|c| orgs[c.ix()].code.as_str()).collect();
                        ck.error(
                            at,
                            &orgs[k.ix()].code,
                            format!("succession goes round in a circle: {}", names.join(" -> ")),
                            "a CCG cannot be its own predecessor; correct the merge events",
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// Every CCG abolished into an ICB should reappear as a sub-ICB location with its code.
pub(super) fn check_abolitions(
    ck: &mut Checker,
    orgs: &[Org],
    links: &[Link],
    links_of: &[Vec<LinkId>],
    events: &[Event],
) {
    for e in events
        .iter()
        .filter(|e| e.kind == EventKind::AbolishIntoIcb)
    {
        for f in &e.from {
            let code = &orgs[f.ix()].code;
            let found = links_of[e.to.ix()].iter().any(|l| {
                let l = &links[l.ix()];
                l.kind == LinkKind::SubIcbIcb && l.b == e.to && &orgs[l.a.ix()].code == code
            });
            if !found {
                ck.warn(
                    None,
                    code,
                    format!(
                        "CCG {code} is abolished into ICB {} on {}, but that ICB has no sub-ICB location {code}",
                        orgs[e.to.ix()].code,
                        e.date
                    ),
                    "add the sub-ICB location and its `sub_icb_icbs` entry, or correct the event",
                );
            }
        }
    }
}

/// A CCG ends once: in one merger, or in abolitions on one day (an abolition may split
/// it between ICBs), not in two mergers that day. Each ending event lists it once.
pub(super) fn check_endings(
    ck: &mut Checker,
    orgs: &[Org],
    events: &[Event],
    event_pos: &[Option<Pos>],
) {
    let mut ends: HashMap<OrgId, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if !e.ends_from() {
            continue;
        }
        let mut listed = HashSet::new();
        for f in &e.from {
            let at = event_pos.get(i).copied().flatten();
            if !listed.insert(*f) {
                let o = &orgs[f.ix()];
                ck.error(
                    at,
                    &o.code,
                    format!(
                        "{} is listed twice in the `from` of event {}",
                        show_org(o.kind, &o.code),
                        e.id
                    ),
                    &format!("list each {} once", o.kind.label()),
                );
                continue;
            }
            ends.entry(*f).or_default().push(i);
        }
    }
    let mut ended: Vec<(OrgId, Vec<usize>)> = ends.into_iter().collect();
    ended.sort();
    for (org, list) in ended {
        let o = &orgs[org.ix()];
        let first = &events[list[0]];
        let same_day = list.iter().all(|i| events[*i].date == first.date);
        let all = |k: EventKind| list.iter().all(|i| events[*i].kind == k);
        // The events, each as `say` words it, joined for a message.
        let each = |say: &dyn Fn(&Event) -> String| {
            list.iter()
                .map(|i| say(&events[*i]))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // The splits of one organisation on one day pass on all of it, each to a
        // different successor.
        if same_day && all(EventKind::Split) {
            let total: f64 = list.iter().filter_map(|i| events[*i].share).sum();
            if (total - 1.0).abs() > SHARE_TOLERANCE {
                let parts = each(&|e| {
                    format!(
                        "{} to {} ({})",
                        e.id,
                        orgs[e.to.ix()].code,
                        e.share.map(show_number).unwrap_or_default()
                    )
                });
                ck.error(
                    event_pos.get(list[0]).copied().flatten(),
                    &o.code,
                    format!(
                        "the splits of {} on {} pass on {total:.4} of it, not all of it: {}",
                        show_org(o.kind, &o.code),
                        first.date,
                        parts
                    ),
                    "make the shares of its splits that day add up to 1",
                );
            }
            let mut to: Vec<OrgId> = list.iter().map(|i| events[*i].to).collect();
            to.sort();
            if to.windows(2).any(|w| w[0] == w[1]) {
                let (who, day) = (show_org(o.kind, &o.code), first.date);
                let what = format!("{who} is split into the same organisation twice on {day}");
                let at = event_pos.get(list[1]).copied().flatten();
                ck.error(
                    at,
                    &o.code,
                    what,
                    "write one split for each successor, with its whole share",
                );
            }
            continue;
        }
        if list.len() < 2 {
            continue;
        }
        // Events on different days already break the rule that a CCG's life ends the
        // day before the event that ends it; this catches two on the same day. A CCG
        // abolished into several ICBs that day is split between them.
        if !same_day || all(EventKind::AbolishIntoIcb) {
            continue;
        }
        let code = &o.code;
        let names = each(&|e| format!("{} ({} on {})", e.id, e.kind.label(), e.date));
        ck.error(
            event_pos.get(list[1]).copied().flatten(),
            code,
            format!(
                "{} ends in more than one event: {}",
                show_org(o.kind, code),
                names
            ),
            &format!(
                "a {} ends once: remove it from the `from` of all but one of them, or make them all splits",
                o.kind.label()
            ),
        );
    }
}

/// The events: kinds that fit what they change, organisations that end and begin on
/// the event's day, shares only on splits.
pub(super) fn lift_events(
    ck: &mut Checker,
    raw: &RawSnapshot,
    orgs: &[Org],
    by_code: &ByCode,
) -> (Vec<Event>, Vec<Option<Pos>>) {
    let mut events: Vec<Event> = Vec::new();
    let mut event_pos: Vec<Option<Pos>> = Vec::new();
    let mut event_ids: FxHashSet<&str> = FxHashSet::default();
    for (i, e) in raw.events.iter().enumerate() {
        let at = ck.at("events", i);
        ck.check_dates(at, &e.id, &|| format!("event {}", e.id), &[Some(e.date)]);
        if !e.id.is_empty() {
            ck.check_unique_id(
                &mut event_ids,
                at,
                &e.id,
                "event",
                "give every event its own id",
            );
        }
        let to_kind = if e.kind == EventKind::AbolishIntoIcb {
            OrgKind::Icb
        } else {
            OrgKind::Ccg
        };
        // A boundary change, rename or split may be a sub-ICB location's (from July
        // 2022); a merger, split, boundary change or rename may be of ICBs.
        let to_kind = match e.to_kind {
            None => to_kind,
            Some(k) if k == to_kind => k,
            Some(OrgKind::SubIcb)
                if matches!(
                    e.kind,
                    EventKind::BoundaryChange | EventKind::Rename | EventKind::Split
                ) =>
            {
                OrgKind::SubIcb
            }
            Some(OrgKind::Icb)
                if matches!(
                    e.kind,
                    EventKind::BoundaryChange
                        | EventKind::Rename
                        | EventKind::Split
                        | EventKind::Merge
                ) =>
            {
                OrgKind::Icb
            }
            Some(k) => {
                ck.error(
                    at,
                    &e.id,
                    format!(
                        "event {} is a {} of a {}, which this kind of event cannot change",
                        e.id,
                        e.kind.label(),
                        k.label()
                    ),
                    "leave out `to_kind` (a CCG), use SubIcb for a boundary change, rename or split of a sub-ICB location, or Icb for a merger, split, boundary change or rename of ICBs",
                );
                continue;
            }
        };
        // What `from` names: CCGs abolished into an ICB; otherwise the kind of `to`.
        let from_kind = match e.kind {
            EventKind::Merge | EventKind::Split => to_kind,
            _ => OrgKind::Ccg,
        };
        let to = resolve(ck, by_code, at, to_kind, &e.to, "events");
        let from: Vec<Option<OrgId>> = e
            .from
            .iter()
            .map(|c| resolve(ck, by_code, at, from_kind, c, "events"))
            .collect();
        let needs_from = matches!(
            e.kind,
            EventKind::Merge | EventKind::AbolishIntoIcb | EventKind::Split
        );
        let many = match from_kind {
            OrgKind::Icb => "ICBs",
            OrgKind::SubIcb => "sub-ICB locations",
            _ => "CCGs",
        };
        if needs_from && e.from.is_empty() {
            ck.error(
                at,
                &e.to,
                format!(
                    "the {} {} into {} lists no {many} in `from`",
                    e.kind.label(),
                    e.id,
                    e.to
                ),
                &format!("list the {many} that end in `from`"),
            );
        }
        if !needs_from && !e.from.is_empty() {
            ck.warn(
                at,
                &e.to,
                format!(
                    "the {} event {} has `from` codes, which this kind ignores",
                    e.kind.label(),
                    e.id
                ),
                "remove `from`, or change the kind to Merge",
            );
        }
        // A split passes a share of one organisation on; nothing else has a share.
        match (e.kind, e.share) {
            (EventKind::Split, None) => ck.error(
                at,
                &e.id,
                format!(
                    "the split {} into {} has no `share`: what part of {} passes to {}?",
                    e.id,
                    e.to,
                    e.from.join(", "),
                    e.to
                ),
                "give the share of the population passing on, such as `share: 0.589`",
            ),
            (EventKind::Split, Some(x)) if !(x > 0.0 && x <= 1.0) => ck.error(
                at,
                &e.id,
                format!(
                    "the split {} has the share {}, outside 0 to 1",
                    e.id,
                    show_number(x)
                ),
                "a share is a fraction: more than 0 and at most 1",
            ),
            (EventKind::Split, _) if e.from.len() > 1 => ck.error(
                at,
                &e.id,
                format!(
                    "the split {} lists {} organisations in `from`; a split ends one",
                    e.id,
                    e.from.len()
                ),
                "write one split event for each organisation that ends",
            ),
            (EventKind::Split, _) => {}
            (kind, Some(_)) => ck.error(
                at,
                &e.id,
                format!(
                    "the {} event {} has a `share`, which only a split has",
                    kind.label(),
                    e.id
                ),
                "remove `share`, or make the event a Split",
            ),
            (_, None) => {}
        }
        let Some(to) = to else { continue };
        if from.iter().any(Option::is_none) {
            continue;
        }
        let from: Vec<OrgId> = from.into_iter().flatten().collect();
        let day_before = e.date.pred_opt().unwrap_or(e.date);
        if needs_from {
            for f in &from {
                let o = &orgs[f.ix()];
                if o.to != day_before {
                    let (kind, event, end) = (o.kind.label(), e.kind.label(), show_end(o.to));
                    let what = format!(
                        "{kind} {} is in the {event} on {}, but its life ends {end}, not the day before ({day_before})",
                        o.code, e.date
                    );
                    let fix = format!(
                        "set the {kind}'s `to` to the day before the event, or correct the event's date"
                    );
                    ck.error(at, &o.code, what, &fix);
                }
            }
        }
        let t = &orgs[to.ix()];
        match e.kind {
            EventKind::Merge | EventKind::Establish if t.from != e.date => {
                ck.error(
                    at,
                    &t.code,
                    format!(
                        "{} {} is created by the {} on {}, but its life starts {}",
                        t.kind.label(),
                        t.code,
                        e.kind.label(),
                        e.date,
                        t.from
                    ),
                    &format!("set the {}'s `from` to the event's date", t.kind.label()),
                );
            }
            EventKind::Rename | EventKind::BoundaryChange | EventKind::Split
                if !t.alive_on(e.date) =>
            {
                ck.error(
                    at,
                    &t.code,
                    format!(
                        "the {} of {} {} on {} falls outside its life",
                        e.kind.label(),
                        t.kind.label(),
                        t.code,
                        e.date
                    ),
                    "correct the event's date or the organisation's life",
                );
            }
            EventKind::AbolishIntoIcb if !t.alive_on(e.date) => {
                ck.error(
                    at,
                    &t.code,
                    format!(
                        "ICB {} does not exist on {}, the day CCGs are abolished into it",
                        t.code, e.date
                    ),
                    "correct the ICB's `from` or the event's date",
                );
            }
            _ => {}
        }
        if let Some(a) = raw.as_at
            && e.date > a
        {
            ck.error(
                at,
                &e.id,
                format!(
                    "event {} is on {}, after the snapshot's `as_at` ({a}): the record says it runs only to then",
                    e.id, e.date
                ),
                "move `as_at` to the last day the sources were checked, or leave out an event not yet in force",
            );
        }
        events.push(Event {
            id: e.id.clone(),
            date: e.date,
            kind: e.kind,
            from,
            to,
            name: e.name.clone(),
            share: e.share,
            date_basis: e.date_basis.clone(),
            basis: e.basis,
            source: e.source.clone(),
            note: e.note.clone(),
        });
        event_pos.push(at);
    }
    (events, event_pos)
}
