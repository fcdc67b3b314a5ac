//! Sync through a folder (issue 16): libraries that exchange change files
//! converge, keep every value that lost, and read the change files of today's
//! format kept as fixtures.

mod convergence;
mod crypt;
mod fixtures;
mod fixtures_v2;
mod lost;
mod moved;
mod scenario;

use std::path::Path;

use serde_json::Value;
use threadmark_core::sync::SyncOptions;
use threadmark_core::{Library, SourceFormat};

/// A library holding the first `lines` lines of the seed as a thread.
pub fn library_with_thread(lines: usize, title: &str) -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let id = import_lines(&mut lib, 0, lines, title);
    (lib, id)
}

/// Import lines `from..from + n` of the seed as a thread.
pub fn import_lines(lib: &mut Library, from: usize, n: usize, title: &str) -> i64 {
    let text: String = super::seed()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .skip(from)
        .take(n)
        .map(|l| format!("{l}\n"))
        .collect();
    lib.import_bytes("part.txt", text.as_bytes(), SourceFormat::Text, Some(title))
        .unwrap()[0]
}

/// Sync at a fixed wall time.
pub fn sync_at(lib: &mut Library, folder: &Path, ms: i64) -> threadmark_core::sync::SyncReport {
    let opts = SyncOptions {
        now_ms: Some(ms),
        ..Default::default()
    };
    lib.sync_with_folder_opts(folder, &opts).unwrap()
}

/// The canonical JSON, as text.
pub fn canonical(lib: &Library) -> String {
    let v: Value = threadmark_core::sync::canonical::export(lib).unwrap();
    serde_json::to_string_pretty(&v).unwrap()
}

/// A highlight of `exact` in post 7 of `thread`, with `label`: its id.
pub fn add(lib: &mut Library, thread: i64, exact: &str, label: &str) -> i64 {
    lib.add_highlight(
        thread,
        "7",
        &threadmark_core::NewHighlight {
            exact: exact.into(),
            label: Some(label.into()),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

/// The highlight with `uuid` in any of the library's threads.
pub fn by_uuid(lib: &Library, uuid: &str) -> Option<threadmark_core::model::Highlight> {
    lib.list_threads()
        .unwrap()
        .into_iter()
        .flat_map(|t| lib.highlights(t.id).unwrap())
        .find(|h| h.uuid == uuid)
}
