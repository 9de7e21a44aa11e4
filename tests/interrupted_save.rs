//! Saves are atomic: a save killed part-way leaves the old file whole, never a torn one.
//!
//! `ccg-explorer import --out FILE` writes a 1.5 MB snapshot through the same
//! `write_atomic` the window's saves use. Each round kills it at a different moment and
//! checks the target holds exactly the old bytes or exactly the new ones.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_save_killed_part_way_leaves_the_old_file_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("snapshot.ron");
    let old = std::fs::read("assets/examples/tiny.ron").unwrap();
    let new = std::fs::read("assets/england.ron").unwrap();
    let run = |target: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
            .args(["import", "--out"])
            .arg(target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // One save left alone: it writes the new file, and shows how long a save takes here.
    std::fs::write(&target, &old).unwrap();
    let start = Instant::now();
    assert!(run(&target).wait().unwrap().success());
    let whole = start.elapsed();
    assert_eq!(std::fs::read(&target).unwrap(), new);
    let (mut old_kept, mut new_written) = (0, 0);
    for round in 0..24u32 {
        std::fs::write(&target, &old).unwrap();
        let mut child = run(&target);
        // Kill at moments spread over a save (reading, building, writing, renaming).
        let wait = whole.mul_f64(f64::from(round) / 20.0);
        let start = Instant::now();
        while start.elapsed() < wait {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&target).unwrap();
        if now == old {
            old_kept += 1;
        } else if now == new {
            new_written += 1;
        } else {
            panic!(
                "round {round}: the file is torn ({} bytes; old {}, new {})",
                now.len(),
                old.len(),
                new.len()
            );
        }
    }
    // Kills landed before the rename: the old file stayed whole.
    eprintln!("{old_kept} kills left the old file, {new_written} came after the new one");
    assert!(old_kept > 0, "no kill landed before the save finished");
}

/// The temporary files beside `target` (`.NAME.tmp-PID-N`).
fn temps(target: &std::path::Path) -> Vec<std::path::PathBuf> {
    let name = target.file_name().unwrap().to_string_lossy().to_string();
    let prefix = format!(".{name}.tmp-");
    std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Starts a save of `target` and kills it (kill -9) while its temporary file exists,
/// so that the temporary file is left behind; `false` if no round caught it.
fn kill_mid_save(target: &std::path::Path) -> bool {
    for _ in 0..40 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
            .args(["import", "--out"])
            .arg(target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while temps(target).is_empty() && start.elapsed() < Duration::from_secs(60) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        if !temps(target).is_empty() {
            return true;
        }
    }
    false
}

#[test]
fn a_save_killed_mid_write_leaves_no_temporary_file_after_the_next_start_or_save() {
    use egui_kittest::Harness;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("snapshot.ron");
    let old = std::fs::read("assets/examples/tiny.ron").unwrap();
    let new = std::fs::read("assets/england.ron").unwrap();
    std::fs::write(&target, &old).unwrap();
    // The unsafe state this guards against: a kill left a temporary file behind.
    assert!(
        kill_mid_save(&target),
        "no kill landed while the save was writing"
    );
    let left = temps(&target);
    assert_eq!(left.len(), 1, "{left:?}");
    let now = std::fs::read(&target).unwrap();
    assert!(now == old || now == new, "the file is torn");

    // Start: the window, with the file among its recent ones, removes them.
    let state = ccg_explorer::app::UiState {
        recent: vec![target.clone()],
        ..Default::default()
    };
    let options = ccg_explorer::app::AppOptions {
        fresh: true,
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(move |cc| ccg_explorer::app::App::with_state(&cc.egui_ctx, options, state));
    h.run();
    let start = Instant::now();
    while !temps(&target).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the stale temporary files are still there: {:?}",
            temps(&target)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let now = std::fs::read(&target).unwrap();
    assert!(now == old || now == new, "the file is torn");

    // The next save removes them too, and a save under way (its file locked) is left alone.
    assert!(kill_mid_save(&target));
    let held_path = dir.path().join(".snapshot.ron.tmp-999999-0");
    let held = std::fs::File::create(&held_path).unwrap();
    held.lock().unwrap();
    ccg_explorer::cli::write_atomic(&target, &old).unwrap();
    assert_eq!(
        temps(&target),
        vec![held_path.clone()],
        "only the held one is left"
    );
    drop(held);
    assert_eq!(ccg_explorer::cli::clean_stale_temps(&target), 1);
    assert!(temps(&target).is_empty());
    assert_eq!(std::fs::read(&target).unwrap(), old);
}
