//! Saving threads by URL, against a local HTTP server on 127.0.0.1 that serves the
//! corpus files — never the internet. What a fetch gives must equal what importing
//! the same file gives.

use std::time::Duration;

use serde_json::{json, Value};
use threadmark_core::fetch::{self, FetchOptions, USER_AGENT};
use threadmark_core::import::{parse_bytes, ImportOptions};
use threadmark_core::{ErrorKind, Library, ThreadDoc};

use crate::http_server::{Reply, Server};

fn read(file: &str) -> Vec<u8> {
    std::fs::read(super::corpus().join(file)).unwrap()
}

fn options(server: &Server) -> FetchOptions {
    FetchOptions {
        base: Some(server.origin.clone()),
        timeout: Duration::from_secs(10),
        backoff: Duration::from_millis(10),
        ..Default::default()
    }
}

fn from_file(file: &str) -> ThreadDoc {
    let mut docs = parse_bytes(file, &read(file), &ImportOptions::default()).unwrap();
    assert_eq!(docs.len(), 1);
    docs.pop().unwrap()
}

/// The same thread: title, key, and every post's id, parent, author and text.
fn assert_same(fetched: &ThreadDoc, file: &ThreadDoc) {
    assert_eq!(fetched.title, file.title);
    assert_eq!(fetched.source, file.source);
    assert_eq!(fetched.source_key, file.source_key);
    assert_eq!(fetched.posts.len(), file.posts.len());
    for (a, b) in fetched.posts.iter().zip(&file.posts) {
        assert_eq!(a.source_id, b.source_id);
        assert_eq!(a.parent, b.parent, "{}", a.source_id);
        assert_eq!(a.author, b.author, "{}", a.source_id);
        assert_eq!(
            a.body.render().text,
            b.body.render().text,
            "{}",
            a.source_id
        );
    }
}

/// Serve one corpus file at one path (and 404 anything else).
fn serve_file(path: &'static str, file: &str) -> Server {
    let bytes = read(file);
    Server::json_at(path, move || bytes.clone())
}

#[test]
fn hacker_news_item_through_the_algolia_api() {
    let file = "hn/algolia/neonmodem-49953495-trimmed.json";
    let server = serve_file("/api/v1/items/49953495", file);
    let url = "https://news.ycombinator.com/item?id=49953495";
    let doc = fetch::fetch_blocking(url, &options(&server)).unwrap();
    assert_same(&doc, &from_file(file));
    assert_eq!(doc.source, "hn");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].target, "/api/v1/items/49953495");
    assert_eq!(requests[0].user_agent.as_deref(), Some(USER_AGENT));
    assert_eq!(requests[0].accept.as_deref(), Some("application/json"));

    // Into the library, twice: the second fetch updates the same thread.
    let mut lib = Library::open_in_memory().unwrap();
    let first = lib.import_docs(std::slice::from_ref(&doc), None).unwrap();
    let again = fetch::fetch_blocking(url, &options(&server)).unwrap();
    assert_eq!(lib.import_docs(&[again], None).unwrap(), first);
    assert_eq!(lib.posts(first[0]).unwrap().len(), doc.posts.len());
    assert_eq!(lib.list_threads().unwrap().len(), 1);
}

#[test]
fn reddit_thread_through_its_json() {
    let file = "reddit/3hahrw.interaction01.comments.json";
    let server = serve_file("/comments/3hahrw.json?limit=500", file);
    let doc = fetch::fetch_blocking(
        "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/",
        &options(&server),
    )
    .unwrap();
    assert_same(&doc, &from_file(file));
    assert_eq!(doc.posts.len(), 476);
    assert_eq!(server.targets(), ["/comments/3hahrw.json?limit=500"]);
}

#[test]
fn lobsters_story_through_its_json() {
    let file = "lobsters/post_details_tdfoqh.2025-depth.json";
    let server = serve_file("/s/tdfoqh.json", file);
    let doc = fetch::fetch_blocking(
        "https://lobste.rs/s/tdfoqh/ranking_comments_by_sum_replies_scores",
        &options(&server),
    )
    .unwrap();
    assert_same(&doc, &from_file(file));
    assert_eq!(doc.posts.len(), 11);
}

/// Topic 1148 served like Discourse does: the topic with only its first post and
/// every post id in `post_stream.stream` (the corpus file's stream holds
/// placeholders, so the test lists the real ids, plus two of deleted posts), and the
/// rest through `posts.json`, answering the ids it holds.
#[test]
fn discourse_topic_with_the_remaining_posts_in_chunks() {
    let file = "discourse/discourse_topic_1148.json";
    let full: Value = serde_json::from_slice(&read(file)).unwrap();
    let posts = full["post_stream"]["posts"].as_array().unwrap().clone();
    assert_eq!(posts.len(), 20);
    let mut stream: Vec<u64> = posts.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    stream.extend([99_000_001, 99_000_002]);
    let mut first_page = full.clone();
    first_page["post_stream"]["posts"] = json!([posts[0].clone()]);
    first_page["post_stream"]["stream"] = json!(stream);
    let first_page = serde_json::to_vec(&first_page).unwrap();
    let server = Server::start(move |target, _| {
        if target == "/t/1148.json" {
            return Reply::json(first_page.clone());
        }
        if let Some(query) = target.strip_prefix("/t/1148/posts.json?") {
            let ids: Vec<u64> = query
                .split('&')
                .map(|pair| {
                    pair.strip_prefix("post_ids%5B%5D=")
                        .unwrap()
                        .parse()
                        .unwrap()
                })
                .collect();
            let found: Vec<&Value> = posts
                .iter()
                .filter(|p| ids.contains(&p["id"].as_u64().unwrap()))
                .collect();
            return Reply::json(
                serde_json::to_vec(&json!({"post_stream": {"posts": found}})).unwrap(),
            );
        }
        Reply::status(404, "text/plain", "not found")
    });
    let chunked = FetchOptions {
        discourse_chunk: 8,
        ..options(&server)
    };
    let doc = fetch::fetch_blocking(
        "https://meta.discourse.org/t/support-ublock-origin/1148/5",
        &chunked,
    )
    .unwrap();
    assert_same(&doc, &from_file(file));
    // 21 ids of the stream were missing: chunks of 8, 8 and 5, in stream order.
    let targets = server.targets();
    assert_eq!(targets.len(), 4, "{targets:?}");
    assert_eq!(targets[0], "/t/1148.json");
    let ids = |t: &str| {
        t.split(['?', '&'])
            .filter_map(|p| p.strip_prefix("post_ids%5B%5D="))
            .map(|id| id.parse::<u64>().unwrap())
            .collect::<Vec<_>>()
    };
    let sizes: Vec<usize> = targets[1..].iter().map(|t| ids(t).len()).collect();
    assert_eq!(sizes, [8, 8, 5]);
    let asked: Vec<u64> = targets[1..].iter().flat_map(|t| ids(t)).collect();
    assert_eq!(asked, stream[1..]);
}

#[test]
fn http_errors_are_clear_and_name_the_address() {
    let server = Server::start(|target, _| match target {
        "/api/v1/items/1" => Reply::status(404, "application/json", "{}"),
        "/api/v1/items/2" => Reply::status(200, "text/html", "<!doctype html><p>Log in"),
        "/api/v1/items/3" => Reply::json(r#"{"id": 3, "children": [{"id": 4,"#),
        "/api/v1/items/4" => Reply::status(403, "text/plain", "no"),
        _ => Reply::status(500, "text/plain", "boom"),
    });
    let get = |id: u32| {
        fetch::fetch_blocking(
            &format!("https://news.ycombinator.com/item?id={id}"),
            &options(&server),
        )
        .unwrap_err()
    };
    let e = get(1);
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        e.to_string(),
        format!(
            "{}/api/v1/items/1: HTTP 404 Not Found: no such thread (deleted, private, or a wrong address)",
            server.origin
        )
    );
    let e = get(2);
    assert_eq!(e.kind(), ErrorKind::BadInput);
    assert!(
        e.to_string()
            .contains("something other than JSON (text/html"),
        "{e}"
    );
    let e = get(3);
    assert!(
        e.to_string()
            .starts_with(&format!("{}/api/v1/items/3: line 1, column", server.origin)),
        "{e}"
    );
    assert!(e.to_string().contains("invalid JSON"), "{e}");
    let e = get(4);
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("HTTP 403 Forbidden"), "{e}");
    // 500 is retried (3 times by default) and then reported.
    let e = get(5);
    assert!(
        e.to_string()
            .ends_with("HTTP 500 Internal Server Error after 4 tries"),
        "{e}"
    );
    let fives = server
        .targets()
        .iter()
        .filter(|t| *t == "/api/v1/items/5")
        .count();
    assert_eq!(fives, 4);
}

#[test]
fn rate_limits_and_server_errors_are_retried_politely() {
    let file = "lobsters/post_details_tdfoqh.2025-depth.json";
    let bytes = read(file);
    let server = Server::start(move |target, earlier| match (target, earlier) {
        ("/s/tdfoqh.json", 0) => {
            Reply::status(429, "text/plain", "slow down").header("Retry-After", "0")
        }
        ("/s/tdfoqh.json", 1) => Reply::status(503, "text/plain", "busy"),
        ("/s/tdfoqh.json", _) => Reply::json(bytes.clone()),
        ("/s/patient.json", _) => {
            Reply::status(429, "text/plain", "").header("Retry-After", "7200")
        }
        _ => Reply::status(404, "text/plain", ""),
    });
    let doc = fetch::fetch_blocking("https://lobste.rs/s/tdfoqh", &options(&server)).unwrap();
    assert_same(&doc, &from_file(file));
    assert_eq!(server.targets().len(), 3);
    // A server asking to wait longer than we would: one request, a clear error.
    let e = fetch::fetch_blocking("https://lobste.rs/s/patient", &options(&server)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("asks to wait 7200 s"), "{e}");
    assert_eq!(server.targets().len(), 4);
}

#[test]
fn timeouts_size_limit_and_unknown_addresses() {
    let file = "lobsters/post_details_tdfoqh.2025-depth.json";
    let bytes = read(file);
    let len = bytes.len();
    let server = Server::start(move |target, _| match target {
        "/s/slow.json" => Reply::json("{}").after(Duration::from_secs(3)),
        _ => Reply::json(bytes.clone()),
    });
    let quick = FetchOptions {
        timeout: Duration::from_millis(300),
        retries: 1,
        ..options(&server)
    };
    let e = fetch::fetch_blocking("https://lobste.rs/s/slow", &quick).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(e.to_string().contains("after 2 tries"), "{e}");

    let small = FetchOptions {
        max_bytes: 1000,
        ..options(&server)
    };
    let e = fetch::fetch_blocking("https://lobste.rs/s/tdfoqh", &small).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooLarge);
    assert!(
        e.to_string().contains(&format!(
            "the answer is {len} bytes, over the import limit of 1000 bytes"
        )),
        "{e}"
    );

    let before = server.targets().len();
    for url in [
        "https://example.com/articles/1",
        "https://news.ycombinator.com/newest",
        "mailto:someone@example.com",
    ] {
        let e = fetch::fetch_blocking(url, &options(&server)).unwrap_err();
        assert!(e.to_string().starts_with(url), "{e}");
    }
    assert_eq!(
        server.targets().len(),
        before,
        "nothing is requested for them"
    );

    // Nothing listening: a connection error, not a hang.
    let closed = FetchOptions {
        base: Some("http://127.0.0.1:9".into()),
        retries: 0,
        ..options(&server)
    };
    let e = fetch::fetch_blocking("https://lobste.rs/s/tdfoqh", &closed).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("cannot connect"), "{e}");
}

/// A host name that does not resolve (`.invalid` never does) fails at once: no
/// retries, a message that says what happened.
#[test]
fn a_name_that_does_not_resolve_fails_without_retries() {
    let options = FetchOptions {
        base: Some("http://threadmark-test.invalid".into()),
        ..Default::default()
    };
    let e = fetch::fetch_blocking("https://lobste.rs/s/tdfoqh", &options).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(
        e.to_string().contains("cannot resolve the host name"),
        "{e}"
    );
    assert!(!e.to_string().contains("tries"), "{e}");
}

/// `total` bounds the whole fetch: a stalled server gets one request, not four.
#[test]
fn the_total_time_bounds_every_retry() {
    let server = Server::start(|_, _| Reply::json("{}").after(Duration::from_secs(5)));
    let options = FetchOptions {
        timeout: Duration::from_millis(400),
        total: Some(Duration::from_millis(600)),
        backoff: Duration::from_millis(500),
        ..options(&server)
    };
    let e = fetch::fetch_blocking("https://lobste.rs/s/slow", &options).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains("did not finish within 0.6 s"), "{e}");
    assert_eq!(server.targets().len(), 1);
}
