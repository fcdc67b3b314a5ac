//! Where the library lives by default, shared by the app and the CLI.

use std::path::PathBuf;

use crate::error::{Error, ErrorKind, Result};

/// The desktop app's identifier; its data directory holds the default library.
/// `src-tauri/tauri.conf.json` must use the same identifier (a test checks).
pub const APP_IDENTIFIER: &str = "app.threadmark.desktop";

/// The library file's name inside the data directory.
pub const LIBRARY_FILE: &str = "library.sqlite3";

/// `<platform data dir>/app.threadmark.desktop/library.sqlite3`: on Linux
/// `$XDG_DATA_HOME` or `~/.local/share`, the same directory Tauri's `app_data_dir`
/// gives the app.
pub fn default_library_path() -> Result<PathBuf> {
    let base = dirs::data_dir().ok_or_else(|| {
        Error::new(
            ErrorKind::Io,
            "cannot find the user's data directory; pass --db PATH or set THREADMARK_DB",
        )
    })?;
    Ok(base.join(APP_IDENTIFIER).join(LIBRARY_FILE))
}
