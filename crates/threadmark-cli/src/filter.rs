//! `threadmark show ID --filter QUERY`: the posts of a thread that the query selects
//! (the query language of `threadmark_core::filter`, the same as the app's `f`), each
//! printed under its ancestors, which stand as context: their head only, marked so.

use std::collections::HashSet;
use std::io::Write;

use serde_json::json;
use threadmark_core::export::rfc3339;
use threadmark_core::{Library, Post, Result};

use crate::output;

pub fn show_filtered(
    out: &mut impl Write,
    lib: &Library,
    thread: i64,
    query: &str,
    as_json: bool,
) -> Result<()> {
    let t = lib.thread(thread)?;
    let matched: HashSet<String> = lib.filter_thread(thread, query)?.into_iter().collect();
    let posts = lib.posts(thread)?;
    if as_json {
        let selected: Vec<_> = posts
            .iter()
            .filter(|p| matched.contains(&p.source_id))
            .map(|p| {
                json!({
                    "id": p.source_id, "parent": p.parent, "author": p.author,
                    "created_at": p.created_at.map(rfc3339), "depth": p.depth,
                    "position": p.position, "deleted": p.deleted, "text": p.text,
                })
            })
            .collect();
        let doc = json!({ "thread": { "id": t.id, "title": t.title }, "filter": query, "matches": selected.len(), "posts": selected });
        return output::print_json(out, &doc);
    }
    let context = ancestors_of(&posts, &matched);
    writeln!(
        out,
        "{}  ({} of {} posts match `{query}`)",
        t.title,
        matched.len(),
        t.posts
    )?;
    let quotes = lib.quote_blocks(thread, true)?;
    for p in &posts {
        let indent = "  ".repeat(p.depth.max(0) as usize);
        let who = p.author.as_deref().unwrap_or("anonymous");
        if matched.contains(&p.source_id) {
            writeln!(out, "\n{indent}── {who} · post {}", p.source_id)?;
            let own: Vec<_> = quotes.iter().filter(|q| q.post == p.source_id).collect();
            for line in threadmark_core::export::post_markdown(p, &own).lines() {
                writeln!(out, "{indent}   {line}")?;
            }
        } else if context.contains(p.source_id.as_str()) {
            writeln!(out, "\n{indent}·· {who} · post {} (context)", p.source_id)?;
        }
    }
    Ok(())
}

/// The ancestors of the matched posts that are not matches themselves.
fn ancestors_of<'a>(posts: &'a [Post], matched: &HashSet<String>) -> HashSet<&'a str> {
    let parent: std::collections::HashMap<&str, &str> = posts
        .iter()
        .filter_map(|p| Some((p.source_id.as_str(), p.parent.as_deref()?)))
        .collect();
    let mut context = HashSet::new();
    for id in matched {
        let mut at = parent.get(id.as_str()).copied();
        while let Some(p) = at {
            if matched.contains(p) || !context.insert(p) {
                break;
            }
            at = parent.get(p).copied();
        }
    }
    context
}
