//! Highlights: creating them on a post's canonical text, and re-anchoring them
//! when a thread is re-imported (see `crate::anchor`).

use rusqlite::{params, OptionalExtension, Transaction};

use super::{now, Library};
use crate::anchor::{anchor, selector, AnchorState, Selector};
use crate::error::{Error, Result};
use crate::model::{Highlight, Label};

/// What the user marked: the exact text, optionally with context or a position to
/// tell repeated text apart, and what to attach to it.
#[derive(Debug, Clone, Default)]
pub struct NewHighlight {
    pub exact: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    /// Start in code points of the post's canonical text.
    pub start: Option<usize>,
    /// A label name (case-insensitive).
    pub label: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
}

impl Library {
    /// A label by name, ignoring case.
    pub fn label_by_name(&self, name: &str) -> Result<Label> {
        self.labels()?
            .into_iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<String> = self
                    .labels()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| l.name)
                    .collect();
                Error::not_found(format!(
                    "no label {name:?}; the labels are {}",
                    names.join(", ")
                ))
            })
    }

    /// Highlight `new.exact` in post `post` (its source id) of a thread.
    pub fn add_highlight(
        &mut self,
        thread_id: i64,
        post: &str,
        new: &NewHighlight,
    ) -> Result<Highlight> {
        let p = self.post(thread_id, post)?;
        let text: Vec<char> = p.text.chars().collect();
        let exact: Vec<char> = new.exact.chars().collect();
        if exact.is_empty() {
            return Err(Error::bad_input("the text to highlight is empty"));
        }
        let start = match new.start {
            Some(s) => {
                if text.get(s..s + exact.len()) != Some(&exact[..]) {
                    return Err(Error::bad_input(format!(
                        "post {post} does not have {:?} at position {s}",
                        new.exact
                    )));
                }
                s
            }
            None => {
                let wanted = Selector {
                    exact: new.exact.clone(),
                    prefix: new.prefix.clone().unwrap_or_default(),
                    suffix: new.suffix.clone().unwrap_or_default(),
                    start: 0,
                    end: exact.len(),
                };
                let found = anchor(&wanted, Some(0), std::slice::from_ref(&text));
                if !matches!(found.state, AnchorState::Anchored | AnchorState::Moved) {
                    return Err(Error::bad_input(format!(
                        "post {post} does not contain {:?}",
                        new.exact
                    )));
                }
                found.start
            }
        };
        let sel = selector(&p.text, start, start + exact.len())
            .ok_or_else(|| Error::bad_input("the highlight is outside the post"))?;
        let label_id = match &new.label {
            Some(name) => Some(self.label_by_name(name)?.id),
            None => None,
        };
        let t = now();
        let uuid = uuid::Uuid::new_v4().to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'anchored', ?11, ?11)",
            params![uuid, thread_id, post, label_id, sel.exact, sel.prefix, sel.suffix, sel.start as i64, sel.end as i64, new.note, t],
        )?;
        let id = tx.last_insert_rowid();
        for tag in &new.tags {
            tx.execute(
                "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
                params![id, tag.trim()],
            )?;
        }
        tx.commit()?;
        self.highlights(thread_id)?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| Error::not_found("the new highlight vanished"))
    }
}

/// Re-anchor every highlight of a thread against its current live posts, inside
/// the import's transaction. Nothing is deleted: a highlight whose text is gone
/// becomes `orphaned` and keeps its selectors.
pub(crate) fn reanchor(tx: &Transaction<'_>, thread_id: i64) -> Result<()> {
    let posts: Vec<(String, Vec<char>)> = {
        let mut stmt =
            tx.prepare("SELECT source_id, text FROM posts WHERE thread_id = ?1 AND deleted = 0 ORDER BY position")?;
        let rows = stmt.query_map([thread_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|r| r.map(|(id, text)| (id, text.chars().collect())))
            .collect::<rusqlite::Result<_>>()?
    };
    let texts: Vec<Vec<char>> = posts.iter().map(|(_, t)| t.clone()).collect();
    let highlights: Vec<(i64, String, Selector)> = {
        let mut stmt = tx.prepare(
            "SELECT id, post_source, exact, prefix, suffix, start, \"end\" FROM highlights WHERE thread_id = ?1",
        )?;
        let rows = stmt.query_map([thread_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                Selector {
                    exact: r.get(2)?,
                    prefix: r.get(3)?,
                    suffix: r.get(4)?,
                    start: r.get::<_, i64>(5)?.max(0) as usize,
                    end: r.get::<_, i64>(6)?.max(0) as usize,
                },
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare(
        "UPDATE highlights SET post_source = ?1, exact = ?2, prefix = ?3, suffix = ?4, start = ?5, \"end\" = ?6,
                state = ?7, updated_at = CASE WHEN state = ?7 AND start = ?5 AND post_source = ?1 THEN updated_at ELSE ?8 END
         WHERE id = ?9",
    )?;
    let mut orphan = tx.prepare("UPDATE highlights SET state = 'orphaned' WHERE id = ?1")?;
    let t = now();
    for (id, post, sel) in highlights {
        let home = posts.iter().position(|(p, _)| *p == post);
        let found = anchor(&sel, home, &texts);
        if found.state == AnchorState::Orphaned {
            orphan.execute([id])?;
            continue;
        }
        let (source_id, text) = &posts[found.post];
        let text: String = text.iter().collect();
        let Some(new) = selector(&text, found.start, found.end) else {
            orphan.execute([id])?;
            continue;
        };
        update.execute(params![
            source_id,
            new.exact,
            new.prefix,
            new.suffix,
            new.start as i64,
            new.end as i64,
            found.state.as_str(),
            t,
            id
        ])?;
    }
    Ok(())
}

/// Whether a thread has highlights (re-anchoring is skipped when it has none).
pub(crate) fn has_highlights(tx: &Transaction<'_>, thread_id: i64) -> Result<bool> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM highlights WHERE thread_id = ?1 LIMIT 1",
            [thread_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
