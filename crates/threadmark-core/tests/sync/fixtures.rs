//! Change files of today's format, kept in tests/fixtures/sync/: a later version
//! must still read them. The folder holds two devices' files (a thread, two
//! highlights with notes, tags and a link, read marks, a conflict) and a device of a
//! "newer version" whose records name a field and a kind this version does not
//! know: they are kept and passed on.
//!
//! These are version 1 files (the first format); version 2's are in
//! fixtures_v2.rs. `write` below made them, and would now write version 2 files:
//! it is kept to show how they were made, not to be run again.

use std::path::{Path, PathBuf};

use serde_json::Value;
use threadmark_core::{HighlightEdit, Library, LinkKind, NewHighlight};

use super::{canonical, library_with_thread, sync_at};

fn fixture() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sync"))
}

fn copy_tree(from: &Path, to: &Path) {
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

const NEWER: &str = "ffffffffffff0002";

#[test]
#[ignore = "writes the fixtures"]
fn write() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, t) = library_with_thread(12, "Seed");
    let add = |lib: &mut Library, exact: &str, label: &str| {
        lib.add_highlight(
            t,
            "7",
            &NewHighlight {
                exact: exact.into(),
                label: Some(label.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    };
    let h1 = add(&mut a, "solid background", "Claim");
    let h2 = add(&mut a, "Electronics and Information", "Evidence");
    a.update_highlight(
        h1,
        &HighlightEdit {
            note: Some("first".into()),
            tags: Some(vec!["bio".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    a.add_link(h2, LinkKind::Supports, h1).unwrap();
    a.mark_read(t, &["1".into(), "7".into()]).unwrap();
    sync_at(&mut a, folder.path(), 1_765_000_000_000);
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, folder.path(), 1_765_000_001_000);
    let uuid = a.highlight(h1).unwrap().uuid;
    let hb = b
        .highlights(b.list_threads().unwrap()[0].id)
        .unwrap()
        .into_iter()
        .find(|h| h.uuid == uuid)
        .unwrap()
        .id;
    a.update_highlight(
        h1,
        &HighlightEdit {
            note: Some("from A".into()),
            ..Default::default()
        },
    )
    .unwrap();
    b.update_highlight(
        hb,
        &HighlightEdit {
            note: Some("from B".into()),
            tags: Some(vec!["bio".into(), "eng".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    sync_at(&mut a, folder.path(), 1_765_000_002_000);
    sync_at(&mut b, folder.path(), 1_765_000_003_000);
    sync_at(&mut a, folder.path(), 1_765_000_004_000);
    assert_eq!(canonical(&a), canonical(&b));
    let out = fixture();
    let _ = std::fs::remove_dir_all(&out);
    copy_tree(folder.path(), &out.join("folder"));
    // A device of a newer version: a field and a kind this one does not know, and
    // a key it does not know on a record.
    let dir = out
        .join("folder/threadmark/devices")
        .join(NEWER)
        .join("changes");
    std::fs::create_dir_all(&dir).unwrap();
    let s = |n: u32| format!("1765000005000-{n:04x}-{NEWER}");
    let lines = [
        format!(
            r##"{{"k":"highlight","id":"{uuid}","f":"colour","v":"#ff8800","s":"{}"}}"##,
            s(0)
        ),
        format!(
            r#"{{"k":"bookmark","id":"b-1","f":"post","v":"7","s":"{}"}}"#,
            s(1)
        ),
        format!(
            r##"{{"k":"label","id":"claim","f":"color","v":"#123456","s":"{}","why":"tidier"}}"##,
            s(2)
        ),
    ];
    let mut text = format!(
        "{{\"format\":\"threadmark-changes\",\"version\":2,\"device\":\"{NEWER}\",\"seq\":1,\"records\":3,\"compression\":\"none\"}}\n"
    );
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str("{\"end\":3}\n");
    std::fs::write(dir.join("0000000001.jsonl"), text).unwrap();
    // What a library that reads it all holds.
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&out.join("folder"), copy.path());
    let mut c = Library::open_in_memory().unwrap();
    sync_at(&mut c, copy.path(), 1_765_000_006_000);
    std::fs::write(out.join("expected.json"), canonical(&c) + "\n").unwrap();
}

#[test]
fn todays_change_files_still_read() {
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&fixture().join("folder"), copy.path());
    let mut lib = Library::open_in_memory().unwrap();
    let r = sync_at(&mut lib, copy.path(), 1_800_000_000_000);
    assert!(r.incomplete.is_empty() && r.ignored.is_empty(), "{r:?}");
    assert_eq!((r.threads, r.highlights, r.pending), (1, 2, 0), "{r:?}");
    let expected = std::fs::read_to_string(fixture().join("expected.json")).unwrap();
    assert_eq!(canonical(&lib) + "\n", expected);
    let got: Value = serde_json::from_str(&expected).unwrap();
    let notes: Vec<&str> = got["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["note"].as_str())
        .collect();
    assert!(notes.contains(&"from B"), "{notes:?}");
    // The note that lost is kept.
    let c = lib.conflicts().unwrap();
    assert!(
        c.iter().any(|c| c.field == "note" && c.value == "from A"),
        "{c:?}"
    );
    // The newer device's label colour applies; its unknown field, kind and key
    // are passed on in this library's own change file, as they came.
    assert!(got["labels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["name"] == "Claim" && l["color"] == "#123456"));
    let own = copy
        .path()
        .join("threadmark/devices")
        .join(&r.device)
        .join("changes");
    let mine: String = std::fs::read_dir(own)
        .unwrap()
        .flatten()
        .map(|f| std::fs::read_to_string(f.path()).unwrap())
        .collect();
    for needle in [r#""f":"colour""#, r#""k":"bookmark""#, r#""why":"tidier""#] {
        assert!(mine.contains(needle), "{needle} not passed on: {mine}");
    }
}
