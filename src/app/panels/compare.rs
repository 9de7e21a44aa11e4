//! Compare dates: two dates typed as people write them, the counts side by side, and
//! every change between them (each name a link); the tree marks what they touch.

use std::collections::HashSet;

use egui::RichText;

use crate::app::ViewCtx;
use crate::app::command::{Command, Selection, Time, Window};
use crate::model::compare::{ChangeKind, Comparison};
use crate::model::{Date, OrgId, Timeline, human_date};
use crate::view::thousands;

/// The date fields' width, in points.
const DATE_WIDTH: f32 = 120.0;

/// The two dates as typed.
#[derive(Default)]
pub struct CompareView {
    /// Date A as typed.
    pub a: String,
    /// Date B as typed.
    pub b: String,
}

/// Reads a typed date (see [`crate::model::dates`]), with a message saying which
/// forms work.
fn parse_date(text: &str) -> Result<Date, String> {
    crate::model::dates::parse_date(text).map_err(|e| e.to_string())
}

impl CompareView {
    /// The compare tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let app = cx.app;
        let date = cx.date();
        if self.a.is_empty() && self.b.is_empty() {
            // The dates compared (from the command line), else a year before the
            // timeline's date and the date itself.
            let (a, b) = app.compare_dates.unwrap_or_else(|| {
                let first = cx.tl().snapshot().span().0;
                ((date - chrono::Duration::days(365)).max(first), date)
            });
            self.a = a.to_string();
            self.b = b.to_string();
        }
        ui.add_space(4.0);
        let mut swap = false;
        ui.horizontal_wrapped(|ui| {
            for which in [0, 1] {
                let (name, text) = if which == 0 {
                    ("Compare date A", &mut self.a)
                } else {
                    ("Compare date B", &mut self.b)
                };
                let label = if which == 0 { "Date A" } else { "Date B" };
                super::labelled_field(ui, label, text, DATE_WIDTH, "1 April 2019")
                    .on_hover_text(name);
                if ui
                    .small_button("= timeline")
                    .on_hover_text(format!("Use the timeline's date ({})", human_date(date)))
                    .clicked()
                {
                    *text = date.to_string();
                }
                if let Ok(d) = parse_date(text)
                    && ui
                        .small_button("show")
                        .on_hover_text("Move the timeline to this date")
                        .clicked()
                {
                    out.push(Time::SetDate(d).into());
                }
                ui.add_space(16.0);
            }
            if ui.button("Swap A and B").clicked() {
                swap = true;
            }
        });
        if swap {
            std::mem::swap(&mut self.a, &mut self.b);
        }
        ui.separator();
        let dates = parse_date(&self.a)
            .map_err(|e| format!("Date A: {e}"))
            .and_then(|a| Ok((a, parse_date(&self.b).map_err(|e| format!("Date B: {e}"))?)));
        let (a, b) = match dates {
            Ok(x) => x,
            Err(e) => {
                ui.colored_label(cx.theme.error, e);
                return;
            }
        };
        if app.compare_dates != Some((a, b)) {
            // The app compares them (the tree marks what they touch) from the next frame.
            out.push(Window::SetCompareDates(a, b).into());
            return;
        }
        let Some((c, _)) = app.comparison() else {
            return;
        };
        let s = cx.tl().snapshot();
        ui.label(
            RichText::new(format!("{} ➡ {}", human_date(c.a), human_date(c.b)))
                .size(20.0)
                .strong(),
        );
        if c.swapped {
            ui.weak("A is after B, so the dates are compared the other way round.");
        }
        ui.add_space(4.0);
        egui::Grid::new("compare counts")
            .striped(true)
            .spacing([28.0, 4.0])
            .show(ui, |ui| {
                ui.label("");
                ui.strong(human_date(c.a));
                ui.strong(human_date(c.b));
                ui.strong("change");
                ui.end_row();
                for (what, p, q) in c.count_rows() {
                    ui.label(what);
                    ui.label(thousands(p as u64));
                    ui.label(thousands(q as u64));
                    let d = q as i64 - p as i64;
                    ui.label(if d == 0 {
                        "no change".to_string()
                    } else {
                        let sign = if d > 0 { '+' } else { '-' };
                        format!("{sign}{}", thousands(d.unsigned_abs()))
                    });
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.label(RichText::new(c.summary()).size(18.0).strong());
        ui.weak("The tree on the left marks every organisation these changes touch.");
        ui.add_space(4.0);
        let mut select = None;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                if c.changes.is_empty() {
                    ui.weak("Nothing changed between these dates.");
                }
                select = change_list_ui(ui, s, &c, "compare");
            });
        if let Some(id) = select {
            out.push(Selection::Select(id).into());
        }
    }
}

/// Every change of a comparison, grouped by kind (long groups folded), each name a link;
/// returns the organisation clicked. `salt` keeps the folds of different lists apart.
pub fn change_list_ui(
    ui: &mut egui::Ui,
    s: &crate::model::Snapshot,
    c: &Comparison,
    salt: &str,
) -> Option<OrgId> {
    let mut select = None;
    for kind in ChangeKind::ALL {
        let items: Vec<_> = c.of(kind).collect();
        if items.is_empty() {
            continue;
        }
        egui::CollapsingHeader::new(format!("{} ({})", kind.heading(), items.len()))
            .id_salt((salt, kind.key()))
            .default_open(items.len() <= 40)
            .show(ui, |ui| {
                for ch in items {
                    ui.horizontal_wrapped(|ui| {
                        ui.weak(ch.date.to_string());
                        let link = |ui: &mut egui::Ui, id: OrgId| {
                            ui.link(s.org(id).label()).clicked().then_some(id)
                        };
                        match kind {
                            ChangeKind::Merge => {
                                select = select.or(link(ui, ch.to));
                                ui.label("formed from");
                                for f in &ch.from {
                                    select = select.or(link(ui, *f));
                                }
                            }
                            ChangeKind::CarriedOn => {
                                for f in &ch.from {
                                    select = select.or(link(ui, *f));
                                }
                                ui.label("carries on as");
                                select = select.or(link(ui, ch.to));
                            }
                            ChangeKind::BecameSubIcb => {
                                for f in &ch.from {
                                    select = select.or(link(ui, *f));
                                }
                                ui.label("became a sub-ICB location of");
                                if let Some(i) = ch.into {
                                    select = select.or(link(ui, i));
                                }
                            }
                            ChangeKind::SharedManagementBegan
                            | ChangeKind::SharedManagementEnded => {
                                for (i, f) in ch.from.iter().enumerate() {
                                    if i > 0 {
                                        ui.weak("·");
                                    }
                                    select = select.or(link(ui, *f));
                                }
                                if let Some(a) = ch.arrangement.and_then(|i| s.arrangements.get(i))
                                {
                                    let verb = if kind == ChangeKind::SharedManagementBegan {
                                        "began"
                                    } else {
                                        "ended"
                                    };
                                    ui.label(format!("{}: {verb}", a.kind.label()));
                                    ui.weak(format!(
                                        "{} ({})",
                                        crate::model::sharing::span_text(a),
                                        a.id
                                    ));
                                }
                            }
                            _ => {
                                select = select.or(link(ui, ch.to));
                                let text = ch.describe(s);
                                let rest = text
                                    .strip_prefix(&s.org(ch.to).label())
                                    .unwrap_or(&text)
                                    .trim_start_matches(':')
                                    .trim();
                                ui.label(rest);
                            }
                        }
                    });
                }
            });
    }
    select
}

/// Tree rows to mark: the organisations `touched`, and the systems and places they
/// belong to on `date` (so that closed branches show them too).
pub fn marks_on(tl: &Timeline, touched: &HashSet<OrgId>, date: Date) -> HashSet<OrgId> {
    let s = tl.snapshot();
    let mut marks: HashSet<OrgId> = touched.iter().copied().collect();
    for id in touched.iter() {
        if !s.org(*id).alive_on(date) {
            continue;
        }
        for (_, l) in s.links_of(*id) {
            if l.a == *id && l.holds_on(date) {
                use crate::model::LinkKind as K;
                if matches!(
                    l.kind,
                    K::CcgSystem | K::SubIcbIcb | K::CcgPlace | K::SubIcbPlace
                ) {
                    marks.insert(l.b);
                }
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_include_systems_and_places_of_new_ccgs() {
        let l = crate::model::load_str(crate::ENGLAND_RON).unwrap();
        let tl = Timeline::new(l.snapshot);
        let (a, d): (Date, Date) = ("2019-04-01".parse().unwrap(), "2020-04-01".parse().unwrap());
        let c = crate::model::compare::compare(&tl, a, d);
        let touched: HashSet<OrgId> = c.touched().into_iter().collect();
        let m = marks_on(&tl, &touched, d);
        let s = tl.snapshot();
        let code = |c: &str| s.find_any(c)[0];
        assert!(m.contains(&code("91Q")));
        assert!(m.contains(&code("E54000032")), "Kent and Medway system");
        assert!(m.contains(&code("E10000016")), "Kent place");
        assert!(
            !m.contains(&code("E54000027")),
            "North West London: no change"
        );
    }
}
