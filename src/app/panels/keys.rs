//! The keyboard shortcuts window, read from the same table as the menus and the
//! keyboard handler ([`Action`]).

use egui::RichText;

use crate::app::ViewCtx;
use crate::app::command::{Action, Command, Window};

/// What the mouse and Escape do besides the actions' keys.
const MORE: [(&str, &str); 2] = [
    ("Ctrl+click", "Pick a CCG for a merger (tree by CCG)"),
    ("Escape", "Close the search results"),
];

/// The shortcuts window, while it is open.
pub fn window(ui: &mut egui::Ui, cx: &ViewCtx, out: &mut Vec<Command>) {
    if !cx.app.show_keys {
        return;
    }
    let mut open = true;
    let ctx = ui.ctx().clone();
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(&ctx, |ui| {
            egui::Grid::new("keys").spacing([24.0, 4.0]).show(ui, |ui| {
                for a in Action::ALL {
                    let keys = a.keys_text(&ctx);
                    if keys.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(keys).monospace().strong());
                    ui.label(a.tooltip());
                    ui.end_row();
                }
                for (k, what) in MORE {
                    ui.label(RichText::new(k).monospace().strong());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    if !open {
        out.push(Window::ShowKeys(false).into());
    }
}
