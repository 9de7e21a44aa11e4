//! The problem collector every rule writes to, and how values are shown in messages.

use rustc_hash::FxHashSet;

use crate::model::locate::{Locator, Pos};
use crate::model::{Date, FOREVER};

use super::{Problem, Severity};

/// Organisations by kind and code, as they are lifted.
pub(super) use crate::model::snapshot::ByCode;

/// Collects problems while lifting.
pub(super) struct Checker<'a> {
    pub(super) locator: &'a Locator,
    pub(super) problems: Vec<Problem>,
    pub(super) sources: FxHashSet<String>,
    /// The last `source` found to name only known keys: most rows of a list cite the
    /// same one, and `sources` does not change once checking starts.
    pub(super) known_source: String,
}

impl Checker<'_> {
    pub(super) fn push(
        &mut self,
        severity: Severity,
        at: Option<Pos>,
        code: &str,
        message: String,
        hint: &str,
    ) {
        self.problems.push(Problem {
            severity,
            pos: at,
            code: (!code.is_empty()).then(|| code.to_string()),
            message,
            hint: hint.to_string(),
        });
    }

    pub(super) fn error(&mut self, at: Option<Pos>, code: &str, message: String, hint: &str) {
        self.push(Severity::Error, at, code, message, hint);
    }

    pub(super) fn warn(&mut self, at: Option<Pos>, code: &str, message: String, hint: &str) {
        self.push(Severity::Warning, at, code, message, hint);
    }

    pub(super) fn at(&self, section: &str, index: usize) -> Option<Pos> {
        self.locator
            .item(section, index)
            .or_else(|| self.locator.field(section))
    }

    /// Adds `id` to `ids`, with an error `{what} id {id} is used twice` where it was
    /// there already.
    pub(super) fn check_unique_id<'i>(
        &mut self,
        ids: &mut FxHashSet<&'i str>,
        at: Option<Pos>,
        id: &'i str,
        what: &str,
        hint: &str,
    ) {
        if !ids.insert(id) {
            self.error(at, id, format!("{what} id {id} is used twice"), hint);
        }
    }

    pub(super) fn check_source(&mut self, at: Option<Pos>, code: &str, source: &str) {
        if source == self.known_source {
            return;
        }
        let before = self.problems.len();
        for key in source.split(';').map(str::trim).filter(|k| !k.is_empty()) {
            if !self.sources.contains(key) {
                self.error(
                    at,
                    code,
                    format!("unknown source key `{key}`"),
                    "add it to `sources`, or use a key that is there",
                );
            }
        }
        if self.problems.len() == before {
            source.clone_into(&mut self.known_source);
        }
    }
}

/// Years outside this range are typing mistakes, not NHS history.
pub(crate) const SANE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

impl Checker<'_> {
    /// Rejects dates no snapshot means (year 20190, year 201), including a date written
    /// as the last day chrono knows (`+262142-12-31`): only a missing `to` (`None`)
    /// means "still so". `what` names the thing, and is only worked out when there is a
    /// problem.
    pub(super) fn check_dates(
        &mut self,
        at: Option<Pos>,
        code: &str,
        what: &dyn Fn() -> String,
        dates: &[Option<Date>],
    ) {
        use chrono::Datelike;
        for d in dates.iter().flatten() {
            if !SANE_YEARS.contains(&d.year()) {
                let what = what();
                self.error(
                    at,
                    code,
                    format!("{what} has the date {d}, outside the years 1900 to 2200"),
                    "check the year; dates are written YYYY-MM-DD",
                );
            }
        }
    }
}

pub(super) fn end(to: Option<Date>) -> Date {
    to.unwrap_or(FOREVER)
}

pub(super) fn show_end(d: Date) -> String {
    if d == FOREVER {
        "open-ended".to_string()
    } else {
        d.to_string()
    }
}

/// A code as shown in messages: characters no ODS or ONS code has are escaped.
pub(super) fn show_code(code: &str) -> std::borrow::Cow<'_, str> {
    crate::model::text::escape_code(code)
}

/// An organisation as messages name it: its kind and its code, `CCG 99Q`.
pub(super) fn show_org(kind: crate::model::OrgKind, code: &str) -> String {
    format!("{} {}", kind.label(), show_code(code))
}

/// A number as people read it: `4300000`, but `1e308` rather than 309 digits.
pub(super) fn show_number(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}
