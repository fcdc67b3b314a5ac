//! The security-relevant configuration, checked as data: the identifier shared with
//! the CLI, the CSP, and a capability file that grants exactly the app's commands.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn read_json(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).expect("readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn identifier_is_the_cores() {
    let config = read_json("tauri.conf.json");
    assert_eq!(config["identifier"], threadmark_core::APP_IDENTIFIER);
}

#[test]
fn main_window_is_titled_threadmark() {
    let config = read_json("tauri.conf.json");
    let windows = config["app"]["windows"].as_array().expect("windows");
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0]["label"], "main");
    assert_eq!(windows[0]["title"], "Threadmark");
}

#[test]
fn csp_allows_no_inline_or_remote_script() {
    let config = read_json("tauri.conf.json");
    let security = &config["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"]
        .as_object()
        .expect("a CSP object, never null");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost");
    assert_eq!(csp["object-src"], "'none'");
    for (directive, sources) in csp {
        for source in sources.as_str().expect("a string").split_whitespace() {
            let wildcard = ["'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"];
            assert!(!wildcard.contains(&source), "{directive} allows {source}");
            let remote = source.contains("://") && source != "http://ipc.localhost";
            assert!(!remote, "{directive} allows the remote origin {source}");
        }
    }
    assert!(security
        .get("dangerousDisableAssetCspModification")
        .is_none());
}

#[test]
fn the_only_capability_grants_exactly_the_app_commands() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("capabilities dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .collect();
    assert_eq!(files, ["default.json"], "one capability file");

    let capability = read_json("capabilities/default.json");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(
        capability.get("remote").is_none(),
        "no remote origin may call"
    );
    assert!(capability.get("webviews").is_none());
    let permissions = capability["permissions"].as_array().expect("permissions");
    let granted: BTreeSet<&str> = permissions
        .iter()
        .map(|p| {
            p.as_str()
                .or_else(|| p["identifier"].as_str())
                .expect("an identifier")
        })
        .collect();
    let expected = BTreeSet::from([
        "allow-library-info",
        "allow-list-threads",
        "allow-open-thread",
        "allow-thread-posts",
        "allow-filter-thread",
        "allow-thread-quotes",
        "allow-quoted-by",
        "allow-search",
        "allow-rename-thread",
        "allow-delete-thread",
        "allow-import-text",
        "allow-import-file",
        "allow-fetch-url",
        "allow-cancel-import",
        // Highlights, labels and links.
        "allow-labels",
        "allow-add-label",
        "allow-update-label",
        "allow-reorder-labels",
        "allow-label-usage",
        "allow-delete-label",
        "allow-thread-highlights",
        "allow-add-highlight",
        "allow-set-highlight-label",
        "allow-set-highlight-note",
        "allow-delete-highlight",
        "allow-undelete-highlight",
        "allow-reattach-highlight",
        "allow-add-link",
        "allow-delete-link",
        "allow-export-threads",
        "allow-restore-backup",
        // Following threads: refresh, read state, news.
        "allow-refresh-thread",
        "allow-follow-state",
        "allow-mark-read",
        "allow-mark-all-read",
        "allow-news",
        "allow-changed-highlights",
        // Sync through a folder: status, sync now, conflicts, restore, the poll interval.
        "allow-sync-status",
        "allow-sync-now",
        "allow-sync-conflicts",
        "allow-restore-conflict",
        "allow-sync-poll-ms",
        // threadmark:// links waiting for the window, and the About's version.
        "allow-take-links",
        "allow-about",
        // The argument graph and its SVG, the PNG drawn from it, the thread overview.
        "allow-argument-graph",
        "allow-argument-svg",
        "allow-save-png",
        "allow-thread-overview",
        // The open and save dialogs only: no message or ask dialogs.
        "dialog:allow-open",
        "dialog:allow-save",
        // Drag-and-drop of files arrives as events.
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        // Links to the system browser, scoped below.
        "opener:allow-open-url",
    ]);
    assert_eq!(granted, expected);
    assert_eq!(permissions.len(), expected.len(), "no duplicates");
}

#[test]
fn the_opener_opens_only_http_and_https_urls() {
    let capability = read_json("capabilities/default.json");
    let permissions = capability["permissions"].as_array().expect("permissions");
    let scoped: Vec<&Value> = permissions.iter().filter(|p| p.is_object()).collect();
    assert_eq!(
        scoped.len(),
        1,
        "only the opener carries a scope: {scoped:?}"
    );
    let opener = scoped[0];
    assert_eq!(opener["identifier"], "opener:allow-open-url");
    assert!(opener.get("deny").is_none());
    let urls: BTreeSet<&str> = opener["allow"]
        .as_array()
        .expect("an allow list")
        .iter()
        .map(|entry| {
            assert_eq!(entry.as_object().map(|o| o.len()), Some(1), "{entry}");
            entry["url"].as_str().expect("a url pattern")
        })
        .collect();
    assert_eq!(urls, BTreeSet::from(["http://*", "https://*"]));
    let plain: Vec<&str> = permissions.iter().filter_map(|p| p.as_str()).collect();
    for broad in [
        "opener:default",
        "opener:allow-default-urls",
        "dialog:default",
        "core:default",
        "core:event:default",
    ] {
        assert!(!plain.contains(&broad), "{broad} is broader than needed");
    }
}
