//! What the UI tests share: the real window in a harness, waiting on the app with a
//! bound, dropping files on it, English dates, the example files; and in [`bad`], what
//! the tests of bad files share; in [`cli`], running the command line.
#![allow(dead_code)]

pub mod bad;
pub mod cli;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ccg_explorer::app::command::Command;
use ccg_explorer::app::export::ExportKind;
use ccg_explorer::app::{App, AppOptions};
use ccg_explorer::model::{Date, Timeline};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A date written `2020-04-01`.
pub fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// The embedded England record.
pub fn england() -> Timeline {
    Timeline::new(
        ccg_explorer::model::load_str(ccg_explorer::ENGLAND_RON)
            .unwrap()
            .snapshot,
    )
}

/// The codes of the commissioners serving each place of the STP/ICS `system` on `date`,
/// place by place, in the tree's order.
pub fn commissioners_in(tl: &Timeline, system: &str, date: Date) -> Vec<String> {
    let s = tl.snapshot();
    let tree = tl.state_at(date).tree();
    let found = tree
        .systems
        .iter()
        .find(|x| x.system.is_some_and(|id| s.org(id).code == system))
        .unwrap();
    found
        .places
        .iter()
        .flat_map(|p| {
            p.served_by
                .iter()
                .map(|c| s.org(c.commissioner).code.clone())
        })
        .collect()
}

/// A file of the project (`assets/examples/kent-2018.ron`).
pub fn project_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The Kent demo scenario.
pub fn kent() -> PathBuf {
    project_file("assets/examples/kent-2018.ron")
}

/// Pictures are drawn with OpenGL (Mesa's llvmpipe where there is no GPU), whatever
/// the environment says, so that snapshots and exports render the same everywhere.
pub fn gl() -> eframe::egui_wgpu::WgpuSetup {
    let mut setup = egui_kittest::wgpu::default_wgpu_setup();
    if let eframe::egui_wgpu::WgpuSetup::CreateNew(new) = &mut setup {
        new.instance_descriptor.backends = eframe::egui_wgpu::wgpu::Backends::GL;
    }
    setup
}

/// A harness builder that renders with [`gl`].
pub fn builder<S>() -> egui_kittest::HarnessBuilder<S> {
    Harness::<'static, S>::builder().wgpu_setup(gl())
}

/// The real window at `size`, started fresh with `options`, after its first frames;
/// a run steps at most `max_steps` frames.
pub fn harness_steps(size: [f32; 2], max_steps: u64, options: AppOptions) -> Harness<'static, App> {
    let options = AppOptions {
        fresh: true,
        ..options
    };
    let mut h = builder()
        .with_size(size)
        .with_max_steps(max_steps)
        .build_eframe(move |cc| App::new(cc, options));
    h.run();
    h
}

/// The real window at `size`, started fresh with `options`, after its first frames.
pub fn harness_sized(size: [f32; 2], options: AppOptions) -> Harness<'static, App> {
    harness_steps(size, 40, options)
}

/// The real window, 1500x1000 (30 frames a run), autosaving into `autosave`.
pub fn harness_autosave(autosave: &Path) -> Harness<'static, App> {
    let options = AppOptions {
        autosave_dir: Some(autosave.to_path_buf()),
        ..Default::default()
    };
    harness_steps([1500.0, 1000.0], 30, options)
}

/// Options that start the window on `date`.
pub fn on_date(date: &str) -> AppOptions {
    AppOptions {
        date: Some(d(date)),
        ..Default::default()
    }
}

/// The real window, 1500x1000.
pub fn harness_with(options: AppOptions) -> Harness<'static, App> {
    harness_sized([1500.0, 1000.0], options)
}

/// How long a worker (a load, a save, a scenario laid over a large record) may take
/// before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Steps the window until `done` says so (a worker's result has landed), then lets it
/// settle; fails after [`PATIENCE`]. Between frames the thread only yields: the app's
/// own state is the signal, no sleep stands in for it.
pub fn wait_for(h: &mut Harness<'static, App>, done: impl Fn(&App) -> bool) {
    wait_within(h, PATIENCE, done);
    h.run();
}

/// [`wait_for`] with more patience (a synthetic snapshot many times England).
pub fn wait_within(h: &mut Harness<'static, App>, patience: Duration, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed() < patience, "timed out waiting for the app");
        std::thread::yield_now();
        h.step();
    }
}

/// [`wait_for`] a label to show.
pub fn wait_for_label(h: &mut Harness<'static, App>, text: &str) {
    let start = Instant::now();
    while h.query_by_label_contains(text).is_none() {
        assert!(start.elapsed() < PATIENCE, "“{text}” never showed");
        std::thread::yield_now();
        h.step();
    }
    h.run();
}

/// Steps until `done`; `false` (rather than failing) after [`PATIENCE`].
pub fn try_wait_for(h: &mut Harness<'static, App>, done: impl Fn(&App) -> bool) -> bool {
    let start = Instant::now();
    while !done(h.state()) {
        if start.elapsed() > PATIENCE {
            return false;
        }
        std::thread::yield_now();
        h.step();
    }
    h.run();
    true
}

/// Clicks the widget labelled `label` and lets the window settle.
pub fn click<S>(h: &mut Harness<'static, S>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Opens the search box (Ctrl+F) and types `text` into it.
pub fn search<S>(h: &mut Harness<'static, S>, text: &str) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_by_label("Search").type_text(text);
    h.run();
}

/// Types a date into "Go to date" and presses Enter.
pub fn go_to(h: &mut Harness<'static, App>, date: &str) {
    retype(h, "Go to date", date);
    h.key_press(egui::Key::Enter);
    h.run();
}

/// Searches for `text` (Ctrl+F) and chooses the result labelled `label`.
pub fn choose(h: &mut Harness<'static, App>, text: &str, label: &str) {
    search(h, text);
    click(h, label);
}

/// A dropped file, as the windowing layer would report it.
#[derive(Debug)]
pub struct Dropped(pub PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops `path` on the window (taken in at the next frame).
pub fn drop_file(h: &mut Harness<'static, App>, path: PathBuf) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
}

/// Drops `path` on the window and waits until `done` (its load has landed).
pub fn drop_and_wait(h: &mut Harness<'static, App>, path: PathBuf, done: impl Fn(&App) -> bool) {
    drop_file(h, path);
    h.step();
    wait_for(h, done);
}

/// Types into a text box found by its label, replacing what was there.
pub fn retype<S>(h: &mut Harness<'static, S>, label: &str, text: &str) {
    click(h, label);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Dismisses any problems panel, pushes `command` and steps until `done` (a load has
/// landed or been refused); `false` after [`PATIENCE`].
pub fn push_and_wait(
    h: &mut Harness<'static, App>,
    command: impl Into<Command>,
    done: impl Fn(&App) -> bool,
) -> bool {
    h.state_mut()
        .push(ccg_explorer::app::command::File::DismissProblems);
    h.run();
    h.state_mut().push(command);
    h.step();
    try_wait_for(h, done)
}

/// Pushes `command` and lets the window settle.
pub fn push_run(h: &mut Harness<'static, App>, command: impl Into<Command>) {
    h.state_mut().push(command);
    h.step();
    h.run();
}

/// Pushes `command`, then [`wait_for`] `done` (a worker's result has landed).
pub fn push_wait(
    h: &mut Harness<'static, App>,
    command: impl Into<Command>,
    done: impl Fn(&App) -> bool,
) {
    h.state_mut().push(command);
    h.step();
    wait_for(h, done);
}

/// Exports each `(kind, path)` and waits until every file is written.
pub fn export(h: &mut Harness<'static, App>, files: &[(ExportKind, &Path)]) {
    for (kind, path) in files {
        h.state_mut().push(ccg_explorer::app::command::Export::To(
            *kind,
            path.to_path_buf(),
        ));
    }
    wait_for(h, |_| files.iter().all(|(_, path)| path.exists()));
}

/// Exports `kind` to `dir/name` and the whole window to `dir/window.png`; returns the
/// two pictures: (the part, the window).
pub fn export_beside_window(
    h: &mut Harness<'static, App>,
    dir: &Path,
    kind: ExportKind,
    name: &str,
) -> (image::RgbaImage, image::RgbaImage) {
    let part = dir.join(name);
    let window = dir.join("window.png");
    export(h, &[(kind, &part), (ExportKind::Window, &window)]);
    let open = |path: &Path| image::open(path).expect("a PNG").to_rgba8();
    (open(&part), open(&window))
}

/// Fails unless some widget is labelled `label` (one or more: a name may show both as
/// a row and as a link).
pub fn assert_shown<S>(h: &Harness<'static, S>, label: &str) {
    assert!(
        h.query_all_by_label(label).next().is_some(),
        "nothing is labelled “{label}”"
    );
}

/// Fails if any widget is labelled `label`.
pub fn assert_not_shown<S>(h: &Harness<'static, S>, label: &str) {
    assert!(h.query_by_label(label).is_none(), "“{label}” is shown");
}
