//! Lobsters story JSON (`/s/{short_id}.json`): the story with a flat `comments` list
//! in thread order. Each comment names its parent (`parent_comment`, a short id);
//! older exports without it give the depth instead (`indent_level`, 1-based, in the
//! 2023 shape; `depth`, 0-based, in the 2025 shape). The story is the root post:
//! its title linked to its URL, then its description. Comment bodies are the
//! rendered Markdown in `comment`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::hn::{parse_timestamp, root_body};
use super::html::{convert, Options};
use crate::body::Body;
use crate::error::{Error, Result};
use crate::model::{PostDoc, ThreadDoc};

/// Whether a JSON document is a Lobsters story.
pub fn sniff(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.get("short_id").is_some_and(Value::is_string)
            && o.contains_key("title")
            && o.get("comments").is_some_and(Value::is_array)
    })
}

fn html_body(html: &str) -> Body {
    convert(
        html,
        Options {
            quote_markers: false,
        },
    )
    .body
}

fn str_field(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A user given as a name or as an object with `username`.
fn user(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => str_field(o, "username"),
        _ => None,
    }
}

/// Parse a Lobsters story.
pub fn parse(value: &Value) -> Result<ThreadDoc> {
    let story = value
        .as_object()
        .ok_or_else(|| Error::bad_input("expected a Lobsters story (a JSON object)"))?;
    let short_id = str_field(story, "short_id").ok_or_else(|| {
        Error::bad_input("not a Lobsters story: no `short_id`").at("the top-level object")
    })?;
    let title = str_field(story, "title").unwrap_or_else(|| format!("Lobsters story {short_id}"));
    let link = str_field(story, "url");
    let page = str_field(story, "comments_url").or_else(|| str_field(story, "short_id_url"));
    let description = html_body(&str_field(story, "description").unwrap_or_default());
    let mut posts = vec![PostDoc {
        source_id: short_id.clone(),
        parent: None,
        author: user(story.get("submitter_user")),
        created_at: story
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(parse_timestamp),
        body: root_body(
            Some(&title),
            link.as_deref().or(page.as_deref()),
            description,
        ),
        deleted: false,
        missing_replies: 0,
        points: story.get("score").and_then(Value::as_i64),
        quote_sources: Vec::new(),
    }];

    let comments = match story.get("comments") {
        Some(Value::Array(c)) => c.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err(Error::bad_input("`comments` is not a list").at("comments")),
    };
    let mut index_of: HashMap<String, usize> = HashMap::new();
    // The open comment at each depth, for files that give depths only.
    let mut open: Vec<String> = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        let place = || format!("comments[{i}]");
        let o = c
            .as_object()
            .ok_or_else(|| Error::bad_input("expected a comment (a JSON object)").at(place()))?;
        let id = str_field(o, "short_id")
            .ok_or_else(|| Error::bad_input("comment without a `short_id`").at(place()))?;
        if let Some(first) = index_of.get(&id) {
            return Err(Error::bad_input(format!(
                "duplicate comment id {id} (also at comments[{}])",
                first - 1
            ))
            .at(place()));
        }
        // 0-based depth, when given.
        let depth = o
            .get("depth")
            .and_then(Value::as_u64)
            .or_else(|| {
                o.get("indent_level")
                    .and_then(Value::as_u64)
                    .map(|l| l.saturating_sub(1))
            })
            .map(|d| d as usize);
        let named = str_field(o, "parent_comment");
        let parent = match (&named, depth) {
            (Some(p), _) if index_of.contains_key(p) => p.clone(),
            // A parent not (yet) in the file: hang the comment under the story.
            (Some(_), _) => short_id.clone(),
            (None, Some(d)) if d > 0 => open
                .get(d - 1)
                .or(open.last())
                .cloned()
                .unwrap_or_else(|| short_id.clone()),
            (None, _) => short_id.clone(),
        };
        let level = depth.unwrap_or_else(|| {
            if parent == short_id {
                0
            } else {
                open.iter().position(|p| *p == parent).map_or(0, |d| d + 1)
            }
        });
        open.truncate(level);
        open.push(id.clone());
        let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        let deleted = flag("is_deleted") || flag("is_moderated");
        index_of.insert(id.clone(), posts.len());
        posts.push(PostDoc {
            source_id: id,
            parent: Some(parent),
            author: user(o.get("commenting_user")),
            created_at: o
                .get("created_at")
                .and_then(Value::as_str)
                .and_then(parse_timestamp),
            body: html_body(&str_field(o, "comment").unwrap_or_default()),
            deleted,
            missing_replies: 0,
            points: o.get("score").and_then(Value::as_i64),
            quote_sources: Vec::new(),
        });
    }
    Ok(ThreadDoc {
        title,
        source: "lobsters",
        source_key: Some(short_id),
        url: link.or(page),
        posts,
    })
}
