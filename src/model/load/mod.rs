//! Loading: parse the RON text into [`RawSnapshot`], then check it and lift it into a
//! [`Snapshot`] with typed ids.
//!
//! Validation never stops at the first problem: it collects every one it finds, each
//! naming the organisation and, where the file is at fault, the line and column.
//! Warnings (valid but odd) are kept apart from errors.

use std::fmt;

use super::format::RawSnapshot;
use super::locate::{Locator, Pos};
use super::snapshot::Snapshot;

mod arrangements;
mod checker;
mod events;
mod icb_money;
mod money;
mod orgs;
mod parse;
mod relations;
mod validate;

pub(crate) use checker::SANE_YEARS;
pub use money::{MAX_GBP, PARAMETERS};
pub use parse::parse_str;
pub(crate) use parse::{syntax_error_in, typed_ron_message, with_field};
pub use validate::validate;

/// How far shares of a place may stray from 1 (the sources round to 4 decimals).
pub const SHARE_TOLERANCE: f64 = 0.002;

/// Whether a problem stops the file loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file cannot be used until it is fixed.
    Error,
    /// The file loads, but something looks wrong.
    Warning,
}

/// One thing wrong with a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the file, when known.
    pub pos: Option<Pos>,
    /// The organisation (or event id) concerned, when there is one.
    pub code: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Problem {
    /// An error about no place in a file (reading it, laying a scenario over it):
    /// what went wrong and what to do.
    pub fn general(message: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            pos: None,
            code: None,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}")?;
        if let Some(pos) = self.pos {
            write!(f, " at {pos}")?;
        }
        write!(f, ": ")?;
        // What came from the file is shown escaped: a look-alike code, a terminal
        // escape in a name.
        if let Some(code) = &self.code {
            write!(f, "[{}] ", super::text::escape_code(code))?;
        }
        write!(f, "{}", super::text::escape(&self.message))?;
        if !self.hint.is_empty() {
            write!(f, " ({})", super::text::escape(&self.hint))?;
        }
        Ok(())
    }
}

/// A file that could not be loaded, with every problem found.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", summary(.problems))]
pub struct LoadError {
    /// Errors first, then warnings, each in file order.
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let mut s = format!(
        "the snapshot has {errors} error{}",
        if errors == 1 { "" } else { "s" }
    );
    if let Some(first) = problems.first() {
        s.push_str(&format!("; first: {first}"));
    }
    s
}

impl LoadError {
    pub(crate) fn single(
        pos: Option<Pos>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        LoadError {
            problems: vec![Problem {
                severity: Severity::Error,
                pos,
                code: None,
                message: message.into(),
                hint: hint.into(),
            }],
        }
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

/// A snapshot that loaded, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The checked snapshot.
    pub snapshot: Snapshot,
    /// Things that look wrong but do not stop it loading.
    pub warnings: Vec<Problem>,
}

/// Parses and validates a snapshot from its text.
pub fn load_str(text: &str) -> Result<Loaded, LoadError> {
    load_raw(text).map(|(_, loaded)| loaded)
}

/// Parses and validates a snapshot, keeping the raw form too (scenarios apply to it).
pub fn load_raw(text: &str) -> Result<(RawSnapshot, Loaded), LoadError> {
    validate_raw(parse_str(text)?, text)
}

/// Checks a parsed snapshot (`text` is what it was parsed from, for line and column).
pub fn validate_raw(raw: RawSnapshot, text: &str) -> Result<(RawSnapshot, Loaded), LoadError> {
    // A clean file needs no line numbers: check it without them first, and scan the
    // text for positions only when there is something to report.
    if let Ok(loaded) = validate(&raw, &Locator::default())
        && loaded.warnings.is_empty()
    {
        return Ok((raw, loaded));
    }
    let locator = Locator::new(text);
    let loaded = validate(&raw, &locator)?;
    Ok((raw, loaded))
}
