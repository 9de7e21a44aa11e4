//! What covers the window while a file is dragged over it.

use crate::app::ViewCtx;

/// "Drop a snapshot or scenario" over the window, while a file hovers.
pub fn drop_overlay(ui: &mut egui::Ui, cx: &ViewCtx) {
    let hovering = ui.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let screen = ui.ctx().content_rect();
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop overlay"),
    ));
    painter.rect_filled(screen, 0.0, cx.theme.overlay);
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        "Drop a snapshot or scenario (.ron) to open it",
        egui::FontId::proportional(28.0),
        cx.theme.overlay_text,
    );
}
