//! Discourse topic JSON (`/t/{id}.json`): `post_stream.posts` with `post_number`,
//! `reply_to_post_number`, `cooked` HTML, `username` and `created_at`. Post 1 is the
//! root post (the topic's title, then its text); a post replying to no post, or to
//! one not in the file, hangs under it. Only the posts the file holds are imported
//! (a topic's first page holds about 20; `post_stream.stream` lists the rest by id).
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
    let topic_id = number(topic.get("id")).map(|n| n.to_string());
    let title = str_field(topic, "title")
        .unwrap_or_else(|| format!("Discourse topic {}", topic_id.as_deref().unwrap_or("?")));

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
    // Post 1 is the root; without it, the lowest number.
    let root = numbers
        .iter()
        .enumerate()
        .min_by_key(|(_, &n)| n)
        .map_or(0, |(i, _)| i);
    let root_number = numbers[root];
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
        let parent = if i == root {
            None
        } else {
            // Replies come after what they reply to; anything else hangs under post 1.
            Some(
                number(p.get("reply_to_post_number"))
                    .filter(|r| seen.contains(r) && *r < n)
                    .unwrap_or(root_number)
                    .to_string(),
            )
        };
        let body = if i == root {
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
