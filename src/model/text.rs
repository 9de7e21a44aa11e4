//! Text from files, shown safely and compared as codes are.
//!
//! A file may hold characters that draw nothing (a zero-width space in a code), that
//! change how the text around them is drawn (direction overrides) or that a terminal
//! obeys (the escape that starts a colour sequence). Everything printed from a file
//! goes through [`escape`], so such characters show as `\u{200b}` rather than act.
//! Codes are compared as ODS codes are: upper case, without spaces or invisible
//! characters ([`normalise_code`]).

use std::borrow::Cow;

/// Whether `c` is shown escaped: control characters (but the tab and the line feed)
/// and characters that draw nothing or rearrange what is drawn: format characters
/// (zero-width spaces and joiners, direction marks and overrides, the byte-order
/// mark, the soft hyphen), line and paragraph separators.
pub fn is_hidden(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        // Unicode's format characters (general category Cf) and separators other than
        // the space (Zl, Zp): the ones a reader cannot see.
        '\u{ad}'
        | '\u{34f}'
        | '\u{61c}'
        | '\u{115f}'
        | '\u{1160}'
        | '\u{17b4}'
        | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}' => true,
        _ => false,
    }
}

/// `text` with every [hidden](is_hidden) character written as `\u{XXXX}`. Borrowed
/// when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A code as shown in messages: any character other than a printable ASCII one is
/// written as `\u{XXXX}`, so that a look-alike (a Cyrillic `С` for a Latin `C`, a
/// zero-width space) is seen for what it is.
pub fn escape_code(code: &str) -> Cow<'_, str> {
    if code.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len() + 8);
    for c in code.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    Cow::Owned(out)
}

/// A code as ODS codes are compared: upper case, with white space and invisible
/// characters removed (`" 91q "` and `"91\u{200b}Q"` are both `91Q`).
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && !is_hidden(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Why a new code cannot be an ODS code, if it cannot: it must be letters and digits.
pub fn code_problem(code: &str) -> Option<String> {
    let odd: Vec<String> = code
        .chars()
        .filter(|c| !c.is_ascii_alphanumeric())
        .map(|c| match c {
            ' ' => "a space".to_string(),
            c if c.is_ascii_graphic() => format!("`{c}`"),
            c => format!("U+{:04X}", u32::from(c)),
        })
        .collect();
    (!odd.is_empty()).then(|| {
        let mut odd = odd;
        odd.dedup();
        format!(
            "it has {} (an ODS code is letters and digits)",
            odd.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(escape("NHS Devon CCG – 15N"), "NHS Devon CCG – 15N");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape("09\u{200b}C"), "09\\u{200b}C");
        assert_eq!(escape("x\u{202e}y\r"), "x\\u{202e}y\\u{d}");
        assert_eq!(escape("two\nlines\tand tab"), "two\nlines\tand tab");
    }

    #[test]
    fn codes_show_look_alikes_and_compare_as_ods_codes() {
        // A Cyrillic Es looks like a Latin C.
        assert_eq!(escape_code("09\u{421}"), "09\\u{421}");
        assert_eq!(escape_code("09C"), "09C");
        assert_eq!(normalise_code(" 91q "), "91Q");
        assert_eq!(normalise_code("K\u{200b}M18"), "KM18");
        assert_eq!(normalise_code("09\u{421}"), "09\u{421}");
        assert_eq!(code_problem("KM18"), None);
        assert!(code_problem("KM-18").unwrap().contains("`-`"));
        assert!(code_problem("09\u{421}").unwrap().contains("U+0421"));
    }
}
