//! Change files of format version 2, kept in tests/fixtures/sync-v2/ beside the
//! version 1 files of tests/fixtures/sync/ (which still read: fixtures.rs). Version
//! 2 adds `r` to an `add`: the removes of its element its device had seen. The
//! folder holds two devices' files on a thread of the seed: an untag that lost to a
//! concurrent tag, a tag put back after its untag was seen (no conflict: the add
//! names the remove), and a label deleted on one device while the other gave it.
//!
//! `cargo test -p threadmark-core --test tests sync::fixtures_v2::write -- --ignored`
//! writes them again (only when the format changes on purpose).

use std::path::PathBuf;

use serde_json::Value;
use threadmark_core::{HighlightEdit, LabelRemoval, Library, NewHighlight};

use super::{canonical, library_with_thread, sync_at};

fn fixture() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sync-v2"
    ))
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

fn tags(lib: &mut Library, id: i64, tags: &[&str]) {
    let edit = HighlightEdit {
        tags: Some(tags.iter().map(|t| t.to_string()).collect()),
        ..Default::default()
    };
    lib.update_highlight(id, &edit).unwrap();
}

fn id_of(lib: &Library, uuid: &str) -> i64 {
    let t = lib.list_threads().unwrap()[0].id;
    lib.highlights(t)
        .unwrap()
        .into_iter()
        .find(|h| h.uuid == uuid)
        .unwrap()
        .id
}

#[test]
#[ignore = "writes the fixtures"]
fn write() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let (mut a, t) = library_with_thread(12, "Seed");
    let mut add = |exact: &str| {
        let h = NewHighlight {
            exact: exact.into(),
            label: Some("Claim".into()),
            ..Default::default()
        };
        a.add_highlight(t, "7", &h).unwrap().uuid
    };
    let (u1, u2) = (add("solid background"), add("Electronics and Information"));
    let (a1, a2) = (id_of(&a, &u1), id_of(&a, &u2));
    tags(&mut a, a2, &["x"]);
    sync_at(&mut a, dir, 1_765_000_000_000);
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, dir, 1_765_000_001_000);
    let (b1, b2) = (id_of(&b, &u1), id_of(&b, &u2));
    // A tags u1 and syncs; B tags it too, unaware; A untags it: A's untag loses.
    tags(&mut a, a1, &["evidence"]);
    sync_at(&mut a, dir, 1_765_000_002_000);
    tags(&mut b, b1, &["evidence"]);
    tags(&mut a, a1, &[]);
    // B untags u2's "x"; A sees it, then tags "x" again (an add naming the remove).
    tags(&mut b, b2, &[]);
    // A deletes the label Question while B gives it to u2.
    let q = a
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Question")
        .unwrap();
    a.delete_label(q.id, LabelRemoval::Unlabel).unwrap();
    let edit = HighlightEdit {
        label: Some(Some("Question".into())),
        ..Default::default()
    };
    b.update_highlight(b2, &edit).unwrap();
    sync_at(&mut b, dir, 1_765_000_003_000);
    sync_at(&mut a, dir, 1_765_000_004_000);
    tags(&mut a, a2, &["x"]);
    sync_at(&mut a, dir, 1_765_000_005_000);
    sync_at(&mut b, dir, 1_765_000_006_000);
    assert_eq!(canonical(&a), canonical(&b));
    let out = fixture();
    let _ = std::fs::remove_dir_all(&out);
    copy_tree(dir, &out.join("folder"));
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&out.join("folder"), copy.path());
    let mut c = Library::open_in_memory().unwrap();
    sync_at(&mut c, copy.path(), 1_765_000_007_000);
    std::fs::write(out.join("expected.json"), canonical(&c) + "\n").unwrap();
}

#[test]
fn version_2_change_files_read_with_their_conflicts() {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&fixture().join("folder"), copy.path());
    let all: String = walk(copy.path());
    assert!(
        all.contains("\"version\":2"),
        "the fixture holds version 2 files"
    );
    assert!(
        all.contains("\"op\":\"add\"") && all.contains("\"r\":["),
        "an add names a remove"
    );
    let mut lib = Library::open_in_memory().unwrap();
    let r = sync_at(&mut lib, copy.path(), 1_800_000_000_000);
    assert!(r.incomplete.is_empty() && r.ignored.is_empty(), "{r:?}");
    let expected = std::fs::read_to_string(fixture().join("expected.json")).unwrap();
    assert_eq!(canonical(&lib) + "\n", expected);
    let got: Value = serde_json::from_str(&expected).unwrap();
    let tags: Vec<Value> = got["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["tags"].clone())
        .collect();
    assert!(
        tags.contains(&serde_json::json!(["evidence"])) && tags.contains(&serde_json::json!(["x"])),
        "{tags:?}"
    );
    let c = lib.conflicts().unwrap();
    let reasons: Vec<(&str, &str, &Value)> = c
        .iter()
        .map(|c| (c.reason.as_str(), c.field.as_str(), &c.value))
        .collect();
    // The untag of "evidence" lost; "x" tagged again after its untag was seen is
    // no conflict; the label given while deleted is kept.
    assert!(
        reasons.contains(&("remove", "tags", &Value::from("evidence"))),
        "{reasons:?}"
    );
    assert!(!reasons.iter().any(|(_, _, v)| **v == "x"), "{reasons:?}");
    assert!(
        reasons.contains(&("label", "label", &Value::from("Question"))),
        "{reasons:?}"
    );
}

/// Every change file under a folder, concatenated.
fn walk(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out += &walk(&e.path());
        } else if e.path().extension().is_some_and(|x| x == "jsonl") {
            out += &std::fs::read_to_string(e.path()).unwrap();
        }
    }
    out
}
