//! The words around the map: its controls, hover texts and legend.

use egui::{Color32, Sense, Vec2};

use super::*;

/// A layout's name in the controls.
pub(super) fn layout_name(l: MapLayout) -> &'static str {
    match l {
        MapLayout::Areas => "CCG areas",
        MapLayout::PlaceHexes => "places as hexes",
        MapLayout::PcnHexes => "PCNs as hexes",
    }
}

/// A fill's name in the controls.
pub(super) fn fill_name(f: MapFill) -> &'static str {
    match f {
        MapFill::System => "system",
        MapFill::Ccg => "CCG",
        MapFill::Leadership => "leadership team",
        MapFill::Savings => "modelled savings",
    }
}

/// A switch among the map's controls: the setting it flips, its name, and what it does
/// on hover.
type Switch = (
    fn(&mut MapSettings) -> &mut bool,
    &'static str,
    Option<&'static str>,
);

/// The controls above the map.
pub(super) fn controls(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    settings: MapSettings,
    camera: &mut MapCamera,
    out: &mut Vec<Command>,
) {
    let set = |s: MapSettings| Command::from(Window::SetMap(s));
    ui.horizontal_wrapped(|ui| {
        let mut layout = settings.layout;
        let l = ui.label("Show:");
        egui::ComboBox::from_id_salt("map-layout")
            .selected_text(layout_name(layout))
            .show_ui(ui, |ui| {
                for choice in [MapLayout::Areas, MapLayout::PlaceHexes, MapLayout::PcnHexes] {
                    ui.selectable_value(&mut layout, choice, layout_name(choice));
                }
            })
            .response
            .labelled_by(l.id);
        if layout != settings.layout {
            out.push(set(MapSettings { layout, ..settings }));
        }
        let mut fill = settings.fill;
        let l = ui.label("Colour by:");
        egui::ComboBox::from_id_salt("map-fill")
            .selected_text(fill_name(fill))
            .show_ui(ui, |ui| {
                for choice in [MapFill::System, MapFill::Ccg, MapFill::Leadership, MapFill::Savings] {
                    ui.selectable_value(&mut fill, choice, fill_name(choice));
                }
            })
            .response
            .labelled_by(l.id);
        if fill != settings.fill {
            out.push(set(MapSettings { fill, ..settings }));
        }
        ui.separator();
        if settings.layout == MapLayout::Areas {
            let switches: [Switch; 3] = [
                (|s| &mut s.places, "places", None),
                (|s| &mut s.select_places, "click: place", Some("On: a click selects the place (council area) under the pointer. Off: the CCG or sub-ICB location.")),
                (|s| &mut s.animate, "animate", Some("When the date crosses a merger wave, the merging areas run together.")),
            ];
            for (field, name, hover) in switches {
                let mut next = settings;
                let mut switch = ui.checkbox(field(&mut next), name);
                if let Some(hover) = hover {
                    switch = switch.on_hover_text(hover);
                }
                if switch.changed() {
                    out.push(set(next));
                }
            }
            if ui.button("London").on_hover_text("Zoom to London's 33 boroughs, where the areas are small").clicked() {
                *camera = MapCamera { zoom: 7.0, centre: Some(crate::geo::project(-0.11, 51.49)) };
            }
        }
        if ui.button("All England").on_hover_text("Zoom out to all of England (or double-click the map)").clicked() {
            *camera = MapCamera::default();
        }
        if !cx.presenting() && ui.button("Export PNG…").clicked() {
            out.push(Export::Ask(ExportKind::Map).into());
        }
    });
}

/// Hovering an area: its commissioner, population with basis, system, places served;
/// and the place under the pointer.
pub(super) fn area_tooltip(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    tl: &Timeline,
    f: &MapFrame,
    geo: &Geography,
    i: usize,
    place: Option<usize>,
) {
    let s = tl.snapshot();
    let date = cx.date();
    let area = &geo.eras[f.era].areas[i];
    match f.holder(i) {
        Some(h) => {
            let o = s.org(h.org);
            ui.strong(o.label());
            if cx.hypothetical(h.org) {
                ui.colored_label(cx.theme.scenario(), "Scenario: not in the record");
            }
            if let Some(p) = crate::view::population_text(o) {
                ui.label(p);
            }
            match h.system {
                Some(sys) => ui.label(format!("System: {}", s.org(sys).label())),
                None => ui.weak("No system on this date (STPs from April 2017)"),
            };
            let team = &f.teams[h.team];
            if team.len() > 1 {
                let others: Vec<String> = team
                    .iter()
                    .filter(|x| **x != h.org)
                    .map(|x| s.org(*x).code.clone())
                    .collect();
                ui.label(format!("Shares leadership with {}", others.join(", ")));
            }
            if area.code != o.code {
                ui.weak(format!(
                    "This area was {} ({}) in {}",
                    area.name,
                    area.code,
                    crate::model::human_date(geo.eras[f.era].from.unwrap_or(date))
                ));
            }
            if !h.split_with.is_empty() {
                let names: Vec<String> = h.split_with.iter().map(|x| s.org(*x).label()).collect();
                ui.colored_label(
                    cx.theme.changed,
                    format!(
                        "Split: also {}; drawn approximately (estimated).",
                        names.join(", ")
                    ),
                );
            }
            let mut served: Vec<(String, f64, &str)> = s
                .links_of(h.org)
                .filter(|(_, l)| l.kind.serves_place() && l.a == h.org && l.holds_on(date))
                .map(|(_, l)| (s.org(l.b).name.clone(), l.share, l.basis.label()))
                .collect();
            served.sort_by(|a, b| b.1.total_cmp(&a.1));
            if !served.is_empty() {
                let list: Vec<String> = served
                    .iter()
                    .map(|(n, sh, b)| format!("{n} ({}, {b})", crate::view::percent(*sh)))
                    .collect();
                ui.label(format!("Serves: {}", list.join("; ")));
            }
        }
        None => {
            ui.strong(format!("{} ({})", area.name, area.code));
            ui.weak("No commissioner in the record on this date.");
        }
    }
    if let Some(p) = place {
        ui.separator();
        place_tooltip(ui, tl, f, Some(p), &geo.places.areas[p].name);
    }
}

pub(super) fn place_tooltip(
    ui: &mut egui::Ui,
    tl: &Timeline,
    f: &MapFrame,
    place: Option<usize>,
    name: &str,
) {
    let s = tl.snapshot();
    ui.strong(format!("Place: {name}"));
    let Some(p) = place else { return };
    let by = &f.served[p].by;
    if by.is_empty() {
        ui.weak("The record gives no commissioner for this place on the date.");
    }
    for (o, share) in by {
        ui.label(format!(
            "{} · {} of the place",
            s.org(*o).label(),
            crate::view::percent(*share)
        ));
    }
}

/// The legend and attribution under the map.
pub(super) fn legend(
    ui: &mut egui::Ui,
    cx: &ViewCtx,
    tl: &Timeline,
    f: &MapFrame,
    settings: MapSettings,
    palette: &Palette,
) {
    let s = tl.snapshot();
    let commissioners = if f.orgs.iter().any(|o| s.org(*o).kind == OrgKind::SubIcb) {
        "sub-ICB location areas"
    } else {
        "CCG areas"
    };
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        let date = crate::model::human_date(f.date);
        // From July 2022 an ICB is its system's board: count them as ICBs.
        let systems = if commissioners.starts_with("sub-ICB") {
            "ICBs"
        } else {
            "systems"
        };
        let (n, sys) = (f.orgs.len(), f.systems.len());
        ui.strong(match settings.layout {
            MapLayout::Areas => format!("{n} {commissioners} in {sys} {systems} on {date}"),
            MapLayout::PlaceHexes => format!(
                "152 places as hexes, each coloured by who serves most of it ({n} commissioners in {sys} systems on {date})"
            ),
            MapLayout::PcnHexes => format!(
                "The PCNs of 2022 as hexes, each coloured by its commissioner on {date}"
            ),
        });
        ui.weak("·");
        match settings.fill {
            MapFill::System => ui.label("colour: system"),
            MapFill::Ccg => ui.label("colour: one per commissioner"),
            MapFill::Leadership => {
                let shared = f.teams.iter().filter(|t| t.len() > 1).count();
                let sharing: usize = f.teams.iter().filter(|t| t.len() > 1).map(Vec::len).sum();
                swatch(ui, palette.none);
                ui.label(format!("own leadership · coloured: {shared} shared leadership teams of {sharing} commissioners (published arrangements)"))
            }
            MapFill::Savings => {
                for (p, label) in [(-palette.target, "−target"), (0.0, "0%"), (palette.target / 2.0, ""), (palette.target, "target")] {
                    swatch(ui, savings_colour(p, palette.target, cx.theme.dark));
                    if !label.is_empty() {
                        ui.label(label);
                    }
                }
                swatch(ui, palette.none);
                ui.label(format!("no system · modelled savings by system against the {:.0}% cut (modelled, not published)", palette.target))
            }
        };
        if settings.layout == MapLayout::Areas {
            ui.weak("· thick border: system · thin: commissioner");
            if settings.places {
                ui.weak("· dashed: place");
            }
            if f.holders.iter().flatten().any(|h| cx.hypothetical(h.org)) {
                ui.colored_label(cx.theme.scenario(), "· outlined: scenario (not the record)");
            }
            if f.holders.iter().flatten().any(|h| !h.split_with.is_empty()) {
                ui.colored_label(cx.theme.changed, "· outlined: split, drawn approximately");
            }
        } else if settings.layout == MapLayout::PlaceHexes {
            ui.weak("· a place served by several commissioners is split into wedges by share");
        }
    });
    ui.add(egui::Label::new(egui::RichText::new(ATTRIBUTION).small().weak()).wrap());
}

pub(super) fn swatch(ui: &mut egui::Ui, colour: Color32) {
    let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
    ui.painter().rect_filled(r, 2.0, colour);
}
