//! The IPC commands. Each one is argument in, one core call, DTO out; nothing else.
//!
//! Commands are `async` so that Tauri runs them off the main thread: a large thread
//! must not freeze the window while it loads.

use tauri::State;

use crate::dto::{LibraryInfo, OpenedThread, Post, ThreadSummary};
use crate::error::Result;
use crate::state::LibraryState;

/// Every saved thread, for the library view.
#[tauri::command]
pub async fn list_threads(state: State<'_, LibraryState>) -> Result<Vec<ThreadSummary>> {
    let threads = state.library()?.list_threads()?;
    Ok(threads.into_iter().map(ThreadSummary::from).collect())
}

/// One thread and its posts in thread order, recorded as opened now; `not_found` if
/// there is no such thread. The summary keeps the previous `lastOpenedAt`.
#[tauri::command]
pub async fn open_thread(state: State<'_, LibraryState>, id: i64) -> Result<OpenedThread> {
    let library = state.library()?;
    let thread = library.thread(id)?.into();
    let posts = library.posts(id)?.into_iter().map(Post::from).collect();
    library.mark_opened(id)?;
    Ok(OpenedThread { thread, posts })
}

/// Where the library file is.
#[tauri::command]
pub async fn library_info(state: State<'_, LibraryState>) -> Result<LibraryInfo> {
    Ok(LibraryInfo {
        path: state.path().display().to_string(),
    })
}
