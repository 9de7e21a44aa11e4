//! Moving what merged CCGs did to the CCG they merge into, and carrying them on.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::format::{EventKind, RawArrangement, RawLink, RawShare, RawSnapshot};
use crate::model::{Date, FOREVER, Provenance};

use super::apply::*;
use super::*;

/// Moves what `sources` do from `day` on to `target`: system membership (that of the
/// most populous source), places served (shares added up), neighbourhoods. Source
/// relations stop the day before; shared management and renames of the sources after
/// `day` are dropped.
pub(super) fn transfer(raw: &mut RawSnapshot, sources: &[String], target: &str, day: Date) {
    let src: HashSet<&str> = sources.iter().map(String::as_str).collect();
    let primary = most_populous(raw, sources);
    let cut = |links: &mut Vec<RawLink>, member_is_source: bool| -> Vec<RawLink> {
        let mut moved = Vec::new();
        links.retain_mut(|l| {
            let key = if member_is_source { &l.member } else { &l.of };
            if !src.contains(key.as_str()) || l.to.unwrap_or(FOREVER) < day {
                return true;
            }
            let mut m = l.clone();
            m.from = m.from.max(day);
            moved.push(m);
            if l.from >= day {
                return false;
            }
            l.to = Some(day_before(day));
            true
        });
        moved
    };
    // Systems: the primary source's membership carries on.
    let moved = cut(&mut raw.ccg_systems, true);
    for mut m in moved.into_iter().filter(|m| m.member == primary) {
        m.member = target.to_string();
        m.basis = Some(Provenance::Modelled);
        m.source = SCENARIO_SOURCE.to_string();
        raw.ccg_systems.push(m);
    }
    // Neighbourhoods in the sources join the target.
    let moved = cut(&mut raw.neighbourhood_ccgs, false);
    for mut m in moved {
        m.of = target.to_string();
        m.basis = Some(Provenance::Modelled);
        m.source = SCENARIO_SOURCE.to_string();
        raw.neighbourhood_ccgs.push(m);
    }
    // Places: add the sources' shares up per place and interval.
    let mut sums: BTreeMap<(String, Date, Option<Date>), f64> = BTreeMap::new();
    raw.ccg_places.retain_mut(|l| {
        if !src.contains(l.by.as_str()) || l.to.unwrap_or(FOREVER) < day {
            return true;
        }
        *sums
            .entry((l.place.clone(), l.from.max(day), l.to))
            .or_default() += l.share;
        if l.from >= day {
            return false;
        }
        l.to = Some(day_before(day));
        true
    });
    for ((place, from, to), share) in sums {
        raw.ccg_places.push(RawShare {
            by: target.to_string(),
            place,
            share: (share * 10_000.0).round() / 10_000.0,
            from,
            to,
            basis: Provenance::Modelled,
            source: SCENARIO_SOURCE.to_string(),
            note: format!("scenario: the shares of {}", sources.join(", ")),
        });
    }
    // Shared management of the sources carries on with the target in their place (a
    // merger does not undo the sharing its CCGs had with others); an arrangement whose
    // members all merged ends, since they are now one body. Their renames and boundary
    // changes go.
    let mut carried: Vec<RawArrangement> = Vec::new();
    raw.shared_management.retain_mut(|a| {
        if !a.members.iter().any(|m| src.contains(m.as_str())) || a.to.unwrap_or(FOREVER) < day {
            return true;
        }
        let mut members: Vec<String> = Vec::new();
        for m in &a.members {
            let m = if src.contains(m.as_str()) {
                target.to_string()
            } else {
                m.clone()
            };
            if !members.contains(&m) {
                members.push(m);
            }
        }
        if members.len() >= 2 {
            carried.push(RawArrangement {
                id: format!("{}~{target}", a.id),
                members,
                from: a.from.max(day),
                from_precision: if a.from >= day {
                    a.from_precision
                } else {
                    Default::default()
                },
                source: SCENARIO_SOURCE.to_string(),
                basis: Some(Provenance::Modelled),
                note: format!(
                    "scenario: {} carried on by {target} after the merger of {}",
                    a.id,
                    sources.join(", ")
                ),
                ..a.clone()
            });
        }
        if a.from >= day {
            return false;
        }
        a.to = Some(day_before(day));
        a.to_precision = Default::default();
        true
    });
    raw.shared_management.extend(carried);
    raw.events.retain(|e| {
        !(matches!(e.kind, EventKind::Rename | EventKind::BoundaryChange)
            && src.contains(e.to.as_str())
            && e.date >= day)
    });
}

/// The events that end any of `codes` (mergers and abolitions), by id.
pub(super) fn ending_events(raw: &RawSnapshot, codes: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in &raw.events {
        if matches!(e.kind, EventKind::Merge | EventKind::AbolishIntoIcb) {
            for c in codes {
                if e.from.contains(c) {
                    out.entry(e.id.clone()).or_default().push(c.clone());
                }
            }
        }
    }
    out
}

/// The sources of a merger carry on from `from` to `until` (inclusive): their last
/// relations are extended, with place shares scaled to what the merged CCG served,
/// and the merged CCG's relations in that time are removed.
pub(super) fn carry_on(
    raw: &mut RawSnapshot,
    sources: &[String],
    target: &str,
    from: Date,
    until: Date,
) {
    let src: HashSet<&str> = sources.iter().map(String::as_str).collect();
    let last = day_before(from);
    for c in sources {
        if let Some(i) = ccg_index(raw, c) {
            raw.ccgs[i].to = Some(until);
        }
    }
    // What the target served in the window, per place.
    let mut target_share: HashMap<String, f64> = HashMap::new();
    for l in &raw.ccg_places {
        if l.by == target && l.from <= from && l.to.unwrap_or(FOREVER) >= from {
            *target_share.entry(l.place.clone()).or_default() += l.share;
        }
    }
    let mut source_share: HashMap<String, f64> = HashMap::new();
    for l in &raw.ccg_places {
        if src.contains(l.by.as_str()) && l.to == Some(last) {
            *source_share.entry(l.place.clone()).or_default() += l.share;
        }
    }
    let mut extra: Vec<RawShare> = Vec::new();
    for l in &raw.ccg_places {
        if src.contains(l.by.as_str()) && l.to == Some(last) {
            let t = target_share.get(&l.place).copied().unwrap_or(0.0);
            let s = source_share.get(&l.place).copied().unwrap_or(0.0);
            if t > 0.0 && s > 0.0 {
                let mut m = l.clone();
                m.from = from;
                m.to = Some(until);
                m.share = (l.share * t / s * 10_000.0).round() / 10_000.0;
                m.basis = Provenance::Modelled;
                m.source = SCENARIO_SOURCE.to_string();
                m.note =
                    "scenario: last known share carried on, scaled to the merged CCG's".to_string();
                extra.push(m);
            }
        }
    }
    let mut extra_sys: Vec<RawLink> = Vec::new();
    for l in &raw.ccg_systems {
        if src.contains(l.member.as_str()) && l.to == Some(last) {
            // The system the merged CCG was in.
            let sys = raw
                .ccg_systems
                .iter()
                .find(|t| t.member == target && t.from <= from && t.to.unwrap_or(FOREVER) >= from)
                .map(|t| t.of.clone())
                .unwrap_or_else(|| l.of.clone());
            extra_sys.push(RawLink {
                member: l.member.clone(),
                of: sys,
                from,
                to: Some(until),
                basis: Some(Provenance::Modelled),
                source: SCENARIO_SOURCE.to_string(),
            });
        }
    }
    // Remove or shorten the target's relations in the window.
    let after = until.succ_opt().unwrap_or(until);
    raw.ccg_places
        .retain_mut(|l| clip_start(l.by == target, &mut l.from, l.to, after));
    raw.ccg_systems
        .retain_mut(|l| clip_start(l.member == target, &mut l.from, l.to, after));
    // Neighbourhoods of the target in the window go to the most populous source.
    let primary = most_populous(raw, sources);
    let mut extra_n = Vec::new();
    for l in &raw.neighbourhood_ccgs {
        if l.of == target && l.from <= until {
            let mut m = l.clone();
            m.of = primary.clone();
            m.to = Some(until.min(l.to.unwrap_or(FOREVER)));
            m.basis = Some(Provenance::Modelled);
            m.source = SCENARIO_SOURCE.to_string();
            extra_n.push(m);
        }
    }
    raw.neighbourhood_ccgs
        .retain_mut(|l| clip_start(l.of == target, &mut l.from, l.to, after));
    raw.shared_management.retain_mut(|a| {
        clip_start(
            a.members.iter().any(|m| m == target),
            &mut a.from,
            a.to,
            after,
        )
    });
    raw.events.retain(|e| {
        !(matches!(e.kind, EventKind::Rename | EventKind::BoundaryChange)
            && e.to == target
            && e.date < after)
    });
    raw.ccg_places.extend(extra);
    raw.ccg_systems.extend(extra_sys);
    raw.neighbourhood_ccgs.extend(extra_n);
}

/// For a relation of the organisation being shortened: start it at `after`, or drop it
/// when it ends before then. Other relations stay.
pub(super) fn clip_start(concerned: bool, from: &mut Date, to: Option<Date>, after: Date) -> bool {
    if !concerned || *from >= after {
        return true;
    }
    if to.unwrap_or(FOREVER) < after {
        return false;
    }
    *from = after;
    true
}
