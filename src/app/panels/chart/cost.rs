//! Chart (a): running costs of the footprint by financial year.

use egui::{Color32, RichText};
use egui_plot::{FilledArea, HLine, Line, LineStyle, PlotPoints, Points};

use super::{Mark, fy_label, plot_with_legend};
use crate::model::Provenance;
use crate::view::CostChart;

/// Chart (a): running costs of the footprint by financial year.
pub fn cost_chart_ui(
    ui: &mut egui::Ui,
    chart: &CostChart,
    actual: Option<&[crate::model::costs::YearCost]>,
    accent: Color32,
    warm: Color32,
) {
    // The title says what is drawn; how to read it is on hover and in the legend.
    let note = super::title_and_notes(
        ui,
        &chart.title,
        "GBP m by financial year. Dashed lines are modelled; filled dots are published \
             figures, hollow ones derived; diamonds are reported claims; squares a CCG's own \
             published allowance. A CCG's running costs are drawn for its footprint: every CCG \
             linked to it by mergers, so that each year covers the same area.",
        420.0,
    );
    let weak = ui.visuals().weak_text_color();
    note(
        ui,
        RichText::new(format!(
            "GBP m · baseline {}, target {} ({:.0}% cut) · {}",
            fy_label(chart.baseline_year as f64),
            fy_label(chart.target_year as f64),
            chart.cut * 100.0,
            chart.members
        ))
        .color(weak),
    );
    // A note from the same source as a reported figure is that figure's words: on hover.
    let reported_sources: Vec<&str> = chart
        .reported
        .iter()
        .map(|r| r.figure.raw.source.as_str())
        .collect();
    for (source, text) in &chart.annotations {
        if !reported_sources.contains(&source.as_str()) {
            note(ui, RichText::new(format!("Note: {text}")).italics());
        }
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
    let own: Vec<[f64; 2]> = chart
        .own_published
        .iter()
        .map(|(y, v, _)| [*y as f64, m(*v)])
        .collect();
    let own_label = "Allowance of this CCG alone (published)".to_string();
    for r in &chart.reported {
        let (Some(y), Some(gbp)) = (r.year, r.figure.raw.gbp) else {
            continue;
        };
        let model = r
            .modelled_saving_gbp
            .map(|m| {
                format!(
                    "; the model gives £{:.1}m of structural savings by {}",
                    m / 1e6,
                    fy_label(y as f64)
                )
            })
            .unwrap_or_default();
        let source = r
            .figure
            .source_title
            .split(':')
            .next()
            .unwrap_or(&r.figure.raw.source);
        let words: Vec<&str> = chart
            .annotations
            .iter()
            .filter(|(s, _)| *s == r.figure.raw.source)
            .map(|(_, t)| t.as_str())
            .collect();
        note(ui, RichText::new(format!(
            "Reported: £{:.1}m {}, {} (the diamond){model}. Why they differ: FORMAT.md, \"Reported figures and the model\".",
            gbp / 1e6,
            r.figure.raw.metric.replace('_', " "),
            r.figure.raw.period,
        )))
        .on_hover_text(format!("{}\n\nSource: {source}", words.join("\n")));
    }
    for (y, v, src) in &chart.own_published {
        note(
            ui,
            RichText::new(format!(
                "Published: this CCG's own allowance in {} was £{:.2}m (source {src}).",
                fy_label(*y as f64),
                v / 1e6
            )),
        );
    }
    let grey = ui.visuals().weak_text_color();
    let top = chart
        .rows
        .iter()
        .map(|r| m(r.allowance_gbp.max(r.modelled_cost_gbp)))
        .fold(0.0, f64::max);
    // The legend goes under the plot, so that it never covers the data.
    let mut legend: Vec<(Mark, Color32, String)> = vec![
        (
            Mark::Dotted,
            grey,
            format!(
                "Baseline ({} allowance)",
                fy_label(chart.baseline_year as f64)
            ),
        ),
        (
            Mark::Line,
            warm,
            format!(
                "Target: baseline less {:.0}% by {}",
                chart.cut * 100.0,
                fy_label(chart.target_year as f64)
            ),
        ),
        (Mark::Dashed, accent, "Allowance (modelled)".to_string()),
    ];
    if !published.is_empty() {
        legend.push((Mark::Dot, accent, "Allowance (published)".to_string()));
    }
    if chart.national.iter().any(|n| n.2.is_published()) {
        legend.push((Mark::Dot, accent, "National total (published)".to_string()));
    }
    if chart.national.iter().any(|n| !n.2.is_published()) {
        legend.push((
            Mark::Hollow,
            accent,
            "National total (derived or estimated)".to_string(),
        ));
    }
    if !own.is_empty() {
        legend.push((Mark::Square, warm, own_label.clone()));
    }
    let own_colour = accent.gamma_multiply(0.55);
    if let Some((label, _)) = &chart.own {
        legend.push((Mark::Line, own_colour, label.clone()));
    }
    legend.push((
        Mark::Dashed,
        warm,
        if actual.is_some() {
            "Scenario: baseline less modelled savings".to_string()
        } else {
            "Baseline less modelled merger and sharing savings".to_string()
        },
    ));
    if actual.is_some() {
        legend.push((
            Mark::Dotted,
            grey,
            "Actual record: baseline less modelled savings".to_string(),
        ));
    }
    legend.push((
        Mark::Fill,
        warm,
        "Gap to target (other actions)".to_string(),
    ));
    let now = super::Now::new(ui, chart.current_year, &mut legend);
    if chart
        .reported
        .iter()
        .any(|r| r.year.is_some() && r.figure.raw.gbp.is_some())
    {
        legend.push((Mark::Diamond, warm, "Reported claim".to_string()));
    }
    let space = ui.available_height();
    plot_with_legend(ui, "cost chart", &legend, space, |ui, size| {
        super::money_by_year_plot("cost chart", size, (first, last), true)
            .include_y(target * 0.85)
            .include_y(top * 1.03)
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
                            .radius(5.0)
                            .shape(egui_plot::MarkerShape::Square),
                    );
                }
                if let Some((label, pts)) = &chart.own {
                    let pts: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], m(p[1])]).collect();
                    plot.line(
                        Line::new(label.clone(), PlotPoints::from(pts))
                            .color(own_colour)
                            .width(2.5),
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
                // England's national totals: published as filled dots, others hollow.
                for (basis, filled) in [(true, true), (false, false)] {
                    let pts: Vec<[f64; 2]> = chart
                        .national
                        .iter()
                        .filter(|(_, _, b, _)| b.is_published() == basis)
                        .map(|(y, v, _, _)| [*y as f64, m(*v)])
                        .collect();
                    if pts.is_empty() {
                        continue;
                    }
                    let name = if basis {
                        "National total (published)"
                    } else {
                        "National total (derived or estimated)"
                    };
                    plot.points(
                        Points::new(name, PlotPoints::from(pts))
                            .color(accent)
                            .radius(5.0)
                            .filled(filled),
                    );
                }
                // Reported claims: the baseline less what was reported, beside the model.
                for r in &chart.reported {
                    if let (Some(y), Some(gbp)) = (r.year, r.figure.raw.gbp) {
                        plot.points(
                            Points::new(
                                format!("Reported: baseline less £{:.1}m", gbp / 1e6),
                                PlotPoints::from(vec![[y as f64, baseline - m(gbp)]]),
                            )
                            .color(warm)
                            .radius(6.0)
                            .shape(egui_plot::MarkerShape::Diamond),
                        );
                    }
                }
                now.draw(plot, 2.0);
            });
    });
}
