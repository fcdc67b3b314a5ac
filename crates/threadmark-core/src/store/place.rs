//! Moving a saved thread's stored rows to their places in its new version.
//!
//! A refresh adds posts anywhere in the tree, so most stored posts move down a few
//! places even when nothing else about them changed. Positions are unique per
//! thread (`UNIQUE (thread_id, position)`), so a row cannot simply take its new
//! place: that place may still be held by a row that moves later. [`move_rows`]
//! writes only the rows whose place (position, depth, parent) or mark changes, in
//! two passes of multi-row statements by row id: each row that moves first goes to
//! `-1 - new position` (negative, so free of every row that stays and of every
//! other row that moves), then those are flipped to their new positions. A row
//! whose place and mark stay is not written at all.
//!
//! A row the import writes whole anyway (its post changed, or nothing is known of
//! it) is only moved out of the way: the upsert that rewrites it gives it its
//! position, which no other row holds by then.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Transaction};

use crate::error::{Error, ErrorKind, Result};

/// Rows one statement updates. Each row is a few parameters; SQLite allows 32,766.
const ROWS_PER_STATEMENT: usize = 500;

/// A stored row of the thread, as it is before the import.
pub(super) struct OldRow {
    pub id: i64,
    pub source_id: String,
    pub position: i64,
    pub depth: i64,
    pub parent: Option<String>,
    pub change: Option<String>,
    pub deleted: bool,
    pub digest: Option<i64>,
}

/// The stored rows of a thread, in thread order.
pub(super) fn read(tx: &Transaction<'_>, thread_id: i64) -> Result<Vec<OldRow>> {
    let mut stmt = tx.prepare(
        "SELECT id, source_id, position, depth, parent_id, change, deleted, digest
         FROM posts WHERE thread_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([thread_id], |r| {
        Ok(OldRow {
            id: r.get(0)?,
            source_id: r.get(1)?,
            position: r.get(2)?,
            depth: r.get(3)?,
            parent: r.get(4)?,
            change: r.get(5)?,
            deleted: r.get(6)?,
            digest: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Where a stored row goes.
pub(super) enum Target<'a> {
    /// A post of the new version, at this place, its change mark cleared (the
    /// upsert marks it again if its post changed). `rewritten`: the import writes
    /// the whole row anyway, position included.
    Post {
        position: i64,
        depth: i64,
        parent: Option<&'a str>,
        rewritten: bool,
    },
    /// Left out by the import: kept at this position, marked deleted and removed.
    Removed(i64),
    /// Outside what the import covers (other pages of a topic): only its position.
    Kept(i64),
}

/// Move each row to its target (see the module's header). Afterwards every row
/// that is not `rewritten` is at its new place; a `rewritten` one is at its new
/// position or at a negative one, for the upsert to set.
pub(super) fn move_rows(
    tx: &Transaction<'_>,
    thread_id: i64,
    moves: &[(&OldRow, Target<'_>)],
) -> Result<()> {
    // Per statement kind, the values of its rows, the row id first.
    let (mut place, mut position_only, mut removed, mut flip) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut flips_all = true;
    for (row, target) in moves {
        let new = match *target {
            Target::Post { position, .. } | Target::Removed(position) | Target::Kept(position) => {
                position
            }
        };
        let moved = new != row.position;
        let at = if moved { -1 - new } else { new };
        match *target {
            Target::Post {
                rewritten: true, ..
            } => {
                if moved {
                    position_only.extend([Value::from(row.id), Value::from(at)]);
                    flips_all = false;
                }
                continue;
            }
            Target::Post { depth, parent, .. } => {
                if !moved
                    && depth == row.depth
                    && parent == row.parent.as_deref()
                    && row.change.is_none()
                {
                    continue;
                }
                place.extend([
                    Value::from(row.id),
                    Value::from(at),
                    Value::from(depth),
                    Value::from(parent.map(str::to_string)),
                ]);
            }
            Target::Removed(_) => {
                if !moved
                    && row.deleted
                    && row.change.as_deref() == Some("removed")
                    && row.digest.is_none()
                {
                    continue;
                }
                removed.extend([Value::from(row.id), Value::from(at)]);
            }
            Target::Kept(_) => {
                if !moved {
                    continue;
                }
                position_only.extend([Value::from(row.id), Value::from(at)]);
            }
        }
        if moved {
            flip.push(Value::from(row.id));
        }
    }
    update_by_id(
        tx,
        "position = v.column2, depth = v.column3, parent_id = v.column4, change = NULL",
        4,
        &place,
    )?;
    update_by_id(tx, "position = v.column2", 2, &position_only)?;
    update_by_id(
        tx,
        "position = v.column2, deleted = 1, change = 'removed', digest = NULL",
        2,
        &removed,
    )?;
    if flip.is_empty() {
        return Ok(());
    }
    if flips_all {
        // Every row at a negative position takes its new one: one range of the
        // position index.
        let n = tx.execute(
            "UPDATE posts SET position = -1 - position WHERE thread_id = ?1 AND position < 0",
            [thread_id],
        )?;
        if n != flip.len() {
            return Err(Error::new(
                ErrorKind::Database,
                format!(
                    "moving posts: {n} rows of thread {thread_id} were out of place, {} expected",
                    flip.len()
                ),
            ));
        }
        return Ok(());
    }
    update_by_id(tx, "position = -1 - position", 1, &flip)
}

/// `UPDATE posts SET {set} FROM (VALUES …) AS v WHERE posts.id = v.column1` over
/// `values`, `width` of them to a row (the row id first), a few hundred rows a
/// statement. Every row must exist.
fn update_by_id(tx: &Transaction<'_>, set: &str, width: usize, values: &[Value]) -> Result<()> {
    for chunk in values.chunks(ROWS_PER_STATEMENT * width) {
        let rows = chunk.len() / width;
        let row = format!("({})", vec!["?"; width].join(", "));
        let sql = format!(
            "UPDATE posts SET {set} FROM (VALUES {}) AS v WHERE posts.id = v.column1",
            vec![row.as_str(); rows].join(", ")
        );
        let n = tx.prepare_cached(&sql)?.execute(params_from_iter(chunk))?;
        if n != rows {
            return Err(Error::new(
                ErrorKind::Database,
                format!("moving posts: {n} of {rows} rows updated"),
            ));
        }
    }
    Ok(())
}

/// Refuse to go on if a row of the thread was left at a negative position (a row
/// taken as rewritten that the import did not write).
pub(super) fn check_placed(tx: &Transaction<'_>, thread_id: i64) -> Result<()> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM posts WHERE thread_id = ?1 AND position < 0",
        [thread_id],
        |r| r.get(0),
    )?;
    if n > 0 {
        return Err(Error::new(
            ErrorKind::Database,
            format!("writing thread {thread_id}: {n} posts were left without a place"),
        ));
    }
    Ok(())
}
