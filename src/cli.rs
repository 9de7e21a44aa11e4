//! The command-line interface: `check`, `at`, `lineage`, `import`, and the window.
//!
//! The parser and the subcommands are desktop-only (`cfg(not(target_arch = "wasm32"))`);
//! the writers (`write_at`, `write_costs`, ...) and file helpers live in [`crate::io`],
//! re-exported here, since the window uses them too (its CSV export in the browser too).
//!
//! Exit codes: 0 success (a valid file for `check`), 1 an invalid snapshot, 2 a usage
//! or I/O error.

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write;
#[cfg(not(target_arch = "wasm32"))]
use std::path::{Path, PathBuf};
#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use anyhow::{Result, bail};
#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand, ValueEnum};

#[cfg(not(target_arch = "wasm32"))]
use crate::model::load::{LoadError, Loaded, load_str};
#[cfg(not(target_arch = "wasm32"))]
use crate::model::{Date, Timeline};
#[cfg(not(target_arch = "wasm32"))]
use crate::model::{OrgKind, plural};

/// Explore how England's Clinical Commissioning Groups merged, 2013 to 2022, and the
/// integrated care boards that followed them, to the record's as-at date.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Parser)]
#[command(name = "ccg-explorer", version, about)]
pub struct Cli {
    /// A subcommand; with none, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A snapshot to open in the window instead of the embedded England record.
    pub file: Option<PathBuf>,
    /// Open the window, save a PNG of it to PATH, and exit.
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// The date to show first: 2020-04-01, 01/04/2020, 1 April 2020, April 2020 or 2020.
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub date: Option<Date>,
    /// The organisation to select first, by code (for example 15N).
    #[arg(long, value_name = "CODE")]
    pub select: Option<String>,
    /// A scenario to open over the snapshot.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Start in presenter mode (full screen, large text, bookmarks as slides).
    #[arg(long)]
    pub present: bool,
    /// Show this bookmark of the scenario first (counting from 1).
    #[arg(long, value_name = "N")]
    pub bookmark: Option<usize>,
    /// Light or dark (default: follow the system, or what was chosen last time).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// Window size for --screenshot, as WxH (for example 1600x1000).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<[f32; 2]>,
    /// The view in the middle of the window to start on.
    #[arg(long, value_enum)]
    pub view: Option<ViewArg>,
    /// How the tree groups organisations.
    #[arg(long, value_enum)]
    pub group: Option<GroupArg>,
    /// The chart shown large in the running-costs view.
    #[arg(long, value_enum)]
    pub chart: Option<ChartArg>,
    /// Show only this NHS region or ICB in the merger flow, by code (for example
    /// E40000006 or QJK).
    #[arg(long, value_name = "CODE")]
    pub flow_filter: Option<String>,
    /// Measure start-up: print the time to the first frame and the resident memory,
    /// then exit (used by `benches/startup.rs`).
    #[arg(long, hide = true)]
    pub startup_probe: bool,
    /// With --startup-probe: an empty eframe window instead of the app, for comparison.
    #[arg(long, hide = true)]
    pub bare: bool,
    /// Compare these two dates (opens the compare view).
    #[arg(long, num_args = 2, value_names = ["A", "B"], value_parser = date_arg)]
    pub compare: Option<Vec<Date>>,
}

/// Tree groupings for --group.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    /// System, place, neighbourhood.
    Place,
    /// System, CCG, place.
    Ccg,
    /// System, leadership team, CCG.
    Leadership,
}

#[cfg(not(target_arch = "wasm32"))]
impl From<GroupArg> for crate::view::Grouping {
    fn from(g: GroupArg) -> Self {
        match g {
            GroupArg::Place => crate::view::Grouping::SystemPlace,
            GroupArg::Ccg => crate::view::Grouping::SystemCcg,
            GroupArg::Leadership => crate::view::Grouping::SystemLeadership,
        }
    }
}

/// Charts for --chart.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChartArg {
    /// Running costs of the selection (or England).
    Costs,
    /// Savings by system.
    Savings,
    /// Commissioning bodies (CCGs, then ICBs) and leadership teams over time.
    Ccgs,
}

#[cfg(not(target_arch = "wasm32"))]
impl From<ChartArg> for crate::model::format::ChartKind {
    fn from(c: ChartArg) -> Self {
        match c {
            ChartArg::Costs => crate::model::format::ChartKind::Costs,
            ChartArg::Savings => crate::model::format::ChartKind::Savings,
            ChartArg::Ccgs => crate::model::format::ChartKind::CcgCount,
        }
    }
}

/// Views for --view.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// The running-cost charts.
    Charts,
    /// The merger flow, from the 2013 CCGs to the ICBs at the record's end.
    Flow,
    /// Two dates compared.
    Compare,
    /// Counts and the changes near the date.
    Changes,
    /// England on the date: CCG areas, or places as hexes.
    Map,
}

#[cfg(not(target_arch = "wasm32"))]
impl From<ViewArg> for crate::app::CentralTab {
    fn from(v: ViewArg) -> Self {
        match v {
            ViewArg::Charts => crate::app::CentralTab::Charts,
            ViewArg::Flow => crate::app::CentralTab::Flow,
            ViewArg::Compare => crate::app::CentralTab::Compare,
            ViewArg::Changes => crate::app::CentralTab::Changes,
            ViewArg::Map => crate::app::CentralTab::Map,
        }
    }
}

/// Subcommands.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a snapshot: print a summary, or every problem. Exit 0 if valid, 1 if not.
    Check {
        /// The RON snapshot (or scenario) to check.
        file: PathBuf,
        /// For a scenario: the snapshot it applies to (default: the embedded England record).
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
    },
    /// The tree and the counts on a date.
    At {
        /// The date: 2020-04-01, 01/04/2020, 1 April 2020, April 2020 or 2020 (1 April).
        #[arg(value_parser = date_arg)]
        date: Date,
        /// A snapshot file instead of the embedded England record.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// A scenario to lay over the snapshot.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Predecessors and successors of an organisation.
    Lineage {
        /// Its code (ODS, or ONS for systems and places).
        code: String,
        /// A snapshot file instead of the embedded England record.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// A scenario to lay over the snapshot.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// What changed between two dates: counts on each, and every merger, rename, move
    /// between systems, boundary change and abolition into an ICB.
    Compare {
        /// The first date (2020-04-01, 01/04/2020, 1 April 2020, April 2020 or 2020).
        #[arg(value_parser = date_arg)]
        a: Date,
        /// The second date.
        #[arg(value_parser = date_arg)]
        b: Date,
        /// A snapshot file instead of the embedded England record.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// A scenario to lay over the snapshot.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
        format: CompareFormat,
    },
    /// Running costs by financial year for a footprint (England by default).
    Costs {
        /// A CCG, system, ICB, region or place code; its footprint follows lineage.
        #[arg(long, value_name = "CODE")]
        footprint: Option<String>,
        /// The date whose membership defines a system's or region's footprint.
        #[arg(long, value_name = "DATE", value_parser = date_arg)]
        at: Option<Date>,
        /// Which era's running costs: the CCGs' (2013-2022) or the ICBs' (from July
        /// 2022); never mixed. By default ICB for an ICB's code, CCG otherwise.
        #[arg(long, value_enum)]
        era: Option<EraArg>,
        /// A snapshot file instead of the embedded England record.
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// A scenario to lay over the snapshot.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a synthetic snapshot SCALE times England (for performance work).
    Synth {
        /// How many copies of England.
        #[arg(long, default_value_t = 10)]
        scale: usize,
        /// The seed; the same scale and seed always give the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write it.
        out: PathBuf,
    },
    /// Rebuild the England snapshot from the sourced CSVs.
    Import {
        /// Folder with the CSVs.
        #[arg(long, default_value = "assets/sources")]
        sources: PathBuf,
        /// Where to write the RON snapshot (the map's geography goes beside it, as
        /// `.geo`).
        #[arg(long, default_value = "assets/england.ron")]
        out: PathBuf,
    },
}

/// Running-cost eras for `costs --era`.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EraArg {
    /// CCG running-cost allowances, 2013/14 to 2022/23 (the 20% target).
    Ccg,
    /// ICB running costs from July 2022 (the 30% and 50% targets, the £18.76 envelope).
    Icb,
}

/// Themes for --theme.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    /// Follow the system.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

#[cfg(not(target_arch = "wasm32"))]
impl From<ThemeArg> for crate::app::ThemeChoice {
    fn from(t: ThemeArg) -> Self {
        match t {
            ThemeArg::System => crate::app::ThemeChoice::System,
            ThemeArg::Light => crate::app::ThemeChoice::Light,
            ThemeArg::Dark => crate::app::ThemeChoice::Dark,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::io::files::{read_text, write_atomic};
pub use crate::io::report::{CompareFormat, Format};
#[cfg(not(target_arch = "wasm32"))]
use crate::io::report::{write_at, write_compare, write_costs, write_lineage};

/// Refuses the window's options given with a subcommand, which would otherwise be
/// ignored: `ccg-explorer my.ron costs` must not silently answer for England.
#[cfg(not(target_arch = "wasm32"))]
pub fn check_subcommand_options(cli: &Cli) -> Result<()> {
    if cli.command.is_none() {
        return Ok(());
    }
    if let Some(file) = &cli.file {
        bail!(
            "{} is given before the subcommand, where it is the window's file; give it to \
             the subcommand instead: `ccg-explorer check {0}`, or `--snapshot {0}` after \
             at, lineage, compare or costs",
            file.display()
        );
    }
    let window_only = [
        (cli.screenshot.is_some(), "--screenshot"),
        (cli.date.is_some(), "--date"),
        (cli.select.is_some(), "--select"),
        (cli.scenario.is_some(), "--scenario"),
        (cli.present, "--present"),
        (cli.bookmark.is_some(), "--bookmark"),
        (cli.theme.is_some(), "--theme"),
        (cli.size.is_some(), "--size"),
        (cli.view.is_some(), "--view"),
        (cli.group.is_some(), "--group"),
        (cli.chart.is_some(), "--chart"),
        (cli.flow_filter.is_some(), "--flow-filter"),
        (cli.compare.is_some(), "--compare"),
    ];
    let given: Vec<&str> = window_only
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| *name)
        .collect();
    if !given.is_empty() {
        bail!(
            "{} before the subcommand {} for the window and would be ignored; put options \
             of the subcommand after it (`ccg-explorer at 2020-04-01 --scenario FILE`)",
            given.join(", "),
            if given.len() == 1 { "is" } else { "are" }
        );
    }
    Ok(())
}

/// Checks what the window is asked to start on before it opens: a `--bookmark` the
/// scenario has (a scenario it needs). Says what is wrong and what would do.
#[cfg(not(target_arch = "wasm32"))]
pub fn check_window_options(cli: &Cli) -> Result<()> {
    let Some(n) = cli.bookmark else {
        return Ok(());
    };
    let Some(path) = &cli.scenario else {
        anyhow::bail!("--bookmark {n} needs a scenario: add --scenario FILE");
    };
    let text = read_text(path)?;
    let scenario = crate::model::scenario::parse_scenario(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a scenario that opens ({} problem(s)); run `ccg-explorer check {}`",
            path.display(),
            e.problems.len(),
            path.display()
        )
    })?;
    let count = scenario.bookmarks.len();
    if n == 0 || n > count {
        let have = match count {
            0 => "has no bookmarks".to_string(),
            1 => "has 1 bookmark: use --bookmark 1".to_string(),
            _ => format!("has {count} bookmarks: use --bookmark 1 to {count}"),
        };
        anyhow::bail!(
            "there is no bookmark {n}: the scenario \"{}\" ({}) {have}",
            scenario.name,
            path.display()
        );
    }
    Ok(())
}

/// A date as people in England type it (see [`crate::model::dates`]).
#[cfg(not(target_arch = "wasm32"))]
fn date_arg(s: &str) -> Result<Date, String> {
    crate::model::dates::parse_date(s).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn parse_size(s: &str) -> Result<[f32; 2], String> {
    let bad = || format!("'{s}' is not a size; write it as WIDTHxHEIGHT, for example 1600x1000");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: f32 = w.trim().parse().map_err(|_| bad())?;
    let h: f32 = h.trim().parse().map_err(|_| bad())?;
    if !(200.0..=8000.0).contains(&w) || !(200.0..=8000.0).contains(&h) {
        return Err(format!(
            "size {s} is out of range: each side must be 200 to 8000"
        ));
    }
    Ok([w, h])
}

/// Runs a subcommand, writing to `out`; returns the process exit code.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(command: Command, out: &mut dyn Write) -> ExitCode {
    // Text from files reaches the terminal escaped: a title's escape sequences, a
    // code's zero-width space. JSON keeps its data, with such characters as `\uXXXX`.
    let json = matches!(
        command,
        Command::At {
            format: Format::Json,
            ..
        } | Command::Lineage {
            format: Format::Json,
            ..
        } | Command::Costs {
            format: Format::Json,
            ..
        } | Command::Compare {
            format: CompareFormat::Json,
            ..
        }
    );
    let mut escaped = Escaping {
        inner: out,
        json,
        pending: Vec::new(),
    };
    let result = run_inner(command, &mut escaped).and_then(|code| {
        escaped.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "ccg-explorer: error: {}",
                crate::model::text::escape(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

/// A writer that escapes what [`crate::model::text::is_hidden`] calls hidden: as
/// `\u{200b}` in text and CSV, as `\u200b` in JSON (where it can only be inside a
/// string, so the JSON means the same).
#[cfg(not(target_arch = "wasm32"))]
struct Escaping<'a> {
    inner: &'a mut dyn Write,
    json: bool,
    /// The start of a character split between two writes.
    pending: Vec<u8>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Write for Escaping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use crate::model::text::is_hidden;
        self.pending.extend_from_slice(buf);
        let (text, rest) = match std::str::from_utf8(&self.pending) {
            Ok(t) => (t, 0),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() => (
                std::str::from_utf8(&self.pending[..e.valid_up_to()]).unwrap_or_default(),
                self.pending.len() - e.valid_up_to(),
            ),
            // Not UTF-8 at all: not ours to judge.
            Err(_) => {
                self.inner.write_all(&self.pending)?;
                self.pending.clear();
                return Ok(buf.len());
            }
        };
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if !is_hidden(c) {
                out.push(c);
            } else if self.json {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            } else {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
        }
        self.inner.write_all(out.as_bytes())?;
        let keep = self.pending.split_off(self.pending.len() - rest);
        self.pending = keep;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.inner.write_all(&std::mem::take(&mut self.pending))?;
        }
        self.inner.flush()
    }
}

#[cfg(not(target_arch = "wasm32"))]
enum Opened {
    Ok(Box<Loaded>),
    Invalid(LoadError),
}

/// `  2 warnings` and one line for each.
#[cfg(not(target_arch = "wasm32"))]
fn print_warnings(out: &mut dyn Write, warnings: &[crate::model::Problem]) -> Result<()> {
    let n = warnings.len();
    writeln!(out, "  {}", plural(n, "warning", "warnings"))?;
    for w in warnings {
        writeln!(out, "  {w}")?;
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn print_problems(out: &mut dyn Write, name: &str, err: &LoadError) -> Result<()> {
    let errors = err.errors().count();
    writeln!(
        out,
        "{name}: invalid: {}",
        plural(errors, "error", "errors")
    )?;
    for p in &err.problems {
        writeln!(out, "  {p}")?;
    }
    Ok(())
}

/// Loads the snapshot (embedded unless `path`), with `scenario` laid over it if given.
#[cfg(not(target_arch = "wasm32"))]
fn load_timeline(
    path: Option<&Path>,
    scenario: Option<&Path>,
) -> Result<std::result::Result<Timeline, LoadError>> {
    let text = match path {
        None => crate::ENGLAND_RON.to_string(),
        Some(p) => read_text(p)?,
    };
    use crate::model::document::{Document, Kind, read};
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let doc = read(body, Kind::Snapshot);
    let is_scenario = match &doc {
        Ok(d) => d.kind() == Kind::Scenario,
        Err(s) => s.known && s.kind == Kind::Scenario,
    };
    if let Some(p) = path
        && is_scenario
    {
        anyhow::bail!(
            "{} is a scenario, not a snapshot; pass it with --scenario {} (the snapshot it \
             applies to goes after --snapshot, or leave that out for the England record)",
            p.display(),
            p.display()
        );
    }
    // Parsed once; a file that fails is read again only to word its problem.
    let checked = match doc {
        Ok(Document::Snapshot(raw)) if raw.format == crate::model::format::FORMAT_VERSION => {
            crate::model::load::validate_raw(*raw, body)
        }
        _ => crate::model::load::load_raw(&text),
    };
    let (raw, loaded) = match checked {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let Some(sc) = scenario else {
        return Ok(Ok(Timeline::new(loaded.snapshot)));
    };
    let sc_text = read_text(sc)?;
    let scenario = match crate::model::scenario::parse_scenario(&sc_text) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    Ok(match crate::model::scenario::apply(&raw, &scenario) {
        Ok((_, applied)) => {
            for w in applied.warnings.iter().filter(|w| w.code.is_none()) {
                eprintln!("ccg-explorer: {w}");
            }
            Ok(Timeline::new(applied.snapshot))
        }
        Err(e) => Err(e),
    })
}

/// Loads the timeline, or prints every problem and returns `None`.
#[cfg(not(target_arch = "wasm32"))]
fn timeline_or_report(
    out: &mut dyn Write,
    snapshot: Option<&Path>,
    scenario: Option<&Path>,
) -> Result<Option<Timeline>> {
    match load_timeline(snapshot, scenario)? {
        Ok(t) => Ok(Some(t)),
        Err(e) => {
            let name = scenario
                .or(snapshot)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| crate::ENGLAND_NAME.to_string());
            print_problems(out, &name, &e)?;
            Ok(None)
        }
    }
}

/// Checks a scenario file against its snapshot.
#[cfg(not(target_arch = "wasm32"))]
fn check_scenario(
    out: &mut dyn Write,
    name: &str,
    parsed: std::result::Result<crate::model::scenario::Scenario, LoadError>,
    snapshot: Option<&Path>,
) -> Result<ExitCode> {
    use crate::model::scenario::{apply, fingerprint};
    let scenario = match parsed {
        Ok(s) => s,
        Err(e) => {
            print_problems(out, name, &e)?;
            return Ok(ExitCode::from(1));
        }
    };
    let snap_text = match snapshot {
        None => crate::ENGLAND_RON.to_string(),
        Some(p) => read_text(p)?,
    };
    let (raw, _) = match crate::model::load::load_raw(&snap_text) {
        Ok(x) => x,
        Err(e) => {
            print_problems(
                out,
                &snapshot
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                &e,
            )?;
            return Ok(ExitCode::from(1));
        }
    };
    match apply(&raw, &scenario) {
        Err(e) => {
            print_problems(out, name, &e)?;
            Ok(ExitCode::from(1))
        }
        Ok((_, applied)) => {
            let fp = fingerprint(&raw);
            writeln!(out, "{name}: valid scenario \"{}\"", scenario.name)?;
            writeln!(
                out,
                "  {}, {}; applies to \"{}\" (fingerprint {fp}{})",
                plural(scenario.changes.len(), "change", "changes"),
                plural(scenario.bookmarks.len(), "bookmark", "bookmarks"),
                raw.title,
                if scenario.snapshot.fingerprint == fp {
                    ", matches"
                } else {
                    ", DIFFERS from the scenario's"
                }
            )?;
            for c in &scenario.changes {
                writeln!(out, "  - {}", c.describe())?;
            }
            print_warnings(out, &applied.warnings)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run_inner(command: Command, out: &mut dyn Write) -> Result<ExitCode> {
    match command {
        Command::Check { file, snapshot } => {
            use crate::model::document::{Document, Kind, read};
            let name = file.display().to_string();
            let text = read_text(&file)?;
            // One parse decides what the file is and, when it is good, is the result.
            let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let doc = read(body, Kind::Snapshot);
            let is_scenario = match &doc {
                Ok(d) => d.kind() == Kind::Scenario,
                Err(s) => s.known && s.kind == Kind::Scenario,
            };
            if is_scenario {
                let parsed = match doc {
                    Ok(Document::Scenario(sc)) => {
                        crate::model::scenario::checked_version(body, *sc)
                    }
                    // Only a broken file is read again, for the scenario's wording.
                    _ => crate::model::scenario::parse_scenario(&text),
                };
                return check_scenario(out, &name, parsed, snapshot.as_deref());
            }
            let checked = match doc {
                Ok(Document::Snapshot(raw))
                    if raw.format == crate::model::format::FORMAT_VERSION =>
                {
                    crate::model::load::validate_raw(*raw, body)
                }
                _ => crate::model::load::parse_str(&text)
                    .and_then(|raw| crate::model::load::validate_raw(raw, body)),
            };
            let (raw, loaded) = match checked {
                Ok((raw, l)) => (raw, Opened::Ok(Box::new(l))),
                Err(e) => (Default::default(), Opened::Invalid(e)),
            };
            match loaded {
                Opened::Invalid(e) => {
                    print_problems(out, &name, &e)?;
                    Ok(ExitCode::from(1))
                }
                Opened::Ok(l) => {
                    let s = &l.snapshot;
                    let parts: Vec<String> = OrgKind::ALL
                        .iter()
                        .map(|k| format!("{} {}", s.count_kind(*k), k.section().replace('_', " ")))
                        .collect();
                    let (a, b) = s.span();
                    writeln!(out, "{name}: valid: \"{}\"", s.title)?;
                    writeln!(
                        out,
                        "  fingerprint {}",
                        crate::model::scenario::fingerprint(&raw)
                    )?;
                    writeln!(out, "  {}", parts.join(", "))?;
                    let span = if s.orgs.is_empty() {
                        "no dates".to_string()
                    } else {
                        format!("from {a} to {b}")
                    };
                    writeln!(
                        out,
                        "  {} relations, {} events, {span}",
                        s.links.len(),
                        s.events.len(),
                    )?;
                    if let Some(as_at) = s.as_at {
                        writeln!(
                            out,
                            "  as at {} (when its sources were last checked): the record runs to then",
                            crate::model::human_date(as_at)
                        )?;
                    }
                    print_warnings(out, &l.warnings)?;
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::At {
            date,
            snapshot,
            scenario,
            format,
        } => {
            let Some(tl) = timeline_or_report(out, snapshot.as_deref(), scenario.as_deref())?
            else {
                return Ok(ExitCode::from(1));
            };
            write_at(out, &tl, date, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lineage {
            code,
            snapshot,
            scenario,
            format,
        } => {
            let Some(tl) = timeline_or_report(out, snapshot.as_deref(), scenario.as_deref())?
            else {
                return Ok(ExitCode::from(1));
            };
            let found = tl.snapshot().find_any(&code);
            // A CCG first (its sub-ICB location shares its code), then an ICB before the
            // system that shares its ODS code.
            let kind_of = |id: &crate::model::OrgId| tl.snapshot().org(*id).kind;
            let Some(id) = found
                .iter()
                .find(|id| kind_of(id) == OrgKind::Ccg)
                .or_else(|| found.iter().find(|id| kind_of(id) == OrgKind::Icb))
                .or_else(|| found.first())
            else {
                anyhow::bail!(
                    "no organisation has the code '{code}'; try `ccg-explorer at DATE` to list codes"
                );
            };
            write_lineage(out, &tl, *id, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            a,
            b,
            snapshot,
            scenario,
            format,
        } => {
            let Some(tl) = timeline_or_report(out, snapshot.as_deref(), scenario.as_deref())?
            else {
                return Ok(ExitCode::from(1));
            };
            let format = match format {
                CompareFormat::Text => Format::Text,
                CompareFormat::Json => Format::Json,
            };
            write_compare(out, &tl, a, b, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Costs {
            footprint,
            at,
            era,
            snapshot,
            scenario,
            format,
        } => {
            let Some(tl) = timeline_or_report(out, snapshot.as_deref(), scenario.as_deref())?
            else {
                return Ok(ExitCode::from(1));
            };
            let found = match &footprint {
                None => None,
                Some(code) => {
                    let ids = tl.snapshot().find_any(code);
                    if ids.is_empty() {
                        anyhow::bail!("no organisation has the code '{code}'");
                    }
                    Some(ids)
                }
            };
            let is_icb = |id: &crate::model::OrgId| {
                tl.snapshot().org(*id).kind == crate::model::OrgKind::Icb
            };
            let era = era.unwrap_or(match &found {
                Some(ids) if ids.iter().any(is_icb) => EraArg::Icb,
                _ => EraArg::Ccg,
            });
            let day_of = |id: crate::model::OrgId| {
                let o = tl.snapshot().org(id);
                at.unwrap_or(if o.to == crate::model::FOREVER {
                    o.from
                } else {
                    o.to
                })
            };
            match era {
                EraArg::Ccg => {
                    let model = crate::model::costs::CostModel::new(&tl);
                    let fp = match found.as_ref().and_then(|ids| ids.first().copied()) {
                        None => model.england(),
                        Some(id) => model.footprint(&tl, id, day_of(id)),
                    };
                    write_costs(out, &model, &fp, format)?;
                }
                EraArg::Icb => {
                    let model = crate::model::icb_costs::IcbCostModel::new(&tl);
                    let fp = match &found {
                        None => model.england(&tl),
                        Some(ids) => {
                            // An ICB's code before the CCG or sub-ICB location that shares it.
                            let id = ids
                                .iter()
                                .copied()
                                .find(is_icb)
                                .or_else(|| ids.last().copied())
                                .ok_or_else(|| anyhow::anyhow!("no organisation found"))?;
                            model
                                .footprint(&tl, id, day_of(id))
                                .map_err(|e| anyhow::anyhow!(e))?
                        }
                    };
                    crate::io::report::write_icb_costs(out, &tl, &model, &fp, format)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth {
            scale,
            seed,
            out: dest,
        } => {
            let england = crate::model::load::parse_str(crate::ENGLAND_RON)
                .map_err(|e| anyhow::anyhow!("the embedded England snapshot is invalid: {e}"))?;
            let snap = crate::synth::synthesize(&england, scale, seed)?;
            let bytes = write_checked(&snap, "the generator", &dest)?;
            writeln!(
                out,
                "wrote {} ({scale} × England, seed {seed}, {bytes} bytes)",
                dest.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { sources, out: dest } => {
            let snap = crate::import::build_england(&sources)?;
            let bytes = write_checked(&snap, "the importer", &dest)?;
            writeln!(out, "wrote {} ({bytes} bytes)", dest.display())?;
            // The map's geography goes beside it (the embedded one is assets/england.geo).
            let geo = crate::geo::build::to_bytes(&crate::geo::build::build(&sources)?)?;
            let geo_dest = dest.with_extension("geo");
            write_atomic(&geo_dest, &geo)?;
            writeln!(out, "wrote {} ({} bytes)", geo_dest.display(), geo.len())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Writes a snapshot `who` built as RON, atomically, after checking that it loads;
/// returns its size in bytes.
fn write_checked(
    snap: &crate::model::format::RawSnapshot,
    who: &str,
    dest: &Path,
) -> Result<usize> {
    let text = crate::import::to_ron(snap)?;
    if let Err(e) = load_str(&text) {
        let mut msg = Vec::new();
        print_problems(&mut msg, "built snapshot", &e)?;
        anyhow::bail!(
            "{who} built an invalid snapshot:\n{}",
            String::from_utf8_lossy(&msg)
        );
    }
    write_atomic(dest, text.as_bytes())?;
    Ok(text.len())
}
