//! Drawing the merger flow: bands and nodes in one mesh, leadership brackets, column
//! headers, labels, the timeline's date; hover (a lineage lit, details at the
//! pointer) and clicks (select, or open a coarse node).

use egui::epaint::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Mesh, Rect, RichText, Stroke, Vec2, pos2};

use super::layout::{column_title, smooth};
use super::{BRACKET_GAP, FlowFilter, FlowLayout, Hit, LABEL_H, Label, bracket, short_name};
use crate::app::ViewCtx;
use crate::app::command::{Command, Selection, Window};
use crate::model::flow::{Flow, FlowTeam};
use crate::model::human_date;
use crate::view::thousands;

/// Segments of each band's S-curve.
const STEPS: usize = 14;

/// What is drawn: the flow, where it goes, its colours and leadership teams.
pub(super) struct Scene<'a> {
    pub flow: &'a Flow,
    pub lay: &'a FlowLayout,
    pub colours: &'a [Color32],
    pub teams: &'a [Vec<FlowTeam>],
    /// Whether nodes stand for systems or regions.
    pub coarse: bool,
    pub rect: Rect,
    pub label_w: f32,
}

/// Draws `scene` in `response`'s area and handles its hover and clicks.
pub(super) fn draw(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    scene: &Scene,
    response: egui::Response,
    out: &mut Vec<Command>,
) {
    let Scene {
        flow,
        lay,
        colours,
        teams,
        coarse,
        rect,
        label_w,
    } = *scene;
    let s = cx.tl().snapshot();
    // A screenshot shows the resting picture, whatever the pointer is over.
    let hit = if cx.screenshot() {
        None
    } else {
        response.hover_pos().and_then(|p| lay.hit(p))
    };
    // What to emphasise: the hovered lineage, else the selection's.
    let focus = match hit {
        Some(Hit::Node(c, k)) => Some((c, k)),
        Some(Hit::Band(b)) => lay.bands.get(b).map(|b| (b.col, b.from)),
        None => None,
    };
    let selected_org = cx.selection().map(|id| {
        let o = s.org(id);
        if o.kind == crate::model::OrgKind::SubIcb {
            s.find(crate::model::OrgKind::Ccg, &o.code).unwrap_or(id)
        } else {
            id
        }
    });
    let selected_at = selected_org.map(|o| flow.positions(o)).unwrap_or_default();
    let lineage = focus
        .or_else(|| selected_at.first().copied())
        .map(|(c, k)| flow.lineage(c, k));
    let on = |c: usize, k: usize| {
        lineage
            .as_ref()
            .is_none_or(|l| l.get(c).and_then(|v| v.get(k)).copied().unwrap_or(false))
    };
    let painter = ui.painter_at(rect);
    // Bands.
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(lay.bands.len() * (STEPS + 1) * 2);
    mesh.reserve_triangles(lay.bands.len() * STEPS * 2);
    for band in &lay.bands {
        let node = &flow.columns[band.col].nodes[band.from];
        let base = colours
            .get(node.group as usize)
            .copied()
            .unwrap_or(Color32::GRAY);
        let lit = on(band.col, band.from) && on(band.col + 1, band.to);
        // Hovering dims everything else hard; a selection only softly.
        let alpha = match (&lineage, lit) {
            (None, _) => 0.55,
            (Some(_), true) => 0.8,
            (Some(_), false) if focus.is_some() => 0.10,
            (Some(_), false) => 0.3,
        };
        let colour = base.gamma_multiply(alpha);
        let xa = lay.xs[band.col] + lay.node_w;
        let xb = lay.xs[band.col + 1];
        let first = mesh.vertices.len() as u32;
        for step in 0..=STEPS {
            let t = step as f32 / STEPS as f32;
            let sm = smooth(t);
            let x = xa + (xb - xa) * t;
            let y0 = band.a.0 + (band.b.0 - band.a.0) * sm;
            let y1 = band.a.1 + (band.b.1 - band.a.1) * sm;
            mesh.colored_vertex(pos2(x, y0), colour);
            mesh.colored_vertex(pos2(x, y1.max(y0 + 0.6)), colour);
        }
        for step in 0..STEPS as u32 {
            let v = first + step * 2;
            mesh.add_triangle(v, v + 1, v + 2);
            mesh.add_triangle(v + 1, v + 3, v + 2);
        }
    }
    // Nodes.
    let warm = cx.theme.scenario();
    let text_colour = ui.visuals().text_color();
    let mut outlines = Vec::new();
    for (c, col) in flow.columns.iter().enumerate() {
        for (k, nd) in col.nodes.iter().enumerate() {
            let (y0, y1) = lay.ys[c][k];
            let r = Rect::from_min_max(pos2(lay.xs[c], y0), pos2(lay.xs[c] + lay.node_w, y1));
            let base = colours
                .get(nd.group as usize)
                .copied()
                .unwrap_or(Color32::GRAY);
            let colour = if on(c, k) {
                base
            } else {
                base.gamma_multiply(if focus.is_some() { 0.3 } else { 0.55 })
            };
            mesh.add_colored_rect(r, colour);
            if cx.hypothetical(nd.org) {
                outlines.push((r.expand(1.0), warm));
            }
            if selected_at.contains(&(c, k)) {
                outlines.push((r.expand(2.0), text_colour));
            }
        }
    }
    painter.add(egui::Shape::mesh(mesh));
    for (r, colour) in outlines {
        painter.rect_stroke(r, 1.0, Stroke::new(1.5, colour), egui::StrokeKind::Outside);
    }
    // The narrowest gap between columns, for what fits between them.
    let spacing = lay
        .xs
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f32::INFINITY, f32::min);
    // Leadership teams: a bracket left of the column, a tick at each member, drawn
    // in the text colour so that it stands out from the bands.
    let team_colour = cx.theme.teams;
    let bracket_colour = text_colour.gamma_multiply(0.85);
    let pointer = if cx.screenshot() {
        None
    } else {
        response.hover_pos()
    };
    let mut hovered_team: Option<(usize, &FlowTeam)> = None;
    for (c, col_teams) in teams.iter().enumerate() {
        for t in col_teams {
            let Some((x, top, bottom)) = bracket(lay, c, t) else {
                continue;
            };
            let lit = t.nodes.iter().any(|k| on(c, *k as usize));
            let colour = if lit {
                bracket_colour
            } else {
                bracket_colour.gamma_multiply(0.35)
            };
            // A backing in the panel's colour first, so the bracket reads over bands.
            // Thinner where columns stand close, so that brackets do not crowd out
            // the bands.
            let close = spacing < 50.0;
            let backing = Stroke::new(
                if close { 0.0 } else { 4.0 },
                ui.visuals().panel_fill.gamma_multiply(0.9),
            );
            let stroke = Stroke::new(if close { 1.0 } else { 2.0 }, colour);
            for st in [backing, stroke] {
                painter.vline(x, top..=bottom, st);
                for k in &t.nodes {
                    let (y0, y1) = lay.ys[c][*k as usize];
                    let y = (y0 + y1) / 2.0;
                    painter.hline(x..=x + BRACKET_GAP - 1.0, y, st);
                }
            }
            if let Some(p) = pointer
                && (p.x - x).abs() <= 3.0
                && p.y >= top - 2.0
                && p.y <= bottom + 2.0
            {
                hovered_team = Some((c, t));
            }
        }
    }
    // Column headers, shortened where the columns stand close together.
    let weak = ui.visuals().weak_text_color();
    let narrow = spacing < 70.0;
    // Columns too close for a header each: every n-th, and always the last (the one
    // before it gives way).
    let every = (38.0 / spacing.max(1.0)).ceil().max(1.0) as usize;
    let last = flow.columns.len().saturating_sub(1);
    let headed = |c: usize| c == last || (c.is_multiple_of(every) && last - c >= every);
    for (c, col) in flow.columns.iter().enumerate() {
        if !headed(c) {
            continue;
        }
        let x = lay.xs[c] + lay.node_w / 2.0;
        let count: u32 = col.nodes.iter().map(|n| n.members).sum();
        let what = if col.icb { "ICB" } else { "CCG" };
        let align = egui::Align2::CENTER_TOP;
        let (title, count) = if narrow {
            let first_of_april = col.date.format("%m-%d").to_string() == "04-01";
            let title = col.date.format(if first_of_april { "%Y" } else { "%b %y" });
            let count = if col.icb {
                crate::model::plural(count as usize, "ICB", "ICBs")
            } else {
                count.to_string()
            };
            (title.to_string(), count)
        } else {
            let many = if col.icb { "ICBs" } else { "CCGs" };
            (
                column_title(col.date),
                crate::model::plural(count as usize, what, many),
            )
        };
        // The date, and under it the count.
        for (text, dy, size, colour) in [(title, 2.0, 13.0, text_colour), (count, 18.0, 12.0, weak)]
        {
            painter.text(
                pos2(x, rect.top() + dy),
                align,
                text,
                FontId::proportional(size),
                colour,
            );
        }
    }
    // Labels on a backing so they read over the bands.
    let backing = ui.visuals().panel_fill.gamma_multiply(0.82);
    let hover_label = match focus {
        Some((c, k)) if !lay.labels.iter().any(|l| (l.col, l.node) == (c, k)) => {
            let (y0, y1) = lay.ys[c][k];
            let x = lay.xs[c] + lay.node_w + 4.0;
            let y = ((y0 + y1) / 2.0 - LABEL_H / 2.0).max(lay.top);
            Some(Label {
                col: c,
                node: k,
                rect: Rect::from_min_size(
                    pos2(x, y),
                    Vec2::new(label_w.max(160.0).min(rect.right() - x), LABEL_H),
                ),
                right_aligned: false,
            })
        }
        _ => None,
    };
    for label in lay.labels.iter().copied().chain(hover_label) {
        let (c, k, r) = (label.col, label.node, label.rect);
        let nd = &flow.columns[c].nodes[k];
        let dim = !on(c, k);
        let mut job = LayoutJob::simple_singleline(
            short_name(&s.org(nd.org).name).to_string(),
            FontId::proportional(12.0),
            if dim { weak } else { text_colour },
        );
        job.wrap = TextWrapping {
            max_width: r.width(),
            max_rows: 1,
            break_anywhere: true,
            overflow_character: Some('…'),
        };
        let galley = painter.layout_job(job);
        let size = galley.size() + Vec2::new(4.0, 1.0);
        let at = if label.right_aligned {
            pos2(r.right() - size.x, r.top())
        } else {
            r.min
        };
        painter.rect_filled(Rect::from_min_size(at, size), 2.0, backing);
        painter.galley(at + Vec2::new(2.0, 0.0), galley, text_colour);
    }
    // The timeline's date.
    if let Some(x) = lay.date_x(flow, cx.date()) {
        let accent = cx.theme.accent;
        painter.vline(
            x,
            lay.top - 4.0..=lay.bottom + 4.0,
            Stroke::new(1.5, accent.gamma_multiply(0.8)),
        );
        painter.text(
            pos2(x, lay.bottom + 6.0),
            egui::Align2::CENTER_TOP,
            human_date(cx.date()),
            FontId::proportional(12.0),
            accent,
        );
    }
    // Accessibility: every node is a button named after its organisation and column.
    let ctx = ui.ctx().clone();
    let canvas = response.id;
    let accessible = ctx
        .accesskit_node_builder(canvas, |n| {
            n.set_role(egui::accesskit::Role::Group);
            n.set_label("Merger flow");
        })
        .is_some();
    if accessible {
        for (c, col) in flow.columns.iter().enumerate() {
            for (k, nd) in col.nodes.iter().enumerate() {
                let (y0, y1) = lay.ys[c][k];
                let label = format!("{}, {}", s.org(nd.org).label(), column_title(col.date));
                let x0 = lay.xs[c];
                ctx.accesskit_node_builder(canvas.with((c, k)), |n| {
                    n.set_role(egui::accesskit::Role::Button);
                    n.set_label(label);
                    n.set_bounds(egui::accesskit::Rect {
                        x0: f64::from(x0),
                        y0: f64::from(y0),
                        x1: f64::from(x0 + lay.node_w),
                        y1: f64::from(y1),
                    });
                    n.add_action(egui::accesskit::Action::Click);
                });
            }
        }
    }
    // A leadership bracket names its arrangements.
    if let Some((c, t)) = hovered_team {
        let day = flow.columns[c].date;
        let names: Vec<String> = t
            .nodes
            .iter()
            .map(|k| s.org(flow.columns[c].nodes[*k as usize].org).label())
            .collect();
        let lines: Vec<String> = s
            .arrangements_at(&t.arrangements)
            .map(|a| {
                format!(
                    "{} {} ({})",
                    crate::view::capitalise(a.kind.label()),
                    crate::model::sharing::span_text(a),
                    a.id
                )
            })
            .collect();
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(RichText::new(format!("One leadership team on {}", human_date(day))).strong());
            for n in &names {
                ui.label(n);
            }
            for l in &lines {
                ui.weak(l);
            }
        });
    }
    // Hover details and clicks.
    if let Some(h) = hit {
        let (c, k) = match h {
            Hit::Node(c, k) => (c, k),
            Hit::Band(b) => (lay.bands[b].col, lay.bands[b].from),
        };
        let nd = &flow.columns[c].nodes[k];
        let o = s.org(nd.org);
        let band_to = match h {
            Hit::Band(b) => Some(&flow.columns[c + 1].nodes[lay.bands[b].to]),
            Hit::Node(..) => None,
        };
        let what = if flow.columns[c].icb { "ICB" } else { "CCG" };
        let response = response.on_hover_ui_at_pointer(|ui| {
            ui.label(RichText::new(o.label()).strong());
            if coarse {
                let many = if flow.columns[c].icb { "ICBs" } else { "CCGs" };
                ui.label(format!(
                    "{} on {}, {} people",
                    crate::model::plural(nd.members as usize, what, many),
                    human_date(flow.columns[c].date),
                    thousands(nd.value.round() as u64)
                ));
                ui.weak("Click to show its organisations one by one");
                return;
            }
            if let Some(t) = band_to {
                let to = s.org(t.org);
                if t.org == nd.org {
                    ui.label(format!(
                        "carries on from {} to {}",
                        column_title(flow.columns[c].date),
                        column_title(flow.columns[c + 1].date)
                    ));
                } else {
                    ui.label(format!("➡ {}", to.label()));
                }
            } else {
                let basis = if nd.value_derived {
                    "sum of its predecessors (derived)".to_string()
                } else {
                    o.population
                        .as_ref()
                        .map(|p| {
                            let when = if p.period.is_empty() {
                                human_date(p.as_at)
                            } else {
                                p.period.clone()
                            };
                            format!("{}, {when}, source {}", p.basis.label(), p.source)
                        })
                        .unwrap_or_default()
                };
                ui.label(format!(
                    "{} people ({basis})",
                    thousands(nd.value.round() as u64)
                ));
                ui.label(crate::view::life_text(o));
                if o.kind == crate::model::OrgKind::Ccg {
                    let (badge, with) = crate::view::sharing_badge(s, nd.org, flow.columns[c].date);
                    if !badge.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "↔ {badge} on {}",
                                human_date(flow.columns[c].date)
                            ))
                            .color(team_colour),
                        );
                        ui.weak(with);
                    }
                }
            }
            ui.weak("Click to select");
        });
        if response.clicked() {
            if coarse {
                // Drill down: show what the coarse node stands for.
                let filter = match s.org(nd.org).kind {
                    crate::model::OrgKind::Region => FlowFilter::Region(nd.org),
                    _ => FlowFilter::Group(nd.org),
                };
                out.push(Window::SetFlowFilter(filter).into());
            } else {
                out.push(Selection::Select(nd.org).into());
            }
        }
    }
}
