//! A full copy: everything this library holds of the synced state, written into
//! a folder that lacks this device's files — a folder other than the one it
//! last synced with (the user moved to a new, maybe encrypted, folder), or the
//! same folder after change files it wrote or read there went missing (emptied,
//! pruned, dropped by a sync tool). Without it the devices reading that folder
//! would never get what this device wrote before, nor what it learned from
//! others.
//!
//! Every record keeps its original stamp (never re-stamped: an old value sent
//! again cannot beat a concurrent newer edit), so applying the copy where some
//! of it is already known changes nothing (merge.rs is idempotent):
//! - every winning field (`sync_fields`: value, stamp, `p`, unknown keys),
//!   tombstones included;
//! - sets: first the removes (each naming the adds it removed here and every
//!   other removed add of the element older than it, so that a remove whose
//!   adds another remove took here does not look, elsewhere, as if it had lost
//!   to them), then the live adds with the removes their device had seen, then
//!   the removes that lost to an add (reason `remove`) and removed nothing here;
//! - the values that lost a concurrent edit here (history reason `edit`, not
//!   restored): their stamps are older than the winner's, so they lose again
//!   and the reader's history gets the same entry;
//! - the content of every thread held, as its winning `content` field names it
//!   (made again, or found in this folder or the one synced before; failing
//!   both — the thread was renamed since, and its title is in the content — a
//!   new version of the content is sent, the one record stamped anew).
//!
//! Also when change files another device wrote went missing (someone pruned
//! the folder): a device that joins now would never get them, so every device
//! that read them writes what it holds. The test (`needed`) costs one query and
//! one listing of the devices' `changes/` directories.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, Transaction};
use serde_json::{Map, Value};

use super::crypt::Key;
use super::folder::Layout;
use super::merge::Local;
use super::record::Record;
use super::setting;
use crate::error::Result;
use crate::store::Library;

/// Why a full copy is written, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// The folder holds everything this library read or wrote there.
    No,
    /// Another folder than the one synced with last.
    NewFolder,
    /// Change files read or written here before are gone from the folder (paths
    /// as `sync_files` records them): this device's (emptied, dropped by a sync
    /// tool), or another's (pruned: a device that reads the folder now would
    /// never get them, nor the thread contents beside them).
    Missing(Vec<String>),
}

/// Whether a file name is a change file's own (not a sync tool's conflict copy,
/// which may come and go).
fn change_file_name(name: &str) -> bool {
    name.len() == 16 && name.ends_with(".jsonl") && name[..10].bytes().all(|b| b.is_ascii_digit())
}

/// Does `folder` hold what this library read and wrote there? One query and
/// one listing of the devices' `changes/` directories (names only).
pub fn needed(conn: &Connection, layout: &Layout, folder: &str) -> Result<Need> {
    let has_state: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_fields) OR EXISTS (SELECT 1 FROM sync_set)",
        [],
        |r| r.get(0),
    )?;
    if !has_state {
        return Ok(Need::No);
    }
    match setting(conn, "folder")? {
        // Never synced: the first capture sends all there is.
        None => return Ok(Need::No),
        Some(f) if f != folder => return Ok(Need::NewFolder),
        Some(_) => {}
    }
    let recorded: Vec<String> = conn
        .prepare("SELECT DISTINCT path FROM sync_files")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|p| p.rsplit('/').next().is_some_and(change_file_name))
        .collect();
    if recorded.is_empty() {
        return Ok(Need::No);
    }
    let mut present = HashSet::new();
    if let Ok(devices) = std::fs::read_dir(&layout.devices) {
        for d in devices.flatten() {
            let device = d.file_name().to_string_lossy().to_string();
            if let Ok(files) = std::fs::read_dir(d.path().join("changes")) {
                for f in files.flatten() {
                    let name = f.file_name().to_string_lossy().to_string();
                    if change_file_name(&name) {
                        present.insert(format!("{device}/changes/{name}"));
                    }
                }
            }
        }
    }
    let missing: Vec<String> = recorded
        .into_iter()
        .filter(|p| !present.contains(p))
        .collect();
    Ok(if missing.is_empty() {
        Need::No
    } else {
        Need::Missing(missing)
    })
}

/// What a full copy queued.
#[derive(Debug, Default, Clone, Copy)]
pub struct Queued {
    pub records: usize,
    pub threads: usize,
    /// Threads whose content as last synced was neither in a folder nor could be
    /// made again (renamed since: the title is in it): sent as a new version.
    pub new_versions: usize,
}

/// Where a content file sent before may still be: the folder synced now (read
/// with its key), and the one synced last, if it was another, unencrypted one.
pub struct Sources<'a> {
    pub devices: &'a Path,
    pub key: Option<&'a Key>,
    pub old_folder: Option<PathBuf>,
}

/// Queue the full copy: its records into the outbox (after what is already
/// there; a record already queued is not queued twice) and every thread's
/// content into the contents to write.
pub fn queue(lib: &mut Library, from: &Sources<'_>, local: &mut Local<'_>) -> Result<Queued> {
    let mut q = Queued::default();
    let threads: Vec<(i64, String, Option<String>)> = lib
        .connection()
        .prepare(
            "SELECT t.id, t.uuid, f.value FROM threads t LEFT JOIN sync_fields f
               ON f.kind = 'thread' AND f.entity = t.uuid AND f.field = 'content'
             WHERE t.uuid IS NOT NULL ORDER BY t.uuid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Each thread's content as its winning `content` field names it: made again
    // here when that gives the same bytes, else found in a folder, else a new
    // version of it.
    let mut contents = Vec::with_capacity(threads.len());
    let mut new_versions = Vec::new();
    for (id, uuid, winning) in &threads {
        let winning = winning
            .as_deref()
            .map(json)
            .and_then(|v| v.get("blob").and_then(Value::as_str).map(str::to_string));
        let (hash, bytes) = super::content::make(lib, *id)?;
        if winning.as_deref() == Some(hash.as_str()) {
            contents.push((hash, bytes));
            continue;
        }
        if let Some(found) = winning.as_deref().and_then(|w| find(from, w)) {
            contents.push(found);
            continue;
        }
        new_versions.push((uuid.clone(), hash.clone()));
        contents.push((hash, bytes));
    }
    let tx = lib.conn_mut().transaction()?;
    for (hash, bytes) in &contents {
        tx.execute(
            "INSERT OR IGNORE INTO sync_blobs_out (hash, bytes) VALUES (?1, ?2)",
            params![hash, bytes],
        )?;
    }
    for (uuid, hash) in &new_versions {
        tx.execute(
            "INSERT OR REPLACE INTO sync_thread_content (thread, blob) VALUES (?1, ?2)",
            params![uuid, hash],
        )?;
        local.set(
            &tx,
            "thread",
            uuid,
            "content",
            serde_json::json!({"blob": hash}),
        )?;
    }
    q.threads = contents.len();
    q.new_versions = new_versions.len();
    let mut queued = queued_keys(&tx)?;
    let mut push = |tx: &Transaction<'_>, rec: Record| -> Result<()> {
        if queued.insert(key_of(&rec)) {
            tx.prepare_cached("INSERT INTO sync_outbox (record) VALUES (?1)")?
                .execute([serde_json::to_string(&rec)?])?;
            q.records += 1;
        }
        Ok(())
    };
    for rec in fields(&tx)? {
        push(&tx, rec)?;
    }
    // After the winners, so that each loses at once where it is read.
    for rec in losers(&tx)? {
        push(&tx, rec)?;
    }
    for rec in sets(&tx)? {
        push(&tx, rec)?;
    }
    // After the adds they lost to, so that they lose again where they are read.
    for rec in lost_removes(&tx)? {
        push(&tx, rec)?;
    }
    tx.commit()?;
    // The new versions' records were queued by `local` itself.
    q.records += new_versions.len();
    Ok(q)
}

/// A content file named `hash`, whole, in any device's directory of the
/// folders in `from`: its compressed bytes.
fn find(from: &Sources<'_>, hash: &str) -> Option<(String, Vec<u8>)> {
    let look = |devices: &Path| -> Option<Vec<u8>> {
        let name = super::content::file_name(hash);
        std::fs::read_dir(devices)
            .ok()?
            .flatten()
            .map(|d| d.path().join("threads").join(&name))
            .filter(|p| p.is_file())
            .find_map(|p| super::content::open(&p, hash).ok().map(|(gz, _)| gz))
    };
    {
        let _scope = super::envelope::Scope::enter(from.key);
        if let Some(gz) = look(from.devices) {
            return Some((hash.to_string(), gz));
        }
    }
    let old = from.old_folder.as_deref()?;
    if old.join("threadmark").join("encryption.json").exists() {
        return None;
    }
    let _scope = super::envelope::Scope::enter(None);
    look(&old.join("threadmark").join("devices")).map(|gz| (hash.to_string(), gz))
}

type RecordKey = (String, String, String, Option<String>, String, String);

fn key_of(r: &Record) -> RecordKey {
    (
        r.k.clone(),
        r.id.clone(),
        r.f.clone(),
        r.op.clone(),
        r.s.clone(),
        r.v.to_string(),
    )
}

fn queued_keys(tx: &Transaction<'_>) -> Result<HashSet<RecordKey>> {
    let mut stmt = tx.prepare("SELECT record FROM sync_outbox")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = HashSet::new();
    for line in rows {
        if let Ok(rec) = serde_json::from_str::<Record>(&line?) {
            out.insert(key_of(&rec));
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn record(
    k: String,
    id: String,
    f: String,
    op: Option<&str>,
    v: Value,
    s: String,
    p: Option<String>,
    r: Vec<String>,
    extra: Map<String, Value>,
) -> Record {
    Record {
        k,
        id,
        f,
        op: op.map(str::to_string),
        v,
        s,
        p,
        r,
        extra,
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// Every winning field, as it was written.
fn fields(tx: &Transaction<'_>) -> Result<Vec<Record>> {
    let mut stmt = tx.prepare(
        "SELECT kind, entity, field, value, stamp, prev, extra FROM sync_fields
         ORDER BY kind, entity, field",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (k, id, f, v, s, p, extra) = row?;
        let extra = extra
            .and_then(|e| serde_json::from_str(&e).ok())
            .unwrap_or_default();
        out.push(record(k, id, f, None, json(&v), s, p, vec![], extra));
    }
    Ok(out)
}

/// The values that lost a concurrent edit of a plain field here (not deletes
/// and undeletes, nor edits of an entity deleted now: sent again those would
/// also count as lost to the delete where they are read).
fn losers(tx: &Transaction<'_>) -> Result<Vec<Record>> {
    let mut stmt = tx.prepare(
        "SELECT c.kind, c.entity, c.field, c.value, c.stamp FROM sync_conflicts c
         WHERE c.reason = 'edit' AND c.restored_at IS NULL AND c.field != 'deleted'
           AND NOT EXISTS (SELECT 1 FROM sync_fields d WHERE d.kind = c.kind
                 AND d.entity = c.entity AND d.field = 'deleted' AND d.value != 'null')
         ORDER BY c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (k, id, f, v, s) = row?;
        if super::state::set_fields(&k).contains(&f.as_str()) {
            continue;
        }
        out.push(record(
            k,
            id,
            f,
            None,
            json(&v),
            s,
            None,
            vec![],
            Map::new(),
        ));
    }
    Ok(out)
}

/// The removes that lost to an add they had not seen (history reason
/// `remove`, not restored). One that removed no add here is in no row of
/// `sync_set`; each names the removed adds of its element older than it.
fn lost_removes(tx: &Transaction<'_>) -> Result<Vec<Record>> {
    let mut stmt = tx.prepare(
        "SELECT kind, entity, field, value, stamp FROM sync_conflicts
         WHERE reason = 'remove' AND restored_at IS NULL ORDER BY id",
    )?;
    let rows: Vec<(String, String, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut adds = tx.prepare(
        "SELECT add_stamp FROM sync_set WHERE kind = ?1 AND entity = ?2 AND field = ?3
           AND element = ?4 AND removed_by IS NOT NULL AND add_stamp < ?5 ORDER BY add_stamp",
    )?;
    let mut out = Vec::new();
    for (k, id, f, v, s) in rows {
        let element = match json(&v) {
            Value::String(e) => e,
            other => other.to_string(),
        };
        let r: Vec<String> = adds
            .query_map(params![k, id, f, element, s], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let v = Value::String(element);
        out.push(record(k, id, f, Some("remove"), v, s, None, r, Map::new()));
    }
    Ok(out)
}

/// One set element's adds here: (add stamp, removed by, saw).
type Adds = Vec<(String, Option<String>, Option<String>)>;

/// The sets: every remove, then every live add.
fn sets(tx: &Transaction<'_>) -> Result<Vec<Record>> {
    let mut stmt = tx.prepare(
        "SELECT kind, entity, field, element, add_stamp, removed_by, saw FROM sync_set
         ORDER BY kind, entity, field, element, add_stamp",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            (
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ),
            (
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ),
        ))
    })?;
    let mut by_element: BTreeMap<(String, String, String, String), Adds> = BTreeMap::new();
    for row in rows {
        let (key, add) = row?;
        by_element.entry(key).or_default().push(add);
    }
    let (mut removes, mut adds) = (Vec::new(), Vec::new());
    for ((k, id, f, element), rows) in by_element {
        let removed: Vec<&str> = rows
            .iter()
            .filter(|(_, by, _)| by.is_some())
            .map(|(s, ..)| s.as_str())
            .collect();
        let mut removers: Vec<&str> = rows.iter().filter_map(|(_, by, _)| by.as_deref()).collect();
        removers.sort();
        removers.dedup();
        for remove in removers {
            let r: Vec<String> = rows
                .iter()
                .filter(|(s, by, _)| {
                    by.as_deref() == Some(remove) || (by.is_some() && s.as_str() < remove)
                })
                .map(|(s, ..)| s.clone())
                .collect();
            debug_assert!(r.iter().all(|s| removed.contains(&s.as_str())));
            removes.push(record(
                k.clone(),
                id.clone(),
                f.clone(),
                Some("remove"),
                Value::String(element.clone()),
                remove.to_string(),
                None,
                r,
                Map::new(),
            ));
        }
        for (s, _, saw) in rows.iter().filter(|(_, by, _)| by.is_none()) {
            let saw: Vec<String> = saw
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default();
            adds.push(record(
                k.clone(),
                id.clone(),
                f.clone(),
                Some("add"),
                Value::String(element.clone()),
                s.clone(),
                None,
                saw,
                Map::new(),
            ));
        }
    }
    removes.extend(adds);
    Ok(removes)
}
