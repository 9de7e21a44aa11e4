//! Short texts the panels show: shares, populations, sources, shared-management badges.

use crate::model::snapshot::Org;
use crate::model::timeline::Served;
use crate::model::{
    APPROX, Date, FOREVER, FULL_SHARE, OrgId, Provenance, Snapshot, approx_share, human_date,
    sharing, thousands,
};

/// `62%`, or `0.4%` for small shares.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// `pop. 1,252,919 (1 Jan 2021, published)`.
pub fn population_text(org: &Org) -> Option<String> {
    let p = org.population.as_ref()?;
    let when = if p.period.is_empty() || p.basis != Provenance::Published {
        human_date(p.as_at)
    } else {
        p.period.clone()
    };
    Some(format!(
        "pop. {} ({when}, {})",
        thousands(p.count),
        p.basis.label()
    ))
}

/// The title of a source key, for hover texts: `LOOKUP_2019: ONS LSOA to CCG ...`.
pub fn source_text(s: &Snapshot, key: &str) -> String {
    match s.sources.iter().find(|x| x.key == key) {
        Some(src) if !src.title.is_empty() => format!("{key}: {}", src.title),
        _ => key.to_string(),
    }
}

/// A source's title up to its first colon (`DAC Beachcroft, "...", 11 June 2019`), or
/// its key when it has no title.
pub fn short_source(s: &Snapshot, key: &str) -> String {
    s.sources
        .iter()
        .find(|x| x.key == key)
        .and_then(|x| x.title.split(':').next())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(key)
        .to_string()
}

/// `60%`, with `≈` when the share is not published (see [`approx_share`]).
pub(super) fn share_text(basis: Provenance, share: f64) -> String {
    let mark = if approx_share(basis, share) {
        APPROX
    } else {
        ""
    };
    format!("{mark}{}", percent(share))
}

/// One hover line about a share: `NHS A CCG (A01): 60% of the place, derived (arithmetic
/// on published figures ...); source LOOKUP_2019: ...`.
pub(super) fn share_hover(s: &Snapshot, who: OrgId, served: &Served, of_what: &str) -> String {
    let l = s.link(served.link);
    format!(
        "{}: {} {of_what}, {} ({}); source {}",
        s.org(who).label(),
        percent(served.share),
        served.basis.label(),
        served.basis.explain(),
        source_text(s, &l.source)
    )
}

/// The served-by text of a place: `NHS A CCG (A01) ≈60% · NHS B CCG (B01) ≈40%`.
pub(super) fn served_text(s: &Snapshot, served: &[Served], date: Date) -> String {
    served
        .iter()
        .map(|c| {
            let o = s.org(c.commissioner);
            if c.share < FULL_SHARE {
                format!("{} {}", o.label_on(date), share_text(c.basis, c.share))
            } else if approx_share(c.basis, c.share) {
                format!("{APPROX}{}", o.label_on(date))
            } else {
                o.label_on(date)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The shared management a CCG has on `date`: a short badge (`shared AO · joint
/// committee`) and a hover text naming each arrangement's partners and dates.
pub fn sharing_badge(s: &Snapshot, ccg: OrgId, date: Date) -> (String, String) {
    let now: Vec<&crate::model::snapshot::Arrangement> = sharing::of_ccg(s, ccg)
        .into_iter()
        .map(|i| &s.arrangements[i])
        .filter(|a| a.holds_on(date))
        .collect();
    let mut kinds: Vec<&str> = now.iter().map(|a| a.kind.short()).collect();
    kinds.dedup();
    let hover = now
        .iter()
        .map(|a| {
            let partners: Vec<String> = sharing::partners(a, ccg)
                .map(|p| s.org(p).label())
                .collect();
            format!(
                "{} with {} {} ({})",
                capitalise(a.kind.label()),
                sharing::and_list(&partners),
                sharing::span_text(a),
                a.id
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    (kinds.join(" · "), hover)
}

/// `Shared accountable officer`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `1 Apr 2013 to 31 Mar 2019`, or `from 1 Jul 2022`.
pub fn life_text(o: &Org) -> String {
    if o.to == FOREVER {
        format!("from {}", human_date(o.from))
    } else {
        format!("{} to {}", human_date(o.from), human_date(o.to))
    }
}
