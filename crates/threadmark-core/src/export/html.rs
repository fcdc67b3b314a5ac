//! Standalone HTML: one offline page per thread, with no script at all.
//!
//! The page is the thread as a tree (replies nested under their parent, with author,
//! time and a link to the post at its source), each highlight marked in its label's
//! colour inside the post, and the notes beside the post (a note is Markdown,
//! rendered by [`crate::notes::note_html`] and sanitized). Everything is inline: one
//! `<style>` element, light and dark by `prefers-color-scheme`, no fonts, images or
//! scripts, and a `Content-Security-Policy` meta element that forbids any script or
//! remote load, should a browser ever find one. Line heights are whole pixels:
//! WebKit rounds a fractional line height down where Chromium keeps it, which over
//! a long thread moved the posts apart by 3% (e2e/tests/export-html.test.mjs
//! compares the two).
//!
//! Post bodies are not copied from the library's HTML: each stored post is parsed
//! again and written back element by element through the reader's allow-list (the
//! same elements as [`crate::body::READER_TAGS`], `href` only, and only a
//! [`crate::body::safe_href`] link), with every text node escaped. A `<mark>` is
//! inserted at the highlight's code-point offsets of the text, which are offsets of
//! the post's `textContent` (the anchor space), so the marks land where the reader
//! shows them.

use std::collections::HashMap;
use std::fmt::Write as _;

use scraper::node::Node;
use scraper::{ElementRef, Html};

use super::{permalink, rfc3339};
use crate::body::{safe_href, READER_TAGS};
use crate::error::Result;
use crate::model::{Highlight, Label, Post};
use crate::store::Library;

/// The page's CSP: nothing but the inline style sheet.
pub const PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #fdfcf9; --fg: #1d1f21; --muted: #5f6368; --rail: #d9d6cf; --card: #ffffff; --quote: #6a6f75; --link: #1c5fb8; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #17181a; --fg: #e6e4df; --muted: #a4a7ab; --rail: #3a3c40; --card: #1f2023; --quote: #b1b4b8; --link: #8ab4f8; }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem 4rem; font: 16px/24px -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; overflow-wrap: anywhere; }
a { color: var(--link); }
h1 { font-size: 1.6rem; line-height: 32px; margin: 0 0 .4rem; }
h2 { font-size: 1.15rem; line-height: 28px; margin: 2rem 0 .6rem; }
.meta, .post-head, .legend { color: var(--muted); font-size: .875rem; line-height: 21px; }
.meta { margin: 0 0 1rem; }
.legend { display: flex; flex-wrap: wrap; gap: .35rem .9rem; list-style: none; margin: 0 0 1rem; padding: 0; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .3em; vertical-align: -.05em; }
.index { padding-left: 1.2rem; }
.index li { margin: .3rem 0; }
.thread, .replies { list-style: none; margin: 0; padding: 0; }
.replies { margin-left: .55rem; padding-left: .9rem; border-left: 2px solid var(--rail); }
.post { margin: .9rem 0 0; }
.argmap-scroll { overflow: auto; max-height: 80vh; border: 1px solid var(--rail); border-radius: 6px; }
.argmap-scroll svg { display: block; max-width: none; }
.post-head { margin: 0 0 .15rem; }
.author { color: var(--fg); font-weight: 600; }
.op { font-size: .7rem; font-weight: 700; border: 1px solid currentColor; border-radius: 3px; padding: 0 .25em; margin-left: .3em; }
.removed .body { color: var(--muted); font-style: italic; }
.body p, .body pre, .body ul, .body ol, .body blockquote { margin: .35rem 0; }
.body blockquote { margin-left: 0; padding-left: .8rem; border-left: 3px solid var(--rail); color: var(--quote); }
.body pre { overflow-x: auto; padding: .5rem .7rem; background: var(--card); border: 1px solid var(--rail); border-radius: 4px; }
.body code { font: .9em/20px ui-monospace, "DejaVu Sans Mono", monospace; }
mark { color: inherit; border-radius: 2px; padding: 0 1px; }
.notes { margin: .4rem 0 0; padding: .45rem .7rem; background: var(--card); border: 1px solid var(--rail); border-radius: 4px; font-size: .9rem; line-height: 22px; }
.notes p { margin: .2rem 0; }
.note-text > :first-child { margin-top: 0; }
.note-text > :last-child { margin-bottom: 0; }
.index .note-text { margin: .1rem 0 .3rem; font-size: .9rem; }
.label { font-weight: 600; }
.orphaned { color: var(--muted); }
"#;

/// Escape text for an HTML text node or a double-quoted attribute value.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An element id made of safe characters only: `p-` or `h-` and the id, with every
/// character outside `[A-Za-z0-9_-]` written as `.XXXX` (its code point in hex).
fn anchor_id(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let _ = write!(out, ".{:x}", c as u32);
        }
    }
    out
}

/// `#rrggbb` to `r, g, b` for the translucent mark background; a malformed colour
/// gives a neutral yellow.
fn rgb(color: &str) -> (u8, u8, u8) {
    let hex = color.trim_start_matches('#');
    let part = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    match (hex.len(), part(0), part(2), part(4)) {
        (6, Some(r), Some(g), Some(b)) => (r, g, b),
        _ => (0xe0, 0xa1, 0x00),
    }
}

/// `2024-01-02 15:04 UTC` for people; the `datetime` attribute keeps RFC 3339.
fn human_time(secs: i64) -> String {
    let s = rfc3339(secs);
    match (s.get(..10), s.get(11..16)) {
        (Some(day), Some(hm)) => format!("{day} {hm} UTC"),
        _ => s,
    }
}

/// The CSS class of a label (its position among the labels), or `l-none`.
fn label_class(labels: &[Label], name: Option<&str>) -> String {
    name.and_then(|n| labels.iter().position(|l| l.name == n))
        .map(|i| format!("l-{i}"))
        .unwrap_or_else(|| "l-none".into())
}

/// A highlight placed on a post: its code-point span and its mark class.
struct Placed<'a> {
    start: usize,
    end: usize,
    class: String,
    highlight: &'a Highlight,
}

/// Writes a stored post's HTML back through the allow-list with marks inserted.
struct BodyWriter<'a> {
    out: String,
    /// Code points of text written so far (the `textContent` offset).
    pos: usize,
    marks: &'a [Placed<'a>],
    /// Marks whose id has been written (the first piece of each carries it).
    opened: Vec<bool>,
}

impl BodyWriter<'_> {
    fn text(&mut self, text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let (from, to) = (self.pos, self.pos + chars.len());
        // Every boundary of a mark inside this text node splits it.
        let mut cuts = vec![from, to];
        for m in self.marks {
            for b in [m.start, m.end] {
                if b > from && b < to {
                    cuts.push(b);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let piece: String = chars[a - from..b - from].iter().collect();
            // The innermost mark covering the piece: the one that starts last.
            let covering = self
                .marks
                .iter()
                .enumerate()
                .filter(|(_, m)| m.start <= a && m.end >= b && m.start < m.end)
                .max_by_key(|(_, m)| (m.start, std::cmp::Reverse(m.end)));
            match covering {
                Some((i, m)) => {
                    let label = m.highlight.label.as_deref().unwrap_or("Highlight");
                    self.out.push_str("<mark class=\"");
                    self.out.push_str(&m.class);
                    self.out.push('"');
                    if !self.opened[i] {
                        self.opened[i] = true;
                        let _ = write!(self.out, " id=\"{}\"", anchor_id("h-", &m.highlight.uuid));
                    }
                    let _ = write!(self.out, " title=\"{}\">", esc(label));
                    self.out.push_str(&esc(&piece));
                    self.out.push_str("</mark>");
                }
                None => self.out.push_str(&esc(&piece)),
            }
        }
        self.pos = to;
    }

    fn children(&mut self, node: ElementRef<'_>) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => self.text(t),
                Node::Element(e) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = e.name();
                    let allowed = READER_TAGS.contains(&name);
                    if allowed {
                        self.out.push('<');
                        self.out.push_str(name);
                        if name == "a" {
                            if let Some(href) = e.attr("href").and_then(safe_href) {
                                let _ = write!(
                                    self.out,
                                    " href=\"{}\" rel=\"noopener noreferrer\"",
                                    esc(&href)
                                );
                            }
                        }
                        self.out.push('>');
                        // A parser drops one newline right after <pre>: keep the text's own.
                        if name == "pre" {
                            let first = child.first_child().and_then(|c| match c.value() {
                                Node::Text(t) => Some(t.starts_with('\n')),
                                _ => None,
                            });
                            if first == Some(true) {
                                self.out.push('\n');
                            }
                        }
                    }
                    if name != "br" {
                        self.children(child);
                        if allowed {
                            let _ = write!(self.out, "</{name}>");
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A post's stored HTML with its highlights marked; the text is unchanged.
fn marked_body(post: &Post, placed: &[Placed<'_>]) -> String {
    let fragment = Html::parse_fragment(&post.html);
    let mut w = BodyWriter {
        out: String::with_capacity(post.html.len() + 64 * placed.len()),
        pos: 0,
        marks: placed,
        opened: vec![false; placed.len()],
    };
    w.children(fragment.root_element());
    w.out
}

/// One thread as a standalone page. `exported_at` is unix seconds.
pub fn thread_html(lib: &Library, thread_id: i64, exported_at: i64) -> Result<String> {
    let thread = lib.thread(thread_id)?;
    let posts = lib.posts(thread_id)?;
    let highlights = lib.highlights(thread_id)?;
    let labels = lib.labels()?;
    let mut by_post: HashMap<&str, Vec<&Highlight>> = HashMap::new();
    for h in &highlights {
        by_post.entry(h.post.as_str()).or_default().push(h);
    }
    let op = posts.first().and_then(|p| p.author.clone());

    let mut out =
        String::with_capacity(4096 + posts.iter().map(|p| p.html.len() + 256).sum::<usize>());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        esc(PAGE_CSP)
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"generator\" content=\"Threadmark\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&thread.title));
    out.push_str("<style>");
    out.push_str(STYLE);
    for (i, l) in labels.iter().enumerate() {
        let (r, g, b) = rgb(&l.color);
        let _ = writeln!(
            out,
            "mark.l-{i} {{ background: rgba({r}, {g}, {b}, 0.32); box-shadow: inset 0 -2px 0 rgb({r}, {g}, {b}); }}\n.swatch.l-{i} {{ background: rgb({r}, {g}, {b}); }}"
        );
    }
    out.push_str("mark.l-none { background: rgba(255, 214, 0, 0.35); box-shadow: inset 0 -2px 0 rgb(200, 160, 0); }\n.swatch.l-none { background: rgb(255, 214, 0); }\n");
    out.push_str("</style>\n</head>\n<body>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&thread.title));
    out.push_str("<p class=\"meta\">");
    let _ = write!(
        out,
        "{} posts · {} highlights · source: {}",
        thread.posts,
        highlights.len(),
        esc(&thread.source)
    );
    if let Some(url) = thread.url.as_deref().and_then(safe_href) {
        let _ = write!(
            out,
            " · <a href=\"{}\" rel=\"noopener noreferrer\">original</a>",
            esc(&url)
        );
    }
    let _ = writeln!(
        out,
        " · saved <time datetime=\"{}\">{}</time> · exported <time datetime=\"{}\">{}</time></p>",
        rfc3339(thread.imported_at),
        human_time(thread.imported_at),
        rfc3339(exported_at),
        human_time(exported_at)
    );
    out.push_str("</header>\n");

    if !highlights.is_empty() {
        out.push_str("<section class=\"highlights\">\n<h2>Highlights</h2>\n<ul class=\"legend\">");
        let mut used: Vec<Option<&str>> = Vec::new();
        for h in &highlights {
            if !used.contains(&h.label.as_deref()) {
                used.push(h.label.as_deref());
            }
        }
        for name in used {
            let _ = write!(
                out,
                "<li><span class=\"swatch {}\"></span>{}</li>",
                label_class(&labels, name),
                esc(name.unwrap_or("No label"))
            );
        }
        out.push_str("</ul>\n<ol class=\"index\">\n");
        for h in &highlights {
            let target = if h.state == "orphaned" {
                anchor_id("p-", &h.post)
            } else {
                anchor_id("h-", &h.uuid)
            };
            let _ = write!(
                out,
                "<li><a href=\"#{}\"><mark class=\"{}\">{}</mark></a> <span class=\"label\">{}</span>",
                target,
                label_class(&labels, h.label.as_deref()),
                esc(&h.exact),
                esc(h.label.as_deref().unwrap_or("No label"))
            );
            if h.state != "anchored" {
                let _ = write!(out, " <span class=\"orphaned\">({})</span>", esc(&h.state));
            }
            if !h.note.is_empty() {
                let _ = write!(
                    out,
                    "<div class=\"note-text\">{}</div>",
                    crate::notes::note_html(&h.note)
                );
            }
            let _ = write!(
                out,
                " <a class=\"applink\" href=\"{}\">open in Threadmark</a>",
                crate::deeplink::DeepLink::highlight(&h.uuid)
            );
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }

    // The argument map as a picture, when the highlights are linked.
    if !lib.links(thread_id)?.is_empty() {
        let graph = super::graph::layout(lib, thread_id)?;
        out.push_str(
            "<section class=\"argmap\">\n<h2>Argument map</h2>\n<div class=\"argmap-scroll\">\n",
        );
        out.push_str(&super::svg::svg_element(&graph, &thread.title));
        out.push_str("</div>\n</section>\n");
    }

    out.push_str("<main>\n<h2>Thread</h2>\n<ol class=\"thread\">\n");
    // Posts arrive in thread order with their depth; each post's <li> stays open for
    // a nested list of its replies. A depth that jumps by more than one is a child.
    let mut open: Vec<(i64, bool)> = Vec::new();
    for post in &posts {
        let depth = match open.last() {
            Some(&(top, _)) => post.depth.max(0).min(top + 1),
            None => 0,
        };
        while let Some(&(top, replies)) = open.last() {
            if top < depth {
                break;
            }
            out.push_str(if replies { "</ol>\n</li>\n" } else { "</li>\n" });
            open.pop();
        }
        if let Some(top) = open.last_mut() {
            if !top.1 {
                out.push_str("<ol class=\"replies\">\n");
                top.1 = true;
            }
        }
        open.push((depth, false));
        write_post(&mut out, &thread, post, &by_post, &labels, op.as_deref());
    }
    while let Some((_, replies)) = open.pop() {
        out.push_str(if replies { "</ol>\n</li>\n" } else { "</li>\n" });
    }
    out.push_str("</ol>\n</main>\n</body>\n</html>\n");
    Ok(out)
}

/// One post: head, marked body, notes. Leaves its `<li>` open for its replies.
fn write_post(
    out: &mut String,
    thread: &crate::model::ThreadSummary,
    post: &Post,
    by_post: &HashMap<&str, Vec<&Highlight>>,
    labels: &[Label],
    op: Option<&str>,
) {
    let text_len = post.text.chars().count();
    let mine = by_post
        .get(post.source_id.as_str())
        .cloned()
        .unwrap_or_default();
    let placed: Vec<Placed<'_>> = mine
        .iter()
        .filter(|h| h.state != "orphaned")
        .filter_map(|h| {
            let (s, e) = (usize::try_from(h.start).ok()?, usize::try_from(h.end).ok()?);
            (s < e && e <= text_len).then(|| Placed {
                start: s,
                end: e,
                class: label_class(labels, h.label.as_deref()),
                highlight: h,
            })
        })
        .collect();
    let _ = write!(
        out,
        "<li class=\"post{}\" id=\"{}\">\n<p class=\"post-head\">",
        if post.deleted { " removed" } else { "" },
        anchor_id("p-", &post.source_id)
    );
    let author = post.author.as_deref().unwrap_or("anonymous");
    let _ = write!(out, "<span class=\"author\">{}</span>", esc(author));
    if post.author.is_some() && post.author.as_deref() == op {
        out.push_str("<span class=\"op\" title=\"original poster\">OP</span>");
    }
    if let Some(at) = post.created_at {
        let _ = write!(
            out,
            " · <time datetime=\"{}\">{}</time>",
            rfc3339(at),
            human_time(at)
        );
    }
    let link = permalink(thread, &post.source_id);
    match safe_href(&link) {
        Some(href) => {
            let _ = write!(
                out,
                " · <a href=\"{}\" rel=\"noopener noreferrer\">post {}</a>",
                esc(&href),
                esc(&post.source_id)
            );
        }
        None => {
            let _ = write!(out, " · post {}", esc(&post.source_id));
        }
    }
    for mark in super::post_marks(post) {
        let _ = write!(out, " · {}", esc(&mark));
    }
    out.push_str("</p>\n<div class=\"body\">");
    out.push_str(&marked_body(post, &placed));
    out.push_str("</div>\n");
    // Beside the post: the notes and tags, and any highlight that has no place in
    // the post's current text.
    let noted: Vec<&Highlight> = mine
        .iter()
        .copied()
        .filter(|h| {
            !h.note.is_empty()
                || !h.tags.is_empty()
                || placed.iter().all(|p| p.highlight.uuid != h.uuid)
        })
        .collect();
    if !noted.is_empty() {
        out.push_str("<aside class=\"notes\">\n");
        for h in noted {
            let _ = write!(
                out,
                "<div class=\"note\"><p><span class=\"swatch {}\"></span><span class=\"label\">{}</span>",
                label_class(labels, h.label.as_deref()),
                esc(h.label.as_deref().unwrap_or("Highlight"))
            );
            if placed.iter().all(|p| p.highlight.uuid != h.uuid) {
                let _ = write!(
                    out,
                    " <span class=\"orphaned\">(not found in this version of the post: “{}”)</span>",
                    esc(&h.exact)
                );
            }
            if !h.tags.is_empty() {
                let tags: Vec<String> = h.tags.iter().map(|t| format!("#{}", esc(t))).collect();
                let _ = write!(out, " <span class=\"tags\">{}</span>", tags.join(" "));
            }
            out.push_str("</p>");
            // The note is Markdown, rendered and sanitized like the reader's.
            if !h.note.is_empty() {
                let _ = write!(
                    out,
                    "<div class=\"note-text\">{}</div>",
                    crate::notes::note_html(&h.note)
                );
            }
            out.push_str("</div>\n");
        }
        out.push_str("</aside>\n");
    }
}
