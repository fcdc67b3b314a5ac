//! The commands as the webview calls them: through Tauri's IPC and ACL, on the mock
//! runtime, against a temporary library seeded with the sample thread.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use threadmark_app::LibraryState;

struct Fixture {
    app: App<MockRuntime>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    /// An app on a fresh library file, which opening seeds with the sample thread.
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = LibraryState::open(dir.path().join("library.sqlite3")).expect("library");
        let app = threadmark_app::app(mock_builder(), library)
            .build(threadmark_app::context())
            .expect("mock app");
        Fixture { app, _dir: dir }
    }

    fn window(&self, label: &str) -> WebviewWindow<MockRuntime> {
        match self.app.get_webview_window(label) {
            Some(window) => window,
            None => WebviewWindowBuilder::new(&self.app, label, Default::default())
                .build()
                .expect("window"),
        }
    }

    /// Calls `cmd` from the window `label` the way `invoke(cmd, args)` does.
    fn invoke_from(&self, label: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window(label), request)
            .map(|body| body.deserialize::<Value>().expect("json response"))
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.invoke_from("main", cmd, args)
    }
}

fn sample_thread(fixture: &Fixture) -> Value {
    let threads = fixture
        .invoke("list_threads", json!({}))
        .expect("list_threads");
    let threads = threads.as_array().expect("an array");
    assert_eq!(threads.len(), 1, "only the sample: {threads:?}");
    threads[0].clone()
}

#[test]
fn list_threads_returns_the_seeded_sample() {
    let fixture = Fixture::new();
    let thread = sample_thread(&fixture);
    assert_eq!(thread["title"], threadmark_app::state::SAMPLE_TITLE);
    assert_eq!(thread["source"], "text");
    assert!(thread["posts"].as_i64().expect("posts") > 1, "{thread}");
    assert_eq!(thread["highlights"], 0);
    assert!(thread["importedAt"].as_i64().expect("importedAt") > 0);
}

#[test]
fn open_thread_returns_every_post_in_order() {
    let fixture = Fixture::new();
    let summary = sample_thread(&fixture);
    let opened = fixture
        .invoke("open_thread", json!({ "id": summary["id"] }))
        .expect("open_thread");

    assert_eq!(opened["thread"]["id"], summary["id"]);
    let posts = opened["posts"].as_array().expect("posts");
    assert_eq!(
        posts.len() as i64,
        summary["posts"].as_i64().expect("count")
    );
    let positions: Vec<i64> = posts
        .iter()
        .filter_map(|p| p["position"].as_i64())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    for post in posts {
        for field in [
            "id",
            "sourceId",
            "parent",
            "depth",
            "author",
            "createdAt",
            "html",
            "deleted",
        ] {
            assert!(post.get(field).is_some(), "post lacks {field}: {post}");
        }
    }
    assert!(
        posts
            .iter()
            .any(|p| p["html"].as_str().unwrap_or("").contains("<blockquote")),
        "the sample quotes an earlier post"
    );

    let reopened = sample_thread(&fixture);
    assert!(
        reopened["lastOpenedAt"].as_i64().is_some(),
        "opening is recorded: {reopened}"
    );
}

#[test]
fn open_thread_of_a_missing_thread_is_not_found() {
    let fixture = Fixture::new();
    let error = fixture
        .invoke("open_thread", json!({ "id": 999 }))
        .expect_err("no thread 999");
    assert_eq!(error["kind"], "not_found", "{error}");
    assert!(!error["message"].as_str().expect("message").is_empty());
    assert_eq!(error.as_object().expect("an object").len(), 2, "{error}");
}

#[test]
fn library_info_names_the_open_file() {
    let fixture = Fixture::new();
    let info = fixture
        .invoke("library_info", json!({}))
        .expect("library_info");
    let path = info["path"].as_str().expect("path");
    assert!(path.ends_with("library.sqlite3"), "{path}");
}

#[test]
fn other_windows_may_not_call_the_commands() {
    let fixture = Fixture::new();
    let refused = fixture.invoke_from("intruder", "list_threads", json!({}));
    let error = refused.expect_err("the capability grants window \"main\" only");
    let message = error.as_str().expect("Tauri's ACL refusal is a string");
    assert!(
        message.contains("not allowed on window \"intruder\""),
        "{message}"
    );
}

#[test]
fn reopening_does_not_import_the_sample_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("library.sqlite3");
    drop(LibraryState::open(path.clone()).expect("first open"));
    let again = LibraryState::open(path).expect("second open");
    let threads = again.library().expect("lock").list_threads().expect("list");
    assert_eq!(threads.len(), 1);
}
