//! Drawing the areas: fills and borders tessellated once per view, outlines of the
//! hovered area and the selection.

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Color32, FontId, Mesh, Pos2, Shape, Stroke};

use super::*;

/// What every map drawing draws with: where, for whom, the geography, the colours and
/// the map's place on the screen.
#[derive(Clone, Copy)]
pub(super) struct Canvas<'a> {
    pub painter: &'a egui::Painter,
    pub cx: &'a ViewCtx<'a>,
    pub geo: &'a Geography,
    pub palette: &'a Palette,
    pub t: Transform,
}

/// Fills the areas and draws their borders (and, during a transition, the borders of
/// the era before fading out).
pub(super) fn draw_areas(
    canvas: &Canvas,
    f: &MapFrame,
    settings: MapSettings,
    old: Option<(&MapFrame, &[Option<OrgId>], f32)>,
    baked: &mut [Option<(u64, Arc<Mesh>)>; 4],
) {
    use std::hash::{Hash, Hasher};
    // All of England at once: the simplified borders look the same and cost a quarter.
    let eras = if canvas.t.scale < OVERVIEW_SCALE {
        &canvas.geo.overview
    } else {
        &canvas.geo.eras
    };
    let layer = &eras[f.era];
    let colours: Vec<Color32> = (0..layer.areas.len())
        .map(|i| {
            let colour = f
                .holder(i)
                .map(|h| canvas.palette.of(h.org))
                .unwrap_or(canvas.palette.none);
            match old {
                Some((_, before, p)) => {
                    let before = before
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|o| canvas.palette.of(o))
                        .unwrap_or(colour);
                    lerp(before, colour, p)
                }
                None => colour,
            }
        })
        .collect();
    let dark = canvas.cx.theme.dark;
    let line = if dark {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(70)
    };
    // Fills, borders and the era before's borders are each tessellated once and kept
    // while nothing they show changes (the date moving within a stretch of unchanged
    // holders, the pointer moving); a transition only recolours.
    let view_key = |h: &mut std::collections::hash_map::DefaultHasher| {
        (dark, settings.places, canvas.t.scale < OVERVIEW_SCALE).hash(h);
        [canvas.t.scale, canvas.t.origin.x, canvas.t.origin.y]
            .map(f32::to_bits)
            .hash(h);
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
                mesh.colored_vertex(canvas.t.to_screen(*v), *colour);
            }
            mesh.indices.extend(a.triangles.iter().map(|k| base + k));
        }
        mesh
    });
    canvas.painter.add(Shape::Mesh(fill));
    if let Some((o, _, p)) = old {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        view_key(&mut h);
        holders_key(&mut h, o);
        let before = cached(&mut baked[2], h.finish(), || {
            let ol = &eras[o.era];
            let stroke = Stroke::new(0.8, line);
            let shapes = ol.borders.iter().zip(&ol.sides).filter_map(|(b, (x, y))| {
                let y = (*y)?;
                (!o.same_org(*x as usize, y as usize))
                    .then(|| Shape::line(on_screen(b, canvas.t), stroke))
            });
            tessellate(canvas.painter.ctx(), shapes)
        });
        // Fading out: the kept mesh, recoloured once per step of the transition.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (Arc::as_ptr(&before), p.to_bits()).hash(&mut h);
        let faded = cached(&mut baked[3], h.finish(), || {
            let mut faded = (*before).clone();
            for v in &mut faded.vertices {
                v.color = v.color.gamma_multiply(1.0 - p);
            }
            faded
        });
        canvas.painter.add(Shape::Mesh(faded));
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
            shapes.push(Shape::line(on_screen(b, canvas.t), stroke));
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
            for b in &canvas.geo.places.borders {
                shapes.extend(Shape::dashed_line(&on_screen(b, canvas.t), dash, 4.0, 3.0));
            }
        }
        tessellate(canvas.painter.ctx(), shapes)
    });
    canvas.painter.add(Shape::Mesh(borders));
    // Scenario areas dashed in the scenario's colour; split ones dotted.
    for (i, _) in layer.areas.iter().enumerate() {
        let Some(h) = f.holder(i) else { continue };
        if canvas.cx.hypothetical(h.org) {
            outline_area(
                canvas.painter,
                canvas.geo,
                f,
                i,
                canvas.t,
                Stroke::new(2.0, canvas.cx.theme.scenario()),
            );
        } else if !h.split_with.is_empty() {
            outline_area(
                canvas.painter,
                canvas.geo,
                f,
                i,
                canvas.t,
                Stroke::new(1.5, canvas.cx.theme.changed),
            );
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
    let s = canvas.cx.tl().snapshot();
    for (org, i) in best {
        let a = &layer.areas[i];
        let w = (a.bounds[1][0] - a.bounds[0][0]) * canvas.t.scale;
        let h = (a.bounds[1][1] - a.bounds[0][1]) * canvas.t.scale;
        let name = short_name(&s.org(org).name);
        let galley = canvas
            .painter
            .layout_no_wrap(name.to_string(), font.clone(), text);
        if galley.size().x + 6.0 < w * 0.8 && galley.size().y + 4.0 < h * 0.6 {
            let at = canvas.t.to_screen(a.label_at) - galley.size() / 2.0;
            canvas.painter.galley(at, galley, text);
        }
    }
}

/// The mesh kept in `slot` if it was made for `key`, else a new one from `make`.
pub(super) fn cached(
    slot: &mut Option<(u64, Arc<Mesh>)>,
    key: u64,
    make: impl FnOnce() -> Mesh,
) -> Arc<Mesh> {
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
pub(super) fn tessellate(ctx: &egui::Context, shapes: impl IntoIterator<Item = Shape>) -> Mesh {
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
pub(super) fn on_screen(border: &[Point], t: Transform) -> Vec<Pos2> {
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
pub(super) fn outline_area(
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
pub(super) fn outline_selection(
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
            if let Some(p) = geo.places.area_coded(&s.org(sel).code) {
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

pub(super) fn hex_outline(painter: &egui::Painter, t: Transform, c: Point, stroke: Stroke) {
    let mut pts: Vec<Pos2> = hex_corners(c, HEX_RADIUS)
        .iter()
        .map(|q| t.to_screen(*q))
        .collect();
    if let Some(first) = pts.first().copied() {
        pts.push(first);
    }
    painter.add(Shape::line(pts, stroke));
}
