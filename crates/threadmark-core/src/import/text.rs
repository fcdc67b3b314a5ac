//! The plain-text dump format (the seed's format).
//!
//! Two layouts of one format are accepted:
//! - **line layout**: every non-blank line is one paragraph;
//! - **blank-line layout**: paragraphs are separated by blank lines and the lines of
//!   one paragraph are joined with a space (hard-wrapped text).
//!
//! A file is read in the blank-line layout when it has blank lines between
//! paragraphs and its multi-line paragraphs look hard-wrapped (at least as many blank
//! gaps as joined lines, or joined lines of at most 100 characters); otherwise in the
//! line layout.
//!
//! A paragraph starting with `>` (any number of them, spaces allowed between and
//! after) is a quote; its depth is the number of `>`. Paragraphs are grouped into
//! posts by [`group`]'s rules, and a post's source id is the 1-based number of the
//! line it starts on.

use super::mail::body::MAX_QUOTE_DEPTH;
use crate::body::{linkify, Block, Body};
use crate::error::{Error, Result};
use crate::model::{PostDoc, ThreadDoc};

/// One paragraph of the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based line of its first line.
    pub first_line: usize,
    /// 1-based line of its last line.
    pub last_line: usize,
    /// 0 for text, n for a quote of depth n.
    pub quote_depth: usize,
    /// The text without quote markers.
    pub text: String,
}

/// A post of the dump: its paragraphs, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpPost {
    pub paragraphs: Vec<Paragraph>,
}

impl DumpPost {
    /// The line the post starts on (its source id).
    pub fn first_line(&self) -> usize {
        self.paragraphs.first().map_or(0, |p| p.first_line)
    }

    /// The last line the post covers.
    pub fn last_line(&self) -> usize {
        self.paragraphs.last().map_or(0, |p| p.last_line)
    }
}

/// Decode the bytes as UTF-8 text, refusing binary data with the line it is on.
pub fn decode(bytes: &[u8]) -> Result<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // "line L, column C (byte B)": 1-based line and column (in bytes), 0-based offset.
    let place = |offset: usize| {
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset
            - bytes[..offset]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        format!("line {line}, column {column} (byte {offset})")
    };
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::bad_input("binary data (a NUL byte), not a text dump").at(place(nul)));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Error::bad_input("invalid UTF-8; a text dump must be UTF-8").at(place(at))
    })
}

/// Split a quote marker off a line: `(depth, rest)`. Depths over
/// [`MAX_QUOTE_DEPTH`] read as that depth (the block tree is walked recursively).
fn quote_marker(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix('>') {
        depth += 1;
        rest = after.trim_start_matches([' ', '\t']);
    }
    (
        depth.min(MAX_QUOTE_DEPTH),
        if depth > 0 { rest } else { line },
    )
}

/// The paragraphs of a dump, in either layout.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let blank = |l: &str| l.trim().is_empty();
    let mut gaps = 0usize;
    let mut joins = 0usize;
    let mut joined_long = 0usize;
    for i in 1..lines.len() {
        if !blank(lines[i]) && !blank(lines[i - 1]) {
            joins += 1;
            if lines[i - 1].chars().count() > 100 {
                joined_long += 1;
            }
        }
        if !blank(lines[i]) && blank(lines[i - 1]) && lines[..i - 1].iter().any(|l| !blank(l)) {
            gaps += 1;
        }
    }
    let blank_line_layout = gaps > 0 && (joins <= gaps || joined_long * 2 <= joins);

    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false; // whether the last paragraph may take the next line
    for (i, raw) in lines.iter().enumerate() {
        let number = i + 1;
        if blank(raw) {
            open = false;
            continue;
        }
        let (depth, rest) = quote_marker(raw);
        let rest = rest.trim();
        if let Some(last) = out
            .last_mut()
            .filter(|p| open && blank_line_layout && p.quote_depth == depth)
        {
            if !rest.is_empty() {
                if !last.text.is_empty() {
                    last.text.push(' ');
                }
                last.text.push_str(rest);
            }
            last.last_line = number;
            continue;
        }
        if rest.is_empty() && depth > 0 {
            // A bare `>` line: a break inside a quote. It belongs to the quote it is
            // in (or the next one), never to a paragraph of its own.
            if let Some(last) = out
                .last_mut()
                .filter(|p| p.quote_depth > 0 && p.last_line + 1 == number)
            {
                last.last_line = number;
                open = false;
                continue;
            }
        }
        out.push(Paragraph {
            first_line: number,
            last_line: number,
            quote_depth: depth,
            text: rest.to_string(),
        });
        open = true;
    }
    // A bare `>` that opened a paragraph of its own merges into the next paragraph.
    let mut merged: Vec<Paragraph> = Vec::with_capacity(out.len());
    let mut pending: Option<usize> = None;
    for mut p in out {
        if p.text.is_empty() {
            pending.get_or_insert(p.first_line);
            continue;
        }
        if let Some(first) = pending.take() {
            p.first_line = first;
        }
        merged.push(p);
    }
    if let (Some(first), Some(last)) = (pending, merged.last_mut()) {
        last.last_line = last.last_line.max(first);
    }
    merged
}

fn is_footnote(p: &Paragraph) -> bool {
    footnote_number(p).is_some()
}

/// `[12] …` → `12`.
fn footnote_number(p: &Paragraph) -> Option<&str> {
    if p.quote_depth > 0 {
        return None;
    }
    let rest = p.text.strip_prefix('[')?;
    let close = rest.find(']')?;
    let number = &rest[..close];
    (!number.is_empty() && number.len() <= 3 && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some(number)
}

fn opens_quotation(p: &Paragraph) -> bool {
    p.quote_depth == 0 && p.text.starts_with(['“', '"', '„', '«'])
}

fn ends_sentence(p: &Paragraph) -> bool {
    let t = p
        .text
        .trim_end_matches(['"', '”', '’', '\'', ')', ']', '»', ' ']);
    t.ends_with(['.', '!', '?', '…'])
}

fn starts_lowercase(p: &Paragraph) -> bool {
    p.text.chars().next().is_some_and(char::is_lowercase)
}

/// Whether `next` continues the post whose last paragraph is `prev`:
/// 1. a footnote line (`[1] …`) stays with the post before it;
/// 2. a paragraph ending with `:` introduces what follows (unless it is a footnote);
/// 3. after a quote, further quotes and the reply below them stay together;
/// 4. consecutive paragraphs opening with a quotation mark are one run of excerpts;
/// 5. a paragraph starting in lower case continues one that did not end a sentence.
fn continues(prev: &Paragraph, next: &Paragraph) -> bool {
    (is_footnote(next))
        || (prev.quote_depth == 0 && !is_footnote(prev) && prev.text.ends_with(':'))
        || prev.quote_depth > 0
        || (opens_quotation(prev) && opens_quotation(next))
        || (next.quote_depth == 0
            && prev.quote_depth == 0
            && starts_lowercase(next)
            && !ends_sentence(prev))
}

/// Group paragraphs into posts (see [`continues`]), then pull a footnote's citing
/// paragraph into its post: when a post holds footnote `[n]` and one of the three
/// posts before it cites `[n]`, the posts in between are one post.
pub fn group(paragraphs: Vec<Paragraph>) -> Vec<DumpPost> {
    let mut posts: Vec<DumpPost> = Vec::new();
    for p in paragraphs {
        match posts.last_mut() {
            Some(post)
                if post
                    .paragraphs
                    .last()
                    .is_some_and(|prev| continues(prev, &p)) =>
            {
                post.paragraphs.push(p)
            }
            _ => posts.push(DumpPost {
                paragraphs: vec![p],
            }),
        }
    }
    let mut i = 0;
    while i < posts.len() {
        let cited = posts[i]
            .paragraphs
            .iter()
            .find_map(footnote_number)
            .map(|n| format!("[{n}]"));
        if let Some(marker) = cited {
            let cites = |post: &DumpPost| {
                post.paragraphs
                    .iter()
                    .any(|p| !is_footnote(p) && p.text.contains(&marker))
            };
            let in_own = posts[i]
                .paragraphs
                .iter()
                .any(|p| !is_footnote(p) && p.text.contains(&marker));
            if !in_own {
                if let Some(from) = (i.saturating_sub(3)..i).rev().find(|&j| cites(&posts[j])) {
                    let tail: Vec<DumpPost> = posts.drain(from + 1..=i).collect();
                    for post in tail {
                        posts[from].paragraphs.extend(post.paragraphs);
                    }
                    i = from;
                }
            }
        }
        i += 1;
    }
    posts
}

/// Build a post's body: text paragraphs, and quote paragraphs as (nested) quote
/// blocks, one block per top-level quoted paragraph.
pub fn body(paragraphs: &[Paragraph]) -> Body {
    Body(blocks_at(paragraphs, 0))
}

fn blocks_at(paragraphs: &[Paragraph], level: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < paragraphs.len() {
        let p = &paragraphs[i];
        if p.quote_depth <= level {
            out.push(Block::Paragraph(linkify(&p.text)));
            i += 1;
        } else {
            // One quoted passage: this paragraph and the deeper ones under it. At the
            // top level each `>` paragraph starts a passage of its own, so that each
            // is resolved to its own source.
            let end = paragraphs[i + 1..]
                .iter()
                .position(|q| q.quote_depth <= level || (level == 0 && q.quote_depth == 1))
                .map_or(paragraphs.len(), |n| i + 1 + n);
            out.push(Block::Quote(blocks_at(&paragraphs[i..end], level + 1)));
            i = end;
        }
    }
    out
}

/// A title from the first paragraph: up to 80 characters, cut at a word.
fn derive_title(posts: &[DumpPost]) -> String {
    let first = posts
        .first()
        .and_then(|p| p.paragraphs.first())
        .map_or("", |p| p.text.as_str());
    let first = first.trim_matches(|c: char| c.is_whitespace() || "“”\"".contains(c));
    if first.chars().count() <= 80 {
        return first.to_string();
    }
    let cut: String = first.chars().take(80).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Parse a text dump into one thread.
pub fn parse(bytes: &[u8], title: Option<&str>) -> Result<ThreadDoc> {
    let text = decode(bytes)?;
    let text = crate::body::clean_text(text);
    let posts = group(paragraphs(&text));
    if posts.is_empty() {
        return Err(Error::bad_input("empty: there is no text to import").at("line 1"));
    }
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| derive_title(&posts));
    let posts = posts
        .iter()
        .map(|post| PostDoc {
            source_id: post.first_line().to_string(),
            parent: None,
            author: None,
            created_at: None,
            body: body(&post.paragraphs),
            deleted: false,
            missing_replies: 0,
            points: None,
            quote_sources: Vec::new(),
        })
        .collect();
    Ok(ThreadDoc {
        title,
        source: "text",
        source_key: None,
        url: None,
        posts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(posts: &[DumpPost]) -> Vec<(usize, usize)> {
        posts
            .iter()
            .map(|p| (p.first_line(), p.last_line()))
            .collect()
    }

    #[test]
    fn quote_markers_of_any_depth_with_or_without_space() {
        assert_eq!(quote_marker(">a"), (1, "a"));
        assert_eq!(quote_marker("> a"), (1, "a"));
        assert_eq!(quote_marker(">> a"), (2, "a"));
        assert_eq!(quote_marker("> > a"), (2, "a"));
        assert_eq!(quote_marker("a > b"), (0, "a > b"));
    }

    #[test]
    fn grouping_rules() {
        let src = "First post.\n\
                   Second post cites [1].\n\
                   [1] https://example.com\n\
                   > quoted line\n\
                   >> deeper\n\
                   Reply to it.\n\
                   Here is a lead-in:\n\
                   > the quote\n\
                   the reply\n\
                   continued in lower case\n\
                   “An excerpt.”\n\
                   “Another excerpt.”\n\
                   Last.";
        let posts = group(paragraphs(src));
        assert_eq!(
            lines_of(&posts),
            [(1, 1), (2, 3), (4, 6), (7, 10), (11, 12), (13, 13)]
        );
        let r = body(&posts[2].paragraphs).render();
        assert_eq!(r.text, "quoted line\n\ndeeper\n\nReply to it.");
        assert_eq!(r.quotes.len(), 2);
    }

    #[test]
    fn footnote_pulls_in_the_citing_post() {
        let src = "Intro.\nA claim [1].\nAnother point [2].\n[1] a source\n[2] another\nNext.";
        assert_eq!(lines_of(&group(paragraphs(src))), [(1, 1), (2, 5), (6, 6)]);
    }

    #[test]
    fn blank_line_layout_joins_wrapped_lines() {
        let src = "A wrapped\nparagraph here.\n\n> a quote\n> wrapped\n\nthe reply\n\nNew post.\n";
        let paras = paragraphs(src);
        let texts: Vec<_> = paras
            .iter()
            .map(|p| (p.quote_depth, p.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (0, "A wrapped paragraph here."),
                (1, "a quote wrapped"),
                (0, "the reply"),
                (0, "New post.")
            ]
        );
        assert_eq!(lines_of(&group(paras)), [(1, 2), (4, 7), (9, 9)]);
    }

    #[test]
    fn bare_quote_lines_stay_inside_their_quote() {
        let posts = group(paragraphs("> one\n>\n> two\nreply\n"));
        assert_eq!(lines_of(&posts), [(1, 4)]);
    }

    #[test]
    fn refuses_binary_and_invalid_utf8_with_the_line() {
        let e = parse(b"ok\nstill ok\n\xff\xfe", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, column 1 (byte 12): invalid UTF-8; a text dump must be UTF-8"
        );
        let e = parse(b"a\n\0", None).unwrap_err();
        assert!(e.to_string().starts_with("line 2"), "{e}");
        assert!(parse(b"  \n\n \t\n", None).is_err());
        assert!(parse(b"", None).is_err());
    }

    #[test]
    fn derived_title_is_cut_at_a_word() {
        let long = "word ".repeat(40);
        let doc = parse(long.as_bytes(), None).unwrap();
        assert!(
            doc.title.ends_with('…') && doc.title.chars().count() <= 81,
            "{}",
            doc.title
        );
    }
}
