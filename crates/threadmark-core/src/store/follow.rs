//! Following threads over time: where a thread can be refreshed from, what the user
//! has read, and which posts are new or edited since they read them.
//!
//! Read state is one row per post read (`post_reads`), keyed by the thread and the
//! post's source id like highlights, so it survives refreshes and re-imports. It
//! holds the post's `revision` when it was read; the schema's triggers count every
//! change of a post's text in `posts.revision` and keep the text it replaced in
//! `posts.previous_text`, and mark posts that came with a later version of their
//! thread (`posts.arrived`). A post is news when it arrived and was never read
//! (`new`), or when its text changed after it was read (`edited`). Posts of a
//! thread's first import that were never read are simply unread, not news.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};

use super::{now, Library};
use crate::error::{Error, ErrorKind, Result};
use crate::fetch::{classify, Site};
use crate::model::ThreadDoc;
use crate::progress::Observer;

/// Why a post is news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It came with a refresh and was never read.
    New,
    /// Its text changed after the user read it.
    Edited,
}

impl Change {
    /// `new` or `edited`, as in JSON and IPC.
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Edited => "edited",
        }
    }
}

/// A post's parent, shown with a news post for context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentContext {
    pub post: String,
    pub author: Option<String>,
    pub text: String,
}

/// One unread new or edited post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct News {
    pub thread_id: i64,
    pub thread_title: String,
    /// The post's source id.
    pub post: String,
    /// Its place in thread order.
    pub position: i64,
    pub change: Change,
    pub author: Option<String>,
    pub text: String,
    /// For an edited post, the text before its latest edit.
    pub previous_text: Option<String>,
    pub parent: Option<ParentContext>,
}

/// What a refresh changed, counted from the posts' change marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshReport {
    pub thread_id: i64,
    pub new: usize,
    pub edited: usize,
    pub removed: usize,
}

impl std::fmt::Display for RefreshReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "+{} new, {} edited, {} removed",
            self.new, self.edited, self.removed
        )
    }
}

/// The condition (on `p`, posts, and `r`, its read row) of a post that is news.
pub(super) const IS_NEWS: &str = "p.deleted = 0 AND (p.arrived = 1 OR p.revision > 0)
    AND ((r.post_source IS NULL AND p.arrived = 1) OR r.revision < p.revision)";

/// The address a thread of `source` with `source_key` can be fetched from, when
/// the source names one: Hacker News items, Reddit threads and Lobsters stories by
/// their id; a Discourse topic only by a saved address of one (its files name no
/// host).
pub fn address_of(source: &str, source_key: Option<&str>, url: Option<&str>) -> Option<String> {
    let key = source_key.filter(|k| !k.is_empty());
    match (source, key) {
        ("hn", Some(k)) if k.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("https://news.ycombinator.com/item?id={k}"))
        }
        ("reddit", Some(k)) => {
            let id = k.strip_prefix("t3_")?;
            Some(format!("https://www.reddit.com/comments/{id}"))
        }
        ("lobsters", Some(k)) => Some(format!("https://lobste.rs/s/{k}")),
        ("discourse", _) => {
            let url = url?;
            matches!(classify(url), Ok(Site::Discourse { .. })).then(|| url.to_string())
        }
        _ => None,
    }
}

/// A thread's title, source, source key, address and the address it was fetched from.
type ThreadAddressRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Library {
    /// The web address thread `id` is refreshed from: the one it was fetched from,
    /// else the one its source names. `unsupported` when it has none (a file of a
    /// plain-text dump or a mailbox).
    pub fn refresh_address(&self, id: i64) -> Result<String> {
        let row: Option<ThreadAddressRow> = self
            .conn
            .query_row(
                "SELECT title, source, source_key, url, source_url FROM threads WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (title, source, key, url, saved) =
            row.ok_or_else(|| Error::not_found(format!("no thread {id}")))?;
        saved
            .or_else(|| address_of(&source, key.as_deref(), url.as_deref()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Unsupported,
                    format!("thread {id} ({title:?}) was not saved from a web address: there is nothing to refresh it from"),
                )
            })
    }

    /// Every thread that can be refreshed, with its address, most recently saved first.
    pub fn refreshable_threads(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, source, source_key, url, source_url FROM threads ORDER BY imported_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, source, key, url, saved) = row?;
            if let Some(address) =
                saved.or_else(|| address_of(&source, key.as_deref(), url.as_deref()))
            {
                out.push((id, address));
            }
        }
        Ok(out)
    }

    /// Remember that thread `id` was saved from `address` (what a refresh fetches).
    pub fn set_source_url(&mut self, id: i64, address: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE threads SET source_url = ?1 WHERE id = ?2",
            params![address.trim(), id],
        )?;
        if n == 0 {
            return Err(Error::not_found(format!("no thread {id}")));
        }
        Ok(())
    }

    /// Make `doc`, fetched from `address`, the new version of thread `id` (one
    /// transaction, as any re-import; `observer` may cancel it) and count what it
    /// changed. On any error the thread is left as it was.
    pub fn apply_refresh(
        &mut self,
        id: i64,
        address: &str,
        doc: &ThreadDoc,
        observer: Observer<'_>,
    ) -> Result<RefreshReport> {
        let removed_before: HashSet<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT source_id FROM posts WHERE thread_id = ?1 AND change = 'removed'",
            )?;
            let rows = stmt.query_map([id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.import_docs_observed(std::slice::from_ref(doc), Some(id), observer)
            .map_err(|e| e.in_file(address))?;
        self.set_source_url(id, address)?;
        let mut report = RefreshReport {
            thread_id: id,
            new: 0,
            edited: 0,
            removed: 0,
        };
        let mut stmt = self.conn.prepare(
            "SELECT source_id, change FROM posts WHERE thread_id = ?1 AND change IS NOT NULL",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (post, change) = row?;
            match change.as_str() {
                "new" => report.new += 1,
                "edited" => report.edited += 1,
                "removed" if !removed_before.contains(&post) => report.removed += 1,
                _ => {}
            }
        }
        Ok(report)
    }

    /// Mark posts of thread `id` (source ids) read as they are now; ids the thread
    /// no longer holds are skipped. Returns how many were marked.
    pub fn mark_read(&mut self, id: i64, posts: &[String]) -> Result<usize> {
        self.thread_exists(id)?;
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO post_reads (thread_id, post_source, revision, read_at)
                 SELECT thread_id, source_id, revision, ?3 FROM posts WHERE thread_id = ?1 AND source_id = ?2
                 ON CONFLICT (thread_id, post_source) DO UPDATE SET revision = excluded.revision, read_at = excluded.read_at",
            )?;
            let t = now();
            for post in posts {
                n += stmt.execute(params![id, post, t])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Mark every post of thread `id` read, or, with `until`, every post up to and
    /// including that one in thread order. Returns how many were marked.
    pub fn mark_thread_read(&mut self, id: i64, until: Option<&str>) -> Result<usize> {
        self.thread_exists(id)?;
        let last: i64 = match until {
            None => i64::MAX,
            Some(post) => self
                .conn
                .query_row(
                    "SELECT position FROM posts WHERE thread_id = ?1 AND source_id = ?2",
                    params![id, post],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| Error::not_found(format!("thread {id} has no post {post:?}")))?,
        };
        Ok(self.conn.execute(
            "INSERT INTO post_reads (thread_id, post_source, revision, read_at)
             SELECT thread_id, source_id, revision, ?3 FROM posts WHERE thread_id = ?1 AND position <= ?2
             ON CONFLICT (thread_id, post_source) DO UPDATE SET revision = excluded.revision, read_at = excluded.read_at",
            params![id, last, now()],
        )?)
    }

    /// Mark every unread new or edited post of every thread read. Returns how many.
    pub fn mark_all_news_read(&mut self) -> Result<usize> {
        Ok(self.conn.execute(
            &format!(
                "INSERT INTO post_reads (thread_id, post_source, revision, read_at)
                 SELECT p.thread_id, p.source_id, p.revision, ?1 FROM posts p
                 LEFT JOIN post_reads r ON r.thread_id = p.thread_id AND r.post_source = p.source_id
                 WHERE {IS_NEWS}
                 ON CONFLICT (thread_id, post_source) DO UPDATE SET revision = excluded.revision, read_at = excluded.read_at"
            ),
            [now()],
        )?)
    }

    /// The source ids of the posts of thread `id` the user has read.
    pub fn read_posts(&self, id: i64) -> Result<Vec<String>> {
        self.thread_exists(id)?;
        let mut stmt = self.conn.prepare(
            "SELECT post_source FROM post_reads WHERE thread_id = ?1 ORDER BY post_source",
        )?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every unread new or edited post, of one thread or of all, grouped by thread
    /// (most recently saved first), in thread order, each with its parent.
    pub fn news(&self, thread: Option<i64>) -> Result<Vec<News>> {
        if let Some(id) = thread {
            self.thread_exists(id)?;
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.thread_id, t.title, p.source_id, p.position, r.post_source IS NULL, p.author, p.text,
                    p.previous_text, pp.source_id, pp.author, pp.text
             FROM posts p JOIN threads t ON t.id = p.thread_id
             LEFT JOIN post_reads r ON r.thread_id = p.thread_id AND r.post_source = p.source_id
             LEFT JOIN posts pp ON pp.thread_id = p.thread_id AND pp.source_id = p.parent_id
             WHERE {IS_NEWS} AND (?1 IS NULL OR p.thread_id = ?1)
             ORDER BY t.imported_at DESC, t.id DESC, p.position"
        ))?;
        let rows = stmt.query_map([thread], |r| {
            let unread: bool = r.get(4)?;
            let change = if unread { Change::New } else { Change::Edited };
            let parent = match r.get::<_, Option<String>>(8)? {
                Some(post) => Some(ParentContext {
                    post,
                    author: r.get(9)?,
                    text: r.get(10)?,
                }),
                None => None,
            };
            Ok(News {
                thread_id: r.get(0)?,
                thread_title: r.get(1)?,
                post: r.get(2)?,
                position: r.get(3)?,
                change,
                author: r.get(5)?,
                text: r.get(6)?,
                previous_text: match change {
                    Change::Edited => r.get(7)?,
                    Change::New => None,
                },
                parent,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many unread new or edited posts each thread holds (threads with none are
    /// left out).
    pub fn news_counts(&self) -> Result<HashMap<i64, i64>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.thread_id, count(*) FROM posts p
             LEFT JOIN post_reads r ON r.thread_id = p.thread_id AND r.post_source = p.source_id
             WHERE {IS_NEWS} GROUP BY p.thread_id"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ids of thread `id`'s highlights whose words an edit changed: the
    /// highlighted text is not in both the post's text before its latest edit and
    /// its text now (re-anchored onto changed words, or left behind by them).
    pub fn highlights_changed_by_edits(&self, id: i64) -> Result<Vec<i64>> {
        self.thread_exists(id)?;
        let mut stmt = self.conn.prepare(
            "SELECT h.id, h.exact, p.previous_text, p.text FROM highlights h
             JOIN posts p ON p.thread_id = h.thread_id AND p.source_id = h.post_source
             WHERE h.thread_id = ?1 AND p.previous_text IS NOT NULL ORDER BY p.position, h.start",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, exact, previous, text) = row?;
            if !previous.contains(&exact) || !text.contains(&exact) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn thread_exists(&self, id: i64) -> Result<()> {
        let found: Option<i64> = self
            .conn
            .query_row("SELECT id FROM threads WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        found
            .map(|_| ())
            .ok_or_else(|| Error::not_found(format!("no thread {id}")))
    }
}
