//! Following threads: refresh from a local server on 127.0.0.1 that serves a real
//! corpus thread and then a second version of it (made here by editing the corpus
//! file: replies added, a body edited, a subtree gone), read state, and the news
//! (unread new and edited posts).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use threadmark_core::fetch::{self, FetchOptions};
use threadmark_core::follow::{refresh_blocking, word_diff, Change, DiffPart};
use threadmark_core::progress::unobserved;
use threadmark_core::{ErrorKind, Library, NewHighlight, SourceFormat};

use crate::http_server::{Reply, Server};

fn corpus_json(file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(super::corpus().join(file)).unwrap()).unwrap()
}

fn options(server: &Server) -> FetchOptions {
    FetchOptions {
        base: Some(server.origin.clone()),
        timeout: Duration::from_secs(10),
        backoff: Duration::from_millis(10),
        retries: 1,
        ..Default::default()
    }
}

/// Serves `versions[v]` at `path`, `v` being what the returned counter holds.
fn serve_versions(path: &'static str, versions: Vec<Value>) -> (Server, Arc<AtomicUsize>) {
    let version = Arc::new(AtomicUsize::new(0));
    let v = version.clone();
    let bodies: Vec<Vec<u8>> = versions
        .iter()
        .map(|d| serde_json::to_vec(d).unwrap())
        .collect();
    let server = Server::json_at(path, move || bodies[v.load(Ordering::SeqCst)].clone());
    (server, version)
}

/// Fetch `url` and save it as the CLI and the app do.
fn save(lib: &mut Library, url: &str, options: &FetchOptions) -> i64 {
    let doc = fetch::fetch_blocking(url, options).unwrap();
    let id = lib.import_docs(&[doc], None).unwrap()[0];
    lib.set_source_url(id, url).unwrap();
    id
}

fn hn_child(node: &mut Value, id: u64) -> Option<&mut Value> {
    if node["id"] == id {
        return Some(node);
    }
    node["children"]
        .as_array_mut()?
        .iter_mut()
        .find_map(|c| hn_child(c, id))
}

fn hn_comment(id: u64, parent: u64, author: &str, text: &str) -> Value {
    json!({"author": author, "children": [], "created_at": "2026-10-05T10:00:00.000Z",
           "created_at_i": 1791194400, "id": id, "options": 0, "parent_id": parent,
           "points": null, "story_id": 49953495, "text": text, "title": null,
           "type": "comment", "url": null})
}

#[test]
fn hacker_news_refresh_read_state_and_news() {
    let v1 = corpus_json("hn/algolia/neonmodem-49953495-trimmed.json");
    let mut v2 = v1.clone();
    // Two replies, one edit of a post that was read, one of a post not read, and
    // the subtree of 49953674 (3 posts) gone.
    hn_child(&mut v2, 49953575).unwrap()["children"]
        .as_array_mut()
        .unwrap()
        .push(hn_comment(
            49990001,
            49953575,
            "latecomer",
            "Flash Next wins on <i>every</i> benchmark I ran.",
        ));
    v2["children"].as_array_mut().unwrap().push(hn_comment(
        49990002,
        49953495,
        "newbie",
        "Does it run on a 3060?",
    ));
    hn_child(&mut v2, 49953722).unwrap()["text"] =
        json!("Qwen 3.8 flash next is far better than 27B, and slower to load.");
    hn_child(&mut v2, 49954061).unwrap()["text"] = json!("92% is most of the way to 99%");
    v2["children"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["id"] != 49953674);

    let (server, version) = serve_versions("/api/v1/items/49953495", vec![v1, v2]);
    let url = "https://news.ycombinator.com/item?id=49953495";
    let mut lib = Library::open_in_memory().unwrap();
    let id = save(&mut lib, url, &options(&server));
    assert_eq!(lib.refresh_address(id).unwrap(), url);
    assert!(
        lib.news(None).unwrap().is_empty(),
        "a first save is no news"
    );

    // Read the first part of the thread, in thread order up to 49953920.
    let marked = lib.mark_thread_read(id, Some("49953920")).unwrap();
    assert_eq!(marked, 5, "story, 49953496, 49953575, 49953722, 49953920");
    let highlight = lib
        .add_highlight(
            id,
            "49953722",
            &NewHighlight {
                exact: "way better than 27B".into(),
                prefix: None,
                suffix: None,
                start: None,
                label: Some("Claim".into()),
                note: String::new(),
                tags: vec![],
            },
        )
        .unwrap();
    let untouched = lib
        .add_highlight(
            id,
            "49953496",
            &NewHighlight {
                exact: "surprisingly well".into(),
                prefix: None,
                suffix: None,
                start: None,
                label: None,
                note: String::new(),
                tags: vec![],
            },
        )
        .unwrap();

    version.store(1, Ordering::SeqCst);
    let report = refresh_blocking(&mut lib, id, &options(&server), &mut unobserved).unwrap();
    assert_eq!(report.to_string(), "+2 new, 2 edited, 3 removed");

    // Exactly the unread changes: both new posts, and the edit of a read post (the
    // edit of 49954061, never read, is not news).
    let news = lib.news(None).unwrap();
    let got: Vec<(&str, Change)> = news.iter().map(|n| (n.post.as_str(), n.change)).collect();
    assert_eq!(
        got,
        [
            ("49953722", Change::Edited),
            ("49990001", Change::New),
            ("49990002", Change::New)
        ]
    );
    let edited = &news[0];
    let previous = edited.previous_text.as_deref().unwrap();
    assert!(
        previous.starts_with("Qwen 3.8 flash next is way better than 27B"),
        "{previous}"
    );
    assert_eq!(
        edited.text,
        "Qwen 3.8 flash next is far better than 27B, and slower to load."
    );
    let diff = word_diff(previous, &edited.text);
    assert!(diff.contains(&DiffPart::Removed("way".into())), "{diff:?}");
    assert!(diff.contains(&DiffPart::Added("far".into())), "{diff:?}");
    let reply = &news[1];
    assert_eq!(reply.author.as_deref(), Some("latecomer"));
    assert_eq!(reply.text, "Flash Next wins on every benchmark I ran.");
    let parent = reply.parent.as_ref().unwrap();
    assert_eq!(
        (parent.post.as_str(), parent.author.as_deref()),
        ("49953575", Some("proc0"))
    );
    assert_eq!(news[2].parent.as_ref().unwrap().post, "49953495");
    assert_eq!(lib.news_counts().unwrap().get(&id), Some(&3));

    // The highlight whose words the edit changed is flagged; the other is not.
    let flagged = lib.highlights_changed_by_edits(id).unwrap();
    assert!(flagged.contains(&highlight.id), "{flagged:?}");
    assert!(!flagged.contains(&untouched.id), "{flagged:?}");

    // Read state survives the refresh, and a re-open of the file.
    assert!(lib
        .read_posts(id)
        .unwrap()
        .contains(&"49953575".to_string()));
    lib.mark_read(id, &["49990001".into(), "no-such-post".into()])
        .unwrap();
    let left: Vec<String> = lib
        .news(Some(id))
        .unwrap()
        .into_iter()
        .map(|n| n.post)
        .collect();
    assert_eq!(left, ["49953722", "49990002"]);
    // A second refresh with nothing changed: no new marks, the news stays.
    let again = refresh_blocking(&mut lib, id, &options(&server), &mut unobserved).unwrap();
    assert_eq!(again.to_string(), "+0 new, 0 edited, 0 removed");
    assert_eq!(lib.news(Some(id)).unwrap().len(), 2);
    assert_eq!(lib.mark_all_news_read().unwrap(), 2);
    assert!(lib.news(None).unwrap().is_empty());
}

#[test]
fn read_state_survives_reopening_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.sqlite3");
    let id = {
        let mut lib = Library::open(&path).unwrap();
        let id = lib
            .import_bytes(
                "seed.txt",
                super::seed().as_bytes(),
                SourceFormat::Text,
                None,
            )
            .unwrap()[0];
        let posts = lib.posts(id).unwrap();
        lib.mark_read(
            id,
            &[posts[0].source_id.clone(), posts[2].source_id.clone()],
        )
        .unwrap();
        id
    };
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.read_posts(id).unwrap().len(), 2);
    // A plain-text dump names no address.
    let e = lib.refresh_address(id).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(
        e.to_string().contains("not saved from a web address"),
        "{e}"
    );
    assert!(lib.refreshable_threads().unwrap().is_empty());
}

#[test]
fn reddit_thread_refreshed_to_a_second_version() {
    let v1 = corpus_json("reddit/3hahrw.interaction01.comments.json");
    let mut v2 = v1.clone();
    let first = &mut v2[1]["data"]["children"][0]["data"];
    assert_eq!(first["name"], "t1_cu5pebp");
    first["body"] = json!("Man I am glad there isn't someone on a diet here. (edited)");
    let mut reply = first.clone();
    reply["id"] = json!("zz00001");
    reply["name"] = json!("t1_zz00001");
    reply["parent_id"] = json!("t1_cu5pebp");
    reply["author"] = json!("follower");
    reply["body"] = json!("Came back a day later to say: same.");
    reply["replies"] = json!("");
    let replies = &mut first["replies"];
    if replies.is_object() {
        replies["data"]["children"]
            .as_array_mut()
            .unwrap()
            .push(json!({"kind": "t1", "data": reply}));
    } else {
        *replies =
            json!({"kind": "Listing", "data": {"children": [{"kind": "t1", "data": reply}]}});
    }
    let (server, version) = serve_versions("/comments/3hahrw.json?limit=500", vec![v1, v2]);
    let mut lib = Library::open_in_memory().unwrap();
    let url = "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/";
    let id = save(&mut lib, url, &options(&server));
    let before = lib.posts(id).unwrap().len();
    lib.mark_thread_read(id, None).unwrap();
    version.store(1, Ordering::SeqCst);
    let report = refresh_blocking(&mut lib, id, &options(&server), &mut unobserved).unwrap();
    assert_eq!(report.to_string(), "+1 new, 1 edited, 0 removed");
    assert_eq!(lib.posts(id).unwrap().len(), before + 1);
    let news = lib.news(Some(id)).unwrap();
    let got: Vec<(&str, Change)> = news.iter().map(|n| (n.post.as_str(), n.change)).collect();
    assert_eq!(
        got,
        [("t1_cu5pebp", Change::Edited), ("t1_zz00001", Change::New)]
    );
    assert_eq!(news[1].parent.as_ref().unwrap().post, "t1_cu5pebp");
    assert!(news[0]
        .previous_text
        .as_deref()
        .unwrap()
        .starts_with("Man I am glad"));
}

/// Topic 1148 as Discourse serves it: the first page with one post and the stream
/// of ids, the rest through `posts.json` in chunks (several pages). The second
/// version adds a post at the end and edits one on a later page.
#[test]
fn discourse_topic_over_several_pages_refreshed() {
    let full = corpus_json("discourse/discourse_topic_1148.json");
    let mut posts = full["post_stream"]["posts"].as_array().unwrap().clone();
    let version = |posts: &[Value]| -> (Vec<u8>, Vec<Value>) {
        let mut first = full.clone();
        first["post_stream"]["posts"] = json!([posts[0].clone()]);
        first["post_stream"]["stream"] =
            json!(posts.iter().map(|p| p["id"].clone()).collect::<Vec<_>>());
        (serde_json::to_vec(&first).unwrap(), posts.to_vec())
    };
    let v1 = version(&posts);
    let mut added = posts[3].clone();
    added["id"] = json!(99_000_777);
    added["post_number"] = json!(
        posts
            .iter()
            .map(|p| p["post_number"].as_u64().unwrap())
            .max()
            .unwrap()
            + 1
    );
    added["cooked"] = json!("<p>Still broken for me in the latest release.</p>");
    added["username"] = json!("latecomer");
    added["reply_to_post_number"] = json!(null);
    posts.push(added);
    posts[15]["cooked"] = json!("<p>Edited: this was fixed in the next build.</p>");
    let edited_number = posts[15]["post_number"].to_string();
    let v2 = version(&posts);
    let versions = Arc::new([v1, v2]);
    let current = Arc::new(AtomicUsize::new(0));
    let (served, which) = (versions.clone(), current.clone());
    let server = Server::start(move |target, _| {
        let (first, posts) = &served[which.load(Ordering::SeqCst)];
        if target == "/t/1148.json" {
            return Reply::json(first.clone());
        }
        if let Some(query) = target.strip_prefix("/t/1148/posts.json?") {
            let ids: Vec<u64> = query
                .split('&')
                .filter_map(|p| p.strip_prefix("post_ids%5B%5D="))
                .map(|id| id.parse().unwrap())
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
    let url = "https://meta.discourse.org/t/support-ublock-origin/1148";
    let mut lib = Library::open_in_memory().unwrap();
    let id = save(&mut lib, url, &chunked);
    assert_eq!(lib.posts(id).unwrap().len(), 20);
    assert_eq!(lib.refreshable_threads().unwrap(), [(id, url.to_string())]);
    lib.mark_thread_read(id, None).unwrap();
    current.store(1, Ordering::SeqCst);
    let before = server.targets().len();
    let report = refresh_blocking(&mut lib, id, &chunked, &mut unobserved).unwrap();
    assert_eq!(report.to_string(), "+1 new, 1 edited, 0 removed");
    assert_eq!(
        server.targets().len() - before,
        4,
        "the topic and three chunks"
    );
    let news = lib.news(None).unwrap();
    let got: Vec<(String, Change)> = news.iter().map(|n| (n.post.clone(), n.change)).collect();
    let new_number = (lib.posts(id).unwrap().last().unwrap().source_id).clone();
    assert_eq!(
        got,
        [(edited_number, Change::Edited), (new_number, Change::New)]
    );
    assert_eq!(news[1].text, "Still broken for me in the latest release.");
}

#[test]
fn a_failing_source_leaves_the_thread_as_it_was() {
    let v1 = corpus_json("lobsters/post_details_tdfoqh.2025-depth.json");
    let (server, version) = serve_versions("/s/tdfoqh.json", vec![v1, json!({"oops": true})]);
    let mut lib = Library::open_in_memory().unwrap();
    let url = "https://lobste.rs/s/tdfoqh";
    let id = save(&mut lib, url, &options(&server));
    let posts = lib.posts(id).unwrap();
    lib.mark_thread_read(id, Some(&posts[3].source_id)).unwrap();

    // Nothing listening.
    let offline = FetchOptions {
        base: Some("http://127.0.0.1:9".into()),
        retries: 0,
        ..options(&server)
    };
    let e = refresh_blocking(&mut lib, id, &offline, &mut unobserved).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(!e.to_string().contains('\n'), "{e}");
    // An answer that is not a thread.
    version.store(1, Ordering::SeqCst);
    let e = refresh_blocking(&mut lib, id, &options(&server), &mut unobserved).unwrap_err();
    assert!(e.to_string().starts_with(url), "{e}");
    assert!(e.to_string().contains("not a Lobsters story"), "{e}");
    assert_eq!(lib.posts(id).unwrap(), posts);
    assert_eq!(lib.read_posts(id).unwrap().len(), 4);
    // Cancelled while storing: nothing changes either.
    version.store(0, Ordering::SeqCst);
    let e = refresh_blocking(&mut lib, id, &options(&server), &mut |_| {
        std::ops::ControlFlow::Break(())
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(lib.posts(id).unwrap(), posts);
}

#[test]
fn files_naming_an_address_can_be_refreshed() {
    let mut lib = Library::open_in_memory().unwrap();
    for (file, address) in [
        (
            "hn/algolia/neonmodem-49953495-trimmed.json",
            "https://news.ycombinator.com/item?id=49953495",
        ),
        (
            "reddit/57dw9a.interaction02.comments.json",
            "https://www.reddit.com/comments/57dw9a",
        ),
        (
            "lobsters/post_details_tdfoqh.2023-indent_level.json",
            "https://lobste.rs/s/tdfoqh",
        ),
    ] {
        let bytes = std::fs::read(super::corpus().join(file)).unwrap();
        let id = lib
            .import_bytes(file, &bytes, SourceFormat::Auto, None)
            .unwrap()[0];
        assert_eq!(lib.refresh_address(id).unwrap(), address, "{file}");
        assert!(fetch::classify(address).is_ok(), "{address}");
    }
    // A Discourse file names no host.
    let bytes = std::fs::read(super::corpus().join("discourse/discourse_topic_1149.json")).unwrap();
    let id = lib
        .import_bytes("t.json", &bytes, SourceFormat::Auto, None)
        .unwrap()[0];
    assert_eq!(
        lib.refresh_address(id).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    assert_eq!(lib.refreshable_threads().unwrap().len(), 3);
}
