//! Discourse topic JSON (`/t/{id}.json`): `post_stream.posts` with `post_number`,
//! `reply_to_post_number`, `cooked` HTML, `username` and `created_at`. Post 1 is the
//! root post (the topic's title, then its text); a post replying to no post hangs
//! under it. Only the posts the file holds are imported (a topic's first page holds
//! about 20; `post_stream.stream` lists the rest by id).
//!
//! A page of a topic (`/t/ID/posts.json?page=N` or `?post_ids[]=…`: the topic's id
//! and some posts, without a title) is read the same way: a post keeps the post it
//! replies to as its parent even when that post is on another page, nothing is
//! added to any post's text, and the thread's title is left empty (the library
//! keeps the saved one; see `ThreadDoc::title`). Imported one after another, the
//! pages merge into one thread (`store/write.rs`).
//!
//! Quote asides (`<aside class="quote" data-post="3" data-topic="1148">`) become
//! quote blocks; [`parse_with_quote_sources`] also returns the post each one names.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::hn::{parse_timestamp, root_body};
use super::html::{convert, Options, QuoteRef};
use crate::error::{Error, Result};
use crate::model::{PostDoc, ThreadDoc};

/// Whether a JSON document is a Discourse topic.
pub fn sniff(value: &Value) -> bool {
    value
        .get("post_stream")
        .and_then(|s| s.get("posts"))
        .is_some_and(Value::is_array)
}

/// Parse a Discourse topic.
pub fn parse(value: &Value) -> Result<ThreadDoc> {
    parse_with_quote_sources(value).map(|(doc, _)| doc)
}

fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_field(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Parse a Discourse topic, with, for each post, the source each of its quote blocks
/// names (in the order of the rendered body's quotes; `None` for a quote that names
/// none). A quote of a post of this topic names that post's number; a quote of
/// another topic is external (`QuoteRef::topic` differs from the thread's key).
#[allow(clippy::type_complexity)]
pub fn parse_with_quote_sources(value: &Value) -> Result<(ThreadDoc, Vec<Vec<Option<QuoteRef>>>)> {
    let topic = value
        .as_object()
        .ok_or_else(|| Error::bad_input("expected a Discourse topic (a JSON object)"))?;
    let posts = topic
        .get("post_stream")
        .and_then(|s| s.get("posts"))
        .and_then(Value::as_array)
        .ok_or_else(|| Error::bad_input("no `post_stream.posts` list").at("post_stream"))?;
    if posts.is_empty() {
        return Err(Error::bad_input("the topic holds no posts").at("post_stream.posts"));
    }
    // A page of posts names its topic at the top (`id`) and in each post (`topic_id`).
    let topic_id = number(topic.get("id"))
        .or_else(|| posts.iter().find_map(|p| number(p.get("topic_id"))))
        .map(|n| n.to_string());
    // A page has no title: then it is empty, and no post gets one.
    let title = str_field(topic, "title").unwrap_or_default();
    let page = title.is_empty();

    let mut numbers = Vec::with_capacity(posts.len());
    let mut seen = HashSet::new();
    for (i, p) in posts.iter().enumerate() {
        let place = || format!("post_stream.posts[{i}]");
        let n = number(p.get("post_number"))
            .ok_or_else(|| Error::bad_input("post without a `post_number`").at(place()))?;
        if !seen.insert(n) {
            return Err(Error::bad_input(format!("duplicate post number {n}")).at(place()));
        }
        numbers.push(n);
    }
    // Post 1 is the root; a page without it has none (its posts hang under post 1
    // all the same, which the library finds when it holds that page).
    let root = numbers.iter().position(|&n| n == 1);
    let root_number = 1;
    let mut order: Vec<usize> = (0..posts.len()).collect();
    order.sort_by_key(|&i| numbers[i]);

    let mut out = Vec::with_capacity(posts.len());
    let mut sources = Vec::with_capacity(posts.len());
    for i in order {
        let p = posts[i].as_object().ok_or_else(|| {
            Error::bad_input("expected a post (a JSON object)")
                .at(format!("post_stream.posts[{i}]"))
        })?;
        let n = numbers[i];
        let converted = convert(
            &str_field(p, "cooked").unwrap_or_default(),
            Options {
                quote_markers: false,
            },
        );
        let parent = if Some(i) == root {
            None
        } else {
            // Replies come after what they reply to (in this file or on another
            // page); anything else hangs under post 1.
            Some(
                number(p.get("reply_to_post_number"))
                    .filter(|r| *r < n && (page || seen.contains(r)))
                    .unwrap_or(root_number)
                    .to_string(),
            )
        };
        let body = if Some(i) == root {
            root_body(Some(&title), None, converted.body)
        } else {
            converted.body
        };
        out.push(PostDoc {
            source_id: n.to_string(),
            parent,
            author: str_field(p, "username"),
            created_at: p
                .get("created_at")
                .and_then(Value::as_str)
                .and_then(parse_timestamp),
            body,
            deleted: p.get("deleted_at").is_some_and(|d| !d.is_null()),
            missing_replies: 0,
            points: likes(p),
            quote_sources: Vec::new(),
        });
        sources.push(converted.quote_sources);
    }
    Ok((
        ThreadDoc {
            title,
            source: "discourse",
            source_key: topic_id,
            url: None,
            posts: out,
        },
        sources,
    ))
}

/// A post's likes: `like_count` when the topic gives it, else the count of the
/// like action (id 2) in `actions_summary`; `None` when neither is there.
fn likes(p: &Map<String, Value>) -> Option<i64> {
    if let Some(n) = p.get("like_count").and_then(Value::as_i64) {
        return Some(n);
    }
    // Discourse leaves out actions nobody took: no like action is no likes.
    let actions = p.get("actions_summary")?.as_array()?;
    Some(
        actions
            .iter()
            .find(|a| a.get("id").and_then(Value::as_i64) == Some(2))
            .and_then(|a| a.get("count").and_then(Value::as_i64))
            .unwrap_or(0),
    )
}
