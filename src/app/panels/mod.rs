//! The panels: one type each, in a file of its own. A panel keeps only its widgets'
//! state (text being typed, a scroll position, its own layout caches); it draws from a
//! read-only [`ViewCtx`] and pushes [`Command`]s, never changing the app itself.

pub mod banners;
pub mod caption;
pub mod central;
pub mod changes;
pub mod chart;
pub mod charts;
pub mod compare;
pub mod details;
pub mod dialogs;
pub mod flow;
pub mod keys;
pub mod map;
pub mod menu;
pub mod overlay;
pub mod path_prompt;
pub mod problems;
pub mod scenario;
pub mod search;
pub mod timeline;
pub mod tree;

use super::ViewCtx;
use super::command::Command;
use super::export::ExportKind;
use super::theme;

/// A file's name for messages (its whole path if it has no name).
pub fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| p.display().to_string())
}

/// A text field with its label before it (screen readers and tests know the field
/// by it), at least `width` points wide.
pub fn labelled_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    width: f32,
    hint: &str,
) -> egui::Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(width)
            .min_size(egui::vec2(width, 0.0))
            .hint_text(hint),
    )
    .labelled_by(l.id)
}

/// One radio button per choice; choosing one pushes `command(choice)`.
pub fn radios<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    current: T,
    choices: &[(T, &str)],
    command: impl Fn(T) -> Command,
    out: &mut Vec<Command>,
) {
    for (choice, label) in choices {
        if ui.radio(current == *choice, *label).clicked() {
            out.push(command(*choice));
        }
    }
}

/// Whether this is the web build (some desktop features are marked as such).
pub const WEB: bool = cfg!(target_arch = "wasm32");

/// The share of the window's width the tree takes by default, and its bounds.
const TREE_SHARE: f32 = 0.28;
const TREE_WIDTH: std::ops::RangeInclusive<f32> = 300.0..=480.0;
/// The same for the details panel.
const DETAILS_SHARE: f32 = 0.22;
const DETAILS_WIDTH: std::ops::RangeInclusive<f32> = 260.0..=420.0;
/// The problems panel's height when it opens.
const PROBLEMS_HEIGHT: f32 = 150.0;

/// Every panel of the window, with its own state. The state lives in the egui
/// context's memory (as egui's widgets keep theirs), not in the app: see [`Panels::with`].
#[derive(Default)]
pub struct Panels {
    pub search: search::SearchBox,
    pub tree: tree::TreePanel,
    pub central: central::Central,
    pub dialogs: dialogs::Dialogs,
    pub path_prompt: path_prompt::PathPromptWindow,
    pub flow: flow::FlowView,
}

/// The frame of a panel at the window's edge: egui's, without its fill. The window's
/// background is the panel colour already ([`theme::background`]: the clear colour,
/// or painted by [`Panels::ui`] where the renderer does not clear to it), and filling
/// every panel as well would paint each pixel twice: a third of a frame's drawing on a
/// software renderer (see "Performance" in README.md).
pub(crate) fn side_frame(ui: &egui::Ui) -> egui::Frame {
    egui::Frame::side_top_panel(ui.style()).fill(egui::Color32::TRANSPARENT)
}

/// The central panel's frame: egui's, without its fill, as [`side_frame`].
fn central_frame(ui: &egui::Ui) -> egui::Frame {
    egui::Frame::central_panel(ui.style()).fill(egui::Color32::TRANSPARENT)
}

/// Where the panels' state is kept in the context's memory.
fn memory_id() -> egui::Id {
    egui::Id::unique("ccg-explorer panels")
}

impl Panels {
    /// Runs `f` on the panels' state kept in `ctx`'s memory (made on first use). The
    /// state is locked while `f` runs: the panels, which draw inside it, never call this.
    pub fn with<R>(ctx: &egui::Context, f: impl FnOnce(&mut Panels) -> R) -> R {
        let shared = ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<std::sync::Arc<std::sync::Mutex<Panels>>>(memory_id())
                .clone()
        });
        // A panel that panicked while drawing left its state as it was; carry on with it.
        let mut panels = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut panels)
    }

    /// Lays out and draws every panel for the frame, over the window's background.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        // The background is the renderer's clear colour, or painted here where the
        // renderer clears to transparent (egui_kittest's). The panels' frames leave it
        // unfilled (see `side_frame`); the Ui they sit in says what it is, so that the
        // fades at the ends of scroll areas blend into it. Its scope is the window's,
        // so the panels keep their ids and the sizes remembered under them; its unique
        // id is then the window's root Ui's too, which is safe only because the root
        // Ui draws nothing of its own: everything goes inside this one.
        let background = theme::background(ui.visuals());
        if !cx.app.background_by_clear {
            ui.painter().rect_filled(ui.max_rect(), 0.0, background);
        }
        let within = egui::UiBuilder::new()
            .scope_id(ui.scope_id())
            .ui_stack_info(
                egui::UiStackInfo::default().with_frame(egui::Frame::new().fill(background)),
            );
        ui.scope_builder(within, |ui| self.panels(ui, cx, out));
    }

    /// The panels, each in its place.
    fn panels(&mut self, ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
        let app = cx.app;
        if app.presenting {
            egui::Panel::top("caption")
                .frame(side_frame(ui))
                .show(ui, |ui| caption::ui(ui, cx, out));
        } else {
            egui::Panel::top("menu")
                .frame(side_frame(ui))
                .show(ui, |ui| menu::ui(ui, cx, &mut self.search, out));
        }
        banners::ui(ui, cx, out);
        egui::Panel::bottom("timeline")
            .frame(side_frame(ui))
            .resizable(false)
            .show(ui, |ui| timeline::ui(ui, cx, out));
        if app.report.is_some() && !app.presenting {
            egui::Panel::bottom("problems")
                .frame(side_frame(ui))
                .resizable(true)
                .default_size(PROBLEMS_HEIGHT)
                .show(ui, |ui| problems::ui(ui, cx, out));
        }
        let width = ui.ctx().content_rect().width();
        if app.state.show_tree && !app.presenting {
            // Wide enough for a row and most of its details on a laptop; wider on a big
            // screen (the full text is on hover).
            egui::Panel::left("tree")
                .frame(side_frame(ui))
                .resizable(true)
                .default_size((width * TREE_SHARE).clamp(*TREE_WIDTH.start(), *TREE_WIDTH.end()))
                .size_range(240.0..=900.0)
                .show(ui, |ui| self.tree.ui(ui, cx, out));
        }
        if app.state.show_details && !app.presenting {
            egui::Panel::right("details")
                .frame(side_frame(ui))
                .resizable(true)
                .default_size(
                    (width * DETAILS_SHARE).clamp(*DETAILS_WIDTH.start(), *DETAILS_WIDTH.end()),
                )
                .size_range(240.0..=700.0)
                .show(ui, |ui| {
                    if app.sc.is_some() || !app.merge_pick.is_empty() {
                        ui.add_space(4.0);
                        scenario::ui(ui, cx, out);
                    }
                    details::ui(ui, cx, out);
                });
        }
        egui::CentralPanel::default()
            .frame(central_frame(ui))
            .show(ui, |ui| self.central.ui(ui, cx, &mut self.flow, out));
        self.search.results(ui, cx, out);
        keys::window(ui, cx, out);
        overlay::drop_overlay(ui, cx);
        self.dialogs.ui(ui, cx, out);
        self.path_prompt.ui(ui, cx, out);
    }

    /// Where an exported picture of `kind` is cropped to, if not the whole window.
    pub fn crop_for(&self, kind: ExportKind) -> Option<egui::Rect> {
        match kind {
            ExportKind::Chart(i) => self.central.charts.rects.get(i).copied().flatten(),
            ExportKind::Flow => self.flow.rect,
            ExportKind::Map => self.central.map.rect,
            _ => None,
        }
    }
}
