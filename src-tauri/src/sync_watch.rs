//! Syncing when the sync folder changes: after each sync the app watches
//! `<folder>/threadmark` (the `notify` crate: inotify, FSEvents, ReadDirectoryChanges)
//! and, once another device's files have stopped arriving for `QUIET`, tells the
//! window (`sync-folder-changed`), which syncs. This device's own writes, temporary
//! names and mere reads are not changes. The window's 30-second poll stays as the
//! fallback (a folder on a share may send no events); `--sync-poll-ms N` sets
//! that interval (tests make it long, so that only the watcher can deliver).

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

use notify::event::{EventKind, ModifyKind};
use notify::{RecursiveMode, Watcher};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event the window syncs on.
pub const EVENT: &str = "sync-folder-changed";
/// Files of a burst (a sync tool copying a device's new files) make one sync.
const QUIET: Duration = Duration::from_millis(1500);
/// The window's poll for other devices' changes, when no `--sync-poll-ms` is given.
const POLL_MS: u64 = 30_000;

/// The folder watched now, and its watcher (dropping it stops the watch).
#[derive(Default)]
pub struct FolderWatch(Mutex<Option<(PathBuf, notify::RecommendedWatcher)>>);

/// Whether a changed path is another device's change or content file: under
/// `threadmark/devices/<device>/` with `<device>` not `own`, not a temporary name;
/// or the folder's key-check file.
pub fn is_news(root: &Path, path: &Path, own: &str) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().to_string()),
            _ => None,
        })
        .collect();
    let name = parts.last().map(String::as_str).unwrap_or("");
    if name.starts_with('.') || name.ends_with(".tmp") {
        return false;
    }
    match parts.as_slice() {
        [f] => f == threadmark_core::sync::crypt::FILE,
        [devices, device, ..] => devices == "devices" && device != own,
        _ => false,
    }
}

/// Watch `folder` (the one just synced with) unless it is watched already. A folder
/// that cannot be watched is left to the poll.
pub fn ensure<R: Runtime>(app: &AppHandle<R>, folder: &Path, own: &str) {
    let root = folder.join("threadmark");
    let state = app.state::<FolderWatch>();
    let Ok(mut current) = state.0.lock() else {
        return;
    };
    if current.as_ref().is_some_and(|(f, _)| f == &root) {
        return;
    }
    *current = None;
    let (tx, rx) = mpsc::channel::<()>();
    let watched = root.clone();
    let own = own.to_string();
    let handler = move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        let writes = matches!(
            event.kind,
            EventKind::Create(_)
                | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
        );
        if writes && event.paths.iter().any(|p| is_news(&watched, p, &own)) {
            let _ = tx.send(());
        }
    };
    let Ok(mut watcher) = notify::recommended_watcher(handler) else {
        return;
    };
    if watcher.watch(&root, RecursiveMode::Recursive).is_err() {
        return;
    }
    let app = app.clone();
    // Ends when the watcher (and with it the sender) is dropped.
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            loop {
                match rx.recv_timeout(QUIET) {
                    Ok(()) => continue,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            let _ = app.emit(EVENT, ());
        }
    });
    *current = Some((root, watcher));
}

/// How often the window polls the folder, in ms: `--sync-poll-ms N` (or
/// `--sync-poll-ms=N`) among `args`, else 30 s.
pub fn poll_ms(args: impl IntoIterator<Item = String>) -> u64 {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--sync-poll-ms") {
            Some("") => args.next(),
            Some(v) if v.starts_with('=') => Some(v[1..].to_string()),
            _ => continue,
        };
        if let Some(ms) = value
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&ms| ms >= 1000)
        {
            return ms;
        }
    }
    POLL_MS
}

/// The window's poll interval for other devices' changes, in ms.
#[tauri::command]
pub fn sync_poll_ms() -> u64 {
    poll_ms(std::env::args())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_other_devices_files_are_news() {
        let root = Path::new("/s/threadmark");
        let own = "aaaaaaaaaaaaaaaa";
        for (path, news) in [
            (
                "/s/threadmark/devices/bbbbbbbbbbbbbbbb/changes/0000000001.jsonl",
                true,
            ),
            (
                "/s/threadmark/devices/bbbbbbbbbbbbbbbb/threads/ab.json.gz",
                true,
            ),
            ("/s/threadmark/devices/bbbbbbbbbbbbbbbb", true),
            (
                "/s/threadmark/devices/aaaaaaaaaaaaaaaa/changes/0000000001.jsonl",
                false,
            ),
            (
                "/s/threadmark/devices/bbbbbbbbbbbbbbbb/changes/.0000000002.jsonl.77.tmp",
                false,
            ),
            (
                "/s/threadmark/devices/bbbbbbbbbbbbbbbb/changes/x.tmp",
                false,
            ),
            ("/s/threadmark/encryption.json", true),
            ("/s/threadmark/notes.txt", false),
            ("/s/other/devices/bbbbbbbbbbbbbbbb/changes/1.jsonl", false),
        ] {
            assert_eq!(is_news(root, Path::new(path), own), news, "{path}");
        }
    }

    #[test]
    fn the_poll_interval_comes_from_the_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(poll_ms(args(&["app", "--db", "x"])), 30_000);
        assert_eq!(poll_ms(args(&["app", "--sync-poll-ms", "600000"])), 600_000);
        assert_eq!(poll_ms(args(&["app", "--sync-poll-ms=5000"])), 5_000);
        assert_eq!(poll_ms(args(&["app", "--sync-poll-ms=5"])), 30_000);
        assert_eq!(poll_ms(args(&["app", "--sync-poll-ms", "soon"])), 30_000);
    }
}
