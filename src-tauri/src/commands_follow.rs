//! The IPC commands of following threads: refresh (progress and cancel as for
//! imports), read state, news. Each one is argument in, core call, DTO out.

use tauri::{AppHandle, Runtime, State};

use crate::commands::observer;
use crate::dto_follow::{NewsItem, RefreshReport, ThreadFollow};
use crate::error::Result;
use crate::state::{Imports, LibraryState};

/// Downloads thread `id` again from the address it was saved from and makes that
/// its new version. The library is locked only once the thread is downloaded.
/// Progress goes out as `import-progress` events; `cancel_import` stops it, during
/// the download too (`cancelled`, nothing changed). A failing source is `network`,
/// `not_found`, … with a one-line message; a thread with no address `unsupported`.
#[tauri::command]
pub async fn refresh_thread<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, LibraryState>,
    imports: State<'_, Imports>,
    id: i64,
) -> Result<RefreshReport> {
    use threadmark_core::fetch::{fetch, FetchOptions};
    let address = state.library()?.refresh_address(id)?;
    imports.start();
    let options = FetchOptions::from_env();
    let doc = tokio::select! {
        doc = fetch(&address, &options) => doc?,
        () = imports.until_cancelled() => return Err(threadmark_core::Error::new(
            threadmark_core::ErrorKind::Cancelled,
            "refresh cancelled: the thread is as it was",
        ).in_file(&address).into()),
    };
    let mut observe = observer(&app, &imports);
    let report = state
        .library()?
        .apply_refresh(id, &address, &doc, &mut observe)?;
    Ok(report.into())
}

/// Per thread: unread news and whether it can be refreshed (threads with neither
/// are left out).
#[tauri::command]
pub async fn follow_state(state: State<'_, LibraryState>) -> Result<Vec<ThreadFollow>> {
    let library = state.library()?;
    let counts = library.news_counts()?;
    let refreshable: std::collections::HashSet<i64> = library
        .refreshable_threads()?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut ids: Vec<i64> = counts.keys().chain(&refreshable).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids
        .into_iter()
        .map(|id| ThreadFollow {
            id,
            news: counts.get(&id).copied().unwrap_or(0),
            refreshable: refreshable.contains(&id),
        })
        .collect())
}

/// Marks posts of a thread (source ids) read, as the reader saw them on screen.
#[tauri::command]
pub async fn mark_read(state: State<'_, LibraryState>, id: i64, posts: Vec<String>) -> Result<i64> {
    Ok(state.library()?.mark_read(id, &posts)? as i64)
}

/// Marks every post of a thread read (`id`), or every news post of every thread
/// (`id` null). Returns how many posts that marked.
#[tauri::command]
pub async fn mark_all_read(state: State<'_, LibraryState>, id: Option<i64>) -> Result<i64> {
    let mut library = state.library()?;
    let n = match id {
        Some(id) => library.mark_thread_read(id, None)?,
        None => library.mark_all_news_read()?,
    };
    Ok(n as i64)
}

/// The unread new and edited posts of a thread, or of every thread (`id` null),
/// grouped by thread, in thread order, each with its parent and, when edited, the
/// word-level difference.
#[tauri::command]
pub async fn news(state: State<'_, LibraryState>, id: Option<i64>) -> Result<Vec<NewsItem>> {
    let news = state.library()?.news(id)?;
    Ok(news.into_iter().map(NewsItem::from).collect())
}

/// The ids of a thread's highlights whose words an edit changed.
#[tauri::command]
pub async fn changed_highlights(state: State<'_, LibraryState>, id: i64) -> Result<Vec<i64>> {
    Ok(state.library()?.highlights_changed_by_edits(id)?)
}
