//! Search by name or code (Ctrl+F): the box in the menu bar and its results.

use egui::Vec2;

use crate::app::ViewCtx;
use crate::app::command::{Command, Selection};
use crate::view;

/// Results listed under the box.
const RESULTS: usize = 12;

/// The search box's own state.
#[derive(Default)]
pub struct SearchBox {
    /// What is typed.
    pub text: String,
    /// Whether the results are showing.
    open: bool,
    /// Where the box is (the results go under it).
    anchor: Option<egui::Rect>,
    /// The last request for the keyboard (Ctrl+F) this box answered.
    seen: u64,
}

impl SearchBox {
    /// The box, in the menu bar.
    pub fn field(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let label = ui.label("Search");
        let search = egui::TextEdit::singleline(&mut self.text)
            .hint_text("Search name or code  (Ctrl+F)")
            .desired_width(280.0)
            .id(egui::Id::unique("search"));
        let resp = ui.add(search).labelled_by(label.id);
        if cx.app.search_version != self.seen {
            self.seen = cx.app.search_version;
            resp.request_focus();
            self.open = true;
        }
        if resp.changed() {
            self.open = !self.text.trim().is_empty();
        }
        if resp.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.open = false;
        }
        if resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let hits = view::search(cx.tl().snapshot(), &self.text, 1);
            if let Some(h) = hits.first() {
                out.push(Selection::Select(h.org).into());
                self.open = false;
            }
        }
        self.anchor = Some(resp.rect);
    }

    /// The results, under the box, while they are open.
    pub fn results(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        if !self.open || self.text.trim().is_empty() {
            return;
        }
        let Some(anchor) = self.anchor else {
            return;
        };
        let hits = view::search(cx.tl().snapshot(), &self.text, RESULTS);
        let mut chosen = false;
        egui::Area::new(egui::Id::unique("search results"))
            .order(egui::Order::Foreground)
            .fixed_pos(anchor.left_bottom() + Vec2::new(0.0, 4.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_min_width(anchor.width().max(360.0));
                    if hits.is_empty() {
                        ui.weak(format!("Nothing matches “{}”", self.text.trim()));
                    }
                    for h in &hits {
                        ui.horizontal(|ui| {
                            if ui.selectable_label(false, &h.label).clicked() {
                                out.push(Selection::Select(h.org).into());
                                chosen = true;
                            }
                            ui.weak(&h.detail);
                        });
                    }
                });
            });
        if chosen {
            self.open = false;
            self.text.clear();
        }
    }
}
