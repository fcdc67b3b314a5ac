//! The IPC commands. Each one is argument in, one core call, DTO out; nothing else.
//!
//! Commands are `async` so that Tauri runs them off the main thread: a large thread
//! must not freeze the window while it loads.

use std::path::PathBuf;

use tauri::State;

use crate::dto::{
    LibraryInfo, OpenedThread, Post, PostOutline, SearchHit, ThreadSummary, SNIPPET_MARKS,
};
use crate::error::Result;
use crate::state::LibraryState;

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

/// Where the library file is.
#[tauri::command]
pub async fn library_info(state: State<'_, LibraryState>) -> Result<LibraryInfo> {
    Ok(LibraryInfo {
        path: state.path().display().to_string(),
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
#[tauri::command]
pub async fn import_text(
    state: State<'_, LibraryState>,
    text: String,
    title: Option<String>,
) -> Result<Vec<i64>> {
    Ok(state.library()?.import_pasted(&text, title.as_deref())?)
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
    let ids = state.library()?.import_docs(std::slice::from_ref(&doc), None);
    Ok(ids.map_err(|e| e.in_file(url.trim()))?)
}

/// Imports a file the user chose in the open dialog or dropped on the window;
/// returns the new threads' ids.
#[tauri::command]
pub async fn import_file(state: State<'_, LibraryState>, path: PathBuf) -> Result<Vec<i64>> {
    Ok(state.library()?.import_path(&path)?)
}
