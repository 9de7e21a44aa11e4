//! Where the merger flow's nodes, bands and labels go on screen, what the pointer is
//! on, and the colours of its systems.

use egui::{Color32, Pos2, Rect, pos2};

use crate::model::flow::{Flow, FlowTeam};
use crate::model::{Date, OrgId};

/// Where everything goes on screen.
#[derive(Clone, Debug, Default)]
pub struct FlowLayout {
    /// Left edge of each column's nodes.
    pub xs: Vec<f32>,
    /// Node width.
    pub node_w: f32,
    /// Top and bottom of every node, per column.
    pub ys: Vec<Vec<(f32, f32)>>,
    /// Bands: column, source node, target node, source span, target span.
    pub bands: Vec<Band>,
    /// Labels placed.
    pub labels: Vec<Label>,
    /// Top of the node area.
    pub top: f32,
    /// Bottom of the node area.
    pub bottom: f32,
}

/// A label beside a node.
#[derive(Clone, Copy, Debug)]
pub struct Label {
    /// Column.
    pub col: usize,
    /// Node in the column.
    pub node: usize,
    /// Where the text may go.
    pub rect: Rect,
    /// Text ends at the right edge (labels left of the first column).
    pub right_aligned: bool,
}

/// One band between two columns.
#[derive(Clone, Copy, Debug)]
pub struct Band {
    /// The left column.
    pub col: usize,
    /// Source node in `col`.
    pub from: usize,
    /// Target node in `col + 1`.
    pub to: usize,
    /// Top and bottom where it leaves the source.
    pub a: (f32, f32),
    /// Top and bottom where it reaches the target.
    pub b: (f32, f32),
}

/// Height of a label row.
pub const LABEL_H: f32 = 15.0;

/// Columns of up to this many organisations are drawn one by one at any size.
pub const EACH_UP_TO: usize = 400;

/// How far left of its column a leadership bracket is drawn.
pub const BRACKET_GAP: f32 = 5.0;

/// The bracket of a leadership team in column `col`: its x and its top and bottom.
pub fn bracket(lay: &FlowLayout, col: usize, team: &FlowTeam) -> Option<(f32, f32, f32)> {
    let ys = lay.ys.get(col)?;
    let (top, bottom) = team.nodes.iter().filter_map(|k| ys.get(*k as usize)).fold(
        None,
        |span: Option<(f32, f32)>, (y0, y1)| {
            Some(span.map_or((*y0, *y1), |(t, b)| (t.min(*y0), b.max(*y1))))
        },
    )?;
    Some((lay.xs[col] - BRACKET_GAP, top, bottom))
}

/// Lays out `flow` in `rect`. Labels go beside nodes tall enough to carry one, largest
/// first, and never overlap another label in the same column.
pub fn layout(flow: &Flow, rect: Rect, label_w: f32) -> FlowLayout {
    let n = flow.columns.len();
    if n == 0 {
        return FlowLayout::default();
    }
    let node_w = 10.0;
    let top = rect.top() + 40.0;
    let bottom = (rect.bottom() - 24.0).max(top + 20.0);
    let left = rect.left() + label_w.max(28.0);
    let right = (rect.right() - label_w).max(left + node_w);
    let step = if n > 1 {
        (right - left - node_w) / (n - 1) as f32
    } else {
        0.0
    };
    let xs: Vec<f32> = (0..n).map(|i| left + step * i as f32).collect();
    let most = flow
        .columns
        .iter()
        .map(|c| c.nodes.len())
        .max()
        .unwrap_or(0);
    let height = bottom - top;
    let gap = if most > 1 {
        (height * 0.3 / (most - 1) as f32).min(6.0)
    } else {
        0.0
    };
    let total = flow.max_total().max(1.0);
    let scale = ((height - gap * most.saturating_sub(1) as f32).max(10.0) as f64 / total) as f32;
    // Each column spreads its own gaps (up to 8 points) and is centred, so columns
    // with few nodes line up with the crowded ones.
    let mut ys = Vec::with_capacity(n);
    for c in &flow.columns {
        let heights: Vec<f32> = c
            .nodes
            .iter()
            .map(|nd| (nd.value as f32 * scale).max(1.0))
            .collect();
        let used: f32 = heights.iter().sum();
        let k = heights.len();
        let own_gap = if k > 1 {
            ((height - used) / (k - 1) as f32).clamp(gap.min(1.0), gap.max(8.0))
        } else {
            0.0
        };
        let span = used + own_gap * k.saturating_sub(1) as f32;
        let mut y = top + ((height - span) / 2.0).max(0.0);
        let mut col: Vec<(f32, f32)> = heights
            .iter()
            .map(|h| {
                let s = (y, y + h);
                y += h + own_gap;
                s
            })
            .collect();
        // Minimum heights can push a crowded column past the bottom: squeeze it in.
        if span > height && span > 0.0 {
            let f = height / span;
            for (a, b) in &mut col {
                *a = top + (*a - top) * f;
                *b = top + (*b - top) * f;
            }
        }
        ys.push(col);
    }
    // Bands: stacked by target order out of each source, by source order into each target.
    let mut bands = Vec::new();
    for i in 0..n.saturating_sub(1) {
        let (src, dst) = (&flow.columns[i], &flow.columns[i + 1]);
        let mut inflow = vec![0.0f64; dst.nodes.len()];
        for nd in &src.nodes {
            for (t, sh) in &nd.next {
                if let Some(v) = inflow.get_mut(*t as usize) {
                    *v += nd.value.max(1.0) * sh;
                }
            }
        }
        let mut into_cursor: Vec<f32> = ys[i + 1].iter().map(|s| s.0).collect();
        for (k, nd) in src.nodes.iter().enumerate() {
            let (y0, y1) = ys[i][k];
            let h = y1 - y0;
            let mut out_cursor = y0;
            let mut next = nd.next.clone();
            next.sort_by_key(|(t, _)| *t);
            for (t, sh) in next {
                let t = t as usize;
                let (Some(span), Some(total_in)) = (ys[i + 1].get(t), inflow.get(t)) else {
                    continue;
                };
                let wa = h * sh as f32;
                let th = span.1 - span.0;
                let wb = if *total_in > 0.0 {
                    th * ((nd.value.max(1.0) * sh) / total_in) as f32
                } else {
                    th
                };
                let b0 = into_cursor[t];
                into_cursor[t] += wb;
                bands.push(Band {
                    col: i,
                    from: k,
                    to: t,
                    a: (out_cursor, out_cursor + wa),
                    b: (b0, b0 + wb),
                });
                out_cursor += wa;
            }
        }
    }
    // Labels, biggest first, where they fit: the first column's to the left, the last
    // column's to the right, and inner ones along the organisation's own ribbon for as
    // long as it carries on unchanged. None overlaps another.
    struct Candidate {
        col: usize,
        node: usize,
        value: f64,
        rect: Rect,
        right_aligned: bool,
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    for (i, c) in flow.columns.iter().enumerate() {
        for (k, nd) in c.nodes.iter().enumerate() {
            let (y0, y1) = ys[i][k];
            let tall = y1 - y0;
            let mid = (y0 + y1) / 2.0;
            let ly0 = (mid - LABEL_H / 2.0).clamp(top, (bottom - LABEL_H).max(top));
            let carries_on = |j: usize, k: usize| -> Option<usize> {
                let n = &flow.columns[j].nodes[k];
                match n.next.as_slice() {
                    [(t, sh)] if *sh >= 1.0 => flow
                        .columns
                        .get(j + 1)
                        .and_then(|c| c.nodes.get(*t as usize))
                        .filter(|x| x.org == n.org)
                        .map(|_| *t as usize),
                    _ => None,
                }
            };
            let (x0, x1, right_aligned) = if i == 0 {
                // Room for a leadership bracket between the label and the node.
                (rect.left() + 2.0, xs[0] - BRACKET_GAP - 3.0, true)
            } else if i + 1 == n {
                (xs[i] + node_w + 4.0, rect.right() - 4.0, false)
            } else {
                // Only where the organisation's run starts.
                let continues_from = nd
                    .prev
                    .iter()
                    .any(|p| flow.columns[i - 1].nodes[*p as usize].org == nd.org);
                if continues_from || tall < LABEL_H {
                    continue;
                }
                let (mut j, mut kk) = (i, k);
                while let Some(t) = carries_on(j, kk) {
                    j += 1;
                    kk = t;
                }
                if j + 1 >= n {
                    // Runs to the last column: labelled there.
                    continue;
                }
                (xs[i] + node_w + 4.0, xs[j + 1] - 6.0, false)
            };
            let min_tall = if i == 0 || i + 1 == n { 6.0 } else { LABEL_H };
            if x1 - x0 < 50.0 || tall < min_tall {
                continue;
            }
            candidates.push(Candidate {
                col: i,
                node: k,
                value: nd.value,
                rect: Rect::from_min_max(pos2(x0, ly0), pos2(x1, ly0 + LABEL_H)),
                right_aligned,
            });
        }
    }
    candidates.sort_by(|a, b| b.value.total_cmp(&a.value));
    let mut labels: Vec<Label> = Vec::new();
    for c in candidates {
        if labels.iter().any(|l| l.rect.intersects(c.rect)) {
            continue;
        }
        labels.push(Label {
            col: c.col,
            node: c.node,
            rect: c.rect,
            right_aligned: c.right_aligned,
        });
    }
    FlowLayout {
        xs,
        node_w,
        ys,
        bands,
        labels,
        top,
        bottom,
    }
}

/// What the pointer is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A node: column and index.
    Node(usize, usize),
    /// A band: index into [`FlowLayout::bands`].
    Band(usize),
}

/// The S-curve bands follow between columns.
pub fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

impl FlowLayout {
    /// What is under `p`.
    pub fn hit(&self, p: Pos2) -> Option<Hit> {
        for (i, x) in self.xs.iter().enumerate() {
            if p.x >= *x - 2.0 && p.x <= *x + self.node_w + 2.0 {
                // The nearest node in the column, if the pointer is within 3 points of it.
                let best = self.ys[i]
                    .iter()
                    .enumerate()
                    .map(|(k, (y0, y1))| {
                        let d = if p.y < *y0 {
                            y0 - p.y
                        } else if p.y > *y1 {
                            p.y - y1
                        } else {
                            0.0
                        };
                        (d, k)
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                return best
                    .filter(|(d, _)| *d <= 3.0)
                    .map(|(_, k)| Hit::Node(i, k));
            }
        }
        let i = self
            .xs
            .iter()
            .rposition(|x| *x + self.node_w < p.x)
            .filter(|i| i + 1 < self.xs.len())?;
        let (xa, xb) = (self.xs[i] + self.node_w, self.xs[i + 1]);
        let t = smooth(((p.x - xa) / (xb - xa).max(1.0)).clamp(0.0, 1.0));
        self.bands
            .iter()
            .enumerate()
            .filter(|(_, b)| b.col == i)
            .find(|(_, b)| {
                let y0 = b.a.0 + (b.b.0 - b.a.0) * t;
                let y1 = b.a.1 + (b.b.1 - b.a.1) * t;
                p.y >= y0 - 0.5 && p.y <= y1.max(y0 + 1.0) + 0.5
            })
            .map(|(k, _)| Hit::Band(k))
    }

    /// The x of `date` between the columns.
    pub fn date_x(&self, flow: &Flow, date: Date) -> Option<f32> {
        let cols = &flow.columns;
        let first = cols.first()?;
        let half = self.node_w / 2.0;
        if date <= first.date {
            return Some(self.xs[0] + half);
        }
        for i in 0..cols.len().saturating_sub(1) {
            let (a, b) = (cols[i].date, cols[i + 1].date);
            if date >= a && date < b {
                let t = (date - a).num_days() as f32 / (b - a).num_days().max(1) as f32;
                return Some(self.xs[i] + half + (self.xs[i + 1] - self.xs[i]) * t);
            }
        }
        self.xs.last().map(|x| x + half)
    }
}

/// A colour per group: a hue per region, varied within it so neighbours differ. When
/// only one region is shown, each system gets a hue of its own.
pub fn group_colours(flow: &Flow, dark: bool) -> Vec<Color32> {
    const HUES: [f32; 8] = [0.58, 0.07, 0.33, 0.80, 0.97, 0.47, 0.11, 0.68];
    let mut present = vec![false; flow.groups.len()];
    for c in &flow.columns {
        for n in &c.nodes {
            if let Some(p) = present.get_mut(n.group as usize) {
                *p = true;
            }
        }
    }
    let mut regions: Vec<Option<OrgId>> = Vec::new();
    for (g, shown) in flow.groups.iter().zip(&present) {
        if *shown && !regions.contains(&g.region) {
            regions.push(g.region);
        }
    }
    let one_region = regions.len() <= 1;
    let mut seen = vec![0usize; regions.len()];
    flow.groups
        .iter()
        .zip(&present)
        .map(|(g, shown)| {
            let r = regions.iter().position(|x| *x == g.region).unwrap_or(0);
            let k = if *shown {
                let k = seen.get(r).copied().unwrap_or(0);
                if let Some(x) = seen.get_mut(r) {
                    *x += 1;
                }
                k
            } else {
                0
            };
            let hue = if one_region {
                0.58 + k as f32 * 0.618_034
            } else {
                HUES[r % HUES.len()] + [0.0, 0.025, -0.025, 0.05][k % 4]
            };
            let (s, v) = match (dark, one_region) {
                (true, true) => (0.55, 0.9),
                (false, true) => (0.65, 0.8),
                (true, false) => ([0.6, 0.45, 0.75, 0.5][k % 4], [0.95, 0.8, 0.85, 0.7][k % 4]),
                (false, false) => (
                    [0.7, 0.5, 0.85, 0.6][k % 4],
                    [0.75, 0.62, 0.55, 0.85][k % 4],
                ),
            };
            egui::ecolor::Hsva::new(hue.rem_euclid(1.0), s, v, 1.0).into()
        })
        .collect()
}

/// A short name: `NHS Devon CCG` becomes `Devon`.
pub fn short_name(name: &str) -> &str {
    let n = name.strip_prefix("NHS ").unwrap_or(name);
    for suffix in [
        " Integrated Care Board",
        " CCG",
        " Clinical Commissioning Group",
    ] {
        if let Some(x) = n.strip_suffix(suffix) {
            return x;
        }
    }
    n
}

/// The column header: `Apr 2013`.
pub fn column_title(d: Date) -> String {
    d.format("%b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use crate::model::Timeline;
    use egui::Vec2;

    fn england() -> Arc<Timeline> {
        let l = crate::model::load_str(crate::ENGLAND_RON).unwrap();
        Arc::new(Timeline::new(l.snapshot))
    }

    /// England's flow, laid out 1200 by 700 points.
    fn england_laid_out() -> (Flow, FlowLayout) {
        let flow = Flow::build(&england());
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(1200.0, 700.0));
        let lay = layout(&flow, rect, 150.0);
        (flow, lay)
    }

    #[test]
    fn labels_never_overlap_and_everything_stays_inside() {
        let tl = england();
        let full = Flow::build(&tl);
        let mut flows = vec![full.clone()];
        let mut regions: Vec<OrgId> = full.groups.iter().filter_map(|g| g.region).collect();
        regions.dedup();
        for r in regions {
            flows.push(full.filtered(|g| g.region == Some(r)));
        }
        for flow in &flows {
            for (w, h) in [(700.0, 420.0), (1100.0, 640.0), (2400.0, 1300.0)] {
                let rect = Rect::from_min_size(pos2(10.0, 20.0), Vec2::new(w, h));
                let lay = layout(flow, rect, (w * 0.13_f32).clamp(80.0, 190.0));
                for (i, a) in lay.labels.iter().enumerate() {
                    assert!(rect.contains_rect(a.rect), "label outside at {w}x{h}");
                    for b in &lay.labels[i + 1..] {
                        assert!(!a.rect.intersects(b.rect), "labels overlap at {w}x{h}");
                    }
                }
                for (c, col) in lay.ys.iter().enumerate() {
                    for (k, (y0, y1)) in col.iter().enumerate() {
                        assert!(*y0 >= rect.top() && *y1 <= rect.bottom() + 0.5, "{c}/{k}");
                        if let Some((n0, _)) = col.get(k + 1) {
                            assert!(*n0 >= *y1 - 0.01, "nodes overlap");
                        }
                    }
                }
                // The ICBs are always labelled when there is room for them all.
                if flow.columns.last().is_some_and(|c| c.nodes.len() <= 6) && h > 600.0 {
                    let last = flow.columns.len() - 1;
                    let n = lay.labels.iter().filter(|l| l.col == last).count();
                    assert_eq!(n, flow.columns[last].nodes.len());
                }
            }
        }
    }

    #[test]
    fn the_pointer_finds_nodes_and_bands() {
        let (_, lay) = england_laid_out();
        // The middle of every node hits that node.
        for (c, col) in lay.ys.iter().enumerate() {
            for (k, (y0, y1)) in col.iter().enumerate() {
                let p = pos2(lay.xs[c] + lay.node_w / 2.0, (y0 + y1) / 2.0);
                assert_eq!(lay.hit(p), Some(Hit::Node(c, k)));
            }
        }
        // Halfway along a band, its middle hits it.
        for (i, b) in lay.bands.iter().enumerate().step_by(7) {
            let x = (lay.xs[b.col] + lay.node_w + lay.xs[b.col + 1]) / 2.0;
            let y = ((b.a.0 + b.b.0) / 2.0 + (b.a.1 + b.b.1) / 2.0) / 2.0;
            if (b.a.1 - b.a.0).min(b.b.1 - b.b.0) > 2.0 {
                assert_eq!(lay.hit(pos2(x, y)), Some(Hit::Band(i)));
            }
        }
        assert_eq!(lay.hit(pos2(-50.0, -50.0)), None);
    }

    #[test]
    fn the_date_marker_sits_between_its_columns() {
        let (flow, lay) = england_laid_out();
        let x = |s: &str| lay.date_x(&flow, s.parse().unwrap()).unwrap();
        let half = lay.node_w / 2.0;
        assert_eq!(x("2013-04-01"), lay.xs[0] + half);
        assert_eq!(x("2019-04-01"), lay.xs[6] + half);
        assert!(x("2019-10-01") > x("2019-04-01") && x("2019-10-01") < x("2020-04-01"));
        assert_eq!(x("2030-01-01"), lay.xs[10] + half);
    }
}
