//! The details of the selection: codes, life, population and its basis, running
//! costs, shared management, what it belongs to, lineage (each name a link), and the
//! scenario's buttons on a real merger. With nothing selected, England on the date.

use egui::{RichText, Sense, Stroke, Vec2};

use crate::app::ViewCtx;
use crate::app::command::{Command, Scenario, Selection};
use crate::model::{Date, OrgKind, human_date};
use crate::view::{self, plural};

/// Lists longer than this (a CCG's neighbourhoods) fold away.
const FOLD_OVER: usize = 12;

pub fn ui(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    let app = cx.app;
    ui.add_space(4.0);
    ui.heading("Details");
    ui.separator();
    let span = cx.tl().snapshot().span();
    let date = cx.date();
    let err = cx.theme.error;
    let cost_lines = app.cost_lines();
    let pick = &app.merge_pick;
    let Some(d) = app.details() else {
        // Nothing selected: an overview of England on the date.
        let s = cx.tl().snapshot();
        let c = cx.tl().counts_at(date);
        ui.label(RichText::new("England").size(18.0).strong());
        ui.label(format!(
            "On {}: {} in {}, {}, {}, {}.",
            human_date(date),
            plural(c.ccg, "CCG", "CCGs"),
            plural(c.system, "system", "systems"),
            plural(c.icb, "ICB", "ICBs"),
            plural(c.place, "place", "places"),
            plural(c.neighbourhood, "neighbourhood", "neighbourhoods")
        ));
        if c.ccg > 0 {
            ui.label(format!(
                "Shared management: {}.",
                crate::io::report::sharing_line(&c)
            ))
            .on_hover_text(leadership_hover(&c));
        }
        if !s.description.is_empty() {
            ui.weak(&s.description);
        }
        let lines = cost_lines.clone();
        if !lines.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Running costs (modelled unless marked published)").strong());
            for l in lines.iter() {
                ui.label(l);
            }
        }
        ui.add_space(8.0);
        ui.weak("Select an organisation in the tree, or search for one (Ctrl+F), to see its codes, life, lineage, members and running costs.");
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.label(RichText::new(&d.name).size(18.0).strong());
            ui.label(format!("{} · {}", d.kind.label(), d.code));
            if let Some(ons) = &d.ons {
                ui.weak(format!("ONS code {ons}"));
            }
            ui.label(&d.life);
            lifetime_bar(ui, span, (d.from, d.to), date, cx.theme.accent);
            if !d.alive {
                ui.colored_label(err, format!("Does not exist on {}", human_date(date)));
            }
            if cx.pickable(d.org) {
                let picked = pick.contains(&d.code);
                let label = if picked {
                    "Remove from merger"
                } else {
                    "Add to merger"
                };
                if ui
                    .button(label)
                    .on_hover_text("Pick CCGs, then Merge… in the scenario panel")
                    .clicked()
                {
                    out.push(Selection::TogglePick(d.code.clone()).into());
                }
            }
            if let Some(p) = &d.population {
                ui.label(p);
                if let Some(src) = &d.population_source {
                    ui.weak(format!("Source: {src}"));
                }
            }
            if !cost_lines.is_empty() {
                ui.add_space(6.0);
                ui.label(
                    RichText::new("Running costs (modelled unless marked published)").strong(),
                );
                for l in cost_lines.iter() {
                    ui.label(l);
                }
            }
            shared_ui(ui, &d, date, out);
            let mut links = |ui: &mut egui::Ui, heading: &str, list: &[view::OrgLink]| {
                if list.is_empty() {
                    return;
                }
                ui.add_space(6.0);
                let mut rows = |ui: &mut egui::Ui| {
                    for l in list {
                        ui.horizontal_wrapped(|ui| {
                            if ui.link(&l.label).clicked() {
                                out.push(Selection::Select(l.org).into());
                            }
                            if !l.note.is_empty() {
                                ui.weak(&l.note);
                            }
                        });
                    }
                };
                // Long lists (a CCG's neighbourhoods) fold away.
                if list.len() > FOLD_OVER {
                    egui::CollapsingHeader::new(RichText::new(heading).strong())
                        .id_salt(heading)
                        .show(ui, |ui| rows(ui));
                } else {
                    ui.label(RichText::new(heading).strong());
                    rows(ui);
                }
            };
            links(ui, "Part of", &d.belongs_to);
            links(ui, "Predecessors", &d.predecessors);
            links(ui, "Successors", &d.successors);
            links(ui, &d.places_heading, &d.places);
            let heading = format!("{} ({})", d.members_heading, d.members.len());
            links(ui, &heading, &d.members);
            if !d.lineage.is_empty() {
                ui.add_space(6.0);
                ui.label(RichText::new("Lineage").strong())
                    .on_hover_text("Mergers and abolitions, and the shared management of this organisation and its predecessors");
                for line in &d.lineage {
                    ui.horizontal_wrapped(|ui| {
                        let when = if line.span.is_empty() {
                            human_date(line.date)
                        } else {
                            line.date.format("%b %Y").to_string()
                        };
                        ui.weak(format!("{when} · {}:", line.what));
                        for (i, f) in line.from.iter().enumerate() {
                            if i > 0 {
                                ui.label("+");
                            }
                            if ui.link(&f.label).clicked() {
                                out.push(Selection::Select(f.org).into());
                            }
                        }
                        if !line.span.is_empty() {
                            ui.weak(&line.span);
                        }
                        if let Some(to) = &line.to {
                            if line.span.is_empty() {
                                ui.label("➡");
                            } else {
                                ui.weak(format!("{}, into", to.note));
                            }
                            if ui.link(&to.label).clicked() {
                                out.push(Selection::Select(to.org).into());
                            }
                            if line.span.is_empty() && !to.note.is_empty() {
                                ui.weak(&to.note);
                            }
                        }
                    });
                    if line.merger && !line.scenario {
                        // Named by what they act on, not by an internal event id.
                        let into = line.to.as_ref().map(|t| t.label.as_str()).unwrap_or("");
                        let event = &line.event;
                        let buttons = [
                            (
                                format!("Move the merger into {into}…"),
                                format!("Scenario: this merger ({event}) on another date"),
                                Scenario::OpenMoveDialog(event.clone()),
                            ),
                            (
                                format!("Cancel the merger into {into}"),
                                format!("Scenario: this merger ({event}) never happens"),
                                Scenario::AddChange(crate::model::scenario::Change::CancelMerger {
                                    event: event.clone(),
                                }),
                            ),
                        ];
                        ui.horizontal_wrapped(|ui| {
                            for (text, hover, command) in buttons {
                                if ui.small_button(text).on_hover_text(hover).clicked() {
                                    out.push(command.into());
                                }
                            }
                        });
                    }
                }
            }
            if !d.note.is_empty() {
                ui.add_space(6.0);
                ui.label(RichText::new("Notes").strong());
                ui.weak(&d.note);
            }
        });
}

/// The details panel's "Shared management" section: each arrangement with its kind,
/// partners (links), dates as precisely as known, leader, source and note.
fn shared_ui(ui: &mut egui::Ui, d: &view::Details, date: Date, out: &mut Vec<Command>) {
    if d.shared.is_empty() {
        return;
    }
    ui.add_space(6.0);
    let heading = if matches!(d.kind, OrgKind::Ccg | OrgKind::SubIcb) {
        format!("Shared management ({})", d.shared.len())
    } else if d.kind == OrgKind::Icb {
        format!("Shared leadership ({})", d.shared.len())
    } else {
        format!(
            "Shared management or leadership on {} ({})",
            human_date(date),
            d.shared.len()
        )
    };
    ui.label(RichText::new(heading).strong()).on_hover_text(
            "CCGs that kept their statutory bodies but shared leadership: an accountable officer or a management team. A joint committee shares decisions, not leadership. From 2025, ICBs in a leadership cluster share a chair, a chief executive or a team while staying separate legal bodies.",
        );
    for sh in &d.shared {
        ui.horizontal_wrapped(|ui| {
            let kind = RichText::new(&sh.kind).strong();
            if sh.in_force {
                ui.label(kind);
            } else {
                ui.label(kind.weak());
            }
            if !sh.in_force {
                ui.weak(format!("(not on {})", human_date(date)));
            }
            if !sh.shares_leadership {
                ui.weak("(no shared leadership)");
            }
            ui.weak("with");
            for (i, p) in sh.partners.iter().enumerate() {
                if i > 0 {
                    ui.weak("·");
                }
                if ui.link(&p.label).clicked() {
                    out.push(Selection::Select(p.org).into());
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            ui.label(&sh.span);
            if let Some((day, into)) = &sh.then_merged {
                ui.weak(format!("then merged on {} into", human_date(*day)));
                if ui.link(&into.label).clicked() {
                    out.push(Selection::Select(into.org).into());
                }
            }
        });
        let mut more = Vec::new();
        if !sh.leader.is_empty() {
            more.push(format!("Leader: {}", sh.leader));
        }
        more.push(format!("Source {}", sh.source));
        if !sh.note.is_empty() {
            more.push(sh.note.clone());
        }
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            let resp = ui.weak(format!("{} ({})", more.join(". "), sh.id));
            if !sh.evidence.is_empty() {
                resp.on_hover_text(format!("Evidence: {}", sh.evidence));
            }
        });
    }
}

/// What the leadership counts mean, for hover texts.
pub fn leadership_hover(c: &crate::model::Counts) -> String {
    if c.ccg == 0 && c.icb > 0 {
        return format!(
            "{} of the {} are in a leadership cluster (shared leadership; 2025/26 onwards): \
             ICBs linked by shared leadership count once: {}. Clustered ICBs stay separate \
             legal bodies.",
            plural(c.icbs_sharing_leadership, "ICB", "ICBs"),
            plural(c.icb, "ICB", "ICBs"),
            plural(c.leadership_teams, "leadership team", "leadership teams")
        );
    }
    format!(
        "{} of the {} share an accountable officer or a management team with another CCG. \
         CCGs linked by shared leadership count once: {}. Joint committees share no leadership.",
        plural(c.ccgs_sharing_leadership, "CCG", "CCGs"),
        plural(c.ccg, "CCG", "CCGs"),
        plural(c.leadership_teams, "leadership team", "leadership teams")
    )
}

/// A bar across the snapshot's span with the organisation's life filled in and the
/// current date marked.
fn lifetime_bar(
    ui: &mut egui::Ui,
    span: (Date, Date),
    life: (Date, Date),
    date: Date,
    accent: egui::Color32,
) {
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(ui.available_width().min(320.0), 12.0),
        Sense::hover(),
    );
    let total = (span.1 - span.0).num_days().max(1) as f32;
    let x = |d: Date| {
        rect.left() + rect.width() * ((d.clamp(span.0, span.1) - span.0).num_days() as f32 / total)
    };
    let p = ui.painter();
    p.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
    p.rect_stroke(
        rect,
        3.0,
        Stroke::new(1.0, ui.visuals().weak_text_color()),
        egui::StrokeKind::Inside,
    );
    let life_rect =
        egui::Rect::from_x_y_ranges(x(life.0)..=x(life.1).max(x(life.0) + 3.0), rect.y_range());
    p.rect_filled(life_rect, 3.0, accent);
    let dx = x(date);
    p.line_segment(
        [
            egui::pos2(dx, rect.top() - 2.0),
            egui::pos2(dx, rect.bottom() + 2.0),
        ],
        Stroke::new(2.0, ui.visuals().strong_text_color()),
    );
}
