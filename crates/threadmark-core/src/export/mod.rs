//! Exports of threads: Markdown (Obsidian-friendly), a JSON backup, W3C Web
//! Annotation JSON-LD and CSV.
//!
//! Exports read only from the library; they never change it.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

mod csv;
mod w3c;

pub use w3c::w3c_collection;

use crate::error::{Error, Result};
use crate::model::{Post, Quote};
use crate::store::Library;

/// The JSON export's format name and version.
pub const JSON_FORMAT: &str = "threadmark-export";
pub const JSON_VERSION: u32 = 1;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
    W3c,
    Csv,
}

impl ExportFormat {
    /// Parse a `--format` value.
    pub fn parse(name: &str) -> Result<ExportFormat> {
        match name {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "w3c" => Ok(ExportFormat::W3c),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(Error::new(
                crate::ErrorKind::Unsupported,
                format!(
                    "unknown export format {other:?}; this build exports md, json, w3c and csv"
                ),
            )),
        }
    }
}

/// A stable address of a post: its page at the source where there is one, else a
/// `urn:threadmark:` name (text dumps) or a `mid:` URL (mail, RFC 2392).
pub fn permalink(thread: &crate::model::ThreadSummary, post: &str) -> String {
    let url = thread.url.as_deref().unwrap_or("").trim_end_matches('/');
    match thread.source.as_str() {
        "hn" => format!("https://news.ycombinator.com/item?id={post}"),
        "lobsters" => format!("https://lobste.rs/c/{post}"),
        "reddit" if !url.is_empty() => format!("{url}/{}/", post.trim_start_matches("t1_")),
        "discourse" if !url.is_empty() => format!("{url}/{post}"),
        "mbox" | "maildir" => format!("mid:{}", post.trim_matches(['<', '>'])),
        _ => format!("urn:threadmark:thread:{}:post:{}", thread.id, post),
    }
}

/// Unix seconds as RFC 3339 (UTC).
pub fn rfc3339(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Export the given threads (all threads when `threads` is empty is the caller's
/// choice; pass the ids explicitly).
pub fn export(lib: &Library, threads: &[i64], format: ExportFormat) -> Result<String> {
    match format {
        ExportFormat::W3c => {
            let mut s = serde_json::to_string_pretty(&w3c_collection(lib, threads)?)?;
            s.push('\n');
            Ok(s)
        }
        ExportFormat::Csv => csv::highlights_csv(lib, threads),
        ExportFormat::Json => {
            let value = json_export(lib, threads)?;
            let mut s = serde_json::to_string_pretty(&value)?;
            s.push('\n');
            Ok(s)
        }
        ExportFormat::Markdown => {
            let mut out = String::new();
            for (i, &id) in threads.iter().enumerate() {
                if i > 0 {
                    out.push_str("\n\n");
                }
                out.push_str(&markdown(lib, id)?);
            }
            Ok(out)
        }
    }
}

/// The JSON backup document for some threads.
pub fn json_export(lib: &Library, threads: &[i64]) -> Result<Value> {
    let labels: Vec<Value> = lib
        .labels()?
        .into_iter()
        .map(|l| json!({"name": l.name, "color": l.color, "shortcut": l.shortcut, "position": l.position}))
        .collect();
    let mut out = Vec::with_capacity(threads.len());
    for &id in threads {
        let t = lib.thread(id)?;
        let (uuid, source_key, created_at) = lib.thread_identity(id)?;
        let posts: Vec<Value> = lib
            .posts(id)?
            .into_iter()
            .map(|p| {
                json!({
                    "id": p.source_id, "parent": p.parent, "position": p.position, "depth": p.depth,
                    "author": p.author, "created_at": p.created_at, "deleted": p.deleted,
                    "text": p.text, "html": p.html,
                })
            })
            .collect();
        let quotes: Vec<Value> = lib
            .quote_blocks(id, true)?
            .into_iter()
            .map(|q| {
                let mut v = quote_json(&q);
                v["depth"] = q.depth.into();
                v
            })
            .collect();
        let highlights: Vec<Value> = lib
            .highlights(id)?
            .into_iter()
            .map(|h| {
                json!({
                    "id": h.uuid, "post": h.post, "exact": h.exact, "prefix": h.prefix, "suffix": h.suffix,
                    "start": h.start, "end": h.end, "label": h.label, "note": h.note, "tags": h.tags,
                    "state": h.state, "created": rfc3339(h.created_at), "modified": rfc3339(h.updated_at),
                })
            })
            .collect();
        out.push(json!({
            "id": t.id, "uuid": uuid, "title": t.title, "source": t.source, "source_key": source_key,
            "url": t.url, "created_at": rfc3339(created_at), "imported_at": rfc3339(t.imported_at),
            "posts": posts, "quotes": quotes, "highlights": highlights,
            "links": lib.links_json(id)?,
        }));
    }
    Ok(json!({
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "labels": labels,
        "threads": out,
    }))
}

/// A quote as the CLI's `quotes --json` and the JSON export give it.
pub fn quote_json(q: &Quote) -> Value {
    json!({
        "post": q.post, "start": q.start, "end": q.end, "text": q.text,
        "source": q.source, "source_start": q.source_start, "source_end": q.source_end, "score": q.score,
    })
}

/// YAML double-quoted scalar.
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A post's text as Markdown: quote spans become `> ` lines.
pub fn post_markdown(post: &Post, quotes: &[&Quote]) -> String {
    let chars: Vec<char> = post.text.chars().collect();
    let mut depth_at = vec![0usize; chars.len()];
    for q in quotes {
        let (s, e) = (
            q.start.max(0) as usize,
            (q.end.max(0) as usize).min(chars.len()),
        );
        for d in depth_at.iter_mut().take(e).skip(s) {
            *d += 1;
        }
    }
    let mut out = String::new();
    let mut line_start = 0;
    for (i, c) in chars
        .iter()
        .enumerate()
        .chain(std::iter::once((chars.len(), &'\n')))
    {
        if *c == '\n' {
            let line: String = chars[line_start..i.min(chars.len())].iter().collect();
            let depth = depth_at.get(line_start).copied().unwrap_or(0);
            if depth > 0 {
                out.push_str(&"> ".repeat(depth));
                out.push_str(&line);
                out.push('\n');
            } else {
                out.push_str(&line);
                out.push('\n');
            }
            line_start = i + 1;
        }
    }
    out.trim_end().to_string()
}

/// One thread as Markdown with YAML front matter: its highlights (if any), then its
/// posts with quotes as block quotes.
pub fn markdown(lib: &Library, thread_id: i64) -> Result<String> {
    let t = lib.thread(thread_id)?;
    let posts = lib.posts(thread_id)?;
    let quotes = lib.quote_blocks(thread_id, true)?;
    let highlights = lib.highlights(thread_id)?;
    let mut out = String::new();
    out.push_str("---\n");
    out.push_str(&format!("title: {}\n", yaml(&t.title)));
    out.push_str(&format!("source: {}\n", t.source));
    if let Some(url) = &t.url {
        out.push_str(&format!("url: {}\n", yaml(url)));
    }
    out.push_str(&format!("threadmark_id: {}\n", t.id));
    out.push_str(&format!("saved: {}\n", rfc3339(t.imported_at)));
    out.push_str(&format!("posts: {}\n", t.posts));
    out.push_str(&format!("highlights: {}\n", t.highlights));
    out.push_str("---\n\n");
    out.push_str(&format!("# {}\n", t.title));
    if !highlights.is_empty() {
        out.push_str("\n## Highlights\n");
        for h in &highlights {
            out.push_str(&format!(
                "\n- **{}** (post {}{}): “{}”\n",
                h.label.as_deref().unwrap_or("Highlight"),
                h.post,
                if h.state == "anchored" {
                    String::new()
                } else {
                    format!(", {}", h.state)
                },
                h.exact.replace('\n', " ")
            ));
            if !h.note.is_empty() {
                out.push_str(&format!("  - Note: {}\n", h.note.replace('\n', " ")));
            }
        }
    }
    out.push_str("\n## Thread\n");
    for post in &posts {
        let author = post.author.as_deref().unwrap_or("anonymous");
        let mut heading = format!("\n### {} · post {}", author, post.source_id);
        if let Some(at) = post.created_at {
            heading.push_str(&format!(" · {}", rfc3339(at)));
        }
        if post.deleted {
            heading.push_str(" · removed");
        }
        out.push_str(&heading);
        out.push_str("\n\n");
        let own: Vec<&Quote> = quotes.iter().filter(|q| q.post == post.source_id).collect();
        out.push_str(&post_markdown(post, &own));
        out.push('\n');
    }
    Ok(out)
}
