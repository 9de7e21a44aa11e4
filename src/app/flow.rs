//! The merger flow: an alluvial diagram of every CCG from 2013 to the ICBs of 2022,
//! drawn with egui's painter from [`crate::model::flow::Flow`].

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::epaint::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Mesh, Pos2, Rect, RichText, Sense, Stroke, Vec2, pos2};

use super::{App, Command};
use crate::model::flow::{Flow, FlowGroup, FlowTeam};
use crate::model::{Date, OrgId, Timeline, human_date};
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

/// The flow view's state: its filter and the flows built for the world shown.
#[derive(Default)]
pub struct FlowState {
    /// What is shown.
    pub filter: FlowFilter,
    /// The whole flow of the world shown, keyed by its timeline.
    full: Option<(u64, Arc<Flow>)>,
    /// The filtered flow, keyed by timeline and filter.
    shown: Option<(u64, FlowFilter, Arc<Flow>)>,
    /// The shown flow by system and by region, for views too dense to draw one by one.
    coarse: Option<(u64, FlowFilter, [Arc<Flow>; 2])>,
    /// The regions of the whole flow, by name, for the filter.
    regions: Option<(u64, Arc<Vec<OrgId>>)>,
    /// The layout, colours and leadership teams last drawn, by flow, area and theme.
    drawn_cache: Option<Drawn>,
    /// A large world's flow being built on a worker, and the timeline it is for.
    pending: Option<(u64, Receiver<Built>)>,
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

impl FlowState {
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
        if tl.snapshot().orgs.len() <= super::ON_WORKER || cfg!(target_arch = "wasm32") {
            return true;
        }
        let (tx, rx) = channel();
        let (tl, ctx) = (tl.clone(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("merger-flow".into())
            .spawn(move || {
                let full = Arc::new(Flow::build(&tl));
                let coarse = [Arc::new(full.coarsen(false)), Arc::new(full.coarsen(true))];
                // If the window moved on, no one is waiting.
                let _ = tx.send((full, coarse));
                ctx.request_repaint();
            });
        if spawned.is_err() {
            return true;
        }
        self.pending = Some((key, rx));
        false
    }

    /// Whether a flow is being built on a worker.
    pub fn building(&self) -> bool {
        self.pending.is_some()
    }

    /// The flow for `tl` under the current filter (built once per world and filter).
    pub fn flow(&mut self, tl: &Arc<Timeline>) -> (Arc<Flow>, Arc<Flow>) {
        let key = tl.id();
        let full = match &self.full {
            Some((k, f)) if *k == key => f.clone(),
            _ => {
                let f = Arc::new(Flow::build(tl));
                self.full = Some((key, f.clone()));
                self.shown = None;
                f
            }
        };
        let shown = match &self.shown {
            Some((k, filter, f)) if *k == key && *filter == self.filter => f.clone(),
            _ => {
                let filter = self.filter;
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
    pub fn drawn(&mut self, tl: &Arc<Timeline>, height: f32) -> (Arc<Flow>, Arc<Flow>, Detail) {
        let (full, shown) = self.flow(tl);
        // A record the size of England (211 CCGs in a column) is always drawn one by
        // one, however small the window: squeezed nodes still show every merger. Only
        // synthetic snapshots many times England fall back to systems or regions.
        let fits = |f: &Flow| f.densest() as f32 <= (height / 2.2).max(EACH_UP_TO as f32);
        if fits(&shown) {
            return (full, shown, Detail::Each);
        }
        let key = tl.id();
        let coarse = match &self.coarse {
            Some((k, filter, c)) if *k == key && *filter == self.filter => c.clone(),
            _ => {
                let c = [
                    Arc::new(shown.coarsen(false)),
                    Arc::new(shown.coarsen(true)),
                ];
                self.coarse = Some((key, self.filter, c.clone()));
                c
            }
        };
        let [systems, regions] = coarse;
        if fits(&systems) {
            (full, systems, Detail::Systems)
        } else {
            (full, regions, Detail::Regions)
        }
    }
}

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
    let top = team
        .nodes
        .iter()
        .filter_map(|k| ys.get(*k as usize))
        .map(|s| s.0)
        .reduce(f32::min)?;
    let bottom = team
        .nodes
        .iter()
        .filter_map(|k| ys.get(*k as usize))
        .map(|s| s.1)
        .reduce(f32::max)?;
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

fn smooth(t: f32) -> f32 {
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
fn column_title(d: Date) -> String {
    d.format("%b %Y").to_string()
}

impl App {
    /// The flow tab.
    pub(super) fn flow_ui(&mut self, ui: &mut egui::Ui) {
        let tl = self.timeline.clone();
        if !self.flow.ready(&tl, ui.ctx()) {
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
        let (full, _) = self.flow.flow(&tl);
        let s = tl.snapshot();
        // Filters.
        let regions = match &self.flow.regions {
            Some((k, r)) if *k == tl.id() => r.clone(),
            _ => {
                let mut r: Vec<OrgId> = full.groups.iter().filter_map(|g| g.region).collect();
                r.sort_by(|a, b| s.org(*a).name.cmp(&s.org(*b).name).then(a.cmp(b)));
                r.dedup();
                let r = Arc::new(r);
                self.flow.regions = Some((tl.id(), r.clone()));
                r
            }
        };
        let region_now = match self.flow.filter {
            FlowFilter::Region(r) => Some(r),
            FlowFilter::Group(g) => full
                .groups
                .iter()
                .find(|x| x.org == g)
                .and_then(|x| x.region),
            FlowFilter::All => None,
        };
        let mut filter = self.flow.filter;
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
                    for r in regions.iter() {
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
            let group_now = match self.flow.filter {
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
                            .selectable_label(
                                group_now == Some(g.org),
                                short_name(&s.org(g.org).name),
                            )
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
                self.commands
                    .push(Command::Export(super::scenario::ExportKind::Flow));
            }
        });
        ui.weak(
            "Height: registered population · colour: the system each lineage ends in · \
             [ CCGs under one leadership team · hover to trace a lineage, click to select",
        );
        self.flow.filter = filter;
        ui.add_space(2.0);
        let rect = ui.available_rect_before_wrap();
        let rect = Rect::from_min_size(rect.min, rect.size().max(Vec2::new(200.0, 160.0)));
        // Too many organisations for the height: systems or regions stand for them.
        let (_, flow, detail) = self.flow.drawn(&tl, rect.height() - 64.0);
        let coarse = detail != Detail::Each;
        let response = ui.allocate_rect(rect, Sense::click());
        self.flow_rect = Some(rect);
        if flow.columns.is_empty() {
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "This snapshot has no CCGs to draw.",
                FontId::proportional(16.0),
                ui.visuals().weak_text_color(),
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
                ui.visuals().weak_text_color(),
            );
        }
        let label_w = (rect.width() * 0.13).clamp(80.0, 190.0);
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
            self.flow.filter,
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
        let (lay, colours, teams) = match &self.flow.drawn_cache {
            Some((k, lay, colours, teams)) if *k == key => {
                (lay.clone(), colours.clone(), teams.clone())
            }
            _ => {
                let lay = Arc::new(layout(&flow, lay_rect, label_w));
                let colours = Arc::new(group_colours(&flow, dark));
                let teams = Arc::new(if coarse { Vec::new() } else { flow.teams(s) });
                self.flow.drawn_cache = Some((key, lay.clone(), colours.clone(), teams.clone()));
                (lay, colours, teams)
            }
        };
        // A screenshot shows the resting picture, whatever the pointer is over.
        let hit = if self.taking_screenshot() {
            None
        } else {
            response.hover_pos().and_then(|p| lay.hit(p))
        };
        // What to emphasise: the hovered lineage, else the selection's.
        let focus = match hit {
            Some(Hit::Node(c, k)) => Some((c, k)),
            Some(Hit::Band(b)) => lay.bands.get(b).map(|b| (b.col, b.from)),
            None => None,
        };
        let selected_org = self.selection.map(|id| {
            let o = s.org(id);
            if o.kind == crate::model::OrgKind::SubIcb {
                s.find(crate::model::OrgKind::Ccg, &o.code).unwrap_or(id)
            } else {
                id
            }
        });
        let selected_at = selected_org.map(|o| flow.positions(o)).unwrap_or_default();
        let lineage = focus
            .or_else(|| selected_at.first().copied())
            .map(|(c, k)| flow.lineage(c, k));
        let on = |c: usize, k: usize| {
            lineage
                .as_ref()
                .is_none_or(|l| l.get(c).and_then(|v| v.get(k)).copied().unwrap_or(false))
        };
        let painter = ui.painter_at(rect);
        // Bands.
        let mut mesh = Mesh::default();
        const STEPS: usize = 14;
        mesh.reserve_vertices(lay.bands.len() * (STEPS + 1) * 2);
        mesh.reserve_triangles(lay.bands.len() * STEPS * 2);
        for band in &lay.bands {
            let node = &flow.columns[band.col].nodes[band.from];
            let base = colours
                .get(node.group as usize)
                .copied()
                .unwrap_or(Color32::GRAY);
            let lit = on(band.col, band.from) && on(band.col + 1, band.to);
            // Hovering dims everything else hard; a selection only softly.
            let alpha = match (&lineage, lit) {
                (None, _) => 0.55,
                (Some(_), true) => 0.8,
                (Some(_), false) if focus.is_some() => 0.10,
                (Some(_), false) => 0.3,
            };
            let colour = base.gamma_multiply(alpha);
            let xa = lay.xs[band.col] + lay.node_w;
            let xb = lay.xs[band.col + 1];
            let first = mesh.vertices.len() as u32;
            for step in 0..=STEPS {
                let t = step as f32 / STEPS as f32;
                let sm = smooth(t);
                let x = xa + (xb - xa) * t;
                let y0 = band.a.0 + (band.b.0 - band.a.0) * sm;
                let y1 = band.a.1 + (band.b.1 - band.a.1) * sm;
                mesh.colored_vertex(pos2(x, y0), colour);
                mesh.colored_vertex(pos2(x, y1.max(y0 + 0.6)), colour);
            }
            for step in 0..STEPS as u32 {
                let v = first + step * 2;
                mesh.add_triangle(v, v + 1, v + 2);
                mesh.add_triangle(v + 1, v + 3, v + 2);
            }
        }
        // Nodes.
        let actual = self.actual.timeline.clone();
        let showing_scenario = self.showing_scenario();
        let warm = super::panels::changed_colour(ui);
        let text_colour = ui.visuals().text_color();
        let mut outlines = Vec::new();
        for (c, col) in flow.columns.iter().enumerate() {
            for (k, nd) in col.nodes.iter().enumerate() {
                let (y0, y1) = lay.ys[c][k];
                let r = Rect::from_min_max(pos2(lay.xs[c], y0), pos2(lay.xs[c] + lay.node_w, y1));
                let base = colours
                    .get(nd.group as usize)
                    .copied()
                    .unwrap_or(Color32::GRAY);
                let colour = if on(c, k) {
                    base
                } else {
                    base.gamma_multiply(if focus.is_some() { 0.3 } else { 0.55 })
                };
                mesh.add_colored_rect(r, colour);
                let o = s.org(nd.org);
                if showing_scenario && actual.snapshot().find(o.kind, &o.code).is_none() {
                    outlines.push((r.expand(1.0), warm));
                }
                if selected_at.contains(&(c, k)) {
                    outlines.push((r.expand(2.0), text_colour));
                }
            }
        }
        painter.add(egui::Shape::mesh(mesh));
        for (r, colour) in outlines {
            painter.rect_stroke(r, 1.0, Stroke::new(1.5, colour), egui::StrokeKind::Outside);
        }
        // The narrowest gap between columns, for what fits between them.
        let spacing = lay
            .xs
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(f32::INFINITY, f32::min);
        // Leadership teams: a bracket left of the column, a tick at each member, drawn
        // in the text colour so that it stands out from the bands.
        let team_colour = super::panels::teams_colour(ui);
        let bracket_colour = text_colour.gamma_multiply(0.85);
        let pointer = if self.taking_screenshot() {
            None
        } else {
            response.hover_pos()
        };
        let mut hovered_team: Option<(usize, &FlowTeam)> = None;
        for (c, col_teams) in teams.iter().enumerate() {
            for t in col_teams {
                let Some((x, top, bottom)) = bracket(&lay, c, t) else {
                    continue;
                };
                let lit = t.nodes.iter().any(|k| on(c, *k as usize));
                let colour = if lit {
                    bracket_colour
                } else {
                    bracket_colour.gamma_multiply(0.35)
                };
                // A backing in the panel's colour first, so the bracket reads over bands.
                // Thinner where columns stand close, so that brackets do not crowd out
                // the bands.
                let close = spacing < 50.0;
                let backing = Stroke::new(
                    if close { 0.0 } else { 4.0 },
                    ui.visuals().panel_fill.gamma_multiply(0.9),
                );
                let stroke = Stroke::new(if close { 1.0 } else { 2.0 }, colour);
                for st in [backing, stroke] {
                    painter.vline(x, top..=bottom, st);
                    for k in &t.nodes {
                        let (y0, y1) = lay.ys[c][*k as usize];
                        let y = (y0 + y1) / 2.0;
                        painter.hline(x..=x + BRACKET_GAP - 1.0, y, st);
                    }
                }
                if let Some(p) = pointer
                    && (p.x - x).abs() <= 3.0
                    && p.y >= top - 2.0
                    && p.y <= bottom + 2.0
                {
                    hovered_team = Some((c, t));
                }
            }
        }
        // Column headers, shortened where the columns stand close together.
        let weak = ui.visuals().weak_text_color();
        let narrow = spacing < 70.0;
        // Columns too close for a header each: every n-th, and always the last (the one
        // before it gives way).
        let every = (38.0 / spacing.max(1.0)).ceil().max(1.0) as usize;
        let last = flow.columns.len().saturating_sub(1);
        let headed = |c: usize| c == last || (c.is_multiple_of(every) && last - c >= every);
        for (c, col) in flow.columns.iter().enumerate() {
            if !headed(c) {
                continue;
            }
            let x = lay.xs[c] + lay.node_w / 2.0;
            let count: u32 = col.nodes.iter().map(|n| n.members).sum();
            let what = if col.icb { "ICB" } else { "CCG" };
            let align = egui::Align2::CENTER_TOP;
            let (title, count) = if narrow {
                let first_of_april = col.date.format("%m-%d").to_string() == "04-01";
                let title = col.date.format(if first_of_april { "%Y" } else { "%b %y" });
                let count = if col.icb {
                    crate::model::plural(count as usize, "ICB", "ICBs")
                } else {
                    count.to_string()
                };
                (title.to_string(), count)
            } else {
                let many = if col.icb { "ICBs" } else { "CCGs" };
                (
                    column_title(col.date),
                    crate::model::plural(count as usize, what, many),
                )
            };
            painter.text(
                pos2(x, rect.top() + 2.0),
                align,
                title,
                FontId::proportional(13.0),
                text_colour,
            );
            painter.text(
                pos2(x, rect.top() + 18.0),
                align,
                count,
                FontId::proportional(12.0),
                weak,
            );
        }
        // Labels on a backing so they read over the bands.
        let backing = ui.visuals().panel_fill.gamma_multiply(0.82);
        let hover_label = match focus {
            Some((c, k)) if !lay.labels.iter().any(|l| (l.col, l.node) == (c, k)) => {
                let (y0, y1) = lay.ys[c][k];
                let x = lay.xs[c] + lay.node_w + 4.0;
                let y = ((y0 + y1) / 2.0 - LABEL_H / 2.0).max(lay.top);
                Some(Label {
                    col: c,
                    node: k,
                    rect: Rect::from_min_size(
                        pos2(x, y),
                        Vec2::new(label_w.max(160.0).min(rect.right() - x), LABEL_H),
                    ),
                    right_aligned: false,
                })
            }
            _ => None,
        };
        for label in lay.labels.iter().copied().chain(hover_label) {
            let (c, k, r) = (label.col, label.node, label.rect);
            let nd = &flow.columns[c].nodes[k];
            let dim = !on(c, k);
            let mut job = LayoutJob::simple_singleline(
                short_name(&s.org(nd.org).name).to_string(),
                FontId::proportional(12.0),
                if dim { weak } else { text_colour },
            );
            job.wrap = TextWrapping {
                max_width: r.width(),
                max_rows: 1,
                break_anywhere: true,
                overflow_character: Some('…'),
            };
            let galley = painter.layout_job(job);
            let size = galley.size() + Vec2::new(4.0, 1.0);
            let at = if label.right_aligned {
                pos2(r.right() - size.x, r.top())
            } else {
                r.min
            };
            painter.rect_filled(Rect::from_min_size(at, size), 2.0, backing);
            painter.galley(at + Vec2::new(2.0, 0.0), galley, text_colour);
        }
        // The timeline's date.
        if let Some(x) = lay.date_x(&flow, self.date) {
            let accent = super::panels::accent_colour(ui);
            painter.vline(
                x,
                lay.top - 4.0..=lay.bottom + 4.0,
                Stroke::new(1.5, accent.gamma_multiply(0.8)),
            );
            painter.text(
                pos2(x, lay.bottom + 6.0),
                egui::Align2::CENTER_TOP,
                human_date(self.date),
                FontId::proportional(12.0),
                accent,
            );
        }
        // Accessibility: every node is a button named after its organisation and column.
        let ctx = ui.ctx().clone();
        let canvas = response.id;
        let accessible = ctx
            .accesskit_node_builder(canvas, |n| {
                n.set_role(egui::accesskit::Role::Group);
                n.set_label("Merger flow");
            })
            .is_some();
        if accessible {
            for (c, col) in flow.columns.iter().enumerate() {
                for (k, nd) in col.nodes.iter().enumerate() {
                    let (y0, y1) = lay.ys[c][k];
                    let label = format!("{}, {}", s.org(nd.org).label(), column_title(col.date));
                    let x0 = lay.xs[c];
                    ctx.accesskit_node_builder(canvas.with((c, k)), |n| {
                        n.set_role(egui::accesskit::Role::Button);
                        n.set_label(label);
                        n.set_bounds(egui::accesskit::Rect {
                            x0: f64::from(x0),
                            y0: f64::from(y0),
                            x1: f64::from(x0 + lay.node_w),
                            y1: f64::from(y1),
                        });
                        n.add_action(egui::accesskit::Action::Click);
                    });
                }
            }
        }
        // A leadership bracket names its arrangements.
        if let Some((c, t)) = hovered_team {
            let day = flow.columns[c].date;
            let names: Vec<String> = t
                .nodes
                .iter()
                .map(|k| s.org(flow.columns[c].nodes[*k as usize].org).label())
                .collect();
            let lines: Vec<String> = t
                .arrangements
                .iter()
                .map(|i| {
                    let a = &s.arrangements[*i];
                    format!(
                        "{} {} ({})",
                        crate::view::capitalise(a.kind.label()),
                        crate::model::sharing::span_text(a),
                        a.id
                    )
                })
                .collect();
            response.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(
                    RichText::new(format!("One leadership team on {}", human_date(day))).strong(),
                );
                for n in &names {
                    ui.label(n);
                }
                for l in &lines {
                    ui.weak(l);
                }
            });
        }
        // Hover details and clicks.
        if let Some(h) = hit {
            let (c, k) = match h {
                Hit::Node(c, k) => (c, k),
                Hit::Band(b) => (lay.bands[b].col, lay.bands[b].from),
            };
            let nd = &flow.columns[c].nodes[k];
            let o = s.org(nd.org);
            let band_to = match h {
                Hit::Band(b) => Some(&flow.columns[c + 1].nodes[lay.bands[b].to]),
                Hit::Node(..) => None,
            };
            let what = if flow.columns[c].icb { "ICB" } else { "CCG" };
            let response = response.on_hover_ui_at_pointer(|ui| {
                ui.label(RichText::new(o.label()).strong());
                if coarse {
                    let many = if flow.columns[c].icb { "ICBs" } else { "CCGs" };
                    ui.label(format!(
                        "{} on {}, {} people",
                        crate::model::plural(nd.members as usize, what, many),
                        human_date(flow.columns[c].date),
                        thousands(nd.value.round() as u64)
                    ));
                    ui.weak("Click to show its organisations one by one");
                    return;
                }
                if let Some(t) = band_to {
                    let to = s.org(t.org);
                    if t.org == nd.org {
                        ui.label(format!(
                            "carries on from {} to {}",
                            column_title(flow.columns[c].date),
                            column_title(flow.columns[c + 1].date)
                        ));
                    } else {
                        ui.label(format!("➡ {}", to.label()));
                    }
                } else {
                    let basis = if nd.value_derived {
                        "sum of its predecessors (derived)".to_string()
                    } else {
                        o.population
                            .as_ref()
                            .map(|p| {
                                let when = if p.period.is_empty() {
                                    human_date(p.as_at)
                                } else {
                                    p.period.clone()
                                };
                                format!("{}, {when}, source {}", p.basis.label(), p.source)
                            })
                            .unwrap_or_default()
                    };
                    ui.label(format!(
                        "{} people ({basis})",
                        thousands(nd.value.round() as u64)
                    ));
                    ui.label(crate::view::life_text(o));
                    if o.kind == crate::model::OrgKind::Ccg {
                        let (badge, with) =
                            crate::view::sharing_badge(s, nd.org, flow.columns[c].date);
                        if !badge.is_empty() {
                            ui.label(
                                RichText::new(format!(
                                    "↔ {badge} on {}",
                                    human_date(flow.columns[c].date)
                                ))
                                .color(team_colour),
                            );
                            ui.weak(with);
                        }
                    }
                }
                ui.weak("Click to select");
            });
            if response.clicked() {
                if coarse {
                    // Drill down: show what the coarse node stands for.
                    self.flow.filter = match s.org(nd.org).kind {
                        crate::model::OrgKind::Region => FlowFilter::Region(nd.org),
                        _ => FlowFilter::Group(nd.org),
                    };
                } else {
                    self.commands.push(Command::Select(nd.org));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn england() -> Arc<Timeline> {
        let l = crate::model::load_str(crate::ENGLAND_RON).unwrap();
        Arc::new(Timeline::new(l.snapshot))
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
                let lay = layout(flow, rect, (w * 0.13).clamp(80.0, 190.0));
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
        let tl = england();
        let flow = Flow::build(&tl);
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(1200.0, 700.0));
        let lay = layout(&flow, rect, 150.0);
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
        let tl = england();
        let flow = Flow::build(&tl);
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(1200.0, 700.0));
        let lay = layout(&flow, rect, 150.0);
        let x = |s: &str| lay.date_x(&flow, s.parse().unwrap()).unwrap();
        let half = lay.node_w / 2.0;
        assert_eq!(x("2013-04-01"), lay.xs[0] + half);
        assert_eq!(x("2019-04-01"), lay.xs[6] + half);
        assert!(x("2019-10-01") > x("2019-04-01") && x("2019-10-01") < x("2020-04-01"));
        assert_eq!(x("2030-01-01"), lay.xs[10] + half);
    }
}
