//! Criterion benchmarks for the model layer at England scale:
//! parse + validate + index of the embedded snapshot, and `state_at` on random dates.
//!
//! Run with `cargo bench --bench engine`.

mod common;

use std::hint::black_box;

use common::{random_days, round_robin};
use criterion::{Criterion, criterion_group, criterion_main};

use ccg_explorer::model::{Date, Timeline, load_str};

fn load(c: &mut Criterion) {
    let text = ccg_explorer::ENGLAND_RON;
    c.bench_function("england/parse+validate+index", |b| {
        b.iter(|| {
            let loaded = load_str(black_box(text)).expect("valid");
            Timeline::new(loaded.snapshot)
        })
    });
    c.bench_function("england/parse only", |b| {
        b.iter(|| ccg_explorer::model::load::parse_str(black_box(text)).expect("valid"))
    });
}

fn queries(c: &mut Criterion) {
    let tl = Timeline::new(load_str(ccg_explorer::ENGLAND_RON).expect("valid").snapshot);
    let days = random_days(256);
    c.bench_function("england/state_at (random dates)", |b| {
        round_robin(b, &days, |d| tl.state_at(*d).counts())
    });
    c.bench_function("england/state_at + tree (random dates)", |b| {
        round_robin(b, &days, |d| tl.state_at(*d).tree())
    });
    c.bench_function("england/counts_at (random dates)", |b| {
        round_robin(b, &days, |d| tl.counts_at(*d))
    });
    let s = tl.snapshot();
    let ids: Vec<_> = s.find_any("99Q");
    c.bench_function("england/lineage 99Q", |b| {
        b.iter(|| black_box(tl.lineage(ids[0])))
    });
}

fn costs(c: &mut Criterion) {
    use ccg_explorer::model::costs::CostModel;
    let tl = Timeline::new(load_str(ccg_explorer::ENGLAND_RON).expect("valid").snapshot);
    c.bench_function("england/cost model build", |b| {
        b.iter(|| black_box(CostModel::new(&tl)))
    });
    let model = CostModel::new(&tl);
    let day = Date::from_ymd_opt(2020, 10, 1).unwrap_or(Date::MIN);
    c.bench_function(
        "england/costs: savings for all 42 systems at 2020/21",
        |b| b.iter(|| black_box(model.savings_by_system(&tl, black_box(day)))),
    );
    c.bench_function("england/costs: England series, 9 years", |b| {
        b.iter(|| black_box(model.series(&model.england())))
    });
}

fn map(c: &mut Criterion) {
    use ccg_explorer::geo::{Geography, frame::map_frame};
    let tl = Timeline::new(load_str(ccg_explorer::ENGLAND_RON).expect("valid").snapshot);
    c.bench_function("england/map geography: read + triangulate", |b| {
        b.iter(|| black_box(Geography::england().expect("valid")))
    });
    let geo = Geography::england().expect("valid");
    let days = random_days(256);
    c.bench_function(
        "england/map frame: holders of every area (random dates)",
        |b| round_robin(b, &days, |d| map_frame(&tl, &geo, *d).map(|f| f.orgs.len())),
    );
}

criterion_group!(benches, load, queries, costs, map);
criterion_main!(benches);
