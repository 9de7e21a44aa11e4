//! Running-cost lines for the details panel, the cost era, and the ICB-era cost chart.

use serde::{Deserialize, Serialize};

use crate::model::{Date, OrgId, Provenance, Timeline};

/// Running costs of the selection at the date, for the details panel.
pub fn cost_lines(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    org: OrgId,
    date: Date,
) -> Vec<String> {
    footprint_cost_lines(model, &model.footprint(tl, org, date), date)
}

/// Running costs in the ICB era (from July 2022) of the selection (or England) at the
/// date: the ICB footprint's allowance, envelope and 50% level that financial year.
/// `None` before the ICB era, or for something with no ICB footprint.
pub fn icb_cost_lines(tl: &Timeline, selection: Option<OrgId>, date: Date) -> Option<Vec<String>> {
    use crate::model::icb_costs::IcbCostModel;
    if CostEra::of_date(tl, date) != CostEra::Icb {
        return None;
    }
    let model = IcbCostModel::new(tl);
    let fp = match selection {
        None => model.england(tl),
        Some(id) => model.footprint(tl, id, date).ok()?,
    };
    let year = crate::model::FinancialYear::containing(date);
    let rows = model.series(tl, &fp);
    let row = rows.iter().find(|r| r.start_year == year.0)?;
    let m = |x: f64| format!("£{:.1}m", x / 1e6);
    let mut lines = vec![format!("ICB era footprint: {}", fp.name)];
    lines.push(match row.allowance() {
        Some(a) => format!(
            "Allowance {}: {} ({})",
            row.year,
            m(a.value),
            a.basis.label()
        ),
        _ if !row.allowance_parts.is_empty() => format!(
            "Allowance {}: published (draft) for {} of {} ICBs only; no figure for {}",
            row.year,
            row.icbs.saturating_sub(row.missing.len()),
            row.icbs,
            row.missing.join(", ")
        ),
        _ => format!("Allowance {}: no figure in the record", row.year),
    });
    if let Some(e) = row.envelope {
        lines.push(format!(
            "Envelope {}: {} (modelled; covers programme pay too: not comparable with the allowance)",
            row.year,
            m(e.value)
        ));
    }
    if let Some(h) = row.half {
        lines.push(format!(
            "Half the 2024/25 allowance: {} (modelled)",
            m(h.value)
        ));
    }
    lines.push("The CCG era's running costs: choose it above the cost chart.".to_string());
    Some(lines)
}

/// Running costs of a footprint at the date.
pub fn footprint_cost_lines(
    model: &crate::model::costs::CostModel,
    fp: &crate::model::costs::Footprint,
    date: Date,
) -> Vec<String> {
    let Some(year) = model.year_for(date) else {
        return Vec::new();
    };
    let Some(row) = model.year_of(fp, year) else {
        return Vec::new();
    };
    let m = |x: f64| format!("£{:.1}m", x / 1e6);
    vec![
        if fp.org.is_some() {
            format!("Footprint: {} (with predecessors and successors)", fp.name)
        } else {
            "Footprint: England (every CCG)".to_string()
        },
        format!(
            "Allowance {}: {} ({})",
            row.year,
            m(row.allowance_gbp),
            row.allowance_basis.label()
        ),
        format!(
            "Baseline {}: {} · target {}: {}",
            model.baseline_year,
            m(row.baseline_gbp),
            model.target_year,
            m(row.target_gbp)
        ),
        format!(
            "Modelled savings from mergers and shared management by {}: {} ({:.1}%)",
            row.year,
            m(row.structural_saving_gbp),
            row.saving_share * 100.0
        ),
        format!(
            "Gap to target left for other actions: {} (modelled)",
            m(row.gap_gbp.max(0.0))
        ),
    ]
}

/// Which era's running costs the cost chart shows: never both at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostEra {
    /// CCG running-cost allowances, 2013/14 to 2022/23 (the 20% target).
    Ccg,
    /// ICB running costs from July 2022 (the 30% and 50% targets, the £18.76 envelope).
    Icb,
}

impl CostEra {
    /// The era a date falls in, for a snapshot: ICB from the first ICB's day.
    pub fn of_date(tl: &Timeline, date: Date) -> Self {
        match tl.first_icb_day() {
            Some(d) if date >= d => CostEra::Icb,
            _ => CostEra::Ccg,
        }
    }

    /// The label of the choice.
    pub fn label(self) -> &'static str {
        match self {
            CostEra::Ccg => "CCG era (2013–2022)",
            CostEra::Icb => "ICB era (from July 2022)",
        }
    }
}

/// A figure drawn as a point on the ICB running-cost chart.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbPoint {
    /// The financial year's first calendar year.
    pub year: i32,
    /// GBP m.
    pub gbp_m: f64,
    /// Its basis.
    pub basis: Provenance,
    /// Whether it covers the whole footprint (else a part: drawn hollow).
    pub complete: bool,
    /// What it is, for the legend and hover.
    pub label: String,
}

/// Chart (a) in the ICB era: an ICB footprint's running costs and rules, never mixed
/// with the CCG era's.
#[derive(Clone, Debug, PartialEq)]
pub struct IcbCostChart {
    /// `ICB running costs: NHS Central East Integrated Care Board (S1Y5D)`.
    pub title: String,
    /// What the footprint is, in a sentence.
    pub describe: String,
    /// Why the footprint is England though something else was selected.
    pub fallback: Option<String>,
    /// The financial years (first calendar years).
    pub years: Vec<i32>,
    /// The £-a-head envelope × population, GBP m by year: modelled.
    pub envelope: Vec<[f64; 2]>,
    /// Half the 2024/25 allowance, GBP m by year: modelled.
    pub half: Vec<[f64; 2]>,
    /// Published, derived or reported figures: allowances and other amounts.
    pub points: Vec<IcbPoint>,
    /// The rules, a sentence each, with their basis, scope, baseline and deadline.
    pub rules: Vec<String>,
    /// Why the envelope cannot be read against the allowance.
    pub not_comparable: String,
    /// Years with no allowance figure, and why: (year, text).
    pub gaps: Vec<(i32, String)>,
    /// The financial year of the date shown (its first year).
    pub current_year: Option<i32>,
}

/// Builds chart (a) for the ICB era: the footprint of the selection (an ICB, its
/// sub-ICB location, its system or a region), or England.
pub fn icb_cost_chart(tl: &Timeline, selection: Option<OrgId>, date: Date) -> IcbCostChart {
    use crate::model::icb_costs::IcbCostModel;
    let model = IcbCostModel::new(tl);
    let (fp, fallback) = match selection {
        None => (model.england(tl), None),
        Some(id) => match model.footprint(tl, id, date) {
            Ok(fp) => (fp, None),
            Err(e) => (model.england(tl), Some(format!("{e}: showing England"))),
        },
    };
    let rows = model.series(tl, &fp);
    let rules = model.rules(&rows);
    let x = |y: i32| y as f64;
    let envelope = rows
        .iter()
        .filter_map(|r| r.envelope.map(|g| [x(r.start_year), g.value / 1e6]))
        .collect();
    let half = rows
        .iter()
        .filter_map(|r| r.half.map(|g| [x(r.start_year), g.value / 1e6]))
        .collect();
    let mut points = Vec::new();
    let mut gaps = Vec::new();
    for r in &rows {
        match (r.allowance(), r.known) {
            (Some(a), _) => points.push(IcbPoint {
                year: r.start_year,
                gbp_m: a.value / 1e6,
                basis: a.basis,
                complete: true,
                label: format!("Allowance {} ({})", r.year, a.basis.label()),
            }),
            (None, Some(sum)) => {
                let basis = sum.basis;
                let known = r.icbs.saturating_sub(r.missing.len());
                points.push(IcbPoint {
                    year: r.start_year,
                    gbp_m: sum.value / 1e6,
                    basis,
                    complete: false,
                    label: format!(
                        "Allowances {} of {known} of {} ICBs ({}; no figure for {})",
                        r.year,
                        r.icbs,
                        basis.label(),
                        r.missing.join(", ")
                    ),
                });
                gaps.push((
                    r.start_year,
                    format!(
                        "{}: published (draft) for {known} of {} ICBs only; no figure for {}",
                        r.year,
                        r.icbs,
                        r.missing.join(", ")
                    ),
                ));
            }
            (None, None) => gaps.push((
                r.start_year,
                format!(
                    "{}: no allowance figure{}",
                    r.year,
                    if r.gap.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", r.gap)
                    }
                ),
            )),
        }
    }
    for f in model.other_figures(&fp) {
        if let (Some(g), Some(y)) = (f.gbp, f.year) {
            points.push(IcbPoint {
                year: y.0,
                gbp_m: g / 1e6,
                basis: f.basis,
                complete: true,
                label: format!(
                    "{} {} ({}; source {})",
                    f.metric.replace('_', " "),
                    f.period,
                    f.basis.label(),
                    f.source
                ),
            });
        }
    }
    let not_comparable = model
        .targets
        .iter()
        .find(|t| t.gbp_per_head.is_some() && !t.comparable_with_allowance)
        .map(|t| {
            format!(
                "The £{:.2} a head envelope covers running costs and programme pay: it is not \
                 comparable with the running cost allowance.",
                t.gbp_per_head.unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let rules = rules
        .iter()
        .map(|r| {
            let t = &r.target;
            let mut line = format!(
                "{} ({}): {}; baseline {}; {}",
                t.name,
                t.basis.label(),
                t.scope,
                t.baseline_year
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| "none".to_string()),
                t.deadline
            );
            if r.levels.is_empty() && !r.no_level.is_empty() {
                line.push_str(&format!(". No level drawn: {}", r.no_level));
            }
            line
        })
        .collect();
    IcbCostChart {
        title: format!("ICB running costs: {}", fp.name),
        describe: fp.describe.clone(),
        fallback,
        years: rows.iter().map(|r| r.start_year).collect(),
        envelope,
        half,
        points,
        rules,
        not_comparable,
        gaps,
        current_year: Some(crate::model::FinancialYear::containing(date).0),
    }
}
