//! Start-up: the time from process start to the first frame and the resident memory
//! then, for the app on the embedded England record against a bare eframe window built
//! the same way (the same binary, `--startup-probe --bare`). The goal's anchor is that
//! window as eframe makes it, a panel filled over the clear colour; the app leaves its
//! background to the clear colour, so a third window that does the same
//! (`--bare --background-by-clear`) shows what is left of the app's own time.
//!
//! Needs a display: uses `$DISPLAY`, or starts `Xvfb` (apt-get install xvfb) itself.
//! Run with `cargo bench --bench startup`. Prints medians of 15 runs of each, taken in
//! turn, and the ratios; and for each, how often frames then come when each is drawn as
//! soon as the last is shown (what a frame costs on this renderer once nothing is new).

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
    /// Then the median time between frames drawn one after another, ms: what every
    /// frame costs once nothing is new.
    frame_ms: f64,
}

/// Which window to start.
#[derive(Clone, Copy)]
enum Kind {
    /// eframe's bare window.
    Bare,
    /// A bare window that leaves its background to the clear colour.
    BareByClear,
    /// The app.
    App,
}

fn probe(kind: Kind, display: &str) -> Option<Run> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ccg-explorer"));
    cmd.arg("--startup-probe")
        .env("DISPLAY", display)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match kind {
        Kind::Bare => {
            cmd.arg("--bare");
        }
        Kind::BareByClear => {
            cmd.args(["--bare", "--background-by-clear"]);
        }
        Kind::App => {}
    }
    let start = Instant::now();
    let mut child = cmd.spawn().ok()?;
    let out = child.stdout.take()?;
    // Lines as they come, with when they came; a window that stops drawing is given
    // up after PATIENCE rather than waited on for ever.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send((line, start.elapsed())).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while lines.len() < 2 {
        match rx.recv_timeout(PATIENCE) {
            Ok(got) => lines.push(got),
            Err(_) => {
                println!(
                    "startup: a window gave {} of its 2 lines and was stopped",
                    lines.len()
                );
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let _ = child.wait();
    let wall_ms = lines[0].1.as_secs_f64() * 1000.0;
    let line = format!("{} {}", lines[0].0, lines[1].0);
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
        frame_ms: field("frame_ms=")?,
    })
}

/// Runs of each, taken in turn.
const RUNS: usize = 15;

/// How long a window may take to say the next thing before it is stopped.
const PATIENCE: Duration = Duration::from_secs(60);

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
    const KINDS: [(Kind, &str); 3] = [
        (Kind::Bare, "bare eframe window"),
        (
            Kind::BareByClear,
            "bare window, background by the clear colour",
        ),
        (Kind::App, "ccg-explorer, England"),
    ];
    // One unmeasured run of each warms the disk cache and Mesa's shader cache.
    for (kind, _) in KINDS {
        let _ = probe(kind, &display);
    }
    // They alternate, so that whatever else the machine does in the meantime falls on
    // all alike and their ratios are from the same minutes.
    let mut runs: [Vec<Run>; 3] = Default::default();
    for _ in 0..RUNS {
        for (k, (kind, _)) in KINDS.iter().enumerate() {
            runs[k].extend(probe(*kind, &display));
        }
    }
    // Each kind's (time to first frame, memory), if any run of it finished.
    let mut rows = Vec::new();
    for ((_, name), runs) in KINDS.iter().zip(&runs) {
        if runs.is_empty() {
            println!("startup: {name}: the window did not open");
            rows.push(None);
            continue;
        }
        let wall = median(runs.iter().map(|r| r.wall_ms).collect());
        let own = median(runs.iter().map(|r| r.own_ms).collect());
        let rss = median(runs.iter().map(|r| r.rss_mb).collect());
        let layout = median(runs.iter().map(|r| r.layout_ms).collect());
        let paint = median(runs.iter().map(|r| r.paint_ms).collect());
        let frame = median(runs.iter().map(|r| r.frame_ms).collect());
        println!(
            "startup/{name}: first frame {wall:.0} ms after spawn ({own:.0} ms after main; its layout {layout:.1} ms, its painting {paint:.0} ms), {rss:.0} MB resident; then a frame every {frame:.0} ms ({} runs)",
            runs.len()
        );
        rows.push(Some((wall, rss)));
    }
    let ratio = |k: usize, anchor: usize, against: &str| {
        if let (Some(Some((aw, am))), Some(Some((bw, bm)))) = (rows.get(k), rows.get(anchor)) {
            println!(
                "startup/ratio: {:.2}x the time to first frame, {:.2}x the memory (against {against})",
                aw / bw,
                am / bm
            );
        }
    };
    ratio(2, 0, "eframe's bare window, the goal's anchor");
    ratio(
        2,
        1,
        "a bare window that also leaves its background to the clear colour",
    );
    if let Some(mut x) = xvfb {
        let _ = x.kill();
        let _ = x.wait();
    }
}
