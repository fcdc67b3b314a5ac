//! `threadmark://` links in the app, and its About.
//!
//! Links arrive three ways, all into one inbox (`LinkInbox`): on the command line at
//! start (`threadmark-app [--db PATH] LINK`, what the desktop entry's `%u` gives),
//! from a second start while the window is open (the single-instance plugin hands
//! its arguments over; the second process exits), and from the deep-link plugin's
//! own events (the platforms that deliver links as events). Each arrival nudges the
//! window with a `link-opened` event and raises it; the frontend (`ui/src/links.ts`)
//! then calls `take_links`, which resolves every waiting link against the library
//! (`Library::resolve_link`, in the core) — the frontend asks at start too, so a link
//! that arrives before the page is listening is not lost.

use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use threadmark_core::deeplink::{DeepLink, SCHEME};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::state::LibraryState;

/// The event that tells the window links are waiting.
pub const EVENT: &str = "link-opened";

/// Links received and not yet taken by the frontend.
#[derive(Default)]
pub struct LinkInbox(Mutex<Vec<String>>);

impl LinkInbox {
    pub fn push(&self, link: String) {
        if let Ok(mut links) = self.0.lock() {
            links.push(link);
        }
    }

    fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// A link as the frontend acts on it: where to go, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct OpenedLink {
    pub link: String,
    /// The thread to show (null with an error).
    #[ts(type = "number | null")]
    pub thread: Option<i64>,
    /// The post to scroll to (source id).
    pub post: Option<String>,
    /// The highlight to focus (uuid).
    pub highlight: Option<String>,
    /// The highlight's text is gone: it is shown in the panel's Orphans.
    pub orphaned: bool,
    /// One line saying why the link leads nowhere.
    pub error: Option<String>,
}

/// The version and commit the app was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct About {
    pub version: String,
    pub commit: String,
}

/// The `threadmark:` arguments among a command line's (the program name first).
pub fn links_in_args<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> Vec<String> {
    args.into_iter()
        .skip(1)
        .map(|a| a.as_ref().to_string())
        .filter(|a| {
            a.split_once(':')
                .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case(SCHEME))
        })
        .collect()
}

/// Puts `links` in the inbox, raises the main window and tells it.
pub fn deliver<R: Runtime>(app: &AppHandle<R>, links: Vec<String>) {
    if links.is_empty() {
        return;
    }
    let inbox = app.state::<LinkInbox>();
    for link in links {
        inbox.push(link);
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let _ = app.emit(EVENT, ());
}

/// Every waiting link, resolved against the library, oldest first.
#[tauri::command]
pub async fn take_links(
    state: State<'_, LibraryState>,
    inbox: State<'_, LinkInbox>,
) -> Result<Vec<OpenedLink>> {
    let links = inbox.take();
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let library = state.library()?;
    Ok(links
        .into_iter()
        .map(|link| {
            let resolved = DeepLink::parse(&link).and_then(|l| library.resolve_link(&l));
            match resolved {
                Ok(t) => OpenedLink {
                    link,
                    thread: Some(t.thread),
                    post: t.post,
                    highlight: t.highlight,
                    orphaned: t.orphaned,
                    error: None,
                },
                Err(e) => OpenedLink {
                    error: Some(Error::from(e).message),
                    link,
                    thread: None,
                    post: None,
                    highlight: None,
                    orphaned: false,
                },
            }
        })
        .collect())
}

/// Version and commit, for the About in the help overlay.
#[tauri::command]
pub async fn about() -> Result<About> {
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        commit: env!("THREADMARK_COMMIT").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_among_other_arguments() {
        let args = [
            "threadmark-app",
            "--db",
            "/x.sqlite3",
            "THREADMARK://highlight/1",
        ];
        assert_eq!(links_in_args(args), vec!["THREADMARK://highlight/1"]);
        assert!(links_in_args(["threadmark-app", "threadmark://x"]).len() == 1);
        assert!(links_in_args(["threadmark:", "--db", "https://x"]).is_empty());
    }
}
