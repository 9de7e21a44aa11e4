//! Valid but unusual snapshots, in `tests/unusual/`: a CCG that never ends, a record in
//! which nothing ends, lives from the first to the last legal day (1900 and 2200).
//! FORMAT.md allows all of them, so each must load and be usable: `check` accepts it,
//! `costs`, `at`, `compare` and `lineage` answer in bounded time (the cost model's year
//! loop once ran to the end of time on an open-ended CCG and never returned), and the
//! window opens it and draws every view.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ccg_explorer::app::{App, AppOptions, command as cmd};
use ccg_explorer::model::costs::CostModel;
use ccg_explorer::model::{Date, FOREVER, OrgKind, Timeline, load_str};
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn unusual_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/unusual"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "only {} unusual files", files.len());
    files
}

/// Runs `ccg-explorer ARGS`; fails the test if it takes over a minute (a loop over
/// dates that does not stop) rather than waiting for ever.
fn run(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`ccg-explorer {}` did not finish within 60 s",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (
        status.code().unwrap_or(-1),
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(
        code,
        0,
        "`ccg-explorer {}` failed:\n{out}{err}",
        args.join(" ")
    );
    assert!(!err.contains("panicked"), "{err}");
    out
}

#[test]
fn every_unusual_snapshot_is_valid_and_every_command_answers() {
    for path in unusual_files() {
        let file = path.to_str().unwrap();
        let checked = ok(&["check", file]);
        assert!(checked.contains(": valid: "), "{file}: {checked}");
        let tl = Timeline::new(
            load_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap()
                .snapshot,
        );
        let s = tl.snapshot();
        let (first, last) = s.span();
        let open_ended = s.orgs.iter().filter(|o| o.to == FOREVER).count();
        assert!(open_ended > 0, "{file} has no open-ended life");

        // Costs: one row per financial year of the record, none past its last day.
        let json = ok(&["costs", "--snapshot", file, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let years = v["years"].as_array().unwrap();
        assert!(!years.is_empty(), "{file}: no cost years");
        use chrono::Datelike;
        for y in years {
            let start = y["start_year"].as_i64().unwrap();
            assert!(
                (i64::from(first.year()) - 1..=i64::from(last.year())).contains(&start),
                "{file}: a cost year {start} outside the record ({first} to {last})"
            );
            assert!(y["allowance_gbp"].as_f64().unwrap().is_finite(), "{file}");
        }
        let text = ok(&["costs", "--snapshot", file]);
        assert!(text.contains("Running costs: England"), "{file}: {text}");
        let ccg = s
            .orgs
            .iter()
            .find(|o| o.kind == OrgKind::Ccg && o.to == FOREVER);
        if let Some(c) = ccg {
            let fp = ok(&["costs", "--snapshot", file, "--footprint", &c.code]);
            assert!(fp.contains(&c.code), "{file}: {fp}");
            let lineage = ok(&["lineage", &c.code, "--snapshot", file]);
            assert!(lineage.contains(&c.code), "{file}: {lineage}");
        }

        // At: the first day, the last, and far beyond it (open-ended lives go on).
        for day in [first.to_string(), last.to_string(), "2200-12-31".into()] {
            let at = ok(&["at", &day, "--snapshot", file, "--format", "json"]);
            let v: serde_json::Value = serde_json::from_str(&at).unwrap();
            let want = tl.counts_at(day.parse().unwrap()).ccg as u64;
            assert_eq!(v["counts"]["ccg"].as_u64(), Some(want), "{file} at {day}");
        }
        assert!(
            tl.counts_at("2200-12-31".parse().unwrap()).ccg > 0,
            "{file}: an open-ended CCG is alive in 2200"
        );
        let cmp = ok(&[
            "compare",
            &first.to_string(),
            "2200-12-31",
            "--snapshot",
            file,
        ]);
        assert!(cmp.contains("compared with 31 Dec 2200"), "{file}: {cmp}");

        // The model directly: the cost model and its series for every CCG's footprint.
        let model = CostModel::new(&tl);
        let end = FinancialYear::containing(last);
        assert!(
            model.years.iter().all(|y| *y <= end),
            "{file}: {:?}",
            model.years
        );
        for (i, o) in s.orgs.iter().enumerate() {
            if o.kind == OrgKind::Ccg {
                let fp = model.footprint(&tl, ccg_explorer::model::OrgId(i as u32), o.from);
                assert_eq!(model.series(&fp).len(), model.years.len());
            }
        }
    }
}

use ccg_explorer::model::FinancialYear;

fn harness_on(path: &Path) -> Harness<'static, App> {
    let options = AppOptions {
        fresh: true,
        file: Some(path.to_path_buf()),
        ..Default::default()
    };
    let mut h = harness_steps([1400.0, 900.0], 30, options);
    let opened = try_wait_for(&mut h, |app| app.file().map(PathBuf::as_path) == Some(path));
    assert!(
        opened,
        "{} did not open; report: {:?}",
        path.display(),
        h.state().report().map(|r| &r.title)
    );
    h
}

/// The header's count of CCGs on the date shown.
fn shows_ccg_count(h: &Harness<'static, App>) {
    let n = h.state().timeline().counts_at(h.state().date()).ccg;
    assert!(
        h.query_all_by_label_contains(&format!("{n} CCG"))
            .next()
            .is_some(),
        "no label with {n} CCG(s) on {}",
        h.state().date()
    );
}

#[test]
fn an_open_ended_snapshot_opens_in_the_window_and_every_view_draws() {
    for path in unusual_files() {
        let mut h = harness_on(&path);
        let title = h.state().timeline().snapshot().title.clone();
        assert!(
            h.state().report().is_none(),
            "{}: {:?}",
            path.display(),
            h.state().report().map(|r| r.problems.clone())
        );
        assert!(title.len() > 3);
        shows_ccg_count(&h);
        for tab in [
            "Merger flow",
            "Compare dates",
            "Counts and changes",
            "Running costs",
        ] {
            h.query_all_by_label(tab).next().unwrap().click();
            h.run();
            for c in [
                cmd::Time::Last,
                cmd::Time::First,
                cmd::Time::SetDate(Date::MAX),
            ] {
                h.state_mut().push(c);
                h.run();
                // Commands apply at the end of a frame: draw one more to show it.
                h.step();
                let last = h.state().timeline().snapshot().span().1;
                assert!(h.state().date() <= last, "the date stays in the record");
                shows_ccg_count(&h);
            }
        }
        // Running costs are drawn for the last year too: the chart names the footprint
        // (the ICB era's chart when the last day is in it).
        let era = ccg_explorer::view::CostEra::of_date(h.state().timeline(), h.state().date());
        h.get_by_label_contains(match era {
            ccg_explorer::view::CostEra::Ccg => "Running costs: England",
            ccg_explorer::view::CostEra::Icb => "ICB running costs: England",
        });
    }
}
