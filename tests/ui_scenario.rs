//! UI tests for scenarios and presenter mode: egui_kittest drives the real App.

mod common;

use std::path::{Path, PathBuf};

use ccg_explorer::app::{App, AppOptions, command as cmd};
use ccg_explorer::model::scenario::Scenario;
use common::*;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const KENT: [&str; 8] = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"];

fn harness(autosave: &Path) -> Harness<'static, App> {
    harness_autosave(autosave)
}

/// A fresh window autosaving into a folder of its own.
fn window() -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let h = harness(dir.path());
    (dir, h)
}

fn search_and_pick(h: &mut Harness<'static, App>, code: &str, label: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Search").type_text(code);
    h.run();
    // The result may also be a lineage link in the details; either selects it.
    let mut hits: Vec<_> = h.query_all_by_label(label).collect();
    assert!(!hits.is_empty(), "no {label}");
    // The search results drop down just under the search box, above everything else.
    hits.sort_by(|a, b| a.rect().top().total_cmp(&b.rect().top()));
    hits[0].click();
    h.run();
    assert_eq!(
        h.state()
            .timeline()
            .snapshot()
            .org(h.state().selection().unwrap())
            .code,
        code
    );
}

/// Builds the Kent scenario through the window: search each CCG, "Add to merger",
/// then Merge… and Merge.
fn build_kent(h: &mut Harness<'static, App>) {
    go_to(h, "2018-04-01");
    h.get_by_label("195 CCGs");
    let labels = [
        "NHS Ashford CCG (09C)",
        "NHS Canterbury and Coastal CCG (09E)",
        "NHS Dartford, Gravesham and Swanley CCG (09J)",
        "NHS Medway CCG (09W)",
        "NHS South Kent Coast CCG (10A)",
        "NHS Swale CCG (10D)",
        "NHS Thanet CCG (10E)",
        "NHS West Kent CCG (99J)",
    ];
    for (code, label) in KENT.iter().zip(labels) {
        search_and_pick(h, code, label);
        click(h, "Add to merger");
    }
    assert_eq!(h.state().merge_pick().len(), 8);
    h.get_by_label("CCGs to merge (8)");
    click(h, "Merge…");
    h.get_by_label("Merge CCGs");
    click(h, "Merge");
}

/// Builds the Kent scenario in a window autosaving into `dir`, lets the autosave land,
/// then "crashes": the window is dropped without saving. Returns what was built.
fn crash_after_building_kent(dir: &Path) -> Scenario {
    let mut h = harness(dir);
    build_kent(&mut h);
    assert!(h.state().unsaved());
    wait_for(&mut h, |_| dir.join("scenario-autosave.ron").exists());
    h.state().scenario().unwrap().clone()
}

#[test]
fn a_kent_merger_built_in_the_window_lowers_the_count_and_undo_restores_it() {
    let (_dir, mut h) = window();
    build_kent(&mut h);
    assert!(h.state().showing_scenario());
    let sc = h.state().scenario().unwrap().clone();
    assert_eq!(sc.changes.len(), 1);
    // 8 merged into 1: the count is lower by 7.
    h.get_by_label("188 CCGs");
    // Marked as scenario in the banner and the scenario panel.
    assert_eq!(
        h.query_all_by_label_contains("Scenario: Untitled scenario")
            .count(),
        2
    );
    // The tree shows one Kent CCG: Kent and Medway's row says so.
    h.get_by_label_contains("2 places · 1 CCG · pop. 1,932,550");
    let tl = h.state().timeline();
    let codes: std::collections::BTreeSet<String> =
        commissioners_in(tl, "E54000032", d("2018-04-01"))
            .into_iter()
            .collect();
    assert_eq!(codes.len(), 1);

    // Undo restores the actual count; redo brings the merger back.
    click(&mut h, "Organisations");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().scenario().unwrap().changes.is_empty());
    h.get_by_label("195 CCGs");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.get_by_label("188 CCGs");

    // In the tree grouped by CCG, the new CCG is marked as the scenario's.
    click(&mut h, "by CCG");
    search_and_pick(&mut h, "SC01", "NHS Kent and Medway CCG (SC01)");
    h.get_by_label("NHS Kent and Medway CCG (SC01) (scenario)");

    // The scenario can be renamed in its panel.
    retype(&mut h, "Name:", "Kent 2018");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().scenario().unwrap().name, "Kent 2018");

    // The actual record is a toggle away.
    click(&mut h, "Show the actual record");
    h.get_by_label("195 CCGs");
    assert!(!h.state().showing_scenario());
}

#[test]
fn a_saved_scenario_reopens_identical_and_the_cost_chart_shows_both_lines() {
    let (dir, mut h) = window();
    build_kent(&mut h);
    let built = h.state().scenario().unwrap().clone();
    // The native save dialog cannot be driven here; save to a chosen path directly.
    let path = dir.path().join("kent.ron");
    push_wait(&mut h, cmd::Scenario::SaveTo(path.clone()), |app| {
        !app.unsaved()
    });
    assert!(h.query_by_label_contains("(unsaved)").is_none());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        ccg_explorer::model::scenario::parse_scenario(&text).unwrap(),
        built
    );

    // Chart (a) for the merged CCG shows the scenario line and the actual record's.
    let code = match &built.changes[0] {
        ccg_explorer::model::scenario::Change::Merge { code, .. } => code.clone(),
        other => panic!("{other:?}"),
    };
    go_to(&mut h, "2020-10-01");
    search_and_pick(&mut h, &code, &format!("NHS Kent and Medway CCG ({code})"));
    // Its costs are its footprint's: the eight CCGs it was formed from, and 91Q after.
    h.get_by_label(&format!(
        "Running costs of the footprint of NHS Kent and Medway CCG ({code}): the 8 CCGs that \
         became NHS Kent and Medway CCG (91Q)"
    ));
    let charts = h.state_mut().charts().clone();
    let actual = charts.actual.expect("the actual record's line");
    assert_eq!(actual.len(), charts.costs.rows.len());
    let y = |rows: &[ccg_explorer::model::costs::YearCost]| {
        rows.iter()
            .find(|r| r.start_year == 2018)
            .unwrap()
            .modelled_cost_gbp
    };
    assert!(
        y(&charts.costs.rows) < y(&actual),
        "the earlier merger saves more in 2018/19"
    );

    // A fresh window: drop the file on it, and the same scenario opens.
    let (_dir2, mut h2) = window();
    drop_and_wait(&mut h2, path.clone(), |app| app.scenario().is_some());
    assert_eq!(h2.state().scenario().unwrap(), &built);
    assert!(!h2.state().unsaved());
}

#[test]
fn unsaved_edits_are_offered_back_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    crash_after_building_kent(dir.path());
    let mut h = harness(dir.path());
    h.get_by_label("Recover unsaved scenario");
    click(&mut h, "Recover");
    let sc = h.state().scenario().unwrap();
    assert_eq!(sc.changes.len(), 1);
    assert!(h.state().unsaved(), "recovered work is still unsaved");
    h.get_by_label_contains("(unsaved)");

    // Discarding removes the autosave: the next start offers nothing.
    let dir = tempfile::tempdir().unwrap();
    crash_after_building_kent(dir.path());
    let mut h = harness(dir.path());
    click(&mut h, "Discard");
    assert!(h.state().scenario().is_none());
    let h = harness(dir.path());
    assert_not_shown(&h, "Recover unsaved scenario");
}

#[test]
fn presenter_mode_steps_through_bookmarks_with_clicker_keys() {
    let (_dir, mut h) = window();
    drop_and_wait(&mut h, kent(), |app| app.scenario().is_some());
    h.key_press(Key::F5);
    h.run();
    assert!(h.state().presenting());
    h.get_by_label("Leave presenter mode (Esc)");
    assert!(h.query_by_label("Organisations").is_none(), "chrome hidden");
    h.key_press(Key::PageDown);
    h.run();
    assert_eq!(h.state().date(), d("2018-03-31"));
    assert!(!h.state().showing_scenario());
    h.get_by_label_contains("Before: eight CCGs in Kent and Medway");
    h.key_press(Key::PageDown);
    h.run();
    assert_eq!(h.state().date(), d("2018-04-01"));
    assert!(h.state().showing_scenario());
    h.get_by_label("188 CCGs");
    h.get_by_label_contains("The scenario: one CCG from April 2018");
    h.key_press(Key::PageUp);
    h.run();
    assert_eq!(h.state().date(), d("2018-03-31"));
    // Autoplay steps to the next event every 2 seconds.
    let before = h.state().date();
    h.get_by_label("2 s").click();
    h.run_steps(150);
    assert!(h.state().date() > before, "autoplay moved on from {before}");
    let on_event_day = h
        .state()
        .timeline()
        .event_days()
        .binary_search(&h.state().date())
        .is_ok();
    assert!(on_event_day, "autoplay stops on event days");
    h.get_by_label("2 s").click();
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().presenting());
    h.get_by_label("Organisations");
}

#[test]
fn a_bad_scenario_file_gets_clear_messages_and_changes_nothing() {
    let (dir, mut h) = window();
    drop_and_wait(&mut h, kent(), |app| app.scenario().is_some());
    let before = h.state().scenario().unwrap().clone();

    // A syntax error: line and column.
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(\n  format: 1,\n  name: \"x\"\n  snapshot: (title: \"t\", fingerprint: \"f\"),\n)\n",
    )
    .unwrap();
    push_wait(&mut h, cmd::Scenario::Open(bad), |app| {
        app.report().is_some()
    });
    h.get_by_label_contains("Could not open the scenario");
    h.get_by_label_contains("line 4, column 3");
    assert_eq!(h.state().scenario().unwrap(), &before);
    click(&mut h, "Dismiss");

    // A change that does not fit the record: the CCG and the reason are named.
    let wrong = dir.path().join("wrong.ron");
    let text = before.to_ron().unwrap().replace("\"09C\"", "\"ZZZ\"");
    std::fs::write(&wrong, text).unwrap();
    push_wait(&mut h, cmd::Scenario::Open(wrong), |app| {
        app.report().is_some()
    });
    h.get_by_label_contains("does not apply to this snapshot");
    h.get_by_label_contains("there is no CCG ZZZ");
    assert_eq!(h.state().scenario().unwrap(), &before);
}

#[test]
fn moving_devons_merger_in_the_window_then_editing_and_cancelling() {
    let (_dir, mut h) = window();
    search_and_pick(&mut h, "15N", "NHS Devon CCG (15N)");
    // The details panel is long (lineage, shared management): scroll to the button.
    h.get_by_label("Move the merger into NHS Devon CCG (15N)…")
        .scroll_to_me();
    h.run();
    click(&mut h, "Move the merger into NHS Devon CCG (15N)…");
    h.get_by_label("Move a merger");
    retype(&mut h, "Merger date", "2018-04-01");
    click(&mut h, "Move");
    assert!(h.state().showing_scenario());
    assert_eq!(h.state().timeline().counts_at(d("2018-04-01")).ccg, 194);

    // Edit the change: a year later than it really was.
    click(&mut h, "Edit change 1");
    h.get_by_label("Edit the change");
    retype(&mut h, "Merger date", "2020-04-01");
    click(&mut h, "Apply");
    let sc = h.state().scenario().unwrap();
    assert_eq!(sc.changes.len(), 1, "edited in place");
    assert_eq!(h.state().timeline().counts_at(d("2019-04-01")).ccg, 192);

    // A bad edit is refused with the reason, and nothing changes.
    click(&mut h, "Edit change 1");
    retype(&mut h, "Merger date", "2013-01-01");
    click(&mut h, "Apply");
    h.get_by_label_contains("only exists from 2013-04-01");
    click(&mut h, "Cancel");
    assert_eq!(h.state().timeline().counts_at(d("2019-04-01")).ccg, 192);
}

#[test]
fn picked_ccgs_can_share_an_accountable_officer() {
    let (_dir, mut h) = window();
    search_and_pick(&mut h, "01F", "NHS Halton CCG (01F)");
    click(&mut h, "Add to merger");
    search_and_pick(&mut h, "02E", "NHS Warrington CCG (02E)");
    click(&mut h, "Add to merger");
    click(&mut h, "Share an AO…");
    click(&mut h, "Share");
    let sc = h.state().scenario().unwrap();
    assert!(matches!(
        &sc.changes[0],
        ccg_explorer::model::scenario::Change::SharedManagement { ccgs, .. } if ccgs.len() == 2
    ));
}

#[test]
fn exports_write_stamped_pictures_and_csv() {
    use ccg_explorer::app::export::ExportKind;
    let (dir, mut h) = window();
    let tree = dir.path().join("tree.csv");
    let costs = dir.path().join("costs.csv");
    export(
        &mut h,
        &[(ExportKind::TreeCsv, &tree), (ExportKind::CostsCsv, &costs)],
    );
    let text = std::fs::read_to_string(&tree).unwrap();
    assert!(text.starts_with("date,system_code,system_name,place_code"));
    assert!(
        text.contains("2019-04-01,E54000037,Devon,E06000027,Torbay,CCG,15N,NHS Devon CCG,1.0000")
    );
    let text = std::fs::read_to_string(&costs).unwrap();
    assert!(text.contains("England,2017/18,207,"));
    assert!(
        h.state_mut()
            .stamp()
            .starts_with("1 Apr 2019 · England · actual record")
    );

    let (part, full) = export_beside_window(&mut h, dir.path(), ExportKind::Chart(0), "chart.png");
    assert!(
        full.width() >= 1400 && full.height() >= 900,
        "{}x{}",
        full.width(),
        full.height()
    );
    assert!(
        part.width() < full.width() && part.height() < full.height(),
        "the chart is cropped"
    );
    // The stamp is on the picture: against the same frame drawn without it, the
    // pixels that differ are those of the stamp, in the bottom-right corner.
    let plain = h.render().expect("a render of the frame");
    assert_eq!(
        (plain.width(), plain.height()),
        (full.width(), full.height())
    );
    let (mut min, mut max) = ((u32::MAX, u32::MAX), (0, 0));
    for (x, y, p) in full.enumerate_pixels() {
        let q = plain.get_pixel(x, y);
        let diff: i32 = (0..3)
            .map(|c| (i32::from(p[c]) - i32::from(q[c])).abs())
            .sum();
        if diff > 60 {
            min = (min.0.min(x), min.1.min(y));
            max = (max.0.max(x), max.1.max(y));
        }
    }
    assert!(max.0 > 0, "no stamp on the picture");
    let (w, h_px) = (full.width(), full.height());
    assert!(
        min.0 > w / 2 && min.1 > h_px * 9 / 10 && max.0 < w && max.1 < h_px,
        "the stamp is in the bottom-right corner: {min:?} to {max:?} of {w}x{h_px}"
    );
    // About as wide as its words ("1 Apr 2019 · England · actual record").
    assert!(max.0 - min.0 > 200, "{min:?} to {max:?}");
}

#[test]
fn a_scenario_made_for_another_snapshot_opens_with_a_visible_warning() {
    let (dir, mut h) = window();
    let text = std::fs::read_to_string(kent()).unwrap();
    let other = dir.path().join("other.ron");
    let fp = text
        .split("fingerprint: \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    std::fs::write(&other, text.replace(&fp, "0000000000000000")).unwrap();
    push_wait(&mut h, cmd::Scenario::Open(other), |app| {
        app.scenario().is_some()
    });
    h.get_by_label_contains("opened with 1 warning");
    assert!(
        h.query_all_by_label_contains("was made for the snapshot")
            .count()
            >= 1
    );
}

#[test]
fn a_bookmark_remembers_which_chart_is_large() {
    use ccg_explorer::model::format::ChartKind;
    let (_dir, mut h) = window();
    go_to(&mut h, "2020-10-01");
    click(&mut h, "savings by system");
    assert_eq!(h.state().focus_chart(), ChartKind::Savings);
    h.state_mut().push(cmd::Scenario::AddBookmark);
    h.run();
    let b = &h.state().scenario().unwrap().bookmarks[0];
    assert_eq!((b.date, b.chart), (d("2020-10-01"), ChartKind::Savings));
    click(&mut h, "running costs");
    go_to(&mut h, "2016-01-01");
    h.get_by_label_contains("1. 1 Oct 2020").click();
    h.run();
    assert_eq!(h.state().date(), d("2020-10-01"));
    assert_eq!(h.state().focus_chart(), ChartKind::Savings);
}

#[test]
fn the_autosave_is_kept_until_answered_and_a_crash_after_recover_still_offers_it() {
    let dir = tempfile::tempdir().unwrap();
    let autosave = dir.path().join("scenario-autosave.ron");
    let built = crash_after_building_kent(dir.path());
    let kent = kent();
    {
        let mut h = harness(dir.path());
        h.get_by_label("Recover unsaved scenario");
        // Opening a scenario while the question is open keeps the autosave.
        push_wait(&mut h, cmd::Scenario::Open(kent.clone()), |app| {
            app.scenario().is_some()
        });
        assert_eq!(
            h.state().scenario().unwrap().name,
            "Kent and Medway merge in 2018"
        );
        let kept = std::fs::read_to_string(&autosave).expect("the autosave is kept");
        assert!(kept.contains("Untitled scenario"), "{kept}");
        // Mark the file: "Recover" must write it again (the mark goes).
        std::fs::write(&autosave, format!("// not yet rewritten\n{kept}")).unwrap();
        click(&mut h, "Recover");
        assert_eq!(h.state().scenario(), Some(&built));
        assert!(h.state().unsaved());
        wait_for(&mut h, |_| {
            std::fs::read_to_string(&autosave).is_ok_and(|t| !t.contains("not yet rewritten"))
        });
        // Crash again, straight after recovering.
    }
    let mut h = harness(dir.path());
    h.get_by_label("Recover unsaved scenario");
    click(&mut h, "Recover");
    assert_eq!(
        h.state().scenario(),
        Some(&built),
        "the work is still offered"
    );
}

#[test]
fn work_done_while_the_recovery_question_waits_is_autosaved_apart_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let autosave = dir.path().join("scenario-autosave.ron");
    let waiting = dir.path().join("scenario-autosave-2.ron");
    crash_after_building_kent(dir.path());
    let first = std::fs::read_to_string(&autosave).unwrap();
    {
        // The question waits; the user builds another scenario meanwhile, then crashes.
        let mut h = harness(dir.path());
        h.get_by_label("Recover unsaved scenario");
        h.state_mut().push(cmd::Scenario::New);
        h.run();
        h.state_mut().push(cmd::Scenario::AddBookmark);
        h.run();
        assert!(h.state().unsaved());
        wait_for(&mut h, |_| waiting.exists());
        assert_eq!(
            std::fs::read_to_string(&autosave).unwrap(),
            first,
            "untouched"
        );
    }
    // Both are kept: the first is offered now, the other after it is answered.
    let mut h = harness(dir.path());
    click(&mut h, "Discard");
    assert!(!autosave.exists());
    drop(h);
    let mut h = harness(dir.path());
    click(&mut h, "Recover");
    assert_eq!(h.state().scenario().unwrap().bookmarks.len(), 1);
    assert_eq!(h.state().scenario().unwrap().changes.len(), 0);
}

fn open_copy_of_kent(
    h: &mut Harness<'static, App>,
    dir: &Path,
    edit: impl Fn(String) -> String,
) -> PathBuf {
    let kent = kent();
    let path = dir.join("kent.ron");
    std::fs::write(&path, edit(std::fs::read_to_string(kent).unwrap())).unwrap();
    h.state_mut().push(cmd::Scenario::Open(path.clone()));
    h.step();
    wait_for(h, |app| app.scenario().is_some());
    path
}

/// Saves the open scenario; once the window asks (showing each of `asked`), clicks
/// `answer`.
fn save_and_answer(h: &mut Harness<'static, App>, asked: &[&str], answer: &str) {
    h.state_mut().push(cmd::Scenario::Save);
    h.step();
    for label in asked {
        wait_for_label(h, label);
    }
    click(h, answer);
}

/// A save the window asks about (showing `asked`): Cancel writes nothing to `path` and
/// the work stays unsaved; saved again, `answer` writes it. Returns what was written.
fn cancel_then_save(
    h: &mut Harness<'static, App>,
    path: &Path,
    asked: &[&str],
    answer: &str,
) -> String {
    let before = std::fs::read_to_string(path).unwrap();
    save_and_answer(h, asked, "Cancel");
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        before,
        "nothing written"
    );
    assert!(h.state().unsaved());
    save_and_answer(h, asked, answer);
    wait_for(h, |app| !app.unsaved());
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn saving_keeps_the_comments_at_the_top_and_asks_before_dropping_the_others() {
    let (dir, mut h) = window();
    let path = open_copy_of_kent(&mut h, dir.path(), |t| {
        t.replacen(
            "  changes: [",
            "  // Only one change: the merger.\n  changes: [",
            1,
        )
    });
    h.state_mut().push(cmd::Scenario::AddBookmark);
    h.run();
    assert!(h.state().unsaved());
    let saved = cancel_then_save(
        &mut h,
        &path,
        &["has comments inside the scenario", "Save over the file?"],
        "Save and drop them",
    );
    assert!(
        saved.starts_with("// A scenario for presenters: what if Kent and Medway's eight CCGs"),
        "the comments at the top are kept:\n{saved}"
    );
    assert!(saved.contains("//   cargo run --release -- costs --footprint KM18"));
    assert!(
        !saved.contains("Only one change"),
        "the inner comment is dropped"
    );
    let again = ccg_explorer::model::scenario::parse_scenario(&saved).unwrap();
    assert_eq!(&again, h.state().scenario().unwrap());
    assert_eq!(again.bookmarks.len(), 5);

    // The next save asks nothing: there is nothing more to drop.
    h.state_mut().push(cmd::Scenario::AddBookmark);
    h.run();
    h.state_mut().push(cmd::Scenario::Save);
    h.run();
    assert_not_shown(&h, "Save over the file?");
    wait_for(&mut h, |app| !app.unsaved());
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("// A scenario for presenters")
    );
}

#[test]
fn an_outside_edit_to_the_open_scenario_is_noticed_and_a_save_asks_before_overwriting() {
    let (dir, mut h) = window();
    let path = open_copy_of_kent(&mut h, dir.path(), |t| t);
    h.state_mut().push(cmd::Scenario::AddBookmark);
    h.run();
    // Someone else edits the file.
    let theirs = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Kent and Medway merge in 2018", "Edited elsewhere");
    std::fs::write(&path, &theirs).unwrap();
    wait_for_label(&mut h, "changed on disk since it was opened or saved here");
    h.get_by_label("Reload scenario");
    click(&mut h, "Keep mine");
    // A save asks first, and Cancel writes nothing (theirs stays); asked again,
    // "Overwrite it" writes ours.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs);
    let ours = cancel_then_save(
        &mut h,
        &path,
        &["Saving would overwrite that version"],
        "Overwrite it",
    );
    assert!(ours.contains("Kent and Medway merge in 2018") && !ours.contains("Edited elsewhere"));
    // Our own save is not taken for an outside edit.
    h.run_steps(5);
    assert!(h.query_by_label_contains("changed on disk").is_none());

    // Reload takes the file's version.
    std::fs::write(&path, &theirs).unwrap();
    wait_for_label(&mut h, "changed on disk since it was opened or saved here");
    click(&mut h, "Reload scenario");
    wait_for(&mut h, |app| {
        app.scenario().is_some_and(|s| s.name == "Edited elsewhere")
    });
}

#[test]
fn a_scenario_is_laid_over_a_large_record_on_a_worker_and_the_frames_go_on() {
    // As for snapshots over 20,000 organisations: edits, opening and undo are applied
    // (validated, indexed, costed) on a worker, never in a frame.
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        fresh: true,
        autosave_dir: Some(dir.path().to_path_buf()),
        scenario_on_worker: true,
        ..Default::default()
    };
    let mut h = harness_steps([1500.0, 1000.0], 30, options);
    go_to(&mut h, "2018-04-01");
    h.get_by_label("195 CCGs");
    h.state_mut().push(cmd::Scenario::AddChange(
        ccg_explorer::model::scenario::Change::Merge {
            date: d("2018-04-01"),
            ccgs: KENT.iter().map(|s| s.to_string()).collect(),
            code: "KM18".into(),
            name: "NHS Kent and Medway CCG (2018 scenario)".into(),
        },
    ));
    h.step();
    // The frame that asked for it returned at once; the worker is still at it.
    assert!(h.state().scenario_applying());
    assert_eq!(h.state().scenario().unwrap().changes.len(), 0);
    wait_for(&mut h, |app| !app.scenario_applying());
    assert_eq!(h.state().scenario().unwrap().changes.len(), 1);
    assert!(h.state().showing_scenario());
    h.get_by_label("188 CCGs");
    // A change that does not fit is refused when the worker is done, with a report.
    push_wait(
        &mut h,
        cmd::Scenario::AddChange(ccg_explorer::model::scenario::Change::CancelMerger {
            event: "E999".into(),
        }),
        |app| !app.scenario_applying(),
    );
    assert_eq!(h.state().scenario().unwrap().changes.len(), 1);
    h.get_by_label_contains("That change does not fit the record");
    h.get_by_label_contains("there is no event E999");
    // Undo goes through the worker too.
    h.state_mut().push(cmd::File::DismissProblems);
    h.state_mut().push(cmd::Scenario::Undo);
    h.step();
    assert!(h.state().scenario_applying());
    wait_for(&mut h, |app| !app.scenario_applying());
    h.get_by_label("195 CCGs");
    // Opening a file, likewise.
    let kent = kent();
    h.state_mut().push(cmd::Scenario::AnswerSave(Some(false)));
    h.state_mut().push(cmd::Scenario::Close);
    h.run();
    push_wait(&mut h, cmd::Scenario::Open(kent), |app| {
        app.scenario()
            .is_some_and(|s| s.name == "Kent and Medway merge in 2018")
    });
    assert!(!h.state().scenario_applying());
    assert!(h.state().showing_scenario());
    h.get_by_label("188 CCGs");
}

#[test]
fn only_ccgs_of_the_record_are_offered_for_a_merger() {
    let (_dir, mut h) = window();
    build_kent(&mut h);
    use ccg_explorer::model::OrgKind;
    // Selects it and checks the details show it: `CCG · 99Q`.
    let select = |h: &mut Harness<'static, App>, kind: OrgKind, code: &str| {
        let id = h.state().timeline().snapshot().find(kind, code).unwrap();
        h.state_mut().push(cmd::Selection::Select(id));
        h.run();
        h.get_by_label(&format!("{} · {code}", kind.label()));
    };
    // A CCG of the record, with the scenario shown: offered.
    select(&mut h, OrgKind::Ccg, "99Q");
    h.get_by_label("Add to merger");
    // The CCG the scenario made: not in the record, so not offered.
    let made = h.state().scenario().unwrap().changes.len();
    assert_eq!(made, 1);
    select(&mut h, OrgKind::Ccg, "SC01");
    assert_not_shown(&h, "Add to merger");
    // A sub-ICB location (it keeps its CCG's code): not a CCG, so not offered.
    go_to(&mut h, "2023-06-01");
    select(&mut h, OrgKind::SubIcb, "15N");
    assert_not_shown(&h, "Add to merger");
}
