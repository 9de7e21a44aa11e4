//! UI tests for shared management and bases: the window shows what the record knows,
//! driven by egui_kittest through accessible labels, with image snapshots of the new
//! chart and of the flow's leadership brackets (`UPDATE_SNAPSHOTS=1` rewrites them).

mod common;

use ccg_explorer::app::{App, AppOptions, command as cmd};
use ccg_explorer::model::{OrgKind, plural};
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The window (light theme, 1500x950) on `date`, started with `options`.
fn harness_at_with(date: &str, options: AppOptions) -> Harness<'static, App> {
    let options = AppOptions {
        fresh: true,
        date: Some(d(date)),
        theme: Some(ccg_explorer::app::ThemeChoice::Light),
        ..options
    };
    let mut h = common::builder()
        .with_size([1500.0, 950.0])
        .build_eframe(move |cc| App::new(cc, options));
    h.run();
    h
}

/// The window on `date`.
fn harness_at(date: &str) -> Harness<'static, App> {
    harness_at_with(date, AppOptions::default())
}

/// Selects the organisation with `code`.
fn select(h: &mut Harness<'static, App>, code: &str) {
    let id = h.state().timeline().snapshot().find_any(code)[0];
    push_run(h, cmd::Selection::Select(id));
}

/// The window on `date` with the organisation `code` selected.
fn selected_on(date: &str, code: &str) -> Harness<'static, App> {
    let mut h = harness_at(date);
    select(&mut h, code);
    h
}

#[test]
fn the_header_and_the_timeline_count_leadership_teams() {
    let tl = england();
    let c = tl.counts_at(d("2019-06-01"));
    let mut h = harness_at("2019-06-01");
    let header = format!(
        "{} · {} · {}",
        plural(c.ccg, "CCG", "CCGs"),
        plural(c.leadership_teams, "leadership team", "leadership teams"),
        plural(c.system, "system", "systems")
    );
    h.get_by_label(&header);
    // The timeline's counts carry the teams too, and say what they mean on hover.
    let teams = plural(c.leadership_teams, "leadership team", "leadership teams");
    h.get_by_label(&teams).hover();
    h.run();
    h.get_by_label_contains("CCGs linked by shared leadership count once");
    // Two years later, fewer CCGs and fewer teams.
    push_run(&mut h, cmd::Time::SetDate(d("2021-06-01")));
    let c2 = tl.counts_at(d("2021-06-01"));
    assert!(c2.leadership_teams < c.leadership_teams);
    h.get_by_label(&plural(
        c2.leadership_teams,
        "leadership team",
        "leadership teams",
    ));
}

#[test]
fn the_details_of_a_ccg_show_its_shared_management_and_lineage() {
    let mut h = selected_on("2018-06-01", "99Q");
    h.get_by_label("Shared management (1)").scroll_to_me();
    h.run();
    h.get_by_label("Shared accountable officer");
    assert_eq!(
        h.get_all_by_label("from December 2017 (month only, inferred) to 31 Mar 2019")
            .count(),
        2,
        "in the shared section and the lineage"
    );
    h.get_by_label("then merged on 1 Apr 2019 into");
    // The partner is a link that selects it.
    let partner = "NHS Northern, Eastern and Western Devon CCG (99P)";
    let links: Vec<_> = h.get_all_by_label(partner).collect();
    assert!(links.len() >= 2, "in the shared section and the lineage");
    // As a screen reader would: the shared section's link, wrapped over two lines.
    links.last().unwrap().click_accesskit();
    h.run();
    let s = h.state().timeline().snapshot();
    assert_eq!(s.org(h.state().selection().unwrap()).code, "99P");
    // The lineage of Devon carries its predecessors' arrangement before the merger.
    select(&mut h, "15N");
    h.get_by_label("Dec 2017 · shared accountable officer:");
    h.get_by_label("then merged on 1 Apr 2019, into");
}

#[test]
fn a_system_lists_the_shared_management_among_its_ccgs_on_the_date() {
    let mut h = selected_on("2018-06-01", "E54000037");
    h.get_by_label_contains("Shared management or leadership on 1 Jun 2018");
    // Before the arrangement began, there is none.
    push_run(&mut h, cmd::Time::SetDate(d("2017-06-01")));
    assert!(
        h.query_by_label_contains("Shared management or leadership on")
            .is_none()
    );
}

#[test]
fn the_tree_marks_sharing_and_groups_by_leadership() {
    let mut h = harness_at("2018-06-01");
    // By CCG: a sharing CCG's row carries a badge naming its partners on hover.
    click(&mut h, "by CCG");
    click(&mut h, "Expand Devon (E54000037)");
    assert!(h.get_all_by_label("↔ shared AO").count() >= 2);
    h.get_by_label("NHS South Devon and Torbay CCG (99Q)")
        .hover();
    h.run();
    h.get_by_label_contains("Shared accountable officer with NHS");
    // By leadership: system, team, CCG.
    click(&mut h, "by leadership");
    assert_eq!(
        h.state().ui_state().grouping,
        ccg_explorer::view::Grouping::SystemLeadership
    );
    h.get_by_label("Leadership team of 2 CCGs");
    click(&mut h, "Expand Leadership team of 2 CCGs");
    h.get_by_label("NHS South Devon and Torbay CCG (99Q)");
    // A CCG leading itself is said to.
    click(&mut h, "Expand Dorset (E54000041)");
    h.get_by_label_contains("own leadership");
    // Selecting a CCG opens its team.
    h.state_mut().push(cmd::Tree::CollapseAll);
    h.step();
    select(&mut h, "99P");
    // In the tree (inside its team) and in the details.
    assert!(
        h.get_all_by_label("NHS Northern, Eastern and Western Devon CCG (99P)")
            .count()
            >= 2
    );
    h.get_by_label("Collapse Leadership team of 2 CCGs");
}

#[test]
fn shares_that_are_not_published_are_marked_and_explained() {
    let mut h = harness_at("2019-06-01");
    h.get_by_label_contains("≈ not published (derived or estimated)");
    click(&mut h, "Expand Birmingham and Solihull (E54000017)");
    h.get_by_label_contains("NHS Birmingham and Solihull CCG (15E) ≈86%");
    // The row's name carries the basis of each share on hover.
    h.get_by_label("Birmingham").hover();
    h.run();
    h.get_by_label_contains("86% of the place, derived (arithmetic on published figures");
    // Estimated neighbourhood memberships (PCNs began in July 2019) carry the mark too.
    push_run(&mut h, cmd::Time::SetDate(d("2019-10-01")));
    // Birmingham lies in two systems in 2019: the first is Birmingham and Solihull's.
    h.get_all_by_label("Expand Birmingham")
        .next()
        .unwrap()
        .click();
    h.run();
    assert!(h.query_all_by_label_contains("≈").count() > 3);
    // A place shown before its council existed says so.
    push_run(&mut h, cmd::Time::SetDate(d("2018-06-01")));
    select(&mut h, "E06000061");
    h.get_by_label("North Northamptonshire (2021 area)");
}

#[test]
fn the_count_chart_shows_ccgs_and_leadership_teams_beside_the_reported_figure() {
    let mut h = harness_at("2019-06-01");
    click(&mut h, "Commissioning bodies");
    h.get_by_label("Commissioning bodies over time");
    let tl = england();
    let c = tl.counts_at(d("2019-06-01"));
    let shared_teams = c.ccgs_sharing_leadership - (c.ccg - c.leadership_teams);
    h.get_by_label(&format!(
        "Reported (DAC Beachcroft, 11 June 2019): 127 CCGs sharing leadership, 38 shared \
         leaders (diamonds); the record on 1 Jun 2019: {} and {shared_teams} (hollow dots).",
        c.ccgs_sharing_leadership
    ));
    // England's running-cost chart names the published national totals in its legend.
    h.get_by_label("National total (published)");
}

#[test]
fn compare_lists_shared_management_as_changes_with_links() {
    let mut h = harness_at("2019-06-01");
    h.state_mut().push(cmd::Time::SetDate(d("2018-04-01")));
    click(&mut h, "Compare dates");
    retype(&mut h, "Date A", "2017-04-01");
    retype(&mut h, "Date B", "2018-04-01");
    let c = ccg_explorer::model::compare::compare(&england(), d("2017-04-01"), d("2018-04-01"));
    let began = c
        .of(ccg_explorer::model::compare::ChangeKind::SharedManagementBegan)
        .count();
    assert!(
        began > 0 && began <= 40,
        "{began}: longer lists start folded"
    );
    // Long lists start folded: open it.
    h.get_by_label(&format!("Shared management or leadership began ({began})"));
    assert!(
        h.get_all_by_label("shared accountable officer: began")
            .count()
            > 0
    );
    // A member is a link that selects.
    h.get_all_by_label("NHS South Devon and Torbay CCG (99Q)")
        .next()
        .unwrap()
        .click_accesskit();
    h.run();
    let s = h.state().timeline().snapshot();
    assert_eq!(s.org(h.state().selection().unwrap()).kind, OrgKind::Ccg);
}

#[test]
fn the_timeline_marks_shared_management_with_a_toggle() {
    let mut h = harness_at("2019-06-01");
    assert!(h.state().ui_state().show_sharing_marks);
    click(&mut h, "Shared management");
    assert!(!h.state().ui_state().show_sharing_marks);
    click(&mut h, "Shared management");
    assert!(h.state().ui_state().show_sharing_marks);
    // The marks are the days arrangements began or ended.
    let model = ccg_explorer::view::timeline_model(&england());
    assert!(
        model
            .sharing
            .iter()
            .any(|m| m.date == d("2017-12-01") && m.lines.iter().any(|l| l.contains("99P, 99Q")))
    );
}

#[test]
fn the_flow_brackets_ccgs_under_one_leadership_team_and_names_it_on_hover() {
    let mut h = harness_at_with(
        "2018-06-01",
        AppOptions {
            view: Some(ccg_explorer::app::CentralTab::Flow),
            flow_filter: Some("E40000006".into()),
            ..Default::default()
        },
    );
    h.run();
    // The South West in April 2018: Devon's two CCGs under one accountable officer.
    let node = h.get_by_label("NHS South Devon and Torbay CCG (99Q), Apr 2018");
    let r = node.rect();
    let at = egui::pos2(
        r.left() - ccg_explorer::app::panels::flow::BRACKET_GAP,
        r.center().y,
    );
    h.hover_at(at);
    h.run();
    h.get_by_label("One leadership team on 1 Apr 2018");
    h.get_by_label_contains("Shared accountable officer from December 2017");
    h.snapshot("flow_leadership_brackets_south_west_2018");
}

fn count_chart_snapshot(theme: egui::Theme, name: &str) {
    let tl = england();
    let chart = ccg_explorer::view::count_chart(&tl, d("2019-06-01"));
    let mut h = common::builder()
        .with_size([760.0, 420.0])
        .with_theme(theme)
        .build_ui(move |ui| {
            let (accent, warm, teams) = if ui.visuals().dark_mode {
                (
                    egui::Color32::from_rgb(120, 180, 255),
                    egui::Color32::from_rgb(255, 196, 80),
                    egui::Color32::from_rgb(110, 210, 160),
                )
            } else {
                (
                    egui::Color32::from_rgb(20, 90, 180),
                    egui::Color32::from_rgb(170, 90, 0),
                    egui::Color32::from_rgb(0, 130, 90),
                )
            };
            ccg_explorer::app::panels::chart::count_chart_ui(ui, &chart, accent, warm, teams);
        });
    h.run();
    h.get_by_label("Commissioning bodies over time");
    h.get_by_label("Leadership teams");
    h.snapshot(name);
}

#[test]
fn snapshot_of_the_ccgs_and_leadership_teams_chart_light() {
    count_chart_snapshot(egui::Theme::Light, "count_chart_light");
}

#[test]
fn snapshot_of_the_ccgs_and_leadership_teams_chart_dark() {
    count_chart_snapshot(egui::Theme::Dark, "count_chart_dark");
}
