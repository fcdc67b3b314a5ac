//! The conflict history (every value that lost to a concurrent edit or delete),
//! restoring a value from it, and the sync status.
//!
//! Reasons: `edit` (a concurrent edit of the same field won), `delete` (the entity
//! was deleted by a device that had not seen this edit), `thread` (a highlight
//! made or edited on a thread another device deleted meanwhile), `label` (a
//! highlight given a label another device deleted meanwhile), `remove` (a tag or
//! link removal that lost to a concurrent add). Restoring makes the lost value
//! current again: it undeletes what was deleted (the highlight, its thread, the
//! label), and for `remove` removes the element again.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::clock::{device_of, now_ms, Clock};
use super::materialize::{self, Folder};
use super::merge::{field, tombstone, Local};
use super::{capture, device_id, set_setting, setting, state};
use crate::error::{Error, Result};
use crate::store::Library;

/// A value that lost.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Conflict {
    pub id: i64,
    /// `label`, `thread`, `highlight`, `read`.
    pub kind: String,
    /// The entity's key (a uuid, a label's name in lower case, …).
    pub entity: String,
    pub field: String,
    /// The value that lost (for tags and links: the element).
    pub value: Value,
    /// What it lost to (None: a delete).
    pub lost_to: Option<Value>,
    /// `edit`, `delete`, `thread`, `label` or `remove` (see the module header).
    pub reason: String,
    /// The device that wrote the value that lost, and the one that won.
    pub device: String,
    pub winner_device: String,
    /// Unix ms when the losing value was written.
    pub written_ms: i64,
    /// Whether it was restored.
    pub restored: bool,
    /// One line for people.
    pub summary: String,
    /// For a highlight: the words it marks, as last synced.
    pub quote: Option<String>,
    /// For a highlight or a thread: the thread's title, as last synced.
    pub thread_title: Option<String>,
}

/// Where sync stands.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyncStatus {
    pub device: String,
    pub folder: Option<String>,
    /// Unix ms of the last sync (None: never).
    pub last_sync_ms: Option<i64>,
    /// Changes recorded here and not yet written to the folder.
    pub outgoing: i64,
    /// Entities waiting for their thread or its content.
    pub pending: i64,
    /// Conflicts not restored / all.
    pub conflicts_open: i64,
    pub conflicts: i64,
    pub files_read: i64,
}

fn short(s: &str) -> String {
    s.chars().take(8).collect()
}

/// A field's winning value as last synced (also for a deleted entity).
fn synced(conn: &rusqlite::Connection, kind: &str, entity: &str, field: &str) -> Option<Value> {
    conn.query_row(
        "SELECT value FROM sync_fields WHERE kind = ?1 AND entity = ?2 AND field = ?3",
        params![kind, entity, field],
        |r| r.get::<_, String>(0),
    )
    .optional()
    .ok()
    .flatten()
    .and_then(|v| serde_json::from_str(&v).ok())
}

/// The one-line summary of a conflict.
fn summary(c: &Conflict, stamp_device: &str, winner_device: &str) -> String {
    let what = format!("{} {} {}", c.kind, short(&c.entity), c.field);
    match (c.reason.as_str(), &c.lost_to) {
        ("thread", _) => format!(
            "highlight {}{}: made or edited on device {stamp_device} while device {winner_device} deleted its thread{}",
            short(&c.entity),
            c.quote.as_deref().map(|q| format!(" {}", shown(&Value::String(q.to_string())))).unwrap_or_default(),
            c.thread_title.as_deref().map(|t| format!(" {}", shown(&Value::String(t.to_string())))).unwrap_or_default(),
        ),
        ("label", _) => format!(
            "{what}: {} was given on device {stamp_device} while device {winner_device} deleted the label",
            shown(&c.value)
        ),
        ("remove", _) => format!(
            "{what}: removing {} on device {stamp_device} lost to a concurrent add on device {winner_device}",
            shown(&c.value)
        ),
        (_, Some(w)) => format!(
            "{what}: {} lost to {} (device {winner_device})",
            shown(&c.value),
            shown(w),
        ),
        (_, None) => format!(
            "{what}: {} was changed on device {stamp_device} while device {winner_device} deleted the {}",
            shown(&c.value),
            c.kind
        ),
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 60 => {
            format!("{:?}", s.chars().take(57).collect::<String>() + "...")
        }
        Value::Null => "(none)".to_string(),
        v => v.to_string(),
    }
}

impl Library {
    /// The conflict history, newest first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self.connection().prepare(
            "SELECT id, kind, entity, field, value, winner_value, reason, stamp, winner, restored_at
             FROM sync_conflicts ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, entity, field, value, winner_value, reason, stamp, winner, restored) =
                row?;
            let value: Value = serde_json::from_str(&value).unwrap_or(Value::Null);
            let lost_to = winner_value.map(|w| serde_json::from_str(&w).unwrap_or(Value::Null));
            let conn = self.connection();
            let quote = (kind == "highlight")
                .then(|| synced(conn, "highlight", &entity, "span"))
                .flatten()
                .and_then(|s| s.get("exact").and_then(Value::as_str).map(str::to_string));
            let thread = match kind.as_str() {
                "thread" => Some(entity.clone()),
                "highlight" => synced(conn, "highlight", &entity, "thread")
                    .and_then(|t| t.as_str().map(str::to_string)),
                _ => None,
            };
            let thread_title = thread.and_then(|t| {
                synced(conn, "thread", &t, "title").and_then(|v| v.as_str().map(str::to_string))
            });
            let mut c = Conflict {
                id,
                kind,
                entity,
                field,
                value,
                lost_to,
                reason,
                device: device_of(&stamp).to_string(),
                winner_device: device_of(&winner).to_string(),
                written_ms: super::clock::Stamp::parse(&stamp).map_or(0, |s| s.wall),
                restored: restored.is_some(),
                summary: String::new(),
                quote,
                thread_title,
            };
            c.summary = summary(&c, device_of(&stamp), device_of(&winner));
            out.push(c);
        }
        Ok(out)
    }

    /// Make a lost value the current one again (undeleting its entity if a
    /// delete won): a new local change, sent at the next sync.
    pub fn restore_conflict(&mut self, id: i64) -> Result<Conflict> {
        self.ensure_writable()?;
        let c = self
            .conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::not_found(format!("no conflict {id}")))?;
        // Local edits first, so that they are not mistaken for this restore.
        self.sync_capture()?;
        let device = device_id(self.connection())?;
        let mut clock = Clock::new(&device, setting(self.connection(), "clock")?.as_deref());
        let devices = self
            .sync_folder()?
            .map(|f| f.join("threadmark").join("devices"))
            .unwrap_or_default();
        let tx = self.conn_mut().transaction()?;
        let mut touched: Vec<(String, String)>;
        {
            let mut local = Local {
                clock: &mut clock,
                now_ms: now_ms(),
                made: 0,
            };
            // What the value needs alive: a highlight's thread, the label it names.
            let mut also: Vec<(String, String)> = Vec::new();
            if c.kind == "highlight" {
                if let Some(thread) = field(&tx, "highlight", &c.entity, "thread")?
                    .and_then(|f| f.value.as_str().map(str::to_string))
                {
                    also.push(("thread".into(), thread));
                }
                if c.field == "label" {
                    if let Some(name) = c.value.as_str() {
                        also.push(("label".into(), name.to_lowercase()));
                    }
                }
            }
            also.push((c.kind.clone(), c.entity.clone()));
            for (kind, key) in &also {
                if tombstone(&tx, kind, key)?.is_some() {
                    local.set(&tx, kind, key, "deleted", Value::Null)?;
                }
            }
            let element = c.value.as_str().unwrap_or_default().to_string();
            match c.reason.as_str() {
                // The highlight is whole in the sync tables: back with its thread.
                "thread" => {}
                // The removal again: every add seen here.
                "remove" => local.remove(&tx, &c.kind, &c.entity, &c.field, &element)?,
                _ if state::set_fields(&c.kind).contains(&c.field.as_str()) => {
                    local.add(&tx, &c.kind, &c.entity, &c.field, &element)?
                }
                _ => local.set(&tx, &c.kind, &c.entity, &c.field, c.value.clone())?,
            }
            touched = also;
        }
        let folder = Folder { devices: &devices };
        // Labels and threads first (they are what highlights need).
        touched.sort_by_key(|(k, _)| state::KINDS.iter().position(|x| x == k));
        for (kind, key) in &touched {
            if materialize::entity(&tx, kind, key, &folder)? == materialize::Outcome::Pending {
                tx.execute(
                    "INSERT OR IGNORE INTO sync_pending (kind, entity) VALUES (?1, ?2)",
                    params![kind, key],
                )?;
            }
        }
        materialize::links(&tx)?;
        capture::absorb(&tx)?;
        tx.execute(
            "UPDATE sync_conflicts SET restored_at = ?1 WHERE id = ?2",
            params![crate::store::now(), id],
        )?;
        set_setting(&tx, "clock", &clock.last())?;
        tx.commit()?;
        self.conflicts()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::not_found(format!("no conflict {id}")))
    }

    /// Where sync stands.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let c = self.connection();
        let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        let device = setting(c, "device_id")?.unwrap_or_default();
        Ok(SyncStatus {
            device,
            folder: setting(c, "folder")?,
            last_sync_ms: setting(c, "last_sync")?.and_then(|s| s.parse().ok()),
            outgoing: count("SELECT count(*) FROM sync_outbox")?,
            pending: count("SELECT count(*) FROM sync_pending")?,
            conflicts_open: count("SELECT count(*) FROM sync_conflicts WHERE restored_at IS NULL")?,
            conflicts: count("SELECT count(*) FROM sync_conflicts")?,
            files_read: count("SELECT count(*) FROM sync_files")?,
        })
    }
}
