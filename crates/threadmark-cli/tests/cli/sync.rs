//! `threadmark sync` between two libraries through one folder: the scenario of
//! issue 16 — two devices edit the same highlight offline (one the label, the
//! other the note), and one deletes another highlight that the other tags.

use std::path::Path;

use crate::common::{json, seed, stdout, tm};
use serde_json::Value;

/// The thread's highlights by uuid on one library.
fn highlights(db: &Path) -> Vec<Value> {
    let mut hs = json(tm(db).args(["highlight", "list", "1", "--json"]))
        .as_array()
        .unwrap()
        .clone();
    for h in &mut hs {
        h.as_object_mut().unwrap().remove("number");
    }
    hs.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    hs
}

#[test]
fn two_devices_edit_offline_and_converge_with_the_conflict_kept() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Sync");
    std::fs::create_dir(&folder).unwrap();
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));

    // Device A saves a thread and marks two passages.
    tm(&a).arg("import").arg(seed()).assert().success();
    let add = |exact: &str, label: &str| {
        stdout(tm(&a).args([
            "highlight",
            "add",
            "1",
            "7",
            "--exact",
            exact,
            "--label",
            label,
        ]))
        .trim()
        .to_string()
    };
    let h1 = add("solid background", "Claim");
    let h2 = add("Electronics and Information", "Evidence");
    let out = stdout(tm(&a).args(["sync", "--folder"]).arg(&folder));
    assert!(out.contains("out: "), "{out}");
    assert!(!out.contains("out: nothing"), "{out}");

    // Device B, a new library, takes everything from the folder.
    let out = stdout(tm(&b).args(["sync", "--folder"]).arg(&folder));
    assert!(out.contains("1 threads, 2 highlights"), "{out}");
    assert_eq!(highlights(&a), highlights(&b));
    // Plain list shows number and uuid.
    let plain = stdout(tm(&b).args(["highlight", "list", "1"]));
    assert!(plain.contains(&h1) && plain.contains(&h2), "{plain}");

    // Offline: A changes h1's label and deletes h2; B writes a note on h1 and tags h2.
    stdout(tm(&a).args(["highlight", "edit", &h1, "--label", "Question"]));
    stdout(tm(&a).args(["highlight", "delete", &h2]));
    stdout(tm(&b).args(["highlight", "edit", &h1, "--note", "Says who?"]));
    stdout(tm(&b).args(["highlight", "edit", &h2, "--tag", "hardware"]));

    // Both sync (without --folder: the folder is remembered); A once more to see B's.
    stdout(tm(&a).arg("sync"));
    let out_b = stdout(tm(&b).arg("sync"));
    assert!(out_b.contains("conflicts: 1 "), "{out_b}");
    stdout(tm(&a).arg("sync"));

    let (ha, hb) = (highlights(&a), highlights(&b));
    assert_eq!(ha, hb, "the two libraries differ after syncing");
    // The label from A and the note from B both survive on h1; h2 stays deleted.
    assert_eq!(ha.len(), 1, "{ha:?}");
    assert_eq!(ha[0]["id"], h1);
    assert_eq!(ha[0]["label"], "Question");
    assert_eq!(ha[0]["note"], "Says who?");

    // The tag B put on the deleted highlight is kept in the conflict history on
    // both sides, and restoring it brings the highlight back with the tag.
    for db in [&a, &b] {
        let status = json(tm(db).args(["sync", "--status", "--json"]));
        let conflicts = status["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{status}");
        let c = &conflicts[0];
        assert_eq!(
            (c["entity"].as_str(), c["field"].as_str()),
            (Some(h2.as_str()), Some("tags"))
        );
        assert_eq!(c["value"], "hardware");
        assert_eq!(c["reason"], "delete");
        let plain = stdout(tm(db).args(["sync", "--status"]));
        assert!(plain.contains("conflicts: 1 open"), "{plain}");
        assert!(
            plain.contains("\"hardware\" was changed on device"),
            "{plain}"
        );
    }
    let id = json(tm(&a).args(["sync", "--status", "--json"]))["conflicts"][0]["id"]
        .as_i64()
        .unwrap();
    stdout(tm(&a).args(["sync", "--restore", &id.to_string()]));
    stdout(tm(&a).arg("sync"));
    stdout(tm(&b).arg("sync"));
    let (ha, hb) = (highlights(&a), highlights(&b));
    assert_eq!(ha, hb);
    let back = ha
        .iter()
        .find(|h| h["id"] == h2.as_str())
        .expect("h2 restored");
    assert_eq!(back["tags"], serde_json::json!(["hardware"]));
    assert_eq!(back["label"], "Evidence");
}

#[test]
fn sync_without_a_folder_says_how_to_set_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db).arg("import").arg(seed()).assert().success();
    tm(&db)
        .arg("sync")
        .assert()
        .failure()
        .stderr(predicates::str::contains("no sync folder is set"));
    tm(&db)
        .args(["sync", "--folder"])
        .arg(dir.path().join("missing"))
        .assert()
        .failure()
        .stderr(predicates::str::contains("the sync folder does not exist"));
}

/// A highlight made on a thread the other device deleted, and an untag that lost to
/// the other device's tag: `sync --status` lists both (plain and JSON), and
/// `sync --restore` brings the highlight back with its thread on both devices.
#[test]
fn a_highlight_on_a_deleted_thread_and_a_lost_untag_are_listed_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Sync");
    std::fs::create_dir(&folder).unwrap();
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    tm(&a).arg("import").arg(seed()).assert().success();
    let h1 = stdout(tm(&a).args([
        "highlight",
        "add",
        "1",
        "7",
        "--exact",
        "solid background",
        "--label",
        "Claim",
    ]))
    .trim()
    .to_string();
    stdout(tm(&a).args(["sync", "--folder"]).arg(&folder));
    stdout(tm(&b).args(["sync", "--folder"]).arg(&folder));

    // A tags h1 and syncs; B tags it too before it hears of that; A takes the tag
    // off again. Add wins: the tag stays, A's untag is listed.
    stdout(tm(&a).args(["highlight", "edit", &h1, "--tag", "evidence"]));
    stdout(tm(&a).arg("sync"));
    stdout(tm(&b).args(["highlight", "edit", &h1, "--tag", "evidence"]));
    stdout(tm(&a).args(["highlight", "edit", &h1, "--untag", "evidence"]));
    for db in [&a, &b, &a] {
        stdout(tm(db).arg("sync"));
    }
    assert_eq!(highlights(&a)[0]["tags"], serde_json::json!(["evidence"]));
    // Then A deletes the thread while B marks a new passage on it.
    let h2 = stdout(tm(&b).args([
        "highlight",
        "add",
        "1",
        "7",
        "--exact",
        "Electronics and Information",
        "--note",
        "mine",
    ]))
    .trim()
    .to_string();
    stdout(tm(&a).args(["delete", "1"]));
    stdout(tm(&a).arg("sync"));
    let out_b = stdout(tm(&b).arg("sync"));
    assert!(out_b.contains("conflicts: "), "{out_b}");
    stdout(tm(&a).arg("sync"));

    for db in [&a, &b] {
        let status = json(tm(db).args(["sync", "--status", "--json"]));
        let conflicts = status["conflicts"].as_array().unwrap();
        let lost = conflicts
            .iter()
            .find(|c| c["reason"] == "thread")
            .unwrap_or_else(|| panic!("no highlight lost with its thread: {status}"));
        assert_eq!(lost["entity"], h2.as_str());
        assert_eq!(lost["quote"], "Electronics and Information");
        let untag = conflicts
            .iter()
            .find(|c| c["reason"] == "remove")
            .unwrap_or_else(|| panic!("no lost untag: {status}"));
        assert_eq!(
            (untag["entity"].as_str(), untag["field"].as_str()),
            (Some(h1.as_str()), Some("tags"))
        );
        assert_eq!(untag["value"], "evidence");
        let plain = stdout(tm(db).args(["sync", "--status"]));
        assert!(plain.contains("deleted its thread"), "{plain}");
        assert!(
            plain.contains("removing \"evidence\" on device")
                && plain.contains("lost to a concurrent add"),
            "{plain}"
        );
    }
    // Restored on A, which deleted the thread: the thread and h2 come back on both.
    let id = json(tm(&a).args(["sync", "--status", "--json"]))["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reason"] == "thread")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    stdout(tm(&a).args(["sync", "--restore", &id.to_string()]));
    stdout(tm(&a).arg("sync"));
    stdout(tm(&b).arg("sync"));
    let (ha, hb) = (highlights(&a), highlights(&b));
    assert_eq!(ha, hb);
    let back = ha
        .iter()
        .find(|h| h["id"] == h2.as_str())
        .expect("h2 restored");
    assert_eq!(back["note"], "mine");
}

/// A device that moves to a new folder (`sync --folder NEW`) writes everything it
/// holds there, with the stamps it had: a new library syncing only with the new
/// folder gets all of it, and the other device moving too gets nothing twice.
#[test]
fn moving_to_a_new_folder_writes_everything_there() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("Sync"), dir.path().join("Sync2"));
    std::fs::create_dir(&old).unwrap();
    std::fs::create_dir(&new).unwrap();
    let db = |n: &str| dir.path().join(format!("{n}.sqlite3"));
    let (a, b, c) = (db("a"), db("b"), db("c"));
    tm(&a).arg("import").arg(seed()).assert().success();
    let h1 = stdout(tm(&a).args([
        "highlight",
        "add",
        "1",
        "7",
        "--exact",
        "solid background",
        "--label",
        "Claim",
    ]))
    .trim()
    .to_string();
    stdout(tm(&a).args(["sync", "--folder"]).arg(&old));
    stdout(tm(&b).args(["sync", "--folder"]).arg(&old));
    // B's edits reach A through the old folder.
    stdout(tm(&b).args([
        "highlight",
        "edit",
        &h1,
        "--note",
        "Says who?",
        "--tag",
        "bio",
    ]));
    stdout(tm(&b).arg("sync"));
    stdout(tm(&a).arg("sync"));
    assert_eq!(highlights(&a), highlights(&b));

    let out = stdout(tm(&a).args(["sync", "--folder"]).arg(&new));
    assert!(
        out.contains("wrote everything to a new folder: ") && out.contains(" records, 1 threads"),
        "{out}"
    );
    // Remembered, and not written twice.
    let out = stdout(tm(&a).arg("sync"));
    assert!(!out.contains("wrote everything"), "{out}");
    assert!(out.contains("out: nothing new"), "{out}");

    let out = stdout(tm(&c).args(["sync", "--folder"]).arg(&new));
    assert!(out.contains("1 threads, 1 highlights"), "{out}");
    let hc = highlights(&c);
    assert_eq!(hc, highlights(&a));
    assert_eq!(hc[0]["note"], "Says who?");
    assert_eq!(hc[0]["tags"], serde_json::json!(["bio"]));

    let before = highlights(&b);
    let report = json(tm(&b).args(["sync", "--json", "--folder"]).arg(&new));
    assert_eq!(report["full_copy"]["new_folder"], true, "{report}");
    assert_eq!(report["new_conflicts"], 0, "{report}");
    assert_eq!(highlights(&b), before);
    for lib in [&a, &c] {
        stdout(tm(lib).arg("sync"));
    }
    assert_eq!(highlights(&a), highlights(&b));
    assert_eq!(highlights(&c), highlights(&b));
    let threads = json(tm(&b).args(["list", "--json"]));
    assert_eq!(threads.as_array().map(Vec::len), Some(1), "{threads}");
}
