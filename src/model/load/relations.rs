//! Relation rules: place shares and memberships.

use std::collections::BTreeMap;

use crate::model::format::RawSnapshot;
use crate::model::locate::Pos;
use crate::model::snapshot::{Link, LinkId, LinkKind, Org, OrgId};
use crate::model::{Date, FOREVER, OrgKind, Provenance};

use super::SHARE_TOLERANCE;
use super::checker::*;
use super::orgs::*;

/// On every day a place is served, the commissioners' shares must sum to 1; a place
/// left unserved between two served days is odd.
pub(super) fn check_place_shares(
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

/// Membership holds one group at a time: a CCG is in one system on a day, and no
/// membership or share row is written twice.
pub(super) fn check_memberships(
    ck: &mut Checker,
    orgs: &[Org],
    links: &[Link],
    link_pos: &[Option<Pos>],
) {
    // Memberships by member; shares by member and place (a CCG serves many places).
    // Sorted by group, then by start and file order: the groups in key order, as a
    // map of them would give.
    type Group = (LinkKind, OrgId, Option<OrgId>);
    let mut sorted: Vec<(Group, Date, usize)> = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let shares = matches!(
                l.kind,
                LinkKind::CcgPlace | LinkKind::SubIcbPlace | LinkKind::NeighbourhoodPlace
            );
            let place = shares.then_some(l.b);
            ((l.kind, l.a, place), l.from, i)
        })
        .collect();
    sorted.sort_unstable();
    for rows in sorted.chunk_by(|x, y| x.0 == y.0) {
        if rows.len() < 2 {
            continue;
        }
        let kind = rows[0].0.0;
        // The row reaching furthest so far: a later row starting before its end overlaps it.
        let mut reach = rows[0].2;
        for &(_, _, i) in &rows[1..] {
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

/// The relation lists: both ends known, dates in order, shares fractions, inside the
/// lives of both ends.
pub(super) fn lift_links(
    ck: &mut Checker,
    raw: &RawSnapshot,
    orgs: &[Org],
    by_code: &ByCode,
) -> (Vec<Link>, Vec<Option<Pos>>) {
    let n = written_links(raw);
    let mut links: Vec<Link> = Vec::with_capacity(n);
    let mut link_pos: Vec<Option<Pos>> = Vec::with_capacity(n);
    // Each with the `to` as written: only a missing one means "still so".
    let memberships = rows(raw.link_lists()).map(|(kind, i, r)| {
        let link = Link {
            basis: r.basis.unwrap_or(Provenance::Published),
            ..unresolved(kind, r.from, r.to, &r.source)
        };
        (kind, i, r.member.as_str(), r.of.as_str(), link, r.to)
    });
    let shares = rows(raw.share_lists()).map(|(kind, i, r)| {
        let link = Link {
            share: r.share,
            basis: r.basis,
            note: r.note.clone(),
            ..unresolved(kind, r.from, r.to, &r.source)
        };
        (kind, i, r.by.as_str(), r.place.as_str(), link, r.to)
    });
    // Kind, index in its list, the codes of both ends, the relation, the `to` written.
    for (kind, i, a_code, b_code, mut link, written_to) in memberships.chain(shares) {
        let section = kind.section();
        let at = ck.at(section, i);
        let (ka, kb) = kind.ends();
        let a = resolve(ck, by_code, at, ka, a_code, section);
        let b = resolve(ck, by_code, at, kb, b_code, section);
        if !link.source.is_empty() {
            ck.check_source(at, a_code, &link.source);
        }
        ck.check_dates(
            at,
            a_code,
            &|| format!("the {section} entry {a_code} -> {b_code}"),
            &[Some(link.from), written_to],
        );
        if link.to < link.from {
            ck.error(
                at,
                a_code,
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
                a_code,
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
    (links, link_pos)
}

/// How many relations the file lists, of every kind.
fn written_links(raw: &RawSnapshot) -> usize {
    let links: usize = raw.link_lists().iter().map(|(_, l)| l.len()).sum();
    let shares: usize = raw.share_lists().iter().map(|(_, l)| l.len()).sum();
    links + shares
}

/// Every row of these lists, with its list's kind and its index in the list.
fn rows<'r, R: 'r>(
    lists: impl IntoIterator<Item = (LinkKind, &'r Vec<R>)>,
) -> impl Iterator<Item = (LinkKind, usize, &'r R)> {
    lists
        .into_iter()
        .flat_map(|(kind, list)| list.iter().enumerate().map(move |(i, r)| (kind, i, r)))
}

/// A relation as written, its ends not yet looked up: a whole share, published, no note.
fn unresolved(kind: LinkKind, from: Date, to: Option<Date>, source: &str) -> Link {
    Link {
        kind,
        a: OrgId(0),
        b: OrgId(0),
        from,
        to: end(to),
        share: 1.0,
        basis: Provenance::Published,
        source: source.to_string(),
        note: String::new(),
    }
}
