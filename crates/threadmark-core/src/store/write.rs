//! Writing threads: one transaction per import, upserting posts by source id.
//!
//! Re-importing a thread (same source key, or `into`) updates posts in place, keeps
//! posts that disappeared (marked deleted) and never touches highlights, which are
//! keyed by the thread and the post's source id.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{self, Receiver};
use std::sync::OnceLock;

use rusqlite::{params, OptionalExtension, Transaction};

use super::place::Target;
use super::unchanged::{prepare, Prepared, Prior};
use super::upsert::{upsert_posts, Posts, Write, POSTS_PER_STATEMENT};
use super::{now, Library};
use crate::body::Rendered;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{PostDoc, QuoteSource, ThreadDoc};
use crate::progress::{Observer, Tracker};
use crate::quotes::{locate, resolve_by_time, PostText, Resolution};

/// A post's place in the tree, worked out before it is rendered.
pub(super) struct Placed<'a> {
    /// The parent, when it is an earlier post of the thread.
    pub parent: Option<&'a str>,
    pub depth: i64,
}

/// Per post, one entry per quote of depth 1, in order: what it resolved to.
type Resolved = Vec<Vec<Option<Resolution>>>;

/// Posts are rendered, written and reported in chunks of this many: one statement
/// writes a chunk (see [`upsert_posts`]).
const CHUNK: usize = POSTS_PER_STATEMENT;

/// A thread's rendered posts (`Body::render_markup`), one slot per chunk, filled in
/// order by the rendering thread while the writer stores the chunks before them.
/// Posts unchanged since the thread was saved are not rendered (`unchanged.rs`).
type Slots = Vec<OnceLock<Vec<Prepared>>>;

/// Work out each post's depth and keep its parent only if that comes earlier;
/// refuse duplicate ids. Parents that are missing or come later make the post
/// top-level.
fn place(doc: &ThreadDoc) -> Result<Vec<Placed<'_>>> {
    let mut depth_of: HashMap<&str, i64> = HashMap::with_capacity(doc.posts.len());
    let mut out = Vec::with_capacity(doc.posts.len());
    for (i, post) in doc.posts.iter().enumerate() {
        if depth_of.contains_key(post.source_id.as_str()) {
            return Err(
                Error::bad_input(format!("duplicate post id {:?}", post.source_id))
                    .at(format!("post {}", i + 1)),
            );
        }
        let parent = post
            .parent
            .as_deref()
            .and_then(|p| depth_of.get_key_value(p))
            .map(|(&p, &d)| (p, d));
        let depth = parent.map_or(0, |(_, d)| d + 1);
        depth_of.insert(&post.source_id, depth);
        out.push(Placed {
            parent: parent.map(|(p, _)| p),
            depth,
        });
    }
    Ok(out)
}

/// [`place`] for a part of a thread saved before: a parent that is not in `doc`
/// may be a stored post (`known`: source id → depth). `doc` was placed before, so
/// its ids are known to be distinct.
fn place_in<'a>(doc: &'a ThreadDoc, known: &HashMap<String, i64>) -> Vec<Placed<'a>> {
    let mut depth_of: HashMap<&str, i64> = HashMap::with_capacity(doc.posts.len());
    let mut out = Vec::with_capacity(doc.posts.len());
    for post in &doc.posts {
        let parent = post.parent.as_deref().and_then(|p| {
            depth_of
                .get(p)
                .or_else(|| known.get(p).filter(|_| !depth_of.contains_key(p)))
                .map(|&d| (p, d))
        });
        let depth = parent.map_or(0, |(_, d)| d + 1);
        depth_of.insert(&post.source_id, depth);
        out.push(Placed {
            parent: parent.map(|(p, _)| p),
            depth,
        });
    }
    out
}

/// A thread's rendered posts, in order, once every slot is filled.
fn all_rendered(slots: &Slots) -> Vec<&Rendered> {
    all_prepared(slots).map(|p| &p.rendered).collect()
}

/// A thread's prepared posts, in order, once every slot is filled.
fn all_prepared(slots: &Slots) -> impl Iterator<Item = &Prepared> {
    slots
        .iter()
        .flat_map(|slot| slot.get().map(Vec::as_slice).unwrap_or_default())
}

/// Resolve the quotes of a thread's rendered posts.
fn resolutions(doc: &ThreadDoc, placed: &[Placed<'_>], rendered: &[&Rendered]) -> Resolved {
    let index_of: HashMap<&str, usize> = doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    let texts: Vec<PostText<'_>> = placed
        .iter()
        .zip(rendered)
        .map(|(p, r)| PostText {
            text: &r.text,
            parent: p.parent.and_then(|s| index_of.get(s).copied()),
            quotes: &r.quotes,
        })
        .collect();
    let times: Vec<Option<i64>> = doc.posts.iter().map(|p| p.created_at).collect();
    let mut resolved = resolve_by_time(&texts, &times);
    drop(texts);
    trust_given_sources(doc, rendered, &index_of, &mut resolved);
    crate::timings::stage("quotes resolved");
    resolved
}

/// Where the source names a quote's origin (Discourse's `data-post`), that wins
/// over the resolver's guess: a quote of another topic is external; a quote of an
/// earlier post of this thread is placed in that post (its span found there, or the
/// whole post with score 0 when the words were edited past recognition).
fn trust_given_sources(
    doc: &ThreadDoc,
    rendered: &[&Rendered],
    index_of: &HashMap<&str, usize>,
    resolved: &mut [Vec<Option<Resolution>>],
) {
    for (i, (post, prepared)) in doc.posts.iter().zip(rendered).enumerate() {
        let top_level = prepared
            .quotes
            .iter()
            .enumerate()
            .filter(|(_, q)| q.depth == 1);
        for (k, (q, quote)) in top_level.enumerate() {
            let Some(Some(given)) = post.quote_sources.get(q) else {
                continue;
            };
            let Some(slot) = resolved[i].get_mut(k) else {
                continue;
            };
            *slot = match given {
                QuoteSource::External => None,
                QuoteSource::Post(id) => match index_of.get(id.as_str()) {
                    Some(&j) if j < i => {
                        let text: String = prepared
                            .text
                            .chars()
                            .skip(quote.start)
                            .take(quote.end - quote.start)
                            .collect();
                        let source = &rendered[j].text;
                        let (start, end, score) =
                            locate(&text, source).unwrap_or((0, source.chars().count(), 0.0));
                        Some(Resolution {
                            post: j,
                            start,
                            end,
                            score,
                        })
                    }
                    // Not saved here, or not earlier: the resolver's answer stands.
                    _ => continue,
                },
            };
        }
    }
}

/// What the writer of one thread receives from the rendering thread.
pub(super) struct Feed<'s> {
    slots: &'s Slots,
    /// One message per chunk rendered, in order.
    chunks: Receiver<()>,
    /// How many of those messages were taken.
    taken: Cell<usize>,
    /// The thread's quotes, resolved once every chunk is rendered.
    resolved: Receiver<Resolved>,
    /// The thread's stored posts as the renderer knows them (`Prior`): only a
    /// post stored with a digest there can be found unchanged and left alone.
    prior: Option<&'s Prior>,
}

impl<'s> Feed<'s> {
    /// Post `i` of the thread, once its chunk was taken.
    pub(super) fn post(&self, i: usize) -> Result<&'s Prepared> {
        if i / CHUNK >= self.taken.get() {
            return Err(stopped());
        }
        self.slots[i / CHUNK]
            .get()
            .and_then(|chunk| chunk.get(i % CHUNK))
            .ok_or_else(stopped)
    }

    /// Chunk `index` of rendered posts, waiting for it if needed.
    pub(super) fn chunk(&self, index: usize) -> Result<&'s [Prepared]> {
        while self.taken.get() <= index {
            self.chunks.recv().map_err(|_| stopped())?;
            self.taken.set(self.taken.get() + 1);
        }
        self.slots[index]
            .get()
            .map(Vec::as_slice)
            .ok_or_else(stopped)
    }

    /// Every rendered post of the thread, waiting for all of them.
    fn all(&self) -> Result<Vec<&'s Rendered>> {
        if let Some(last) = self.slots.len().checked_sub(1) {
            self.chunk(last)?;
        }
        Ok(self.rendered())
    }

    /// Every rendered post of the thread (after every chunk was taken).
    fn rendered(&self) -> Vec<&'s Rendered> {
        all_rendered(self.slots)
    }

    /// Every prepared post of the thread (after every chunk was taken).
    fn prepared(&self) -> Vec<&'s Prepared> {
        all_prepared(self.slots).collect()
    }
}

fn stopped() -> Error {
    Error::new(ErrorKind::Database, "rendering stopped")
}

/// How an import writes its threads (see [`Library::import_docs_with`]).
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Make the (single) parsed thread the new version of this thread.
    pub into: Option<i64>,
    /// With `into`: accept a thread of another source, or with another source id,
    /// than the one saved there (refused otherwise).
    pub force: bool,
    /// A title the user gave (`--title`): the thread takes it, and later re-imports
    /// and refreshes keep it (as they keep a title given by renaming the thread).
    pub title: Option<String>,
}

impl Library {
    /// Store parsed threads in one transaction; returns their ids in order.
    /// `into` makes the (single) parsed thread the new version of that thread.
    pub fn import_docs(&mut self, docs: &[ThreadDoc], into: Option<i64>) -> Result<Vec<i64>> {
        self.import_docs_observed(docs, into, &mut crate::progress::unobserved)
    }

    /// [`Library::import_docs`], reporting each post prepared and stored to
    /// `observer`, which may cancel: then nothing is written (error kind `Cancelled`).
    pub fn import_docs_observed(
        &mut self,
        docs: &[ThreadDoc],
        into: Option<i64>,
        observer: Observer<'_>,
    ) -> Result<Vec<i64>> {
        let options = WriteOptions {
            into,
            ..WriteOptions::default()
        };
        self.import_docs_with(docs, &options, observer)
    }

    /// [`Library::import_docs_observed`] with every option: `--into` with or
    /// without `--force`, a title the user gave.
    pub fn import_docs_with(
        &mut self,
        docs: &[ThreadDoc],
        options: &WriteOptions,
        observer: Observer<'_>,
    ) -> Result<Vec<i64>> {
        let into = options.into;
        if into.is_some() && docs.len() != 1 {
            return Err(Error::bad_input(format!(
                "--into takes one thread, but the input holds {}",
                docs.len()
            )));
        }
        let total = docs.iter().map(|d| d.posts.len()).sum();
        let mut tracker = Tracker::new(observer, total, docs.len());
        let placed: Vec<Vec<Placed<'_>>> = docs.iter().map(place).collect::<Result<_>>()?;
        // A page cache that holds a long thread's pages (64 MiB at most, only as
        // used) keeps SQLite from spilling them to the log mid-transaction.
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA cache_size = -65536")?;
        let result = self.write_docs(docs, &placed, options, &mut tracker);
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = {cache}"))?;
        result
    }

    /// Render and write, side by side: a second thread renders the posts chunk by
    /// chunk, and once a thread's posts are all rendered resolves its quotes; this
    /// one writes each chunk as soon as it is rendered, indexes the thread while
    /// its quotes are resolved, then writes them.
    fn write_docs(
        &mut self,
        docs: &[ThreadDoc],
        placed: &[Vec<Placed<'_>>],
        options: &WriteOptions,
        tracker: &mut Tracker<'_>,
    ) -> Result<Vec<i64>> {
        let slots: Vec<Slots> = docs
            .iter()
            .map(|d| {
                (0..d.posts.len().div_ceil(CHUNK))
                    .map(|_| OnceLock::new())
                    .collect()
            })
            .collect();
        // Dropped without a commit on any error (a cancel included): rolled back.
        let tx = self.conn.transaction()?;
        let priors: Vec<Option<Prior>> = docs
            .iter()
            .map(|doc| Prior::load(&tx, doc, options))
            .collect::<Result<_>>()?;
        crate::timings::stage("prior loaded");
        let priors = &priors;
        let ids = std::thread::scope(|scope| {
            let mut feeds = Vec::with_capacity(docs.len());
            let mut senders = Vec::with_capacity(docs.len());
            for (slots, prior) in slots.iter().zip(priors) {
                let (chunk_tx, chunks) = mpsc::channel::<()>();
                let (resolved_tx, resolved) = mpsc::sync_channel::<Resolved>(1);
                feeds.push(Feed {
                    slots,
                    chunks,
                    taken: Cell::new(0),
                    resolved,
                    prior: prior.as_ref(),
                });
                senders.push((chunk_tx, resolved_tx));
            }
            // Once the writer stops (done or failed) and drops its receivers, the
            // next send fails and the renderer stops too.
            let slots = &slots;
            let renderer = scope.spawn(move || {
                for (((doc, placed), prior), (slots, (chunk_tx, resolved_tx))) in docs
                    .iter()
                    .zip(placed)
                    .zip(priors)
                    .zip(slots.iter().zip(senders))
                {
                    for (slot, posts) in slots.iter().zip(doc.posts.chunks(CHUNK)) {
                        let _ =
                            slot.set(posts.iter().map(|p| prepare(p, prior.as_ref())).collect());
                        if chunk_tx.send(()).is_err() {
                            return;
                        }
                    }
                    crate::timings::stage("rendered");
                    let rendered = all_rendered(slots);
                    if resolved_tx
                        .send(resolutions(doc, placed, &rendered))
                        .is_err()
                    {
                        return;
                    }
                }
            });
            let mut ids = Vec::with_capacity(docs.len());
            let mut written = || -> Result<()> {
                for ((doc, placed), feed) in docs.iter().zip(placed).zip(&feeds) {
                    let id = store_thread(&tx, (doc, placed), feed, options, &ids, tracker)?;
                    ids.push(id);
                }
                Ok(())
            };
            let result = written();
            drop(feeds);
            if let Err(panic) = renderer.join() {
                std::panic::resume_unwind(panic);
            }
            result.map(|()| ids)
        })?;
        crate::timings::stage("stored");
        tracker.finishing()?;
        tx.commit()?;
        crate::timings::stage("committed");
        Ok(ids)
    }

    /// Parse and store bytes (a file's contents named `name`).
    pub fn import_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: crate::model::SourceFormat,
        title: Option<&str>,
    ) -> Result<Vec<i64>> {
        let options = crate::import::ImportOptions {
            format,
            title: title.map(str::to_string),
            ..Default::default()
        };
        let docs = crate::import::parse_bytes(name, bytes, &options)?;
        let write = WriteOptions {
            title: title.map(str::to_string),
            ..WriteOptions::default()
        };
        self.import_docs_with(&docs, &write, &mut crate::progress::unobserved)
            .map_err(|e| e.in_file(name))
    }

    /// Record that a thread was opened now.
    pub fn mark_opened(&self, thread_id: i64) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE threads SET last_opened_at = ?1 WHERE id = ?2",
            params![now(), thread_id],
        )?;
        if n == 0 {
            return Err(Error::not_found(format!("no thread {thread_id}")));
        }
        Ok(())
    }

    /// Delete a thread with its posts, quotes and highlights.
    pub fn delete_thread(&mut self, thread_id: i64) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM threads WHERE id = ?1", [thread_id])?;
        if n == 0 {
            return Err(Error::not_found(format!("no thread {thread_id}")));
        }
        Ok(())
    }
}

/// Write one thread's posts as `feed` renders them, index them, then (once `feed`
/// resolved them) write its quotes, and re-anchor its highlights if it was
/// imported before.
fn store_thread(
    tx: &Transaction<'_>,
    (doc, placed): (&ThreadDoc, &[Placed<'_>]),
    feed: &Feed<'_>,
    options: &WriteOptions,
    earlier: &[i64],
    tracker: &mut Tracker<'_>,
) -> Result<i64> {
    let posts = &doc.posts;
    let t = now();
    let existing: Option<i64> = match (options.into, &doc.source_key) {
        (Some(id), _) => {
            let (source, key): (String, Option<String>) = tx
                .query_row(
                    "SELECT source, source_key FROM threads WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| Error::not_found(format!("no thread {id} to import into")))?;
            if !options.force {
                same_thread(id, (&source, key.as_deref()), doc)?;
            }
            Some(id)
        }
        (None, Some(key)) => tx
            .query_row(
                "SELECT id FROM threads WHERE source = ?1 AND source_key = ?2",
                params![doc.source, key],
                |r| r.get(0),
            )
            .optional()?,
        (None, None) => None,
    };
    // A title the user gave wins; then one given before (kept); then the source's.
    let given = options
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // A doc without a title (a page of a topic) keeps the saved one.
    let unnamed = match (doc.source, &doc.source_key) {
        ("discourse", Some(key)) => format!("Discourse topic {key}"),
        (source, _) => format!("Untitled {source} thread"),
    };
    let title = given.unwrap_or(if doc.title.trim().is_empty() {
        &unnamed
    } else {
        &doc.title
    });
    let keep_title = given.is_none() && doc.title.trim().is_empty();
    let thread_id = match existing {
        Some(id) => {
            // The source key follows the file only when forced into another thread's
            // place, and only if no other thread holds it.
            tx.execute(
                "UPDATE threads SET
                   title = CASE WHEN ?6 OR NOT (title_given OR ?8) THEN ?1 ELSE title END,
                   title_given = title_given OR ?6,
                   source = ?2, url = COALESCE(?3, url), imported_at = ?4,
                   source_key = CASE WHEN ?7 IS NOT NULL AND NOT EXISTS
                       (SELECT 1 FROM threads o WHERE o.source = ?2 AND o.source_key = ?7 AND o.id <> ?5)
                     THEN ?7 ELSE source_key END
                 WHERE id = ?5",
                params![title, doc.source, doc.url, t, id, given.is_some(), doc.source_key, keep_title],
            )?;
            id
        }
        None => {
            tx.execute(
                "INSERT INTO threads (title, source, source_key, url, imported_at, created_at, uuid, title_given)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
                params![title, doc.source, doc.source_key, doc.url, t, uuid::Uuid::new_v4().to_string(), given.is_some()],
            )?;
            tx.last_insert_rowid()
        }
    };

    if existing.is_some() && doc.source == "text" {
        realign(tx, thread_id, posts, &feed.all()?)?;
    }
    // A page of a topic: its posts may reply to posts saved from other pages.
    let known: HashMap<String, i64>;
    let merged: Vec<Placed<'_>>;
    let numbered = page_numbers(doc).filter(|_| !options.force);
    let placed = match (existing, &numbered) {
        (Some(_), Some(_)) => {
            let mut stmt = tx.prepare("SELECT source_id, depth FROM posts WHERE thread_id = ?1")?;
            let rows = stmt.query_map([thread_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            known = rows.collect::<rusqlite::Result<_>>()?;
            merged = place_in(doc, &known);
            &merged[..]
        }
        _ => placed,
    };
    // The final order: the new posts, with posts that disappeared kept right after
    // the post that preceded them before.
    // The stored rows: as the renderer's `Prior` read them when the import began,
    // unless this import wrote the thread already (two parts of one thread).
    let fresh;
    let old: &[super::place::OldRow] = match feed.prior {
        Some(prior) if prior.thread == thread_id && !earlier.contains(&thread_id) => &prior.rows,
        _ => {
            fresh = super::place::read(tx, thread_id)?;
            &fresh
        }
    };
    let old_id: HashMap<&str, i64> = old.iter().map(|r| (r.source_id.as_str(), r.id)).collect();
    // What this import changes, against the previous one (nothing on a first import).
    // An unchanged post is unchanged; another is compared with its stored text.
    let change_of = |post: &PostDoc, prepared: &Prepared| -> Result<Option<&'static str>> {
        if existing.is_none() || prepared.unchanged {
            return Ok(None);
        }
        if !old_id.contains_key(post.source_id.as_str()) {
            return Ok(Some("new"));
        }
        let text: String = tx
            .prepare_cached("SELECT text FROM posts WHERE thread_id = ?1 AND source_id = ?2")?
            .query_row(params![thread_id, post.source_id], |r| r.get(0))?;
        Ok((text != prepared.rendered.text).then_some("edited"))
    };
    let index_of: HashMap<&str, usize> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    // Stored posts the import leaves out: (insert before index in `posts`, index in
    // `old`, whether it is only outside what the import covers, kept as it was).
    let mut removed: Vec<(usize, usize, bool)> = Vec::new();
    {
        let mut after: Option<usize> = None;
        for (o, row) in old.iter().enumerate() {
            match index_of.get(row.source_id.as_str()) {
                Some(&i) => after = Some(i),
                None => {
                    let number = numbered
                        .as_ref()
                        .and_then(|_| row.source_id.parse::<u64>().ok());
                    match (number, &numbered) {
                        (Some(n), Some(numbers)) => {
                            let (lo, hi) = (numbers[0], numbers[numbers.len() - 1]);
                            let before = numbers.partition_point(|&d| d < n);
                            removed.push((before, o, n < lo || n > hi));
                        }
                        _ => removed.push((after.map_or(0, |a| a + 1), o, false)),
                    }
                }
            }
        }
        removed.sort_by_key(|&(before, _, _)| before);
    }
    crate::timings::stage("places worked out");
    // Each post's new position, and where each stored row goes.
    let mut positions: Vec<i64> = Vec::with_capacity(posts.len());
    let mut moves: Vec<(&super::place::OldRow, Target<'_>)> = Vec::with_capacity(old.len());
    {
        let mut position: i64 = 0;
        let mut removed_iter = removed.into_iter().peekable();
        let mut leave = |o: usize, kept: bool, position: i64| {
            moves.push((
                &old[o],
                if kept {
                    Target::Kept(position)
                } else {
                    Target::Removed(position)
                },
            ));
        };
        for i in 0..posts.len() {
            while let Some((_, o, kept)) = removed_iter.next_if(|&(before, _, _)| before <= i) {
                leave(o, kept, position);
                position += 1;
            }
            positions.push(position);
            position += 1;
        }
        for (_, o, kept) in removed_iter {
            leave(o, kept, position);
            position += 1;
        }
    }
    for row in old {
        if let Some(&i) = index_of.get(row.source_id.as_str()) {
            moves.push((
                row,
                Target::Post {
                    position: positions[i],
                    depth: placed[i].depth,
                    parent: placed[i].parent,
                    // Left unchanged only if the renderer knows a digest of it to
                    // compare (`unchanged.rs`); else written whole.
                    rewritten: !feed.prior.is_some_and(|p| p.knows(&row.source_id)),
                },
            ));
        }
    }
    super::place::move_rows(tx, thread_id, &moves)?;
    drop(moves);
    crate::timings::stage("moved");
    let before: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM posts", [], |r| r.get(0))?;
    let mode = match existing {
        Some(_) => Write::Upsert,
        None => Write::Insert { last: before },
    };
    let thread = Posts {
        thread_id,
        posts,
        placed,
        positions: &positions,
        old_id: &old_id,
    };
    let row_ids = upsert_posts(tx, mode, &thread, feed, &change_of, tracker)?;
    if existing.is_some() {
        super::place::check_placed(tx, thread_id)?;
    }
    let new_rows: Vec<i64> = posts
        .iter()
        .zip(&row_ids)
        .filter(|(post, _)| !old_id.contains_key(post.source_id.as_str()))
        .map(|(_, &id)| id)
        .collect();
    crate::timings::stage("posts stored");
    index_new_posts(tx, before, &new_rows)?;
    crate::timings::stage("posts indexed");
    let resolved = feed.resolved.recv().map_err(|_| stopped())?;
    crate::timings::stage("quotes received");
    let prepared = feed.prepared();
    let mut clear_quotes = tx.prepare("DELETE FROM quotes WHERE post_id = ?1")?;
    let mut add_quote = tx.prepare(
        "INSERT INTO quotes (thread_id, post_id, start, \"end\", depth, text, source_post, source_start, source_end, score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for ((prepared, &post_id), resolved) in prepared.iter().zip(&row_ids).zip(&resolved) {
        if prepared.unchanged {
            // Its quotes stay as they were resolved.
            continue;
        }
        let post = &prepared.rendered;
        if existing.is_some() {
            // A post of the previous version: its quotes are written anew.
            clear_quotes.execute([post_id])?;
        }
        if post.quotes.is_empty() {
            continue;
        }
        // Code-point offsets to byte offsets, once per post.
        let bytes: Vec<usize> = post
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(post.text.len()))
            .collect();
        let mut resolutions = resolved.iter();
        // Nested quotes are stored for their depth; only top-level quoted passages
        // are resolved (a nested quote is part of the passage that holds it).
        let byte = |c: usize| bytes[c.min(bytes.len() - 1)];
        for q in &post.quotes {
            let text = &post.text[byte(q.start)..byte(q.end.max(q.start))];
            let r = if q.depth == 1 {
                resolutions.next().and_then(Option::as_ref)
            } else {
                None
            };
            add_quote.execute(params![
                thread_id,
                post_id,
                q.start as i64,
                q.end as i64,
                q.depth as i64,
                text,
                r.map(|r| row_ids[r.post]),
                r.map(|r| r.start as i64),
                r.map(|r| r.end as i64),
                r.map(|r| r.score),
            ])?;
        }
    }
    crate::timings::stage("quotes written");
    if existing.is_some() && super::highlights::has_highlights(tx, thread_id)? {
        super::highlights::reanchor(tx, thread_id)?;
    }
    crate::timings::stage("reanchored");
    Ok(thread_id)
}

/// A Discourse thread's post numbers, ascending, when every post has one: an import
/// of them covers only the range from the first to the last (a page of the topic),
/// and stored posts outside it take their place in number order.
fn page_numbers(doc: &ThreadDoc) -> Option<Vec<u64>> {
    if doc.source != "discourse" || doc.posts.is_empty() {
        return None;
    }
    let numbers: Vec<u64> = doc
        .posts
        .iter()
        .map(|p| p.source_id.parse().ok())
        .collect::<Option<_>>()?;
    numbers.windows(2).all(|w| w[0] < w[1]).then_some(numbers)
}

/// Refuse to make `doc` the new version of thread `id` (saved from `source` with
/// source id `key`) when it is another thread: another source (mbox and Maildir
/// count as one, mail), or another source id where both have one.
fn same_thread(id: i64, (source, key): (&str, Option<&str>), doc: &ThreadDoc) -> Result<()> {
    let family = |s: &str| if s == "maildir" { "mbox" } else { s }.to_string();
    let what = |source: &str, key: Option<&str>| match key {
        Some(k) => format!("{source} thread {k}"),
        None => format!("{source} thread"),
    };
    let other_site = family(source) != family(doc.source);
    let other_id = matches!((key, doc.source_key.as_deref()), (Some(a), Some(b)) if a != b);
    if other_site || other_id {
        return Err(Error::bad_input(format!(
            "thread {id} is a {}, but the input is a {}: not importing it into thread {id} (--force does it anyway)",
            what(source, key),
            what(doc.source, doc.source_key.as_deref())
        )));
    }
    Ok(())
}

/// A plain-text dump's posts have no ids of their own: a post's id is the line it
/// starts on, which lines added above it change. So the new version's posts are
/// paired with the stored ones by their text ([`super::align`]), and a stored post
/// paired with a new one takes that post's id (its row, and so its quotes, stay),
/// its highlights re-keyed with it. A stored post left unpaired (removed) keeps its
/// id unless a new post takes it; then it becomes `ID-removed` (`ID-removed-2`, …).
/// The upsert that follows then finds each post under its new id.
fn realign(
    tx: &Transaction<'_>,
    thread_id: i64,
    posts: &[PostDoc],
    rendered: &[&Rendered],
) -> Result<()> {
    let old: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, source_id, text FROM posts WHERE thread_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([thread_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let old_texts: Vec<&str> = old.iter().map(|(_, _, t)| t.as_str()).collect();
    let new_texts: Vec<&str> = rendered.iter().map(|r| r.text.as_str()).collect();
    let pairs = super::align::align(&old_texts, &new_texts);
    let mut target: Vec<Option<String>> = vec![None; old.len()];
    let mut paired = vec![false; old.len()];
    for (post, pair) in posts.iter().zip(&pairs) {
        if let Some(o) = *pair {
            paired[o] = true;
            if old[o].1 != post.source_id {
                target[o] = Some(post.source_id.clone());
            }
        }
    }
    let new_ids: HashSet<&str> = posts.iter().map(|p| p.source_id.as_str()).collect();
    let mut taken: HashSet<String> = old.iter().map(|(_, sid, _)| sid.clone()).collect();
    taken.extend(new_ids.iter().map(|s| s.to_string()));
    for (o, (_, sid, _)) in old.iter().enumerate() {
        if paired[o] || !new_ids.contains(sid.as_str()) {
            continue;
        }
        let base = format!("{sid}-removed");
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        taken.insert(name.clone());
        target[o] = Some(name);
    }
    let renames: Vec<(i64, &str, &str)> = old
        .iter()
        .zip(&target)
        .filter_map(|((row, sid, _), t)| t.as_deref().map(|t| (*row, sid.as_str(), t)))
        .collect();
    if renames.is_empty() {
        return Ok(());
    }
    // Through names no source id has, so that ids can trade places.
    let mut rename = tx.prepare("UPDATE posts SET source_id = ?1 WHERE id = ?2")?;
    for &(row, _, _) in &renames {
        rename.execute(params![format!("\u{1}{row}"), row])?;
    }
    for &(row, _, to) in &renames {
        rename.execute(params![to, row])?;
    }
    let moved: HashMap<&str, &str> = renames.iter().map(|&(_, from, to)| (from, to)).collect();
    let highlights: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, post_source FROM highlights WHERE thread_id = ?1")?;
        let rows = stmt.query_map([thread_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rekey = tx.prepare(
        "UPDATE highlights SET post_source = ?1, updated_at = max(updated_at, ?2) WHERE id = ?3",
    )?;
    let t = now();
    for (id, post) in &highlights {
        if let Some(to) = moved.get(post.as_str()) {
            rekey.execute(params![to, t, id])?;
        }
    }
    Ok(())
}

/// Add posts this transaction inserted (`new`, row ids) to the full-text index.
/// Row ids above `before`, the largest id before they were inserted, are theirs
/// alone: then one statement indexes them in row-id order, which lets FTS5 keep
/// adding to one in-memory batch. (New ids are the largest id plus one; only a
/// table that reached the largest possible id gets others, indexed one by one.)
pub(super) fn index_new_posts(tx: &Transaction<'_>, before: i64, new: &[i64]) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    if new.iter().all(|&id| id > before) {
        let n = tx.execute(
            "INSERT INTO posts_fts(rowid, text) SELECT id, text FROM posts WHERE id > ?1 ORDER BY id",
            [before],
        )?;
        if n != new.len() {
            return Err(Error::new(
                ErrorKind::Database,
                format!(
                    "indexing new posts: {n} rows above id {before}, {} posts written",
                    new.len()
                ),
            ));
        }
        return Ok(());
    }
    let mut ids = new.to_vec();
    ids.sort_unstable();
    let mut index =
        tx.prepare("INSERT INTO posts_fts(rowid, text) SELECT id, text FROM posts WHERE id = ?1")?;
    for id in ids {
        index.execute([id])?;
    }
    Ok(())
}
