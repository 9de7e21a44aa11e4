//! Bookmarks: each must name a day and organisations the result has.

use std::collections::HashSet;

use chrono::Datelike;

use crate::model::format::{EventKind, RawSnapshot};
use crate::model::load::{Problem, Severity};

use super::apply::*;
use super::*;

/// Checks the bookmarks against the world each shows: a date outside the years 1900 to
/// 2200 is an error, a selection that is no organisation there a warning.
pub(super) fn check_bookmarks(
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
                    crate::model::human_date(b.date)
                ),
                hint: "select what exists on that date, or move the bookmark's date into its life"
                    .to_string(),
            });
        }
    }
}
