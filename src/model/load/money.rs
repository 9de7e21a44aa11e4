//! Money rules: amounts, years, the baseline and the cost parameters.

use std::collections::HashMap;

use crate::model::format::{RawFigure, RawSnapshot};
use crate::model::locate::{Locator, Pos};
use crate::model::snapshot::Org;
use crate::model::{FOREVER, FinancialYear, OrgKind};

use super::checker::*;
use super::orgs::*;

/// Money amounts above this are typing mistakes (England's whole NHS budget is far
/// smaller), and sums of them would overflow to infinity.
pub const MAX_GBP: f64 = 1e13;

pub(super) const MONEY_HINT: &str =
    "money amounts are zero or more, written as plain numbers of pounds such as 4300000.0";

/// Why a money amount cannot be used, if it cannot.
pub(super) fn bad_money(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("not a number")
    } else if v.is_infinite() {
        Some("infinite")
    } else if v < 0.0 {
        Some("negative")
    } else if v > MAX_GBP {
        Some("more than 10 trillion pounds (is an exponent or a digit too many?)")
    } else {
        None
    }
}

/// A financial year no snapshot means (0001/02, 9999/00).
pub(super) fn check_money_year(ck: &mut Checker, at: Option<Pos>, what: &str, year: FinancialYear) {
    if !SANE_YEARS.contains(&year.0) {
        ck.error(
            at,
            "",
            format!(
                "{what} has the financial year {:04}/{:02}, outside the years 1900 to 2200",
                year.0,
                (year.0 + 1).rem_euclid(100)
            ),
            "check the year; financial years are written like 2019/20",
        );
    }
}

/// The target's baseline must be a year the snapshot's CCGs cover: the baseline is
/// what they were allowed then.
/// A published figure: amounts that can be used, a year in range, its organisations
/// (each checked by `org`), its sources. Messages read `{the} {metric} figure for
/// {orgs, or nobody} …`; `section` names the list for years out of range.
pub(super) fn check_figure(
    ck: &mut Checker,
    at: Option<Pos>,
    f: &RawFigure,
    the: &str,
    nobody: &str,
    section: &str,
    mut org: impl FnMut(&mut Checker, &str),
) {
    let who = f.orgs.join(";");
    for v in [f.gbp, f.gbp_per_head].into_iter().flatten() {
        if let Some(why) = bad_money(v) {
            ck.error(
                at,
                &who,
                format!(
                    "{the} {} figure for {} ({}) is {} GBP, which is {why}",
                    f.metric,
                    if who.is_empty() { nobody } else { &who },
                    f.period,
                    show_number(v)
                ),
                MONEY_HINT,
            );
        }
    }
    if let Some(y) = f.year {
        check_money_year(ck, at, section, y);
    }
    for c in &f.orgs {
        org(ck, c);
    }
    ck.check_source(at, &who, &f.source);
}

pub(super) fn check_baseline_in_data(
    ck: &mut Checker,
    at: Option<Pos>,
    orgs: &[Org],
    year: FinancialYear,
) {
    let ccgs: Vec<&Org> = orgs.iter().filter(|o| o.kind == OrgKind::Ccg).collect();
    if ccgs.is_empty() || !SANE_YEARS.contains(&year.0) {
        return;
    }
    let Some(day) = year.start() else { return };
    if ccgs.iter().any(|o| o.alive_on(day)) {
        return;
    }
    let first = ccgs
        .iter()
        .map(|o| o.from)
        .min()
        .map(FinancialYear::containing);
    let last = ccgs
        .iter()
        .map(|o| o.to)
        .filter(|d| *d != FOREVER)
        .max()
        .map(FinancialYear::containing);
    let covered = match (first, last) {
        (Some(a), Some(b)) if ccgs.iter().all(|o| o.to != FOREVER) => format!("{a} to {b}"),
        (Some(a), _) => format!("{a} on"),
        _ => "none".to_string(),
    };
    ck.error(
        at,
        "",
        format!(
            "the target's baseline year {year} is outside the data: no CCG exists on 1 April {}, so there is no allowance to cut from",
            year.0
        ),
        &format!("choose a baseline year the snapshot's CCGs cover ({covered})"),
    );
}

/// The cost model's parameters: name, lowest and highest value, how to write one.
pub const PARAMETERS: [(&str, f64, f64, &str); 7] = [
    (
        "fixed_cost_per_body_gbp",
        0.0,
        MAX_GBP,
        "pounds a year, such as 1000000.0",
    ),
    (
        "shared_management_fixed_saving",
        0.0,
        1.0,
        "a fraction, such as 0.6",
    ),
    (
        "merger_back_office_saving",
        0.0,
        1.0,
        "a fraction, such as 0.05",
    ),
    ("merger_realisation", 0.0, 1.0, "a fraction, such as 0.75"),
    (
        "population_growth_per_year",
        -0.5,
        0.5,
        "a fraction a year, such as 0.007",
    ),
    (
        "allowance_cut_phase_2019_20",
        0.0,
        1.0,
        "a fraction, such as 0.55",
    ),
    (
        "calibration_year",
        1900.0,
        2200.0,
        "a whole year, such as 2013",
    ),
];

/// Every parameter known, once, in range; a misspelt name is named with the nearest
/// known one.
pub(super) fn check_parameters(
    ck: &mut Checker,
    list: &[crate::model::format::RawParameter],
    at: &dyn Fn(usize) -> Option<Pos>,
) {
    let mut seen: HashMap<&str, Option<Pos>> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        let pos = at(i);
        let name = p.name.as_str();
        let Some(&(_, lo, hi, how)) = PARAMETERS.iter().find(|(n, ..)| *n == name) else {
            let near = PARAMETERS
                .iter()
                .map(|(n, ..)| (strsim::normalized_damerau_levenshtein(name, n), *n))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score >= 0.5)
                .map(|(_, n)| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            ck.error(
                pos,
                "",
                format!(
                    "money.parameters names an unknown parameter `{}`{near}; the cost model would ignore it",
                    crate::model::text::escape(name)
                ),
                &format!(
                    "use one of: {}",
                    PARAMETERS.map(|(n, ..)| n).join(", ")
                ),
            );
            continue;
        };
        if let Some(first) = seen.insert(name, pos) {
            let also = first
                .map(|p| format!(" (first at {p})"))
                .unwrap_or_default();
            ck.error(
                pos,
                "",
                format!(
                    "the parameter `{name}` is given twice{also}; the cost model would use only one"
                ),
                "keep one entry per parameter",
            );
        }
        let v = p.value;
        let whole = name != "calibration_year" || v.fract() == 0.0;
        if !(v.is_finite() && (lo..=hi).contains(&v) && whole) {
            ck.error(
                pos,
                "",
                format!(
                    "the parameter `{name}` is {}, outside {} to {}",
                    show_number(v),
                    show_number(lo),
                    show_number(hi)
                ),
                &format!("write {how}"),
            );
        }
    }
}

/// The money section: amounts, years, the target, the parameters and the figures.
pub(super) fn check_money(
    ck: &mut Checker,
    raw: &RawSnapshot,
    locator: &Locator,
    orgs: &[Org],
    by_code: &ByCode,
) {
    let money = &raw.money;
    let money_at = |path: &str, index: Option<usize>| {
        let path = format!("money.{path}");
        match index {
            Some(i) => locator.item(&path, i),
            None => locator.field(&path),
        }
        .or_else(|| locator.field("money"))
    };
    for (section, list) in [
        ("allowance_per_head", &money.allowance_per_head),
        ("national_totals", &money.national_totals),
    ] {
        for (i, a) in list.iter().enumerate() {
            let at = money_at(section, Some(i));
            if let Some(why) = bad_money(a.gbp) {
                ck.error(
                    at,
                    "",
                    format!(
                        "money.{section} for {} is {} GBP, which is {why}",
                        a.year,
                        show_number(a.gbp)
                    ),
                    MONEY_HINT,
                );
            }
            check_money_year(ck, at, &format!("money.{section}"), a.year);
            ck.check_source(at, "", &a.source);
        }
    }
    if let Some(t) = &money.target {
        let at = money_at("target", None);
        if !(t.cut > 0.0 && t.cut < 1.0) {
            ck.error(
                at,
                "",
                format!("the target cut is {}, outside 0 to 1", t.cut),
                "write 20% as 0.2",
            );
        }
        if t.target_year <= t.baseline_year {
            ck.error(
                at,
                "",
                format!(
                    "the target year {} is not after the baseline year {}",
                    t.target_year, t.baseline_year
                ),
                "the target year comes after the baseline",
            );
        }
        check_money_year(ck, at, "the target's baseline_year", t.baseline_year);
        check_money_year(ck, at, "the target's target_year", t.target_year);
        check_baseline_in_data(ck, at, orgs, t.baseline_year);
        ck.check_source(at, "", &t.source);
    }
    check_parameters(ck, &money.parameters, &|i| money_at("parameters", Some(i)));
    for (i, f) in money.figures.iter().enumerate() {
        let at = money_at("figures", Some(i));
        check_figure(
            ck,
            at,
            f,
            "the",
            "an illustrative CCG",
            "money.figures",
            |ck, c| {
                resolve(ck, by_code, at, OrgKind::Ccg, c, "money.figures");
            },
        );
    }
}
