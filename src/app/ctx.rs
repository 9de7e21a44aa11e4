//! What a panel draws from: the app's state, read-only, its memoised view models,
//! and the colours of the theme in use.

use std::sync::Arc;

use super::{App, Theme};
use crate::model::{Date, OrgId, Timeline};

/// The read-only view of the app a panel draws.
pub struct ViewCtx<'a> {
    /// The application's state (and, through it, the memoised view models).
    pub app: &'a App,
    /// The colours.
    pub theme: Theme,
}

impl<'a> ViewCtx<'a> {
    /// A view of `app` drawn in `theme`.
    pub fn new(app: &'a App, theme: Theme) -> Self {
        ViewCtx { app, theme }
    }

    /// The record shown (the scenario's, when it is shown).
    pub fn tl(&self) -> &'a Arc<Timeline> {
        &self.app.world.timeline
    }

    /// The actual record, whatever is shown.
    pub fn actual(&self) -> &'a Arc<Timeline> {
        &self.app.actual.timeline
    }

    /// The date shown.
    pub fn date(&self) -> Date {
        self.app.date
    }

    /// The selected organisation.
    pub fn selection(&self) -> Option<OrgId> {
        self.app.selection
    }

    /// Whether presenter mode is on.
    pub fn presenting(&self) -> bool {
        self.app.presenting
    }

    /// Whether this run only takes a screenshot (nothing is drawn as hovered).
    pub fn screenshot(&self) -> bool {
        self.app.taking_screenshot()
    }

    /// Whether `id` can be picked for a merger in a scenario: a CCG of the actual record
    /// (not one the scenario shown made, and not a sub-ICB location with a CCG's code).
    pub fn pickable(&self, id: OrgId) -> bool {
        self.tl().snapshot().org(id).kind == crate::model::OrgKind::Ccg && !self.hypothetical(id)
    }

    /// Whether an organisation exists only in the scenario shown (not in the record).
    pub fn hypothetical(&self, id: OrgId) -> bool {
        if !self.app.showing_scenario() {
            return false;
        }
        let o = self.tl().snapshot().org(id);
        self.actual().snapshot().find(o.kind, &o.code).is_none()
    }
}
