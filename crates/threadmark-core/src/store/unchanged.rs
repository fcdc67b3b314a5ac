//! Leaving unchanged posts alone on a re-import (a refresh): what a thread saved
//! before holds, and each incoming post prepared against it.
//!
//! A stored post keeps a digest of what its source said of it (body, author, time,
//! flags, named quote sources) and of the renderer's version. An incoming post with
//! the digest of the stored post of its source id did not change: it is not
//! rendered, its row's text, markup, index entry and quotes are not rewritten, and
//! its quotes are not resolved again. It still takes part in resolving the quotes
//! of the posts that did change, as their possible source: by its stored text, its
//! own quoted passages masked as the resolver masks them.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rusqlite::{OptionalExtension, Transaction};

use super::place::OldRow;
use super::write::WriteOptions;
use crate::body::Rendered;
use crate::error::Result;
use crate::model::{PostDoc, ThreadDoc};

/// Bumped whenever rendering changes what is stored for the same source (HTML,
/// markup, canonical text or quote spans): every stored digest then differs, and
/// the next re-import renders every post again.
const RENDER_VERSION: u32 = 1;

/// The resolver's mask for quoted text (`quotes.rs` masks quote blocks with it).
const MASK: char = '\u{0}';

/// A post as the rendering thread hands it to the writer.
pub(super) struct Prepared {
    /// The rendered post; for an unchanged one, only its stored text (quoted
    /// passages masked) and no quotes, enough to resolve other posts' quotes.
    pub rendered: Rendered,
    pub digest: i64,
    /// Stored before with the same digest: its row is left as it is.
    pub unchanged: bool,
}

/// A post stored before.
struct Stored {
    digest: Option<i64>,
    text: String,
    /// Its top-level quoted passages, in code points.
    quoted: Vec<(usize, usize)>,
}

/// A thread saved before: its rows, and its posts by source id.
pub(super) struct Prior {
    /// The thread's id.
    pub thread: i64,
    /// Its stored rows in thread order, as they were when the import began (the
    /// writer moves them from these, `place.rs`).
    pub rows: Vec<OldRow>,
    posts: HashMap<String, Stored>,
}

/// A post's digest: what the source said of it, and the renderer's version.
pub(super) fn digest(post: &PostDoc) -> i64 {
    let mut h = DefaultHasher::new();
    RENDER_VERSION.hash(&mut h);
    post.body.hash(&mut h);
    post.author.hash(&mut h);
    post.created_at.hash(&mut h);
    post.deleted.hash(&mut h);
    post.missing_replies.hash(&mut h);
    post.points.hash(&mut h);
    post.quote_sources.hash(&mut h);
    h.finish() as i64
}

impl Prior {
    /// Whether the post with this source id was stored with a digest: only such a
    /// post can be found unchanged.
    pub(super) fn knows(&self, source_id: &str) -> bool {
        self.posts.contains_key(source_id)
    }

    /// The stored posts of the thread `doc` is a new version of, if there is one
    /// and its posts keep their ids (not a text dump, whose ids are re-aligned).
    pub(super) fn load(
        tx: &Transaction<'_>,
        doc: &ThreadDoc,
        options: &WriteOptions,
    ) -> Result<Option<Prior>> {
        if doc.source == "text" {
            return Ok(None);
        }
        let thread: Option<i64> = match (options.into, &doc.source_key) {
            (Some(id), _) => Some(id),
            (None, Some(key)) => tx
                .query_row(
                    "SELECT id FROM threads WHERE source = ?1 AND source_key = ?2",
                    rusqlite::params![doc.source, key],
                    |r| r.get(0),
                )
                .optional()?,
            (None, None) => None,
        };
        let Some(thread) = thread else {
            return Ok(None);
        };
        // One pass over the thread's rows: their places for the writer, and the
        // digest and text of each post stored with a digest for the renderer.
        let mut posts: HashMap<String, Stored> = HashMap::new();
        let mut rows = Vec::new();
        let mut stmt = tx.prepare(
            "SELECT id, source_id, position, depth, parent_id, change, deleted, digest,
                    CASE WHEN digest IS NOT NULL THEN text END
             FROM posts WHERE thread_id = ?1 ORDER BY position",
        )?;
        let mut query = stmt.query([thread])?;
        while let Some(r) = query.next()? {
            let row = OldRow {
                id: r.get(0)?,
                source_id: r.get(1)?,
                position: r.get(2)?,
                depth: r.get(3)?,
                parent: r.get(4)?,
                change: r.get(5)?,
                deleted: r.get(6)?,
                digest: r.get(7)?,
            };
            if let Some(text) = r.get::<_, Option<String>>(8)? {
                posts.insert(
                    row.source_id.clone(),
                    Stored {
                        digest: row.digest,
                        text,
                        quoted: Vec::new(),
                    },
                );
            }
            rows.push(row);
        }
        drop(query);
        let mut stmt = tx.prepare(
            "SELECT p.source_id, q.start, q.\"end\" FROM quotes q JOIN posts p ON p.id = q.post_id
             WHERE q.thread_id = ?1 AND q.depth = 1 AND p.digest IS NOT NULL",
        )?;
        let mut query = stmt.query([thread])?;
        while let Some(r) = query.next()? {
            let sid: String = r.get(0)?;
            if let Some(stored) = posts.get_mut(&sid) {
                let (start, end): (i64, i64) = (r.get(1)?, r.get(2)?);
                stored
                    .quoted
                    .push((start.max(0) as usize, end.max(0) as usize));
            }
        }
        Ok(Some(Prior {
            thread,
            rows,
            posts,
        }))
    }
}

/// Prepare one incoming post: rendered, or (unchanged since `prior`) its stored
/// text with its quoted passages masked.
pub(super) fn prepare(post: &PostDoc, prior: Option<&Prior>) -> Prepared {
    let digest = digest(post);
    let stored = prior
        .and_then(|p| p.posts.get(&post.source_id))
        .filter(|s| s.digest == Some(digest));
    match stored {
        Some(stored) => Prepared {
            rendered: Rendered {
                html: String::new(),
                text: masked(&stored.text, &stored.quoted),
                quotes: Vec::new(),
            },
            digest,
            unchanged: true,
        },
        None => Prepared {
            rendered: post.body.render_markup(),
            digest,
            unchanged: false,
        },
    }
}

/// `text` with the code points of each span replaced by [`MASK`].
fn masked(text: &str, spans: &[(usize, usize)]) -> String {
    if spans.is_empty() {
        return text.to_string();
    }
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if spans.iter().any(|&(s, e)| s <= i && i < e) {
                MASK
            } else {
                c
            }
        })
        .collect()
}
