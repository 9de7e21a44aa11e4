//! Running costs by financial year (`costs`), the CCG era's and the ICB era's, as text, JSON and CSV.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};

use super::{Format, write_csv, write_json, write_title};
use crate::model::format::RawFigure;
use crate::model::{APPROX, Based, OrgId, Provenance, Timeline, thousands};

/// Pounds in millions with one decimal: `25.7`.
fn gbp_m(x: f64) -> String {
    format!("{:.1}", x / 1e6)
}

/// A year's figures with their bases, in the order of the columns: each one's column,
/// its value, the decimals CSV gives it, its basis column and its basis.
fn year_figures(
    r: &crate::model::costs::YearCost,
) -> [(&'static str, f64, usize, &'static str, Provenance); 7] {
    [
        (
            "allowance_gbp",
            r.allowance_gbp,
            0,
            "allowance_basis",
            r.allowance_basis,
        ),
        (
            "baseline_gbp",
            r.baseline_gbp,
            0,
            "baseline_basis",
            r.baseline_basis,
        ),
        (
            "target_gbp",
            r.target_gbp,
            0,
            "target_basis",
            r.target_basis,
        ),
        (
            "structural_saving_gbp",
            r.structural_saving_gbp,
            0,
            "structural_saving_basis",
            r.structural_saving_basis,
        ),
        (
            "modelled_cost_gbp",
            r.modelled_cost_gbp,
            0,
            "modelled_cost_basis",
            r.modelled_cost_basis,
        ),
        (
            "saving_share",
            r.saving_share,
            4,
            "saving_share_basis",
            r.structural_saving_basis,
        ),
        ("gap_gbp", r.gap_gbp, 0, "gap_basis", r.gap_basis),
    ]
}

/// One year of a footprint's costs as JSON, every column with its basis.
fn year_json(r: &crate::model::costs::YearCost) -> Value {
    let mut v = json!({
        "year": r.year,
        "start_year": r.start_year,
        "ccgs": r.ccgs,
        "national_total": r.national_total.as_ref().map(|n| json!({
            "gbp": n.gbp.value,
            "basis": n.gbp.basis.label(),
            "source": n.source,
        })),
    });
    for (column, value, _, basis_column, basis) in year_figures(r) {
        v[column] = json!(value);
        v[basis_column] = json!(basis.label());
    }
    v
}

/// A money figure from the record, with its basis and source: what the CCG era's
/// reported claims and the ICB era's other figures write alike. (serde_json sorts an
/// object's keys, so the order written here is not the order output.)
fn figure_json(f: &RawFigure) -> Value {
    json!({
        "orgs": f.orgs,
        "period": f.period,
        "metric": f.metric,
        "gbp": f.gbp,
        "basis": f.basis.label(),
        "source": f.source,
        "note": f.note,
    })
}

/// One year of an ICB footprint: each figure beside its basis (`allowance_gbp`,
/// `allowance_basis`), an absent figure as null beside a null basis. (Every field is
/// named, so a new one does not compile until it is written here too.)
fn icb_year_json(r: &crate::model::icb_costs::IcbYear) -> Value {
    let crate::model::icb_costs::IcbYear {
        year,
        start_year,
        icbs,
        known: _, // written as the allowance when whole, below
        allowance_parts,
        missing,
        gap,
        population,
        envelope,
        half,
    } = r;
    let mut v = json!({
        "year": year,
        "start_year": start_year,
        "icbs": icbs,
        "allowance_parts": allowance_parts,
        "missing": missing,
        "gap": gap,
    });
    for (column, basis_column, figure) in [
        ("allowance_gbp", "allowance_basis", &r.allowance()),
        ("population", "population_basis", population),
        ("envelope_gbp", "envelope_basis", envelope),
        ("half_gbp", "half_basis", half),
    ] {
        v[column] = json!(figure.map(|f| f.value));
        v[basis_column] = json!(figure.map(|f| f.basis));
    }
    v
}

/// The columns of `costs --format csv` in the CCG era.
const COSTS_COLUMNS: [&str; 20] = [
    "footprint",
    "financial_year",
    "ccgs",
    "allowance_gbp",
    "allowance_basis",
    "baseline_gbp",
    "baseline_basis",
    "target_gbp",
    "target_basis",
    "structural_saving_gbp",
    "structural_saving_basis",
    "modelled_cost_gbp",
    "modelled_cost_basis",
    "saving_share",
    "saving_share_basis",
    "gap_gbp",
    "gap_basis",
    "national_total_gbp",
    "national_total_basis",
    "national_total_source",
];

/// A footprint's running costs by financial year.
pub fn write_costs(
    out: &mut dyn Write,
    model: &crate::model::costs::CostModel,
    fp: &crate::model::costs::Footprint,
    format: Format,
) -> Result<()> {
    let rows = model.series(fp);
    let reported = model.reported(fp);
    match format {
        Format::Json => {
            let v = json!({
                "footprint": fp.name,
                "scenario": model.scenario,
                "baseline_year": model.baseline_year.to_string(),
                "target_year": model.target_year.to_string(),
                "cut": model.cut,
                "parameters": model.params,
                "note": "every column has its basis: published (stated by the source), derived, estimated, modelled (the cost model in assets/FORMAT.md) or reported; national_total is England's total as the snapshot gives it",
                "years": rows.iter().map(year_json).collect::<Vec<_>>(),
                "reported": reported.iter().map(|f| {
                    let mut v = figure_json(&f.raw);
                    v["source_title"] = json!(f.source_title);
                    v
                }).collect::<Vec<_>>(),
            });
            write_json(out, &v)?;
        }
        Format::Csv => write_csv(out, COSTS_COLUMNS, |w| {
            for r in &rows {
                let mut row = vec![fp.name.clone(), r.year.clone(), r.ccgs.to_string()];
                for (_, value, decimals, _, basis) in year_figures(r) {
                    row.push(format!("{value:.decimals$}"));
                    row.push(basis.label().to_string());
                }
                row.extend(match &r.national_total {
                    Some(n) => [
                        format!("{:.0}", n.gbp.value),
                        n.gbp.basis.label().to_string(),
                        n.source.clone(),
                    ],
                    None => Default::default(),
                });
                w.write_record(&row)?;
            }
            Ok(())
        })?,
        Format::Text => {
            let base = rows.first().map(|r| r.baseline_gbp).unwrap_or(0.0);
            let title = format!(
                "Running costs: {} (CCGs, 2013 to 2022; a CCG's footprint includes the CCGs it merged with; the ICB era's are apart: costs --era icb)",
                fp.name
            );
            write_title(out, model.scenario.as_deref(), &title)?;
            writeln!(
                out,
                "Baseline ({} allowance): £{}m; target by {}: £{}m ({:.0}% cut). GBP m; * = modelled allowance; savings are always modelled.",
                model.baseline_year,
                gbp_m(base),
                model.target_year,
                gbp_m(base * (1.0 - model.cut)),
                model.cut * 100.0
            )?;
            let england = fp.org.is_none();
            let national_head = if england { "national" } else { "" };
            writeln!(
                out,
                "{:<8} {:>5} {:>12} {:>12} {:>12} {:>8} {:>10} {:>16}",
                "year",
                "CCGs",
                "allowance",
                "structural",
                "baseline less",
                "saving",
                "gap to",
                national_head
            )?;
            writeln!(
                out,
                "{:<8} {:>5} {:>12} {:>12} {:>12} {:>8} {:>10} {:>16}",
                "",
                "",
                "",
                "savings",
                "savings",
                "",
                "target",
                if england { "total (basis)" } else { "" }
            )?;
            for r in &rows {
                let mark = if r.allowance_basis == Provenance::Published {
                    ""
                } else {
                    "*"
                };
                let before = r.start_year < model.baseline_year.0;
                let national = match &r.national_total {
                    Some(n) => format!("{} ({})", gbp_m(n.gbp.value), n.gbp.basis.label()),
                    None => String::new(),
                };
                writeln!(
                    out,
                    "{:<8} {:>5} {:>12} {:>12} {:>12} {:>7.1}% {:>10} {:>16}",
                    r.year,
                    r.ccgs,
                    format!("{}{mark}", gbp_m(r.allowance_gbp)),
                    gbp_m(r.structural_saving_gbp),
                    if before {
                        "-".to_string()
                    } else {
                        gbp_m(r.modelled_cost_gbp)
                    },
                    r.saving_share * 100.0,
                    if before {
                        "-".to_string()
                    } else {
                        gbp_m(r.gap_gbp)
                    },
                    national
                )?;
            }
            for r in &reported {
                let f = &r.raw;
                let amount = f
                    .gbp
                    .map(|g| format!("£{}m ", gbp_m(g)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "Reported ({}): {amount}{} for {}, {}. Source {}: {}",
                    f.period,
                    f.metric.replace('_', " "),
                    f.orgs.join(", "),
                    f.note,
                    f.source,
                    r.source_title
                )?;
            }
            if !reported.is_empty() {
                writeln!(
                    out,
                    "The model and a reported figure can differ: see \"Reported figures and the model\" in assets/FORMAT.md."
                )?;
            }
        }
    }
    Ok(())
}

/// `£15.5m`, or `-` for no figure.
fn gbp_or_dash(x: Option<Based>) -> String {
    x.map(|g| format!("£{}m", gbp_m(g.value)))
        .unwrap_or_else(|| "-".to_string())
}

/// The columns of `costs --era icb --format csv`.
const ICB_COSTS_COLUMNS: [&str; 15] = [
    "footprint",
    "financial_year",
    "icbs",
    "allowance_gbp",
    "allowance_basis",
    "allowance_missing",
    "population",
    "population_basis",
    "envelope_gbp",
    "envelope_basis",
    "envelope_comparable_with_allowance",
    "half_of_2024_25_allowance_gbp",
    "half_basis",
    "note",
    "allowance_parts",
];

/// A footprint's running costs in the ICB era by financial year, the rules and what
/// is not known, every figure with its basis. Never mixed with the CCG era's.
pub fn write_icb_costs(
    out: &mut dyn Write,
    tl: &Timeline,
    model: &crate::model::icb_costs::IcbCostModel,
    fp: &crate::model::icb_costs::IcbFootprint,
    format: Format,
) -> Result<()> {
    let rows = model.series(tl, fp);
    let rules = model.rules(&rows);
    let others = model.other_figures(fp);
    let gaps = model.gaps(fp);
    match format {
        Format::Json => {
            let v = json!({
                "era": "icb",
                "footprint": fp.name,
                "describe": fp.describe,
                "scenario": model.scenario,
                "parts": fp.parts,
                "note": "ICB running costs (from July 2022), never mixed with the CCG era's: published (draft) allowances are added up only when every body of the footprint has one; envelope_gbp and half_gbp are modelled; the envelope covers running costs and programme pay, so it is not comparable with the allowance",
                "population_growth_per_year": model.growth,
                "years": rows.iter().map(icb_year_json).collect::<Vec<_>>(),
                "targets": rules.iter().map(|r| json!({
                    "id": r.target.id,
                    "name": r.target.name,
                    "cut": r.target.cut,
                    "gbp_per_head": r.target.gbp_per_head,
                    "scope": r.target.scope,
                    "baseline_year": r.target.baseline_year.map(|y| y.to_string()),
                    "baseline_basis": r.target.baseline_basis.map(Provenance::label),
                    "target_year": r.target.target_year.to_string(),
                    "deadline": r.target.deadline,
                    "basis": r.target.basis.label(),
                    "source": r.target.source,
                    "comparable_with_allowance": r.target.comparable_with_allowance,
                    "caveat": r.target.caveat,
                    "note": r.target.note,
                    "levels": r.levels.iter().map(|(y, g)| json!({
                        "year": crate::model::FinancialYear(*y).to_string(),
                        "gbp": g,
                        "basis": r.level_basis.map(Provenance::label),
                    })).collect::<Vec<_>>(),
                    "no_level": r.no_level,
                })).collect::<Vec<_>>(),
                "figures": others.iter().map(|f| {
                    let mut v = figure_json(f);
                    v["gbp_per_head"] = json!(f.gbp_per_head);
                    v
                }).collect::<Vec<_>>(),
                "not_found": gaps.iter().map(|g| json!({
                    "orgs": g.orgs,
                    "period": g.period,
                    "what": g.what,
                    "status": g.status,
                    "source": g.source,
                    "note": g.note,
                })).collect::<Vec<_>>(),
            });
            write_json(out, &v)?;
        }
        Format::Csv => write_csv(out, ICB_COSTS_COLUMNS, |w| {
            let comparable = model
                .targets
                .iter()
                .find(|t| t.gbp_per_head.is_some())
                .map(|t| t.comparable_with_allowance.to_string())
                .unwrap_or_default();
            let value = |x: Option<Based>| x.map(|g| format!("{:.0}", g.value));
            let basis = |x: Option<Based>| x.map(|g| g.basis.label().to_string());
            for r in &rows {
                w.write_record([
                    fp.name.clone(),
                    r.year.clone(),
                    r.icbs.to_string(),
                    value(r.allowance()).unwrap_or_default(),
                    basis(r.allowance()).unwrap_or_default(),
                    r.missing.join(";"),
                    value(r.population).unwrap_or_default(),
                    basis(r.population).unwrap_or_default(),
                    value(r.envelope).unwrap_or_default(),
                    basis(r.envelope).unwrap_or_default(),
                    if r.envelope.is_some() {
                        comparable.clone()
                    } else {
                        String::new()
                    },
                    value(r.half).unwrap_or_default(),
                    basis(r.half).unwrap_or_default(),
                    r.gap.clone(),
                    // Each body's own figure: code, GBP, the share in the footprint, basis.
                    r.allowance_parts
                        .iter()
                        .map(|p| {
                            format!(
                                "{} {:.0} x{:.4} {}",
                                p.code,
                                p.gbp,
                                p.weight,
                                p.basis.label()
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ])?;
            }
            Ok(())
        })?,
        Format::Text => {
            let title = format!(
                "ICB running costs: {} (from July 2022; the CCG era's are apart: costs --era ccg)",
                fp.name
            );
            write_title(out, model.scenario.as_deref(), &title)?;
            writeln!(out, "Footprint: {}", fp.describe)?;
            for p in fp
                .parts
                .iter()
                .filter(|p| p.weight < 1.0 || fp.parts.len() <= 12)
            {
                let mark = if p.basis.is_published() {
                    String::new()
                } else {
                    format!(" ({APPROX}{})", p.basis.label())
                };
                writeln!(
                    out,
                    "  {} {:.1}%{mark}: {}",
                    s_label(tl, p.icb),
                    p.weight * 100.0,
                    p.why
                )?;
            }
            writeln!(
                out,
                "GBP m. allowance: published (draft) figures added up only when every ICB has one; envelope and 50% level are modelled (*)."
            )?;
            writeln!(
                out,
                "{:<8} {:>5} {:>18} {:>12} {:>14} {:>14}",
                "year", "ICBs", "allowance", "population", "envelope*", "50% level*"
            )?;
            for r in &rows {
                let allowance = match r.allowance() {
                    Some(a) => format!("{} ({})", gbp_m(a.value), a.basis.label()),
                    None => "-".to_string(),
                };
                writeln!(
                    out,
                    "{:<8} {:>5} {:>18} {:>12} {:>14} {:>14}",
                    r.year,
                    r.icbs,
                    allowance,
                    r.population
                        .map(|p| thousands(p.value.round() as u64))
                        .unwrap_or_else(|| "-".to_string()),
                    gbp_or_dash(r.envelope),
                    gbp_or_dash(r.half),
                )?;
                for p in &r.allowance_parts {
                    writeln!(
                        out,
                        "           {} £{}m{} ({}; {}){}",
                        p.code,
                        gbp_m(p.gbp),
                        if p.weight < 1.0 {
                            format!(" × {:.1}%", p.weight * 100.0)
                        } else {
                            String::new()
                        },
                        p.basis.label(),
                        p.source,
                        if p.note.starts_with("draft") {
                            " draft"
                        } else {
                            ""
                        }
                    )?;
                }
                if !r.missing.is_empty() && !r.allowance_parts.is_empty() {
                    writeln!(out, "           no figure for {}", r.missing.join(", "))?;
                }
                if !r.gap.is_empty() && r.allowance_parts.is_empty() {
                    writeln!(out, "           {}", r.gap)?;
                }
            }
            writeln!(out, "Rules:")?;
            for r in &rules {
                let t = &r.target;
                writeln!(
                    out,
                    "  {} ({}; source {}): {}; baseline {}{}; {}.",
                    t.name,
                    t.basis.label(),
                    t.source,
                    t.scope,
                    t.baseline_year
                        .map(|y| y.to_string())
                        .unwrap_or_else(|| "none".to_string()),
                    match t.baseline_basis {
                        Some(b) if !b.is_published() => format!(" ({APPROX}{})", b.label()),
                        _ => String::new(),
                    },
                    t.deadline
                )?;
                if r.levels.is_empty() {
                    writeln!(out, "    {}", r.no_level)?;
                }
                if !t.caveat.is_empty() {
                    writeln!(out, "    Caveat: {}", t.caveat)?;
                }
            }
            for f in &others {
                let amount = match (f.gbp, f.gbp_per_head) {
                    (Some(g), _) => format!("£{}m ", gbp_m(g)),
                    (_, Some(h)) => format!("£{h:.2} a head "),
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "{} ({}): {amount}{} for {}; {}. Source {}",
                    capitalise_first(f.basis.label()),
                    f.period,
                    f.metric,
                    if f.orgs.is_empty() {
                        "England".to_string()
                    } else {
                        f.orgs.join(", ")
                    },
                    f.note,
                    f.source
                )?;
            }
            for g in &gaps {
                writeln!(
                    out,
                    "Not in the record ({}): {}, {}{}",
                    g.period,
                    g.what,
                    g.status,
                    if g.source.is_empty() {
                        String::new()
                    } else {
                        format!(" (source {})", g.source)
                    }
                )?;
            }
        }
    }
    Ok(())
}

fn s_label(tl: &Timeline, id: OrgId) -> String {
    tl.snapshot().org(id).label()
}

fn capitalise_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
