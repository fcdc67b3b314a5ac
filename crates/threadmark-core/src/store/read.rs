//! Reading the library: threads, posts, quotes, labels, search.

use rusqlite::{params, OptionalExtension, Row};

use super::Library;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Highlight, Label, Post, PostOutline, Quote, SearchHit, ThreadSummary};

/// How many of a query's matches [`Library::search`] ranks at most (the newest).
pub const SEARCH_RANKED: i64 = 10_000;

const THREAD_COLUMNS: &str = "t.id, t.title, t.source, t.url,
    (SELECT count(*) FROM posts p WHERE p.thread_id = t.id),
    (SELECT count(*) FROM highlights h WHERE h.thread_id = t.id),
    t.imported_at, t.last_opened_at";

fn thread_row(r: &Row<'_>) -> rusqlite::Result<ThreadSummary> {
    Ok(ThreadSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        source: r.get(2)?,
        url: r.get(3)?,
        posts: r.get(4)?,
        highlights: r.get(5)?,
        imported_at: r.get(6)?,
        last_opened_at: r.get(7)?,
    })
}

const POST_COLUMNS: &str =
    "id, source_id, parent_id, position, depth, author, created_at, html, text, deleted, missing_replies, change, markup, points";

fn post_row(r: &Row<'_>) -> rusqlite::Result<Post> {
    let text: String = r.get(8)?;
    Ok(Post {
        id: r.get(0)?,
        source_id: r.get(1)?,
        parent: r.get(2)?,
        position: r.get(3)?,
        depth: r.get(4)?,
        author: r.get(5)?,
        created_at: r.get(6)?,
        html: post_html(r.get(7)?, r.get(12)?, &text),
        text,
        deleted: r.get(9)?,
        missing_replies: r.get(10)?,
        points: r.get(13)?,
        change: r.get(11)?,
    })
}

/// A post's HTML: stored whole (`html`), or rebuilt from its markup and text. Should
/// the two not fit together (the file was changed by something else), the text is
/// shown as plain paragraphs rather than the post lost.
fn post_html(html: String, markup: Option<String>, text: &str) -> String {
    let Some(markup) = markup else {
        return html;
    };
    crate::body::html_from_markup(&markup, text).unwrap_or_else(|| {
        let paragraphs: Vec<crate::body::Block> = text
            .split("\n\n")
            .map(|p| crate::body::Block::Paragraph(vec![crate::body::Inline::Text(p.into())]))
            .collect();
        crate::body::Body(paragraphs).render().html
    })
}

impl Library {
    /// Every thread, most recently imported first.
    pub fn list_threads(&self) -> Result<Vec<ThreadSummary>> {
        let sql = format!(
            "SELECT {THREAD_COLUMNS} FROM threads t ORDER BY t.imported_at DESC, t.id DESC"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], thread_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the library holds no thread.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM threads", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    /// One thread.
    pub fn thread(&self, id: i64) -> Result<ThreadSummary> {
        let sql = format!("SELECT {THREAD_COLUMNS} FROM threads t WHERE t.id = ?1");
        self.conn
            .query_row(&sql, [id], thread_row)
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no thread {id}")))
    }

    /// A thread's stable identity: its uuid, the source's key for it, and when it
    /// was first saved (unix seconds).
    pub fn thread_identity(&self, id: i64) -> Result<(String, Option<String>, i64)> {
        self.conn
            .query_row(
                "SELECT uuid, source_key, created_at FROM threads WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no thread {id}")))
    }

    /// A thread's posts in thread order.
    pub fn posts(&self, thread_id: i64) -> Result<Vec<Post>> {
        self.posts_page(thread_id, 0, i64::MAX)
    }

    /// A page of a thread's posts in thread order.
    pub fn posts_page(&self, thread_id: i64, offset: i64, limit: i64) -> Result<Vec<Post>> {
        self.thread(thread_id)?;
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE thread_id = ?1 ORDER BY position LIMIT ?2 OFFSET ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![thread_id, limit, offset], post_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A thread's posts in thread order with their canonical text but no HTML
    /// (`html` is empty): what the thread filter reads, without rebuilding every
    /// post's HTML from its markup.
    pub fn posts_without_html(&self, thread_id: i64) -> Result<Vec<Post>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source_id, parent_id, position, depth, author, created_at, '', text, deleted, missing_replies, change, NULL, points
             FROM posts WHERE thread_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map(params![thread_id], post_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A thread's posts in thread order without their bodies: the outline a reader
    /// lays out first; the bodies come from [`Library::posts_page`] (same order, so
    /// the outline's index is the page offset).
    pub fn outline(&self, thread_id: i64) -> Result<Vec<PostOutline>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT source_id, parent_id, depth, author, deleted FROM posts WHERE thread_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([thread_id], |r| {
            Ok(PostOutline {
                source_id: r.get(0)?,
                parent: r.get(1)?,
                depth: r.get(2)?,
                author: r.get(3)?,
                deleted: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One post by its source id.
    pub fn post(&self, thread_id: i64, source_id: &str) -> Result<Post> {
        let sql =
            format!("SELECT {POST_COLUMNS} FROM posts WHERE thread_id = ?1 AND source_id = ?2");
        self.conn
            .query_row(&sql, params![thread_id, source_id], post_row)
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no post {source_id:?} in thread {thread_id}")))
    }

    /// Every quoted passage of a thread (top-level quote blocks), in thread order.
    pub fn quotes(&self, thread_id: i64) -> Result<Vec<Quote>> {
        self.quote_blocks(thread_id, false)
    }

    /// Quote blocks of a thread in thread order; with `nested`, also the quotes
    /// inside quotes (for rendering), outer before inner.
    pub fn quote_blocks(&self, thread_id: i64, nested: bool) -> Result<Vec<Quote>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare(
            "SELECT p.source_id, q.start, q.\"end\", q.text, s.source_id, q.source_start, q.source_end, q.score, q.depth
             FROM quotes q JOIN posts p ON p.id = q.post_id LEFT JOIN posts s ON s.id = q.source_post
             WHERE q.thread_id = ?1 AND (?2 OR q.depth = 1) ORDER BY p.position, q.start, q.depth",
        )?;
        let rows = stmt.query_map(params![thread_id, nested], |r| {
            Ok(Quote {
                post: r.get(0)?,
                start: r.get(1)?,
                end: r.get(2)?,
                text: r.get(3)?,
                source: r.get(4)?,
                source_start: r.get(5)?,
                source_end: r.get(6)?,
                score: r.get(7)?,
                depth: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The quoted passages (depth 1) that resolved to post `source` of a thread, in
    /// thread order: who quotes it, and which span of it (`source_start..source_end`).
    /// With `span` (code points of the source's text), only the quotes whose span
    /// overlaps it. `not_found` when the thread or the post does not exist.
    pub fn quoted_by(
        &self,
        thread_id: i64,
        source: &str,
        span: Option<(i64, i64)>,
    ) -> Result<Vec<Quote>> {
        self.post(thread_id, source)?;
        let (from, to) = span.unwrap_or((i64::MIN, i64::MAX));
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.source_id, q.start, q.\"end\", q.text, s.source_id, q.source_start, q.source_end, q.score, q.depth
             FROM quotes q JOIN posts p ON p.id = q.post_id JOIN posts s ON s.id = q.source_post
             WHERE q.thread_id = ?1 AND s.source_id = ?2 AND q.depth = 1
               AND q.source_start < ?4 AND q.source_end > ?3
             ORDER BY p.position, q.start",
        )?;
        let rows = stmt.query_map(params![thread_id, source, from, to], |r| {
            Ok(Quote {
                post: r.get(0)?,
                start: r.get(1)?,
                end: r.get(2)?,
                text: r.get(3)?,
                source: r.get(4)?,
                source_start: r.get(5)?,
                source_end: r.get(6)?,
                score: r.get(7)?,
                depth: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A thread's highlights in thread order (orphans, whose post is gone, last).
    pub fn highlights(&self, thread_id: i64) -> Result<Vec<Highlight>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare(
            "SELECT h.id, h.uuid, h.post_source, h.exact, h.prefix, h.suffix, h.start, h.\"end\", l.name, h.note, h.state,
                    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM highlight_tags WHERE highlight_id = h.id ORDER BY tag)),
                    h.created_at, h.updated_at
             FROM highlights h
             LEFT JOIN labels l ON l.id = h.label_id
             LEFT JOIN posts p ON p.thread_id = h.thread_id AND p.source_id = h.post_source
             WHERE h.thread_id = ?1
             ORDER BY p.position IS NULL, p.position, h.start, h.id",
        )?;
        let rows = stmt.query_map([thread_id], |r| {
            let tags: Option<String> = r.get(11)?;
            Ok(Highlight {
                id: r.get(0)?,
                uuid: r.get(1)?,
                post: r.get(2)?,
                exact: r.get(3)?,
                prefix: r.get(4)?,
                suffix: r.get(5)?,
                start: r.get(6)?,
                end: r.get(7)?,
                label: r.get(8)?,
                note: r.get(9)?,
                state: r.get(10)?,
                created_at: r.get(12)?,
                updated_at: r.get(13)?,
                tags: tags
                    .map(|t| t.split('\u{1f}').map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The labels, in their order.
    pub fn labels(&self) -> Result<Vec<Label>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, color, shortcut, position FROM labels ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Label {
                id: r.get(0)?,
                name: r.get(1)?,
                color: r.get(2)?,
                shortcut: r.get(3)?,
                position: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full-text search over post text (FTS5 syntax: words, `"phrases"`, `prefix*`,
    /// `AND`/`OR`/`NOT`). Matches in snippets are wrapped in `marks`.
    ///
    /// Hits are ordered by bm25, best first. Scoring costs a document-size lookup per
    /// matching post, so a query matching more than [`SEARCH_RANKED`] posts ranks the
    /// newest [`SEARCH_RANKED`] of them (highest row ids, i.e. the latest imported;
    /// a query with CJK letters, searched in the CJK index, the newest 2,000); a
    /// word that common carries almost no weight in bm25 anyway. Snippets are made only
    /// for the hits returned.
    pub fn search(
        &self,
        query: &str,
        thread: Option<i64>,
        limit: i64,
        marks: (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        if query.trim().is_empty() {
            return Err(Error::bad_input("empty search query"));
        }
        // A thread's posts hold a narrow band of row ids; FTS5 seeks a rowid range
        // itself, so a filtered search does not walk the whole library's matches.
        let (low, high): (i64, i64) = match thread {
            Some(id) => self
                .conn
                .prepare_cached("SELECT min(id), max(id) FROM posts WHERE thread_id = ?1")?
                .query_row([id], |r| {
                    Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?))
                })
                .map(|(lo, hi)| (lo.unwrap_or(1), hi.unwrap_or(0)))?,
            None => (i64::MIN, i64::MAX),
        };
        if let Some(rewritten) = super::cjk::query(query) {
            // CJK characters: the index that finds them inside longer runs.
            return super::cjk::search(&self.conn, query, &rewritten, thread, limit, marks)
                .map_err(|e| search_error(query, e));
        }
        let ranked = (|| -> rusqlite::Result<Vec<(i64, SearchHit)>> {
            // Only a thread filter needs the posts table before ranking; without one
            // the candidates come from the FTS index alone.
            let filter = if thread.is_some() {
                "JOIN posts p ON p.id = f.rowid WHERE posts_fts MATCH ?1
                 AND f.rowid BETWEEN ?2 AND ?3 AND p.thread_id = ?4"
            } else {
                "WHERE posts_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3 AND ?4 IS NULL"
            };
            let mut stmt = self.conn.prepare_cached(&format!(
                "WITH candidates AS MATERIALIZED (
                     SELECT f.rowid AS id, bm25(posts_fts) AS rank FROM posts_fts f {filter}
                     ORDER BY f.rowid DESC LIMIT ?5),
                 best AS MATERIALIZED (SELECT id, rank FROM candidates ORDER BY rank, id LIMIT ?6)
                 SELECT b.id, p.thread_id, t.title, p.source_id, p.author, b.rank
                 FROM best b JOIN posts p ON p.id = b.id JOIN threads t ON t.id = p.thread_id
                 ORDER BY b.rank, p.thread_id, p.position"
            ))?;
            let rows = stmt.query_map(
                params![query, low, high, thread, SEARCH_RANKED, limit],
                |r| {
                    Ok((
                        r.get(0)?,
                        SearchHit {
                            thread_id: r.get(1)?,
                            thread_title: r.get(2)?,
                            post: r.get(3)?,
                            author: r.get(4)?,
                            snippet: String::new(),
                            rank: r.get(5)?,
                        },
                    ))
                },
            )?;
            rows.collect()
        })();
        // One pass over the hits' row-id range makes every snippet: a query per hit
        // would expand a prefix query's terms again for each (2 ms apiece on 1M posts).
        // The unary + keeps SQLite from turning the IN list into per-row lookups.
        let collected = ranked.and_then(|hits| {
            let Some(lo) = hits.iter().map(|h| h.0).min() else {
                return Ok(Vec::new());
            };
            let hi = hits.iter().map(|h| h.0).max().unwrap_or(lo);
            let list = (0..hits.len())
                .map(|i| format!("?{}", i + 6))
                .collect::<Vec<_>>()
                .join(",");
            let mut stmt = self.conn.prepare(&format!(
                "SELECT rowid, snippet(posts_fts, 0, ?4, ?5, '…', 16) FROM posts_fts
                 WHERE posts_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 AND +rowid IN ({list})"
            ))?;
            let mut values: Vec<rusqlite::types::Value> = vec![
                query.to_owned().into(),
                lo.into(),
                hi.into(),
                marks.0.to_owned().into(),
                marks.1.to_owned().into(),
            ];
            values.extend(hits.iter().map(|h| rusqlite::types::Value::from(h.0)));
            let mut snippets: std::collections::HashMap<i64, String> = stmt
                .query_map(rusqlite::params_from_iter(values), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(hits
                .into_iter()
                .map(|(id, mut hit)| {
                    hit.snippet = snippets.remove(&id).unwrap_or_default();
                    hit
                })
                .collect())
        });
        collected.map_err(|e| search_error(query, e))
    }
}

/// A search's failure: a plain SQLITE_ERROR from MATCH is FTS5 refusing the query
/// text, said as such.
fn search_error(query: &str, e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(ref err, ref detail)
            if err.code == rusqlite::ErrorCode::Unknown =>
        {
            let why = detail
                .as_deref()
                .unwrap_or("syntax error")
                .trim_start_matches("fts5: ");
            Error::new(
                ErrorKind::BadInput,
                format!(
                    "cannot understand the search {query:?} ({why}): use words, \"a phrase\" in double quotes, prefix* or AND/OR/NOT"
                ),
            )
        }
        other => other.into(),
    }
}
