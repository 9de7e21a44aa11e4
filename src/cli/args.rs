//! The command line's arguments: the window's options, the subcommands and their
//! options, and the checks that refuse options given in the wrong place.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::io::files::read_text;
use crate::io::report::{CompareFormat, Format};
use crate::model::Date;

/// Explore how England's Clinical Commissioning Groups merged, 2013 to 2022, and the
/// integrated care boards that followed them, to the record's as-at date.
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
    /// With --bare: the empty window leaves its background to the clear colour, as the
    /// app does, rather than filling its panel over it.
    #[arg(long, hide = true, requires = "bare")]
    pub background_by_clear: bool,
    /// Compare these two dates (opens the compare view).
    #[arg(long, num_args = 2, value_names = ["A", "B"], value_parser = date_arg)]
    pub compare: Option<Vec<Date>>,
}

/// Tree groupings for --group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    /// System, place, neighbourhood.
    Place,
    /// System, CCG, place.
    Ccg,
    /// System, leadership team, CCG.
    Leadership,
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChartArg {
    /// Running costs of the selection (or England).
    Costs,
    /// Savings by system.
    Savings,
    /// Commissioning bodies (CCGs, then ICBs) and leadership teams over time.
    Ccgs,
}

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
        #[command(flatten)]
        record: RecordArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Predecessors and successors of an organisation.
    Lineage {
        /// Its code (ODS, or ONS for systems and places).
        code: String,
        #[command(flatten)]
        record: RecordArgs,
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
        #[command(flatten)]
        record: RecordArgs,
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
        #[command(flatten)]
        record: RecordArgs,
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

// The record a subcommand reads: a snapshot (or the embedded England record) and a
// scenario laid over it. (A `//` comment: a doc comment here would become the help of
// every subcommand that flattens it.)
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// A snapshot file instead of the embedded England record.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// A scenario to lay over the snapshot.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

/// Running-cost eras for `costs --era`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EraArg {
    /// CCG running-cost allowances, 2013/14 to 2022/23 (the 20% target).
    Ccg,
    /// ICB running costs from July 2022 (the 30% and 50% targets, the £18.76 envelope).
    Icb,
}

/// Themes for --theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    /// Follow the system.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl From<ThemeArg> for crate::app::ThemeChoice {
    fn from(t: ThemeArg) -> Self {
        match t {
            ThemeArg::System => crate::app::ThemeChoice::System,
            ThemeArg::Light => crate::app::ThemeChoice::Light,
            ThemeArg::Dark => crate::app::ThemeChoice::Dark,
        }
    }
}

/// Refuses the window's options given with a subcommand, which would otherwise be
/// ignored: `ccg-explorer my.ron costs` must not silently answer for England.
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
fn date_arg(s: &str) -> Result<Date, String> {
    crate::model::dates::parse_date(s).map_err(|e| e.to_string())
}

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
