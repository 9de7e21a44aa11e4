//! The middle of the window: its tabs (running costs, merger flow, compare dates,
//! counts and changes) and, for the charts, which one is large.

use super::charts::ChartsView;
use super::compare::CompareView;
use super::flow::FlowView;
use super::map::MapView;
use crate::app::ViewCtx;
use crate::app::command::{CentralTab, Command, Window};
use crate::model::format::ChartKind;

/// The tabs, in order, with their names.
const TABS: [(CentralTab, &str); 5] = [
    (CentralTab::Charts, "Running costs"),
    (CentralTab::Flow, "Merger flow"),
    (CentralTab::Map, "Map"),
    (CentralTab::Compare, "Compare dates"),
    (CentralTab::Changes, "Counts and changes"),
];

/// The charts that can be large, with their names.
const LARGE: [(ChartKind, &str); 3] = [
    (ChartKind::Costs, "running costs"),
    (ChartKind::Savings, "savings by system"),
    (ChartKind::CcgCount, "Commissioning bodies"),
];

/// The central area's views with their own state.
#[derive(Default)]
pub struct Central {
    pub charts: ChartsView,
    pub compare: CompareView,
    pub map: MapView,
}

impl Central {
    /// The tab bar and the tab shown.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        cx: &ViewCtx,
        flow: &mut FlowView,
        out: &mut Vec<Command>,
    ) {
        let app = cx.app;
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            for (tab, label) in TABS {
                if ui.selectable_label(app.central_tab == tab, label).clicked() {
                    out.push(Window::SetTab(tab).into());
                }
            }
            if app.central_tab == CentralTab::Charts {
                ui.add_space(24.0);
                ui.weak("Large chart:");
                for (kind, label) in LARGE {
                    if ui
                        .selectable_label(app.focus_chart == kind, label)
                        .clicked()
                    {
                        out.push(Window::SetFocusChart(kind).into());
                    }
                }
            }
        });
        ui.separator();
        match app.central_tab {
            CentralTab::Charts => self.charts.ui(ui, cx, out),
            CentralTab::Changes => super::changes::ui(ui, cx, out),
            CentralTab::Flow => flow.ui(ui, cx, out),
            CentralTab::Compare => self.compare.ui(ui, cx, out),
            CentralTab::Map => self.map.ui(ui, cx, out),
        }
    }
}
