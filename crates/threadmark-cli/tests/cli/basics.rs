//! End-to-end tests of the `threadmark` binary on a temporary library.

use std::path::PathBuf;

use crate::common::{corpus_file, imported, json, seed, tm};
use assert_cmd::Command;
use serde_json::Value;

#[test]
fn import_list_show() {
    let (_dir, db) = imported();
    let list = json(tm(&db).args(["list", "--json"]));
    let t = &list[0];
    assert_eq!(t["id"], 1);
    assert_eq!(t["source"], "text");
    assert_eq!(t["posts"], 150);
    assert_eq!(t["highlights"], 0);
    assert!(t["title"]
        .as_str()
        .unwrap()
        .starts_with("Because we believe"));

    let show = json(tm(&db).args(["show", "1", "--json"]));
    let posts = show["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 150);
    let p = &posts[1];
    for key in ["id", "parent", "author", "created_at", "depth", "text"] {
        assert!(p.get(key).is_some(), "show --json lacks {key}");
    }
    assert_eq!(p["id"], "7");
    assert_eq!(p["depth"], 0);
    assert!(p["text"]
        .as_str()
        .unwrap()
        .contains("Liang Wenfeng has a solid background"));

    let tree = tm(&db)
        .args(["show", "1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let tree = String::from_utf8(tree).unwrap();
    assert!(
        tree.contains("── anonymous · post 19\n   > > It's falling out in America"),
        "{tree}"
    );
}

#[test]
fn db_from_environment() {
    let (_dir, db) = imported();
    let mut c = Command::cargo_bin("threadmark").unwrap();
    let list = json(c.env("THREADMARK_DB", &db).args(["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn quotes_and_search() {
    let (_dir, db) = imported();
    let quotes = json(tm(&db).args(["quotes", "1", "--json"]));
    let quotes = quotes.as_array().unwrap();
    assert_eq!(quotes.len(), 15);
    for key in [
        "post",
        "start",
        "end",
        "text",
        "source",
        "source_start",
        "source_end",
        "score",
    ] {
        assert!(quotes[0].get(key).is_some(), "quotes --json lacks {key}");
    }
    let hits = json(tm(&db).args(["search", "\"solid background\"", "--json"]));
    assert_eq!(hits[0]["post"], "7");
    assert!(hits[0]["snippet"]
        .as_str()
        .unwrap()
        .contains("[solid background]"));
    tm(&db)
        .args(["search", "\"unclosed"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("cannot understand the search"));
}

#[test]
fn export_markdown_and_json() {
    let (dir, db) = imported();
    let md = tm(&db)
        .args(["export", "1", "--format", "md"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("---\ntitle: \"Because we believe"));
    assert!(md.contains("\n### anonymous · post 19\n\n> > It's falling out"));
    let out = dir.path().join("t.json");
    tm(&db)
        .args(["export", "--all", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "threadmark-export");
    assert_eq!(v["threads"][0]["posts"].as_array().unwrap().len(), 150);
    assert_eq!(v["labels"].as_array().unwrap().len(), 5);
}

#[test]
fn export_html_argdown_and_the_library_as_a_folder() {
    let (dir, db) = imported();
    tm(&db)
        .args([
            "highlight",
            "add",
            "1",
            "7",
            "--exact",
            "solid background",
            "--label",
            "Claim",
        ])
        .assert()
        .success();
    let page = dir.path().join("t.html");
    tm(&db)
        .args(["export", "1", "--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"));
    assert!(html.contains(">solid background</mark>"));
    let ad = tm(&db)
        .args(["export", "1", "--format", "argdown"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ad = String::from_utf8(ad).unwrap();
    assert!(ad.contains("[Claim 1]: “solid background”"), "{ad}");
    // A second thread, then the library as a folder of one file per thread.
    tm(&db)
        .arg("import")
        .arg(corpus_file("hn/algolia/neonmodem-49953495-trimmed.json"))
        .assert()
        .success();
    let vault = dir.path().join("vault");
    let listed = tm(&db)
        .args(["export", "--all", "--format", "md", "-o"])
        .arg(&vault)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut names: Vec<String> = std::fs::read_dir(&vault)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("1-because-we-believe") && names[0].ends_with(".md"));
    assert!(names[1].starts_with("2-run-qwen-3-8-flash-next") && names[1].ends_with(".md"));
    assert_eq!(String::from_utf8(listed).unwrap().lines().count(), 2);
    // HTML of the whole library needs a folder.
    tm(&db)
        .args(["export", "--all", "--format", "html"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("one page per thread"));
}

/// Bad inputs fail with one line naming the file and the cause, and leave the library as it was.
#[test]
fn bad_inputs_fail_cleanly_and_change_nothing() {
    let (dir, db) = imported();
    let before = tm(&db)
        .args(["list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Option<Vec<u8>>, &str)> = vec![
        ("random.bin", Some(random), "column"),
        ("empty.txt", Some(Vec::new()), "empty"),
        ("blank.txt", Some(b"\n  \n\t\n".to_vec()), "empty"),
        (
            "latin1.txt",
            Some(b"caf\xe9 au lait\n".to_vec()),
            "line 1, column 4",
        ),
        ("a-directory", None, "is a directory"),
        ("missing.txt", None, "No such file"),
    ];
    for (name, content, cause) in cases {
        let path = dir.path().join(name);
        match content {
            Some(bytes) => std::fs::write(&path, bytes).unwrap(),
            None if name == "a-directory" => std::fs::create_dir(&path).unwrap(),
            None => {}
        }
        let assert = tm(&db)
            .arg("import")
            .arg(&path)
            .assert()
            .failure()
            .code(1)
            .stdout("");
        let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(&path.display().to_string()),
            "{name}: no file in {err}"
        );
        assert!(err.contains(cause), "{name}: no {cause:?} in {err}");
    }
    let after = tm(&db)
        .args(["list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(before, after);
}

#[test]
fn a_bad_import_does_not_create_a_library() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.sqlite3");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    tm(&db).arg("import").arg(&empty).assert().failure();
    assert!(!db.exists());
}

#[test]
fn import_from_stdin_with_title_and_into() {
    let (_dir, db) = imported();
    tm(&db)
        .args(["import", "-", "--title", "Piped"])
        .write_stdin("A post.\n> A post.\nA reply.\n")
        .assert()
        .success()
        .stdout("2\n");
    tm(&db)
        .args(["import", "-", "--into", "2"])
        .write_stdin("A post, edited.\n> A post.\nA reply.\nA new post.\n")
        .assert()
        .success()
        .stdout("2\n");
    let show = json(tm(&db).args(["show", "2", "--json"]));
    assert_eq!(show["thread"]["posts"], 3);
    assert_eq!(show["posts"][0]["text"], "A post, edited.");
    tm(&db)
        .args(["import", "-", "--into", "99"])
        .write_stdin("x\n")
        .assert()
        .failure()
        .stderr(predicates::str::contains("no thread 99"));
    tm(&db)
        .args(["show", "42"])
        .assert()
        .failure()
        .stderr("threadmark: no thread 42\n");
}

#[test]
fn highlight_add_and_list() {
    let (_dir, db) = imported();
    tm(&db)
        .args([
            "highlight",
            "add",
            "1",
            "7",
            "--exact",
            "solid background",
            "--label",
            "Claim",
            "--note",
            "n",
            "--tag",
            "bio",
        ])
        .assert()
        .success();
    tm(&db)
        .args(["highlight", "add", "1", "7", "--exact", "absent words"])
        .assert()
        .failure()
        .stderr("threadmark: post 7 does not contain \"absent words\"\n");
    let list = json(tm(&db).args(["highlight", "list", "1", "--json"]));
    let h = &list[0];
    for key in [
        "id", "post", "exact", "start", "end", "label", "note", "state",
    ] {
        assert!(h.get(key).is_some(), "highlight list --json lacks {key}");
    }
    assert_eq!(h["post"], "7");
    assert_eq!(h["exact"], "solid background");
    assert_eq!(
        (h["start"].as_i64(), h["end"].as_i64()),
        (Some(72), Some(88))
    );
    assert_eq!(h["label"], "Claim");
    assert_eq!(h["state"], "anchored");
    let listed = json(tm(&db).args(["list", "--json"]));
    assert_eq!(listed[0]["highlights"], 1);
}

fn one_line_error(assert: assert_cmd::assert::Assert) -> String {
    let assert = assert.failure().code(1).stdout("");
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn size_limit_refuses_big_inputs_without_reading_them() {
    let (dir, db) = imported();
    let seed_len = std::fs::metadata(seed()).unwrap().len();
    let cause = format!(
        "the file is {}, over the import limit of 1000 bytes",
        threadmark_core::import::format_size(seed_len)
    );
    // The limit from the environment, from the flag, and on standard input.
    let err = one_line_error(
        tm(&db)
            .env("THREADMARK_MAX_BYTES", "1000")
            .arg("import")
            .arg(seed())
            .assert(),
    );
    assert!(
        err.contains(&seed().display().to_string()) && err.contains(&cause),
        "{err}"
    );
    let err = one_line_error(
        tm(&db)
            .args(["import", "--max-bytes", "1000"])
            .arg(seed())
            .assert(),
    );
    assert!(err.contains(&cause), "{err}");
    let err = one_line_error(
        tm(&db)
            .args(["import", "-", "--max-bytes", "1000"])
            .write_stdin(std::fs::read(seed()).unwrap())
            .assert(),
    );
    assert!(
        err.contains("<stdin>") && err.contains("larger than the import limit of 1000 bytes"),
        "{err}"
    );
    // The default is 512 MiB: a 600 MiB (sparse) file is refused from its size
    // alone, before any of it is read.
    let big = dir.path().join("big.txt");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(600 << 20)
        .unwrap();
    let err = one_line_error(tm(&db).arg("import").arg(&big).assert());
    assert!(
        err.contains(&format!(
            "the file is {}, over the import limit of {}",
            threadmark_core::import::format_size(600 << 20),
            threadmark_core::import::format_size(512 << 20)
        )),
        "{err}"
    );
    // Nothing changed; under the limit it imports.
    let list = json(tm(&db).args(["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    tm(&db)
        .env("THREADMARK_MAX_BYTES", (seed_len + 1).to_string())
        .arg("import")
        .arg(seed())
        .assert()
        .success()
        .stdout("2\n");
}

#[test]
fn fetch_saves_and_updates_a_thread_by_url() {
    use crate::http_server::{Reply, Server};
    let story = std::fs::read(corpus_file("lobsters/post_details_tdfoqh.2025-depth.json")).unwrap();
    let server = Server::start(move |target, _| match target {
        "/s/tdfoqh.json" => Reply::json(story.clone()),
        _ => Reply::status(404, "text/html", "<p>gone"),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let fetch = |url: &str| {
        let mut c = tm(&db);
        c.env("THREADMARK_FETCH_BASE", &server.origin)
            .args(["fetch", url]);
        c
    };
    // A failed fetch does not create the library.
    let err = one_line_error(fetch("https://lobste.rs/s/nosuch").assert());
    assert!(
        err.starts_with(&format!(
            "threadmark: {}/s/nosuch.json: HTTP 404 Not Found",
            server.origin
        )),
        "{err}"
    );
    assert!(!db.exists());
    let err = one_line_error(fetch("https://example.com/blog").assert());
    assert!(
        err.contains("not a thread address Threadmark can fetch"),
        "{err}"
    );

    let url = "https://lobste.rs/s/tdfoqh/ranking_comments_by_sum_replies_scores";
    fetch(url).assert().success().stdout("1\n");
    fetch(url).assert().success().stdout("1\n");
    let list = json(tm(&db).args(["list", "--json"]));
    let threads = list.as_array().unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["source"], "lobsters");
    assert_eq!(threads[0]["posts"], 11);
    assert_eq!(
        threads[0]["title"],
        "Ranking comments by sum of replies' scores"
    );
    let agents: Vec<String> = server
        .requests()
        .into_iter()
        .filter_map(|r| r.user_agent)
        .collect();
    assert!(
        agents.iter().all(|a| a.starts_with("Threadmark/")),
        "{agents:?}"
    );
}

/// `show --filter`: the core's thread filter on a real nested Hacker News thread, each
/// answer checked against the thread's own posts (from `show --json`).
#[test]
fn show_filter_selects_posts_by_author_words_and_highlights() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db)
        .arg("import")
        .arg(corpus_file("hn/algolia/neonmodem-49953495-trimmed.json"))
        .assert()
        .success();
    let all = json(tm(&db).args(["show", "1", "--json"]));
    let posts = all["posts"].as_array().unwrap();
    let ids = |v: &Value| -> Vec<String> {
        v["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    // `--filter=QUERY`: a query may start with `-` (a negated term).
    let filtered =
        |query: &str| json(tm(&db).args(["show", "1", "--json", &format!("--filter={query}")]));

    // The author of the most replies.
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for p in &posts[1..] {
        if let Some(a) = p["author"].as_str() {
            *counts.entry(a).or_default() += 1;
        }
    }
    let (author, n) = counts
        .iter()
        .max_by_key(|(a, n)| (**n, std::cmp::Reverse(**a)))
        .unwrap();
    let by: Vec<String> = posts
        .iter()
        .filter(|p| p["author"] == *author)
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert!(*n >= 2 && by.len() >= *n);
    let got = filtered(&format!("author:{}", author.to_uppercase()));
    assert_eq!(ids(&got), by, "author: is case-insensitive");
    assert_eq!(got["matches"], by.len());

    // Words: every match holds the word, every post holding it matches.
    let word = "the";
    let holding: Vec<String> = posts
        .iter()
        .filter(|p| p["text"].as_str().unwrap().to_lowercase().contains(word))
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!holding.is_empty() && holding.len() < posts.len());
    assert_eq!(ids(&filtered("THE")), holding);
    let rest = ids(&filtered("-the"));
    assert_eq!(
        rest.len() + holding.len(),
        posts.len(),
        "-word is the complement"
    );

    // Highlights.
    let target = &posts[3];
    let exact: String = target["text"].as_str().unwrap().chars().take(12).collect();
    tm(&db)
        .args([
            "highlight",
            "add",
            "1",
            target["id"].as_str().unwrap(),
            "--exact",
            &exact,
            "--label",
            "Claim",
        ])
        .assert()
        .success();
    assert_eq!(
        ids(&filtered("has:highlight")),
        vec![target["id"].as_str().unwrap().to_string()]
    );
    assert_eq!(
        ids(&filtered("label:claim")),
        ids(&filtered("has:highlight"))
    );
    assert_eq!(ids(&filtered("label:evidence")), Vec::<String>::new());

    // As text: matches in full under their ancestors, which are heads only.
    let text = tm(&db)
        .args(["show", "1", "--filter", "has:highlight"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains(&format!(
            "(1 of {} posts match `has:highlight`)",
            posts.len()
        )),
        "{text}"
    );
    let depth = target["depth"].as_i64().unwrap();
    assert_eq!(
        text.matches("(context)").count() as i64,
        depth,
        "one context line per ancestor\n{text}"
    );

    // Points: Hacker News gives the story's (318 in this file), none for comments.
    assert_eq!(
        ids(&filtered("points>=300")),
        vec![posts[0]["id"].as_str().unwrap().to_string()]
    );
    assert_eq!(ids(&filtered("points>318")), Vec::<String>::new());
    assert_eq!(ids(&filtered("-points>=300")), Vec::<String>::new());

    // What it cannot answer: one line each.
    let err = one_line_error(
        tm(&db)
            .args(["show", "1", "--filter", "points>=lots"])
            .assert(),
    );
    assert!(err.contains("whole number"), "{err}");
    let err = one_line_error(tm(&db).args(["show", "1", "--filter", "author:"]).assert());
    assert!(err.contains("name is missing"), "{err}");
}

/// A W3C export restored into another library holding the same thread, and a
/// Markdown export into a folder updated in place.
#[test]
fn restore_w3c_annotations_and_reexport_markdown_into_a_vault() {
    let hn = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/hn/algolia/neonmodem-49953495-trimmed.json"
    ));
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    for db in [&a, &b] {
        tm(db).arg("import").arg(&hn).assert().success();
    }
    tm(&a)
        .args([
            "highlight",
            "add",
            "1",
            "49953722",
            "--exact",
            "way better than 27B",
        ])
        .args([
            "--label",
            "Claim",
            "--note",
            "**Says who?**",
            "--tag",
            "models",
        ])
        .assert()
        .success();
    let w3c = dir.path().join("notes.jsonld");
    tm(&a)
        .args(["export", "1", "--format", "w3c", "-o"])
        .arg(&w3c)
        .assert()
        .success();
    tm(&b)
        .arg("restore")
        .arg(&w3c)
        .assert()
        .success()
        .stdout("annotations: 1 read; highlights: 1 added (1 anchored, 0 fuzzy, 0 orphaned), 0 updated, 0 unchanged; 0 skipped\n");
    let (ha, hb) = (
        json(tm(&a).args(["highlight", "list", "1", "--json"])),
        json(tm(&b).args(["highlight", "list", "1", "--json"])),
    );
    assert_eq!(ha, hb);
    assert_eq!(hb[0]["note"], "**Says who?**");

    // Markdown into a folder, written around, exported again.
    let vault = dir.path().join("vault");
    tm(&b)
        .args(["export", "--all", "--format", "md", "-o"])
        .arg(&vault)
        .assert()
        .success();
    let file = std::fs::read_dir(&vault)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nMy own paragraph.\n");
    std::fs::write(&file, &text).unwrap();
    tm(&b)
        .args([
            "highlight",
            "add",
            "1",
            "49955529",
            "--exact",
            "The quality is superior for coding",
        ])
        .assert()
        .success();
    tm(&b)
        .args(["export", "1", "--format", "md", "-o"])
        .arg(&vault)
        .assert()
        .success();
    let again = std::fs::read_to_string(&file).unwrap();
    assert!(again.ends_with("\nMy own paragraph.\n"), "{again}");
    assert!(again.contains("highlights: 2\n"));
    assert_eq!(std::fs::read_dir(&vault).unwrap().count(), 1);
}
