//! The IPC commands of seeing a thread: the argument graph's layout (drawn by the
//! panel), its SVG (the Export dialog's PNG is drawn from it by the webview, then
//! written by `save_png`), and the overview the thread map and timeline draw.

use std::path::PathBuf;

use tauri::State;

use crate::dto_graph::{GraphLayout, ThreadOverview};
use crate::error::Result;
use crate::state::LibraryState;

/// The argument graph of thread `id`, laid out.
#[tauri::command]
pub async fn argument_graph(state: State<'_, LibraryState>, id: i64) -> Result<GraphLayout> {
    let library = state.library()?;
    Ok(threadmark_core::export::graph::layout(&library, id)?.into())
}

/// The argument graph of thread `id` as a standalone SVG document.
#[tauri::command]
pub async fn argument_svg(state: State<'_, LibraryState>, id: i64) -> Result<String> {
    let library = state.library()?;
    Ok(threadmark_core::export::svg::svg(&library, id)?)
}

/// Writes a PNG the webview drew (the argument map) to `path`, chosen in the save
/// dialog; anything that is not a PNG is refused. Written whole or not at all.
#[tauri::command]
pub async fn save_png(path: PathBuf, data: Vec<u8>) -> Result<()> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !data.starts_with(SIGNATURE) {
        return Err(
            threadmark_core::Error::bad_input("the picture is not a PNG")
                .in_file(&path)
                .into(),
        );
    }
    threadmark_core::export::write_file(&path, &data)?;
    Ok(())
}

/// Per post of thread `id`, in the outline's order: time, news, quotes.
#[tauri::command]
pub async fn thread_overview(state: State<'_, LibraryState>, id: i64) -> Result<ThreadOverview> {
    let rows = state.library()?.overview(id)?;
    Ok(ThreadOverview {
        created_at: rows.iter().map(|r| r.created_at).collect(),
        news: rows
            .iter()
            .map(|r| match r.news {
                Some("new") => 1,
                Some(_) => 2,
                None => 0,
            })
            .collect(),
        quotes: rows
            .iter()
            .map(|r| r.quotes.clamp(0, u32::MAX as i64) as u32)
            .collect(),
    })
}
