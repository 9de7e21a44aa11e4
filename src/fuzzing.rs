//! The bodies of the fuzz targets (`fuzz/`), kept in the library so that the inputs
//! the fuzzer found are replayed by `tests/fuzz_regressions.rs` on every CI run.
//!
//! Each takes arbitrary bytes and must return without panicking, whatever they are.

use std::sync::OnceLock;

use crate::model::format::RawSnapshot;
use crate::model::{Date, Timeline};

/// Loads bytes as a snapshot; when they load, drives the engine over them: states on
/// several days, the tree, lineages, the cost model, the merger flow and a comparison.
pub fn snapshot(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((_, loaded)) = crate::model::load::load_raw(text) else {
        return;
    };
    exercise(&Timeline::new(loaded.snapshot));
}

/// Parses bytes as a scenario; when they parse, applies it to the England record and
/// drives the engine over the result.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = crate::model::scenario::parse_scenario(text) else {
        return;
    };
    let _ = scenario.to_ron();
    let Some(raw) = england() else {
        return;
    };
    if let Ok((_, loaded)) = crate::model::scenario::apply(raw, &scenario) {
        exercise(&Timeline::new(loaded.snapshot));
    }
}

fn england() -> Option<&'static RawSnapshot> {
    static RAW: OnceLock<Option<RawSnapshot>> = OnceLock::new();
    RAW.get_or_init(|| crate::model::load::parse_str(crate::ENGLAND_RON).ok())
        .as_ref()
}

fn exercise(tl: &Timeline) {
    let s = tl.snapshot();
    let (first, last) = s.span();
    let mid = first + (last - first) / 2;
    for day in [first, mid, last, Date::MIN, Date::MAX] {
        let state = tl.state_at(day);
        let _ = state.tree();
        let _ = tl.counts_at(day);
    }
    for i in 0..s.orgs.len().min(50) {
        let _ = tl.lineage(crate::model::OrgId(i as u32));
    }
    let costs = crate::model::costs::CostModel::new(tl);
    let _ = costs.series(&costs.england());
    let _ = crate::model::flow::Flow::build(tl);
    let _ = crate::model::compare::compare(tl, first, last);
    let mut open = crate::view::Expansion::default();
    open.set_all(true);
    for grouping in [
        crate::view::Grouping::SystemPlace,
        crate::view::Grouping::SystemCcg,
    ] {
        let _ = crate::view::tree_rows(tl, mid, grouping, &open);
    }
}
