//! The timeline's model: waves of mergers, marks, and what happened on a day.

use super::text::capitalise;
use crate::model::format::EventKind;
use crate::model::snapshot::Event;
use crate::model::{Date, FOREVER, OrgId, OrgKind, Snapshot, Timeline, plural};

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
        // The wave's label, then shorter ones: with the month, then without; the month
        // is put before the first two when the wave is pushed.
        let ccgs_ended = |wave: &[&Event]| -> usize { wave.iter().map(|e| e.from.len()).sum() };
        let labels = if let Some((ended, created)) = icb_wave {
            let bare = format!("{ended} ➡ {created}");
            Some((
                format!("{ended} ICBs ➡ {created}"),
                format!("{bare} ICBs"),
                bare,
            ))
        } else if !merges.is_empty() {
            let (n_from, n) = (ccgs_ended(&merges), merges.len());
            let what = if scenario { " (scenario)" } else { "" };
            let bare = format!("{n_from} ➡ {n}");
            Some((format!("{n_from} CCGs ➡ {n}{what}"), bare.clone(), bare))
        } else if !abolitions.is_empty() {
            let n_from = ccgs_ended(&abolitions);
            let icbs = plural(abolitions.len(), "ICB", "ICBs");
            let bare = format!("{n_from} ➡ {icbs}");
            let ccgs = plural(n_from, "CCG", "CCGs");
            Some((format!("{ccgs} ➡ {icbs}"), bare.clone(), bare))
        } else {
            None
        };
        if let Some((label, with_month, bare)) = labels {
            let month = day.format("%b %Y");
            waves.push(Wave {
                date: *day,
                label: format!("{month}: {label}"),
                shorter: [format!("{month}: {with_month}"), bare],
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
