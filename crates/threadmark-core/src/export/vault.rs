//! Markdown exports that live beside the user's notes (an Obsidian vault): a new
//! export of a thread updates its file in place instead of overwriting it.
//!
//! The Markdown export ([`super::markdown`]) writes what Threadmark owns as managed
//! blocks: lines `<!-- threadmark:begin ID sha=HASH -->` … `<!-- threadmark:end ID -->`
//! around the title (`title`), each highlight (`h-<uuid>`) and the thread
//! (`thread`); `HASH` is a hash of what the export wrote between the two lines. A
//! re-export into an existing file ([`merge`]):
//! - keeps every byte outside the blocks (the user's links, paragraphs, headings);
//! - replaces each block with its new version; where the user edited inside one
//!   (its text no longer has its hash) the new version still wins and the user's
//!   version is kept just after the block, outside it, as a quoted note;
//! - inserts a new highlight's block in thread order (after the block of the
//!   highlight before it, else before the one after it, else before the thread);
//! - marks a block whose highlight was deleted in Threadmark as deleted (marker
//!   ` deleted` and a line saying so) and keeps it; it is not touched again;
//! - merges the front matter: the keys Threadmark writes ([`OWNED_KEYS`]) take their
//!   new values in place, a key of ours the new export lacks goes, and the user's
//!   own keys stay where they are, byte for byte.
//!
//! A file exported before blocks existed (no markers) is rewritten whole, and its
//! old text is kept beside it (`NAME.before-blocks.md`). In a folder
//! ([`save_vault`]) a thread's file is found by the `thread_uuid` of its front
//! matter, at any depth (hidden folders such as `.obsidian` skipped), so a file the
//! user renamed or moved is updated where it is.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{file_name, markdown, rfc3339, write_file, ExportFormat};
use crate::error::{Error, Result};
use crate::store::Library;

/// Front matter keys the export writes and a re-export updates.
pub const OWNED_KEYS: &[&str] = &[
    "title",
    "source",
    "link",
    "site",
    "authors",
    "saved",
    "exported",
    "tags",
    "threadmark_id",
    "thread_uuid",
    "posts",
    "highlights",
];

const BEGIN: &str = "<!-- threadmark:begin ";
const END: &str = "<!-- threadmark:end ";

/// The line opening block `id` (its hash is added by [`seal`]).
pub fn begin(id: &str) -> String {
    format!("{BEGIN}{id} -->\n")
}

/// The line closing block `id`.
pub fn end(id: &str) -> String {
    format!("{END}{id} -->\n")
}

/// FNV-1a, 64 bits, of the text with CRLF read as LF: a block's hash.
fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.replace("\r\n", "\n").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A managed block as found in a file.
#[derive(Debug, Clone)]
struct Block {
    id: String,
    sha: Option<String>,
    deleted: bool,
    /// What is between the marker lines.
    content: String,
    /// The block as it is in the file, markers included.
    raw: String,
}

impl Block {
    fn write(id: &str, attrs: &str, content: &str) -> String {
        format!("{BEGIN}{id}{attrs} -->\n{content}{END}{id} -->\n")
    }

    /// The block with the hash of its content in its opening line.
    fn sealed(&self) -> String {
        Block::write(
            &self.id,
            &format!(" sha={}", hash(&self.content)),
            &self.content,
        )
    }

    /// Whether the user changed what the export wrote.
    fn edited(&self) -> bool {
        self.sha.as_deref() != Some(hash(&self.content).as_str())
    }
}

#[derive(Debug, Clone)]
enum Seg {
    Text(String),
    Block(Block),
}

/// A line without its line break.
fn bare(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// An opening marker line: (id, sha, deleted).
fn parse_begin(line: &str) -> Option<(String, Option<String>, bool)> {
    let inner = bare(line).strip_prefix(BEGIN)?.strip_suffix(" -->")?;
    let mut words = inner.split(' ');
    let id = words.next().filter(|w| !w.is_empty())?.to_string();
    let (mut sha, mut deleted) = (None, false);
    for w in words {
        if let Some(s) = w.strip_prefix("sha=") {
            sha = Some(s.to_string());
        } else if w == "deleted" {
            deleted = true;
        }
    }
    Some((id, sha, deleted))
}

/// Text and blocks, in order. An opening line without its closing line is text.
fn split_body(body: &str) -> Vec<Seg> {
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let mut out: Vec<Seg> = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some((id, sha, deleted)) = parse_begin(lines[i]) {
            let close = format!("{END}{id} -->");
            if let Some(j) = (i + 1..lines.len()).find(|&j| bare(lines[j]) == close) {
                if !text.is_empty() {
                    out.push(Seg::Text(std::mem::take(&mut text)));
                }
                out.push(Seg::Block(Block {
                    id,
                    sha,
                    deleted,
                    content: lines[i + 1..j].concat(),
                    raw: lines[i..=j].concat(),
                }));
                i = j + 1;
                continue;
            }
        }
        text.push_str(lines[i]);
        i += 1;
    }
    if !text.is_empty() {
        out.push(Seg::Text(text));
    }
    out
}

/// The block hashes filled in: what [`super::markdown`] returns.
pub fn seal(text: &str) -> String {
    let (front, body) = split_front(text);
    let mut out = String::with_capacity(text.len() + 512);
    if let Some(f) = front {
        out.push_str("---\n");
        out.push_str(f);
        out.push_str("---\n");
    }
    for seg in split_body(body) {
        match seg {
            Seg::Text(t) => out.push_str(&t),
            Seg::Block(b) => out.push_str(&b.sealed()),
        }
    }
    out
}

/// The front matter's inside (between the `---` lines, with its last line break)
/// and the rest; no front matter: `None` and the whole text.
fn split_front(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if bare(line) == "---" {
            return (Some(&rest[..at]), &rest[at + line.len()..]);
        }
        at += line.len();
    }
    (None, text)
}

/// Front matter entries: (top-level key, its lines). Lines before the first key,
/// comments and anything else have no key.
fn entries(front: &str) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for line in front.split_inclusive('\n') {
        let key = line
            .split_once(':')
            .map(|(k, _)| k)
            .filter(|k| {
                !k.is_empty()
                    && !line.starts_with([' ', '\t', '-', '#'])
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            })
            .map(str::to_string);
        match (key, out.last_mut()) {
            (Some(k), _) => out.push((Some(k), line.to_string())),
            (None, Some(last)) if line.starts_with([' ', '\t', '-']) => last.1.push_str(line),
            (None, _) => out.push((None, line.to_string())),
        }
    }
    out
}

/// The old front matter with Threadmark's keys from the new one (see the module).
fn merge_front(old: &str, new: &str) -> String {
    let fresh: HashMap<String, String> = entries(new)
        .into_iter()
        .filter_map(|(k, v)| k.map(|k| (k, v)))
        .collect();
    let mut written: HashSet<String> = HashSet::new();
    let mut out = String::new();
    for (key, lines) in entries(old) {
        match key {
            Some(k) if OWNED_KEYS.contains(&k.as_str()) || fresh.contains_key(&k) => {
                if let Some(v) = fresh.get(&k) {
                    if written.insert(k.clone()) {
                        out.push_str(v);
                    }
                }
            }
            _ => {
                if !lines.ends_with('\n') {
                    out.push_str(&lines);
                    out.push('\n');
                } else {
                    out.push_str(&lines);
                }
            }
        }
    }
    for (key, lines) in entries(new) {
        if let Some(k) = key {
            if written.insert(k) {
                out.push_str(&lines);
            }
        }
    }
    out
}

/// The value of a top-level front matter key, unquoted.
fn front_value(text: &str, key: &str) -> Option<String> {
    let (front, _) = split_front(text);
    entries(front?).into_iter().find_map(|(k, lines)| {
        (k.as_deref() == Some(key)).then(|| {
            let v = lines.split_once(':').map_or("", |(_, v)| v).trim();
            v.trim_matches('"').to_string()
        })
    })
}

/// What a re-export makes of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// The file updated in place.
    Updated(String),
    /// The file had no managed blocks: the new export, whole.
    Rewritten(String),
}

/// The note kept beside a block the user edited: their version, quoted.
fn conflict_note(content: &str, exported_at: i64) -> String {
    let mut out = format!(
        "\n> [!note] Your edit of the block above, kept when Threadmark exported it again ({})\n",
        rfc3339(exported_at)
    );
    for line in content.trim_matches('\n').lines() {
        if line.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A block whose highlight is gone from the library, marked and kept.
fn deleted(b: &Block, exported_at: i64) -> String {
    let content = format!(
        "\n**Deleted in Threadmark** (found gone by the export of {}).\n{}",
        rfc3339(exported_at),
        b.content
    );
    Block::write(&b.id, " deleted", &content)
}

/// A new export of a thread (`new`, as [`super::markdown`] writes it) merged into
/// the file's current text `old` (see the module).
pub fn merge(old: &str, new: &str, exported_at: i64) -> Merged {
    let (old_front, old_body) = split_front(old);
    let (new_front, new_body) = split_front(new);
    let old_segs = split_body(old_body);
    if !old_segs.iter().any(|s| matches!(s, Seg::Block(_))) {
        return Merged::Rewritten(new.to_string());
    }
    let new_blocks: Vec<Block> = split_body(new_body)
        .into_iter()
        .filter_map(|s| match s {
            Seg::Block(b) => Some(b),
            Seg::Text(_) => None,
        })
        .collect();
    let by_id: HashMap<&str, &Block> = new_blocks.iter().map(|b| (b.id.as_str(), b)).collect();

    // Blocks in the file, updated in place; `out` holds (block id or none, text).
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for seg in old_segs {
        match seg {
            Seg::Text(t) => out.push((None, t)),
            Seg::Block(b) => match by_id.get(b.id.as_str()) {
                Some(nb) if out.iter().any(|(id, _)| id.as_deref() == Some(&b.id)) => {
                    // A second copy of a block: the user's text now.
                    let _ = nb;
                    out.push((None, b.raw));
                }
                Some(nb) => {
                    out.push((Some(b.id.clone()), nb.sealed()));
                    if !b.deleted && b.edited() && b.content != nb.content {
                        out.push((None, conflict_note(&b.content, exported_at)));
                    }
                }
                None if b.id.starts_with("h-") && !b.deleted => {
                    out.push((Some(b.id.clone()), deleted(&b, exported_at)));
                }
                None => out.push((Some(b.id.clone()), b.raw)),
            },
        }
    }

    // New blocks, in thread order.
    let has = |out: &[(Option<String>, String)], id: &str| {
        out.iter().position(|(b, _)| b.as_deref() == Some(id))
    };
    for (i, nb) in new_blocks.iter().enumerate() {
        if has(&out, &nb.id).is_some() {
            continue;
        }
        let entry = (Some(nb.id.clone()), nb.sealed());
        let highlight = |b: &&Block| b.id.starts_with("h-");
        if !nb.id.starts_with("h-") {
            if nb.id == "title" {
                out.insert(0, entry);
            } else {
                out.push((None, "\n".into()));
                out.push(entry);
            }
            continue;
        }
        let before = new_blocks[..i]
            .iter()
            .rev()
            .filter(highlight)
            .find_map(|b| has(&out, &b.id));
        let after = new_blocks[i + 1..]
            .iter()
            .filter(highlight)
            .find_map(|b| has(&out, &b.id));
        if let Some(at) = before {
            out.insert(at + 1, entry);
            out.insert(at + 1, (None, "\n".into()));
        } else if let Some(at) = after {
            out.insert(at, (None, "\n".into()));
            out.insert(at, entry);
        } else if let Some(at) = has(&out, "thread") {
            let heading = out
                .iter()
                .any(|(id, t)| id.is_none() && t.lines().any(|l| l.trim() == "## Highlights"));
            out.insert(at, (None, "\n".into()));
            out.insert(at, entry);
            if !heading {
                out.insert(at, (None, "## Highlights\n\n".into()));
            }
        } else {
            out.push((None, "\n".into()));
            out.push(entry);
        }
    }

    let mut text = String::with_capacity(old.len() + new.len() / 4);
    match (old_front, new_front) {
        (Some(o), Some(n)) => {
            text.push_str("---\n");
            text.push_str(&merge_front(o, n));
            text.push_str("---\n");
        }
        (None, Some(n)) => {
            text.push_str("---\n");
            text.push_str(n);
            text.push_str("---\n");
        }
        (Some(o), None) => {
            text.push_str("---\n");
            text.push_str(o);
            text.push_str("---\n");
        }
        (None, None) => {}
    }
    for (_, t) in out {
        text.push_str(&t);
    }
    Merged::Updated(text)
}

/// Every Markdown file under `dir` that is a Threadmark export: thread uuid → path.
/// Hidden folders are skipped; the first file found for a uuid wins (sorted paths).
fn index_vault(dir: &Path) -> Result<HashMap<String, PathBuf>> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::from(e).in_file(&d))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::from(e).in_file(&d))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let kind = entry
                .file_type()
                .map_err(|e| Error::from(e).in_file(&path))?;
            if hidden {
                continue;
            }
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    let mut out = HashMap::new();
    for path in found {
        // Only the start of a file is read: the front matter is at its top.
        let Ok(text) = read_start(&path) else {
            continue;
        };
        if let Some(uuid) = front_value(&text, "thread_uuid") {
            out.entry(uuid).or_insert(path);
        }
    }
    Ok(out)
}

/// The first 64 KiB of a file, as text.
fn read_start(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_end(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// What exporting a thread into `path` writes: (path, text) pairs, the file's old
/// text beside it when it is rewritten.
fn plan(path: &Path, new: String, exported_at: i64) -> Result<Vec<(PathBuf, String)>> {
    let old = match std::fs::read_to_string(path) {
        Ok(old) => old,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(vec![(path.to_path_buf(), new)]);
        }
        Err(e) => return Err(Error::from(e).in_file(path)),
    };
    Ok(match merge(&old, &new, exported_at) {
        Merged::Updated(text) => vec![(path.to_path_buf(), text)],
        Merged::Rewritten(text) if old != text => {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            vec![
                (path.with_file_name(format!("{stem}.before-blocks.md")), old),
                (path.to_path_buf(), text),
            ]
        }
        Merged::Rewritten(text) => vec![(path.to_path_buf(), text)],
    })
}

/// Export one thread as Markdown into the file `path`, updating it in place when it
/// exists (see the module). Returns the files written.
pub fn save_markdown_file(
    lib: &Library,
    thread: i64,
    path: &Path,
    exported_at: i64,
) -> Result<Vec<PathBuf>> {
    let files = plan(path, markdown(lib, thread, exported_at)?, exported_at)?;
    for (p, text) in &files {
        write_file(p, text.as_bytes())?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Export threads as Markdown into a folder (a vault): each thread's file, found by
/// its `thread_uuid` wherever it is under the folder, is updated in place; a thread
/// without one gets a new file (named by [`file_name`], or with the thread's uuid
/// added when a file of that name is someone else's). Every text is made before any
/// file is written. Returns the files written.
pub fn save_vault(
    lib: &Library,
    threads: &[i64],
    dir: &Path,
    exported_at: i64,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::from(e).in_file(dir))?;
    let index = index_vault(dir)?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for &id in threads {
        let thread = lib.thread(id)?;
        let (uuid, _, _) = lib.thread_identity(id)?;
        let new = markdown(lib, id, exported_at)?;
        let path = match index.get(&uuid) {
            Some(p) => p.clone(),
            None => {
                let p = dir.join(file_name(&thread, ExportFormat::Markdown));
                // A file of that name that is not this thread's export stays as it is.
                let theirs = read_start(&p).is_ok_and(|t| {
                    front_value(&t, "thread_uuid").is_some_and(|u| u != uuid)
                        || front_value(&t, "threadmark_id").is_none()
                });
                if theirs {
                    let stem = p.file_stem().unwrap_or_default().to_string_lossy();
                    p.with_file_name(format!("{stem}-{uuid}.md"))
                } else {
                    p
                }
            }
        };
        files.extend(plan(&path, new, exported_at)?);
    }
    let mut written = Vec::with_capacity(files.len());
    for (path, text) in files {
        write_file(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
