//! The three charts, drawn with egui_plot from their view models.

use egui::{Color32, RichText};
use egui_plot::{
    Bar, BarChart, Corner, FilledArea, HLine, HoverPosition, Legend, Line, LineStyle, Plot,
    PlotPoints, Points, VLine,
};

use crate::model::{OrgId, Provenance};
use crate::view::{CostChart, CountChart, SavingsChart};

fn fy_label(start_year: f64) -> String {
    let y = start_year.round() as i32;
    format!("{y}/{:02}", (y + 1).rem_euclid(100))
}

/// Chart (a): running costs of the footprint by financial year.
pub fn cost_chart_ui(
    ui: &mut egui::Ui,
    chart: &CostChart,
    actual: Option<&[crate::model::costs::YearCost]>,
    accent: Color32,
    warm: Color32,
) {
    ui.label(RichText::new(&chart.title).strong().size(16.0));
    ui.weak(format!(
        "GBP m by financial year. Dashed lines are modelled; dots are published allowances. Baseline {}, target {} ({:.0}% cut).",
        fy_label(chart.baseline_year as f64),
        fy_label(chart.target_year as f64),
        chart.cut * 100.0
    ));
    ui.weak(format!("Footprint: {}.", chart.members));
    for a in &chart.annotations {
        ui.label(RichText::new(format!("Note: {a}")).italics());
    }
    if chart.rows.is_empty() {
        ui.weak("No running-cost years in this snapshot.");
        return;
    }
    let m = |x: f64| x / 1e6;
    let allowance: Vec<[f64; 2]> = chart
        .rows
        .iter()
        .map(|r| [r.start_year as f64, m(r.allowance_gbp)])
        .collect();
    let published: Vec<[f64; 2]> = chart
        .rows
        .iter()
        .filter(|r| r.allowance_basis == Provenance::Published)
        .map(|r| [r.start_year as f64, m(r.allowance_gbp)])
        .collect();
    let after: Vec<&crate::model::costs::YearCost> = chart
        .rows
        .iter()
        .filter(|r| r.start_year >= chart.baseline_year)
        .collect();
    let cost: Vec<[f64; 2]> = after
        .iter()
        .map(|r| [r.start_year as f64, m(r.modelled_cost_gbp)])
        .collect();
    let xs: Vec<f64> = after.iter().map(|r| r.start_year as f64).collect();
    let lo: Vec<f64> = after
        .iter()
        .map(|r| m(r.target_gbp).min(m(r.modelled_cost_gbp)))
        .collect();
    let hi: Vec<f64> = after.iter().map(|r| m(r.modelled_cost_gbp)).collect();
    let baseline = chart.rows.first().map(|r| m(r.baseline_gbp)).unwrap_or(0.0);
    let target = chart.rows.first().map(|r| m(r.target_gbp)).unwrap_or(0.0);
    let first = chart.rows.first().map(|r| r.start_year).unwrap_or(0) as f64;
    let last = chart.rows.last().map(|r| r.start_year).unwrap_or(0) as f64;
    let current = chart.current_year;
    let own: Vec<[f64; 2]> = chart
        .own_published
        .iter()
        .map(|(y, v, _)| [*y as f64, m(*v)])
        .collect();
    let own_label = "Allowance of this CCG alone (published)".to_string();
    for (y, v, src) in &chart.own_published {
        ui.label(format!(
            "Published: this CCG's own allowance in {} was £{:.2}m (source {src}).",
            fy_label(*y as f64),
            v / 1e6
        ));
    }
    let grey = ui.visuals().weak_text_color();
    let top = chart
        .rows
        .iter()
        .map(|r| m(r.allowance_gbp.max(r.modelled_cost_gbp)))
        .fold(0.0, f64::max);
    Plot::new("cost chart")
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .legend(
            Legend::default()
                .position(Corner::LeftBottom)
                .follow_insertion_order(true),
        )
        .x_axis_label("financial year")
        .y_axis_label("GBP m")
        .x_axis_formatter(|mark, _| {
            if (mark.value - mark.value.round()).abs() < 1e-6 {
                fy_label(mark.value)
            } else {
                String::new()
            }
        })
        .y_axis_formatter(|mark, _| format!("{:.0}", mark.value))
        .label_formatter(|hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}: £{:.1}m",
                fy_label(position.x),
                position.y
            )),
            HoverPosition::Elsewhere { position } => {
                if position.x < first - 0.5 || position.x > last + 0.5 {
                    return None;
                }
                Some(format!("{}: £{:.1}m", fy_label(position.x), position.y))
            }
        })
        .include_y(target * 0.85)
        .include_y(top * 1.03)
        .include_x(first - 0.3)
        .include_x(last + 0.3)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .show(ui, |plot| {
            plot.add(
                FilledArea::new("Gap to target (other actions)", &xs, &lo, &hi)
                    .fill_color(warm.gamma_multiply(0.25)),
            );
            plot.hline(
                HLine::new(
                    format!(
                        "Baseline ({} allowance)",
                        fy_label(chart.baseline_year as f64)
                    ),
                    baseline,
                )
                .color(grey)
                .style(LineStyle::dotted_loose()),
            );
            plot.hline(
                HLine::new(
                    format!(
                        "Target: baseline less {:.0}% by {}",
                        chart.cut * 100.0,
                        fy_label(chart.target_year as f64)
                    ),
                    target,
                )
                .color(warm)
                .width(1.5),
            );
            if !own.is_empty() {
                plot.points(
                    Points::new(own_label.clone(), PlotPoints::from(own.clone()))
                        .color(warm)
                        .radius(6.0)
                        .shape(egui_plot::MarkerShape::Diamond),
                );
            }
            plot.line(
                Line::new("Allowance (modelled)", PlotPoints::from(allowance))
                    .color(accent)
                    .width(2.0)
                    .style(LineStyle::dashed_loose()),
            );
            if !published.is_empty() {
                plot.points(
                    Points::new("Allowance (published)", PlotPoints::from(published))
                        .color(accent)
                        .radius(5.0),
                );
            }
            plot.line(
                Line::new(
                    if actual.is_some() {
                        "Scenario: baseline less modelled savings"
                    } else {
                        "Baseline less modelled merger and sharing savings"
                    },
                    PlotPoints::from(cost),
                )
                .color(warm)
                .width(2.0)
                .style(LineStyle::dashed_dense()),
            );
            if let Some(actual) = actual {
                let pts: Vec<[f64; 2]> = actual
                    .iter()
                    .filter(|r| r.start_year >= chart.baseline_year)
                    .map(|r| [r.start_year as f64, m(r.modelled_cost_gbp)])
                    .collect();
                plot.line(
                    Line::new(
                        "Actual record: baseline less modelled savings",
                        PlotPoints::from(pts),
                    )
                    .color(grey)
                    .width(2.0)
                    .style(LineStyle::dotted_dense()),
                );
            }
            if let Some(y) = current {
                plot.vline(
                    VLine::new(format!("Now: {}", fy_label(y as f64)), y as f64).color(grey),
                );
            }
        });
}

/// Chart (b): savings by system, sorted, with the 20% line. Returns a clicked system.
pub fn savings_chart_ui(
    ui: &mut egui::Ui,
    chart: &SavingsChart,
    selected: Option<OrgId>,
    accent: Color32,
    warm: Color32,
) -> Option<OrgId> {
    ui.label(RichText::new(&chart.title).strong());
    if !chart.note.is_empty() {
        ui.weak(&chart.note);
    } else {
        ui.weak("Largest first; modelled. Hover a bar for its system.");
    }
    // More systems than the chart has room for: each bar stands for a run of them.
    const MAX_BARS: usize = 240;
    let per_bar = chart.bars.len().div_ceil(MAX_BARS).max(1);
    if per_bar > 1 {
        ui.weak(format!(
            "{} systems: each bar is the mean of {per_bar} in rank order; hover for which.",
            chart.bars.len()
        ));
    }
    let bars: Vec<Bar> = chart
        .bars
        .chunks(per_bar)
        .enumerate()
        .map(|(k, run)| {
            let first = k * per_bar;
            let mean = run.iter().map(|(_, _, p)| *p).sum::<f64>() / run.len() as f64;
            let has_selected = run.iter().any(|(id, _, _)| Some(*id) == selected);
            let colour = if has_selected { warm } else { accent };
            let name = match run {
                [(_, name, _)] => name.clone(),
                [(_, name, _), ..] => format!(
                    "{name} and {} more (ranks {}–{})",
                    run.len() - 1,
                    first + 1,
                    first + run.len()
                ),
                [] => String::new(),
            };
            let centre = first as f64 + (run.len() as f64 + 1.0) / 2.0;
            Bar::new(centre, mean)
                .name(name)
                .fill(colour)
                .width(0.8 * run.len() as f64)
        })
        .collect();
    let n = chart.bars.len() as f64;
    let target = chart.target_percent;
    let resp = Plot::new("savings chart")
        .legend(Legend::default().position(Corner::RightTop))
        .height((ui.available_height() - 26.0).max(120.0))
        .y_axis_label("% of baseline")
        .x_axis_label("systems, ranked")
        .include_y(0.0)
        .include_y(target + 2.0)
        .include_x(0.0)
        .include_x(n + 1.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .show_x(false)
        .label_formatter(|_| None)
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("Modelled savings", bars)
                    .color(accent)
                    .element_formatter(Box::new(|bar, _| {
                        format!("{}: {:.1}% of baseline (modelled)", bar.name, bar.value)
                    })),
            );
            plot.hline(
                HLine::new(format!("{target:.0}% target"), target)
                    .color(warm)
                    .width(1.5),
            );
            plot.pointer_coordinate()
        });
    if resp.response.clicked()
        && let Some(p) = resp.inner
    {
        let i = p.x.round() as i64 - 1;
        let on_bar = per_bar > 1 || (p.x - (i + 1) as f64).abs() <= 0.4;
        if i >= 0 && (i as usize) < chart.bars.len() && on_bar {
            return Some(chart.bars[i as usize].0);
        }
    }
    None
}

/// Chart (c): the number of CCGs over time, with the current date marked.
pub fn count_chart_ui(ui: &mut egui::Ui, chart: &CountChart, accent: Color32, warm: Color32) {
    ui.label(RichText::new("Number of CCGs over time").strong());
    ui.label(format!("Marked: {}", chart.marker_label));
    let top = chart.steps.iter().map(|p| p[1]).fold(0.0, f64::max);
    let notes = chart.annotations.clone();
    let height = (ui.available_height() - 36.0 * chart.annotations.len() as f32 - 8.0).max(120.0);
    Plot::new("count chart")
        .height(height)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .y_axis_label("CCGs")
        .x_axis_formatter(|mark, _| {
            if (mark.value - mark.value.round()).abs() < 1e-6 {
                format!("{:.0}", mark.value)
            } else {
                String::new()
            }
        })
        .include_y(0.0)
        .include_y(top * 1.1)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .label_formatter(|hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{:.0}: {:.0} CCGs",
                position.x.floor(),
                position.y
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot| {
            plot.line(
                Line::new("CCGs", PlotPoints::from(chart.steps.clone()))
                    .color(accent)
                    .width(2.0)
                    .allow_band(false),
            );
            plot.vline(
                VLine::new("Date shown", chart.marker_x)
                    .color(warm)
                    .width(2.0),
            );
            // Notes are marked by a dotted line at their date, not drawn as data.
            for (i, (x, text)) in notes.iter().enumerate() {
                plot.vline(
                    VLine::new(format!("Note {}: {text}", i + 1), *x)
                        .color(warm.gamma_multiply(0.7))
                        .style(LineStyle::dotted_dense())
                        .width(1.5),
                );
            }
        });
    for (i, (_, text)) in chart.annotations.iter().enumerate() {
        ui.weak(format!("Note {} (dotted line): {text}", i + 1));
    }
}
