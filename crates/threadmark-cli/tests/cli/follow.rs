//! `threadmark refresh`, `read` and `new` on a temporary library, against a server on
//! 127.0.0.1 serving the corpus Lobsters story and then a second version of it
//! (edited here: a comment's text changed, a reply added).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use assert_cmd::Command;
use serde_json::{json, Value};

use crate::common::{corpus_file, stdout};
use crate::http_server::Server;

fn tm(db: &Path, base: &str) -> Command {
    let mut c = Command::cargo_bin("threadmark").unwrap();
    c.arg("--db")
        .arg(db)
        .env_remove("THREADMARK_DB")
        .env("THREADMARK_FETCH_BASE", base);
    c
}

#[test]
fn refresh_read_and_new() {
    let v1: Value = serde_json::from_slice(
        &std::fs::read(corpus_file("lobsters/post_details_tdfoqh.2025-depth.json")).unwrap(),
    )
    .unwrap();
    let mut v2 = v1.clone();
    let comments = v2["comments"].as_array_mut().unwrap();
    let first = comments[0]["short_id"].as_str().unwrap().to_string();
    comments[0]["comment"] = json!("<p>Edited: sum of scores works better than I thought.</p>");
    comments[0]["comment_plain"] = json!("Edited: sum of scores works better than I thought.");
    let mut reply = comments[0].clone();
    reply["short_id"] = json!("zz9999");
    reply["parent_comment"] = json!(first);
    reply["comment"] = json!("<p>A late reply.</p>");
    reply["comment_plain"] = json!("A late reply.");
    if reply.get("depth").is_some() {
        reply["depth"] = json!(comments[0]["depth"].as_u64().unwrap_or(0) + 1);
    }
    comments.insert(1, reply);
    let bodies = [
        serde_json::to_vec(&v1).unwrap(),
        serde_json::to_vec(&v2).unwrap(),
    ];
    let version = Arc::new(AtomicUsize::new(0));
    let v = version.clone();
    let server = Server::json_at("/s/tdfoqh.json", move || {
        bodies[v.load(Ordering::SeqCst)].clone()
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let base = server.origin.as_str();
    assert_eq!(
        stdout(tm(&db, base).args(["fetch", "https://lobste.rs/s/tdfoqh"])),
        "1\n"
    );
    // A text dump too: not refreshable, left out of `refresh` with no id.
    let seed = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/sample-thread.txt"
    ));
    assert_eq!(stdout(tm(&db, base).arg("import").arg(&seed)), "2\n");
    assert_eq!(
        stdout(tm(&db, base).args(["read", "1", "--all"])),
        "11 posts marked read\n"
    );
    assert_eq!(stdout(tm(&db, base).args(["new", "--json"])), "[]\n");

    version.store(1, Ordering::SeqCst);
    let out = stdout(tm(&db, base).arg("refresh"));
    assert_eq!(
        out,
        "1\tRanking comments by sum of replies' scores: +1 new, 1 edited, 0 removed\n"
    );
    let news: Value =
        serde_json::from_str(&stdout(tm(&db, base).args(["new", "1", "--json"]))).unwrap();
    let got: Vec<(&str, &str, &str)> = news
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["post"].as_str().unwrap(),
                n["change"].as_str().unwrap(),
                n["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                first.as_str(),
                "edited",
                "Edited: sum of scores works better than I thought."
            ),
            ("zz9999", "new", "A late reply.")
        ]
    );
    for n in news.as_array().unwrap() {
        assert_eq!(n["thread"], 1);
        assert!(n["author"].is_string(), "{n}");
    }
    let text = stdout(tm(&db, base).arg("new"));
    assert!(
        text.contains("[edited]") && text.contains("[new]"),
        "{text}"
    );
    // Read up to the edited post: only the reply is left.
    assert_eq!(
        stdout(tm(&db, base).args(["read", "1", "--until", &first])),
        "2 posts marked read\n"
    );
    let left: Value = serde_json::from_str(&stdout(tm(&db, base).args(["new", "--json"]))).unwrap();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["post"], "zz9999");

    // A failing source: the one-line error, a failure exit, the thread as it was.
    let out = tm(&db, "http://127.0.0.1:9")
        .args(["refresh", "1"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.starts_with("threadmark: refresh 1: http://127.0.0.1:9/s/tdfoqh.json:"),
        "{err}"
    );
    assert!(
        err.ends_with("1 of 1 threads could not be refreshed (left as they were)\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    let e = tm(&db, base).args(["refresh", "2"]).assert().failure();
    let err = String::from_utf8(e.get_output().stderr.clone()).unwrap();
    assert!(err.contains("not saved from a web address"), "{err}");
    let e = tm(&db, base)
        .args(["read", "1", "--until", "nosuch"])
        .assert()
        .failure();
    let err = String::from_utf8(e.get_output().stderr.clone()).unwrap();
    assert_eq!(err, "threadmark: thread 1 has no post \"nosuch\"\n");
}
