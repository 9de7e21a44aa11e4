//! ccg-explorer: explore how England's Clinical Commissioning Groups merged, 2013 to 2022.
//!
//! The crate is layered (the README's "Layout" section shows the rooms):
//! - [`model`]: the snapshot format, loading and validation, and the timeline engine.
//!   It never imports egui and can be driven from the CLI, tests and benchmarks.
//! - [`import`]: builds the embedded England snapshot from the sourced CSVs.
//! - [`geo`]: England's geography for the map (areas by era, places, hex layouts).
//! - [`view`]: view models (tree rows, details, charts, search) the panels draw.
//! - [`io`]: reading and atomically writing files, the reports (the record on a date,
//!   lineages, comparisons and costs as text, JSON and CSV), background loading and
//!   file watching, shared by the command line and the window.
//! - [`cli`]: the command-line interface (`check`, `at`, `lineage`, `costs`, `import`);
//!   only `main` uses it.
//! - [`app`]: the eframe window: state, one `apply`, panels as types.
//! - `web` (web build only): the same window on a page's canvas.

pub mod app;
pub mod cli;
#[doc(hidden)]
pub mod fuzzing;
pub mod geo;
pub mod import;
pub mod io;
pub mod model;
pub mod synth;
pub mod view;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// mimalloc for every program built on the crate (the window, the command line, tests
/// and benchmarks alike, so that benchmarks time what the app runs): loading a record
/// allocates and frees a great many small strings, and the system allocator spent a
/// quarter of England's load doing so. Not in the web build, nor under the fuzzer
/// (whose sanitizers watch the system allocator).
#[cfg(all(not(target_arch = "wasm32"), not(fuzzing)))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The embedded England snapshot (RON), built by `ccg-explorer import` from `assets/sources`.
pub const ENGLAND_RON: &str = include_str!("../assets/england.ron");

/// The file name shown for the embedded snapshot.
pub const ENGLAND_NAME: &str = "england.ron (embedded)";
