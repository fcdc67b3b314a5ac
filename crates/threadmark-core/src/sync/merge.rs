//! The merge: records into the sync tables, local edits out of them.
//!
//! Fields are last-writer-wins by stamp; applying a record twice or records in any
//! order leaves the same winners. Sets (tags, links) are add-wins: an element is
//! present while one of its adds was not seen by a remove. A delete is the field
//! `deleted` holding a tombstone (`{"seen": {field: stamp}, "adds": [stamp]}`, what
//! the deleting device had seen); **a delete wins over concurrent edits**: they do
//! not bring the entity back, but every edit the deleting device had not seen goes
//! to the conflict history, from which restoring it undeletes the entity.
//!
//! A value that loses to a concurrent edit (another device, which had not seen it:
//! the winner's `prev` is not its stamp) goes to the conflict history as well.
//! Values overwritten in sequence (by the same device, or by a device that had
//! seen them) are not conflicts. A value overwritten along a chain of devices and
//! delivered out of order may be listed although it was seen: the history may
//! hold too much, never too little.
//!
//! A remove of a set element that lost to an add it had not seen (and that had
//! not seen it: an add names the removes its device had seen, in `r`) is kept as
//! well (reason `remove`), so that the user sees their untag or unlink did not
//! stick. Highlights lost with a deleted thread or label are noticed where they
//! fail to be written into the library (materialize.rs).

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{json, Map, Value};

use super::clock::{device_of, Clock};
use super::record::Record;
use crate::error::Result;

/// A field's winning value.
#[derive(Debug, Clone)]
pub struct Field {
    pub value: Value,
    pub stamp: String,
    pub prev: Option<String>,
}

/// The winning value of one field.
pub fn field(tx: &Transaction<'_>, kind: &str, entity: &str, f: &str) -> Result<Option<Field>> {
    let mut stmt = tx.prepare_cached(
        "SELECT value, stamp, prev FROM sync_fields WHERE kind = ?1 AND entity = ?2 AND field = ?3",
    )?;
    let row = stmt
        .query_row(params![kind, entity, f], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .optional()?;
    Ok(row.map(|(v, stamp, prev)| Field {
        value: serde_json::from_str(&v).unwrap_or(Value::Null),
        stamp,
        prev,
    }))
}

/// Every field of an entity.
pub fn fields(tx: &Transaction<'_>, kind: &str, entity: &str) -> Result<Vec<(String, Field)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT field, value, stamp, prev FROM sync_fields WHERE kind = ?1 AND entity = ?2",
    )?;
    let rows = stmt.query_map(params![kind, entity], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (f, v, stamp, prev) = row?;
        let value = serde_json::from_str(&v).unwrap_or(Value::Null);
        out.push((f, Field { value, stamp, prev }));
    }
    Ok(out)
}

/// The live elements of a set, each with its live add stamps.
pub fn live(
    tx: &Transaction<'_>,
    kind: &str,
    entity: &str,
    f: &str,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT element, add_stamp FROM sync_set
         WHERE kind = ?1 AND entity = ?2 AND field = ?3 AND removed_by IS NULL
         ORDER BY element, add_stamp",
    )?;
    let rows = stmt.query_map(params![kind, entity, f], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for row in rows {
        let (e, s) = row?;
        match out.last_mut() {
            Some((last, stamps)) if *last == e => stamps.push(s),
            _ => out.push((e, vec![s])),
        }
    }
    Ok(out)
}

/// Whether an entity is deleted (its `deleted` field holds a tombstone).
pub fn tombstone(tx: &Transaction<'_>, kind: &str, entity: &str) -> Result<Option<Field>> {
    Ok(field(tx, kind, entity, "deleted")?.filter(|f| !f.value.is_null()))
}

/// Whether the device that deleted (tombstone `tomb`) had not seen this change.
fn unseen(tomb: &Value, f: &str, stamp: &str, is_add: bool) -> bool {
    if is_add {
        let adds = tomb.get("adds").and_then(Value::as_array);
        return !adds.is_some_and(|a| a.iter().any(|s| s.as_str() == Some(stamp)));
    }
    match tomb
        .get("seen")
        .and_then(|s| s.get(f))
        .and_then(Value::as_str)
    {
        Some(seen) => stamp > seen,
        None => true,
    }
}

/// Keep a value that lost in the conflict history (once: the same loss noticed
/// again is not listed twice). `reason`: `edit`, `delete`, `thread`, `label` or
/// `remove` (see history.rs). Returns 1 when it was new.
#[allow(clippy::too_many_arguments)]
pub(super) fn conflict(
    tx: &Transaction<'_>,
    kind: &str,
    entity: &str,
    f: &str,
    value: &Value,
    stamp: &str,
    winner: &str,
    winner_value: Option<&Value>,
    reason: &str,
) -> Result<usize> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_conflicts (kind, entity, field, value, stamp, winner, winner_value, reason, noticed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    Ok(stmt.execute(params![
        kind,
        entity,
        f,
        value.to_string(),
        stamp,
        winner,
        winner_value.map(Value::to_string),
        reason,
        crate::store::now()
    ])?)
}

/// What applying one record did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Applied {
    /// Not seen before (a duplicate changes nothing).
    pub new: bool,
    /// It changed a winning value or a set.
    pub changed: bool,
    pub conflicts: usize,
}

/// The entities deleted (by kind and key), loaded once for a batch of records so
/// that most records need no lookup of a tombstone.
pub struct Deleted(Option<HashSet<(String, String)>>);

impl Deleted {
    pub fn load(tx: &Transaction<'_>) -> Result<Deleted> {
        let mut stmt = tx.prepare(
            "SELECT kind, entity FROM sync_fields WHERE field = 'deleted' AND value != 'null'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Deleted(Some(rows.collect::<rusqlite::Result<_>>()?)))
    }

    /// No list: every record looks its entity's tombstone up.
    pub fn unknown() -> Deleted {
        Deleted(None)
    }

    fn tombstone(&self, tx: &Transaction<'_>, kind: &str, entity: &str) -> Result<Option<Field>> {
        if let Some(set) = &self.0 {
            if !set.contains(&(kind.to_string(), entity.to_string())) {
                return Ok(None);
            }
        }
        tombstone(tx, kind, entity)
    }
}

/// Apply one record (from a file, or made here). `deleted`: the batch's deleted
/// entities, kept up to date (None: look each up).
pub fn apply(
    tx: &Transaction<'_>,
    rec: &Record,
    clock: &mut Clock,
    deleted: Option<&mut Deleted>,
) -> Result<Applied> {
    clock.observe(&rec.s);
    let mut unknown = Deleted::unknown();
    let deleted = deleted.unwrap_or(&mut unknown);
    match rec.op.as_deref() {
        Some("add") | Some("remove") => apply_set(tx, rec, deleted),
        _ => apply_field(tx, rec, deleted),
    }
}

fn apply_field(tx: &Transaction<'_>, rec: &Record, deleted: &mut Deleted) -> Result<Applied> {
    let mut a = Applied::default();
    let current = field(tx, &rec.k, &rec.id, &rec.f)?;
    let dev = device_of(&rec.s);
    let deleting = rec.f == "deleted";
    // Both tombstones, or equal values: nothing is lost.
    let worth_keeping = |loser: &Value, winner: &Value| {
        loser != winner && !(deleting && !loser.is_null() && !winner.is_null())
    };
    match &current {
        Some(c) if c.stamp == rec.s => return Ok(a),
        Some(c) if c.stamp > rec.s => {
            a.new = true;
            if worth_keeping(&rec.v, &c.value)
                && device_of(&c.stamp) != dev
                && c.prev.as_deref() != Some(rec.s.as_str())
            {
                a.conflicts += conflict(
                    tx,
                    &rec.k,
                    &rec.id,
                    &rec.f,
                    &rec.v,
                    &rec.s,
                    &c.stamp,
                    Some(&c.value),
                    "edit",
                )?;
            }
        }
        _ => {
            a.new = true;
            a.changed = true;
            if let Some(c) = &current {
                if worth_keeping(&c.value, &rec.v)
                    && device_of(&c.stamp) != dev
                    && rec.p.as_deref() != Some(c.stamp.as_str())
                {
                    a.conflicts += conflict(
                        tx,
                        &rec.k,
                        &rec.id,
                        &rec.f,
                        &c.value,
                        &c.stamp,
                        &rec.s,
                        Some(&rec.v),
                        "edit",
                    )?;
                }
            }
            let extra = (!rec.extra.is_empty())
                .then(|| serde_json::to_string(&rec.extra).unwrap_or_default());
            tx.prepare_cached(
                "INSERT INTO sync_fields (kind, entity, field, value, stamp, prev, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (kind, entity, field) DO UPDATE SET value = excluded.value,
                   stamp = excluded.stamp, prev = excluded.prev, extra = excluded.extra",
            )?
            .execute(params![
                rec.k,
                rec.id,
                rec.f,
                rec.v.to_string(),
                rec.s,
                rec.p,
                extra
            ])?;
            if deleting && !rec.v.is_null() && current.as_ref().is_none_or(|c| c.value.is_null()) {
                a.conflicts += edits_lost_to_delete(tx, rec)?;
            }
            if let (true, Some(set)) = (deleting, &mut deleted.0) {
                let key = (rec.k.clone(), rec.id.clone());
                if rec.v.is_null() {
                    set.remove(&key);
                } else {
                    set.insert(key);
                }
            }
        }
    }
    if !deleting {
        a.conflicts += lost_to_tombstone(tx, rec, deleted, false)?;
    }
    Ok(a)
}

/// A value written to an entity that is deleted, by a device that had not seen the
/// delete (`set`: an element of a set field): kept in the conflict history.
fn lost_to_tombstone(
    tx: &Transaction<'_>,
    rec: &Record,
    deleted: &Deleted,
    set: bool,
) -> Result<usize> {
    match deleted.tombstone(tx, &rec.k, &rec.id)? {
        Some(tomb) if unseen(&tomb.value, &rec.f, &rec.s, set) => conflict(
            tx,
            &rec.k,
            &rec.id,
            &rec.f,
            &rec.v,
            &rec.s,
            &tomb.stamp,
            None,
            "delete",
        ),
        _ => Ok(0),
    }
}

/// A delete just won: keep every edit of the entity its device had not seen.
fn edits_lost_to_delete(tx: &Transaction<'_>, del: &Record) -> Result<usize> {
    let mut n = 0;
    for (f, fld) in fields(tx, &del.k, &del.id)? {
        if f != "deleted" && unseen(&del.v, &f, &fld.stamp, false) {
            n += conflict(
                tx, &del.k, &del.id, &f, &fld.value, &fld.stamp, &del.s, None, "delete",
            )?;
        }
    }
    for set in super::state::set_fields(&del.k) {
        for (element, stamps) in live(tx, &del.k, &del.id, set)? {
            for s in stamps {
                if unseen(&del.v, set, &s, true) {
                    n += conflict(
                        tx,
                        &del.k,
                        &del.id,
                        set,
                        &Value::String(element.clone()),
                        &s,
                        &del.s,
                        None,
                        "delete",
                    )?;
                }
            }
        }
    }
    Ok(n)
}

fn apply_set(tx: &Transaction<'_>, rec: &Record, deleted: &Deleted) -> Result<Applied> {
    let mut a = Applied::default();
    let element = match &rec.v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if rec.op.as_deref() == Some("add") {
        let saw = (!rec.r.is_empty()).then(|| serde_json::to_string(&rec.r).unwrap_or_default());
        let n = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO sync_set (kind, entity, field, element, add_stamp, saw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![rec.k, rec.id, rec.f, element, rec.s, saw])?;
        a.new = n > 0;
        a.changed = a.new;
        if a.new {
            a.conflicts += lost_to_tombstone(tx, rec, deleted, true)?;
            // Removes of this element that this add had not seen lost to it.
            if deleted.tombstone(tx, &rec.k, &rec.id)?.is_none() {
                for remove in removes(tx, rec, &element)? {
                    if !add_saw(&rec.s, &rec.r, &remove) {
                        a.conflicts += lost_remove(tx, rec, &element, &remove, &rec.s)?;
                    }
                }
            }
        }
    } else {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO sync_set (kind, entity, field, element, add_stamp, removed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO UPDATE SET removed_by = excluded.removed_by WHERE removed_by IS NULL",
        )?;
        for add in &rec.r {
            if stmt.execute(params![rec.k, rec.id, rec.f, element, add, rec.s])? > 0 {
                a.new = true;
                a.changed = true;
            }
        }
        // Adds this remove had not seen, that had not seen it either, keep the
        // element: the remove lost (add wins), and is kept in the history. (Looked
        // at even for a remove whose adds another remove took first: it lost too.)
        if deleted.tombstone(tx, &rec.k, &rec.id)?.is_none() {
            for (add, saw) in live_adds(tx, rec, &element)? {
                if !rec.r.contains(&add) && !add_saw(&add, &saw, &rec.s) {
                    a.conflicts += lost_remove(tx, rec, &element, &rec.s, &add)?;
                }
            }
        }
    }
    Ok(a)
}

/// The removes (stamps) of one element of a set seen here.
fn removes(tx: &Transaction<'_>, rec: &Record, element: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT removed_by FROM sync_set
         WHERE kind = ?1 AND entity = ?2 AND field = ?3 AND element = ?4 AND removed_by IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![rec.k, rec.id, rec.f, element], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The live adds of one element, each with the removes its device had seen.
fn live_adds(
    tx: &Transaction<'_>,
    rec: &Record,
    element: &str,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT add_stamp, saw FROM sync_set
         WHERE kind = ?1 AND entity = ?2 AND field = ?3 AND element = ?4 AND removed_by IS NULL",
    )?;
    let rows = stmt.query_map(params![rec.k, rec.id, rec.f, element], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (add, saw) = row?;
        let saw = saw
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        out.push((add, saw));
    }
    Ok(out)
}

/// Whether the add `add` (which names the removes `saw`) was made after its device
/// had seen `remove`: named, or a later change of the same device. An add from an
/// older writer names nothing: a remove from another device counts as unseen (the
/// history may hold too much, never too little).
fn add_saw(add: &str, saw: &[String], remove: &str) -> bool {
    saw.iter().any(|s| s == remove) || (device_of(add) == device_of(remove) && add > remove)
}

/// A remove of `element` (stamp `remove`) that lost to the concurrent add `add`.
fn lost_remove(
    tx: &Transaction<'_>,
    rec: &Record,
    element: &str,
    remove: &str,
    add: &str,
) -> Result<usize> {
    let v = Value::String(element.to_string());
    conflict(
        tx,
        &rec.k,
        &rec.id,
        &rec.f,
        &v,
        remove,
        add,
        Some(&v),
        "remove",
    )
}

/// Local edits: records made here, applied and queued for the next change file.
pub struct Local<'a> {
    pub clock: &'a mut Clock,
    pub now_ms: i64,
    pub made: usize,
}

impl Local<'_> {
    fn emit(&mut self, tx: &Transaction<'_>, rec: Record) -> Result<()> {
        apply(tx, &rec, self.clock, None)?;
        let line = serde_json::to_string(&rec)?;
        tx.prepare_cached("INSERT INTO sync_outbox (record) VALUES (?1)")?
            .execute([line])?;
        self.made += 1;
        Ok(())
    }

    /// Set a field here.
    pub fn set(
        &mut self,
        tx: &Transaction<'_>,
        kind: &str,
        entity: &str,
        f: &str,
        value: Value,
    ) -> Result<()> {
        let prev = field(tx, kind, entity, f)?.map(|c| c.stamp);
        let s = self.clock.tick(self.now_ms);
        self.emit(tx, record(kind, entity, f, None, value, s, prev, vec![]))
    }

    /// Add a set element here.
    pub fn add(
        &mut self,
        tx: &Transaction<'_>,
        kind: &str,
        entity: &str,
        f: &str,
        element: &str,
    ) -> Result<()> {
        // The removes of this element seen here: a remove among them did not
        // lose to this add (the user added it again knowingly).
        let probe = record(
            kind,
            entity,
            f,
            None,
            Value::Null,
            String::new(),
            None,
            vec![],
        );
        let mut saw = removes(tx, &probe, element)?;
        saw.sort();
        let s = self.clock.tick(self.now_ms);
        let v = Value::String(element.to_string());
        self.emit(tx, record(kind, entity, f, Some("add"), v, s, None, saw))
    }

    /// Remove a set element here (every add of it this device has seen).
    pub fn remove(
        &mut self,
        tx: &Transaction<'_>,
        kind: &str,
        entity: &str,
        f: &str,
        element: &str,
    ) -> Result<()> {
        let adds: Vec<String> = live(tx, kind, entity, f)?
            .into_iter()
            .filter(|(e, _)| e == element)
            .flat_map(|(_, s)| s)
            .collect();
        if adds.is_empty() {
            return Ok(());
        }
        let s = self.clock.tick(self.now_ms);
        let v = Value::String(element.to_string());
        self.emit(
            tx,
            record(kind, entity, f, Some("remove"), v, s, None, adds),
        )
    }

    /// Delete an entity here: a tombstone naming what this device had seen.
    pub fn delete(&mut self, tx: &Transaction<'_>, kind: &str, entity: &str) -> Result<()> {
        if tombstone(tx, kind, entity)?.is_some() {
            return Ok(());
        }
        let mut seen = Map::new();
        for (f, fld) in fields(tx, kind, entity)? {
            if f != "deleted" {
                seen.insert(f, Value::String(fld.stamp));
            }
        }
        let mut adds = Vec::new();
        for set in super::state::set_fields(kind) {
            for (_, stamps) in live(tx, kind, entity, set)? {
                adds.extend(stamps.into_iter().map(Value::String));
            }
        }
        self.set(
            tx,
            kind,
            entity,
            "deleted",
            json!({"seen": seen, "adds": adds}),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    k: &str,
    id: &str,
    f: &str,
    op: Option<&str>,
    v: Value,
    s: String,
    p: Option<String>,
    r: Vec<String>,
) -> Record {
    Record {
        k: k.to_string(),
        id: id.to_string(),
        f: f.to_string(),
        op: op.map(str::to_string),
        v,
        s,
        p,
        r,
        extra: Map::new(),
    }
}
