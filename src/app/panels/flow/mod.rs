//! The merger flow: an alluvial diagram of every CCG from 2013 to the ICBs of 2022,
//! drawn with egui's painter from [`crate::model::flow::Flow`].
//!
//! Here: the view's own state (the flows built for the world shown, on a worker for
//! a large one; the layout last drawn) and its filters. [`layout`]: where things go
//! and what the pointer is on. [`paint`]: drawing, hover and clicks.

pub mod layout;
mod paint;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Color32, FontId, Rect, Sense, Vec2};

pub use layout::{
    BRACKET_GAP, Band, EACH_UP_TO, FlowLayout, Hit, LABEL_H, Label, bracket, group_colours, layout,
    short_name,
};

use crate::app::ViewCtx;
use crate::app::command::{Command, Export, Window};
use crate::app::export::ExportKind;
use crate::model::flow::{Flow, FlowGroup, FlowSpan, FlowTeam};
use crate::model::{OrgId, Timeline};
use crate::view::thousands;

/// Which part of the flow is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FlowFilter {
    /// All of England.
    #[default]
    All,
    /// One NHS region.
    Region(OrgId),
    /// One system (or ICB) and its predecessors.
    Group(OrgId),
}

/// How much a view is drawn in one go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every organisation.
    Each,
    /// One node per system (ICB) per column.
    Systems,
    /// One node per NHS region per column.
    Regions,
}

/// What a worker builds: the whole flow, and it by system and by region.
type Built = (Arc<Flow>, [Arc<Flow>; 2]);

type DrawnKey = (u64, FlowFilter, Detail, [u32; 5], bool);

/// What a drawn view keeps between frames: its key, layout, colours and leadership teams.
type Drawn = (
    DrawnKey,
    Arc<FlowLayout>,
    Arc<Vec<Color32>>,
    Arc<Vec<Vec<FlowTeam>>>,
);

/// The share of the width labels left of the first column may take, and its bounds.
const LABEL_SHARE: f32 = 0.13;
const LABEL_WIDTH: std::ops::RangeInclusive<f32> = 80.0..=190.0;
/// Room the column headers and the date take above and below the nodes.
const HEADERS: f32 = 64.0;

/// The flow view's state: the flows built for the world shown, and what was drawn.
#[derive(Default)]
pub struct FlowView {
    /// The whole flow of the world shown, keyed by its timeline.
    full: Option<(u64, Arc<Flow>)>,
    /// The filtered flow, keyed by timeline and filter.
    shown: Option<(u64, FlowFilter, Arc<Flow>)>,
    /// The shown flow by system and by region, for views too dense to draw one by one.
    coarse: Option<(u64, FlowFilter, [Arc<Flow>; 2])>,
    /// The regions of the whole flow, by name, for the filter.
    regions: Option<(u64, Arc<Vec<OrgId>>)>,
    /// The layout, colours and leadership teams last drawn, by flow, area and theme.
    drawn: Option<Drawn>,
    /// A large world's flow being built on a worker, and the timeline it is for.
    pending: Option<(u64, Receiver<Built>)>,
    /// Where the flow was drawn (exports crop to it).
    pub rect: Option<Rect>,
}

impl FlowView {
    /// Whether the flow of `tl` is built. A large world's flow is built on a worker:
    /// until it arrives this answers false (and the window repaints when it does).
    pub fn ready(&mut self, tl: &Arc<Timeline>, ctx: &egui::Context) -> bool {
        let key = tl.id();
        if matches!(&self.full, Some((k, _)) if *k == key) {
            return true;
        }
        if let Some((k, rx)) = &self.pending
            && *k == key
        {
            return match rx.try_recv() {
                Ok((full, coarse)) => {
                    self.pending = None;
                    self.full = Some((key, full.clone()));
                    self.shown = Some((key, FlowFilter::All, full));
                    self.coarse = Some((key, FlowFilter::All, coarse));
                    true
                }
                Err(TryRecvError::Empty) => false,
                // The worker died: build it here.
                Err(TryRecvError::Disconnected) => {
                    self.pending = None;
                    true
                }
            };
        }
        self.pending = None;
        if tl.snapshot().orgs.len() <= crate::app::ON_WORKER || cfg!(target_arch = "wasm32") {
            return true;
        }
        let tl = tl.clone();
        let Some(rx) = crate::app::memo::on_worker("merger-flow", ctx, move || {
            crate::app::memo::background();
            let full = Arc::new(Flow::build_for(&tl, FlowSpan::Record));
            let coarse = [Arc::new(full.coarsen(false)), Arc::new(full.coarsen(true))];
            (full, coarse)
        }) else {
            return true;
        };
        self.pending = Some((key, rx));
        false
    }

    /// Whether a flow is being built on a worker.
    pub fn building(&self) -> bool {
        self.pending.is_some()
    }

    /// The flow for `tl` under `filter` (built once per world and filter).
    pub fn flow(&mut self, tl: &Arc<Timeline>, filter: FlowFilter) -> (Arc<Flow>, Arc<Flow>) {
        let key = tl.id();
        let full = match &self.full {
            Some((k, f)) if *k == key => f.clone(),
            _ => {
                let f = Arc::new(Flow::build_for(tl, FlowSpan::Record));
                self.full = Some((key, f.clone()));
                self.shown = None;
                f
            }
        };
        let shown = match &self.shown {
            Some((k, fl, f)) if *k == key && *fl == filter => f.clone(),
            _ => {
                let f = match filter {
                    FlowFilter::All => full.clone(),
                    FlowFilter::Region(r) => Arc::new(full.filtered(|g| g.region == Some(r))),
                    FlowFilter::Group(x) => Arc::new(full.filtered(|g| g.org == x)),
                };
                self.shown = Some((key, filter, f.clone()));
                f
            }
        };
        (full, shown)
    }

    /// What to draw in `height` points: the shown flow itself when its columns fit,
    /// else its systems, else its regions.
    pub fn drawn(
        &mut self,
        tl: &Arc<Timeline>,
        filter: FlowFilter,
        height: f32,
    ) -> (Arc<Flow>, Detail) {
        let (_, shown) = self.flow(tl, filter);
        // A record the size of England (211 CCGs in a column) is always drawn one by
        // one, however small the window: squeezed nodes still show every merger. Only
        // synthetic snapshots many times England fall back to systems or regions.
        let fits = |f: &Flow| f.densest() as f32 <= (height / 2.2).max(EACH_UP_TO as f32);
        if fits(&shown) {
            return (shown, Detail::Each);
        }
        let key = tl.id();
        let coarse = match &self.coarse {
            Some((k, fl, c)) if *k == key && *fl == filter => c.clone(),
            _ => {
                let c = [
                    Arc::new(shown.coarsen(false)),
                    Arc::new(shown.coarsen(true)),
                ];
                self.coarse = Some((key, filter, c.clone()));
                c
            }
        };
        let [systems, regions] = coarse;
        if fits(&systems) {
            (systems, Detail::Systems)
        } else {
            (regions, Detail::Regions)
        }
    }

    /// The regions of the whole flow, by name.
    fn regions(&mut self, tl: &Timeline, full: &Flow) -> Arc<Vec<OrgId>> {
        if let Some((k, r)) = &self.regions
            && *k == tl.id()
        {
            return r.clone();
        }
        let s = tl.snapshot();
        let mut r: Vec<OrgId> = full.groups.iter().filter_map(|g| g.region).collect();
        r.sort_by(|a, b| s.org(*a).name.cmp(&s.org(*b).name).then(a.cmp(b)));
        r.dedup();
        let r = Arc::new(r);
        self.regions = Some((tl.id(), r.clone()));
        r
    }

    /// The flow tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let tl = cx.tl().clone();
        if !self.ready(&tl, ui.ctx()) {
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Laying out the merger flow of {} organisations…",
                    thousands(tl.snapshot().orgs.len() as u64)
                ));
            });
            return;
        }
        let filter = cx.app.flow_filter;
        let (full, _) = self.flow(&tl, filter);
        let regions = self.regions(&tl, &full);
        filters_ui(ui, cx, &full, &regions, out);
        ui.weak(
            "Height: registered population · colour: the system each lineage ends in · \
             [ CCGs under one leadership team · hover to trace a lineage, click to select",
        );
        ui.add_space(2.0);
        let rect = ui.available_rect_before_wrap();
        let rect = Rect::from_min_size(rect.min, rect.size().max(Vec2::new(200.0, 160.0)));
        // Too many organisations for the height: systems or regions stand for them.
        let (flow, detail) = self.drawn(&tl, filter, rect.height() - HEADERS);
        let coarse = detail != Detail::Each;
        let response = ui.allocate_rect(rect, Sense::click());
        self.rect = Some(rect);
        let weak = ui.visuals().weak_text_color();
        if flow.columns.is_empty() {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "This snapshot has no CCGs to draw.",
                FontId::proportional(16.0),
                weak,
            );
            return;
        }
        if coarse {
            let unit = if detail == Detail::Systems {
                "a system"
            } else {
                "an NHS region"
            };
            ui.painter().text(
                rect.left_bottom() + Vec2::new(4.0, -4.0),
                egui::Align2::LEFT_BOTTOM,
                format!("Each node is {unit} (too many to draw one by one): click one to open it."),
                FontId::proportional(12.0),
                weak,
            );
        }
        let label_w = (rect.width() * LABEL_SHARE).clamp(*LABEL_WIDTH.start(), *LABEL_WIDTH.end());
        // A coarse view keeps its last line for the note.
        let lay_rect = if coarse {
            rect.with_max_y(rect.bottom() - 18.0)
        } else {
            rect
        };
        let dark = ui.visuals().dark_mode;
        // Layout and colours change only with the flow, the size and the theme.
        let key = (
            tl.id(),
            filter,
            detail,
            [
                lay_rect.min.x,
                lay_rect.min.y,
                lay_rect.max.x,
                lay_rect.max.y,
                label_w,
            ]
            .map(f32::to_bits),
            dark,
        );
        let (lay, colours, teams) = match &self.drawn {
            Some((k, lay, colours, teams)) if *k == key => {
                (lay.clone(), colours.clone(), teams.clone())
            }
            _ => {
                let lay = Arc::new(layout(&flow, lay_rect, label_w));
                let colours = Arc::new(group_colours(&flow, dark));
                let teams = Arc::new(if coarse {
                    Vec::new()
                } else {
                    flow.teams(tl.snapshot())
                });
                self.drawn = Some((key, lay.clone(), colours.clone(), teams.clone()));
                (lay, colours, teams)
            }
        };
        let scene = paint::Scene {
            flow: &flow,
            lay: &lay,
            colours: &colours,
            teams: &teams,
            coarse,
            rect,
            label_w,
        };
        paint::draw(ui, cx, &scene, response, out);
    }
}

/// The region and system filters, and Export PNG.
fn filters_ui(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    full: &Flow,
    regions: &[OrgId],
    out: &mut Vec<Command>,
) {
    let s = cx.tl().snapshot();
    let current = cx.app.flow_filter;
    let region_now = match current {
        FlowFilter::Region(r) => Some(r),
        FlowFilter::Group(g) => full
            .groups
            .iter()
            .find(|x| x.org == g)
            .and_then(|x| x.region),
        FlowFilter::All => None,
    };
    let mut filter = current;
    ui.horizontal_wrapped(|ui| {
        let region_text = region_now
            .map(|r| s.org(r).name.clone())
            .unwrap_or_else(|| "All regions".into());
        egui::ComboBox::new("flow region", "region")
            .selected_text(region_text)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(filter == FlowFilter::All, "All regions")
                    .clicked()
                {
                    filter = FlowFilter::All;
                }
                for r in regions {
                    if ui
                        .selectable_label(region_now == Some(*r), &s.org(*r).name)
                        .clicked()
                    {
                        filter = FlowFilter::Region(*r);
                    }
                }
            });
        let groups: Vec<&FlowGroup> = full
            .groups
            .iter()
            .filter(|g| region_now.is_none() || g.region == region_now)
            .collect();
        let group_now = match current {
            FlowFilter::Group(g) => Some(g),
            _ => None,
        };
        let group_text = group_now
            .map(|g| short_name(&s.org(g).name).to_string())
            .unwrap_or_else(|| "All systems".into());
        egui::ComboBox::new("flow system", "system")
            .selected_text(group_text)
            .width(260.0)
            .show_ui(ui, |ui| {
                let all = match region_now {
                    Some(r) => FlowFilter::Region(r),
                    None => FlowFilter::All,
                };
                if ui
                    .selectable_label(group_now.is_none(), "All systems")
                    .clicked()
                {
                    filter = all;
                }
                for g in groups {
                    if ui
                        .selectable_label(group_now == Some(g.org), short_name(&s.org(g.org).name))
                        .clicked()
                    {
                        filter = FlowFilter::Group(g.org);
                    }
                }
            });
        if ui
            .button("Export PNG…")
            .on_hover_text("Save the flow as a picture")
            .clicked()
        {
            out.push(Export::Ask(ExportKind::Flow).into());
        }
    });
    if filter != current {
        out.push(Window::SetFlowFilter(filter).into());
    }
}
