//! Parsing: RON text into the raw serde types, and RON's errors in plain words.

use crate::model::format::{FORMAT_VERSION, RawHeader, RawSnapshot};
use crate::model::locate::{Locator, Pos};

use super::LoadError;

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
    use crate::model::document::{Document, Kind, read};
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
    if let Some(m) = typed_ron_message(code, |name| plain_type(name).to_string()) {
        return m;
    }
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
        E::ExpectedOption => concat!(
            "expected an optional value: put `#![enable(implicit_some)]` at the top of the ",
            "file (or write `Some(...)`)"
        )
        .to_string(),
        E::TrailingCharacters => "there is more text after the snapshot's closing `)`".to_string(),
        E::ExceededRecursionLimit => "brackets are nested too deeply".to_string(),
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

/// ron's messages that name a type (a struct, an enum, the struct a field belongs in),
/// in plain words, with `name` turning a Rust type's name into the reader's word for
/// it; `None` for the other messages.
pub(crate) fn typed_ron_message(
    code: &ron::Error,
    name: impl Fn(&str) -> String,
) -> Option<String> {
    use ron::Error as E;
    let within = |outer: &Option<String>| {
        outer
            .as_deref()
            .map(|o| format!(" in this {}", name(o)))
            .unwrap_or_default()
    };
    Some(match code {
        E::ExpectedNamedStructLike(ty) => format!("expected `(` to open the {}", name(ty)),
        E::ExpectedDifferentStructName { expected, found } => format!(
            "expected `(` to open the {}, but found `{found}`",
            name(expected)
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown {} `{found}`; expected one of: {}",
            outer
                .as_deref()
                .map(&name)
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
