//! Finds where things are in a snapshot's text, so that problems found after parsing
//! can still name a line and column.
//!
//! A small scanner walks the RON text once, skipping strings and comments, and records
//! where each item of each top-level list starts.

use std::collections::HashMap;

/// A line and column, both counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// Where each item of each top-level list starts.
#[derive(Debug, Default)]
pub struct Locator {
    items: HashMap<String, Vec<Pos>>,
    fields: HashMap<String, Pos>,
}

impl Locator {
    /// Scans `text`. Never fails: text it cannot follow just yields fewer positions.
    pub fn new(text: &str) -> Self {
        let mut loc = Locator::default();
        let mut depth = 0usize;
        let mut line = 1usize;
        let mut col = 1usize;
        let mut current: Option<String> = None;
        let mut ident = String::new();
        let mut last_ident = String::new();
        let mut item_pending = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let here = Pos { line, col };
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            match c {
                '"' => {
                    if depth == 2 && item_pending {
                        item_pending = false;
                        push_item(&mut loc, &current, here);
                    }
                    let mut escaped = false;
                    for s in chars.by_ref() {
                        if s == '\n' {
                            line += 1;
                            col = 1;
                        } else {
                            col += 1;
                        }
                        if escaped {
                            escaped = false;
                        } else if s == '\\' {
                            escaped = true;
                        } else if s == '"' {
                            break;
                        }
                    }
                }
                '/' if chars.peek() == Some(&'/') => {
                    for s in chars.by_ref() {
                        if s == '\n' {
                            line += 1;
                            col = 1;
                            break;
                        }
                    }
                }
                '(' | '[' | '{' => {
                    if depth == 2 && item_pending {
                        item_pending = false;
                        push_item(&mut loc, &current, here);
                    }
                    depth += 1;
                    if depth == 2 {
                        current = (c == '[').then(|| last_ident.clone());
                        item_pending = c == '[';
                    }
                }
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth < 2 {
                        item_pending = false;
                    }
                }
                ',' if depth == 2 => item_pending = current.is_some(),
                c if c.is_alphanumeric() || c == '_' => {
                    if ident.is_empty() && depth == 2 && item_pending {
                        item_pending = false;
                        push_item(&mut loc, &current, here);
                    }
                    ident.push(c);
                    if !chars
                        .peek()
                        .is_some_and(|n| n.is_alphanumeric() || *n == '_')
                    {
                        if depth == 1 {
                            loc.fields.entry(ident.clone()).or_insert(Pos {
                                line: here.line,
                                col: here.col + 1 - ident.chars().count(),
                            });
                        }
                        last_ident = std::mem::take(&mut ident);
                    }
                }
                _ => {}
            }
        }
        loc
    }

    /// Where item `index` of the top-level list `section` starts.
    pub fn item(&self, section: &str, index: usize) -> Option<Pos> {
        self.items.get(section).and_then(|v| v.get(index)).copied()
    }

    /// Where the top-level field `name` is written.
    pub fn field(&self, name: &str) -> Option<Pos> {
        self.fields.get(name).copied()
    }
}

fn push_item(loc: &mut Locator, current: &Option<String>, at: Pos) {
    if let Some(section) = current {
        loc.items.entry(section.clone()).or_default().push(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_items_of_top_level_lists() {
        let text = "(\n  format: 1,\n  ccgs: [\n    (code: \"A\", name: \"x, (y)\"),\n    // a comment (\n    (code: \"B\"),\n  ],\n  events: [(id: \"E1\")],\n)";
        let loc = Locator::new(text);
        assert_eq!(loc.item("ccgs", 0), Some(Pos { line: 4, col: 5 }));
        assert_eq!(loc.item("ccgs", 1), Some(Pos { line: 6, col: 5 }));
        assert_eq!(loc.item("ccgs", 2), None);
        assert_eq!(loc.item("events", 0), Some(Pos { line: 8, col: 12 }));
        assert_eq!(loc.field("format"), Some(Pos { line: 2, col: 3 }));
    }
}
