//! Loading: parse the RON text into [`RawSnapshot`], then check it and lift it into a
//! [`Snapshot`] with typed ids.
//!
//! Validation never stops at the first problem: it collects every one it finds, each
//! naming the organisation and, where the file is at fault, the line and column.
//! Warnings (valid but odd) are kept apart from errors.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use super::format::{EventKind, FORMAT_VERSION, RawHeader, RawShare, RawSnapshot};
use super::locate::{Locator, Pos};
use super::snapshot::{Event, Link, LinkId, LinkKind, Org, OrgId, Population, Snapshot};
use super::{Date, FOREVER, FinancialYear, OrgKind, Provenance};

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
    fn single(pos: Option<Pos>, message: impl Into<String>, hint: impl Into<String>) -> Self {
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

/// Parses the text into the raw serde types, checking only syntax, types and version.
pub fn parse_str(text: &str) -> Result<RawSnapshot, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(start) = body_start(text) else {
        return Err(LoadError::single(
            None,
            if text.trim().is_empty() {
                "the file is empty"
            } else {
                "the file holds no snapshot: it is empty apart from comments"
            },
            "a snapshot starts with `(format: 1, title: \"...\", ...)`; see assets/FORMAT.md",
        ));
    };
    use super::document::{Document, Kind, read};
    let stopped = match read(text, Kind::Snapshot) {
        Ok(Document::Snapshot(raw)) if raw.format == FORMAT_VERSION => return Ok(*raw),
        Ok(Document::Snapshot(raw)) => return Err(version_error(text, raw.format)),
        Ok(Document::Scenario(_)) => return Err(scenario_not_snapshot()),
        Err(s) if s.known && s.kind == Kind::Scenario => return Err(scenario_not_snapshot()),
        Err(s) => s,
    };
    if let Some(v) = stopped.format.filter(|v| *v != FORMAT_VERSION) {
        return Err(version_error(text, v));
    }
    if looks_like_json(text) {
        return Err(LoadError::single(
            Some(start),
            "this file is JSON, not RON: ccg-explorer reads snapshots written in RON, where a \
             struct is `( ... )` and field names have no quotes",
            "convert it to RON (assets/FORMAT.md shows the layout; assets/examples/tiny.ron is an example)",
        ));
    }
    // Only when the file fails is the header read on its own, to tell a missing or
    // unsupported `format` (written after the mistake) from a plain syntax error. It
    // is read with `implicit_some` whatever the file enables, so that `format: 1` is
    // found even in a file that forgot `#![enable(implicit_some)]`.
    let header = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<RawHeader>(text);
    match header {
        // A plain syntax error: the lenient read of the header words it best.
        Err(e) => Err(syntax_error_in(text, &e)),
        Ok(RawHeader { format: None }) => Err(LoadError::single(
            Some(start),
            "the file has no `format` field, so it is not a ccg-explorer snapshot",
            "add `format: 1,` as the first field; see assets/FORMAT.md",
        )),
        Ok(RawHeader { format: Some(v) }) if v != FORMAT_VERSION => Err(version_error(text, v)),
        _ => Err(syntax_error_in(text, &stopped.error)),
    }
}

fn version_error(text: &str, v: u32) -> LoadError {
    LoadError::single(
        Locator::new(text).field("format"),
        format!("format version {v} is not supported: this build reads format {FORMAT_VERSION}"),
        "open it with the version of ccg-explorer that wrote it, or convert it to format 1",
    )
}

/// The message for a scenario given where a snapshot belongs.
pub(crate) fn scenario_not_snapshot() -> LoadError {
    LoadError::single(
        None,
        "this file is a scenario, not a snapshot: it has a `snapshot` field naming the snapshot it changes",
        "open it with Scenario > Open scenario…, or pass it with --scenario FILE on the command line",
    )
}

/// Whether text that failed as RON is JSON: it opens with `{`, as no snapshot does.
fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Where the snapshot itself starts: the first character that is not white space, a
/// comment or a `#![...]` attribute; `None` when there is nothing else.
fn body_start(text: &str) -> Option<Pos> {
    let mut at = Pos { line: 1, col: 1 };
    let mut rest = text;
    loop {
        let c = rest.chars().next()?;
        let skip = if c.is_whitespace() {
            Some(c.len_utf8())
        } else if rest.starts_with("//") {
            Some(rest.find('\n').unwrap_or(rest.len()))
        } else if rest.starts_with("/*") {
            rest.find("*/").map(|i| i + 2)
        } else if rest.starts_with("#!") {
            rest.find(']').map(|i| i + 1)
        } else {
            None
        };
        // Anything else, or an unclosed comment or attribute, is for the parser.
        let Some(skip) = skip else { return Some(at) };
        for ch in rest[..skip].chars() {
            if ch == '\n' {
                at.line += 1;
                at.col = 1;
            } else {
                at.col += 1;
            }
        }
        rest = &rest[skip..];
    }
}

/// A syntax or type error from ron, as a problem with line and column: the place is
/// that of the value at fault (not the space before it), and a wrong value names its
/// field.
pub(crate) fn syntax_error_in(text: &str, e: &ron::error::SpannedError) -> LoadError {
    let e = &at_value_start(text, e);
    let start = Pos {
        line: e.span.start.line.max(1),
        col: e.span.start.col.max(1),
    };
    let at = past_spaces(text, start);
    let control = text
        .split('\n')
        .nth(at.line - 1)
        .and_then(|l| l.chars().nth(at.col - 1))
        .filter(|c| c.is_control() && !c.is_whitespace());
    if let Some(c) = control
        && !matches!(
            e.code,
            ron::Error::ExpectedStructLike | ron::Error::ExpectedNamedStructLike(_)
        )
    {
        return LoadError::single(
            Some(at),
            format!(
                "found the control character U+{:04X} here: the file is damaged, or not a text file",
                u32::from(c)
            ),
            "open the file in a text editor, or save it again",
        );
    }
    let message = with_field(text, e, plain_ron_message(&e.code));
    LoadError::single(
        Some(at),
        message,
        "fix the text at that place; assets/FORMAT.md describes every field",
    )
}

/// A value's own error (a bad date) is placed by ron just inside the string; place it
/// at the string's opening quote, where the value starts.
fn at_value_start(text: &str, e: &ron::error::SpannedError) -> ron::error::SpannedError {
    let mut e = e.clone();
    if !matches!(e.code, ron::Error::Message(_)) {
        return e;
    }
    let Some(line) = e
        .span
        .start
        .line
        .checked_sub(1)
        .and_then(|l| text.split('\n').nth(l))
    else {
        return e;
    };
    let col = e.span.start.col;
    if col >= 2 && line.chars().nth(col - 2) == Some('"') {
        e.span.start.col = col - 1;
    }
    e
}

/// `pos`, moved past white space to the next character that is not.
fn past_spaces(text: &str, pos: Pos) -> Pos {
    let mut at = pos;
    let mut lines = text.split('\n').skip(pos.line - 1);
    let Some(first) = lines.next() else {
        return pos;
    };
    let mut rest: Box<dyn Iterator<Item = char>> = Box::new(first.chars().skip(pos.col - 1));
    loop {
        match rest.next() {
            Some(c) if c.is_whitespace() => at.col += 1,
            Some(_) => return at,
            None => match lines.next() {
                Some(l) => {
                    at = Pos {
                        line: at.line + 1,
                        col: 1,
                    };
                    rest = Box::new(l.chars());
                }
                None => return pos,
            },
        }
    }
}

/// `message`, naming the field whose value is at fault (`format: "1"` gives "the field
/// `format`: expected a whole number here").
pub(crate) fn with_field(text: &str, e: &ron::error::SpannedError, message: String) -> String {
    use ron::Error as E;
    let wrong_value = matches!(
        e.code,
        E::ExpectedInteger
            | E::ExpectedFloat
            | E::ExpectedString
            | E::ExpectedStringEnd
            | E::ExpectedBoolean
            | E::ExpectedArray
            | E::ExpectedOption
            | E::ExpectedStructLike
            | E::ExpectedNamedStructLike(_)
            | E::IntegerOutOfBounds
            | E::InvalidIntegerDigit { .. }
            | E::InvalidValueForType { .. }
            | E::Message(_)
    );
    match field_before(text, e).filter(|_| wrong_value) {
        Some(field) if !message.contains(&format!("`{field}`")) => {
            format!("the field `{field}`: {message}")
        }
        _ => message,
    }
}

/// The name of the field whose value starts at the error: `name:` just before it.
fn field_before(text: &str, e: &ron::error::SpannedError) -> Option<String> {
    let line = text.split('\n').nth(e.span.start.line.checked_sub(1)?)?;
    let before: String = line
        .chars()
        .take(e.span.start.col.checked_sub(1)?)
        .collect();
    let before = before.trim_end().strip_suffix(':')?.trim_end();
    let name: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

/// Turns ron's messages into plain words where they are terse.
fn plain_ron_message(code: &ron::Error) -> String {
    use ron::Error as E;
    match code {
        E::Eof => "the file ends too early (is it truncated?)".to_string(),
        E::ExpectedStructLikeEnd | E::ExpectedArrayEnd => {
            format!("{code}: a bracket is missing or a comma is out of place")
        }
        E::ExpectedComma => {
            "expected a comma here: one is missing, or a bracket or quote before this is not closed"
                .to_string()
        }
        E::ExpectedStringEnd => "a string has no closing `\"` (is the file truncated?)".to_string(),
        E::ExpectedFloat => "expected a number here, like 0.5".to_string(),
        E::ExpectedInteger => "expected a whole number here".to_string(),
        E::IntegerOutOfBounds => {
            "this number is too large, or negative where it cannot be".to_string()
        }
        E::ExpectedString => "expected text in double quotes here".to_string(),
        E::ExpectedArray => "expected a list in `[` `]` here".to_string(),
        E::ExpectedStructLike => "expected `(` here".to_string(),
        E::ExpectedNamedStructLike(name) => {
            format!("expected `(` to open the {}", plain_type(name))
        }
        E::ExpectedDifferentStructName { expected, found } => format!(
            "expected `(` to open the {}, but found `{found}`",
            plain_type(expected)
        ),
        E::ExpectedOption => concat!(
            "expected an optional value: put `#![enable(implicit_some)]` at the top of the ",
            "file (or write `Some(...)`)"
        )
        .to_string(),
        E::TrailingCharacters => "there is more text after the snapshot's closing `)`".to_string(),
        E::ExceededRecursionLimit => "brackets are nested too deeply".to_string(),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown {} `{found}`; expected one of: {}",
            outer.as_deref().map(plain_type).unwrap_or("value"),
            expected.join(", ")
        ),
        E::DuplicateStructField { field, outer } => match outer {
            Some(o) => format!(
                "the field `{field}` is written twice in this {}",
                plain_type(o)
            ),
            None => format!("the field `{field}` is written twice"),
        },
        E::MissingStructField { field, outer } => match outer {
            Some(o) => format!(
                "a required field `{field}` is missing in this {}",
                plain_type(o)
            ),
            None => format!("a required field `{field}` is missing"),
        },
        E::NoSuchStructField {
            found: field,
            expected,
            outer,
        } => {
            let within = outer
                .as_ref()
                .map(|o| format!(" in this {}", plain_type(o)))
                .unwrap_or_default();
            format!(
                "unknown field `{field}`{within}; expected one of: {}",
                expected.join(", ")
            )
        }
        E::InvalidIntegerDigit { .. } => {
            "expected a whole number here, such as 250000, not a fraction or a number with an exponent like 1e308"
                .to_string()
        }
        E::Message(m) if m.contains("trailing input") => {
            "not a valid date: there is more after the day (a time?); write dates as YYYY-MM-DD, with no time".to_string()
        }
        E::Message(m) if m.contains("input contains invalid characters") => {
            format!("not a valid date: {m}; write dates as YYYY-MM-DD")
        }
        E::Message(m)
            if m.contains("premature end of input") || m.contains("input is out of range") =>
        {
            format!("not a valid date ({m}); write dates as YYYY-MM-DD with a real day")
        }
        _ => code.to_string(),
    }
}

fn plain_type(name: &str) -> &str {
    match name {
        "RawSnapshot" | "RawHeader" | "Document" => "snapshot",
        "RawOrg" => "organisation",
        "RawPopulation" => "population",
        "RawLink" => "membership",
        "RawShare" => "share",
        "RawEvent" => "event",
        "RawMoney" => "money section",
        "RawYearAmount" => "yearly amount",
        "RawTarget" => "target",
        "RawFigure" => "figure",
        "RawParameter" => "parameter",
        "RawSource" => "source",
        "EventKind" => "event kind",
        "Provenance" => "basis",
        other => other,
    }
}

/// Collects problems while lifting.
struct Checker<'a> {
    locator: &'a Locator,
    problems: Vec<Problem>,
    sources: HashSet<String>,
}

impl Checker<'_> {
    fn push(
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

    fn error(&mut self, at: Option<Pos>, code: &str, message: String, hint: &str) {
        self.push(Severity::Error, at, code, message, hint);
    }

    fn warn(&mut self, at: Option<Pos>, code: &str, message: String, hint: &str) {
        self.push(Severity::Warning, at, code, message, hint);
    }

    fn at(&self, section: &str, index: usize) -> Option<Pos> {
        self.locator
            .item(section, index)
            .or_else(|| self.locator.field(section))
    }

    fn check_source(&mut self, at: Option<Pos>, code: &str, source: &str) {
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
    }
}

/// Years outside this range are typing mistakes, not NHS history.
const SANE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

impl Checker<'_> {
    /// Rejects dates no snapshot means (year 20190, year 201), including a date written
    /// as the last day chrono knows (`+262142-12-31`): only a missing `to` (`None`)
    /// means "still so". `what` names the thing, and is only worked out when there is a
    /// problem.
    fn check_dates(
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

fn end(to: Option<Date>) -> Date {
    to.unwrap_or(FOREVER)
}

fn show_end(d: Date) -> String {
    if d == FOREVER {
        "open-ended".to_string()
    } else {
        d.to_string()
    }
}

/// Checks a parsed snapshot and lifts it into typed ids.
pub fn validate(raw: &RawSnapshot, locator: &Locator) -> Result<Loaded, LoadError> {
    let mut ck = Checker {
        locator,
        problems: Vec::new(),
        sources: HashSet::new(),
    };
    if raw.title.trim().is_empty() {
        ck.warn(
            locator.field("title"),
            "",
            "the snapshot has no title".to_string(),
            "give it a `title`; the window shows it",
        );
    }
    if let Some(a) = raw.as_at {
        ck.check_dates(
            locator.field("as_at"),
            "",
            &|| "the snapshot's `as_at`".to_string(),
            &[Some(a)],
        );
    }
    for (i, s) in raw.sources.iter().enumerate() {
        if !ck.sources.insert(s.key.clone()) {
            let at = ck.at("sources", i);
            ck.error(
                at,
                &s.key,
                format!("source key `{}` is listed twice", s.key),
                "keep one entry per key",
            );
        }
    }

    // Organisations.
    let mut orgs: Vec<Org> = Vec::new();
    let mut by_code: HashMap<(OrgKind, String), OrgId> = HashMap::new();
    let lists = raw.org_lists();
    let mut org_pos: Vec<Option<Pos>> = Vec::new();
    for (kind, list) in lists {
        for (i, r) in list.iter().enumerate() {
            let at = ck.at(kind.section(), i);
            let code = r.code.trim().to_string();
            if code.is_empty() {
                ck.error(
                    at,
                    "",
                    format!("a {} has an empty code", kind.label()),
                    "give every organisation its ODS or ONS code",
                );
                continue;
            }
            if r.name.trim().is_empty() {
                ck.warn(
                    at,
                    &code,
                    format!("{} {code} has no name", kind.label()),
                    "add its `name`",
                );
            }
            let to = end(r.to);
            ck.check_dates(
                at,
                &code,
                &|| format!("{} {code}", kind.label()),
                &[Some(r.from), r.to],
            );
            if let Some(p) = &r.population {
                ck.check_dates(
                    at,
                    &code,
                    &|| format!("the population of {code}"),
                    &[Some(p.as_at)],
                );
            }
            if let Some(n) = r.named_from {
                ck.check_dates(at, &code, &|| format!("`named_from` of {code}"), &[Some(n)]);
                if n < r.from || n > to {
                    ck.error(
                        at,
                        &code,
                        format!(
                            "{} {code} has `named_from` {n}, outside its life ({} to {})",
                            kind.label(),
                            r.from,
                            show_end(to)
                        ),
                        "`named_from` is the day the body of that name began: a day within the organisation's life",
                    );
                }
            }
            if to < r.from {
                ck.error(
                    at,
                    &code,
                    format!(
                        "{} {code} ends ({}) before it starts ({})",
                        kind.label(),
                        show_end(to),
                        r.from
                    ),
                    "swap or correct `from` and `to`",
                );
            }
            let population = match &r.population {
                Some(p) if p.count < 0 => {
                    ck.error(
                        at,
                        &code,
                        format!(
                            "{} {code} has a negative population ({})",
                            kind.label(),
                            p.count
                        ),
                        "a population is a count of people, zero or more",
                    );
                    None
                }
                Some(p) => {
                    ck.check_source(at, &code, &p.source);
                    Some(Population {
                        count: p.count.unsigned_abs(),
                        as_at: p.as_at,
                        period: p.period.clone(),
                        basis: p.basis,
                        source: p.source.clone(),
                    })
                }
                None => None,
            };
            if let Some(first) = by_code.get(&(kind, code.clone())) {
                let first_at = org_pos[first.ix()];
                let also = first_at
                    .map(|p| format!(" (first at {p})"))
                    .unwrap_or_default();
                ck.error(
                    at,
                    &code,
                    format!("{} code {code} is used twice{also}", kind.label()),
                    "codes must be unique within their list; remove or rename one",
                );
                continue;
            }
            let ons_codes = lift_ons_codes(&mut ck, at, &code, kind, r, to);
            let id = OrgId(orgs.len() as u32);
            by_code.insert((kind, code.clone()), id);
            org_pos.push(at);
            orgs.push(Org {
                kind,
                code,
                name: r.name.trim().to_string(),
                ons: r.ons.clone(),
                ons_codes,
                from: r.from,
                to,
                population,
                named_from: r.named_from,
                note: r.note.clone(),
                renames: Vec::new(),
            });
        }
    }

    let resolve = |ck: &mut Checker, at: Option<Pos>, kind: OrgKind, code: &str, section: &str| {
        let id = by_code.get(&(kind, code.trim().to_string())).copied();
        if id.is_none() {
            let odd = super::text::code_problem(code.trim())
                .filter(|_| !code.trim().chars().all(|c| c.is_ascii_graphic()))
                .map(|why| format!(" ({why}: look for a look-alike or invisible character)"))
                .unwrap_or_default();
            ck.error(
                at,
                code,
                format!(
                    "`{section}` refers to {} `{}`, which is not in `{}`{odd}",
                    kind.label(),
                    show_code(code),
                    kind.section()
                ),
                "add the organisation, or correct the code",
            );
        }
        id
    };

    // Relations.
    let mut links: Vec<Link> = Vec::new();
    let mut link_pos: Vec<Option<Pos>> = Vec::new();
    let member_lists = [
        (LinkKind::SystemRegion, &raw.system_regions),
        (LinkKind::IcbRegion, &raw.icb_regions),
        (LinkKind::CcgSystem, &raw.ccg_systems),
        (LinkKind::SubIcbIcb, &raw.sub_icb_icbs),
        (LinkKind::IcbSystem, &raw.icb_systems),
        (LinkKind::NeighbourhoodCcg, &raw.neighbourhood_ccgs),
        (LinkKind::NeighbourhoodSubIcb, &raw.neighbourhood_sub_icbs),
    ];
    let share_lists: [(LinkKind, &Vec<RawShare>); 3] = [
        (LinkKind::CcgPlace, &raw.ccg_places),
        (LinkKind::SubIcbPlace, &raw.sub_icb_places),
        (LinkKind::NeighbourhoodPlace, &raw.neighbourhood_places),
    ];
    // Each with the `to` as written: only a missing one means "still so".
    let mut pending: Vec<(LinkKind, usize, String, String, Link, Option<Date>)> = Vec::new();
    for (kind, list) in member_lists {
        for (i, r) in list.iter().enumerate() {
            pending.push((
                kind,
                i,
                r.member.clone(),
                r.of.clone(),
                Link {
                    kind,
                    a: OrgId(0),
                    b: OrgId(0),
                    from: r.from,
                    to: end(r.to),
                    share: 1.0,
                    basis: r.basis.unwrap_or(Provenance::Published),
                    source: r.source.clone(),
                    note: String::new(),
                },
                r.to,
            ));
        }
    }
    for (kind, list) in share_lists {
        for (i, r) in list.iter().enumerate() {
            pending.push((
                kind,
                i,
                r.by.clone(),
                r.place.clone(),
                Link {
                    kind,
                    a: OrgId(0),
                    b: OrgId(0),
                    from: r.from,
                    to: end(r.to),
                    share: r.share,
                    basis: r.basis,
                    source: r.source.clone(),
                    note: r.note.clone(),
                },
                r.to,
            ));
        }
    }
    for (kind, i, a_code, b_code, mut link, written_to) in pending {
        let section = kind.section();
        let at = ck.at(section, i);
        let (ka, kb) = kind.ends();
        let a = resolve(&mut ck, at, ka, &a_code, section);
        let b = resolve(&mut ck, at, kb, &b_code, section);
        if !link.source.is_empty() {
            ck.check_source(at, &a_code, &link.source);
        }
        ck.check_dates(
            at,
            &a_code,
            &|| format!("the {section} entry {a_code} -> {b_code}"),
            &[Some(link.from), written_to],
        );
        if link.to < link.from {
            ck.error(
                at,
                &a_code,
                format!(
                    "the {section} entry {a_code} -> {b_code} ends ({}) before it starts ({})",
                    show_end(link.to),
                    link.from
                ),
                "swap or correct `from` and `to`",
            );
            continue;
        }
        if !(link.share > 0.0 && link.share <= 1.0 + SHARE_TOLERANCE) {
            ck.error(
                at,
                &a_code,
                format!(
                    "the share of {a_code} in {b_code} is {}, outside 0 to 1",
                    link.share
                ),
                "a share is a fraction: more than 0 and at most 1",
            );
            continue;
        }
        let (Some(a), Some(b)) = (a, b) else { continue };
        link.a = a;
        link.b = b;
        for end_id in [a, b] {
            let o = &orgs[end_id.ix()];
            if link.from < o.from || link.to > o.to {
                ck.error(
                    at,
                    &o.code,
                    format!(
                        "the {section} entry {a_code} -> {b_code} runs {} to {}, outside the life of {} {} ({} to {})",
                        link.from,
                        show_end(link.to),
                        o.kind.label(),
                        o.code,
                        o.from,
                        show_end(o.to)
                    ),
                    "shorten the relation to the organisation's life, or correct its dates",
                );
            }
        }
        links.push(link);
        link_pos.push(at);
    }
    // Keep relations grouped by kind (they already are, by construction).

    // Events.
    let mut events: Vec<Event> = Vec::new();
    let mut event_pos: Vec<Option<Pos>> = Vec::new();
    let mut event_ids: HashSet<String> = HashSet::new();
    for (i, e) in raw.events.iter().enumerate() {
        let at = ck.at("events", i);
        ck.check_dates(at, &e.id, &|| format!("event {}", e.id), &[Some(e.date)]);
        if !e.id.is_empty() && !event_ids.insert(e.id.clone()) {
            ck.error(
                at,
                &e.id,
                format!("event id {} is used twice", e.id),
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
        let to = resolve(&mut ck, at, to_kind, &e.to, "events");
        let from: Vec<Option<OrgId>> = e
            .from
            .iter()
            .map(|c| resolve(&mut ck, at, from_kind, c, "events"))
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
                    ck.error(
                        at,
                        &o.code,
                        format!(
                            "{} {} is in the {} on {}, but its life ends {}, not the day before ({day_before})",
                            o.kind.label(),
                            o.code,
                            e.kind.label(),
                            e.date,
                            show_end(o.to)
                        ),
                        &format!(
                            "set the {}'s `to` to the day before the event, or correct the event's date",
                            o.kind.label()
                        ),
                    );
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
    check_cycles(&mut ck, &orgs, &events, &event_pos);
    check_endings(&mut ck, &orgs, &events, &event_pos);
    check_memberships(&mut ck, &orgs, &links, &link_pos);
    events.sort_by_key(|e| e.date);
    // The names renames give, in date order: an organisation's name on a day.
    for e in &events {
        if e.kind == EventKind::Rename
            && !e.name.trim().is_empty()
            && let Some(o) = orgs.get_mut(e.to.ix())
        {
            o.renames.push((e.date, e.name.trim().to_string(), e.basis));
        }
    }

    // Money.
    let money = &raw.money;
    let money_at = |path: &str, index: Option<usize>| {
        let path = format!("money.{path}");
        match index {
            Some(i) => locator.item(&path, i),
            None => locator.field(&path),
        }
        .or_else(|| locator.field("money"))
    };
    for (section, list) in [
        ("allowance_per_head", &money.allowance_per_head),
        ("national_totals", &money.national_totals),
    ] {
        for (i, a) in list.iter().enumerate() {
            let at = money_at(section, Some(i));
            if let Some(why) = bad_money(a.gbp) {
                ck.error(
                    at,
                    "",
                    format!(
                        "money.{section} for {} is {} GBP, which is {why}",
                        a.year,
                        show_number(a.gbp)
                    ),
                    MONEY_HINT,
                );
            }
            check_money_year(&mut ck, at, &format!("money.{section}"), a.year);
            ck.check_source(at, "", &a.source);
        }
    }
    if let Some(t) = &money.target {
        let at = money_at("target", None);
        if !(t.cut > 0.0 && t.cut < 1.0) {
            ck.error(
                at,
                "",
                format!("the target cut is {}, outside 0 to 1", t.cut),
                "write 20% as 0.2",
            );
        }
        if t.target_year <= t.baseline_year {
            ck.error(
                at,
                "",
                format!(
                    "the target year {} is not after the baseline year {}",
                    t.target_year, t.baseline_year
                ),
                "the target year comes after the baseline",
            );
        }
        check_money_year(&mut ck, at, "the target's baseline_year", t.baseline_year);
        check_money_year(&mut ck, at, "the target's target_year", t.target_year);
        check_baseline_in_data(&mut ck, at, &orgs, t.baseline_year);
        ck.check_source(at, "", &t.source);
    }
    check_parameters(&mut ck, &money.parameters, &|i| {
        money_at("parameters", Some(i))
    });
    for (i, f) in money.figures.iter().enumerate() {
        let at = money_at("figures", Some(i));
        let who = f.orgs.join(";");
        for v in [f.gbp, f.gbp_per_head].into_iter().flatten() {
            if let Some(why) = bad_money(v) {
                ck.error(
                    at,
                    &who,
                    format!(
                        "the {} figure for {} ({}) is {} GBP, which is {why}",
                        f.metric,
                        if who.is_empty() {
                            "an illustrative CCG"
                        } else {
                            &who
                        },
                        f.period,
                        show_number(v)
                    ),
                    MONEY_HINT,
                );
            }
        }
        if let Some(y) = f.year {
            check_money_year(&mut ck, at, "money.figures", y);
        }
        for c in &f.orgs {
            resolve(&mut ck, at, OrgKind::Ccg, c, "money.figures");
        }
        ck.check_source(at, &who, &f.source);
    }

    check_icb_money(&mut ck, raw, locator, &by_code);

    if orgs.is_empty() {
        ck.warn(
            None,
            "",
            "the snapshot has no organisations, so every date is empty".to_string(),
            "add organisations to `ccgs`, `places` and the other lists",
        );
    }
    let links_of = {
        let mut v: Vec<Vec<LinkId>> = vec![Vec::new(); orgs.len()];
        for (i, l) in links.iter().enumerate() {
            v[l.a.ix()].push(LinkId(i as u32));
            v[l.b.ix()].push(LinkId(i as u32));
        }
        v
    };
    let arrangements = lift_arrangements(&mut ck, &raw.shared_management, &orgs, &by_code);
    let annotations = lift_annotations(&mut ck, &raw.annotations, &by_code);
    check_place_shares(&mut ck, &orgs, &links, &links_of, &org_pos);
    check_abolitions(&mut ck, &orgs, &links, &links_of, &events);

    let has_errors = ck.problems.iter().any(|p| p.severity == Severity::Error);
    let mut problems = ck.problems;
    problems.sort_by_key(|p| (p.severity, p.pos));
    if has_errors {
        return Err(LoadError { problems });
    }
    let mut sources = raw.sources.clone();
    sources.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Loaded {
        snapshot: Snapshot {
            title: raw.title.clone(),
            description: raw.description.clone(),
            as_at: raw.as_at,
            sources,
            orgs,
            links,
            events,
            arrangements,
            money: raw.money.clone(),
            icb_money: raw.icb_money.clone(),
            annotations,
            by_code,
            links_of,
            span_once: std::sync::OnceLock::new(),
        },
        warnings: problems,
    })
}

/// An organisation's ONS codes over time: each inside its life, in order, none
/// overlapping, every source known.
fn lift_ons_codes(
    ck: &mut Checker,
    at: Option<Pos>,
    code: &str,
    kind: OrgKind,
    r: &super::format::RawOrg,
    to: Date,
) -> Vec<super::snapshot::OnsCode> {
    let mut out: Vec<super::snapshot::OnsCode> = Vec::new();
    for c in &r.ons_codes {
        let c_to = end(c.to);
        ck.check_dates(
            at,
            code,
            &|| format!("the ONS code {} of {code}", c.code),
            &[Some(c.from), c.to],
        );
        if !c.source.is_empty() {
            ck.check_source(at, code, &c.source);
        }
        if c.code.trim().is_empty() {
            ck.error(
                at,
                code,
                format!("{} {code} has an empty code in `ons_codes`", kind.label()),
                "write the ONS code, or leave the entry out for days with no known code",
            );
            continue;
        }
        if c_to < c.from {
            ck.error(
                at,
                code,
                format!(
                    "the ONS code {} of {code} ends ({}) before it starts ({})",
                    show_code(&c.code),
                    show_end(c_to),
                    c.from
                ),
                "swap or correct `from` and `to`",
            );
            continue;
        }
        if c.from < r.from || c_to > to {
            ck.error(
                at,
                code,
                format!(
                    "the ONS code {} of {} {code} runs {} to {}, outside its life ({} to {})",
                    show_code(&c.code),
                    kind.label(),
                    c.from,
                    show_end(c_to),
                    r.from,
                    show_end(to)
                ),
                "keep each ONS code within the organisation's life",
            );
        }
        if let Some(prev) = out.iter().find(|p| p.from <= c_to && c.from <= p.to) {
            ck.error(
                at,
                code,
                format!(
                    "{} {code} has two ONS codes at once, {} and {}, from {} to {}",
                    kind.label(),
                    show_code(&prev.code),
                    show_code(&c.code),
                    prev.from.max(c.from),
                    show_end(prev.to.min(c_to))
                ),
                "end one code the day before the next starts",
            );
        }
        out.push(super::snapshot::OnsCode {
            code: c.code.trim().to_string(),
            from: c.from,
            to: c_to,
            basis: c.basis,
            source: c.source.clone(),
            note: c.note.clone(),
        });
    }
    out.sort_by_key(|c| c.from);
    out
}

/// ICB running costs: amounts that can be used, years in range, codes that are ICBs,
/// rules that make sense, sources known.
fn check_icb_money(
    ck: &mut Checker,
    raw: &RawSnapshot,
    locator: &Locator,
    by_code: &HashMap<(OrgKind, String), OrgId>,
) {
    let money = &raw.icb_money;
    let at = |path: &str, i: usize| {
        locator
            .item(&format!("icb_money.{path}"), i)
            .or_else(|| locator.field("icb_money"))
    };
    let icb = |ck: &mut Checker, pos: Option<Pos>, code: &str, section: &str| {
        if !by_code.contains_key(&(OrgKind::Icb, code.trim().to_string())) {
            ck.error(
                pos,
                code,
                format!(
                    "`icb_money.{section}` refers to ICB `{}`, which is not in `icbs`",
                    show_code(code)
                ),
                "add the ICB, or correct the code (codes in icb_money are ICB codes)",
            );
        }
    };
    for (i, f) in money.figures.iter().enumerate() {
        let pos = at("figures", i);
        let who = f.orgs.join(";");
        for v in [f.gbp, f.gbp_per_head].into_iter().flatten() {
            if let Some(why) = bad_money(v) {
                ck.error(
                    pos,
                    &who,
                    format!(
                        "the ICB {} figure for {} ({}) is {} GBP, which is {why}",
                        f.metric,
                        if who.is_empty() { "England" } else { &who },
                        f.period,
                        show_number(v)
                    ),
                    MONEY_HINT,
                );
            }
        }
        if let Some(y) = f.year {
            check_money_year(ck, pos, "icb_money.figures", y);
        }
        for c in &f.orgs {
            icb(ck, pos, c, "figures");
        }
        ck.check_source(pos, &who, &f.source);
    }
    let mut ids = HashSet::new();
    for (i, t) in money.targets.iter().enumerate() {
        let pos = at("targets", i);
        if !ids.insert(t.id.as_str()) {
            ck.error(
                pos,
                &t.id,
                format!("the ICB target id {} is used twice", t.id),
                "give every target its own id",
            );
        }
        if t.cut.is_none() && t.gbp_per_head.is_none() {
            ck.error(
                pos,
                &t.id,
                format!("the ICB target {} has neither a `cut` nor a `gbp_per_head`", t.id),
                "a target is a cut from a baseline (`cut: 0.3`) or an envelope per head (`gbp_per_head: 18.76`)",
            );
        }
        if let Some(c) = t.cut
            && !(c > 0.0 && c < 1.0)
        {
            ck.error(
                pos,
                &t.id,
                format!(
                    "the ICB target {} cuts {}, outside 0 to 1",
                    t.id,
                    show_number(c)
                ),
                "write 30% as 0.3",
            );
        }
        if let Some(v) = t.gbp_per_head
            && let Some(why) = bad_money(v)
        {
            ck.error(
                pos,
                &t.id,
                format!(
                    "the ICB target {} is {} GBP per head, which is {why}",
                    t.id,
                    show_number(v)
                ),
                MONEY_HINT,
            );
        }
        check_money_year(ck, pos, "icb_money.targets", t.target_year);
        if let Some(b) = t.baseline_year {
            check_money_year(ck, pos, "icb_money.targets", b);
            if t.target_year <= b {
                ck.error(
                    pos,
                    &t.id,
                    format!(
                        "the ICB target {}'s year {} is not after its baseline year {b}",
                        t.id, t.target_year
                    ),
                    "the target year comes after the baseline",
                );
            }
        }
        if t.cut.is_some() && t.baseline_year.is_none() {
            ck.error(
                pos,
                &t.id,
                format!("the ICB target {} is a cut with no `baseline_year`", t.id),
                "give the year the cut is measured from (with `baseline_basis: Estimated` if it is inferred)",
            );
        }
        ck.check_source(pos, &t.id, &t.source);
    }
    for (i, g) in money.gaps.iter().enumerate() {
        let pos = at("gaps", i);
        if let Some(y) = g.year {
            check_money_year(ck, pos, "icb_money.gaps", y);
        }
        for c in &g.orgs {
            icb(ck, pos, c, "gaps");
        }
        if !g.source.is_empty() {
            ck.check_source(pos, "", &g.source);
        }
    }
}

/// Shared management: every member a CCG, at least two, inside every member's life.
fn lift_arrangements(
    ck: &mut Checker,
    list: &[super::format::RawArrangement],
    orgs: &[Org],
    by_code: &HashMap<(OrgKind, String), OrgId>,
) -> Vec<super::snapshot::Arrangement> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (i, r) in list.iter().enumerate() {
        let at = ck.at("shared_management", i);
        if !ids.insert(r.id.clone()) {
            ck.error(
                at,
                &r.id,
                format!("arrangement id {} is used twice", r.id),
                "give every arrangement its own id",
            );
        }
        let to = end(r.to);
        ck.check_dates(
            at,
            &r.id,
            &|| format!("arrangement {}", r.id),
            &[Some(r.from), r.to],
        );
        ck.check_source(at, &r.id, &r.source);
        if to < r.from {
            ck.error(
                at,
                &r.id,
                format!(
                    "arrangement {} ends ({}) before it starts ({})",
                    r.id,
                    show_end(to),
                    r.from
                ),
                "swap or correct `from` and `to`",
            );
            continue;
        }
        let kind = match r.member_kind {
            None | Some(OrgKind::Ccg) => OrgKind::Ccg,
            Some(OrgKind::Icb) => OrgKind::Icb,
            Some(k) => {
                ck.error(
                    at,
                    &r.id,
                    format!(
                        "arrangement {} has `member_kind: {k:?}`; shared leadership is between CCGs or between ICBs",
                        r.id
                    ),
                    "leave `member_kind` out for CCGs, or write `member_kind: Icb`",
                );
                continue;
            }
        };
        let (one, many) = match kind {
            OrgKind::Icb => ("ICB", "ICBs"),
            _ => ("CCG", "CCGs"),
        };
        let named = r.members.len() + r.part_members.len();
        if r.members.is_empty() || named < 2 {
            ck.error(
                at,
                &r.id,
                format!(
                    "arrangement {} has {} member(s); sharing needs at least two {many}",
                    r.id, named
                ),
                &format!("list every {one} in `members`"),
            );
        }
        let mut members = Vec::new();
        let mut part_members = Vec::new();
        let mut listed = HashSet::new();
        let whole = r.members.iter().map(|c| (c, true));
        let parts = r.part_members.iter().map(|c| (c, false));
        for (code, full) in whole.chain(parts) {
            if !listed.insert(code.trim()) {
                ck.error(
                    at,
                    code,
                    format!(
                        "arrangement {} lists {one} {} twice: a{} {one} cannot share management with itself",
                        r.id,
                        show_code(code),
                        if one == "ICB" { "n" } else { "" }
                    ),
                    &format!("list each {one} once, in `members` or `part_members`"),
                );
                continue;
            }
            match by_code.get(&(kind, code.trim().to_string())) {
                None => ck.error(
                    at,
                    code,
                    format!(
                        "`shared_management` {} refers to {one} `{code}`, which is not in `{}`",
                        r.id,
                        kind.section()
                    ),
                    &format!("add the {one}, or correct the code"),
                ),
                Some(id) => {
                    let o = &orgs[id.ix()];
                    if r.from < o.from || to > o.to {
                        ck.error(
                            at,
                            &o.code,
                            format!(
                                "arrangement {} runs {} to {}, outside the life of {one} {} ({} to {})",
                                r.id,
                                r.from,
                                show_end(to),
                                o.code,
                                o.from,
                                show_end(o.to)
                            ),
                            &format!("shorten the arrangement to the lives of its {many}"),
                        );
                    }
                    if full {
                        members.push(*id);
                    } else {
                        part_members.push(*id);
                    }
                }
            }
        }
        out.push(super::snapshot::Arrangement {
            id: r.id.clone(),
            kind: r.kind,
            member_kind: kind,
            members,
            part_members,
            from: r.from,
            to,
            date_basis: r.date_basis.clone(),
            from_precision: r.from_precision,
            to_precision: r.to_precision,
            leader: r.leader.clone(),
            basis: r.basis,
            source: r.source.clone(),
            evidence: r.evidence.clone(),
            note: r.note.clone(),
        });
    }
    out.sort_by_key(|a| a.from);
    out
}

fn lift_annotations(
    ck: &mut Checker,
    list: &[super::format::RawAnnotation],
    by_code: &HashMap<(OrgKind, String), OrgId>,
) -> Vec<super::snapshot::Annotation> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let at = ck.at("annotations", i);
        ck.check_dates(at, "", &|| "an annotation".into(), &[Some(r.date)]);
        ck.check_source(at, "", &r.source);
        let footprint = match &r.footprint {
            None => None,
            Some(code) => match by_code.get(&(OrgKind::Ccg, code.trim().to_string())) {
                Some(id) => Some(*id),
                None => {
                    ck.error(
                        at,
                        code,
                        format!("an annotation refers to CCG `{code}`, which is not in `ccgs`"),
                        "correct the code, or leave `footprint` out for England",
                    );
                    continue;
                }
            },
        };
        let mut points = Vec::new();
        for p in &r.points {
            let known = r.chart == super::format::ChartKind::CcgCount
                && super::format::COUNT_SERIES.contains(&p.series.as_str());
            if !known {
                ck.error(
                    at,
                    &p.series,
                    format!(
                        "an annotation's point names the series `{}`, which its chart does not draw",
                        p.series
                    ),
                    "points go on the CcgCount chart, in the series ccg, leadership_teams, ccgs_sharing_leadership or shared_leadership_teams",
                );
            } else if !p.value.is_finite() || p.value < 0.0 {
                ck.error(
                    at,
                    &p.series,
                    format!(
                        "an annotation's point in `{}` is {}, not a count",
                        p.series, p.value
                    ),
                    "a count is zero or more",
                );
            } else {
                points.push((p.series.clone(), p.value));
            }
        }
        out.push(super::snapshot::Annotation {
            chart: r.chart,
            footprint,
            date: r.date,
            text: r.text.clone(),
            basis: r.basis,
            source: r.source.clone(),
            points,
        });
    }
    out
}

/// Succession must never loop back: follow every merger forward and look for a cycle.
/// A cycle is reported at the merger that closes it (`event_pos` parallels `events`).
fn check_cycles(ck: &mut Checker, orgs: &[Org], events: &[Event], event_pos: &[Option<Pos>]) {
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

/// On every day a place is served, the commissioners' shares must sum to 1; a place
/// left unserved between two served days is odd.
fn check_place_shares(
    ck: &mut Checker,
    orgs: &[Org],
    links: &[Link],
    links_of: &[Vec<LinkId>],
    org_pos: &[Option<Pos>],
) {
    for (pi, place) in orgs.iter().enumerate() {
        if place.kind != OrgKind::Place {
            continue;
        }
        let serving: Vec<&Link> = links_of[pi]
            .iter()
            .map(|l| &links[l.ix()])
            .filter(|l| l.kind.serves_place() && l.b.ix() == pi)
            .collect();
        if serving.is_empty() {
            ck.warn(
                org_pos[pi],
                &place.code,
                format!(
                    "place {} ({}) is served by no commissioner on any day, so it never appears in the tree",
                    place.code, place.name
                ),
                "add the CCGs (`ccg_places`) or sub-ICB locations (`sub_icb_places`) serving it, or remove the place",
            );
            continue;
        }
        // Boundaries where the sum can change.
        let mut cuts: BTreeMap<Date, f64> = BTreeMap::new();
        for l in &serving {
            *cuts.entry(l.from).or_default() += l.share;
            if let Some(after) = l.to.succ_opt() {
                *cuts.entry(after).or_default() -= l.share;
            }
        }
        let mut sum = 0.0;
        let days: Vec<(Date, f64)> = cuts.into_iter().collect();
        let mut reported_gap = false;
        for (i, (day, delta)) in days.iter().enumerate() {
            sum += delta;
            let until = days
                .get(i + 1)
                .and_then(|(d, _)| d.pred_opt())
                .unwrap_or(FOREVER);
            // The last stretch may be open-ended; its shares are summed like the rest.
            if sum.abs() < 1e-9 {
                if i + 1 < days.len() - 1 && !reported_gap && place.alive_on(*day) {
                    reported_gap = true;
                    ck.warn(
                        org_pos[pi],
                        &place.code,
                        format!(
                            "place {} ({}) is served by no commissioner from {day} to {until}",
                            place.code, place.name
                        ),
                        "add the commissioners serving it then",
                    );
                }
                continue;
            }
            if (sum - 1.0).abs() > SHARE_TOLERANCE {
                ck.error(
                    org_pos[pi],
                    &place.code,
                    format!(
                        "the shares of place {} ({}) sum to {sum:.4}, not 1, from {day} to {}",
                        place.code,
                        place.name,
                        show_end(until)
                    ),
                    "make the commissioners' shares of the place add up to 1 on every day",
                );
            }
        }
    }
}

/// Every CCG abolished into an ICB should reappear as a sub-ICB location with its code.
fn check_abolitions(
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

/// Money amounts above this are typing mistakes (England's whole NHS budget is far
/// smaller), and sums of them would overflow to infinity.
pub const MAX_GBP: f64 = 1e13;

const MONEY_HINT: &str =
    "money amounts are zero or more, written as plain numbers of pounds such as 4300000.0";

/// Why a money amount cannot be used, if it cannot.
fn bad_money(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("not a number")
    } else if v.is_infinite() {
        Some("infinite")
    } else if v < 0.0 {
        Some("negative")
    } else if v > MAX_GBP {
        Some("more than 10 trillion pounds (is an exponent or a digit too many?)")
    } else {
        None
    }
}

/// A financial year no snapshot means (0001/02, 9999/00).
fn check_money_year(ck: &mut Checker, at: Option<Pos>, what: &str, year: FinancialYear) {
    if !SANE_YEARS.contains(&year.0) {
        ck.error(
            at,
            "",
            format!(
                "{what} has the financial year {:04}/{:02}, outside the years 1900 to 2200",
                year.0,
                (year.0 + 1).rem_euclid(100)
            ),
            "check the year; financial years are written like 2019/20",
        );
    }
}

/// The target's baseline must be a year the snapshot's CCGs cover: the baseline is
/// what they were allowed then.
fn check_baseline_in_data(ck: &mut Checker, at: Option<Pos>, orgs: &[Org], year: FinancialYear) {
    let ccgs: Vec<&Org> = orgs.iter().filter(|o| o.kind == OrgKind::Ccg).collect();
    if ccgs.is_empty() || !SANE_YEARS.contains(&year.0) {
        return;
    }
    let Some(day) = year.start() else { return };
    if ccgs.iter().any(|o| o.alive_on(day)) {
        return;
    }
    let first = ccgs
        .iter()
        .map(|o| o.from)
        .min()
        .map(FinancialYear::containing);
    let last = ccgs
        .iter()
        .map(|o| o.to)
        .filter(|d| *d != FOREVER)
        .max()
        .map(FinancialYear::containing);
    let covered = match (first, last) {
        (Some(a), Some(b)) if ccgs.iter().all(|o| o.to != FOREVER) => format!("{a} to {b}"),
        (Some(a), _) => format!("{a} on"),
        _ => "none".to_string(),
    };
    ck.error(
        at,
        "",
        format!(
            "the target's baseline year {year} is outside the data: no CCG exists on 1 April {}, so there is no allowance to cut from",
            year.0
        ),
        &format!("choose a baseline year the snapshot's CCGs cover ({covered})"),
    );
}

/// The cost model's parameters: name, lowest and highest value, how to write one.
pub const PARAMETERS: [(&str, f64, f64, &str); 7] = [
    (
        "fixed_cost_per_body_gbp",
        0.0,
        MAX_GBP,
        "pounds a year, such as 1000000.0",
    ),
    (
        "shared_management_fixed_saving",
        0.0,
        1.0,
        "a fraction, such as 0.6",
    ),
    (
        "merger_back_office_saving",
        0.0,
        1.0,
        "a fraction, such as 0.05",
    ),
    ("merger_realisation", 0.0, 1.0, "a fraction, such as 0.75"),
    (
        "population_growth_per_year",
        -0.5,
        0.5,
        "a fraction a year, such as 0.007",
    ),
    (
        "allowance_cut_phase_2019_20",
        0.0,
        1.0,
        "a fraction, such as 0.55",
    ),
    (
        "calibration_year",
        1900.0,
        2200.0,
        "a whole year, such as 2013",
    ),
];

/// Every parameter known, once, in range; a misspelt name is named with the nearest
/// known one.
fn check_parameters(
    ck: &mut Checker,
    list: &[super::format::RawParameter],
    at: &dyn Fn(usize) -> Option<Pos>,
) {
    let mut seen: HashMap<&str, Option<Pos>> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        let pos = at(i);
        let name = p.name.as_str();
        let Some(&(_, lo, hi, how)) = PARAMETERS.iter().find(|(n, ..)| *n == name) else {
            let near = PARAMETERS
                .iter()
                .map(|(n, ..)| (strsim::normalized_damerau_levenshtein(name, n), *n))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score >= 0.5)
                .map(|(_, n)| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            ck.error(
                pos,
                "",
                format!(
                    "money.parameters names an unknown parameter `{}`{near}; the cost model would ignore it",
                    super::text::escape(name)
                ),
                &format!(
                    "use one of: {}",
                    PARAMETERS.map(|(n, ..)| n).join(", ")
                ),
            );
            continue;
        };
        if let Some(first) = seen.insert(name, pos) {
            let also = first
                .map(|p| format!(" (first at {p})"))
                .unwrap_or_default();
            ck.error(
                pos,
                "",
                format!(
                    "the parameter `{name}` is given twice{also}; the cost model would use only one"
                ),
                "keep one entry per parameter",
            );
        }
        let v = p.value;
        let whole = name != "calibration_year" || v.fract() == 0.0;
        if !(v.is_finite() && (lo..=hi).contains(&v) && whole) {
            ck.error(
                pos,
                "",
                format!(
                    "the parameter `{name}` is {}, outside {} to {}",
                    show_number(v),
                    show_number(lo),
                    show_number(hi)
                ),
                &format!("write {how}"),
            );
        }
    }
}

/// A CCG ends once: in one merger, or in abolitions on one day (an abolition may split
/// it between ICBs), not in two mergers that day. Each ending event lists it once.
fn check_endings(ck: &mut Checker, orgs: &[Org], events: &[Event], event_pos: &[Option<Pos>]) {
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
                        "{} {} is listed twice in the `from` of event {}",
                        o.kind.label(),
                        show_code(&o.code),
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
        // The splits of one organisation on one day pass on all of it, each to a
        // different successor.
        if same_day && all(EventKind::Split) {
            let total: f64 = list.iter().filter_map(|i| events[*i].share).sum();
            if (total - 1.0).abs() > SHARE_TOLERANCE {
                let parts: Vec<String> = list
                    .iter()
                    .map(|i| {
                        format!(
                            "{} to {} ({})",
                            events[*i].id,
                            orgs[events[*i].to.ix()].code,
                            events[*i].share.map(show_number).unwrap_or_default()
                        )
                    })
                    .collect();
                ck.error(
                    event_pos.get(list[0]).copied().flatten(),
                    &o.code,
                    format!(
                        "the splits of {} {} on {} pass on {total:.4} of it, not all of it: {}",
                        o.kind.label(),
                        show_code(&o.code),
                        first.date,
                        parts.join(", ")
                    ),
                    "make the shares of its splits that day add up to 1",
                );
            }
            let mut to: Vec<OrgId> = list.iter().map(|i| events[*i].to).collect();
            to.sort();
            if to.windows(2).any(|w| w[0] == w[1]) {
                ck.error(
                    event_pos.get(list[1]).copied().flatten(),
                    &o.code,
                    format!(
                        "{} {} is split into the same organisation twice on {}",
                        o.kind.label(),
                        show_code(&o.code),
                        first.date
                    ),
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
        let names: Vec<String> = list
            .iter()
            .map(|i| {
                format!(
                    "{} ({} on {})",
                    events[*i].id,
                    events[*i].kind.label(),
                    events[*i].date
                )
            })
            .collect();
        ck.error(
            event_pos.get(list[1]).copied().flatten(),
            code,
            format!(
                "{} {} ends in more than one event: {}",
                o.kind.label(),
                show_code(code),
                names.join(", ")
            ),
            &format!(
                "a {} ends once: remove it from the `from` of all but one of them, or make them all splits",
                o.kind.label()
            ),
        );
    }
}

/// Membership holds one group at a time: a CCG is in one system on a day, and no
/// membership or share row is written twice.
fn check_memberships(ck: &mut Checker, orgs: &[Org], links: &[Link], link_pos: &[Option<Pos>]) {
    // Memberships by member; shares by member and place (a CCG serves many places).
    let mut groups: BTreeMap<(LinkKind, OrgId, Option<OrgId>), Vec<usize>> = BTreeMap::new();
    for (i, l) in links.iter().enumerate() {
        let shares = matches!(
            l.kind,
            LinkKind::CcgPlace | LinkKind::SubIcbPlace | LinkKind::NeighbourhoodPlace
        );
        let place = shares.then_some(l.b);
        groups.entry((l.kind, l.a, place)).or_default().push(i);
    }
    for ((kind, _, _), mut rows) in groups {
        if rows.len() < 2 {
            continue;
        }
        rows.sort_by_key(|i| (links[*i].from, *i));
        // The row reaching furthest so far: a later row starting before its end overlaps it.
        let mut reach = rows[0];
        for &i in &rows[1..] {
            let (l, prev) = (&links[i], &links[reach]);
            if l.from <= prev.to {
                let (a, b, pb) = (&orgs[l.a.ix()], &orgs[l.b.ix()], &orgs[prev.b.ix()]);
                let section = kind.section();
                let overlap_to = l.to.min(prev.to);
                let (message, hint) = if l.b != prev.b {
                    (
                        format!(
                            "{} {} belongs to {} {} and to {} {} at once, from {} to {}",
                            a.kind.label(),
                            show_code(&a.code),
                            pb.kind.label(),
                            show_code(&pb.code),
                            b.kind.label(),
                            show_code(&b.code),
                            l.from.max(prev.from),
                            show_end(overlap_to)
                        ),
                        "end one membership the day before the other starts",
                    )
                } else if l.from == prev.from && l.to == prev.to {
                    (
                        format!(
                            "the {section} entry {} -> {} is written twice",
                            show_code(&a.code),
                            show_code(&b.code)
                        ),
                        "remove one of them",
                    )
                } else {
                    (
                        format!(
                            "two {section} entries {} -> {} overlap, from {} to {}",
                            show_code(&a.code),
                            show_code(&b.code),
                            l.from,
                            show_end(overlap_to)
                        ),
                        "make one end the day before the other starts, or join them",
                    )
                };
                ck.error(link_pos.get(i).copied().flatten(), &a.code, message, hint);
            }
            if l.to > links[reach].to {
                reach = i;
            }
        }
    }
}

/// A code as shown in messages: characters no ODS or ONS code has are escaped.
fn show_code(code: &str) -> std::borrow::Cow<'_, str> {
    super::text::escape_code(code)
}

/// A number as people read it: `4300000`, but `1e308` rather than 309 digits.
fn show_number(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}
