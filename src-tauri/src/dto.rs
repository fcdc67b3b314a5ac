//! The shapes that cross the IPC boundary, generated into `ui/src/bindings/` by ts-rs
//! when `cargo test -p threadmark-app` runs (CI checks the committed files for drift).
//!
//! Each DTO is a plain copy of a core type in the frontend's naming (camelCase). Core
//! types stay free of serde/ts-rs concerns; conversions live here and nowhere else.
//! Integers are `i64` in Rust and `number` in TypeScript: ids, counts and unix seconds
//! all fit well inside 2^53.

use serde::Serialize;
use ts_rs::TS;

/// One saved thread as the library list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ThreadSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    /// The source format: "text", "hn", "reddit", …
    pub source: String,
    pub url: Option<String>,
    #[ts(type = "number")]
    pub posts: i64,
    #[ts(type = "number")]
    pub highlights: i64,
    /// Unix seconds.
    #[ts(type = "number")]
    pub imported_at: i64,
    /// Unix seconds; null until the thread is first opened.
    #[ts(type = "number | null")]
    pub last_opened_at: Option<i64>,
}

/// One post of an opened thread, in thread order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Post {
    /// Database row id.
    #[ts(type = "number")]
    pub id: i64,
    /// The id the source gives the post (the CLI's `POST`).
    pub source_id: String,
    /// The parent post's source id; null for a top-level post.
    pub parent: Option<String>,
    #[ts(type = "number")]
    pub position: i64,
    #[ts(type = "number")]
    pub depth: i64,
    pub author: Option<String>,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub created_at: Option<i64>,
    /// Sanitised by the core: safe to insert as HTML. Its `textContent` is the
    /// post's canonical text, the space highlights and quotes are measured in.
    pub html: String,
    pub deleted: bool,
    /// Replies the source counted but did not include (Reddit's "more" stubs): the
    /// view says "N replies not saved".
    #[ts(type = "number")]
    pub missing_replies: i64,
    /// Points (score, votes, likes) where the source gives them; null where not.
    #[ts(type = "number | null")]
    pub points: Option<i64>,
    /// What the last re-import did to the post: "new", "edited" or "removed" (gone
    /// from the source, kept here); null when unchanged or never re-imported.
    #[ts(type = "\"new\" | \"edited\" | \"removed\" | null")]
    pub change: Option<String>,
}

/// A quoted passage of a post and where it was found. Offsets are code points of
/// the posts' canonical text (the `textContent` of their HTML).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct QuoteLink {
    /// The quoting post's source id.
    pub post: String,
    #[ts(type = "number")]
    pub start: i64,
    #[ts(type = "number")]
    pub end: i64,
    pub text: String,
    /// The quoted post's source id; null for an external quote.
    pub source: Option<String>,
    #[ts(type = "number | null")]
    pub source_start: Option<i64>,
    #[ts(type = "number | null")]
    pub source_end: Option<i64>,
    /// 1.0 for an exact match after normalizing, less for an approximate one.
    pub score: Option<f64>,
}

impl From<threadmark_core::Quote> for QuoteLink {
    fn from(q: threadmark_core::Quote) -> Self {
        QuoteLink {
            post: q.post,
            start: q.start,
            end: q.end,
            text: q.text,
            source: q.source,
            source_start: q.source_start,
            source_end: q.source_end,
            score: q.score,
        }
    }
}

/// One post of an opened thread without its body, in thread order: enough to lay
/// out the tree, count what a collapse hides and move between posts. The bodies
/// come page by page from `thread_posts` (the outline's index is the offset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct PostOutline {
    pub source_id: String,
    /// The parent post's source id; null for a top-level post.
    pub parent: Option<String>,
    #[ts(type = "number")]
    pub depth: i64,
    pub author: Option<String>,
    pub deleted: bool,
}

/// What `open_thread` returns: the thread and the outline of all its posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct OpenedThread {
    pub thread: ThreadSummary,
    pub outline: Vec<PostOutline>,
}

/// A step of a long import, sent to the window as an `import-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ImportProgress {
    /// "preparing" (rendering posts, matching quotes) or "storing" (writing them).
    #[ts(type = "\"preparing\" | \"storing\"")]
    pub stage: String,
    /// Posts through this stage so far, of `total`.
    #[ts(type = "number")]
    pub done: i64,
    #[ts(type = "number")]
    pub total: i64,
    /// Threads (or mail conversations) in the import.
    #[ts(type = "number")]
    pub threads: i64,
}

impl From<threadmark_core::progress::ImportProgress> for ImportProgress {
    fn from(p: threadmark_core::progress::ImportProgress) -> Self {
        ImportProgress {
            stage: p.stage.as_str().to_string(),
            done: p.done as i64,
            total: p.total as i64,
            threads: p.threads as i64,
        }
    }
}

/// Where the library lives, for the status line and for support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct LibraryInfo {
    /// The SQLite file the app opened.
    pub path: String,
    /// Whether it was opened read-only (the user may not write it): reading and
    /// searching work, every change is refused with `read_only`.
    pub read_only: bool,
}

/// One search result: a post and a snippet of its text around the matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SearchHit {
    #[ts(type = "number")]
    pub thread_id: i64,
    pub thread_title: String,
    /// The post's source id.
    pub post: String,
    pub author: Option<String>,
    /// The snippet in order; parts with `hit` are the matched words. Plain text, to
    /// be shown as text (never as HTML).
    pub snippet: Vec<SnippetPart>,
}

/// A piece of a search snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SnippetPart {
    pub text: String,
    /// True for a matched word or phrase.
    pub hit: bool,
}

/// The markers the core is asked to wrap matches in: control characters, which a
/// post's canonical text never holds, so they cannot clash with its text.
pub const SNIPPET_MARKS: (&str, &str) = ("\u{2}", "\u{3}");

impl From<threadmark_core::SearchHit> for SearchHit {
    fn from(hit: threadmark_core::SearchHit) -> Self {
        SearchHit {
            thread_id: hit.thread_id,
            thread_title: hit.thread_title,
            post: hit.post,
            author: hit.author,
            snippet: snippet_parts(&hit.snippet),
        }
    }
}

/// Splits a snippet marked with [`SNIPPET_MARKS`] into plain and matched parts.
pub fn snippet_parts(snippet: &str) -> Vec<SnippetPart> {
    let (open, close) = SNIPPET_MARKS;
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    let mut flush = |text: &mut String, hit: bool| {
        if !text.is_empty() {
            parts.push(SnippetPart {
                text: std::mem::take(text),
                hit,
            });
        }
    };
    for c in snippet.chars() {
        let marker = if open.starts_with(c) {
            Some(true)
        } else if close.starts_with(c) {
            Some(false)
        } else {
            None
        };
        match marker {
            Some(opens) => {
                flush(&mut text, hit);
                hit = opens;
            }
            None => text.push(c),
        }
    }
    flush(&mut text, hit);
    parts
}

impl From<threadmark_core::ThreadSummary> for ThreadSummary {
    fn from(t: threadmark_core::ThreadSummary) -> Self {
        ThreadSummary {
            id: t.id,
            title: t.title,
            source: t.source,
            url: t.url,
            posts: t.posts,
            highlights: t.highlights,
            imported_at: t.imported_at,
            last_opened_at: t.last_opened_at,
        }
    }
}

impl From<threadmark_core::PostOutline> for PostOutline {
    fn from(p: threadmark_core::PostOutline) -> Self {
        PostOutline {
            source_id: p.source_id,
            parent: p.parent,
            depth: p.depth,
            author: p.author,
            deleted: p.deleted,
        }
    }
}

impl From<threadmark_core::Post> for Post {
    fn from(p: threadmark_core::Post) -> Self {
        Post {
            id: p.id,
            source_id: p.source_id,
            parent: p.parent,
            position: p.position,
            depth: p.depth,
            author: p.author,
            created_at: p.created_at,
            html: p.html,
            deleted: p.deleted,
            missing_replies: p.missing_replies,
            points: p.points,
            change: p.change,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str, hit: bool) -> SnippetPart {
        SnippetPart {
            text: text.into(),
            hit,
        }
    }

    #[test]
    fn snippets_split_into_plain_and_matched_parts() {
        assert_eq!(
            snippet_parts("…a \u{2}solid\u{3} \u{2}background\u{3} <b>"),
            [
                part("…a ", false),
                part("solid", true),
                part(" ", false),
                part("background", true),
                part(" <b>", false)
            ]
        );
        assert_eq!(snippet_parts("\u{2}日本語\u{3}"), [part("日本語", true)]);
        assert_eq!(snippet_parts("no match"), [part("no match", false)]);
        assert_eq!(snippet_parts(""), []);
    }
}

// ---------------------------------------------------------------------------
// Highlights, labels and links.

/// A highlight: a span of a post's canonical text (code points) with its label,
/// note and tags, and how it was found at the last re-import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Highlight {
    #[ts(type = "number")]
    pub id: i64,
    pub uuid: String,
    /// The post's source id.
    pub post: String,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// Code points of the post's canonical text.
    #[ts(type = "number")]
    pub start: i64,
    #[ts(type = "number")]
    pub end: i64,
    pub label: Option<String>,
    /// Markdown as the user wrote it.
    pub note: String,
    /// The note rendered and sanitized by the core: safe to insert as HTML.
    pub note_html: String,
    pub tags: Vec<String>,
    #[ts(type = "\"anchored\" | \"moved\" | \"fuzzy\" | \"orphaned\"")]
    pub state: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

impl From<threadmark_core::model::Highlight> for Highlight {
    fn from(h: threadmark_core::model::Highlight) -> Self {
        Highlight {
            note_html: threadmark_core::notes::note_html(&h.note),
            id: h.id,
            uuid: h.uuid,
            post: h.post,
            exact: h.exact,
            prefix: h.prefix,
            suffix: h.suffix,
            start: h.start,
            end: h.end,
            label: h.label,
            note: h.note,
            tags: h.tags,
            state: h.state,
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}

impl From<Highlight> for threadmark_core::model::Highlight {
    fn from(h: Highlight) -> Self {
        threadmark_core::model::Highlight {
            id: h.id,
            uuid: h.uuid,
            post: h.post,
            exact: h.exact,
            prefix: h.prefix,
            suffix: h.suffix,
            start: h.start,
            end: h.end,
            label: h.label,
            note: h.note,
            tags: h.tags,
            state: h.state,
            created_at: h.created_at,
            updated_at: h.updated_at,
        }
    }
}

/// A label for highlights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Label {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// One key, or null.
    pub shortcut: Option<String>,
    #[ts(type = "number")]
    pub position: i64,
}

impl From<threadmark_core::Label> for Label {
    fn from(l: threadmark_core::Label) -> Self {
        Label {
            id: l.id,
            name: l.name,
            color: l.color,
            shortcut: l.shortcut,
            position: l.position,
        }
    }
}

/// A label's editable fields, from the labels editor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct LabelInput {
    pub name: String,
    /// `#rgb` or `#rrggbb`.
    pub color: String,
    pub shortcut: Option<String>,
}

/// A link between two highlights: `from` supports / rebuts / answers / qualifies `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Link {
    #[ts(type = "number")]
    pub id: i64,
    pub uuid: String,
    /// Highlight ids.
    #[ts(type = "number")]
    pub from: i64,
    #[ts(type = "number")]
    pub to: i64,
    #[ts(type = "\"supports\" | \"rebuts\" | \"answers\" | \"qualifies\"")]
    pub kind: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

impl From<threadmark_core::Link> for Link {
    fn from(l: threadmark_core::Link) -> Self {
        Link {
            id: l.id,
            uuid: l.uuid,
            from: l.from,
            to: l.to,
            kind: l.kind.as_str().to_string(),
            created_at: l.created_at,
        }
    }
}

impl TryFrom<Link> for threadmark_core::Link {
    type Error = threadmark_core::Error;
    fn try_from(l: Link) -> threadmark_core::Result<Self> {
        Ok(threadmark_core::Link {
            id: l.id,
            uuid: l.uuid,
            from: l.from,
            to: l.to,
            kind: threadmark_core::LinkKind::parse(&l.kind)?,
            created_at: l.created_at,
        })
    }
}

/// A thread's highlights (thread order, orphans last) and the links between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ThreadHighlights {
    pub highlights: Vec<Highlight>,
    pub links: Vec<Link>,
}

/// What `delete_highlight` returns: everything needed to undo it with
/// `undelete_highlight`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct DeletedHighlight {
    #[ts(type = "number")]
    pub thread_id: i64,
    pub highlight: Highlight,
    pub links: Vec<Link>,
}

impl From<threadmark_core::DeletedHighlight> for DeletedHighlight {
    fn from(d: threadmark_core::DeletedHighlight) -> Self {
        DeletedHighlight {
            thread_id: d.thread_id,
            highlight: d.highlight.into(),
            links: d.links.into_iter().map(Link::from).collect(),
        }
    }
}

impl TryFrom<DeletedHighlight> for threadmark_core::DeletedHighlight {
    type Error = threadmark_core::Error;
    fn try_from(d: DeletedHighlight) -> threadmark_core::Result<Self> {
        Ok(threadmark_core::DeletedHighlight {
            thread_id: d.thread_id,
            highlight: d.highlight.into(),
            links: d
                .links
                .into_iter()
                .map(threadmark_core::Link::try_from)
                .collect::<threadmark_core::Result<_>>()?,
        })
    }
}

/// What restoring a JSON backup (or an annotation file) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct RestoreSummary {
    pub threads_created: u32,
    pub threads_merged: u32,
    pub posts_added: u32,
    pub highlights_added: u32,
    pub highlights_updated: u32,
    pub labels_added: u32,
    pub links_added: u32,
    /// Annotations restored as orphans (their words not found).
    pub highlights_orphaned: u32,
    /// Annotations whose target is no saved thread.
    pub annotations_skipped: u32,
}

impl From<threadmark_core::AnnotationReport> for RestoreSummary {
    fn from(r: threadmark_core::AnnotationReport) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        RestoreSummary {
            threads_created: 0,
            threads_merged: 0,
            posts_added: 0,
            highlights_added: n(r.added),
            highlights_updated: n(r.updated),
            labels_added: 0,
            links_added: 0,
            highlights_orphaned: n(r.orphaned),
            annotations_skipped: n(r.skipped.len()),
        }
    }
}

impl From<threadmark_core::RestoreReport> for RestoreSummary {
    fn from(r: threadmark_core::RestoreReport) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        RestoreSummary {
            threads_created: n(r.threads_created),
            threads_merged: n(r.threads_merged),
            posts_added: n(r.posts_added),
            highlights_added: n(r.highlights_added),
            highlights_updated: n(r.highlights_updated),
            labels_added: n(r.labels_added),
            links_added: n(r.links_added),
            highlights_orphaned: 0,
            annotations_skipped: 0,
        }
    }
}
