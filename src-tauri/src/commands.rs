//! The IPC commands. Each one is argument in, one core call, DTO out; nothing else.
//!
//! Commands are `async` so that Tauri runs them off the main thread: a large thread
//! must not freeze the window while it loads.

use std::ops::ControlFlow;
use std::path::PathBuf;

use tauri::{AppHandle, Emitter, Runtime, State};
use threadmark_core::progress::{ImportProgress as Progress, ImportStage};

use crate::dto::{
    ImportProgress, LibraryInfo, OpenedThread, Post, PostOutline, SearchHit, ThreadSummary,
    SNIPPET_MARKS,
};
use crate::error::Result;
use crate::state::{Imports, LibraryState};

/// The most search results one query returns.
const SEARCH_LIMIT: i64 = 500;
/// The most posts one `thread_posts` call returns.
pub const PAGE_LIMIT: i64 = 1000;

/// Every saved thread, for the library view.
#[tauri::command]
pub async fn list_threads(state: State<'_, LibraryState>) -> Result<Vec<ThreadSummary>> {
    let threads = state.library()?.list_threads()?;
    Ok(threads.into_iter().map(ThreadSummary::from).collect())
}

/// One thread and the outline of its posts in thread order (no bodies: those come
/// from `thread_posts`), recorded as opened now; `not_found` if there is no such
/// thread. The summary keeps the previous `lastOpenedAt`.
#[tauri::command]
pub async fn open_thread(state: State<'_, LibraryState>, id: i64) -> Result<OpenedThread> {
    let library = state.library()?;
    let thread = library.thread(id)?.into();
    let outline = library
        .outline(id)?
        .into_iter()
        .map(PostOutline::from)
        .collect();
    library.mark_opened(id)?;
    Ok(OpenedThread { thread, outline })
}

/// Up to `limit` posts of a thread from `offset` in thread order (at most
/// [`PAGE_LIMIT`]); `not_found` if there is no such thread.
#[tauri::command]
pub async fn thread_posts(
    state: State<'_, LibraryState>,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<Post>> {
    if offset < 0 || !(1..=PAGE_LIMIT).contains(&limit) {
        return Err(threadmark_core::Error::bad_input(format!(
            "thread_posts: offset {offset}, limit {limit}: the offset must be 0 or more and the limit 1 to {PAGE_LIMIT}"
        ))
        .into());
    }
    let posts = state.library()?.posts_page(id, offset, limit)?;
    Ok(posts.into_iter().map(Post::from).collect())
}

/// The source ids of the posts of a thread that `query` selects (the thread filter's
/// query language, `threadmark_core::filter`), in thread order; `bad_input` for a query
/// it cannot read, `not_found` if there is no such thread.
#[tauri::command]
pub async fn filter_thread(
    state: State<'_, LibraryState>,
    id: i64,
    query: String,
) -> Result<Vec<String>> {
    Ok(state.library()?.filter_thread(id, &query)?)
}

/// Every quoted passage of a thread (outer quote blocks), in thread order, with the
/// post and span each resolved to (`source: null`: external); `not_found` if there
/// is no such thread.
#[tauri::command]
pub async fn thread_quotes(
    state: State<'_, LibraryState>,
    id: i64,
) -> Result<Vec<crate::dto::QuoteLink>> {
    let quotes = state.library()?.quotes(id)?;
    Ok(quotes.into_iter().map(Into::into).collect())
}

/// The quoted passages that resolved to post `post` of thread `id` (with `start`
/// and `end`, only those overlapping that span of it), in thread order; `not_found`
/// if there is no such thread or post.
#[tauri::command]
pub async fn quoted_by(
    state: State<'_, LibraryState>,
    id: i64,
    post: String,
    start: Option<i64>,
    end: Option<i64>,
) -> Result<Vec<crate::dto::QuoteLink>> {
    let span = start.zip(end);
    let quotes = state.library()?.quoted_by(id, &post, span)?;
    Ok(quotes.into_iter().map(Into::into).collect())
}

/// Where the library file is, and whether it is read-only.
#[tauri::command]
pub async fn library_info(state: State<'_, LibraryState>) -> Result<LibraryInfo> {
    Ok(LibraryInfo {
        path: state.path().display().to_string(),
        read_only: state.library()?.is_read_only(),
    })
}

/// Full-text search over every saved post (or one thread's), best matches first.
/// FTS5 syntax: words, "phrases", prefix*, AND/OR/NOT; bad syntax is `bad_input`
/// with a message that says how to write a query.
#[tauri::command]
pub async fn search(
    state: State<'_, LibraryState>,
    query: String,
    thread: Option<i64>,
) -> Result<Vec<SearchHit>> {
    let hits = state
        .library()?
        .search(&query, thread, SEARCH_LIMIT, SNIPPET_MARKS)?;
    Ok(hits.into_iter().map(SearchHit::from).collect())
}

/// Gives a thread a new title; returns the thread as the library lists it.
#[tauri::command]
pub async fn rename_thread(
    state: State<'_, LibraryState>,
    id: i64,
    title: String,
) -> Result<ThreadSummary> {
    Ok(state.library()?.rename_thread(id, &title)?.into())
}

/// Deletes a thread with its posts and highlights.
#[tauri::command]
pub async fn delete_thread(state: State<'_, LibraryState>, id: i64) -> Result<()> {
    Ok(state.library()?.delete_thread(id)?)
}

/// Imports pasted text (any format Threadmark reads); returns the new threads' ids.
/// A pasted web address is refused as `unsupported`: `fetch_url` fetches it.
/// Progress goes out as `import-progress` events; `cancel_import` stops it with
/// nothing saved (`cancelled`).
#[tauri::command]
pub async fn import_text<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, LibraryState>,
    imports: State<'_, Imports>,
    text: String,
    title: Option<String>,
) -> Result<Vec<i64>> {
    let mut library = state.library()?;
    imports.start();
    let mut observe = observer(&app, &imports);
    Ok(library.import_pasted_observed(&text, title.as_deref(), &mut observe)?)
}

/// Fetches a thread from the web (a Hacker News item, a Reddit thread, a Lobsters
/// story or a Discourse topic URL) and saves it, `title` overriding its own; returns
/// its id (a thread saved before is updated). The library is locked only once the
/// thread is downloaded; failures are `network`, `not_found`, `unsupported`,
/// `too_large` or `bad_input` with a one-line message naming the address.
#[tauri::command]
pub async fn fetch_url(
    state: State<'_, LibraryState>,
    url: String,
    title: Option<String>,
) -> Result<Vec<i64>> {
    use threadmark_core::fetch::{fetch, FetchOptions};
    let mut doc = fetch(&url, &FetchOptions::from_env()).await?;
    if let Some(title) = title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        doc.title = title.to_string();
    }
    let mut library = state.library()?;
    let ids = library
        .import_docs(std::slice::from_ref(&doc), None)
        .map_err(|e| e.in_file(url.trim()))?;
    for &id in &ids {
        library.set_source_url(id, &url)?;
    }
    Ok(ids)
}

/// Imports a file the user chose in the open dialog or dropped on the window;
/// returns the new threads' ids. Progress and cancelling as for `import_text`.
#[tauri::command]
pub async fn import_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, LibraryState>,
    imports: State<'_, Imports>,
    path: PathBuf,
) -> Result<Vec<i64>> {
    let mut library = state.library()?;
    imports.start();
    let mut observe = observer(&app, &imports);
    Ok(library.import_path_observed(&path, &mut observe)?)
}

/// The event a running import reports its progress with.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

/// Stops the import running now at its next step; nothing of it is saved.
#[tauri::command]
pub async fn cancel_import(imports: State<'_, Imports>) -> Result<()> {
    imports.cancel();
    Ok(())
}

/// Sends an import's progress to the window (once per percent and stage, so a
/// 10,000-post import sends some 200 events, not 20,000) and stops it when the
/// user cancelled.
pub(crate) fn observer<'a, R: Runtime>(
    app: &'a AppHandle<R>,
    imports: &'a Imports,
) -> impl FnMut(Progress) -> ControlFlow<()> + 'a {
    let mut last: Option<(ImportStage, usize)> = None;
    move |progress| {
        let percent = (progress.done * 100)
            .checked_div(progress.total)
            .unwrap_or(100);
        if last != Some((progress.stage, percent)) {
            last = Some((progress.stage, percent));
            // A window that is gone cannot be told; the import goes on.
            let _ = app.emit(IMPORT_PROGRESS_EVENT, ImportProgress::from(progress));
        }
        if imports.cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

// ---------------------------------------------------------------------------
// Highlights, labels and links.

use crate::dto as d;

/// The labels in their order.
#[tauri::command]
pub async fn labels(state: State<'_, LibraryState>) -> Result<Vec<d::Label>> {
    Ok(state
        .library()?
        .labels()?
        .into_iter()
        .map(d::Label::from)
        .collect())
}

/// Adds a label after the others.
#[tauri::command]
pub async fn add_label(state: State<'_, LibraryState>, label: d::LabelInput) -> Result<d::Label> {
    Ok(state.library()?.add_label(&label_spec(label))?.into())
}

/// Changes a label's name, colour and shortcut.
#[tauri::command]
pub async fn update_label(
    state: State<'_, LibraryState>,
    id: i64,
    label: d::LabelInput,
) -> Result<d::Label> {
    Ok(state
        .library()?
        .update_label(id, &label_spec(label))?
        .into())
}

fn label_spec(l: d::LabelInput) -> threadmark_core::LabelSpec {
    threadmark_core::LabelSpec {
        name: l.name,
        color: l.color,
        shortcut: l.shortcut,
    }
}

/// Puts the labels in the given order (every label id once).
#[tauri::command]
pub async fn reorder_labels(
    state: State<'_, LibraryState>,
    ids: Vec<i64>,
) -> Result<Vec<d::Label>> {
    let labels = state.library()?.reorder_labels(&ids)?;
    Ok(labels.into_iter().map(d::Label::from).collect())
}

/// How many highlights carry a label (asked before deleting it).
#[tauri::command]
pub async fn label_usage(state: State<'_, LibraryState>, id: i64) -> Result<i64> {
    Ok(state.library()?.label_usage(id)?)
}

/// Deletes a label. Its highlights `then`: "move" (to label `moveTo`), "unlabel"
/// or "delete". Returns how many highlights that touched.
#[tauri::command]
pub async fn delete_label(
    state: State<'_, LibraryState>,
    id: i64,
    then: String,
    move_to: Option<i64>,
) -> Result<i64> {
    use threadmark_core::LabelRemoval;
    let then = match (then.as_str(), move_to) {
        ("move", Some(to)) => LabelRemoval::MoveTo(to),
        ("unlabel", _) => LabelRemoval::Unlabel,
        ("delete", _) => LabelRemoval::DeleteHighlights,
        _ => {
            return Err(threadmark_core::Error::bad_input(format!(
                "delete_label: {then:?} is not move (with moveTo), unlabel or delete"
            ))
            .into())
        }
    };
    Ok(state.library()?.delete_label(id, then)? as i64)
}

/// A thread's highlights and the links between them.
#[tauri::command]
pub async fn thread_highlights(
    state: State<'_, LibraryState>,
    thread: i64,
) -> Result<d::ThreadHighlights> {
    let library = state.library()?;
    Ok(d::ThreadHighlights {
        highlights: library
            .highlights(thread)?
            .into_iter()
            .map(d::Highlight::from)
            .collect(),
        links: library
            .links(thread)?
            .into_iter()
            .map(d::Link::from)
            .collect(),
    })
}

/// Highlights `start..end` (code points of the canonical text) of a post.
#[tauri::command]
pub async fn add_highlight(
    state: State<'_, LibraryState>,
    thread: i64,
    post: String,
    start: usize,
    end: usize,
    label: Option<String>,
) -> Result<d::Highlight> {
    let mut library = state.library()?;
    Ok(library
        .highlight_span(thread, &post, start, end, label.as_deref())?
        .into())
}

/// Sets a highlight's label (null: none).
#[tauri::command]
pub async fn set_highlight_label(
    state: State<'_, LibraryState>,
    id: i64,
    label: Option<String>,
) -> Result<d::Highlight> {
    let edit = threadmark_core::HighlightEdit {
        label: Some(label),
        ..Default::default()
    };
    Ok(state.library()?.update_highlight(id, &edit)?.into())
}

/// Sets a highlight's note (Markdown) and tags.
#[tauri::command]
pub async fn set_highlight_note(
    state: State<'_, LibraryState>,
    id: i64,
    note: String,
    tags: Vec<String>,
) -> Result<d::Highlight> {
    let edit = threadmark_core::HighlightEdit {
        note: Some(note),
        tags: Some(tags),
        ..Default::default()
    };
    Ok(state.library()?.update_highlight(id, &edit)?.into())
}

/// Deletes a highlight; what it returns undoes that with `undelete_highlight`.
#[tauri::command]
pub async fn delete_highlight(
    state: State<'_, LibraryState>,
    id: i64,
) -> Result<d::DeletedHighlight> {
    Ok(state.library()?.delete_highlight(id)?.into())
}

/// Puts a deleted highlight back with its tags and links.
#[tauri::command]
pub async fn undelete_highlight(
    state: State<'_, LibraryState>,
    deleted: d::DeletedHighlight,
) -> Result<d::Highlight> {
    let deleted = threadmark_core::DeletedHighlight::try_from(deleted)?;
    Ok(state.library()?.undelete_highlight(&deleted)?.into())
}

/// Attaches a highlight (an orphan) to a new selection in a post.
#[tauri::command]
pub async fn reattach_highlight(
    state: State<'_, LibraryState>,
    id: i64,
    post: String,
    start: usize,
    end: usize,
) -> Result<d::Highlight> {
    Ok(state
        .library()?
        .reattach_highlight(id, &post, start, end)?
        .into())
}

/// Links highlight `from` to highlight `to`: "supports", "rebuts", "answers" or
/// "qualifies".
#[tauri::command]
pub async fn add_link(
    state: State<'_, LibraryState>,
    from: i64,
    kind: String,
    to: i64,
) -> Result<d::Link> {
    let kind = threadmark_core::LinkKind::parse(&kind)?;
    Ok(state.library()?.add_link(from, kind, to)?.into())
}

/// Deletes a link.
#[tauri::command]
pub async fn delete_link(state: State<'_, LibraryState>, id: i64) -> Result<()> {
    Ok(state.library()?.delete_link(id)?)
}

// ---- Export and backup ---------------------------------------------------------------

/// Exports threads (every thread when `threads` is empty) as `format` (md, json, w3c,
/// csv, html, argdown) to `path`: one file written whole, or with `folder` a folder
/// of one file per thread (md, html, argdown). Returns the files written.
#[tauri::command]
pub async fn export_threads(
    state: State<'_, LibraryState>,
    threads: Vec<i64>,
    format: String,
    path: PathBuf,
    folder: bool,
) -> Result<Vec<String>> {
    let library = state.library()?;
    let ids = if threads.is_empty() {
        library.list_threads()?.into_iter().map(|t| t.id).collect()
    } else {
        threads
    };
    let format = threadmark_core::export::ExportFormat::parse(&format)?;
    let written = if folder {
        threadmark_core::export::save_folder(&library, &ids, format, &path)?
    } else {
        threadmark_core::export::save_file(&library, &ids, format, &path)?;
        vec![path]
    };
    Ok(written.iter().map(|p| p.display().to_string()).collect())
}

/// Merges a JSON backup file into the library without duplicates (the newer edit of
/// a highlight wins), or anchors a W3C / Hypothesis annotation file on the saved
/// threads it targets; returns what it added and updated.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, LibraryState>,
    path: PathBuf,
) -> Result<crate::dto::RestoreSummary> {
    let doc = threadmark_core::export::read_backup(&path)?;
    if threadmark_core::annotations::is_annotation_doc(&doc) {
        let report = state
            .library()?
            .restore_annotations(&doc)
            .map_err(|e| e.in_file(&path))?;
        return Ok(report.into());
    }
    let report = state
        .library()?
        .restore(&doc)
        .map_err(|e| e.in_file(&path))?;
    Ok(report.into())
}
