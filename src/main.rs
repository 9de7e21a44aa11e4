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

#[cfg(target_arch = "wasm32")]
fn main() {
    ccg_explorer::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        let mut out = std::io::stdout().lock();
        return cli::run(command, &mut out);
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
        flow_filter: cli.flow_filter,
        compare: cli.compare.and_then(|v| Some((*v.first()?, *v.get(1)?))),
        screenshot: cli.screenshot,
    };
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
