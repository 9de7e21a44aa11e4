//! The fast RON reader (`model::fast_ron`) against the `ron` crate: on every RON file
//! in `assets/` and `tests/`, on files written the ways only ron reads (where the fast
//! reader must give up and ron's reading stand), and on thousands of damaged copies of
//! `assets/examples/tiny.ron`, the one reader gives what ron alone gives: the same
//! value, or the same error at the same place.

use std::path::Path;

use ccg_explorer::model::document::{Document, Kind, Stopped, read, read_with_ron};
use ccg_explorer::model::fast_ron;
use ccg_explorer::model::format::RawSnapshot;

const TINY: &str = include_str!("../assets/examples/tiny.ron");

/// `read` (fast reader, then ron) and ron alone agree on `text`.
fn agree(text: &str, expect: Kind) {
    let both = read(text, expect);
    let ron_only = read_with_ron(text, expect);
    match (&both, &ron_only) {
        // Compared as written out, since a `NaN` is not equal to itself.
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}"),
        (Err(a), Err(b)) => assert!(same_stop(a, b), "different errors for:\n{text}"),
        _ => panic!(
            "one read it and the other did not ({} / {}):\n{text}",
            both.is_ok(),
            ron_only.is_ok()
        ),
    }
    // The derived types, read directly, too: what the fast reader reads, ron reads
    // to the same value.
    if let Some(fast) = fast_ron::from_str::<RawSnapshot>(text) {
        let slow: RawSnapshot = match ron::from_str(text) {
            Ok(s) => s,
            Err(e) => panic!("only the fast reader read it ({e}):\n{text}"),
        };
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}");
    }
}

fn same_stop(a: &Stopped, b: &Stopped) -> bool {
    a.kind == b.kind && a.known == b.known && a.format == b.format && a.error == b.error
}

fn ron_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(ron_files(&path));
        } else if path.extension().is_some_and(|x| x == "ron")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push((path.display().to_string(), text));
        }
    }
    out
}

#[test]
fn england_is_read_by_the_fast_reader_exactly_as_ron_reads_it() {
    let england = ccg_explorer::ENGLAND_RON;
    let fast: RawSnapshot = fast_ron::from_str(england).expect("the fast reader reads England");
    let slow: RawSnapshot = ron::from_str(england).expect("ron reads England");
    assert!(fast == slow);
    let Ok(Document::Snapshot(doc)) = read(england, Kind::Snapshot) else {
        panic!("England is not a snapshot");
    };
    assert!(*doc == slow);
    agree(england, Kind::Snapshot);
}

#[test]
fn every_ron_file_in_the_repository_reads_the_same_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = ron_files(&root.join("assets"));
    files.extend(ron_files(&root.join("tests")));
    assert!(files.len() > 100, "only {} files", files.len());
    for (path, text) in &files {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for expect in [Kind::Snapshot, Kind::Scenario] {
            agree(text, expect);
        }
        let _ = path;
    }
    // The examples of a snapshot are the fast reader's own (no fallback).
    assert!(fast_ron::from_str::<RawSnapshot>(TINY).is_some());
}

/// Texts ron reads that the fast reader leaves to it: each is tiny.ron with one
/// thing written another way.
fn written_other_ways() -> Vec<String> {
    let tiny = |from: &str, to: &str| {
        assert!(TINY.contains(from), "{from}");
        TINY.replacen(from, to, 1)
    };
    vec![
        // A struct with its name.
        tiny("(key: \"EXAMPLE\"", "RawSource(key: \"EXAMPLE\""),
        // An explicit `Some`.
        tiny("to: \"2022-06-30\"", "to: Some(\"2022-06-30\")"),
        // A raw string, and a Unicode escape.
        tiny("\"Tiny example\"", "r#\"Tiny example\"#"),
        tiny("\"Tiny example\"", "\"Tiny ex\\u{e4}mple\""),
        // A string continued on the next line.
        tiny("\"Tiny example\"", "\"Tiny \\\n   example\""),
        // Numbers with a sign, underscores or a suffix.
        tiny("count: 600000", "count: +600000"),
        tiny("count: 600000", "count: 600_000"),
        tiny("count: 600000", "count: 600000i64"),
        // A raw identifier.
        tiny("title:", "r#title:"),
        // Attributes written with spaces, or more than one extension.
        tiny("#![enable(implicit_some)]", "#![ enable( implicit_some ) ]"),
        tiny(
            "#![enable(implicit_some)]",
            "#![enable(implicit_some, unwrap_newtypes)]",
        ),
        // White space ron knows and ASCII does not.
        tiny("format: 1,", "format:\u{2028}1,"),
    ]
}

#[test]
fn what_only_ron_reads_falls_back_to_ron() {
    for text in written_other_ways() {
        assert!(
            fast_ron::from_str::<RawSnapshot>(&text).is_none(),
            "the fast reader read it:\n{text}"
        );
        assert!(
            read_with_ron(&text, Kind::Snapshot).is_ok(),
            "ron did not read it:\n{text}"
        );
        agree(&text, Kind::Snapshot);
    }
}

#[test]
fn comments_escapes_and_trailing_commas_are_the_fast_readers_own() {
    let text = TINY
        .replacen(
            "(\n  format: 1,",
            "/* a /* nested */ comment */ (\n  format: 1, // one\n",
            1,
        )
        .replacen(
            "\"Tiny example\"",
            "\"Tiny \\\"example\\\" \\\\ it\\'s\\n\\t\\r\\0\"",
            1,
        );
    let fast: RawSnapshot = fast_ron::from_str(&text).expect("the fast reader reads it");
    assert!(fast.title.contains("\"example\" \\ it's\n"));
    agree(&text, Kind::Snapshot);
}

/// Every copy of tiny.ron with one character taken out, or one of a few characters
/// put in, reads the same both ways.
#[test]
fn damaged_copies_of_the_example_read_the_same_both_ways() {
    let cuts: Vec<usize> = TINY.char_indices().map(|(i, _)| i).collect();
    for &i in &cuts {
        let c = TINY[i..].chars().next().map_or(1, char::len_utf8);
        let text = format!("{}{}", &TINY[..i], &TINY[i + c..]);
        agree(&text, Kind::Snapshot);
    }
    let inserts = [
        ",", "(", ")", "[", "]", "\"", ":", "/", "*", " ", "-", ".", "_", "0", "e", "x", "\\", "#",
        "'", "r", "\u{a0}",
    ];
    for (n, &i) in cuts.iter().enumerate() {
        let s = inserts[n % inserts.len()];
        let text = format!("{}{}{}", &TINY[..i], s, &TINY[i..]);
        agree(&text, Kind::Snapshot);
    }
}
