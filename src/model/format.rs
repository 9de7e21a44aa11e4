//! The snapshot file format, version 1: serde types that mirror the RON file.
//!
//! These types are what a person reads and edits. They carry codes as strings; the
//! loader ([`super::load`]) checks them and lifts them into a [`super::Snapshot`] with
//! typed ids. The format is documented in `assets/FORMAT.md`.

use serde::{Deserialize, Serialize};

use super::{Date, FinancialYear, Provenance};

/// The only format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole snapshot file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSnapshot {
    /// Format version; must be 1.
    pub format: u32,
    /// Shown in the window title.
    pub title: String,
    /// What the snapshot covers, in a sentence or two.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The day the record runs to: the last day its sources were checked. The
    /// timeline, counts and charts run to it; absent, they run to the last day the
    /// record names.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub as_at: Option<Date>,
    /// Every source key that figures and relations cite.
    #[serde(default)]
    pub sources: Vec<RawSource>,
    /// NHS England regions.
    #[serde(default)]
    pub regions: Vec<RawOrg>,
    /// STPs / ICSs.
    #[serde(default)]
    pub systems: Vec<RawOrg>,
    /// Integrated care boards.
    #[serde(default)]
    pub icbs: Vec<RawOrg>,
    /// Sub-ICB locations.
    #[serde(default)]
    pub sub_icb_locations: Vec<RawOrg>,
    /// Clinical commissioning groups.
    #[serde(default)]
    pub ccgs: Vec<RawOrg>,
    /// Places (upper-tier local authorities).
    #[serde(default)]
    pub places: Vec<RawOrg>,
    /// Neighbourhoods (primary care networks).
    #[serde(default)]
    pub neighbourhoods: Vec<RawOrg>,
    /// System in region.
    #[serde(default)]
    pub system_regions: Vec<RawLink>,
    /// ICB in region.
    #[serde(default)]
    pub icb_regions: Vec<RawLink>,
    /// CCG in system.
    #[serde(default)]
    pub ccg_systems: Vec<RawLink>,
    /// Sub-ICB location in ICB.
    #[serde(default)]
    pub sub_icb_icbs: Vec<RawLink>,
    /// ICB of an integrated care system (from 1 July 2022 each ICS has one ICB).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub icb_systems: Vec<RawLink>,
    /// Neighbourhood in CCG.
    #[serde(default)]
    pub neighbourhood_ccgs: Vec<RawLink>,
    /// Neighbourhood in sub-ICB location.
    #[serde(default)]
    pub neighbourhood_sub_icbs: Vec<RawLink>,
    /// CCG serving a place, with the share of the place it serves.
    #[serde(default)]
    pub ccg_places: Vec<RawShare>,
    /// Sub-ICB location serving a place.
    #[serde(default)]
    pub sub_icb_places: Vec<RawShare>,
    /// Neighbourhood in a place, with the share of the neighbourhood that lies there.
    #[serde(default)]
    pub neighbourhood_places: Vec<RawShare>,
    /// Organisational changes in date order.
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// Informal shared management between CCGs (shared accountable officer, one team).
    #[serde(default)]
    pub shared_management: Vec<RawArrangement>,
    /// Running-cost money: allowances, published figures, the target, model parameters.
    #[serde(default)]
    pub money: RawMoney,
    /// Running costs of integrated care boards (from July 2022): allowances, rules and
    /// what was not found. Kept apart from the CCG era's `money`, never mixed with it.
    #[serde(default, skip_serializing_if = "RawIcbMoney::is_empty")]
    pub icb_money: RawIcbMoney,
    /// Notes pinned to the charts where they belong.
    #[serde(default)]
    pub annotations: Vec<RawAnnotation>,
}

impl RawSnapshot {
    /// Every list of organisations with its kind, widest first.
    pub fn org_lists(&self) -> [(super::OrgKind, &Vec<RawOrg>); 7] {
        use super::OrgKind as K;
        [
            (K::Region, &self.regions),
            (K::System, &self.systems),
            (K::Icb, &self.icbs),
            (K::SubIcb, &self.sub_icb_locations),
            (K::Ccg, &self.ccgs),
            (K::Place, &self.places),
            (K::Neighbourhood, &self.neighbourhoods),
        ]
    }

    /// Every list of memberships (one organisation in another) with its kind.
    pub fn link_lists(&self) -> [(super::LinkKind, &Vec<RawLink>); 7] {
        use super::LinkKind as K;
        [
            (K::SystemRegion, &self.system_regions),
            (K::IcbRegion, &self.icb_regions),
            (K::CcgSystem, &self.ccg_systems),
            (K::SubIcbIcb, &self.sub_icb_icbs),
            (K::IcbSystem, &self.icb_systems),
            (K::NeighbourhoodCcg, &self.neighbourhood_ccgs),
            (K::NeighbourhoodSubIcb, &self.neighbourhood_sub_icbs),
        ]
    }

    /// Every list of shares (a commissioner serving part of a place) with its kind.
    pub fn share_lists(&self) -> [(super::LinkKind, &Vec<RawShare>); 3] {
        use super::LinkKind as K;
        [
            (K::CcgPlace, &self.ccg_places),
            (K::SubIcbPlace, &self.sub_icb_places),
            (K::NeighbourhoodPlace, &self.neighbourhood_places),
        ]
    }
}

/// What kind of informal arrangement CCGs had.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum ArrangementKind {
    /// One accountable officer (chief officer) for all the CCGs.
    #[default]
    SharedAccountableOfficer,
    /// A shared management or executive team.
    SingleManagementTeam,
    /// A joint committee with delegated decisions (no shared leadership implied).
    JointCommittee,
    /// ICBs under one leadership team (a chair, a chief executive or an executive team
    /// shared), the clusters of 2025/26.
    LeadershipCluster,
}

impl ArrangementKind {
    /// A lower-case label for people.
    pub fn label(self) -> &'static str {
        match self {
            ArrangementKind::SharedAccountableOfficer => "shared accountable officer",
            ArrangementKind::SingleManagementTeam => "single management team",
            ArrangementKind::JointCommittee => "joint committee",
            ArrangementKind::LeadershipCluster => "leadership cluster",
        }
    }

    /// A few words for badges: `shared AO`, `shared team`, `joint committee`.
    pub fn short(self) -> &'static str {
        match self {
            ArrangementKind::SharedAccountableOfficer => "shared AO",
            ArrangementKind::SingleManagementTeam => "shared team",
            ArrangementKind::JointCommittee => "joint committee",
            ArrangementKind::LeadershipCluster => "cluster",
        }
    }

    /// Whether the members share leadership (and so fixed running costs).
    pub fn shares_management(self) -> bool {
        !matches!(self, ArrangementKind::JointCommittee)
    }
}

/// How precisely a date is known: the source gave a day, a month or only a year.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum DatePrecision {
    /// The day is known.
    #[default]
    Day,
    /// Only the month is known; the date is its first (or, for an end, last) day.
    Month,
    /// Only the year is known.
    Year,
}

impl DatePrecision {
    /// Whether the day is known.
    pub fn is_day(&self) -> bool {
        *self == DatePrecision::Day
    }

    /// `month only`, `year only`, or nothing for a known day.
    pub fn label(self) -> &'static str {
        match self {
            DatePrecision::Day => "",
            DatePrecision::Month => "month only",
            DatePrecision::Year => "year only",
        }
    }
}

/// Several CCGs keeping their statutory bodies but sharing leadership, over an interval.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrangement {
    /// Identifier, unique in the file (for example `SM001`).
    pub id: String,
    /// What was shared.
    pub kind: ArrangementKind,
    /// What the members are: CCGs (the default, left out) or ICBs (`Icb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_kind: Option<super::OrgKind>,
    /// The members whose leadership was shared (with `part_members`, at least two).
    pub members: Vec<String>,
    /// Bodies only part of whose area joined (an East of England cluster drawn on the
    /// future ICB footprints): shown with the arrangement, but their leadership team
    /// is the one they are a `member` of, so they are not counted in this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_members: Vec<String>,
    /// First day.
    #[serde(deserialize_with = "fast_date::one")]
    pub from: Date,
    /// Last day; absent while it still holds.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// How the start is known: `exact`, `month`, `year` or `inferred`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date_basis: String,
    /// How precisely `from` is known: a day (the default), a month or a year.
    #[serde(default, skip_serializing_if = "DatePrecision::is_day")]
    pub from_precision: DatePrecision,
    /// How precisely `to` is known.
    #[serde(default, skip_serializing_if = "DatePrecision::is_day")]
    pub to_precision: DatePrecision,
    /// The leader's title as the source gives it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub leader: String,
    /// How the arrangement is known, where the record says: published (confirmed in a
    /// primary source), reported (secondary sources only) or estimated (inferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Provenance>,
    /// Source key.
    pub source: String,
    /// Page addresses that show it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// Caveats.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Which chart an annotation belongs on.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum ChartKind {
    /// Running costs of a footprint by financial year.
    #[default]
    Costs,
    /// Savings by system.
    Savings,
    /// Number of CCGs over time.
    CcgCount,
}

/// A note pinned to a chart at a date.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnnotation {
    /// The chart.
    pub chart: ChartKind,
    /// The CCG whose footprint it belongs to; absent for England.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footprint: Option<String>,
    /// Where on the time axis.
    #[serde(deserialize_with = "fast_date::one")]
    pub date: Date,
    /// The note.
    pub text: String,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Figures the note gives, drawn as points at its date: on the CCG count chart,
    /// `ccg`, `leadership_teams`, `ccgs_sharing_leadership` or `shared_leadership_teams`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<RawPoint>,
}

/// A figure a note gives: which series of its chart, and the value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    /// The series (see [`RawAnnotation::points`]).
    pub series: String,
    /// The value.
    pub value: f64,
}

/// The series a point on the commissioning-bodies chart may name.
pub const COUNT_SERIES: [&str; 6] = [
    "ccg",
    "leadership_teams",
    "ccgs_sharing_leadership",
    "shared_leadership_teams",
    "icb",
    "icbs_sharing_leadership",
];

/// A source that figures cite by key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Short key, for example `ODS_SUCC`.
    pub key: String,
    /// What it is.
    pub title: String,
    /// Where it is (publication, repository and path, or web address).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
}

/// An organisation of any kind; the list it sits in gives the kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrg {
    /// The ODS code (ONS code for systems and places, which have no stable ODS code).
    pub code: String,
    /// The name, as last published.
    pub name: String,
    /// The ONS (GSS) code, where there is one confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ons: Option<String>,
    /// ONS (GSS) codes over time, each with its basis, where the code changed or is not
    /// confirmed (a 2026 code seen only in third-party code is `Reported`; a code
    /// assumed unchanged is `Estimated`). A day no entry covers has no known code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ons_codes: Vec<RawCode>,
    /// First day of life.
    #[serde(deserialize_with = "fast_date::one")]
    pub from: Date,
    /// Last day of life; absent while it still exists.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// Population, with its date and source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<RawPopulation>,
    /// The first day a body with this name and area existed, when the record uses the
    /// name and area for earlier days too (places are April 2021 councils in every era).
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub named_from: Option<Date>,
    /// Anything a reader should know (estimated dates, name variants).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A code valid over an interval, with how it is known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCode {
    /// The code.
    pub code: String,
    /// First day.
    #[serde(deserialize_with = "fast_date::one")]
    pub from: Date,
    /// Last day; absent while it still holds.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// Published (confirmed), reported, estimated (assumed or inferred).
    pub basis: Provenance,
    /// Source key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Why it is not confirmed, or anything else a reader should know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A population figure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Number of people (registered patients for CCGs and PCNs).
    pub count: i64,
    /// The day the figure refers to (the start of its period).
    #[serde(deserialize_with = "fast_date::one")]
    pub as_at: Date,
    /// The period as the source states it, when it is not a single day.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub period: String,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
}

/// Membership of one organisation in another over an interval.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// The member's code.
    pub member: String,
    /// The code of what it belongs to.
    pub of: String,
    /// First day.
    #[serde(deserialize_with = "fast_date::one")]
    pub from: Date,
    /// Last day; absent while it still holds.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// Where it comes from, when not published directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Provenance>,
    /// Source key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// A share: an organisation covering part of a place, over an interval.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShare {
    /// The serving organisation (CCG, sub-ICB location or neighbourhood).
    pub by: String,
    /// The place's code.
    pub place: String,
    /// For commissioners: the share of the place they serve (shares per place sum to 1).
    /// For neighbourhoods: the share of the neighbourhood inside the place.
    pub share: f64,
    /// First day.
    #[serde(deserialize_with = "fast_date::one")]
    pub from: Date,
    /// Last day; absent while it still holds.
    #[serde(
        default,
        deserialize_with = "fast_date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Caveats for this cell.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// What an event does.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum EventKind {
    /// A CCG is established (`to`).
    #[default]
    Establish,
    /// CCGs (`from`) merge into a new CCG (`to`).
    Merge,
    /// A CCG's (`to`) boundary changes.
    BoundaryChange,
    /// A CCG (`to`) takes a new name (`name`).
    Rename,
    /// CCGs (`from`) are abolished; their areas become sub-ICB locations of an ICB (`to`).
    AbolishIntoIcb,
    /// One organisation (`from`) ends and part of it, `share` of its population, passes
    /// to `to` (new that day, or one that carries on and gains the area). Every split of
    /// an organisation on a day together passes on all of it.
    Split,
}

impl EventKind {
    /// A lower-case label for people.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Establish => "established",
            EventKind::Merge => "merger",
            EventKind::BoundaryChange => "boundary change",
            EventKind::Rename => "rename",
            EventKind::AbolishIntoIcb => "abolished into ICB",
            EventKind::Split => "split",
        }
    }
}

/// An organisational change on a day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// Identifier, unique in the file (for example `E001`).
    pub id: String,
    /// The day it takes effect.
    #[serde(deserialize_with = "fast_date::one")]
    pub date: Date,
    /// What happens.
    pub kind: EventKind,
    /// The organisations that end (merge, abolish, split).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// The organisation created or changed (a CCG; for an abolition, the ICB).
    pub to: String,
    /// What `to` is, where it is not the usual: a boundary change, rename or split of a
    /// sub-ICB location says `to_kind: SubIcb`; a merger, split, boundary change or
    /// rename of ICBs says `to_kind: Icb`. A merger's or split's `from` are of the same
    /// kind as its `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_kind: Option<super::OrgKind>,
    /// The name of `to` after the event.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// For a split: the share of `from` (by population) that passes to `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// How the date is known: `exact`, or why it is inferred.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date_basis: String,
    /// How the event is known, where the record says: published (confirmed in a
    /// primary source), reported, estimated (inferred) or derived (a share worked out
    /// from published counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Provenance>,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Anything else a reader should know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Money: the running-cost allowance and what is known of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoney {
    /// Running-cost allowance per head of population, by financial year.
    #[serde(default)]
    pub allowance_per_head: Vec<RawYearAmount>,
    /// National CCG running-cost allowance total, by financial year.
    #[serde(default)]
    pub national_totals: Vec<RawYearAmount>,
    /// The reduction target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<RawTarget>,
    /// Published figures for organisations.
    #[serde(default)]
    pub figures: Vec<RawFigure>,
    /// Parameters of the cost model, for users to see and change.
    #[serde(default)]
    pub parameters: Vec<RawParameter>,
}

/// Running costs of integrated care boards: what was published or reported, the
/// rules, and what was looked for and not found. Codes are ICB codes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIcbMoney {
    /// Figures for one or more ICBs (`orgs`; none for England), with their basis: the
    /// allowances published in draft for 2024/25, a reported total, local figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<RawFigure>,
    /// The rules: the 30% real-terms cut, the 50% cut, the per-head envelope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<RawIcbTarget>,
    /// Figures looked for and not found or not read: said so, never invented.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<RawGap>,
}

impl RawIcbMoney {
    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty() && self.targets.is_empty() && self.gaps.is_empty()
    }
}

/// A running-cost rule for ICBs: a cut from a baseline, or an envelope per head.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIcbTarget {
    /// Identifier, unique among the targets (`ICB_30`).
    pub id: String,
    /// What it is called: `30% real-terms cut in the running cost allowance`.
    pub name: String,
    /// The cut as a fraction (0.3 for 30%), for a cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<f64>,
    /// Pounds per head, for an envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gbp_per_head: Option<f64>,
    /// What it applies to: `each ICB's running cost allowance (RCA), real terms`.
    pub scope: String,
    /// The year the cut is measured from, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_year: Option<FinancialYear>,
    /// How the baseline year is known (`Estimated` when inferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_basis: Option<Provenance>,
    /// The year by which it is due.
    pub target_year: FinancialYear,
    /// The deadline in words: `end of Q3 2025/26 (December 2025)`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deadline: String,
    /// How the rule is known.
    pub basis: Provenance,
    /// Source keys.
    pub source: String,
    /// Whether its figures can be set beside the running cost allowance. An envelope
    /// that also covers programme pay cannot.
    #[serde(default)]
    pub comparable_with_allowance: bool,
    /// What a chart must say beside it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caveat: String,
    /// Anything else.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A figure looked for and not found (or found published but not read).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGap {
    /// The ICB codes it concerns (none for England).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    /// The financial year, where it is one whole year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<FinancialYear>,
    /// The period as written (`2023/24-2025/26`).
    pub period: String,
    /// What is missing.
    pub what: String,
    /// `published, not read` or `not found`.
    pub status: String,
    /// Source keys, where a publication is known to exist.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Anything else.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// An amount in pounds for a financial year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawYearAmount {
    /// The financial year.
    pub year: FinancialYear,
    /// Pounds.
    pub gbp: f64,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Caveats.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The running-cost reduction target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// The cut as a fraction (0.2 for 20%).
    pub cut: f64,
    /// The year the cut is measured against.
    pub baseline_year: FinancialYear,
    /// The year by which the cut is due.
    pub target_year: FinancialYear,
    /// Source key.
    pub source: String,
    /// How to describe it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A published money figure for one or more organisations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFigure {
    /// The codes the figure covers: CCGs in `money`, ICBs in `icb_money` (empty for
    /// an illustrative or national figure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    /// The financial year, where the period is one whole year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<FinancialYear>,
    /// The period as published (may span years or be approximate).
    pub period: String,
    /// What was measured (for example `rca`).
    pub metric: String,
    /// Pounds, where the figure is an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gbp: Option<f64>,
    /// Pounds per head, where the figure is a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gbp_per_head: Option<f64>,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Caveats.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A named model parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    /// Identifier, for example `fixed_cost_per_body_gbp`.
    pub name: String,
    /// The value.
    pub value: f64,
    /// What it means and why this value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Only the version, read before anything else so that a future format gets a clear
/// message rather than a list of unknown fields.
#[derive(Deserialize)]
pub(crate) struct RawHeader {
    #[serde(default)]
    pub format: Option<u32>,
}

/// Reads a date written `YYYY-MM-DD`, as every date of a snapshot is read.
pub(crate) fn read_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    fast_date::one(d)
}

/// Reading dates, a tenth of all parsing: `YYYY-MM-DD` directly, anything else through
/// chrono's own parser, so that its messages for bad dates stay the same.
mod fast_date {
    use serde::{Deserialize, Deserializer};

    use crate::model::Date;

    struct Fast(Date);

    impl<'de> Deserialize<'de> for Fast {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl serde::de::Visitor<'_> for V {
                type Value = Fast;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a date written YYYY-MM-DD")
                }
                fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Fast, E> {
                    if let Some(d) = ymd(s.as_bytes()) {
                        return Ok(Fast(d));
                    }
                    s.parse::<Date>().map(Fast).map_err(E::custom)
                }
            }
            d.deserialize_str(V)
        }
    }

    /// A well-formed, real `YYYY-MM-DD`; `None` for everything else.
    fn ymd(b: &[u8]) -> Option<Date> {
        let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else {
            return None;
        };
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = |x: &[u8]| x.iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        let year = i32::try_from(n(&digits[..4])).ok()?;
        Date::from_ymd_opt(year, n(&digits[4..6]), n(&digits[6..]))
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        Fast::deserialize(d).map(|f| f.0)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<Fast>::deserialize(d).map(|o| o.map(|f| f.0))
    }

    #[cfg(test)]
    mod tests {
        use super::ymd;

        #[test]
        fn reads_real_days_and_leaves_the_rest_to_chrono() {
            assert_eq!(ymd(b"2019-04-01"), Date::from_ymd_opt(2019, 4, 1));
            assert_eq!(ymd(b"2020-02-29"), Date::from_ymd_opt(2020, 2, 29));
            for bad in [
                "2019-02-30",
                "2019-13-01",
                "2019-4-01",
                "2019/04/01",
                "",
                "20190-04-01",
            ] {
                assert_eq!(ymd(bad.as_bytes()), None, "{bad}");
            }
        }

        use crate::model::Date;
    }
}
