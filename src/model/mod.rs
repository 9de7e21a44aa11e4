//! The model layer: snapshot format, loading, validation and the timeline engine.
//!
//! Nothing here depends on egui; the window, the CLI, the tests and the benchmarks all
//! drive the same types.

pub mod compare;
pub mod costs;
pub mod dates;
pub mod document;
pub mod fast_ron;
pub mod flow;
pub mod format;
pub mod icb_costs;
pub mod load;
pub mod locate;
pub mod scenario;
pub mod sharing;
pub mod snapshot;
pub mod text;
pub mod timeline;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use load::{LoadError, Problem, Severity, load_str};
pub use snapshot::{Link, LinkId, LinkKind, Org, OrgId, Snapshot};
pub use timeline::{Counts, Lineage, State, Timeline, Tree};

/// A calendar day. Organisation changes take effect on a day.
pub type Date = chrono::NaiveDate;

/// The last representable day, used for open-ended intervals.
pub const FOREVER: Date = chrono::NaiveDate::MAX;

/// The kinds of organisation a snapshot holds, from the widest to the narrowest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrgKind {
    /// NHS England region.
    Region,
    /// Sustainability and transformation partnership, later integrated care system.
    System,
    /// Integrated care board (from 1 July 2022).
    Icb,
    /// Sub-ICB location (an old CCG area inside an ICB, from 1 July 2022).
    SubIcb,
    /// Clinical commissioning group.
    Ccg,
    /// Place: an upper-tier local authority area.
    Place,
    /// Neighbourhood: a primary care network.
    Neighbourhood,
}

impl OrgKind {
    /// Every kind, widest first.
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Region,
        OrgKind::System,
        OrgKind::Icb,
        OrgKind::SubIcb,
        OrgKind::Ccg,
        OrgKind::Place,
        OrgKind::Neighbourhood,
    ];

    /// A short label for people, in sentence case.
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Region => "NHS region",
            OrgKind::System => "STP/ICS",
            OrgKind::Icb => "ICB",
            OrgKind::SubIcb => "sub-ICB location",
            OrgKind::Ccg => "CCG",
            OrgKind::Place => "place",
            OrgKind::Neighbourhood => "neighbourhood (PCN)",
        }
    }

    /// The name of the list that holds this kind in a snapshot file.
    pub fn section(self) -> &'static str {
        match self {
            OrgKind::Region => "regions",
            OrgKind::System => "systems",
            OrgKind::Icb => "icbs",
            OrgKind::SubIcb => "sub_icb_locations",
            OrgKind::Ccg => "ccgs",
            OrgKind::Place => "places",
            OrgKind::Neighbourhood => "neighbourhoods",
        }
    }

    /// Index into [`OrgKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A figure with its basis, which travel together: a `Based` cannot be made, nor an
/// `Option<Based>` be half there, without saying how the figure is known. (The ICB
/// era's yearly figures and England's national totals use it; the CCG era's yearly
/// figures still carry a basis field beside each figure.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Based {
    /// The figure (pounds, people).
    pub value: f64,
    /// How it is known.
    pub basis: Provenance,
}

impl Based {
    /// `value`, known by `basis`.
    pub fn new(value: f64, basis: Provenance) -> Self {
        Based { value, basis }
    }

    /// The output of a model: the envelope, the 50% level.
    pub fn modelled(value: f64) -> Self {
        Based::new(value, Provenance::Modelled)
    }
}

/// Where a figure comes from. Everything that is not published is labelled as such,
/// in the file and on screen.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Provenance {
    /// Stated directly by the cited source.
    #[default]
    Published,
    /// Arithmetic on published figures (for example a sum of predecessors).
    Derived,
    /// An estimate: a proxy, an overlay, a carried-back value.
    Estimated,
    /// The output of a model whose parameters are in the snapshot.
    Modelled,
    /// A claim made in an article or report, not checked against a primary source.
    Reported,
}

impl Provenance {
    /// A short lower-case label, for tables and tooltips.
    pub fn label(self) -> &'static str {
        match self {
            Provenance::Published => "published",
            Provenance::Derived => "derived",
            Provenance::Estimated => "estimated",
            Provenance::Modelled => "modelled",
            Provenance::Reported => "reported",
        }
    }

    /// Every basis, in order.
    pub const ALL: [Provenance; 5] = [
        Provenance::Published,
        Provenance::Derived,
        Provenance::Estimated,
        Provenance::Modelled,
        Provenance::Reported,
    ];

    /// Whether the figure is stated directly by its source.
    pub fn is_published(self) -> bool {
        self == Provenance::Published
    }

    /// What the basis means, in a sentence, for legends and tooltips.
    pub fn explain(self) -> &'static str {
        match self {
            Provenance::Published => "stated directly by the cited source",
            Provenance::Derived => "arithmetic on published figures (a sum, a share of counts)",
            Provenance::Estimated => "an estimate: a proxy, an overlay or a carried value",
            Provenance::Modelled => {
                "the output of the cost model, whose parameters are in the snapshot"
            }
            Provenance::Reported => {
                "a claim in an article or report, not checked against a primary source"
            }
        }
    }
}

/// The mark shown before a figure or relation that is not published: `≈`.
pub const APPROX: &str = "≈";

/// Shares at least this large are shown as the whole place.
pub const FULL_SHARE: f64 = 0.9995;

/// Whether a share is shown with `≈`: an estimate (at any share), or a derived share
/// of part of a place. A derived 100% (every LSOA of the place) is shown plainly.
pub fn approx_share(basis: Provenance, share: f64) -> bool {
    match basis {
        Provenance::Published => false,
        Provenance::Derived => share < FULL_SHARE,
        _ => true,
    }
}

/// `≈` for anything not published, nothing for published figures.
pub fn approx_mark(basis: Provenance) -> &'static str {
    if basis.is_published() { "" } else { APPROX }
}

/// A financial year, 1 April to 31 March, written `2019/20`. Holds the starting year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// The financial year that contains `date`.
    pub fn containing(date: Date) -> Self {
        use chrono::Datelike;
        if date.month() >= 4 {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }

    /// 1 April of the starting year.
    pub fn start(self) -> Option<Date> {
        Date::from_ymd_opt(self.0, 4, 1)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl std::str::FromStr for FinancialYear {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a financial year; write it like 2019/20");
        let (a, b) = s.trim().split_once('/').ok_or_else(bad)?;
        let start: i32 = a.parse().map_err(|_| bad())?;
        let end: i32 = b.parse().map_err(|_| bad())?;
        if a.len() != 4 || b.len() != 2 || (start + 1).rem_euclid(100) != end {
            return Err(bad());
        }
        Ok(FinancialYear(start))
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Formats a count with thousands separators: `1,254`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun: `1 merger`, `18 mergers`, `1,254 neighbourhoods`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

/// Formats a date as people read it: `1 Apr 2019`.
pub fn human_date(date: Date) -> String {
    date.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financial_year_round_trips_and_rejects_nonsense() {
        let fy: FinancialYear = "2019/20".parse().unwrap();
        assert_eq!(fy, FinancialYear(2019));
        assert_eq!(fy.to_string(), "2019/20");
        assert_eq!(FinancialYear(1999).to_string(), "1999/00");
        assert!("2019/21".parse::<FinancialYear>().is_err());
        assert!("2019".parse::<FinancialYear>().is_err());
        let d = Date::from_ymd_opt(2020, 3, 31).unwrap();
        assert_eq!(FinancialYear::containing(d), FinancialYear(2019));
    }
}
