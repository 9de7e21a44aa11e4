//! View models: plain data the panels draw, built from the model layer.
//!
//! Nothing here depends on egui, so every view model can be tested on its own. The
//! window caches them per date (and per expand state) rather than rebuilding them
//! every frame.

mod charts;
mod costs;
mod details;
mod search;
mod text;
mod timeline;
mod tree;
mod world;

pub use charts::*;
pub use costs::*;
pub use details::*;
pub use search::*;
pub use text::*;
pub use timeline::*;
pub use tree::*;
pub use world::*;

pub use crate::model::{FULL_SHARE, approx_share};
pub use crate::model::{plural, thousands};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_percent() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1254), "1,254");
        assert_eq!(thousands(1252919), "1,252,919");
        assert_eq!(percent(0.6), "60%");
        assert_eq!(percent(0.004), "0.4%");
    }

    #[test]
    fn expansion_defaults_and_toggles() {
        let mut e = Expansion::default();
        assert!(!e.is_open("a"));
        e.toggle("a");
        assert!(e.is_open("a"));
        e.set_all(true);
        assert!(e.is_open("a") && e.is_open("b"));
        e.toggle("b");
        assert!(!e.is_open("b"));
    }
}
