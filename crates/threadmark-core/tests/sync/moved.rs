//! A folder that lacks a device's files — the device moved to a new (maybe
//! encrypted) folder, or its files in the old one went missing — gets a full
//! copy from it with the original stamps: a library that syncs only with that
//! folder converges to the same state and the same conflict history, a device
//! that already had it all gets nothing twice, and a concurrent newer edit is
//! not overwritten by the old value sent again. On threads of the seed.

use std::collections::BTreeSet;
use std::path::Path;

use threadmark_core::sync::{Passphrase, SyncOptions, SyncReport};
use threadmark_core::{HighlightEdit, LabelSpec, Library, LinkKind};

use super::{add, by_uuid, canonical, import_lines, library_with_thread, sync_at};

fn edit(lib: &mut Library, uuid: &str, e: HighlightEdit) {
    let id = by_uuid(lib, uuid).unwrap().id;
    lib.update_highlight(id, &e).unwrap();
}

/// The conflict history, without ids and times.
fn history(lib: &Library) -> BTreeSet<String> {
    lib.conflicts()
        .unwrap()
        .into_iter()
        .map(|c| {
            format!(
                "{} {} {} {} {} restored={}",
                c.reason, c.kind, c.entity, c.field, c.value, c.restored
            )
        })
        .collect()
}

/// Sync at a fixed time, with a passphrase (for an encrypted folder).
fn sync_p(lib: &mut Library, folder: &Path, ms: i64, p: Option<&str>) -> SyncReport {
    let opts = SyncOptions {
        now_ms: Some(ms),
        passphrase: p.map(|p| Passphrase(p.into())),
        ..Default::default()
    };
    lib.sync_with_folder_opts(folder, &opts).unwrap()
}

/// A and B after syncing through `f1`: two threads, a custom label, highlights
/// with a note edited on both sides (a conflict), tags (one removed again), a
/// link, read marks, a highlight deleted by B, a thread renamed by B. Returns the
/// libraries and the uuid of the highlight both edited.
fn two_through(f1: &Path) -> (Library, Library, String) {
    let (mut a, t) = library_with_thread(40, "Seed");
    import_lines(&mut a, 50, 12, "Second");
    a.add_label(&LabelSpec {
        name: "Provenance".into(),
        color: "#225588".into(),
        shortcut: None,
    })
    .unwrap();
    let h1 = add(&mut a, t, "solid background", "Claim");
    let h2 = add(&mut a, t, "Electronics and Information", "Evidence");
    a.add_link(h2, LinkKind::Supports, h1).unwrap();
    let u1 = a.highlight(h1).unwrap().uuid;
    let u2 = a.highlight(h2).unwrap().uuid;
    sync_at(&mut a, f1, 1_000);
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, f1, 1_000);

    // Offline on both.
    edit(
        &mut a,
        &u1,
        HighlightEdit {
            label: Some(Some("Provenance".into())),
            note: Some("A's note".into()),
            tags: Some(vec!["bio".into(), "talent".into()]),
        },
    );
    let posts: Vec<String> = a.posts(t).unwrap()[..3]
        .iter()
        .map(|p| p.source_id.clone())
        .collect();
    a.mark_read(t, &posts).unwrap();
    edit(
        &mut b,
        &u1,
        HighlightEdit {
            note: Some("B's note".into()),
            ..Default::default()
        },
    );
    let del = by_uuid(&b, &u2).unwrap().id;
    b.delete_highlight(del).unwrap();
    // A notes the highlight B deletes: lost to the delete.
    edit(
        &mut a,
        &u2,
        HighlightEdit {
            note: Some("A's note on the deleted one".into()),
            ..Default::default()
        },
    );
    let second = b
        .list_threads()
        .unwrap()
        .into_iter()
        .find(|t| t.title == "Second")
        .unwrap()
        .id;
    b.rename_thread(second, "Second, renamed").unwrap();
    // B's clock is ahead: its note wins, A's is kept in the history.
    sync_at(&mut a, f1, 5_000);
    sync_at(&mut b, f1, 9_000);
    sync_at(&mut a, f1, 9_100);
    // B removes a tag it has seen; A removes it and gives it again meanwhile:
    // A's second add wins, B's remove is kept in the history.
    edit(
        &mut b,
        &u1,
        HighlightEdit {
            tags: Some(vec!["talent".into()]),
            ..Default::default()
        },
    );
    for tags in [vec!["talent"], vec!["talent", "bio"]] {
        edit(
            &mut a,
            &u1,
            HighlightEdit {
                tags: Some(tags.into_iter().map(String::from).collect()),
                ..Default::default()
            },
        );
        a.sync_capture().unwrap();
    }
    sync_at(&mut b, f1, 9_500);
    sync_at(&mut a, f1, 9_600);
    sync_at(&mut b, f1, 9_700);
    assert_eq!(canonical(&a), canonical(&b));
    assert_eq!(by_uuid(&a, &u1).unwrap().note, "B's note");
    let h = history(&a);
    for lost in ["edit highlight", "delete highlight", "remove highlight"] {
        assert!(h.iter().any(|c| c.starts_with(lost)), "{lost}: {h:#?}");
    }
    assert!(h.iter().any(|c| c.contains("\"A's note\"")), "{h:#?}");
    assert!(by_uuid(&a, &u1).unwrap().tags.contains(&"bio".to_string()));
    assert_eq!(history(&a), history(&b));
    (a, b, u1)
}

/// A moves to `f2`; C syncs only with it; then B moves there too.
fn move_to(f2: &Path, p: Option<&str>) {
    let f1 = tempfile::tempdir().unwrap();
    let (mut a, mut b, u1) = two_through(f1.path());
    let before_b = (canonical(&b), history(&b));

    let r = sync_p(&mut a, f2, 20_000, p);
    let full = r.full_copy.expect("a full copy into the new folder");
    assert!(
        full.new_folder && full.threads == 2 && full.records > 20,
        "{r:?}"
    );
    // The renamed thread's content as last synced is found in the old folder.
    assert_eq!(full.new_contents, 0, "{r:?}");
    assert_eq!(r.encrypted, p.is_some());
    // The next sync finds its files there: nothing more.
    let r = sync_p(&mut a, f2, 20_100, None);
    assert_eq!(
        (r.full_copy, r.sent, r.contents_sent),
        (None, 0, 0),
        "{r:?}"
    );

    let mut c = Library::open_in_memory().unwrap();
    let r = sync_p(&mut c, f2, 21_000, p);
    assert_eq!((r.threads, r.pending), (2, 0), "{r:?}");
    assert_eq!(canonical(&c), canonical(&a));
    assert_eq!(by_uuid(&c, &u1).unwrap().note, "B's note");
    // The same history as A: A's lost note, nothing more.
    assert_eq!(history(&c), history(&a));

    // B moves too: it gets nothing it did not have, and sends all it has.
    let r = sync_p(&mut b, f2, 22_000, p);
    assert!(r.full_copy.is_some_and(|f| f.new_folder), "{r:?}");
    assert_eq!(r.new_conflicts, 0, "{r:?}");
    assert_eq!((canonical(&b), history(&b)), before_b);
    for (lib, at) in [(&mut c, 23_000), (&mut a, 23_100)] {
        let r = sync_p(lib, f2, at, None);
        assert_eq!((r.new_conflicts, r.full_copy), (0, None), "{r:?}");
    }
    assert_eq!(canonical(&a), canonical(&b));
    assert_eq!(canonical(&c), canonical(&b));
    assert_eq!(history(&c), history(&b));
    assert_eq!(b.list_threads().unwrap().len(), 2);
}

#[test]
fn moving_to_a_new_folder_sends_everything_with_its_stamps() {
    let f2 = tempfile::tempdir().unwrap();
    move_to(f2.path(), None);
}

#[test]
fn moving_to_a_new_encrypted_folder_sends_everything_encrypted() {
    let f2 = tempfile::tempdir().unwrap();
    threadmark_core::sync::crypt::create(
        f2.path(),
        &Passphrase("new folder, new key".into()),
        super::crypt::CHEAP,
    )
    .unwrap();
    move_to(f2.path(), Some("new folder, new key"));
    // Nothing readable: the note A lost is in no file, raw.
    let mut stack = vec![f2.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let bytes = std::fs::read(e.path()).unwrap();
                for needle in ["A's note", "B's note", "Provenance", "solid background"] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                        "{needle} in {}",
                        e.path().display()
                    );
                }
            }
        }
    }
}

#[test]
fn a_device_whose_files_vanished_writes_everything_again() {
    let f1 = tempfile::tempdir().unwrap();
    let (mut a, _b, _) = two_through(f1.path());
    let device = a.sync_status().unwrap().device;
    // A sync tool (or the user) empties A's directory in the folder.
    std::fs::remove_dir_all(f1.path().join("threadmark/devices").join(&device)).unwrap();
    let r = sync_at(&mut a, f1.path(), 30_000);
    let full = r.full_copy.expect("a full copy");
    assert!(!full.new_folder && full.threads == 2, "{r:?}");
    // The renamed thread's content as last synced went with A's files (and the
    // title is in it): sent as a new version.
    assert_eq!(full.new_contents, 1, "{r:?}");
    assert!(r.file_written.is_some(), "{r:?}");
    // Once: the folder holds A's files again.
    let r = sync_at(&mut a, f1.path(), 30_100);
    assert_eq!((r.full_copy, r.sent), (None, 0), "{r:?}");
    let changes = f1
        .path()
        .join("threadmark/devices")
        .join(&device)
        .join("changes");
    assert_eq!(std::fs::read_dir(&changes).unwrap().count(), 1);

    // A new library syncing with the folder gets all of A (B's files are
    // there as well; without B's, see below).
    let mut d = Library::open_in_memory().unwrap();
    sync_at(&mut d, f1.path(), 31_000);
    assert_eq!(canonical(&d), canonical(&a));
    assert_eq!(history(&d), history(&a));

    // Only A's files: B's directory pruned too, a new library still converges.
    for e in std::fs::read_dir(f1.path().join("threadmark/devices"))
        .unwrap()
        .flatten()
    {
        if e.file_name().to_string_lossy() != device {
            std::fs::remove_dir_all(e.path()).unwrap();
        }
    }
    let mut e = Library::open_in_memory().unwrap();
    let r = sync_at(&mut e, f1.path(), 32_000);
    assert_eq!((r.threads, r.pending), (2, 0), "{r:?}");
    assert_eq!(canonical(&e), canonical(&a));
    assert_eq!(history(&e), history(&a));
}

#[test]
fn a_file_missing_among_several_brings_a_full_copy() {
    let f = tempfile::tempdir().unwrap();
    let (mut a, t) = library_with_thread(20, "Seed");
    add(&mut a, t, "solid background", "Claim");
    sync_at(&mut a, f.path(), 1_000);
    add(&mut a, t, "Electronics and Information", "Evidence");
    sync_at(&mut a, f.path(), 2_000);
    let device = a.sync_status().unwrap().device;
    let first = f.path().join(format!(
        "threadmark/devices/{device}/changes/0000000001.jsonl"
    ));
    std::fs::remove_file(&first).unwrap();
    let r = sync_at(&mut a, f.path(), 3_000);
    assert!(r.full_copy.is_some(), "{r:?}");
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, f.path(), 4_000);
    assert_eq!(canonical(&b), canonical(&a));
}

#[test]
fn an_old_value_sent_again_does_not_beat_a_newer_edit() {
    let (f1, f2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, t) = library_with_thread(20, "Seed");
    let h = add(&mut a, t, "solid background", "Claim");
    let uuid = a.highlight(h).unwrap().uuid;
    edit(
        &mut a,
        &uuid,
        HighlightEdit {
            note: Some("old".into()),
            ..Default::default()
        },
    );
    sync_at(&mut a, f1.path(), 1_000);
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, f1.path(), 1_000);
    // B edits the note (having seen A's) and moves to F2 first.
    edit(
        &mut b,
        &uuid,
        HighlightEdit {
            note: Some("newer".into()),
            ..Default::default()
        },
    );
    sync_at(&mut b, f2.path(), 5_000);
    // A, which never saw B's edit, moves later by the wall clock: its copy of
    // "old" keeps its stamp of 1,000 ms (stamped again, it would win).
    let r = sync_at(&mut a, f2.path(), 9_000);
    assert!(r.full_copy.is_some(), "{r:?}");
    assert_eq!(by_uuid(&a, &uuid).unwrap().note, "newer");
    sync_at(&mut b, f2.path(), 9_100);
    assert_eq!(by_uuid(&b, &uuid).unwrap().note, "newer");
    let mut c = Library::open_in_memory().unwrap();
    sync_at(&mut c, f2.path(), 9_200);
    assert_eq!(by_uuid(&c, &uuid).unwrap().note, "newer");
    assert_eq!(canonical(&a), canonical(&b));
    assert_eq!(canonical(&c), canonical(&b));
    // B had replaced "old" knowingly: no conflict anywhere.
    for lib in [&a, &b, &c] {
        assert!(history(lib).is_empty(), "{:?}", history(lib));
    }
}

#[test]
fn a_folder_pruned_of_a_gone_device_is_filled_again_by_the_others() {
    let f = tempfile::tempdir().unwrap();
    let (a, mut b, u1) = two_through(f.path());
    // A's machine is gone for good, and someone prunes its directory.
    let gone = a.sync_status().unwrap().device;
    drop(a);
    std::fs::remove_dir_all(f.path().join("threadmark/devices").join(&gone)).unwrap();
    let r = sync_at(&mut b, f.path(), 40_000);
    let full = r.full_copy.expect("a full copy");
    assert!(!full.new_folder && full.threads == 2, "{r:?}");
    // A new device joining the pruned folder gets all, A's work included.
    let mut c = Library::open_in_memory().unwrap();
    let r = sync_at(&mut c, f.path(), 41_000);
    assert_eq!(r.pending, 0, "{r:?}");
    assert_eq!(canonical(&c), canonical(&b));
    assert_eq!(history(&c), history(&b));
    let h = by_uuid(&c, &u1).unwrap();
    assert_eq!(h.label.as_deref(), Some("Provenance"));
}
