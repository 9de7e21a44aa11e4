//! Synthetic snapshots N times the size of England, for performance work.
//!
//! Copy `k` of the England record gets every organisation code, event id and
//! arrangement id suffixed with `~k` (copy 0 keeps the real codes), its names marked
//! `(synthetic k)`, and its populations varied by up to ±15% from a seeded generator.
//! Each copy keeps England's structure (regions, systems, places, CCGs, neighbourhoods,
//! shares, shared management) and its merger waves, so the result is valid by
//! construction and as tangled as the real record, N times over. Every figure in a
//! copy is marked `Modelled`. The same scale and seed always give the same bytes.

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::model::format::RawSnapshot;

/// A small, well-known generator (SplitMix64), so the output depends on the seed only.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[lo, hi)`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fields holding organisation codes or event and arrangement ids.
fn identifiers(raw: &RawSnapshot) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (_, list) in raw.org_lists() {
        ids.extend(list.iter().map(|o| o.code.clone()));
    }
    ids.extend(raw.events.iter().map(|e| e.id.clone()));
    ids.extend(raw.shared_management.iter().map(|a| a.id.clone()));
    ids
}

/// Rewrites one copy: identifiers suffixed, names marked, populations varied, every
/// basis `Modelled`.
fn rewrite(v: &mut Value, key: &str, k: usize, ids: &HashSet<String>, rng: &mut SplitMix) {
    match v {
        Value::String(s) => {
            if key == "name" {
                s.push_str(&format!(" (synthetic {k})"));
            } else if key == "basis" {
                *s = "Modelled".to_string();
            } else if ids.contains(s.as_str()) && !matches!(key, "source" | "date_basis") {
                s.push_str(&format!("~{k}"));
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrite(item, key, k, ids, rng);
            }
        }
        Value::Object(map) => {
            for (field, value) in map.iter_mut() {
                if field == "count"
                    && let Some(n) = value.as_u64()
                {
                    let varied = (n as f64 * rng.between(0.85, 1.15)).round() as u64;
                    *value = Value::from(varied.max(1));
                    continue;
                }
                rewrite(value, field, k, ids, rng);
            }
        }
        _ => {}
    }
}

/// A snapshot `scale` times England, deterministic in `seed`.
pub fn synthesize(england: &RawSnapshot, scale: usize, seed: u64) -> Result<RawSnapshot> {
    anyhow::ensure!(scale >= 1, "the scale must be at least 1");
    let ids = identifiers(england);
    let base = serde_json::to_value(england).context("cannot copy the England record")?;
    let mut rng = SplitMix(seed);
    let mut out = base.clone();
    // The lists that grow with every copy.
    let lists: Vec<String> = base
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, v)| {
                    // Sources and chart notes are England's, once.
                    v.is_array() && !matches!(k.as_str(), "sources" | "annotations")
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    for k in 1..scale {
        let mut copy = base.clone();
        for list in &lists {
            if let Some(items) = copy.get_mut(list) {
                rewrite(items, list, k, &ids, &mut rng);
            }
            let (Some(Value::Array(dst)), Some(Value::Array(src))) =
                (out.get_mut(list), copy.get_mut(list))
            else {
                continue;
            };
            dst.append(src);
        }
    }
    // Money: per-head allowances and the target apply to every copy; national totals
    // and the published per-CCG figures are England's, so they grow with the copies.
    let mut raw: RawSnapshot =
        serde_json::from_value(out).context("cannot rebuild the synthetic snapshot")?;
    for t in &mut raw.money.national_totals {
        t.gbp *= scale as f64;
        t.basis = crate::model::Provenance::Modelled;
    }
    raw.title = format!("Synthetic: {scale} × England (seed {seed})");
    raw.description = format!(
        "Made by `ccg-explorer synth --scale {scale} --seed {seed}` for performance work: \
         {scale} copies of the England record, codes suffixed ~k, populations varied by up \
         to 15%. Not a real geography; every figure in the copies is modelled."
    );
    Ok(raw)
}
