//! The thread filter: a small query that picks posts of one thread, shared by the
//! app (the thread view's `f`) and the CLI (`threadmark show ID --filter QUERY`), so
//! that the same words select the same posts in both.
//!
//! A query is terms separated by spaces; a post matches when every term holds. A
//! leading `-` negates a term. Terms:
//!
//! - `author:NAME` — written by NAME (case-insensitive); `op` — by the original poster
//! - `label:NAME` — holds a highlight labelled NAME; `has:highlight` — holds any
//! - `new`, `edited` — what the last re-import did to the post
//! - `quotes:@NAME` (or `quotes:NAME`) — quotes a post written by NAME
//! - `points>=N` (also `>`, `<`, `<=`, `=`) — the post's points (Reddit and Lobsters
//!   scores, Discourse likes, a Hacker News story's points) compare so; a post whose
//!   source gives no points never matches (nor does its negation)
//! - `after:TIME`, `before:TIME` — written at or after, or before, TIME (UTC:
//!   `2025-01-31`, `2025-01-31T14:00`, or unix seconds); a post without a time
//!   matches neither (the app's timeline filters to one bar with both)
//! - anything else, or `"a phrase"` — the post's text contains it (case-insensitive)
//!
//! This module decides matches only; it never changes the library.

use std::collections::{HashMap, HashSet};

use crate::model::{Highlight, Post, Quote};
use crate::{Error, Library, Result};

/// One condition on a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Author(String),
    Op,
    Label(String),
    HasHighlight,
    New,
    Edited,
    Quotes(String),
    Points(Cmp, i64),
    /// Unix seconds.
    After(i64),
    Before(i64),
    Text(String),
}

/// A comparison of `points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl Cmp {
    fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Eq => a == b,
            Cmp::Ge => a >= b,
            Cmp::Gt => a > b,
        }
    }
}

/// A parsed query: every term (negated or not) must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<(bool, Term)>,
}

/// What a filter reads of a post besides the post itself.
#[derive(Debug, Default)]
pub struct PostFacts<'a> {
    /// The labels of its highlights (None for a highlight without a label).
    pub labels: Vec<Option<&'a str>>,
    /// The authors of the posts it quotes.
    pub quoted_authors: Vec<&'a str>,
}

impl Filter {
    /// Reads `query`; an empty query is refused (it would select everything).
    pub fn parse(query: &str) -> Result<Filter> {
        let mut terms = Vec::new();
        for word in split(query).map_err(|cause| Error::bad_input(cause).at("filter"))? {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_string()),
                _ => (false, word),
            };
            let term = parse_term(&word)
                .map_err(|cause| Error::bad_input(cause).at(format!("filter term `{word}`")))?;
            terms.push((negated, term));
        }
        if terms.is_empty() {
            return Err(Error::bad_input(
                "the filter is empty: give a word or a term such as author:NAME",
            )
            .at("filter"));
        }
        Ok(Filter { terms })
    }

    /// Whether `post` (in a thread whose original poster is `op`) matches.
    pub fn matches(&self, post: &Post, op: Option<&str>, facts: &PostFacts<'_>) -> bool {
        self.terms.iter().all(|(negated, term)| {
            // A post without points is outside both `points>=N` and its negation:
            // the source said nothing either way.
            if matches!(term, Term::Points(..)) && post.points.is_none() {
                return false;
            }
            holds(term, post, op, facts) != *negated
        })
    }
}

fn holds(term: &Term, post: &Post, op: Option<&str>, facts: &PostFacts<'_>) -> bool {
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    match term {
        Term::Author(name) => post.author.as_deref().is_some_and(|a| same(a, name)),
        Term::Op => op.is_some() && post.author.as_deref() == op,
        Term::Label(name) => facts
            .labels
            .iter()
            .any(|l| l.is_some_and(|l| same(l, name))),
        Term::HasHighlight => !facts.labels.is_empty(),
        Term::New => post.change.as_deref() == Some("new"),
        Term::Edited => post.change.as_deref() == Some("edited"),
        Term::Quotes(name) => facts.quoted_authors.iter().any(|a| same(a, name)),
        Term::Points(cmp, n) => post.points.is_some_and(|p| cmp.holds(p, *n)),
        Term::After(t) => post.created_at.is_some_and(|c| c >= *t),
        Term::Before(t) => post.created_at.is_some_and(|c| c < *t),
        Term::Text(words) => post.text.to_lowercase().contains(words.as_str()),
    }
}

fn parse_term(word: &str) -> std::result::Result<Term, String> {
    let lower = word.to_lowercase();
    if let Some(at) = lower.find(['<', '>', '=']) {
        if lower[..at] == *"points" {
            let rest = &lower[at..];
            let (cmp, number) = [
                (">=", Cmp::Ge),
                ("<=", Cmp::Le),
                (">", Cmp::Gt),
                ("<", Cmp::Lt),
                ("=", Cmp::Eq),
            ]
            .into_iter()
            .find_map(|(sign, cmp)| rest.strip_prefix(sign).map(|n| (cmp, n)))
            .ok_or("points takes >=, <=, >, < or = and a number")?;
            let n: i64 = number
                .parse()
                .map_err(|_| format!("points needs a whole number, not `{number}`"))?;
            return Ok(Term::Points(cmp, n));
        }
    }
    let value = |rest: &str| -> std::result::Result<String, String> {
        let rest = rest.trim_start_matches('@');
        if rest.is_empty() {
            Err("a name is missing after the colon".into())
        } else {
            Ok(rest.to_string())
        }
    };
    let (key, rest) = word.split_once(':').map_or(("", word), |(k, r)| (k, r));
    Ok(
        match (key.to_lowercase().as_str(), rest.to_lowercase().as_str()) {
            ("author", _) => Term::Author(value(rest)?),
            ("label", _) => Term::Label(value(rest)?),
            ("quotes", _) => Term::Quotes(value(rest)?),
            ("after", _) => Term::After(parse_time(rest)?),
            ("before", _) => Term::Before(parse_time(rest)?),
            ("has", "highlight" | "highlights") => Term::HasHighlight,
            ("has", other) => {
                return Err(format!("has:{other} is unknown; has:highlight is the one"))
            }
            _ if lower == "op" => Term::Op,
            _ if lower == "new" => Term::New,
            _ if lower == "edited" => Term::Edited,
            _ => Term::Text(lower),
        },
    )
}

/// A time of `after:`/`before:` in unix seconds: unix seconds, or a UTC date with
/// an optional `THH:MM` (a trailing `Z` allowed).
fn parse_time(text: &str) -> std::result::Result<i64, String> {
    use time::macros::format_description;
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let text = text.trim_end_matches(['Z', 'z']);
    let bad =
        || format!("{text:?} is not a time: write 2025-01-31, 2025-01-31T14:00 or unix seconds");
    if let Ok(at) = time::PrimitiveDateTime::parse(
        text,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ) {
        return Ok(at.assume_utc().unix_timestamp());
    }
    time::Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| bad())
}

/// Splits on spaces, keeping `"quoted phrases"` (and `-"negated phrases"`) whole.
fn split(query: &str) -> std::result::Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err("a quotation mark is not closed".into());
    }
    if !current.is_empty() {
        words.push(current);
    }
    Ok(words)
}

/// The source ids of the posts of `posts` (one thread, in thread order) that `filter`
/// selects, given the thread's highlights and detected quotes.
pub fn select<'a>(
    filter: &Filter,
    posts: &'a [Post],
    highlights: &[Highlight],
    quotes: &[Quote],
) -> Vec<&'a str> {
    let author: HashMap<&str, &str> = posts
        .iter()
        .filter_map(|p| Some((p.source_id.as_str(), p.author.as_deref()?)))
        .collect();
    let mut facts: HashMap<&str, PostFacts<'_>> = HashMap::new();
    for h in highlights.iter().filter(|h| h.state != "orphaned") {
        facts
            .entry(h.post.as_str())
            .or_default()
            .labels
            .push(h.label.as_deref());
    }
    let mut seen = HashSet::new();
    for q in quotes {
        let Some(by) = q.source.as_deref().and_then(|s| author.get(s)) else {
            continue;
        };
        if seen.insert((q.post.as_str(), *by)) {
            facts
                .entry(q.post.as_str())
                .or_default()
                .quoted_authors
                .push(by);
        }
    }
    let op = posts
        .first()
        .filter(|p| p.parent.is_none())
        .and_then(|p| p.author.as_deref());
    let none = PostFacts::default();
    posts
        .iter()
        .filter(|p| filter.matches(p, op, facts.get(p.source_id.as_str()).unwrap_or(&none)))
        .map(|p| p.source_id.as_str())
        .collect()
}

impl Library {
    /// The source ids of the posts of thread `thread_id` that `query` selects, in
    /// thread order.
    pub fn filter_thread(&self, thread_id: i64, query: &str) -> Result<Vec<String>> {
        let filter = Filter::parse(query)?;
        let posts = self.posts_without_html(thread_id)?;
        let highlights = self.highlights(thread_id)?;
        let quotes = self.quote_blocks(thread_id, false)?;
        Ok(select(&filter, &posts, &highlights, &quotes)
            .into_iter()
            .map(str::to_string)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terms_phrases_and_negation() {
        let f = Filter::parse(
            r#"author:@Ada -op label:claim has:highlight new quotes:@bob "two words" WAL"#,
        )
        .unwrap();
        assert_eq!(
            f.terms,
            vec![
                (false, Term::Author("Ada".into())),
                (true, Term::Op),
                (false, Term::Label("claim".into())),
                (false, Term::HasHighlight),
                (false, Term::New),
                (false, Term::Quotes("bob".into())),
                (false, Term::Text("two words".into())),
                (false, Term::Text("wal".into())),
            ]
        );
    }

    #[test]
    fn parses_points_comparisons() {
        let f = Filter::parse("points>=5 points<10 -points=7 points>-2 POINTS<=0").unwrap();
        assert_eq!(
            f.terms,
            vec![
                (false, Term::Points(Cmp::Ge, 5)),
                (false, Term::Points(Cmp::Lt, 10)),
                (true, Term::Points(Cmp::Eq, 7)),
                (false, Term::Points(Cmp::Gt, -2)),
                (false, Term::Points(Cmp::Le, 0)),
            ]
        );
    }

    #[test]
    fn refuses_what_it_cannot_answer() {
        for (query, cause) in [
            ("", "empty"),
            ("points>=many", "whole number"),
            ("points=>5", "whole number"),
            ("author:", "name is missing"),
            ("has:note", "has:highlight"),
            ("\"open", "not closed"),
        ] {
            let error = Filter::parse(query).unwrap_err().to_string();
            assert!(error.contains(cause), "{query}: {error}");
        }
    }
}
