//! The charts' models: running costs, savings and counts over time.

use super::text::{short_source, source_text};
use crate::model::format::EventKind;
use crate::model::{
    Date, OrgId, OrgKind, Provenance, Timeline, human_date, plural, sharing, thousands,
};

/// A date as a decimal year, for time axes: 1 April 2019 is about 2019.25.
pub fn decimal_year(d: Date) -> f64 {
    use chrono::Datelike;
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    d.year() as f64 + (d.ordinal0() as f64) / days
}

/// Chart (a): running costs of the selected footprint by financial year.
#[derive(Clone, Debug, PartialEq)]
pub struct CostChart {
    /// `Running costs: Devon (E54000037)`.
    pub title: String,
    /// The footprint's name.
    pub footprint: String,
    /// Year by year.
    pub rows: Vec<crate::model::costs::YearCost>,
    /// The financial year of the date shown (its first year).
    pub current_year: Option<i32>,
    /// The baseline and target years (first years).
    pub baseline_year: i32,
    /// The target year.
    pub target_year: i32,
    /// The target cut, 0.2.
    pub cut: f64,
    /// Notes that belong to this footprint: (source key, text).
    pub annotations: Vec<(String, String)>,
    /// Which CCGs the footprint adds up, over all years.
    pub members: String,
    /// Published allowances of the selected CCG itself: (year, GBP, source).
    pub own_published: Vec<(i32, f64, String)>,
    /// The selection's own running costs where its footprint is wider (a CCG that
    /// merged, alone while it existed; a place, its share): what it is, and (year, GBP).
    pub own: Option<(String, Vec<[f64; 2]>)>,
    /// England's national totals as the snapshot gives them: (year, GBP, basis, source).
    pub national: Vec<(i32, f64, Provenance, String)>,
    /// Reported claims about the footprint, each with the year it is drawn at (the
    /// last year of its period) and the model's structural savings that year.
    pub reported: Vec<ReportedLine>,
}

/// A reported claim on the running-cost chart, beside the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedLine {
    /// The claim.
    pub figure: crate::model::costs::ReportedFigure,
    /// The financial year it is drawn at (its first calendar year).
    pub year: Option<i32>,
    /// The model's structural savings in that year, for comparison.
    pub modelled_saving_gbp: Option<f64>,
}

/// Chart (b): structural savings by system at one financial year.
#[derive(Clone, Debug, PartialEq)]
pub struct SavingsChart {
    /// `Modelled savings by system, 2020/21`.
    pub title: String,
    /// Systems, largest saving first: (system, name, percent).
    pub bars: Vec<(OrgId, String, f64)>,
    /// The target, in percent.
    pub target_percent: f64,
    /// Why the bars are all zero, when they are.
    pub note: String,
}

/// A figure from a note, drawn as a point beside the record's line.
#[derive(Clone, Debug, PartialEq)]
pub struct NotePoint {
    /// Decimal year.
    pub x: f64,
    /// The value given.
    pub value: f64,
    /// The series it belongs to (see [`crate::model::format::COUNT_SERIES`]).
    pub series: String,
    /// What the record gives for that series on that day.
    pub record: f64,
    /// Its basis (reported, for an article's claim).
    pub basis: Provenance,
    /// `DAC_BEACHCROFT_2019: DAC Beachcroft, ...`: the source's key and title.
    pub source: String,
    /// `DAC Beachcroft, "The NHS Long Term Plan balancing act", 11 June 2019`: the
    /// source's title up to its first colon.
    pub source_title: String,
    /// The day.
    pub date: Date,
}

/// Chart (c): commissioning bodies (CCGs, then ICBs) and leadership teams over time.
#[derive(Clone, Debug, PartialEq)]
pub struct CountChart {
    /// The day marked.
    pub date: Date,
    /// Statutory CCGs: step points (decimal year, count).
    pub steps: Vec<[f64; 2]>,
    /// Leadership teams: bodies (CCGs, then ICBs) linked by shared leadership count once.
    pub teams: Vec<[f64; 2]>,
    /// CCGs sharing leadership.
    pub sharing: Vec<[f64; 2]>,
    /// Shared leadership teams (one leader over several CCGs or ICBs).
    pub shared_teams: Vec<[f64; 2]>,
    /// Statutory ICBs (from July 2022).
    pub icbs: Vec<[f64; 2]>,
    /// ICBs sharing leadership (the 2025 clusters).
    pub icb_sharing: Vec<[f64; 2]>,
    /// Where the current date is (decimal year).
    pub marker_x: f64,
    /// `1 Apr 2020: 135 CCGs, 120 leadership teams`.
    pub marker_label: String,
    /// Notes pinned to dates: (decimal year, text).
    pub annotations: Vec<(f64, String)>,
    /// Figures the notes give, beside the record.
    pub points: Vec<NotePoint>,
}

/// The value of a count series on a day.
fn series_value(c: &crate::model::Counts, series: &str) -> f64 {
    // Teams over two or more bodies: the sharing bodies less those a team stands for
    // beyond its first.
    let bodies = c.ccg + c.icb;
    let shared_teams = (c.ccgs_sharing_leadership + c.icbs_sharing_leadership)
        .saturating_sub(bodies.saturating_sub(c.leadership_teams));
    (match series {
        "ccg" => c.ccg,
        "leadership_teams" => c.leadership_teams,
        "ccgs_sharing_leadership" => c.ccgs_sharing_leadership,
        "shared_leadership_teams" => shared_teams,
        "icb" => c.icb,
        "icbs_sharing_leadership" => c.icbs_sharing_leadership,
        _ => 0,
    }) as f64
}

/// The footprint of the selection (England when nothing is selected).
pub fn footprint_for(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    selection: Option<OrgId>,
    date: Date,
) -> crate::model::costs::Footprint {
    match selection {
        Some(id) => model.footprint(tl, id, date),
        None => model.england(),
    }
}

/// Builds chart (a).
pub fn cost_chart(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    selection: Option<OrgId>,
    date: Date,
) -> CostChart {
    use crate::model::format::ChartKind;
    let s = tl.snapshot();
    let fp = footprint_for(tl, model, selection, date);
    let rows = model.series(&fp);
    let annotations = s
        .annotations
        .iter()
        .filter(|a| a.chart == ChartKind::Costs)
        .filter(|a| match a.footprint {
            None => fp.org.is_none(),
            Some(id) => fp.org.is_some() && model.in_footprint(&fp, id),
        })
        .map(|a| {
            (
                a.source.clone(),
                format!("{} · {} ({})", human_date(a.date), a.text, a.basis.label()),
            )
        })
        .collect();
    let mut member_codes: Vec<&str> = s
        .orgs
        .iter()
        .enumerate()
        .filter(|(i, o)| o.kind == OrgKind::Ccg && model.in_footprint(&fp, OrgId(*i as u32)))
        .map(|(_, o)| o.code.as_str())
        .collect();
    member_codes.sort_unstable();
    let members = if fp.org.is_none() {
        format!("all {} CCGs that ever existed", member_codes.len())
    } else if member_codes.len() <= 12 {
        format!("the CCGs added up: {}", member_codes.join(", "))
    } else {
        format!("{} CCGs over time", member_codes.len())
    };
    // Say what is drawn: a CCG's running costs are its merged footprint's.
    let footprint_ccgs: Vec<OrgId> = (0..s.orgs.len())
        .map(|i| OrgId(i as u32))
        .filter(|id| s.org(*id).kind == OrgKind::Ccg && model.in_footprint(&fp, *id))
        .collect();
    let merger = |e: &usize| tl.events()[*e].kind == EventKind::Merge;
    let roots = footprint_ccgs
        .iter()
        .filter(|c| !tl.merges_into(**c).iter().any(merger))
        .count();
    let leaves: Vec<String> = footprint_ccgs
        .iter()
        .filter(|c| !tl.ends_in(**c).iter().any(merger))
        .map(|c| s.org(*c).label())
        .collect();
    let title = match selection.map(|id| (id, s.org(id))) {
        Some((_, o)) if o.kind == OrgKind::Ccg && footprint_ccgs.len() > 1 => {
            if leaves == [o.label()] {
                format!(
                    "Running costs: {}, with the {roots} CCGs it was formed from",
                    fp.name
                )
            } else {
                format!(
                    "Running costs of the footprint of {}: the {roots} CCGs that became {}",
                    o.label(),
                    sharing::and_list(&leaves)
                )
            }
        }
        Some((_, o)) if o.kind == OrgKind::Place => format!(
            "Running costs: the CCGs serving {} ({} in all), and its share",
            fp.name,
            footprint_ccgs.len()
        ),
        _ => format!("Running costs: {}", fp.name),
    };
    let own = match selection.map(|id| (id, s.org(id))) {
        Some((id, o)) if o.kind == OrgKind::Ccg && footprint_ccgs.len() > 1 => {
            let pts: Vec<[f64; 2]> = model
                .years
                .iter()
                .filter_map(|y| model.allowance_of(id, *y).map(|(v, _)| [y.0 as f64, v]))
                .collect();
            (!pts.is_empty()).then(|| {
                (
                    format!("Allowance of {} alone (modelled, while it existed)", o.name),
                    pts,
                )
            })
        }
        Some((_, o)) if o.kind == OrgKind::Place => o.population.as_ref().map(|p| {
            (
                format!(
                    "{}'s share: allowance per head × its {} people (modelled)",
                    o.name,
                    thousands(p.count)
                ),
                model
                    .years
                    .iter()
                    .filter_map(|y| model.modelled_allowance(p, *y).map(|v| [y.0 as f64, v]))
                    .collect(),
            )
        }),
        _ => None,
    };
    let own_published = match selection {
        Some(id) if s.org(id).kind == OrgKind::Ccg => model
            .years
            .iter()
            .filter_map(|y| match model.allowance_of(id, *y) {
                Some((v, true)) => {
                    let src = s
                        .money
                        .figures
                        .iter()
                        .find(|f| {
                            f.metric == "rca"
                                && f.year == Some(*y)
                                && f.orgs == [s.org(id).code.clone()]
                        })
                        .map(|f| f.source.clone())
                        .unwrap_or_default();
                    Some((y.0, v, src))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let national = rows
        .iter()
        .filter_map(|r| {
            let n = r.national_total.as_ref()?;
            Some((r.start_year, n.gbp.value, n.gbp.basis, n.source.clone()))
        })
        .collect();
    let reported = model
        .reported(&fp)
        .into_iter()
        .map(|figure| {
            // Drawn at the last financial year its period names (`2018/19-2019/20`).
            let year = figure
                .raw
                .period
                .split(|c: char| !(c.is_ascii_digit() || c == '/'))
                .filter_map(|w| w.parse::<crate::model::FinancialYear>().ok())
                .map(|y| y.0)
                .max();
            let modelled_saving_gbp = year.and_then(|y| {
                rows.iter()
                    .find(|r| r.start_year == y)
                    .map(|r| r.structural_saving_gbp)
            });
            ReportedLine {
                figure,
                year,
                modelled_saving_gbp,
            }
        })
        .collect();
    CostChart {
        national,
        reported,
        own,
        title,
        members,
        own_published,
        footprint: fp.name.clone(),
        rows,
        current_year: model.year_for(date).map(|y| y.0),
        baseline_year: model.baseline_year.0,
        target_year: model.target_year.0,
        cut: model.cut,
        annotations,
    }
}

/// Builds chart (b).
pub fn savings_chart(
    tl: &Timeline,
    model: &crate::model::costs::CostModel,
    date: Date,
) -> SavingsChart {
    let s = tl.snapshot();
    let year = model.year_for(date);
    let bars: Vec<(OrgId, String, f64)> = model
        .savings_by_system(tl, date)
        .into_iter()
        .map(|(id, share)| (id, s.org(id).name.clone(), share * 100.0))
        .collect();
    // An empty chart says why, and what to do.
    let after = crate::model::FinancialYear(model.baseline_year.0 + 1);
    let note = match year {
        None => "This snapshot has no running-cost years, so there are no savings to show."
            .to_string(),
        Some(y) if y < model.baseline_year => format!(
            "Savings are measured from the {} baseline, so there are none before it: move the date to {after} or later.",
            model.baseline_year
        ),
        Some(y) if y == model.baseline_year => format!(
            "{y} is the baseline year itself: savings are measured from it, so every bar is zero. Move the date to {after} or later."
        ),
        Some(_) if bars.is_empty() => {
            "No systems on this date, so there are no bars: move the date to April 2017 or later, when STPs began."
                .to_string()
        }
        Some(_) => String::new(),
    };
    SavingsChart {
        title: match year {
            Some(y) => format!(
                "Modelled savings by system, {y} (% of {} baseline)",
                model.baseline_year
            ),
            None => "Modelled savings by system".to_string(),
        },
        bars,
        target_percent: model.cut * 100.0,
        note,
    }
}

/// Builds chart (c): statutory CCGs, then ICBs, and leadership teams as step lines, with the
/// figures notes give (the reported "127 CCGs under 38 leaders") beside the record; the
/// day `date` marked.
pub fn count_chart(tl: &Timeline, date: Date) -> CountChart {
    count_chart_lines(tl).marked(tl, date)
}

impl CountChart {
    /// The same chart with the day `date` marked (cheap: the lines stay as they are).
    pub fn marked(mut self, tl: &Timeline, date: Date) -> CountChart {
        let c = tl.counts_at(date);
        // The marker's label: the date, the bodies, their leadership teams, how many
        // share.
        let marker = |bodies: String, sharing: usize| {
            format!(
                "{}: {bodies}, {} ({} sharing leadership)",
                human_date(date),
                plural(c.leadership_teams, "leadership team", "leadership teams"),
                thousands(sharing as u64)
            )
        };
        self.date = date;
        self.marker_x = decimal_year(date);
        self.marker_label = if c.ccg > 0 {
            marker(plural(c.ccg, "CCG", "CCGs"), c.ccgs_sharing_leadership)
        } else if c.icb > 0 {
            marker(plural(c.icb, "ICB", "ICBs"), c.icbs_sharing_leadership)
        } else {
            format!("{}: no CCGs or ICBs", human_date(date))
        };
        self
    }
}

/// Chart (c)'s lines and notes, which do not change with the day shown (built once per
/// record); the record's first day is marked.
pub fn count_chart_lines(tl: &Timeline) -> CountChart {
    use crate::model::format::ChartKind;
    let s = tl.snapshot();
    let (first, last) = s.span();
    let mut days: Vec<Date> = vec![first];
    days.extend(tl.event_days().iter().copied().filter(|d| *d > first));
    days.extend(
        tl.sharing_days()
            .iter()
            .copied()
            .filter(|d| *d > first && *d <= last),
    );
    days.sort_unstable();
    days.dedup();
    let mut lines: [Vec<[f64; 2]>; 6] = Default::default();
    for (i, d) in days.iter().enumerate() {
        let c = tl.counts_at(*d);
        let x = decimal_year(*d);
        for (line, series) in lines.iter_mut().zip(crate::model::format::COUNT_SERIES) {
            let n = series_value(&c, series);
            if let Some(prev) = line.last().map(|p| p[1]) {
                line.push([x, prev]);
            }
            line.push([x, n]);
            if i + 1 == days.len() {
                line.push([decimal_year(last.max(*d)), n]);
            }
        }
    }
    let notes: Vec<&crate::model::snapshot::Annotation> = s
        .annotations
        .iter()
        .filter(|a| a.chart == ChartKind::CcgCount)
        .collect();
    let annotations = notes
        .iter()
        .map(|a| {
            (
                decimal_year(a.date),
                format!("{} ({}; source {})", a.text, a.basis.label(), a.source),
            )
        })
        .collect();
    let points = notes
        .iter()
        .flat_map(|a| {
            let c = tl.counts_at(a.date);
            a.points.iter().map(move |(series, value)| NotePoint {
                x: decimal_year(a.date),
                value: *value,
                series: series.clone(),
                record: series_value(&c, series),
                basis: a.basis,
                source: source_text(s, &a.source),
                source_title: short_source(s, &a.source),
                date: a.date,
            })
        })
        .collect();
    let [
        steps,
        teams,
        sharing,
        shared_teams,
        mut icbs,
        mut icb_sharing,
    ] = lines;
    // The ICB lines begin with the ICBs (July 2022), not at zero through the CCG era.
    match tl.first_icb_day() {
        Some(first_icb) => {
            let x0 = decimal_year(first_icb);
            icbs.retain(|p| p[0] >= x0);
            icb_sharing.retain(|p| p[0] >= x0);
        }
        None => {
            icbs.clear();
            icb_sharing.clear();
        }
    }
    CountChart {
        date: first,
        steps,
        teams,
        sharing,
        shared_teams,
        icbs,
        icb_sharing,
        marker_x: decimal_year(first),
        marker_label: String::new(),
        annotations,
        points,
    }
    .marked(tl, first)
}
