//! What the library holds now, as synced entities: per kind, each entity's key
//! and its fields as JSON. Comparing this with what the sync module last saw
//! (`sync_seen`) finds the local edits; nothing else in the library has to know
//! about sync.
//!
//! Kinds and fields (keys in docs/SYNC-FORMAT.md):
//! - `label` (key: the name in lower case): name, color, shortcut, position;
//! - `thread` (key: uuid): title, content (here a fingerprint of the posts; what
//!   travels is a content file, see `content.rs`);
//! - `highlight` (key: uuid): thread, span, label, note, created, and the sets
//!   tags and links (`KIND TO-UUID`);
//! - `read` (key: `THREAD-UUID/POST`): revision.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::error::Result;

/// One entity's fields.
pub type State = BTreeMap<String, Value>;

/// The kinds this version materializes, in the order they are applied.
pub const KINDS: [&str; 4] = ["label", "thread", "highlight", "read"];

/// The fields of a kind that are add-wins sets.
pub fn set_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "highlight" => &["tags", "links"],
        _ => &[],
    }
}

/// Whether this version knows a kind's field (others are kept and passed on).
pub fn known(kind: &str, field: &str) -> bool {
    let fields: &[&str] = match kind {
        "label" => &["name", "color", "shortcut", "position", "deleted"],
        "thread" => &["title", "content", "deleted"],
        "highlight" => &[
            "thread", "span", "label", "note", "created", "deleted", "tags", "links",
        ],
        "read" => &["revision", "deleted"],
        _ => &[],
    };
    fields.contains(&field)
}

/// Every entity of `kind` the library holds now.
pub fn current(conn: &Connection, kind: &str) -> Result<HashMap<String, State>> {
    let mut out = HashMap::new();
    match kind {
        "label" => {
            let mut stmt = conn.prepare("SELECT name, color, shortcut, position FROM labels")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for row in rows {
                let (name, color, shortcut, position) = row?;
                let mut s = State::new();
                s.insert("name".into(), json!(name));
                s.insert("color".into(), json!(color));
                s.insert("shortcut".into(), json!(shortcut));
                s.insert("position".into(), json!(position));
                out.insert(name.to_lowercase(), s);
            }
        }
        "thread" => {
            let mut stmt = conn.prepare(
                "SELECT t.uuid, t.title, t.imported_at,
                        (SELECT count(*) FROM posts p WHERE p.thread_id = t.id)
                 FROM threads t WHERE t.uuid IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for row in rows {
                let (uuid, title, imported, posts) = row?;
                let mut s = State::new();
                s.insert("title".into(), json!(title));
                s.insert("content".into(), json!(format!("{posts}/{imported}")));
                out.insert(uuid, s);
            }
        }
        "highlight" => highlights(conn, &mut out)?,
        "read" => {
            let mut stmt = conn.prepare(
                "SELECT t.uuid, r.post_source, r.revision FROM post_reads r
                 JOIN threads t ON t.id = r.thread_id WHERE t.uuid IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (thread, post, revision) = row?;
                let mut s = State::new();
                s.insert("revision".into(), json!(revision));
                out.insert(format!("{thread}/{post}"), s);
            }
        }
        _ => {}
    }
    Ok(out)
}

fn highlights(conn: &Connection, out: &mut HashMap<String, State>) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT h.uuid, t.uuid, h.post_source, h.exact, h.prefix, h.suffix, h.start, h.\"end\",
                h.state, l.name, h.note, h.created_at
         FROM highlights h JOIN threads t ON t.id = h.thread_id
         LEFT JOIN labels l ON l.id = h.label_id WHERE t.uuid IS NOT NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let uuid: String = r.get(0)?;
        let mut s = State::new();
        s.insert("thread".into(), json!(r.get::<_, String>(1)?));
        s.insert(
            "span".into(),
            json!({
                "post": r.get::<_, String>(2)?, "exact": r.get::<_, String>(3)?,
                "prefix": r.get::<_, String>(4)?, "suffix": r.get::<_, String>(5)?,
                "start": r.get::<_, i64>(6)?, "end": r.get::<_, i64>(7)?,
                "state": r.get::<_, String>(8)?,
            }),
        );
        s.insert("label".into(), json!(r.get::<_, Option<String>>(9)?));
        s.insert("note".into(), json!(r.get::<_, String>(10)?));
        s.insert("created".into(), json!(r.get::<_, i64>(11)?));
        s.insert("tags".into(), json!([]));
        s.insert("links".into(), json!([]));
        out.insert(uuid, s);
    }
    let mut push = |uuid: String, field: &str, element: String| {
        if let Some(Value::Array(a)) = out.get_mut(&uuid).and_then(|s| s.get_mut(field)) {
            a.push(Value::String(element));
        }
    };
    let mut stmt = conn.prepare(
        "SELECT h.uuid, g.tag FROM highlight_tags g JOIN highlights h ON h.id = g.highlight_id
         ORDER BY h.uuid, g.tag",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        push(r.get(0)?, "tags", r.get(1)?);
    }
    let mut stmt = conn.prepare(
        "SELECT a.uuid, l.kind || ' ' || b.uuid FROM highlight_links l
         JOIN highlights a ON a.id = l.from_id JOIN highlights b ON b.id = l.to_id
         ORDER BY 1, 2",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        push(r.get(0)?, "links", r.get(1)?);
    }
    Ok(())
}

/// The elements of a set field in a state.
pub fn elements(state: &State, field: &str) -> Vec<String> {
    match state.get(field) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}
