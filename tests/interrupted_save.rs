//! Saves are atomic: a save killed part-way leaves the old file whole, never a torn one.
//!
//! `ccg-explorer import --out FILE` writes a 1.5 MB snapshot through the same
//! `write_atomic` the window's saves use. Each round kills it at a different moment and
//! checks the target holds exactly the old bytes or exactly the new ones.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Held while this file's tests start a process, and while one of them needs to be
/// sure that a file it has locked and closed is no longer locked. A child started in
/// between would hold a copy of the open file, and with it the lock, until it execs.
static SPAWNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Starts `cmd` while no test of this file is relying on a lock being let go.
fn start(cmd: &mut Command) -> Child {
    let _alone = SPAWNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // `spawn` returns once the child has exec'd (its copies of our files closed).
    cmd.spawn().unwrap()
}

/// What the file held after each killed write: the old bytes, the new bytes, or
/// neither (torn).
#[derive(Debug, Default)]
struct Outcomes {
    old_kept: u32,
    new_written: u32,
    torn: Vec<(u32, usize)>,
}

/// Writes `target` (holding `old`) with `spawn` again and again, killing the writer
/// (kill -9) at moments spread over a whole write, and says what the file held.
fn kill_rounds(target: &Path, old: &[u8], new: &[u8], spawn: impl Fn() -> Child) -> Outcomes {
    // One write left alone: it writes the new file, and shows how long a write takes.
    std::fs::write(target, old).unwrap();
    let start = Instant::now();
    assert!(spawn().wait().unwrap().success());
    let whole = start.elapsed();
    assert_eq!(std::fs::read(target).unwrap(), new);
    let mut out = Outcomes::default();
    // Kill at moments spread over a write (reading, building, writing, renaming), and
    // past its end; on a busy machine a write can take longer than the one timed, so
    // the rounds go on, later and later, until some kill came too late to stop one.
    let mut round = 0u32;
    while round < 24 || (out.new_written == 0 && round < 60) {
        std::fs::write(target, old).unwrap();
        let mut child = spawn();
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
        let now = std::fs::read(target).unwrap();
        if now == old {
            out.old_kept += 1;
        } else if now == new {
            out.new_written += 1;
        } else {
            out.torn.push((round, now.len()));
        }
        round += 1;
    }
    out
}

/// A folder for the file saved over, `snapshot.ron`, and what it holds before (the
/// tiny example) and after (England, as `import` writes it).
struct Files {
    _dir: tempfile::TempDir,
    target: PathBuf,
    old: Vec<u8>,
    new: Vec<u8>,
}

fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    Files {
        target: dir.path().join("snapshot.ron"),
        old: std::fs::read("assets/examples/tiny.ron").unwrap(),
        new: std::fs::read("assets/england.ron").unwrap(),
        _dir: dir,
    }
}

/// Starts `ccg-explorer import --out TARGET`, a save through `write_atomic`.
fn spawn_import(target: &Path) -> Child {
    start(
        Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
            .args(["import", "--out"])
            .arg(target)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

#[test]
fn a_save_killed_part_way_leaves_the_old_file_or_the_new_one_never_a_mix() {
    let Files {
        target, old, new, ..
    } = &files();
    let out = kill_rounds(target, old, new, || spawn_import(target));
    eprintln!("{out:?}");
    assert!(out.torn.is_empty(), "torn files: {:?}", out.torn);
    // Kills landed before the rename: the old file stayed whole.
    assert!(out.old_kept > 0, "no kill landed before the save finished");
}

/// The environment variable that makes this test binary a writer (see `writer_child`).
const WRITER: &str = "CCG_TEST_WRITER";

/// Not a test on its own: run as a child process by
/// `the_kill_test_catches_a_writer_that_writes_in_place`, it writes `CCG_TEST_SOURCE`
/// over `CCG_TEST_TARGET` either in place (in small synced pieces, as an unsafe save
/// would) or with `write_atomic`, as `CCG_TEST_WRITER` says.
#[test]
fn writer_child() {
    let Ok(mode) = std::env::var(WRITER) else {
        return;
    };
    let target = std::env::var("CCG_TEST_TARGET").unwrap();
    let bytes = std::fs::read(std::env::var("CCG_TEST_SOURCE").unwrap()).unwrap();
    match mode.as_str() {
        "in-place" => {
            let mut f = std::fs::File::create(&target).unwrap();
            for piece in bytes.chunks(64 * 1024) {
                f.write_all(piece).unwrap();
                f.sync_data().unwrap();
            }
        }
        "atomic" => {
            // As slow to start as the in-place writer is to finish, so that kills land
            // before, during and after the write.
            for _ in bytes.chunks(64 * 1024) {
                std::fs::File::open(&target).unwrap().sync_data().unwrap();
            }
            ccg_explorer::io::files::write_atomic(Path::new(&target), &bytes).unwrap();
        }
        other => panic!("unknown writer {other}"),
    }
}

#[test]
fn the_kill_test_catches_a_writer_that_writes_in_place() {
    let Files {
        target, old, new, ..
    } = &files();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/england.ron");
    let writer = |mode: &str| {
        let target = target.clone();
        let source = source.clone();
        let mode = mode.to_string();
        move || {
            start(
                Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "writer_child", "--test-threads=1"])
                    .env(WRITER, &mode)
                    .env("CCG_TEST_TARGET", &target)
                    .env("CCG_TEST_SOURCE", &source)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            )
        }
    };
    // The unsafe writer: the same kills leave torn files, so the check can fail.
    let unsafe_out = kill_rounds(target, old, new, writer("in-place"));
    eprintln!("in place: {unsafe_out:?}");
    assert!(
        !unsafe_out.torn.is_empty(),
        "no kill tore the in-place writer's file: the test cannot tell"
    );
    // `write_atomic` under the same kills: never torn.
    let safe_out = kill_rounds(target, old, new, writer("atomic"));
    eprintln!("atomic: {safe_out:?}");
    assert!(safe_out.torn.is_empty(), "torn: {:?}", safe_out.torn);
    assert!(
        safe_out.old_kept > 0 && safe_out.new_written > 0,
        "{safe_out:?}"
    );
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
fn kill_mid_save(target: &Path) -> bool {
    for _ in 0..40 {
        let mut child = spawn_import(target);
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
    let Files {
        target, old, new, ..
    } = &files();
    std::fs::write(target, old).unwrap();
    // The unsafe state this guards against: a kill left a temporary file behind.
    assert!(
        kill_mid_save(target),
        "no kill landed while the save was writing"
    );
    let left = temps(target);
    assert_eq!(left.len(), 1, "{left:?}");
    let now = std::fs::read(target).unwrap();
    assert!(now == *old || now == *new, "the file is torn");

    // Start: the window, with the file among its recent ones, removes them.
    let state = ccg_explorer::app::UiState {
        recent: vec![target.clone()],
        ..Default::default()
    };
    let options = ccg_explorer::app::AppOptions {
        fresh: true,
        ..Default::default()
    };
    let mut h = common::builder()
        .with_size([1200.0, 800.0])
        .build_eframe(move |cc| ccg_explorer::app::App::with_state(&cc.egui_ctx, options, state));
    h.run();
    // The clean-up runs on a thread of its own: frames go on until it is done.
    let start = Instant::now();
    while !temps(target).is_empty() {
        assert!(
            start.elapsed() < common::PATIENCE,
            "the stale temporary files are still there: {:?}",
            temps(target)
        );
        std::thread::yield_now();
        h.step();
    }
    let now = std::fs::read(target).unwrap();
    assert!(now == *old || now == *new, "the file is torn");

    // The next save removes them too, and a save under way (its file locked) is left alone.
    assert!(kill_mid_save(target));
    // No other test's child may start while the lock is held: it would keep the lock
    // after this test lets go of it.
    let _alone = SPAWNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let held_path = target.with_file_name(".snapshot.ron.tmp-999999-0");
    let held = std::fs::File::create(&held_path).unwrap();
    held.lock().unwrap();
    ccg_explorer::io::files::write_atomic(target, old).unwrap();
    assert_eq!(
        temps(target),
        vec![held_path.clone()],
        "only the held one is left"
    );
    drop(held);
    assert_eq!(ccg_explorer::io::files::clean_stale_temps(target), 1);
    assert!(temps(target).is_empty());
    assert_eq!(std::fs::read(target).unwrap(), *old);
}
