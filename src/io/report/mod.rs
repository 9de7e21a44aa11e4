//! Reports: the record on a date, a lineage, two dates compared and running costs, as
//! text, JSON and CSV.
//!
//! The command line prints them and the window's CSV exports write them, so both say
//! the same. Every relation and figure goes out with its basis (published, derived,
//! estimated, modelled, reported) and its source key: in JSON as `basis` and `source`
//! fields, in CSV as columns, in text as a `≈` before anything not published, with a
//! legend line saying so.

mod at;
mod compare;
mod costs;
mod lineage;

pub use at::*;
pub use compare::*;
pub use costs::*;
pub use lineage::*;

use serde_json::{Value, json};

use crate::model::sharing;
use crate::model::snapshot::Arrangement;
use crate::model::{FOREVER, Provenance, Snapshot};

/// `v` as pretty JSON, and a newline.
fn write_json(out: &mut dyn std::io::Write, v: &Value) -> anyhow::Result<()> {
    writeln!(out, "{}", serde_json::to_string_pretty(v)?)?;
    Ok(())
}

/// A CSV table: the `header` row, then the rows `rows` writes.
fn write_csv<const N: usize>(
    out: &mut dyn std::io::Write,
    header: [&str; N],
    rows: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    rows(&mut w)?;
    out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
    Ok(())
}

/// A text report's first lines: the scenario it shows, if any, then its title.
fn write_title(
    out: &mut dyn std::io::Write,
    scenario: Option<&str>,
    title: &str,
) -> anyhow::Result<()> {
    if let Some(sc) = scenario {
        writeln!(out, "{sc}")?;
    }
    writeln!(out, "{title}")?;
    Ok(())
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
pub enum Format {
    /// For people.
    Text,
    /// For scripts.
    Json,
    /// For spreadsheets.
    Csv,
}

/// Output formats of `compare` (a change list has no table shape for csv).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
pub enum CompareFormat {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// The legend line of text reports.
pub const APPROX_LEGEND: &str = "≈ marks a share or membership that is not published \
(derived from counts, or estimated); --format json and csv give every basis and source.";

/// An arrangement of shared management, for JSON.
pub fn arrangement_json(s: &Snapshot, a: &Arrangement) -> Value {
    json!({
        "id": a.id,
        "kind": a.kind.label(),
        "shares_leadership": a.kind.shares_management(),
        "member_kind": a.member_kind.label(),
        "members": a.members.iter().map(|m| s.org(*m).code.clone()).collect::<Vec<_>>(),
        "part_members": a.part_members.iter().map(|m| s.org(*m).code.clone()).collect::<Vec<_>>(),
        "basis": a.basis.map(Provenance::label),
        "from": a.from.to_string(),
        "from_precision": precision_key(a.from_precision),
        "to": (a.to != FOREVER).then(|| a.to.to_string()),
        "to_precision": precision_key(a.to_precision),
        "date_basis": a.date_basis,
        "text": sharing::sentence(s, a),
        "leader": a.leader,
        "source": a.source,
        "evidence": a.evidence,
        "note": a.note,
    })
}

fn precision_key(p: crate::model::format::DatePrecision) -> &'static str {
    use crate::model::format::DatePrecision as P;
    match p {
        P::Day => "day",
        P::Month => "month",
        P::Year => "year",
    }
}
