//! The timeline: the date and its counts, playback, "Go to date" (dates as people in
//! England write them), and the scrubber with every event day marked and the merger
//! waves labelled.

use egui::{Color32, RichText, Sense, Stroke, Vec2};

use super::details::leadership_hover;
use crate::app::command::{Action, Command, File, Time};
use crate::app::state::SPEEDS;
use crate::app::{Theme, ViewCtx};
use crate::model::{Date, human_date};
use crate::view::{self, TimelineModel, plural};

pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    ui.add_space(6.0);
    let c = cx.tl().counts_at(cx.date());
    // Wrapped, so that a narrow window (or presenter mode's larger text) shows every
    // count on a second line rather than cutting them off.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(human_date(cx.date())).size(26.0).strong());
        ui.add_space(20.0);
        let big = [
            (c.ccg, "CCG", "CCGs"),
            (c.leadership_teams, "leadership team", "leadership teams"),
            (c.system, "system", "systems"),
            (c.icb, "ICB", "ICBs"),
            (c.place, "place", "places"),
            (c.neighbourhood, "neighbourhood", "neighbourhoods"),
        ];
        let presenting = app.presenting;
        for (n, one, many) in big {
            // Leadership teams count CCGs, then ICBs once clusters began (2025).
            if many == "leadership teams" && c.ccg == 0 && c.icbs_sharing_leadership == 0 {
                continue;
            }
            // On a projector: what the story is about, in one line.
            if presenting
                && (matches!(many, "places" | "neighbourhoods") || (many == "ICBs" && n == 0))
            {
                continue;
            }
            let resp = ui.label(RichText::new(plural(n, one, many)).size(20.0));
            if many == "leadership teams" {
                resp.on_hover_text(leadership_hover(&c));
            }
            ui.add_space(14.0);
        }
    });
    ui.add_space(2.0);
    ui.horizontal_wrapped(|ui| {
        let tl = cx.tl();
        let has_prev = tl.prev_event_day(cx.date()).is_some();
        let has_next = tl.next_event_day(cx.date()).is_some();
        let play = if app.playing { "⏸ Pause" } else { "▶ Play" };
        // Each button with its key, from the action table, on hover.
        for (text, action, enabled) in [
            ("⏮", Action::FirstDay, true),
            ("◀ Previous event", Action::PreviousEvent, has_prev),
            (play, Action::Play, true),
            ("Next event ▶", Action::NextEvent, has_next),
            ("⏭", Action::LastDay, true),
        ] {
            let hover = format!("{} ({})", action.label(), action.keys_text(ui.ctx()));
            if ui
                .add_enabled(enabled, egui::Button::new(text))
                .on_hover_text(hover)
                .clicked()
            {
                out.push(action.command());
            }
        }
        if app.presenting {
            // The keyboard drives a presentation; the rest of the controls wait.
            return;
        }
        ui.add_space(8.0);
        let current = SPEEDS
            .iter()
            .find(|(s, _)| (*s - app.state.speed_days_per_s).abs() < 0.5)
            .map(|(_, l)| *l)
            .unwrap_or("custom");
        egui::ComboBox::from_label("speed")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (s, label) in SPEEDS {
                    if ui
                        .selectable_label((s - app.state.speed_days_per_s).abs() < 0.5, label)
                        .clicked()
                    {
                        out.push(Time::SetSpeed(s).into());
                    }
                }
            });
        let mut snap = app.state.snap_to_events;
        if ui.checkbox(&mut snap, "Snap to events").changed() {
            out.push(Time::SetSnap(snap).into());
        }
        let mut sharing = app.state.show_sharing_marks;
        if ui
            .checkbox(&mut sharing, "Shared management")
            .on_hover_text(
                "Mark the days shared management (CCGs) or a leadership cluster (ICBs, 2025) \
                 began or ended (short marks below the line)",
            )
            .changed()
        {
            out.push(Time::SetSharingMarks(sharing).into());
        }
        ui.add_space(8.0);
        let label = ui.label("Go to date");
        let id = egui::Id::unique("go to date");
        let mut text = ui
            .data(|d| d.get_temp::<String>(id))
            .unwrap_or_else(|| cx.date().to_string());
        let resp = ui.add(
            egui::TextEdit::singleline(&mut text)
                .desired_width(110.0)
                .min_size(egui::vec2(110.0, 0.0))
                .hint_text("1 April 2019")
                .id(id.with("edit")),
        );
        let resp = resp.labelled_by(label.id);
        if resp.has_focus() {
            ui.data_mut(|d| d.insert_temp(id, text.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(id));
        }
        if resp.lost_focus() {
            match crate::model::dates::parse_date(&text) {
                Ok(d) => out.push(Time::SetDate(d).into()),
                Err(e) => {
                    if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        out.push(File::Report(e.to_string()).into());
                    }
                }
            }
        }
    });
    ui.add_space(4.0);
    if let Some(d) = scrubber(
        ui,
        &app.world.timeline_model,
        cx.date(),
        app.state.snap_to_events,
        app.state.show_sharing_marks,
        &cx.theme,
    ) {
        out.push(Time::SetDate(d).into());
    }
    ui.add_space(6.0);
}

/// Where a wave's label goes on the timeline: which of its forms (0 the full one,
/// then shorter ones), on which of the two rows, from which x.
#[derive(Clone, Copy, Debug, PartialEq)]
struct WavePlace {
    form: usize,
    row: usize,
    left: f32,
}

/// Places wave labels (each its x and the widths of its forms, longest first)
/// between `left` and `right`, on two rows, 8 points apart: the longest form that
/// fits on either row, so that a crowded label is shortened rather than dropped.
/// `None` only when not even the shortest form fits.
fn place_wave_labels(waves: &[(f32, Vec<f32>)], left: f32, right: f32) -> Vec<Option<WavePlace>> {
    let mut row_end = [f32::MIN; 2];
    waves
        .iter()
        .map(|(x, widths)| {
            let place = widths.iter().enumerate().find_map(|(form, width)| {
                let l = (x - width / 2.0).clamp(left, (right - width).max(left));
                (0..2)
                    .find(|row| l > row_end[*row] + 8.0)
                    .map(|row| WavePlace { form, row, left: l })
            })?;
            row_end[place.row] = place.left + widths[place.form];
            Some(place)
        })
        .collect()
}

/// The date scrubber: years, a mark for every event day, merger waves labelled, and
/// the current date. Returns a new date when the user clicks or drags.
fn scrubber(
    ui: &mut egui::Ui,
    model: &TimelineModel,
    date: Date,
    snap: bool,
    sharing: bool,
    theme: &Theme,
) -> Option<Date> {
    let height = 74.0;
    let (rect, resp) = ui.allocate_exact_size(
        Vec2::new(ui.available_width(), height),
        Sense::click_and_drag(),
    );
    resp.widget_info(|| {
        egui::WidgetInfo::slider(true, (date - model.first).num_days() as f64, "Timeline")
    });
    let total = (model.last - model.first).num_days().max(1) as f32;
    let inner = rect.shrink2(Vec2::new(12.0, 0.0));
    let x_of =
        |d: Date| inner.left() + inner.width() * ((d - model.first).num_days() as f32 / total);
    let date_of = |x: f32| {
        let t = ((x - inner.left()) / inner.width()).clamp(0.0, 1.0);
        model.first + chrono::Duration::days((t * total).round() as i64)
    };
    let visuals = ui.visuals().clone();
    let p = ui.painter_at(rect);
    let axis_y = rect.top() + 44.0;
    p.line_segment(
        [
            egui::pos2(inner.left(), axis_y),
            egui::pos2(inner.right(), axis_y),
        ],
        Stroke::new(2.0, visuals.widgets.noninteractive.fg_stroke.color),
    );
    // Years.
    use chrono::Datelike;
    for y in model.first.year()..=model.last.year() {
        let Some(d) = Date::from_ymd_opt(y, 1, 1) else {
            continue;
        };
        if d < model.first || d > model.last {
            continue;
        }
        let x = x_of(d);
        p.line_segment(
            [egui::pos2(x, axis_y - 4.0), egui::pos2(x, axis_y + 4.0)],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
        p.text(
            egui::pos2(x, axis_y + 6.0),
            egui::Align2::CENTER_TOP,
            y.to_string(),
            egui::FontId::proportional(12.0),
            visuals.weak_text_color(),
        );
    }
    // Event marks.
    let structural = theme.accent;
    let scenario_colour = theme.scenario();
    for m in &model.marks {
        let x = x_of(m.date);
        let h = if m.structural { 14.0 } else { 8.0 };
        let colour = if m.scenario {
            scenario_colour
        } else if m.structural {
            structural
        } else {
            visuals.weak_text_color()
        };
        p.line_segment(
            [egui::pos2(x, axis_y - h), egui::pos2(x, axis_y)],
            Stroke::new(2.0, colour),
        );
    }
    // Shared management began or ended: short, quiet marks below the line.
    let quiet = visuals.weak_text_color().gamma_multiply(0.8);
    let mut near_sharing: Option<&view::SharingMark> = None;
    if sharing {
        let pointer = resp.hover_pos();
        for m in &model.sharing {
            let x = x_of(m.date);
            let colour = if m.scenario { scenario_colour } else { quiet };
            p.line_segment(
                [egui::pos2(x, axis_y + 1.0), egui::pos2(x, axis_y + 5.0)],
                Stroke::new(1.0, colour),
            );
            if let Some(pt) = pointer
                && (pt.x - x).abs() <= 3.0
                && pt.y > axis_y
            {
                near_sharing = Some(m);
            }
        }
    }
    // Wave labels, on two rows so that neighbours do not overlap; a crowded label
    // takes a shorter form (the full one is on hover) rather than vanishing.
    let font = egui::FontId::proportional(12.0);
    let mut hovered_wave = None;
    let galleys: Vec<Vec<std::sync::Arc<egui::Galley>>> = model
        .waves
        .iter()
        .map(|w| {
            std::iter::once(&w.label)
                .chain(w.shorter.iter())
                .map(|t| p.layout_no_wrap(t.clone(), font.clone(), Color32::PLACEHOLDER))
                .collect()
        })
        .collect();
    let wanted: Vec<(f32, Vec<f32>)> = model
        .waves
        .iter()
        .zip(&galleys)
        .map(|(w, g)| (x_of(w.date), g.iter().map(|g| g.size().x).collect()))
        .collect();
    let places = place_wave_labels(&wanted, inner.left(), inner.right());
    for ((w, g), place) in model.waves.iter().zip(galleys).zip(places) {
        let Some(WavePlace { form, row, left }) = place else {
            continue;
        };
        let colour = if w.scenario {
            scenario_colour
        } else {
            structural
        };
        let galley = g[form].clone();
        let y = rect.top() + 2.0 + row as f32 * 14.0;
        let area = egui::Rect::from_min_size(egui::pos2(left, y), galley.size());
        p.galley(area.min, galley, colour);
        if form > 0 && resp.hover_pos().is_some_and(|pt| area.contains(pt)) {
            hovered_wave = Some(w.label.clone());
        }
    }
    // Current date.
    let x = x_of(date.clamp(model.first, model.last));
    let handle = theme.handle;
    p.line_segment(
        [
            egui::pos2(x, rect.top() + 28.0),
            egui::pos2(x, axis_y + 4.0),
        ],
        Stroke::new(2.0, handle),
    );
    p.circle_filled(egui::pos2(x, axis_y), 6.0, handle);
    if resp.hovered() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    let resp = match hovered_wave {
        Some(label) => resp.on_hover_text(label),
        None => resp,
    };
    let resp = match near_sharing {
        Some(m) => resp.on_hover_text(format!(
            "{}: shared management\n{}",
            human_date(m.date),
            m.lines.join("\n")
        )),
        None => resp,
    };
    let pointer = resp.interact_pointer_pos()?;
    if !(resp.clicked() || resp.dragged()) {
        return None;
    }
    let mut d = date_of(pointer.x);
    if snap {
        let near = model
            .marks
            .iter()
            .map(|m| m.date)
            .min_by_key(|m| (x_of(*m) - pointer.x).abs() as i64);
        if let Some(m) = near
            && (x_of(m) - pointer.x).abs() <= 8.0
        {
            d = m;
        }
    }
    (d != date).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_wave_labels_are_shortened_not_dropped() {
        // Three labels 40 points apart, each 100 wide in full, 50 and 20 when shorter:
        // the third has no row for its full form but fits shortened.
        let forms = vec![100.0, 50.0, 20.0];
        let waves = vec![
            (100.0, forms.clone()),
            (140.0, forms.clone()),
            (180.0, forms.clone()),
        ];
        let places = place_wave_labels(&waves, 0.0, 1000.0);
        assert_eq!(places[0].map(|p| (p.form, p.row)), Some((0, 0)));
        assert_eq!(places[1].map(|p| (p.form, p.row)), Some((0, 1)));
        let third = places[2].expect("placed shortened");
        assert!(third.form > 0, "{third:?}");
        // Nothing placed overlaps on its row.
        for (i, a) in places.iter().enumerate() {
            for (j, b) in places.iter().enumerate().skip(i + 1) {
                let (Some(a), Some(b)) = (a, b) else { continue };
                if a.row == b.row {
                    let a_end = a.left + waves[i].1[a.form];
                    assert!(b.left > a_end, "{i} and {j} overlap");
                }
            }
        }
        // A label at the right edge stays inside.
        let p = place_wave_labels(&[(995.0, forms)], 0.0, 1000.0);
        assert!(p[0].is_some_and(|p| p.left + 100.0 <= 1000.0));
    }
}
