//! The tree: system → place → neighbourhood (or → CCG, or → leadership team) on the
//! date, with what changed marked, badges for shared leadership, and every row's
//! basis and whole text on hover.

use egui::{Align, Layout, RichText, Sense};

use crate::app::ViewCtx;
use crate::app::command::{CentralTab, Command, Selection, Tree};
use crate::view::{self, GROUPINGS, RowKind};

/// Indent of each level of the tree, in points.
const INDENT: f32 = 18.0;
/// Rows kept above the selection when the tree scrolls to it.
const ROWS_ABOVE: f32 = 3.0;

/// The tree's own state.
#[derive(Default)]
pub struct TreePanel {
    /// The last request to show the selection that the tree scrolled for.
    seen_reveal: u64,
}

impl TreePanel {
    /// The tree panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let app = cx.app;
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading("Organisations");
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.small_button("Collapse all").clicked() {
                    out.push(Tree::CollapseAll.into());
                }
                if ui.small_button("Expand all").clicked() {
                    out.push(Tree::ExpandAll.into());
                }
            });
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Group:");
            let g = app.state.grouping;
            for (grouping, label, nests) in GROUPINGS {
                let hover = match grouping.note() {
                    Some(note) => format!("{nests}: {note}"),
                    None => nests.to_string(),
                };
                if ui
                    .selectable_label(g == grouping, label)
                    .on_hover_text(hover)
                    .clicked()
                {
                    out.push(Tree::SetGrouping(grouping).into());
                }
            }
        });
        ui.weak(format!(
            "{} not published (derived or estimated): hover a row for its basis and source",
            crate::model::APPROX
        ))
        .on_hover_text(
            "Shares of a place are derived from counts of small areas (LSOAs), not published; \
             neighbourhood (PCN) membership before 2022 and some 2013-15 cells are estimates.",
        );
        ui.separator();
        let rows = app.tree_rows(ui.ctx());
        if rows.rows.is_empty() {
            if rows.building {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.weak("Building the tree…");
                });
            } else {
                ui.weak("Nothing exists on this date in this snapshot. Move the timeline below.");
            }
            return;
        }
        let rows = rows.rows;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let selection = cx.selection();
        let snapshot = cx.tl().snapshot();
        // While comparing two dates, rows the changes touch are marked; on a day of
        // changes, every organisation they touch with its system and places.
        let comparing = app.central_tab == CentralTab::Compare;
        let touched = if comparing {
            app.compare_marks()
        } else {
            app.day_marks(cx.date())
        };
        let mut area = egui::ScrollArea::both().auto_shrink(false);
        if app.reveal_version != self.seen_reveal {
            self.seen_reveal = app.reveal_version;
            if let Some(sel) = selection {
                let path = view::tree_path(cx.tl(), cx.date(), app.state.grouping, sel);
                let index = rows.iter().position(|r| r.org == Some(sel)).or_else(|| {
                    path.last()
                        .and_then(|k| rows.iter().position(|r| &r.key == k))
                });
                if let Some(i) = index {
                    let spacing = ui.spacing().item_spacing.y;
                    area = area.vertical_scroll_offset(
                        ((i as f32) - ROWS_ABOVE).max(0.0) * (row_height + spacing),
                    );
                }
            }
        }
        area.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                ui.horizontal(|ui| {
                    ui.set_height(row_height - 2.0);
                    ui.add_space(f32::from(row.depth) * INDENT);
                    if row.expandable {
                        let icon = if row.open { "⏷" } else { "⏵" };
                        let what = if row.open { "Collapse" } else { "Expand" };
                        let name = format!("{what} {}", row.label);
                        let button = ui.add(egui::Button::new(icon).frame(false).small());
                        // Screen readers (and tests) know it by what it does, not its icon.
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                        });
                        if button.on_hover_text(&name).clicked() {
                            out.push(Tree::ToggleNode(row.key.clone()).into());
                        }
                    } else {
                        ui.add_space(INDENT);
                    }
                    // Organisations that only the scenario has are marked as such.
                    let label = if row.org.is_some_and(|id| cx.hypothetical(id)) {
                        format!("{} (scenario)", row.label)
                    } else {
                        row.label.clone()
                    };
                    let mut text = RichText::new(label);
                    if matches!(row.kind, RowKind::System | RowKind::Team) {
                        text = text.strong();
                    }
                    let marked = match &touched {
                        Some(t) => row.org.is_some_and(|id| t.contains(&id)),
                        None => row.changed,
                    };
                    if marked {
                        text = text.color(cx.theme.changed);
                    }
                    let picked = row.kind == RowKind::Commissioner
                        && row
                            .org
                            .is_some_and(|id| app.merge_pick.contains(&snapshot.org(id).code));
                    if picked {
                        text = text.underline();
                    }
                    let selected = (row.org.is_some() && row.org == selection) || picked;
                    let resp = ui.selectable_label(selected, text);
                    if resp.clicked() {
                        let ctrl = ui.input(|i| i.modifiers.command);
                        match row.org {
                            Some(id)
                                if ctrl && snapshot.org(id).kind == crate::model::OrgKind::Ccg =>
                            {
                                out.push(
                                    Selection::TogglePick(snapshot.org(id).code.clone()).into(),
                                );
                            }
                            Some(id) => out.push(Selection::Select(id).into()),
                            None if row.expandable => {
                                out.push(Tree::ToggleNode(row.key.clone()).into());
                            }
                            None => {}
                        }
                    }
                    let mut hover = Vec::new();
                    if marked {
                        hover.push(if comparing {
                            "Changed between the two dates compared"
                        } else {
                            "Created or changed on this date"
                        });
                    }
                    // The whole detail on hover: the panel may cut it.
                    let full = if row.detail.is_empty() {
                        String::new()
                    } else {
                        format!("{}: {}", row.label, row.detail)
                    };
                    if !full.is_empty() {
                        hover.push(&full);
                    }
                    if !row.hover.is_empty() {
                        hover.push(&row.hover);
                    }
                    if !hover.is_empty() {
                        resp.on_hover_text(hover.join("\n"));
                    }
                    if !row.sharing.is_empty() {
                        let badge = egui::Label::new(
                            RichText::new(format!("↔ {}", row.sharing))
                                .small()
                                .color(cx.theme.teams),
                        )
                        .sense(Sense::hover());
                        ui.add(badge).on_hover_text(&row.hover);
                    }
                    let detail = if row.approx {
                        RichText::new(&row.detail).italics().weak()
                    } else {
                        RichText::new(&row.detail).weak()
                    };
                    let d = ui.label(detail);
                    if !row.hover.is_empty() {
                        d.on_hover_text(&row.hover);
                    }
                });
            }
        });
    }
}
