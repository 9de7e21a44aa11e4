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
