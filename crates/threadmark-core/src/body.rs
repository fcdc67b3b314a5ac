//! A post's body as a small block tree, and its rendering.
//!
//! Every importer turns its input into a [`Body`]; [`Body::render`] then produces the
//! post's sanitized HTML and its canonical text in one walk, so that the DOM
//! `textContent` of the HTML is exactly the canonical text (DESIGN §2, invariant 2).
//! Blocks are separated by a `"\n\n"` text node, list items by `"\n"`, and a line
//! break inside a paragraph is a `"\n"` text node followed by `<br>`.
//!
//! The HTML uses a fixed allow-list of elements (`p`, `blockquote`, `pre`, `code`,
//! `em`, `strong`, `a`, `ul`, `ol`, `li`, `br`) and only `href` on links, restricted
//! to `http`, `https` and `mailto`. Nothing from the input is ever copied into the
//! HTML except as escaped text or a checked URL.

/// One block of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph of inline content.
    Paragraph(Vec<Inline>),
    /// A quoted passage; may nest.
    Quote(Vec<Block>),
    /// Preformatted code, kept verbatim.
    Code(String),
    /// A list; each item is a sequence of blocks.
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
}

/// Inline content inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Link { href: String, children: Vec<Inline> },
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    LineBreak,
}

/// A post body: a sequence of blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body(pub Vec<Block>);

/// A quoted passage found while rendering, as a span of the canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// Start, in Unicode code points of the canonical text.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// 1 for a quote, 2 for a quote inside a quote, …
    pub depth: usize,
}

/// The result of rendering a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitized HTML whose `textContent` is `text`.
    pub html: String,
    /// The canonical text.
    pub text: String,
    /// The quote blocks, outermost first, in document order.
    pub quotes: Vec<QuoteSpan>,
}

/// The elements a stored post may contain: those of [`Block`] and [`Inline`].
pub const READER_TAGS: &[&str] = &[
    "p",
    "blockquote",
    "pre",
    "code",
    "em",
    "i",
    "strong",
    "b",
    "a",
    "ul",
    "ol",
    "li",
    "br",
];

/// Sanitize HTML from a source with the reader's allow-list: the block and inline
/// elements of [`Block`] and [`Inline`], `href` only on links and only with http,
/// https or mailto. Everything else (scripts, handlers, styles, frames) is dropped.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The sanitizer of [`sanitize`], configured once.
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .tags(READER_TAGS.iter().copied().collect())
        .generic_attributes(std::collections::HashSet::new())
        .tag_attributes([("a", ["href"].into())].into())
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"));
    builder
});

/// Remove what an HTML parser would not keep as text: carriage returns become line
/// feeds (CRLF collapses to one), and other C0 control characters except tab are dropped.
pub fn clean_text(s: &str) -> String {
    clean(s).into_owned()
}

/// [`clean_text`], borrowing `s` when it holds nothing to clean (the usual case).
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let dirty = |b: u8| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f;
    if !s.bytes().any(dirty) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `href` is a link the reader may show: http, https or mailto only.
pub fn safe_href(href: &str) -> Option<String> {
    let trimmed = href.trim();
    let lower = trimmed.to_ascii_lowercase();
    let ok = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:");
    if ok && !trimmed.chars().any(|c| c.is_control() || c == ' ') {
        Some(trimmed.to_string())
    } else {
        None
    }
}

/// Split plain text into text and links for every `http(s)://` URL in it.
pub fn linkify(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = find_url_start(rest) {
        let candidate = &rest[pos..];
        let len = url_len(candidate);
        let url = &candidate[..len];
        if len <= "https://".len() || safe_href(url).is_none() {
            // Not a real URL: keep the scheme as text and go on after it.
            let skip = pos + candidate.find("//").map_or(1, |i| i + 2);
            push_text(&mut out, &rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        push_text(&mut out, &rest[..pos]);
        out.push(Inline::Link {
            href: url.to_string(),
            children: vec![Inline::Text(url.to_string())],
        });
        rest = &candidate[len..];
    }
    push_text(&mut out, rest);
    out
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

fn find_url_start(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let a = lower.find("http://");
    let b = lower.find("https://");
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Length in bytes of the URL at the start of `s`, without trailing punctuation and
/// without a closing bracket that has no opening one inside the URL.
fn url_len(s: &str) -> usize {
    let mut end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”'))
        .unwrap_or(s.len());
    loop {
        let url = &s[..end];
        let Some(last) = url.chars().last() else {
            break;
        };
        let unbalanced = |open: char, close: char| {
            last == close && url.matches(open).count() < url.matches(close).count()
        };
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '’')
            || unbalanced('(', ')')
            || unbalanced('[', ']')
        {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
}

struct Renderer {
    html: String,
    text: String,
    chars: usize,
    quotes: Vec<QuoteSpan>,
}

impl Renderer {
    fn push_text(&mut self, s: &str) {
        // Whatever an importer built, only text an HTML parser keeps goes in.
        let s = clean(s);
        escape_into(&mut self.html, &s);
        self.text.push_str(&s);
        self.chars += s.chars().count();
    }

    /// A separator: a whitespace text node between blocks.
    fn separator(&mut self, s: &str) {
        self.html.push_str(s);
        self.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn blocks(&mut self, blocks: &[Block], depth: usize) {
        for (i, block) in blocks.iter().enumerate() {
            if i > 0 {
                self.separator("\n\n");
            }
            self.block(block, depth);
        }
    }

    fn block(&mut self, block: &Block, depth: usize) {
        match block {
            Block::Paragraph(inlines) => {
                self.html.push_str("<p>");
                self.inlines(inlines);
                self.html.push_str("</p>");
            }
            Block::Quote(blocks) => {
                let index = self.quotes.len();
                self.quotes.push(QuoteSpan {
                    start: self.chars,
                    end: self.chars,
                    depth: depth + 1,
                });
                self.html.push_str("<blockquote>");
                self.blocks(blocks, depth + 1);
                self.html.push_str("</blockquote>");
                self.quotes[index].end = self.chars;
            }
            Block::Code(code) => {
                self.html.push_str("<pre><code>");
                self.push_text(code);
                self.html.push_str("</code></pre>");
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                self.html.push('<');
                self.html.push_str(tag);
                self.html.push('>');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.separator("\n");
                    }
                    self.html.push_str("<li>");
                    self.blocks(item, depth);
                    self.html.push_str("</li>");
                }
                self.html.push_str("</");
                self.html.push_str(tag);
                self.html.push('>');
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => self.push_text(t),
                Inline::Link { href, children } => match safe_href(href) {
                    Some(href) => {
                        self.html.push_str("<a href=\"");
                        escape_attr_into(&mut self.html, &href);
                        self.html.push_str("\" rel=\"noopener noreferrer\">");
                        self.inlines(children);
                        self.html.push_str("</a>");
                    }
                    None => self.inlines(children),
                },
                Inline::Emphasis(children) => {
                    self.html.push_str("<em>");
                    self.inlines(children);
                    self.html.push_str("</em>");
                }
                Inline::Strong(children) => {
                    self.html.push_str("<strong>");
                    self.inlines(children);
                    self.html.push_str("</strong>");
                }
                Inline::Code(code) => {
                    self.html.push_str("<code>");
                    self.push_text(code);
                    self.html.push_str("</code>");
                }
                Inline::LineBreak => {
                    self.separator("\n");
                    self.html.push_str("<br>");
                }
            }
        }
    }
}

/// Escape text for an HTML text node, the way an HTML5 serializer does (so that
/// sanitizing rendered HTML gives it back unchanged).
fn escape_into(out: &mut String, s: &str) {
    // Runs without a character to escape are copied whole. U+00A0 is the only
    // escaped character outside ASCII; its UTF-8 form starts with 0xC2.
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            0xC2 if s.as_bytes().get(i + 1) == Some(&0xA0) => "&nbsp;",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + if b == 0xC2 { 2 } else { 1 };
    }
    out.push_str(&s[copied..]);
}

/// Escape a double-quoted attribute value, as an HTML5 serializer does.
fn escape_attr_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

impl Body {
    /// Render to sanitized HTML and canonical text in one walk.
    pub fn render(&self) -> Rendered {
        let mut r = Renderer {
            html: String::new(),
            text: String::new(),
            chars: 0,
            quotes: Vec::new(),
        };
        r.blocks(&self.0, 0);
        Rendered {
            html: r.html,
            text: r.text,
            quotes: r.quotes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(linkify(s))
    }

    #[test]
    fn renders_blocks_with_separators_and_quote_spans() {
        let body = Body(vec![
            Block::Quote(vec![para("héllo <b>"), Block::Quote(vec![para("deep")])]),
            para("reply & more 🎉"),
        ]);
        let r = body.render();
        assert_eq!(r.text, "héllo <b>\n\ndeep\n\nreply & more 🎉");
        assert_eq!(
            r.html,
            "<blockquote><p>héllo &lt;b&gt;</p>\n\n<blockquote><p>deep</p></blockquote></blockquote>\n\n<p>reply &amp; more 🎉</p>"
        );
        assert_eq!(r.quotes.len(), 2);
        assert_eq!(
            (r.quotes[0].start, r.quotes[0].end, r.quotes[0].depth),
            (0, 15, 1)
        );
        assert_eq!(
            (r.quotes[1].start, r.quotes[1].end, r.quotes[1].depth),
            (11, 15, 2)
        );
    }

    #[test]
    fn linkify_trims_trailing_punctuation_and_unbalanced_brackets() {
        let got = linkify("see (https://example.com/a_(b)) and http://x.org/q?a=1.");
        let links: Vec<_> = got
            .iter()
            .filter_map(|i| match i {
                Inline::Link { href, .. } => Some(href.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(links, ["https://example.com/a_(b)", "http://x.org/q?a=1"]);
        assert_eq!(linkify("http:// nothing").len(), 1);
    }

    #[test]
    fn unsafe_links_render_as_text() {
        let body = Body(vec![Block::Paragraph(vec![Inline::Link {
            href: "javascript:alert(1)".into(),
            children: vec![Inline::Text("click".into())],
        }])]);
        assert_eq!(body.render().html, "<p>click</p>");
    }

    #[test]
    fn escape_copies_runs_and_escapes_markup_and_no_break_spaces() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&c\u{a0}d é\u{c2}x — \u{a0}");
        assert_eq!(out, "a&lt;b&gt;&amp;c&nbsp;d é\u{c2}x — &nbsp;");
        let mut out = String::from("x");
        escape_into(&mut out, "");
        escape_into(&mut out, "plain");
        assert_eq!(out, "xplain");
    }

    #[test]
    fn clean_text_normalises_newlines_and_controls() {
        assert_eq!(clean_text("a\r\nb\rc\u{0}d\u{7}e\tf"), "a\nb\ncde\tf");
    }
}
