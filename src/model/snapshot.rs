//! The validated snapshot: every organisation and relation with typed ids.
//!
//! Built only by [`super::load`], so code that holds a [`Snapshot`] can rely on every
//! reference resolving, every interval being ordered and every share being in range.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use super::format::{ArrangementKind, ChartKind, EventKind, RawIcbMoney, RawMoney, RawSource};
use super::{Date, FOREVER, OrgKind, Provenance};

/// Index of an organisation in [`Snapshot::orgs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(pub u32);

/// Index of a relation in [`Snapshot::links`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkId(pub u32);

impl OrgId {
    /// As a `usize` index.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

impl LinkId {
    /// As a `usize` index.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// A population figure with its date and source.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Number of people.
    pub count: u64,
    /// The day it refers to.
    pub as_at: Date,
    /// The period as published, when not a single day.
    pub period: String,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
}

/// An ONS (GSS) code over an interval, with how it is known.
#[derive(Clone, Debug, PartialEq)]
pub struct OnsCode {
    /// The code.
    pub code: String,
    /// First day.
    pub from: Date,
    /// Last day, or [`FOREVER`].
    pub to: Date,
    /// Published (confirmed), reported, or estimated (assumed unchanged, inferred).
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Why it is not confirmed, or anything else.
    pub note: String,
}

/// An organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Org {
    /// What kind it is.
    pub kind: OrgKind,
    /// Its code (unique within its kind).
    pub code: String,
    /// Its name, as last published.
    pub name: String,
    /// ONS (GSS) code, where there is one confirmed.
    pub ons: Option<String>,
    /// ONS codes over time with their bases, where the record gives them (a code that
    /// changed, or one not confirmed); see [`Org::ons_on`].
    pub ons_codes: Vec<OnsCode>,
    /// First day.
    pub from: Date,
    /// Last day, or [`FOREVER`].
    pub to: Date,
    /// Population, where known.
    pub population: Option<Population>,
    /// The first day a body with this name and area existed, when the record uses them
    /// for earlier days too (a council created after 2013, shown on its 2021 area).
    pub named_from: Option<Date>,
    /// Notes.
    pub note: String,
    /// Names it took on later (its rename events, by date): the day, the new name and
    /// how it is known. See [`Org::name_on`].
    pub renames: Vec<(Date, String, Option<Provenance>)>,
}

impl Org {
    /// Its name on `date`: the last it took on by then (a sub-ICB location renamed
    /// with its new ICB in April 2026), else `name`.
    pub fn name_on(&self, date: Date) -> &str {
        self.renames
            .iter()
            .rev()
            .find(|(d, _, _)| *d <= date)
            .map(|(_, n, _)| n.as_str())
            .unwrap_or(&self.name)
    }

    /// `NHS Central East ICB - M1J4Y (M1J4Y)` on a day from April 2026.
    pub fn label_on(&self, date: Date) -> String {
        format!("{} ({})", self.name_on(date), self.code)
    }

    /// How its name on `date` is known, when it came from a rename that says.
    pub fn name_basis_on(&self, date: Date) -> Option<Provenance> {
        self.renames
            .iter()
            .rev()
            .find(|(d, _, _)| *d <= date)
            .and_then(|(_, _, b)| *b)
    }

    /// Whether it exists on `date`.
    pub fn alive_on(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// The ONS code on `date` and its basis: from `ons_codes` when the record gives
    /// them (`None` on a day none covers: no code known), else the confirmed `ons`.
    pub fn ons_on(&self, date: Date) -> Option<(&str, Provenance)> {
        if self.ons_codes.is_empty() {
            return self.ons.as_deref().map(|c| (c, Provenance::Published));
        }
        self.ons_codes
            .iter()
            .find(|c| c.from <= date && date <= c.to)
            .map(|c| (c.code.as_str(), c.basis))
    }

    /// `NHS Devon CCG (15N)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }

    /// Whether, on `date`, the record uses a name and area that came later (a council
    /// created after `date`, shown on its 2021 area).
    pub fn named_later(&self, date: Date) -> bool {
        self.named_from.is_some_and(|d| date < d)
    }

    /// What the name means before `named_from`:
    /// `the council of this name began on 1 Apr 2021; shown on its 2021 area`.
    pub fn named_later_note(&self) -> String {
        match self.named_from {
            Some(d) => format!(
                "the council of this name began on {}; shown on its 2021 area",
                super::human_date(d)
            ),
            None => String::new(),
        }
    }
}

/// What a relation means. The first organisation is the member or the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    /// System in region.
    SystemRegion,
    /// ICB in region.
    IcbRegion,
    /// CCG in system.
    CcgSystem,
    /// Sub-ICB location in ICB.
    SubIcbIcb,
    /// ICB of an integrated care system.
    IcbSystem,
    /// Neighbourhood in CCG.
    NeighbourhoodCcg,
    /// Neighbourhood in sub-ICB location.
    NeighbourhoodSubIcb,
    /// CCG serving a place (share of the place).
    CcgPlace,
    /// Sub-ICB location serving a place (share of the place).
    SubIcbPlace,
    /// Neighbourhood in a place (share of the neighbourhood).
    NeighbourhoodPlace,
}

impl LinkKind {
    /// Every kind, in file order.
    pub const ALL: [LinkKind; 10] = [
        LinkKind::SystemRegion,
        LinkKind::IcbRegion,
        LinkKind::CcgSystem,
        LinkKind::SubIcbIcb,
        LinkKind::IcbSystem,
        LinkKind::NeighbourhoodCcg,
        LinkKind::NeighbourhoodSubIcb,
        LinkKind::CcgPlace,
        LinkKind::SubIcbPlace,
        LinkKind::NeighbourhoodPlace,
    ];

    /// The kinds of the two ends.
    pub fn ends(self) -> (OrgKind, OrgKind) {
        match self {
            LinkKind::SystemRegion => (OrgKind::System, OrgKind::Region),
            LinkKind::IcbRegion => (OrgKind::Icb, OrgKind::Region),
            LinkKind::CcgSystem => (OrgKind::Ccg, OrgKind::System),
            LinkKind::SubIcbIcb => (OrgKind::SubIcb, OrgKind::Icb),
            LinkKind::IcbSystem => (OrgKind::Icb, OrgKind::System),
            LinkKind::NeighbourhoodCcg => (OrgKind::Neighbourhood, OrgKind::Ccg),
            LinkKind::NeighbourhoodSubIcb => (OrgKind::Neighbourhood, OrgKind::SubIcb),
            LinkKind::CcgPlace => (OrgKind::Ccg, OrgKind::Place),
            LinkKind::SubIcbPlace => (OrgKind::SubIcb, OrgKind::Place),
            LinkKind::NeighbourhoodPlace => (OrgKind::Neighbourhood, OrgKind::Place),
        }
    }

    /// The name of the list that holds this kind in a snapshot file.
    pub fn section(self) -> &'static str {
        match self {
            LinkKind::SystemRegion => "system_regions",
            LinkKind::IcbRegion => "icb_regions",
            LinkKind::CcgSystem => "ccg_systems",
            LinkKind::SubIcbIcb => "sub_icb_icbs",
            LinkKind::IcbSystem => "icb_systems",
            LinkKind::NeighbourhoodCcg => "neighbourhood_ccgs",
            LinkKind::NeighbourhoodSubIcb => "neighbourhood_sub_icbs",
            LinkKind::CcgPlace => "ccg_places",
            LinkKind::SubIcbPlace => "sub_icb_places",
            LinkKind::NeighbourhoodPlace => "neighbourhood_places",
        }
    }

    /// Whether this is a commissioner serving a place (shares per place sum to 1).
    pub fn serves_place(self) -> bool {
        matches!(self, LinkKind::CcgPlace | LinkKind::SubIcbPlace)
    }
}

/// A relation between two organisations over an interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// What it means.
    pub kind: LinkKind,
    /// The member or server.
    pub a: OrgId,
    /// The group or the place.
    pub b: OrgId,
    /// First day.
    pub from: Date,
    /// Last day, or [`FOREVER`].
    pub to: Date,
    /// The share, for place relations; 1 for memberships.
    pub share: f64,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key (may be empty for memberships read from the published record).
    pub source: String,
    /// Caveats.
    pub note: String,
}

impl Link {
    /// Whether it holds on `date`.
    pub fn holds_on(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// An organisational change.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Identifier from the file.
    pub id: String,
    /// The day it takes effect.
    pub date: Date,
    /// What happens.
    pub kind: EventKind,
    /// The organisations that end.
    pub from: Vec<OrgId>,
    /// The organisation created or changed.
    pub to: OrgId,
    /// The name of `to` after the event.
    pub name: String,
    /// For a split: the share of `from` passing to `to`.
    pub share: Option<f64>,
    /// How the date is known.
    pub date_basis: String,
    /// How the event is known, where the record says.
    pub basis: Option<Provenance>,
    /// Where it comes from.
    pub source: String,
    /// Notes.
    pub note: String,
}

impl Event {
    /// Whether it ends its `from` organisations (a merger, an abolition, a split).
    pub fn ends_from(&self) -> bool {
        matches!(
            self.kind,
            EventKind::Merge | EventKind::AbolishIntoIcb | EventKind::Split
        )
    }

    /// The share of each `from` passing to `to`: a split's share, else the whole.
    pub fn passing_share(&self) -> f64 {
        match self.kind {
            EventKind::Split => self.share.unwrap_or(1.0),
            _ => 1.0,
        }
    }
}

/// Several CCGs (or ICBs) sharing leadership over an interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrangement {
    /// Identifier from the file.
    pub id: String,
    /// What was shared.
    pub kind: ArrangementKind,
    /// What the members are: CCGs or ICBs.
    pub member_kind: OrgKind,
    /// The members whose leadership was shared.
    pub members: Vec<OrgId>,
    /// Bodies only part of whose area joined: shown, not counted in the team.
    pub part_members: Vec<OrgId>,
    /// First day.
    pub from: Date,
    /// Last day, or [`FOREVER`].
    pub to: Date,
    /// How the start is known.
    pub date_basis: String,
    /// How precisely `from` is known.
    pub from_precision: super::format::DatePrecision,
    /// How precisely `to` is known.
    pub to_precision: super::format::DatePrecision,
    /// The leader's title.
    pub leader: String,
    /// How it is known, where the record says.
    pub basis: Option<Provenance>,
    /// Source key.
    pub source: String,
    /// Page addresses.
    pub evidence: String,
    /// Caveats.
    pub note: String,
}

impl Arrangement {
    /// Whether it holds on `date`.
    pub fn holds_on(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// Whether it joins more than one body (members and part members together).
    pub fn joins_several(&self) -> bool {
        self.members.len() + self.part_members.len() > 1
    }

    /// Every body it names: members, then part members.
    pub fn everyone(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.members.iter().chain(&self.part_members).copied()
    }
}

/// A note pinned to a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// The chart.
    pub chart: ChartKind,
    /// The CCG whose footprint it belongs to; `None` for England.
    pub footprint: Option<OrgId>,
    /// Where on the time axis.
    pub date: Date,
    /// The note.
    pub text: String,
    /// Published, derived, estimated or modelled.
    pub basis: Provenance,
    /// Source key.
    pub source: String,
    /// Figures it gives: (series, value).
    pub points: Vec<(String, f64)>,
}

/// Organisations by kind and code. The codes are short and come from the file, so a
/// fast hash (FxHash) is used; nothing iterates the map, so its order shows nowhere.
pub(crate) type ByCode = rustc_hash::FxHashMap<(OrgKind, String), OrgId>;

/// The organisation of `kind` with `code` in `by_code`, looked up without building a
/// `String` for the key.
pub(crate) fn find_code(by_code: &ByCode, kind: OrgKind, code: &str) -> Option<OrgId> {
    by_code.get(&(kind, code) as &dyn KindCode).copied()
}

/// A `(kind, code)` key, owned or borrowed: the map's keys borrow as this, so a
/// borrowed one finds them. Both hash as the tuple `(OrgKind, &str)` does, which is how
/// `(OrgKind, String)` hashes.
trait KindCode {
    fn key(&self) -> (OrgKind, &str);
}

impl KindCode for (OrgKind, String) {
    fn key(&self) -> (OrgKind, &str) {
        (self.0, &self.1)
    }
}

impl KindCode for (OrgKind, &str) {
    fn key(&self) -> (OrgKind, &str) {
        (self.0, self.1)
    }
}

impl<'a> Borrow<dyn KindCode + 'a> for (OrgKind, String) {
    fn borrow(&self) -> &(dyn KindCode + 'a) {
        self
    }
}

impl Hash for dyn KindCode + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialEq for dyn KindCode + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for dyn KindCode + '_ {}

/// A checked snapshot with typed ids.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Title from the file.
    pub title: String,
    /// Description from the file.
    pub description: String,
    /// The day the record runs to (its sources last checked), when the file says.
    pub as_at: Option<Date>,
    /// Sources, by key.
    pub sources: Vec<RawSource>,
    /// Every organisation; ids index this.
    pub orgs: Vec<Org>,
    /// Every relation; ids index this. Grouped by kind, in [`LinkKind::ALL`] order.
    pub links: Vec<Link>,
    /// Events sorted by date, then by file order.
    pub events: Vec<Event>,
    /// Shared management arrangements, by start date.
    pub arrangements: Vec<Arrangement>,
    /// Money, as in the file (references checked).
    pub money: RawMoney,
    /// ICB running costs, as in the file (references checked).
    pub icb_money: RawIcbMoney,
    /// Chart annotations.
    pub annotations: Vec<Annotation>,
    /// `(kind, code)` to id.
    pub(crate) by_code: ByCode,
    /// Relations touching each organisation, at either end.
    pub(crate) links_of: Vec<Vec<LinkId>>,
    /// [`Snapshot::span`], worked out once.
    pub(crate) span_once: std::sync::OnceLock<(Date, Date)>,
}

impl Snapshot {
    /// A snapshot with nothing in it.
    pub fn empty() -> Self {
        Snapshot {
            title: "Empty snapshot".to_string(),
            description: String::new(),
            as_at: None,
            sources: Vec::new(),
            orgs: Vec::new(),
            links: Vec::new(),
            events: Vec::new(),
            arrangements: Vec::new(),
            money: RawMoney::default(),
            icb_money: RawIcbMoney::default(),
            annotations: Vec::new(),
            by_code: ByCode::default(),
            links_of: Vec::new(),
            span_once: std::sync::OnceLock::new(),
        }
    }

    /// The organisation with this id.
    pub fn org(&self, id: OrgId) -> &Org {
        &self.orgs[id.ix()]
    }

    /// The relation with this id.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.ix()]
    }

    /// The arrangements at these indexes into [`Snapshot::arrangements`], in their
    /// order (as a leadership team or a lineage lists them).
    pub fn arrangements_at<'a>(
        &'a self,
        indexes: &'a [usize],
    ) -> impl Iterator<Item = &'a Arrangement> + 'a {
        indexes.iter().map(|i| &self.arrangements[*i])
    }

    /// The organisation of `kind` with `code`.
    pub fn find(&self, kind: OrgKind, code: &str) -> Option<OrgId> {
        find_code(&self.by_code, kind, code)
    }

    /// Every organisation with this code, CCGs first (a sub-ICB location keeps its CCG's
    /// code), then ICBs (a system formed in 2026 is keyed by its ICB's ODS code).
    pub fn find_any(&self, code: &str) -> Vec<OrgId> {
        let code = code.trim();
        let mut found: Vec<OrgId> = OrgKind::ALL
            .iter()
            .filter_map(|k| self.find(*k, code))
            .collect();
        if found.is_empty() {
            let upper = code.to_ascii_uppercase();
            if upper != code {
                found = OrgKind::ALL
                    .iter()
                    .filter_map(|k| self.find(*k, &upper))
                    .collect();
            }
        }
        found.sort_by_key(|id| {
            let k = self.org(*id).kind;
            (k != OrgKind::Ccg, k != OrgKind::Icb, k)
        });
        found
    }

    /// Relations touching `id`.
    pub fn links_of(&self, id: OrgId) -> impl Iterator<Item = (LinkId, &Link)> {
        self.links_of[id.ix()]
            .iter()
            .map(move |l| (*l, self.link(*l)))
    }

    /// The first and last day anything in the snapshot refers to.
    pub fn span(&self) -> (Date, Date) {
        *self.span_once.get_or_init(|| self.work_out_span())
    }

    fn work_out_span(&self) -> (Date, Date) {
        let first = self.orgs.iter().map(|o| o.from).min();
        let mut last = self
            .orgs
            .iter()
            .flat_map(|o| [Some(o.from), (o.to != FOREVER).then_some(o.to)])
            .chain(self.events.iter().map(|e| Some(e.date)))
            .flatten()
            .max();
        // The day after the last end, so that the state after it can be shown.
        if let Some(l) = last
            && self.orgs.iter().any(|o| o.to == l)
        {
            last = l.succ_opt();
        }
        // The record runs to its "as at" day when it names one.
        if let Some(a) = self.as_at {
            last = Some(last.map_or(a, |l| l.max(a)));
        }
        let first = first.unwrap_or(Date::MIN);
        (first, last.unwrap_or(first).max(first))
    }

    /// Number of organisations of each kind, ever.
    pub fn count_kind(&self, kind: OrgKind) -> usize {
        self.orgs.iter().filter(|o| o.kind == kind).count()
    }
}
