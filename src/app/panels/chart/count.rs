//! Chart (c): statutory CCGs and leadership teams over time, with reported figures
//! beside the record.

use egui::{Color32, RichText};
use egui_plot::{HoverPosition, Line, LineStyle, Plot, PlotPoints, Points, VLine};

use super::{Mark, plot_with_legend};
use crate::view::{CountChart, capitalise};

/// The label of a count series: `CCGs sharing leadership`.
fn series_label(series: &str) -> &'static str {
    match series {
        "ccg" => "Statutory CCGs",
        "leadership_teams" => "Leadership teams",
        "ccgs_sharing_leadership" => "CCGs sharing leadership",
        "shared_leadership_teams" => "Shared leaders (teams over 2+ CCGs)",
        _ => "other",
    }
}

/// Chart (c): statutory CCGs and leadership teams over time, with the CCGs sharing
/// leadership, the reported figures beside the record, and the current date marked.
pub fn count_chart_ui(
    ui: &mut egui::Ui,
    chart: &CountChart,
    accent: Color32,
    warm: Color32,
    teams_colour: Color32,
) {
    ui.label(RichText::new("CCGs and leadership teams over time").strong());
    ui.label(format!("Marked: {}", chart.marker_label));
    let top = chart.steps.iter().map(|p| p[1]).fold(0.0, f64::max);
    let notes = chart.annotations.clone();
    // What goes under the plot: the notes, or the summary of the figures they give.
    let below: Vec<String> = match summary_line(chart) {
        Some(line) => vec![line],
        None => chart
            .annotations
            .iter()
            .enumerate()
            .map(|(i, (_, text))| format!("Note {} (dotted line): {text}", i + 1))
            .collect(),
    };
    let below_height: f32 = below.iter().map(|t| text_height(ui, t)).sum();
    let height = (ui.available_height() - below_height - 8.0).max(120.0);
    let points = chart.points.clone();
    let mut legend = vec![
        (Mark::Line, accent, series_label("ccg").to_string()),
        (
            Mark::Line,
            teams_colour,
            series_label("leadership_teams").to_string(),
        ),
        (
            Mark::Dashed,
            teams_colour.gamma_multiply(0.8),
            series_label("ccgs_sharing_leadership").to_string(),
        ),
        (
            Mark::Dotted,
            teams_colour.gamma_multiply(0.6),
            series_label("shared_leadership_teams").to_string(),
        ),
    ];
    if let Some(p) = chart.points.first() {
        legend.push((
            Mark::Diamond,
            warm,
            format!("{} figure", capitalise(p.basis.label())),
        ));
        legend.push((
            Mark::Hollow,
            teams_colour,
            "The record that day".to_string(),
        ));
    }
    plot_with_legend(ui, "count chart", &legend, height, |ui, size| {
        Plot::new("count chart")
            .width(size.x)
            .height(size.y)
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
            .y_axis_label("CCGs / teams")
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
                    "{plot_name}\n{:.0}: {:.0}",
                    position.x.floor(),
                    position.y
                )),
                HoverPosition::Elsewhere { .. } => None,
            })
            .show(ui, |plot| {
                // The step lines: series, points, colour, width and style.
                let lines = [
                    ("ccg", &chart.steps, accent, 2.0, LineStyle::Solid),
                    (
                        "leadership_teams",
                        &chart.teams,
                        teams_colour,
                        2.0,
                        LineStyle::Solid,
                    ),
                    (
                        "ccgs_sharing_leadership",
                        &chart.sharing,
                        teams_colour.gamma_multiply(0.8),
                        1.5,
                        LineStyle::dashed_loose(),
                    ),
                    (
                        "shared_leadership_teams",
                        &chart.shared_teams,
                        teams_colour.gamma_multiply(0.6),
                        1.0,
                        LineStyle::dotted_dense(),
                    ),
                ];
                for (series, points, colour, width, style) in lines {
                    plot.line(
                        Line::new(series_label(series), PlotPoints::from(points.clone()))
                            .color(colour)
                            .width(width)
                            .style(style)
                            .allow_band(false),
                    );
                }
                // Reported figures as diamonds, each beside the record's value that day.
                for p in &points {
                    plot.points(
                        Points::new(
                            format!(
                                "{} ({}): {:.0}",
                                series_label(&p.series),
                                p.basis.label(),
                                p.value
                            ),
                            PlotPoints::from(vec![[p.x, p.value]]),
                        )
                        .color(warm)
                        .radius(6.0)
                        .shape(egui_plot::MarkerShape::Diamond),
                    );
                    plot.points(
                        Points::new(
                            format!("{} (the record): {:.0}", series_label(&p.series), p.record),
                            PlotPoints::from(vec![[p.x, p.record]]),
                        )
                        .color(teams_colour)
                        .radius(4.0)
                        .filled(false),
                    );
                }
                plot.vline(
                    VLine::new("Date shown", chart.marker_x)
                        .color(warm)
                        .width(2.0),
                );
                // Notes are marked by a dotted line at their date, not drawn as data.
                for (i, (x, _)) in notes.iter().enumerate() {
                    plot.vline(
                        VLine::new(format!("Note {}", i + 1), *x)
                            .color(warm.gamma_multiply(0.7))
                            .style(LineStyle::dotted_dense())
                            .width(1.5),
                    );
                }
            });
    });
    // A note whose figures are drawn is summed up in the line below, its words on
    // hover; other notes are written out.
    let hover = format!(
        "{}\n\nThe record counts the dated arrangements it holds (shared_management.csv); the reported figure may count arrangements the record does not have.",
        chart
            .annotations
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for line in &below {
        let resp = ui.weak(line);
        if !chart.points.is_empty() {
            resp.on_hover_text(&hover);
        }
    }
}

/// The figures notes give beside the record, in a sentence: `Reported (DAC Beachcroft,
/// 11 June 2019): 127 CCGs sharing leadership, 38 shared leaders (diamonds); the record
/// that day: 118 and 28 (hollow dots).`
fn summary_line(chart: &CountChart) -> Option<String> {
    let first = chart.points.first()?;
    let short = |series: &str| match series {
        "ccg" => "CCGs",
        "leadership_teams" => "leadership teams",
        "ccgs_sharing_leadership" => "CCGs sharing leadership",
        "shared_leadership_teams" => "shared leaders",
        _ => "",
    };
    let given: Vec<String> = chart
        .points
        .iter()
        .map(|p| format!("{:.0} {}", p.value, short(&p.series)))
        .collect();
    let record: Vec<String> = chart
        .points
        .iter()
        .map(|p| format!("{:.0}", p.record))
        .collect();
    // `DAC Beachcroft, "The NHS Long Term Plan balancing act", 11 June 2019`: the
    // author and the date, without the article's title.
    let parts: Vec<&str> = first.source_title.split(", ").collect();
    let who = match parts.as_slice() {
        [author, .., date] if parts.len() > 1 => format!("{author}, {date}"),
        _ => first.source_title.clone(),
    };
    Some(format!(
        "{} ({who}): {} (diamonds); the record on {}: {} (hollow dots).",
        capitalise(first.basis.label()),
        given.join(", "),
        crate::model::human_date(first.date),
        record.join(" and ")
    ))
}

/// The height of `text` wrapped to the width available, as a weak label takes it.
fn text_height(ui: &egui::Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let width = ui.available_width().max(100.0);
    ui.fonts_mut(|f| {
        f.layout(text.to_string(), font, Color32::WHITE, width)
            .size()
            .y
    }) + ui.spacing().item_spacing.y
}
