//! File > Export: asking where, then a stamped picture or a CSV file.

use std::path::PathBuf;

use crate::app::command::Export;
use crate::app::export::ExportKind;
use crate::app::jobs::{IoPurpose, IoResult, write_file};
use crate::app::{App, CentralTab, ProblemReport};
use crate::io::report::{Format, write_at, write_costs};

impl App {
    pub(super) fn apply_export(&mut self, ctx: &egui::Context, e: Export) {
        match e {
            Export::Ask(kind) => {
                let name = kind.file_name(&self.date.to_string());
                self.ask(ctx, IoPurpose::Export(kind), name);
            }
            Export::To(kind, path) => self.export_to(ctx, kind, path),
        }
    }

    /// The stamp on exported pictures: date, footprint and scenario.
    pub fn stamp(&self) -> String {
        let footprint = self.charts().costs.footprint.clone();
        let scenario = match (self.showing_scenario(), self.scenario()) {
            (true, Some(s)) => format!("scenario: {}", s.name),
            _ => "actual record".to_string(),
        };
        format!(
            "{} · {footprint} · {scenario}",
            crate::model::human_date(self.date)
        )
    }

    /// Exports `kind` to `path`: a picture of the next frames, or a CSV file written
    /// off the UI thread.
    pub(super) fn export_to(&mut self, ctx: &egui::Context, kind: ExportKind, path: PathBuf) {
        if kind.is_picture() {
            // A view's picture shows that view.
            match kind {
                ExportKind::Flow => self.central_tab = CentralTab::Flow,
                ExportKind::Map => self.central_tab = CentralTab::Map,
                _ => {}
            }
            let stamp = self.stamp();
            // One picture at a time; later ones wait their turn.
            self.services.exporter.push(kind, path, stamp);
            ctx.request_repaint();
            return;
        }
        let mut buf: Vec<u8> = Vec::new();
        let (tl, costs) = (&self.world.timeline, &self.world.costs);
        let r = if kind == ExportKind::TreeCsv {
            write_at(&mut buf, tl, self.date, Format::Csv)
        } else {
            let fp = crate::view::footprint_for(tl, costs, self.selection, self.date);
            write_costs(&mut buf, costs, &fp, Format::Csv)
        };
        match r {
            Ok(()) => self.services.io.spawn(ctx, move || {
                let r = write_file(&path, &buf);
                IoResult::Wrote(path, r)
            }),
            Err(e) => self.report = Some(ProblemReport::message(format!("Cannot export: {e:#}"))),
        }
    }
}
