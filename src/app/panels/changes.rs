//! Counts and changes: the counts on the date, then every change of the day, the day
//! before and the day after (each summed up, then listed in full, every name a link).

use egui::RichText;

use crate::app::ViewCtx;
use crate::app::command::{Command, Selection};
use crate::model::{Date, human_date};
use crate::view::{self, thousands};

/// Wide enough to show the counts and the changes side by side (logical points): a
/// projector in presenter mode, or a large screen.
const SIDE_BY_SIDE_WIDTH: f32 = 700.0;

pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    // Side by side where there is room, so that a short screen (a projector in
    // presenter mode) still shows the changes beside the counts; else one under the
    // other, scrolling together. Either way nothing is out of reach.
    if ui.available_width() >= SIDE_BY_SIDE_WIDTH {
        ui.columns(2, |columns| {
            if let [left, right] = columns {
                scrolling(left, "counts", |ui| counts(ui, cx));
                scrolling(right, "changes", |ui| changes(ui, cx, out));
            }
        });
    } else {
        scrolling(ui, "counts and changes", |ui| {
            counts(ui, cx);
            changes(ui, cx, out);
        });
    }
}

/// `add` in a scroll area of its own that fills the space given.
fn scrolling(ui: &mut egui::Ui, salt: &str, add: impl FnOnce(&mut egui::Ui)) {
    egui::ScrollArea::vertical()
        .id_salt(salt)
        .auto_shrink(false)
        .show(ui, add);
}

/// The counts on the date.
fn counts(ui: &mut egui::Ui, cx: &ViewCtx) {
    let date = cx.date();
    let c = cx.tl().counts_at(date);
    ui.add_space(8.0);
    ui.label(
        RichText::new(format!("On {}", human_date(date)))
            .size(22.0)
            .strong(),
    );
    ui.add_space(6.0);
    egui::Grid::new("counts")
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            for (n, what) in [
                (c.ccg, "clinical commissioning groups"),
                (c.ccgs_sharing_leadership, "CCGs sharing leadership"),
                (c.leadership_teams, "leadership teams of CCGs"),
                (c.system, "STPs / integrated care systems"),
                (c.icb, "integrated care boards"),
                (c.sub_icb_location, "sub-ICB locations"),
                (c.place, "places (upper-tier councils)"),
                (c.neighbourhood, "neighbourhoods (primary care networks)"),
                (c.region, "NHS regions"),
            ] {
                ui.label(RichText::new(thousands(n as u64)).size(20.0).strong());
                ui.label(what);
                ui.end_row();
            }
        });
    ui.add_space(12.0);
}

/// Every change of the day, the one before and the one after: summed up, then listed
/// in full (long lists fold), each name a link.
fn changes(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let tl = cx.tl();
    let date = cx.date();
    let mut days: Vec<(String, Date)> = Vec::new();
    if !tl.events_on(date).is_empty() {
        days.push((format!("Changes on {}", human_date(date)), date));
    }
    if let Some(prev) = tl.prev_event_day(date) {
        days.push((format!("Previous changes: {}", human_date(prev)), prev));
    }
    if let Some(next) = tl.next_event_day(date) {
        days.push((format!("Next changes: {}", human_date(next)), next));
    }
    if days.is_empty() {
        ui.weak("This snapshot has no events.");
        return;
    }
    let s = tl.snapshot();
    let mut select = None;
    for (heading, day) in &days {
        let c = cx.app.day_changes(*day);
        ui.add_space(8.0);
        ui.label(RichText::new(heading).strong());
        for line in view::day_summary(tl, *day) {
            ui.label(format!("• {line}"));
        }
        let salt = format!("changes {day}");
        select = select.or(super::compare::change_list_ui(ui, s, &c, &salt));
    }
    if let Some(id) = select {
        out.push(Selection::Select(id).into());
    }
}
