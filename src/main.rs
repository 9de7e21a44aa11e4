//! Entry point: parses the command line, then runs a subcommand or opens the window.
//! In the web build (`wasm32`) there is no command line: the window starts on the
//! page's canvas.

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser;

#[cfg(not(target_arch = "wasm32"))]
use ccg_explorer::app::{App, AppOptions};
#[cfg(not(target_arch = "wasm32"))]
use ccg_explorer::cli::{self, Cli};

#[cfg(not(target_arch = "wasm32"))]
/// Wraps an app to report the first frame (time since start, resident memory, and how
/// long its layout and its painting took), then how often the frames after it come
/// when each is drawn as soon as the last is shown, and exit.
struct Probe {
    app: Box<dyn eframe::App>,
    start: std::time::Instant,
    frames: u32,
    /// When the first frame's layout began and ended, since start.
    layout: (std::time::Duration, std::time::Duration),
    /// When each frame after the second began, since start.
    later: Vec<std::time::Duration>,
}

#[cfg(not(target_arch = "wasm32"))]
/// Frames timed after the first: the probe reports the median time between them.
const LATER_FRAMES: usize = 12;

#[cfg(not(target_arch = "wasm32"))]
impl eframe::App for Probe {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.app.clear_color(visuals)
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let began = self.start.elapsed();
        self.app.ui(ui, frame);
        self.frames += 1;
        if self.frames == 1 {
            self.layout = (began, self.start.elapsed());
        }
        // The first frame is laid out and painted once this returns; report on the next.
        if self.frames == 2 {
            let rss_kb = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                })
                .unwrap_or(0);
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            let (laid, out) = self.layout;
            println!(
                "first-frame ms={:.1} rss_mb={:.1} layout_ms={:.1} paint_ms={:.1}",
                ms(began),
                rss_kb as f64 / 1024.0,
                ms(out - laid),
                ms(began - out)
            );
        }
        if self.frames > 2 {
            self.later.push(began);
        }
        if self.later.len() == LATER_FRAMES {
            let mut gaps: Vec<f64> = self
                .later
                .windows(2)
                .map(|w| (w[1] - w[0]).as_secs_f64() * 1000.0)
                .collect();
            gaps.sort_by(f64::total_cmp);
            println!("later-frames frame_ms={:.1}", gaps[gaps.len() / 2]);
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
        ui.ctx().request_repaint();
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// An empty window, built like the app, to compare start-up against: eframe's own, a
/// panel filled over the clear colour.
struct Bare;

#[cfg(not(target_arch = "wasm32"))]
impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| ui.label("bare eframe window"));
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// An empty window that leaves its background to the clear colour, as the app does.
struct BareByClear;

#[cfg(not(target_arch = "wasm32"))]
impl eframe::App for BareByClear {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).fill(egui::Color32::TRANSPARENT))
            .show(ui, |ui| ui.label("bare eframe window"));
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    ccg_explorer::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let start = std::time::Instant::now();
    let cli = Cli::parse();
    if cli.startup_probe {
        if !cli.bare {
            ccg_explorer::app::preload_england();
        }
        let native = eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default().with_inner_size([1440.0, 900.0]),
            persist_window: false,
            ..Default::default()
        };
        let (bare, by_clear) = (cli.bare, cli.background_by_clear);
        let r = eframe::run_native(
            "ccg-explorer-probe",
            native,
            Box::new(move |cc| {
                let probe = |app: Box<dyn eframe::App>| Probe {
                    app,
                    start,
                    frames: 0,
                    layout: Default::default(),
                    later: Vec::new(),
                };
                Ok(Box::new(probe(match (bare, by_clear) {
                    (true, false) => Box::new(Bare),
                    (true, true) => Box::new(BareByClear),
                    (false, _) => {
                        let options = AppOptions {
                            fresh: true,
                            background_by_clear: true,
                            ..Default::default()
                        };
                        Box::new(App::new(cc, options))
                    }
                })))
            }),
        );
        return match r {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ccg-explorer: cannot open the window: {e}");
                ExitCode::from(2)
            }
        };
    }
    if let Err(e) = cli::check_subcommand_options(&cli) {
        eprintln!("ccg-explorer: {e}");
        return ExitCode::from(2);
    }
    if let Some(command) = cli.command {
        let mut out = std::io::stdout().lock();
        return cli::run(command, &mut out);
    }
    if let Err(e) = cli::check_window_options(&cli) {
        eprintln!("ccg-explorer: {e}");
        return ExitCode::from(2);
    }
    let options = AppOptions {
        file: cli.file,
        date: cli.date,
        select: cli.select,
        theme: cli.theme.map(Into::into),
        scenario: cli.scenario,
        present: cli.present,
        bookmark: cli.bookmark,
        autosave_dir: None,
        fresh: cli.screenshot.is_some(),
        view: cli.view.map(Into::into),
        grouping: cli.group.map(Into::into),
        chart: cli.chart.map(Into::into),
        flow_filter: cli.flow_filter,
        compare: cli.compare.and_then(|v| Some((*v.first()?, *v.get(1)?))),
        screenshot: cli.screenshot,
        scenario_on_worker: false,
        background_by_clear: true,
    };
    // The embedded record is read while the window opens.
    ccg_explorer::app::preload_england();
    let want_screenshot = options.screenshot.is_some();
    let size = cli.size.unwrap_or([1440.0, 900.0]);
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(size)
            .with_min_inner_size([640.0, 400.0])
            .with_title("ccg-explorer"),
        // A screenshot uses exactly the size asked for, not the last window's.
        persist_window: !want_screenshot,
        ..Default::default()
    };
    match eframe::run_native(
        "ccg-explorer",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(cc, options)))),
    ) {
        Ok(())
            if want_screenshot
                && !ccg_explorer::app::SCREENSHOT_SAVED
                    .load(std::sync::atomic::Ordering::SeqCst) =>
        {
            eprintln!("ccg-explorer: no screenshot was saved");
            ExitCode::from(2)
        }
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ccg-explorer: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}
