//! How the CLI prints: plain text for people, one JSON document for scripts. Every
//! string from the library passes through [`crate::terminal`] first.

use std::io::Write;

use crate::terminal::{block, line};

use serde_json::{json, Value};
use threadmark_core::export::rfc3339;
use threadmark_core::model::Highlight;
use threadmark_core::{Post, Quote, Result, SearchHit, ThreadSummary};

pub fn print_json(out: &mut impl Write, value: &Value) -> Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        crate::terminal::SafeFormatter::default(),
    );
    serde::Serialize::serialize(value, &mut ser)?;
    writeln!(out)?;
    Ok(())
}

pub fn threads_json(threads: &[ThreadSummary]) -> Value {
    Value::Array(threads.iter().map(thread_json).collect())
}

fn thread_json(t: &ThreadSummary) -> Value {
    json!({
        "id": t.id, "title": t.title, "source": t.source, "url": t.url,
        "posts": t.posts, "highlights": t.highlights,
        "imported_at": rfc3339(t.imported_at),
        "last_opened_at": t.last_opened_at.map(rfc3339),
    })
}

pub fn show_json(t: &ThreadSummary, posts: &[Post]) -> Value {
    let posts: Vec<Value> = posts
        .iter()
        .map(|p| {
            json!({
                "id": p.source_id, "parent": p.parent, "author": p.author,
                "created_at": p.created_at.map(rfc3339), "depth": p.depth,
                "position": p.position, "deleted": p.deleted, "text": p.text,
                "change": p.change, "missing_replies": p.missing_replies,
            })
        })
        .collect();
    json!({ "thread": thread_json(t), "posts": posts })
}

pub fn hits_json(hits: &[SearchHit]) -> Value {
    Value::Array(
        hits.iter()
            .map(|h| {
                json!({
                    "thread": h.thread_id, "thread_title": h.thread_title, "post": h.post,
                    "author": h.author, "snippet": h.snippet,
                })
            })
            .collect(),
    )
}

pub fn print_threads(out: &mut impl Write, threads: &[ThreadSummary]) -> Result<()> {
    if threads.is_empty() {
        writeln!(
            out,
            "The library is empty. Import a thread with: threadmark import FILE"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:<8} {:>6} {:>10}  TITLE",
        "ID", "SOURCE", "POSTS", "HIGHLIGHTS"
    )?;
    for t in threads {
        writeln!(
            out,
            "{:>5}  {:<8} {:>6} {:>10}  {}",
            t.id,
            line(&t.source),
            t.posts,
            t.highlights,
            line(&t.title)
        )?;
    }
    Ok(())
}

/// The thread as an indented tree; quote spans as `> ` lines.
pub fn print_tree(
    out: &mut impl Write,
    t: &ThreadSummary,
    posts: &[Post],
    quotes: &[Quote],
) -> Result<()> {
    writeln!(
        out,
        "{}  ({} posts, {})",
        line(&t.title),
        t.posts,
        line(&t.source)
    )?;
    for p in posts {
        let indent = "  ".repeat(p.depth.max(0) as usize);
        let mut head = format!(
            "{indent}── {} · post {}",
            line(p.author.as_deref().unwrap_or("anonymous")),
            line(&p.source_id)
        );
        if let Some(at) = p.created_at {
            head.push_str(&format!(" · {}", rfc3339(at)));
        }
        for mark in threadmark_core::export::post_marks(p) {
            head.push_str(&format!(" · [{mark}]"));
        }
        writeln!(out, "\n{head}")?;
        let own: Vec<&Quote> = quotes.iter().filter(|q| q.post == p.source_id).collect();
        let body = threadmark_core::export::post_markdown(p, &own);
        for text in block(&body).lines() {
            writeln!(out, "{indent}   {text}")?;
        }
    }
    Ok(())
}

pub fn print_quotes(out: &mut impl Write, quotes: &[Quote]) -> Result<()> {
    for q in quotes {
        let source = match &q.source {
            Some(s) => format!("post {}", line(s)),
            None => "external or unresolved".to_string(),
        };
        writeln!(
            out,
            "post {} [{}..{}] → {}: {}",
            line(&q.post),
            q.start,
            q.end,
            source,
            line(&q.text)
        )?;
    }
    Ok(())
}

/// Search hits grouped by thread. The snippets carry [`MATCH_START`] and
/// [`MATCH_END`] around the matched words: bold when `styled`, dropped otherwise.
pub fn print_hits(out: &mut impl Write, hits: &[SearchHit], styled: bool) -> Result<()> {
    if hits.is_empty() {
        writeln!(out, "No matches.")?;
    }
    let (bold, plain) = if styled {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut current = None;
    for h in hits {
        if current != Some(h.thread_id) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{} (thread {})", line(&h.thread_title), h.thread_id)?;
            current = Some(h.thread_id);
        }
        let snippet = line(&h.snippet)
            .replace(MATCH_START, bold)
            .replace(MATCH_END, plain);
        writeln!(out, "  post {}: {}", line(&h.post), snippet)?;
    }
    Ok(())
}

/// Where a search match starts and ends in a snippet (private-use characters,
/// which [`line`] keeps).
pub const MATCH_START: &str = "\u{E000}";
pub const MATCH_END: &str = "\u{E001}";

pub fn highlight_json(h: &Highlight) -> Value {
    json!({
        "id": h.uuid, "number": h.id, "post": h.post, "exact": h.exact, "start": h.start, "end": h.end,
        "label": h.label, "note": h.note, "tags": h.tags, "state": h.state,
        "prefix": h.prefix, "suffix": h.suffix,
    })
}

pub fn print_highlights(out: &mut impl Write, highlights: &[Highlight]) -> Result<()> {
    if highlights.is_empty() {
        writeln!(out, "No highlights.")?;
    }
    for h in highlights {
        writeln!(
            out,
            "{} {} {} post {} [{}..{}] {}{}: “{}”",
            h.id,
            h.uuid,
            line(h.label.as_deref().unwrap_or("Highlight")),
            line(&h.post),
            h.start,
            h.end,
            h.state,
            if h.tags.is_empty() {
                String::new()
            } else {
                format!(" #{}", line(&h.tags.join(" #")))
            },
            line(&h.exact)
        )?;
        if !h.note.is_empty() {
            writeln!(out, "    note: {}", line(&h.note))?;
        }
    }
    Ok(())
}
