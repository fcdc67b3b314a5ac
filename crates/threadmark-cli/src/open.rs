//! `threadmark open LINK`: shows a `threadmark://` link in the app, as clicking it
//! would. The link is checked here (a malformed one is refused with a message), then
//! handed to `threadmark-app`: a running window takes it over (single instance),
//! else the app starts on it. What the link points to is looked up by the app, which
//! says in its window when the library does not hold it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use threadmark_core::deeplink::DeepLink;
use threadmark_core::{Error, Result};

/// The app beside this executable (an installed package, a cargo build), else the
/// one on PATH.
fn app_binary() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("threadmark-app")))
        .filter(|app| app.is_file())
        .unwrap_or_else(|| PathBuf::from("threadmark-app"))
}

/// Starts `threadmark-app [--db DB] LINK` without waiting for it.
pub fn open(link: &str, db: Option<&Path>) -> Result<()> {
    let link = DeepLink::parse(link)?.to_string();
    let app = app_binary();
    let mut cmd = Command::new(&app);
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.arg(&link)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| Error::from(e).in_file(&app).at("starting the app"))?;
    Ok(())
}
