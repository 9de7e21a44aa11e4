//! Criterion benchmark: one full headless frame of the window at England scale
//! (egui layout and tessellation, no GPU), with the tree fully expanded.
//!
//! Run with `cargo bench --bench frame`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use ccg_explorer::app::{App, AppOptions, Command, UiState};
use ccg_explorer::model::Date;

fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        time: Some(time),
        ..Default::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut App, time: f64) -> usize {
    let out = ctx.run_ui(raw_input(time), |ui| app.show(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    prims.len()
}

fn setup(select: Option<&str>) -> (egui::Context, App) {
    let ctx = egui::Context::default();
    let options = AppOptions {
        fresh: true,
        select: select.map(str::to_string),
        ..Default::default()
    };
    let mut app = App::with_state(&ctx, options, UiState::default());
    app.push(Command::ExpandAll);
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
            app.push(Command::SetDate(first + chrono::Duration::days(day)));
            t += 1.0 / 60.0;
            black_box(frame(&ctx, &mut app, t))
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);
