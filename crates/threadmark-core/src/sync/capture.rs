//! Finding local edits: the library as it is now (`state.rs`) against what the
//! sync module last saw of it (`sync_seen`). Each difference becomes a record
//! with a new stamp; after remote records are written into the library,
//! [`absorb`] records what the library now holds, so that those are not sent
//! back as local edits.

use std::collections::HashMap;

use rusqlite::{params, Connection, Transaction};
use serde_json::{json, Value};

use super::merge::{field, live, tombstone, Local};
use super::state::{self, elements, set_fields, State, KINDS};
use crate::error::Result;
use crate::store::Library;

/// One entity that differs from what was last seen.
struct Diff {
    kind: &'static str,
    key: String,
    old: Option<State>,
    new: Option<(State, String)>,
    /// For a thread whose posts changed: its content (hash, gzip bytes).
    content: Option<(String, Vec<u8>)>,
}

fn load_seen(conn: &Connection, kind: &str) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT entity, state FROM sync_seen WHERE kind = ?1")?;
    let rows = stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn diffs(conn: &Connection) -> Result<Vec<Diff>> {
    let mut out = Vec::new();
    for kind in KINDS {
        let current = state::current(conn, kind)?;
        let mut seen = load_seen(conn, kind)?;
        for (key, st) in current {
            let text = serde_json::to_string(&st)?;
            let old = seen.remove(&key);
            if old.as_deref() == Some(text.as_str()) {
                continue;
            }
            let old = old.and_then(|o| serde_json::from_str(&o).ok());
            out.push(Diff {
                kind,
                key,
                old,
                new: Some((st, text)),
                content: None,
            });
        }
        for (key, old) in seen {
            let old = serde_json::from_str(&old).ok();
            out.push(Diff {
                kind,
                key,
                old,
                new: None,
                content: None,
            });
        }
    }
    Ok(out)
}

/// Record the library's local edits as changes to send. Returns how many records.
pub fn capture(lib: &mut Library, local: &mut Local<'_>) -> Result<usize> {
    let mut found = diffs(lib.connection())?;
    for d in &mut found {
        let posts_changed = match (&d.old, &d.new) {
            (old, Some((new, _))) => {
                old.as_ref().and_then(|o| o.get("content")) != new.get("content")
            }
            _ => false,
        };
        if d.kind == "thread" && posts_changed {
            let id: i64 = lib.connection().query_row(
                "SELECT id FROM threads WHERE uuid = ?1",
                [&d.key],
                |r| r.get(0),
            )?;
            d.content = Some(super::content::make(lib, id)?);
        }
    }
    if found.is_empty() {
        return Ok(0);
    }
    let before = local.made;
    let tx = lib.conn_mut().transaction()?;
    for d in found {
        emit(&tx, local, d)?;
    }
    tx.commit()?;
    Ok(local.made - before)
}

fn emit(tx: &Transaction<'_>, local: &mut Local<'_>, d: Diff) -> Result<()> {
    let (kind, key) = (d.kind, d.key.as_str());
    let Some((new, text)) = d.new else {
        local.delete(tx, kind, key)?;
        tx.execute(
            "DELETE FROM sync_seen WHERE kind = ?1 AND entity = ?2",
            params![kind, key],
        )?;
        return Ok(());
    };
    if d.old.is_none() && tombstone(tx, kind, key)?.is_some() {
        local.set(tx, kind, key, "deleted", Value::Null)?;
        // A label made again under a deleted one's name: the highlights that name
        // it show it here too, as they will where this undelete arrives.
        if kind == "label" {
            super::materialize::label_back(tx, key)?;
        }
    }
    let sets = set_fields(kind);
    for (f, v) in &new {
        if sets.contains(&f.as_str()) || d.old.as_ref().and_then(|o| o.get(f)) == Some(v) {
            continue;
        }
        let value = if kind == "thread" && f == "content" {
            let Some((hash, bytes)) = &d.content else {
                continue;
            };
            tx.execute(
                "INSERT OR IGNORE INTO sync_blobs_out (hash, bytes) VALUES (?1, ?2)",
                params![hash, bytes],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO sync_thread_content (thread, blob) VALUES (?1, ?2)",
                params![key, hash],
            )?;
            json!({"blob": hash})
        } else {
            v.clone()
        };
        let winner = field(tx, kind, key, f)?;
        if winner.as_ref().is_some_and(|w| w.value == value) {
            continue;
        }
        // Every library starts with the same labels: a value nobody changed is
        // not sent (a new device would otherwise override others' edits).
        if kind == "label" && winner.is_none() && is_default_label(key, f, &value) {
            continue;
        }
        local.set(tx, kind, key, f, value)?;
    }
    for f in sets {
        let now = elements(&new, f);
        let base: Vec<String> = match &d.old {
            Some(o) => elements(o, f),
            None => live(tx, kind, key, f)?
                .into_iter()
                .map(|(e, _)| e)
                .collect(),
        };
        let live_now: Vec<String> = live(tx, kind, key, f)?
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        for e in now
            .iter()
            .filter(|e| !base.contains(e) && !live_now.contains(e))
        {
            local.add(tx, kind, key, f, e)?;
        }
        for e in base.iter().filter(|e| !now.contains(e)) {
            local.remove(tx, kind, key, f, e)?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO sync_seen (kind, entity, state) VALUES (?1, ?2, ?3)",
        params![kind, key, text],
    )?;
    Ok(())
}

/// The labels every new library starts with (migrations/01-init): name, colour,
/// shortcut, position.
const DEFAULT_LABELS: [(&str, &str, &str, i64); 5] = [
    ("Claim", "#e0a100", "1", 0),
    ("Evidence", "#2f9e44", "2", 1),
    ("Rebuttal", "#e03131", "3", 2),
    ("Question", "#1c7ed6", "4", 3),
    ("Concession", "#9c36b5", "5", 4),
];

/// A built-in label by key (its name in lower case).
pub(super) fn default_label(key: &str) -> Option<(&'static str, &'static str, &'static str, i64)> {
    DEFAULT_LABELS
        .iter()
        .find(|(name, ..)| name.to_lowercase() == key)
        .copied()
}

/// Whether a label field holds the value every new library starts with.
fn is_default_label(key: &str, f: &str, value: &Value) -> bool {
    default_label(key).is_some_and(|(name, color, shortcut, position)| match f {
        "name" => value == name,
        "color" => value == color,
        "shortcut" => value == shortcut,
        "position" => value == position,
        _ => false,
    })
}

/// Record what the library holds now as seen (after remote changes were written
/// into it, in the same transaction).
pub fn absorb(tx: &Transaction<'_>) -> Result<()> {
    for kind in KINDS {
        let current = state::current(tx, kind)?;
        let mut seen = load_seen(tx, kind)?;
        for (key, st) in current {
            let text = serde_json::to_string(&st)?;
            if seen.remove(&key).as_deref() != Some(text.as_str()) {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sync_seen (kind, entity, state) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![kind, key, text])?;
            }
        }
        for key in seen.keys() {
            tx.prepare_cached("DELETE FROM sync_seen WHERE kind = ?1 AND entity = ?2")?
                .execute(params![kind, key])?;
        }
    }
    Ok(())
}
