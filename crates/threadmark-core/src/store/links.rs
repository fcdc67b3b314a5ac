//! Links between highlights: the thread's argument map ("this evidence supports
//! that claim", "this rebuttal answers it"). A link reads *from* `kind` *to*.

use rusqlite::{params, OptionalExtension};

use super::{now, Library};
use crate::error::{Error, Result};

/// What one highlight does to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    Supports,
    Rebuts,
    Answers,
    Qualifies,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Supports,
        LinkKind::Rebuts,
        LinkKind::Answers,
        LinkKind::Qualifies,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            LinkKind::Supports => "supports",
            LinkKind::Rebuts => "rebuts",
            LinkKind::Answers => "answers",
            LinkKind::Qualifies => "qualifies",
        }
    }

    pub fn parse(s: &str) -> Result<LinkKind> {
        LinkKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::bad_input(format!(
                    "unknown link kind {s:?}; the kinds are supports, rebuts, answers, qualifies"
                ))
            })
    }
}

/// A stored link between two highlights of one thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub uuid: String,
    /// Highlight ids.
    pub from: i64,
    pub to: i64,
    pub kind: LinkKind,
    /// Unix seconds.
    pub created_at: i64,
}

impl Library {
    /// A thread's links, oldest first.
    pub fn links(&self, thread_id: i64) -> Result<Vec<Link>> {
        self.thread(thread_id)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, uuid, from_id, to_id, kind, created_at FROM highlight_links
             WHERE thread_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([thread_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, uuid, from, to, kind, created_at) = row?;
            out.push(Link {
                id,
                uuid,
                from,
                to,
                kind: LinkKind::parse(&kind)?,
                created_at,
            });
        }
        Ok(out)
    }

    /// Link highlight `from` to highlight `to` (same thread, not itself). Adding a
    /// link that exists returns it unchanged.
    pub fn add_link(&mut self, from: i64, kind: LinkKind, to: i64) -> Result<Link> {
        if from == to {
            return Err(Error::bad_input("a highlight cannot be linked to itself"));
        }
        let a = self.highlight_thread(from)?;
        let b = self.highlight_thread(to)?;
        if a != b {
            return Err(Error::bad_input(format!(
                "highlights {from} and {to} are in different threads ({a} and {b}); links stay within a thread"
            )));
        }
        let existing: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM highlight_links WHERE from_id = ?1 AND to_id = ?2 AND kind = ?3",
                params![from, to, kind.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                self.conn.execute(
                    "INSERT INTO highlight_links (uuid, thread_id, from_id, to_id, kind, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        uuid::Uuid::new_v4().to_string(),
                        a,
                        from,
                        to,
                        kind.as_str(),
                        now()
                    ],
                )?;
                self.conn.last_insert_rowid()
            }
        };
        self.links(a)?
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| Error::not_found(format!("no link {id}")))
    }

    /// Delete a link.
    pub fn delete_link(&mut self, id: i64) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM highlight_links WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(Error::not_found(format!("no link {id}")));
        }
        Ok(())
    }
}

impl Library {
    /// A thread's links as the JSON backup writes them: the link's uuid, both ends by
    /// highlight uuid, the kind and when it was made.
    pub fn links_json(&self, thread_id: i64) -> Result<Vec<serde_json::Value>> {
        let uuids: std::collections::HashMap<i64, String> = self
            .highlights(thread_id)?
            .into_iter()
            .map(|h| (h.id, h.uuid))
            .collect();
        Ok(self
            .links(thread_id)?
            .into_iter()
            .filter_map(|l| {
                Some(serde_json::json!({
                    "id": l.uuid,
                    "from": uuids.get(&l.from)?,
                    "kind": l.kind.as_str(),
                    "to": uuids.get(&l.to)?,
                    "created": crate::export::rfc3339(l.created_at),
                }))
            })
            .collect())
    }
}
