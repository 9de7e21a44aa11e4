//! The map's colours: by system, commissioner, leadership team or modelled savings.

use std::collections::HashMap;

use egui::Color32;

use super::*;

/// A colour from a hue (0..1), for the theme.
pub(super) fn hue(h: f32, dark: bool, strong: bool) -> Color32 {
    let (s, v) = match (dark, strong) {
        (false, false) => (0.38, 0.93),
        (false, true) => (0.55, 0.80),
        (true, false) => (0.45, 0.50),
        (true, true) => (0.60, 0.70),
    };
    egui::ecolor::Hsva::new(h.fract(), s, v, 1.0).into()
}

/// The k-th of many distinguishable hues.
pub(super) fn nth(k: usize, dark: bool) -> Color32 {
    hue(k as f32 * 0.618_034, dark, k % 2 == 1)
}

/// What colours each commissioner on the date.
pub(super) struct Palette {
    pub(super) fill: MapFill,
    pub(super) dark: bool,
    /// Index of each commissioner in the frame, its system's index, its team's.
    pub(super) org: HashMap<OrgId, (usize, Option<usize>, usize)>,
    /// Teams of more than one, by index: their rank among shared teams.
    pub(super) shared_team: HashMap<usize, usize>,
    /// Modelled savings by system, percent of baseline.
    pub(super) savings: HashMap<OrgId, f64>,
    /// The systems, by index.
    pub(super) systems: Vec<OrgId>,
    pub(super) target: f64,
    pub(super) none: Color32,
}

impl Palette {
    pub(super) fn new(
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
    pub(super) fn of(&self, o: OrgId) -> Color32 {
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

pub(super) fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let f = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(f(a.r(), b.r()), f(a.g(), b.g()), f(a.b(), b.b()))
}
