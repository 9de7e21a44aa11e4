//! Import time: the TopoJSON and hexjson sources converted into a [`GeoFile`].

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{EraFile, FeatureFile, GeoFile, HexFile, QUANTUM, project};
use crate::model::Date;

/// The sources, under the importer's sources folder.
pub const AREAS: &str = "geo/ccg_areas_by_era.topojson";
pub const PLACES: &str = "geo/places_utla2021.topojson";
pub const PLACE_HEXES: &str = "geo/hex/uk-upper-tier-local-authorities-2021.hexjson";
pub const PCN_HEXES: &str = "geo/hex/nhs-pcn-2022.hexjson";

/// What the map says about where its boundaries and layouts come from.
pub const ATTRIBUTION: &str = "Boundaries: Office for National Statistics, Open Government \
Licence v3.0; contains OS data © Crown copyright and database right 2011–2022. CCG areas \
are ONS best-fit areas built from 2011 LSOAs. Hex layouts: odileeds/hexmaps, © 2017- Open \
Innovations, MIT licence (the places' layout modified).";

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// A TopoJSON's borders, projected and stored as differences (map units × 100).
fn arcs(topo: &Value) -> Result<Vec<Vec<[i32; 2]>>> {
    let t = &topo["transform"];
    let num = |v: &Value| v.as_f64().context("a number in the transform");
    let (sx, sy) = (num(&t["scale"][0])?, num(&t["scale"][1])?);
    let (tx, ty) = (num(&t["translate"][0])?, num(&t["translate"][1])?);
    let arcs = topo["arcs"].as_array().context("no arcs")?;
    arcs.iter()
        .map(|arc| {
            let (mut qx, mut qy) = (0i64, 0i64);
            let (mut last_x, mut last_y) = (0i64, 0i64);
            arc.as_array()
                .context("an arc is not a list")?
                .iter()
                .map(|p| {
                    qx += p[0].as_i64().context("a coordinate")?;
                    qy += p[1].as_i64().context("a coordinate")?;
                    let [x, y] = project(qx as f64 * sx + tx, qy as f64 * sy + ty);
                    let (x, y) = (
                        (f64::from(x) * QUANTUM).round() as i64,
                        (f64::from(y) * QUANTUM).round() as i64,
                    );
                    let d = [(x - last_x) as i32, (y - last_y) as i32];
                    (last_x, last_y) = (x, y);
                    Ok(d)
                })
                .collect()
        })
        .collect()
}

/// The features of one TopoJSON object.
fn features(topo: &Value, object: &str) -> Result<Vec<FeatureFile>> {
    let geometries = topo["objects"][object]["geometries"]
        .as_array()
        .with_context(|| format!("no object {object}"))?;
    geometries
        .iter()
        .map(|g| {
            let p = &g["properties"];
            let text = |v: &Value| v.as_str().map(str::to_string);
            let ring = |r: &Value| -> Result<Vec<i32>> {
                r.as_array()
                    .context("a ring is not a list")?
                    .iter()
                    .map(|a| Ok(a.as_i64().context("a border number")? as i32))
                    .collect()
            };
            let polygon = |p: &Value| -> Result<Vec<Vec<i32>>> {
                p.as_array()
                    .context("a polygon")?
                    .iter()
                    .map(ring)
                    .collect()
            };
            let polygons = match g["type"].as_str() {
                Some("Polygon") => vec![polygon(&g["arcs"])?],
                Some("MultiPolygon") => g["arcs"]
                    .as_array()
                    .context("a multipolygon")?
                    .iter()
                    .map(polygon)
                    .collect::<Result<_>>()?,
                other => bail!("{object}: a {other:?} geometry, not an area"),
            };
            Ok(FeatureFile {
                code: text(&p["code"]).context("an area without a code")?,
                name: text(&p["name"]).unwrap_or_default(),
                group: text(&p["icb_code"]),
                polygons,
            })
        })
        .collect()
}

/// The hexes of a hexjson layout.
fn hexes(hexjson: &Value, group: &str) -> Result<Vec<HexFile>> {
    let hexes = hexjson["hexes"].as_object().context("no hexes")?;
    let mut out: Vec<HexFile> = hexes
        .iter()
        .map(|(code, h)| {
            Ok(HexFile {
                code: code.clone(),
                name: h["name"].as_str().unwrap_or(code).to_string(),
                group: h[group].as_str().map(str::to_string),
                q: h["q"].as_i64().context("a hex without q")? as i32,
                r: h["r"].as_i64().context("a hex without r")? as i32,
            })
        })
        .collect::<Result<_>>()?;
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The geography built from the sources under `sources`.
pub fn build(sources: &Path) -> Result<GeoFile> {
    let areas = read_json(&sources.join(AREAS))?;
    let places = read_json(&sources.join(PLACES))?;
    let mut eras = Vec::new();
    let objects = areas["objects"].as_object().context("no objects")?;
    for name in objects.keys() {
        let fs = features(&areas, name)?;
        let first = &objects[name]["geometries"][0]["properties"];
        let date = |v: &Value| -> Result<Option<Date>> {
            v.as_str()
                .map(|s| {
                    s.parse::<Date>()
                        .with_context(|| format!("{name}: date {s}"))
                })
                .transpose()
        };
        let from = date(&first["era_from"])?.with_context(|| format!("{name}: no era_from"))?;
        eras.push(EraFile {
            from,
            to: date(&first["era_to"])?,
            areas: fs,
        });
    }
    eras.sort_by_key(|e| e.from);
    let england = features(&places, "england")?
        .pop()
        .context("no England outline")?;
    Ok(GeoFile {
        attribution: ATTRIBUTION.to_string(),
        area_arcs: arcs(&areas)?,
        place_arcs: arcs(&places)?,
        eras,
        places: features(&places, "places")?,
        england,
        place_hexes: hexes(&read_json(&sources.join(PLACE_HEXES))?, "")?,
        pcn_hexes: hexes(&read_json(&sources.join(PCN_HEXES))?, "CCG Code")?,
    })
}

/// The geography file's bytes.
pub fn to_bytes(file: &GeoFile) -> Result<Vec<u8>> {
    postcard::to_allocvec(file).context("cannot write the geography")
}
