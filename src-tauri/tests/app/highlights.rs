//! The highlight, label and link commands through Tauri's IPC and ACL on the mock
//! runtime, against a temporary library seeded with the sample thread.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use threadmark_app::LibraryState;

struct App2 {
    app: App<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl App2 {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = LibraryState::open(dir.path().join("library.sqlite3")).expect("library");
        let app = threadmark_app::app(mock_builder(), library)
            .build(threadmark_app::context())
            .expect("mock app");
        App2 { app, _dir: dir }
    }

    fn window(&self) -> WebviewWindow<MockRuntime> {
        self.app.get_webview_window("main").unwrap_or_else(|| {
            WebviewWindowBuilder::new(&self.app, "main", Default::default())
                .build()
                .expect("window")
        })
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window(), request)
            .map(|body| body.deserialize::<Value>().expect("json response"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

/// The sample thread's id and its first post's source id.
fn sample(app: &App2) -> (i64, String) {
    let threads = app.ok("list_threads", json!({}));
    let id = threads[0]["id"].as_i64().expect("id");
    let opened = app.ok("open_thread", json!({ "id": id }));
    let post = opened["outline"][0]["sourceId"]
        .as_str()
        .expect("a post")
        .to_string();
    (id, post)
}

#[test]
fn highlight_edit_delete_undo_and_link() {
    let app = App2::new();
    let (thread, post) = sample(&app);
    let a = app.ok(
        "add_highlight",
        json!({ "thread": thread, "post": post, "start": 0, "end": 5, "label": "Claim" }),
    );
    assert_eq!(
        (a["label"].as_str(), a["state"].as_str()),
        (Some("Claim"), Some("anchored"))
    );
    assert_eq!(a["exact"].as_str().map(|s| s.chars().count()), Some(5));
    let b = app.ok(
        "add_highlight",
        json!({ "thread": thread, "post": post, "start": 6, "end": 12, "label": null }),
    );
    let noted = app.ok(
        "set_highlight_note",
        json!({ "id": b["id"], "note": "**why** <script>x</script>", "tags": ["t1", " t2 "] }),
    );
    assert_eq!(noted["tags"], json!(["t1", "t2"]));
    let html = noted["noteHtml"].as_str().expect("html");
    assert!(
        html.contains("<strong>why</strong>") && !html.contains("<script"),
        "{html}"
    );
    let relabelled = app.ok(
        "set_highlight_label",
        json!({ "id": b["id"], "label": "Rebuttal" }),
    );
    assert_eq!(relabelled["label"], "Rebuttal");
    let link = app.ok(
        "add_link",
        json!({ "from": b["id"], "kind": "rebuts", "to": a["id"] }),
    );
    assert_eq!(link["kind"], "rebuts");
    let bad = app
        .call(
            "add_link",
            json!({ "from": b["id"], "kind": "likes", "to": a["id"] }),
        )
        .unwrap_err();
    assert_eq!(bad["kind"], "bad_input", "{bad}");

    let all = app.ok("thread_highlights", json!({ "thread": thread }));
    assert_eq!(all["highlights"].as_array().map(Vec::len), Some(2));
    assert_eq!(all["links"].as_array().map(Vec::len), Some(1));

    let deleted = app.ok("delete_highlight", json!({ "id": a["id"] }));
    let after = app.ok("thread_highlights", json!({ "thread": thread }));
    assert_eq!(after["links"], json!([]));
    let back = app.ok("undelete_highlight", json!({ "deleted": deleted }));
    assert_eq!(back["id"], a["id"]);
    let restored = app.ok("thread_highlights", json!({ "thread": thread }));
    assert_eq!(restored["links"][0]["uuid"], link["uuid"]);

    let gone = app.call(
        "add_highlight",
        json!({ "thread": thread, "post": post, "start": 5, "end": 5, "label": null }),
    );
    assert_eq!(gone.unwrap_err()["kind"], "bad_input");
    app.ok("delete_link", json!({ "id": link["id"] }));
    let reattached = app.ok(
        "reattach_highlight",
        json!({ "id": a["id"], "post": post, "start": 1, "end": 4 }),
    );
    assert_eq!(
        (reattached["start"].as_i64(), reattached["end"].as_i64()),
        (Some(1), Some(4))
    );
}

#[test]
fn labels_are_edited_and_deleted_with_a_choice() {
    let app = App2::new();
    let (thread, post) = sample(&app);
    let labels = app.ok("labels", json!({}));
    assert_eq!(labels.as_array().map(Vec::len), Some(5));
    let added = app.ok(
        "add_label",
        json!({ "label": { "name": "Source", "color": "#0B7285", "shortcut": "6" } }),
    );
    assert_eq!(
        (added["color"].as_str(), added["position"].as_i64()),
        (Some("#0b7285"), Some(5))
    );
    let dup = app
        .call(
            "add_label",
            json!({ "label": { "name": "claim", "color": "#000000", "shortcut": null } }),
        )
        .unwrap_err();
    assert_eq!(dup["kind"], "bad_input");
    let updated = app.ok(
        "update_label",
        json!({ "id": added["id"], "label": { "name": "Sources", "color": "#123", "shortcut": "s" } }),
    );
    assert_eq!(
        (updated["name"].as_str(), updated["color"].as_str()),
        (Some("Sources"), Some("#112233"))
    );
    let mut ids: Vec<i64> = app
        .ok("labels", json!({}))
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| l["id"].as_i64().expect("id"))
        .collect();
    ids.reverse();
    let reordered = app.ok("reorder_labels", json!({ "ids": ids }));
    assert_eq!(reordered[0]["name"], "Sources");

    app.ok(
        "add_highlight",
        json!({ "thread": thread, "post": post, "start": 0, "end": 5, "label": "Sources" }),
    );
    assert_eq!(app.ok("label_usage", json!({ "id": added["id"] })), 1);
    let claim = labels[0]["id"].clone();
    let wrong = app
        .call(
            "delete_label",
            json!({ "id": added["id"], "then": "move", "moveTo": null }),
        )
        .unwrap_err();
    assert_eq!(wrong["kind"], "bad_input");
    assert_eq!(
        app.ok(
            "delete_label",
            json!({ "id": added["id"], "then": "move", "moveTo": claim })
        ),
        1
    );
    let hs = app.ok("thread_highlights", json!({ "thread": thread }));
    assert_eq!(hs["highlights"][0]["label"], "Claim");
}
