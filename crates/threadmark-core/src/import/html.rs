//! HTML from a source (Hacker News, Lobsters, Discourse, a saved page) to a post
//! [`Body`], and JSON parsing for deeply nested documents.
//!
//! The HTML is sanitized first (the reader's allow-list, plus a few structural
//! elements that only mark paragraph boundaries and Discourse's quote asides), then
//! parsed with html5ever and walked **iteratively** into blocks and inlines:
//! `<p>` and text outside paragraphs become paragraphs, `<blockquote>` and Discourse
//! `aside.quote` become quotes, `<pre>` code, `<ul>`/`<ol>`/`<li>` lists, `<i>`/`<em>`,
//! `<b>`/`<strong>`, `<code>`, `<a href>` and `<br>` their inlines. Whitespace in
//! normal text collapses as a browser collapses it. Nesting deeper than
//! [`MAX_NESTING`] is flattened, so that no later recursive walk (rendering, drop)
//! can overflow the stack.
//!
//! With [`Options::quote_markers`] (Hacker News), a top-level paragraph whose text
//! starts with `>` is a quote of its own (DESIGN §4): `>> x` is a quote in a quote.
//!
//! Hacker News bodies ([`to_body`], [`to_bodies`]) first try the fast path
//! ([`hn_fast_body`], `html/fast.rs`): one pass over HN's own small dialect (text
//! and references, `<p>`, `<i>`, `<b>`, `<br>`, `<a href>`, `<pre><code>`) that
//! drives the same converter with the same elements and text the parsed DOM would
//! give it, without the sanitizer's and the parser's two parses. Anything outside
//! that dialect is refused and converted the general way; differential tests
//! (`tests/hn_fast.rs`) and the fuzz target `hn_fast` hold the two paths equal.

use std::collections::HashSet;

use scraper::{Html, Node};
use serde::Deserialize;
use serde_json::Value;

use crate::body::{Block, Body, Inline};
use crate::error::{Error, Result};

mod fast;
pub use fast::hn_fast_body;

/// Quotes, lists and inline elements nested deeper than this are flattened.
pub const MAX_NESTING: usize = 32;

/// JSON nested deeper than this is refused (a Hacker News thread in Algolia's shape
/// takes two levels per comment level, so this is about 5,000 comment levels).
pub const MAX_JSON_DEPTH: usize = 10_000;

/// What a quote block says about its source, when the source names it (Discourse's
/// `<aside class="quote" data-post="3" data-topic="1148" data-username="bob">`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteRef {
    /// The quoted post's number in its topic (`data-post`).
    pub post: Option<String>,
    /// The quoted topic (`data-topic`); a quote of another topic is external.
    pub topic: Option<String>,
    /// The quoted author (`data-username`).
    pub username: Option<String>,
}

/// How to read a source's HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A top-level paragraph starting with `>` is a quote (Hacker News).
    pub quote_markers: bool,
}

/// A converted body and, for each quote block in the order of
/// [`crate::body::Rendered::quotes`] (outermost first, document order), the source it
/// names, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub body: Body,
    pub quote_sources: Vec<Option<QuoteRef>>,
}

/// Hacker News-style HTML to a body: sanitized, with `>` paragraphs as quotes.
/// HN's own dialect takes the fast path ([`hn_fast_body`]); anything else is
/// converted in full, with the same result.
pub fn to_body(html: &str) -> Body {
    hn_fast_body(html).unwrap_or_else(|| {
        convert(
            html,
            Options {
                quote_markers: true,
            },
        )
        .body
    })
}

/// [`to_body`] of each of `htmls`, in order, spread over the machine's cores (each
/// body is sanitized and parsed on its own; a long thread spends most of its parse
/// time here).
pub fn to_bodies(htmls: &[&str]) -> Vec<Body> {
    crate::par::map(htmls, 64, |h| to_body(h))
}

/// Elements nested deeper than this are dropped before any HTML parser sees them:
/// html5ever's tree building takes time quadratic in the depth of open elements.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never hold content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements a sibling closes implicitly (`<p>a<p>b`): they do not add depth.
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "thead", "tbody",
    "tfoot", "colgroup", "caption",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

/// Drop the start and end tags of elements nested deeper than `max` (their text is
/// kept), in one pass over the bytes, before parsing. Tags a sibling closes
/// implicitly and void elements do not count; text, comments and attributes are
/// copied as they are.
pub fn cap_nesting(html: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already copied into `out`
    let mut open: Vec<bool> = Vec::new(); // per open element: kept in the output
    let mut i = 0;
    let name_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .unwrap_or(bytes.len() - from)
    };
    // The index after the `>` closing a tag starting at `from`, honouring quotes.
    let tag_end = |from: usize| {
        let mut quote = None;
        for (k, &b) in bytes[from..].iter().enumerate() {
            match (quote, b) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => return Some(from + k + 1),
                _ => {}
            }
        }
        None
    };
    while let Some(lt) = bytes[i..].iter().position(|&b| b == b'<').map(|p| i + p) {
        let next = bytes.get(lt + 1).copied().unwrap_or(0);
        if next == b'!' {
            // A comment or a doctype: skip it whole.
            let end = if bytes[lt..].starts_with(b"<!--") {
                html[lt + 4..].find("-->").map(|p| lt + 4 + p + 3)
            } else {
                tag_end(lt)
            };
            i = end.unwrap_or(bytes.len());
            continue;
        }
        let closing = next == b'/';
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name = html[name_start..name_end(name_start)].to_ascii_lowercase();
        let Some(end) = tag_end(name_start) else {
            break;
        };
        let counted = !VOID.contains(&name.as_str()) && !IMPLIED_END.contains(&name.as_str());
        let self_closing = bytes[..end].ends_with(b"/>");
        let keep = if closing {
            if counted {
                open.pop().unwrap_or(true)
            } else {
                true
            }
        } else if counted && !self_closing {
            let keep = open.len() < max;
            open.push(keep);
            keep
        } else {
            true
        };
        let mut after = end;
        if !closing && RAW_TEXT.contains(&name.as_str()) {
            // Copy the raw text up to its end tag as it is.
            let close = format!("</{name}");
            after = (end..bytes.len())
                .find(|&k| {
                    bytes[k] == b'<'
                        && bytes
                            .get(k..k + close.len())
                            .is_some_and(|t| t.eq_ignore_ascii_case(close.as_bytes()))
                })
                .unwrap_or(bytes.len());
        }
        if !keep {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len()));
            buf.push_str(&html[copied..lt]);
            copied = end;
        }
        i = after;
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// Sanitize and convert `html` to a body.
pub fn convert(html: &str, options: Options) -> Converted {
    let html = cap_nesting(html, MAX_HTML_DEPTH);
    let clean = sanitize(&html);
    let doc = Html::parse_fragment(&clean);
    let mut c = Converter::new(options);
    let root = doc.root_element();
    let mut next = root.first_child();
    while let Some(node) = next {
        c.open(node.value());
        if let Some(child) = node.first_child() {
            next = Some(child);
            continue;
        }
        c.close(node.value());
        let mut cur = node;
        next = loop {
            if let Some(sibling) = cur.next_sibling() {
                break Some(sibling);
            }
            match cur.parent() {
                Some(parent) if parent.id() != root.id() => {
                    c.close(parent.value());
                    cur = parent;
                }
                _ => break None,
            }
        };
    }
    c.finish()
}

/// The reader's allow-list ([`crate::body::sanitize`]) plus structural elements that
/// the converter reads only as paragraph boundaries, and Discourse's quote asides
/// with their `data-` attributes and the class of their title. Nothing of this output
/// is stored: the converter keeps only text, link targets and the block structure.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The sanitizer of [`sanitize`], configured once (building one costs more than
/// cleaning a typical comment with it).
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    const STRUCTURE: &[&str] = &[
        // Structure only.
        "div",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "table",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "details",
        "summary",
        "figure",
        "figcaption",
        "header",
        "article",
        "section",
    ];
    let mut builder = ammonia::Builder::default();
    builder
        .tags(
            crate::body::READER_TAGS
                .iter()
                .chain(STRUCTURE)
                .copied()
                .collect(),
        )
        .generic_attributes(HashSet::new())
        .tag_attributes(
            [
                ("a", ["href"].into()),
                ("aside", ["data-post", "data-topic", "data-username"].into()),
            ]
            .into(),
        )
        .allowed_classes([("aside", ["quote"].into()), ("div", ["title"].into())].into())
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(None);
    builder
});

/// Elements that end the paragraph before them and start a new one.
fn is_break(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "aside"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "dl"
            | "dt"
            | "dd"
            | "details"
            | "summary"
            | "figure"
            | "figcaption"
            | "header"
            | "article"
            | "section"
            | "blockquote"
            | "ul"
            | "ol"
            | "li"
            | "pre"
    )
}

#[derive(Debug)]
enum Kind {
    Root,
    Quote {
        index: usize,
        absorb: bool,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Item,
    Emphasis,
    Strong,
    Link(String),
    Pre,
    Code,
    /// A block boundary element (`p`, `div`, …): ends the paragraph when it opens and
    /// when it closes.
    Break,
    /// An element that adds nothing.
    Transparent,
    /// An element whose content is dropped (Discourse's quote title).
    Skip,
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    text: String,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            text: String::new(),
        }
    }

    fn is_container(&self) -> bool {
        matches!(
            self.kind,
            Kind::Root | Kind::Quote { .. } | Kind::List { .. } | Kind::Item
        )
    }

    fn is_inline(&self) -> bool {
        matches!(self.kind, Kind::Emphasis | Kind::Strong | Kind::Link(_))
    }
}

/// What the converter reads of an element: a parsed DOM element, or a tag of the
/// Hacker News fast path ([`fast`]).
trait ElementView {
    fn name(&self) -> &str;
    fn attr(&self, name: &str) -> Option<&str>;
    fn has_class(&self, class: &str) -> bool;
}

impl ElementView for scraper::node::Element {
    fn name(&self) -> &str {
        scraper::node::Element::name(self)
    }
    fn attr(&self, name: &str) -> Option<&str> {
        scraper::node::Element::attr(self, name)
    }
    fn has_class(&self, class: &str) -> bool {
        self.classes().any(|c| c == class)
    }
}

struct Converter {
    options: Options,
    stack: Vec<Frame>,
    quotes: Vec<Option<QuoteRef>>,
    /// Open frames that nest structure (containers and inlines).
    depth: usize,
    /// Open inline frames (emphasis, strong, link, code).
    inline_depth: usize,
    /// The open `pre` or `code` frame: everything inside is its text.
    literal: Option<usize>,
    /// Indices in `stack` of the open containers, and of the open containers and
    /// inline frames (where text goes), innermost last.
    containers: Vec<usize>,
    sinks: Vec<usize>,
    skip_depth: usize,
    links: usize,
    /// At the start of a line: leading whitespace is dropped.
    line_start: bool,
    /// The last character written is a collapsed space.
    space: bool,
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C')
}

/// Whether collapsing whitespace changes `bytes`: a whitespace character other
/// than a space, or a space after whitespace (or first, when `after_space`: at the
/// start of a line or after a collapsed space). Branch-free, so that it vectorizes.
fn collapses(bytes: &[u8], after_space: bool) -> bool {
    let ws = |b: u8| (b == b' ') | (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0C);
    let Some(&first) = bytes.first() else {
        return false;
    };
    let mut any = ws(first) & ((first != b' ') | after_space);
    for (&prev, &b) in bytes.iter().zip(&bytes[1..]) {
        any |= ws(b) & ((b != b' ') | ws(prev));
    }
    any
}

fn push_inline_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

/// Remove trailing collapsed spaces from the end of an inline run (into its last
/// children); nesting is bounded by [`MAX_NESTING`].
fn trim_end(inlines: &mut Vec<Inline>) {
    loop {
        match inlines.last_mut() {
            Some(Inline::Text(t)) => {
                let len = t.trim_end_matches(is_html_space).len();
                t.truncate(len);
                if t.is_empty() {
                    inlines.pop();
                    continue;
                }
            }
            Some(Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { children: c, .. }) => {
                trim_end(c)
            }
            _ => {}
        }
        return;
    }
}

fn has_content(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Text(t) => !t.is_empty(),
        Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { children: c, .. } => {
            has_content(c)
        }
        Inline::Code(c) => !c.is_empty(),
        Inline::LineBreak => false,
    })
}

/// The first text of an inline run, looking into its first children.
fn first_text(inlines: &mut [Inline]) -> Option<&mut String> {
    match inlines.first_mut()? {
        Inline::Text(t) => Some(t),
        Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { children: c, .. } => first_text(c),
        _ => None,
    }
}

/// Strip leading `>` markers (`>`, `>>`, `> >`, with or without a space after) from
/// the first text of a paragraph; returns how many there were.
pub fn strip_quote_markers(inlines: &mut [Inline]) -> usize {
    let Some(text) = first_text(inlines) else {
        return 0;
    };
    let mut depth = 0;
    let mut rest = text.as_str();
    loop {
        let t = rest.trim_start();
        match t.strip_prefix('>') {
            Some(r) => {
                depth += 1;
                rest = r;
            }
            None => break,
        }
    }
    if depth > 0 {
        *text = rest.trim_start().to_string();
    }
    depth
}

impl Converter {
    fn new(options: Options) -> Self {
        Converter {
            options,
            stack: vec![Frame::new(Kind::Root)],
            quotes: Vec::new(),
            depth: 0,
            inline_depth: 0,
            literal: None,
            containers: vec![0],
            sinks: vec![0],
            skip_depth: 0,
            links: 0,
            line_start: true,
            space: false,
        }
    }

    fn container(&mut self) -> &mut Frame {
        let i = self.containers.last().copied().unwrap_or(0);
        &mut self.stack[i]
    }

    /// Where inline content goes: the innermost inline frame or container.
    fn sink(&mut self) -> &mut Vec<Inline> {
        let i = self.sinks.last().copied().unwrap_or(0);
        &mut self.stack[i].inlines
    }

    fn reset_line(&mut self) {
        self.line_start = true;
        self.space = false;
    }

    /// End the paragraph being written in the innermost container.
    fn flush(&mut self) {
        let quote_markers = self.options.quote_markers;
        let frame = self.container();
        let mut inlines = std::mem::take(&mut frame.inlines);
        let at_root = matches!(frame.kind, Kind::Root);
        trim_end(&mut inlines);
        // A paragraph of line breaks only is nothing.
        if has_content(&inlines) {
            let depth = if quote_markers && at_root {
                strip_quote_markers(&mut inlines).min(MAX_NESTING)
            } else {
                0
            };
            if depth == 0 || has_content(&inlines) {
                let mut block = Block::Paragraph(inlines);
                for _ in 0..depth {
                    block = Block::Quote(vec![block]);
                    self.quotes.push(None);
                }
                self.container().blocks.push(block);
            }
        }
        self.reset_line();
    }

    fn text(&mut self, s: &str) {
        if self.skip_depth > 0 {
            return;
        }
        if let Some(i) = self.literal {
            self.stack[i].text.push_str(s);
            return;
        }
        // Collapse as a browser does. HTML whitespace is ASCII, and a single space
        // after other text stays as it is: most text is copied whole, and only
        // from the first change on is a new string built.
        let (mut space, mut line_start) = (self.space, self.line_start);
        if let Some(&last) = s.as_bytes().last() {
            if !collapses(s.as_bytes(), space || line_start) {
                push_inline_text(self.sink(), s);
                self.space = last == b' ';
                self.line_start = false;
                return;
            }
        }
        let mut changed: Option<String> = None;
        let mut copied = 0; // `s[..copied]` is in `changed`
        for (k, &b) in s.as_bytes().iter().enumerate() {
            if !is_html_space(char::from(b)) {
                space = false;
                line_start = false;
            } else if b == b' ' && !space && !line_start {
                space = true;
            } else {
                let out = changed.get_or_insert_with(|| String::with_capacity(s.len()));
                out.push_str(&s[copied..k]);
                if !space && !line_start {
                    out.push(' ');
                    space = true;
                }
                copied = k + 1;
            }
        }
        self.space = space;
        self.line_start = line_start;
        match changed {
            None => push_inline_text(self.sink(), s),
            Some(mut out) => {
                out.push_str(&s[copied..]);
                match self.sink().last_mut() {
                    Some(Inline::Text(prev)) => prev.push_str(&out),
                    _ if out.is_empty() => {}
                    _ => self.sink().push(Inline::Text(out)),
                }
            }
        }
    }

    fn push(&mut self, kind: Kind) {
        match kind {
            Kind::Quote { .. } | Kind::List { .. } | Kind::Item => self.depth += 1,
            Kind::Emphasis | Kind::Strong | Kind::Link(_) => {
                self.depth += 1;
                self.inline_depth += 1;
            }
            Kind::Pre => self.literal = Some(self.stack.len()),
            Kind::Code => {
                self.literal = Some(self.stack.len());
                self.inline_depth += 1;
            }
            Kind::Skip => self.skip_depth += 1,
            _ => {}
        }
        if matches!(kind, Kind::Link(_)) {
            self.links += 1;
        }
        let frame = Frame::new(kind);
        if frame.is_container() {
            self.containers.push(self.stack.len());
        }
        if frame.is_container() || frame.is_inline() {
            self.sinks.push(self.stack.len());
        }
        self.stack.push(frame);
    }

    fn open(&mut self, node: &Node) {
        match node {
            Node::Text(t) => self.text(t),
            Node::Element(el) => self.element(el),
            _ => {}
        }
    }

    /// An element opens (its end is [`Converter::close_frame`]).
    fn element<E: ElementView + ?Sized>(&mut self, el: &E) {
        if self.skip_depth > 0 || self.literal.is_some() {
            let kind = if self.skip_depth > 0 {
                Kind::Skip
            } else {
                Kind::Transparent
            };
            return self.push(kind);
        }
        let name = el.name();
        let deep = self.depth >= MAX_NESTING;
        if self.inline_depth > 0 {
            // Inside inline content, block elements are only a space.
            let kind = match name {
                "br" => {
                    trim_end(self.sink());
                    self.sink().push(Inline::LineBreak);
                    self.reset_line();
                    Kind::Transparent
                }
                "em" | "i" if !deep => Kind::Emphasis,
                "strong" | "b" if !deep => Kind::Strong,
                "code" => Kind::Code,
                "a" if !deep && self.links == 0 => match el.attr("href") {
                    Some(href) => Kind::Link(href.to_string()),
                    None => Kind::Transparent,
                },
                n if is_break(n) => {
                    self.text(" ");
                    Kind::Transparent
                }
                _ => Kind::Transparent,
            };
            return self.push(kind);
        }
        let top_absorbs = matches!(
            self.stack.last().map(|f| &f.kind),
            Some(Kind::Quote { absorb: true, .. })
        );
        let kind = match name {
            "br" => {
                trim_end(self.sink());
                self.sink().push(Inline::LineBreak);
                self.reset_line();
                Kind::Transparent
            }
            "em" | "i" if !deep => Kind::Emphasis,
            "strong" | "b" if !deep => Kind::Strong,
            "code" => Kind::Code,
            "a" if !deep => match el.attr("href") {
                Some(href) => Kind::Link(href.to_string()),
                None => Kind::Transparent,
            },
            "div" if top_absorbs && el.has_class("title") => Kind::Skip,
            "blockquote" if top_absorbs => {
                // The aside's own blockquote: its content is the quote's.
                if let Some(Frame {
                    kind: Kind::Quote { absorb, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    *absorb = false;
                }
                Kind::Transparent
            }
            "blockquote" if !deep => {
                self.flush();
                self.quotes.push(None);
                Kind::Quote {
                    index: self.quotes.len() - 1,
                    absorb: false,
                }
            }
            "aside" if !deep && el.has_class("quote") => {
                self.flush();
                self.quotes.push(Some(QuoteRef {
                    post: el.attr("data-post").map(str::to_string),
                    topic: el.attr("data-topic").map(str::to_string),
                    username: el.attr("data-username").map(str::to_string),
                }));
                Kind::Quote {
                    index: self.quotes.len() - 1,
                    absorb: true,
                }
            }
            "ul" | "ol" if !deep => {
                self.flush();
                Kind::List {
                    ordered: name == "ol",
                    items: Vec::new(),
                }
            }
            "li" if matches!(self.stack.last().map(|f| &f.kind), Some(Kind::List { .. })) => {
                self.flush_list_strays();
                Kind::Item
            }
            "pre" => {
                self.flush();
                Kind::Pre
            }
            n if is_break(n) => {
                self.flush();
                Kind::Break
            }
            _ => Kind::Transparent,
        };
        self.push(kind);
    }

    /// Content written straight into a list (outside `<li>`) becomes an item.
    fn flush_list_strays(&mut self) {
        self.flush();
        if let Some(Frame {
            kind: Kind::List { items, .. },
            blocks,
            ..
        }) = self.stack.last_mut()
        {
            if !blocks.is_empty() {
                items.push(std::mem::take(blocks));
            }
        }
    }

    fn close(&mut self, node: &Node) {
        if matches!(node, Node::Element(_)) {
            self.close_frame();
        }
    }

    fn close_frame(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        if matches!(self.stack.last().map(|f| &f.kind), Some(Kind::List { .. })) {
            self.flush_list_strays();
        } else if self.stack.last().is_some_and(Frame::is_container) {
            self.flush();
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let index = self.stack.len();
        if self.containers.last() == Some(&index) {
            self.containers.pop();
        }
        if self.sinks.last() == Some(&index) {
            self.sinks.pop();
        }
        match frame.kind {
            Kind::Quote { .. } | Kind::List { .. } | Kind::Item => self.depth -= 1,
            Kind::Emphasis | Kind::Strong | Kind::Link(_) => {
                self.depth -= 1;
                self.inline_depth -= 1;
            }
            Kind::Pre => self.literal = None,
            Kind::Code => {
                self.literal = None;
                self.inline_depth -= 1;
            }
            Kind::Skip => self.skip_depth -= 1,
            _ => {}
        }
        match frame.kind {
            Kind::Root | Kind::Transparent | Kind::Skip => {}
            Kind::Break => self.flush(),
            Kind::Quote { index, .. } => {
                if frame.blocks.is_empty() {
                    self.quotes.truncate(index);
                } else {
                    self.container().blocks.push(Block::Quote(frame.blocks));
                }
                self.reset_line();
            }
            Kind::List { ordered, items } => {
                if !items.is_empty() {
                    self.container().blocks.push(Block::List { ordered, items });
                }
                self.reset_line();
            }
            Kind::Item => {
                if let Some(Frame {
                    kind: Kind::List { items, .. },
                    ..
                }) = self.stack.last_mut()
                {
                    items.push(frame.blocks);
                }
                self.reset_line();
            }
            Kind::Pre => {
                let text = frame.text.trim_end_matches(['\n', '\r', ' ', '\t']);
                let text = text.strip_prefix('\n').unwrap_or(text);
                if !text.trim().is_empty() {
                    self.container().blocks.push(Block::Code(text.to_string()));
                }
                self.reset_line();
            }
            Kind::Code => {
                let mut code = String::with_capacity(frame.text.len());
                let mut space = false;
                for c in frame.text.chars() {
                    if is_html_space(c) {
                        if !space {
                            code.push(' ');
                        }
                        space = true;
                    } else {
                        code.push(c);
                        space = false;
                    }
                }
                if !code.is_empty() {
                    self.sink().push(Inline::Code(code));
                    self.line_start = false;
                    self.space = false;
                }
            }
            Kind::Emphasis | Kind::Strong | Kind::Link(_) => {
                if has_content(&frame.inlines)
                    || frame.inlines.iter().any(|i| matches!(i, Inline::LineBreak))
                {
                    let inline = match frame.kind {
                        Kind::Emphasis => Inline::Emphasis(frame.inlines),
                        Kind::Strong => Inline::Strong(frame.inlines),
                        Kind::Link(href) => {
                            self.links -= 1;
                            Inline::Link {
                                href,
                                children: frame.inlines,
                            }
                        }
                        _ => return,
                    };
                    self.sink().push(inline);
                } else if matches!(frame.kind, Kind::Link(_)) {
                    self.links -= 1;
                }
            }
        }
    }

    fn finish(mut self) -> Converted {
        // Close whatever is still open (the parser closes everything, but be safe).
        while self.stack.len() > 1 {
            self.close_frame();
        }
        self.flush();
        let root = self.stack.pop().map(|f| f.blocks).unwrap_or_default();
        Converted {
            body: Body(root),
            quote_sources: self.quotes,
        }
    }
}

/// Parse JSON of any nesting up to [`MAX_JSON_DEPTH`] (serde_json's own limit is
/// 128, too little for a deep thread in Algolia's shape), naming the line and column
/// of the first error. The value drops without recursion.
///
/// A large document is checked for depth on a second core while it is parsed; the
/// check's verdict wins either way (too deep is refused even if it parsed).
pub fn parse_json_deep(bytes: &[u8]) -> Result<DeepValue> {
    const CHECK_BESIDE: usize = 1 << 20;
    if bytes.len() < CHECK_BESIDE || crate::par::threads() < 2 {
        check_depth(bytes, MAX_JSON_DEPTH)?;
        return parse_deep(bytes);
    }
    let (depth, parsed) = std::thread::scope(|scope| {
        let depth = scope.spawn(|| check_depth(bytes, MAX_JSON_DEPTH));
        let parsed = parse_deep(bytes);
        let depth = depth
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (depth, parsed)
    });
    depth?;
    parsed
}

/// Parse without serde_json's depth limit (on a stack that grows as needed).
fn parse_deep(bytes: &[u8]) -> Result<DeepValue> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    let value = Value::deserialize(serde_stacker::Deserializer::new(&mut de))
        .and_then(|v| de.end().map(|()| v))
        .map_err(super::json_error)?;
    Ok(DeepValue(value))
}

/// Refuse JSON nested deeper than `limit`, naming where it gets too deep.
fn check_depth(bytes: &[u8], limit: usize) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let (mut line, mut line_start) = (1usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(Error::bad_input(format!(
                        "invalid JSON: nested deeper than {limit} levels"
                    ))
                    .at(format!("line {line}, column {}", i - line_start + 1)));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A parsed JSON document that is dropped iteratively (a deeply nested
/// `serde_json::Value` drops recursively and could overflow the stack).
#[derive(Debug)]
pub struct DeepValue(Value);

impl DeepValue {
    /// The value.
    pub fn value(&self) -> &Value {
        &self.0
    }
}

impl std::ops::Deref for DeepValue {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl std::ops::DerefMut for DeepValue {
    fn deref_mut(&mut self) -> &mut Value {
        &mut self.0
    }
}

impl Drop for DeepValue {
    fn drop(&mut self) {
        drop_iteratively(std::mem::take(&mut self.0));
    }
}

/// Drop a value without recursion.
pub fn drop_iteratively(value: Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hn_paragraphs_entities_and_whitespace() {
        let body =
            to_body("First  line\n here &amp; <i>there</i>.<p>Second &#x27;para&#x27;.<p>  Third ");
        let r = body.render();
        assert_eq!(
            r.text,
            "First line here & there.\n\nSecond 'para'.\n\nThird"
        );
        assert!(r.quotes.is_empty());
        assert_eq!(body.0.len(), 3);
    }

    #[test]
    fn hn_quote_paragraphs() {
        let r = to_body(
            "&gt; quoted one<p>&gt;quoted two<p>&gt;&gt; deep<p>&gt; &gt; deep too<p>reply",
        )
        .render();
        assert_eq!(
            r.text,
            "quoted one\n\nquoted two\n\ndeep\n\ndeep too\n\nreply"
        );
        let depths: Vec<usize> = r.quotes.iter().map(|q| q.depth).collect();
        assert_eq!(depths, [1, 1, 1, 2, 1, 2]);
        // An italic quote, HN's other habit.
        let r = to_body("<i>&gt; in italics</i><p>answer").render();
        assert_eq!(r.text, "in italics\n\nanswer");
        assert_eq!(r.quotes.len(), 1);
        // Not a quote: `>` inside the text, or no markers option.
        assert!(to_body("a &gt; b").render().quotes.is_empty());
        let c = convert(
            "&gt; x",
            Options {
                quote_markers: false,
            },
        );
        assert!(c.body.render().quotes.is_empty());
    }

    #[test]
    fn code_lists_links_and_breaks() {
        let body = to_body(
            "See <a href=\"https:&#x2F;&#x2F;example.com&#x2F;a\" rel=\"nofollow\">this</a>:<pre><code>  fn main() {\n      x\n  }\n</code></pre>then <code>a   b</code><ul><li>one</li><li><p>two</p></li></ul>line<br>\n  break",
        );
        assert_eq!(
            body.0[0],
            Block::Paragraph(vec![
                Inline::Text("See ".into()),
                Inline::Link {
                    href: "https://example.com/a".into(),
                    children: vec![Inline::Text("this".into())]
                },
                Inline::Text(":".into())
            ])
        );
        assert_eq!(body.0[1], Block::Code("  fn main() {\n      x\n  }".into()));
        let r = body.render();
        assert_eq!(
            r.text,
            "See this:\n\n  fn main() {\n      x\n  }\n\nthen a b\n\none\ntwo\n\nline\nbreak"
        );
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let r = to_body("<script>alert(1)</script><img src=x onerror=alert(1)>ok <a href=\"javascript:alert(1)\">x</a>").render();
        assert_eq!(r.text, "ok x");
        assert!(!r.html.contains("script") && !r.html.contains("javascript"));
    }

    #[test]
    fn discourse_quote_aside() {
        let html = r#"<aside class="quote" data-post="3" data-topic="1148" data-username="bob"><div class="title">
<div class="quote-controls"></div><img alt="" width="20" height="20" src="/a.png" class="avatar"> bob:</div>
<blockquote><p>the quoted words</p></blockquote></aside><p>my reply</p><blockquote><p>plain</p></blockquote>"#;
        let c = convert(
            html,
            Options {
                quote_markers: false,
            },
        );
        let r = c.body.render();
        assert_eq!(r.text, "the quoted words\n\nmy reply\n\nplain");
        assert_eq!(r.quotes.len(), 2);
        assert_eq!(
            c.quote_sources,
            vec![
                Some(QuoteRef {
                    post: Some("3".into()),
                    topic: Some("1148".into()),
                    username: Some("bob".into())
                }),
                None
            ]
        );
    }

    #[test]
    fn deep_nesting_is_flattened_without_overflow() {
        // html5ever's tree building is quadratic in the nesting depth (scope checks
        // walk the stack of open elements), so keep this to a few thousand levels:
        // enough to show the converter flattens them on a small stack.
        let n = 3_000;
        let html = format!(
            "{}deep{}",
            "<blockquote><b>".repeat(n),
            "</b></blockquote>".repeat(n)
        );
        let c = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let c = convert(
                    &html,
                    Options {
                        quote_markers: true,
                    },
                );
                let r = c.body.render();
                (r.text, r.quotes.len())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(c.0, "deep");
        assert!(c.1 <= MAX_NESTING);
    }

    #[test]
    fn nesting_is_capped_before_parsing() {
        // Depth counts start tags that need an end tag; void elements, tags a
        // sibling closes, comments, attributes with `>` and raw text do not.
        let html = "<p>a<p>b<br><!-- <div><div> --><div title=\"x>y\"><i>c</i></div><script><b><b></script>";
        assert_eq!(
            cap_nesting(html, 1),
            html.replace("<i>", "").replace("</i>", "")
        );
        assert_eq!(cap_nesting(html, 2), html);
        let deep = format!(
            "{}x{}",
            "<blockquote><B>".repeat(3),
            "</B></blockquote>".repeat(3)
        );
        assert_eq!(
            cap_nesting(&deep, 3),
            "<blockquote><B><blockquote>x</blockquote></B></blockquote>"
        );
        // 100,000 levels: dropped before the parser, which then sees a shallow tree.
        let n = 100_000;
        let html = format!(
            "<p>top</p>{}deep{}<p>after</p>",
            "<blockquote><b>".repeat(n),
            "</b></blockquote>".repeat(n)
        );
        let capped = cap_nesting(&html, MAX_HTML_DEPTH);
        assert_eq!(capped.matches("<blockquote>").count(), MAX_HTML_DEPTH / 2);
        assert_eq!(capped.matches("</blockquote>").count(), MAX_HTML_DEPTH / 2);
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let c = convert(
                    &html,
                    Options {
                        quote_markers: false,
                    },
                );
                let r = c.body.render();
                (r.text, r.quotes.iter().map(|q| q.depth).max())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r.0, "top\n\ndeep\n\nafter");
        assert!(r.1.unwrap() <= MAX_NESTING, "{:?}", r.1);
    }

    #[test]
    fn deep_json_parses_and_drops() {
        let n = 9_000;
        let json = format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let v = parse_json_deep(json.as_bytes()).unwrap();
        assert!(v.is_array());
        drop(v);
        let json = format!("{}1{}", "[".repeat(20_000), "]".repeat(20_000));
        let e = parse_json_deep(json.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("nested deeper than"), "{e}");
        let e = parse_json_deep(b"{\"a\": [1, 2,\n  }").unwrap_err();
        assert!(e.to_string().starts_with("line 2, column 3"), "{e}");
    }
}
