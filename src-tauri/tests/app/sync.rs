//! The sync commands through Tauri's IPC and ACL on the mock runtime: two apps on two
//! libraries (each seeded with the sample thread) and one folder. A highlight made in
//! A reaches B; a note edited on both sides before syncing leaves the loser in the
//! conflict history, and restoring it makes it current on both.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use threadmark_app::LibraryState;

pub struct Side {
    app: App<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl Side {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = LibraryState::open(dir.path().join("library.sqlite3")).expect("library");
        let app = threadmark_app::app(mock_builder(), library)
            .build(threadmark_app::context())
            .expect("mock app");
        Side { app, _dir: dir }
    }

    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let window: WebviewWindow<MockRuntime> =
            self.app.get_webview_window("main").unwrap_or_else(|| {
                WebviewWindowBuilder::new(&self.app, "main", Default::default())
                    .build()
                    .expect("window")
            });
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&window, request)
            .map(|body| body.deserialize::<Value>().expect("json response"))
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The highlights of the first thread that has any: (thread id, highlights).
    fn highlighted(&self) -> (i64, Vec<Value>) {
        let threads = self.ok("list_threads", json!({}));
        for t in threads.as_array().expect("threads") {
            if t["highlights"].as_i64() > Some(0) {
                let id = t["id"].as_i64().expect("id");
                let all = self.ok("thread_highlights", json!({ "thread": id }));
                return (
                    id,
                    all["highlights"].as_array().expect("highlights").clone(),
                );
            }
        }
        panic!("no thread with highlights: {threads}");
    }
}

#[test]
fn a_highlight_crosses_the_folder_and_a_lost_note_is_restored() {
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().to_string_lossy().to_string();
    let (a, b) = (Side::new(), Side::new());

    // No folder yet: sync is off, and syncing without one says so.
    let status = a.ok("sync_status", json!({}));
    assert_eq!(status["folder"], Value::Null, "{status}");
    assert_eq!(status["lastSyncMs"], Value::Null);
    let error = a
        .call("sync_now", json!({ "folder": null }))
        .expect_err("no folder");
    assert_eq!(error["kind"], "bad_input", "{error}");

    // A highlight in A, synced; B syncs and has it.
    let threads = a.ok("list_threads", json!({}));
    let thread = threads[0]["id"].as_i64().expect("id");
    let opened = a.ok("open_thread", json!({ "id": thread }));
    let post = opened["outline"][0]["sourceId"].clone();
    let made = a.ok(
        "add_highlight",
        json!({ "thread": thread, "post": post, "start": 0, "end": 6, "label": "Claim" }),
    );
    let sent = a.ok("sync_now", json!({ "folder": path }));
    assert!(sent["sent"].as_i64() > Some(0), "{sent}");
    let status = a.ok("sync_status", json!({}));
    assert_eq!(
        status["folder"].as_str(),
        Some(sent["folder"].as_str().expect("folder"))
    );
    assert_eq!(
        status["device"].as_str().map(str::len),
        Some(16),
        "{status}"
    );
    assert_eq!(status["outgoing"], 0);
    assert!(status["lastSyncMs"].as_i64().is_some());

    let got = b.ok("sync_now", json!({ "folder": path }));
    assert!(got["received"].as_i64() > Some(0), "{got}");
    assert_eq!(got["highlights"], 1, "{got}");
    let (_, in_b) = b.highlighted();
    assert_eq!(in_b.len(), 1);
    assert_eq!(in_b[0]["exact"], made["exact"]);
    assert_eq!(in_b[0]["label"], "Claim");

    // Both edit the note before syncing; B syncs later, so its note wins.
    a.ok(
        "set_highlight_note",
        json!({ "id": made["id"], "note": "from A", "tags": [] }),
    );
    b.ok(
        "set_highlight_note",
        json!({ "id": in_b[0]["id"], "note": "from B", "tags": [] }),
    );
    a.ok("sync_now", json!({ "folder": null }));
    std::thread::sleep(std::time::Duration::from_millis(5));
    b.ok("sync_now", json!({ "folder": null }));
    a.ok("sync_now", json!({ "folder": null }));
    assert_eq!(a.highlighted().1[0]["note"], "from B");
    assert_eq!(b.highlighted().1[0]["note"], "from B");

    // B's conflict history has A's note, with the words the highlight marks.
    let conflicts = b.ok("sync_conflicts", json!({}));
    let lost = conflicts
        .as_array()
        .expect("conflicts")
        .iter()
        .find(|c| c["field"] == "note")
        .unwrap_or_else(|| panic!("no note conflict: {conflicts}"))
        .clone();
    assert_eq!(lost["value"], "\"from A\"");
    assert_eq!(lost["lostTo"], "\"from B\"");
    assert_eq!(lost["reason"], "edit");
    assert_eq!(lost["restored"], false);
    assert_eq!(lost["quote"], made["exact"]);
    assert_eq!(lost["device"], a.ok("sync_status", json!({}))["device"]);
    assert!(b.ok("sync_status", json!({}))["conflictsOpen"].as_i64() >= Some(1));

    // Restore: current in B at once, in A after the next syncs.
    let restored = b.ok("restore_conflict", json!({ "id": lost["id"] }));
    assert_eq!(restored["restored"], true);
    assert_eq!(b.highlighted().1[0]["note"], "from A");
    b.ok("sync_now", json!({ "folder": null }));
    a.ok("sync_now", json!({ "folder": null }));
    assert_eq!(a.highlighted().1[0]["note"], "from A");

    let missing = b
        .call("restore_conflict", json!({ "id": 999_999 }))
        .expect_err("no such conflict");
    assert_eq!(missing["kind"], "not_found", "{missing}");
}
