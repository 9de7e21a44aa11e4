//! The command-line interface: `check`, `at`, `lineage`, `import`, and the window.
//!
//! The parser and the subcommands are desktop-only (`cfg(not(target_arch = "wasm32"))`);
//! the writers (`write_at`, `write_costs`, ...) and file helpers live in [`crate::io`],
//! re-exported here, since the window uses them too (its CSV export in the browser too).
//!
//! Exit codes: 0 success (a valid file for `check`), 1 an invalid snapshot, 2 a usage
//! or I/O error.

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
pub use args::*;

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write;
#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;
#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use anyhow::Result;

#[cfg(not(target_arch = "wasm32"))]
use crate::model::Timeline;
#[cfg(not(target_arch = "wasm32"))]
use crate::model::load::{LoadError, Loaded, load_str};
#[cfg(not(target_arch = "wasm32"))]
use crate::model::{OrgKind, plural};

#[cfg(not(target_arch = "wasm32"))]
use crate::io::files::{read_text, write_atomic};
pub use crate::io::report::{CompareFormat, Format};
#[cfg(not(target_arch = "wasm32"))]
use crate::io::report::{write_at, write_compare, write_costs, write_lineage};

/// Runs a subcommand, writing to `out`; returns the process exit code.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(command: Command, out: &mut dyn Write) -> ExitCode {
    // Text from files reaches the terminal escaped: a title's escape sequences, a
    // code's zero-width space. JSON keeps its data, with such characters as `\uXXXX`.
    let json = matches!(
        command,
        Command::At {
            format: Format::Json,
            ..
        } | Command::Lineage {
            format: Format::Json,
            ..
        } | Command::Costs {
            format: Format::Json,
            ..
        } | Command::Compare {
            format: CompareFormat::Json,
            ..
        }
    );
    let mut escaped = Escaping {
        inner: out,
        json,
        pending: Vec::new(),
    };
    let result = run_inner(command, &mut escaped).and_then(|code| {
        escaped.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "ccg-explorer: error: {}",
                crate::model::text::escape(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

/// A writer that escapes what [`crate::model::text::is_hidden`] calls hidden: as
/// `\u{200b}` in text and CSV, as `\u200b` in JSON (where it can only be inside a
/// string, so the JSON means the same).
#[cfg(not(target_arch = "wasm32"))]
struct Escaping<'a> {
    inner: &'a mut dyn Write,
    json: bool,
    /// The start of a character split between two writes.
    pending: Vec<u8>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Write for Escaping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use crate::model::text::is_hidden;
        self.pending.extend_from_slice(buf);
        let (text, rest) = match std::str::from_utf8(&self.pending) {
            Ok(t) => (t, 0),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() => (
                std::str::from_utf8(&self.pending[..e.valid_up_to()]).unwrap_or_default(),
                self.pending.len() - e.valid_up_to(),
            ),
            // Not UTF-8 at all: not ours to judge.
            Err(_) => {
                self.inner.write_all(&self.pending)?;
                self.pending.clear();
                return Ok(buf.len());
            }
        };
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if !is_hidden(c) {
                out.push(c);
            } else if self.json {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            } else {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
        }
        self.inner.write_all(out.as_bytes())?;
        let keep = self.pending.split_off(self.pending.len() - rest);
        self.pending = keep;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.inner.write_all(&std::mem::take(&mut self.pending))?;
        }
        self.inner.flush()
    }
}

#[cfg(not(target_arch = "wasm32"))]
enum Opened {
    Ok(Box<Loaded>),
    Invalid(LoadError),
}

/// `  2 warnings` and one line for each.
#[cfg(not(target_arch = "wasm32"))]
fn print_warnings(out: &mut dyn Write, warnings: &[crate::model::Problem]) -> Result<()> {
    let n = warnings.len();
    writeln!(out, "  {}", plural(n, "warning", "warnings"))?;
    for w in warnings {
        writeln!(out, "  {w}")?;
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn print_problems(out: &mut dyn Write, name: &str, err: &LoadError) -> Result<()> {
    let errors = err.errors().count();
    writeln!(
        out,
        "{name}: invalid: {}",
        plural(errors, "error", "errors")
    )?;
    for p in &err.problems {
        writeln!(out, "  {p}")?;
    }
    Ok(())
}

/// Reads `text` once as a document (past a byte-order mark): the body read, what it
/// is, and whether it is a scenario (a broken one too, when its kind is known).
#[cfg(not(target_arch = "wasm32"))]
fn read_document(
    text: &str,
) -> (
    &str,
    std::result::Result<crate::model::document::Document, crate::model::document::Stopped>,
    bool,
) {
    use crate::model::document::{Kind, read};
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = read(body, Kind::Snapshot);
    let is_scenario = match &doc {
        Ok(d) => d.kind() == Kind::Scenario,
        Err(s) => s.known && s.kind == Kind::Scenario,
    };
    (body, doc, is_scenario)
}

/// Loads the snapshot (embedded unless `path`), with `scenario` laid over it if given.
#[cfg(not(target_arch = "wasm32"))]
fn load_timeline(
    path: Option<&Path>,
    scenario: Option<&Path>,
) -> Result<std::result::Result<Timeline, LoadError>> {
    let text = match path {
        None => crate::ENGLAND_RON.to_string(),
        Some(p) => read_text(p)?,
    };
    use crate::model::document::Document;
    let (body, doc, is_scenario) = read_document(&text);
    if let Some(p) = path
        && is_scenario
    {
        anyhow::bail!(
            "{} is a scenario, not a snapshot; pass it with --scenario {} (the snapshot it \
             applies to goes after --snapshot, or leave that out for the England record)",
            p.display(),
            p.display()
        );
    }
    // Parsed once; a file that fails is read again only to word its problem.
    let checked = match doc {
        Ok(Document::Snapshot(raw)) if raw.format == crate::model::format::FORMAT_VERSION => {
            crate::model::load::validate_raw(*raw, body)
        }
        _ => crate::model::load::load_raw(&text),
    };
    let (raw, loaded) = match checked {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let Some(sc) = scenario else {
        return Ok(Ok(Timeline::new(loaded.snapshot)));
    };
    let sc_text = read_text(sc)?;
    let scenario = match crate::model::scenario::parse_scenario(&sc_text) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    Ok(match crate::model::scenario::apply(&raw, &scenario) {
        Ok((_, applied)) => {
            for w in applied.warnings.iter().filter(|w| w.code.is_none()) {
                eprintln!("ccg-explorer: {w}");
            }
            Ok(Timeline::new(applied.snapshot))
        }
        Err(e) => Err(e),
    })
}

/// Loads the timeline, or prints every problem and returns `None`.
#[cfg(not(target_arch = "wasm32"))]
fn timeline_or_report(out: &mut dyn Write, record: &RecordArgs) -> Result<Option<Timeline>> {
    let (snapshot, scenario) = (record.snapshot.as_deref(), record.scenario.as_deref());
    match load_timeline(snapshot, scenario)? {
        Ok(t) => Ok(Some(t)),
        Err(e) => {
            let name = scenario
                .or(snapshot)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| crate::ENGLAND_NAME.to_string());
            print_problems(out, &name, &e)?;
            Ok(None)
        }
    }
}

/// Loads the record and writes what `then` writes from it; an invalid record is
/// reported instead (exit 1).
#[cfg(not(target_arch = "wasm32"))]
fn with_timeline(
    out: &mut dyn Write,
    record: &RecordArgs,
    then: impl FnOnce(&mut dyn Write, &Timeline) -> Result<()>,
) -> Result<ExitCode> {
    let Some(tl) = timeline_or_report(out, record)? else {
        return Ok(ExitCode::from(1));
    };
    then(out, &tl)?;
    Ok(ExitCode::SUCCESS)
}

/// Checks a scenario file against its snapshot.
#[cfg(not(target_arch = "wasm32"))]
fn check_scenario(
    out: &mut dyn Write,
    name: &str,
    parsed: std::result::Result<crate::model::scenario::Scenario, LoadError>,
    snapshot: Option<&Path>,
) -> Result<ExitCode> {
    use crate::model::scenario::{apply, fingerprint};
    let scenario = match parsed {
        Ok(s) => s,
        Err(e) => {
            print_problems(out, name, &e)?;
            return Ok(ExitCode::from(1));
        }
    };
    let snap_text = match snapshot {
        None => crate::ENGLAND_RON.to_string(),
        Some(p) => read_text(p)?,
    };
    let (raw, _) = match crate::model::load::load_raw(&snap_text) {
        Ok(x) => x,
        Err(e) => {
            print_problems(
                out,
                &snapshot
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                &e,
            )?;
            return Ok(ExitCode::from(1));
        }
    };
    match apply(&raw, &scenario) {
        Err(e) => {
            print_problems(out, name, &e)?;
            Ok(ExitCode::from(1))
        }
        Ok((_, applied)) => {
            let fp = fingerprint(&raw);
            writeln!(out, "{name}: valid scenario \"{}\"", scenario.name)?;
            writeln!(
                out,
                "  {}, {}; applies to \"{}\" (fingerprint {fp}{})",
                plural(scenario.changes.len(), "change", "changes"),
                plural(scenario.bookmarks.len(), "bookmark", "bookmarks"),
                raw.title,
                if scenario.snapshot.fingerprint == fp {
                    ", matches"
                } else {
                    ", DIFFERS from the scenario's"
                }
            )?;
            for c in &scenario.changes {
                writeln!(out, "  - {}", c.describe())?;
            }
            print_warnings(out, &applied.warnings)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run_inner(command: Command, out: &mut dyn Write) -> Result<ExitCode> {
    match command {
        Command::Check { file, snapshot } => {
            use crate::model::document::Document;
            let name = file.display().to_string();
            let text = read_text(&file)?;
            // One parse decides what the file is and, when it is good, is the result.
            let (body, doc, is_scenario) = read_document(&text);
            if is_scenario {
                let parsed = match doc {
                    Ok(Document::Scenario(sc)) => {
                        crate::model::scenario::checked_version(body, *sc)
                    }
                    // Only a broken file is read again, for the scenario's wording.
                    _ => crate::model::scenario::parse_scenario(&text),
                };
                return check_scenario(out, &name, parsed, snapshot.as_deref());
            }
            let checked = match doc {
                Ok(Document::Snapshot(raw))
                    if raw.format == crate::model::format::FORMAT_VERSION =>
                {
                    crate::model::load::validate_raw(*raw, body)
                }
                _ => crate::model::load::parse_str(&text)
                    .and_then(|raw| crate::model::load::validate_raw(raw, body)),
            };
            let (raw, loaded) = match checked {
                Ok((raw, l)) => (raw, Opened::Ok(Box::new(l))),
                Err(e) => (Default::default(), Opened::Invalid(e)),
            };
            match loaded {
                Opened::Invalid(e) => {
                    print_problems(out, &name, &e)?;
                    Ok(ExitCode::from(1))
                }
                Opened::Ok(l) => {
                    let s = &l.snapshot;
                    let parts: Vec<String> = OrgKind::ALL
                        .iter()
                        .map(|k| format!("{} {}", s.count_kind(*k), k.section().replace('_', " ")))
                        .collect();
                    let (a, b) = s.span();
                    writeln!(out, "{name}: valid: \"{}\"", s.title)?;
                    writeln!(
                        out,
                        "  fingerprint {}",
                        crate::model::scenario::fingerprint(&raw)
                    )?;
                    writeln!(out, "  {}", parts.join(", "))?;
                    let span = if s.orgs.is_empty() {
                        "no dates".to_string()
                    } else {
                        format!("from {a} to {b}")
                    };
                    writeln!(
                        out,
                        "  {} relations, {} events, {span}",
                        s.links.len(),
                        s.events.len(),
                    )?;
                    if let Some(as_at) = s.as_at {
                        writeln!(
                            out,
                            "  as at {} (when its sources were last checked): the record runs to then",
                            crate::model::human_date(as_at)
                        )?;
                    }
                    print_warnings(out, &l.warnings)?;
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::At {
            date,
            record,
            format,
        } => with_timeline(out, &record, |out, tl| write_at(out, tl, date, format)),
        Command::Lineage {
            code,
            record,
            format,
        } => with_timeline(out, &record, |out, tl| {
            let found = tl.snapshot().find_any(&code);
            // A CCG first (its sub-ICB location shares its code), then an ICB before the
            // system that shares its ODS code.
            let kind_of = |id: &crate::model::OrgId| tl.snapshot().org(*id).kind;
            let Some(id) = found
                .iter()
                .find(|id| kind_of(id) == OrgKind::Ccg)
                .or_else(|| found.iter().find(|id| kind_of(id) == OrgKind::Icb))
                .or_else(|| found.first())
            else {
                anyhow::bail!(
                    "no organisation has the code '{code}'; try `ccg-explorer at DATE` to list codes"
                );
            };
            write_lineage(out, tl, *id, format)?;
            Ok(())
        }),
        Command::Compare {
            a,
            b,
            record,
            format,
        } => with_timeline(out, &record, |out, tl| {
            let format = match format {
                CompareFormat::Text => Format::Text,
                CompareFormat::Json => Format::Json,
            };
            write_compare(out, tl, a, b, format)?;
            Ok(())
        }),
        Command::Costs {
            footprint,
            at,
            era,
            record,
            format,
        } => with_timeline(out, &record, |out, tl| {
            let found = match &footprint {
                None => None,
                Some(code) => {
                    let ids = tl.snapshot().find_any(code);
                    if ids.is_empty() {
                        anyhow::bail!("no organisation has the code '{code}'");
                    }
                    Some(ids)
                }
            };
            let is_icb = |id: &crate::model::OrgId| {
                tl.snapshot().org(*id).kind == crate::model::OrgKind::Icb
            };
            let era = era.unwrap_or(match &found {
                Some(ids) if ids.iter().any(is_icb) => EraArg::Icb,
                _ => EraArg::Ccg,
            });
            let day_of = |id: crate::model::OrgId| {
                let o = tl.snapshot().org(id);
                at.unwrap_or(if o.to == crate::model::FOREVER {
                    o.from
                } else {
                    o.to
                })
            };
            match era {
                EraArg::Ccg => {
                    let model = crate::model::costs::CostModel::new(tl);
                    let fp = match found.as_ref().and_then(|ids| ids.first().copied()) {
                        None => model.england(),
                        Some(id) => model.footprint(tl, id, day_of(id)),
                    };
                    write_costs(out, &model, &fp, format)?;
                }
                EraArg::Icb => {
                    let model = crate::model::icb_costs::IcbCostModel::new(tl);
                    let fp = match &found {
                        None => model.england(tl),
                        Some(ids) => {
                            // An ICB's code before the CCG or sub-ICB location that shares it.
                            let id = ids
                                .iter()
                                .copied()
                                .find(is_icb)
                                .or_else(|| ids.last().copied())
                                .ok_or_else(|| anyhow::anyhow!("no organisation found"))?;
                            model
                                .footprint(tl, id, day_of(id))
                                .map_err(|e| anyhow::anyhow!(e))?
                        }
                    };
                    crate::io::report::write_icb_costs(out, tl, &model, &fp, format)?;
                }
            }
            Ok(())
        }),
        Command::Synth {
            scale,
            seed,
            out: dest,
        } => {
            let england = crate::model::load::parse_str(crate::ENGLAND_RON)
                .map_err(|e| anyhow::anyhow!("the embedded England snapshot is invalid: {e}"))?;
            let snap = crate::synth::synthesize(&england, scale, seed)?;
            let bytes = write_checked(&snap, "the generator", &dest)?;
            writeln!(
                out,
                "wrote {} ({scale} × England, seed {seed}, {bytes} bytes)",
                dest.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { sources, out: dest } => {
            let snap = crate::import::build_england(&sources)?;
            let bytes = write_checked(&snap, "the importer", &dest)?;
            writeln!(out, "wrote {} ({bytes} bytes)", dest.display())?;
            // The map's geography goes beside it (the embedded one is assets/england.geo).
            let geo = crate::geo::build::to_bytes(&crate::geo::build::build(&sources)?)?;
            let geo_dest = dest.with_extension("geo");
            write_atomic(&geo_dest, &geo)?;
            writeln!(out, "wrote {} ({} bytes)", geo_dest.display(), geo.len())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Writes a snapshot `who` built as RON, atomically, after checking that it loads;
/// returns its size in bytes.
fn write_checked(
    snap: &crate::model::format::RawSnapshot,
    who: &str,
    dest: &Path,
) -> Result<usize> {
    let text = crate::import::to_ron(snap)?;
    if let Err(e) = load_str(&text) {
        let mut msg = Vec::new();
        print_problems(&mut msg, "built snapshot", &e)?;
        anyhow::bail!(
            "{who} built an invalid snapshot:\n{}",
            String::from_utf8_lossy(&msg)
        );
    }
    write_atomic(dest, text.as_bytes())?;
    Ok(text.len())
}
