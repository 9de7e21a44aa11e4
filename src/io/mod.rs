//! Input and output the command line and the window share: reading and writing
//! files, the reports (text, JSON, CSV), loading snapshots in the background and
//! watching files for changes. It knows nothing of egui or of the command line.

pub mod files;
pub mod loader;
pub mod report;
pub mod watch;

/// A channel kept as one: workers send on `tx`, the owner takes from `rx`.
pub struct Mailbox<T> {
    /// Where workers send.
    pub tx: std::sync::mpsc::Sender<T>,
    /// Where the owner takes.
    pub rx: std::sync::mpsc::Receiver<T>,
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        Mailbox { tx, rx }
    }
}
