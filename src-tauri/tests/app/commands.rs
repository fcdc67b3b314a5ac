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
fn open_thread_returns_the_outline_and_thread_posts_the_bodies_page_by_page() {
    let fixture = Fixture::new();
    let summary = sample_thread(&fixture);
    let id = summary["id"].clone();
    let opened = fixture
        .invoke("open_thread", json!({ "id": id }))
        .expect("open_thread");

    assert_eq!(opened["thread"]["id"], summary["id"]);
    let outline = opened["outline"].as_array().expect("outline");
    let total = summary["posts"].as_i64().expect("count");
    assert_eq!(outline.len() as i64, total);
    for entry in outline {
        for field in ["sourceId", "parent", "depth", "author", "deleted"] {
            assert!(entry.get(field).is_some(), "outline lacks {field}: {entry}");
        }
        assert!(entry.get("html").is_none(), "no bodies in the outline");
    }

    // Pages of 2 put together are every post, in the outline's order.
    let mut posts = Vec::new();
    let mut offset = 0;
    loop {
        let page = fixture
            .invoke(
                "thread_posts",
                json!({ "id": id, "offset": offset, "limit": 2 }),
            )
            .expect("thread_posts");
        let page = page.as_array().expect("a page").clone();
        assert!(page.len() <= 2);
        if page.is_empty() {
            break;
        }
        offset += page.len();
        posts.extend(page);
    }
    assert_eq!(posts.len() as i64, total);
    for (post, entry) in posts.iter().zip(outline) {
        assert_eq!(post["sourceId"], entry["sourceId"]);
        assert_eq!(post["parent"], entry["parent"]);
        for field in ["id", "position", "createdAt", "html"] {
            assert!(post.get(field).is_some(), "post lacks {field}: {post}");
        }
    }
    let positions: Vec<i64> = posts
        .iter()
        .filter_map(|p| p["position"].as_i64())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(
        posts
            .iter()
            .any(|p| p["html"].as_str().unwrap_or("").contains("<blockquote")),
        "the sample quotes an earlier post"
    );

    for (offset, limit) in [(-1, 10), (0, 0), (0, 100_000)] {
        let error = fixture
            .invoke(
                "thread_posts",
                json!({ "id": id, "offset": offset, "limit": limit }),
            )
            .expect_err("a bad page");
        assert_eq!(error["kind"], "bad_input", "{error}");
    }
    let missing = fixture
        .invoke(
            "thread_posts",
            json!({ "id": 999, "offset": 0, "limit": 10 }),
        )
        .expect_err("no such thread");
    assert_eq!(missing["kind"], "not_found", "{missing}");

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

#[test]
fn search_finds_phrases_and_prefixes_with_marked_snippets() {
    let fixture = Fixture::new();
    let thread = sample_thread(&fixture);
    let posts = fixture
        .invoke(
            "thread_posts",
            json!({ "id": thread["id"], "offset": 0, "limit": 1 }),
        )
        .expect("thread_posts");
    // A word of the sample's first post, searched as a prefix and as a phrase.
    let first = posts[0]["html"].as_str().expect("html").to_string();
    assert!(first.contains("Market"), "{first}");

    for query in ["Market", "Mark*", "\"Market Street\""] {
        let hits = fixture
            .invoke("search", json!({ "query": query, "thread": null }))
            .expect("search");
        let hits = hits.as_array().expect("an array");
        assert!(!hits.is_empty(), "{query} finds something");
        let hit = &hits[0];
        assert_eq!(hit["threadId"], thread["id"]);
        assert!(hit["post"].is_string());
        let parts = hit["snippet"].as_array().expect("snippet parts");
        assert!(parts.iter().any(|p| p["hit"] == true), "{query}: {parts:?}");
        for part in parts {
            let text = part["text"].as_str().expect("text");
            assert!(
                !text.contains(['\u{2}', '\u{3}']),
                "markers removed: {text:?}"
            );
        }
    }

    let in_thread = fixture
        .invoke(
            "search",
            json!({ "query": "Market", "thread": thread["id"] }),
        )
        .expect("search in one thread");
    assert!(!in_thread.as_array().expect("array").is_empty());
    let elsewhere = fixture
        .invoke("search", json!({ "query": "Market", "thread": 999 }))
        .expect("search in a missing thread");
    assert_eq!(elsewhere, json!([]));
}

#[test]
fn bad_search_syntax_is_bad_input_with_a_friendly_message() {
    let fixture = Fixture::new();
    let error = fixture
        .invoke("search", json!({ "query": "\"unclosed", "thread": null }))
        .expect_err("bad syntax");
    assert_eq!(error["kind"], "bad_input", "{error}");
    let message = error["message"].as_str().expect("message");
    assert!(message.contains("phrase"), "{message}");
}

#[test]
fn rename_then_delete_a_thread() {
    let fixture = Fixture::new();
    let id = sample_thread(&fixture)["id"].clone();
    let renamed = fixture
        .invoke(
            "rename_thread",
            json!({ "id": id, "title": "  Car-free Market Street " }),
        )
        .expect("rename");
    assert_eq!(renamed["title"], "Car-free Market Street");
    assert_eq!(sample_thread(&fixture)["title"], "Car-free Market Street");

    let empty = fixture
        .invoke("rename_thread", json!({ "id": id, "title": " " }))
        .expect_err("an empty title");
    assert_eq!(empty["kind"], "bad_input");

    let deleted = fixture
        .invoke("delete_thread", json!({ "id": id }))
        .expect("delete");
    assert_eq!(deleted, Value::Null);
    let threads = fixture.invoke("list_threads", json!({})).expect("list");
    assert_eq!(threads, json!([]));
    let again = fixture
        .invoke("delete_thread", json!({ "id": id }))
        .expect_err("already gone");
    assert_eq!(again["kind"], "not_found");
}

#[test]
fn import_text_adds_a_thread_and_refuses_a_url() {
    let fixture = Fixture::new();
    let ids = fixture
        .invoke(
            "import_text",
            json!({ "text": "Pasted opening post.\n\nA pasted reply.\n", "title": "Pasted" }),
        )
        .expect("import_text");
    let id = ids.as_array().expect("ids")[0].clone();
    let opened = fixture
        .invoke("open_thread", json!({ "id": id }))
        .expect("open the pasted thread");
    assert_eq!(opened["thread"]["title"], "Pasted");
    assert_eq!(opened["outline"].as_array().expect("outline").len(), 2);

    let url = fixture
        .invoke(
            "import_text",
            json!({ "text": "https://news.ycombinator.com/item?id=1", "title": null }),
        )
        .expect_err("an address is fetched, not imported as text");
    assert_eq!(url["kind"], "unsupported", "{url}");
    assert!(url["message"]
        .as_str()
        .expect("message")
        .contains("web address, not a thread's text: fetch it"));
}

#[path = "../../../crates/threadmark-core/tests/http_server.rs"]
mod http_server;

/// `fetch_url` downloads from a 127.0.0.1 server standing in for Lobsters (through
/// `THREADMARK_FETCH_BASE`, which only this test sets) and saves the story once.
#[test]
fn fetch_url_saves_a_thread_and_reports_errors_in_one_line() {
    use http_server::{Reply, Server};
    let story = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/lobsters/post_details_tdfoqh.2023-indent_level.json"
    ))
    .expect("the corpus file");
    let server = Server::start(move |target, _| match target {
        "/s/tdfoqh.json" => Reply::json(story.clone()),
        _ => Reply::status(404, "text/html", "<p>gone"),
    });
    std::env::set_var("THREADMARK_FETCH_BASE", &server.origin);
    let fixture = Fixture::new();
    let url = "https://lobste.rs/s/tdfoqh/ranking_comments_by_sum_replies_scores";
    let ids = fixture
        .invoke("fetch_url", json!({ "url": url, "title": null }))
        .expect("fetch_url");
    let again = fixture
        .invoke("fetch_url", json!({ "url": url, "title": "Ranking" }))
        .expect("fetch_url again");
    assert_eq!(
        ids, again,
        "a thread fetched again is updated, not duplicated"
    );
    let opened = fixture
        .invoke("open_thread", json!({ "id": ids[0] }))
        .expect("open the fetched thread");
    assert_eq!(opened["thread"]["title"], "Ranking");
    assert_eq!(opened["thread"]["source"], "lobsters");
    assert_eq!(opened["outline"].as_array().expect("outline").len(), 11);

    let missing = fixture
        .invoke(
            "fetch_url",
            json!({ "url": "https://lobste.rs/s/gone", "title": null }),
        )
        .expect_err("404");
    assert_eq!(missing["kind"], "not_found", "{missing}");
    let message = missing["message"].as_str().expect("message");
    assert!(
        message.contains("/s/gone.json: HTTP 404 Not Found"),
        "{message}"
    );
    let unknown = fixture
        .invoke(
            "fetch_url",
            json!({ "url": "https://example.com/x", "title": null }),
        )
        .expect_err("unknown site");
    assert_eq!(unknown["kind"], "unsupported", "{unknown}");
    assert_eq!(
        server.targets().len(),
        3,
        "nothing requested for the unknown site"
    );
}

#[test]
fn import_file_reads_the_path_and_reports_errors_in_one_line() {
    let fixture = Fixture::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dump.txt");
    std::fs::write(&file, "First post.\n\nSecond post.\n").expect("write");
    let ids = fixture
        .invoke("import_file", json!({ "path": file }))
        .expect("import_file");
    assert_eq!(ids.as_array().expect("ids").len(), 1);

    let missing = dir.path().join("missing.json");
    let error = fixture
        .invoke("import_file", json!({ "path": missing }))
        .expect_err("no such file");
    assert_eq!(error["kind"], "io", "{error}");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("missing.json") && !message.contains('\n'),
        "{message}"
    );
}

#[test]
fn thread_quotes_and_quoted_by_link_passages_to_their_sources() {
    let fixture = Fixture::new();
    let id = sample_thread(&fixture)["id"].clone();
    let quotes = fixture
        .invoke("thread_quotes", json!({ "id": id }))
        .expect("thread_quotes");
    let quotes = quotes.as_array().expect("an array");
    // Line 4 of the sample quotes the bakery owner's post on line 2.
    let first = &quotes[0];
    assert_eq!(first["post"], "4", "{first}");
    assert_eq!(first["source"], "2", "{first}");
    assert!(first["text"]
        .as_str()
        .expect("text")
        .starts_with("Last summer's two car-free Saturdays"));
    assert_eq!(first["score"], 1.0);
    for field in ["start", "end", "sourceStart", "sourceEnd"] {
        assert!(first[field].is_i64(), "{field}: {first}");
    }
    // The traffic survey is not in the thread: external.
    let survey = quotes
        .iter()
        .find(|q| {
            q["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Weekend through-traffic"))
        })
        .expect("the survey quote");
    assert!(survey["source"].is_null(), "{survey}");
    assert!(survey["sourceStart"].is_null(), "{survey}");

    let by = fixture
        .invoke("quoted_by", json!({ "id": id, "post": "2" }))
        .expect("quoted_by");
    let by = by.as_array().expect("an array");
    assert_eq!(by.len(), 1, "{by:?}");
    assert_eq!(by[0]["post"], "4");
    // A span of post 2 the quote does not cover: nobody quotes it.
    let none = fixture
        .invoke(
            "quoted_by",
            json!({ "id": id, "post": "2", "start": 0, "end": 5 }),
        )
        .expect("quoted_by a span");
    assert_eq!(none, json!([]));
    let error = fixture
        .invoke("quoted_by", json!({ "id": id, "post": "nope" }))
        .expect_err("no such post");
    assert_eq!(error["kind"], "not_found", "{error}");
}
