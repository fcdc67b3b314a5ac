//! The conflict history (every value that lost to a concurrent edit or delete),
//! restoring a value from it, and the sync status.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::clock::{device_of, now_ms, Clock};
use super::materialize::{self, Folder};
use super::merge::{tombstone, Local};
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
    /// `edit` or `delete`.
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
            let what = format!("{kind} {} {field}", short(&entity));
            let summary = match &lost_to {
                Some(w) => format!(
                    "{what}: {} lost to {} (device {})",
                    shown(&value),
                    shown(w),
                    device_of(&winner)
                ),
                None => format!(
                    "{what}: {} was changed on device {} while device {} deleted the {kind}",
                    shown(&value),
                    device_of(&stamp),
                    device_of(&winner)
                ),
            };
            out.push(Conflict {
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
                summary,
            });
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
        {
            let mut local = Local {
                clock: &mut clock,
                now_ms: now_ms(),
                made: 0,
            };
            if tombstone(&tx, &c.kind, &c.entity)?.is_some() {
                local.set(&tx, &c.kind, &c.entity, "deleted", Value::Null)?;
            }
            if state::set_fields(&c.kind).contains(&c.field.as_str()) {
                let element = c.value.as_str().unwrap_or_default().to_string();
                local.add(&tx, &c.kind, &c.entity, &c.field, &element)?;
            } else {
                local.set(&tx, &c.kind, &c.entity, &c.field, c.value.clone())?;
            }
        }
        let folder = Folder { devices: &devices };
        if materialize::entity(&tx, &c.kind, &c.entity, &folder)? == materialize::Outcome::Pending {
            tx.execute(
                "INSERT OR IGNORE INTO sync_pending (kind, entity) VALUES (?1, ?2)",
                params![c.kind, c.entity],
            )?;
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

    /// A highlight's quote by uuid, as last synced (for describing conflicts).
    pub fn sync_highlight_quote(&self, uuid: &str) -> Result<Option<String>> {
        let span: Option<String> = self
            .connection()
            .query_row(
                "SELECT value FROM sync_fields WHERE kind = 'highlight' AND entity = ?1 AND field = 'span'",
                [uuid],
                |r| r.get(0),
            )
            .optional()?;
        Ok(span
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .and_then(|v| v.get("exact").and_then(Value::as_str).map(str::to_string)))
    }
}
