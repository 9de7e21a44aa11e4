//! Chart (c): commissioning bodies over time (statutory CCGs, then ICBs) and their
//! leadership teams across both eras, with reported figures beside the record.

use egui::{Color32, RichText};
use egui_plot::{HoverPosition, Line, LineStyle, Plot, PlotPoints, Points, VLine};

use super::{Mark, plot_with_legend};
use crate::view::{CountChart, capitalise};

/// The label of a count series: `CCGs sharing leadership`.
fn series_label(series: &str) -> &'static str {
    match series {
        "ccg" => "Statutory CCGs",
        "icb" => "Statutory ICBs",
        "leadership_teams" => "Leadership teams",
        "ccgs_sharing_leadership" => "CCGs sharing leadership",
        "icbs_sharing_leadership" => "ICBs sharing leadership (clusters)",
        "shared_leadership_teams" => "Shared leaders (teams over 2+ bodies)",
        _ => "other",
    }
}

/// Chart (c): statutory CCGs, then ICBs, and leadership teams over time, with the
/// bodies sharing leadership, the reported figures beside the record, and the current
/// date marked.
pub fn count_chart_ui(
    ui: &mut egui::Ui,
    chart: &CountChart,
    accent: Color32,
    warm: Color32,
    teams_colour: Color32,
) {
    ui.label(RichText::new("Commissioning bodies over time").strong());
    ui.label(format!("Marked: {}", chart.marker_label));
    let top = chart
        .steps
        .iter()
        .chain(&chart.icbs)
        .map(|p| p[1])
        .fold(0.0, f64::max);
    let notes = chart.annotations.clone();
    // What goes under the plot: the notes, or the summary of the figures they give.
    let summaries = summary_lines(chart);
    let below: Vec<String> = if summaries.is_empty() {
        chart
            .annotations
            .iter()
            .enumerate()
            .map(|(i, (_, text))| format!("Note {} (dotted line): {text}", i + 1))
            .collect()
    } else {
        summaries
    };
    let below_height: f32 = below.iter().map(|t| text_height(ui, t)).sum();
    let height = (ui.available_height() - below_height - 8.0).max(120.0);
    let points = chart.points.clone();
    let icb_colour = accent.gamma_multiply(0.6);
    let mut legend = vec![
        (Mark::Line, accent, series_label("ccg").to_string()),
        (Mark::Line, icb_colour, series_label("icb").to_string()),
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
            Mark::Dashed,
            warm.gamma_multiply(0.8),
            series_label("icbs_sharing_leadership").to_string(),
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
            .y_axis_label("bodies / teams")
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
                    ("icb", &chart.icbs, icb_colour, 2.0, LineStyle::Solid),
                    (
                        "icbs_sharing_leadership",
                        &chart.icb_sharing,
                        warm.gamma_multiply(0.8),
                        1.5,
                        LineStyle::dashed_loose(),
                    ),
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

/// The figures each note gives beside the record, a sentence a note: `Reported (DAC
/// Beachcroft, 11 June 2019): 127 CCGs sharing leadership, 38 shared leaders
/// (diamonds); the record on 1 Jun 2019: 118 and 28 (hollow dots).`
fn summary_lines(chart: &CountChart) -> Vec<String> {
    let short = |series: &str| match series {
        "ccg" => "CCGs",
        "icb" => "ICBs",
        "leadership_teams" => "leadership teams",
        "ccgs_sharing_leadership" => "CCGs sharing leadership",
        "icbs_sharing_leadership" => "ICBs sharing leadership",
        "shared_leadership_teams" => "shared leaders",
        _ => "",
    };
    // Points of one note share its date and source.
    let mut groups: Vec<Vec<&crate::view::NotePoint>> = Vec::new();
    for p in &chart.points {
        match groups.last_mut() {
            Some(g) if g[0].date == p.date && g[0].source_title == p.source_title => g.push(p),
            _ => groups.push(vec![p]),
        }
    }
    groups
        .iter()
        .map(|points| {
            let first = points[0];
            let given: Vec<String> = points
                .iter()
                .map(|p| format!("{:.0} {}", p.value, short(&p.series)))
                .collect();
            let record: Vec<String> = points.iter().map(|p| format!("{:.0}", p.record)).collect();
            // `DAC Beachcroft, "The NHS Long Term Plan balancing act", 11 June 2019`:
            // the author and the date, without the article's title.
            let parts: Vec<&str> = first.source_title.split(", ").collect();
            let who = match parts.as_slice() {
                [author, .., date] if parts.len() > 1 => format!("{author}, {date}"),
                _ => first.source_title.clone(),
            };
            format!(
                "{} ({who}): {} (diamonds); the record on {}: {} (hollow dots).",
                capitalise(first.basis.label()),
                given.join(", "),
                crate::model::human_date(first.date),
                record.join(" and ")
            )
        })
        .collect()
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
