//! Validation: check a parsed snapshot rule group by rule group and lift it into typed ids.

use crate::model::format::{EventKind, RawSnapshot};
use crate::model::locate::Locator;
use crate::model::snapshot::{LinkId, Snapshot};

use super::arrangements::*;
use super::checker::*;
use super::events::*;
use super::icb_money::*;
use super::money::*;
use super::orgs::*;
use super::relations::*;
use super::{LoadError, Loaded, Severity};

/// Checks a parsed snapshot and lifts it into typed ids.
pub fn validate(raw: &RawSnapshot, locator: &Locator) -> Result<Loaded, LoadError> {
    let mut ck = Checker {
        locator,
        problems: Vec::new(),
        sources: Default::default(),
        known_source: String::new(),
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
    let (mut orgs, by_code, org_pos) = lift_orgs(&mut ck, raw);

    // Relations.
    let (links, link_pos) = lift_links(&mut ck, raw, &orgs, &by_code);
    // Keep relations grouped by kind (they already are, by construction).

    // Events.
    let (mut events, event_pos) = lift_events(&mut ck, raw, &orgs, &by_code);
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
    check_money(&mut ck, raw, locator, &orgs, &by_code);

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
