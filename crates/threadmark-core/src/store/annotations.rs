//! Restoring annotations made elsewhere (W3C Web Annotations, Hypothesis rows; read
//! by [`crate::annotations`]) onto saved threads, in one transaction.
//!
//! Each annotation's target names a thread and maybe a post: Threadmark's own ids
//! (the W3C export's `threadmark` field: thread uuid, else the site and its key for
//! the thread, and the post's source id), a
//! `urn:threadmark:thread:<uuid or id>:post:<post>` name, a post's permalink (the
//! address [`crate::export::permalink`] gives it), or the thread's own address. The
//! first that names a saved thread wins. The quote is then found through the same
//! anchoring as re-imports ([`crate::anchor::anchor`]): in the named post first, the
//! `TextPositionSelector` only a hint, else in the other posts of the thread. Found
//! exactly it is `anchored`, approximately `fuzzy`; not found it is kept `orphaned`
//! with its quote and note, on the named post (or the thread's first post).
//!
//! The first `tagging` value that names a label of the library is the label; the
//! other values are tags. No duplicates: an annotation whose id is a UUID the
//! library holds, or that lands on the span of a highlight of the same post (an
//! orphan: the same words kept on the same post), is that highlight: its label, note and tags are updated when the annotation was
//! modified later, else it is left. Annotations naming no saved thread are skipped
//! and listed in the report.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};

use super::{now, Library};
use crate::anchor::{anchor, selector_in, AnchorState, Selector, Texts, CONTEXT};
use crate::annotations::{read_annotations, Incoming};
use crate::error::Result;
use crate::model::ThreadSummary;

/// What restoring annotations did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnotationReport {
    /// Annotations read from the document.
    pub read: usize,
    pub added: usize,
    pub updated: usize,
    /// Already in the library and not newer there.
    pub unchanged: usize,
    /// How the added ones were found.
    pub anchored: usize,
    pub fuzzy: usize,
    pub orphaned: usize,
    /// Annotations not restored: (JSON path, why).
    pub skipped: Vec<(String, String)>,
}

/// A saved thread's posts as anchoring needs them.
struct ThreadTexts {
    ids: Vec<String>,
    texts: Texts,
}

/// An address compared loosely: scheme `https`, host in lower case without
/// `www.`, no fragment, no trailing `/`.
fn norm_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or("");
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => return url.trim_end_matches('/').to_string(),
    };
    let scheme = if scheme == "http" {
        "https".into()
    } else {
        scheme
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{scheme}://{host}{}", path.trim_end_matches('/'))
}

/// Post source ids an address could be the permalink of.
fn post_candidates(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(mid) = url.strip_prefix("mid:") {
        let mid = mid.trim_matches(['<', '>']);
        out.push(mid.to_string());
        out.push(format!("<{mid}>"));
        return out;
    }
    let url = url.split('#').next().unwrap_or("");
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            if let Some(v) = pair.strip_prefix("id=") {
                out.push(v.to_string());
            }
        }
    }
    let path = url.split('?').next().unwrap_or("");
    if let Some(last) = path.trim_end_matches('/').rsplit('/').next() {
        if !last.is_empty() {
            out.push(last.to_string());
            out.push(format!("t1_{last}"));
        }
    }
    out
}

impl Library {
    /// Restore a W3C Web Annotation document (a collection, a page, one annotation
    /// or a list) or a Hypothesis API result (`{"rows": […]}`) onto the saved threads
    /// its annotations name (see the module's documentation).
    pub fn restore_annotations(&mut self, doc: &serde_json::Value) -> Result<AnnotationReport> {
        let read = read_annotations(doc)?;
        let mut report = AnnotationReport {
            read: read.annotations.len() + read.unreadable.len(),
            skipped: read.unreadable,
            ..AnnotationReport::default()
        };
        let threads = self.list_threads()?;
        let mut texts: HashMap<i64, ThreadTexts> = HashMap::new();
        let tx = self.conn.transaction()?;
        for a in &read.annotations {
            let Some((thread, post)) = find_target(&tx, &threads, a)? else {
                let named = if a.sources.is_empty() {
                    "it names no target address".to_string()
                } else {
                    format!("no saved thread is {}", a.sources.join(" or "))
                };
                report.skipped.push((a.path.clone(), named));
                continue;
            };
            let t = match texts.entry(thread) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(thread_texts(&tx, thread)?)
                }
            };
            if t.ids.is_empty() {
                report
                    .skipped
                    .push((a.path.clone(), format!("thread {thread} has no posts")));
                continue;
            }
            restore_one(&tx, thread, post.as_deref(), t, a, &mut report)?;
        }
        tx.commit()?;
        Ok(report)
    }
}

fn thread_texts(tx: &Transaction<'_>, thread: i64) -> Result<ThreadTexts> {
    let mut stmt =
        tx.prepare("SELECT source_id, text FROM posts WHERE thread_id = ?1 ORDER BY position")?;
    let rows = stmt.query_map([thread], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut ids = Vec::new();
    let mut chars = Vec::new();
    for row in rows {
        let (id, text) = row?;
        ids.push(id);
        chars.push(text.chars().collect());
    }
    Ok(ThreadTexts {
        ids,
        texts: Texts::new(chars),
    })
}

/// The saved thread (and post, when one is named) an annotation targets.
fn find_target(
    tx: &Transaction<'_>,
    threads: &[ThreadSummary],
    a: &Incoming,
) -> Result<Option<(i64, Option<String>)>> {
    let by_uuid = |uuid: &str| -> Result<Option<i64>> {
        Ok(tx
            .query_row("SELECT id FROM threads WHERE uuid = ?1", [uuid], |r| {
                r.get(0)
            })
            .optional()?)
    };
    if let Some((uuid, post)) = &a.threadmark {
        if let Some(id) = by_uuid(uuid)? {
            return Ok(Some((id, Some(post.clone()))));
        }
        // The same thread saved in another library: by its site's key.
        if let Some((site, key)) = &a.site_key {
            let id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM threads WHERE source = ?1 AND source_key = ?2",
                    params![site, key],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = id {
                return Ok(Some((id, Some(post.clone()))));
            }
        }
    }
    for source in &a.sources {
        // urn:threadmark:thread:<uuid or id>:post:<post>
        if let Some(rest) = source.strip_prefix("urn:threadmark:thread:") {
            if let Some((t, post)) = rest.split_once(":post:") {
                let id = match by_uuid(t)? {
                    Some(id) => Some(id),
                    None => t
                        .parse::<i64>()
                        .ok()
                        .filter(|id| threads.iter().any(|x| x.id == *id)),
                };
                if let Some(id) = id {
                    return Ok(Some((id, Some(post.to_string()))));
                }
            }
            continue;
        }
        let wanted = norm_url(source);
        // A post's permalink.
        for candidate in post_candidates(source) {
            let mut stmt = tx.prepare_cached(
                "SELECT thread_id FROM posts WHERE source_id = ?1 ORDER BY thread_id",
            )?;
            let owners: Vec<i64> = stmt
                .query_map([&candidate], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for owner in owners {
                let Some(t) = threads.iter().find(|t| t.id == owner) else {
                    continue;
                };
                if norm_url(&crate::export::permalink(t, &candidate)) == wanted {
                    return Ok(Some((owner, Some(candidate))));
                }
            }
        }
        // The thread's own address.
        for t in threads {
            let key: Option<String> = tx
                .query_row(
                    "SELECT source_key FROM threads WHERE id = ?1",
                    [t.id],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let own = t.url.as_deref().map(norm_url);
            let hn_item = (t.source == "hn")
                .then(|| {
                    key.map(|k| norm_url(&format!("https://news.ycombinator.com/item?id={k}")))
                })
                .flatten();
            if own.as_deref() == Some(wanted.as_str())
                || hn_item.as_deref() == Some(wanted.as_str())
            {
                return Ok(Some((t.id, None)));
            }
        }
    }
    Ok(None)
}

/// The first `n` or last `n` code points of a string.
fn first_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
fn last_chars(s: &str, n: usize) -> String {
    let len = s.chars().count();
    s.chars().skip(len.saturating_sub(n)).collect()
}

fn restore_one(
    tx: &Transaction<'_>,
    thread: i64,
    post: Option<&str>,
    t: &ThreadTexts,
    a: &Incoming,
    report: &mut AnnotationReport,
) -> Result<()> {
    let len = a.exact.chars().count();
    let hint = a.position.map_or(0, |(s, _)| s);
    let wanted = Selector {
        exact: a.exact.clone(),
        prefix: a.prefix.clone(),
        suffix: a.suffix.clone(),
        start: hint,
        end: hint + len,
    };
    let home = post.and_then(|p| t.ids.iter().position(|id| id == p));
    let found = anchor(&wanted, home, home.unwrap_or(0), &t.texts);
    let (post_source, sel, state) = match found.state {
        AnchorState::Orphaned => {
            let post = post.map_or_else(|| t.ids[0].clone(), str::to_string);
            let sel = Selector {
                prefix: last_chars(&a.prefix, CONTEXT),
                suffix: first_chars(&a.suffix, CONTEXT),
                ..wanted
            };
            (post, sel, AnchorState::Orphaned)
        }
        state => {
            let sel =
                selector_in(t.texts.post(found.post), found.start, found.end).unwrap_or(wanted);
            let state = if state == AnchorState::Fuzzy {
                AnchorState::Fuzzy
            } else {
                // Moved from a position that was only a hint: found as it is.
                AnchorState::Anchored
            };
            (t.ids[found.post].clone(), sel, state)
        }
    };

    // Label and tags.
    let mut label_id: Option<i64> = None;
    let mut tags: Vec<&str> = Vec::new();
    for value in &a.tagging {
        if label_id.is_none() {
            label_id = tx
                .query_row(
                    "SELECT id FROM labels WHERE name = ?1 COLLATE NOCASE",
                    [value],
                    |r| r.get(0),
                )
                .optional()?;
            if label_id.is_some() {
                continue;
            }
        }
        if !value.trim().is_empty() && !tags.contains(&value.as_str()) {
            tags.push(value);
        }
    }

    // The same highlight already here: by uuid, else by span.
    let uuid =
        a.id.as_deref()
            .and_then(|id| uuid::Uuid::parse_str(id).ok())
            .map(|u| u.to_string());
    let mut existing: Option<(i64, i64)> = match &uuid {
        Some(u) => tx
            .query_row(
                "SELECT id, updated_at FROM highlights WHERE uuid = ?1",
                [u],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
        None => None,
    };
    if existing.is_none() {
        // Placed: the same span of the same post. Orphaned: the same words kept
        // on the same post.
        existing = tx
            .query_row(
                "SELECT id, updated_at FROM highlights
                 WHERE thread_id = ?1 AND post_source = ?2
                   AND CASE WHEN ?5 THEN state = 'orphaned' AND exact = ?6
                            ELSE start = ?3 AND \"end\" = ?4 AND state != 'orphaned' END",
                params![
                    thread,
                    post_source,
                    sel.start as i64,
                    sel.end as i64,
                    state == AnchorState::Orphaned,
                    sel.exact
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
    }
    let created = a.created.unwrap_or_else(now);
    let modified = a.modified.unwrap_or(created);
    let id = match existing {
        Some((_, library_modified)) if library_modified >= modified => {
            report.unchanged += 1;
            return Ok(());
        }
        Some((id, _)) => {
            tx.execute(
                "UPDATE highlights SET label_id = ?1, note = ?2, updated_at = ?3 WHERE id = ?4",
                params![label_id, a.note, modified, id],
            )?;
            tx.execute("DELETE FROM highlight_tags WHERE highlight_id = ?1", [id])?;
            report.updated += 1;
            id
        }
        None => {
            let uuid = uuid.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            tx.execute(
                "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    uuid, thread, post_source, label_id, sel.exact, sel.prefix, sel.suffix,
                    sel.start as i64, sel.end as i64, a.note, state.as_str(), created, modified
                ],
            )?;
            report.added += 1;
            match state {
                AnchorState::Fuzzy => report.fuzzy += 1,
                AnchorState::Orphaned => report.orphaned += 1,
                _ => report.anchored += 1,
            }
            tx.last_insert_rowid()
        }
    };
    for tag in tags {
        tx.execute(
            "INSERT OR IGNORE INTO highlight_tags (highlight_id, tag) VALUES (?1, ?2)",
            params![id, tag],
        )?;
    }
    Ok(())
}
