//! Criterion benchmark: one full headless frame of the window at England scale
//! (egui layout and tessellation, no GPU), with the tree fully expanded.
//!
//! Run with `cargo bench --bench frame`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use ccg_explorer::app::{App, AppOptions, CentralTab, UiState, command as cmd};
use ccg_explorer::model::Date;

fn raw_input(time: f64, pointer: Option<egui::Pos2>) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        time: Some(time),
        events: pointer
            .map(|p| vec![egui::Event::PointerMoved(p)])
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut App, time: f64) -> usize {
    frame_at(ctx, app, time, None)
}

fn frame_at(ctx: &egui::Context, app: &mut App, time: f64, pointer: Option<egui::Pos2>) -> usize {
    let out = ctx.run_ui(raw_input(time, pointer), |ui| app.show(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    prims.len()
}

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
        b.iter(|| {
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });

    // Scrubbing: a new date every frame, so the tree and details are rebuilt.
    let (ctx, mut app) = setup(Some("15N"));
    let first = Date::from_ymd_opt(2013, 4, 1).unwrap_or(Date::MIN);
    let mut day = 0i64;
    c.bench_function("frame/england, tree expanded, new date every frame", |b| {
        b.iter(|| {
            day = (day + 17) % 3_380;
            app.push(cmd::Time::SetDate(first + chrono::Duration::days(day)));
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });
}

fn flow_frames(c: &mut Criterion) {
    // The merger flow of all England: 1,600 nodes, 1,600 bands, labels.
    let (ctx, mut app) = setup_view(Some("15N"), Some(CentralTab::Flow));
    let mut t = 1.0;
    c.bench_function("frame/england, merger flow", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });
    // The pointer moving over the flow: hit-testing and a lineage lit every frame.
    let (ctx, mut app) = setup_view(None, Some(CentralTab::Flow));
    let mut y = 0.0f32;
    c.bench_function("frame/england, merger flow, pointer moving", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            y = (y + 7.0) % 700.0;
            let p = egui::pos2(700.0, 200.0 + y);
            black_box(frame_at(&ctx, &mut app, t, Some(p)))
        })
    });
    // The comparison view of two dates.
    let (ctx, mut app) = setup_view(None, Some(CentralTab::Compare));
    c.bench_function("frame/england, compare dates", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
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
        b.iter(|| {
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });
    // The pointer moving over the map: hit-testing, the hovered area outlined, its
    // hover text.
    let mut y = 0.0f32;
    c.bench_function("frame/england, map, pointer moving", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            y = (y + 7.0) % 500.0;
            let p = egui::pos2(900.0, 250.0 + y);
            black_box(frame_at(&ctx, &mut app, t, Some(p)))
        })
    });
    // Scrubbing through the eras: a new date every frame (a new frame of holders, and
    // the merger transition when an era changes).
    let first = Date::from_ymd_opt(2013, 4, 1).unwrap_or(Date::MIN);
    let mut day = 0i64;
    c.bench_function("frame/england, map, new date every frame", |b| {
        b.iter(|| {
            day = (day + 17) % 3_380;
            app.push(cmd::Time::SetDate(first + chrono::Duration::days(day)));
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });
}

criterion_group!(benches, frames, flow_frames, map_frames);
criterion_main!(benches);
