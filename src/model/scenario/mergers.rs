//! Changes to mergers: make, move and cancel one, and share a leadership team.

use std::collections::HashSet;

use crate::model::format::{
    ArrangementKind, EventKind, RawArrangement, RawEvent, RawOrg, RawPopulation, RawSnapshot,
};
use crate::model::{Date, FOREVER, Provenance};

use super::apply::*;
use super::transfer::*;
use super::*;

/// Fails unless `ccgs` are two or more, each listed once: `{ccg} is listed
/// twice{twice}`, or `too_few`.
fn distinct_ccgs(ccgs: &[String], twice: &str, too_few: &str) -> Result<(), Fail> {
    let mut seen = HashSet::new();
    if let Some(c) = ccgs.iter().find(|c| !seen.insert(*c)) {
        return Err(fail(
            format!("{c} is listed twice{twice}"),
            "list each CCG once",
        ));
    }
    if ccgs.len() < 2 {
        return Err(fail(too_few.into(), "choose two or more CCGs"));
    }
    Ok(())
}

pub(super) fn merge(
    raw: &mut RawSnapshot,
    index: usize,
    day: Date,
    ccgs: &[String],
    code: &str,
    name: &str,
) -> Result<(), Fail> {
    distinct_ccgs(
        ccgs,
        "; a merger needs at least two different CCGs",
        "a merger needs at least two different CCGs",
    )?;
    for (what, value) in [("code", code), ("name", name)] {
        if value.trim().is_empty() {
            return Err(fail(
                format!("the new CCG's {what} is empty"),
                "give the merged CCG a code and a name",
            ));
        }
    }
    if let Some(why) = crate::model::text::code_problem(code) {
        return Err(fail(
            format!(
                "the new code `{}` cannot be an ODS code: {why}",
                crate::model::text::escape_code(code)
            ),
            "choose a code of letters and digits, such as KM18",
        ));
    }
    if let Some((kind, o)) = all_orgs(raw)
        .find(|(_, o)| o.code == code || crate::model::text::normalise_code(&o.code) == code)
    {
        return Err(fail(
            format!(
                "the code {code} is already used by the {kind} {}{}",
                crate::model::text::escape(&o.name),
                if o.code == code {
                    String::new()
                } else {
                    format!(" (as `{}`)", crate::model::text::escape_code(&o.code))
                }
            ),
            "choose a code no organisation has; codes are compared in upper case, without spaces or invisible characters",
        ));
    }
    let before = day_before(day);
    let mut missing = Vec::new();
    let mut ends = HashSet::new();
    let mut population = 0i64;
    let mut as_at = Date::MIN;
    for c in ccgs {
        match ccg_index(raw, c) {
            None => return Err(no_ccg(raw, c)),
            Some(i) => {
                let o = &raw.ccgs[i];
                if !(o.from <= before && end_of(o) >= day) {
                    missing.push(format!(
                        "{c} ({} to {})",
                        o.from,
                        o.to.map(|d| d.to_string()).unwrap_or_else(|| "now".into())
                    ));
                }
                ends.insert(end_of(o));
                if let Some(p) = &o.population {
                    population = population.checked_add(p.count).ok_or_else(|| {
                        fail(
                            format!(
                                "the populations of {} add up to more than a whole number can hold",
                                ccgs.join(", ")
                            ),
                            "check the CCGs' populations in the snapshot: one is far too large",
                        )
                    })?;
                    as_at = as_at.max(p.as_at);
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(fail(
            format!(
                "the CCGs must all exist on {} and on {day}; these do not: {}",
                before,
                missing.join(", ")
            ),
            "choose a date on which every chosen CCG exists, with a day before it",
        ));
    }
    let future = ending_events(raw, ccgs);
    if ends.len() != 1 || future.len() > 1 {
        let parts: Vec<String> = future
            .iter()
            .map(|(id, cs)| format!("{} in {id}", cs.join(", ")))
            .collect();
        return Err(fail(
            format!(
                "the chosen CCGs do not share a future ({})",
                parts.join("; ")
            ),
            "merge CCGs that end in the same later merger or abolition",
        ));
    }
    let end = ends.into_iter().next().unwrap_or(FOREVER);
    for c in ccgs {
        if let Some(i) = ccg_index(raw, c) {
            raw.ccgs[i].to = Some(before);
        }
    }
    transfer(raw, ccgs, code, day);
    for e in raw.events.iter_mut() {
        if e.from.iter().any(|f| ccgs.contains(f)) {
            e.from.retain(|f| !ccgs.contains(f));
            e.from.push(code.to_string());
        }
    }
    raw.ccgs.push(RawOrg {
        code: code.to_string(),
        name: name.to_string(),
        ons: None,
        from: day,
        to: (end != FOREVER).then_some(end),
        population: (population > 0).then(|| RawPopulation {
            count: population,
            as_at,
            period: "sum of the merged CCGs".to_string(),
            basis: Provenance::Modelled,
            source: SCENARIO_SOURCE.to_string(),
        }),
        named_from: None,
        ons_codes: Vec::new(),
        note: format!("scenario: merger of {}", ccgs.join(", ")),
    });
    let id = fresh_id(format!("S{}", index + 1), |id| {
        raw.events.iter().any(|e| e.id == id)
    });
    raw.events.push(RawEvent {
        id,
        date: day,
        kind: EventKind::Merge,
        from: ccgs.to_vec(),
        to: code.to_string(),
        to_kind: None,
        name: name.to_string(),
        share: None,
        date_basis: "scenario".to_string(),
        basis: Some(Provenance::Modelled),
        source: SCENARIO_SOURCE.to_string(),
        note: "hypothetical merger (scenario)".to_string(),
    });
    Ok(())
}

pub(super) fn find_merger(
    raw: &RawSnapshot,
    event: &str,
) -> Result<(Date, Vec<String>, String), Fail> {
    let e = raw.events.iter().find(|e| e.id == event).ok_or_else(|| {
        fail(
            format!(
                "there is no event {event}{}",
                did_you_mean(event, raw.events.iter().map(|e| e.id.as_str()))
            ),
            "use the id of a merger event: its `id` in the snapshot's `events`, as shown on the window's \"Move merger …\" button",
        )
    })?;
    if e.kind != EventKind::Merge {
        return Err(fail(
            format!("event {event} is a {}, not a merger", e.kind.label()),
            "use the id of a merger event",
        ));
    }
    Ok((e.date, e.from.clone(), e.to.clone()))
}

pub(super) fn move_merger(raw: &mut RawSnapshot, event: &str, day: Date) -> Result<(), Fail> {
    let (old, sources, target) = find_merger(raw, event)?;
    if day == old {
        return Ok(());
    }
    let ti = ccg_index(raw, &target)
        .ok_or_else(|| fail(format!("there is no CCG {target}"), "check the snapshot"))?;
    let target_end = end_of(&raw.ccgs[ti]);
    if day > target_end {
        return Err(fail(
            format!("{target} ends on {target_end}, before the new date"),
            "choose a date inside the merged CCG's life, or cancel the merger",
        ));
    }
    for c in &sources {
        let i = ccg_index(raw, c)
            .ok_or_else(|| fail(format!("there is no CCG {c}"), "check the snapshot"))?;
        if raw.ccgs[i].from > day_before(day) {
            return Err(fail(
                format!(
                    "{c} only exists from {}, after the new date",
                    raw.ccgs[i].from
                ),
                "choose a later date",
            ));
        }
    }
    if day < old {
        for c in &sources {
            if let Some(i) = ccg_index(raw, c) {
                raw.ccgs[i].to = Some(day_before(day));
            }
        }
        transfer(raw, &sources, &target, day);
    } else {
        carry_on(raw, &sources, &target, old, day_before(day));
    }
    raw.ccgs[ti].from = day;
    if let Some(e) = raw.events.iter_mut().find(|e| e.id == event) {
        e.date = day;
        e.date_basis = format!("scenario (actually {old})");
    }
    Ok(())
}

pub(super) fn cancel_merger(raw: &mut RawSnapshot, event: &str) -> Result<(), Fail> {
    let (old, sources, target) = find_merger(raw, event)?;
    let ti = ccg_index(raw, &target)
        .ok_or_else(|| fail(format!("there is no CCG {target}"), "check the snapshot"))?;
    let until = end_of(&raw.ccgs[ti]);
    carry_on(raw, &sources, &target, old, until);
    // The merged CCG never exists: later events take its CCGs instead.
    raw.events.retain(|e| {
        e.id != event
            && !(e.to == target
                && e.kind != EventKind::AbolishIntoIcb
                && e.kind != EventKind::Merge)
    });
    for e in raw.events.iter_mut() {
        if e.from.contains(&target) {
            e.from.retain(|f| *f != target);
            e.from.extend(sources.iter().cloned());
        }
    }
    if raw.events.iter().any(|e| e.to == target) {
        return Err(fail(
            format!("{target} is also created by another event"),
            "cancel that event too, or keep this merger",
        ));
    }
    raw.ccgs.retain(|c| c.code != target);
    raw.ccg_places.retain(|l| l.by != target);
    raw.ccg_systems.retain(|l| l.member != target);
    raw.neighbourhood_ccgs.retain(|l| l.of != target);
    raw.shared_management
        .retain(|a| !a.members.contains(&target));
    raw.money.figures.retain(|f| !f.orgs.contains(&target));
    raw.annotations
        .retain(|a| a.footprint.as_deref() != Some(target.as_str()));
    Ok(())
}

pub(super) fn share(
    raw: &mut RawSnapshot,
    index: usize,
    ccgs: &[String],
    from: Date,
    to: Option<Date>,
) -> Result<(), Fail> {
    distinct_ccgs(
        ccgs,
        ": a CCG cannot share management with itself",
        "sharing needs at least two CCGs",
    )?;
    if let Some(t) = to.filter(|t| *t < from) {
        return Err(fail(
            format!("the sharing ends ({t}) before it starts ({from})"),
            "make `to` the same day as `from` or later",
        ));
    }
    let mut until = to.unwrap_or(FOREVER);
    for c in ccgs {
        let i = ccg_index(raw, c).ok_or_else(|| no_ccg(raw, c))?;
        let o = &raw.ccgs[i];
        if !(o.from <= from && end_of(o) >= from) {
            return Err(fail(
                format!("{c} does not exist on {from}"),
                "choose a date on which every chosen CCG exists",
            ));
        }
        if to.is_none() {
            until = until.min(end_of(o));
        } else if end_of(o) < until {
            return Err(fail(
                format!("{c} ends on {}, before {until}", end_of(o)),
                "end the sharing sooner",
            ));
        }
    }
    let id = fresh_id(format!("S{}", index + 1), |id| {
        raw.shared_management.iter().any(|a| a.id == id)
    });
    raw.shared_management.push(RawArrangement {
        id,
        kind: ArrangementKind::SharedAccountableOfficer,
        member_kind: None,
        members: ccgs.to_vec(),
        part_members: Vec::new(),
        from,
        to: (until != FOREVER).then_some(until),
        date_basis: "scenario".to_string(),
        from_precision: Default::default(),
        to_precision: Default::default(),
        leader: "shared accountable officer (scenario)".to_string(),
        basis: Some(Provenance::Modelled),
        source: SCENARIO_SOURCE.to_string(),
        evidence: String::new(),
        note: "hypothetical (scenario)".to_string(),
    });
    Ok(())
}
