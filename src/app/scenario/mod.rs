//! The open scenario as a session: the scenario as edited, its undo history, whether
//! it is saved, what its file held, and the questions a save asks; the dialog that
//! makes a change. Applying commands to it is in [`super::apply`].

pub mod autosave;

pub use autosave::{AUTOSAVE_FILE, AUTOSAVE_WAITING_FILE, Recovery, find_recovery};

use std::path::PathBuf;

use crate::model::load::Problem;
use crate::model::scenario::Scenario;
use crate::view::World;

/// The open scenario.
pub struct ScenarioState {
    /// The scenario as edited.
    pub scenario: Scenario,
    /// Where it was opened from or last saved.
    pub path: Option<PathBuf>,
    /// Edited since it was opened or saved.
    pub dirty: bool,
    /// The world with the scenario applied; `None` when it does not apply.
    pub(crate) world: Option<World>,
    /// Why it does not apply, or warnings.
    pub problems: Vec<Problem>,
    pub(crate) undo: Vec<Scenario>,
    pub(crate) redo: Vec<Scenario>,
    /// What its file held when last read or written here.
    pub disk: Option<OnDisk>,
    /// The file changed on disk since then (noticed by the watch).
    pub changed_on_disk: bool,
    /// The question a save waits on.
    pub question: Option<SaveQuestion>,
    /// The user agreed that saving drops the file's inner comments.
    pub(crate) comments_dropped_ok: bool,
    /// A save is under way (its own change to the file is not an outside one).
    pub(crate) saving: bool,
    /// Watches its file (and which file that is).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) watch: Option<(PathBuf, crate::io::watch::FileWatch)>,
}

impl ScenarioState {
    /// Takes in the scenario laid over the record: its world and warnings, or why it
    /// does not apply (then it shows no world).
    pub fn set_applied(&mut self, applied: crate::app::jobs::Applied) {
        match applied {
            Ok((world, warnings)) => {
                self.world = Some(world);
                self.problems = warnings;
            }
            Err(problems) => {
                self.world = None;
                self.problems = problems;
            }
        }
    }

    /// A scenario opened from `path` (or new), saved or not.
    pub fn new(scenario: Scenario, path: Option<PathBuf>, dirty: bool) -> Self {
        ScenarioState {
            scenario,
            path,
            dirty,
            world: None,
            problems: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            disk: None,
            changed_on_disk: false,
            question: None,
            comments_dropped_ok: false,
            saving: false,
            #[cfg(not(target_arch = "wasm32"))]
            watch: None,
        }
    }
}

/// What a scenario file held when it was last read or written here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnDisk {
    /// The whole text: a save first checks the file still holds it.
    pub text: String,
    /// Its leading comment lines, written back at the top on save.
    pub header: String,
    /// Whether it has comments after those, which a save cannot keep.
    pub inner_comments: bool,
}

impl OnDisk {
    /// Reads the comments of a scenario file's text.
    pub fn of(text: &str) -> Self {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut header_len = 0;
        for line in body.split_inclusive('\n') {
            let t = line.trim();
            if t.starts_with("//") || (t.is_empty() && header_len > 0) {
                header_len += line.len();
            } else {
                break;
            }
        }
        let header = body[..header_len].trim_end().to_string();
        OnDisk {
            text: text.to_string(),
            inner_comments: has_comments(&body[header_len..]),
            header: if header.is_empty() {
                header
            } else {
                header + "\n"
            },
        }
    }
}

/// Whether RON text has a comment (`//` or `/* */`) outside strings.
fn has_comments(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                // A raw string: r#"..."# with as many hashes.
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let start = i + 2 + hashes;
                i = b
                    .get(start..)
                    .and_then(|rest| rest.windows(close.len()).position(|w| w == close))
                    .map_or(b.len(), |p| start + p + close.len() - 1);
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// What a save asks before writing.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveQuestion {
    /// The file has comments inside the scenario, which saving drops.
    DropsComments(PathBuf),
    /// The file changed on disk since it was read or saved here.
    ChangedOnDisk(PathBuf),
}

/// A dialog the app opened for a change: what it makes and the fields it starts with.
/// The fields as typed are the dialog's own; a new `id` starts them afresh.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeDialog {
    /// Which opening of a dialog this is.
    pub id: u64,
    /// What the dialog makes.
    pub kind: DialogKind,
    /// The change it replaces, when editing.
    pub replace: Option<usize>,
    /// The date to start with, as typed.
    pub date: String,
    /// The new CCG's name to start with.
    pub name: String,
    /// Its code to start with.
    pub code: String,
    /// Why the last try failed.
    pub error: String,
}

/// The kinds of change the dialog makes.
#[derive(Clone, Debug, PartialEq)]
pub enum DialogKind {
    /// Merge these CCGs (codes).
    Merge(Vec<String>),
    /// Move this merger (event id).
    Move(String),
    /// These CCGs share an accountable officer.
    Share(Vec<String>),
}

/// What to do after "save changes?" is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterSave {
    /// Close the window.
    Quit,
    /// Open another scenario.
    Open(Option<PathBuf>),
    /// Start a new scenario.
    New,
    /// Close the scenario.
    Close,
    /// Recover the autosaved scenario.
    Recover,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_strings_only() {
        assert!(!has_comments(r###"(name: "a // b", note: r#"/* x */"#)"###));
        assert!(!has_comments(r##"(name: "esc \" // still a string")"##));
        assert!(has_comments("(\n  // a note\n  name: \"x\")"));
        assert!(has_comments("(name: \"x\" /* note */)"));
        let d = OnDisk::of("// top\n// more\n#![enable(implicit_some)]\n(name: \"x\")\n");
        assert_eq!(d.header, "// top\n// more\n");
        assert!(!d.inner_comments);
        let d = OnDisk::of("#![enable(implicit_some)]\n(\n // inside\n)");
        assert_eq!(d.header, "");
        assert!(d.inner_comments);
    }
}
