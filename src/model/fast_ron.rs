//! A fast reader for the RON that snapshots are written in, used before the `ron`
//! crate and never instead of it.
//!
//! It is a serde [`Deserializer`](de::Deserializer) over bytes that reads a strict
//! subset of RON: structs without names, lists, strings in double quotes with the
//! simple escapes, plain decimal numbers, `true`/`false`, unit enum variants, `None`
//! and implicit `Some` (when the file enables `implicit_some`), line and block
//! comments. Anything else, and any error at all, makes it give up (`None`) without a
//! message: the caller then reads the same text with the `ron` crate, which either
//! reads it (a construct this reader leaves to it) or gives its own message, so every
//! message and every line and column stays ron's.
//!
//! The rule it keeps: when it reads a value, `ron` reads the same text to the same
//! value. So it only accepts what ron accepts, and reads it the way ron does; where
//! ron's rules are intricate (raw strings and identifiers, `Some(...)`, struct names,
//! numbers with signs, underscores, suffixes or other bases, Unicode white space) it
//! gives up. The tests check it against ron on every file in `assets/` and on many
//! damaged ones.
//!
//! It is about five times as fast as ron's own parser, which reads character by
//! character, with Unicode identifier tables.

use serde::de::{self, DeserializeSeed, Visitor};

/// Why the fast reader gave up; never shown, as ron's message is shown instead.
#[derive(Debug)]
pub struct GaveUp;

impl std::fmt::Display for GaveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("left to the ron crate")
    }
}

impl std::error::Error for GaveUp {}

impl de::Error for GaveUp {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        GaveUp
    }
}

type Result<T> = std::result::Result<T, GaveUp>;

/// Reads `text` as a `T`; `None` when the fast reader leaves it to ron (which may
/// read it, or may fail).
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Option<T> {
    from_str_seed(text, std::marker::PhantomData)
}

/// [`from_str`] with a seed.
pub fn from_str_seed<'de, S: DeserializeSeed<'de>>(text: &'de str, seed: S) -> Option<S::Value> {
    let mut de = Reader::new(text).ok()?;
    let value = seed.deserialize(&mut de).ok()?;
    de.skip_ws().ok()?;
    (de.pos == de.src.len()).then_some(value)
}

/// The reader: the text and where it has got to.
struct Reader<'de> {
    text: &'de str,
    src: &'de [u8],
    pos: usize,
    implicit_some: bool,
}

impl<'de> Reader<'de> {
    /// Past the white space and the attributes at the top (only
    /// `#![enable(implicit_some)]`, written exactly so, is read here).
    fn new(text: &'de str) -> Result<Self> {
        let mut r = Reader {
            text,
            src: text.as_bytes(),
            pos: 0,
            implicit_some: false,
        };
        r.skip_ws()?;
        while r.peek() == Some(b'#') {
            const IMPLICIT_SOME: &[u8] = b"#![enable(implicit_some)]";
            if !r.src[r.pos..].starts_with(IMPLICIT_SOME) {
                return Err(GaveUp);
            }
            r.pos += IMPLICIT_SOME.len();
            r.implicit_some = true;
            r.skip_ws()?;
        }
        Ok(r)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Past ASCII white space and comments. ron also takes a few other characters
    /// for white space; at those this reader stops, and so gives up.
    ///
    /// It is called between every two tokens, mostly with nothing or a space to skip,
    /// so that much is done inline and comments out of line.
    #[inline(always)]
    fn skip_ws(&mut self) -> Result<()> {
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' => return self.skip_ws_and_comments(),
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    /// [`Self::skip_ws`] from a `/`: comments, and the white space between them.
    #[inline(never)]
    fn skip_ws_and_comments(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => match self.src.get(self.pos + 1) {
                    Some(b'/') => {
                        self.pos = memchr::memchr(b'\n', &self.src[self.pos..])
                            .map_or(self.src.len(), |i| self.pos + i + 1);
                    }
                    Some(b'*') => self.skip_block_comment()?,
                    _ => return Err(GaveUp),
                },
                _ => return Ok(()),
            }
        }
    }

    /// Past a `/* ... */` comment, which may hold others, as ron reads it.
    fn skip_block_comment(&mut self) -> Result<()> {
        self.pos += 2;
        let mut level = 1usize;
        while level > 0 {
            let i = memchr::memchr2(b'/', b'*', &self.src[self.pos..]).ok_or(GaveUp)?;
            self.pos += i;
            let rest = &self.src[self.pos..];
            if rest.starts_with(b"/*") {
                level += 1;
                self.pos += 2;
            } else if rest.starts_with(b"*/") {
                level -= 1;
                self.pos += 2;
            } else {
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// `value`, read between brackets, once the bracket `close` ends it (after any
    /// white space); anything else there is ron's to read.
    fn closed_by<T>(&mut self, close: u8, value: T) -> Result<T> {
        self.skip_ws()?;
        if self.eat(close) {
            Ok(value)
        } else {
            Err(GaveUp)
        }
    }

    /// Consumes `c` if it comes next.
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// After a value in a list or struct: white space, then a comma (and the white
    /// space after it) if there is one.
    fn comma(&mut self) -> Result<bool> {
        self.skip_ws()?;
        let had = self.eat(b',');
        if had {
            self.skip_ws()?;
        }
        Ok(had)
    }

    /// An identifier made of ASCII letters, digits and `_`. Gives up where ron might
    /// read something else: a raw identifier or string, a non-ASCII character, or one
    /// of the characters ron suggests a raw identifier for.
    fn identifier(&mut self) -> Result<&'de str> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {}
            _ => return Err(GaveUp),
        }
        let len = self.src[start..]
            .iter()
            .position(|c| !IDENT[usize::from(*c)])
            .unwrap_or(self.src.len() - start);
        if let Some(next) = self.src.get(start + len)
            && (!next.is_ascii() || matches!(next, b'.' | b'+' | b'-' | b'#' | b'"' | b'\''))
        {
            return Err(GaveUp);
        }
        self.pos = start + len;
        Ok(&self.text[start..start + len])
    }

    /// Whether the identifier `word` comes next, and consumes it if so.
    fn eat_word(&mut self, word: &str) -> bool {
        let rest = &self.src[self.pos..];
        let whole = rest.starts_with(word.as_bytes())
            && rest
                .get(word.len())
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || !c.is_ascii()));
        if whole {
            self.pos += word.len();
        }
        whole
    }

    /// A string in double quotes. Without escapes it is borrowed from the text, as
    /// ron does; escapes other than `\"`, `\'`, `\\`, `\n`, `\r`, `\t` and `\0` are
    /// left to ron.
    fn string(&mut self) -> Result<Str<'de>> {
        if !self.eat(b'"') {
            return Err(GaveUp);
        }
        let start = self.pos;
        let end = memchr::memchr2(b'"', b'\\', &self.src[start..]).ok_or(GaveUp)? + start;
        if self.src[end] == b'"' {
            self.pos = end + 1;
            return Ok(Str::Borrowed(&self.text[start..end]));
        }
        let mut s = String::with_capacity(end - start + 16);
        s.push_str(&self.text[start..end]);
        self.pos = end;
        loop {
            // At a backslash.
            let c = match self.src.get(self.pos + 1) {
                Some(b'"') => '"',
                Some(b'\'') => '\'',
                Some(b'\\') => '\\',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'0') => '\0',
                _ => return Err(GaveUp),
            };
            s.push(c);
            self.pos += 2;
            let at = self.pos;
            let next = memchr::memchr2(b'"', b'\\', &self.src[at..]).ok_or(GaveUp)? + at;
            s.push_str(&self.text[at..next]);
            self.pos = next;
            if self.src[next] == b'"' {
                self.pos += 1;
                return Ok(Str::Owned(s));
            }
        }
    }

    /// The digits of a number: `-?[0-9]+`, then for a float an optional fraction and
    /// exponent. Gives up if anything ron might take as part of the number follows
    /// (an underscore, a suffix, another sign, letters).
    fn number(&mut self, float: bool) -> Result<&'de str> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.peek().is_some_and(|c| c.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos > from
        };
        self.eat(b'-');
        if !digits(self) {
            return Err(GaveUp);
        }
        if float {
            if self.eat(b'.') && !digits(self) {
                return Err(GaveUp);
            }
            if self.eat(b'e') || self.eat(b'E') {
                if !self.eat(b'-') {
                    self.eat(b'+');
                }
                if !digits(self) {
                    return Err(GaveUp);
                }
            }
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-'))
            || self.peek().is_some_and(|c| !c.is_ascii())
        {
            return Err(GaveUp);
        }
        Ok(&self.text[start..self.pos])
    }

    fn signed(&mut self) -> Result<i64> {
        self.number(false)?.parse().map_err(|_| GaveUp)
    }

    fn unsigned(&mut self) -> Result<u64> {
        if self.peek() == Some(b'-') {
            return Err(GaveUp);
        }
        self.number(false)?.parse().map_err(|_| GaveUp)
    }

    fn float(&mut self) -> Result<f64> {
        self.number(true)?.parse().map_err(|_| GaveUp)
    }
}

/// The bytes of an identifier after its first: ASCII letters, digits and `_`.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_';
        c += 1;
    }
    t
};

/// A string read: borrowed when it had no escapes.
enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Str<'de> {
    fn visit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Str::Borrowed(s) => visitor.visit_borrowed_str(s),
            Str::Owned(s) => visitor.visit_string(s),
        }
    }
}

macro_rules! give_up {
    ($($name:ident),* $(,)?) => {
        $(fn $name<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(GaveUp)
        })*
    };
}

macro_rules! integer {
    ($($name:ident => $visit:ident, $read:ident, $ty:ty);* $(;)?) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let n = <$ty>::try_from(self.$read()?).map_err(|_| GaveUp)?;
            visitor.$visit(n)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = GaveUp;

    // What a snapshot does not use, or ron reads by guessing at the text, is left to
    // ron.
    give_up!(
        deserialize_any,
        deserialize_ignored_any,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_map,
        deserialize_f32,
    );

    integer!(
        deserialize_i8 => visit_i8, signed, i8;
        deserialize_i16 => visit_i16, signed, i16;
        deserialize_i32 => visit_i32, signed, i32;
        deserialize_i64 => visit_i64, signed, i64;
        deserialize_u8 => visit_u8, unsigned, u8;
        deserialize_u16 => visit_u16, unsigned, u16;
        deserialize_u32 => visit_u32, unsigned, u32;
        deserialize_u64 => visit_u64, unsigned, u64;
    );

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float()?)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.eat_word("true") {
            visitor.visit_bool(true)
        } else if self.eat_word("false") {
            visitor.visit_bool(false)
        } else {
            Err(GaveUp)
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.string()?.visit(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.eat_word("None") {
            visitor.visit_none()
        } else if self.eat_word("Some") || !self.implicit_some {
            // `Some(...)` is ron's to read; without `implicit_some`, so is the rest.
            Err(GaveUp)
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if !self.eat(b'[') {
            return Err(GaveUp);
        }
        let value = visitor.visit_seq(Items::new(self, b']'))?;
        self.closed_by(b']', value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // ron reads the `Range` family its own way; and a struct's name, when it is
        // written, is ron's to check.
        if name.starts_with("Range") || !self.eat(b'(') {
            return Err(GaveUp);
        }
        let value = visitor.visit_map(Items::new(self, b')'))?;
        self.closed_by(b')', value)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(UnitVariant(self))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.identifier()?)
    }
}

/// The items of a list, or the fields of a struct, separated by commas with an
/// optional one at the end.
struct Items<'a, 'de> {
    de: &'a mut Reader<'de>,
    end: u8,
    had_comma: bool,
}

impl<'a, 'de> Items<'a, 'de> {
    fn new(de: &'a mut Reader<'de>, end: u8) -> Self {
        Items {
            de,
            end,
            had_comma: true,
        }
    }

    fn has_item(&mut self) -> Result<bool> {
        self.de.skip_ws()?;
        let at_end = self.de.peek() == Some(self.end);
        match (self.had_comma, at_end) {
            (true, at_end) => Ok(!at_end),
            (false, true) => Ok(false),
            (false, false) => Err(GaveUp),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = GaveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.has_item()? {
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.de)?;
        self.had_comma = self.de.comma()?;
        Ok(Some(value))
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = GaveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.has_item()? {
            return Ok(None);
        }
        seed.deserialize(FieldName(&mut *self.de)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.skip_ws()?;
        if !self.de.eat(b':') {
            return Err(GaveUp);
        }
        self.de.skip_ws()?;
        let value = seed.deserialize(&mut *self.de)?;
        self.had_comma = self.de.comma()?;
        Ok(value)
    }
}

/// A struct's field name: only ever read as an identifier.
struct FieldName<'a, 'de>(&'a mut Reader<'de>);

impl<'de> de::Deserializer<'de> for FieldName<'_, 'de> {
    type Error = GaveUp;

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.0.identifier()?)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(GaveUp)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum ignored_any
    }
}

/// An enum written as a bare variant name; variants with data are ron's to read.
struct UnitVariant<'a, 'de>(&'a mut Reader<'de>);

impl<'a, 'de> de::EnumAccess<'de> for UnitVariant<'a, 'de> {
    type Error = GaveUp;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        self.0.skip_ws()?;
        let value = seed.deserialize(FieldName(&mut *self.0))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de> {
    type Error = GaveUp;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(GaveUp)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(GaveUp)
    }
}
