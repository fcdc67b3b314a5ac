//! Two and three libraries syncing through folders, step by step.

use std::path::Path;

use threadmark_core::{HighlightEdit, LinkKind};

use super::{add, by_uuid, canonical, import_lines, library_with_thread, sync_at};

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(dir.join("threadmark/devices"))
        .unwrap()
        .flatten()
    {
        for f in std::fs::read_dir(d.path().join("changes"))
            .unwrap()
            .flatten()
        {
            out.push(f.path());
        }
    }
    out.sort();
    out
}

#[test]
fn everything_travels_and_a_second_sync_sends_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, t) = library_with_thread(40, "Seed");
    let h1 = add(&mut a, t, "solid background", "Claim");
    let h2 = add(&mut a, t, "Electronics and Information", "Evidence");
    a.update_highlight(
        h1,
        &HighlightEdit {
            note: Some("why?".into()),
            tags: Some(vec!["bio".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    a.add_link(h2, LinkKind::Supports, h1).unwrap();
    let posts: Vec<String> = a
        .posts(t)
        .unwrap()
        .iter()
        .take(3)
        .map(|p| p.source_id.clone())
        .collect();
    assert_eq!(a.mark_read(t, &posts).unwrap(), 3);
    a.rename_thread(t, "DeepSeek founder").unwrap();
    let r = sync_at(&mut a, folder.path(), 1_000_000);
    assert!(r.sent > 10 && r.contents_sent == 1, "{r:?}");

    let mut b = threadmark_core::Library::open_in_memory().unwrap();
    let r = sync_at(&mut b, folder.path(), 1_000_000);
    assert_eq!(
        (r.threads, r.highlights, r.reads, r.pending),
        (1, 2, 3, 0),
        "{r:?}"
    );
    assert_eq!(canonical(&a), canonical(&b));
    let bt = b.list_threads().unwrap()[0].clone();
    assert_eq!(
        (bt.title.as_str(), bt.posts),
        ("DeepSeek founder", a.thread(t).unwrap().posts)
    );

    // Nothing changed: nothing is written or applied.
    for lib in [&mut a, &mut b] {
        let r = sync_at(lib, folder.path(), 2_000_000);
        assert_eq!((r.sent, r.received, r.contents_sent), (0, 0, 0), "{r:?}");
    }
    assert!(a.conflicts().unwrap().is_empty() && b.conflicts().unwrap().is_empty());
}

#[test]
fn concurrent_edits_of_one_field_keep_the_loser_and_restore_it() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, t) = library_with_thread(20, "Seed");
    let h = add(&mut a, t, "solid background", "Claim");
    let uuid = a.highlight(h).unwrap().uuid;
    sync_at(&mut a, folder.path(), 1_000);
    let mut b = threadmark_core::Library::open_in_memory().unwrap();
    sync_at(&mut b, folder.path(), 1_000);
    let hb = by_uuid(&b, &uuid).unwrap().id;

    a.update_highlight(
        h,
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
            ..Default::default()
        },
    )
    .unwrap();
    // B's clock runs ahead: its edit wins everywhere, whoever syncs first.
    sync_at(&mut a, folder.path(), 5_000);
    sync_at(&mut b, folder.path(), 9_000);
    sync_at(&mut a, folder.path(), 5_001);
    assert_eq!(canonical(&a), canonical(&b));
    assert_eq!(by_uuid(&a, &uuid).unwrap().note, "from B");
    for lib in [&a, &b] {
        let c = lib.conflicts().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].field.as_str(), c[0].value.as_str()),
            ("note", Some("from A"))
        );
        assert_eq!(
            c[0].lost_to.as_ref().and_then(|v| v.as_str()),
            Some("from B")
        );
    }
    // Restoring on B makes A's note current on both.
    let id = b.conflicts().unwrap()[0].id;
    assert!(b.restore_conflict(id).unwrap().restored);
    assert_eq!(by_uuid(&b, &uuid).unwrap().note, "from A");
    sync_at(&mut b, folder.path(), 9_500);
    sync_at(&mut a, folder.path(), 9_600);
    assert_eq!(by_uuid(&a, &uuid).unwrap().note, "from A");
    assert_eq!(canonical(&a), canonical(&b));
}

#[test]
fn cut_files_conflict_copies_and_temporary_names_do_no_harm() {
    let (fa, fb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, t) = library_with_thread(20, "Seed");
    add(&mut a, t, "solid background", "Claim");
    sync_at(&mut a, fa.path(), 1_000);
    let mut b = threadmark_core::Library::open_in_memory().unwrap();
    sync_at(&mut b, fb.path(), 1_000);
    // Copy A's folder to B's by hand: the change file cut short first.
    let src = fa.path().join("threadmark/devices");
    let dev = std::fs::read_dir(&src)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let dst = fb.path().join("threadmark/devices").join(&dev);
    for sub in ["changes", "threads"] {
        std::fs::create_dir_all(dst.join(sub)).unwrap();
    }
    for f in std::fs::read_dir(src.join(&dev).join("threads"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(f.path(), dst.join("threads").join(f.file_name())).unwrap();
    }
    let change = files(fa.path())[0].clone();
    let bytes = std::fs::read(&change).unwrap();
    let name = change.file_name().unwrap().to_string_lossy().to_string();
    std::fs::write(dst.join("changes").join(&name), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(
        dst.join("changes").join(format!(".{name}.tmp")),
        &bytes[..10],
    )
    .unwrap();
    let r = sync_at(&mut b, fb.path(), 2_000);
    assert_eq!((r.received, r.incomplete.len()), (0, 1), "{r:?}");
    assert!(b.list_threads().unwrap().is_empty());
    // Now whole, plus a Syncthing and a Dropbox conflict copy of it.
    std::fs::write(dst.join("changes").join(&name), &bytes).unwrap();
    let stem = name.trim_end_matches(".jsonl");
    std::fs::write(
        dst.join("changes").join(format!(
            "{stem}.sync-conflict-20261207-101010-ABCDEFG.jsonl"
        )),
        &bytes,
    )
    .unwrap();
    std::fs::write(
        dst.join("changes")
            .join(format!("{stem} (conflicted copy 2026-12-07).jsonl")),
        &bytes,
    )
    .unwrap();
    let r = sync_at(&mut b, fb.path(), 3_000);
    assert_eq!(r.files_read, 3, "{r:?}");
    // Every record of the copies was read before (records that lost to B's own,
    // such as its default labels' stamps, count as received each time).
    assert!(r.received > 0 && r.duplicates > 0, "{r:?}");
    assert_eq!((r.received + r.duplicates) % 3, 0, "{r:?}");
    assert!(r.incomplete.is_empty(), "{r:?}");
    assert_eq!(canonical(&a), canonical(&b));
    assert!(b.conflicts().unwrap().is_empty());
}

#[test]
fn a_thread_waits_for_its_content_and_a_crash_before_the_rename_loses_nothing() {
    let (fa, fb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut a, t) = library_with_thread(20, "Seed");
    add(&mut a, t, "solid background", "Claim");
    // Crash after writing the change file under its temporary name.
    let opts = threadmark_core::sync::SyncOptions {
        now_ms: Some(1_000),
        crash_before_rename: true,
        ..Default::default()
    };
    a.sync_with_folder_opts(fa.path(), &opts).unwrap();
    assert!(files(fa.path()).iter().all(|f| f
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with('.')));
    let r = sync_at(&mut a, fa.path(), 1_100);
    assert!(r.sent > 0, "{r:?}");
    assert!(files(fa.path()).iter().all(|f| !f
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with('.')));
    // B gets the change file before the thread's content file.
    let src = fa.path().join("threadmark/devices");
    let dev = std::fs::read_dir(&src)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let dst = fb.path().join("threadmark/devices").join(&dev);
    std::fs::create_dir_all(dst.join("changes")).unwrap();
    for f in files(fa.path()) {
        std::fs::copy(&f, dst.join("changes").join(f.file_name().unwrap())).unwrap();
    }
    let mut b = threadmark_core::Library::open_in_memory().unwrap();
    let r = sync_at(&mut b, fb.path(), 2_000);
    assert_eq!((r.threads, r.highlights, r.pending), (0, 0, 2), "{r:?}");
    assert_eq!(b.sync_status().unwrap().pending, 2);
    std::fs::create_dir_all(dst.join("threads")).unwrap();
    for f in std::fs::read_dir(src.join(&dev).join("threads"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(f.path(), dst.join("threads").join(f.file_name())).unwrap();
    }
    let r = sync_at(&mut b, fb.path(), 3_000);
    assert_eq!((r.threads, r.highlights, r.pending), (1, 1, 0), "{r:?}");
    assert_eq!(canonical(&a), canonical(&b));
}

#[test]
fn a_second_thread_and_its_deletion_travel() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, _) = library_with_thread(10, "One");
    let mut b = threadmark_core::Library::open_in_memory().unwrap();
    sync_at(&mut a, folder.path(), 1_000);
    sync_at(&mut b, folder.path(), 1_000);
    let t2 = import_lines(&mut b, 30, 12, "Two");
    sync_at(&mut b, folder.path(), 2_000);
    sync_at(&mut a, folder.path(), 2_000);
    assert_eq!(a.list_threads().unwrap().len(), 2);
    assert_eq!(canonical(&a), canonical(&b));
    b.delete_thread(t2).unwrap();
    sync_at(&mut b, folder.path(), 3_000);
    sync_at(&mut a, folder.path(), 3_000);
    assert_eq!(a.list_threads().unwrap().len(), 1);
    assert_eq!(canonical(&a), canonical(&b));
}
