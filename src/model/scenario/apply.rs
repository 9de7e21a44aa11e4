//! Laying a scenario over a snapshot: each change checked, then made on a copy.

use chrono::Datelike;

use crate::model::format::{RawOrg, RawSnapshot, RawSource};
use crate::model::load::{LoadError, Loaded, Problem, Severity};
use crate::model::locate::Locator;
use crate::model::{Date, FOREVER};

use super::bookmarks::*;
use super::mergers::*;
use super::*;
pub(super) use crate::model::load::SANE_YEARS;

/// Something wrong with a scenario.
pub type ScenarioError = LoadError;

pub(super) fn err(index: usize, change: &Change, message: String, hint: &str) -> Problem {
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
            && crate::model::text::normalise_code(code) != *code
            && crate::model::text::code_problem(&crate::model::text::normalise_code(code)).is_none()
        {
            notes.push(Problem {
                severity: Severity::Warning,
                pos: None,
                code: Some(format!("change {}", i + 1)),
                message: format!(
                    "the new code `{}` is read as {}: ODS codes are upper case, without spaces or invisible characters",
                    crate::model::text::escape_code(code),
                    crate::model::text::normalise_code(code)
                ),
                hint: format!(
                    "write the code as {} in the scenario",
                    crate::model::text::normalise_code(code)
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
    match crate::model::load::validate(&out, &Locator::default()) {
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
pub(super) struct Fail(String, String);

pub(super) fn fail(message: String, hint: &str) -> Fail {
    Fail(message, hint.to_string())
}

/// Every date of `change` is within [`SANE_YEARS`].
pub(super) fn check_dates(change: &Change) -> Result<(), Fail> {
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
pub(super) fn as_ods_codes(raw: &RawSnapshot, change: &Change) -> Change {
    use crate::model::text::normalise_code;
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
pub(super) fn fresh_id(base: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&base) {
        return base;
    }
    (2u64..)
        .map(|k| format!("{base}.{k}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// A merger an earlier change already cancelled cannot be moved or cancelled again.
pub(super) fn still_there(raw: &RawSnapshot, out: &RawSnapshot, event: &str) -> Result<(), Fail> {
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
pub(super) fn did_you_mean<'a>(code: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(code.trim()))
        .map(|k| format!(" (did you mean {k}?)"))
        .unwrap_or_default()
}

pub(super) fn no_ccg(raw: &RawSnapshot, code: &str) -> Fail {
    fail(
        format!(
            "there is no CCG {code}{}",
            did_you_mean(code, raw.ccgs.iter().map(|c| c.code.as_str()))
        ),
        "check the codes: a CCG's code is its ODS code, such as 09C; `ccg-explorer at DATE` lists the CCGs on a day",
    )
}

/// Every organisation of `raw` (CCGs first), with the label of its kind.
pub(super) fn all_orgs(raw: &RawSnapshot) -> impl Iterator<Item = (&'static str, &RawOrg)> {
    let mut lists = raw.org_lists();
    lists.sort_by_key(|(k, _)| *k != crate::model::OrgKind::Ccg);
    lists
        .into_iter()
        .flat_map(|(k, list)| list.iter().map(move |o| (k.label(), o)))
}

pub(super) fn day_before(d: Date) -> Date {
    d.pred_opt().unwrap_or(d)
}

pub(super) fn ccg_index(raw: &RawSnapshot, code: &str) -> Option<usize> {
    raw.ccgs.iter().position(|c| c.code == code)
}

/// The code of the most populous of `sources`.
pub(super) fn most_populous(raw: &RawSnapshot, sources: &[String]) -> String {
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

pub(super) fn end_of(o: &RawOrg) -> Date {
    o.to.unwrap_or(FOREVER)
}
