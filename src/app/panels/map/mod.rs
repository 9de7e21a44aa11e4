//! The map: England on the date, each CCG (or sub-ICB location) area filled by its
//! system, CCG, leadership team or modelled savings, with thin CCG and thick system
//! borders; or the 152 places (or the PCNs) as equal hexes. Draws
//! [`crate::geo::frame::MapFrame`]; pans, zooms, hovers and selects.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Color32, FontId, Mesh, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::flow::short_name;
use crate::app::ViewCtx;
use crate::app::command::{Command, Export, MapFill, MapLayout, MapSettings, Selection, Window};
use crate::app::export::ExportKind;
use crate::geo::frame::{MapFrame, map_frame};
use crate::geo::{Geography, HEX_RADIUS, Point, hex_corners};
use crate::model::{Date, OrgId, OrgKind, Timeline};

mod colour;
mod hexes;
mod paint;
mod words;

pub use colour::savings_colour;
use colour::*;
pub use hexes::wedges;
use hexes::*;
use paint::*;
use words::*;

/// How long areas take to run together when the era changes, in seconds.
const TRANSITION: f64 = 0.6;
/// Below this many pixels per map unit the map draws [`Geography::overview`].
const OVERVIEW_SCALE: f32 = 1.0;
/// The steps of a transition's colours.
const TRANSITION_STEPS: f32 = 6.0;
/// The attribution every map carries.
pub const ATTRIBUTION: &str = "Boundaries: ONS (Open Government Licence v3.0), contains OS data © Crown copyright and database right 2011–2022 · hex layouts: Open Innovations (MIT)";

/// Where the map looks: a zoom (1: all of England) and the point in the middle.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MapCamera {
    /// Times the whole-England scale.
    pub zoom: f32,
    /// The map point in the middle (none: England's middle).
    pub centre: Option<Point>,
}

/// The commissioner of each PCN hex.
type PcnHolders = Arc<Vec<Option<OrgId>>>;

/// A frame of the map, or why there is none.
type Shown = Arc<Result<MapFrame, String>>;

/// The map view's state: the geography (read once, on a worker), the frame of the
/// date shown, the camera and the transition under way.
#[derive(Default)]
pub struct MapView {
    geo: Option<Arc<Geography>>,
    pending: Option<Receiver<Result<Arc<Geography>, String>>>,
    failed: Option<String>,
    frame: Option<((u64, Date), Shown)>,
    /// The frame shown before the date last changed, when it changed, and who held
    /// the middle of each area now drawn in it.
    previous: Option<(Arc<MapFrame>, f64, Vec<Option<OrgId>>)>,
    camera: MapCamera,
    /// Meshes kept between frames, each with a key of what it shows: the areas' fills,
    /// their borders, the era before's borders, and those faded to the step shown.
    baked: [Option<(u64, Arc<Mesh>)>; 4],
    /// The commissioner of each PCN hex, for the record and date shown.
    pcns: Option<((u64, Date), PcnHolders)>,
    /// Where the map was drawn (exports crop to it).
    pub rect: Option<Rect>,
    /// Areas (or hexes) drawn in the last frame, for tests and the caption.
    pub drawn: usize,
    /// Where map points were drawn in the last frame.
    pub transform: Option<Transform>,
}

/// Screen position of map points: `screen = origin + p * scale`.
#[derive(Clone, Copy, Debug)]
pub struct Transform {
    scale: f32,
    origin: Pos2,
}

impl Transform {
    /// Fits `bounds` into `rect` under `camera`.
    pub fn fit(rect: Rect, bounds: [Point; 2], camera: MapCamera) -> Transform {
        let [lo, hi] = bounds;
        let (w, h) = ((hi[0] - lo[0]).max(1e-3), (hi[1] - lo[1]).max(1e-3));
        let base = (rect.width() / (w * 1.04)).min(rect.height() / (h * 1.04));
        let scale = base * camera.zoom.max(0.1);
        let c = camera
            .centre
            .unwrap_or([(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]);
        Transform {
            scale,
            origin: rect.center() - vec2(c[0], c[1]) * scale,
        }
    }

    /// The screen point of a map point.
    pub fn to_screen(&self, p: Point) -> Pos2 {
        self.origin + vec2(p[0], p[1]) * self.scale
    }

    /// The map point under a screen point.
    pub fn to_map(&self, p: Pos2) -> Point {
        let v = (p - self.origin) / self.scale;
        [v.x, v.y]
    }
}

impl MapView {
    /// The geography, read on a worker the first time the map is shown. None while it
    /// is being read.
    fn geography(&mut self, ctx: &egui::Context) -> Option<Arc<Geography>> {
        if let Some(g) = &self.geo {
            return Some(g.clone());
        }
        if self.failed.is_some() {
            return None;
        }
        if let Some(rx) = &self.pending {
            match rx.try_recv() {
                Ok(Ok(g)) => {
                    self.pending = None;
                    self.geo = Some(g);
                }
                Ok(Err(e)) => {
                    self.pending = None;
                    self.failed = Some(e);
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.pending = None;
                    self.failed = Some("the map's worker stopped before it finished".into());
                }
            }
            return self.geo.clone();
        }
        let read = crate::geo::england_shared;
        if cfg!(target_arch = "wasm32") {
            match read() {
                Ok(g) => self.geo = Some(g),
                Err(e) => self.failed = Some(e),
            }
            return self.geo.clone();
        }
        match crate::app::memo::on_worker("map-geography", ctx, read) {
            Some(rx) => self.pending = Some(rx),
            None => match read() {
                Ok(g) => self.geo = Some(g),
                Err(e) => self.failed = Some(e),
            },
        }
        self.geo.clone()
    }

    /// Whether the geography is being read on a worker.
    pub fn building(&self) -> bool {
        self.pending.is_some()
    }

    /// The frame of `tl` on `date`, built once per record and date.
    fn frame(
        &mut self,
        tl: &Timeline,
        geo: &Geography,
        date: Date,
        now: f64,
    ) -> Arc<Result<MapFrame, String>> {
        let key = (tl.id(), date);
        if let Some((k, f)) = &self.frame
            && *k == key
        {
            return f.clone();
        }
        let f = Arc::new(map_frame(tl, geo, date).map_err(|e| e.to_string()));
        if let Some((_, old)) = self.frame.take()
            && let (Ok(old), Ok(new)) = (old.as_ref(), f.as_ref())
            && (old.era != new.era || old.orgs != new.orgs)
        {
            let before = geo.eras[new.era]
                .areas
                .iter()
                .map(|a| {
                    geo.eras[old.era]
                        .area_at(a.label_at)
                        .and_then(|k| old.holder(k))
                        .map(|h| h.org)
                })
                .collect();
            self.previous = Some((Arc::new(old.clone()), now, before));
        }
        self.frame = Some((key, f.clone()));
        f
    }

    /// The map tab.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let settings = cx.app.map;
        controls(ui, cx, settings, &mut self.camera, out);
        let Some(geo) = self.geography(ui.ctx()) else {
            ui.add_space(8.0);
            ui.horizontal(|ui| match &self.failed {
                Some(e) => {
                    ui.colored_label(cx.theme.error, format!("The map cannot be drawn: {e}."));
                }
                None => {
                    // No spinner: the worker asks for a frame when it is done.
                    ui.label("Reading England's geography…");
                }
            });
            return;
        };
        let now = ui.input(|i| i.time);
        let tl = cx.tl().clone();
        let frame = self.frame(&tl, &geo, cx.date(), now);
        let frame = match frame.as_ref() {
            Ok(f) => f,
            Err(e) => {
                self.drawn = 0;
                self.transform = None;
                ui.add_space(24.0);
                ui.vertical_centered(|ui| ui.label(egui::RichText::new(e.as_str()).size(15.0)));
                return;
            }
        };
        let s = tl.snapshot();
        // Savings only when they colour the map (the cost model's figures for the year).
        let (savings, target) = if settings.fill == MapFill::Savings {
            let charts = cx.app.charts();
            let bars = charts
                .savings
                .bars
                .iter()
                .map(|(o, _, p)| (*o, *p))
                .collect();
            (bars, charts.savings.target_percent)
        } else {
            (HashMap::new(), 20.0)
        };
        let palette = Palette::new(frame, settings.fill, cx.theme.dark, savings, target, s);
        // The legend and attribution take the bottom lines.
        let legend_h = if ui.available_width() < 900.0 {
            58.0
        } else {
            40.0
        };
        let avail = ui.available_rect_before_wrap();
        let rect = Rect::from_min_max(
            avail.min,
            pos2(
                avail.max.x,
                (avail.max.y - legend_h).max(avail.min.y + 120.0),
            ),
        );
        let response = ui.allocate_rect(rect, Sense::click_and_drag());
        self.rect = Some(rect);
        let painter = ui.painter_at(rect);
        painter.rect_filled(
            rect,
            0.0,
            if cx.theme.dark {
                Color32::from_rgb(24, 30, 38)
            } else {
                Color32::from_rgb(236, 242, 248)
            },
        );
        let bounds = match settings.layout {
            MapLayout::Areas => geo.bounds,
            MapLayout::PlaceHexes => hex_bounds(&geo.place_hexes),
            MapLayout::PcnHexes => hex_bounds(&geo.pcn_hexes),
        };
        // Pan, zoom, reset.
        if response.dragged() {
            let t = Transform::fit(rect, bounds, self.camera_or_default());
            let d = response.drag_delta() / t.scale;
            let c = self.camera_or_default().centre.unwrap_or(mid(bounds));
            self.camera.centre = Some([c[0] - d.x, c[1] - d.y]);
            self.camera.zoom = self.camera_or_default().zoom;
        }
        if response.hovered() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            let factor = (scroll * 0.003).exp() * pinch;
            if (factor - 1.0).abs() > 1e-4
                && let Some(p) = response.hover_pos()
            {
                let cam = self.camera_or_default();
                let t = Transform::fit(rect, bounds, cam);
                let at = t.to_map(p);
                let zoom = (cam.zoom * factor).clamp(0.5, 40.0);
                let c = cam.centre.unwrap_or(mid(bounds));
                let k = cam.zoom / zoom;
                self.camera = MapCamera {
                    zoom,
                    centre: Some([at[0] + (c[0] - at[0]) * k, at[1] + (c[1] - at[1]) * k]),
                };
            }
        }
        if response.double_clicked() {
            self.camera = MapCamera::default();
        }
        let t = Transform::fit(rect, bounds, self.camera_or_default());
        self.transform = Some(t);
        let canvas = Canvas {
            painter: &painter,
            cx,
            geo: &geo,
            palette: &palette,
            t,
        };
        let hover = response.hover_pos().filter(|_| !cx.screenshot());
        let clicked = response.clicked();
        let pointer = response.interact_pointer_pos().or(hover);
        match settings.layout {
            MapLayout::Areas => {
                let progress = self
                    .previous
                    .as_ref()
                    .map(|(_, t0, _)| ((now - t0) / TRANSITION) as f32)
                    .filter(|p| *p < 1.0 && settings.animate && !cx.screenshot());
                if progress.is_none() {
                    self.previous = None;
                } else {
                    ui.ctx().request_repaint();
                }
                let old = self
                    .previous
                    .clone()
                    .zip(progress)
                    // In steps, so that a transition recolours a few times, not every
                    // frame.
                    .map(|((f, _, before), p)| {
                        let step = (p * TRANSITION_STEPS).floor() / TRANSITION_STEPS;
                        (f, before, step)
                    });
                let hit = pointer.and_then(|p| geo.eras[frame.era].area_at(t.to_map(p)));
                let place_hit = pointer.and_then(|p| geo.places.area_at(t.to_map(p)));
                self.drawn = frame.orgs.len();
                draw_areas(
                    &canvas,
                    frame,
                    settings,
                    old.as_ref().map(|(f, b, p)| (f.as_ref(), b.as_slice(), *p)),
                    &mut self.baked,
                );
                if let Some(i) = hit.filter(|_| hover.is_some()) {
                    outline_area(
                        &painter,
                        &geo,
                        frame,
                        i,
                        t,
                        Stroke::new(2.0, ui.visuals().strong_text_color()),
                    );
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        area_tooltip(ui, cx, &tl, frame, &geo, i, place_hit)
                    });
                }
                if clicked {
                    let place = place_hit.and_then(|p| frame.places.get(p).copied().flatten());
                    let org = hit.and_then(|i| frame.holder(i)).map(|h| h.org);
                    let pick = if settings.select_places {
                        place.or(org)
                    } else {
                        org.or(place)
                    };
                    if let Some(id) = pick {
                        out.push(Selection::Select(id).into());
                    }
                }
            }
            MapLayout::PlaceHexes => {
                self.drawn = geo.place_hexes.len();
                let hit = pointer.and_then(|p| nearest_hex(&geo.place_hexes, t.to_map(p)));
                draw_place_hexes(&canvas, frame, hit.filter(|_| hover.is_some()));
                if let Some(i) = hit {
                    let code = &geo.place_hexes[i].code;
                    let place = geo.places.area_coded(code);
                    if hover.is_some() {
                        response.clone().on_hover_ui_at_pointer(|ui| {
                            place_tooltip(ui, &tl, frame, place, &geo.place_hexes[i].name)
                        });
                    }
                    if clicked && let Some(id) = place.and_then(|p| frame.places[p]) {
                        out.push(Selection::Select(id).into());
                    }
                }
            }
            MapLayout::PcnHexes => {
                self.drawn = geo.pcn_hexes.len();
                let hit = pointer.and_then(|p| nearest_hex(&geo.pcn_hexes, t.to_map(p)));
                // Built once per record and date, not every frame.
                let key = (tl.id(), cx.date());
                let by = match &self.pcns {
                    Some((k, by)) if *k == key => by.clone(),
                    _ => {
                        let by =
                            Arc::new(crate::geo::frame::pcn_commissioners(&tl, &geo, cx.date()));
                        self.pcns = Some((key, by.clone()));
                        by
                    }
                };
                draw_pcn_hexes(&canvas, &by, hit.filter(|_| hover.is_some()));
                if let Some(i) = hit {
                    let h = &geo.pcn_hexes[i];
                    let pcn = s.find(OrgKind::Neighbourhood, &h.code);
                    if hover.is_some() {
                        response.clone().on_hover_ui_at_pointer(|ui| {
                            ui.strong(format!("{} ({})", h.name, h.code));
                            match by[i] {
                                Some(o) => ui.label(format!("Commissioned by {} on {}", s.org(o).label(), crate::model::human_date(cx.date()))),
                                None => ui.weak("The record gives no commissioner for this neighbourhood on the date."),
                            };
                        });
                    }
                    if clicked && let Some(id) = pcn {
                        out.push(Selection::Select(id).into());
                    }
                }
            }
        }
        // The selection, outlined.
        if let Some(sel) = cx.selection() {
            outline_selection(&painter, cx, &tl, &geo, frame, settings, t, sel);
        }
        if frame.unheld > 0 && settings.layout == MapLayout::Areas {
            painter.text(
                rect.left_top() + vec2(6.0, 6.0),
                egui::Align2::LEFT_TOP,
                format!(
                    "{} areas have no commissioner in the record on this date (grey).",
                    frame.unheld
                ),
                FontId::proportional(12.0),
                cx.theme.error,
            );
        }
        legend(ui, cx, &tl, frame, settings, &palette);
    }

    fn camera_or_default(&self) -> MapCamera {
        if self.camera.zoom <= 0.0 {
            MapCamera {
                zoom: 1.0,
                centre: self.camera.centre,
            }
        } else {
            self.camera
        }
    }
}

pub(super) fn mid(b: [Point; 2]) -> Point {
    [(b[0][0] + b[1][0]) / 2.0, (b[0][1] + b[1][1]) / 2.0]
}

pub(super) fn hex_bounds(hexes: &[crate::geo::Hex]) -> [Point; 2] {
    let mut lo = [f32::MAX; 2];
    let mut hi = [f32::MIN; 2];
    for h in hexes {
        for k in 0..2 {
            lo[k] = lo[k].min(h.centre[k] - 0.6);
            hi[k] = hi[k].max(h.centre[k] + 0.6);
        }
    }
    [lo, hi]
}

pub(super) fn nearest_hex(hexes: &[crate::geo::Hex], p: Point) -> Option<usize> {
    hexes
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                i,
                (h.centre[0] - p[0]).powi(2) + (h.centre[1] - p[1]).powi(2),
            )
        })
        .filter(|(_, d)| *d <= 0.25)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}
