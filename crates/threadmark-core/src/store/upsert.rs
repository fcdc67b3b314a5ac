//! Writing a thread's posts into `posts`, a few hundred rows a statement.
//!
//! On a first import every post is inserted. On a re-import (a refresh) a post
//! unchanged since the thread was saved is left as it is: `place.rs` moved its
//! row already, and its row id is known from the stored rows. The other posts
//! (new, changed, or stored without a digest) are upserted by source id, gathered
//! across the renderer's chunks so that a refresh that changed a hundred posts
//! writes them in one statement rather than one per chunk.

use std::collections::HashMap;

use rusqlite::{params, Transaction};

use super::unchanged::Prepared;
use super::write::{Feed, Placed};
use crate::error::{Error, ErrorKind, Result};
use crate::model::PostDoc;
use crate::progress::Tracker;

/// Posts written by one statement. An update of a post's text updates the
/// full-text index through a trigger, and SQLite opens a statement savepoint for
/// each statement inside the transaction, at which FTS5 writes out what it holds
/// as a new index segment. One statement per post made ten thousand tiny segments
/// and their merges (a quarter of a 10,000-post import); one per chunk makes a few.
pub(super) const POSTS_PER_STATEMENT: usize = 500;

/// Columns written per post.
const COLUMNS: usize = 15;

/// How a thread's posts go into the table.
pub(super) enum Write {
    /// A thread saved before: each post is upserted by its source id, and the row
    /// ids are read back.
    Upsert,
    /// A new thread: plain inserts (no conflict is possible), whose rows take the ids
    /// after `last`, the largest id so far, one after another.
    Insert { last: i64 },
}

/// What the statements need to know of the thread.
pub(super) struct Posts<'a, 'p> {
    pub thread_id: i64,
    pub posts: &'a [PostDoc],
    pub placed: &'a [Placed<'p>],
    /// Each post's position, ascending.
    pub positions: &'a [i64],
    /// Stored posts' row ids by source id (empty on a first import).
    pub old_id: &'a HashMap<&'a str, i64>,
}

/// Insert or update the thread's posts as `feed` renders them; returns each
/// post's row id. A post unchanged since the thread was saved is not written.
pub(super) fn upsert_posts(
    tx: &Transaction<'_>,
    mut mode: Write,
    thread: &Posts<'_, '_>,
    feed: &Feed<'_>,
    change_of: &dyn Fn(&PostDoc, &Prepared) -> Result<Option<&'static str>>,
    tracker: &mut Tracker<'_>,
) -> Result<Vec<i64>> {
    let posts = thread.posts;
    let mut row_ids = vec![0i64; posts.len()];
    let mut full: Option<rusqlite::Statement<'_>> = None;
    // Posts to write whole, by index, not yet written.
    let mut pending: Vec<usize> = Vec::with_capacity(POSTS_PER_STATEMENT);
    let chunks = posts.len().div_ceil(POSTS_PER_STATEMENT);
    for chunk in 0..chunks {
        let prepared = feed.chunk(chunk)?;
        let offset = chunk * POSTS_PER_STATEMENT;
        for (k, p) in prepared.iter().enumerate() {
            tracker.prepared()?;
            let i = offset + k;
            if !p.unchanged {
                pending.push(i);
                continue;
            }
            // In its place already (`place.rs`).
            let Some(&id) = thread.old_id.get(posts[i].source_id.as_str()) else {
                return Err(Error::new(
                    ErrorKind::Database,
                    format!("post {:?} is unchanged but not stored", posts[i].source_id),
                ));
            };
            row_ids[i] = id;
            tracker.stored()?;
        }
        let last = chunk + 1 == chunks;
        while pending.len() >= POSTS_PER_STATEMENT || (last && !pending.is_empty()) {
            let n = pending.len().min(POSTS_PER_STATEMENT);
            let batch: Vec<usize> = pending.drain(..n).collect();
            let mut partial;
            let stmt = if n == POSTS_PER_STATEMENT {
                match &mut full {
                    Some(stmt) => stmt,
                    None => full.insert(tx.prepare(&sql(POSTS_PER_STATEMENT, &mode))?),
                }
            } else {
                partial = tx.prepare(&sql(n, &mode))?;
                &mut partial
            };
            write_batch(
                tx,
                stmt,
                &mut mode,
                thread,
                (feed, &batch),
                change_of,
                &mut row_ids,
            )?;
            for _ in &batch {
                tracker.stored()?;
            }
        }
    }
    Ok(row_ids)
}

/// The statement writing `rows` posts.
fn sql(rows: usize, mode: &Write) -> String {
    let row = format!("({})", ["?"; COLUMNS].join(", "));
    let on_conflict = match mode {
        Write::Upsert => {
            "ON CONFLICT (thread_id, source_id) DO UPDATE SET
               parent_id = excluded.parent_id, position = excluded.position, depth = excluded.depth,
               author = excluded.author, created_at = excluded.created_at, html = excluded.html,
               markup = excluded.markup, text = excluded.text, deleted = excluded.deleted,
               missing_replies = excluded.missing_replies, change = excluded.change,
               digest = excluded.digest, points = excluded.points
             RETURNING position, id"
        }
        Write::Insert { .. } => "",
    };
    format!(
        "INSERT INTO posts (thread_id, source_id, parent_id, position, depth, author, created_at, html, markup, text, deleted, missing_replies, change, digest, points)
         VALUES {} {on_conflict}",
        vec![row; rows].join(", ")
    )
}

/// Write the posts at `batch` (indices, ascending) with `stmt`, and note their
/// row ids in `row_ids`.
fn write_batch(
    tx: &Transaction<'_>,
    stmt: &mut rusqlite::Statement<'_>,
    mode: &mut Write,
    thread: &Posts<'_, '_>,
    (feed, batch): (&Feed<'_>, &[usize]),
    change_of: &dyn Fn(&PostDoc, &Prepared) -> Result<Option<&'static str>>,
    row_ids: &mut [i64],
) -> Result<()> {
    let (posts, placed, positions) = (thread.posts, thread.placed, thread.positions);
    let prepared: Vec<&Prepared> = batch.iter().map(|&i| feed.post(i)).collect::<Result<_>>()?;
    let changes: Vec<Option<&'static str>> = batch
        .iter()
        .zip(&prepared)
        .map(|(&i, p)| change_of(&posts[i], p))
        .collect::<Result<_>>()?;
    let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(batch.len() * COLUMNS);
    for ((&i, p), change) in batch.iter().zip(&prepared).zip(&changes) {
        let (post, rendered) = (&posts[i], &p.rendered);
        values.extend_from_slice(&[
            &thread.thread_id,
            &post.source_id,
            &placed[i].parent,
            &positions[i],
            &placed[i].depth,
            &post.author,
            &post.created_at,
            &"",
            &rendered.html, // the markup (render_markup)
            &rendered.text,
            &post.deleted,
            &post.missing_replies,
            change,
            &p.digest,
            &post.points,
        ]);
    }
    let mut written = 0;
    // Rows come back as (position, id); positions are ascending, so each names
    // its post.
    let mut read_back = |rows: &mut rusqlite::Rows<'_>| -> Result<()> {
        while let Some(row) = rows.next()? {
            let (position, id): (i64, i64) = (row.get(0)?, row.get(1)?);
            if let Ok(i) = positions.binary_search(&position) {
                if batch.binary_search(&i).is_ok() {
                    row_ids[i] = id;
                    written += 1;
                }
            }
        }
        Ok(())
    };
    match mode {
        Write::Upsert => read_back(&mut stmt.query(values.as_slice())?)?,
        Write::Insert { last } => {
            let n = stmt.execute(values.as_slice())?;
            let now = tx.last_insert_rowid();
            if n == batch.len() && now.checked_sub(*last) == Some(n as i64) {
                // The usual case: the rows took the next ids, in order.
                for (k, &i) in batch.iter().enumerate() {
                    row_ids[i] = *last + 1 + k as i64;
                }
                written = n;
            } else {
                // Ids chosen otherwise (the table reached the largest id): read
                // them back by position.
                let mut stmt = tx.prepare_cached(
                    "SELECT position, id FROM posts WHERE thread_id = ?1 AND position BETWEEN ?2 AND ?3",
                )?;
                let (first, end) = (positions[batch[0]], positions[batch[batch.len() - 1]]);
                read_back(&mut stmt.query(params![thread.thread_id, first, end])?)?;
            }
            *last = now;
        }
    }
    if written != batch.len() {
        return Err(Error::new(
            ErrorKind::Database,
            format!(
                "writing posts {}–{}: the library answered for {written} of {}",
                batch[0] + 1,
                batch[batch.len() - 1] + 1,
                batch.len()
            ),
        ));
    }
    Ok(())
}
