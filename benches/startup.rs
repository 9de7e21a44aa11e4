//! Start-up: the time from process start to the first frame and the resident memory
//! then, for the app on the embedded England record against a bare eframe window built
//! the same way (the same binary, `--startup-probe --bare`).
//!
//! Needs a display: uses `$DISPLAY`, or starts `Xvfb` (apt-get install xvfb) itself.
//! Run with `cargo bench --bench startup`. Prints medians of 15 runs of each, taken in turn, and
//! the ratios.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    /// Wall time from spawning the process to its first-frame line, ms.
    wall_ms: f64,
    /// Time the process itself measured from `main`, ms.
    own_ms: f64,
    /// Resident memory at the first frame, MB.
    rss_mb: f64,
    /// The first frame's layout (the app's `ui`), ms.
    layout_ms: f64,
    /// From the end of that layout to the next frame: tessellating, rendering and
    /// presenting the first frame, ms.
    paint_ms: f64,
}

fn probe(bare: bool, display: &str) -> Option<Run> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"));
    cmd.arg("--startup-probe")
        .env("DISPLAY", display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if bare {
        cmd.arg("--bare");
    }
    let start = Instant::now();
    let mut child = cmd.spawn().ok()?;
    let out = child.stdout.take()?;
    let mut line = String::new();
    BufReader::new(out).read_line(&mut line).ok()?;
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    let _ = child.wait();
    let field = |name: &str| -> Option<f64> {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse().ok())
    };
    Some(Run {
        wall_ms,
        own_ms: field("ms=")?,
        rss_mb: field("rss_mb=")?,
        layout_ms: field("layout_ms=")?,
        paint_ms: field("paint_ms=")?,
    })
}

/// Runs of each, taken in turn.
const RUNS: usize = 15;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run only
    // for real benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut xvfb: Option<Child> = None;
    let display = match std::env::var("DISPLAY") {
        Ok(d) if !d.is_empty() => d,
        _ => {
            let d = ":97".to_string();
            match Command::new("Xvfb")
                .args([d.as_str(), "-screen", "0", "1920x1200x24"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
            {
                Ok(c) => {
                    xvfb = Some(c);
                    std::thread::sleep(Duration::from_millis(800));
                    d
                }
                Err(_) => {
                    println!("startup: no display and no Xvfb (apt-get install xvfb); skipped");
                    return;
                }
            }
        }
    };
    const KINDS: [(bool, &str); 2] = [
        (true, "bare eframe window"),
        (false, "ccg-explorer, England"),
    ];
    // One unmeasured run of each warms the disk cache and Mesa's shader cache.
    for (bare, _) in KINDS {
        let _ = probe(bare, &display);
    }
    // The two alternate, so that whatever else the machine does in the meantime falls
    // on both alike and their ratio is from the same minutes.
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        for (k, (bare, _)) in KINDS.iter().enumerate() {
            runs[k].extend(probe(*bare, &display));
        }
    }
    let mut rows = Vec::new();
    for ((_, name), runs) in KINDS.iter().zip(&runs) {
        if runs.is_empty() {
            println!("startup: {name}: the window did not open");
            continue;
        }
        let wall = median(runs.iter().map(|r| r.wall_ms).collect());
        let own = median(runs.iter().map(|r| r.own_ms).collect());
        let rss = median(runs.iter().map(|r| r.rss_mb).collect());
        let layout = median(runs.iter().map(|r| r.layout_ms).collect());
        let paint = median(runs.iter().map(|r| r.paint_ms).collect());
        println!(
            "startup/{name}: first frame {wall:.0} ms after spawn ({own:.0} ms after main; its layout {layout:.1} ms, its painting {paint:.0} ms), {rss:.0} MB resident ({} runs)",
            runs.len()
        );
        rows.push((wall, rss));
    }
    if let [(bw, bm), (aw, am)] = rows[..] {
        println!(
            "startup/ratio: {:.2}x the time to first frame, {:.2}x the memory",
            aw / bw,
            am / bm
        );
    }
    if let Some(mut x) = xvfb {
        let _ = x.kill();
        let _ = x.wait();
    }
}
