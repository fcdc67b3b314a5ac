//! What the thread map and the timeline draw beside the outline: per post, in thread
//! order, its time, whether it is news (new or edited since read, as the catch-up
//! queue counts it) and how many quotes it holds. No bodies: a 10,000-post thread's
//! overview is a few hundred kilobytes.

use super::follow::IS_NEWS;
use super::Library;
use crate::error::Result;

/// One post of [`Library::overview`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostOverview {
    /// Unix seconds, when the source gave a time.
    pub created_at: Option<i64>,
    /// `new` or `edited` when the post is news, else None.
    pub news: Option<&'static str>,
    /// Quote blocks in the post.
    pub quotes: i64,
}

impl Library {
    /// Every post of a thread in thread order (the outline's order).
    pub fn overview(&self, thread_id: i64) -> Result<Vec<PostOverview>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT p.created_at,
                    CASE WHEN {IS_NEWS} THEN (r.post_source IS NULL) END,
                    (SELECT count(*) FROM quotes q WHERE q.post_id = p.id)
             FROM posts p
             LEFT JOIN post_reads r ON r.thread_id = p.thread_id AND r.post_source = p.source_id
             WHERE p.thread_id = ?1 ORDER BY p.position"
        ))?;
        let rows = stmt.query_map([thread_id], |r| {
            Ok(PostOverview {
                created_at: r.get(0)?,
                news: r
                    .get::<_, Option<bool>>(1)?
                    .map(|unread| if unread { "new" } else { "edited" }),
                quotes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
