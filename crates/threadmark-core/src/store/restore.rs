//! Restoring a JSON backup (`export --format json`): merged into the library by
//! stable ids, in one transaction, without duplicates.
//!
//! - labels by name (missing ones are added);
//! - threads by uuid, else by source and source key, else created with the backup's uuid;
//! - posts by source id: posts the library has are kept as they are (they come from
//!   the source; a re-import updates them), missing ones are added after them;
//! - highlights by uuid: missing ones are added; where both have one, the newer edit wins;
//! - links between highlights by uuid: missing ones are added (both ends must be in
//!   the backup or the library).
//!
//! Post HTML from a backup is sanitized again: a backup is a file like any other.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{now, Library};
use crate::error::{Error, Result};

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreReport {
    pub threads_created: usize,
    pub threads_merged: usize,
    pub posts_added: usize,
    pub highlights_added: usize,
    pub highlights_updated: usize,
    /// Highlights restored (added or updated) as orphaned: on a post the thread does
    /// not hold (kept with their quote, to re-attach), or orphaned in the export.
    pub highlights_orphaned: usize,
    pub labels_added: usize,
    pub links_added: usize,
}

fn field<'a>(v: &'a Value, path: &str, key: &str) -> Result<&'a Value> {
    v.get(key)
        .filter(|x| !x.is_null())
        .ok_or_else(|| Error::bad_input(format!("missing {key:?}")).at(path.to_string()))
}

fn text<'a>(v: &'a Value, path: &str, key: &str) -> Result<&'a str> {
    field(v, path, key)?
        .as_str()
        .ok_or_else(|| Error::bad_input(format!("{key:?} is not a string")).at(path.to_string()))
}

fn int(v: &Value, path: &str, key: &str) -> Result<i64> {
    field(v, path, key)?
        .as_i64()
        .ok_or_else(|| Error::bad_input(format!("{key:?} is not an integer")).at(path.to_string()))
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn time_of(v: &Value, path: &str, key: &str) -> Result<i64> {
    let s = text(v, path, key)?;
    OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| {
            Error::bad_input(format!("{key:?} is not an RFC 3339 time: {e}")).at(path.to_string())
        })
}

fn array<'a>(v: &'a Value, path: &str, key: &str) -> Result<&'a [Value]> {
    field(v, path, key)?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| Error::bad_input(format!("{key:?} is not an array")).at(path.to_string()))
}

impl Library {
    /// Merge a JSON backup into the library.
    pub fn restore(&mut self, doc: &Value) -> Result<RestoreReport> {
        if doc.get("format").and_then(Value::as_str) != Some(crate::export::JSON_FORMAT) {
            return Err(Error::bad_input(
                "not a Threadmark JSON export (no \"format\": \"threadmark-export\")",
            )
            .at("$"));
        }
        let version = int(doc, "$", "version")?;
        if version < 1 || version > i64::from(crate::export::JSON_VERSION) {
            return Err(Error::bad_input(format!(
                "export version {version} is not one this build reads (1 to {})",
                crate::export::JSON_VERSION
            ))
            .at("$.version"));
        }
        let tx = self.conn.transaction()?;
        let mut report = RestoreReport::default();
        for (i, label) in array(doc, "$", "labels")?.iter().enumerate() {
            let path = format!("$.labels[{i}]");
            let name = text(label, &path, "name")?;
            let exists: bool = tx
                .query_row(
                    "SELECT 1 FROM labels WHERE name = ?1 COLLATE NOCASE",
                    [name],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !exists {
                tx.execute(
                    "INSERT INTO labels (name, color, shortcut, position)
                     VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), -1) + 1 FROM labels))",
                    params![
                        name,
                        text(label, &path, "color")?,
                        opt_text(label, "shortcut")
                    ],
                )
                .map_err(|e| Error::from(e).at(path.clone()))?;
                report.labels_added += 1;
            }
        }
        for (i, thread) in array(doc, "$", "threads")?.iter().enumerate() {
            restore_thread(&tx, thread, &format!("$.threads[{i}]"), &mut report)?;
        }
        tx.commit()?;
        Ok(report)
    }
}

pub(crate) fn restore_thread(
    tx: &Transaction<'_>,
    t: &Value,
    path: &str,
    report: &mut RestoreReport,
) -> Result<()> {
    let uuid = text(t, path, "uuid")?;
    let source = text(t, path, "source")?;
    let source_key = opt_text(t, "source_key");
    let by_uuid: Option<i64> = tx
        .query_row("SELECT id FROM threads WHERE uuid = ?1", [uuid], |r| {
            r.get(0)
        })
        .optional()?;
    let existing = match (by_uuid, &source_key) {
        (Some(id), _) => Some(id),
        (None, Some(key)) => tx
            .query_row(
                "SELECT id FROM threads WHERE source = ?1 AND source_key = ?2",
                params![source, key],
                |r| r.get(0),
            )
            .optional()?,
        (None, None) => None,
    };
    let thread_id = match existing {
        Some(id) => {
            report.threads_merged += 1;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO threads (uuid, title, source, source_key, url, created_at, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    uuid,
                    text(t, path, "title")?,
                    source,
                    source_key,
                    opt_text(t, "url"),
                    time_of(t, path, "created_at")?,
                    time_of(t, path, "imported_at")?,
                ],
            )?;
            report.threads_created += 1;
            tx.last_insert_rowid()
        }
    };

    // Posts the library lacks, after the ones it has, in the backup's order.
    let mut next: i64 = tx.query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM posts WHERE thread_id = ?1",
        [thread_id],
        |r| r.get(0),
    )?;
    let mut added: HashMap<String, i64> = HashMap::new();
    let before: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM posts", [], |r| r.get(0))?;
    for (i, p) in array(t, path, "posts")?.iter().enumerate() {
        let ppath = format!("{path}.posts[{i}]");
        let sid = text(p, &ppath, "id")?;
        let present: bool = tx
            .query_row(
                "SELECT 1 FROM posts WHERE thread_id = ?1 AND source_id = ?2",
                params![thread_id, sid],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if present {
            continue;
        }
        tx.execute(
            "INSERT INTO posts (thread_id, source_id, parent_id, position, depth, author, created_at, html, text, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                thread_id,
                sid,
                opt_text(p, "parent"),
                next,
                int(p, &ppath, "depth")?,
                opt_text(p, "author"),
                p.get("created_at").and_then(Value::as_i64),
                crate::body::sanitize(text(p, &ppath, "html")?),
                text(p, &ppath, "text")?,
                p.get("deleted").and_then(Value::as_bool).unwrap_or(false),
            ],
        )?;
        added.insert(sid.to_string(), tx.last_insert_rowid());
        next += 1;
        report.posts_added += 1;
    }
    let new_rows: Vec<i64> = added.values().copied().collect();
    super::write::index_new_posts(tx, before, &new_rows)?;
    // Quotes of the posts added.
    for (i, q) in array(t, path, "quotes")?.iter().enumerate() {
        let qpath = format!("{path}.quotes[{i}]");
        let Some(&post_id) = added.get(text(q, &qpath, "post")?) else {
            continue;
        };
        let source_post: Option<i64> = match opt_text(q, "source") {
            Some(s) => tx
                .query_row(
                    "SELECT id FROM posts WHERE thread_id = ?1 AND source_id = ?2",
                    params![thread_id, s],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        };
        tx.execute(
            "INSERT INTO quotes (thread_id, post_id, start, \"end\", depth, text, source_post, source_start, source_end, score)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                thread_id,
                post_id,
                int(q, &qpath, "start")?,
                int(q, &qpath, "end")?,
                q.get("depth").and_then(Value::as_i64).unwrap_or(1),
                text(q, &qpath, "text")?,
                source_post,
                source_post.and(q.get("source_start").and_then(Value::as_i64)),
                source_post.and(q.get("source_end").and_then(Value::as_i64)),
                source_post.and(q.get("score").and_then(Value::as_f64)),
            ],
        )?;
    }

    for (i, h) in array(t, path, "highlights")?.iter().enumerate() {
        let hpath = format!("{path}.highlights[{i}]");
        restore_highlight(tx, thread_id, h, &hpath, report)?;
    }
    // Links (absent from backups made before links existed).
    if let Some(links) = t.get("links").filter(|v| !v.is_null()) {
        let links = links
            .as_array()
            .ok_or_else(|| Error::bad_input("\"links\" is not an array").at(path.to_string()))?;
        for (i, l) in links.iter().enumerate() {
            restore_link(tx, thread_id, l, &format!("{path}.links[{i}]"), report)?;
        }
    }
    Ok(())
}

fn restore_link(
    tx: &Transaction<'_>,
    thread_id: i64,
    l: &Value,
    path: &str,
    report: &mut RestoreReport,
) -> Result<()> {
    let uuid = text(l, path, "id")?;
    let kind = crate::store::LinkKind::parse(text(l, path, "kind")?)
        .map_err(|e| e.at(path.to_string()))?;
    let end = |key: &str| -> Result<i64> {
        let h = text(l, path, key)?;
        tx.query_row(
            "SELECT id FROM highlights WHERE uuid = ?1 AND thread_id = ?2",
            params![h, thread_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::bad_input(format!(
                "the link's {key:?} end {h:?} is no highlight of this thread"
            ))
            .at(path.to_string())
        })
    };
    let (from, to) = (end("from")?, end("to")?);
    if from == to {
        return Err(Error::bad_input("a link joins a highlight to itself").at(path.to_string()));
    }
    let created = l
        .get("created")
        .and_then(Value::as_str)
        .map_or(Ok(now()), |_| time_of(l, path, "created"))?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO highlight_links (uuid, thread_id, from_id, to_id, kind, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![uuid, thread_id, from, to, kind.as_str(), created],
    )?;
    report.links_added += n;
    Ok(())
}

fn restore_highlight(
    tx: &Transaction<'_>,
    thread_id: i64,
    h: &Value,
    path: &str,
    report: &mut RestoreReport,
) -> Result<()> {
    let uuid = text(h, path, "id")?;
    let modified = time_of(h, path, "modified")?;
    let label_id: Option<i64> = match opt_text(h, "label") {
        Some(name) => tx
            .query_row(
                "SELECT id FROM labels WHERE name = ?1 COLLATE NOCASE",
                [name],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    let existing: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, updated_at FROM highlights WHERE uuid = ?1",
            [uuid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let post = text(h, path, "post")?;
    let post_exists = tx
        .query_row(
            "SELECT 1 FROM posts WHERE thread_id = ?1 AND source_id = ?2",
            params![thread_id, post],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    // A highlight on a post the thread does not hold cannot be anchored, whatever
    // the export says: it is kept, with its quote, as an orphan.
    let state = if post_exists {
        text(h, path, "state")?
    } else {
        "orphaned"
    };
    let values = params![
        uuid,
        thread_id,
        post,
        label_id,
        text(h, path, "exact")?,
        opt_text(h, "prefix").unwrap_or_default(),
        opt_text(h, "suffix").unwrap_or_default(),
        int(h, path, "start")?,
        int(h, path, "end")?,
        opt_text(h, "note").unwrap_or_default(),
        state,
        h.get("created")
            .and_then(Value::as_str)
            .map_or(Ok(now()), |_| time_of(h, path, "created"))?,
        modified,
    ];
    let id = match existing {
        Some((_, library_modified)) if library_modified >= modified => return Ok(()),
        Some((id, _)) => {
            tx.execute(
                "UPDATE highlights SET uuid = ?1, thread_id = ?2, post_source = ?3, label_id = ?4, exact = ?5, prefix = ?6,
                        suffix = ?7, start = ?8, \"end\" = ?9, note = ?10, state = ?11, created_at = ?12, updated_at = ?13
                 WHERE id = ?14",
                rusqlite::params_from_iter(values.iter().copied().chain(std::iter::once(&id as &dyn rusqlite::ToSql))),
            )
            .map_err(|e| Error::from(e).at(path.to_string()))?;
            tx.execute("DELETE FROM highlight_tags WHERE highlight_id = ?1", [id])?;
            report.highlights_updated += 1;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                values,
            )
            .map_err(|e| Error::from(e).at(path.to_string()))?;
            report.highlights_added += 1;
            tx.last_insert_rowid()
        }
    };
    if state == "orphaned" {
        report.highlights_orphaned += 1;
    }
    if let Some(tags) = h.get("tags").and_then(Value::as_array) {
        for tag in tags.iter().filter_map(Value::as_str) {
            tx.execute(
                "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
                params![id, tag],
            )?;
        }
    }
    Ok(())
}
