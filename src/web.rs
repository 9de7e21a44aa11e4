//! The web build's entry point: the same [`App`] on a page's canvas, run by eframe's
//! web runner. `src/main.rs` calls [`start`] when built for `wasm32-unknown-unknown`;
//! the page is `assets/web/index.html` (see "In a browser" in README.md).

use eframe::wasm_bindgen::{JsCast, JsValue};

use crate::app::{App, AppOptions};

/// The id of the page's canvas.
pub const CANVAS_ID: &str = "ccg-explorer";

/// The id of the element that says "Loading…" until the app runs (or why it cannot).
pub const STATUS_ID: &str = "status";

/// Starts the app on the page's canvas. Returns at once; the app runs from the
/// browser's event loop. If it cannot start, the page says why.
pub fn start() {
    // eframe's warnings and errors go to the browser's console.
    let _ = eframe::WebLogger::init(log::LevelFilter::Warn);
    wasm_bindgen_futures::spawn_local(async {
        let result = run().await;
        let Some(status) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(STATUS_ID))
        else {
            return;
        };
        match result {
            Ok(()) => status.remove(),
            Err(e) => {
                let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
                log::error!("ccg-explorer cannot start: {why}");
                status.set_text_content(Some(&format!(
                    "ccg-explorer cannot start in this browser: {why}"
                )));
            }
        }
    });
}

async fn run() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("the page has no document")?;
    let canvas = document
        .get_element_by_id(CANVAS_ID)
        .ok_or_else(|| format!("the page has no canvas with id \"{CANVAS_ID}\""))?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .map_err(|_| format!("\"{CANVAS_ID}\" is not a canvas"))?;
    eframe::WebRunner::new()
        .start(
            canvas,
            eframe::WebOptions::default(),
            Box::new(|cc| {
                Ok(Box::new(App::new(
                    cc,
                    AppOptions {
                        background_by_clear: true,
                        ..Default::default()
                    },
                )))
            }),
        )
        .await
}
