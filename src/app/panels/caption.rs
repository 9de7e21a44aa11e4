//! Presenter mode's caption: the bookmark's note or what happened on the date, wrapped
//! over the whole width (never cut), with the keyboard's hints and autoplay.

use egui::{Align, Color32, Layout, RichText};

use crate::app::ViewCtx;
use crate::app::command::{Action, Command, Time};

/// Caption sizes, largest first: a long caption steps down to stay within three lines.
const SIZES: [f32; 3] = [24.0, 20.0, 17.0];
const MAX_LINES: usize = 3;
/// Autoplay paces offered, in seconds.
const PACES: [f64; 3] = [5.0, 3.0, 2.0];

/// The caption panel.
pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    ui.add_space(4.0);
    let caption = cx.app.caption();
    let caption = if caption.is_empty() {
        format!(
            "{} · {}",
            cx.tl().snapshot().title,
            crate::model::human_date(cx.date())
        )
    } else {
        caption
    };
    let width = ui.available_width().max(200.0);
    let size = SIZES
        .into_iter()
        .find(|size| {
            let font = egui::FontId::proportional(*size);
            let rows = ui.fonts_mut(|f| {
                f.layout(caption.clone(), font, Color32::WHITE, width)
                    .rows
                    .len()
            });
            rows <= MAX_LINES
        })
        .unwrap_or(SIZES[SIZES.len() - 1]);
    ui.add(egui::Label::new(RichText::new(&caption).size(size).strong()).wrap());
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        let leave = Action::LeavePresenter;
        // Escape, as presenters say it.
        let label = format!("{} (Esc)", leave.label());
        if ui.small_button(label).clicked() {
            out.push(leave.command());
        }
        let auto = cx.app.autoplay;
        for pace in PACES {
            if ui
                .selectable_label(auto == Some(pace), format!("{pace:.0} s"))
                .on_hover_text(format!("Autoplay: the next event every {pace:.0} seconds"))
                .clicked()
            {
                let next = if auto == Some(pace) { None } else { Some(pace) };
                out.push(Time::Autoplay(next).into());
            }
        }
        ui.weak("Autoplay events:");
        ui.weak("PageDown / PageUp: bookmarks");
    });
    ui.add_space(2.0);
}
