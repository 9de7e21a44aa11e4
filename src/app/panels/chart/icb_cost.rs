//! Chart (a) in the ICB era: an ICB footprint's running costs, from July 2022, with
//! the 30% and 50% targets and the £18.76 a head envelope. Never mixed with the CCG
//! era's figures: the era is a choice above the chart.

use egui::{Color32, RichText};
use egui_plot::{Line, LineStyle, PlotPoints, Points};

use super::{Mark, plot_with_legend};
use crate::view::{IcbCostChart, capitalise};

/// Chart (a) for the ICB era.
pub fn icb_cost_chart_ui(ui: &mut egui::Ui, chart: &IcbCostChart, accent: Color32, warm: Color32) {
    let compact = ui.available_height() < 560.0;
    // The title says what is drawn; how to read it is on hover and in the legend.
    let note = super::title_and_notes(
        ui,
        &chart.title,
        "GBP m by financial year, from July 2022. Dashed lines are modelled; filled \
             dots are published figures (the 2024/25 allowances are drafts); hollow dots \
             cover only part of the footprint; diamonds are reported or derived figures. \
             An ICB's footprint follows its lineage: Central East's includes its predecessors.",
        560.0,
    );
    let weak = ui.visuals().weak_text_color();
    note(ui, RichText::new(&chart.describe).color(weak));
    if let Some(f) = &chart.fallback {
        note(ui, RichText::new(f).italics());
    }
    if !chart.not_comparable.is_empty() {
        note(ui, RichText::new(&chart.not_comparable).color(warm));
    }
    if compact {
        // One line each, the words on hover, so that the plot keeps its room.
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "{} rules, {} years without a figure (hover)",
                    chart.rules.len(),
                    chart.gaps.len()
                ))
                .small()
                .color(weak),
            )
            .truncate(),
        )
        .on_hover_text(
            chart
                .rules
                .iter()
                .map(|r| format!("Rule: {r}"))
                .chain(chart.gaps.iter().map(|(_, g)| format!("No figure: {g}")))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    } else {
        for rule in &chart.rules {
            note(ui, RichText::new(format!("Rule: {rule}")).small());
        }
        for (_, gap) in &chart.gaps {
            note(
                ui,
                RichText::new(format!("No figure: {gap}"))
                    .small()
                    .color(weak),
            );
        }
    }
    if chart.years.is_empty() {
        ui.weak("No ICBs in this snapshot: no ICB running costs to draw.");
        return;
    }
    let first = chart.years.first().copied().unwrap_or(0) as f64;
    let last = chart.years.last().copied().unwrap_or(0) as f64;
    let top = chart
        .envelope
        .iter()
        .chain(&chart.half)
        .map(|p| p[1])
        .chain(chart.points.iter().map(|p| p.gbp_m))
        .fold(0.0, f64::max);
    let envelope_label =
        "Envelope: £ a head × population (modelled; covers programme pay too)".to_string();
    let half_label = "Half the 2024/25 allowance (modelled)".to_string();
    let mut legend: Vec<(Mark, Color32, String)> = Vec::new();
    if !chart.envelope.is_empty() {
        legend.push((Mark::Dashed, warm, envelope_label.clone()));
    }
    if !chart.half.is_empty() {
        legend.push((Mark::Dashed, accent, half_label.clone()));
    }
    if chart
        .points
        .iter()
        .any(|p| p.complete && p.basis.is_published())
    {
        legend.push((Mark::Dot, accent, "Allowance (published)".to_string()));
    }
    let mut part_bases: Vec<&str> = Vec::new();
    for p in chart.points.iter().filter(|p| !p.complete) {
        if !part_bases.contains(&p.basis.label()) {
            part_bases.push(p.basis.label());
        }
    }
    if !part_bases.is_empty() {
        legend.push((
            Mark::Hollow,
            accent,
            format!(
                "Allowances of part of the footprint ({})",
                part_bases.join(" or ")
            ),
        ));
    }
    if chart
        .points
        .iter()
        .any(|p| p.complete && !p.basis.is_published())
    {
        legend.push((
            Mark::Diamond,
            warm,
            "Reported or derived figure".to_string(),
        ));
    }
    if chart.envelope.is_empty() && chart.half.is_empty() && chart.points.is_empty() {
        note(
            ui,
            RichText::new(
                "No ICB running-cost figure is known for this footprint: nothing is drawn.",
            )
            .italics(),
        );
    }
    let now = super::Now::new(ui, chart.current_year, &mut legend);
    let space = ui.available_height();
    plot_with_legend(ui, "icb cost chart", &legend, space, |ui, size| {
        super::money_by_year_plot("icb cost chart", size, (first, last), false)
            .include_y(0.0)
            .include_y(top.max(1.0) * 1.08)
            .show(ui, |plot| {
                if !chart.envelope.is_empty() {
                    plot.line(
                        Line::new(
                            envelope_label.clone(),
                            PlotPoints::from(chart.envelope.clone()),
                        )
                        .color(warm)
                        .width(2.0)
                        .style(LineStyle::dashed_loose()),
                    );
                }
                if !chart.half.is_empty() {
                    plot.line(
                        Line::new(half_label.clone(), PlotPoints::from(chart.half.clone()))
                            .color(accent)
                            .width(2.0)
                            .style(LineStyle::dashed_loose()),
                    );
                }
                for p in &chart.points {
                    let at = PlotPoints::from(vec![[p.year as f64, p.gbp_m]]);
                    let label = capitalise(&p.label);
                    let points = Points::new(label, at);
                    let points = if !p.complete {
                        points.color(accent).radius(5.0).filled(false)
                    } else if p.basis.is_published() {
                        points.color(accent).radius(5.0)
                    } else {
                        points
                            .color(warm)
                            .radius(6.0)
                            .shape(egui_plot::MarkerShape::Diamond)
                    };
                    plot.points(points);
                }
                now.draw(plot, 1.0);
            });
    });
}
