//! What the tests of the command line share: running `ccg-explorer` and reading what
//! it prints.

use std::process::Command;

/// `ccg-explorer`, ready for its arguments.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
}

/// Runs `ccg-explorer ARGS`; fails unless it succeeds; returns what it printed.
pub fn cli(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// [`cli`], read as JSON.
pub fn cli_json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&cli(args)).unwrap()
}

/// The changes of `kind` (`merge`, `rename`, …) in what `compare --format json` printed.
pub fn changes_of<'a>(compared: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    compared["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind)
        .collect()
}

/// What `at DATE --format json` prints.
pub fn at_json(date: &str) -> serde_json::Value {
    cli_json(&["at", date, "--format", "json"])
}

/// Fails unless `at DATE` counts `want` (each a count's name and its number); returns
/// all it printed.
pub fn assert_counts_at(date: &str, want: &[(&str, u64)]) -> serde_json::Value {
    let v = at_json(date);
    let got: Vec<(&str, Option<u64>)> = want
        .iter()
        .map(|(name, _)| (*name, v["counts"][name].as_u64()))
        .collect();
    let want: Vec<(&str, Option<u64>)> = want.iter().map(|(name, n)| (*name, Some(*n))).collect();
    assert_eq!(got, want, "the counts on {date}");
    v
}
