//! Input and output the command line and the window share: reading and writing
//! files, the reports (text, JSON, CSV), loading snapshots in the background and
//! watching files for changes. It knows nothing of egui or of the command line.

pub mod files;
pub mod loader;
pub mod report;
pub mod watch;
