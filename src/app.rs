//! The window: a date slider, the counts at that date, and the tree.
//!
//! This is the minimal window of the first milestone; the panels only draw what the
//! model layer gives them.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText};

use crate::model::load::{Problem, load_str};
use crate::model::{Date, Timeline, human_date};

/// How the window starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// A snapshot to open instead of the embedded England record.
    pub file: Option<PathBuf>,
    /// The first date to show.
    pub date: Option<Date>,
    /// Save a PNG of the window here, then exit.
    pub screenshot: Option<PathBuf>,
}

/// The application state.
pub struct App {
    timeline: Arc<Timeline>,
    file_name: String,
    date: Date,
    problems: Vec<Problem>,
    screenshot: Option<PathBuf>,
    frames: u32,
}

fn england() -> (Timeline, Vec<Problem>) {
    match load_str(crate::ENGLAND_RON) {
        Ok(l) => (Timeline::new(l.snapshot), l.warnings),
        // The embedded file is checked by tests; this guard only keeps the window up.
        Err(e) => (Timeline::new(crate::model::Snapshot::empty()), e.problems),
    }
}

impl App {
    /// Builds the app, loading the file given on the command line if any.
    pub fn new(_cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let (mut timeline, mut problems) = england();
        let mut file_name = crate::ENGLAND_NAME.to_string();
        if let Some(path) = &options.file {
            match crate::cli::read_text(path).map(|t| load_str(&t)) {
                Ok(Ok(l)) => {
                    timeline = Timeline::new(l.snapshot);
                    problems = l.warnings;
                    file_name = path.display().to_string();
                }
                Ok(Err(e)) => problems = e.problems,
                Err(e) => {
                    problems = vec![Problem {
                        severity: crate::model::Severity::Error,
                        pos: None,
                        code: None,
                        message: format!("{e:#}"),
                        hint: "check the path and try again".into(),
                    }]
                }
            }
        }
        let (first, last) = timeline.snapshot().span();
        let default_date = Date::from_ymd_opt(2019, 4, 1)
            .unwrap_or(first)
            .clamp(first, last);
        let date = options.date.unwrap_or(default_date).clamp(first, last);
        App {
            timeline: Arc::new(timeline),
            file_name,
            date,
            problems,
            screenshot: options.screenshot,
            frames: 0,
        }
    }

    /// The date shown.
    pub fn date(&self) -> Date {
        self.date
    }

    fn title(&self) -> String {
        format!("{} — {}", self.timeline.snapshot().title, self.file_name)
    }

    fn timeline_ui(&mut self, ui: &mut egui::Ui) {
        let tl = self.timeline.clone();
        let (first, last) = tl.snapshot().span();
        let total = (last - first).num_days().max(0);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    tl.prev_event_day(self.date).is_some(),
                    egui::Button::new("◀ Previous event"),
                )
                .clicked()
                && let Some(d) = tl.prev_event_day(self.date)
            {
                self.date = d;
            }
            let mut day = (self.date - first).num_days();
            let width = (ui.available_width() - 260.0).max(100.0);
            ui.spacing_mut().slider_width = width;
            let resp = ui.add(
                egui::Slider::new(&mut day, 0..=total)
                    .show_value(false)
                    .text(""),
            );
            if resp.changed() {
                self.date = first + chrono::Duration::days(day);
            }
            if ui
                .add_enabled(
                    tl.next_event_day(self.date).is_some(),
                    egui::Button::new("Next event ▶"),
                )
                .clicked()
                && let Some(d) = tl.next_event_day(self.date)
            {
                self.date = d;
            }
        });
    }

    fn counts_ui(&self, ui: &mut egui::Ui) {
        let c = self.timeline.counts_at(self.date);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(human_date(self.date)).size(26.0).strong());
            ui.add_space(16.0);
            for (n, what) in [
                (c.ccg, "CCGs"),
                (c.system, "systems"),
                (c.icb, "ICBs"),
                (c.place, "places"),
                (c.neighbourhood, "neighbourhoods"),
            ] {
                ui.label(RichText::new(format!("{n}")).size(26.0).strong());
                ui.label(RichText::new(what).size(16.0));
                ui.add_space(12.0);
            }
        });
    }

    fn tree_ui(&self, ui: &mut egui::Ui) {
        let s = self.timeline.snapshot();
        let state = self.timeline.state_at(self.date);
        let tree = state.tree();
        egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            if tree.systems.is_empty() {
                ui.label("Nothing exists on this date in this snapshot. Move the date slider.");
            }
            for sys in &tree.systems {
                let head = match sys.system {
                    Some(id) => format!("{} · {} places", s.org(id).label(), sys.places.len()),
                    None => format!("No system yet (STPs from April 2017) · {} places", sys.places.len()),
                };
                egui::CollapsingHeader::new(head)
                    .id_salt(sys.system.map(|i| i.0).unwrap_or(u32::MAX))
                    .show(ui, |ui| {
                        for p in &sys.places {
                            let served: Vec<String> = p
                                .served_by
                                .iter()
                                .map(|c| {
                                    let o = s.org(c.commissioner);
                                    if c.share < 0.9995 {
                                        format!("{} {:.0}%", o.label(), c.share * 100.0)
                                    } else {
                                        o.label()
                                    }
                                })
                                .collect();
                            let head = format!("{} — {}", s.org(p.place).name, served.join(", "));
                            egui::CollapsingHeader::new(head)
                                .id_salt((sys.system.map(|i| i.0), p.place.0))
                                .show(ui, |ui| {
                                    if p.neighbourhoods.is_empty() {
                                        ui.weak("No neighbourhoods on this date (PCNs began in July 2019)");
                                    }
                                    for n in &p.neighbourhoods {
                                        ui.label(s.org(n.commissioner).label());
                                    }
                                });
                        }
                    });
            }
        });
    }

    fn problems_ui(&mut self, ui: &mut egui::Ui) {
        if self.problems.is_empty() {
            return;
        }
        egui::Panel::bottom("problems").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("{} problem(s) with the file", self.problems.len()))
                        .color(Color32::from_rgb(200, 60, 40)),
                );
                if ui.button("Dismiss").clicked() {
                    self.problems.clear();
                }
            });
            egui::ScrollArea::vertical()
                .max_height(120.0)
                .show(ui, |ui| {
                    for p in &self.problems {
                        ui.label(p.to_string());
                    }
                });
        });
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(self.title()));
        egui::Panel::top("timeline").show(ui, |ui| {
            ui.add_space(4.0);
            self.counts_ui(ui);
            self.timeline_ui(ui);
            ui.add_space(4.0);
        });
        self.problems_ui(ui);
        egui::CentralPanel::default().show(ui, |ui| self.tree_ui(ui));

        self.frames += 1;
        if self.frames == 3
            && let Some(path) = self.screenshot.clone()
        {
            let ctx2 = ctx.clone();
            ctx.request_screenshot(move |img| {
                let [w, h] = img.size;
                let rgba: Vec<u8> = img.pixels.iter().flat_map(|c| c.to_array()).collect();
                match image::RgbaImage::from_raw(w as u32, h as u32, rgba) {
                    Some(buf) => match buf.save(&path) {
                        Ok(()) => eprintln!("saved {}", path.display()),
                        Err(e) => eprintln!("ccg-explorer: cannot save {}: {e}", path.display()),
                    },
                    None => eprintln!("ccg-explorer: the screenshot had an unexpected size"),
                }
                ctx2.send_viewport_cmd(egui::ViewportCommand::Close);
            });
        }
        if self.screenshot.is_some() {
            ctx.request_repaint();
        }
    }
}
