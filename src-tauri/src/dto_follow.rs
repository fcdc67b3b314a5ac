//! The shapes of following threads (refresh, read state, news) that cross IPC,
//! generated into `ui/src/bindings/` by ts-rs like those of `dto.rs`.

use serde::Serialize;
use ts_rs::TS;

/// What a refresh changed in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct RefreshReport {
    #[ts(type = "number")]
    pub thread_id: i64,
    #[ts(type = "number")]
    pub new: i64,
    #[ts(type = "number")]
    pub edited: i64,
    #[ts(type = "number")]
    pub removed: i64,
}

impl From<threadmark_core::follow::RefreshReport> for RefreshReport {
    fn from(r: threadmark_core::follow::RefreshReport) -> Self {
        RefreshReport {
            thread_id: r.thread_id,
            new: r.new as i64,
            edited: r.edited as i64,
            removed: r.removed as i64,
        }
    }
}

/// Per thread, what the library view shows of following it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ThreadFollow {
    #[ts(type = "number")]
    pub id: i64,
    /// Unread new and edited posts.
    #[ts(type = "number")]
    pub news: i64,
    /// Saved from a web address: it can be refreshed.
    pub refreshable: bool,
}

/// A piece of a word-level difference between a post's old and new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct DiffPart {
    /// "same", "removed" (only in the old text) or "added" (only in the new).
    #[ts(type = "\"same\" | \"removed\" | \"added\"")]
    pub kind: String,
    pub text: String,
}

impl From<threadmark_core::follow::DiffPart> for DiffPart {
    fn from(p: threadmark_core::follow::DiffPart) -> Self {
        use threadmark_core::follow::DiffPart as P;
        let (kind, text) = match p {
            P::Same(t) => ("same", t),
            P::Removed(t) => ("removed", t),
            P::Added(t) => ("added", t),
        };
        DiffPart {
            kind: kind.into(),
            text,
        }
    }
}

/// A news post's parent, for context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct NewsParent {
    pub post: String,
    pub author: Option<String>,
    pub text: String,
}

/// One unread new or edited post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct NewsItem {
    #[ts(type = "number")]
    pub thread_id: i64,
    pub thread_title: String,
    /// The post's source id.
    pub post: String,
    #[ts(type = "number")]
    pub position: i64,
    #[ts(type = "\"new\" | \"edited\"")]
    pub change: String,
    pub author: Option<String>,
    pub text: String,
    pub parent: Option<NewsParent>,
    /// For an edited post: its text before the latest edit against now, word by
    /// word; empty for a new post.
    pub diff: Vec<DiffPart>,
}

impl From<threadmark_core::follow::News> for NewsItem {
    fn from(n: threadmark_core::follow::News) -> Self {
        let diff = match &n.previous_text {
            Some(old) => threadmark_core::follow::word_diff(old, &n.text)
                .into_iter()
                .map(DiffPart::from)
                .collect(),
            None => Vec::new(),
        };
        NewsItem {
            thread_id: n.thread_id,
            thread_title: n.thread_title,
            post: n.post,
            position: n.position,
            change: n.change.as_str().into(),
            author: n.author,
            text: n.text,
            parent: n.parent.map(|p| NewsParent {
                post: p.post,
                author: p.author,
                text: p.text,
            }),
            diff,
        }
    }
}
