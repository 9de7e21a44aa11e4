//! Headless frames of the window (egui layout and tessellation, no GPU), as the frame
//! and scale benchmarks draw them, and the loops that time them.

use std::hint::black_box;

use ccg_explorer::app::{App, command as cmd};
use criterion::Bencher;

use super::first_day;

/// One frame's input: a 1920×1080 window at `time`, the pointer moved to `pointer`.
pub fn raw_input(time: f64, pointer: Option<egui::Pos2>) -> egui::RawInput {
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

/// Draws one frame at `time`; returns how many clipped primitives it tessellated to.
pub fn frame(ctx: &egui::Context, app: &mut App, time: f64) -> usize {
    frame_at(ctx, app, time, None)
}

/// [`frame`] with the pointer at `pointer`.
pub fn frame_at(
    ctx: &egui::Context,
    app: &mut App,
    time: f64,
    pointer: Option<egui::Pos2>,
) -> usize {
    let out = ctx.run_ui(raw_input(time, pointer), |ui| app.show(ui));
    ctx.tessellate(out.shapes, out.pixels_per_point).len()
}

/// Times a frame an iteration, the clock `t` moving on 1/60 s each.
pub fn bench_frames(b: &mut Bencher<'_>, ctx: &egui::Context, app: &mut App, t: &mut f64) {
    b.iter(|| {
        *t += 1.0 / 60.0;
        black_box(frame(ctx, app, *t))
    });
}

/// Times a frame an iteration with the pointer moving down 7 points each, from
/// `from` and back to it every `span` points: hit-testing and hovering every frame.
pub fn bench_pointer_moving(
    b: &mut Bencher<'_>,
    ctx: &egui::Context,
    app: &mut App,
    t: &mut f64,
    from: egui::Pos2,
    span: f32,
) {
    let mut y = 0.0f32;
    b.iter(|| {
        *t += 1.0 / 60.0;
        y = (y + 7.0) % span;
        black_box(frame_at(ctx, app, *t, Some(from + egui::vec2(0.0, y))))
    });
}

/// Times a frame an iteration on a new date each, 17 days on (round the record's
/// 3,380 days from [`first_day`]): scrubbing, so the views of the date are rebuilt.
pub fn bench_scrubbing(b: &mut Bencher<'_>, ctx: &egui::Context, app: &mut App, t: &mut f64) {
    let mut day = 0i64;
    b.iter(|| {
        day = (day + 17) % 3_380;
        app.push(cmd::Time::SetDate(
            first_day() + chrono::Duration::days(day),
        ));
        *t += 1.0 / 60.0;
        black_box(frame(ctx, app, *t))
    });
}
