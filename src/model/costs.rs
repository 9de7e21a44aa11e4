//! The running-cost engine: allowances per CCG per financial year, footprint totals
//! that follow lineage, savings against the 2017/18 baseline and the gap to the target.
//!
//! Published figures are used where there are any; everything else is modelled, with
//! the parameters from the snapshot (`money.parameters`), and labelled so.
//!
//! The model (see `assets/FORMAT.md`, "Cost model"):
//! - Allowance of CCG *i* in year *y*: `per_head(y) × population_i(y) × scale`, where
//!   `population_i(y)` moves the CCG's population figure to 1 October of *y* at
//!   `population_growth_per_year`, and `scale` makes the modelled England total equal the
//!   published national total of `calibration_year`. Years with no published per-head
//!   figure are filled in: the 2019/20 cut is phased by `allowance_cut_phase_2019_20`,
//!   later years hold the last value.
//! - A footprint is a set of CCGs closed under mergers (a CCG with its predecessors and
//!   successors), so its area is the same in every year: its baseline is the sum of the
//!   2017/18 allowances of the CCGs that later formed it.
//! - Structural savings against the baseline: fixed costs (`fixed_cost_per_body_gbp` per
//!   statutory CCG; a group sharing management pays one full share and
//!   `1 - shared_management_fixed_saving` for each further member) fall as CCGs merge or
//!   share leaders; each merging CCG's area also saves `merger_back_office_saving` of the
//!   rest of its baseline. Both are multiplied by `merger_realisation`.
//! - The modelled running cost is the baseline less those savings; the gap to the target
//!   is what other actions had to find.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::format::{EventKind, RawFigure};
use super::snapshot::LinkKind;
use super::{Based, Date, FinancialYear, OrgId, OrgKind, Provenance, Snapshot, Timeline};

/// The model's parameters, read from `money.parameters` (defaults where absent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params {
    /// G: fixed cost of one statutory CCG.
    pub fixed_cost_per_body_gbp: f64,
    /// Share of G saved for each further member of a sharing group.
    pub shared_management_fixed_saving: f64,
    /// b: back-office saving on the rest of a merging CCG's baseline.
    pub merger_back_office_saving: f64,
    /// r: share of structural savings realised.
    pub merger_realisation: f64,
    /// Population growth per year.
    pub population_growth_per_year: f64,
    /// Share of the 2018/19 to 2020/21 allowance cut taken in 2019/20.
    pub allowance_cut_phase_2019_20: f64,
    /// The year whose national total calibrates the population scale.
    pub calibration_year: i32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            fixed_cost_per_body_gbp: 1_000_000.0,
            shared_management_fixed_saving: 0.6,
            merger_back_office_saving: 0.05,
            merger_realisation: 0.75,
            population_growth_per_year: 0.007,
            allowance_cut_phase_2019_20: 0.55,
            calibration_year: 2013,
        }
    }
}

impl Params {
    fn from_snapshot(s: &Snapshot) -> Self {
        let mut p = Params::default();
        for x in &s.money.parameters {
            let v = x.value;
            match x.name.as_str() {
                "fixed_cost_per_body_gbp" => p.fixed_cost_per_body_gbp = v,
                "shared_management_fixed_saving" => p.shared_management_fixed_saving = v,
                "merger_back_office_saving" => p.merger_back_office_saving = v,
                "merger_realisation" => p.merger_realisation = v,
                "population_growth_per_year" => p.population_growth_per_year = v,
                "allowance_cut_phase_2019_20" => p.allowance_cut_phase_2019_20 = v,
                "calibration_year" => p.calibration_year = v.round() as i32,
                _ => {}
            }
        }
        p
    }
}

/// A set of CCGs whose costs are added up: closed under mergers.
#[derive(Clone, Debug, PartialEq)]
pub struct Footprint {
    /// What it is called on screen: `England`, `Devon (E54000037)`.
    pub name: String,
    /// The organisation it was made from; `None` for England.
    pub org: Option<OrgId>,
    /// Merger components (indices into the model's components).
    components: Vec<usize>,
}

/// One financial year of a footprint.
#[derive(Clone, Debug, PartialEq)]
pub struct YearCost {
    /// The financial year, `2019/20`.
    pub year: String,
    /// The year's first calendar year.
    pub start_year: i32,
    /// CCGs of the footprint alive on 1 April.
    pub ccgs: usize,
    /// The running-cost allowance.
    pub allowance_gbp: f64,
    /// Published if every CCG's figure is published, else modelled.
    pub allowance_basis: Provenance,
    /// The footprint's 2017/18 allowance (the same in every row).
    pub baseline_gbp: f64,
    /// Baseline less the target cut.
    pub target_gbp: f64,
    /// Modelled savings from mergers and shared management since the baseline.
    pub structural_saving_gbp: f64,
    /// Before the baseline year the allowance; from it, the baseline less structural savings.
    pub modelled_cost_gbp: f64,
    /// Structural saving as a share of the baseline.
    pub saving_share: f64,
    /// Modelled cost less the target (positive: still above it).
    pub gap_gbp: f64,
    /// Basis of the baseline: published if every CCG's baseline-year allowance is.
    pub baseline_basis: Provenance,
    /// Basis of the target: derived from a published baseline, else modelled.
    pub target_basis: Provenance,
    /// Basis of the structural savings (always modelled).
    pub structural_saving_basis: Provenance,
    /// Basis of the modelled cost (the allowance's before the baseline year).
    pub modelled_cost_basis: Provenance,
    /// Basis of the gap to the target.
    pub gap_basis: Provenance,
    /// For England: the national total the snapshot gives for the year, if any.
    pub national_total: Option<NationalTotal>,
}

/// England's running costs in a year as the snapshot gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct NationalTotal {
    /// Pounds, with its basis (published, derived, estimated).
    pub gbp: Based,
    /// Its source key.
    pub source: String,
}

/// A reported claim about a footprint's running costs, from `money.figures`: the
/// CCG codes it covers, the period as given (`2018/19-2019/20`), what was claimed
/// (`claimed_running_cost_reduction`), pounds, its basis (always reported), source key
/// and caveats.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedFigure {
    /// The figure as the record gives it.
    pub raw: RawFigure,
    /// The source's title, where the snapshot lists it.
    pub source_title: String,
}

/// Per merger component, per year.
#[derive(Clone, Debug, Default)]
struct CompYear {
    ccgs: usize,
    allowance: f64,
    all_published: bool,
    fixed: f64,
    back_office: f64,
}

/// The cost model over one snapshot.
#[derive(Clone, Debug)]
pub struct CostModel {
    /// Parameters in use.
    pub params: Params,
    /// Financial years covered, ascending.
    pub years: Vec<FinancialYear>,
    /// Allowance per head by year, with its basis (filled-in years are modelled).
    pub per_head: Vec<(FinancialYear, f64, Provenance)>,
    /// The population scale from calibration.
    pub scale: f64,
    /// The target cut (0.2).
    pub cut: f64,
    /// Baseline year.
    pub baseline_year: FinancialYear,
    /// Target year.
    pub target_year: FinancialYear,
    /// The scenario laid over the snapshot, if any.
    pub scenario: Option<String>,
    /// Component of each organisation (CCGs only).
    component_of: Vec<Option<usize>>,
    /// Per component, per year index.
    table: Vec<Vec<CompYear>>,
    /// Per CCG, per year index: its allowance and whether published.
    allowance: HashMap<(OrgId, usize), (f64, bool)>,
    /// National totals from the snapshot, by year.
    national: BTreeMap<FinancialYear, NationalTotal>,
    /// Reported figures (`money.figures` with basis `Reported`) and the CCGs they cover.
    reported: Vec<(Vec<OrgId>, ReportedFigure)>,
}

fn mid_year(y: FinancialYear) -> Date {
    Date::from_ymd_opt(y.0, 10, 1).unwrap_or(Date::MIN)
}

fn start(y: FinancialYear) -> Date {
    y.start().unwrap_or(Date::MIN)
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut x = x;
    while parent[x] != r {
        let next = parent[x];
        parent[x] = r;
        x = next;
    }
    r
}

impl CostModel {
    /// Builds the model for a snapshot.
    pub fn new(tl: &Timeline) -> Self {
        let s = tl.snapshot();
        let params = Params::from_snapshot(s);
        let (cut, baseline_year, target_year) = match &s.money.target {
            Some(t) => (t.cut, t.baseline_year, t.target_year),
            None => (0.2, FinancialYear(2017), FinancialYear(2020)),
        };
        let ccgs: Vec<OrgId> = (0..s.orgs.len())
            .map(|i| OrgId(i as u32))
            .filter(|id| s.org(*id).kind == OrgKind::Ccg)
            .collect();

        // Years: every financial year that starts with CCGs alive.
        // Open-ended lives are normal: the years stop at the last day the record
        // refers to, never at the end of time.
        let (_, span_end) = s.span();
        let mut years: Vec<FinancialYear> = Vec::new();
        if let (Some(first), Some(last)) = (
            ccgs.iter().map(|c| s.org(*c).from).min(),
            ccgs.iter().map(|c| s.org(*c).to.min(span_end)).max(),
        ) {
            let mut y = FinancialYear::containing(first);
            while y.start().is_some_and(|d| d <= last) {
                // Whole years only: CCGs at both ends (none is modelled for the three
                // months of 2022/23 before ICBs took over).
                let end = FinancialYear(y.0 + 1).start().and_then(|d| d.pred_opt());
                if tl.counts_at(start(y)).ccg > 0 && end.is_some_and(|e| tl.counts_at(e).ccg > 0) {
                    years.push(y);
                }
                y = FinancialYear(y.0 + 1);
            }
        }

        let per_head = fill_per_head(s, &years, params.allowance_cut_phase_2019_20);
        let per_head_of: HashMap<FinancialYear, f64> =
            per_head.iter().map(|(y, v, _)| (*y, *v)).collect();

        // Populations moved to the middle of each year.
        let pop_at = |id: OrgId, y: FinancialYear| -> f64 {
            let Some(p) = &s.org(id).population else {
                return 0.0;
            };
            let dt = (mid_year(y) - p.as_at).num_days() as f64 / 365.25;
            p.count as f64 * (1.0 + params.population_growth_per_year).powf(dt)
        };
        let alive_at_start = |id: OrgId, y: FinancialYear| s.org(id).alive_on(start(y));

        // Calibration.
        let cal = FinancialYear(params.calibration_year);
        let national = s
            .money
            .national_totals
            .iter()
            .find(|t| t.year == cal)
            .map(|t| t.gbp);
        let raw_total: f64 = ccgs
            .iter()
            .filter(|c| alive_at_start(**c, cal))
            .map(|c| per_head_of.get(&cal).copied().unwrap_or(0.0) * pop_at(*c, cal))
            .sum();
        let scale = match national {
            Some(n) if raw_total > 0.0 => n / raw_total,
            _ => 1.0,
        };

        // Published allowances.
        let mut published: HashMap<(OrgId, FinancialYear), f64> = HashMap::new();
        for f in &s.money.figures {
            if f.metric == "rca"
                && f.orgs.len() == 1
                && let (Some(year), Some(gbp)) = (f.year, f.gbp)
                && let Some(id) = s.find(OrgKind::Ccg, &f.orgs[0])
            {
                published.insert((id, year), gbp);
            }
        }

        // Merger components.
        let mut parent: Vec<usize> = (0..s.orgs.len()).collect();
        for e in s.events.iter().filter(|e| e.kind == EventKind::Merge) {
            for f in &e.from {
                let (a, b) = (find(&mut parent, f.ix()), find(&mut parent, e.to.ix()));
                parent[a] = b;
            }
        }
        let mut comp_index: HashMap<usize, usize> = HashMap::new();
        let mut component_of = vec![None; s.orgs.len()];
        for c in &ccgs {
            let root = find(&mut parent, c.ix());
            let n = comp_index.len();
            let k = *comp_index.entry(root).or_insert(n);
            component_of[c.ix()] = Some(k);
        }
        let n_comp = comp_index.len();
        let mut table = vec![vec![CompYear::default(); years.len()]; n_comp];
        let mut allowance = HashMap::new();
        for (yi, y) in years.iter().enumerate() {
            let ph = per_head_of.get(y).copied().unwrap_or(0.0);
            for c in &ccgs {
                if !alive_at_start(*c, *y) {
                    continue;
                }
                let (a, is_pub) = match published.get(&(*c, *y)) {
                    Some(v) => (*v, true),
                    None => (ph * pop_at(*c, *y) * scale, false),
                };
                allowance.insert((*c, yi), (a, is_pub));
                if let Some(k) = component_of[c.ix()] {
                    let row = &mut table[k][yi];
                    if row.ccgs == 0 {
                        row.all_published = true;
                    }
                    row.ccgs += 1;
                    row.allowance += a;
                    row.all_published &= is_pub;
                }
            }
        }

        // Fixed costs: groups of CCGs sharing management at mid-year.
        let g = params.fixed_cost_per_body_gbp;
        let sm = params.shared_management_fixed_saving;
        for (yi, y) in years.iter().enumerate() {
            let day = mid_year(*y);
            let alive: Vec<OrgId> = ccgs
                .iter()
                .copied()
                .filter(|c| s.org(*c).alive_on(day))
                .collect();
            for team in super::sharing::teams(s, day, alive) {
                let m = team.ccgs.len() as f64;
                let share = (g + (m - 1.0) * (1.0 - sm) * g) / m;
                for c in &team.ccgs {
                    if let Some(k) = component_of[c.ix()] {
                        table[k][yi].fixed += share;
                    }
                }
            }
        }

        // Back-office savings: each CCG area merging for the first time after the
        // baseline saves b of its baseline beyond the fixed cost.
        let base_idx = years.iter().position(|y| *y == baseline_year);
        if let Some(bi) = base_idx {
            let base_start = start(baseline_year);
            // Baseline of each CCG's area: its own 2017/18 allowance, or the sum of its
            // ancestors' that were alive then.
            let mut area_baseline: HashMap<OrgId, f64> = HashMap::new();
            for c in &ccgs {
                if let Some((a, _)) = allowance.get(&(*c, bi)) {
                    area_baseline.insert(*c, *a);
                }
            }
            for e in s.events.iter().filter(|e| e.kind == EventKind::Merge) {
                let sum: f64 = e
                    .from
                    .iter()
                    .map(|f| area_baseline.get(f).copied().unwrap_or(0.0))
                    .sum();
                if e.date > base_start {
                    area_baseline.entry(e.to).or_insert(sum);
                }
            }
            let mut merged_already: HashMap<OrgId, bool> = HashMap::new();
            for e in s
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Merge && e.date > base_start)
            {
                let mut saving = 0.0;
                for f in &e.from {
                    if !merged_already.get(f).copied().unwrap_or(false) {
                        saving += params.merger_back_office_saving
                            * (area_baseline.get(f).copied().unwrap_or(0.0) - g).max(0.0);
                    }
                }
                merged_already.insert(e.to, true);
                let Some(k) = component_of[e.to.ix()] else {
                    continue;
                };
                for (yi, y) in years.iter().enumerate() {
                    if start(*y) >= e.date {
                        table[k][yi].back_office += saving;
                    }
                }
            }
        }

        let national = s
            .money
            .national_totals
            .iter()
            .map(|t| {
                let gbp = Based::new(t.gbp, t.basis);
                let source = t.source.clone();
                (t.year, NationalTotal { gbp, source })
            })
            .collect();
        let reported = s
            .money
            .figures
            .iter()
            .filter(|f| f.basis == Provenance::Reported)
            .map(|f| {
                let ids = f
                    .orgs
                    .iter()
                    .filter_map(|c| s.find(OrgKind::Ccg, c))
                    .collect();
                let source_title = s
                    .sources
                    .iter()
                    .find(|x| x.key == f.source)
                    .map(|x| x.title.clone())
                    .unwrap_or_default();
                (
                    ids,
                    ReportedFigure {
                        raw: f.clone(),
                        source_title,
                    },
                )
            })
            .collect();
        CostModel {
            national,
            reported,
            scenario: super::scenario::scenario_of(s),
            params,
            years,
            per_head,
            scale,
            cut,
            baseline_year,
            target_year,
            component_of,
            table,
            allowance,
        }
    }

    /// England: every CCG.
    pub fn england(&self) -> Footprint {
        Footprint {
            name: "England".to_string(),
            org: None,
            components: (0..self.table.len()).collect(),
        }
    }

    /// The footprint of an organisation on `date`: a CCG or sub-ICB location with its
    /// lineage; a system, ICB or region with its CCGs' lineages; a place with those
    /// of the CCGs serving it. A neighbourhood gives its CCG's footprint.
    pub fn footprint(&self, tl: &Timeline, org: OrgId, date: Date) -> Footprint {
        let s = tl.snapshot();
        let o = s.org(org);
        let at = date.clamp(o.from, o.to);
        let mut ccgs: Vec<OrgId> = Vec::new();
        let members = |id: OrgId, kind: LinkKind, day: Date| -> Vec<OrgId> {
            s.links_of(id)
                .filter(|(_, l)| l.kind == kind && l.b == id && l.holds_on(day))
                .map(|(_, l)| l.a)
                .collect()
        };
        let ccg_of_sub = |sub: OrgId| s.find(OrgKind::Ccg, &s.org(sub).code);
        // An ICB's CCG areas: its sub-ICB locations.
        let icb_ccgs = |icb: OrgId| {
            members(icb, LinkKind::SubIcbIcb, at)
                .into_iter()
                .filter_map(ccg_of_sub)
        };
        // The CCGs at the other end of `org`'s links of `by_ccg` kind, and those of the
        // sub-ICB locations at the other end of its `by_sub_icb` links.
        let served_by = |by_ccg: LinkKind, by_sub_icb: LinkKind| -> Vec<OrgId> {
            s.links_of(org)
                .filter(|(_, l)| l.holds_on(at))
                .filter_map(|(_, l)| {
                    let other = if l.a == org { l.b } else { l.a };
                    if l.kind == by_ccg {
                        Some(other)
                    } else if l.kind == by_sub_icb {
                        ccg_of_sub(other)
                    } else {
                        None
                    }
                })
                .collect()
        };
        match o.kind {
            OrgKind::Ccg => ccgs.push(org),
            OrgKind::SubIcb => ccgs.extend(ccg_of_sub(org)),
            OrgKind::System => {
                ccgs = members(org, LinkKind::CcgSystem, at);
                // From July 2022 a system's CCG areas are its ICB's sub-ICB locations.
                if ccgs.is_empty() {
                    ccgs = members(org, LinkKind::IcbSystem, at)
                        .into_iter()
                        .flat_map(icb_ccgs)
                        .collect();
                }
            }
            OrgKind::Icb => ccgs = icb_ccgs(org).collect(),
            OrgKind::Region => {
                for sys in members(org, LinkKind::SystemRegion, at) {
                    let so = s.org(sys);
                    ccgs.extend(members(sys, LinkKind::CcgSystem, at.clamp(so.from, so.to)));
                }
                ccgs.extend(
                    members(org, LinkKind::IcbRegion, at)
                        .into_iter()
                        .flat_map(icb_ccgs),
                );
            }
            OrgKind::Place => ccgs = served_by(LinkKind::CcgPlace, LinkKind::SubIcbPlace),
            OrgKind::Neighbourhood => {
                ccgs = served_by(LinkKind::NeighbourhoodCcg, LinkKind::NeighbourhoodSubIcb)
            }
        }
        let mut components: Vec<usize> = ccgs
            .iter()
            .filter_map(|c| self.component_of[c.ix()])
            .collect();
        components.sort_unstable();
        components.dedup();
        Footprint {
            name: o.label(),
            org: Some(org),
            components,
        }
    }

    /// Whether a CCG belongs to the footprint (in any year).
    pub fn in_footprint(&self, fp: &Footprint, ccg: OrgId) -> bool {
        self.component_of
            .get(ccg.ix())
            .copied()
            .flatten()
            .is_some_and(|k| fp.components.binary_search(&k).is_ok())
    }

    /// The allowance a population would have been given in `year` under the model:
    /// allowance per head × the population moved to mid-year × the calibration scale.
    /// Used for a place's share of its commissioners' running costs.
    pub fn modelled_allowance(
        &self,
        population: &super::snapshot::Population,
        year: FinancialYear,
    ) -> Option<f64> {
        let per_head = self.per_head.iter().find(|(y, _, _)| *y == year)?.1;
        let dt = (mid_year(year) - population.as_at).num_days() as f64 / 365.25;
        let moved =
            population.count as f64 * (1.0 + self.params.population_growth_per_year).powf(dt);
        Some(per_head * moved * self.scale)
    }

    /// The allowance of one CCG in a year, and whether it is published.
    pub fn allowance_of(&self, ccg: OrgId, year: FinancialYear) -> Option<(f64, bool)> {
        let yi = self.years.iter().position(|y| *y == year)?;
        self.allowance.get(&(ccg, yi)).copied()
    }

    /// The footprint's costs, year by year.
    pub fn series(&self, fp: &Footprint) -> Vec<YearCost> {
        let rows: Vec<CompYear> = (0..self.years.len())
            .map(|yi| {
                let mut sum = CompYear {
                    all_published: true,
                    ..Default::default()
                };
                for k in &fp.components {
                    let c = &self.table[*k][yi];
                    if c.ccgs > 0 {
                        sum.all_published &= c.all_published;
                    }
                    sum.ccgs += c.ccgs;
                    sum.allowance += c.allowance;
                    sum.fixed += c.fixed;
                    sum.back_office += c.back_office;
                }
                if sum.ccgs == 0 {
                    sum.all_published = false;
                }
                sum
            })
            .collect();
        let base = self.years.iter().position(|y| *y == self.baseline_year);
        let (baseline, base_fixed) = base
            .map(|b| (rows[b].allowance, rows[b].fixed))
            .unwrap_or((0.0, 0.0));
        let baseline_basis = match base {
            Some(b) if rows[b].all_published => Provenance::Published,
            _ => Provenance::Modelled,
        };
        let target_basis = match baseline_basis {
            Provenance::Published => Provenance::Derived,
            _ => Provenance::Modelled,
        };
        let england = fp.org.is_none();
        let target = baseline * (1.0 - self.cut);
        let r = self.params.merger_realisation;
        self.years
            .iter()
            .zip(rows)
            .map(|(y, row)| {
                let after = base.is_some() && *y >= self.baseline_year;
                let structural = if after {
                    r * ((base_fixed - row.fixed) + row.back_office)
                } else {
                    0.0
                };
                let cost = if after {
                    baseline - structural
                } else {
                    row.allowance
                };
                let allowance_basis = if row.all_published {
                    Provenance::Published
                } else {
                    Provenance::Modelled
                };
                let national = self.national.get(y).filter(|_| england);
                YearCost {
                    year: y.to_string(),
                    start_year: y.0,
                    ccgs: row.ccgs,
                    allowance_gbp: row.allowance,
                    allowance_basis,
                    baseline_basis,
                    target_basis,
                    structural_saving_basis: Provenance::Modelled,
                    modelled_cost_basis: if after {
                        Provenance::Modelled
                    } else {
                        allowance_basis
                    },
                    gap_basis: Provenance::Modelled,
                    national_total: national.cloned(),
                    baseline_gbp: baseline,
                    target_gbp: target,
                    structural_saving_gbp: structural,
                    modelled_cost_gbp: cost,
                    saving_share: if baseline > 0.0 {
                        structural / baseline
                    } else {
                        0.0
                    },
                    gap_gbp: cost - target,
                }
            })
            .collect()
    }

    /// Reported claims about the footprint's running costs: those about CCGs in it (for
    /// England, those about no CCG in particular).
    pub fn reported(&self, fp: &Footprint) -> Vec<ReportedFigure> {
        self.reported
            .iter()
            .filter(|(ids, _)| match fp.org {
                None => ids.is_empty(),
                Some(_) => !ids.is_empty() && ids.iter().all(|c| self.in_footprint(fp, *c)),
            })
            .map(|(_, f)| f.clone())
            .collect()
    }

    /// The row of `series` for `year`, if the model covers it.
    pub fn year_of(&self, fp: &Footprint, year: FinancialYear) -> Option<YearCost> {
        self.series(fp).into_iter().find(|r| r.start_year == year.0)
    }

    /// The financial year the model uses for `date`: the one containing it, clamped to
    /// the years covered.
    pub fn year_for(&self, date: Date) -> Option<FinancialYear> {
        let y = FinancialYear::containing(date);
        let first = *self.years.first()?;
        let last = *self.years.last()?;
        Some(y.clamp(first, last))
    }

    /// Structural savings share for every system alive on `date`, at the year of `date`,
    /// largest first.
    pub fn savings_by_system(&self, tl: &Timeline, date: Date) -> Vec<(OrgId, f64)> {
        let Some(year) = self.year_for(date) else {
            return Vec::new();
        };
        let Some(yi) = self.years.iter().position(|y| *y == year) else {
            return Vec::new();
        };
        let state = tl.state_at(date);
        let mut systems: Vec<OrgId> = state.alive(OrgKind::System).collect();
        if systems.is_empty() {
            systems = state.alive(OrgKind::Icb).collect();
        }
        let base = self.years.iter().position(|y| *y == self.baseline_year);
        let r = self.params.merger_realisation;
        let mut out: Vec<(OrgId, f64)> = systems
            .into_iter()
            .map(|sys| {
                let fp = self.footprint(tl, sys, date);
                let share = match base {
                    Some(b) if year >= self.baseline_year => {
                        let (mut baseline, mut base_fixed, mut fixed, mut back) =
                            (0.0, 0.0, 0.0, 0.0);
                        for k in &fp.components {
                            baseline += self.table[*k][b].allowance;
                            base_fixed += self.table[*k][b].fixed;
                            fixed += self.table[*k][yi].fixed;
                            back += self.table[*k][yi].back_office;
                        }
                        if baseline > 0.0 {
                            r * ((base_fixed - fixed) + back) / baseline
                        } else {
                            0.0
                        }
                    }
                    _ => 0.0,
                };
                (sys, share)
            })
            .collect();
        let s = tl.snapshot();
        out.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| s.org(a.0).name.cmp(&s.org(b.0).name))
        });
        out
    }
}

/// Allowance per head for every year: published or derived where the file has it;
/// otherwise modelled (the 2019/20 cut phased, later years held).
fn fill_per_head(
    s: &Snapshot,
    years: &[FinancialYear],
    phase: f64,
) -> Vec<(FinancialYear, f64, Provenance)> {
    let known: BTreeMap<FinancialYear, (f64, Provenance)> = s
        .money
        .allowance_per_head
        .iter()
        .map(|a| (a.year, (a.gbp, a.basis)))
        .collect();
    years
        .iter()
        .map(|y| {
            if let Some((v, b)) = known.get(y) {
                return (*y, *v, *b);
            }
            let before = known.range(..*y).next_back();
            let after = known.range(*y..).next();
            let v = match (before, after) {
                (Some((a, (va, _))), Some((b, (vb, _)))) => {
                    let span = (b.0 - a.0) as f64;
                    let w = if b.0 - a.0 == 2 {
                        phase
                    } else {
                        (y.0 - a.0) as f64 / span
                    };
                    va + (vb - va) * w
                }
                (Some((_, (va, _))), None) => *va,
                (None, Some((_, (vb, _)))) => *vb,
                (None, None) => 0.0,
            };
            (*y, v, Provenance::Modelled)
        })
        .collect()
}
