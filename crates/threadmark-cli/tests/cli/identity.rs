//! The `threadmark` binary on re-imports (issue 15, "Identity"): change marks in
//! `show` and the exports, replies the source left out, `--into` of another thread
//! refused unless `--force`, a given title kept.

use std::path::{Path, PathBuf};

use crate::common::{corpus_file, json, stdout, tm};

/// The seed with two lines above it, its line 17 edited and line 18 deleted.
fn second_version(dir: &Path) -> PathBuf {
    let seed = std::fs::read_to_string(corpus_file("seed/000_e97962a6dbc2b620.txt")).unwrap();
    let mut out = String::from("Two lines were added on top.\nThis is the second one.\n");
    for (i, line) in seed.lines().enumerate() {
        match i + 1 {
            17 => out.push_str(&line.replace("good talent", "great talent")),
            18 => continue,
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    let path = dir.join("v2.txt");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn show_and_exports_mark_new_edited_and_removed_posts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let seed = corpus_file("seed/000_e97962a6dbc2b620.txt");
    tm(&db)
        .arg("import")
        .arg(&seed)
        .args(["--title", "DeepSeek founder"])
        .assert()
        .success()
        .stdout("1\n");
    tm(&db)
        .arg("import")
        .arg(second_version(dir.path()))
        .args(["--into", "1"])
        .assert()
        .success()
        .stdout("1\n");

    let show = json(tm(&db).args(["show", "1", "--json"]));
    assert_eq!(
        show["thread"]["title"], "DeepSeek founder",
        "the given title stays"
    );
    let posts = show["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 152);
    let with = |change: &str| -> Vec<&str> {
        posts
            .iter()
            .filter(|p| p["change"] == change)
            .map(|p| p["id"].as_str().unwrap())
            .collect()
    };
    assert_eq!(with("new"), ["1", "2"]);
    assert_eq!(with("edited"), ["19"]);
    assert_eq!(with("removed").len(), 1);
    let unchanged = posts.iter().filter(|p| p["change"].is_null()).count();
    assert_eq!(unchanged, 152 - 4);

    let tree = stdout(tm(&db).args(["show", "1"]));
    assert!(tree.contains("post 1 · [new]"), "{tree}");
    assert!(tree.contains("post 19 · [edited]"), "{tree}");
    assert_eq!(tree.matches("· [removed]").count(), 1, "{tree}");

    let md = stdout(tm(&db).args(["export", "1", "--format", "md"]));
    assert!(md.contains("· post 2 · new\n"), "{md}");
    assert!(md.contains("· post 19 · edited\n"), "{md}");
    assert_eq!(md.matches(" · removed\n").count(), 1);
    let html = stdout(tm(&db).args(["export", "1", "--format", "html"]));
    assert!(html.contains("post 19 · edited</p>"), "{html}");
    assert!(html.contains(" · new</p>"), "{html}");
}

#[test]
fn replies_the_source_left_out_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    // A Firebase story: 171 descendants, none of them in the file.
    tm(&db)
        .arg("import")
        .arg(corpus_file("hn/firebase/item_story.json"))
        .assert()
        .success();
    let show = json(tm(&db).args(["show", "1", "--json"]));
    assert_eq!(show["posts"][0]["missing_replies"], 171);
    let tree = stdout(tm(&db).args(["show", "1"]));
    assert!(tree.contains("[171 replies not saved]"), "{tree}");
    let md = stdout(tm(&db).args(["export", "1", "--format", "md"]));
    assert!(md.contains(" · 171 replies not saved\n"), "{md}");
    let html = stdout(tm(&db).args(["export", "1", "--format", "html"]));
    assert!(html.contains(" · 171 replies not saved</p>"), "{html}");
}

#[test]
fn into_another_thread_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let topic = corpus_file("discourse/discourse_topic_1148.json");
    tm(&db)
        .arg("import")
        .arg(&topic)
        .assert()
        .success()
        .stdout("1\n");
    let before = stdout(tm(&db).args(["show", "1", "--json"]));
    let other = corpus_file("discourse/discourse_topic_1149.json");
    let assert = tm(&db)
        .arg("import")
        .arg(&other)
        .args(["--into", "1"])
        .assert()
        .failure()
        .code(1)
        .stdout("");
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("discourse_topic_1149.json"), "{err}");
    assert!(
        err.contains(
            "thread 1 is a discourse thread 1148, but the input is a discourse thread 1149"
        ),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(stdout(tm(&db).args(["show", "1", "--json"])), before);
    assert_eq!(
        json(tm(&db).args(["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    tm(&db)
        .arg("import")
        .arg(&other)
        .args(["--into", "1", "--force"])
        .assert()
        .success()
        .stdout("1\n");
    let show = json(tm(&db).args(["show", "1", "--json"]));
    let live = show["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["deleted"] == false)
        .count();
    assert_eq!(live, 2);
}
