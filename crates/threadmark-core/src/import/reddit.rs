//! Reddit comments JSON: `[t3 listing, t1 listing]`, as served by
//! `https://www.reddit.com/r/<sub>/comments/<id>.json`.
//!
//! - The first listing holds the post (`kind: "t3"`); it becomes the **root post**
//!   (source id: its `t3_…` name): the title as a linked paragraph, then the selftext.
//! - The second listing holds the comments (`kind: "t1"`), each with its `replies`
//!   (a listing, or `""` when there are none). A comment's source id is its `t1_…`
//!   name; its parent is the comment (or post) it is nested in.
//! - `body` and `selftext` are Markdown, rendered to a [`Body`] by walking
//!   pulldown-cmark events ([`markdown_body`]); raw HTML in the Markdown becomes text.
//!   Reddit escapes `&`, `<` and `>` as entities in these fields (unless asked for
//!   `raw_json`); they are unescaped once before the Markdown is read.
//! - `kind: "more"` stubs ("load more comments", "continue this thread") are not posts:
//!   [`parse_with_missing`] counts, per post, how many replies below it were not
//!   saved (the stub's `count`; a "continue this thread" stub with `count: 0` counts 1,
//!   as at least one reply is there).
//! - A comment whose body is `[deleted]` or `[removed]` is kept, marked deleted with an
//!   empty body, only while it has replies (saved or not); otherwise it is dropped.
//!   An author of `[deleted]` with an intact body is a deleted *account*: the comment
//!   is kept with no author.
//! - A "more children" API response (`{"json": {"data": {"things": […]}}}`) is
//!   recognised and refused with an explanation: it is a list of comments, not a thread.

use std::collections::{BTreeMap, HashMap, HashSet};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use crate::body::{linkify, Block, Body, Inline};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{PostDoc, ThreadDoc};

const SITE: &str = "https://www.reddit.com";

fn kind(v: &Value) -> Option<&str> {
    v.get("kind").and_then(Value::as_str)
}

fn listing_children(v: &Value) -> Option<&Vec<Value>> {
    if kind(v) != Some("Listing") {
        return None;
    }
    v.get("data")?.get("children")?.as_array()
}

/// A "more children" response: `{"json": {"data": {"things": [t1/more …]}}}`.
fn more_children_things(value: &Value) -> Option<&Vec<Value>> {
    let things = value.get("json")?.get("data")?.get("things")?.as_array()?;
    things
        .iter()
        .all(|t| matches!(kind(t), Some("t1" | "more")))
        .then_some(things)
}

/// Whether `value` is Reddit comments JSON (or a Reddit "more children" response,
/// which [`parse`] refuses with an explanation).
pub fn sniff(value: &Value) -> bool {
    if let Some(list) = value.as_array() {
        return list
            .first()
            .and_then(listing_children)
            .and_then(|c| c.first())
            .and_then(kind)
            == Some("t3");
    }
    more_children_things(value).is_some_and(|t| !t.is_empty())
}

/// Parse Reddit comments JSON into one thread.
pub fn parse(value: &Value) -> Result<ThreadDoc> {
    parse_with_missing(value).map(|(doc, _)| doc)
}

/// How many replies were not saved, per post source id (only posts with some).
pub fn missing_replies(value: &Value) -> Result<BTreeMap<String, u32>> {
    parse_with_missing(value).map(|(_, missing)| missing)
}

/// Reddit's `&amp;`, `&lt;`, `&gt;` escaping, undone once (in one pass).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (rep, len) = if tail.starts_with("&amp;") {
            ("&", 5)
        } else if tail.starts_with("&lt;") {
            ("<", 4)
        } else if tail.starts_with("&gt;") {
            (">", 4)
        } else {
            ("&", 1)
        };
        out.push_str(rep);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

fn is_removed(s: &str) -> bool {
    matches!(s.trim(), "[deleted]" | "[removed]")
}

fn str_of<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

fn time_of(o: &Map<String, Value>) -> Option<i64> {
    o.get("created_utc")
        .or_else(|| o.get("created"))
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite())
        .map(|t| t as i64)
}

/// The score, unless Reddit hides it (`score_hidden`: a new comment's score is not
/// shown yet, and the number given is not the real one).
fn points_of(o: &Map<String, Value>) -> Option<i64> {
    if o.get("score_hidden").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    o.get("score").and_then(Value::as_i64)
}

fn author_of(o: &Map<String, Value>) -> Option<String> {
    str_of(o, "author")
        .filter(|a| !a.is_empty() && !is_removed(a))
        .map(str::to_string)
}

/// A comment as walked, before pruning.
struct Node {
    name: String,
    parent: String,
    author: Option<String>,
    created_at: Option<i64>,
    points: Option<i64>,
    markdown: String,
    deleted: bool,
    missing: u32,
}

/// Parse, and also return how many replies were not saved per post (see the module
/// documentation). The lead may move this count into `PostDoc`.
pub fn parse_with_missing(value: &Value) -> Result<(ThreadDoc, BTreeMap<String, u32>)> {
    let Some(list) = value.as_array() else {
        if more_children_things(value).is_some() {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "this is a Reddit \"more children\" response (a list of comments without their post), not a thread; save the thread's comments JSON (<thread URL>.json) instead",
            ));
        }
        return Err(Error::bad_input(
            "not Reddit comments JSON: expected an array [post listing, comments listing]",
        ));
    };
    let post = list
        .first()
        .and_then(listing_children)
        .and_then(|c| c.first())
        .filter(|c| kind(c) == Some("t3"))
        .and_then(|c| c.get("data"))
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::bad_input("the first listing holds no post (kind \"t3\")")
                .at("[0].data.children[0]")
        })?;
    let root_name = match (str_of(post, "name"), str_of(post, "id")) {
        (Some(name), _) => name.to_string(),
        (None, Some(id)) => format!("t3_{id}"),
        (None, None) => {
            return Err(Error::bad_input("the post has no name or id").at("[0].data.children[0]"))
        }
    };
    let title = unescape(str_of(post, "title").unwrap_or(""))
        .trim()
        .to_string();
    let permalink = str_of(post, "permalink").map(|p| absolute(&unescape(p)));
    let link = str_of(post, "url").map(|u| absolute(&unescape(u)));
    let selftext = str_of(post, "selftext").unwrap_or("");

    let mut root_blocks = vec![Block::Paragraph(vec![Inline::Link {
        href: link
            .clone()
            .or_else(|| permalink.clone())
            .unwrap_or_default(),
        children: vec![Inline::Text(title.clone())],
    }])];
    let root_deleted = is_removed(selftext);
    if !root_deleted {
        root_blocks.extend(markdown_body(&unescape(selftext)).0);
    }

    // Walk the comment tree without recursion (replies may nest deeply).
    let mut nodes: Vec<Node> = Vec::new();
    let mut missing: HashMap<String, u32> = HashMap::new();
    let mut stack: Vec<(&Value, String, String)> = Vec::new(); // (thing, parent, path)
    if let Some(second) = list.get(1) {
        let children = listing_children(second).ok_or_else(|| {
            Error::bad_input("the second element is not a listing of comments").at("[1]")
        })?;
        for (i, c) in children.iter().enumerate().rev() {
            stack.push((c, root_name.clone(), format!("[1].data.children[{i}]")));
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(root_name.clone());
    while let Some((thing, parent, path)) = stack.pop() {
        let data = thing.get("data").and_then(Value::as_object);
        match (kind(thing), data) {
            (Some("more"), Some(d)) => {
                let count = d.get("count").and_then(Value::as_u64).unwrap_or(0);
                let ids = d
                    .get("children")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len) as u64;
                let n = count.max(ids).max(1);
                let slot = missing.entry(parent).or_default();
                *slot = slot.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            }
            (Some("t1"), Some(d)) => {
                let name = match (str_of(d, "name"), str_of(d, "id")) {
                    (Some(name), _) => name.to_string(),
                    (None, Some(id)) => format!("t1_{id}"),
                    (None, None) => {
                        return Err(Error::bad_input("a comment has no name or id").at(path))
                    }
                };
                if !seen.insert(name.clone()) {
                    continue; // the same comment twice: keep the first
                }
                let body = str_of(d, "body").unwrap_or("");
                if let Some(replies) = d.get("replies").filter(|r| !matches!(r, Value::String(_))) {
                    let children = listing_children(replies).ok_or_else(|| {
                        Error::bad_input("\"replies\" is neither \"\" nor a listing")
                            .at(format!("{path}.data.replies"))
                    })?;
                    for (i, c) in children.iter().enumerate().rev() {
                        stack.push((
                            c,
                            name.clone(),
                            format!("{path}.data.replies.data.children[{i}]"),
                        ));
                    }
                }
                nodes.push(Node {
                    author: author_of(d),
                    created_at: time_of(d),
                    points: points_of(d),
                    deleted: is_removed(body),
                    markdown: body.to_string(),
                    name,
                    parent,
                    missing: 0,
                });
            }
            (Some(other), _) => {
                return Err(Error::bad_input(format!(
                    "unexpected {other:?} in the comments (expected \"t1\" or \"more\")"
                ))
                .at(path))
            }
            (None, _) => return Err(Error::bad_input("a comment without a kind").at(path)),
        }
    }
    for node in &mut nodes {
        node.missing = missing.get(&node.name).copied().unwrap_or(0);
    }

    // Pre-order: children come after their parent, so a reverse pass sees every
    // child before its parent. A deleted comment stays while anything is below it.
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let mut keep: Vec<bool> = nodes.iter().map(|n| !n.deleted || n.missing > 0).collect();
    for i in (0..nodes.len()).rev() {
        if keep[i] {
            if let Some(&p) = index.get(nodes[i].parent.as_str()) {
                keep[p] = true;
            }
        }
    }

    let mut missing_out = BTreeMap::new();
    if let Some(&n) = missing.get(&root_name) {
        missing_out.insert(root_name.clone(), n);
    }
    let mut posts = Vec::with_capacity(nodes.len() + 1);
    posts.push(PostDoc {
        source_id: root_name.clone(),
        parent: None,
        author: author_of(post),
        created_at: time_of(post),
        body: Body(root_blocks),
        deleted: root_deleted,
        missing_replies: 0,
        points: points_of(post),
        quote_sources: Vec::new(),
    });
    for (node, kept) in nodes.into_iter().zip(keep) {
        if !kept {
            continue;
        }
        if node.missing > 0 {
            missing_out.insert(node.name.clone(), node.missing);
        }
        posts.push(PostDoc {
            body: if node.deleted {
                Body::default()
            } else {
                markdown_body(&unescape(&node.markdown))
            },
            source_id: node.name,
            parent: Some(node.parent),
            author: node.author,
            created_at: node.created_at,
            deleted: node.deleted,
            missing_replies: 0,
            points: node.points,
            quote_sources: Vec::new(),
        });
    }
    let doc = ThreadDoc {
        title: if title.is_empty() {
            root_name.clone()
        } else {
            title
        },
        source: "reddit",
        source_key: Some(root_name),
        url: permalink.or(link),
        posts,
    };
    Ok((doc, missing_out))
}

/// Reddit-relative links (`/r/…`, `/u/…`) made absolute.
fn absolute(href: &str) -> String {
    if href.starts_with('/') && !href.starts_with("//") {
        format!("{SITE}{href}")
    } else {
        href.to_string()
    }
}

// ---------------------------------------------------------------------------------
// Markdown → Body

enum Span {
    Emphasis,
    Strong,
    /// Children spliced into the parent (strikethrough, table cells, unknown tags).
    Plain,
    Link(String),
}

enum Frame {
    /// The document, a block quote, or a list item.
    Blocks {
        quote: bool,
        blocks: Vec<Block>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    /// A paragraph; `implicit` when opened for the text of a tight list item;
    /// `heading` when it renders strong.
    Para {
        implicit: bool,
        heading: bool,
        inlines: Vec<Inline>,
    },
    Span(Span, Vec<Inline>),
    Code(String),
    /// A tag whose content is handled by its children (tables).
    Transparent,
}

struct Md {
    stack: Vec<Frame>,
    text: String,
}

impl Md {
    fn in_link(&self) -> bool {
        self.stack
            .iter()
            .any(|f| matches!(f, Frame::Span(Span::Link(_), _)))
    }

    /// The inline list text goes to, opening an implicit paragraph if needed.
    fn inlines(&mut self) -> &mut Vec<Inline> {
        if !matches!(
            self.stack.last(),
            Some(Frame::Para { .. } | Frame::Span(..))
        ) {
            self.stack.push(Frame::Para {
                implicit: true,
                heading: false,
                inlines: Vec::new(),
            });
        }
        match self.stack.last_mut() {
            Some(Frame::Para { inlines, .. } | Frame::Span(_, inlines)) => inlines,
            _ => unreachable!("an inline frame was just pushed"),
        }
    }

    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let linked = !self.in_link();
        let out = self.inlines();
        if linked {
            out.extend(linkify(&text));
        } else {
            out.push(Inline::Text(text));
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        self.flush();
        self.inlines().push(inline);
    }

    fn close_implicit(&mut self) {
        self.flush();
        if matches!(self.stack.last(), Some(Frame::Para { implicit: true, .. })) {
            self.pop();
        }
    }

    fn push_block(&mut self, block: Block) {
        for frame in self.stack.iter_mut().rev() {
            if let Frame::Blocks { blocks, .. } = frame {
                blocks.push(block);
                return;
            }
        }
    }

    fn start_block(&mut self, frame: Frame) {
        self.close_implicit();
        self.stack.push(frame);
    }

    /// Pop the top frame and attach what it built to its parent.
    fn pop(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame {
            Frame::Para {
                heading, inlines, ..
            } => {
                let inlines = trim_inlines(inlines);
                if !inlines.is_empty() {
                    let inlines = if heading {
                        vec![Inline::Strong(inlines)]
                    } else {
                        inlines
                    };
                    self.push_block(Block::Paragraph(inlines));
                }
            }
            Frame::Span(span, children) => {
                let out = self.inlines();
                match span {
                    Span::Emphasis => out.push(Inline::Emphasis(children)),
                    Span::Strong => out.push(Inline::Strong(children)),
                    Span::Plain => out.extend(children),
                    Span::Link(href) => {
                        let children = if children.is_empty() {
                            vec![Inline::Text(href.clone())]
                        } else {
                            children
                        };
                        out.push(Inline::Link { href, children });
                    }
                }
            }
            Frame::Blocks { quote, blocks } => {
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                } else if quote && !blocks.is_empty() {
                    self.push_block(Block::Quote(blocks));
                } else if !quote {
                    // A list item outside a list (cannot happen): splice.
                    for b in blocks {
                        self.push_block(b);
                    }
                }
            }
            Frame::List { ordered, items } => self.push_block(Block::List { ordered, items }),
            Frame::Code(code) => {
                let code = code.trim_end_matches('\n').to_string();
                self.push_block(Block::Code(code));
            }
            Frame::Transparent => {}
        }
    }
}

/// Drop leading and trailing line breaks and surrounding blanks of a paragraph.
fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end().len();
        t.truncate(trimmed);
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

/// Render Markdown (CommonMark with tables and strikethrough, as Reddit writes it) to
/// a [`Body`]: paragraphs, block quotes, code blocks, lists, emphasis, strong, inline
/// code, links (relative `/r/…` links made absolute), line breaks. Headings become
/// strong paragraphs, table rows paragraphs with ` | ` between cells, images links
/// to the image. Raw HTML is kept as text, never as markup.
pub fn markdown_body(markdown: &str) -> Body {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut md = Md {
        stack: vec![Frame::Blocks {
            quote: false,
            blocks: Vec::new(),
        }],
        text: String::new(),
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::HtmlBlock => md.start_block(Frame::Para {
                    implicit: false,
                    heading: false,
                    inlines: Vec::new(),
                }),
                Tag::Heading { .. } => md.start_block(Frame::Para {
                    implicit: false,
                    heading: true,
                    inlines: Vec::new(),
                }),
                Tag::TableHead | Tag::TableRow => md.start_block(Frame::Para {
                    implicit: false,
                    heading: false,
                    inlines: Vec::new(),
                }),
                Tag::BlockQuote(_) => md.start_block(Frame::Blocks {
                    quote: true,
                    blocks: Vec::new(),
                }),
                Tag::Item => md.start_block(Frame::Blocks {
                    quote: false,
                    blocks: Vec::new(),
                }),
                Tag::List(start) => md.start_block(Frame::List {
                    ordered: start.is_some(),
                    items: Vec::new(),
                }),
                Tag::CodeBlock(_) => md.start_block(Frame::Code(String::new())),
                Tag::Table(_) => md.start_block(Frame::Transparent),
                Tag::TableCell => {
                    md.flush();
                    let first = matches!(md.stack.last(), Some(Frame::Para { inlines, .. }) if inlines.is_empty());
                    if !first {
                        md.text.push_str(" | ");
                        md.flush();
                    }
                    md.stack.push(Frame::Span(Span::Plain, Vec::new()));
                }
                Tag::Emphasis => {
                    md.flush();
                    md.inlines();
                    md.stack.push(Frame::Span(Span::Emphasis, Vec::new()));
                }
                Tag::Strong => {
                    md.flush();
                    md.inlines();
                    md.stack.push(Frame::Span(Span::Strong, Vec::new()));
                }
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                    md.flush();
                    md.inlines();
                    let href = absolute(&dest_url);
                    let span = if md.in_link() {
                        Span::Plain // no links inside links
                    } else {
                        Span::Link(href)
                    };
                    md.stack.push(Frame::Span(span, Vec::new()));
                }
                _ => {
                    md.flush();
                    md.inlines();
                    md.stack.push(Frame::Span(Span::Plain, Vec::new()));
                }
            },
            Event::End(end) => {
                md.flush();
                // A tight list item's text sits in an implicit paragraph: close it
                // unless the end is of an inline the paragraph holds.
                let inline_end = matches!(
                    end,
                    TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Link
                        | TagEnd::Image
                        | TagEnd::TableCell
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                );
                if !inline_end {
                    md.close_implicit();
                }
                md.pop();
            }
            Event::Text(t) => match md.stack.last_mut() {
                Some(Frame::Code(code)) => code.push_str(&t),
                _ => md.text.push_str(&t),
            },
            Event::Code(c) => md.push_inline(Inline::Code(c.into_string())),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                md.push_inline(Inline::Code(t.into_string()))
            }
            Event::Html(t) | Event::InlineHtml(t) => match md.stack.last_mut() {
                Some(Frame::Code(code)) => code.push_str(&t),
                _ => {
                    // Block HTML arrives line by line with its newlines.
                    let t = t.replace('\n', " ");
                    md.text.push_str(&t);
                }
            },
            Event::FootnoteReference(t) => {
                md.text.push_str(&format!("[{t}]"));
            }
            Event::SoftBreak => md.text.push(' '),
            Event::HardBreak => md.push_inline(Inline::LineBreak),
            Event::Rule => md.close_implicit(),
            Event::TaskListMarker(done) => md.text.push_str(if done { "[x] " } else { "[ ] " }),
        }
    }
    md.close_implicit();
    while md.stack.len() > 1 {
        md.pop();
    }
    match md.stack.pop() {
        Some(Frame::Blocks { blocks, .. }) => Body(blocks),
        _ => Body::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(md: &str) -> String {
        markdown_body(md).render().text
    }

    #[test]
    fn markdown_blocks_and_inlines() {
        let body = markdown_body(
            "> quoted *a*\n> still\n\nreply with **bold** and `code` and [link](/r/funny)\n\n    let x = 1;\n\n* one\n* two\n\n1. first\n\n2. second\n\nline  \nbreak <b>raw</b> https://example.com/a.",
        );
        let r = body.render();
        assert_eq!(
            r.text,
            "quoted a still\n\nreply with bold and code and link\n\nlet x = 1;\n\none\ntwo\n\nfirst\nsecond\n\nline\nbreak <b>raw</b> https://example.com/a."
        );
        assert!(r
            .html
            .contains("<blockquote><p>quoted <em>a</em> still</p></blockquote>"));
        assert!(r.html.contains("href=\"https://www.reddit.com/r/funny\""));
        assert!(r.html.contains("&lt;b&gt;raw&lt;/b&gt;"));
        assert!(r.html.contains("<a href=\"https://example.com/a\""));
        assert_eq!(r.quotes.len(), 1);
    }

    #[test]
    fn tables_headings_and_escapes() {
        assert_eq!(
            text("# Title\n\n|a|b|\n|-|-|\n|1|2|"),
            "Title\n\na | b\n\n1 | 2"
        );
        assert_eq!(
            unescape("a &amp;gt; b &lt; c &amp; d &x"),
            "a &gt; b < c & d &x"
        );
        assert_eq!(text(&unescape("&gt; quoted\n\nreply")), "quoted\n\nreply");
        assert_eq!(text(""), "");
    }
}
