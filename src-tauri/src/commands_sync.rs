//! The IPC commands of sync through a folder: the status, one sync (optionally with
//! a new folder), the conflict history and restoring a value from it. The sync
//! itself runs on a blocking worker thread, so that the window never waits on the
//! folder's disk; other commands wait for the library lock meanwhile. An encrypted
//! folder's passphrase comes with `sync_now` and is not kept (the core keeps the
//! key it derives); after a sync the folder is watched (sync_watch.rs).

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime, State};
use threadmark_core::sync::{Passphrase, SyncOptions};

use crate::dto_sync::{Conflict, SyncReport, SyncStatus};
use crate::error::{Error, Result};
use crate::state::LibraryState;

/// Where sync stands: device id, folder, last sync, outgoing and pending counts,
/// conflicts.
#[tauri::command]
pub async fn sync_status(state: State<'_, LibraryState>) -> Result<SyncStatus> {
    let library = state.library()?;
    let mut status: SyncStatus = library.sync_status()?.into();
    if let Ok(Some(e)) = library.sync_encryption(None) {
        status.encrypted = Some(e.encrypted);
        status.needs_passphrase = e.encrypted && !e.key_here;
    }
    Ok(status)
}

/// Syncs with `folder` (which becomes the library's sync folder), or with the
/// folder set before when `folder` is null (`bad_input` if none was set).
/// `passphrase` opens an encrypted folder or encrypts an empty one (a wrong one:
/// `bad_input` "wrong passphrase for sync folder …", nothing read or written).
#[tauri::command]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    folder: Option<String>,
    passphrase: Option<String>,
) -> Result<SyncReport> {
    let work = move || -> Result<SyncReport> {
        let state = app.state::<LibraryState>();
        let mut library = state.library()?;
        let opts = SyncOptions {
            passphrase: passphrase.filter(|p| !p.is_empty()).map(Passphrase),
            ..Default::default()
        };
        let report = match folder.filter(|f| !f.trim().is_empty()) {
            Some(folder) => library.sync_with_folder_opts(&PathBuf::from(folder), &opts)?,
            None => library.sync_opts(&opts)?,
        };
        drop(library);
        crate::sync_watch::ensure(&app, &report.folder, &report.device);
        Ok(report.into())
    };
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("sync: the sync worker failed: {e}")))?
}

/// The conflict history, newest first; highlights' conflicts carry the words the
/// highlight marks and its thread's title.
#[tauri::command]
pub async fn sync_conflicts(state: State<'_, LibraryState>) -> Result<Vec<Conflict>> {
    let conflicts = state.library()?.conflicts()?;
    Ok(conflicts.into_iter().map(Conflict::from).collect())
}

/// Makes a lost value current again (a new local change, sent at the next sync).
#[tauri::command]
pub async fn restore_conflict(state: State<'_, LibraryState>, id: i64) -> Result<Conflict> {
    Ok(state.library()?.restore_conflict(id)?.into())
}
