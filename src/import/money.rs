//! Money: the cost model's parameters, allowances, totals and figures.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::model::format::{RawFigure, RawMoney, RawTarget, RawYearAmount};
use crate::model::{FinancialYear, Provenance};

use super::*;

/// The cost model's parameters: assumptions from RUNNING_COSTS.md section 7, for users
/// to see and change.
pub(super) fn parameters() -> Vec<crate::model::format::RawParameter> {
    use crate::model::format::RawParameter;
    let p = |name: &str, value: f64, note: &str| RawParameter {
        name: name.to_string(),
        value,
        note: note.to_string(),
    };
    vec![
        p(
            "fixed_cost_per_body_gbp",
            1_000_000.0,
            "G: governance and leadership cost of one statutory CCG (own AO and executive team), removed when CCGs merge; RUNNING_COSTS.md 7.2 default (the 2011 DH ready reckoner put corporate base costs near 1.5m)",
        ),
        p(
            "shared_management_fixed_saving",
            0.6,
            "share of G saved while CCGs share an accountable officer or team: G falls from 1.0m to 0.4m (Preston and Chorley anchor, RUNNING_COSTS.md 7.2)",
        ),
        p(
            "merger_back_office_saving",
            0.05,
            "b: back-office economies on the rest of a merging CCG's baseline (range 0.03 to 0.10)",
        ),
        p(
            "merger_realisation",
            0.75,
            "r: share of planned merger and sharing savings actually realised (range 0.5 to 1.0; provider-merger evidence)",
        ),
        p(
            "population_growth_per_year",
            0.007,
            "growth of registered population per year, used to move each population figure to the middle of a financial year (ONS England growth of about 0.6 to 0.8% a year)",
        ),
        p(
            "allowance_cut_phase_2019_20",
            0.55,
            "share of the 2018/19 to 2020/21 allowance cut taken in 2019/20 (RUNNING_COSTS.md 7.2: 55 to 60%)",
        ),
        p(
            "calibration_year",
            2013.0,
            "the financial year (by its first year) whose published national total scales registered lists to the population the allowance was paid on",
        ),
    ]
}

pub(super) fn provenance(s: &str) -> Result<Provenance> {
    Ok(match s {
        "Published" | "SOURCED" => Provenance::Published,
        "Derived" | "DERIVED" => Provenance::Derived,
        "Estimated" => Provenance::Estimated,
        "Modelled" | "ASSUMPTION" => Provenance::Modelled,
        // RUNNING_COSTS.md: "claimed in press reports, but not seen in a primary or
        // secondary source".
        "Reported" | "REPORTED" | "UNVERIFIED" => Provenance::Reported,
        other => bail!("unknown basis '{other}'"),
    })
}

pub(super) fn money(dir: &Path) -> Result<RawMoney> {
    let mut money = RawMoney::default();
    let rows: Vec<Row> = read_csv(dir, "rca_national.csv")?;
    for r in &rows {
        let year: FinancialYear = get(r, "financial_year")
            .parse()
            .map_err(|e: String| anyhow!("rca_national.csv: {e}"))?;
        let note = get(r, "note").to_string();
        money.allowance_per_head.push(RawYearAmount {
            year,
            gbp: parse_f64(get(r, "per_head_gbp"), "rca_national.csv per_head_gbp")?,
            basis: provenance(get(r, "per_head_basis"))?,
            source: get(r, "per_head_source").to_string(),
            note: note.clone(),
        });
        money.national_totals.push(RawYearAmount {
            year,
            gbp: parse_f64(
                get(r, "national_total_gbp"),
                "rca_national.csv national_total_gbp",
            )?,
            basis: provenance(get(r, "total_basis"))?,
            source: get(r, "total_source").to_string(),
            note,
        });
    }
    money.parameters = parameters();
    money.target = Some(RawTarget {
        cut: 0.2,
        baseline_year: FinancialYear(2017),
        target_year: FinancialYear(2020),
        source: "S11; S12".to_string(),
        note: "20% cut in CCG running cost allowances by 2020/21 versus 2017/18 (NHS England letter, Nov 2018)".to_string(),
    });
    let rows: Vec<Row> = read_csv(dir, "running_costs.csv")?;
    for r in &rows {
        let period = get(r, "financial_year").to_string();
        let label = get(r, "label");
        let mut note = get(r, "notes").to_string();
        if matches!(label, "UNVERIFIED" | "REPORTED") {
            note = format!("reported, not checked against a primary source: {note}");
        }
        let who = get(r, "ccg_name");
        if !who.is_empty() {
            note = format!("{who}: {note}");
        }
        money.figures.push(RawFigure {
            orgs: list(get(r, "ods_code")).map(str::to_string).collect(),
            year: period.parse().ok(),
            period,
            metric: get(r, "metric").to_string(),
            gbp: opt(get(r, "value_gbp"))
                .map(|v| parse_f64(&v, "running_costs.csv value_gbp"))
                .transpose()?,
            gbp_per_head: opt(get(r, "per_head_gbp"))
                .map(|v| parse_f64(&v, "running_costs.csv per_head_gbp"))
                .transpose()?,
            basis: provenance(label)?,
            source: get(r, "source_id").to_string(),
            note,
        });
    }
    Ok(money)
}
