//! Parsing a scenario's text, with RON's errors in a scenario's words.

use crate::model::load::{LoadError, typed_ron_message};
use crate::model::locate::Locator;

use super::*;

/// The kinds of change, as written in a scenario file.
pub(crate) const CHANGE_KINDS: [&str; 4] =
    ["Merge", "MoveMerger", "CancelMerger", "SharedManagement"];

/// Whether a RON text is a scenario rather than a snapshot, as the one reader
/// ([`crate::model::document::read`]) decides from the fields it parsed: a scenario (or a file
/// that stopped after a field only scenarios have, or a bare list of changes).
pub fn looks_like_scenario(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match crate::model::document::read(text, crate::model::document::Kind::Snapshot) {
        Ok(doc) => doc.kind() == crate::model::document::Kind::Scenario,
        Err(s) => s.known && s.kind == crate::model::document::Kind::Scenario,
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
    LoadError::single(
        None,
        "this file is a snapshot, not a scenario: it has a `title` or lists of organisations, and no `snapshot` field naming the snapshot it changes",
        "open it as a snapshot (File > Open…, or --snapshot FILE on the command line); a scenario names its snapshot with `snapshot: (title: \"...\", fingerprint: \"...\")`",
    )
}

/// Parses a scenario file, with line and column for syntax and type errors.
pub fn parse_scenario(text: &str) -> Result<Scenario, LoadError> {
    use crate::model::document::{Document, Kind, read};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::single(
            None,
            "the scenario file is empty",
            EMPTY_HINT,
        ));
    }
    if only_comments(text) {
        return Err(LoadError::single(
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
    LoadError::single(
        Locator::new(text).field("format"),
        format!(
            "scenario format version {v} is not supported: this build reads format {SCENARIO_FORMAT}"
        ),
        "open it with the version of ccg-explorer that wrote it",
    )
}

/// A scenario's syntax or type error, in the scenario's words.
pub(crate) fn syntax_error(text: &str, e: &ron::error::SpannedError) -> LoadError {
    let mut err = crate::model::load::syntax_error_in(text, e);
    if let Some(p) = err.problems.first_mut() {
        if let Some(m) = scenario_message(&e.code) {
            p.message = crate::model::load::with_field(text, e, m);
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
    Some(match code {
        E::TrailingCharacters => "there is more text after the scenario's closing `)`".to_string(),
        E::ExpectedBoolean => "expected `true` or `false` here".to_string(),
        E::ExpectedIdentifier => format!(
            "expected a name without quotes here: a field name, a kind of change ({}), or a chart (Costs, Savings, CcgCount)",
            CHANGE_KINDS.map(|k| format!("`{k}(...)`")).join(", ")
        ),
        _ => return typed_ron_message(code, scenario_type),
    })
}
