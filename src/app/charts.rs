//! The three charts, drawn with egui_plot from their view models.

use egui::{Color32, RichText};
use egui_plot::{
    Bar, BarChart, FilledArea, HLine, HoverPosition, Line, LineStyle, Plot, PlotPoints, Points,
    VLine,
};

use crate::model::{OrgId, Provenance};
use crate::view::{CostChart, CountChart, SavingsChart, capitalise};

/// A y grid whose every line is labelled: 1, 2 or 5 times a power of ten, at least 30
/// points apart (egui_plot labels lines 20 points apart or more), so that a small chart
/// still gets as many labels as fit rather than one.
fn five_or_more_steps(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let range = (hi - lo).abs().max(1e-9);
    // `base_step_size` is the data span of the plot's minimum grid spacing (8 points).
    let at_least = (range / 7.0).max(input.base_step_size * 30.0 / 8.0);
    let magnitude = 10f64.powf(at_least.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= at_least)
        .unwrap_or(10.0 * magnitude);
    egui_plot::uniform_grid_spacer(move |_| [step, step * 5.0, step * 10.0])(input)
}

/// How a series is drawn, for the legends under the charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A solid line.
    Line,
    /// A dashed line (modelled).
    Dashed,
    /// A dotted line.
    Dotted,
    /// A filled dot (published).
    Dot,
    /// A hollow dot (derived or estimated, or the record beside a claim).
    Hollow,
    /// A diamond (a reported claim).
    Diamond,
    /// A square (one CCG's own published figure).
    Square,
    /// A shaded area.
    Fill,
}

/// A legend under a chart, wrapping onto more lines when narrow, so that it never sits
/// on the data.
pub fn legend_ui(ui: &mut egui::Ui, items: &[(Mark, Color32, String)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = LEGEND_SPACING;
        for (mark, colour, text) in items {
            legend_item(ui, *mark, *colour, text, None);
            ui.add_space(LEGEND_GAP);
        }
    });
}

/// The width of a legend's mark, and the room between the mark and its words.
const LEGEND_MARK: f32 = 24.0;
/// egui's spacing between legend items, and the extra gap after each.
const LEGEND_SPACING: f32 = 4.0;
const LEGEND_GAP: f32 = 8.0;

/// One legend entry: the mark as drawn, then its words.
/// Its words wrap within `wrap` points when given (a legend in a column).
fn legend_item(ui: &mut egui::Ui, mark: Mark, colour: Color32, text: &str, wrap: Option<f32>) {
    // One widget of its exact size, so that the mark and its words wrap together.
    let font = egui::TextStyle::Small.resolve(ui.style());
    let text_colour = ui.visuals().text_color();
    let line = ui.fonts_mut(|f| f.row_height(&font)).max(12.0);
    let galley = match wrap {
        Some(w) => ui.painter().layout(
            text.to_string(),
            font,
            text_colour,
            (w - LEGEND_MARK).max(40.0),
        ),
        None => ui
            .painter()
            .layout_no_wrap(text.to_string(), font, text_colour),
    };
    let size = egui::vec2(LEGEND_MARK + galley.size().x, galley.size().y.max(line));
    let (whole, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    // The mark beside the first line of the words.
    let rect = egui::Rect::from_min_size(
        egui::pos2(whole.left(), whole.top() + line / 2.0 - 6.0),
        egui::vec2(20.0, 12.0),
    );
    let p = ui.painter();
    p.galley(
        egui::pos2(whole.left() + LEGEND_MARK, whole.top()),
        galley,
        text_colour,
    );
    let c = rect.center();
    let stroke = egui::Stroke::new(2.0, colour);
    match mark {
        Mark::Line => {
            p.hline(rect.x_range(), c.y, stroke);
        }
        Mark::Dashed => {
            for k in 0..3 {
                let x = rect.left() + k as f32 * 7.0;
                p.hline(x..=x + 4.0, c.y, stroke);
            }
        }
        Mark::Dotted => {
            for k in 0..5 {
                p.circle_filled(
                    egui::pos2(rect.left() + 2.0 + k as f32 * 4.0, c.y),
                    1.0,
                    colour,
                );
            }
        }
        Mark::Dot => {
            p.circle_filled(c, 4.0, colour);
        }
        Mark::Hollow => {
            p.circle_stroke(c, 4.0, egui::Stroke::new(1.5, colour));
        }
        Mark::Diamond => {
            p.add(egui::Shape::convex_polygon(
                vec![
                    c + egui::vec2(0.0, -5.0),
                    c + egui::vec2(5.0, 0.0),
                    c + egui::vec2(0.0, 5.0),
                    c + egui::vec2(-5.0, 0.0),
                ],
                colour,
                egui::Stroke::NONE,
            ));
        }
        Mark::Square => {
            p.rect_filled(
                egui::Rect::from_center_size(c, egui::vec2(8.0, 8.0)),
                0.0,
                colour,
            );
        }
        Mark::Fill => {
            p.rect_filled(
                rect.shrink2(egui::vec2(2.0, 2.0)),
                1.0,
                colour.gamma_multiply(0.35),
            );
        }
    }
}

/// The least height a plot keeps before its legend moves beside it.
const MIN_PLOT_HEIGHT: f32 = 170.0;

/// A plot with its legend, in `space` points of height: the legend under the plot
/// while the plot keeps `MIN_PLOT_HEIGHT`, else (a short window, presenter mode at
/// 1024x768) in a column beside it, scrolling if it must, so that it never sits over
/// the data nor is cut. `plot` draws the plot at the size it is given.
pub fn plot_with_legend<R>(
    ui: &mut egui::Ui,
    salt: &str,
    legend: &[(Mark, Color32, String)],
    space: f32,
    plot: impl FnOnce(&mut egui::Ui, egui::Vec2) -> R,
) -> R {
    let width = ui.available_width();
    let below = legend_height(ui, legend);
    if space - below >= MIN_PLOT_HEIGHT {
        let r = plot(ui, egui::vec2(width, space - below));
        legend_ui(ui, legend);
        return r;
    }
    if width < 560.0 {
        // Too narrow for a column beside it: the legend scrolls under the plot.
        let height = (space * 0.6).max(100.0);
        let r = plot(ui, egui::vec2(width, height));
        egui::ScrollArea::vertical()
            .id_salt(("legend under", salt))
            .max_height((space - height).max(ui.spacing().interact_size.y * 2.0))
            .auto_shrink([false, true])
            .show(ui, |ui| legend_ui(ui, legend));
        return r;
    }
    let column = (width * 0.3).clamp(180.0, 300.0);
    let height = space.max(120.0);
    ui.horizontal_top(|ui| {
        let gap = ui.spacing().item_spacing.x;
        let r = plot(ui, egui::vec2(width - column - gap, height));
        egui::ScrollArea::vertical()
            .id_salt(("legend beside", salt))
            .max_height(height)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.set_width(column - gap);
                    ui.spacing_mut().item_spacing.y = 3.0;
                    for (mark, colour, text) in legend {
                        legend_item(ui, *mark, *colour, text, Some(column - gap));
                    }
                });
            });
        r
    })
    .inner
}

/// The height `legend_ui` will take at the current width: laid out as it
/// will be (items wrap whole), so that a plot above it leaves it room.
fn legend_height(ui: &egui::Ui, items: &[(Mark, Color32, String)]) -> f32 {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let width = ui.available_width().max(100.0);
    let mut rows = 0usize;
    let mut row_height: f32 = 0.0;
    let mut total = 0.0;
    let mut x = 0.0;
    for (_, _, text) in items {
        let size = ui.fonts_mut(|f| {
            f.layout_no_wrap(text.clone(), font.clone(), Color32::WHITE)
                .size()
        });
        let w = LEGEND_MARK + size.x;
        if rows == 0 || (x > 0.0 && x + w > width) {
            total += row_height;
            rows += 1;
            row_height = 0.0;
            x = 0.0;
        }
        // A wrapped row is at least as tall as an interactive widget.
        row_height = row_height.max(size.y.max(ui.spacing().interact_size.y));
        x += w + LEGEND_SPACING + LEGEND_GAP;
    }
    let spacing = ui.spacing().item_spacing.y;
    // Each row and the gap after it, and the gap between the legend and what is above.
    total + row_height + rows as f32 * spacing + spacing + 2.0
}

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
    // In a small chart (one of the two under the large one) each note takes one line,
    // cut with its full words on hover, so that the plot keeps its room.
    let compact = ui.available_height() < 420.0;
    let note = |ui: &mut egui::Ui, text: RichText| {
        let label = egui::Label::new(text);
        if compact {
            ui.add(label.truncate())
        } else {
            ui.add(label.wrap())
        }
    };
    // The title says what is drawn; how to read it is on hover and in the legend.
    ui.add(egui::Label::new(RichText::new(&chart.title).strong().size(16.0)).wrap())
        .on_hover_text(
            "GBP m by financial year. Dashed lines are modelled; filled dots are published \
             figures, hollow ones derived; diamonds are reported claims; squares a CCG's own \
             published allowance. A CCG's running costs are drawn for its footprint: every CCG \
             linked to it by mergers, so that each year covers the same area.",
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
        .map(|r| r.figure.source.as_str())
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
    let current = chart.current_year;
    let own: Vec<[f64; 2]> = chart
        .own_published
        .iter()
        .map(|(y, v, _)| [*y as f64, m(*v)])
        .collect();
    let own_label = "Allowance of this CCG alone (published)".to_string();
    for r in &chart.reported {
        let (Some(y), Some(gbp)) = (r.year, r.figure.gbp) else {
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
            .unwrap_or(&r.figure.source);
        let words: Vec<&str> = chart
            .annotations
            .iter()
            .filter(|(s, _)| *s == r.figure.source)
            .map(|(_, t)| t.as_str())
            .collect();
        note(ui, RichText::new(format!(
            "Reported: £{:.1}m {}, {} (the diamond){model}. Why they differ: FORMAT.md, \"Reported figures and the model\".",
            gbp / 1e6,
            r.figure.metric.replace('_', " "),
            r.figure.period,
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
    let now_colour = ui.visuals().strong_text_color();
    if let Some(y) = chart.current_year {
        legend.push((
            Mark::Dashed,
            now_colour,
            format!("Now: {}", fy_label(y as f64)),
        ));
    }
    if chart
        .reported
        .iter()
        .any(|r| r.year.is_some() && r.figure.gbp.is_some())
    {
        legend.push((Mark::Diamond, warm, "Reported claim".to_string()));
    }
    let space = ui.available_height();
    plot_with_legend(ui, "cost chart", &legend, space, |ui, size| {
        Plot::new("cost chart")
            .width(size.x)
            .height(size.y)
            .y_grid_spacer(five_or_more_steps)
            .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 2.0, 10.0]))
            // Every financial year labelled where labels 60 points apart fit (a laptop's
            // half-width chart), else every second one, never overlapping.
            .custom_x_axes(vec![
                egui_plot::AxisHints::new_x()
                    .label("financial year")
                    .label_spacing(56.0..=60.0)
                    .formatter(|mark, _| {
                        if (mark.value - mark.value.round()).abs() < 1e-6 {
                            fy_label(mark.value)
                        } else {
                            String::new()
                        }
                    }),
            ])
            .y_axis_label("GBP m")
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
                    if let (Some(y), Some(gbp)) = (r.year, r.figure.gbp) {
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
                // The year shown, in the strong text colour, so that it stands out from the
                // grid lines it sits on.
                if let Some(y) = current {
                    plot.vline(
                        VLine::new(format!("Now: {}", fy_label(y as f64)), y as f64)
                            .color(now_colour)
                            .width(2.0)
                            .style(LineStyle::dashed_dense()),
                    );
                }
            });
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
                plot.line(
                    Line::new(series_label("ccg"), PlotPoints::from(chart.steps.clone()))
                        .color(accent)
                        .width(2.0)
                        .allow_band(false),
                );
                plot.line(
                    Line::new(
                        series_label("leadership_teams"),
                        PlotPoints::from(chart.teams.clone()),
                    )
                    .color(teams_colour)
                    .width(2.0)
                    .allow_band(false),
                );
                plot.line(
                    Line::new(
                        series_label("ccgs_sharing_leadership"),
                        PlotPoints::from(chart.sharing.clone()),
                    )
                    .color(teams_colour.gamma_multiply(0.8))
                    .width(1.5)
                    .style(LineStyle::dashed_loose())
                    .allow_band(false),
                );
                plot.line(
                    Line::new(
                        series_label("shared_leadership_teams"),
                        PlotPoints::from(chart.shared_teams.clone()),
                    )
                    .color(teams_colour.gamma_multiply(0.6))
                    .width(1.0)
                    .style(LineStyle::dotted_dense())
                    .allow_band(false),
                );
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
