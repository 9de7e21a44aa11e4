//! One reader for both kinds of file: a snapshot or a scenario, told apart by the
//! fields the RON parser actually reads at the top level, not by scanning the text.
//!
//! A file is a scenario once the parser has read a field only scenarios have (`name`,
//! `snapshot`, `changes`, `bookmarks`), and a snapshot once it has read one only
//! snapshots have (`title`, `ccgs`, `money`, ...). Comments and strings are the
//! parser's business, so a comment or a raw string that mentions `snapshot` changes
//! nothing. A file that stops before any such field is read as what the caller
//! expects; a bare list whose first item is a change (`[Merge(...)]`) is a scenario.

use std::cell::Cell;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::format::{
    RawAnnotation, RawArrangement, RawEvent, RawIcbMoney, RawLink, RawMoney, RawOrg, RawShare,
    RawSnapshot, RawSource,
};
use super::scenario::{Bookmark, Change, Scenario, SnapshotRef};

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A snapshot of the record.
    Snapshot,
    /// A scenario laid over a snapshot.
    Scenario,
}

/// A file, read.
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// A snapshot (its `format` not yet checked).
    Snapshot(Box<RawSnapshot>),
    /// A scenario (its `format` not yet checked).
    Scenario(Box<Scenario>),
}

impl Document {
    /// Which kind it is.
    pub fn kind(&self) -> Kind {
        match self {
            Document::Snapshot(_) => Kind::Snapshot,
            Document::Scenario(_) => Kind::Scenario,
        }
    }
}

/// A file the parser stopped in.
#[derive(Debug)]
pub struct Stopped {
    /// What the file was, as far as the parser read (or the kind expected).
    pub kind: Kind,
    /// Whether `kind` was read from the file rather than assumed.
    pub known: bool,
    /// The `format` read before it stopped, if any.
    pub format: Option<u32>,
    /// ron's error, with its place.
    pub error: ron::error::SpannedError,
}

/// The top-level fields only snapshots have: all of [`SNAPSHOT_ALL`] but those a
/// scenario has too.
pub const SNAPSHOT_FIELDS: [&str; 25] = without(SNAPSHOT_ALL, &["format", "description"]);

/// `all` without the fields in `drop`, in the same order (`M` must be what is left).
const fn without<const N: usize, const M: usize>(
    all: [&'static str; N],
    drop: &[&str],
) -> [&'static str; M] {
    let mut out = [""; M];
    let (mut i, mut j) = (0, 0);
    while i < N {
        let mut keep = true;
        let mut k = 0;
        while k < drop.len() {
            if same(all[i], drop[k]) {
                keep = false;
            }
            k += 1;
        }
        if keep {
            out[j] = all[i];
            j += 1;
        }
        i += 1;
    }
    assert!(j == M, "the lengths do not add up");
    out
}

/// `a` followed by `b` (`M` is their lengths added).
const fn joined<const N: usize, const K: usize, const M: usize>(
    a: [&'static str; N],
    b: [&'static str; K],
) -> [&'static str; M] {
    let mut out = [""; M];
    let mut i = 0;
    while i < N + K {
        out[i] = if i < N { a[i] } else { b[i - N] };
        i += 1;
    }
    assert!(N + K == M, "the lengths do not add up");
    out
}

/// String equality a constant can use.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The top-level fields only scenarios have.
pub const SCENARIO_FIELDS: [&str; 4] = ["name", "snapshot", "changes", "bookmarks"];

/// Every top-level field of a snapshot, in the order of [`RawSnapshot`]: the head,
/// the organisation, relation and share lists, the tail.
const SNAPSHOT_ALL: [&str; 27] = joined::<22, 5, 27>(
    joined::<12, 10, 22>(
        joined::<5, 7, 12>(SNAPSHOT_HEAD, ORG_FIELDS),
        joined::<7, 3, 10>(LINK_FIELDS, SHARE_FIELDS),
    ),
    SNAPSHOT_TAIL,
);

/// The snapshot's fields before its organisation lists.
const SNAPSHOT_HEAD: [&str; 5] = ["format", "title", "description", "as_at", "sources"];

/// The snapshot's fields after its share lists.
const SNAPSHOT_TAIL: [&str; 5] = [
    "events",
    "shared_management",
    "money",
    "icb_money",
    "annotations",
];

/// Every top-level field of a scenario, in the order of [`Scenario`].
const SCENARIO_ALL: [&str; 6] = [
    "format",
    "name",
    "snapshot",
    "description",
    "changes",
    "bookmarks",
];

/// Both, for ron's messages: every field of a snapshot but `icb_systems` (which this
/// list has never had), then the scenario's own.
const ALL: [&str; 30] =
    joined::<26, 4, 30>(without(SNAPSHOT_ALL, &["icb_systems"]), SCENARIO_FIELDS);

/// The name ron gives the top-level struct in its messages; [`read`] replaces it with
/// the kind's own (`RawSnapshot` or `Scenario`).
const TOP: &str = "Document";

/// What the parser has learnt so far.
struct Seen {
    kind: Cell<Option<Kind>>,
    expect: Kind,
    format: Cell<Option<u32>>,
}

impl Seen {
    fn kind(&self) -> Kind {
        self.kind.get().unwrap_or(self.expect)
    }
}

/// Reads `text` as a snapshot or a scenario in one pass of ron's parser. `expect` is
/// the kind assumed while the file has not yet shown which it is.
pub fn read(text: &str, expect: Kind) -> Result<Document, Stopped> {
    // The fast reader first; whatever it leaves, ron reads (and words the errors).
    let seen = Seen {
        kind: Cell::new(None),
        expect,
        format: Cell::new(None),
    };
    if let Some(doc) = super::fast_ron::from_str_seed(text, DocSeed(&seen)) {
        return Ok(doc);
    }
    read_with_ron(text, expect)
}

/// [`read`] with the `ron` crate alone, never the fast reader: what the fast reader
/// must agree with (the tests compare them).
pub fn read_with_ron(text: &str, expect: Kind) -> Result<Document, Stopped> {
    let seen = Seen {
        kind: Cell::new(None),
        expect,
        format: Cell::new(None),
    };
    match ron::Options::default().from_str_seed(text, DocSeed(&seen)) {
        Ok(doc) => Ok(doc),
        Err(mut error) => {
            let mut known = seen.kind.get().is_some();
            // A bare list of changes is a scenario without its `( ... )`.
            if !known
                && matches!(
                    error.code,
                    ron::Error::ExpectedNamedStructLike(_) | ron::Error::ExpectedStructLike
                )
                && is_change_list(text)
            {
                seen.kind.set(Some(Kind::Scenario));
                known = true;
            }
            let kind = seen.kind();
            error.code = rename_top(error.code, kind);
            Err(Stopped {
                kind,
                known,
                format: seen.format.get(),
                error,
            })
        }
    }
}

/// ron's messages name the top-level struct; name it as the kind's own type.
fn rename_top(code: ron::Error, kind: Kind) -> ron::Error {
    use ron::Error as E;
    let own = match kind {
        Kind::Snapshot => "RawSnapshot",
        Kind::Scenario => "Scenario",
    };
    let fix = |o: Option<String>| match o.as_deref() {
        Some(TOP) => Some(own.to_string()),
        _ => o,
    };
    match code {
        E::ExpectedNamedStructLike(TOP) => E::ExpectedNamedStructLike(own),
        E::ExpectedDifferentStructName {
            expected: TOP,
            found,
        } => E::ExpectedDifferentStructName {
            expected: own,
            found,
        },
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => E::NoSuchStructField {
            expected,
            found,
            outer: fix(outer),
        },
        E::MissingStructField { field, outer } => E::MissingStructField {
            field,
            outer: fix(outer),
        },
        E::DuplicateStructField { field, outer } => E::DuplicateStructField {
            field,
            outer: fix(outer),
        },
        other => other,
    }
}

/// Whether the text is a list whose first item is a kind of change, as ron reads it.
fn is_change_list(text: &str) -> bool {
    struct Probe<'a>(&'a Cell<bool>);
    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of changes")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            seq.next_element_seed(Variant(self.0))?;
            Err(de::Error::custom("probed"))
        }
    }
    struct Variant<'a>(&'a Cell<bool>);
    impl<'de> DeserializeSeed<'de> for Variant<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_enum("Change", &super::scenario::CHANGE_KINDS, self)
        }
    }
    impl<'de> Visitor<'de> for Variant<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a change")
        }
        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            let (Ident(name), _rest) = data.variant::<Ident>()?;
            self.0
                .set(super::scenario::CHANGE_KINDS.contains(&name.as_str()));
            Err(de::Error::custom("probed"))
        }
    }
    /// A name without quotes, as an enum variant is written.
    struct Ident(String);
    impl<'de> de::Deserialize<'de> for Ident {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Ident, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Ident;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a name")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Ident, E> {
                    Ok(Ident(v.to_string()))
                }
            }
            d.deserialize_identifier(V)
        }
    }
    let found = Cell::new(false);
    let _ = ron::Options::default().from_str_seed(text, Probe(&found));
    found.get()
}

struct DocSeed<'a>(&'a Seen);

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Document;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
        d.deserialize_struct(TOP, &ALL, DocVisitor(self.0))
    }
}

struct KeySeed<'a>(&'a Seen);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = &'static str;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = &'static str;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
        let only_snapshot = SNAPSHOT_FIELDS.contains(&v);
        let only_scenario = SCENARIO_FIELDS.contains(&v);
        if self.0.kind.get().is_none() {
            if only_snapshot {
                self.0.kind.set(Some(Kind::Snapshot));
            } else if only_scenario {
                self.0.kind.set(Some(Kind::Scenario));
            }
        }
        let fields: &'static [&'static str] = match self.0.kind() {
            Kind::Snapshot => &SNAPSHOT_ALL,
            Kind::Scenario => &SCENARIO_ALL,
        };
        match fields.iter().find(|f| **f == v) {
            Some(f) => Ok(f),
            None => Err(E::unknown_field(v, fields)),
        }
    }
}

/// The fields read so far, of either kind.
#[derive(Default)]
struct Fields {
    format: Option<u32>,
    title: Option<String>,
    description: Option<String>,
    as_at: Option<Option<AsAt>>,
    sources: Option<Vec<RawSource>>,
    orgs: [Option<Vec<RawOrg>>; 7],
    links: [Option<Vec<RawLink>>; 7],
    shares: [Option<Vec<RawShare>>; 3],
    events: Option<Vec<RawEvent>>,
    shared_management: Option<Vec<RawArrangement>>,
    money: Option<RawMoney>,
    icb_money: Option<RawIcbMoney>,
    annotations: Option<Vec<RawAnnotation>>,
    name: Option<String>,
    snapshot: Option<SnapshotRef>,
    changes: Option<Vec<Change>>,
    bookmarks: Option<Vec<Bookmark>>,
}

const ORG_FIELDS: [&str; 7] = [
    "regions",
    "systems",
    "icbs",
    "sub_icb_locations",
    "ccgs",
    "places",
    "neighbourhoods",
];
const LINK_FIELDS: [&str; 7] = [
    "system_regions",
    "icb_regions",
    "ccg_systems",
    "sub_icb_icbs",
    "icb_systems",
    "neighbourhood_ccgs",
    "neighbourhood_sub_icbs",
];
const SHARE_FIELDS: [&str; 3] = ["ccg_places", "sub_icb_places", "neighbourhood_places"];

struct DocVisitor<'a>(&'a Seen);

/// The `as_at` day, read as the snapshot's other dates are.
struct AsAt(crate::model::Date);

impl<'de> de::Deserialize<'de> for AsAt {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<AsAt, D::Error> {
        crate::model::format::read_date(d).map(AsAt)
    }
}

/// Reads a field's value into `slot`, refusing a second one.
fn take<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for DocVisitor<'_> {
    type Value = Document;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a snapshot or a scenario")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut f = Fields::default();
        while let Some(name) = map.next_key_seed(KeySeed(self.0))? {
            // These fields are read into the slot of `Fields` with the same name;
            // `format` and the lists of organisations, relations and shares after them.
            macro_rules! slots {
                ($($field:ident),* ; $($rest:tt)*) => {
                    match name {
                        $(stringify!($field) => take(&mut map, &mut f.$field, name)?,)*
                        $($rest)*
                    }
                };
            }
            slots! {
                title, description, sources, events, shared_management, money, icb_money,
                as_at, annotations, name, snapshot, changes, bookmarks;
                "format" => {
                    take(&mut map, &mut f.format, name)?;
                    self.0.format.set(f.format);
                }
                other => {
                    if let Some(i) = ORG_FIELDS.iter().position(|n| *n == other) {
                        take(&mut map, &mut f.orgs[i], name)?;
                    } else if let Some(i) = LINK_FIELDS.iter().position(|n| *n == other) {
                        take(&mut map, &mut f.links[i], name)?;
                    } else if let Some(i) = SHARE_FIELDS.iter().position(|n| *n == other) {
                        take(&mut map, &mut f.shares[i], name)?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        let missing = |field: &'static str| -> A::Error { de::Error::missing_field(field) };
        match self.0.kind() {
            Kind::Snapshot => {
                let [
                    regions,
                    systems,
                    icbs,
                    sub_icb_locations,
                    ccgs,
                    places,
                    neighbourhoods,
                ] = f.orgs;
                let [
                    system_regions,
                    icb_regions,
                    ccg_systems,
                    sub_icb_icbs,
                    icb_systems,
                    neighbourhood_ccgs,
                    neighbourhood_sub_icbs,
                ] = f.links;
                let [ccg_places, sub_icb_places, neighbourhood_places] = f.shares;
                Ok(Document::Snapshot(Box::new(RawSnapshot {
                    format: f.format.ok_or_else(|| missing("format"))?,
                    title: f.title.ok_or_else(|| missing("title"))?,
                    description: f.description.unwrap_or_default(),
                    as_at: f.as_at.flatten().map(|a| a.0),
                    sources: f.sources.unwrap_or_default(),
                    regions: regions.unwrap_or_default(),
                    systems: systems.unwrap_or_default(),
                    icbs: icbs.unwrap_or_default(),
                    sub_icb_locations: sub_icb_locations.unwrap_or_default(),
                    ccgs: ccgs.unwrap_or_default(),
                    places: places.unwrap_or_default(),
                    neighbourhoods: neighbourhoods.unwrap_or_default(),
                    system_regions: system_regions.unwrap_or_default(),
                    icb_regions: icb_regions.unwrap_or_default(),
                    ccg_systems: ccg_systems.unwrap_or_default(),
                    sub_icb_icbs: sub_icb_icbs.unwrap_or_default(),
                    icb_systems: icb_systems.unwrap_or_default(),
                    neighbourhood_ccgs: neighbourhood_ccgs.unwrap_or_default(),
                    neighbourhood_sub_icbs: neighbourhood_sub_icbs.unwrap_or_default(),
                    ccg_places: ccg_places.unwrap_or_default(),
                    sub_icb_places: sub_icb_places.unwrap_or_default(),
                    neighbourhood_places: neighbourhood_places.unwrap_or_default(),
                    events: f.events.unwrap_or_default(),
                    shared_management: f.shared_management.unwrap_or_default(),
                    money: f.money.unwrap_or_default(),
                    icb_money: f.icb_money.unwrap_or_default(),
                    annotations: f.annotations.unwrap_or_default(),
                })))
            }
            Kind::Scenario => Ok(Document::Scenario(Box::new(Scenario {
                format: f.format.ok_or_else(|| missing("format"))?,
                name: f.name.ok_or_else(|| missing("name"))?,
                snapshot: f.snapshot.ok_or_else(|| missing("snapshot"))?,
                description: f.description.unwrap_or_default(),
                changes: f.changes.unwrap_or_default(),
                bookmarks: f.bookmarks.unwrap_or_default(),
            }))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(text: &str) -> Option<Kind> {
        match read(text, Kind::Snapshot) {
            Ok(d) => Some(d.kind()),
            Err(s) => s.known.then_some(s.kind),
        }
    }

    /// The top-level field names `RawSnapshot` writes, in order.
    fn written_fields(raw: &RawSnapshot) -> Vec<String> {
        let text = ron::to_string(raw).unwrap();
        let value: ron::Value = ron::from_str(&text).unwrap();
        let ron::Value::Map(map) = value else {
            panic!("not a map: {text}")
        };
        let mut names: Vec<(usize, String)> = map
            .keys()
            .map(|k| match k {
                ron::Value::String(s) => (text.find(&format!("{s}:")).unwrap(), s.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        names.sort();
        names.into_iter().map(|(_, n)| n).collect()
    }

    #[test]
    fn the_reader_knows_every_field_of_a_snapshot() {
        // A field added to `RawSnapshot` and not here would be refused as unknown.
        // (Empty lists are not written: England fills every one.)
        let england: RawSnapshot = ron::from_str(crate::ENGLAND_RON).unwrap();
        assert_eq!(written_fields(&england), SNAPSHOT_ALL);
        for f in SNAPSHOT_ALL {
            assert!(
                ORG_FIELDS.contains(&f)
                    || LINK_FIELDS.contains(&f)
                    || SHARE_FIELDS.contains(&f)
                    || SNAPSHOT_FIELDS.contains(&f)
                    || f == "format"
                    || f == "description",
                "{f}"
            );
        }
        // And it reads back the same through the one reader.
        assert!(!england.icb_systems.is_empty());
        match read(crate::ENGLAND_RON, Kind::Snapshot) {
            Ok(Document::Snapshot(raw)) => assert!(*raw == england),
            _ => panic!("England did not read as a snapshot"),
        }
    }

    #[test]
    fn the_parsed_fields_decide_not_comments_or_strings() {
        let tiny = include_str!("../../assets/examples/tiny.ron");
        let kent = include_str!("../../assets/examples/kent-2018.ron");
        assert_eq!(kind_of(tiny), Some(Kind::Snapshot));
        assert_eq!(kind_of(kent), Some(Kind::Scenario));
        // A comment or raw string naming scenario fields fools no one.
        for (was, now) in [
            (
                "(\n  format: 1,",
                "/* snapshot: (), changes: [], bookmarks: [] */\n(\n  format: 1,",
            ),
            (
                "title: \"Tiny example\"",
                "title: r#\"snapshot: changes: bookmarks: \"#",
            ),
        ] {
            let text = tiny.replacen(was, now, 1);
            assert!(
                matches!(read(&text, Kind::Scenario), Ok(Document::Snapshot(_))),
                "{now}"
            );
        }
        // Broken files: by the fields read before the parser stopped.
        for (text, kind) in [
            ("(format: 1, name: \"x\" changes: [])", Some(Kind::Scenario)),
            ("(format: 1, title: \"x\" ccgs: [])", Some(Kind::Snapshot)),
            ("[Merge(date: \"2018-04-01\")", Some(Kind::Scenario)),
            ("[1, 2, 3]", None),
            ("", None),
        ] {
            assert_eq!(kind_of(text), kind, "{text}");
        }
    }

    #[test]
    fn a_field_of_the_other_kind_is_unknown_in_this_one() {
        let Err(s) = read("(format: 1, name: \"x\", title: \"y\")", Kind::Snapshot) else {
            panic!("read a mixed file");
        };
        assert_eq!(s.kind, Kind::Scenario);
        assert!(matches!(
            s.error.code,
            ron::Error::NoSuchStructField { ref found, ref outer, .. }
                if found == "title" && outer.as_deref() == Some("Scenario")
        ));
    }
}
