//! Criterion benchmark: one full headless frame of the window at England scale
//! (egui layout and tessellation, no GPU), with the tree fully expanded.
//!
//! Run with `cargo bench --bench frame`.

mod common;

use common::window::{bench_frames, bench_pointer_moving, bench_scrubbing, frame};
use criterion::{Criterion, criterion_group, criterion_main};

use ccg_explorer::app::{App, AppOptions, CentralTab, UiState, command as cmd};

fn setup(select: Option<&str>) -> (egui::Context, App) {
    setup_view(select, None)
}

fn setup_view(select: Option<&str>, view: Option<CentralTab>) -> (egui::Context, App) {
    let ctx = egui::Context::default();
    let options = AppOptions {
        fresh: true,
        select: select.map(str::to_string),
        view,
        ..Default::default()
    };
    let mut app = App::with_state(&ctx, options, UiState::default());
    app.push(cmd::Tree::ExpandAll);
    // Warm up: fonts, caches, layout.
    for i in 0..5 {
        frame(&ctx, &mut app, i as f64 / 60.0);
    }
    (ctx, app)
}

fn frames(c: &mut Criterion) {
    let (ctx, mut app) = setup(Some("15N"));
    let mut t = 1.0;
    c.bench_function("frame/england, tree expanded, same date", |b| {
        bench_frames(b, &ctx, &mut app, &mut t)
    });

    // Scrubbing: a new date every frame, so the tree and details are rebuilt.
    let (ctx, mut app) = setup(Some("15N"));
    c.bench_function("frame/england, tree expanded, new date every frame", |b| {
        bench_scrubbing(b, &ctx, &mut app, &mut t)
    });
}

fn flow_frames(c: &mut Criterion) {
    // The merger flow of all England: 1,600 nodes, 1,600 bands, labels.
    let (ctx, mut app) = setup_view(Some("15N"), Some(CentralTab::Flow));
    let mut t = 1.0;
    c.bench_function("frame/england, merger flow", |b| {
        bench_frames(b, &ctx, &mut app, &mut t)
    });
    // The pointer moving over the flow: hit-testing and a lineage lit every frame.
    let (ctx, mut app) = setup_view(None, Some(CentralTab::Flow));
    c.bench_function("frame/england, merger flow, pointer moving", |b| {
        bench_pointer_moving(b, &ctx, &mut app, &mut t, egui::pos2(700.0, 200.0), 700.0)
    });
    // The comparison view of two dates.
    let (ctx, mut app) = setup_view(None, Some(CentralTab::Compare));
    c.bench_function("frame/england, compare dates", |b| {
        bench_frames(b, &ctx, &mut app, &mut t)
    });
}

fn map_frames(c: &mut Criterion) {
    // The map of England: 191 CCG areas (about 40,000 triangles), their borders, labels.
    let (ctx, mut app) = setup_view(Some("15N"), Some(CentralTab::Map));
    let mut t = 1.0;
    // The geography is read on a worker the first time: wait for it (bounded).
    for _ in 0..2_000 {
        if app.map_drawn() > 0 {
            break;
        }
        std::thread::yield_now();
        t += 1.0 / 60.0;
        frame(&ctx, &mut app, t);
    }
    assert!(app.map_drawn() > 0, "the map never drew");
    c.bench_function("frame/england, map", |b| {
        bench_frames(b, &ctx, &mut app, &mut t)
    });
    // The pointer moving over the map: hit-testing, the hovered area outlined, its
    // hover text.
    c.bench_function("frame/england, map, pointer moving", |b| {
        bench_pointer_moving(b, &ctx, &mut app, &mut t, egui::pos2(900.0, 250.0), 500.0)
    });
    // Scrubbing through the eras: a new date every frame (a new frame of holders, and
    // the merger transition when an era changes).
    c.bench_function("frame/england, map, new date every frame", |b| {
        bench_scrubbing(b, &ctx, &mut app, &mut t)
    });
}

criterion_group!(benches, frames, flow_frames, map_frames);
criterion_main!(benches);
