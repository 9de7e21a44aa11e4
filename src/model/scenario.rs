//! Scenarios: named sets of hypothetical changes laid over a snapshot.
//!
//! A scenario never edits the snapshot it applies to: [`apply`] takes the raw snapshot,
//! makes the changes on a copy and validates the result like any file, so everything
//! downstream (tree, counts, lineage, charts) works on the scenario unchanged. Each
//! change is checked first, with a message that names it and the CCGs concerned.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::format::{
    ArrangementKind, ChartKind, EventKind, RawArrangement, RawEvent, RawLink, RawOrg,
    RawPopulation, RawShare, RawSnapshot, RawSource,
};
use super::load::{LoadError, Loaded, Problem, Severity};
use super::locate::Locator;
use super::{Date, FOREVER, Provenance};

/// The only scenario format version this build reads and writes.
pub const SCENARIO_FORMAT: u32 = 1;

/// The source key scenario figures cite.
pub const SCENARIO_SOURCE: &str = "SCENARIO";

/// The scenario laid over a snapshot, if any: the title of its `SCENARIO` source.
pub fn scenario_of(s: &super::Snapshot) -> Option<String> {
    s.sources
        .iter()
        .find(|x| x.key == SCENARIO_SOURCE)
        .map(|x| x.title.clone())
}

/// Which snapshot a scenario was made for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRef {
    /// The snapshot's title.
    pub title: String,
    /// A fingerprint of its organisations and events (see [`fingerprint`]).
    pub fingerprint: String,
}

/// One hypothetical change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// CCGs (`ccgs`) merge on `date` into a new CCG `code` called `name`.
    Merge {
        /// The day of the merger.
        date: Date,
        /// The CCGs that merge (at least two).
        ccgs: Vec<String>,
        /// The new CCG's code.
        code: String,
        /// The new CCG's name.
        name: String,
    },
    /// A real merger (by event id) happens on another `date`.
    MoveMerger {
        /// The event id of the real merger.
        event: String,
        /// Its new date.
        date: Date,
    },
    /// A real merger (by event id) never happens: its CCGs carry on.
    CancelMerger {
        /// The event id of the real merger.
        event: String,
    },
    /// CCGs share an accountable officer from `from` (to `to`, or for as long as they all exist).
    SharedManagement {
        /// The CCGs (at least two).
        ccgs: Vec<String>,
        /// First day.
        from: Date,
        /// Last day, if not for as long as they all exist.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Date>,
    },
}

impl Change {
    /// A line for the scenario panel.
    pub fn describe(&self) -> String {
        match self {
            Change::Merge {
                date,
                ccgs,
                code,
                name,
            } => format!("{date}: merge {} into {name} ({code})", ccgs.join(", ")),
            Change::MoveMerger { event, date } => format!("move merger {event} to {date}"),
            Change::CancelMerger { event } => format!("cancel merger {event}"),
            Change::SharedManagement { ccgs, from, to } => match to {
                Some(t) => format!(
                    "{from} to {t}: {} share an accountable officer",
                    ccgs.join(", ")
                ),
                None => format!(
                    "from {from}: {} share an accountable officer",
                    ccgs.join(", ")
                ),
            },
        }
    }
}

/// A named scene for presenting: a date, a selection, scenario on or off, a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookmark {
    /// Its name (shown as the caption).
    pub name: String,
    /// The date shown.
    pub date: Date,
    /// The selected organisation's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// Whether the scenario is shown (else the actual record).
    #[serde(default = "yes")]
    pub scenario: bool,
    /// The chart to bring forward.
    #[serde(default)]
    pub chart: ChartKind,
    /// A note for the caption line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn yes() -> bool {
    true
}

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub format: u32,
    /// Its name, shown everywhere the scenario is.
    pub name: String,
    /// The snapshot it applies to.
    pub snapshot: SnapshotRef,
    /// What it shows, in a sentence.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The changes, applied in order.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Scenes for presenting.
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
}

impl Scenario {
    /// An empty scenario for `raw`.
    pub fn new(name: &str, raw: &RawSnapshot) -> Self {
        Scenario {
            format: SCENARIO_FORMAT,
            name: name.to_string(),
            snapshot: SnapshotRef {
                title: raw.title.clone(),
                fingerprint: fingerprint(raw),
            },
            description: String::new(),
            changes: Vec::new(),
            bookmarks: Vec::new(),
        }
    }

    /// The RON text of the scenario, as saved.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .indentor("  ".to_string())
            .new_line("\n".to_string())
            .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
        ron::ser::to_string_pretty(self, config).map(|mut t| {
            t.push('\n');
            t
        })
    }
}

/// Whether a RON text looks like a scenario (it has a `snapshot` field) rather than a
/// snapshot.
pub fn looks_like_scenario(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        snapshot: Option<serde::de::IgnoredAny>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<Probe>(text)
        .is_ok_and(|p| p.snapshot.is_some())
}

/// Parses a scenario file, with line and column for syntax and type errors.
pub fn parse_scenario(text: &str) -> Result<Scenario, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(single(
            None,
            "the scenario file is empty",
            "a scenario starts with `(format: 1, name: \"...\", snapshot: (...), changes: [...])`",
        ));
    }
    let scenario: Scenario = ron::Options::default()
        .from_str(text)
        .map_err(|e| super::load::syntax_error_for(&e))?;
    if scenario.format != SCENARIO_FORMAT {
        return Err(single(
            Locator::new(text).field("format"),
            &format!(
                "scenario format version {} is not supported: this build reads format {SCENARIO_FORMAT}",
                scenario.format
            ),
            "open it with the version of ccg-explorer that wrote it",
        ));
    }
    Ok(scenario)
}

fn single(pos: Option<super::locate::Pos>, message: &str, hint: &str) -> LoadError {
    LoadError {
        problems: vec![Problem {
            severity: Severity::Error,
            pos,
            code: None,
            message: message.to_string(),
            hint: hint.to_string(),
        }],
    }
}

/// A stable fingerprint of a snapshot's organisations and events (FNV-1a, 64 bits).
pub fn fingerprint(raw: &RawSnapshot) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (kind, list) in [
        ("r", &raw.regions),
        ("s", &raw.systems),
        ("i", &raw.icbs),
        ("l", &raw.sub_icb_locations),
        ("c", &raw.ccgs),
        ("p", &raw.places),
        ("n", &raw.neighbourhoods),
    ] {
        for o in list {
            eat(kind);
            eat(&o.code);
            eat(&o.from.to_string());
            eat(&o.to.map(|d| d.to_string()).unwrap_or_default());
        }
    }
    for e in &raw.events {
        eat(&e.id);
        eat(&e.date.to_string());
        eat(&e.to);
        for f in &e.from {
            eat(f);
        }
    }
    format!("{h:016x}")
}

/// Something wrong with a scenario.
pub type ScenarioError = LoadError;

fn err(index: usize, change: &Change, message: String, hint: &str) -> Problem {
    Problem {
        severity: Severity::Error,
        pos: None,
        code: Some(format!("change {}", index + 1)),
        message: format!("{}: {message}", change.describe()),
        hint: hint.to_string(),
    }
}

/// Applies every change of `scenario` to a copy of `raw` and validates the result.
/// Warnings include a note when the scenario was made for another snapshot.
pub fn apply(
    raw: &RawSnapshot,
    scenario: &Scenario,
) -> Result<(RawSnapshot, Loaded), ScenarioError> {
    let mut out = raw.clone();
    let mut notes: Vec<Problem> = Vec::new();
    if scenario.snapshot.fingerprint != fingerprint(raw) {
        notes.push(Problem {
            severity: Severity::Warning,
            pos: None,
            code: None,
            message: format!(
                "the scenario was made for the snapshot \"{}\" ({}), not the one open (\"{}\"); its changes are applied where they still fit",
                scenario.snapshot.title,
                scenario.snapshot.fingerprint,
                raw.title
            ),
            hint: "open the snapshot it was made for, or check every change".to_string(),
        });
    }
    if !out.sources.iter().any(|s| s.key == SCENARIO_SOURCE) {
        out.sources.push(RawSource {
            key: SCENARIO_SOURCE.to_string(),
            title: format!(
                "Scenario \"{}\": hypothetical changes, not the published record",
                scenario.name
            ),
            reference: String::new(),
        });
    }
    let mut problems = Vec::new();
    for (i, change) in scenario.changes.iter().enumerate() {
        let result = match change {
            Change::Merge {
                date,
                ccgs,
                code,
                name,
            } => merge(&mut out, i, *date, ccgs, code, name),
            Change::MoveMerger { event, date } => move_merger(&mut out, event, *date),
            Change::CancelMerger { event } => cancel_merger(&mut out, event),
            Change::SharedManagement { ccgs, from, to } => share(&mut out, i, ccgs, *from, *to),
        };
        if let Err(message) = result {
            problems.push(err(i, change, message.0, &message.1));
        }
    }
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    match super::load::validate(out.clone(), &Locator::default()) {
        Ok(mut loaded) => {
            notes.append(&mut loaded.warnings);
            loaded.warnings = notes;
            Ok((out, loaded))
        }
        Err(e) => Err(LoadError {
            problems: e
                .problems
                .into_iter()
                .map(|mut p| {
                    p.message = format!("with the scenario applied, {}", p.message);
                    p.hint = "remove or change the scenario change that causes it".to_string();
                    p
                })
                .collect(),
        }),
    }
}

/// A failed change: message and hint.
struct Fail(String, String);

fn fail(message: String, hint: &str) -> Fail {
    Fail(message, hint.to_string())
}

fn day_before(d: Date) -> Date {
    d.pred_opt().unwrap_or(d)
}

fn ccg_index(raw: &RawSnapshot, code: &str) -> Option<usize> {
    raw.ccgs.iter().position(|c| c.code == code)
}

/// The code of the most populous of `sources`.
fn most_populous(raw: &RawSnapshot, sources: &[String]) -> String {
    sources
        .iter()
        .max_by_key(|c| {
            ccg_index(raw, c)
                .and_then(|i| raw.ccgs[i].population.as_ref().map(|p| p.count))
                .unwrap_or(0)
        })
        .cloned()
        .unwrap_or_default()
}

fn end_of(o: &RawOrg) -> Date {
    o.to.unwrap_or(FOREVER)
}

/// Moves what `sources` do from `day` on to `target`: system membership (that of the
/// most populous source), places served (shares added up), neighbourhoods. Source
/// relations stop the day before; shared management and renames of the sources after
/// `day` are dropped.
fn transfer(raw: &mut RawSnapshot, sources: &[String], target: &str, day: Date) {
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
    // Shared management of the sources stops; their renames and boundary changes go.
    raw.shared_management.retain_mut(|a| {
        if !a.members.iter().any(|m| src.contains(m.as_str())) || a.to.unwrap_or(FOREVER) < day {
            return true;
        }
        if a.from >= day {
            return false;
        }
        a.to = Some(day_before(day));
        true
    });
    raw.events.retain(|e| {
        !(matches!(e.kind, EventKind::Rename | EventKind::BoundaryChange)
            && src.contains(e.to.as_str())
            && e.date >= day)
    });
}

/// The events that end any of `codes` (mergers and abolitions), by id.
fn ending_events(raw: &RawSnapshot, codes: &[String]) -> BTreeMap<String, Vec<String>> {
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

fn merge(
    raw: &mut RawSnapshot,
    index: usize,
    day: Date,
    ccgs: &[String],
    code: &str,
    name: &str,
) -> Result<(), Fail> {
    let mut seen = HashSet::new();
    if ccgs.len() < 2 || ccgs.iter().any(|c| !seen.insert(c)) {
        return Err(fail(
            "a merger needs at least two different CCGs".into(),
            "choose two or more CCGs",
        ));
    }
    if code.trim().is_empty() || name.trim().is_empty() {
        return Err(fail(
            "the new CCG needs a code and a name".into(),
            "give the merged CCG a code and a name",
        ));
    }
    if ccg_index(raw, code).is_some() {
        return Err(fail(
            format!("the code {code} is already used by a CCG"),
            "choose a code no CCG has",
        ));
    }
    let before = day_before(day);
    let mut missing = Vec::new();
    let mut ends = HashSet::new();
    let mut population = 0i64;
    let mut as_at = Date::MIN;
    for c in ccgs {
        match ccg_index(raw, c) {
            None => return Err(fail(format!("there is no CCG {c}"), "check the codes")),
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
                    population += p.count;
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
        note: format!("scenario: merger of {}", ccgs.join(", ")),
    });
    raw.events.push(RawEvent {
        id: format!("S{}", index + 1),
        date: day,
        kind: EventKind::Merge,
        from: ccgs.to_vec(),
        to: code.to_string(),
        name: name.to_string(),
        date_basis: "scenario".to_string(),
        source: SCENARIO_SOURCE.to_string(),
        note: "hypothetical merger (scenario)".to_string(),
    });
    Ok(())
}

fn find_merger(raw: &RawSnapshot, event: &str) -> Result<(Date, Vec<String>, String), Fail> {
    let e = raw.events.iter().find(|e| e.id == event).ok_or_else(|| {
        fail(
            format!("there is no event {event}"),
            "use the id of a merger event",
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

fn move_merger(raw: &mut RawSnapshot, event: &str, day: Date) -> Result<(), Fail> {
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

/// The sources of a merger carry on from `from` to `until` (inclusive): their last
/// relations are extended, with place shares scaled to what the merged CCG served,
/// and the merged CCG's relations in that time are removed.
fn carry_on(raw: &mut RawSnapshot, sources: &[String], target: &str, from: Date, until: Date) {
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
fn clip_start(concerned: bool, from: &mut Date, to: Option<Date>, after: Date) -> bool {
    if !concerned || *from >= after {
        return true;
    }
    if to.unwrap_or(FOREVER) < after {
        return false;
    }
    *from = after;
    true
}

fn cancel_merger(raw: &mut RawSnapshot, event: &str) -> Result<(), Fail> {
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

fn share(
    raw: &mut RawSnapshot,
    index: usize,
    ccgs: &[String],
    from: Date,
    to: Option<Date>,
) -> Result<(), Fail> {
    if ccgs.len() < 2 {
        return Err(fail(
            "sharing needs at least two CCGs".into(),
            "choose two or more CCGs",
        ));
    }
    let mut until = to.unwrap_or(FOREVER);
    for c in ccgs {
        let i = ccg_index(raw, c)
            .ok_or_else(|| fail(format!("there is no CCG {c}"), "check the codes"))?;
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
    raw.shared_management.push(RawArrangement {
        id: format!("S{}", index + 1),
        kind: ArrangementKind::SharedAccountableOfficer,
        members: ccgs.to_vec(),
        from,
        to: (until != FOREVER).then_some(until),
        date_basis: "scenario".to_string(),
        leader: "shared accountable officer (scenario)".to_string(),
        source: SCENARIO_SOURCE.to_string(),
        evidence: String::new(),
        note: "hypothetical (scenario)".to_string(),
    });
    Ok(())
}
