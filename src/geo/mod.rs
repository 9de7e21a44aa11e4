//! England's geography: the area of every CCG in each era of the record (and of the
//! sub-ICB locations from July 2022), the 152 places, England's outline and the hex
//! layouts of places and PCNs. No egui here: the map panel draws what this gives.
//!
//! The sources (`assets/sources/geo/`, from `../shared/data/geo`: ONS boundaries under
//! the Open Government Licence, hex layouts from odileeds/hexmaps under MIT) are
//! TopoJSON and hexjson. [`build`] converts them at import time into a compact file
//! ([`GeoFile`], `assets/england.geo` beside the snapshot, embedded in the app): borders projected
//! onto a flat map once and stored once, as the TopoJSON does, each area a list of
//! the borders around it. [`Geography::new`] reads it and triangulates every area
//! (egui fills only convex shapes) once, on a worker.

pub mod build;
pub mod frame;

use serde::{Deserialize, Serialize};

use crate::model::Date;

/// The embedded England geography (`ccg-explorer import` writes it).
pub const ENGLAND_GEO: &[u8] = include_bytes!("../../assets/england.geo");

/// Map units per degree of latitude: England is about a thousand units tall.
pub const UNITS_PER_DEGREE: f64 = 170.0;
/// The latitude whose scale the projection keeps (the middle of England).
pub const MID_LATITUDE: f64 = 52.5;
/// The longitude at x = 0.
pub const MID_LONGITUDE: f64 = -1.5;
/// Stored coordinates are map units times this.
const QUANTUM: f64 = 100.0;

/// A point on the flat map: x east, y south, in map units.
pub type Point = [f32; 2];

/// Longitude and latitude onto the flat map (equirectangular at England's middle
/// latitude: distortion under 4% across England, fine for areas this size).
pub fn project(lon: f64, lat: f64) -> Point {
    let k = UNITS_PER_DEGREE;
    let x = (lon - MID_LONGITUDE) * MID_LATITUDE.to_radians().cos() * k;
    let y = -(lat - MID_LATITUDE) * k;
    [x as f32, y as f32]
}

/// The file the importer writes: what [`Geography`] is built from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GeoFile {
    /// Where the boundaries and layouts come from, and their licences.
    pub attribution: String,
    /// The borders of the CCG areas: each a line of points, the first absolute, the
    /// rest as differences from the one before (map units × 100).
    pub area_arcs: Vec<Vec<[i32; 2]>>,
    /// The borders of places, England and the regions, likewise.
    pub place_arcs: Vec<Vec<[i32; 2]>>,
    /// The CCG areas of each era, oldest first; the last is the sub-ICB locations'.
    pub eras: Vec<EraFile>,
    /// The 152 places.
    pub places: Vec<FeatureFile>,
    /// England's outline.
    pub england: FeatureFile,
    /// The places as equal hexes.
    pub place_hexes: Vec<HexFile>,
    /// The PCNs as equal hexes (for neighbourhoods).
    pub pcn_hexes: Vec<HexFile>,
}

/// One era's areas.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EraFile {
    /// First day.
    pub from: Date,
    /// Last day (none: still so).
    pub to: Option<Date>,
    /// Its areas.
    pub areas: Vec<FeatureFile>,
}

/// An area: its code and name, and its polygons as rings of borders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureFile {
    /// The ODS code (a place's ONS code).
    pub code: String,
    /// Its name in that era.
    pub name: String,
    /// For a sub-ICB location: its ICB's ODS code.
    pub group: Option<String>,
    /// Polygons, each rings (the first the outer one), each a list of borders: `i` is
    /// border `i` as stored, `!i` (a negative number) border `i` backwards.
    pub polygons: Vec<Vec<Vec<i32>>>,
}

/// A hex of a layout (odd-r offset rows, as hexjson's "odd-r").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HexFile {
    /// The place's ONS code, or the PCN's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// For a PCN: its CCG (sub-ICB location) code.
    pub group: Option<String>,
    /// Column.
    pub q: i32,
    /// Row.
    pub r: i32,
}

/// Why a geography file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// Not a geography file, or a damaged one.
    #[error("the geography file cannot be read ({0}); rebuild it with `ccg-explorer import`")]
    Decode(#[from] postcard::Error),
    /// A border number outside the file's borders.
    #[error("area {code} refers to border {arc}, which the file does not have")]
    Border { code: String, arc: i32 },
}

/// Points of a stored border, absolute, in map units.
fn decode_arcs(arcs: &[Vec<[i32; 2]>]) -> Vec<Vec<Point>> {
    arcs.iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.iter()
                .map(|[dx, dy]| {
                    x += i64::from(*dx);
                    y += i64::from(*dy);
                    [(x as f64 / QUANTUM) as f32, (y as f64 / QUANTUM) as f32]
                })
                .collect()
        })
        .collect()
}

/// A filled area, ready to draw: its rings, its triangles, where to label it.
#[derive(Clone, Debug, Default)]
pub struct Area {
    /// The ODS code (a place's ONS code).
    pub code: String,
    /// Its name in that era.
    pub name: String,
    /// For a sub-ICB location: its ICB's ODS code.
    pub group: Option<String>,
    /// Closed rings, outer ones and holes, each without its closing point repeated.
    pub rings: Vec<Vec<Point>>,
    /// Every ring's point, in order, for the triangles.
    pub vertices: Vec<Point>,
    /// Triangles, three indices into `vertices` each.
    pub triangles: Vec<u32>,
    /// The borders around it (indices into its layer's borders).
    pub borders: Vec<u32>,
    /// Its bounding box: least and greatest corner.
    pub bounds: [Point; 2],
    /// Where a label goes: the middle of its largest polygon's box.
    pub label_at: Point,
    /// Its area in square map units.
    pub size: f32,
}

impl Area {
    /// Whether `p` is inside (even-odd over every ring).
    pub fn contains(&self, p: Point) -> bool {
        let [lo, hi] = self.bounds;
        if p[0] < lo[0] || p[0] > hi[0] || p[1] < lo[1] || p[1] > hi[1] {
            return false;
        }
        let mut inside = false;
        for ring in &self.rings {
            let n = ring.len();
            let mut j = n.wrapping_sub(1);
            for i in 0..n {
                let (a, b) = (ring[i], ring[j]);
                if (a[1] > p[1]) != (b[1] > p[1])
                    && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
                {
                    inside = !inside;
                }
                j = i;
            }
        }
        inside
    }
}

/// A set of areas that tile England (an era's CCGs, the places), with the borders
/// between them.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// First day (places: always).
    pub from: Option<Date>,
    /// Last day (none: still so).
    pub to: Option<Date>,
    /// The areas.
    pub areas: Vec<Area>,
    /// Every border used, as points.
    pub borders: Vec<Vec<Point>>,
    /// The one or two areas each border runs between (none on the coast).
    pub sides: Vec<(u32, Option<u32>)>,
}

impl Layer {
    /// The area at `p`, if any.
    pub fn area_at(&self, p: Point) -> Option<usize> {
        self.areas.iter().position(|a| a.contains(p))
    }

    /// The area with this code (a CCG's or sub-ICB location's ODS code, a place's ONS
    /// code), if any.
    pub fn area_coded(&self, code: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.code == code)
    }

    /// Whether `date` falls in this layer's era.
    pub fn covers(&self, date: Date) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }
}

/// A hex of a layout, placed on the flat hex map.
#[derive(Clone, Debug, Default)]
pub struct Hex {
    /// The place's ONS code, or the PCN's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// For a PCN: its CCG (sub-ICB location) code.
    pub group: Option<String>,
    /// Its centre, in hex units (neighbouring centres are about 1 apart).
    pub centre: Point,
}

/// The radius of a hex (centre to corner) in hex units.
pub const HEX_RADIUS: f32 = 0.5 / 0.866_025_4 * 0.96;

/// The centre of hex (q, r) of an odd-r layout, rows going up the page (north up).
pub fn hex_centre(q: i32, r: i32) -> Point {
    let shift = if r.rem_euclid(2) == 1 { 0.5 } else { 0.0 };
    let x = q as f32 + shift;
    let y = -(r as f32) * 0.866_025_4;
    [x, y]
}

/// The six corners of a hex centred on `c`, radius `r`, pointy-topped.
pub fn hex_corners(c: Point, r: f32) -> [Point; 6] {
    std::array::from_fn(|k| {
        let a = std::f32::consts::PI / 3.0 * k as f32 + std::f32::consts::PI / 6.0;
        [c[0] + r * a.cos(), c[1] + r * a.sin()]
    })
}

/// England's geography, ready to draw.
#[derive(Clone, Debug, Default)]
pub struct Geography {
    /// The CCG areas of each era, oldest first; the last is the sub-ICB locations'.
    pub eras: Vec<Layer>,
    /// The same areas with their borders simplified to [`OVERVIEW_TOLERANCE`], for
    /// drawing all of England at once (a fifth of the points, the same look).
    pub overview: Vec<Layer>,
    /// The places.
    pub places: Layer,
    /// England's outline (rings).
    pub england: Vec<Vec<Point>>,
    /// The places as hexes.
    pub place_hexes: Vec<Hex>,
    /// The PCNs as hexes.
    pub pcn_hexes: Vec<Hex>,
    /// The box all of England fits in.
    pub bounds: [Point; 2],
    /// Where the geography comes from.
    pub attribution: String,
}

impl Geography {
    /// Reads a geography file and triangulates its areas.
    pub fn new(bytes: &[u8]) -> Result<Geography, GeoError> {
        let file: GeoFile = postcard::from_bytes(bytes)?;
        Self::from_file(&file)
    }

    /// The embedded England geography.
    pub fn england() -> Result<Geography, GeoError> {
        Self::new(ENGLAND_GEO)
    }

    /// Builds the geography of a file.
    pub fn from_file(file: &GeoFile) -> Result<Geography, GeoError> {
        let area_arcs = decode_arcs(&file.area_arcs);
        let place_arcs = decode_arcs(&file.place_arcs);
        let eras = file
            .eras
            .iter()
            .map(|e| layer(&e.areas, &area_arcs, Some(e.from), e.to))
            .collect::<Result<Vec<_>, _>>()?;
        let simple: Vec<Vec<Point>> = area_arcs
            .iter()
            .map(|a| simplify(a, OVERVIEW_TOLERANCE))
            .collect();
        let overview = file
            .eras
            .iter()
            .map(|e| layer(&e.areas, &simple, Some(e.from), e.to))
            .collect::<Result<Vec<_>, _>>()?;
        let places = layer(&file.places, &place_arcs, None, None)?;
        let england = layer(std::slice::from_ref(&file.england), &place_arcs, None, None)?
            .areas
            .pop()
            .map(|a| a.rings)
            .unwrap_or_default();
        let hexes = |hexes: &[HexFile]| -> Vec<Hex> {
            hexes
                .iter()
                .map(|h| Hex {
                    code: h.code.clone(),
                    name: h.name.clone(),
                    group: h.group.clone(),
                    centre: hex_centre(h.q, h.r),
                })
                .collect()
        };
        let bounds = bounds_of(england.iter().flatten().copied());
        Ok(Geography {
            eras,
            overview,
            places,
            england,
            place_hexes: hexes(&file.place_hexes),
            pcn_hexes: hexes(&file.pcn_hexes),
            bounds,
            attribution: file.attribution.clone(),
        })
    }

    /// The era of CCG areas that `date` falls in (the last one for dates after it).
    pub fn era_on(&self, date: Date) -> Option<usize> {
        self.eras.iter().position(|e| e.covers(date)).or_else(|| {
            let last = self.eras.len().checked_sub(1)?;
            (self.eras[last].from.is_some_and(|f| date >= f)).then_some(last)
        })
    }
}

/// The embedded England geography, read and triangulated once per run.
pub fn england_shared() -> Result<std::sync::Arc<Geography>, String> {
    static ONCE: std::sync::OnceLock<Result<std::sync::Arc<Geography>, String>> =
        std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        Geography::england()
            .map(std::sync::Arc::new)
            .map_err(|e| e.to_string())
    })
    .clone()
}

/// How far (map units) a simplified border may stray from the real one in
/// [`Geography::overview`]: under a pixel when all of England is on the screen.
pub const OVERVIEW_TOLERANCE: f32 = 1.0;

/// A line simplified (Douglas-Peucker): the points needed to stay within `tolerance`
/// of it, its ends kept. Borders are simplified one by one, each once, so areas that
/// share a border still meet. A closed line is cut at its point farthest from its
/// start, so that it keeps its shape.
pub fn simplify(points: &[Point], tolerance: f32) -> Vec<Point> {
    let n = points.len();
    if n <= 2 {
        return points.to_vec();
    }
    let dist2 = |a: Point, b: Point| (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2);
    if points[0] == points[n - 1] {
        let far = (1..n - 1)
            .max_by(|i, j| dist2(points[*i], points[0]).total_cmp(&dist2(points[*j], points[0])))
            .unwrap_or(1);
        let mut a = simplify(&points[..=far], tolerance);
        a.pop();
        a.extend(simplify(&points[far..], tolerance));
        return a;
    }
    // Distance from p to the segment a-b, squared.
    let off = |p: Point, a: Point, b: Point| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        if len2 == 0.0 {
            return dist2(p, a);
        }
        let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
        dist2(p, [a[0] + t * dx, a[1] + t * dy])
    };
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        let mut best = (0.0f32, 0usize);
        for i in a + 1..b {
            let d = off(points[i], points[a], points[b]);
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > tolerance * tolerance {
            keep[best.1] = true;
            stack.push((a, best.1));
            stack.push((best.1, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// The box `points` fit in.
fn bounds_of(points: impl Iterator<Item = Point>) -> [Point; 2] {
    points.fold(
        [[f32::MAX, f32::MAX], [f32::MIN, f32::MIN]],
        |[lo, hi], p| {
            [
                [lo[0].min(p[0]), lo[1].min(p[1])],
                [hi[0].max(p[0]), hi[1].max(p[1])],
            ]
        },
    )
}

/// The points of a ring of borders, in order, without the closing point.
fn ring_points(ring: &[i32], arcs: &[Vec<Point>], code: &str) -> Result<Vec<Point>, GeoError> {
    let mut out: Vec<Point> = Vec::new();
    for &r in ring {
        let (i, back) = if r < 0 { (!r, true) } else { (r, false) };
        let arc = arcs.get(i as usize).ok_or_else(|| GeoError::Border {
            code: code.to_string(),
            arc: r,
        })?;
        let pts: Box<dyn Iterator<Item = &Point>> = if back {
            Box::new(arc.iter().rev())
        } else {
            Box::new(arc.iter())
        };
        // Each border starts where the last ended: its first point is not repeated.
        for (k, p) in pts.enumerate() {
            if k == 0 && !out.is_empty() {
                continue;
            }
            out.push(*p);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    Ok(out)
}

/// Twice the signed area of a ring.
fn ring_area(ring: &[Point]) -> f32 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f32>()
}

/// The areas of `features`, triangulated, and the borders between them.
fn layer(
    features: &[FeatureFile],
    arcs: &[Vec<Point>],
    from: Option<Date>,
    to: Option<Date>,
) -> Result<Layer, GeoError> {
    let mut used: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    let mut areas = Vec::with_capacity(features.len());
    for (ai, f) in features.iter().enumerate() {
        let mut area = Area {
            code: f.code.clone(),
            name: f.name.clone(),
            group: f.group.clone(),
            ..Default::default()
        };
        let mut largest = (0.0f32, [0.0f32, 0.0f32]);
        for polygon in &f.polygons {
            let rings: Vec<Vec<Point>> = polygon
                .iter()
                .map(|r| ring_points(r, arcs, &f.code))
                .collect::<Result<_, _>>()?;
            // Triangles of the polygon: its outer ring with its holes.
            let first = area.vertices.len() as u32;
            let mut flat = Vec::new();
            let mut holes = Vec::new();
            for (k, ring) in rings.iter().enumerate() {
                if k > 0 {
                    holes.push(flat.len() / 2);
                }
                flat.extend(ring.iter().flat_map(|p| [f64::from(p[0]), f64::from(p[1])]));
            }
            // A polygon earcut cannot cut (none here; a damaged file) is left unfilled.
            let triangles = earcutr::earcut(&flat, &holes, 2).unwrap_or_default();
            area.triangles
                .extend(triangles.iter().map(|t| first + *t as u32));
            area.vertices.extend(rings.iter().flatten().copied());
            if let Some(outer) = rings.first() {
                let size = ring_area(outer).abs() / 2.0;
                area.size += size
                    - rings[1..]
                        .iter()
                        .map(|h| ring_area(h).abs() / 2.0)
                        .sum::<f32>();
                if size > largest.0 {
                    let [lo, hi] = bounds_of(outer.iter().copied());
                    largest = (size, [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]);
                }
            }
            for ring in polygon {
                for &r in ring {
                    let i = if r < 0 { !r } else { r } as u32;
                    used.entry(i).or_default().push(ai as u32);
                }
            }
            area.rings.extend(rings);
        }
        area.bounds = bounds_of(area.vertices.iter().copied());
        area.label_at = largest.1;
        areas.push(area);
    }
    let mut borders = Vec::with_capacity(used.len());
    let mut sides = Vec::with_capacity(used.len());
    for (arc, by) in used {
        let k = borders.len() as u32;
        borders.push(arcs[arc as usize].clone());
        let other = by.iter().copied().find(|a| *a != by[0]);
        sides.push((by[0], other));
        for a in by {
            let area = &mut areas[a as usize];
            if area.borders.last() != Some(&k) {
                area.borders.push(k);
            }
        }
    }
    Ok(Layer {
        from,
        to,
        areas,
        borders,
        sides,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_embedded_geography_has_every_era_and_tiles_england() {
        let g = Geography::england().unwrap();
        let counts: Vec<usize> = g.eras.iter().map(|e| e.areas.len()).collect();
        assert_eq!(counts, [211, 209, 209, 207, 195, 191, 135, 106, 106]);
        assert_eq!(g.places.areas.len(), 152);
        // The overview has the same areas with far fewer points.
        for (full, over) in g.eras.iter().zip(&g.overview) {
            assert_eq!(full.areas.len(), over.areas.len());
            let n = |l: &Layer| l.areas.iter().map(|a| a.vertices.len()).sum::<usize>();
            eprintln!("overview {} of {} points", n(over), n(full));
            assert!(n(over) * 2 < n(full), "{} vs {}", n(over), n(full));
            // Each area keeps its size within what its borders may stray: perimeter
            // times the tolerance.
            for (a, b) in full.areas.iter().zip(&over.areas) {
                let perimeter: f32 = a
                    .rings
                    .iter()
                    .map(|r| {
                        r.iter()
                            .zip(r.iter().cycle().skip(1))
                            .map(|(p, q)| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt())
                            .sum::<f32>()
                    })
                    .sum();
                let bound = perimeter * OVERVIEW_TOLERANCE;
                // And every area of any size is still filled.
                assert!(
                    b.size < 1.0 || !b.triangles.is_empty(),
                    "{} unfilled",
                    b.code
                );
                assert!(
                    (a.size - b.size).abs() <= bound,
                    "{}: {} vs {} (bound {bound})",
                    a.code,
                    a.size,
                    b.size
                );
            }
        }
        assert_eq!(g.place_hexes.len(), 152);
        assert_eq!(g.pcn_hexes.len(), 1261);
        // The eras' dates, and the date lookup.
        assert_eq!(g.era_on(d("2019-06-01")), Some(5));
        assert_eq!(g.era_on(d("2020-04-01")), Some(6));
        assert_eq!(g.era_on(d("2022-07-01")), Some(8));
        assert_eq!(g.era_on(d("2026-11-25")), Some(8));
        assert_eq!(g.era_on(d("2012-01-01")), None);
        // Every era's areas add up to England, within the projection's rounding.
        let england: f32 = g.places.areas.iter().map(|a| a.size).sum();
        for e in &g.eras {
            let total: f32 = e.areas.iter().map(|a| a.size).sum();
            assert!(
                (total - england).abs() / england < 1e-3,
                "{total} vs {england}"
            );
            // Every area is filled: its triangles cover it.
            for a in &e.areas {
                let tri: f32 = a
                    .triangles
                    .chunks(3)
                    .map(|t| {
                        let [p, q, r] = [0, 1, 2].map(|k| a.vertices[t[k] as usize]);
                        ((q[0] - p[0]) * (r[1] - p[1]) - (r[0] - p[0]) * (q[1] - p[1])).abs() / 2.0
                    })
                    .sum();
                assert!(
                    (tri - a.size).abs() <= a.size * 0.01 + 0.01,
                    "{}: {tri} vs {}",
                    a.code,
                    a.size
                );
            }
        }
    }

    #[test]
    fn a_point_finds_its_area_and_borders_know_their_sides() {
        let g = Geography::england().unwrap();
        // Paignton, Torbay (50.44 N, 3.58 W): in 2018, NHS South Devon and Torbay CCG; its place.
        let torbay = project(-3.58, 50.44);
        let era = &g.eras[g.era_on(d("2018-06-01")).unwrap()];
        let a = era.area_at(torbay).unwrap();
        assert_eq!(era.areas[a].code, "99Q");
        let p = g.places.area_at(torbay).unwrap();
        assert_eq!(g.places.areas[p].name, "Torbay");
        // A border between two areas names both; a coast names one.
        assert!(era.sides.iter().any(|(_, b)| b.is_some()));
        assert!(era.sides.iter().any(|(_, b)| b.is_none()));
        // Kent is eight areas in 2019 and one in 2020.
        let kent = project(0.9, 51.2);
        let in_era = |date: &str| {
            let e = &g.eras[g.era_on(d(date)).unwrap()];
            e.areas[e.area_at(kent).unwrap()].code.clone()
        };
        assert_eq!(in_era("2020-04-01"), "91Q");
        assert_ne!(in_era("2019-06-01"), "91Q");
    }
}
