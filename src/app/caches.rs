//! The view models panels draw, memoised: each is rebuilt only when the record shown,
//! its stretch of unchanging record (the epoch) or its own inputs change. Panels read
//! them through `&App`; building them changes no application state.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::App;
use super::memo::{Memo, MemoN};
use crate::model::compare::Comparison;
use crate::model::{Date, FinancialYear, OrgId};
use crate::view::{self, CostChart, CountChart, Details, Grouping, SavingsChart, TreeRow};

/// Organisations the tree marks (changed on the day, or between the dates compared).
pub type Marks = Arc<HashSet<OrgId>>;

/// A stretch of unchanging record: [`crate::model::Timeline::epoch`].
type Epoch = (usize, bool);

/// The record shown (its id) and the stretch of it the date falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// The timeline's id.
    pub record: u64,
    /// The stretch of unchanging record.
    pub epoch: Epoch,
}

/// The three charts' view models for one selection and date.
#[derive(Clone, Debug, PartialEq)]
pub struct Charts {
    /// (a) running costs of the footprint.
    pub costs: Arc<CostChart>,
    /// (a) in the ICB era, when that era is chosen: drawn instead of `costs`.
    pub icb_costs: Option<Arc<view::IcbCostChart>>,
    /// (b) savings by system.
    pub savings: Arc<SavingsChart>,
    /// (c) the number of CCGs.
    pub count: Arc<CountChart>,
    /// When the scenario is shown: the actual record's series for the same footprint.
    pub actual: Option<Arc<Vec<crate::model::costs::YearCost>>>,
}

/// The running-cost charts (a) and (b), built together.
#[derive(Clone)]
struct CostCharts {
    costs: Arc<CostChart>,
    icb_costs: Option<Arc<view::IcbCostChart>>,
    savings: Arc<SavingsChart>,
}

/// The tree's rows, and whether newer ones are still being built.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// The rows to draw.
    pub rows: Arc<Vec<TreeRow>>,
    /// Rows for the current date are being built on a worker (these are older).
    pub building: bool,
}

/// What the tree rows depend on.
type RowsKey = (At, Grouping, u64);

/// What the running-cost lines depend on: the record, the selection, the financial
/// year and the selection's stretch of record.
type CostLinesKey = (u64, Option<OrgId>, Option<FinancialYear>, Epoch);

/// How many days' changes are kept (the changes view shows three at a time).
const DAY_CHANGES_KEPT: usize = 8;

/// Snapshots with more organisations than this build their tree rows, their merger
/// flow and their scenarios on a worker, so that no frame waits for them; smaller
/// ones build them in the frame.
pub const ON_WORKER: usize = 20_000;

/// What the charts depend on: the record, the selection, the year, whether the
/// scenario is shown, and the running-cost era.
type ChartsKey = (
    At,
    Option<OrgId>,
    Option<FinancialYear>,
    bool,
    view::CostEra,
);

/// Every memoised view model.
pub struct Caches {
    rows: Memo<RowsKey, Arc<Vec<TreeRow>>>,
    /// Rows being built on a worker for a large snapshot, and the key they are for.
    rows_pending: std::cell::RefCell<Option<(RowsKey, Receiver<Vec<TreeRow>>)>>,
    /// The rows last drawn, shown while newer ones are built.
    rows_last: std::cell::RefCell<Arc<Vec<TreeRow>>>,
    details: Memo<(u64, OrgId, Date), Option<Arc<Details>>>,
    cost_lines: Memo<CostLinesKey, Arc<Vec<String>>>,
    cost_charts: super::memo::Background<ChartsKey, CostCharts>,
    actual: Memo<ChartsKey, Option<Arc<Vec<crate::model::costs::YearCost>>>>,
    count_lines: Memo<u64, Arc<CountChart>>,
    count: Memo<(u64, Date), Arc<CountChart>>,
    day_changes: MemoN<(u64, Date), Arc<Comparison>>,
    day_marks: super::memo::Background<(u64, Date), Marks>,
    comparison: Memo<(u64, Date, Date), (Arc<Comparison>, Marks)>,
    compare_marks: Memo<(u64, Date, Date, Date), Marks>,
    caption: Memo<(u64, Date), String>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            rows: Memo::default(),
            rows_pending: Default::default(),
            rows_last: Default::default(),
            details: Memo::default(),
            cost_lines: Memo::default(),
            cost_charts: Default::default(),
            actual: Memo::default(),
            count_lines: Memo::default(),
            count: Memo::default(),
            day_changes: MemoN::new(DAY_CHANGES_KEPT),
            day_marks: Default::default(),
            comparison: Memo::default(),
            compare_marks: Memo::default(),
            caption: Memo::default(),
        }
    }
}

impl App {
    /// The record shown and the stretch of it the date falls in.
    pub(crate) fn at(&self) -> At {
        At {
            record: self.world.timeline.id(),
            epoch: self.world.timeline.epoch(self.date),
        }
    }

    /// The tree's rows for the date, grouping and open nodes. Rows only change where
    /// the record does: scrubbing between events reuses them. A large snapshot builds
    /// them on a worker, and the last rows are shown meanwhile.
    pub(crate) fn tree_rows(&self, ctx: &egui::Context) -> Rows {
        let key = (self.at(), self.state.grouping, self.tree_version);
        let c = &self.caches;
        if let Some(rows) = c.rows.peek(&key) {
            return Rows {
                rows,
                building: false,
            };
        }
        let mut pending = c.rows_pending.borrow_mut();
        if let Some((k, rx)) = &*pending
            && *k == key
        {
            // Still building: keep showing the last rows.
            if let Ok(rows) = rx.try_recv() {
                let rows = Arc::new(rows);
                // The rows replaced are freed on a worker: a large record's are many
                // small strings, and freeing them took a frame's time.
                let old = (
                    c.rows.replace(key, rows.clone()),
                    c.rows_last.replace(rows.clone()),
                );
                super::memo::drop_elsewhere(old);
                *pending = None;
                return Rows {
                    rows,
                    building: false,
                };
            }
            return Rows {
                rows: c.rows_last.borrow().clone(),
                building: true,
            };
        }
        *pending = None;
        let large = self.world.timeline.snapshot().orgs.len() > ON_WORKER;
        if large && cfg!(not(target_arch = "wasm32")) {
            let (tl, date, grouping) =
                (self.world.timeline.clone(), self.date, self.state.grouping);
            let open = self.state.expansion.clone();
            let spawned = super::memo::on_worker("tree-rows", ctx, move || {
                super::memo::background();
                view::tree_rows(&tl, date, grouping, &open)
            });
            if let Some(rx) = spawned {
                *pending = Some((key, rx));
                return Rows {
                    rows: c.rows_last.borrow().clone(),
                    building: true,
                };
            }
        }
        let rows = Arc::new(view::tree_rows(
            &self.world.timeline,
            self.date,
            self.state.grouping,
            &self.state.expansion,
        ));
        c.rows.put(key, rows.clone());
        *c.rows_last.borrow_mut() = rows.clone();
        Rows {
            rows,
            building: false,
        }
    }

    /// Whether the running-cost charts are being built on a worker.
    pub(crate) fn charts_building(&self) -> bool {
        self.caches.cost_charts.building()
    }

    /// Whether tree rows are being built on a worker.
    pub(crate) fn rows_building(&self) -> bool {
        self.caches.rows_pending.borrow().is_some()
    }

    /// The details of the selection on the date.
    pub(crate) fn details(&self) -> Option<Arc<Details>> {
        let id = self.selection?;
        let tl = &self.world.timeline;
        self.caches.details.get((tl.id(), id, self.date), || {
            Some(Arc::new(view::details(tl, id, self.date)))
        })
    }

    /// The running-cost lines of the selection (or England) at the date. They change
    /// with the financial year and, for a selection, with its membership; not daily.
    pub(crate) fn cost_lines(&self) -> Arc<Vec<String>> {
        let (tl, costs) = (&self.world.timeline, &self.world.costs);
        let epoch = match self.selection {
            Some(_) => tl.epoch(self.date),
            None => (0, false),
        };
        let year = costs
            .year_for(self.date)
            .or(Some(FinancialYear::containing(self.date)));
        let key = (tl.id(), self.selection, year, epoch);
        self.caches.cost_lines.get(key, || {
            // From July 2022, the ICB era's figures; never mixed with the CCGs'.
            if let Some(lines) = view::icb_cost_lines(tl, self.selection, self.date) {
                return Arc::new(lines);
            }
            Arc::new(match self.selection {
                Some(id) => view::cost_lines(tl, costs, id, self.date),
                None => view::footprint_cost_lines(costs, &costs.england(), self.date),
            })
        })
    }

    /// The charts for the current selection and date.
    pub fn charts(&self) -> Charts {
        let (tl, costs) = (&self.world.timeline, &self.world.costs);
        let scenario = self.showing_scenario();
        // The costs and savings change with the year and the record, not daily.
        let key = (
            self.at(),
            self.selection,
            costs
                .year_for(self.date)
                .or(Some(FinancialYear::containing(self.date))),
            scenario,
            self.cost_era(),
        );
        // The running-cost charts read every CCG: a large record builds them on a
        // worker, and the last ones are shown meanwhile.
        let worker = (tl.snapshot().orgs.len() > ON_WORKER).then_some(&self.ctx);
        let (tl2, costs2, selection, date, era) = (
            tl.clone(),
            costs.clone(),
            self.selection,
            self.date,
            self.cost_era(),
        );
        let built = self
            .caches
            .cost_charts
            .get(key, worker, move || CostCharts {
                icb_costs: (era == view::CostEra::Icb)
                    .then(|| Arc::new(view::icb_cost_chart(&tl2, selection, date))),
                costs: Arc::new(view::cost_chart(&tl2, &costs2, selection, date)),
                savings: Arc::new(view::savings_chart(&tl2, &costs2, date)),
            });
        let actual = self
            .caches
            .actual
            .get(key, || scenario.then(|| Arc::new(self.actual_series())));
        // The count chart's lines stay; it marks the day itself.
        let count = self.caches.count.get((tl.id(), self.date), || {
            Arc::new(self.count_lines().as_ref().clone().marked(tl, self.date))
        });
        Charts {
            costs: built.costs,
            icb_costs: built.icb_costs,
            savings: built.savings,
            count,
            actual,
        }
    }

    /// Chart (c)'s lines, once per record (they read every day of change).
    fn count_lines(&self) -> Arc<CountChart> {
        let tl = &self.world.timeline;
        self.caches
            .count_lines
            .get(tl.id(), || Arc::new(view::count_chart_lines(tl)))
    }

    /// The actual record's cost series for the footprint of the selection: the same
    /// organisation where it exists, else the first predecessor it has there.
    fn actual_series(&self) -> Vec<crate::model::costs::YearCost> {
        let real = self.actual.timeline.snapshot();
        let org = self.selection.and_then(|id| {
            let s = self.world.timeline.snapshot();
            let o = s.org(id);
            real.find(o.kind, &o.code).or_else(|| {
                self.world
                    .timeline
                    .lineage(id)
                    .steps
                    .iter()
                    .filter(|st| st.to == id)
                    .flat_map(|st| st.from.iter())
                    .find_map(|f| real.find(s.org(*f).kind, &s.org(*f).code))
            })
        });
        let fp = view::footprint_for(&self.actual.timeline, &self.actual.costs, org, self.date);
        self.actual.costs.series(&fp)
    }

    /// What changed on `day`: the record on it compared with the day before.
    pub(crate) fn day_changes(&self, day: Date) -> Arc<Comparison> {
        let tl = &self.world.timeline;
        self.caches.day_changes.get((tl.id(), day), || {
            Arc::new(crate::model::compare::changes_on(tl, day))
        })
    }

    /// Tree rows to mark on `day` when something changed that day: every organisation
    /// the changes touch, with its system and places. A large record works them out on
    /// a worker (comparing the day with the one before reads every organisation), and
    /// none are marked until they arrive.
    pub(crate) fn day_marks(&self, day: Date) -> Option<Marks> {
        let tl = &self.world.timeline;
        if tl.events_on(day).is_empty() {
            return None;
        }
        let worker = (tl.snapshot().orgs.len() > ON_WORKER).then_some(&self.ctx);
        let key = (tl.id(), day);
        // A small record shares the day's comparison with the list of changes.
        let changes =
            (worker.is_none() && !self.caches.day_marks.has(&key)).then(|| self.day_changes(day));
        let tl = tl.clone();
        self.caches.day_marks.get_exact(key, worker, move || {
            let changes =
                changes.unwrap_or_else(|| Arc::new(crate::model::compare::changes_on(&tl, day)));
            let touched = changes.touched().into_iter().collect();
            Arc::new(super::panels::compare::marks_on(&tl, &touched, day))
        })
    }

    /// Whether a day's tree marks are being worked out on a worker.
    pub(crate) fn day_marks_building(&self) -> bool {
        self.caches.day_marks.building()
    }

    /// The comparison of the two dates compared, and the organisations it touches.
    pub(crate) fn comparison(&self) -> Option<(Arc<Comparison>, Marks)> {
        let (a, b) = self.compare_dates?;
        let tl = &self.world.timeline;
        Some(self.caches.comparison.get((tl.id(), a, b), || {
            let c = Arc::new(crate::model::compare::compare(tl, a, b));
            let t: Marks = Arc::new(c.touched().into_iter().collect());
            (c, t)
        }))
    }

    /// Tree rows to mark on the date while comparing: the organisations the comparison
    /// touches, and the systems and places they belong to then (so that closed
    /// branches show them too).
    pub(crate) fn compare_marks(&self) -> Option<Marks> {
        let (a, b) = self.compare_dates?;
        let (_, touched) = self.comparison()?;
        let tl = &self.world.timeline;
        Some(
            self.caches
                .compare_marks
                .get((tl.id(), a, b, self.date), || {
                    Arc::new(super::panels::compare::marks_on(tl, &touched, self.date))
                }),
        )
    }

    /// What happened on the date, summed up for presenter mode's caption: "17 mergers:
    /// 66 CCGs became 17"; the scenario's own changes first.
    pub(crate) fn day_caption(&self) -> String {
        let tl = &self.world.timeline;
        self.caches.caption.get((tl.id(), self.date), || {
            let mut lines = view::day_summary(tl, self.date);
            lines.sort_by_key(|l| !l.contains("(scenario)"));
            if lines.is_empty() {
                String::new()
            } else {
                format!(
                    "{}: {}",
                    crate::model::human_date(self.date),
                    lines.join("; ")
                )
            }
        })
    }
}
