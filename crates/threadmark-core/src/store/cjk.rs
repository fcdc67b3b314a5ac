//! Search inside runs of Chinese, Japanese and Korean text.
//!
//! The main index (`posts_fts`, unicode61) reads a run of CJK characters as one
//! word: `日本語テキスト` is a single token, so `日本語` finds nothing inside it.
//! A second index, `posts_cjk` (migration `cjk-search`), holds only the posts that contain CJK
//! characters, each written with every CJK character as a word of its own
//! ([`spaced`], through the SQL function `threadmark_cjk` that triggers call on
//! every insert, update and delete of a post). A query with CJK characters is
//! rewritten the same way ([`query`]: each CJK run becomes a phrase of its
//! characters), so it matches any substring of a run, and goes to that index;
//! its snippets are cut from the post's text here. Other queries never touch it.

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};

use crate::model::SearchHit;

/// Whether `c` is written without spaces between words: Han ideographs, kana,
/// Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F // halfwidth Katakana
        | 0x1100..=0x11FF // Hangul Jamo
        | 0x3130..=0x318F // Hangul compatibility Jamo
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0x20000..=0x3FFFF // CJK Extensions B and later
    )
}

/// The text with a space on each side of every CJK character, or `None` when it
/// has none (such a post is not in `posts_cjk`).
pub fn spaced(text: &str) -> Option<String> {
    if !text.chars().any(is_cjk) {
        return None;
    }
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Register `threadmark_cjk(text)` ([`spaced`]) on a connection: the triggers of
/// `posts_cjk` call it, so every connection that writes posts needs it.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "threadmark_cjk",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.as_deref().and_then(spaced))
        },
    )
}

/// A user's query rewritten for `posts_cjk` when it has CJK characters (else
/// `None`): outside double quotes, a word holding CJK characters becomes a phrase
/// of its characters (`日本語` → `"日 本 語"`, `日本*` → `"日 本" *`); inside a
/// phrase the CJK characters are spaced out.
pub fn query(q: &str) -> Option<String> {
    if !q.chars().any(is_cjk) {
        return None;
    }
    let mut out = String::with_capacity(q.len() * 3);
    let mut in_phrase = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if word.chars().any(is_cjk) {
            let (body, star) = match word.strip_suffix('*') {
                Some(b) => (b.to_string(), " *"),
                None => (word.clone(), ""),
            };
            out.push('"');
            out.push_str(spaced(&body).unwrap_or(body).trim());
            out.push('"');
            out.push_str(star);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in q.chars() {
        if in_phrase {
            if c == '"' {
                in_phrase = false;
                out.push(c);
            } else if is_cjk(c) {
                out.push(' ');
                out.push(c);
                out.push(' ');
            } else {
                out.push(c);
            }
        } else if c == '"' {
            flush(&mut word, &mut out);
            in_phrase = true;
            out.push(c);
        } else if c.is_whitespace() || matches!(c, '(' | ')' | ':' | '^' | '+') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    Some(out)
}

/// The CJK runs a query asks for (to mark them in snippets).
fn wanted(q: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in q.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs.sort_by_key(|r| std::cmp::Reverse(r.chars().count()));
    runs
}

/// Up to 48 characters of `text` around the first of `runs` found in it, each
/// occurrence of a run between `marks`, with `…` where text was cut.
fn snippet(text: &str, runs: &[String], marks: (&str, &str)) -> String {
    let chars: Vec<char> = text.chars().collect();
    let runs: Vec<Vec<char>> = runs.iter().map(|r| r.chars().collect()).collect();
    let at = |i: usize| {
        runs.iter()
            .find(|r| !r.is_empty() && chars[i..].starts_with(r))
            .map(Vec::len)
    };
    let first = (0..chars.len()).find(|&i| at(i).is_some()).unwrap_or(0);
    let start = first.saturating_sub(16);
    let end = (start + 48).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match at(i) {
            Some(n) => {
                out.push_str(marks.0);
                out.extend(&chars[i..(i + n).min(chars.len())]);
                out.push_str(marks.1);
                i += n;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    if i < chars.len() {
        out.push('…');
    }
    out
}

/// Search `posts_cjk` with a rewritten query: best first (bm25 over at most the
/// newest [`super::SEARCH_RANKED`] matches, as the main search), at most `limit`,
/// in one thread when asked.
pub fn search(
    conn: &Connection,
    original: &str,
    rewritten: &str,
    thread: Option<i64>,
    limit: i64,
    marks: (&str, &str),
) -> rusqlite::Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(
        "WITH candidates AS MATERIALIZED (
             SELECT c.rowid AS id, bm25(posts_cjk) AS rank FROM posts_cjk c
             WHERE posts_cjk MATCH ?1
               AND (?2 IS NULL OR c.rowid IN (SELECT id FROM posts WHERE thread_id = ?2))
             ORDER BY c.rowid DESC LIMIT ?4),
         best AS MATERIALIZED (SELECT id, rank FROM candidates ORDER BY rank, id LIMIT ?3)
         SELECT p.thread_id, t.title, p.source_id, p.author, b.rank, p.text
         FROM best b JOIN posts p ON p.id = b.id JOIN threads t ON t.id = p.thread_id
         ORDER BY b.rank, p.thread_id, p.position",
    )?;
    let runs = wanted(original);
    let rows = stmt.query_map(
        params![rewritten, thread, limit, super::SEARCH_RANKED],
        |r| {
            let text: String = r.get(5)?;
            Ok(SearchHit {
                thread_id: r.get(0)?,
                thread_title: r.get(1)?,
                post: r.get(2)?,
                author: r.get(3)?,
                snippet: snippet(&text, &runs, marks),
                rank: r.get(4)?,
            })
        },
    )?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_phrases_of_characters() {
        assert_eq!(query("rust"), None);
        assert_eq!(query("日本語").as_deref(), Some("\"日  本  語\""));
        assert_eq!(
            query("日本* AND rust").as_deref(),
            Some("\"日  本\" * AND rust")
        );
        assert_eq!(
            query("\"日本語テキスト\"").as_deref(),
            Some("\" 日  本  語  テ  キ  ス  ト \"")
        );
        assert_eq!(spaced("a日b").as_deref(), Some("a 日 b"));
        assert_eq!(spaced("abc"), None);
    }

    #[test]
    fn snippets_mark_the_runs() {
        let s = snippet("これは日本語テキストです", &wanted("日本語"), ("[", "]"));
        assert_eq!(s, "これは[日本語]テキストです");
    }
}
