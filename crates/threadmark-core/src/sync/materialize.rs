//! Writing winning values into the library's own tables. An entity that cannot
//! be written yet (its thread, or its thread's content file, has not arrived)
//! stays pending and is tried again at every sync.
//!
//! A highlight that cannot be written because another device deleted its thread
//! (without having seen the highlight: it would have deleted it too), or whose
//! label another device deleted, is kept in the conflict history here (reasons
//! `thread` and `label`): the thread's delete wins, nothing goes silently. A
//! thread that comes back (restored) brings back the highlights and read marks
//! nobody deleted.

use std::path::Path;

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use super::merge::{conflict, fields, live, tombstone, Field};
use crate::error::Result;

/// Whether an entity was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Pending,
}

/// Where content files are looked for: every device folder.
pub struct Folder<'a> {
    pub devices: &'a Path,
}

fn get<'a>(f: &'a [(String, Field)], name: &str) -> Option<&'a Value> {
    f.iter().find(|(n, _)| n == name).map(|(_, v)| &v.value)
}

fn stamp_of(f: &[(String, Field)], name: &str) -> String {
    f.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.stamp.clone())
        .unwrap_or_default()
}

fn deleted(f: &[(String, Field)]) -> bool {
    get(f, "deleted").is_some_and(|v| !v.is_null())
}

fn thread_id(tx: &Transaction<'_>, uuid: &str) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached("SELECT id FROM threads WHERE uuid = ?1")?
        .query_row([uuid], |r| r.get(0))
        .optional()?)
}

/// An entity of a thread this library does not hold: done if the thread was
/// deleted (nothing to write), else pending until it arrives.
fn gone_or_pending(tx: &Transaction<'_>, thread: &str) -> Result<Outcome> {
    Ok(
        if super::merge::tombstone(tx, "thread", thread)?.is_some() {
            Outcome::Done
        } else {
            Outcome::Pending
        },
    )
}

/// Write one entity's winning values into the library.
pub fn entity(tx: &Transaction<'_>, kind: &str, key: &str, folder: &Folder<'_>) -> Result<Outcome> {
    let f = fields(tx, kind, key)?;
    match kind {
        "label" => label(tx, key, &f),
        "thread" => thread(tx, key, &f, folder),
        "highlight" => highlight(tx, key, &f),
        "read" => read(tx, key, &f),
        _ => Ok(Outcome::Done),
    }
}

fn label(tx: &Transaction<'_>, key: &str, f: &[(String, Field)]) -> Result<Outcome> {
    if deleted(f) {
        tx.execute("DELETE FROM labels WHERE name = ?1 COLLATE NOCASE", [key])?;
        return Ok(Outcome::Done);
    }
    let was_here = label_exists(tx, key)?;
    // A built-in label comes back (restored) as it was built in: its values were
    // never sent.
    if let Some((name, color, shortcut, position)) = super::capture::default_label(key) {
        tx.execute(
            "INSERT INTO labels (name, color, shortcut, position) SELECT ?1, ?2, ?3, ?4
             WHERE NOT EXISTS (SELECT 1 FROM labels WHERE name = ?1 COLLATE NOCASE)",
            params![name, color, shortcut, position],
        )?;
    }
    let color = get(f, "color").and_then(Value::as_str).filter(|c| {
        c.len() == 7
            && c.starts_with('#')
            && c[1..]
                .chars()
                .all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_uppercase())
    });
    if !label_exists(tx, key)? {
        tx.execute(
            "INSERT INTO labels (name, color, position) VALUES (?1, '#868e96', 0)",
            [get(f, "name").and_then(Value::as_str).unwrap_or(key)],
        )?;
    }
    // Only the fields that travelled: the others keep this library's values
    // (a built-in label's defaults are not sent).
    if let Some(name) = get(f, "name").and_then(Value::as_str) {
        tx.execute(
            "UPDATE labels SET name = ?1 WHERE name = ?2 COLLATE NOCASE",
            params![name, key],
        )?;
    }
    if let Some(color) = color {
        tx.execute(
            "UPDATE labels SET color = ?1 WHERE name = ?2 COLLATE NOCASE",
            params![color, key],
        )?;
    }
    if let Some(shortcut) = get(f, "shortcut") {
        tx.execute(
            "UPDATE labels SET shortcut = ?1 WHERE name = ?2 COLLATE NOCASE",
            params![shortcut.as_str(), key],
        )?;
    }
    if let Some(position) = get(f, "position").and_then(Value::as_i64) {
        tx.execute(
            "UPDATE labels SET position = ?1 WHERE name = ?2 COLLATE NOCASE",
            params![position, key],
        )?;
    }
    // Deleted once and back now: so is the label on the highlights that name it.
    if !was_here && get(f, "deleted").is_some() {
        label_back(tx, key)?;
    }
    Ok(Outcome::Done)
}

fn label_exists(tx: &Transaction<'_>, key: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM labels WHERE name = ?1 COLLATE NOCASE")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A label (by key) is in the library again: write again every highlight whose
/// winning label names it (they were written without it while it was deleted).
pub fn label_back(tx: &Transaction<'_>, key: &str) -> Result<()> {
    let named: Vec<String> = tx
        .prepare_cached(
            "SELECT entity FROM sync_fields WHERE kind = 'highlight' AND field = 'label' AND lower(value) = ?1",
        )?
        .query_map([Value::String(key.to_string()).to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for h in named {
        let f = fields(tx, "highlight", &h)?;
        highlight(tx, &h, &f)?;
    }
    Ok(())
}

fn thread(
    tx: &Transaction<'_>,
    uuid: &str,
    f: &[(String, Field)],
    folder: &Folder<'_>,
) -> Result<Outcome> {
    if deleted(f) {
        tx.execute("DELETE FROM threads WHERE uuid = ?1", [uuid])?;
        lost_with_thread(tx, uuid)?;
        return Ok(Outcome::Done);
    }
    let was_here = thread_id(tx, uuid)?.is_some();
    if let Some(hash) = get(f, "content")
        .and_then(|c| c.get("blob"))
        .and_then(Value::as_str)
    {
        let had: Option<String> = tx
            .query_row(
                "SELECT blob FROM sync_thread_content WHERE thread = ?1",
                [uuid],
                |r| r.get(0),
            )
            .optional()?;
        if had.as_deref() != Some(hash) || thread_id(tx, uuid)?.is_none() {
            let Some(content) = find_content(folder, hash) else {
                return Ok(Outcome::Pending);
            };
            super::content::apply(tx, uuid, &content)?;
            tx.execute(
                "INSERT OR REPLACE INTO sync_thread_content (thread, blob) VALUES (?1, ?2)",
                params![uuid, hash],
            )?;
        }
    }
    if thread_id(tx, uuid)?.is_none() {
        return Ok(Outcome::Pending);
    }
    if let Some(title) = get(f, "title").and_then(Value::as_str) {
        tx.execute(
            "UPDATE threads SET title = ?1, title_given = 1 WHERE uuid = ?2 AND title IS NOT ?1",
            params![title, uuid],
        )?;
    }
    // Deleted once and back now: so are its highlights and read marks that were
    // not deleted themselves.
    if !was_here && get(f, "deleted").is_some() {
        children(tx, uuid)?;
    }
    Ok(Outcome::Done)
}

/// The highlights (by uuid) that name `thread` as theirs, with that field's stamp.
fn highlights_of(tx: &Transaction<'_>, thread: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT entity, stamp FROM sync_fields WHERE kind = 'highlight' AND field = 'thread' AND value = ?1",
    )?;
    let rows = stmt.query_map([Value::String(thread.to_string()).to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A thread was deleted: every highlight of it that was not deleted itself was
/// made or edited where the delete was not seen; keep each in the history.
fn lost_with_thread(tx: &Transaction<'_>, thread: &str) -> Result<usize> {
    let Some(tomb) = tombstone(tx, "thread", thread)? else {
        return Ok(0);
    };
    let mut n = 0;
    for (h, stamp) in highlights_of(tx, thread)? {
        if tombstone(tx, "highlight", &h)?.is_none() {
            n += lost_to_thread(tx, &h, thread, &stamp, &tomb)?;
        }
    }
    Ok(n)
}

/// One highlight lost with its thread: field `thread`, value the thread's uuid.
fn lost_to_thread(
    tx: &Transaction<'_>,
    highlight: &str,
    thread: &str,
    stamp: &str,
    tomb: &Field,
) -> Result<usize> {
    let v = Value::String(thread.to_string());
    conflict(
        tx,
        "highlight",
        highlight,
        "thread",
        &v,
        stamp,
        &tomb.stamp,
        None,
        "thread",
    )
}

/// Write a thread's highlights and read marks that are not deleted (the thread
/// came back).
fn children(tx: &Transaction<'_>, thread: &str) -> Result<()> {
    let mut wrote = false;
    for (h, _) in highlights_of(tx, thread)? {
        let f = fields(tx, "highlight", &h)?;
        wrote |= highlight(tx, &h, &f)? == Outcome::Done && !deleted(&f);
    }
    let reads: Vec<String> = tx
        .prepare_cached(
            "SELECT DISTINCT entity FROM sync_fields WHERE kind = 'read' AND entity >= ?1 AND entity < ?2",
        )?
        .query_map(params![format!("{thread}/"), format!("{thread}0")], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    for key in reads {
        let f = fields(tx, "read", &key)?;
        read(tx, &key, &f)?;
    }
    if wrote {
        links(tx)?;
    }
    Ok(())
}

/// A content file by hash from any device's folder (a whole, matching one).
fn find_content(folder: &Folder<'_>, hash: &str) -> Option<Value> {
    let name = super::content::file_name(hash);
    let devices = std::fs::read_dir(folder.devices).ok()?;
    devices
        .flatten()
        .map(|d| d.path().join("threads").join(&name))
        .filter(|p| p.is_file())
        .find_map(|p| super::content::read(&p, hash).ok())
}

fn highlight(tx: &Transaction<'_>, uuid: &str, f: &[(String, Field)]) -> Result<Outcome> {
    if deleted(f) {
        tx.prepare_cached("DELETE FROM highlights WHERE uuid = ?1")?
            .execute([uuid])?;
        return Ok(Outcome::Done);
    }
    let (Some(thread), Some(span)) = (get(f, "thread").and_then(Value::as_str), get(f, "span"))
    else {
        return Ok(Outcome::Pending);
    };
    let Some(tid) = thread_id(tx, thread)? else {
        // Deleted by a device that had not seen this highlight: kept.
        if let Some(tomb) = tombstone(tx, "thread", thread)? {
            let stamp = stamp_of(f, "thread");
            lost_to_thread(tx, uuid, thread, &stamp, &tomb)?;
            return Ok(Outcome::Done);
        }
        return Ok(Outcome::Pending);
    };
    let label_id: Option<i64> = match get(f, "label").and_then(Value::as_str) {
        Some(name) => {
            let id = tx
                .prepare_cached("SELECT id FROM labels WHERE name = ?1 COLLATE NOCASE")?
                .query_row([name], |r| r.get(0))
                .optional()?;
            // Given a label another device deleted meanwhile: kept.
            if id.is_none() {
                if let Some(tomb) = tombstone(tx, "label", &name.to_lowercase())? {
                    let v = Value::String(name.to_string());
                    let stamp = stamp_of(f, "label");
                    conflict(
                        tx,
                        "highlight",
                        uuid,
                        "label",
                        &v,
                        &stamp,
                        &tomb.stamp,
                        None,
                        "label",
                    )?;
                }
            }
            id
        }
        None => None,
    };
    let s = |k: &str| {
        span.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let n = |k: &str| span.get(k).and_then(Value::as_i64).unwrap_or(0);
    let state = match s("state").as_str() {
        st @ ("anchored" | "moved" | "fuzzy" | "orphaned") => st.to_string(),
        _ => "anchored".to_string(),
    };
    let (start, end) = (n("start"), n("end").max(n("start")));
    let note = get(f, "note").and_then(Value::as_str).unwrap_or("");
    let created = get(f, "created").and_then(Value::as_i64).unwrap_or(0);
    let id: i64 = tx.prepare_cached(
        "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (uuid) DO UPDATE SET thread_id = excluded.thread_id, post_source = excluded.post_source,
           label_id = excluded.label_id, exact = excluded.exact, prefix = excluded.prefix, suffix = excluded.suffix,
           start = excluded.start, \"end\" = excluded.\"end\", note = excluded.note, state = excluded.state,
           created_at = excluded.created_at, updated_at = max(updated_at, excluded.updated_at)
         RETURNING id",
    )?
    .query_row(params![
        uuid, tid, s("post"), label_id, s("exact"), s("prefix"), s("suffix"), start, end, note, state, created,
        crate::store::now()
    ], |r| r.get::<_, i64>(0))?;
    tx.prepare_cached("DELETE FROM highlight_tags WHERE highlight_id = ?1")?
        .execute([id])?;
    for (tag, _) in live(tx, "highlight", uuid, "tags")? {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
        )?
        .execute(params![id, tag])?;
    }
    Ok(Outcome::Done)
}

/// Every link whose set element is live and whose two ends are highlights of one
/// thread here; no others.
pub fn links(tx: &Transaction<'_>) -> Result<usize> {
    let mut want: Vec<(String, String, String)> = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT entity, element FROM sync_set
             WHERE kind = 'highlight' AND field = 'links' AND removed_by IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (from, element) = row?;
            if let Some((kind, to)) = element.split_once(' ') {
                want.push((from, kind.to_string(), to.to_string()));
            }
        }
    }
    let mut changed = 0;
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS sync_want_links (from_uuid TEXT, kind TEXT, to_uuid TEXT); DELETE FROM temp.sync_want_links;")?;
    for (from, kind, to) in &want {
        tx.prepare_cached("INSERT INTO temp.sync_want_links VALUES (?1, ?2, ?3)")?
            .execute(params![from, kind, to])?;
    }
    changed += tx.execute(
        "DELETE FROM highlight_links WHERE id IN (
           SELECT l.id FROM highlight_links l JOIN highlights a ON a.id = l.from_id JOIN highlights b ON b.id = l.to_id
           WHERE NOT EXISTS (SELECT 1 FROM temp.sync_want_links w WHERE w.from_uuid = a.uuid AND w.kind = l.kind AND w.to_uuid = b.uuid))",
        [],
    )?;
    let mut stmt = tx.prepare(
        "SELECT a.id, b.id, a.thread_id, w.kind FROM temp.sync_want_links w
         JOIN highlights a ON a.uuid = w.from_uuid JOIN highlights b ON b.uuid = w.to_uuid
         WHERE a.thread_id = b.thread_id AND a.id != b.id
           AND w.kind IN ('supports', 'rebuts', 'answers', 'qualifies')
           AND NOT EXISTS (SELECT 1 FROM highlight_links l WHERE l.from_id = a.id AND l.to_id = b.id AND l.kind = w.kind)",
    )?;
    let missing: Vec<(i64, i64, i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (from, to, thread, kind) in missing {
        changed += tx.execute(
            "INSERT INTO highlight_links (uuid, thread_id, from_id, to_id, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![uuid::Uuid::new_v4().to_string(), thread, from, to, kind, crate::store::now()],
        )?;
    }
    Ok(changed)
}

fn read(tx: &Transaction<'_>, key: &str, f: &[(String, Field)]) -> Result<Outcome> {
    let Some((thread, post)) = key.split_once('/') else {
        return Ok(Outcome::Done);
    };
    let Some(tid) = thread_id(tx, thread)? else {
        return gone_or_pending(tx, thread);
    };
    if deleted(f) {
        tx.execute(
            "DELETE FROM post_reads WHERE thread_id = ?1 AND post_source = ?2",
            params![tid, post],
        )?;
        return Ok(Outcome::Done);
    }
    let revision = get(f, "revision").and_then(Value::as_i64).unwrap_or(0);
    tx.prepare_cached(
        "INSERT INTO post_reads (thread_id, post_source, revision, read_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (thread_id, post_source) DO UPDATE SET revision = excluded.revision
         WHERE revision IS NOT excluded.revision",
    )?
    .execute(params![tid, post, revision, crate::store::now()])?;
    Ok(Outcome::Done)
}
