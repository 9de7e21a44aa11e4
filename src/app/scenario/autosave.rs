//! Where the unsaved scenario is autosaved: a file in the app's storage folder on the
//! desktop; in a browser, an entry of the page's local storage named by that path.
//! What an earlier session left is offered back at start.

use std::path::{Path, PathBuf};

use crate::model::scenario::{Scenario, parse_scenario};

/// The autosave file's name in the app's storage folder.
pub const AUTOSAVE_FILE: &str = "scenario-autosave.ron";

/// Where the session autosaves while an earlier session's autosave waits for the
/// user's answer ("Recover" or "Discard"): that one is never overwritten or removed
/// before the answer.
pub const AUTOSAVE_WAITING_FILE: &str = "scenario-autosave-2.ron";

/// The first line of an autosave: the file the scenario was saved to before.
const SAVED_FROM: &str = "// saved from: ";

/// An autosaved scenario found at start.
pub struct Recovery {
    /// The scenario.
    pub scenario: Scenario,
    /// The autosave file.
    pub path: PathBuf,
    /// The file it was saved to before, if any.
    pub original: Option<PathBuf>,
}

/// Looks for an autosaved scenario: the session's, or one a session wrote while an
/// earlier one waited for an answer.
pub fn find_recovery(dir: Option<&Path>) -> Option<Recovery> {
    let dir = dir?;
    [AUTOSAVE_FILE, AUTOSAVE_WAITING_FILE]
        .iter()
        .find_map(|f| recovery_in(&dir.join(f)))
}

fn recovery_in(path: &Path) -> Option<Recovery> {
    let path = path.to_path_buf();
    let text = read(&path)?;
    let (original, body) = match text.split_once('\n') {
        Some((first, rest)) if first.starts_with(SAVED_FROM) => {
            let p = first.trim_start_matches(SAVED_FROM).trim();
            ((!p.is_empty()).then(|| PathBuf::from(p)), rest.to_string())
        }
        _ => (None, text.clone()),
    };
    match parse_scenario(&body) {
        Ok(scenario) => Some(Recovery {
            scenario,
            path,
            original,
        }),
        Err(_) => {
            remove(&path);
            None
        }
    }
}

/// The autosave at `path`, if there is one.
#[cfg(not(target_arch = "wasm32"))]
pub fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Writes the autosave `text` at `path` in `dir`.
#[cfg(not(target_arch = "wasm32"))]
pub fn write(dir: &Path, path: &Path, text: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|_| crate::app::jobs::write_file(path, text.as_bytes()))
}

/// Removes the autosave at `path`.
#[cfg(not(target_arch = "wasm32"))]
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[cfg(target_arch = "wasm32")]
pub fn read(path: &Path) -> Option<String> {
    storage()?.get_item(&path.to_string_lossy()).ok()?
}

#[cfg(target_arch = "wasm32")]
pub fn write(_dir: &Path, path: &Path, text: &str) -> Result<(), String> {
    storage()
        .ok_or("the browser offers no local storage")?
        .set_item(&path.to_string_lossy(), text)
        .map_err(|_| "the browser's local storage is full or turned off".to_string())
}

#[cfg(target_arch = "wasm32")]
pub fn remove(path: &Path) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&path.to_string_lossy());
    }
}

/// The autosave text of `scenario` (RON), saved before to `from` (if anywhere).
pub fn text(scenario: &Scenario, from: Option<&Path>) -> Result<String, String> {
    let body = scenario.to_ron().map_err(|e| e.to_string())?;
    let from = from.map(|p| p.display().to_string()).unwrap_or_default();
    Ok(format!("{SAVED_FROM}{from}\n{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_autosave_reads_back_with_the_file_it_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let raw: crate::model::format::RawSnapshot =
            ron::from_str(include_str!("../../../assets/examples/tiny.ron")).unwrap();
        let scenario = Scenario::new("Mine", &raw);
        let path = dir.path().join(AUTOSAVE_FILE);
        let t = text(&scenario, Some(Path::new("/tmp/mine.ron"))).unwrap();
        write(dir.path(), &path, &t).unwrap();
        let r = find_recovery(Some(dir.path())).unwrap();
        assert_eq!(r.scenario, scenario);
        assert_eq!(r.original.as_deref(), Some(Path::new("/tmp/mine.ron")));
        // A broken autosave is not offered, and is removed.
        std::fs::write(&path, "(not a scenario").unwrap();
        assert!(find_recovery(Some(dir.path())).is_none());
        assert!(!path.exists());
    }
}
