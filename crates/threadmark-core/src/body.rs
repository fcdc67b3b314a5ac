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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Inline {
    Text(String),
    Link { href: String, children: Vec<Inline> },
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    LineBreak,
}

/// A post body: a sequence of blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
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

/// Renders HTML, or markup: the HTML with every run of text replaced by its length.
struct Renderer {
    /// The HTML, or in markup mode the markup.
    html: String,
    text: String,
    chars: usize,
    quotes: Vec<QuoteSpan>,
    /// Markup mode: text runs are counted, not written.
    markup: bool,
    /// In markup mode, the code points of text not yet written as a length.
    run: usize,
}

impl Renderer {
    fn new(markup: bool) -> Renderer {
        Renderer {
            html: String::new(),
            text: String::new(),
            chars: 0,
            quotes: Vec::new(),
            markup,
            run: 0,
        }
    }

    fn push_text(&mut self, s: &str) {
        // Whatever an importer built, only text an HTML parser keeps goes in.
        let s = clean(s);
        let n = s.chars().count();
        if self.markup {
            self.run += n;
        } else {
            escape_into(&mut self.html, &s);
        }
        self.text.push_str(&s);
        self.chars += n;
    }

    /// A separator: a whitespace text node between blocks.
    fn separator(&mut self, s: &str) {
        let n = s.chars().count();
        if self.markup {
            self.run += n;
        } else {
            self.html.push_str(s);
        }
        self.text.push_str(s);
        self.chars += n;
    }

    /// In markup mode, write the length of the text run that ends here.
    fn end_run(&mut self) {
        if self.run > 0 {
            use std::fmt::Write as _;
            let _ = write!(self.html, "{}", self.run);
            self.run = 0;
        }
    }

    /// Markup: a tag, or part of one.
    fn tag(&mut self, s: &str) {
        self.end_run();
        self.html.push_str(s);
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
                self.tag("<p>");
                self.inlines(inlines);
                self.tag("</p>");
            }
            Block::Quote(blocks) => {
                let index = self.quotes.len();
                self.quotes.push(QuoteSpan {
                    start: self.chars,
                    end: self.chars,
                    depth: depth + 1,
                });
                self.tag("<blockquote>");
                self.blocks(blocks, depth + 1);
                self.tag("</blockquote>");
                self.quotes[index].end = self.chars;
            }
            Block::Code(code) => {
                self.tag("<pre><code>");
                self.push_text(code);
                self.tag("</code></pre>");
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                self.tag("<");
                self.tag(tag);
                self.tag(">");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.separator("\n");
                    }
                    self.tag("<li>");
                    self.blocks(item, depth);
                    self.tag("</li>");
                }
                self.tag("</");
                self.tag(tag);
                self.tag(">");
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => self.push_text(t),
                Inline::Link { href, children } => match safe_href(href) {
                    Some(href) => {
                        self.tag("<a href=\"");
                        escape_attr_into(&mut self.html, &href);
                        self.tag("\" rel=\"noopener noreferrer\">");
                        self.inlines(children);
                        self.tag("</a>");
                    }
                    None => self.inlines(children),
                },
                Inline::Emphasis(children) => {
                    self.tag("<em>");
                    self.inlines(children);
                    self.tag("</em>");
                }
                Inline::Strong(children) => {
                    self.tag("<strong>");
                    self.inlines(children);
                    self.tag("</strong>");
                }
                Inline::Code(code) => {
                    self.tag("<code>");
                    self.push_text(code);
                    self.tag("</code>");
                }
                Inline::LineBreak => {
                    self.separator("\n");
                    self.tag("<br>");
                }
            }
        }
    }
}

/// The HTML of a body stored as markup (by [`Body::render_markup`]) with its
/// canonical text: each length in the markup, outside its tags, stands for that
/// many code points of `text`, escaped. `None` when the two do not fit together
/// (a length past the end of the text, text left over, or anything else outside
/// a tag): the library was changed by something else.
pub fn html_from_markup(markup: &str, text: &str) -> Option<String> {
    let bytes = markup.as_bytes();
    let mut html = String::with_capacity(markup.len() + text.len() + text.len() / 32);
    let mut rest = text;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i] == b'<' {
            // A tag, through its '>' (one inside a quoted attribute value is not the end).
            let mut quoted = false;
            loop {
                i += 1;
                match bytes.get(i)? {
                    b'"' => quoted = !quoted,
                    b'>' if !quoted => break,
                    _ => {}
                }
            }
            i += 1;
            html.push_str(&markup[start..i]);
        } else if bytes[i].is_ascii_digit() {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let n: usize = markup[start..i].parse().ok()?;
            let end = if n == 0 {
                0
            } else {
                let (last, c) = rest.char_indices().nth(n - 1)?;
                last + c.len_utf8()
            };
            escape_into(&mut html, &rest[..end]);
            rest = &rest[end..];
        } else {
            return None;
        }
    }
    rest.is_empty().then_some(html)
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
        let mut r = Renderer::new(false);
        r.blocks(&self.0, 0);
        Rendered {
            html: r.html,
            text: r.text,
            quotes: r.quotes,
        }
    }

    /// Render for storage: [`Rendered`] with the HTML as markup (see
    /// [`html_from_markup`]), which takes a fraction of the room.
    pub fn render_markup(&self) -> Rendered {
        thread_local! {
            /// Buffers that have grown to the longest post rendered on this thread.
            static SCRATCH: std::cell::Cell<(String, String)> = Default::default();
        }
        // Rendered into buffers kept from the post before, then copied out at their
        // exact size: one allocation per string instead of one per doubling.
        let (mut markup, mut text) = SCRATCH.take();
        markup.clear();
        text.clear();
        let mut r = Renderer::new(true);
        r.html = markup;
        r.text = text;
        r.blocks(&self.0, 0);
        r.end_run();
        let rendered = Rendered {
            html: r.html.as_str().to_owned(),
            text: r.text.as_str().to_owned(),
            quotes: r.quotes,
        };
        SCRATCH.set((r.html, r.text));
        rendered
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
    fn markup_holds_tags_and_run_lengths_and_gives_the_html_back() {
        let body = Body(vec![
            Block::Quote(vec![
                para("héllo <b> 1 2"),
                Block::Quote(vec![para("deep")]),
            ]),
            Block::Paragraph(vec![
                Inline::Text("see ".into()),
                Inline::Link {
                    href: "https://example.com/a?b=\"1\">2&c".into(),
                    children: vec![Inline::Text("42 > 7".into())],
                },
                Inline::LineBreak,
                Inline::Emphasis(vec![Inline::Text("\u{a0}🎉".into())]),
            ]),
            Block::Code("fn main() {}".into()),
            Block::List {
                ordered: true,
                items: vec![vec![para("one")], vec![para("two")]],
            },
        ]);
        let html = body.render();
        let stored = body.render_markup();
        assert_eq!(stored.text, html.text);
        assert_eq!(stored.quotes, html.quotes);
        assert_eq!(
            stored.html,
            "<blockquote><p>13</p>2<blockquote><p>4</p></blockquote></blockquote>2<p>4\
             <a href=\"https://example.com/a?b=&quot;1&quot;>2&amp;c\" rel=\"noopener noreferrer\">6</a>1\
             <br><em>2</em></p>2<pre><code>12</code></pre>2<ol><li><p>3</p></li>1<li><p>3</p></li></ol>"
        );
        assert_eq!(
            html_from_markup(&stored.html, &stored.text).as_deref(),
            Some(html.html.as_str())
        );
        // Markup and text that do not fit together give nothing.
        let text = &stored.text;
        assert_eq!(html_from_markup(&stored.html, &text[1..]), None);
        assert_eq!(html_from_markup(&stored.html, &format!("{text}x")), None);
        assert_eq!(html_from_markup("<p>3</p>x", "abc"), None);
        assert_eq!(html_from_markup("<p>3</p", "abc"), None);
        assert_eq!(
            html_from_markup("<p>2</p>", "é🎉"),
            Some("<p>é🎉</p>".into())
        );
        assert_eq!(html_from_markup("", ""), Some(String::new()));
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
