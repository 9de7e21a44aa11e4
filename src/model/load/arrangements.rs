//! Shared management arrangements and chart annotations.

use std::collections::HashSet;

use rustc_hash::FxHashSet;

use crate::model::OrgKind;
use crate::model::snapshot::{Org, find_code};

use super::checker::*;

/// Shared management: every member a CCG, at least two, inside every member's life.
pub(super) fn lift_arrangements(
    ck: &mut Checker,
    list: &[crate::model::format::RawArrangement],
    orgs: &[Org],
    by_code: &ByCode,
) -> Vec<crate::model::snapshot::Arrangement> {
    let mut out = Vec::new();
    let mut ids = FxHashSet::default();
    for (i, r) in list.iter().enumerate() {
        let at = ck.at("shared_management", i);
        ck.check_unique_id(
            &mut ids,
            at,
            &r.id,
            "arrangement",
            "give every arrangement its own id",
        );
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
            match find_code(by_code, kind, code.trim()) {
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
                        members.push(id);
                    } else {
                        part_members.push(id);
                    }
                }
            }
        }
        out.push(crate::model::snapshot::Arrangement {
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

pub(super) fn lift_annotations(
    ck: &mut Checker,
    list: &[crate::model::format::RawAnnotation],
    by_code: &ByCode,
) -> Vec<crate::model::snapshot::Annotation> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let at = ck.at("annotations", i);
        ck.check_dates(at, "", &|| "an annotation".into(), &[Some(r.date)]);
        ck.check_source(at, "", &r.source);
        let footprint = match &r.footprint {
            None => None,
            Some(code) => match find_code(by_code, OrgKind::Ccg, code.trim()) {
                Some(id) => Some(id),
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
            let known = r.chart == crate::model::format::ChartKind::CcgCount
                && crate::model::format::COUNT_SERIES.contains(&p.series.as_str());
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
        out.push(crate::model::snapshot::Annotation {
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
