//! Replays every input the fuzzers kept (`fuzz/regressions/`: crashes found and fixed,
//! and inputs that reached new code), plus the hand-made bad files, through the fuzz
//! targets' bodies. Any panic fails the test.

use std::path::Path;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

/// Gives every file in `dirs` to a fuzz target; how many there were.
fn replay(dirs: &[&str], target: fn(&[u8])) -> usize {
    let paths: Vec<_> = dirs.iter().flat_map(|dir| files(dir)).collect();
    for path in &paths {
        target(&std::fs::read(path).unwrap());
    }
    paths.len()
}

#[test]
fn snapshot_inputs_never_panic() {
    let dirs = [
        "fuzz/regressions/snapshot",
        "tests/bad",
        "tests/unusual",
        "assets/examples",
    ];
    let n = replay(&dirs, ccg_explorer::fuzzing::snapshot);
    assert!(n >= 50, "only {n} inputs");
}

#[test]
fn scenario_inputs_never_panic() {
    let dirs = [
        "fuzz/regressions/scenario",
        "tests/bad_scenarios",
        "assets/examples",
    ];
    let n = replay(&dirs, ccg_explorer::fuzzing::scenario);
    assert!(n >= 2, "only {n} inputs");
}
