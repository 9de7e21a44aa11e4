//! Runs every hand-made bad scenario in `tests/bad_scenarios/` (and a few made here:
//! bytes awkward to keep in git, very long lines, deep nesting, byte-order marks, CRLF
//! line ends) through `ccg-explorer check` and through the window, and checks that each
//! gets a clear message: what is wrong, where (line and column, or the change or
//! bookmark at fault), the code concerned and what to do, and that nothing panics.
//!
//! Each file in `tests/bad_scenarios/` is `assets/examples/kent-2018.ron` with one defect
//! (its first lines say which), so `diff assets/examples/kent-2018.ron FILE` shows it;
//! the line numbers are those of kent-2018.ron.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ccg_explorer::app::{App, command as cmd};
use ccg_explorer::model::scenario::{Scenario, parse_scenario};
use common::bad::*;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // file, exit code, error (or warning) count, place ("-": none), at fault ("-": none), key words
    // Nothing to read. `check` cannot tell a scenario from a snapshot here; see APP.
    case("empty.ron",                      1, 1, "-",                    "-",          &["the file is empty"]),
    case("whitespace_only.ron",            1, 1, "-",                    "-",          &["the file is empty"]),
    case("comments_only.ron",              1, 1, "-",                    "-",          &["empty apart from comments"]),
    // Syntax.
    case("truncated.ron",                  1, 1, "line 22, column 12",   "-",          &["no closing `\"`", "truncated"]),
    case("missing_comma.ron",              1, 1, "line 15, column 7",    "-",          &["expected a comma", "missing"]),
    case("unclosed_bracket.ron",           1, 1, "line 16, column 7",    "-",          &["found the field `code`", "`]` or `)` before it missing"]),
    case("missing_final_paren.ron",        1, 1, "line 25, column 5",    "-",          &["ends too early", "truncated"]),
    case("trailing_text.ron",              1, 1, "line 26, column 3",    "-",          &["more text after the scenario's closing `)`"]),
    case("unterminated_string.ron",        1, 1, "line 17, column 14",   "-",          &["expected a comma", "quote", "not closed"]),
    case("not_a_struct.ron",               1, 1, "line 7, column 1",     "-",          &["expected `(` to open the scenario"]),
    case("no_implicit_some.ron",           1, 1, "line 21, column 84",   "-",          &["the field `selection`: expected an optional value", "#![enable(implicit_some)]"]),
    case("unknown_change_kind.ron",        1, 1, "line 13, column 5",    "-",          &["unknown kind of change `Merger`", "Merge, MoveMerger, CancelMerger, SharedManagement"]),
    case("change_without_kind.ron",        1, 1, "line 13, column 5",    "-",          &["expected a name without quotes", "`Merge(...)`"]),
    // Types and fields.
    case("huge_number.ron",                1, 1, "line 8, column 11",    "-",          &["number is too large"]),
    case("negative_format.ron",            1, 1, "line 8, column 12",    "-",          &["negative where it cannot be"]),
    case("format_is_string.ron",           1, 1, "line 8, column 11",    "-",          &["the field `format`: expected a whole number"]),
    case("name_is_list.ron",               1, 1, "line 9, column 9",     "-",          &["the field `name`: expected text in double quotes"]),
    case("ccgs_is_string.ron",             1, 1, "line 15, column 13",   "-",          &["the field `ccgs`: expected a list in `[` `]`"]),
    case("date_is_number.ron",             1, 1, "line 14, column 13",   "-",          &["the field `date`: expected text in double quotes"]),
    case("bookmark_scenario_not_bool.ron", 1, 1, "line 21, column 107",  "-",          &["the field `scenario`: expected `true` or `false`"]),
    case("unknown_field.ron",              1, 1, "line 11, column 3",    "-",          &["unknown field `colour` in this scenario", "expected one of: format, name"]),
    case("unknown_field_in_change.ron",    1, 1, "line 16, column 21",   "-",          &["unknown field `population` in this `Merge` change", "date, ccgs, code, name"]),
    case("unknown_field_in_bookmark.ron",  1, 1, "line 22, column 122",  "-",          &["unknown field `zoom` in this bookmark"]),
    case("duplicate_field.ron",            1, 1, "line 11, column 3",    "-",          &["the field `name` is written twice in this scenario"]),
    case("missing_format.ron",             1, 1, "line 26, column 1",    "-",          &["required field `format` is missing in this scenario"]),
    case("missing_name.ron",               1, 1, "line 26, column 1",    "-",          &["required field `name` is missing in this scenario"]),
    case("missing_snapshot.ron",           1, 1, "line 26, column 1",    "-",          &["required field `snapshot` is missing in this scenario"]),
    case("missing_fingerprint.ron",        1, 1, "line 10, column 64",   "-",          &["required field `fingerprint` is missing in this `snapshot` reference"]),
    case("missing_merge_ccgs.ron",         1, 1, "line 18, column 5",    "-",          &["required field `ccgs` is missing in this `Merge` change"]),
    case("missing_move_date.ron",          1, 1, "line 18, column 32",   "-",          &["required field `date` is missing in this `MoveMerger` change"]),
    case("format_2.ron",                   1, 1, "line 8, column 3",     "-",          &["scenario format version 2 is not supported", "reads format 1", "version of ccg-explorer that wrote it"]),
    // Dates.
    case("date_feb_30.ron",                1, 1, "line 14, column 13",   "-",          &["the field `date`: not a valid date", "YYYY-MM-DD with a real day"]),
    case("date_month_13.ron",              1, 1, "line 14, column 13",   "-",          &["the field `date`: not a valid date", "YYYY-MM-DD with a real day"]),
    case("date_tomorrow.ron",              1, 1, "line 14, column 13",   "-",          &["the field `date`: not a valid date", "YYYY-MM-DD"]),
    case("date_wrong_layout.ron",          1, 1, "line 14, column 13",   "-",          &["the field `date`: not a valid date", "YYYY-MM-DD"]),
    case("date_year_1800.ron",             1, 1, "-",                    "change 1",   &["the date 1800-04-01 is outside the years 1900 to 2200", "check the year"]),
    case("date_year_2300.ron",             1, 1, "-",                    "change 1",   &["the date 2300-04-01 is outside the years 1900 to 2200", "check the year"]),
    // Mergers.
    case("merge_unknown_ccg.ron",          1, 1, "-",                    "change 1",   &["there is no CCG Z9Z", "check the codes"]),
    case("merge_single_ccg.ron",           1, 1, "-",                    "change 1",   &["merge 09C into", "needs at least two different CCGs"]),
    case("merge_same_ccg_twice.ron",       1, 1, "-",                    "change 1",   &["09E is listed twice", "list each CCG once"]),
    case("merge_ccg_not_alive.ron",        1, 1, "-",                    "change 1",   &["must all exist on 2018-03-31 and on 2018-04-01", "91Q (2020-04-01 to 2022-06-30)"]),
    case("merge_different_futures.ron",    1, 1, "-",                    "change 1",   &["do not share a future", "01F in E301"]),
    case("merge_code_taken.ron",           1, 1, "-",                    "change 1",   &["the code 91Q is already used by the CCG NHS Kent and Medway CCG", "choose a code"]),
    case("merge_code_of_icb.ron",          1, 1, "-",                    "change 1",   &["the code QKS is already used by the ICB", "choose a code"]),
    case("merge_duplicate_new_code.ron",   1, 1, "-",                    "change 2",   &["the code KM18 is already used by the CCG", "(2018 scenario)"]),
    case("merge_empty_name.ron",           1, 1, "-",                    "change 1",   &["the new CCG's name is empty", "give the merged CCG"]),
    case("merge_empty_code.ron",           1, 1, "-",                    "change 1",   &["the new CCG's code is empty", "give the merged CCG"]),
    // Codes are compared as ODS codes are: upper case, no spaces or invisible characters.
    case("merge_code_lowercase.ron",       1, 1, "-",                    "change 1",   &["(91q): the code 91Q is already used by the CCG NHS Kent and Medway CCG", "compared in upper case"]),
    case("merge_code_zero_width.ron",      1, 1, "-",                    "change 1",   &["(91\\u{200b}Q): the code 91Q is already used", "invisible characters"]),
    case("merge_code_punctuation.ron",     1, 1, "-",                    "change 1",   &["the new code `KM-18` cannot be an ODS code", "letters and digits"]),
    case("merge_code_spaces.ron",          0, 1, "-",                    "change 1",   &["warning", "the new code ` km18 ` is read as KM18", "write the code as KM18"]),
    case("merge_ccgs_lower_case.ron",      0, 0, "-",                    "-",          &["valid scenario \"Kent and Medway merge in 2018\""]),
    case("share_same_ccg_twice.ron",       1, 1, "-",                    "change 2",   &["01F is listed twice", "cannot share management with itself"]),
    // Moving and cancelling real mergers.
    case("move_unknown_event.ron",         1, 1, "-",                    "change 2",   &["there is no event E999", "use the id of a merger event"]),
    case("move_not_a_merger.ron",          1, 1, "-",                    "change 2",   &["event E220 is a rename, not a merger"]),
    case("move_after_end.ron",             1, 1, "-",                    "change 2",   &["move merger E232 to 2023-04-01", "15N ends on 2022-06-30", "or cancel the merger"]),
    case("move_before_start.ron",          1, 1, "-",                    "change 2",   &["99P only exists from 2013-04-01", "choose a later date"]),
    case("cancel_unknown_event.ron",       1, 1, "-",                    "change 2",   &["there is no event e232", "did you mean E232?"]),
    case("cancel_twice.ron",               1, 1, "-",                    "change 3",   &["event E232 was already cancelled by an earlier change"]),
    // Shared management.
    case("share_unknown_ccg.ron",          1, 1, "-",                    "change 2",   &["01F, ZZZ share", "there is no CCG ZZZ"]),
    case("share_single_ccg.ron",           1, 1, "-",                    "change 2",   &["sharing needs at least two CCGs"]),
    case("share_ccg_not_alive.ron",        1, 1, "-",                    "change 2",   &["91Q does not exist on 2018-04-01"]),
    case("share_ends_before_start.ron",    1, 1, "-",                    "change 2",   &["the sharing ends (2018-03-31) before it starts (2019-04-01)"]),
    // Bookmarks.
    case("bookmark_bad_chart.ron",         1, 1, "line 21, column 121",  "-",          &["unknown chart `Pie`", "Costs, Savings, CcgCount"]),
    case("bookmark_bad_date.ron",          1, 1, "line 22, column 59",   "-",          &["the field `date`: not a valid date"]),
    case("bookmark_missing_date.ron",      1, 1, "line 21, column 164",  "-",          &["required field `date` is missing in this bookmark"]),
    case("bookmark_date_out_of_range.ron", 1, 1, "-",                    "bookmark 4", &["\"What actually happened\" shows the date 2500-10-01", "outside the years 1900 to 2200"]),
    // Files that open, with warnings.
    case("bookmark_unknown_selection.ron", 0, 1, "-",                    "bookmark 3", &["warning", "selects KM19, which is no organisation in the scenario", "leave `selection` out"]),
    case("bookmark_selection_not_on_date.ron", 0, 1, "-",                "bookmark 3", &["warning", "selects KM18, which does not exist on 1 Oct 2020 in the scenario", "KM18 carries on as 91Q by then"]),
    case("missing_changes.ron",            0, 2, "-",                    "bookmark 2", &["warning", "selects KM18, which is no organisation in the scenario"]),
    case("other_fingerprint.ron",          0, 1, "-",                    "-",          &["warning", "made for the snapshot", "(0123456789abcdef)", "applied where they still fit"]),
    // A snapshot: `check` reads it as the snapshot it is (see COMMANDS and APP).
    case("snapshot_not_scenario.ron",      0, 0, "-",                    "-",          &["valid: \"Tiny example\""]),
    // Made by `generate`: bytes that are awkward to keep in git, and positive controls.
    case("gen:non_utf8.ron",               2, 0, "-",                    "-",          &["is not UTF-8 text", "invalid byte at offset 6", "save it as UTF-8"]),
    case("gen:binary_junk.ron",            2, 0, "-",                    "-",          &["is not UTF-8 text", "invalid byte at offset 0"]),
    case("gen:nul_bytes.ron",              1, 1, "line 8, column 13",    "-",          &["control character U+0000", "not a text file"]),
    case("gen:does_not_exist.ron",         2, 0, "-",                    "-",          &["cannot read"]),
    case("gen:deep_nesting.ron",           1, 1, "line 10, column 13",   "-",          &["expected `(` to open the `snapshot` reference"]),
    case("gen:long_line.ron",              1, 1, "line 11, column 1000020", "-",       &["unknown field `colour` in this scenario"]),
    case("gen:kent.ron",                   0, 0, "-",                    "-",          &["valid scenario \"Kent and Medway merge in 2018\""]),
    case("gen:bom_kent.ron",               0, 0, "-",                    "-",          &["valid scenario \"Kent and Medway merge in 2018\""]),
    case("gen:crlf_kent.ron",              0, 0, "-",                    "-",          &["valid scenario \"Kent and Medway merge in 2018\""]),
    case("gen:bom_crlf_missing_comma.ron", 1, 1, "line 15, column 7",    "-",          &["expected a comma"]),
    case("gen:crlf_merge_unknown_ccg.ron", 1, 1, "-",                    "change 1",   &["there is no CCG Z9Z"]),
];

/// The other problems some files must also report, each as (file, key words on one line).
#[rustfmt::skip]
const ALSO: &[(&str, &[&str])] = &[
    ("missing_changes.ron",   &["warning: [bookmark 3]", "selects KM18"]),
    ("other_fingerprint.ron", &["fingerprint bee95de0d2d47827, DIFFERS from the scenario's"]),
];

/// Other commands: (file, the arguments before it, exit code, key words on one line).
#[rustfmt::skip]
const COMMANDS: &[(&str, &[&str], i32, &[&str])] = &[
    // A snapshot where a scenario belongs, and a scenario where a snapshot belongs.
    ("snapshot_not_scenario.ron", &["at", "2018-04-01", "--scenario"], 1, &["this file is a snapshot, not a scenario", "--snapshot FILE"]),
    ("gen:kent.ron",              &["at", "2018-04-01", "--snapshot"], 2, &["is a scenario, not a snapshot", "pass it with --scenario"]),
    // Empty files are named as scenarios when they are given as one.
    ("empty.ron",                 &["at", "2018-04-01", "--scenario"], 1, &["the scenario file is empty", "a scenario starts with"]),
    ("comments_only.ron",         &["at", "2018-04-01", "--scenario"], 1, &["the scenario file is empty apart from comments"]),
    // The other commands report like `check`.
    ("missing_comma.ron",         &["at", "2018-04-01", "--scenario"], 1, &["error at line 15, column 7: expected a comma"]),
    ("merge_unknown_ccg.ron",     &["costs", "--scenario"],            1, &["[change 1]", "there is no CCG Z9Z"]),
    ("gen:non_utf8.ron",          &["lineage", "15N", "--scenario"],   2, &["ccg-explorer: error:", "is not UTF-8 text"]),
    ("other_fingerprint.ron",     &["at", "2018-04-01", "--scenario"], 0, &["ccg-explorer: warning:", "made for the snapshot"]),
];

/// Where the window says something else than `check`: (file, whether it refuses the
/// file, key words of one problem). `check` cannot tell an empty file from an empty
/// snapshot, nor is a snapshot a bad file for it; the window opens them as scenarios.
#[rustfmt::skip]
const APP: &[(&str, bool, &[&str])] = &[
    ("empty.ron",                 true, &["the scenario file is empty"]),
    ("whitespace_only.ron",       true, &["the scenario file is empty"]),
    ("comments_only.ron",         true, &["the scenario file is empty apart from comments"]),
    ("snapshot_not_scenario.ron", true, &["this file is a snapshot, not a scenario", "File > Open"]),
];

fn kent_path() -> PathBuf {
    root().join("assets/examples/kent-2018.ron")
}

fn kent() -> String {
    std::fs::read_to_string(kent_path()).unwrap()
}

/// `kent` with its line `no` (from 1) replaced by `with`.
fn kent_line(no: usize, with: &str) -> String {
    let mut lines: Vec<String> = kent().lines().map(str::to_string).collect();
    lines[no - 1] = with.to_string();
    lines.join("\n") + "\n"
}

fn bad(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/bad_scenarios").join(name)).unwrap()
}

/// Writes a `gen:` case into `dir` and returns its path.
fn generate(name: &str, dir: &Path) -> PathBuf {
    let path = dir.join(name);
    let bytes: Vec<u8> = match name {
        // `é` in Latin-1 (0xE9), as an editor set to Windows-1252 would save it.
        "non_utf8.ron" => [b"// caf\xe9\n".as_slice(), kent().as_bytes()].concat(),
        // A picture saved as .ron: a PNG signature and every byte value.
        "binary_junk.ron" => [
            b"\x89PNG\r\n\x1a\n".as_slice(),
            &(0..=255u8).collect::<Vec<_>>(),
        ]
        .concat()
        .repeat(64),
        "nul_bytes.ron" => kent_line(8, "  format: 1,\0\0").into_bytes(),
        "does_not_exist.ron" => return path,
        // 100,000 brackets deep where the snapshot reference belongs.
        "deep_nesting.ron" => kent_line(
            10,
            &format!(
                "  snapshot: {}{},",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        )
        .into_bytes(),
        // A line of a million characters, with an unknown field at its end.
        "long_line.ron" => kent_line(
            11,
            &format!(
                "  description: \"{}\", colour: \"red\",",
                "x".repeat(1_000_000)
            ),
        )
        .into_bytes(),
        "kent.ron" => kent().into_bytes(),
        "bom_kent.ron" => format!("\u{feff}{}", kent()).into_bytes(),
        "crlf_kent.ron" => crlf(&kent()).into_bytes(),
        "bom_crlf_missing_comma.ron" => {
            format!("\u{feff}{}", crlf(&bad("missing_comma.ron"))).into_bytes()
        }
        "crlf_merge_unknown_ccg.ron" => crlf(&bad("merge_unknown_ccg.ron")).into_bytes(),
        other => panic!("no generator for gen:{other}"),
    };
    std::fs::write(&path, bytes).unwrap();
    path
}

fn path_of(file: &str, dir: &Path) -> PathBuf {
    bad::path_of(file, &root().join("tests/bad_scenarios"), dir, generate)
}

/// Everything wrong with one case's `check` output (empty when it passes).
fn judge(case: &Case, path: &Path, code: Option<i32>, stdout: &str, stderr: &str) -> Vec<String> {
    let mut wrong = judge_exit(case, path, code, stdout, stderr);
    if case.exit == 0 {
        let head = format!("  {} warning{}", case.count, plural(case.count));
        if !stdout.lines().any(|l| l == head) {
            wrong.push(format!("no line `{head}`"));
        }
        let listed = stdout
            .lines()
            .filter(|l| l.starts_with("  warning"))
            .count();
        if listed != case.count {
            wrong.push(format!("{listed} warning lines, expected {}", case.count));
        }
    }
    let all = format!("{stdout}{stderr}");
    if !has_line(&all, "", case.at, case.org, case.words) {
        wrong.push(format!(
            "no line holds at `{}`, `[{}]` and {:?}",
            case.at, case.org, case.words
        ));
    }
    // Every problem says what to do.
    for l in all
        .lines()
        .filter(|l| l.starts_with("  error") || l.starts_with("  warning"))
    {
        if !l.trim_end().ends_with(')') {
            wrong.push(format!("no hint in brackets at the end of `{l}`"));
        }
    }
    wrong.extend(missing_also(ALSO, case.file, &all));
    wrong
}

/// Runs `f` on every item on a few threads; returns the results in order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn every_bad_scenario_gets_the_right_exit_code_message_place_and_code() {
    let tmp = tempfile::tempdir().unwrap();
    let failures: Vec<String> = in_parallel(CASES, |case| {
        let path = path_of(case.file, tmp.path());
        let (code, stdout, stderr) = run(&["check"], &path);
        let wrong = judge(case, &path, code, &stdout, &stderr);
        (!wrong.is_empty()).then(|| {
            format!(
                "{}:\n    {}\n  --- stdout:\n{}  --- stderr:\n{}",
                case.file,
                wrong.join("\n    "),
                clip(&stdout),
                clip(&stderr)
            )
        })
    })
    .into_iter()
    .flatten()
    .collect();
    assert_no_failures(&failures, CASES.len(), "");
}

/// At most 2,000 characters of `text`, for failure messages.
fn clip(text: &str) -> String {
    match text.char_indices().nth(2000) {
        Some((i, _)) => format!("{}…\n", &text[..i]),
        None => text.to_string(),
    }
}

#[test]
fn other_commands_name_the_scenario_and_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let failures: Vec<String> = in_parallel(COMMANDS, |(file, args, exit, words)| {
        let path = path_of(file, tmp.path());
        let (code, stdout, stderr) = run(args, &path);
        let all = format!("{stdout}{stderr}");
        let mut wrong = Vec::new();
        if code != Some(*exit) {
            wrong.push(format!("exit code {code:?}, expected {exit}"));
        }
        if stderr.contains("panicked") {
            wrong.push("it panicked".to_string());
        }
        if !all.lines().any(|l| words.iter().all(|w| l.contains(w))) {
            wrong.push(format!("no line holds {words:?}"));
        }
        (!wrong.is_empty()).then(|| {
            format!(
                "{args:?} {file}:\n    {}\n  --- output:\n{}",
                wrong.join("\n    "),
                clip(&all)
            )
        })
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_file_in_tests_bad_scenarios_is_in_the_table_and_every_row_has_its_file() {
    let on_disk = assert_table_matches_folder(CASES, "tests/bad_scenarios", 40);
    let all: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    for file in ALSO
        .iter()
        .map(|a| a.0)
        .chain(COMMANDS.iter().map(|c| c.0))
        .chain(APP.iter().map(|a| a.0))
    {
        assert!(all.contains(&file), "{file} is not in CASES");
    }
    // Each hand-made file but the empty ones says what is wrong with it.
    for f in &on_disk {
        let text = bad(f);
        if !text.trim().is_empty() {
            assert!(
                text.starts_with("// BAD: "),
                "{f} does not start `// BAD: `"
            );
        }
    }
}

/// Opens `path` as a scenario; returns once it is open or refused.
fn open(h: &mut Harness<'static, App>, path: &Path) -> bool {
    push_and_wait(h, cmd::Scenario::Open(path.to_path_buf()), |app| {
        app.report().is_some() || app.ui_state().recent.first().map(PathBuf::as_path) == Some(path)
    })
}

/// What the window must do with a case: refuse it or not, and the words of one problem
/// (with the place and the thing at fault, as `check` gives them).
fn in_the_window(case: &Case) -> (bool, &'static str, &'static str, &'static [&'static str]) {
    match APP.iter().find(|a| a.0 == case.file) {
        Some((_, refuses, words)) => (*refuses, "-", "-", words),
        None => (case.exit != 0, case.at, case.org, case.words),
    }
}

/// Everything wrong with how the window took one case (empty when it passes).
fn judge_window(
    h: &mut Harness<'static, App>,
    case: &Case,
    path: &Path,
    kent: &Scenario,
) -> Vec<String> {
    let mut wrong = Vec::new();
    if !open(h, path) {
        return vec!["the window neither opened nor refused it within 20 s".to_string()];
    }
    let (refuses, at, org, words) = in_the_window(case);
    let report = h.state().report().cloned();
    let lines: String = report
        .iter()
        .flat_map(|r| r.problems.iter().map(|p| format!("{p}\n")))
        .collect();
    if refuses {
        let Some(report) = &report else {
            return vec!["no problems panel".to_string()];
        };
        if !report.title.contains("Could not open the scenario")
            && !report.title.contains("does not apply to this snapshot")
        {
            wrong.push(format!("panel title `{}`", report.title));
        }
        if !report.title.contains("nothing was changed") && !report.title.contains("unchanged") {
            wrong.push(format!(
                "the title does not say nothing changed: `{}`",
                report.title
            ));
        }
        if h.state().scenario() != Some(kent) {
            wrong.push("the scenario open before is no longer open, or changed".to_string());
        }
        if h.state().unsaved() {
            wrong.push("the open scenario is marked unsaved".to_string());
        }
    } else {
        let expected = parse_scenario(&std::fs::read_to_string(path).unwrap_or_default());
        match (&expected, h.state().scenario()) {
            (Ok(want), Some(got)) if want == got => {}
            _ => wrong.push("the file did not open as its scenario".to_string()),
        }
        let warned = report.as_ref().is_some_and(|r| r.title.contains("warning"));
        if warned != (case.count > 0) {
            wrong.push(format!(
                "{} warning, expected {}",
                if warned { "a" } else { "no" },
                case.count
            ));
        }
    }
    if (refuses || case.count > 0) && !has_line(&lines, "", at, org, words) {
        wrong.push(format!(
            "no problem holds at `{at}`, `[{org}]` and {words:?}; the problems:\n{}",
            clip(&lines)
        ));
    }
    // The panel shows the title and every problem.
    if let Some(report) = &report {
        if h.query_by_label_contains(&report.title).is_none() {
            wrong.push("the panel does not show its title".to_string());
        }
        for p in &report.problems {
            if h.query_all_by_label_contains(&p.to_string())
                .next()
                .is_none()
            {
                wrong.push(format!("the panel does not show `{p}`"));
            }
        }
    }
    wrong
}

#[test]
fn every_bad_scenario_in_the_window_gets_a_message_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let kent_scenario = parse_scenario(&kent()).unwrap();
    let mut h = harness_autosave(dir.path());
    let start = Instant::now();
    let mut failures = Vec::new();
    for case in CASES {
        // Kent is open (and saved) before each case.
        if h.state().scenario() != Some(&kent_scenario) {
            assert!(open(&mut h, &kent_path()), "kent-2018.ron did not open");
            assert_eq!(h.state().scenario(), Some(&kent_scenario));
            assert!(h.state().report().is_none(), "kent-2018.ron opens cleanly");
        }
        let path = path_of(case.file, tmp.path());
        let wrong = judge_window(&mut h, case, &path, &kent_scenario);
        if !wrong.is_empty() {
            failures.push(format!("{}:\n    {}", case.file, wrong.join("\n    ")));
        }
    }
    assert_no_failures(&failures, CASES.len(), " in the window");
    eprintln!(
        "{} files through the window in {:?}",
        CASES.len(),
        start.elapsed()
    );
}

#[test]
fn a_broken_scenario_is_still_told_from_a_snapshot() {
    use ccg_explorer::model::scenario::looks_like_scenario as scenario;
    let tiny = std::fs::read_to_string(root().join("assets/examples/tiny.ron")).unwrap();
    assert!(scenario(&kent()));
    assert!(!scenario(&tiny));
    assert!(!scenario(""));
    // Parsed: by the fields it has.
    assert!(scenario("(format: 1, name: \"x\")"));
    assert!(scenario("(format: 1, name: \"x\", changes: [])"));
    assert!(!scenario("(format: 1, title: \"x\")"));
    // Not parsed: by the field names written at its top level.
    assert!(scenario("(format: 1, name: \"x\" changes: [])"));
    assert!(scenario("[Merge(date: \"2018-04-01\")"));
    assert!(!scenario("(format: 1, title: \"x\" ccgs: [])"));
    assert!(!scenario(&tiny.replace("title: ", "title ")));
    for file in [
        "missing_comma.ron",
        "missing_snapshot.ron",
        "not_a_struct.ron",
    ] {
        assert!(scenario(&bad(file)), "{file}");
    }
    assert!(!scenario(&bad("snapshot_not_scenario.ron")));
}
