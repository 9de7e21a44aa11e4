//! ICB-era money rules: running costs, allocations and gaps.

use rustc_hash::FxHashSet;

use crate::model::OrgKind;
use crate::model::format::RawSnapshot;
use crate::model::locate::{Locator, Pos};
use crate::model::snapshot::find_code;

use super::checker::*;
use super::money::*;

/// ICB running costs: amounts that can be used, years in range, codes that are ICBs,
/// rules that make sense, sources known.
pub(super) fn check_icb_money(
    ck: &mut Checker,
    raw: &RawSnapshot,
    locator: &Locator,
    by_code: &ByCode,
) {
    let money = &raw.icb_money;
    let at = |path: &str, i: usize| {
        locator
            .item(&format!("icb_money.{path}"), i)
            .or_else(|| locator.field("icb_money"))
    };
    let icb = |ck: &mut Checker, pos: Option<Pos>, code: &str, section: &str| {
        if find_code(by_code, OrgKind::Icb, code.trim()).is_none() {
            ck.error(
                pos,
                code,
                format!(
                    "`icb_money.{section}` refers to ICB `{}`, which is not in `icbs`",
                    show_code(code)
                ),
                "add the ICB, or correct the code (codes in icb_money are ICB codes)",
            );
        }
    };
    for (i, f) in money.figures.iter().enumerate() {
        let pos = at("figures", i);
        check_figure(
            ck,
            pos,
            f,
            "the ICB",
            "England",
            "icb_money.figures",
            |ck, c| icb(ck, pos, c, "figures"),
        );
    }
    let mut ids = FxHashSet::default();
    for (i, t) in money.targets.iter().enumerate() {
        let pos = at("targets", i);
        ck.check_unique_id(
            &mut ids,
            pos,
            &t.id,
            "the ICB target",
            "give every target its own id",
        );
        // An error about this target: `the ICB target {id}{rest}`.
        let wrong = |ck: &mut Checker, rest: String, hint: &str| {
            ck.error(pos, &t.id, format!("the ICB target {}{rest}", t.id), hint);
        };
        if t.cut.is_none() && t.gbp_per_head.is_none() {
            wrong(
                ck,
                " has neither a `cut` nor a `gbp_per_head`".to_string(),
                "a target is a cut from a baseline (`cut: 0.3`) or an envelope per head (`gbp_per_head: 18.76`)",
            );
        }
        if let Some(c) = t.cut
            && !(c > 0.0 && c < 1.0)
        {
            wrong(
                ck,
                format!(" cuts {}, outside 0 to 1", show_number(c)),
                "write 30% as 0.3",
            );
        }
        if let Some(v) = t.gbp_per_head
            && let Some(why) = bad_money(v)
        {
            wrong(
                ck,
                format!(" is {} GBP per head, which is {why}", show_number(v)),
                MONEY_HINT,
            );
        }
        check_money_year(ck, pos, "icb_money.targets", t.target_year);
        if let Some(b) = t.baseline_year {
            check_money_year(ck, pos, "icb_money.targets", b);
            if t.target_year <= b {
                wrong(
                    ck,
                    format!(
                        "'s year {} is not after its baseline year {b}",
                        t.target_year
                    ),
                    "the target year comes after the baseline",
                );
            }
        }
        if t.cut.is_some() && t.baseline_year.is_none() {
            wrong(
                ck,
                " is a cut with no `baseline_year`".to_string(),
                "give the year the cut is measured from (with `baseline_basis: Estimated` if it is inferred)",
            );
        }
        ck.check_source(pos, &t.id, &t.source);
    }
    for (i, g) in money.gaps.iter().enumerate() {
        let pos = at("gaps", i);
        if let Some(y) = g.year {
            check_money_year(ck, pos, "icb_money.gaps", y);
        }
        for c in &g.orgs {
            icb(ck, pos, c, "gaps");
        }
        if !g.source.is_empty() {
            ck.check_source(pos, "", &g.source);
        }
    }
}
