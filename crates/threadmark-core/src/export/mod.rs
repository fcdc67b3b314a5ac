//! Exports of threads: Markdown (Obsidian-friendly), a JSON backup, W3C Web
//! Annotation JSON-LD, CSV, a standalone HTML page, an Argdown argument map and the
//! argument map as a standalone SVG picture (`graph.rs` lays it out, `svg.rs` draws it).
//!
//! Exports read only from the library; they never change it. Text from threads is
//! always written as text: escaped for the format (HTML, Markdown, Argdown) or as a
//! quoted field (JSON, CSV), never as markup.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub mod argdown;
mod csv;
pub mod graph;
pub mod html;
mod layers;
pub mod markdown;
pub mod svg;
pub mod vault;
mod w3c;

use std::path::{Path, PathBuf};

pub use markdown::markdown;
pub use w3c::{w3c_collection, THREADMARK_KEY};

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
    Html,
    Argdown,
    Svg,
}

impl ExportFormat {
    /// Parse a `--format` value.
    pub fn parse(name: &str) -> Result<ExportFormat> {
        match name {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            "w3c" => Ok(ExportFormat::W3c),
            "csv" => Ok(ExportFormat::Csv),
            "html" => Ok(ExportFormat::Html),
            "argdown" | "ad" => Ok(ExportFormat::Argdown),
            "svg" => Ok(ExportFormat::Svg),
            other => Err(Error::new(
                crate::ErrorKind::Unsupported,
                format!(
                    "unknown export format {other:?}; this build exports md, json, w3c, csv, html, argdown and svg"
                ),
            )),
        }
    }

    /// Every format's `--format` name.
    pub const NAMES: &'static [&'static str] =
        &["md", "json", "w3c", "csv", "html", "argdown", "svg"];

    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
            ExportFormat::W3c => "jsonld",
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
            ExportFormat::Argdown => "argdown",
            ExportFormat::Svg => "svg",
        }
    }

    /// Whether a library export in this format is a folder of one file per thread.
    pub fn per_thread(self) -> bool {
        matches!(
            self,
            ExportFormat::Markdown | ExportFormat::Html | ExportFormat::Argdown | ExportFormat::Svg
        )
    }
}

/// What a reader is told beside a post's head, in this order: `new` or `edited`
/// (by the last re-import), `removed` (gone from the source, or deleted there), and
/// `N replies not saved` when the source left replies out.
pub fn post_marks(post: &Post) -> Vec<String> {
    let mut marks: Vec<String> = Vec::new();
    if let Some(change @ ("new" | "edited")) = post.change.as_deref() {
        marks.push(change.to_string());
    }
    if post.deleted || post.change.as_deref() == Some("removed") {
        marks.push("removed".to_string());
    }
    match post.missing_replies {
        n if n <= 0 => {}
        1 => marks.push("1 reply not saved".to_string()),
        n => marks.push(format!("{n} replies not saved")),
    }
    marks
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

/// Now, in unix seconds.
fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Export the given threads (all threads when `threads` is empty is the caller's
/// choice; pass the ids explicitly).
pub fn export(lib: &Library, threads: &[i64], format: ExportFormat) -> Result<String> {
    export_at(lib, threads, format, now())
}

/// [`export`] with the export time given (unix seconds), for reproducible output.
/// HTML is one page per thread: more than one thread is refused (see
/// [`export_files`]).
pub fn export_at(
    lib: &Library,
    threads: &[i64],
    format: ExportFormat,
    exported_at: i64,
) -> Result<String> {
    match format {
        ExportFormat::Html => match threads {
            [one] => html::thread_html(lib, *one, exported_at),
            _ => Err(Error::bad_input(
                "an HTML export is one page per thread: export one thread, or the library as a folder",
            )),
        },
        ExportFormat::Svg => match threads {
            [one] => svg::svg(lib, *one),
            _ => Err(Error::bad_input(
                "an SVG export is one picture per thread: export one thread, or the library as a folder",
            )),
        },
        ExportFormat::Argdown => argdown::argdown(lib, threads, &attachments(lib, threads)?, exported_at),
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
                out.push_str(&markdown(lib, id, exported_at)?);
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

/// Text as CommonMark that renders as exactly that text: a backslash before every
/// character that can start markup (links, images, emphasis, code, HTML, entities,
/// tables) and before a line's first character when it could start a block (a
/// heading, list item, rule or setext underline). No text from a thread can become
/// a link, an HTML tag or an entity this way.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut rest = text.chars().peekable();
    while let Some(c) = rest.next() {
        if c == '\n' {
            out.push(c);
            line_start = true;
            continue;
        }
        let block_start = line_start && matches!(c, '-' | '+' | '=');
        let inline = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '|' | '~' | '#'
        );
        if block_start || inline {
            out.push('\\');
        }
        out.push(c);
        if line_start && c.is_ascii_digit() {
            // Digits at a line start then `.` or `)` would start an ordered list.
            while let Some(&d) = rest.peek() {
                if d.is_ascii_digit() {
                    out.push(d);
                    rest.next();
                } else {
                    break;
                }
            }
            if let Some(&p) = rest.peek() {
                if p == '.' || p == ')' {
                    out.push('\\');
                }
            }
        }
        if !(c == ' ' || c == '\t') {
            line_start = false;
        }
    }
    out
}

/// A post's text as Markdown: quote spans become `> ` lines.
pub fn post_markdown(post: &Post, quotes: &[&Quote]) -> String {
    quoted_lines(post, quotes, false)
}

/// [`post_markdown`] with each line's text escaped by [`markdown_escape`] when
/// `escape` is set (exports); the terminal view prints it unescaped.
fn quoted_lines(post: &Post, quotes: &[&Quote], escape: bool) -> String {
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
            let line = if escape { markdown_escape(&line) } else { line };
            if depth > 0 {
                out.push_str(&"> ".repeat(depth));
            }
            out.push_str(&line);
            out.push('\n');
            line_start = i + 1;
        }
    }
    out.trim_end().to_string()
}

/// Reads a JSON backup file (an `export --format json`) for [`Library::restore`];
/// errors name the file.
pub fn read_backup(path: &Path) -> Result<Value> {
    let bytes = crate::import::read_path(path, crate::import::DEFAULT_MAX_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|e| Error::from(e).in_file(path))
}

/// Which highlight attaches to which in the argument map, from the threads' links:
/// `supports` is a pro relation, `rebuts` a con relation.
fn attachments(lib: &Library, threads: &[i64]) -> Result<argdown::Attachments> {
    let mut out = Vec::new();
    for &id in threads {
        let uuids: std::collections::HashMap<i64, String> = lib
            .highlights(id)?
            .into_iter()
            .map(|h| (h.id, h.uuid))
            .collect();
        for link in lib.links(id)? {
            let relation = match link.kind {
                crate::LinkKind::Supports => argdown::Relation::Pro,
                crate::LinkKind::Rebuts => argdown::Relation::Con,
                _ => continue,
            };
            if let (Some(from), Some(to)) = (uuids.get(&link.from), uuids.get(&link.to)) {
                out.push((from.clone(), to.clone(), relation));
            }
        }
    }
    Ok(out)
}

/// A file name for a thread: its id and a slug of its title (letters and digits,
/// words joined by `-`, at most 60 characters), and the format's extension.
pub fn file_name(thread: &crate::model::ThreadSummary, format: ExportFormat) -> String {
    let mut slug = String::new();
    for word in thread
        .title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if slug.chars().count() + word.chars().count() + 1 > 60 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    if slug.is_empty() {
        format!("{}.{}", thread.id, format.extension())
    } else {
        format!("{}-{}.{}", thread.id, slug, format.extension())
    }
}

/// One file per thread for a folder export (Markdown, HTML, Argdown, SVG): `(name, text)`.
pub fn export_files(
    lib: &Library,
    threads: &[i64],
    format: ExportFormat,
    exported_at: i64,
) -> Result<Vec<(String, String)>> {
    if !format.per_thread() {
        return Err(Error::bad_input(format!(
            "a {} export is one file for the whole library, not a folder",
            format.extension()
        )));
    }
    threads
        .iter()
        .map(|&id| {
            let name = file_name(&lib.thread(id)?, format);
            Ok((name, export_at(lib, &[id], format, exported_at)?))
        })
        .collect()
}

/// Write a file whole or not at all: a temporary file beside it, then a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let wrap = |e: std::io::Error| Error::from(e).in_file(path);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::bad_input("not a file name").in_file(path))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(wrap)
}

/// Export threads into one file (written whole or not at all). One thread's
/// Markdown into a file that exists updates it in place ([`vault`]).
pub fn save_file(lib: &Library, threads: &[i64], format: ExportFormat, path: &Path) -> Result<()> {
    if let (ExportFormat::Markdown, [one]) = (format, threads) {
        vault::save_markdown_file(lib, *one, path, now())?;
        return Ok(());
    }
    let text = export(lib, threads, format)?;
    write_file(path, text.as_bytes())
}

/// Export threads as a folder of one file per thread, creating the folder if needed.
/// Every file is made before any is written, so a library error writes nothing;
/// each file is written whole. Markdown updates the threads' files in the folder in
/// place, wherever they are under it ([`vault::save_vault`]). Returns the files
/// written.
pub fn save_folder(
    lib: &Library,
    threads: &[i64],
    format: ExportFormat,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    if format == ExportFormat::Markdown {
        return vault::save_vault(lib, threads, dir, now());
    }
    let files = export_files(lib, threads, format, now())?;
    std::fs::create_dir_all(dir).map_err(|e| Error::from(e).in_file(dir))?;
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        write_file(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
