//! Search inside runs of Chinese, Japanese and Korean text.
//!
//! The main index (`posts_fts`, unicode61) reads a run of CJK characters as one
//! word: `日本語テキスト` is a single token, so `日本語` finds nothing inside it.
//! A second index, `posts_cjk`, holds only the posts that contain CJK characters,
//! each run of them written as overlapping character trigrams ([`grams`], through
//! the SQL function `threadmark_cjk_grams` that triggers call on every insert,
//! update and delete of a post): at each character of a run, the token of that
//! character and the two after it, fewer at the run's end (`日本語テ` →
//! `日本語 本語テ 語テ テ`). Words in other scripts stay words. The index also keeps
//! prefix indexes of one and two characters (`prefix = '1 2'`).
//!
//! A query with CJK characters is rewritten for that index ([`query`]): a run of
//! three or more characters becomes the phrase of its trigrams, which matches
//! exactly where the run occurs inside a longer one; a run of one or two
//! characters becomes a prefix token (`日本` → `"日本" *`: every token starting with
//! those characters, i.e. every place they occur), answered by the prefix indexes.
//! Inside a phrase, a run followed by more of the phrase must end there, and is
//! written with all its tokens. Other queries never touch this index. Snippets
//! are cut from the post's text here.
//!
//! Schema 8 wrote each CJK character as a word of its own ([`spaced`], the SQL
//! function `threadmark_cjk`, still registered for that migration); a phrase of
//! single characters had to walk every post's positions of every character, which
//! over 100,000 CJK posts took 170–230 ms (BENCHMARKS.md). Trigram lists are short.

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

/// Whether `c` belongs to a run that [`grams`] cuts into trigrams: a CJK letter
/// (not punctuation such as `・` or the sound marks, which the tokenizer reads as
/// separators).
fn gram_char(c: char) -> bool {
    is_cjk(c) && c.is_alphanumeric()
}

/// Schema 8's form: the text with a space on each side of every CJK character, or
/// `None` when it has none. Only schema 8's migration and triggers use it (as
/// `threadmark_cjk`); a library migrated past it indexes [`grams`].
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

/// What `posts_cjk` indexes for a post: its text with each CJK run replaced by its
/// overlapping trigrams (see the module's header), or `None` when it has no CJK
/// letter (such a post is not in `posts_cjk`).
pub fn grams(text: &str) -> Option<String> {
    if !text.chars().any(gram_char) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 4);
    let mut i = 0;
    while i < chars.len() {
        if !gram_char(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && gram_char(chars[i]) {
            i += 1;
        }
        push_tokens(&mut out, &chars[start..i], true);
    }
    Some(out)
}

/// Write a run's tokens, each followed by a space, after a space: every one
/// (`whole`, the run ends there), or only its full trigrams (at least one).
fn push_tokens(out: &mut String, run: &[char], whole: bool) {
    out.push(' ');
    let count = if whole { run.len() } else { run.len() - 2 };
    for k in 0..count {
        out.extend(&run[k..(k + 3).min(run.len())]);
        out.push(' ');
    }
}

/// Register the SQL functions `threadmark_cjk_grams(text)` ([`grams`], which
/// `posts_cjk`'s triggers call, so every connection that writes posts needs it)
/// and `threadmark_cjk(text)` ([`spaced`], schema 8's).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("threadmark_cjk_grams", 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        Ok(text.as_deref().and_then(grams))
    })?;
    conn.create_scalar_function("threadmark_cjk", 1, flags, |ctx| {
        let text: Option<String> = ctx.get(0)?;
        Ok(text.as_deref().and_then(spaced))
    })
}

/// A user's query rewritten for `posts_cjk` when it has CJK characters (else
/// `None`). Outside double quotes, a word holding CJK letters becomes a phrase
/// ([`phrase`]; a `*` after it is kept for a last part in another script, and is
/// implied for a CJK run); a phrase in double quotes holding them is rewritten the
/// same way; everything else (other words, `AND`/`OR`/`NOT`, parentheses) is kept.
pub fn query(q: &str) -> Option<String> {
    if !q.chars().any(gram_char) {
        return None;
    }
    let mut out = String::with_capacity(q.len() * 4);
    let mut in_phrase = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if word.chars().any(gram_char) {
            let (body, star) = match word.strip_suffix('*') {
                Some(b) => (b, true),
                None => (word.as_str(), false),
            };
            out.push_str(&phrase(body, star));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in q.chars() {
        if in_phrase {
            if c == '"' {
                in_phrase = false;
                if word.chars().any(gram_char) {
                    out.push_str(&phrase(&word, false));
                } else {
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                }
                word.clear();
            } else {
                word.push(c);
            }
        } else if c == '"' {
            flush(&mut word, &mut out);
            in_phrase = true;
        } else if c.is_whitespace() || matches!(c, '(' | ')' | ':' | '^' | '+') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    if in_phrase {
        // An unclosed phrase: FTS5 refuses it, as the main search would.
        out.push('"');
        out.push_str(&word);
    } else {
        flush(&mut word, &mut out);
    }
    Some(out)
}

/// The phrase matching `text` (a word or a quoted phrase's content) in
/// `posts_cjk`: other scripts as they are, each CJK run as its tokens. A run
/// followed by more of the phrase ends there: all its tokens. The last run, if
/// nothing but spaces follows it, may go on: its full trigrams, or with one or
/// two characters a prefix token. `star`: the last token is a prefix (the user's
/// `*`).
fn phrase(text: &str, star: bool) -> String {
    let chars: Vec<char> = text.trim_end().chars().collect();
    let mut out = String::with_capacity(text.len() * 4 + 4);
    out.push('"');
    let mut prefix = star;
    let mut i = 0;
    while i < chars.len() {
        if !gram_char(chars[i]) {
            out.push(chars[i]);
            prefix = star;
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && gram_char(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        let last = i == chars.len();
        if last && run.len() <= 2 {
            out.push(' ');
            out.extend(run);
            prefix = true;
        } else {
            push_tokens(&mut out, run, !last);
            prefix = star && !last;
        }
    }
    out.push('"');
    if prefix {
        out.push_str(" *");
    }
    out
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

/// How many of a CJK query's matches bm25 ranks at most: the newest. A CJK query
/// is a phrase of trigrams, and scoring one match costs more than in the main
/// index (its phrase instances and size, about 2.5 µs); over 1,000,000 posts a
/// frequent word with 12,056 matches took 68 ms ranking 10,000 of them
/// ([`super::SEARCH_RANKED`], the main search's cap) and 29 ms ranking 2,000
/// (BENCHMARKS.md). As in the main search, a query this common carries little
/// weight in bm25: the hits are the best-scored of the newest matches.
pub const CJK_RANKED: i64 = 2_000;

/// Search `posts_cjk` with a rewritten query: best first (bm25 over at most the
/// newest [`CJK_RANKED`] matches), at most `limit`,
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
    let rows = stmt.query_map(params![rewritten, thread, limit, CJK_RANKED], |r| {
        let text: String = r.get(5)?;
        Ok(SearchHit {
            thread_id: r.get(0)?,
            thread_title: r.get(1)?,
            post: r.get(2)?,
            author: r.get(3)?,
            snippet: snippet(&text, &runs, marks),
            rank: r.get(4)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_indexed_as_overlapping_trigrams() {
        assert_eq!(grams("abc"), None);
        assert_eq!(grams("a日b").as_deref(), Some("a 日 b"));
        assert_eq!(
            grams("これは日本語です, ok").as_deref(),
            Some(" これは れは日 は日本 日本語 本語で 語です です す , ok")
        );
        // Punctuation inside a run is not a letter: it ends the run.
        assert_eq!(grams("日本・語").as_deref(), Some(" 日本 本 ・ 語 "));
        assert_eq!(spaced("a日b").as_deref(), Some("a 日 b"));
        assert_eq!(spaced("abc"), None);
    }

    #[test]
    fn queries_become_phrases_of_trigrams_or_prefixes() {
        assert_eq!(query("rust"), None);
        assert_eq!(query("日").as_deref(), Some("\" 日\" *"));
        assert_eq!(query("日本").as_deref(), Some("\" 日本\" *"));
        assert_eq!(query("日本語").as_deref(), Some("\" 日本語 \""));
        assert_eq!(
            query("日本語テキスト").as_deref(),
            Some("\" 日本語 本語テ 語テキ テキス キスト \"")
        );
        // The user's star adds nothing to a CJK run (any run may go on).
        assert_eq!(
            query("日本* AND rust").as_deref(),
            Some("\" 日本\" * AND rust")
        );
        assert_eq!(query("日本語*").as_deref(), Some("\" 日本語 \""));
        // A run followed by more of the word or phrase ends there: every token.
        assert_eq!(query("日本abc").as_deref(), Some("\" 日本 本 abc\""));
        assert_eq!(query("日本ab*").as_deref(), Some("\" 日本 本 ab\" *"));
        assert_eq!(
            query("\"日本語 テキスト\" OR 東京").as_deref(),
            Some("\" 日本語 本語 語   テキス キスト \" OR \" 東京\" *")
        );
        assert_eq!(query("\"rust 日本\"").as_deref(), Some("\"rust  日本\" *"));
        assert_eq!(
            query("\"rust\" 日本").as_deref(),
            Some("\"rust\" \" 日本\" *")
        );
    }

    #[test]
    fn snippets_mark_the_runs() {
        let s = snippet("これは日本語テキストです", &wanted("日本語"), ("[", "]"));
        assert_eq!(s, "これは[日本語]テキストです");
    }
}
