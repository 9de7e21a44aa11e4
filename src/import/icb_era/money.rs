//! ICB running costs, allocations and gaps.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, anyhow, bail, ensure};

use crate::import::{Row, get, read_csv};
use crate::model::format::{RawFigure, RawGap, RawIcbMoney, RawIcbTarget};
use crate::model::{FinancialYear, Provenance};

use super::*;

/// A number from the `value` column, if it is one.
pub(super) fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

/// ICB running costs: the published (draft) 2024/25 allowances and other figures with
/// their bases, the three rules, and what was looked for and not found.
pub(super) fn money(era: &Path, icbs: &[Row]) -> Result<RawIcbMoney> {
    let rows: Vec<Row> = read_csv(era, "running_costs_icb.csv")?;
    let row = |id: &str| -> Result<&Row> {
        rows.iter()
            .find(|r| get(r, "row_id") == id)
            .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv: no row {id}"))
    };
    let mut money = RawIcbMoney::default();
    let mut with_rows: BTreeSet<String> = BTreeSet::new();
    for r in &rows {
        let id = get(r, "row_id");
        let status = get(r, "status");
        let scope = get(r, "scope");
        if scope == "rule" {
            continue;
        }
        let orgs: Vec<String> = list(get(r, "icb_ods_code")).map(String::from).collect();
        let period = get(r, "financial_year").to_string();
        let year: Option<FinancialYear> = period.parse().ok();
        let metric_text = get(r, "metric");
        let value = get(r, "value");
        let unit = get(r, "unit");
        let source = keys(get(r, "source_ids"));
        if matches!(status, "published, not read" | "not found") {
            money.gaps.push(RawGap {
                orgs,
                year,
                period,
                what: format!("{metric_text} ({})", get(r, "icb_name")).replace(" ()", ""),
                status: status.to_string(),
                source,
                note: format!("{} ({id})", get(r, "notes")),
            });
            continue;
        }
        let basis = match status {
            "published (draft)" => Provenance::Published,
            s if s.starts_with("reported") => Provenance::Reported,
            s if s.starts_with("derived") => Provenance::Derived,
            other => bail!("icb_era/running_costs_icb.csv {id}: unknown status '{other}'"),
        };
        let rca = metric_text.starts_with("RCA (draft");
        let metric = if rca {
            "rca".to_string()
        } else if id == "RC08" {
            "rca_national_total".to_string()
        } else {
            metric_text.to_string()
        };
        let amount = number(value);
        let per_head = unit.contains("per head") || unit.contains("per weighted head");
        let mut orgs = orgs;
        if id == "RC39" {
            // The ICBs whose rows of the table were not read: all but those given.
            orgs = icbs
                .iter()
                .filter(|i| get(i, "start_date") == "2022-07-01")
                .map(|i| get(i, "ods_code").to_string())
                .filter(|c| !with_rows.contains(c))
                .collect();
            ensure!(
                orgs.len() == 12,
                "RC39: {} ICBs without a row, not 12",
                orgs.len()
            );
            money.gaps.push(RawGap {
                orgs: orgs.clone(),
                year,
                period: period.clone(),
                what: "the allowance of each of these ICBs (their rows of the CQC table were not readable)".to_string(),
                status: "not read".to_string(),
                source: source.clone(),
                note: "only their total is known, derived (RC39)".to_string(),
            });
        }
        if rca {
            with_rows.extend(orgs.iter().cloned());
        }
        let mut note = get(r, "notes").to_string();
        if status == "published (draft)" {
            note = format!("draft: {note}");
        }
        if amount.is_none() {
            note = format!("value as given: {value} {unit}; {note}");
        }
        money.figures.push(RawFigure {
            orgs,
            year,
            period,
            metric,
            gbp: amount.filter(|_| !per_head),
            gbp_per_head: amount.filter(|_| per_head),
            basis,
            source,
            note: format!("{note} ({id}; {status})"),
        });
    }
    // The rules.
    let fraction = |id: &str| -> Result<f64> {
        number(get(row(id)?, "value"))
            .map(|v| v / 100.0)
            .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv {id}: not a percentage"))
    };
    let fy = |s: &str| -> Result<FinancialYear> {
        s.parse()
            .map_err(|e: String| anyhow!("icb_era/running_costs_icb.csv: {e}"))
    };
    let last_year = |id: &str| -> Result<FinancialYear> {
        let p = get(row(id)?, "financial_year");
        fy(p.rsplit('-').next().unwrap_or(p))
    };
    let r03 = row("RC03")?;
    let baseline = get(row("RC06")?, "value");
    money.targets.push(RawIcbTarget {
        id: "ICB_30".to_string(),
        name: format!("{:.0}% real-terms cut in the running cost allowance", fraction("RC03")? * 100.0),
        cut: Some(fraction("RC03")?),
        gbp_per_head: None,
        scope: "each ICB's running cost allowance (RCA), a population-based allowance for management and administration (RC07), measured in real terms: no inflation uplift (RC05)".to_string(),
        baseline_year: Some(fy(baseline.split_whitespace().next().unwrap_or(baseline))?),
        baseline_basis: Some(Provenance::Estimated),
        target_year: last_year("RC03")?,
        deadline: format!(
            "by {}, with at least {:.0}% of it in 2024/25 (RC04)",
            last_year("RC03")?,
            fraction("RC04")? * 100.0
        ),
        basis: Provenance::Reported,
        source: keys("S50;S51;S53"),
        comparable_with_allowance: true,
        caveat: "the letter (2 March 2023) is read only as HSJ quoted it; the baseline year 2023/24 is inferred; no 2023/24 allowance was read, so no level is drawn for this target, and a real-terms cut has no cash level without an inflation figure".to_string(),
        note: format!("{} (RC03 to RC07)", get(r03, "notes")),
    });
    let r40 = row("RC40")?;
    money.targets.push(RawIcbTarget {
        id: "ICB_50".to_string(),
        name: format!("{:.0}% cut in ICB running costs", fraction("RC40")? * 100.0),
        cut: Some(fraction("RC40")?),
        gbp_per_head: None,
        scope: "ICB running costs; ministers' answers say \"a 50% cost reduction in their running cost allowance\" (RC40)".to_string(),
        baseline_year: Some(FinancialYear(2024)),
        baseline_basis: Some(Provenance::Estimated),
        target_year: fy(get(row("RC41")?, "financial_year"))?,
        deadline: format!("{} (RC41)", get(row("RC41")?, "value")),
        basis: Provenance::Published,
        source: keys(get(r40, "source_ids")),
        comparable_with_allowance: true,
        caveat: "the base is not stated: the 2024/25 allowance or actual 2024/25 spend (running_costs_icb.md, open points); the level drawn, half the 2024/25 allowance, is modelled on the first reading".to_string(),
        note: format!(
            "{} (RC40); earlier: {} (RC42)",
            get(r40, "notes"),
            get(row("RC42")?, "notes")
        ),
    });
    let r43 = row("RC43")?;
    money.targets.push(RawIcbTarget {
        id: "ICB_ENVELOPE".to_string(),
        name: format!(
            "£{} per head running-cost envelope (Model ICB Blueprint v1.0, draft)",
            get(r43, "value")
        ),
        cut: None,
        gbp_per_head: Some(
            number(get(r43, "value"))
                .ok_or_else(|| anyhow!("icb_era/running_costs_icb.csv RC43: not a number"))?,
        ),
        scope: "all ICB running costs and programme pay; excludes pharmacy, optometry and dental (POD) and delegated specialised commissioning; held at regional aggregate, with some variation between ICBs (RC43)".to_string(),
        baseline_year: None,
        baseline_basis: None,
        target_year: FinancialYear(2025),
        deadline: "by the end of Q3 2025/26, and recurrently into 2026/27 (RC43)".to_string(),
        basis: Provenance::Reported,
        source: keys(get(r43, "source_ids")),
        comparable_with_allowance: false,
        caveat: "The £18.76 envelope covers running costs and programme pay, so it is not comparable with the running cost allowance: do not read the allowance against it. Whether it is per head or per weighted head of population is not known (the draft says per head; local papers say weighted).".to_string(),
        note: format!("{} (RC43)", get(r43, "notes")),
    });
    Ok(money)
}
