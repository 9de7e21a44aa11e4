//! The places and the PCNs as equal hexes.

use std::collections::HashMap;

use egui::{Color32, FontId, Mesh, Shape, Stroke};

use super::*;

/// The places as hexes, each filled by whoever serves most of it; a place split
/// between commissioners gets wedges by share.
pub(super) fn draw_place_hexes(canvas: &Canvas, f: &MapFrame, hover: Option<usize>) {
    let mut mesh = Mesh::default();
    let by_code: HashMap<&str, usize> = canvas
        .geo
        .places
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    for h in &canvas.geo.place_hexes {
        let served = by_code
            .get(h.code.as_str())
            .map(|p| f.served[*p].by.as_slice())
            .unwrap_or(&[]);
        let corners = hex_corners(h.centre, HEX_RADIUS);
        // Six wedges shared out by share (largest remainder), at least one for any
        // commissioner serving a twelfth or more.
        let wedges = wedges(served);
        let c = canvas.t.to_screen(h.centre);
        for k in 0..6 {
            let colour = wedges
                .get(k)
                .map(|o| canvas.palette.of(*o))
                .unwrap_or(canvas.palette.none);
            let base = mesh.vertices.len() as u32;
            mesh.colored_vertex(c, colour);
            mesh.colored_vertex(canvas.t.to_screen(corners[k]), colour);
            mesh.colored_vertex(canvas.t.to_screen(corners[(k + 1) % 6]), colour);
            mesh.indices.extend([base, base + 1, base + 2]);
        }
    }
    canvas.painter.add(Shape::mesh(mesh));
    let line = if canvas.cx.theme.dark {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(90)
    };
    let font = FontId::proportional(10.0);
    let text = if canvas.cx.theme.dark {
        Color32::from_gray(235)
    } else {
        Color32::from_gray(20)
    };
    for (i, h) in canvas.geo.place_hexes.iter().enumerate() {
        let stroke = if Some(i) == hover {
            Stroke::new(2.0, canvas.cx.theme.accent)
        } else {
            Stroke::new(0.7, line)
        };
        hex_outline(canvas.painter, canvas.t, h.centre, stroke);
        if canvas.t.scale > 34.0 {
            let short: String = h
                .name
                .chars()
                .take(((canvas.t.scale / 7.0) as usize).max(3))
                .collect();
            canvas.painter.text(
                canvas.t.to_screen(h.centre),
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

pub(super) fn draw_pcn_hexes(canvas: &Canvas, by: &[Option<OrgId>], hover: Option<usize>) {
    let mut mesh = Mesh::default();
    for (h, o) in canvas.geo.pcn_hexes.iter().zip(by) {
        let colour = o
            .map(|o| canvas.palette.of(o))
            .unwrap_or(canvas.palette.none);
        let base = mesh.vertices.len() as u32;
        mesh.colored_vertex(canvas.t.to_screen(h.centre), colour);
        for c in hex_corners(h.centre, HEX_RADIUS) {
            mesh.colored_vertex(canvas.t.to_screen(c), colour);
        }
        for k in 0..6u32 {
            mesh.indices
                .extend([base, base + 1 + k, base + 1 + (k + 1) % 6]);
        }
    }
    canvas.painter.add(Shape::mesh(mesh));
    if let Some(i) = hover {
        hex_outline(
            canvas.painter,
            canvas.t,
            canvas.geo.pcn_hexes[i].centre,
            Stroke::new(2.0, canvas.cx.theme.accent),
        );
    }
}
