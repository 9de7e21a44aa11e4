//! Two dates compared (`compare`), as text and JSON.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use super::{Format, arrangement_json, write_json, write_title};
use crate::model::scenario::scenario_of;
use crate::model::{Date, OrgId, Provenance, Timeline, human_date, thousands};

/// The changes between two dates.
pub fn write_compare(
    out: &mut dyn Write,
    tl: &Timeline,
    a: Date,
    b: Date,
    format: Format,
) -> Result<()> {
    use crate::model::compare::{ChangeKind, compare};
    let s = tl.snapshot();
    let c = compare(tl, a, b);
    let code = |id: OrgId| s.org(id).code.clone();
    if format == Format::Json {
        let changes: Vec<_> = c
            .changes
            .iter()
            .map(|ch| {
                let mut v = json!({
                    "kind": ch.kind.key(),
                    "date": ch.date.to_string(),
                    "from": ch.from.iter().map(|f| code(*f)).collect::<Vec<_>>(),
                    "to": code(ch.to),
                    "to_name": s.org(ch.to).name_on(ch.date),
                    "to_kind": s.org(ch.to).kind.label(),
                    "into": ch.into.map(code),
                    "left": ch.left.map(code),
                    "note": ch.note,
                    "basis": ch.basis.map(Provenance::label),
                    "text": ch.describe(s),
                });
                if !ch.parts.is_empty() {
                    v["parts"] = json!(
                        ch.parts
                            .iter()
                            .map(|(f, share)| json!({ "from": code(*f), "share": share }))
                            .collect::<Vec<_>>()
                    );
                }
                if let Some(i) = ch.arrangement {
                    v["arrangement"] = arrangement_json(s, &s.arrangements[i]);
                }
                v
            })
            .collect();
        let v = json!({
            "a": c.a.to_string(),
            "b": c.b.to_string(),
            "swapped": c.swapped,
            "scenario": scenario_of(s),
            "counts": { "a": c.counts_a, "b": c.counts_b },
            "summary": c.summary(),
            "mergers": c.mergers,
            "new_ccgs": c.new_ccgs.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "formed_from": c.formed_from.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "icb_mergers": c.new_icbs.len(),
            "new_icbs": c.new_icbs.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "icbs_formed_from": c.icbs_formed_from.iter().map(|x| code(*x)).collect::<Vec<_>>(),
            "changes": changes,
        });
        write_json(out, &v)?;
        return Ok(());
    }
    let title = format!(
        "{} compared with {}{}",
        human_date(c.a),
        human_date(c.b),
        if c.swapped {
            " (dates put in order)"
        } else {
            ""
        }
    );
    write_title(out, scenario_of(s).as_deref(), &title)?;
    writeln!(
        out,
        "  {:<34}{:>12}{:>12}{:>9}",
        "",
        c.a.to_string(),
        c.b.to_string(),
        "change"
    )?;
    for (what, x, y) in c.count_rows() {
        let d = y as i64 - x as i64;
        let d = if d == 0 {
            "0".to_string()
        } else {
            let sign = if d > 0 { '+' } else { '-' };
            format!("{sign}{}", thousands(d.unsigned_abs()))
        };
        writeln!(
            out,
            "  {what:<34}{:>12}{:>12}{d:>9}",
            thousands(x as u64),
            thousands(y as u64)
        )?;
    }
    writeln!(out, "{}", c.summary())?;
    for kind in ChangeKind::ALL {
        let items: Vec<_> = c.of(kind).collect();
        if items.is_empty() {
            continue;
        }
        writeln!(out, "\n{} ({})", kind.heading(), items.len())?;
        for ch in items {
            writeln!(out, "  {}  {}", ch.date, ch.describe(s))?;
        }
    }
    Ok(())
}
