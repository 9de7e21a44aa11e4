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

impl Pos {
    /// Where the character after `c`, written here, stands.
    fn after(self, c: char) -> Pos {
        if c == '\n' {
            Pos {
                line: self.line + 1,
                col: 1,
            }
        } else {
            Pos {
                col: self.col + 1,
                ..self
            }
        }
    }
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// Where each item of each list of the snapshot's structs starts, and where each of
/// their fields is written. Lists and fields inside nested structs are named by their
/// path, for example `money.figures` and `money.target`.
#[derive(Debug, Default)]
pub struct Locator {
    items: HashMap<String, Vec<Pos>>,
    fields: HashMap<String, Pos>,
}

/// An open bracket while scanning.
struct Frame {
    /// The path of this list, when its items are recorded.
    list: Option<String>,
    /// The path of this struct, when its fields are recorded (`""` for the snapshot).
    path: Option<String>,
    /// A list item starts at the next value.
    item_pending: bool,
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

impl Locator {
    /// Scans `text`. Never fails: text it cannot follow just yields fewer positions.
    pub fn new(text: &str) -> Self {
        let mut loc = Locator::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut at = Pos { line: 1, col: 1 };
        let mut ident = String::new();
        let mut last_ident = String::new();
        let mut chars = text.chars().peekable();
        // Records the start of a list item at `here` when one is due.
        let item_at = |loc: &mut Locator, stack: &mut Vec<Frame>, here: Pos| {
            if let Some(top) = stack.last_mut()
                && top.item_pending
            {
                top.item_pending = false;
                if let Some(list) = &top.list {
                    loc.items.entry(list.clone()).or_default().push(here);
                }
            }
        };
        while let Some(c) = chars.next() {
            let here = at;
            at = at.after(c);
            match c {
                '"' => {
                    item_at(&mut loc, &mut stack, here);
                    let mut escaped = false;
                    for s in chars.by_ref() {
                        at = at.after(s);
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
                            at = at.after(s);
                            break;
                        }
                    }
                }
                '(' | '[' | '{' => {
                    item_at(&mut loc, &mut stack, here);
                    let frame = match stack.last() {
                        // The snapshot itself (a `#![...]` attribute opens with `[`).
                        None => Frame {
                            list: None,
                            path: (c == '(').then(String::new),
                            item_pending: false,
                        },
                        // A field's value in a struct whose fields are recorded.
                        Some(Frame {
                            path: Some(path), ..
                        }) => {
                            let key = join(path, &last_ident);
                            Frame {
                                list: (c == '[').then(|| key.clone()),
                                path: (c == '(').then_some(key),
                                item_pending: c == '[',
                            }
                        }
                        // Inside a list item, or something not followed.
                        Some(_) => Frame {
                            list: None,
                            path: None,
                            item_pending: false,
                        },
                    };
                    stack.push(frame);
                }
                ')' | ']' | '}' => {
                    stack.pop();
                }
                ',' => {
                    if let Some(top) = stack.last_mut() {
                        top.item_pending = top.list.is_some();
                    }
                }
                c if c.is_alphanumeric() || c == '_' => {
                    if ident.is_empty() {
                        item_at(&mut loc, &mut stack, here);
                    }
                    ident.push(c);
                    if !chars
                        .peek()
                        .is_some_and(|n| n.is_alphanumeric() || *n == '_')
                    {
                        if let Some(Frame {
                            path: Some(path), ..
                        }) = stack.last()
                        {
                            loc.fields.entry(join(path, &ident)).or_insert(Pos {
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

    /// Where item `index` of the list `section` starts (`ccgs`, or a path such as
    /// `money.figures`).
    pub fn item(&self, section: &str, index: usize) -> Option<Pos> {
        self.items.get(section).and_then(|v| v.get(index)).copied()
    }

    /// Where the field `name` is written (`format`, or a path such as `money.target`).
    pub fn field(&self, name: &str) -> Option<Pos> {
        self.fields.get(name).copied()
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

    #[test]
    fn finds_items_of_lists_in_nested_structs() {
        let text = "#![enable(implicit_some)]\n(\n  ccgs: [(code: \"A\", population: (count: 1))],\n  money: (\n    target: (cut: 0.2),\n    figures: [\n      (orgs: [\"A\"]),\n      (orgs: []),\n    ],\n  ),\n)";
        let loc = Locator::new(text);
        assert_eq!(loc.field("enable"), None);
        assert_eq!(loc.item("ccgs", 0), Some(Pos { line: 3, col: 10 }));
        assert_eq!(loc.item("ccgs.population", 0), None);
        assert_eq!(loc.field("money"), Some(Pos { line: 4, col: 3 }));
        assert_eq!(loc.field("money.target"), Some(Pos { line: 5, col: 5 }));
        assert_eq!(loc.item("money.figures", 0), Some(Pos { line: 7, col: 7 }));
        assert_eq!(loc.item("money.figures", 1), Some(Pos { line: 8, col: 7 }));
        assert_eq!(loc.item("money.figures", 2), None);
    }
}
