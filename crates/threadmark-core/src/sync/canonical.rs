//! The synced part of a library as canonical JSON, read from the library's own
//! tables (not the sync tables): two libraries that converged give the same
//! text. Local ids, times of import and of reading are left out; everything is
//! keyed and sorted by stable ids.

use serde_json::{json, Value};

use crate::error::Result;
use crate::store::Library;

/// The canonical JSON of what sync carries.
pub fn export(lib: &Library) -> Result<Value> {
    let c = lib.connection();
    let collect = |sql: &str,
                   row: &dyn Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Value>|
     -> Result<Vec<Value>> {
        let mut stmt = c.prepare(sql)?;
        let rows = stmt.query_map([], |r| row(r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let labels = collect(
        "SELECT name, color, shortcut, position FROM labels ORDER BY lower(name)",
        &|r| {
            Ok(
                json!({"name": r.get::<_, String>(0)?, "color": r.get::<_, String>(1)?,
                      "shortcut": r.get::<_, Option<String>>(2)?, "position": r.get::<_, i64>(3)?}),
            )
        },
    )?;
    let threads = collect(
        "SELECT t.uuid, t.title,
                (SELECT json_group_array(json_array(source_id, text)) FROM
                   (SELECT source_id, text FROM posts p WHERE p.thread_id = t.id ORDER BY source_id))
         FROM threads t ORDER BY t.uuid",
        &|r| {
            let posts: String = r.get(2)?;
            Ok(json!({"uuid": r.get::<_, String>(0)?, "title": r.get::<_, String>(1)?,
                      "posts": serde_json::from_str::<Value>(&posts).unwrap_or(Value::Null)}))
        },
    )?;
    let highlights = collect(
        "SELECT h.uuid, t.uuid, h.post_source, h.exact, h.prefix, h.suffix, h.start, h.\"end\", h.state,
                l.name, h.note,
                (SELECT json_group_array(tag) FROM (SELECT tag FROM highlight_tags g WHERE g.highlight_id = h.id ORDER BY tag))
         FROM highlights h JOIN threads t ON t.id = h.thread_id LEFT JOIN labels l ON l.id = h.label_id
         ORDER BY h.uuid",
        &|r| {
            let tags: String = r.get(11)?;
            Ok(json!({"uuid": r.get::<_, String>(0)?, "thread": r.get::<_, String>(1)?,
                      "post": r.get::<_, String>(2)?, "exact": r.get::<_, String>(3)?,
                      "prefix": r.get::<_, String>(4)?, "suffix": r.get::<_, String>(5)?,
                      "start": r.get::<_, i64>(6)?, "end": r.get::<_, i64>(7)?, "state": r.get::<_, String>(8)?,
                      "label": r.get::<_, Option<String>>(9)?, "note": r.get::<_, String>(10)?,
                      "tags": serde_json::from_str::<Value>(&tags).unwrap_or(Value::Null)}))
        },
    )?;
    let links = collect(
        "SELECT a.uuid, l.kind, b.uuid FROM highlight_links l
         JOIN highlights a ON a.id = l.from_id JOIN highlights b ON b.id = l.to_id ORDER BY 1, 2, 3",
        &|r| Ok(json!([r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?])),
    )?;
    let reads = collect(
        "SELECT t.uuid, r.post_source, r.revision FROM post_reads r JOIN threads t ON t.id = r.thread_id
         ORDER BY 1, 2",
        &|r| Ok(json!([r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?])),
    )?;
    Ok(json!({
        "labels": labels, "threads": threads, "highlights": highlights, "links": links, "reads": reads,
    }))
}
