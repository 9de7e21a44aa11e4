//! File > Export: the window, a chart or the merger flow as a stamped PNG, the tree or
//! the running-cost series as CSV.
//!
//! A picture is taken of a drawn frame: the [`Exporter`] draws the stamp over the
//! frame, asks egui for a screenshot a frame later, and encodes and writes it off the
//! UI thread.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use egui::Color32;

use super::jobs::{IoResult, write_file};

/// What File > Export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The whole window as PNG.
    Window,
    /// One chart as PNG (0: running costs, 1: savings, 2: CCGs over time).
    Chart(usize),
    /// The tree at the date as CSV.
    TreeCsv,
    /// The running-cost series of the footprint as CSV.
    CostsCsv,
    /// The merger flow as PNG.
    Flow,
    /// The map as PNG.
    Map,
}

impl ExportKind {
    /// Every kind, with its menu label.
    pub const MENU: [(ExportKind, &'static str); 8] = [
        (ExportKind::Window, "Window as PNG…"),
        (ExportKind::Chart(0), "Running-costs chart as PNG…"),
        (ExportKind::Chart(1), "Savings chart as PNG…"),
        (ExportKind::Chart(2), "Commissioning bodies chart as PNG…"),
        (ExportKind::Flow, "Merger flow as PNG…"),
        (ExportKind::Map, "Map as PNG…"),
        (ExportKind::TreeCsv, "Tree at this date as CSV…"),
        (ExportKind::CostsCsv, "Running-cost series as CSV…"),
    ];

    /// Whether it is a picture (else a CSV file).
    pub fn is_picture(self) -> bool {
        matches!(
            self,
            ExportKind::Window | ExportKind::Chart(_) | ExportKind::Flow | ExportKind::Map
        )
    }

    /// The file type's name and extension, for dialogs.
    pub fn file_type(self) -> (&'static str, &'static str) {
        if self.is_picture() {
            ("PNG image", "png")
        } else {
            ("CSV", "csv")
        }
    }

    /// The file name offered for an export on `date` (ISO).
    pub fn file_name(self, date: &str) -> String {
        match self {
            ExportKind::Window => format!("ccg-explorer-{date}.png"),
            ExportKind::Chart(i) => format!(
                "chart-{}-{date}.png",
                ["costs", "savings", "ccgs"][i.min(2)]
            ),
            ExportKind::TreeCsv => format!("tree-{date}.csv"),
            ExportKind::Flow => format!("merger-flow-{date}.png"),
            ExportKind::Map => format!("map-{date}.png"),
            ExportKind::CostsCsv => "running-costs.csv".to_string(),
        }
    }
}

/// A picture waiting for its frame.
#[derive(Clone, Debug)]
pub struct PictureJob {
    /// What.
    pub kind: ExportKind,
    /// Where.
    pub path: PathBuf,
    /// The stamp drawn on the picture.
    pub stamp: String,
    /// Frames waited.
    frames: u32,
}

/// Frames after asking for a picture before it is taken: none on the desktop; in a
/// browser eframe takes it when a later frame is painted, so the export stamp stays
/// on the screen that long.
const SCREENSHOT_LAG: u32 = if cfg!(target_arch = "wasm32") { 2 } else { 0 };

/// Frames the stamp is drawn before the picture is asked for.
const STAMP_FRAMES: u32 = 2;

/// Takes pictures one at a time.
#[derive(Default)]
pub struct Exporter {
    queue: Vec<PictureJob>,
}

impl Exporter {
    /// Queues a picture of `kind` for `path`, stamped with `stamp`.
    pub fn push(&mut self, kind: ExportKind, path: PathBuf, stamp: String) {
        self.queue.push(PictureJob {
            kind,
            path,
            stamp,
            frames: 0,
        });
    }

    /// Whether a picture is waiting.
    pub fn busy(&self) -> bool {
        !self.queue.is_empty()
    }

    /// The picture waiting, if any (to know what it crops to).
    pub fn current(&self) -> Option<&PictureJob> {
        self.queue.first()
    }

    /// Draws the stamp over the frame (cropped to `crop` when set) and, once the frame
    /// is stable, asks for the picture; the written file is reported through `done`.
    pub fn step(
        &mut self,
        ctx: &egui::Context,
        crop: Option<egui::Rect>,
        done: impl FnOnce() -> Sender<IoResult>,
    ) {
        let Some(job) = self.queue.first_mut() else {
            return;
        };
        job.frames += 1;
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("export stamp"),
        ));
        let area = crop.unwrap_or_else(|| ctx.content_rect());
        let galley = painter.layout_no_wrap(
            job.stamp.clone(),
            egui::FontId::proportional(14.0),
            Color32::WHITE,
        );
        let pos = area.right_bottom() - galley.size() - egui::vec2(10.0, 8.0);
        painter.rect_filled(
            egui::Rect::from_min_size(
                pos - egui::vec2(6.0, 4.0),
                galley.size() + egui::vec2(12.0, 8.0),
            ),
            4.0,
            Color32::from_black_alpha(200),
        );
        painter.galley(pos, galley, Color32::WHITE);
        ctx.request_repaint();
        if job.frames < STAMP_FRAMES {
            return;
        }
        if job.frames > STAMP_FRAMES {
            // Waiting for the browser's picture, with the stamp still drawn.
            if job.frames >= STAMP_FRAMES + SCREENSHOT_LAG {
                self.queue.remove(0);
            }
            return;
        }
        let path = job.path.clone();
        if SCREENSHOT_LAG == 0 {
            self.queue.remove(0);
        }
        let ppp = ctx.pixels_per_point();
        let tx = done();
        ctx.request_screenshot(move |img| {
            let [w, h] = img.size;
            let rgba: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
            let job = move || {
                let r = encode_png(w as u32, h as u32, rgba, crop, ppp)
                    .and_then(|bytes| write_file(&path, &bytes));
                let _ = tx.send(IoResult::Wrote(path, r));
            };
            // Encoding and writing happen off the UI thread (in a browser, at once).
            #[cfg(not(target_arch = "wasm32"))]
            let _ = std::thread::Builder::new().name("export".into()).spawn(job);
            #[cfg(target_arch = "wasm32")]
            job();
        });
    }
}

/// The picture as PNG bytes, cropped to `crop` (in points; `ppp` pixels a point).
pub fn encode_png(
    w: u32,
    h: u32,
    rgba: Vec<u8>,
    crop: Option<egui::Rect>,
    ppp: f32,
) -> Result<Vec<u8>, String> {
    let mut buf = image::RgbaImage::from_raw(w, h, rgba).ok_or("unexpected picture size")?;
    if let Some(r) = crop {
        let x = (r.left() * ppp).max(0.0) as u32;
        let y = (r.top() * ppp).max(0.0) as u32;
        let cw = ((r.width() * ppp) as u32).min(buf.width().saturating_sub(x));
        let ch = ((r.height() * ppp) as u32).min(buf.height().saturating_sub(y));
        buf = image::imageops::crop(&mut buf, x, y, cw, ch).to_image();
    }
    let mut bytes = Vec::new();
    buf.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_keeps_only_its_area_in_pixels() {
        // 4x2 pixels, the right half red; a crop of the right half at 2 pixels a point.
        let mut rgba = Vec::new();
        for _y in 0..2 {
            for x in 0..4 {
                rgba.extend(if x >= 2 {
                    [255, 0, 0, 255]
                } else {
                    [0, 0, 0, 255]
                });
            }
        }
        let crop = egui::Rect::from_min_size(egui::pos2(1.0, 0.0), egui::vec2(1.0, 1.0));
        let png = encode_png(4, 2, rgba, Some(crop), 2.0).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!((img.width(), img.height()), (2, 2));
        assert!(img.pixels().all(|p| p.0 == [255, 0, 0, 255]));
    }
}
