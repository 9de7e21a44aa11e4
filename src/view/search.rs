//! Searching organisations by name or code.

use super::text::life_text;
use crate::model::{OrgId, OrgKind, Snapshot};

/// A search result.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// The organisation.
    pub org: OrgId,
    /// `NHS Devon CCG (15N)`.
    pub label: String,
    /// `CCG · 1 Apr 2019 to 30 Jun 2022`.
    pub detail: String,
}

fn normalise(s: &str) -> String {
    s.to_lowercase()
        .replace('&', " and ")
        .replace([',', '(', ')', '-', '.'], " ")
}

/// Organisations whose name or code matches `query`: case-insensitive, every word of
/// the query found as the start of a word (or inside a word, ranked lower), or the code.
pub fn search(s: &Snapshot, query: &str, limit: usize) -> Vec<SearchHit> {
    let q = normalise(query);
    let words: Vec<&str> = q.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let code_q = query.trim().to_uppercase();
    let mut scored: Vec<(u32, OrgKind, &str, OrgId)> = Vec::new();
    for (i, o) in s.orgs.iter().enumerate() {
        let id = OrgId(i as u32);
        let score = if o.code.to_uppercase() == code_q {
            Some(0)
        } else {
            let name = normalise(&o.name);
            let name_words: Vec<&str> = name.split_whitespace().collect();
            let mut worst = 0;
            let mut all = true;
            for w in &words {
                if name_words.iter().any(|nw| nw.starts_with(w)) {
                    worst = worst.max(1);
                } else if name.contains(w) || o.code.to_lowercase().starts_with(w) {
                    worst = worst.max(2);
                } else {
                    all = false;
                    break;
                }
            }
            all.then_some(worst)
        };
        if let Some(score) = score {
            scored.push((score, o.kind, o.name.as_str(), id));
        }
    }
    // Best match first; CCGs before other kinds; then by name.
    scored.sort_by(|a, b| {
        (a.0, a.1 != OrgKind::Ccg, a.1, a.2).cmp(&(b.0, b.1 != OrgKind::Ccg, b.1, b.2))
    });
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, _, id)| {
            let o = s.org(id);
            SearchHit {
                org: id,
                label: o.label(),
                detail: format!("{} · {}", o.kind.label(), life_text(o)),
            }
        })
        .collect()
}
