//! Dates typed by people: as they are written in England as well as ISO.
//!
//! `2020-04-01`, `01/04/2020`, `1/4/2020`, `1 April 2020`, `1 Apr 2020`, `1st April 2020`,
//! `April 2020` (the first of the month) and `2020` (1 April, the day most changes took
//! effect) all read as dates; anything else gets a message that says which forms work.
//! Day-first, as in England: `01/04/2020` is the first of April. Snapshot files keep
//! `YYYY-MM-DD` only (see `assets/FORMAT.md`); this is for what people type.

use chrono::NaiveDate;

use super::Date;

/// The forms that read, for messages.
pub const DATE_FORMS: &str =
    "2020-04-01, 01/04/2020, 1 April 2020, 1 Apr 2020, April 2020 (the 1st) or 2020 (1 April)";

/// Why typed text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("“{text}” is not a date{why}: write it as {DATE_FORMS}")]
pub struct DateError {
    /// What was typed.
    pub text: String,
    /// What is wrong with it, when that can be said (`, as there is no 31 April`).
    pub why: String,
}

/// Reads a date typed the way people in England write it (see the module notes).
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    let err = |why: &str| DateError {
        text: t.to_string(),
        why: why.to_string(),
    };
    if t.is_empty() {
        return Err(err(", as nothing was typed"));
    }
    // ISO first: what the app itself writes.
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d);
    }
    // A year alone: 1 April, when the CCG changes took effect.
    if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) {
        let year: i32 = t.parse().map_err(|_| err(""))?;
        return NaiveDate::from_ymd_opt(year, 4, 1).ok_or_else(|| err(""));
    }
    // Day/month/year, day first.
    if t.contains('/') {
        let parts: Vec<&str> = t.split('/').map(str::trim).collect();
        let [d, m, y] = parts.as_slice() else {
            return Err(err(""));
        };
        if y.len() != 4 {
            return Err(err(", as the year needs four digits"));
        }
        let num = |s: &str| s.parse::<u32>().map_err(|_| err(""));
        let (day, month) = (num(d)?, num(m)?);
        let year: i32 = y.parse().map_err(|_| err(""))?;
        if month > 12 {
            return Err(err(&format!(
                ", as there is no month {month} (the day comes first: 01/04/2020 is 1 April)"
            )));
        }
        return NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| err(&format!(", as there is no day {day} in that month")));
    }
    // Words: `1 April 2020`, `1st Apr 2020`, `April 2020`.
    let words: Vec<String> = t
        .replace(',', " ")
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    let (day, month, year) = match words.as_slice() {
        [d, m, y] => (Some(d.as_str()), m.as_str(), y.as_str()),
        [m, y] => (None, m.as_str(), y.as_str()),
        _ => return Err(err("")),
    };
    let month = month_number(month).ok_or_else(|| err(""))?;
    if year.len() != 4 {
        return Err(err(", as the year needs four digits"));
    }
    let year: i32 = year.parse().map_err(|_| err(""))?;
    let day = match day {
        None => 1,
        Some(d) => {
            let digits = d.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &d[digits.len()..];
            if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
                return Err(err(""));
            }
            digits.parse::<u32>().map_err(|_| err(""))?
        }
    };
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| err(&format!(", as there is no day {day} in that month")))
}

/// `april`, `apr` or `sept` as 4 and 9.
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (m.starts_with(w) && (w.len() == 3 || w == "sept")))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_ways_people_in_england_write_dates() {
        let first_of_april = d(2020, 4, 1);
        for text in [
            "2020-04-01",
            "01/04/2020",
            "1/4/2020",
            " 1 / 4 / 2020 ",
            "1 April 2020",
            "1 Apr 2020",
            "1st April 2020",
            "1 april 2020",
            "1 APR 2020",
            "April 2020",
            "Apr 2020",
            "2020",
        ] {
            assert_eq!(parse_date(text), Ok(first_of_april), "{text}");
        }
        assert_eq!(parse_date("31/03/2019"), Ok(d(2019, 3, 31)));
        assert_eq!(parse_date("1 Sept 2019"), Ok(d(2019, 9, 1)));
        assert_eq!(parse_date("22nd July 2022"), Ok(d(2022, 7, 22)));
        assert_eq!(parse_date("29/02/2020"), Ok(d(2020, 2, 29)));
    }

    #[test]
    fn says_which_forms_work_when_it_cannot_read_one() {
        for (text, why) in [
            ("04/13/2020", "there is no month 13"),
            ("31 April 2020", "there is no day 31 in that month"),
            ("29/02/2019", "there is no day 29 in that month"),
            ("1/4/20", "the year needs four digits"),
            ("", "nothing was typed"),
            ("next Tuesday", ""),
            ("1 Aprl 2020", ""),
            ("2020-13-01", ""),
            ("1 April 2020 12:00", ""),
            ("1xx April 2020", ""),
        ] {
            let e = parse_date(text).unwrap_err();
            let message = e.to_string();
            assert!(message.contains(why), "{text}: {message}");
            assert!(message.contains(DATE_FORMS), "{text}: {message}");
        }
    }
}
