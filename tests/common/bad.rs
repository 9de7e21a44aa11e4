//! What the tests of bad files (`bad_files.rs`, `bad_scenarios.rs`) share: a table row,
//! running the command line on a file, and judging what it says.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One case: what `check` must say about a file.
pub struct Case {
    /// A file in the folder of bad files, or `gen:NAME` for a file the test writes.
    pub file: &'static str,
    /// 0 valid, 1 invalid, 2 unreadable.
    pub exit: i32,
    /// For exit 1, the count in `FILE: invalid: N errors`; for exit 0, the warnings
    /// (where the test counts them).
    pub count: usize,
    /// `line L, column C` of the problem, or `-` when the message must give no place.
    pub at: &'static str,
    /// What is at fault, shown in brackets (an organisation, `change 2`); `-` for none.
    pub org: &'static str,
    /// Key words; one output line must hold all of them, with `at` and `org`.
    pub words: &'static [&'static str],
}

/// A [`Case`], for tables written a row a line.
pub const fn case(
    file: &'static str,
    exit: i32,
    count: usize,
    at: &'static str,
    org: &'static str,
    words: &'static [&'static str],
) -> Case {
    Case {
        file,
        exit,
        count,
        at,
        org,
        words,
    }
}

/// The project's folder.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `text` with Windows line ends.
pub fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// The path of a case's file: `gen:NAME` written by `generate` into `dir`, any other in
/// `folder`.
pub fn path_of(
    file: &str,
    folder: &Path,
    dir: &Path,
    generate: impl Fn(&str, &Path) -> PathBuf,
) -> PathBuf {
    match file.strip_prefix("gen:") {
        Some(name) => generate(name, dir),
        None => folder.join(file),
    }
}

/// Runs `ccg-explorer ARGS PATH`; returns the exit code, stdout and stderr.
pub fn run(args: &[&str], path: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
        .args(args)
        .arg(path)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `s` for a count other than one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Everything wrong with the exit code and the frame of `check`'s output for one case
/// (empty when it passes): no panic; for exit 1 the head line, one line an error and
/// nothing on stderr; for exit 2 one `ccg-explorer: error:` on stderr and nothing on
/// stdout.
pub fn judge_exit(
    case: &Case,
    path: &Path,
    code: Option<i32>,
    stdout: &str,
    stderr: &str,
) -> Vec<String> {
    let mut wrong = Vec::new();
    if code != Some(case.exit) {
        wrong.push(format!("exit code {code:?}, expected {}", case.exit));
    }
    if stderr.contains("panicked") {
        wrong.push("it panicked".to_string());
    }
    match case.exit {
        1 => {
            let head = format!(
                "{}: invalid: {} error{}",
                path.display(),
                case.count,
                plural(case.count)
            );
            if stdout.lines().next() != Some(head.as_str()) {
                wrong.push(format!("first line is not `{head}`"));
            }
            let listed = stdout.lines().filter(|l| l.starts_with("  error")).count();
            if listed != case.count {
                wrong.push(format!("{listed} error lines, expected {}", case.count));
            }
            if !stderr.is_empty() {
                wrong.push("stderr is not empty".to_string());
            }
        }
        2 => {
            if !stderr.starts_with("ccg-explorer: error: ") {
                wrong.push("stderr does not start `ccg-explorer: error: `".to_string());
            }
            if !stdout.is_empty() {
                wrong.push("stdout is not empty".to_string());
            }
        }
        _ => {}
    }
    wrong
}

/// Fails unless no case failed, listing each case's failures: `N of TOTAL cases failed`,
/// then `place` (` in the window`, or nothing for the command line).
pub fn assert_no_failures(failures: &[String], total: usize, place: &str) {
    assert!(
        failures.is_empty(),
        "{} of {} cases failed{place}:\n\n{}",
        failures.len(),
        total,
        failures.join("\n\n")
    );
}

/// Whether one line of `text` holds the place (`{sev} at {at}: `), the thing at fault
/// (`[{org}] `) and every key word; with no place (`-`), a line that claims none.
pub fn has_line(text: &str, sev: &str, at: &str, org: &str, words: &[&str]) -> bool {
    let at = (at != "-").then(|| format!("{sev} at {at}: "));
    let org = (org != "-").then(|| format!("[{org}] "));
    text.lines().any(|l| {
        let placed = match &at {
            Some(at) => l.contains(at.as_str()),
            // A problem with no place must not claim one.
            None => !l.contains(" at line "),
        };
        placed
            && org.as_ref().is_none_or(|o| l.contains(o.as_str()))
            && words.iter().all(|w| l.contains(w))
    })
}

/// The rows of `also` for `file` that no line of `all` holds, as failures.
pub fn missing_also(also: &[(&str, &[&str])], file: &str, all: &str) -> Vec<String> {
    also.iter()
        .filter(|(f, _)| *f == file)
        .filter(|(_, words)| !all.lines().any(|l| words.iter().all(|w| l.contains(w))))
        .map(|(f, words)| format!("{f}: no line holds {words:?}"))
        .collect()
}

/// Fails unless every file in `folder` (below the project) has a row in `cases`, every
/// row but the `gen:` ones has its file, no file has two rows, and there are at least
/// `least` files; returns the files' names, sorted.
pub fn assert_table_matches_folder(cases: &[Case], folder: &str, least: usize) -> Vec<String> {
    let listed: Vec<&str> = cases
        .iter()
        .map(|c| c.file)
        .filter(|f| !f.starts_with("gen:"))
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let untested: Vec<&String> = on_disk
        .iter()
        .filter(|f| !listed.contains(&f.as_str()))
        .collect();
    assert!(
        untested.is_empty(),
        "files in {folder}/ missing from CASES: {untested:?}"
    );
    let missing: Vec<&&str> = listed
        .iter()
        .filter(|f| !on_disk.iter().any(|d| d == *f))
        .collect();
    assert!(
        missing.is_empty(),
        "CASES rows with no file in {folder}/: {missing:?}"
    );
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<&str> = cases
        .iter()
        .map(|c| c.file)
        .filter(|f| !seen.insert(*f))
        .collect();
    assert!(twice.is_empty(), "CASES lists these twice: {twice:?}");
    assert!(on_disk.len() >= least, "only {} bad files", on_disk.len());
    on_disk
}
