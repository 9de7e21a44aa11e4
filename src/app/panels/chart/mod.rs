//! The three charts, drawn with egui_plot from their view models, and what they
//! share: legends that never sit on the data, a y grid with enough labels.

mod cost;
mod count;
mod icb_cost;
mod savings;

pub use cost::cost_chart_ui;
pub use count::count_chart_ui;
pub use icb_cost::icb_cost_chart_ui;
pub use savings::savings_chart_ui;

use egui::Color32;

/// A y grid whose every line is labelled: 1, 2 or 5 times a power of ten, at least 30
/// points apart (egui_plot labels lines 20 points apart or more), so that a small chart
/// still gets as many labels as fit rather than one.
pub(super) fn five_or_more_steps(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
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

/// A chart's title, strong, with how to read the chart on hover; and how its notes are
/// written: in a chart less than `compact_below` points high (one of the two under the
/// large one) each note takes one line, cut, with its full words on hover, so that the
/// plot keeps its room.
pub(super) fn title_and_notes(
    ui: &mut egui::Ui,
    title: &str,
    how_to_read: &str,
    compact_below: f32,
) -> impl Fn(&mut egui::Ui, egui::RichText) -> egui::Response + use<> {
    let compact = ui.available_height() < compact_below;
    ui.add(egui::Label::new(egui::RichText::new(title).strong().size(16.0)).wrap())
        .on_hover_text(how_to_read);
    move |ui: &mut egui::Ui, text: egui::RichText| {
        let label = egui::Label::new(text);
        if compact {
            ui.add(label.truncate())
        } else {
            ui.add(label.wrap())
        }
    }
}

/// A plot of pounds (millions) by financial year from `first` to `last`, fixed in
/// place, the size given: every financial year labelled where labels 60 points apart
/// fit (a laptop's half-width chart), else every second one, never overlapping; hover
/// near a line names it with the year and the amount, and with `anywhere` the pointer
/// between lines reads the year and the amount under it too.
pub(super) fn money_by_year_plot<'a>(
    id: &'a str,
    size: egui::Vec2,
    (first, last): (f64, f64),
    anywhere: bool,
) -> egui_plot::Plot<'a> {
    egui_plot::Plot::new(id)
        .width(size.x)
        .height(size.y)
        .y_grid_spacer(five_or_more_steps)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 2.0, 10.0]))
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
        .label_formatter(move |hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}: £{:.1}m",
                fy_label(position.x),
                position.y
            )),
            egui_plot::HoverPosition::Elsewhere { position } => {
                let inside = position.x >= first - 0.5 && position.x <= last + 0.5;
                (anywhere && inside)
                    .then(|| format!("{}: £{:.1}m", fy_label(position.x), position.y))
            }
        })
        .include_x(first - 0.3)
        .include_x(last + 0.3)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
}

/// The year shown, in the strong text colour so that it stands out from the grid lines
/// it sits on: a dashed line, named in the legend and drawn on the plot.
pub(super) struct Now {
    year: Option<i32>,
    colour: Color32,
}

impl Now {
    /// The year shown (none: no mark), its entry pushed on `legend`.
    pub(super) fn new(
        ui: &egui::Ui,
        year: Option<i32>,
        legend: &mut Vec<(Mark, Color32, String)>,
    ) -> Self {
        let now = Now {
            year,
            colour: ui.visuals().strong_text_color(),
        };
        if let Some(label) = now.label() {
            legend.push((Mark::Dashed, now.colour, label));
        }
        now
    }

    /// `Now: 2019/20`.
    fn label(&self) -> Option<String> {
        self.year.map(|y| format!("Now: {}", fy_label(y as f64)))
    }

    /// Its line on the plot, `width` points wide.
    pub(super) fn draw(&self, plot: &mut egui_plot::PlotUi, width: f32) {
        if let (Some(y), Some(label)) = (self.year, self.label()) {
            plot.vline(
                egui_plot::VLine::new(label, y as f64)
                    .color(self.colour)
                    .width(width)
                    .style(egui_plot::LineStyle::dashed_dense()),
            );
        }
    }
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
pub(super) fn legend_height(ui: &egui::Ui, items: &[(Mark, Color32, String)]) -> f32 {
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

/// A financial year's label on an axis: `2019/20` at 2019.
pub(super) fn fy_label(start_year: f64) -> String {
    crate::model::FinancialYear(start_year.round() as i32).to_string()
}
