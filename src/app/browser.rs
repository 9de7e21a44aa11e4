//! Files to and from the browser, for the web build only.
//!
//! A page sees no paths: a snapshot or scenario reaches it as bytes, from the file
//! picker (rfd's async dialog) or dropped on the page. The bytes are kept for the
//! session under the file's name, so the rest of the window still works with names:
//! "opening" `name` reads those bytes, at once and on the UI thread (there are no
//! worker threads). Saving and exporting download the file instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use eframe::wasm_bindgen::JsCast;

use super::command::{Command, File, Scenario};
use crate::io::loader;

/// What a file from the picker is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// A snapshot (a scenario dropped or picked here still opens as a scenario).
    Snapshot,
    /// A scenario.
    Scenario,
}

type Arrival = (PathBuf, Result<Vec<u8>, String>, Want);

/// The files the browser handed over this session, and those on their way.
#[derive(Default)]
pub(crate) struct Browser {
    mail: crate::io::Mailbox<Arrival>,
    files: HashMap<PathBuf, Vec<u8>>,
    /// Frames drawn, told to the page for the first few (the browser test waits on it).
    frames: u32,
}

impl Browser {
    /// Shows the browser's file picker; the file arrives in a later frame.
    pub(crate) fn pick(&self, ctx: &egui::Context, want: Want) {
        let tx = self.mail.tx.clone();
        let ctx = ctx.clone();
        let title = match want {
            Want::Snapshot => "Open a snapshot",
            Want::Scenario => "Open a scenario",
        };
        wasm_bindgen_futures::spawn_local(async move {
            let picked = rfd::AsyncFileDialog::new()
                .set_title(title)
                .add_filter("RON file", &["ron"])
                .pick_file()
                .await;
            if let Some(handle) = picked {
                let bytes = handle.read().await;
                let _ = tx.send((PathBuf::from(handle.file_name()), Ok(bytes), want));
            }
            ctx.request_repaint();
        });
    }

    /// Starts reading files dropped on the page.
    pub(crate) fn take_dropped(&self, ctx: &egui::Context, dropped: Vec<egui::DroppedFileHandle>) {
        for file in dropped {
            let tx = self.mail.tx.clone();
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let bytes = file.bytes_async().await;
                let _ = tx.send((file.path().to_path_buf(), bytes, Want::Snapshot));
                ctx.request_repaint();
            });
        }
    }

    /// The text of a file the browser handed over this session.
    pub(crate) fn text(&self, path: &Path) -> anyhow::Result<String> {
        match self.files.get(path) {
            Some(bytes) => crate::io::files::text_from_bytes(path, bytes.clone()),
            None => anyhow::bail!(
                "the browser keeps no copy of {} from an earlier visit; open it again with \
                 File > Open… or drop it on the page",
                path.display()
            ),
        }
    }

    /// Counts a frame; the first few are marked on the canvas as `data-frames`. When
    /// the second frame is drawn the first has been painted: the time since the page
    /// began to load (`performance.now()`, ms) is marked as `data-first-frame-ms`, as
    /// the desktop's `--startup-probe` reports it.
    pub(crate) fn frame_drawn(&mut self, ctx: &egui::Context) {
        if self.frames >= 10 {
            return;
        }
        self.frames += 1;
        // The second frame follows the first at once, so that the time is the first's.
        if self.frames == 1 {
            ctx.request_repaint();
        }
        let Some(canvas) = document().and_then(|d| d.get_element_by_id(crate::web::CANVAS_ID))
        else {
            return;
        };
        let _ = canvas.set_attribute("data-frames", &self.frames.to_string());
        if self.frames == 2
            && let Some(now) = web_sys::window()
                .and_then(|w| w.performance())
                .map(|p| p.now())
        {
            let _ = canvas.set_attribute("data-first-frame-ms", &format!("{now:.0}"));
        }
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Offers `bytes` to the user as a download called `name`.
pub(crate) fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let js = |e: eframe::wasm_bindgen::JsValue| format!("{e:?}");
    let document = document().ok_or("the page has no document")?;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    let mime = match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("png") => "image/png",
        Some("csv") => "text/csv",
        _ => "application/octet-stream",
    };
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js)?
        .dyn_into()
        .map_err(|_| "cannot make a download link".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(js)?;
    Ok(())
}

/// The page's title (the tab's name).
pub(crate) fn set_title(title: &str) {
    if let Some(d) = document() {
        d.set_title(title);
    }
}

/// Enters or leaves the browser's full screen.
pub(crate) fn set_fullscreen(on: bool) {
    let Some(d) = document() else { return };
    if on && d.fullscreen_element().is_none() {
        if let Some(root) = d.document_element() {
            let _ = root.request_fullscreen();
        }
    } else if !on && d.fullscreen_element().is_some() {
        d.exit_fullscreen();
    }
}

/// Whether the page is full screen.
pub(crate) fn fullscreen() -> bool {
    document().is_some_and(|d| d.fullscreen_element().is_some())
}

impl Browser {
    /// Files from the picker and from drops: each to open (kept under its name), or
    /// a message saying it could not be read.
    pub(crate) fn take_in(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let dropped: Vec<egui::DroppedFileHandle> = ctx.input(|i| i.raw.dropped_files.clone());
        if !dropped.is_empty() {
            self.take_dropped(ctx, dropped);
        }
        let mut out = Vec::new();
        while let Ok((path, bytes, want)) = self.mail.rx.try_recv() {
            match bytes {
                Ok(bytes) => {
                    self.files.insert(path.clone(), bytes);
                    out.push(match want {
                        Want::Snapshot => File::Open(path).into(),
                        Want::Scenario => Scenario::Open(path).into(),
                    });
                }
                Err(e) => {
                    out.push(File::Report(format!("Could not read {}: {e}", path.display())).into())
                }
            }
        }
        out
    }

    /// Loads a file the page handed over, at once; the loader hands the result back
    /// like any other load.
    pub(crate) fn load_now(&self, loader: &mut loader::Loader, path: PathBuf) {
        let loaded = match self.text(&path) {
            Ok(text) => loader::load_text(&path, &text),
            Err(e) => loader::Loaded::Failed {
                problems: loader::io_problem(format!("{e:#}"), "open the file again"),
                path: path.clone(),
            },
        };
        loader.finish(path, loaded);
    }
}
