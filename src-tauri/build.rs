//! Registers the app's own commands with Tauri's ACL: each command listed here gets
//! generated `allow-*`/`deny-*` permissions and is refused unless a capability grants it.

/// Every command the webview may call. Keep in step with `generate_handler!` in `lib.rs`
/// and with `capabilities/default.json` (a test checks the capability file).
const COMMANDS: &[&str] = &[
    "list_threads",
    "open_thread",
    "thread_posts",
    "filter_thread",
    "thread_quotes",
    "quoted_by",
    "library_info",
    "search",
    "rename_thread",
    "delete_thread",
    "import_text",
    "import_file",
    "cancel_import",
    "fetch_url",
    "labels",
    "add_label",
    "update_label",
    "reorder_labels",
    "label_usage",
    "delete_label",
    "thread_highlights",
    "add_highlight",
    "set_highlight_label",
    "set_highlight_note",
    "delete_highlight",
    "undelete_highlight",
    "reattach_highlight",
    "add_link",
    "delete_link",
    "export_threads",
    "restore_backup",
    "refresh_thread",
    "follow_state",
    "mark_read",
    "mark_all_read",
    "news",
    "changed_highlights",
    "sync_status",
    "sync_now",
    "sync_conflicts",
    "restore_conflict",
    "sync_poll_ms",
    "take_links",
    "about",
    "argument_graph",
    "argument_svg",
    "save_png",
    "thread_overview",
];

include!("../crates/threadmark-cli/commit.rs");

fn main() {
    emit_commit();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
