//! Runs `ccg-explorer check` on every hand-made bad snapshot in `tests/bad/` (and on a
//! few files made here: non-UTF-8 bytes, a byte-order mark, CRLF line ends) and checks
//! the exit code, the message, the line and column, and the organisation named; then
//! opens every one of them in the window, which must show the same message and keep
//! what was open.
//!
//! Each file in `tests/bad/` is `assets/examples/tiny.ron` with one defect (its first
//! lines say which), so `diff assets/examples/tiny.ron tests/bad/FILE` shows it; the
//! line numbers are those of tiny.ron.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use ccg_explorer::app::{App, command as cmd};
use common::bad::*;
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // file, exit code, error count, place ("-": none), organisation ("-": none), key words
    // Nothing to read.
    case("empty.ron",                              1, 1, "-",                  "-",          &["the file is empty"]),
    case("whitespace_only.ron",                    1, 1, "-",                  "-",          &["the file is empty"]),
    case("comment_only.ron",                       1, 1, "-",                  "-",          &["no snapshot", "empty apart from comments"]),
    // Header.
    case("missing_format.ron",                     1, 1, "line 5, column 1",   "-",          &["no `format` field"]),
    case("format_2.ron",                           1, 1, "line 6, column 3",   "-",          &["format version 2 is not supported"]),
    // Syntax.
    case("missing_comma.ron",                      1, 1, "line 29, column 50", "-",          &["expected a comma", "missing"]),
    case("truncated.ron",                          1, 1, "line 49, column 37", "-",          &["no closing `\"`", "truncated"]),
    case("missing_final_paren.ron",                1, 1, "line 95, column 5",  "-",          &["ends too early", "truncated"]),
    case("unclosed_bracket.ron",                   1, 1, "line 33, column 9",  "-",          &["expected a comma", "bracket", "not closed"]),
    case("unterminated_string.ron",                1, 1, "line 30, column 49", "-",          &["expected a comma", "quote", "not closed"]),
    case("trailing_text.ron",                      1, 1, "line 96, column 3",  "-",          &["more text after the snapshot's closing `)`"]),
    case("not_a_struct.ron",                       1, 1, "line 2, column 1",   "-",          &["expected `(` to open the snapshot"]),
    case("not_parenthesised.ron",                  1, 1, "line 5, column 3",   "-",          &["expected `(` to open the snapshot", "found `format`"]),
    case("no_implicit_some.ron",                   1, 1, "line 16, column 72", "-",          &["expected an optional value", "#![enable(implicit_some)]"]),
    // Types and fields.
    case("share_is_string.ron",                    1, 1, "line 65, column 44", "-",          &["the field `share`: expected a number"]),
    case("population_too_big.ron",                 1, 1, "line 17, column 26", "-",          &["number is too large"]),
    case("unknown_field.ron",                      1, 1, "line 35, column 41", "-",          &["unknown field `colour`", "organisation", "expected one of"]),
    case("duplicate_field.ron",                    1, 1, "line 30, column 43", "-",          &["field `name` is written twice", "organisation"]),
    case("missing_from.ron",                       1, 1, "line 13, column 42", "-",          &["required field `from` is missing", "organisation"]),
    case("unknown_event_kind.ron",                 1, 1, "line 80, column 42", "-",          &["unknown event kind `Merger`", "Merge"]),
    case("invalid_date.ron",                       1, 1, "line 29, column 75", "-",          &["the field `to`: not a valid date", "YYYY-MM-DD"]),
    case("date_wrong_layout.ron",                  1, 1, "line 31, column 51", "-",          &["the field `from`: not a valid date", "YYYY-MM-DD"]),
    case("bad_financial_year.ron",                 1, 1, "line 85, column 14", "-",          &["the field `year`: '2017/19' is not a financial year"]),
    // Codes and references.
    case("empty_code.ron",                         1, 4, "line 38, column 5",  "-",          &["neighbourhood (PCN) has an empty code"]),
    case("duplicate_ccg.ron",                      1, 1, "line 30, column 5",  "B01",        &["CCG code B01 is used twice", "first at line 29"]),
    case("duplicate_source_key.ron",               1, 1, "line 10, column 70", "EXAMPLE",    &["source key `EXAMPLE` is listed twice"]),
    case("duplicate_event_id.ron",                 1, 1, "line 78, column 5",  "E1",         &["event id E1 is used twice"]),
    case("unknown_ccg_in_ccg_systems.ron",         1, 1, "line 48, column 5",  "Z99",        &["`ccg_systems` refers to CCG `Z99`", "not in `ccgs`"]),
    case("unknown_place.ron",                      1, 1, "line 67, column 5",  "E99999999",  &["`ccg_places` refers to place `E99999999`", "not in `places`"]),
    case("unknown_ccg_in_event.ron",               1, 1, "line 78, column 5",  "B02",        &["`events` refers to CCG `B02`"]),
    case("unknown_ccg_in_money.ron",               1, 1, "line 90, column 7",  "X42",        &["`money.figures` refers to CCG `X42`"]),
    case("unknown_source.ron",                     1, 1, "line 27, column 5",  "A01",        &["unknown source key `NOPE`"]),
    // Lives and relations.
    case("ends_before_start.ron",                  1, 4, "line 35, column 5",  "E06000001",  &["ends (2012-03-31) before it starts (2013-04-01)"]),
    case("relation_ends_before_start.ron",         1, 1, "line 49, column 5",  "C01",        &["ccg_systems entry C01 -> S1 ends (2016-06-30) before it starts"]),
    case("relation_outside_life.ron",              1, 1, "line 47, column 5",  "A01",        &["ccg_systems entry A01 -> S1", "outside the life of CCG A01"]),
    case("shares_not_sum_to_one.ron",              1, 1, "line 34, column 5",  "E10000001",  &["sum to 0.9000, not 1"]),
    case("share_above_one.ron",                    1, 1, "line 67, column 5",  "C01",        &["share of C01 in E06000001 is 1.5", "outside 0 to 1"]),
    case("share_zero.ron",                         1, 2, "line 65, column 5",  "B01",        &["share of B01 in E10000001 is 0,", "outside 0 to 1"]),
    case("negative_population.ron",                1, 1, "line 27, column 5",  "A01",        &["negative population (-200000)"]),
    // Events.
    case("merge_source_wrong_end.ron",             1, 1, "line 80, column 5",  "C01",        &["in the merger on 2019-04-01", "not the day before (2019-03-31)"]),
    case("merge_target_wrong_start.ron",           1, 1, "line 80, column 5",  "C01",        &["created by the merger on 2019-04-01", "life starts 2013-04-01"]),
    case("merge_without_from.ron",                 1, 1, "line 80, column 5",  "A3X",        &["merger E4 into A3X lists no CCGs in `from`"]),
    case("succession_cycle.ron",                   1, 3, "line 82, column 5",  "A01",        &["goes round in a circle", "A01 -> A3X -> A01"]),
    case("event_year_out_of_range.ron",            1, 4, "line 80, column 5",  "E4",         &["event E4 has the date 0219-04-01", "outside the years 1900 to 2200"]),
    case("abolish_before_icb_exists.ron",          1, 4, "line 81, column 5",  "QAA",        &["ICB QAA does not exist on 2022-07-01", "abolished into it"]),
    // Money.
    case("negative_money.ron",                     1, 1, "line 90, column 7",  "A01",        &["rca figure for A01", "-4300000 GBP, which is negative"]),
    case("negative_allowance.ron",                 1, 1, "line 85, column 7",  "-",          &["allowance_per_head for 2017/18 is -21.76 GBP"]),
    case("target_year_not_after_baseline.ron",     1, 1, "line 88, column 5",  "-",          &["target year 2016/17 is not after the baseline year 2017/18"]),
    case("target_cut_percent.ron",                 1, 1, "line 88, column 5",  "-",          &["target cut is 20, outside 0 to 1"]),
    // Shared management and annotations.
    case("arrangement_id_twice.ron",               1, 1, "line 85, column 5",  "SM1",        &["arrangement id SM1 is used twice"]),
    case("arrangement_ends_before_start.ron",      1, 1, "line 84, column 5",  "SM1",        &["arrangement SM1 ends (2015-03-31) before it starts (2016-04-01)"]),
    case("arrangement_unknown_ccg.ron",            1, 1, "line 84, column 5",  "Z77",        &["`shared_management` SM1 refers to CCG `Z77`", "not in `ccgs`"]),
    case("arrangement_outside_life.ron",           1, 2, "line 84, column 5",  "B01",        &["arrangement SM1 runs 2016-04-01 to 2020-03-31", "outside the life of CCG B01"]),
    case("annotation_unknown_ccg.ron",             1, 1, "line 97, column 5",  "Z88",        &["an annotation refers to CCG `Z88`", "leave `footprint` out"]),
    // More events.
    case("own_predecessor.ron",                    1, 3, "line 82, column 5",  "A3X",        &["A3X -> A3X", "cannot be its own predecessor"]),
    case("event_outside_life.ron",                 1, 1, "line 82, column 5",  "C01",        &["rename of CCG C01 on 2024-04-01 falls outside its life"]),
    case("sub_icb_boundary_change_outside_life.ron", 1, 1, "line 81, column 5", "C01",        &["boundary change of sub-ICB location C01 on 2021-04-01 falls outside its life"]),
    case("to_kind_on_merge.ron",                   1, 1, "line 80, column 5",  "E4",         &["event E4 is a merger of a sub-ICB location", "leave out `to_kind`"]),
    // Names used before the body existed, and the figures notes give.
    case("named_from_outside_life.ron",            1, 1, "line 35, column 5",  "E06000001",  &["has `named_from` 2010-04-01, outside its life"]),
    case("annotation_point_unknown_series.ron",    1, 1, "line 84, column 5",  "ccg_count",  &["names the series `ccg_count`", "ccgs_sharing_leadership"]),
    // Dates no snapshot means, money, parameters and structure (issue 14).
    case("date_forever.ron",                       1, 1, "line 34, column 5",  "E10000001",  &["has the date +262142-12-31", "outside the years 1900 to 2200"]),
    case("allowance_infinite.ron",                 1, 1, "line 85, column 7",  "-",          &["allowance_per_head for 2017/18 is inf GBP", "which is infinite"]),
    case("figure_nan.ron",                         1, 1, "line 90, column 7",  "A01",        &["rca figure for A01", "NaN GBP, which is not a number"]),
    case("figure_1e308.ron",                       1, 1, "line 90, column 7",  "A01",        &["is 1e308 GBP", "more than 10 trillion pounds"]),
    case("parameter_nan.ron",                      1, 1, "line 93, column 7",  "-",          &["parameter `fixed_cost_per_body_gbp` is NaN", "write pounds a year"]),
    case("parameter_huge_negative.ron",            1, 1, "line 93, column 7",  "-",          &["parameter `fixed_cost_per_body_gbp` is -1e300", "outside 0 to"]),
    case("parameter_infinite.ron",                 1, 1, "line 93, column 7",  "-",          &["parameter `merger_realisation` is inf, outside 0 to 1", "a fraction"]),
    case("parameter_misspelt.ron",                 1, 1, "line 93, column 7",  "-",          &["unknown parameter `fixed_cost_per_body_gdp`", "did you mean `fixed_cost_per_body_gbp`?", "use one of"]),
    case("parameter_twice.ron",                    1, 1, "line 93, column 82", "-",          &["`fixed_cost_per_body_gbp` is given twice", "first at line 93, column 7"]),
    case("money_year_0001.ron",                    1, 1, "line 85, column 7",  "-",          &["financial year 0001/02", "outside the years 1900 to 2200"]),
    case("baseline_outside_data.ron",              1, 1, "line 88, column 5",  "-",          &["baseline year 2030/31 is outside the data", "2013/14 to 2022/23"]),
    case("ccg_in_two_systems.ron",                 1, 1, "line 49, column 70", "C01",        &["CCG C01 belongs to STP/ICS S1 and to STP/ICS S2 at once", "from 2018-04-01 to 2019-03-31"]),
    case("membership_twice.ron",                   1, 1, "line 48, column 70", "B01",        &["ccg_systems entry B01 -> S1 is written twice", "remove one"]),
    case("ccg_ends_in_two_mergers.ron",            1, 1, "line 80, column 130", "B01",       &["CCG B01 ends in more than one event", "E4 (merger on 2019-04-01), E6 (merger on 2019-04-01)"]),
    case("place_never_served.ron",                 0, 0, "line 35, column 62", "E06000002",  &["warning", "served by no commissioner on any day", "never appears in the tree"]),
    case("open_ended_share_half.ron",              1, 1, "line 35, column 5",  "E06000001",  &["sum to 0.5000, not 1, from 2022-07-01 to open-ended"]),
    case("arrangement_self.ron",                   1, 1, "line 82, column 26", "A01",        &["arrangement SM1 lists CCG A01 twice", "cannot share management with itself"]),
    case("zero_width_code.ron",                    1, 1, "line 47, column 5",  "A\\u{200b}01", &["refers to CCG `A\\u{200b}01`", "U+200B", "invisible character"]),
    case("cyrillic_code.ron",                      1, 1, "line 49, column 5",  "\\u{421}01", &["refers to CCG `\\u{421}01`", "U+0421", "look-alike"]),
    case("date_with_time.ron",                     1, 1, "line 13, column 50", "-",          &["the field `from`: not a valid date", "more after the day (a time?)", "with no time"]),
    case("population_1e308.ron",                   1, 1, "line 28, column 26", "-",          &["the field `count`: expected a whole number", "like 1e308"]),
    case("format_is_string.ron",                   1, 1, "line 6, column 11",  "-",          &["the field `format`: expected a whole number"]),
    case("json_snapshot.ron",                      1, 1, "line 1, column 1",   "-",          &["this file is JSON, not RON", "convert it to RON"]),
    case("gen:title_escapes.ron",                  0, 0, "-",                  "-",          &["valid: \"\\u{1b}[31mTiny\\u{1b}[0m example\\u{200b}\""]),
    case("gen:dev_zero",                           2, 0, "-",                  "-",          &["/dev/zero is larger than 256 MB", "the largest file this build opens"]),
    // Several at once: all are reported, in file order.
    case("many_problems.ron",                      1, 7, "line 31, column 5",  "C01",        &["CCG code C01 is used twice"]),
    // Made by `generate`: bytes that are awkward to keep in git, and positive controls.
    case("gen:non_utf8.ron",                       2, 0, "-",                  "-",          &["is not UTF-8 text", "invalid byte at offset 6"]),
    case("gen:does_not_exist.ron",                 2, 0, "-",                  "-",          &["cannot read"]),
    case("gen:tiny.ron",                           0, 0, "-",                  "-",          &["valid: \"Tiny example\""]),
    case("gen:bom_tiny.ron",                       0, 0, "-",                  "-",          &["valid: \"Tiny example\""]),
    case("gen:crlf_tiny.ron",                      0, 0, "-",                  "-",          &["valid: \"Tiny example\""]),
    case("gen:deep_nesting.ron",                   1, 1, "line 9, column 75",  "-",          &["brackets are nested too deeply"]),
    case("gen:very_long_line.ron",                 1, 1, "line 8, column 2000019", "-",      &["expected a comma"]),
    case("gen:png_bytes.ron",                      2, 0, "-",                  "-",          &["is not UTF-8 text", "invalid byte at offset 0"]),
    case("gen:control_bytes.ron",                  1, 1, "line 1, column 1",   "-",          &["expected `(` to open the snapshot"]),
    case("gen:bom_crlf_missing_comma.ron",         1, 1, "line 29, column 50", "-",          &["expected a comma"]),
];

/// The other problems some files must also report, each as (file, key words on one line).
#[rustfmt::skip]
const ALSO: &[(&str, &[&str])] = &[
    ("succession_cycle.ron",          &["at line 82, column 5: [A3X]", "not the day before (2019-03-31)"]),
    ("succession_cycle.ron",          &["at line 82, column 5: [A01]", "life starts 2013-04-01"]),
    ("share_zero.ron",                &["at line 34, column 5: [E10000001]", "sum to 0.6000, not 1"]),
    ("many_problems.ron",             &["at line 16, column 5: [S1]", "negative population (-600000)"]),
    ("many_problems.ron",             &["at line 65, column 5: [B01]", "unknown source key `ONS`"]),
    ("many_problems.ron",             &["at line 50, column 5: [A3X]", "refers to CCG `A3X`"]),
    ("abolish_before_icb_exists.ron", &["at line 44, column 5: [QAA]", "icb_regions entry QAA -> R1", "outside the life of ICB QAA"]),
    ("empty_code.ron",                &["at line 57, column 5: [U00001]", "refers to neighbourhood (PCN) `U00001`"]),
];

/// Where the window words a problem differently from `check`: (file, key words).
#[rustfmt::skip]
const WINDOW: &[(&str, &[&str])] = &[
    ("gen:does_not_exist.ron", &["cannot open", "No such file", "check that the file exists"]),
    ("gen:dev_zero",           &["/dev/zero is larger than 256 MB"]),
];

fn tiny() -> String {
    std::fs::read_to_string(root().join("assets/examples/tiny.ron")).unwrap()
}

/// Writes a `gen:` case into `dir` and returns its path.
fn generate(name: &str, dir: &Path) -> PathBuf {
    let path = dir.join(name);
    let bytes: Vec<u8> = match name {
        // `é` in Latin-1 (0xE9), as an editor set to Windows-1252 would save it.
        "non_utf8.ron" => [b"// caf\xe9\n".as_slice(), tiny().as_bytes()].concat(),
        "does_not_exist.ron" => return path,
        "tiny.ron" => tiny().into_bytes(),
        "bom_tiny.ron" => format!("\u{feff}{}", tiny()).into_bytes(),
        "crlf_tiny.ron" => crlf(&tiny()).into_bytes(),
        "bom_crlf_missing_comma.ron" => {
            let text = std::fs::read_to_string(root().join("tests/bad/missing_comma.ron")).unwrap();
            format!("\u{feff}{}", crlf(&text)).into_bytes()
        }
        // 5,000 brackets deep, where `sources` should be.
        "deep_nesting.ron" => tiny()
            .replacen(
                "  sources: [",
                &format!(
                    "  sources: {}{}, other: [",
                    "[".repeat(5000),
                    "]".repeat(5000)
                ),
                1,
            )
            .into_bytes(),
        // A description two million characters long, then a missing comma.
        "very_long_line.ron" => tiny()
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("description:") {
                    format!(
                        "  description: \"{}\" title2: \"oops\",",
                        "x".repeat(2_000_000)
                    )
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        // The wrong file altogether: a picture, and binary junk that happens to be UTF-8.
        "png_bytes.ron" => [
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(),
            &(0..=255u8).cycle().take(1024).collect::<Vec<u8>>(),
        ]
        .concat(),
        "control_bytes.ron" => b"\0\x01\x02\x03 ELF junk \0\0".repeat(50),
        // A title with a terminal colour sequence and a zero-width space: `check` must
        // print them escaped, not let the terminal act on them.
        "title_escapes.ron" => tiny()
            .replacen(
                "title: \"Tiny example\"",
                "title: \"\u{1b}[31mTiny\u{1b}[0m example\u{200b}\"",
                1,
            )
            .into_bytes(),
        // Endless zeros: refused at the size limit rather than read for ever.
        "dev_zero" => return PathBuf::from("/dev/zero"),
        other => panic!("no generator for gen:{other}"),
    };
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Everything wrong with one case's output (empty when it passes).
fn judge(case: &Case, path: &Path, code: Option<i32>, stdout: &str, stderr: &str) -> Vec<String> {
    let mut wrong = judge_exit(case, path, code, stdout, stderr);
    let all = format!("{stdout}{stderr}");
    // One line must hold the place, the organisation and every key word.
    let sev = if case.exit == 0 { "warning" } else { "error" };
    if !has_line(&all, sev, case.at, case.org, case.words) {
        let at = (case.at != "-").then(|| format!("{sev} at {}: ", case.at));
        let org = (case.org != "-").then(|| format!("[{}] ", case.org));
        wrong.push(format!(
            "no line holds {}{}{:?}",
            at.map(|a| format!("`{a}` + ")).unwrap_or_default(),
            org.map(|o| format!("`{o}` + ")).unwrap_or_default(),
            case.words
        ));
    }
    wrong.extend(missing_also(ALSO, case.file, &all));
    wrong
}

#[test]
fn every_bad_file_gets_the_right_exit_code_message_place_and_code() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let path = path_of(case.file, Path::new("tests/bad"), tmp.path(), generate);
        let (code, stdout, stderr) = run(&["check"], &path);
        let wrong = judge(case, &path, code, &stdout, &stderr);
        if !wrong.is_empty() {
            failures.push(format!(
                "{}:\n    {}\n  --- stdout:\n{stdout}  --- stderr:\n{stderr}",
                case.file,
                wrong.join("\n    ")
            ));
        }
    }
    assert_no_failures(&failures, CASES.len(), "");
}

#[test]
fn every_file_in_tests_bad_is_in_the_table_and_every_row_has_its_file() {
    assert_table_matches_folder(CASES, "tests/bad", 26);
    let listed: Vec<&str> = CASES
        .iter()
        .map(|c| c.file)
        .filter(|f| !f.starts_with("gen:"))
        .collect();
    for (file, _) in ALSO {
        assert!(
            listed.contains(file),
            "ALSO names {file}, which is not in CASES"
        );
    }
}

/// Opens `path` in the window as a user would (File > Open); returns once it has opened
/// or been refused, `false` after 20 seconds.
fn open_in_window(h: &mut Harness<'static, App>, path: &Path) -> bool {
    push_and_wait(h, cmd::File::Open(path.to_path_buf()), |app| {
        !app.busy() && (app.report().is_some() || app.file().map(PathBuf::as_path) == Some(path))
    })
}

#[test]
fn every_bad_file_in_the_window_gets_the_same_message_and_keeps_what_was_open() {
    let tmp = tempfile::tempdir().unwrap();
    let autosave = tempfile::tempdir().unwrap();
    let mut h = harness_autosave(autosave.path());
    let mut failures = Vec::new();
    for case in CASES {
        let path = path_of(case.file, &root().join("tests/bad"), tmp.path(), generate);
        // What was open before: it must still be open after a refusal.
        let before = h.state().timeline().snapshot().title.clone();
        let orgs = h.state().timeline().snapshot().orgs.len();
        let file = h.state().file().cloned();
        let mut wrong = Vec::new();
        if !open_in_window(&mut h, &path) {
            failures.push(format!("{}: neither opened nor refused in 20 s", case.file));
            continue;
        }
        let app = h.state();
        if case.exit == 0 {
            if app.file().map(PathBuf::as_path) != Some(path.as_path()) {
                wrong.push("a good file did not open".to_string());
            }
        } else {
            match app.report() {
                None => wrong.push("no problems panel".to_string()),
                Some(r) => {
                    let text: Vec<String> = std::iter::once(r.title.clone())
                        .chain(r.problems.iter().map(|p| p.to_string()))
                        .collect();
                    let at = (case.at != "-").then(|| format!("error at {}: ", case.at));
                    let org = (case.org != "-").then(|| format!("[{}] ", case.org));
                    let words = WINDOW
                        .iter()
                        .find(|w| w.0 == case.file)
                        .map_or(case.words, |w| w.1);
                    let found = text.iter().any(|l| {
                        at.as_ref().is_none_or(|a| l.contains(a.as_str()))
                            && org.as_ref().is_none_or(|o| l.contains(o.as_str()))
                            && words.iter().all(|w| l.contains(w))
                    });
                    if !found {
                        wrong.push(format!("no line of the panel holds {words:?}: {text:#?}"));
                    }
                    if case.exit == 1 {
                        let errors = r
                            .problems
                            .iter()
                            .filter(|p| p.severity == ccg_explorer::model::Severity::Error)
                            .count();
                        if errors != case.count {
                            wrong.push(format!("{errors} errors, expected {}", case.count));
                        }
                        if !r.title.contains("stays open") {
                            wrong.push(format!("the title does not say what stays: {}", r.title));
                        }
                    }
                }
            }
            let s = app.timeline().snapshot();
            if s.title != before || s.orgs.len() != orgs || app.file() != file.as_ref() {
                wrong.push("what was open before did not stay open".to_string());
            }
        }
        // The window still draws, with its tree.
        h.run();
        if h.query_by_label("Organisations").is_none() {
            wrong.push("the tree is gone".to_string());
        }
        if !wrong.is_empty() {
            failures.push(format!("{}:\n    {}", case.file, wrong.join("\n    ")));
        }
    }
    assert_no_failures(&failures, CASES.len(), " in the window");
}

/// Text from a file reaches the terminal escaped in every output format: a title's
/// colour sequence and zero-width space are shown, not obeyed; JSON keeps the data.
#[test]
fn printed_text_is_escaped_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let path = generate("title_escapes.ron", tmp.path());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
            .args(args)
            .arg("--snapshot")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let raw = ['\u{1b}', '\u{200b}'];
    let text = run(&["at", "2019-04-01"]);
    let json = run(&["at", "2019-04-01", "--format", "json"]);
    let costs = run(&["costs"]);
    for out in [&text, &json, &costs] {
        assert!(
            !out.contains(raw),
            "a raw escape or zero-width space was printed:\n{out}"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["snapshot"].as_str(),
        Some("\u{1b}[31mTiny\u{1b}[0m example\u{200b}"),
        "JSON keeps the title itself"
    );
    assert!(json.contains("\\u001b[31mTiny") && json.contains("example\\u200b"));
}
