//! Highlights: creating them on a post's canonical text, and re-anchoring them
//! when a thread is re-imported (see `crate::anchor`).

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::links::Link;
use super::{now, Library};
use crate::anchor::{
    anchor_elsewhere, anchor_in_post, selector, selector_in, Anchor, AnchorState, Selector, Texts,
};
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

    /// Highlight `start..end` (code points of the canonical text) of post `post`:
    /// what the app sends for a selection.
    pub fn highlight_span(
        &mut self,
        thread_id: i64,
        post: &str,
        start: usize,
        end: usize,
        label: Option<&str>,
    ) -> Result<Highlight> {
        let p = self.post(thread_id, post)?;
        if start >= end {
            return Err(Error::bad_input("the selection is empty"));
        }
        let sel = selector(&p.text, start, end).ok_or_else(|| {
            Error::bad_input(format!(
                "{start}..{end} is outside post {post} ({} characters)",
                p.text.chars().count()
            ))
        })?;
        if sel.exact.trim().is_empty() {
            return Err(Error::bad_input("the selection holds only spaces"));
        }
        self.add_highlight(
            thread_id,
            post,
            &NewHighlight {
                exact: sel.exact,
                start: Some(start),
                label: label.map(str::to_string),
                ..NewHighlight::default()
            },
        )
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
        let mut exact_len = exact.len();
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
                let (start, len) = super::locate::locate(
                    &p.text,
                    post,
                    &new.exact,
                    new.prefix.as_deref(),
                    new.suffix.as_deref(),
                )?;
                exact_len = len;
                start
            }
        };
        let sel = selector(&p.text, start, start + exact_len)
            .ok_or_else(|| Error::bad_input("the highlight is outside the post"))?;
        let label_id = match &new.label {
            Some(name) => Some(self.label_by_name(name)?.id),
            None => None,
        };
        let same: Option<String> = self
            .conn
            .query_row(
                "SELECT uuid FROM highlights WHERE thread_id = ?1 AND post_source = ?2
                 AND start = ?3 AND \"end\" = ?4 AND label_id IS ?5 AND state != 'orphaned'",
                params![thread_id, post, sel.start as i64, sel.end as i64, label_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(uuid) = same {
            return Err(Error::bad_input(format!(
                "post {post} already has this highlight ({}, {}..{}): {uuid}",
                new.label.as_deref().unwrap_or("no label"),
                sel.start,
                sel.end
            )));
        }
        let t = now();
        let uuid = uuid::Uuid::new_v4().to_string();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'anchored', ?11, ?11)",
            params![uuid, thread_id, post, label_id, sel.exact, sel.prefix, sel.suffix, sel.start as i64, sel.end as i64, new.note, t],
        )?;
        let id = tx.last_insert_rowid();
        for tag in clean_tags(&new.tags)? {
            tx.execute(
                "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
                params![id, tag],
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
///
/// Each highlight is first looked for in its own post; only those not found there
/// are searched for across the thread, after one pass has indexed the k-grams of
/// all their quotes together.
pub(crate) fn reanchor(tx: &Transaction<'_>, thread_id: i64) -> Result<()> {
    let highlights: Vec<(i64, String, Selector, bool)> = {
        let mut stmt = tx.prepare(
            "SELECT id, post_source, exact, prefix, suffix, start, \"end\", state = 'anchored' FROM highlights WHERE thread_id = ?1",
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
                r.get(7)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if highlights.is_empty() || all_in_place(tx, thread_id, &highlights)? {
        return Ok(());
    }
    // Every post's source id and place in the thread; the live ones' texts.
    let mut ids = String::new();
    let mut id_ends: Vec<usize> = Vec::new();
    let mut positions: Vec<i64> = Vec::new();
    let mut live_of: Vec<Option<usize>> = Vec::new();
    let mut live_rows: Vec<usize> = Vec::new();
    let mut texts = Texts::default();
    // Removed posts are kept with their last text: a highlight on one stays there
    // while its words are.
    let mut gone_of: HashMap<usize, usize> = HashMap::new();
    let mut gone = Texts::default();
    {
        let mut stmt = tx.prepare(
            "SELECT source_id, position, deleted, text FROM posts WHERE thread_id = ?1 ORDER BY position",
        )?;
        let mut rows = stmt.query([thread_id])?;
        while let Some(r) = rows.next()? {
            ids.push_str(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
            id_ends.push(ids.len());
            positions.push(r.get(1)?);
            if r.get::<_, bool>(2)? {
                live_of.push(None);
                gone_of.insert(positions.len() - 1, gone.len());
                gone.push(r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?);
            } else {
                live_of.push(Some(texts.len()));
                live_rows.push(positions.len() - 1);
                texts.push(r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?);
            }
        }
    }
    let id_of = |row: usize| &ids[if row == 0 { 0 } else { id_ends[row - 1] }..id_ends[row]];
    let row_of: HashMap<&str, usize> = (0..id_ends.len()).map(|row| (id_of(row), row)).collect();
    let live_positions: Vec<i64> = live_rows.iter().map(|&row| positions[row]).collect();

    let mut update = tx.prepare(
        "UPDATE highlights SET post_source = ?1, exact = ?2, prefix = ?3, suffix = ?4, start = ?5, \"end\" = ?6,
                state = ?7, updated_at = CASE WHEN state = ?7 AND start = ?5 AND post_source = ?1 THEN updated_at ELSE ?8 END
         WHERE id = ?9",
    )?;
    let mut orphan = tx.prepare(
        "UPDATE highlights SET state = 'orphaned', updated_at = CASE WHEN state = 'orphaned' THEN updated_at ELSE ?2 END
         WHERE id = ?1",
    )?;
    let t = now();
    // `found` is in the live posts, or (`in_gone`) in the removed post `post`.
    let mut write =
        |id: i64, post: &str, sel: &Selector, was_anchored: bool, found: Anchor, in_gone: bool| {
            if found.state == AnchorState::Orphaned {
                orphan.execute(params![id, t])?;
                return Ok::<(), Error>(());
            }
            let (source_id, text) = if in_gone {
                (post, gone.post(found.post))
            } else {
                (id_of(live_rows[found.post]), texts.post(found.post))
            };
            let Some(mut new) = selector_in(text, found.start, found.end) else {
                orphan.execute(params![id, t])?;
                return Ok(());
            };
            if found.state == AnchorState::Fuzzy {
                // Found approximately: the highlight keeps the words the user chose (and
                // their context), so that it is anchored again once they are back.
                new.exact.clone_from(&sel.exact);
                new.prefix.clone_from(&sel.prefix);
                new.suffix.clone_from(&sel.suffix);
            }
            if found.state == AnchorState::Anchored
                && source_id == post
                && new == *sel
                && was_anchored
            {
                // Where it was, as it was, with the same context: nothing to write.
                return Ok(());
            }
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
            Ok(())
        };

    // In its own post first; the others after.
    let mut elsewhere: Vec<(usize, Option<usize>, usize)> = Vec::new(); // (highlight, home, origin)
    for (k, (id, post, sel, was_anchored)) in highlights.iter().enumerate() {
        let row = row_of.get(post.as_str()).copied();
        let home = row.and_then(|r| live_of[r]);
        if let Some(found) = home.and_then(|h| anchor_in_post(sel, h, &texts)) {
            write(*id, post, sel, *was_anchored, found, false)?;
            continue;
        }
        let removed = row.and_then(|r| gone_of.get(&r).copied());
        if let Some(found) = removed.and_then(|g| anchor_in_post(sel, g, &gone)) {
            write(*id, post, sel, *was_anchored, found, true)?;
            continue;
        }
        // Where the post was: its live index, else the live post nearest its old place.
        let origin = home.unwrap_or_else(|| {
            row.map_or(0, |r| {
                live_positions
                    .partition_point(|&x| x < positions[r])
                    .min(live_positions.len().saturating_sub(1))
            })
        });
        elsewhere.push((k, home, origin));
    }
    if elsewhere.is_empty() {
        return Ok(());
    }
    let quotes: Vec<Vec<char>> = elsewhere
        .iter()
        .map(|&(k, _, _)| highlights[k].2.exact.chars().collect())
        .collect();
    texts.index_quotes(quotes.iter().map(Vec::as_slice));
    for (k, home, origin) in elsewhere {
        let (id, post, sel, was_anchored) = &highlights[k];
        let found = anchor_elsewhere(sel, home, origin, &texts);
        write(*id, post, sel, *was_anchored, found, false)?;
    }
    Ok(())
}

/// Whether every highlight is anchored and its post (live) still holds it where it
/// was, with the same context: then re-anchoring writes nothing (each would be
/// found in its own post first, unchanged), and the thread's other posts need not
/// be read. The usual refresh, whose edits touch few posts.
fn all_in_place(
    tx: &Transaction<'_>,
    thread_id: i64,
    highlights: &[(i64, String, Selector, bool)],
) -> Result<bool> {
    if highlights.iter().any(|(_, _, _, anchored)| !anchored) {
        return Ok(false);
    }
    let mut stmt = tx.prepare_cached(
        "SELECT deleted, text FROM posts WHERE thread_id = ?1 AND source_id = ?2",
    )?;
    for (_, post, sel, _) in highlights {
        let row: Option<(bool, String)> = stmt
            .query_row(params![thread_id, post], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((false, text)) = row else {
            return Ok(false);
        };
        let texts = Texts::from_strs(&[&text]);
        let in_place = anchor_in_post(sel, 0, &texts).is_some_and(|found| {
            found.state == AnchorState::Anchored
                && selector_in(texts.post(0), found.start, found.end).as_ref() == Some(sel)
        });
        if !in_place {
            return Ok(false);
        }
    }
    Ok(true)
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

/// A change to a highlight: only the fields given change.
#[derive(Debug, Clone, Default)]
pub struct HighlightEdit {
    /// `Some(None)` removes the label; `Some(Some(name))` sets it (case-insensitive).
    pub label: Option<Option<String>>,
    pub note: Option<String>,
    /// The full new set of tags.
    pub tags: Option<Vec<String>>,
}

/// Everything a deleted highlight had, to put it back (undo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedHighlight {
    pub thread_id: i64,
    pub highlight: Highlight,
    /// Its links, both directions.
    pub links: Vec<Link>,
}

/// Tags as stored: trimmed, without empty ones or repeats (case kept, first wins).
fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let t = tag.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 64 {
            return Err(Error::bad_input(format!(
                "the tag {t:?} is longer than 64 characters"
            )));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

impl Library {
    /// The thread a highlight belongs to.
    pub fn highlight_thread(&self, id: i64) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT thread_id FROM highlights WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no highlight {id}")))
    }

    /// One highlight by id.
    pub fn highlight(&self, id: i64) -> Result<Highlight> {
        let thread = self.highlight_thread(id)?;
        self.highlights(thread)?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| Error::not_found(format!("no highlight {id}")))
    }

    /// Change a highlight's label, note or tags.
    pub fn update_highlight(&mut self, id: i64, edit: &HighlightEdit) -> Result<Highlight> {
        self.highlight_thread(id)?;
        let label_id = match &edit.label {
            Some(Some(name)) => Some(Some(self.label_by_name(name)?.id)),
            Some(None) => Some(None),
            None => None,
        };
        let tags = edit.tags.as_deref().map(clean_tags).transpose()?;
        let tx = self.conn.transaction()?;
        let t = now();
        if let Some(label) = label_id {
            tx.execute(
                "UPDATE highlights SET label_id = ?1 WHERE id = ?2",
                params![label, id],
            )?;
        }
        if let Some(note) = &edit.note {
            tx.execute(
                "UPDATE highlights SET note = ?1 WHERE id = ?2",
                params![note, id],
            )?;
        }
        if let Some(tags) = &tags {
            tx.execute("DELETE FROM highlight_tags WHERE highlight_id = ?1", [id])?;
            for tag in tags {
                tx.execute(
                    "INSERT INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
                    params![id, tag],
                )?;
            }
        }
        tx.execute(
            "UPDATE highlights SET updated_at = max(updated_at, ?1) WHERE id = ?2",
            params![t, id],
        )?;
        tx.commit()?;
        self.highlight(id)
    }

    /// Delete a highlight (and its tags and links). The returned record puts it back
    /// with [`Library::undelete_highlight`].
    pub fn delete_highlight(&mut self, id: i64) -> Result<DeletedHighlight> {
        let thread_id = self.highlight_thread(id)?;
        let highlight = self.highlight(id)?;
        let links = self
            .links(thread_id)?
            .into_iter()
            .filter(|l| l.from == id || l.to == id)
            .collect();
        self.conn
            .execute("DELETE FROM highlights WHERE id = ?1", [id])?;
        Ok(DeletedHighlight {
            thread_id,
            highlight,
            links,
        })
    }

    /// Put a deleted highlight back as it was: same id and uuid, label (if it still
    /// exists), note, tags, and the links whose other end still exists.
    pub fn undelete_highlight(&mut self, deleted: &DeletedHighlight) -> Result<Highlight> {
        let h = &deleted.highlight;
        self.thread(deleted.thread_id)?;
        let label_id: Option<i64> = match &h.label {
            Some(name) => self
                .labels()?
                .into_iter()
                .find(|l| l.name.eq_ignore_ascii_case(name))
                .map(|l| l.id),
            None => None,
        };
        let tx = self.conn.transaction()?;
        let taken: bool = tx
            .query_row(
                "SELECT 1 FROM highlights WHERE id = ?1 OR uuid = ?2",
                params![h.id, h.uuid],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if taken {
            return Err(Error::bad_input(format!(
                "highlight {} is not deleted; there is nothing to undo",
                h.id
            )));
        }
        tx.execute(
            "INSERT INTO highlights (id, uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![h.id, h.uuid, deleted.thread_id, h.post, label_id, h.exact, h.prefix, h.suffix, h.start, h.end, h.note, h.state, h.created_at, now().max(h.updated_at)],
        )?;
        for tag in &h.tags {
            tx.execute(
                "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
                params![h.id, tag],
            )?;
        }
        for l in &deleted.links {
            tx.execute(
                "INSERT OR IGNORE INTO highlight_links (id, uuid, thread_id, from_id, to_id, kind, created_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
                 WHERE EXISTS (SELECT 1 FROM highlights WHERE id = ?4) AND EXISTS (SELECT 1 FROM highlights WHERE id = ?5)",
                params![l.id, l.uuid, deleted.thread_id, l.from, l.to, l.kind.as_str(), l.created_at],
            )?;
        }
        tx.commit()?;
        self.highlight(h.id)
    }

    /// Attach a highlight (typically an orphan) to a new selection: `start..end` in
    /// code points of post `post`'s canonical text. The span becomes its quote; its
    /// label, note, tags and links stay; its state is `anchored`.
    pub fn reattach_highlight(
        &mut self,
        id: i64,
        post: &str,
        start: usize,
        end: usize,
    ) -> Result<Highlight> {
        let thread_id = self.highlight_thread(id)?;
        let p = self.post(thread_id, post)?;
        if p.deleted {
            return Err(Error::bad_input(format!(
                "post {post} was removed from the thread; choose text in a live post"
            )));
        }
        if start >= end {
            return Err(Error::bad_input("the selection is empty"));
        }
        let sel = selector(&p.text, start, end).ok_or_else(|| {
            Error::bad_input(format!(
                "{start}..{end} is outside post {post} ({} characters)",
                p.text.chars().count()
            ))
        })?;
        self.conn.execute(
            "UPDATE highlights SET post_source = ?1, exact = ?2, prefix = ?3, suffix = ?4, start = ?5, \"end\" = ?6,
                    state = 'anchored', updated_at = max(updated_at, ?7)
             WHERE id = ?8",
            params![post, sel.exact, sel.prefix, sel.suffix, sel.start as i64, sel.end as i64, now(), id],
        )?;
        self.highlight(id)
    }
}

impl Library {
    /// Re-anchor every highlight of a thread against its posts as they are now (an
    /// import does this by itself; this is for tools and benchmarks).
    pub fn reanchor_thread(&mut self, thread_id: i64) -> Result<()> {
        self.thread(thread_id)?;
        let tx = self.conn.transaction()?;
        reanchor(&tx, thread_id)?;
        tx.commit()?;
        Ok(())
    }
}
