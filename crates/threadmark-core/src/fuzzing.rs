//! Fuzz targets (feature `synthetic`), shared by the cargo-fuzz crate in `fuzz/`
//! and the short stable smoke run in the core tests.
//!
//! Each target takes arbitrary bytes and panics only when the code under test
//! breaks one of its promises: no panic, no stack overflow, spans inside the text,
//! an exact anchor really holding the highlighted text.

use std::cell::RefCell;

use crate::anchor::{anchor_in, selector, AnchorState};
use crate::import::html::{convert, hn_fast_body, Options};
use crate::import::{detect, parse_bytes, ImportOptions};
use crate::model::{SourceFormat, ThreadDoc};
use crate::store::Library;

/// The byte formats an importer reads (Maildir is a folder, not bytes).
pub const FORMATS: &[SourceFormat] = &[
    SourceFormat::Auto,
    SourceFormat::Text,
    SourceFormat::Hn,
    SourceFormat::Reddit,
    SourceFormat::Lobsters,
    SourceFormat::Discourse,
    SourceFormat::Mbox,
];

thread_local! {
    static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
}

/// Every importer on `data`: detection, then parsing as each format.
pub fn import(data: &[u8]) {
    let _ = detect(data);
    for &format in FORMATS {
        import_as(format, data);
    }
}

/// One importer on `data`; what parses is rendered, checked and stored (quote
/// resolution and indexing included) in an in-memory library, then deleted.
pub fn import_as(format: SourceFormat, data: &[u8]) {
    let options = ImportOptions {
        format,
        ..Default::default()
    };
    let Ok(docs) = parse_bytes("fuzz", data, &options) else {
        return;
    };
    for doc in &docs {
        check(doc);
    }
    LIBRARY.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Library::open_in_memory().ok();
        }
        let Some(lib) = slot.as_mut() else {
            panic!("an in-memory library does not open");
        };
        if let Ok(ids) = lib.import_docs(&docs, None) {
            let distinct = ids.iter().collect::<std::collections::BTreeSet<_>>().len() == ids.len();
            for (&id, doc) in ids.iter().zip(&docs) {
                let stored = lib.posts(id).expect("a stored thread reads back");
                if distinct {
                    assert_eq!(stored.len(), doc.posts.len(), "posts stored");
                }
            }
            for id in ids {
                let _ = lib.delete_thread(id);
            }
        }
    });
}

fn check(doc: &ThreadDoc) {
    for post in &doc.posts {
        let r = post.body.render();
        let len = r.text.chars().count();
        for q in &r.quotes {
            assert!(
                q.start <= q.end && q.end <= len,
                "quote {}..{} outside a text of {len} code points",
                q.start,
                q.end
            );
            assert!(q.depth >= 1);
        }
    }
}

/// The typed Algolia reader (`import::hn_json`) against the general JSON path:
/// whenever it reads `data` (detected or forced as Hacker News), the general path
/// must read the same thread.
pub fn hn_json_agrees(data: &[u8]) {
    for format in [SourceFormat::Auto, SourceFormat::Hn] {
        let Some(fast) = crate::import::hn_json::parse_algolia(data, format) else {
            continue;
        };
        let general = crate::import::parse_json(data)
            .and_then(|value| crate::import::parse_value(format, &value));
        match general {
            Ok(docs) if docs.len() == 1 => assert_eq!(
                format!("{fast:?}"),
                format!("{:?}", docs[0]),
                "the fast path read another thread ({format:?})"
            ),
            other => panic!("the fast path read what the general path gives as {other:?}"),
        }
    }
}

/// The Hacker News fast path against the general conversion: whenever
/// [`hn_fast_body`] reads a text, its body must equal [`convert`]'s. Tried on the
/// bytes as UTF-8 (lossily), and on the HTML [`hn_tokens`] writes from them (mostly
/// HN's own dialect, so that the fast path reads much of it).
pub fn hn_fast_path(data: &[u8]) {
    hn_fast_agrees(&String::from_utf8_lossy(data));
    hn_fast_agrees(&hn_tokens(data));
}

/// Panics when the fast path reads `html` into another body than [`convert`].
pub fn hn_fast_agrees(html: &str) {
    if let Some(fast) = hn_fast_body(html) {
        let slow = convert(
            html,
            Options {
                quote_markers: true,
            },
        )
        .body;
        assert_eq!(
            fast, slow,
            "the HN fast path differs from convert on {html:?}"
        );
    }
}

/// Text of Hacker News comments, and characters and references at the edges of
/// what the fast path reads.
const HN_TEXT: &[&str] = &[
    "word",
    "more words",
    " ",
    "  ",
    "\n",
    "\t",
    "\x0C",
    ".",
    "&gt; ",
    "&gt;",
    "&gt;&gt; ",
    "&lt;",
    "&amp;",
    "&quot;",
    "&#x27;",
    "&#x2F;",
    "&#39;",
    "&#X41;",
    "&nbsp;",
    "&apos;",
    "é",
    "🎉",
    "\u{a0}",
    "x",
    ">",
    "\"",
    "'",
    "=",
];

/// Characters and references the fast path refuses.
const HN_ODD: &[&str] = &[
    "\r",
    "\u{85}",
    "\u{feff}",
    "\u{fdd0}",
    "\0",
    "&#x80;",
    "&#0;",
    "&#13;",
    "&#xD800;",
    "&#xFEFF;",
    "&#xFFFE;",
    "&#1114112;",
    "&#x10FFFF;",
    "&amp",
    "&",
    "&copy;",
    "&#;",
    "&#x;",
];

/// Link targets: kept, relative, and refused by the sanitizer's URL rule.
const HN_URLS: &[&str] = &[
    "https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2",
    "http://news.ycombinator.com/item?id=1",
    "item?id=1",
    "",
    "mailto:a@b.c",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,x",
    "http://[::1",
    "https://a:99999/",
    " https://x.org ",
    "&#x6A;avascript:x",
    "//evil.example",
    "ftp://x",
];

/// Markup just outside the dialect.
const HN_EDGES: &[&str] = &[
    "<",
    "</",
    "<I>",
    "<a>",
    "<p class=\"x\">",
    "<code>",
    "<em>",
    "</em>",
    "<br/>",
    "<br />",
    "<br >",
    "</br>",
    "<script>",
    "<!--",
    "-->",
    "<pre>",
    "</pre>",
    "</code>",
    "<p/>",
    "<i >",
    "<a href='x'>",
    "<a href=x>",
    "<a href=\"x\" title=\"t\">",
    "</p>",
    "<b>",
    "</b>",
];

/// `data` read as a small program that writes Hacker News HTML: mostly the dialect
/// (text, paragraphs, nested inline elements closed in order, links, code blocks),
/// with edges around it (stray and crossed end tags, odd references, bad links,
/// controls, foreign markup), so that the fast path reads much of what it makes.
pub fn hn_tokens(data: &[u8]) -> String {
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    let pick = |list: &'static [&'static str], b: u8| list[usize::from(b >> 4) % list.len()];
    // Odd pieces in turn, so that every one of them comes up.
    let mut turn = 0usize;
    let mut next_odd = |list: &'static [&'static str]| {
        turn += 1;
        list[turn % list.len()]
    };
    for &b in data {
        // The low four bits pick what to write, the high four a variant; the
        // variant 15 is the odd one.
        let odd = b >> 4 == 15;
        match b % 16 {
            0..=8 if odd => out.push_str(next_odd(HN_ODD)),
            0..=8 => {
                let i = usize::from(b >> 4) * 9 + usize::from(b % 16);
                out.push_str(HN_TEXT[i % HN_TEXT.len()]);
            }
            9 => {
                if !odd {
                    while let Some(tag) = open.pop() {
                        out.push_str(tag);
                    }
                }
                out.push_str(if b & 0x40 == 0 { "<p>" } else { "</p>" });
            }
            10 => {
                let (start, end) = if b & 0x10 == 0 {
                    ("<i>", "</i>")
                } else {
                    ("<b>", "</b>")
                };
                out.push_str(start);
                open.push(end);
            }
            11 => match open.pop() {
                Some(end) if !odd => out.push_str(end),
                _ => out.push_str(if b & 0x20 == 0 { "</i>" } else { "</a>" }),
            },
            12 => {
                out.push_str("<a href=\"");
                out.push_str(pick(HN_URLS, b));
                out.push_str(if b & 0x10 == 0 {
                    "\" rel=\"nofollow\">"
                } else {
                    "\">"
                });
                open.push("</a>");
            }
            13 => out.push_str("<br>"),
            14 => {
                out.push_str("<pre><code>");
                out.push_str(pick(HN_TEXT, b));
                out.push_str("\n  x = &lt;y&gt;\n");
                if !odd {
                    out.push_str("</code></pre>");
                }
            }
            _ if b >> 4 >= 12 => out.push_str(next_odd(HN_EDGES)),
            _ => out.push(' '),
        }
    }
    if data.len() % 4 != 3 {
        while let Some(tag) = open.pop() {
            out.push_str(tag);
        }
    }
    out
}

/// Anchoring: the bytes are split at NUL into the old text of a post and the new
/// posts of the thread; three leading bytes pick the highlighted span and the home
/// post. Whatever is found must lie inside the text, and an `anchored` or `moved`
/// highlight must hold exactly its old text.
pub fn anchor(data: &[u8]) {
    let [a, b, c, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let old = parts.next().unwrap_or("");
    let mut posts: Vec<&str> = parts.collect();
    if posts.is_empty() {
        posts.push(old);
    }
    let n = old.chars().count();
    let start = *a as usize % (n + 1);
    let end = start + *b as usize % (n + 1 - start);
    let Some(sel) = selector(old, start, end) else {
        panic!("no selector for {start}..{end} of {n} code points");
    };
    let home = (c & 1 == 1).then(|| *c as usize / 2 % posts.len());
    let found = anchor_in(&sel, home, &posts);
    if found.state == AnchorState::Orphaned {
        return;
    }
    let post: Vec<char> = posts[found.post].chars().collect();
    assert!(
        found.start <= found.end && found.end <= post.len(),
        "{:?} outside a post of {} code points",
        found,
        post.len()
    );
    if matches!(found.state, AnchorState::Anchored | AnchorState::Moved) {
        let got: String = post[found.start..found.end].iter().collect();
        assert_eq!(
            got, sel.exact,
            "{:?} does not hold the highlighted text",
            found.state
        );
    }
}

/// A reader that hands out `data` in short reads of changing sizes, then (when
/// `endless`) the same bytes again forever, like a device or a stream that never
/// ends; it counts what was taken from it.
struct Trickle<'a> {
    data: &'a [u8],
    at: usize,
    step: usize,
    endless: bool,
    taken: u64,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.data.len() {
            if !self.endless || self.data.is_empty() {
                return Ok(0);
            }
            self.at = 0;
        }
        self.step = self.step % 7 + 1;
        let n = self.step.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        self.taken += n as u64;
        Ok(n)
    }
}

/// The bounded reader and what reads an input before a parser: two leading bytes
/// pick a limit and whether the stream ends. A finite input within the limit is
/// read whole and unchanged; anything over it (an endless stream always) is
/// refused as too large after at most one byte past the limit; the size parser
/// reads back every size it prints; decoding yields UTF-8 when it converts.
pub fn input(data: &[u8]) {
    use crate::error::ErrorKind;
    use crate::import::{decode_input, parse_size, read_bounded, refuse_ordinary_text};
    let [a, b, rest @ ..] = data else {
        return;
    };
    let max = u64::from(*a) * 4 + u64::from(*b & 3);
    let endless = b & 4 != 0 && !rest.is_empty();
    let mut reader = Trickle {
        data: rest,
        at: 0,
        step: usize::from(*b >> 3),
        endless,
        taken: 0,
    };
    let result = read_bounded(&mut reader, max);
    assert!(
        reader.taken <= max + 1,
        "read {} bytes past a limit of {max}",
        reader.taken
    );
    match result {
        Ok(bytes) => {
            assert!(!endless, "an endless stream was accepted");
            assert_eq!(bytes, rest, "the input was not read unchanged");
        }
        Err(e) => {
            assert!(
                endless || rest.len() as u64 > max,
                "refused within the limit: {e}"
            );
            assert_eq!(e.kind(), ErrorKind::TooLarge);
            assert!(
                e.to_string().contains(&crate::import::format_size(max)),
                "{e}"
            );
        }
    }
    let n = u64::from_le_bytes(std::array::from_fn(|i| rest.get(i).copied().unwrap_or(0)));
    assert_eq!(parse_size(&n.to_string()), Ok(n));
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = parse_size(text);
    }
    if let Ok(decoded) = decode_input(rest) {
        if matches!(decoded, std::borrow::Cow::Owned(_)) {
            assert!(
                std::str::from_utf8(&decoded).is_ok(),
                "decoded to invalid UTF-8"
            );
        }
    }
    let _ = refuse_ordinary_text(rest, SourceFormat::Auto);
}
