//! The window's colours, in one place: each token for light and dark.

use egui::Color32;

/// The colours panels draw with, for the theme in use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Whether these are the dark theme's colours.
    pub dark: bool,
    /// What changed on the date shown; the scenario's own marks.
    pub changed: Color32,
    /// Strong blue: timeline marks, lifetimes, the flow's date line.
    pub accent: Color32,
    /// Green for leadership teams: the line beside the CCG count, tree badges.
    pub teams: Color32,
    /// Errors and "does not exist".
    pub error: Color32,
    /// The timeline's handle on the date shown.
    pub handle: Color32,
    /// What covers the window (a file dragged over it, an export's stamp).
    pub overlay: Color32,
    /// Words on the overlay.
    pub overlay_text: Color32,
}

impl Theme {
    /// The light theme's colours.
    pub const LIGHT: Theme = Theme {
        dark: false,
        changed: Color32::from_rgb(170, 90, 0),
        accent: Color32::from_rgb(20, 90, 180),
        teams: Color32::from_rgb(0, 130, 90),
        error: Color32::from_rgb(180, 30, 20),
        handle: Color32::from_rgb(200, 60, 20),
        overlay: Color32::from_black_alpha(170),
        overlay_text: Color32::WHITE,
    };

    /// The dark theme's colours.
    pub const DARK: Theme = Theme {
        dark: true,
        changed: Color32::from_rgb(255, 196, 80),
        accent: Color32::from_rgb(120, 180, 255),
        teams: Color32::from_rgb(110, 210, 160),
        error: Color32::from_rgb(255, 120, 110),
        handle: Color32::from_rgb(255, 196, 80),
        overlay: Color32::from_black_alpha(170),
        overlay_text: Color32::WHITE,
    };

    /// The colours for `ui`'s visuals.
    pub fn of(ui: &egui::Ui) -> Theme {
        Self::for_visuals(ui.visuals())
    }

    /// The colours for these visuals.
    pub fn for_visuals(visuals: &egui::Visuals) -> Theme {
        if visuals.dark_mode {
            Theme::DARK
        } else {
            Theme::LIGHT
        }
    }

    /// The scenario's colour: hypothetical changes are marked as changes are.
    pub fn scenario(&self) -> Color32 {
        self.changed
    }
}

/// The window's background: the panels' colour. The renderer clears to it (see
/// [`eframe::App::clear_color`] on `App`), or the app paints it where the renderer
/// clears to transparent; the panels themselves leave it unfilled.
pub fn background(visuals: &egui::Visuals) -> Color32 {
    visuals.panel_fill
}
