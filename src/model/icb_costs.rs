//! Running costs in the ICB era (from July 2022), beside the CCG era's cost model and
//! never mixed with it: what was published or reported for ICBs, the three rules
//! (the 30% real-terms cut of March 2023, the 50% cut of March 2025, the £18.76 a head
//! envelope), and the few lines a model can honestly draw from them.
//!
//! - A footprint follows lineage as a CCG footprint does: an ICB that merged wholly
//!   into a new one has the new one's footprint, and a new ICB's footprint is itself
//!   with its predecessors, each by the share of it that passed on (all of Bedfordshire,
//!   Luton and Milton Keynes and of Cambridgeshire and Peterborough, and Hertfordshire's
//!   part of Hertfordshire and West Essex, for Central East). So its area is the same in
//!   every year, and its baseline is its predecessors'.
//! - Published (draft) allowances are added up only when every body of the footprint
//!   alive that year has one; otherwise the year says which are missing, never a guess.
//! - Modelled lines, labelled so: the 50% level (half the footprint's 2024/25
//!   allowance, on the reading that the cut applies to it) and the envelope (£18.76 ×
//!   the footprint's registered population). The envelope also covers programme pay,
//!   so it is not comparable with the allowance: its caveat goes with it everywhere.
//! - The 30% target's baseline year (2023/24, inferred) has no allowance in the
//!   sources, so no level is drawn for it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::format::{EventKind, RawFigure, RawGap, RawIcbTarget};
use super::snapshot::LinkKind;
use super::{Based, Date, FinancialYear, OrgId, OrgKind, Provenance, Timeline};

/// 1 October of the year: the day a year's bodies and population are taken on.
fn mid_year(y: FinancialYear) -> Date {
    Date::from_ymd_opt(y.0, 10, 1).unwrap_or(Date::MIN)
}

/// One body of a footprint, with the part of it the footprint holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IcbPart {
    /// The ICB.
    #[serde(skip)]
    pub icb: OrgId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The share of it (by population) in the footprint: 1 for a whole body.
    pub weight: f64,
    /// How the share is known (published for a whole body; derived from registered
    /// lists, or reported, for a part).
    pub basis: Provenance,
    /// Why it is in the footprint.
    pub why: String,
}

/// A set of ICBs (or parts of them) whose costs are added up, the same area in every
/// year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IcbFootprint {
    /// `NHS Central East Integrated Care Board (S1Y5D)`, or `England`.
    pub name: String,
    /// The organisation it was made from; `None` for England.
    #[serde(skip)]
    pub org: Option<OrgId>,
    /// What the footprint is, in a sentence.
    pub describe: String,
    /// Its bodies.
    pub parts: Vec<IcbPart>,
}

/// A body's published (or reported) allowance in a year, as the footprint holds it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AllowancePart {
    /// The ICB's code.
    pub code: String,
    /// Its whole allowance.
    pub gbp: f64,
    /// The part in the footprint (its weight).
    pub weight: f64,
    /// The figure's basis.
    pub basis: Provenance,
    /// Its source key.
    pub source: String,
    /// Its note (a draft figure says so).
    pub note: String,
}

/// One financial year of an ICB footprint. Every figure carries its basis.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbYear {
    /// `2024/25`.
    pub year: String,
    /// The first calendar year.
    pub start_year: i32,
    /// ICBs of the footprint alive at mid-year (1 October).
    pub icbs: usize,
    /// The footprint's share of the allowances there are (each body's by its weight):
    /// published for one whole body's published figure; derived for a sum or a share;
    /// reported when any part is. The footprint's allowance when no body is missing
    /// ([`IcbYear::allowance`]); none when no body has a figure.
    pub known: Option<Based>,
    /// Each body's figure that year.
    pub allowance_parts: Vec<AllowancePart>,
    /// Bodies alive that year with no figure.
    pub missing: Vec<String>,
    /// Why there is no figure, from the record's gaps (`published, not read`).
    pub gap: String,
    /// Registered population of the footprint, moved to mid-year.
    pub population: Option<Based>,
    /// The envelope (£ a head × population) from its target year: modelled, and not
    /// comparable with the allowance.
    pub envelope: Option<Based>,
    /// Half the footprint's 2024/25 allowance from the 50% target's year: modelled.
    pub half: Option<Based>,
}

impl IcbYear {
    /// The footprint's running cost allowance, only when every body alive has one.
    pub fn allowance(&self) -> Option<Based> {
        self.known
            .filter(|_| self.icbs > 0 && self.missing.is_empty())
    }
}

/// A rule, as it applies to a footprint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IcbRule {
    /// The rule as the snapshot gives it.
    pub target: RawIcbTarget,
    /// The footprint's level under it, where one can be drawn: (first year, GBP).
    pub levels: Vec<(i32, f64)>,
    /// The levels' basis (modelled), when there are any.
    pub level_basis: Option<Provenance>,
    /// Why no level is drawn, when none is.
    pub no_level: String,
}

/// The ICB-era running-cost model over one snapshot.
#[derive(Clone, Debug)]
pub struct IcbCostModel {
    /// Financial years from the first with ICBs to the one holding the record's end.
    pub years: Vec<FinancialYear>,
    /// The rules.
    pub targets: Vec<RawIcbTarget>,
    /// Population growth a year (the CCG model's parameter), to move January 2021
    /// registered lists to mid-year.
    pub growth: f64,
    /// The scenario laid over the snapshot, if any.
    pub scenario: Option<String>,
    /// Figures with the ICBs they cover.
    figures: Vec<(Vec<OrgId>, RawFigure)>,
    /// Gaps with the ICBs they concern.
    gaps: Vec<(Vec<OrgId>, RawGap)>,
}

impl IcbCostModel {
    /// Builds the model for a snapshot.
    pub fn new(tl: &Timeline) -> Self {
        let s = tl.snapshot();
        let icbs = || s.orgs.iter().filter(|o| o.kind == OrgKind::Icb);
        let (_, span_end) = s.span();
        let mut years = Vec::new();
        if let Some(first) = icbs().map(|o| o.from).min() {
            let last = FinancialYear::containing(span_end.max(first));
            let mut y = FinancialYear::containing(first);
            while y <= last {
                years.push(y);
                y = FinancialYear(y.0 + 1);
            }
        }
        let resolve = |codes: &[String]| -> Vec<OrgId> {
            codes
                .iter()
                .filter_map(|c| s.find(OrgKind::Icb, c))
                .collect()
        };
        let growth = s
            .money
            .parameters
            .iter()
            .find(|p| p.name == "population_growth_per_year")
            .map(|p| p.value)
            .unwrap_or(0.007);
        IcbCostModel {
            years,
            targets: s.icb_money.targets.clone(),
            growth,
            scenario: super::scenario::scenario_of(s),
            figures: s
                .icb_money
                .figures
                .iter()
                .map(|f| (resolve(&f.orgs), f.clone()))
                .collect(),
            gaps: s
                .icb_money
                .gaps
                .iter()
                .map(|g| (resolve(&g.orgs), g.clone()))
                .collect(),
        }
    }

    /// England: every ICB, whole.
    pub fn england(&self, tl: &Timeline) -> IcbFootprint {
        let s = tl.snapshot();
        let parts = s
            .orgs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.kind == OrgKind::Icb)
            .map(|(i, o)| whole(OrgId(i as u32), o, "an ICB of England"))
            .collect();
        IcbFootprint {
            name: "England".to_string(),
            org: None,
            describe: "every ICB in England, as they were each year".to_string(),
            parts,
        }
    }

    /// The footprint of `org` on `date`: an ICB with its lineage, a region's ICBs, or
    /// the ICB of a sub-ICB location or system; an error names what to ask instead.
    pub fn footprint(&self, tl: &Timeline, org: OrgId, date: Date) -> Result<IcbFootprint, String> {
        let s = tl.snapshot();
        let o = s.org(org);
        let at = date.clamp(o.from, o.to);
        let group = |kind: LinkKind| {
            s.links_of(org)
                .find(|(_, l)| l.kind == kind && l.a == org && l.holds_on(at))
                .map(|(_, l)| l.b)
        };
        match o.kind {
            OrgKind::Icb => Ok(icb_footprint(tl, org)),
            OrgKind::SubIcb | OrgKind::System => {
                let kind = if o.kind == OrgKind::SubIcb {
                    LinkKind::SubIcbIcb
                } else {
                    LinkKind::IcbSystem
                };
                let icb = if o.kind == OrgKind::System {
                    s.links_of(org)
                        .find(|(_, l)| l.kind == kind && l.b == org && l.holds_on(at))
                        .map(|(_, l)| l.a)
                } else {
                    group(kind)
                };
                match icb {
                    Some(icb) => {
                        let mut fp = icb_footprint(tl, icb);
                        fp.describe = format!(
                            "{} is in {} on {}: {}",
                            o.label(),
                            s.org(icb).label(),
                            super::human_date(at),
                            fp.describe
                        );
                        Ok(fp)
                    }
                    None => Err(format!(
                        "{} has no ICB on {}: ICB running costs are by ICB (from July 2022)",
                        o.label(),
                        super::human_date(at)
                    )),
                }
            }
            OrgKind::Region => {
                let mut weights: BTreeMap<OrgId, IcbPart> = BTreeMap::new();
                for (_, l) in s.links_of(org) {
                    if l.kind != LinkKind::IcbRegion || l.b != org || !l.holds_on(at) {
                        continue;
                    }
                    for p in icb_footprint(tl, l.a).parts {
                        weights
                            .entry(p.icb)
                            .and_modify(|q| {
                                q.weight = (q.weight + p.weight).min(1.0);
                                q.basis = q.basis.max(p.basis);
                            })
                            .or_insert(p);
                    }
                }
                if weights.is_empty() {
                    return Err(format!(
                        "{} has no ICBs on {}: ICB running costs begin in July 2022",
                        o.label(),
                        super::human_date(at)
                    ));
                }
                Ok(IcbFootprint {
                    name: o.label(),
                    org: Some(org),
                    describe: format!(
                        "the ICBs of {} on {}, with their predecessors and successors",
                        o.name,
                        super::human_date(at)
                    ),
                    parts: weights.into_values().collect(),
                })
            }
            _ => Err(format!(
                "ICB running costs are by ICB: {} is a {}; give an ICB, a sub-ICB location, a system or a region",
                o.label(),
                o.kind.label()
            )),
        }
    }

    /// The allowance figure of one ICB in a year, if the record has one.
    fn figure(&self, icb: OrgId, year: FinancialYear) -> Option<&RawFigure> {
        self.figures
            .iter()
            .find(|(ids, f)| f.metric == "rca" && f.year == Some(year) && ids.as_slice() == [icb])
            .map(|(_, f)| f)
    }

    /// The footprint's costs, year by year.
    pub fn series(&self, tl: &Timeline, fp: &IcbFootprint) -> Vec<IcbYear> {
        let s = tl.snapshot();
        let envelope = self.targets.iter().find(|t| t.gbp_per_head.is_some());
        let half = self
            .targets
            .iter()
            .find(|t| t.cut.is_some_and(|c| (c - 0.5).abs() < 1e-9));
        let base_year = half.and_then(|t| t.baseline_year);
        let rows: Vec<IcbYear> = self
            .years
            .iter()
            .map(|y| {
                let day = mid_year(*y);
                let alive: Vec<&IcbPart> = fp
                    .parts
                    .iter()
                    .filter(|p| s.org(p.icb).alive_on(day))
                    .collect();
                let mut parts = Vec::new();
                let mut missing = Vec::new();
                // The basis of the shares taken of bodies with a figure, if any is taken.
                let mut shared: Option<Provenance> = None;
                for p in &alive {
                    match self.figure(p.icb, *y) {
                        Some(f) => {
                            if p.weight < 1.0 {
                                shared = shared.max(Some(p.basis));
                            }
                            parts.push(AllowancePart {
                                code: p.code.clone(),
                                gbp: f.gbp.unwrap_or(0.0),
                                weight: p.weight,
                                basis: f.basis,
                                source: f.source.clone(),
                                note: f.note.clone(),
                            });
                        }
                        None => missing.push(p.code.clone()),
                    }
                }
                let complete = !alive.is_empty() && missing.is_empty();
                let known = (!parts.is_empty()).then(|| {
                    let mut b = parts.iter().map(|p| p.basis).max().unwrap_or_default();
                    if let Some(s) = shared {
                        b = b.max(s).max(Provenance::Derived);
                    }
                    if parts.len() > 1 {
                        b = b.max(Provenance::Derived);
                    }
                    Based::new(parts.iter().map(|p| p.gbp * p.weight).sum(), b)
                });
                let gap = if complete || alive.is_empty() {
                    String::new()
                } else {
                    self.gap_text(&alive, *y)
                };
                let pop = population(tl, &alive, day, self.growth);
                let envelope_level = envelope
                    .filter(|t| *y >= t.target_year)
                    .and_then(|t| Some(Based::modelled(t.gbp_per_head? * pop?.value)));
                IcbYear {
                    year: y.to_string(),
                    start_year: y.0,
                    icbs: alive.len(),
                    known,
                    allowance_parts: parts,
                    missing,
                    gap,
                    population: pop,
                    envelope: envelope_level,
                    half: None,
                }
            })
            .collect();
        // Half the baseline year's allowance, from the 50% target's year on.
        let base = base_year.and_then(|b| rows.iter().find(|r| r.start_year == b.0));
        let base_gbp = base.and_then(IcbYear::allowance).map(|a| a.value);
        rows.iter()
            .map(|r| {
                let due = half.is_some_and(|t| r.start_year >= t.target_year.0);
                let cut = half.and_then(|t| t.cut).unwrap_or(0.5);
                IcbYear {
                    half: base_gbp
                        .filter(|_| due)
                        .map(|b| Based::modelled(b * (1.0 - cut))),
                    ..r.clone()
                }
            })
            .collect()
    }

    /// Why the bodies have no figure in `year`, from the record's gaps.
    fn gap_text(&self, alive: &[&IcbPart], year: FinancialYear) -> String {
        let mut lines: Vec<String> = Vec::new();
        for (ids, g) in &self.gaps {
            let covers_year = g.year == Some(year)
                || (g.year.is_none() && g.period.contains(&year.to_string()))
                || (g.year.is_none() && spans(&g.period, year));
            let concerns = ids.is_empty() || alive.iter().any(|p| ids.contains(&p.icb));
            if covers_year && concerns {
                let line = format!("{}: {} ({})", g.what, g.status, g.period);
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        if lines.is_empty() {
            "no figure in the sources read".to_string()
        } else {
            lines.join("; ")
        }
    }

    /// The rules, each with the footprint's level where one can be drawn.
    pub fn rules(&self, rows: &[IcbYear]) -> Vec<IcbRule> {
        self.targets
            .iter()
            .map(|t| {
                let (levels, no_level): (Vec<(i32, f64)>, String) = if t.gbp_per_head.is_some() {
                    let l: Vec<(i32, f64)> = rows
                        .iter()
                        .filter_map(|r| Some((r.start_year, r.envelope?.value)))
                        .collect();
                    let why = if l.is_empty() {
                        "no registered population for the footprint".to_string()
                    } else {
                        String::new()
                    };
                    (l, why)
                } else if t.cut.is_some_and(|c| (c - 0.5).abs() < 1e-9) {
                    let l: Vec<(i32, f64)> = rows
                        .iter()
                        .filter_map(|r| Some((r.start_year, r.half?.value)))
                        .collect();
                    let why = if l.is_empty() {
                        let base = t.baseline_year.map(|b| b.to_string()).unwrap_or_default();
                        format!("the footprint's {base} allowance is not complete in the sources, so no level is drawn")
                    } else {
                        String::new()
                    };
                    (l, why)
                } else {
                    let base = t.baseline_year.map(|b| b.to_string()).unwrap_or_default();
                    (
                        Vec::new(),
                        format!("no {base} allowance was read, and a real-terms cut has no cash level without an inflation figure: no level is drawn"),
                    )
                };
                IcbRule {
                    level_basis: (!levels.is_empty()).then_some(Provenance::Modelled),
                    target: t.clone(),
                    levels,
                    no_level,
                }
            })
            .collect()
    }

    /// Other figures about the footprint (reported local figures, derived sums): those
    /// whose ICBs all lie in it; for England, those about no ICB in particular.
    pub fn other_figures(&self, fp: &IcbFootprint) -> Vec<RawFigure> {
        self.figures
            .iter()
            .filter(|(ids, f)| {
                let allowance = f.metric == "rca" && ids.len() == 1;
                let inside = match fp.org {
                    None => ids.is_empty(),
                    Some(_) => {
                        !ids.is_empty() && ids.iter().all(|i| fp.parts.iter().any(|p| p.icb == *i))
                    }
                };
                !allowance && inside
            })
            .map(|(_, f)| f.clone())
            .collect()
    }

    /// The gaps about the footprint's bodies (or about England).
    pub fn gaps(&self, fp: &IcbFootprint) -> Vec<RawGap> {
        self.gaps
            .iter()
            .filter(|(ids, _)| {
                ids.is_empty() || ids.iter().any(|i| fp.parts.iter().any(|p| p.icb == *i))
            })
            .map(|(_, g)| g.clone())
            .collect()
    }
}

/// Whether a period written `2023/24-2025/26` holds `year`.
fn spans(period: &str, year: FinancialYear) -> bool {
    let mut ends = period
        .split('-')
        .filter_map(|p| p.trim().parse::<FinancialYear>().ok());
    match (ends.next(), ends.next()) {
        (Some(a), Some(b)) => a <= year && year <= b,
        _ => false,
    }
}

fn whole(id: OrgId, o: &super::Org, why: &str) -> IcbPart {
    IcbPart {
        icb: id,
        code: o.code.clone(),
        name: o.name.clone(),
        weight: 1.0,
        basis: Provenance::Published,
        why: why.to_string(),
    }
}

/// An ICB's footprint: an ICB that merged wholly into another takes that one's; a
/// body is itself with every predecessor by the share of it that passed on.
fn icb_footprint(tl: &Timeline, org: OrgId) -> IcbFootprint {
    let s = tl.snapshot();
    // Forward through whole mergers.
    let mut target = org;
    let mut guard = 0;
    while let Some(next) = tl.ends_in(target).iter().find_map(|e| {
        let ev = &tl.events()[*e];
        (ev.kind == EventKind::Merge && s.org(ev.to).kind == OrgKind::Icb).then_some(ev.to)
    }) {
        guard += 1;
        if guard > 64 {
            break;
        }
        target = next;
    }
    let t = s.org(target);
    let mut parts = vec![whole(target, t, "the ICB itself")];
    // Backwards, by the share passing on (a whole merger passes all of it).
    let mut stack: Vec<(OrgId, f64, Provenance)> = vec![(target, 1.0, Provenance::Published)];
    while let Some((x, w, b)) = stack.pop() {
        if parts.len() > 256 {
            break;
        }
        for e in tl.merges_into(x) {
            let ev = &tl.events()[*e];
            if s.org(ev.to).kind != OrgKind::Icb {
                continue;
            }
            let share = ev.passing_share();
            let basis = if ev.kind == EventKind::Split {
                b.max(ev.basis.unwrap_or(Provenance::Published))
            } else {
                b
            };
            for f in &ev.from {
                let fo = s.org(*f);
                let weight = w * share;
                let why = if ev.kind == EventKind::Split {
                    format!(
                        "{:.1}% of it passed to {} on {}",
                        share * 100.0,
                        s.org(ev.to).code,
                        super::human_date(ev.date)
                    )
                } else {
                    format!(
                        "merged into {} on {}",
                        s.org(ev.to).code,
                        super::human_date(ev.date)
                    )
                };
                match parts.iter_mut().find(|p| p.icb == *f) {
                    Some(p) => p.weight = (p.weight + weight).min(1.0),
                    None => parts.push(IcbPart {
                        icb: *f,
                        code: fo.code.clone(),
                        name: fo.name.clone(),
                        weight,
                        basis,
                        why,
                    }),
                }
                stack.push((*f, weight, basis));
            }
        }
    }
    let describe = if target != org {
        format!(
            "{} merged into {}: its footprint is that ICB's with all its predecessors, the same area in every year",
            s.org(org).label(),
            t.label()
        )
    } else if parts.len() > 1 {
        format!(
            "{} with its predecessors, each by the share of it that passed on: the same area in every year",
            t.label()
        )
    } else {
        let split: Vec<String> = tl
            .ends_in(org)
            .iter()
            .map(|e| &tl.events()[*e])
            .filter(|ev| ev.kind == EventKind::Split)
            .map(|ev| format!("{} ({:.1}%)", s.org(ev.to).code, ev.passing_share() * 100.0))
            .collect();
        if split.is_empty() {
            format!("{} alone", t.label())
        } else {
            format!(
                "{} alone: it was split on {} between {}, so its area is no footprint after that",
                t.label(),
                super::human_date(s.org(org).to.succ_opt().unwrap_or(s.org(org).to)),
                split.join(", ")
            )
        }
    };
    IcbFootprint {
        name: t.label(),
        org: Some(org),
        describe,
        parts,
    }
}

/// The registered population of the parts alive on `day` (each by its weight), moved
/// to that day at `growth` a year, with its basis. A sub-ICB location's population is
/// its CCG's (January 2021), with the shares of others split into it and less what it
/// split out.
fn population(tl: &Timeline, parts: &[&IcbPart], day: Date, growth: f64) -> Option<Based> {
    let s = tl.snapshot();
    let mut total = 0.0;
    let mut basis = Provenance::Derived;
    let mut found = false;
    for p in parts {
        for (_, l) in s.links_of(p.icb) {
            if l.kind != LinkKind::SubIcbIcb || l.b != p.icb || !l.holds_on(day) {
                continue;
            }
            if let Some((count, as_at, b)) = sub_icb_population(tl, l.a, day) {
                let dt = (day - as_at).num_days() as f64 / 365.25;
                total += p.weight * count * (1.0 + growth).powf(dt);
                basis = basis
                    .max(b)
                    .max(if p.weight < 1.0 { p.basis } else { basis });
                found = true;
            }
        }
    }
    found.then_some(Based::new(total, basis))
}

/// A sub-ICB location's population on `day`: its CCG's figure, plus the shares split
/// into it by then; `(count, as_at, basis)`.
fn sub_icb_population(tl: &Timeline, sub: OrgId, day: Date) -> Option<(f64, Date, Provenance)> {
    let s = tl.snapshot();
    let own = s
        .find(OrgKind::Ccg, &s.org(sub).code)
        .and_then(|c| s.org(c).population.as_ref());
    let mut count = own.map(|p| p.count as f64).unwrap_or(0.0);
    let mut as_at = own.map(|p| p.as_at);
    let mut basis = own
        .map(|p| p.basis.max(Provenance::Derived))
        .unwrap_or(Provenance::Derived);
    for e in tl.merges_into(sub) {
        let ev = &tl.events()[*e];
        if ev.date > day {
            continue;
        }
        for f in &ev.from {
            if let Some(p) = s
                .find(OrgKind::Ccg, &s.org(*f).code)
                .and_then(|c| s.org(c).population.as_ref())
            {
                count += ev.passing_share() * p.count as f64;
                as_at = as_at.or(Some(p.as_at));
                basis = basis.max(ev.basis.unwrap_or(Provenance::Published));
            }
        }
    }
    (count > 0.0).then(|| (count, as_at.unwrap_or(day), basis))
}
