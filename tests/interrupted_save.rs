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
    let (mut saw_old, mut saw_new) = (false, false);
    for round in 0..24u64 {
        std::fs::write(&target, &old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"))
            .args(["import", "--out"])
            .arg(&target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at moments spread over the run (reading, building, writing, renaming).
        let wait = Duration::from_millis(round * 25);
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
            saw_old = true;
        } else if now == new {
            saw_new = true;
        } else {
            panic!(
                "round {round}: the file is torn ({} bytes; old {}, new {})",
                now.len(),
                old.len(),
                new.len()
            );
        }
    }
    // Both outcomes happened, so the kills did land before and after the rename.
    assert!(saw_old, "no kill landed before the save finished");
    assert!(saw_new, "no save finished");
}
