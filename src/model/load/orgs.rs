//! Organisation rules: ONS codes over an organisation's life.

use crate::model::format::RawSnapshot;
use crate::model::locate::Pos;
use crate::model::snapshot::{Org, OrgId, Population, find_code};
use crate::model::{Date, OrgKind};

use super::checker::*;

/// An organisation's ONS codes over time: each inside its life, in order, none
/// overlapping, every source known.
pub(super) fn lift_ons_codes(
    ck: &mut Checker,
    at: Option<Pos>,
    code: &str,
    kind: OrgKind,
    r: &crate::model::format::RawOrg,
    to: Date,
) -> Vec<crate::model::snapshot::OnsCode> {
    let mut out: Vec<crate::model::snapshot::OnsCode> = Vec::new();
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
        out.push(crate::model::snapshot::OnsCode {
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

/// The organisation lists: codes, names, dates, populations, each code once.
pub(super) fn lift_orgs(
    ck: &mut Checker,
    raw: &RawSnapshot,
) -> (Vec<Org>, ByCode, Vec<Option<Pos>>) {
    let lists = raw.org_lists();
    let n: usize = lists.iter().map(|(_, l)| l.len()).sum();
    let mut orgs: Vec<Org> = Vec::with_capacity(n);
    let mut by_code: ByCode = ByCode::with_capacity_and_hasher(n, Default::default());
    let mut org_pos: Vec<Option<Pos>> = Vec::with_capacity(n);
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
            if let Some(first) = find_code(&by_code, kind, &code) {
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
            let ons_codes = lift_ons_codes(ck, at, &code, kind, r, to);
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
    (orgs, by_code, org_pos)
}

/// The organisation a relation, event or figure names, or an error saying it is missing.
pub(super) fn resolve(
    ck: &mut Checker,
    by_code: &ByCode,
    at: Option<Pos>,
    kind: OrgKind,
    code: &str,
    section: &str,
) -> Option<OrgId> {
    let id = find_code(by_code, kind, code.trim());
    if id.is_none() {
        let odd = crate::model::text::code_problem(code.trim())
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
}
