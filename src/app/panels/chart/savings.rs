//! Chart (b): modelled savings by system, sorted, with the 20% line.

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, HLine, Plot};

use super::{Mark, plot_with_legend};
use crate::model::OrgId;
use crate::view::SavingsChart;

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
    let legend = vec![
        (
            Mark::Dot,
            accent,
            "Modelled savings, % of baseline".to_string(),
        ),
        (
            Mark::Line,
            warm,
            format!("{:.0}% target", chart.target_percent),
        ),
    ];
    let space = ui.available_height() - 26.0;
    let resp = plot_with_legend(ui, "savings chart", &legend, space, |ui, size| {
        Plot::new("savings chart")
            .width(size.x)
            .height(size.y)
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
            })
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
