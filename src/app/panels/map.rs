//! The map: England on the date, each CCG (or sub-ICB location) area filled by its
//! system, CCG, leadership team or modelled savings, with thin CCG and thick system
//! borders; or the 152 places (or the PCNs) as equal hexes. Draws
//! [`crate::geo::frame::MapFrame`]; pans, zooms, hovers and selects.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};

use super::flow::short_name;
use crate::app::ViewCtx;
use crate::app::command::{Command, Export, MapFill, MapLayout, MapSettings, Selection, Window};
use crate::app::export::ExportKind;
use crate::geo::frame::{MapFrame, map_frame};
use crate::geo::{Geography, HEX_RADIUS, Point, hex_corners};
use crate::model::{Date, LinkKind, OrgId, OrgKind, Timeline};

/// How long areas take to run together when the era changes, in seconds.
const TRANSITION: f64 = 0.6;
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
    /// The areas' fills, their borders and the era before's borders last tessellated,
    /// each with a key of what it shows.
    baked: [Option<(u64, Arc<Mesh>)>; 3],
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

/// A colour from a hue (0..1), for the theme.
fn hue(h: f32, dark: bool, strong: bool) -> Color32 {
    let (s, v) = match (dark, strong) {
        (false, false) => (0.38, 0.93),
        (false, true) => (0.55, 0.80),
        (true, false) => (0.45, 0.50),
        (true, true) => (0.60, 0.70),
    };
    egui::ecolor::Hsva::new(h.fract(), s, v, 1.0).into()
}

/// The k-th of many distinguishable hues.
fn nth(k: usize, dark: bool) -> Color32 {
    hue(k as f32 * 0.618_034, dark, k % 2 == 1)
}

/// What colours each commissioner on the date.
struct Palette {
    fill: MapFill,
    dark: bool,
    /// Index of each commissioner in the frame, its system's index, its team's.
    org: HashMap<OrgId, (usize, Option<usize>, usize)>,
    /// Teams of more than one, by index: their rank among shared teams.
    shared_team: HashMap<usize, usize>,
    /// Modelled savings by system, percent of baseline.
    savings: HashMap<OrgId, f64>,
    /// The systems, by index.
    systems: Vec<OrgId>,
    target: f64,
    none: Color32,
}

impl Palette {
    fn new(
        f: &MapFrame,
        fill: MapFill,
        dark: bool,
        savings: HashMap<OrgId, f64>,
        target: f64,
        s: &crate::model::Snapshot,
    ) -> Self {
        // Systems by code, so that a system keeps its colour from date to date.
        let mut systems = f.systems.clone();
        systems.sort_by(|a, b| s.org(*a).code.cmp(&s.org(*b).code));
        let sys_ix: HashMap<OrgId, usize> =
            systems.iter().enumerate().map(|(i, x)| (*x, i)).collect();
        let mut org = HashMap::new();
        for h in f.holders.iter().flatten() {
            let k = org.len();
            org.entry(h.org)
                .or_insert((k, h.system.and_then(|x| sys_ix.get(&x).copied()), h.team));
        }
        let mut shared_team = HashMap::new();
        for (i, t) in f.teams.iter().enumerate() {
            if t.len() > 1 {
                let k = shared_team.len();
                shared_team.insert(i, k);
            }
        }
        Palette {
            fill,
            dark,
            org,
            shared_team,
            savings,
            systems,
            target,
            none: if dark {
                Color32::from_gray(70)
            } else {
                Color32::from_gray(215)
            },
        }
    }

    /// The fill of commissioner `o`.
    fn of(&self, o: OrgId) -> Color32 {
        let Some((k, sys, team)) = self.org.get(&o).copied() else {
            return self.none;
        };
        match self.fill {
            MapFill::System => sys.map(|s| nth(s, self.dark)).unwrap_or(self.none),
            MapFill::Ccg => nth(k, self.dark),
            MapFill::Leadership => match self.shared_team.get(&team) {
                Some(r) => nth(*r, self.dark),
                None => self.none,
            },
            MapFill::Savings => {
                let Some(share) = sys
                    .and_then(|s| self.systems.get(s))
                    .and_then(|s| self.savings.get(s))
                else {
                    return self.none;
                };
                savings_colour(*share, self.target, self.dark)
            }
        }
    }
}

/// Savings against the target: red below nothing, pale at nothing, deep green at the
/// target and beyond.
pub fn savings_colour(percent: f64, target: f64, dark: bool) -> Color32 {
    let t = (percent / target.max(1e-9)).clamp(-1.0, 1.0) as f32;
    let (pale, green, red) = if dark {
        (
            Color32::from_rgb(80, 80, 80),
            Color32::from_rgb(40, 150, 90),
            Color32::from_rgb(190, 70, 60),
        )
    } else {
        (
            Color32::from_rgb(240, 240, 232),
            Color32::from_rgb(30, 130, 70),
            Color32::from_rgb(200, 70, 55),
        )
    };
    if t >= 0.0 {
        lerp(pale, green, t)
    } else {
        lerp(pale, red, -t)
    }
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let f = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(f(a.r(), b.r()), f(a.g(), b.g()), f(a.b(), b.b()))
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
        let (tx, rx) = channel();
        let ctx2 = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("map-geography".into())
            .spawn(move || {
                let _ = tx.send(read());
                ctx2.request_repaint();
            });
        match spawned {
            Ok(_) => self.pending = Some(rx),
            Err(_) => match read() {
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
                    .map(|((f, _, before), p)| (f, before, p));
                let hit = pointer.and_then(|p| geo.eras[frame.era].area_at(t.to_map(p)));
                let place_hit = pointer.and_then(|p| geo.places.area_at(t.to_map(p)));
                self.drawn = frame.orgs.len();
                draw_areas(
                    &painter,
                    cx,
                    &geo,
                    frame,
                    &palette,
                    t,
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
                draw_place_hexes(
                    &painter,
                    cx,
                    &geo,
                    frame,
                    &palette,
                    t,
                    hit.filter(|_| hover.is_some()),
                );
                if let Some(i) = hit {
                    let code = &geo.place_hexes[i].code;
                    let place = geo.places.areas.iter().position(|a| &a.code == code);
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
                let by = pcn_commissioners(&tl, &geo, cx.date());
                draw_pcn_hexes(
                    &painter,
                    cx,
                    &geo,
                    &by,
                    &palette,
                    t,
                    hit.filter(|_| hover.is_some()),
                );
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

fn mid(b: [Point; 2]) -> Point {
    [(b[0][0] + b[1][0]) / 2.0, (b[0][1] + b[1][1]) / 2.0]
}

fn hex_bounds(hexes: &[crate::geo::Hex]) -> [Point; 2] {
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

fn nearest_hex(hexes: &[crate::geo::Hex], p: Point) -> Option<usize> {
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

/// A layout's name in the controls.
fn layout_name(l: MapLayout) -> &'static str {
    match l {
        MapLayout::Areas => "CCG areas",
        MapLayout::PlaceHexes => "places as hexes",
        MapLayout::PcnHexes => "PCNs as hexes",
    }
}

/// A fill's name in the controls.
fn fill_name(f: MapFill) -> &'static str {
    match f {
        MapFill::System => "system",
        MapFill::Ccg => "CCG",
        MapFill::Leadership => "leadership team",
        MapFill::Savings => "modelled savings",
    }
}

/// The controls above the map.
fn controls(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    settings: MapSettings,
    camera: &mut MapCamera,
    out: &mut Vec<Command>,
) {
    let set = |s: MapSettings| Command::from(Window::SetMap(s));
    ui.horizontal_wrapped(|ui| {
        let mut layout = settings.layout;
        let l = ui.label("Show:");
        egui::ComboBox::from_id_salt("map-layout")
            .selected_text(layout_name(layout))
            .show_ui(ui, |ui| {
                for choice in [MapLayout::Areas, MapLayout::PlaceHexes, MapLayout::PcnHexes] {
                    ui.selectable_value(&mut layout, choice, layout_name(choice));
                }
            })
            .response
            .labelled_by(l.id);
        if layout != settings.layout {
            out.push(set(MapSettings { layout, ..settings }));
        }
        let mut fill = settings.fill;
        let l = ui.label("Colour by:");
        egui::ComboBox::from_id_salt("map-fill")
            .selected_text(fill_name(fill))
            .show_ui(ui, |ui| {
                for choice in [MapFill::System, MapFill::Ccg, MapFill::Leadership, MapFill::Savings] {
                    ui.selectable_value(&mut fill, choice, fill_name(choice));
                }
            })
            .response
            .labelled_by(l.id);
        if fill != settings.fill {
            out.push(set(MapSettings { fill, ..settings }));
        }
        ui.separator();
        if settings.layout == MapLayout::Areas {
            let mut places = settings.places;
            if ui.checkbox(&mut places, "places").changed() {
                out.push(set(MapSettings { places, ..settings }));
            }
            let mut select_places = settings.select_places;
            if ui
                .checkbox(&mut select_places, "click: place")
                .on_hover_text("On: a click selects the place (council area) under the pointer. Off: the CCG or sub-ICB location.")
                .changed()
            {
                out.push(set(MapSettings { select_places, ..settings }));
            }
            let mut animate = settings.animate;
            if ui
                .checkbox(&mut animate, "animate")
                .on_hover_text("When the date crosses a merger wave, the merging areas run together.")
                .changed()
            {
                out.push(set(MapSettings { animate, ..settings }));
            }
            if ui.button("London").on_hover_text("Zoom to London's 33 boroughs, where the areas are small").clicked() {
                *camera = MapCamera { zoom: 7.0, centre: Some(crate::geo::project(-0.11, 51.49)) };
            }
        }
        if ui.button("All England").on_hover_text("Zoom out to all of England (or double-click the map)").clicked() {
            *camera = MapCamera::default();
        }
        if !cx.presenting() && ui.button("Export PNG…").clicked() {
            out.push(Export::Ask(ExportKind::Map).into());
        }
    });
}

/// Fills the areas and draws their borders (and, during a transition, the borders of
/// the era before fading out).
#[allow(clippy::too_many_arguments)]
fn draw_areas(
    painter: &egui::Painter,
    cx: &ViewCtx,
    geo: &Geography,
    f: &MapFrame,
    palette: &Palette,
    t: Transform,
    settings: MapSettings,
    old: Option<(&MapFrame, &[Option<OrgId>], f32)>,
    baked: &mut [Option<(u64, Arc<Mesh>)>; 3],
) {
    use std::hash::{Hash, Hasher};
    let layer = &geo.eras[f.era];
    let colours: Vec<Color32> = (0..layer.areas.len())
        .map(|i| {
            let colour = f
                .holder(i)
                .map(|h| palette.of(h.org))
                .unwrap_or(palette.none);
            match old {
                Some((_, before, p)) => {
                    let before = before
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|o| palette.of(o))
                        .unwrap_or(colour);
                    lerp(before, colour, p)
                }
                None => colour,
            }
        })
        .collect();
    let dark = cx.theme.dark;
    let line = if dark {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(70)
    };
    // Fills, borders and the era before's borders are each tessellated once and kept
    // while nothing they show changes (the date moving within a stretch of unchanged
    // holders, the pointer moving); a transition only recolours.
    let view_key = |h: &mut std::collections::hash_map::DefaultHasher| {
        (dark, settings.places).hash(h);
        [t.scale, t.origin.x, t.origin.y].map(f32::to_bits).hash(h);
    };
    let holders_key = |h: &mut std::collections::hash_map::DefaultHasher, f: &MapFrame| {
        f.era.hash(h);
        for x in &f.holders {
            x.as_ref().map(|x| (x.org, x.system)).hash(h);
        }
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view_key(&mut h);
    f.era.hash(&mut h);
    for c in &colours {
        c.to_array().hash(&mut h);
    }
    let fill = cached(&mut baked[0], h.finish(), || {
        let mut mesh = Mesh::default();
        for (a, colour) in layer.areas.iter().zip(&colours) {
            let base = mesh.vertices.len() as u32;
            for v in &a.vertices {
                mesh.colored_vertex(t.to_screen(*v), *colour);
            }
            mesh.indices.extend(a.triangles.iter().map(|k| base + k));
        }
        mesh
    });
    painter.add(Shape::Mesh(fill));
    if let Some((o, _, p)) = old {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        view_key(&mut h);
        holders_key(&mut h, o);
        let before = cached(&mut baked[2], h.finish(), || {
            let ol = &geo.eras[o.era];
            let stroke = Stroke::new(0.8, line);
            let shapes = ol.borders.iter().zip(&ol.sides).filter_map(|(b, (x, y))| {
                let y = (*y)?;
                (!o.same_org(*x as usize, y as usize)).then(|| Shape::line(on_screen(b, t), stroke))
            });
            tessellate(painter.ctx(), shapes)
        });
        // Fading out: the kept mesh, recoloured.
        let mut faded = (*before).clone();
        for v in &mut faded.vertices {
            v.color = v.color.gamma_multiply(1.0 - p);
        }
        painter.add(Shape::mesh(faded));
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view_key(&mut h);
    holders_key(&mut h, f);
    let borders = cached(&mut baked[1], h.finish(), || {
        let thin = Stroke::new(0.6, line.gamma_multiply(0.8));
        let thick = Stroke::new(2.0, line);
        let mut shapes: Vec<Shape> = Vec::new();
        for (b, (x, y)) in layer.borders.iter().zip(&layer.sides) {
            let stroke = match y {
                None => thin,
                Some(y) if f.same_org(*x as usize, *y as usize) => continue,
                Some(y) if f.same_system(*x as usize, *y as usize) => thin,
                Some(_) => thick,
            };
            shapes.push(Shape::line(on_screen(b, t), stroke));
        }
        if settings.places {
            let dash = Stroke::new(
                1.0,
                if dark {
                    Color32::from_gray(220)
                } else {
                    Color32::from_gray(40)
                },
            );
            for b in &geo.places.borders {
                shapes.extend(Shape::dashed_line(&on_screen(b, t), dash, 4.0, 3.0));
            }
        }
        tessellate(painter.ctx(), shapes)
    });
    painter.add(Shape::Mesh(borders));
    // Scenario areas dashed in the scenario's colour; split ones dotted.
    for (i, _) in layer.areas.iter().enumerate() {
        let Some(h) = f.holder(i) else { continue };
        if cx.hypothetical(h.org) {
            outline_area(painter, geo, f, i, t, Stroke::new(2.0, cx.theme.scenario()));
        } else if !h.split_with.is_empty() {
            outline_area(painter, geo, f, i, t, Stroke::new(1.5, cx.theme.changed));
        }
    }
    // Labels where they fit.
    let font = FontId::proportional(11.0);
    let text = if dark {
        Color32::from_gray(235)
    } else {
        Color32::from_gray(20)
    };
    let mut best: HashMap<OrgId, usize> = HashMap::new();
    for (i, a) in layer.areas.iter().enumerate() {
        if let Some(h) = f.holder(i) {
            let e = best.entry(h.org).or_insert(i);
            if layer.areas[*e].size < a.size {
                *e = i;
            }
        }
    }
    let s = cx.tl().snapshot();
    for (org, i) in best {
        let a = &layer.areas[i];
        let w = (a.bounds[1][0] - a.bounds[0][0]) * t.scale;
        let h = (a.bounds[1][1] - a.bounds[0][1]) * t.scale;
        let name = short_name(&s.org(org).name);
        let galley = painter.layout_no_wrap(name.to_string(), font.clone(), text);
        if galley.size().x + 6.0 < w * 0.8 && galley.size().y + 4.0 < h * 0.6 {
            let at = t.to_screen(a.label_at) - galley.size() / 2.0;
            painter.galley(at, galley, text);
        }
    }
}

/// The mesh kept in `slot` if it was made for `key`, else a new one from `make`.
fn cached(slot: &mut Option<(u64, Arc<Mesh>)>, key: u64, make: impl FnOnce() -> Mesh) -> Arc<Mesh> {
    match slot {
        Some((k, m)) if *k == key => m.clone(),
        _ => {
            let m = Arc::new(make());
            *slot = Some((key, m.clone()));
            m
        }
    }
}

/// Shapes tessellated into one mesh, as egui would each frame.
fn tessellate(ctx: &egui::Context, shapes: impl IntoIterator<Item = Shape>) -> Mesh {
    let mut tess = egui::epaint::Tessellator::new(
        ctx.pixels_per_point(),
        ctx.tessellation_options(|o| *o),
        [1, 1],
        Vec::new(),
    );
    let mut mesh = Mesh::default();
    for shape in shapes {
        tess.tessellate_shape(shape, &mut mesh);
    }
    mesh
}

/// A border's points on the screen, without those closer than a pixel to the last
/// one kept (at England scale most of them: the line looks the same, and costs a
/// third to draw).
fn on_screen(border: &[Point], t: Transform) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(border.len());
    let last = border.len().saturating_sub(1);
    for (k, q) in border.iter().enumerate() {
        let p = t.to_screen(*q);
        match out.last() {
            Some(prev) if k != last && prev.distance_sq(p) < 1.0 => {}
            _ => out.push(p),
        }
    }
    out
}

/// Outlines area `i` with its whole commissioner: every border of the commissioner's
/// areas not shared with itself.
fn outline_area(
    painter: &egui::Painter,
    geo: &Geography,
    f: &MapFrame,
    i: usize,
    t: Transform,
    stroke: Stroke,
) {
    let layer = &geo.eras[f.era];
    let org = f.holder(i).map(|h| h.org);
    let mine = |k: u32| {
        org.is_some_and(|o| f.holder(k as usize).is_some_and(|h| h.org == o)) || k as usize == i
    };
    for (b, (x, y)) in layer.borders.iter().zip(&layer.sides) {
        let (ix, iy) = (mine(*x), y.is_some_and(mine));
        if ix != iy || (ix && y.is_none()) {
            painter.add(Shape::line(on_screen(b, t), stroke));
        }
    }
}

/// The selection, outlined: a commissioner's areas (and, dashed, its predecessors'), a
/// system's, or a place.
#[allow(clippy::too_many_arguments)]
fn outline_selection(
    painter: &egui::Painter,
    cx: &ViewCtx,
    tl: &Timeline,
    geo: &Geography,
    f: &MapFrame,
    settings: MapSettings,
    t: Transform,
    sel: OrgId,
) {
    let s = tl.snapshot();
    let stroke = Stroke::new(3.0, cx.theme.accent);
    match (settings.layout, s.org(sel).kind) {
        (MapLayout::Areas, OrgKind::Place) => {
            if let Some(p) = geo
                .places
                .areas
                .iter()
                .position(|a| a.code == s.org(sel).code)
            {
                for ring in &geo.places.areas[p].rings {
                    let mut pts: Vec<Pos2> = ring.iter().map(|q| t.to_screen(*q)).collect();
                    if let Some(first) = pts.first().copied() {
                        pts.push(first);
                    }
                    painter.add(Shape::line(pts, stroke));
                }
            }
        }
        (MapLayout::Areas, OrgKind::Ccg | OrgKind::SubIcb) => {
            if let Some(i) = f
                .holders
                .iter()
                .position(|h| h.as_ref().is_some_and(|h| h.org == sel))
            {
                outline_area(painter, geo, f, i, t, stroke);
            }
            // Its predecessors, dashed, from the era they last had an area in.
            let lineage = tl.lineage(sel);
            let dash = Stroke::new(1.5, cx.theme.accent);
            for step in lineage.steps.iter().filter(|st| st.date <= cx.date()) {
                for from in &step.from {
                    let code = &s.org(*from).code;
                    if let Some(a) = geo.eras[..f.era]
                        .iter()
                        .rev()
                        .find_map(|e| e.areas.iter().find(|a| &a.code == code))
                    {
                        for ring in &a.rings {
                            let mut pts: Vec<Pos2> = ring.iter().map(|q| t.to_screen(*q)).collect();
                            if let Some(first) = pts.first().copied() {
                                pts.push(first);
                            }
                            painter.extend(Shape::dashed_line(&pts, dash, 5.0, 4.0));
                        }
                    }
                }
            }
        }
        (MapLayout::Areas, OrgKind::System | OrgKind::Icb) => {
            let sys = crate::view::system_of(tl, sel, cx.date());
            let layer = &geo.eras[f.era];
            let mine = |k: u32| {
                f.holder(k as usize)
                    .is_some_and(|h| h.system.is_some() && h.system == sys)
            };
            for (b, (x, y)) in layer.borders.iter().zip(&layer.sides) {
                let (ix, iy) = (mine(*x), y.is_some_and(mine));
                if ix != iy || (ix && y.is_none()) {
                    painter.add(Shape::line(on_screen(b, t), stroke));
                }
            }
        }
        (MapLayout::PlaceHexes, OrgKind::Place) => {
            if let Some(h) = geo.place_hexes.iter().find(|h| h.code == s.org(sel).code) {
                hex_outline(painter, t, h.centre, stroke);
            }
        }
        _ => {}
    }
}

fn hex_outline(painter: &egui::Painter, t: Transform, c: Point, stroke: Stroke) {
    let mut pts: Vec<Pos2> = hex_corners(c, HEX_RADIUS)
        .iter()
        .map(|q| t.to_screen(*q))
        .collect();
    if let Some(first) = pts.first().copied() {
        pts.push(first);
    }
    painter.add(Shape::line(pts, stroke));
}

/// The places as hexes, each filled by whoever serves most of it; a place split
/// between commissioners gets wedges by share.
fn draw_place_hexes(
    painter: &egui::Painter,
    cx: &ViewCtx,
    geo: &Geography,
    f: &MapFrame,
    palette: &Palette,
    t: Transform,
    hover: Option<usize>,
) {
    let mut mesh = Mesh::default();
    let by_code: HashMap<&str, usize> = geo
        .places
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    for h in &geo.place_hexes {
        let served = by_code
            .get(h.code.as_str())
            .map(|p| f.served[*p].by.as_slice())
            .unwrap_or(&[]);
        let corners = hex_corners(h.centre, HEX_RADIUS);
        // Six wedges shared out by share (largest remainder), at least one for any
        // commissioner serving a twelfth or more.
        let wedges = wedges(served);
        let c = t.to_screen(h.centre);
        for k in 0..6 {
            let colour = wedges
                .get(k)
                .map(|o| palette.of(*o))
                .unwrap_or(palette.none);
            let base = mesh.vertices.len() as u32;
            mesh.colored_vertex(c, colour);
            mesh.colored_vertex(t.to_screen(corners[k]), colour);
            mesh.colored_vertex(t.to_screen(corners[(k + 1) % 6]), colour);
            mesh.indices.extend([base, base + 1, base + 2]);
        }
    }
    painter.add(Shape::mesh(mesh));
    let line = if cx.theme.dark {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(90)
    };
    let font = FontId::proportional(10.0);
    let text = if cx.theme.dark {
        Color32::from_gray(235)
    } else {
        Color32::from_gray(20)
    };
    for (i, h) in geo.place_hexes.iter().enumerate() {
        let stroke = if Some(i) == hover {
            Stroke::new(2.0, cx.theme.accent)
        } else {
            Stroke::new(0.7, line)
        };
        hex_outline(painter, t, h.centre, stroke);
        if t.scale > 34.0 {
            let short: String = h
                .name
                .chars()
                .take(((t.scale / 7.0) as usize).max(3))
                .collect();
            painter.text(
                t.to_screen(h.centre),
                egui::Align2::CENTER_CENTER,
                short,
                font.clone(),
                text,
            );
        }
    }
}

/// Six wedges of a hex shared out among commissioners by share.
pub fn wedges(served: &[(OrgId, f64)]) -> Vec<OrgId> {
    let total: f64 = served.iter().map(|(_, s)| s).sum();
    if served.is_empty() || total <= 0.0 {
        return Vec::new();
    }
    let mut n: Vec<(OrgId, usize, f64)> = served
        .iter()
        .map(|(o, s)| {
            let x = s / total * 6.0;
            (
                *o,
                (x.floor() as usize).max(usize::from(s / total >= 1.0 / 12.0)),
                x - x.floor(),
            )
        })
        .collect();
    while n.iter().map(|x| x.1).sum::<usize>() < 6 {
        if let Some(m) = n.iter_mut().max_by(|a, b| a.2.total_cmp(&b.2)) {
            m.1 += 1;
            m.2 = -1.0;
        }
    }
    while n.iter().map(|x| x.1).sum::<usize>() > 6 {
        if let Some(m) = n.iter_mut().max_by_key(|x| x.1) {
            m.1 -= 1;
        }
    }
    n.into_iter()
        .flat_map(|(o, k, _)| std::iter::repeat_n(o, k))
        .collect()
}

/// The commissioner of each PCN hex on `date`, from the record's neighbourhoods.
fn pcn_commissioners(tl: &Timeline, geo: &Geography, date: Date) -> Vec<Option<OrgId>> {
    let s = tl.snapshot();
    geo.pcn_hexes
        .iter()
        .map(|h| {
            let n = s.find(OrgKind::Neighbourhood, &h.code)?;
            s.links_of(n)
                .find(|(_, l)| {
                    matches!(
                        l.kind,
                        LinkKind::NeighbourhoodCcg | LinkKind::NeighbourhoodSubIcb
                    ) && l.a == n
                        && l.holds_on(date)
                })
                .map(|(_, l)| l.b)
        })
        .collect()
}

fn draw_pcn_hexes(
    painter: &egui::Painter,
    cx: &ViewCtx,
    geo: &Geography,
    by: &[Option<OrgId>],
    palette: &Palette,
    t: Transform,
    hover: Option<usize>,
) {
    let mut mesh = Mesh::default();
    for (h, o) in geo.pcn_hexes.iter().zip(by) {
        let colour = o.map(|o| palette.of(o)).unwrap_or(palette.none);
        let base = mesh.vertices.len() as u32;
        mesh.colored_vertex(t.to_screen(h.centre), colour);
        for c in hex_corners(h.centre, HEX_RADIUS) {
            mesh.colored_vertex(t.to_screen(c), colour);
        }
        for k in 0..6u32 {
            mesh.indices
                .extend([base, base + 1 + k, base + 1 + (k + 1) % 6]);
        }
    }
    painter.add(Shape::mesh(mesh));
    if let Some(i) = hover {
        hex_outline(
            painter,
            t,
            geo.pcn_hexes[i].centre,
            Stroke::new(2.0, cx.theme.accent),
        );
    }
}

/// Hovering an area: its commissioner, population with basis, system, places served;
/// and the place under the pointer.
fn area_tooltip(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    tl: &Timeline,
    f: &MapFrame,
    geo: &Geography,
    i: usize,
    place: Option<usize>,
) {
    let s = tl.snapshot();
    let date = cx.date();
    let area = &geo.eras[f.era].areas[i];
    match f.holder(i) {
        Some(h) => {
            let o = s.org(h.org);
            ui.strong(o.label());
            if cx.hypothetical(h.org) {
                ui.colored_label(cx.theme.scenario(), "Scenario: not in the record");
            }
            if let Some(p) = crate::view::population_text(o) {
                ui.label(p);
            }
            match h.system {
                Some(sys) => ui.label(format!("System: {}", s.org(sys).label())),
                None => ui.weak("No system on this date (STPs from April 2017)"),
            };
            let team = &f.teams[h.team];
            if team.len() > 1 {
                let others: Vec<String> = team
                    .iter()
                    .filter(|x| **x != h.org)
                    .map(|x| s.org(*x).code.clone())
                    .collect();
                ui.label(format!("Shares leadership with {}", others.join(", ")));
            }
            if area.code != o.code {
                ui.weak(format!(
                    "This area was {} ({}) in {}",
                    area.name,
                    area.code,
                    crate::model::human_date(geo.eras[f.era].from.unwrap_or(date))
                ));
            }
            if !h.split_with.is_empty() {
                let names: Vec<String> = h.split_with.iter().map(|x| s.org(*x).label()).collect();
                ui.colored_label(
                    cx.theme.changed,
                    format!(
                        "Split: also {}; drawn approximately (estimated).",
                        names.join(", ")
                    ),
                );
            }
            let mut served: Vec<(String, f64, &str)> = s
                .links_of(h.org)
                .filter(|(_, l)| l.kind.serves_place() && l.a == h.org && l.holds_on(date))
                .map(|(_, l)| (s.org(l.b).name.clone(), l.share, l.basis.label()))
                .collect();
            served.sort_by(|a, b| b.1.total_cmp(&a.1));
            if !served.is_empty() {
                let list: Vec<String> = served
                    .iter()
                    .map(|(n, sh, b)| format!("{n} ({}, {b})", crate::view::percent(*sh)))
                    .collect();
                ui.label(format!("Serves: {}", list.join("; ")));
            }
        }
        None => {
            ui.strong(format!("{} ({})", area.name, area.code));
            ui.weak("No commissioner in the record on this date.");
        }
    }
    if let Some(p) = place {
        ui.separator();
        place_tooltip(ui, tl, f, Some(p), &geo.places.areas[p].name);
    }
}

fn place_tooltip(ui: &mut egui::Ui, tl: &Timeline, f: &MapFrame, place: Option<usize>, name: &str) {
    let s = tl.snapshot();
    ui.strong(format!("Place: {name}"));
    let Some(p) = place else { return };
    let by = &f.served[p].by;
    if by.is_empty() {
        ui.weak("The record gives no commissioner for this place on the date.");
    }
    for (o, share) in by {
        ui.label(format!(
            "{} · {} of the place",
            s.org(*o).label(),
            crate::view::percent(*share)
        ));
    }
}

/// The legend and attribution under the map.
fn legend(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    tl: &Timeline,
    f: &MapFrame,
    settings: MapSettings,
    palette: &Palette,
) {
    let s = tl.snapshot();
    let commissioners = if f.orgs.iter().any(|o| s.org(*o).kind == OrgKind::SubIcb) {
        "sub-ICB location areas"
    } else {
        "CCG areas"
    };
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        let date = crate::model::human_date(f.date);
        let (n, sys) = (f.orgs.len(), f.systems.len());
        ui.strong(match settings.layout {
            MapLayout::Areas => format!("{n} {commissioners} in {sys} systems on {date}"),
            MapLayout::PlaceHexes => format!(
                "152 places as hexes, each coloured by who serves most of it ({n} commissioners in {sys} systems on {date})"
            ),
            MapLayout::PcnHexes => format!(
                "The PCNs of 2022 as hexes, each coloured by its commissioner on {date}"
            ),
        });
        ui.weak("·");
        match settings.fill {
            MapFill::System => ui.label("colour: system"),
            MapFill::Ccg => ui.label("colour: one per commissioner"),
            MapFill::Leadership => {
                let shared = f.teams.iter().filter(|t| t.len() > 1).count();
                let sharing: usize = f.teams.iter().filter(|t| t.len() > 1).map(Vec::len).sum();
                swatch(ui, palette.none);
                ui.label(format!("own leadership · coloured: {shared} shared leadership teams of {sharing} commissioners (published arrangements)"))
            }
            MapFill::Savings => {
                for (p, label) in [(-palette.target, "−target"), (0.0, "0%"), (palette.target / 2.0, ""), (palette.target, "target")] {
                    swatch(ui, savings_colour(p, palette.target, cx.theme.dark));
                    if !label.is_empty() {
                        ui.label(label);
                    }
                }
                swatch(ui, palette.none);
                ui.label(format!("no system · modelled savings by system against the {:.0}% cut (modelled, not published)", palette.target))
            }
        };
        if settings.layout == MapLayout::Areas {
            ui.weak("· thick border: system · thin: commissioner");
            if settings.places {
                ui.weak("· dashed: place");
            }
            if f.holders.iter().flatten().any(|h| cx.hypothetical(h.org)) {
                ui.colored_label(cx.theme.scenario(), "· outlined: scenario (not the record)");
            }
            if f.holders.iter().flatten().any(|h| !h.split_with.is_empty()) {
                ui.colored_label(cx.theme.changed, "· outlined: split, drawn approximately");
            }
        } else if settings.layout == MapLayout::PlaceHexes {
            ui.weak("· a place served by several commissioners is split into wedges by share");
        }
    });
    ui.add(egui::Label::new(egui::RichText::new(ATTRIBUTION).small().weak()).wrap());
}

fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
    ui.painter().rect_filled(r, 2.0, colour);
}
