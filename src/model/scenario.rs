//! Scenarios: named sets of hypothetical changes laid over a snapshot.
//!
//! A scenario never edits the snapshot it applies to: [`apply`] takes the raw snapshot,
//! makes the changes on a copy and validates the result like any file, so everything
//! downstream (tree, counts, lineage, charts) works on the scenario unchanged. Each
//! change is checked first, with a message that names it and the CCGs concerned.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;

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
#[serde(deny_unknown_fields)]
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

/// The kinds of change, as written in a scenario file.
pub(crate) const CHANGE_KINDS: [&str; 4] =
    ["Merge", "MoveMerger", "CancelMerger", "SharedManagement"];

/// Whether a RON text is a scenario rather than a snapshot, as the one reader
/// ([`super::document::read`]) decides from the fields it parsed: a scenario (or a file
/// that stopped after a field only scenarios have, or a bare list of changes).
pub fn looks_like_scenario(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match super::document::read(text, super::document::Kind::Snapshot) {
        Ok(doc) => doc.kind() == super::document::Kind::Scenario,
        Err(s) => s.known && s.kind == super::document::Kind::Scenario,
    }
}

/// Whether `text` holds nothing but comments and white space.
fn only_comments(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else {
            return false;
        }
    }
}

const EMPTY_HINT: &str =
    "a scenario starts with `(format: 1, name: \"...\", snapshot: (...), changes: [...])`";

/// The message for a snapshot given where a scenario belongs.
pub(crate) fn snapshot_not_scenario() -> LoadError {
    single(
        None,
        "this file is a snapshot, not a scenario: it has a `title` or lists of organisations, and no `snapshot` field naming the snapshot it changes",
        "open it as a snapshot (File > Open…, or --snapshot FILE on the command line); a scenario names its snapshot with `snapshot: (title: \"...\", fingerprint: \"...\")`",
    )
}

/// Parses a scenario file, with line and column for syntax and type errors.
pub fn parse_scenario(text: &str) -> Result<Scenario, LoadError> {
    use super::document::{Document, Kind, read};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(single(None, "the scenario file is empty", EMPTY_HINT));
    }
    if only_comments(text) {
        return Err(single(
            None,
            "the scenario file is empty apart from comments",
            EMPTY_HINT,
        ));
    }
    match read(text, Kind::Scenario) {
        Ok(Document::Scenario(scenario)) => checked_version(text, *scenario),
        Ok(Document::Snapshot(_)) => Err(snapshot_not_scenario()),
        Err(stopped) if stopped.kind == Kind::Snapshot => Err(snapshot_not_scenario()),
        Err(stopped) => match stopped.format {
            Some(v) if v != SCENARIO_FORMAT => Err(version_error(text, v)),
            _ => Err(syntax_error(text, &stopped.error)),
        },
    }
}

/// A parsed scenario of this build's format, or the message for another version.
pub(crate) fn checked_version(text: &str, scenario: Scenario) -> Result<Scenario, LoadError> {
    if scenario.format != SCENARIO_FORMAT {
        return Err(version_error(text, scenario.format));
    }
    Ok(scenario)
}

fn version_error(text: &str, v: u32) -> LoadError {
    single(
        Locator::new(text).field("format"),
        &format!(
            "scenario format version {v} is not supported: this build reads format {SCENARIO_FORMAT}"
        ),
        "open it with the version of ccg-explorer that wrote it",
    )
}

/// A scenario's syntax or type error, in the scenario's words.
pub(crate) fn syntax_error(text: &str, e: &ron::error::SpannedError) -> LoadError {
    let mut err = super::load::syntax_error_in(text, e);
    if let Some(p) = err.problems.first_mut() {
        if let Some(m) = scenario_message(&e.code) {
            p.message = super::load::with_field(text, e, m);
        }
        if let Some(c) = char_at(text, e).filter(|c| c.is_control() && !c.is_whitespace()) {
            p.message = format!(
                "found the control character U+{:04X} here: the file is damaged, or not a text file",
                u32::from(c)
            );
            p.hint = "open the scenario in a text editor, or save it again".to_string();
        } else if let Some(field) = field_instead_of_value(text, e) {
            p.message = format!(
                "{}, but found the field `{field}`: is a `]` or `)` before it missing?",
                p.message.trim_end_matches(" here")
            );
        }
    }
    err
}

/// The text of the line of an error, from its column on.
fn text_at(text: &str, e: &ron::error::SpannedError) -> Option<String> {
    let line = text.lines().nth(e.span.start.line.checked_sub(1)?)?;
    Some(
        line.chars()
            .skip(e.span.start.col.checked_sub(1)?)
            .collect(),
    )
}

/// The character at the place of an error.
fn char_at(text: &str, e: &ron::error::SpannedError) -> Option<char> {
    text_at(text, e)?.chars().next()
}

/// The field name at the place of an error that wanted a value (a list or struct left
/// open runs into the next field).
fn field_instead_of_value(text: &str, e: &ron::error::SpannedError) -> Option<String> {
    use ron::Error as E;
    if !matches!(
        e.code,
        E::ExpectedString
            | E::ExpectedInteger
            | E::ExpectedFloat
            | E::ExpectedBoolean
            | E::ExpectedArray
            | E::ExpectedStructLike
    ) {
        return None;
    }
    let rest = text_at(text, e)?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let after = rest[name.len()..].trim_start();
    (!name.is_empty() && after.starts_with(':') && !after.starts_with("::")).then_some(name)
}

/// The scenario's name for a type ron names in a message.
fn scenario_type(name: &str) -> String {
    match name {
        "Scenario" => "scenario".to_string(),
        "SnapshotRef" => "`snapshot` reference".to_string(),
        "Bookmark" => "bookmark".to_string(),
        "Change" => "kind of change".to_string(),
        "ChartKind" => "chart".to_string(),
        k if CHANGE_KINDS.contains(&k) => format!("`{k}` change"),
        other => other.to_string(),
    }
}

/// Messages about the scenario's own types, where ron's would name Rust types; `None`
/// keeps the snapshot loader's wording.
fn scenario_message(code: &ron::Error) -> Option<String> {
    use ron::Error as E;
    let within = |outer: &Option<String>| {
        outer
            .as_deref()
            .map(|o| format!(" in this {}", scenario_type(o)))
            .unwrap_or_default()
    };
    Some(match code {
        E::TrailingCharacters => "there is more text after the scenario's closing `)`".to_string(),
        E::ExpectedBoolean => "expected `true` or `false` here".to_string(),
        E::ExpectedIdentifier => format!(
            "expected a name without quotes here: a field name, a kind of change ({}), or a chart (Costs, Savings, CcgCount)",
            CHANGE_KINDS.map(|k| format!("`{k}(...)`")).join(", ")
        ),
        E::ExpectedNamedStructLike(name) => {
            format!("expected `(` to open the {}", scenario_type(name))
        }
        E::ExpectedDifferentStructName { expected, found } => format!(
            "expected `(` to open the {}, but found `{found}`",
            scenario_type(expected)
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown {} `{found}`; expected one of: {}",
            outer
                .as_deref()
                .map(scenario_type)
                .unwrap_or_else(|| "value".to_string()),
            expected.join(", ")
        ),
        E::DuplicateStructField { field, outer } => {
            format!("the field `{field}` is written twice{}", within(outer))
        }
        E::MissingStructField { field, outer } => {
            format!("a required field `{field}` is missing{}", within(outer))
        }
        E::NoSuchStructField {
            found,
            expected,
            outer,
        } => format!(
            "unknown field `{found}`{}; expected one of: {}",
            within(outer),
            expected.join(", ")
        ),
        _ => return None,
    })
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
    for (i, written) in scenario.changes.iter().enumerate() {
        // Codes are compared as ODS codes are: `09c` and ` 09C` name 09C.
        let change = &as_ods_codes(&out, written);
        if let Change::Merge { code, .. } = written
            && !code.trim().is_empty()
            && super::text::normalise_code(code) != *code
            && super::text::code_problem(&super::text::normalise_code(code)).is_none()
        {
            notes.push(Problem {
                severity: Severity::Warning,
                pos: None,
                code: Some(format!("change {}", i + 1)),
                message: format!(
                    "the new code `{}` is read as {}: ODS codes are upper case, without spaces or invisible characters",
                    super::text::escape_code(code),
                    super::text::normalise_code(code)
                ),
                hint: format!(
                    "write the code as {} in the scenario",
                    super::text::normalise_code(code)
                ),
            });
        }
        let result = check_dates(change).and_then(|()| match change {
            Change::Merge {
                date,
                ccgs,
                code,
                name,
            } => merge(&mut out, i, *date, ccgs, code, name),
            Change::MoveMerger { event, date } => {
                still_there(raw, &out, event).and_then(|()| move_merger(&mut out, event, *date))
            }
            Change::CancelMerger { event } => {
                still_there(raw, &out, event).and_then(|()| cancel_merger(&mut out, event))
            }
            Change::SharedManagement { ccgs, from, to } => share(&mut out, i, ccgs, *from, *to),
        });
        if let Err(message) = result {
            problems.push(err(i, written, message.0, &message.1));
        }
    }
    check_bookmarks(raw, &out, scenario, &mut problems, &mut notes);
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    match super::load::validate(&out, &Locator::default()) {
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

/// The years a date may fall in (as in snapshots).
const SANE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Every date of `change` is within [`SANE_YEARS`].
fn check_dates(change: &Change) -> Result<(), Fail> {
    let dates = match change {
        Change::Merge { date, .. } | Change::MoveMerger { date, .. } => vec![*date],
        Change::CancelMerger { .. } => Vec::new(),
        Change::SharedManagement { from, to, .. } => std::iter::once(*from).chain(*to).collect(),
    };
    match dates.into_iter().find(|d| !SANE_YEARS.contains(&d.year())) {
        Some(d) => Err(fail(
            format!("the date {d} is outside the years 1900 to 2200"),
            "check the year",
        )),
        None => Ok(()),
    }
}

/// `change` with its CCG codes read as ODS codes: each that names a CCG of `raw` once
/// upper-cased and stripped of spaces and invisible characters becomes that CCG's
/// code; a new CCG's code is normalised the same way.
fn as_ods_codes(raw: &RawSnapshot, change: &Change) -> Change {
    use super::text::normalise_code;
    let known = |c: &String| -> String {
        if ccg_index(raw, c).is_some() {
            return c.clone();
        }
        let want = normalise_code(c);
        raw.ccgs
            .iter()
            .find(|o| normalise_code(&o.code) == want)
            .map(|o| o.code.clone())
            .unwrap_or_else(|| c.clone())
    };
    let mut out = change.clone();
    match &mut out {
        Change::Merge { ccgs, code, .. } => {
            *ccgs = ccgs.iter().map(known).collect();
            *code = normalise_code(code);
        }
        Change::SharedManagement { ccgs, .. } => *ccgs = ccgs.iter().map(known).collect(),
        Change::MoveMerger { .. } | Change::CancelMerger { .. } => {}
    }
    out
}

/// `base`, or `base.2`, `base.3`, ... : the first that `taken` does not hold. Scenario
/// events and arrangements get ids no snapshot event or arrangement has.
fn fresh_id(base: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&base) {
        return base;
    }
    (2u64..)
        .map(|k| format!("{base}.{k}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// A merger an earlier change already cancelled cannot be moved or cancelled again.
fn still_there(raw: &RawSnapshot, out: &RawSnapshot, event: &str) -> Result<(), Fail> {
    let had = |r: &RawSnapshot| r.events.iter().any(|e| e.id == event);
    if had(raw) && !had(out) {
        return Err(fail(
            format!("event {event} was already cancelled by an earlier change"),
            "remove this change or the earlier one",
        ));
    }
    Ok(())
}

/// `" (did you mean 09C?)"` when `code` matches one of `known` but for case.
fn did_you_mean<'a>(code: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(code.trim()))
        .map(|k| format!(" (did you mean {k}?)"))
        .unwrap_or_default()
}

fn no_ccg(raw: &RawSnapshot, code: &str) -> Fail {
    fail(
        format!(
            "there is no CCG {code}{}",
            did_you_mean(code, raw.ccgs.iter().map(|c| c.code.as_str()))
        ),
        "check the codes: a CCG's code is its ODS code, such as 09C; `ccg-explorer at DATE` lists the CCGs on a day",
    )
}

/// Every organisation of `raw` (CCGs first), with the label of its kind.
fn all_orgs(raw: &RawSnapshot) -> impl Iterator<Item = (&'static str, &RawOrg)> {
    let mut lists = raw.org_lists();
    lists.sort_by_key(|(k, _)| *k != super::OrgKind::Ccg);
    lists
        .into_iter()
        .flat_map(|(k, list)| list.iter().map(move |o| (k.label(), o)))
}

/// Checks the bookmarks against the world each shows: a date outside the years 1900 to
/// 2200 is an error, a selection that is no organisation there a warning.
fn check_bookmarks(
    raw: &RawSnapshot,
    out: &RawSnapshot,
    scenario: &Scenario,
    errors: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) {
    for (i, b) in scenario.bookmarks.iter().enumerate() {
        let code = Some(format!("bookmark {}", i + 1));
        if !SANE_YEARS.contains(&b.date.year()) {
            errors.push(Problem {
                severity: Severity::Error,
                pos: None,
                code: code.clone(),
                message: format!(
                    "bookmark \"{}\" shows the date {}, outside the years 1900 to 2200",
                    b.name, b.date
                ),
                hint: "check the year".to_string(),
            });
        }
        let Some(sel) = &b.selection else { continue };
        let (world, which) = if b.scenario {
            (out, "the scenario")
        } else {
            (raw, "the actual record")
        };
        if !all_orgs(world).any(|(_, o)| o.code == *sel) {
            warnings.push(Problem {
                severity: Severity::Warning,
                pos: None,
                code,
                message: format!(
                    "bookmark \"{}\" selects {sel}, which is no organisation in {which}{}",
                    b.name,
                    did_you_mean(sel, all_orgs(world).map(|(_, o)| o.code.as_str()))
                ),
                hint:
                    "use the code of an organisation shown on that date, or leave `selection` out"
                        .to_string(),
            });
        } else if let Some((_, o)) = all_orgs(world).find(|(_, o)| o.code == *sel)
            && !all_orgs(world)
                .any(|(_, o)| o.code == *sel && o.from <= b.date && b.date <= end_of(o))
        {
            // It exists, but not on the bookmark's day: name what carries it on then.
            let mut now = o.code.clone();
            let mut seen = HashSet::new();
            while seen.insert(now.clone()) {
                let next = world.events.iter().find(|e| {
                    e.date <= b.date
                        && matches!(e.kind, EventKind::Merge | EventKind::AbolishIntoIcb)
                        && e.from.contains(&now)
                });
                match next {
                    Some(e) => now = e.to.clone(),
                    None => break,
                }
            }
            let carried = if now != *sel {
                format!(" ({sel} carries on as {now} by then)")
            } else {
                String::new()
            };
            warnings.push(Problem {
                severity: Severity::Warning,
                pos: None,
                code,
                message: format!(
                    "bookmark \"{}\" selects {sel}, which does not exist on {} in {which}{carried}",
                    b.name,
                    super::human_date(b.date)
                ),
                hint: "select what exists on that date, or move the bookmark's date into its life"
                    .to_string(),
            });
        }
    }
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
    if let Some(twice) = ccgs.iter().find(|c| !seen.insert(*c)) {
        return Err(fail(
            format!("{twice} is listed twice; a merger needs at least two different CCGs"),
            "list each CCG once",
        ));
    }
    if ccgs.len() < 2 {
        return Err(fail(
            "a merger needs at least two different CCGs".into(),
            "choose two or more CCGs",
        ));
    }
    for (what, value) in [("code", code), ("name", name)] {
        if value.trim().is_empty() {
            return Err(fail(
                format!("the new CCG's {what} is empty"),
                "give the merged CCG a code and a name",
            ));
        }
    }
    if let Some(why) = super::text::code_problem(code) {
        return Err(fail(
            format!(
                "the new code `{}` cannot be an ODS code: {why}",
                super::text::escape_code(code)
            ),
            "choose a code of letters and digits, such as KM18",
        ));
    }
    if let Some((kind, o)) =
        all_orgs(raw).find(|(_, o)| o.code == code || super::text::normalise_code(&o.code) == code)
    {
        return Err(fail(
            format!(
                "the code {code} is already used by the {kind} {}{}",
                super::text::escape(&o.name),
                if o.code == code {
                    String::new()
                } else {
                    format!(" (as `{}`)", super::text::escape_code(&o.code))
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

fn find_merger(raw: &RawSnapshot, event: &str) -> Result<(Date, Vec<String>, String), Fail> {
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
    let mut seen = HashSet::new();
    if let Some(twice) = ccgs.iter().find(|c| !seen.insert(*c)) {
        return Err(fail(
            format!("{twice} is listed twice: a CCG cannot share management with itself"),
            "list each CCG once",
        ));
    }
    if ccgs.len() < 2 {
        return Err(fail(
            "sharing needs at least two CCGs".into(),
            "choose two or more CCGs",
        ));
    }
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
