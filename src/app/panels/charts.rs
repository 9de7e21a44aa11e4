//! The running-costs view: the chart in focus large on top, the other two side by
//! side under it; in a short window (a laptop, a projector) the large one alone.

use egui::Vec2;

use super::chart;
use crate::app::ViewCtx;
use crate::app::command::{Command, Selection, Window};
use crate::model::format::ChartKind;
use crate::view;

/// Below this height the charts view shows only the chart chosen as large.
pub const SHORT_CHARTS: f32 = 560.0;
/// The large chart's share of the height when all three show, and its least height.
const LARGE_SHARE: f32 = 0.52;
const LARGE_MIN: f32 = 200.0;

/// Where each chart was drawn (exports crop to them).
#[derive(Default)]
pub struct ChartsView {
    /// Running costs, savings, CCGs over time.
    pub rects: [Option<egui::Rect>; 3],
}

impl ChartsView {
    /// The charts.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let app = cx.app;
        let charts = app.charts();
        let selected_system = cx
            .selection()
            .and_then(|id| view::system_of(cx.tl(), id, cx.date()));
        let t = cx.theme;
        // The chart in focus (a bookmark can choose it) takes the large area on top.
        let order: [usize; 3] = match app.focus_chart {
            ChartKind::Costs => [0, 1, 2],
            ChartKind::Savings => [1, 0, 2],
            ChartKind::CcgCount => [2, 0, 1],
        };
        let mut clicked = None;
        let mut draw = |ui: &mut egui::Ui, which: usize| -> egui::Rect {
            // Left-aligned, never justified: `ui.columns` stretches words to the edge.
            let layout = egui::Layout::top_down(egui::Align::Min);
            let r = ui.with_layout(layout, |ui| match which {
                0 => {
                    // The era's choice: the CCGs' costs or the ICBs', never both.
                    let era = app.cost_era();
                    ui.horizontal(|ui| {
                        ui.label("Running costs:");
                        for e in [view::CostEra::Ccg, view::CostEra::Icb] {
                            if ui.selectable_label(era == e, e.label()).clicked() && era != e {
                                out.push(Window::SetCostEra(Some(e)).into());
                            }
                        }
                    });
                    match &charts.icb_costs {
                        Some(icb) => chart::icb_cost_chart_ui(ui, icb, t.accent, t.changed),
                        None => chart::cost_chart_ui(
                            ui,
                            &charts.costs,
                            charts.actual.as_deref().map(Vec::as_slice),
                            t.accent,
                            t.changed,
                        ),
                    }
                }
                1 => {
                    clicked = chart::savings_chart_ui(
                        ui,
                        &charts.savings,
                        selected_system,
                        t.accent,
                        t.changed,
                    )
                }
                _ => chart::count_chart_ui(ui, &charts.count, t.accent, t.changed, t.teams),
            });
            r.response.rect
        };
        let total = ui.available_height();
        let mut rects = [None; 3];
        if total < SHORT_CHARTS {
            // Too short for three readable charts (a laptop, a projector in presenter
            // mode): the one chosen above takes the whole area.
            rects[order[0]] = Some(draw(ui, order[0]));
        } else {
            let top = (total * LARGE_SHARE).max(LARGE_MIN);
            let r = ui.allocate_ui(Vec2::new(ui.available_width(), top), |ui| {
                draw(ui, order[0])
            });
            rects[order[0]] = Some(r.inner);
            ui.add_space(6.0);
            ui.columns(2, |cols| {
                rects[order[1]] = Some(draw(&mut cols[0], order[1]));
                rects[order[2]] = Some(draw(&mut cols[1], order[2]));
            });
        }
        if let Some(id) = clicked {
            out.push(Selection::Select(id).into());
        }
        self.rects = rects;
    }
}
