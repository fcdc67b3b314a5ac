//! The IPC commands of sync through a folder: the status, one sync (optionally with
//! a new folder), the conflict history and restoring a value from it. The sync
//! itself runs on a blocking worker thread, so that the window never waits on the
//! folder's disk; other commands wait for the library lock meanwhile.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime, State};

use crate::dto_sync::{Conflict, SyncReport, SyncStatus};
use crate::error::{Error, Result};
use crate::state::LibraryState;

/// Where sync stands: device id, folder, last sync, outgoing and pending counts,
/// conflicts.
#[tauri::command]
pub async fn sync_status(state: State<'_, LibraryState>) -> Result<SyncStatus> {
    Ok(state.library()?.sync_status()?.into())
}

/// Syncs with `folder` (which becomes the library's sync folder), or with the
/// folder set before when `folder` is null (`bad_input` if none was set).
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, folder: Option<String>) -> Result<SyncReport> {
    let work = move || -> Result<SyncReport> {
        let state = app.state::<LibraryState>();
        let mut library = state.library()?;
        let report = match folder.filter(|f| !f.trim().is_empty()) {
            Some(folder) => library.sync_with_folder(&PathBuf::from(folder))?,
            None => library.sync()?,
        };
        Ok(report.into())
    };
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("sync: the sync worker failed: {e}")))?
}

/// The conflict history, newest first; highlights' conflicts carry the words the
/// highlight marks.
#[tauri::command]
pub async fn sync_conflicts(state: State<'_, LibraryState>) -> Result<Vec<Conflict>> {
    let library = state.library()?;
    let mut out = Vec::new();
    for c in library.conflicts()? {
        let quote = if c.kind == "highlight" {
            library.sync_highlight_quote(&c.entity)?
        } else {
            None
        };
        out.push(Conflict::new(c, quote));
    }
    Ok(out)
}

/// Makes a lost value current again (a new local change, sent at the next sync).
#[tauri::command]
pub async fn restore_conflict(state: State<'_, LibraryState>, id: i64) -> Result<Conflict> {
    let mut library = state.library()?;
    let c = library.restore_conflict(id)?;
    let quote = if c.kind == "highlight" {
        library.sync_highlight_quote(&c.entity)?
    } else {
        None
    };
    Ok(Conflict::new(c, quote))
}
