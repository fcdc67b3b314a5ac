//! Hacker News: four shapes of one thread.
//!
//! - **Algolia** `items/{id}` JSON: one item with nested `children`
//!   (`id, created_at_i, type, author, title, url, text, parent_id, story_id`).
//!   A node-hacker-news-api fixtures file (an array of `{url, reply}` recordings) is
//!   read too: of its replies that are Algolia items, the first story or poll with
//!   comments is taken, else the first item of any type (the published fixtures hold
//!   one item, comment 17, among search results and a user).
//! - **Firebase** item JSON: one item, or an array of items linked by `parent` and
//!   `kids` (`by, time, text, title, url, deleted, dead`). Children follow the order
//!   of their parent's `kids`; an item whose parent is not in the file hangs under
//!   the root; cycles and duplicate ids are errors naming the array index.
//! - **HNPWA / node-hnapi** JSON: the story with nested `comments`
//!   (`id, level, user, time, content, deleted, dead`).
//! - A **saved `item?id=` page**: comment rows (`tr.athing.comtr`, or the older
//!   tables of 2015) whose indent (`td.ind[indent]` or the spacer image's width / 40)
//!   gives the tree; `.hnuser`, `.age[title]`, `.commtext` (or `span.comment`).
//!
//! The story (or the item the file is about) is the root post; its body is the title
//! linked to the story URL, then the story text. Deleted and dead comments are kept,
//! marked deleted, only while they have replies (a deleted comment's body is empty).
//! Trees are walked with explicit stacks, never by recursion.

use std::borrow::Cow;
use std::collections::HashMap;

use scraper::{ElementRef, Html, Selector};
use serde_json::{Map, Value};

use super::html::to_bodies;
use crate::body::{Block, Body, Inline};
use crate::error::{Error, Result};
use crate::model::{PostDoc, ThreadDoc};

const HN_ITEM: &str = "https://news.ycombinator.com/item?id=";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Algolia,
    Fixtures,
    Firebase,
    FirebaseArray,
    Hnpwa,
}

fn is_algolia(o: &Map<String, Value>) -> bool {
    o.contains_key("id")
        && o.get("children").is_some_and(Value::is_array)
        && (o.contains_key("created_at_i") || o.contains_key("story_id"))
}

fn is_firebase(o: &Map<String, Value>) -> bool {
    o.get("id").is_some_and(Value::is_u64)
        && o.get("type").is_some_and(Value::is_string)
        && (o.contains_key("by") || o.contains_key("kids") || o.contains_key("deleted"))
        && !o.contains_key("children")
        && !o.contains_key("comments")
}

fn is_hnpwa(o: &Map<String, Value>) -> bool {
    o.get("id").is_some_and(Value::is_u64)
        && o.get("comments").is_some_and(Value::is_array)
        && (o.contains_key("time_ago")
            || o.contains_key("comments_count")
            || o.contains_key("user"))
}

fn shape(value: &Value) -> Option<Shape> {
    match value {
        Value::Object(o) if is_algolia(o) => Some(Shape::Algolia),
        Value::Object(o) if is_hnpwa(o) => Some(Shape::Hnpwa),
        Value::Object(o) if is_firebase(o) => Some(Shape::Firebase),
        Value::Array(items) if !items.is_empty() => {
            if items.iter().all(|v| v.as_object().is_some_and(is_firebase)) {
                Some(Shape::FirebaseArray)
            } else if items.iter().any(|v| {
                v.get("reply")
                    .and_then(Value::as_object)
                    .is_some_and(is_algolia)
            }) {
                Some(Shape::Fixtures)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether a JSON document is one of the Hacker News shapes.
pub fn sniff_json(value: &Value) -> bool {
    shape(value).is_some()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether the bytes are a saved Hacker News item page.
pub fn sniff_html(bytes: &[u8]) -> bool {
    (contains(bytes, b"id=\"hnmain\"") || contains(bytes, b"| Hacker News</title>"))
        && contains(bytes, b"item?id=")
}

/// Parse a Hacker News JSON document (Algolia, Firebase or HNPWA).
pub fn parse_json(value: &Value) -> Result<ThreadDoc> {
    match shape(value) {
        Some(Shape::Algolia) => nested(value, "children", Fields::ALGOLIA, String::new()),
        Some(Shape::Hnpwa) => {
            let mut doc = nested(value, "comments", Fields::HNPWA, String::new())?;
            // The story counts its comments; those the file does not hold were left out.
            let counted = value.get("comments_count").and_then(Value::as_u64);
            let held = doc.posts.len().saturating_sub(1) as u64;
            if let (Some(n), Some(root)) = (counted, doc.posts.first_mut()) {
                root.missing_replies = u32::try_from(n.saturating_sub(held)).unwrap_or(u32::MAX);
            }
            Ok(doc)
        }
        Some(Shape::Firebase) => firebase(std::slice::from_ref(value), false),
        Some(Shape::FirebaseArray) => firebase(value.as_array().map_or(&[], Vec::as_slice), true),
        Some(Shape::Fixtures) => fixtures(value),
        None => Err(Error::bad_input(
            "not Hacker News JSON: expected an Algolia item (`children`), a Firebase item or array of items (`by`, `kids`), or an HNPWA item (`comments`)",
        )),
    }
}

/// One item of any shape, before the tree is finished.
#[derive(Debug, Default)]
pub(super) struct Item<'a> {
    id: String,
    /// Index of the parent in the item list.
    parent: Option<usize>,
    author: Option<String>,
    time: Option<i64>,
    /// The body's HTML, borrowed from the JSON document when it comes from one.
    html: Cow<'a, str>,
    /// Deleted or dead.
    deleted: bool,
    /// Deleted: no content left.
    removed: bool,
}

/// The story's title and link.
#[derive(Debug, Default)]
pub(super) struct Story {
    pub(super) title: Option<String>,
    pub(super) url: Option<String>,
    /// The story's points (Hacker News gives none for comments).
    pub(super) points: Option<i64>,
}

fn id_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A non-empty string field, borrowed.
fn str_ref<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn str_field(o: &Map<String, Value>, key: &str) -> Option<String> {
    str_ref(o, key).map(str::to_string)
}

/// A link from HN: absolute as is, `item?id=…` relative to news.ycombinator.com.
pub(super) fn absolute_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        None
    } else if url.starts_with("http://") || url.starts_with("https://") {
        Some(url.to_string())
    } else {
        Some(format!(
            "https://news.ycombinator.com/{}",
            url.trim_start_matches('/')
        ))
    }
}

/// Field names of the nested shapes.
#[derive(Clone, Copy)]
struct Fields {
    author: &'static str,
    time: &'static str,
    text: &'static str,
}

impl Fields {
    const ALGOLIA: Fields = Fields {
        author: "author",
        time: "created_at_i",
        text: "text",
    };
    const HNPWA: Fields = Fields {
        author: "user",
        time: "time",
        text: "content",
    };
}

/// `children[3].children[0]` for a node, from (parent, position) links; long paths
/// keep their ends.
fn path_of(base: &str, links: &[(Option<usize>, usize)], key: &str, mut node: usize) -> String {
    let mut segments = Vec::new();
    while let (Some(parent), pos) = links[node] {
        segments.push(format!("{key}[{pos}]"));
        node = parent;
    }
    segments.reverse();
    let inner = if segments.len() > 12 {
        format!(
            "{}.…({} levels)….{}",
            segments[..4].join("."),
            segments.len() - 8,
            segments[segments.len() - 4..].join(".")
        )
    } else {
        segments.join(".")
    };
    match (base.is_empty(), inner.is_empty()) {
        (true, true) => "the top-level item".to_string(),
        (true, false) => inner,
        (false, true) => base.to_string(),
        (false, false) => format!("{base}.{inner}"),
    }
}

/// Algolia and HNPWA: one object with nested children under `key`.
fn nested(root: &Value, key: &str, fields: Fields, base: String) -> Result<ThreadDoc> {
    let mut items: Vec<Item> = Vec::new();
    let mut links: Vec<(Option<usize>, usize)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut story = Story::default();
    let mut stack: Vec<(&Value, Option<usize>, usize)> = vec![(root, None, 0)];
    while let Some((value, parent, pos)) = stack.pop() {
        let index = items.len();
        links.push((parent, pos));
        let place = |links: &[(Option<usize>, usize)]| path_of(&base, links, key, index);
        let Some(o) = value.as_object() else {
            return Err(Error::bad_input("expected an item (a JSON object)").at(place(&links)));
        };
        let Some(id) = id_string(o.get("id")) else {
            return Err(Error::bad_input("item without an `id`").at(place(&links)));
        };
        if let Some(&first) = seen.get(&id) {
            return Err(Error::bad_input(format!(
                "duplicate item id {id} (also at {})",
                path_of(&base, &links, key, first)
            ))
            .at(place(&links)));
        }
        seen.insert(id.clone(), index);
        let flagged = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        if parent.is_none() {
            story.title = str_field(o, "title");
            story.url = str_field(o, "url").and_then(|u| absolute_url(&u));
            story.points = o.get("points").and_then(Value::as_i64);
        }
        items.push(nested_item(
            id,
            parent,
            str_field(o, fields.author),
            o.get(fields.time).and_then(Value::as_i64),
            str_ref(o, fields.text).map(Cow::Borrowed),
            flagged("deleted"),
            flagged("dead"),
        ));
        match o.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(children)) => {
                for (i, child) in children.iter().enumerate().rev() {
                    stack.push((child, Some(index), i));
                }
            }
            Some(_) => {
                return Err(Error::bad_input(format!("`{key}` is not a list")).at(place(&links)))
            }
        }
    }
    Ok(finish(items, story))
}

/// An item of a nested shape (Algolia, HNPWA) from its fields: `author` and `text`
/// non-empty when given. A comment is removed when it says it is deleted, when its
/// text is `[deleted]`, or when it has neither author nor text; removed or dead, it
/// is deleted. The typed Algolia reader (`hn_json`) builds its items here too.
pub(super) fn nested_item<'a>(
    id: String,
    parent: Option<usize>,
    author: Option<String>,
    time: Option<i64>,
    text: Option<Cow<'a, str>>,
    deleted: bool,
    dead: bool,
) -> Item<'a> {
    let removed = deleted
        || text.as_deref() == Some("[deleted]")
        || (parent.is_some() && author.is_none() && text.is_none());
    Item {
        id,
        parent,
        author,
        time,
        html: if removed {
            Cow::Borrowed("")
        } else {
            text.unwrap_or_default()
        },
        deleted: removed || dead,
        removed,
    }
}

/// A node-hacker-news-api fixtures file: `[{url, reply}]`.
fn fixtures(value: &Value) -> Result<ThreadDoc> {
    let candidates: Vec<(usize, &Value)> = value
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.get("reply").map(|r| (i, r)))
        .filter(|(_, r)| r.as_object().is_some_and(is_algolia))
        .collect();
    let is_story = |r: &Value| {
        matches!(
            r.get("type").and_then(Value::as_str),
            Some("story" | "poll")
        ) && r
            .get("children")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty())
    };
    let (i, reply) = candidates
        .iter()
        .find(|(_, r)| is_story(r))
        .or(candidates.first())
        .copied()
        .ok_or_else(|| Error::bad_input("no Algolia item among the recorded replies"))?;
    nested(reply, "children", Fields::ALGOLIA, format!("[{i}].reply"))
}

/// Firebase items: one item, or an array linked by `parent` and `kids`.
fn firebase(values: &[Value], array: bool) -> Result<ThreadDoc> {
    let place = |i: usize| {
        if array {
            format!("[{i}]")
        } else {
            "the top-level item".to_string()
        }
    };
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut objects: Vec<&Map<String, Value>> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let o = v
            .as_object()
            .ok_or_else(|| Error::bad_input("expected an item (a JSON object)").at(place(i)))?;
        let id = id_string(o.get("id"))
            .ok_or_else(|| Error::bad_input("item without an `id`").at(place(i)))?;
        if let Some(&first) = index_of.get(&id) {
            return Err(
                Error::bad_input(format!("duplicate item id {id} (also at [{first}])"))
                    .at(place(i)),
            );
        }
        index_of.insert(id, i);
        objects.push(o);
    }
    // Who lists whom in `kids`, and at which position.
    let mut listed_by: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        for (pos, kid) in o
            .get("kids")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(kid) = id_string(Some(kid)) {
                listed_by.entry(kid).or_insert((i, pos));
            }
        }
    }
    let parent_in_file = |i: usize| -> Option<usize> {
        let own = id_string(objects[i].get("id"))?;
        id_string(objects[i].get("parent"))
            .and_then(|p| index_of.get(&p).copied())
            .or_else(|| listed_by.get(&own).map(|&(p, _)| p))
            .filter(|&p| p != i)
    };
    let is_story = |o: &Map<String, Value>| {
        matches!(
            o.get("type").and_then(Value::as_str),
            Some("story" | "poll" | "job")
        )
    };
    let tops: Vec<usize> = (0..objects.len())
        .filter(|&i| parent_in_file(i).is_none())
        .collect();
    let root = match tops
        .iter()
        .find(|&&i| is_story(objects[i]))
        .or(tops.first())
    {
        Some(&r) => r,
        None => return Err(cycle_error(&objects, &parent_in_file, 0, &place)),
    };
    // Children of each item: by position in the parent's `kids`, then file order.
    let mut children: Vec<Vec<(usize, usize)>> = vec![Vec::new(); objects.len()];
    for (i, o) in objects.iter().enumerate() {
        if i == root {
            continue;
        }
        let parent = parent_in_file(i).unwrap_or(root);
        let rank = id_string(o.get("id"))
            .and_then(|id| listed_by.get(&id))
            .filter(|&&(p, _)| p == parent)
            .map_or(usize::MAX, |&(_, pos)| pos);
        children[parent].push((rank, i));
    }
    for c in &mut children {
        c.sort();
    }
    let mut items: Vec<Item> = Vec::with_capacity(objects.len());
    let mut new_index = vec![usize::MAX; objects.len()];
    let mut stack: Vec<(usize, Option<usize>)> = vec![(root, None)];
    while let Some((i, parent)) = stack.pop() {
        new_index[i] = items.len();
        let o = objects[i];
        let flagged = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        let removed = flagged("deleted");
        items.push(Item {
            id: id_string(o.get("id")).unwrap_or_default(),
            parent,
            author: str_field(o, "by"),
            time: o.get("time").and_then(Value::as_i64),
            html: Cow::Borrowed(if removed {
                ""
            } else {
                str_ref(o, "text").unwrap_or_default()
            }),
            deleted: removed || flagged("dead"),
            removed,
        });
        let me = new_index[i];
        for &(_, c) in children[i].iter().rev() {
            stack.push((c, Some(me)));
        }
    }
    if let Some(lost) = new_index.iter().position(|&n| n == usize::MAX) {
        return Err(cycle_error(&objects, &parent_in_file, lost, &place));
    }
    let story = Story {
        title: str_field(objects[root], "title"),
        url: str_field(objects[root], "url").and_then(|u| absolute_url(&u)),
        points: objects[root].get("score").and_then(Value::as_i64),
    };
    let mut doc = finish(items, story);
    // Replies the file leaves out: an item's `kids` that are not in it, and for the
    // story the `descendants` it counts beyond the items the file holds.
    for post in &mut doc.posts {
        let Some(&i) = index_of.get(&post.source_id) else {
            continue;
        };
        let kids = objects[i]
            .get("kids")
            .and_then(Value::as_array)
            .map_or(0, |kids| {
                kids.iter()
                    .filter(|k| id_string(Some(k)).is_some_and(|k| !index_of.contains_key(&k)))
                    .count()
            });
        let beyond = match objects[i].get("descendants").and_then(Value::as_u64) {
            Some(d) if i == root => usize::try_from(d)
                .unwrap_or(usize::MAX)
                .saturating_sub(objects.len() - 1),
            _ => 0,
        };
        post.missing_replies = u32::try_from(kids.max(beyond)).unwrap_or(u32::MAX);
    }
    Ok(doc)
}

/// The cycle that item `start` hangs from: `comment cycle: 3 → 2 → 3`.
fn cycle_error(
    objects: &[&Map<String, Value>],
    parent_in_file: &dyn Fn(usize) -> Option<usize>,
    start: usize,
    place: &dyn Fn(usize) -> String,
) -> Error {
    let mut seen = vec![false; objects.len()];
    let mut i = start;
    while !seen[i] {
        seen[i] = true;
        match parent_in_file(i) {
            Some(p) => i = p,
            None => break,
        }
    }
    // `i` is on the cycle: list it once around.
    let first = i;
    let mut ids = vec![id_string(objects[i].get("id")).unwrap_or_default()];
    while let Some(p) = parent_in_file(i) {
        ids.push(id_string(objects[p].get("id")).unwrap_or_default());
        i = p;
        if i == first || ids.len() > objects.len() {
            break;
        }
    }
    Error::bad_input(format!(
        "comment cycle: {} (each item's parent is the next)",
        ids.join(" → ")
    ))
    .at(place(first))
}

/// The root post's body: the title linked to the story URL, then the story text.
pub(crate) fn root_body(title: Option<&str>, url: Option<&str>, text: Body) -> Body {
    let mut blocks = Vec::with_capacity(text.0.len() + 1);
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        let title = Inline::Text(title.trim().to_string());
        blocks.push(Block::Paragraph(vec![
            match url.and_then(crate::body::safe_href) {
                Some(href) => Inline::Link {
                    href,
                    children: vec![title],
                },
                None => title,
            },
        ]));
    }
    blocks.extend(text.0);
    Body(blocks)
}

/// A title from a body's text: its first line, up to 80 characters, cut at a word.
pub(crate) fn title_from(body: &Body, fallback: String) -> String {
    let text = body.render().text;
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if first.is_empty() {
        return fallback;
    }
    if first.chars().count() <= 80 {
        return first.to_string();
    }
    let cut: String = first.chars().take(80).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Prune deleted leaves, render bodies, and build the thread. `items[0]` is the root
/// and items come parents first.
fn finish(items: Vec<Item>, story: Story) -> ThreadDoc {
    finish_with(items, story, Vec::new())
}

/// [`finish`], with some bodies converted already: `given[i]`, when there, is
/// `to_body` of item `i`'s html (the typed Algolia reader converts them while it
/// reads). The others are converted here.
pub(super) fn finish_with(
    items: Vec<Item>,
    story: Story,
    mut given: Vec<Option<Body>>,
) -> ThreadDoc {
    // A deleted or dead item is kept while something below it is kept.
    let mut keep = vec![false; items.len()];
    for i in (0..items.len()).rev() {
        if i == 0 || !items[i].deleted || keep[i] {
            keep[i] = true;
            if let Some(p) = items[i].parent {
                keep[p] = true;
            }
        }
    }
    let root_id = items.first().map(|i| i.id.clone()).unwrap_or_default();
    let mut title = story.title.clone();
    let mut posts = Vec::with_capacity(items.len());
    // Bodies of the kept items that have one and are not given, converted in parallel.
    let htmls: Vec<&str> = items
        .iter()
        .enumerate()
        .filter(|&(i, item)| keep[i] && !item.removed && given.get(i).is_none_or(Option::is_none))
        .map(|(_, item)| item.html.as_ref())
        .collect();
    let mut bodies = to_bodies(&htmls).into_iter();
    for (i, item) in items.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let text = if item.removed {
            Body::default()
        } else {
            given
                .get_mut(i)
                .and_then(Option::take)
                .or_else(|| bodies.next())
                .unwrap_or_default()
        };
        let body = if i == 0 {
            if title.is_none() {
                title = Some(title_from(&text, format!("Hacker News item {root_id}")));
                text
            } else {
                root_body(story.title.as_deref(), story.url.as_deref(), text)
            }
        } else {
            text
        };
        posts.push(PostDoc {
            source_id: item.id.clone(),
            parent: item.parent.map(|p| items[p].id.clone()),
            author: item.author.clone(),
            created_at: item.time,
            body,
            deleted: item.deleted,
            missing_replies: 0,
            points: if i == 0 { story.points } else { None },
            quote_sources: Vec::new(),
        });
    }
    ThreadDoc {
        title: title.unwrap_or_default(),
        source: "hn",
        source_key: Some(root_id.clone()),
        url: story.url.or_else(|| Some(format!("{HN_ITEM}{root_id}"))),
        posts,
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

/// The text of an element, whitespace collapsed.
fn element_text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The inner HTML of an element without its reply link (older pages put it inside
/// the comment text).
fn comment_html(el: ElementRef) -> String {
    let reply_link = selector("a[href^='reply?']");
    let mut out = String::new();
    for child in el.children() {
        if let Some(e) = ElementRef::wrap(child) {
            // The reply link: in `.reply`, or (old pages, whose comment text can
            // leave a paragraph open) in a paragraph the parser put inside the text.
            if e.value().classes().any(|c| c == "reply") || e.select(&reply_link).next().is_some() {
                continue;
            }
            out.push_str(&e.html());
        } else if let Some(t) = child.value().as_text() {
            for c in t.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    c => out.push(c),
                }
            }
        }
    }
    out
}

/// `item?id=123…` → `123`.
fn item_id_in(href: &str) -> Option<String> {
    let rest = href.split("item?id=").nth(1)?;
    let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!id.is_empty()).then_some(id)
}

/// HN's `.age[title]`: `2024-01-02T03:04:05` (UTC), maybe followed by Unix seconds.
fn age_time(title: &str) -> Option<i64> {
    let mut parts = title.split_whitespace();
    let iso = parts.next()?;
    if let Some(secs) = parts.next().and_then(|s| s.parse::<i64>().ok()) {
        return Some(secs);
    }
    parse_timestamp(iso).or_else(|| parse_timestamp(&format!("{iso}Z")))
}

/// An RFC 3339 timestamp to Unix seconds.
pub(crate) fn parse_timestamp(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Parse a saved `news.ycombinator.com/item?id=` page.
pub fn parse_html(bytes: &[u8]) -> Result<ThreadDoc> {
    let text = String::from_utf8_lossy(bytes);
    let doc = Html::parse_document(&super::html::cap_nesting(
        &text,
        super::html::MAX_HTML_DEPTH,
    ));
    let one = |css: &str| doc.select(&selector(css)).next();

    // The story.
    let story_id = one("tr.athing.submission[id], tr.athing:not(.comtr)[id]")
        .and_then(|e| e.attr("id").map(str::to_string))
        .or_else(|| {
            one("span.score[id^=score_]")
                .and_then(|e| e.attr("id"))
                .map(|id| id.trim_start_matches("score_").to_string())
        })
        .or_else(|| one("input[name=parent]").and_then(|e| e.attr("value").map(str::to_string)))
        .or_else(|| {
            one("td.subtext a[href^='item?id=']").and_then(|e| e.attr("href").and_then(item_id_in))
        })
        .ok_or_else(|| {
            Error::bad_input(
                "no story id found (expected `tr.athing[id]` or a score or comment form)",
            )
        })?;
    let title_link = one("span.titleline > a, td.title > a");
    let title = title_link.map(element_text).or_else(|| {
        one("title").map(|t| {
            element_text(t)
                .trim_end_matches("| Hacker News")
                .trim()
                .to_string()
        })
    });
    let url = title_link
        .and_then(|a| a.attr("href"))
        .and_then(absolute_url);
    let subtext = one("td.subtext");
    let sub_one = |css: &str| subtext.and_then(|s| s.select(&selector(css)).next());
    let mut items = vec![Item {
        id: story_id.clone(),
        parent: None,
        author: sub_one("a.hnuser, a[href^='user?id=']").map(element_text),
        time: sub_one(".age[title]")
            .and_then(|a| a.attr("title"))
            .and_then(age_time),
        html: Cow::Owned(one("div.toptext").map(comment_html).unwrap_or_default()),
        deleted: false,
        removed: false,
    }];

    // The comments, in page order; the indent gives the tree.
    let user_sel = selector(".comhead a.hnuser, .comhead a[href^='user?id=']");
    let age_sel = selector(".age[title]");
    let own_link_sel = selector(".comhead a[href^='item?id=']");
    let text_sel = selector(".commtext, span.comment, div.comment");
    let img_sel = selector("img");
    let mut open: Vec<usize> = Vec::new(); // item index per level
    for (n, cell) in doc.select(&selector("td.default")).enumerate() {
        let row = cell.parent().and_then(ElementRef::wrap);
        let id = cell
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "tr" && e.value().classes().any(|c| c == "athing"))
            .and_then(|e| e.attr("id").map(str::to_string))
            .or_else(|| {
                cell.select(&own_link_sel)
                    .next()
                    .and_then(|a| a.attr("href").and_then(item_id_in))
            })
            .unwrap_or_else(|| format!("{story_id}-row{}", n + 1));
        let indent = row
            .and_then(|r| r.child_elements().find(|e| e.value().name() == "td"))
            .and_then(|td| {
                td.attr("indent")
                    .and_then(|i| i.trim().parse::<usize>().ok())
                    .or_else(|| {
                        td.select(&img_sel)
                            .next()
                            .and_then(|img| img.attr("width"))
                            .and_then(|w| w.trim().parse::<usize>().ok())
                            .map(|w| w / 40)
                    })
            })
            .unwrap_or(0);
        let body_el = cell.select(&text_sel).next();
        let html = body_el.map(comment_html).unwrap_or_default();
        let plain = body_el.map(element_text).unwrap_or_default();
        let removed = matches!(plain.as_str(), "" | "[deleted]" | "[flagged]" | "[dead]");
        open.truncate(indent);
        let parent = open.last().copied().unwrap_or(0);
        let index = items.len();
        items.push(Item {
            id,
            parent: Some(parent),
            author: cell
                .select(&user_sel)
                .next()
                .map(element_text)
                .filter(|a| !a.is_empty()),
            time: cell
                .select(&age_sel)
                .next()
                .and_then(|a| a.attr("title"))
                .and_then(age_time),
            html: Cow::Owned(if removed { String::new() } else { html }),
            deleted: removed,
            removed,
        });
        open.push(index);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = seen.insert(item.id.as_str(), i) {
            return Err(Error::bad_input(format!(
                "duplicate item id {} (comments {first} and {i} of the page)",
                item.id
            )));
        }
    }
    Ok(finish(
        items,
        Story {
            title,
            url,
            points: None,
        },
    ))
}
