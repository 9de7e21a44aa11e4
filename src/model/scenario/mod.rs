//! Scenarios: named sets of hypothetical changes laid over a snapshot.
//!
//! A scenario never edits the snapshot it applies to: [`apply`] takes the raw snapshot,
//! makes the changes on a copy and validates the result like any file, so everything
//! downstream (tree, counts, lineage, charts) works on the scenario unchanged. Each
//! change is checked first, with a message that names it and the CCGs concerned.

use serde::{Deserialize, Serialize};

use super::Date;
use super::format::{ChartKind, RawSnapshot};

mod apply;
mod bookmarks;
mod mergers;
mod parse;
mod transfer;

pub use apply::{ScenarioError, apply};
pub(crate) use parse::CHANGE_KINDS;
/// For the command line (desktop only).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use parse::checked_version;
pub use parse::{looks_like_scenario, parse_scenario};

/// The only scenario format version this build reads and writes.
pub const SCENARIO_FORMAT: u32 = 1;

/// The source key scenario figures cite.
pub const SCENARIO_SOURCE: &str = "SCENARIO";

/// The scenario laid over a snapshot, if any: the title of its `SCENARIO` source.
pub fn scenario_of(s: &super::Snapshot) -> Option<String> {
    s.sources
        .iter()
        .find(|x| x.key == SCENARIO_SOURCE)
        .map(|x| x.title.clone())
}

/// Which snapshot a scenario was made for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRef {
    /// The snapshot's title.
    pub title: String,
    /// A fingerprint of its organisations and events (see [`fingerprint`]).
    pub fingerprint: String,
}

/// One hypothetical change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Change {
    /// CCGs (`ccgs`) merge on `date` into a new CCG `code` called `name`.
    Merge {
        /// The day of the merger.
        date: Date,
        /// The CCGs that merge (at least two).
        ccgs: Vec<String>,
        /// The new CCG's code.
        code: String,
        /// The new CCG's name.
        name: String,
    },
    /// A real merger (by event id) happens on another `date`.
    MoveMerger {
        /// The event id of the real merger.
        event: String,
        /// Its new date.
        date: Date,
    },
    /// A real merger (by event id) never happens: its CCGs carry on.
    CancelMerger {
        /// The event id of the real merger.
        event: String,
    },
    /// CCGs share an accountable officer from `from` (to `to`, or for as long as they all exist).
    SharedManagement {
        /// The CCGs (at least two).
        ccgs: Vec<String>,
        /// First day.
        from: Date,
        /// Last day, if not for as long as they all exist.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Date>,
    },
}

impl Change {
    /// A line for the scenario panel.
    pub fn describe(&self) -> String {
        match self {
            Change::Merge {
                date,
                ccgs,
                code,
                name,
            } => format!("{date}: merge {} into {name} ({code})", ccgs.join(", ")),
            Change::MoveMerger { event, date } => format!("move merger {event} to {date}"),
            Change::CancelMerger { event } => format!("cancel merger {event}"),
            Change::SharedManagement { ccgs, from, to } => match to {
                Some(t) => format!(
                    "{from} to {t}: {} share an accountable officer",
                    ccgs.join(", ")
                ),
                None => format!(
                    "from {from}: {} share an accountable officer",
                    ccgs.join(", ")
                ),
            },
        }
    }
}

/// A named scene for presenting: a date, a selection, scenario on or off, a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookmark {
    /// Its name (shown as the caption).
    pub name: String,
    /// The date shown.
    pub date: Date,
    /// The selected organisation's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// Whether the scenario is shown (else the actual record).
    #[serde(default = "yes")]
    pub scenario: bool,
    /// The chart to bring forward.
    #[serde(default)]
    pub chart: ChartKind,
    /// A note for the caption line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn yes() -> bool {
    true
}

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub format: u32,
    /// Its name, shown everywhere the scenario is.
    pub name: String,
    /// The snapshot it applies to.
    pub snapshot: SnapshotRef,
    /// What it shows, in a sentence.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The changes, applied in order.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Scenes for presenting.
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
}

impl Scenario {
    /// An empty scenario for `raw`.
    pub fn new(name: &str, raw: &RawSnapshot) -> Self {
        Scenario {
            format: SCENARIO_FORMAT,
            name: name.to_string(),
            snapshot: SnapshotRef {
                title: raw.title.clone(),
                fingerprint: fingerprint(raw),
            },
            description: String::new(),
            changes: Vec::new(),
            bookmarks: Vec::new(),
        }
    }

    /// The RON text of the scenario, as saved.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .indentor("  ".to_string())
            .new_line("\n".to_string())
            .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
        ron::ser::to_string_pretty(self, config).map(|mut t| {
            t.push('\n');
            t
        })
    }
}

/// A stable fingerprint of a snapshot's organisations and events (FNV-1a, 64 bits).
pub fn fingerprint(raw: &RawSnapshot) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (kind, list) in [
        ("r", &raw.regions),
        ("s", &raw.systems),
        ("i", &raw.icbs),
        ("l", &raw.sub_icb_locations),
        ("c", &raw.ccgs),
        ("p", &raw.places),
        ("n", &raw.neighbourhoods),
    ] {
        for o in list {
            eat(kind);
            eat(&o.code);
            eat(&o.from.to_string());
            eat(&o.to.map(|d| d.to_string()).unwrap_or_default());
        }
    }
    for e in &raw.events {
        eat(&e.id);
        eat(&e.date.to_string());
        eat(&e.to);
        for f in &e.from {
            eat(f);
        }
    }
    format!("{h:016x}")
}
