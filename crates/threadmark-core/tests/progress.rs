//! Long imports: progress reports and cancelling. A cancelled import leaves the
//! library exactly as it was (every import is one transaction), whether it stops
//! while posts are prepared, while they are stored, or when a re-import was already
//! rewriting a saved thread in place.

use std::ops::ControlFlow;
use std::path::PathBuf;

use threadmark_core::progress::{ImportProgress, ImportStage};
use threadmark_core::{ErrorKind, Library};

fn mbox() -> PathBuf {
    super::corpus().join("mbox/mail-box-magick.mbox")
}

/// Everything a cancelled import could have touched, as rows of text.
fn snapshot(lib: &Library) -> Vec<String> {
    let conn = lib.connection();
    let mut rows = Vec::new();
    for sql in [
        "SELECT id || '|' || title || '|' || source || '|' || imported_at FROM threads ORDER BY id",
        "SELECT id || '|' || thread_id || '|' || source_id || '|' || position || '|' || deleted || '|' || html || '|' || coalesce(markup, '-') FROM posts ORDER BY id",
        "SELECT post_id || '|' || start || '|' || \"end\" || '|' || coalesce(source_post, '') FROM quotes ORDER BY id",
        "SELECT rowid || '|' || text FROM posts_fts ORDER BY rowid",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let found = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows.push(format!("{sql}: {}", found.len()));
        rows.extend(found);
    }
    rows
}

#[test]
fn an_mbox_import_reports_every_post_prepared_and_stored() {
    let mut lib = Library::open_in_memory().unwrap();
    let mut seen: Vec<ImportProgress> = Vec::new();
    let ids = lib
        .import_path_observed(&mbox(), &mut |p| {
            seen.push(p);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(ids.len() > 1, "the mbox holds several conversations");
    let posts: i64 = ids.iter().map(|&id| lib.thread(id).unwrap().posts).sum();
    let total = posts as usize;
    assert!(seen
        .iter()
        .all(|p| p.total == total && p.threads == ids.len()));

    let preparing: Vec<usize> = seen
        .iter()
        .filter(|p| p.stage == ImportStage::Preparing)
        .map(|p| p.done)
        .collect();
    let storing: Vec<usize> = seen
        .iter()
        .filter(|p| p.stage == ImportStage::Storing)
        .map(|p| p.done)
        .collect();
    assert_eq!(preparing, (1..=total).collect::<Vec<_>>());
    // One report per post stored, then the last one before the commit.
    let mut expected: Vec<usize> = (1..=total).collect();
    expected.push(total);
    assert_eq!(storing, expected);
    // Posts are written while later ones are still being rendered, but each is
    // prepared before it is stored.
    let mut prepared = 0;
    for p in &seen {
        match p.stage {
            ImportStage::Preparing => prepared = p.done,
            ImportStage::Storing => assert!(p.done <= prepared, "{p:?} after {prepared} prepared"),
        }
    }
}

/// Imports the mbox into `lib`, cancelling at the `at`-th report of `stage`.
fn cancel_at(lib: &mut Library, stage: ImportStage, at: usize) -> threadmark_core::Error {
    let mut count = 0;
    lib.import_path_observed(&mbox(), &mut |p| {
        if p.stage == stage {
            count += 1;
            if count == at {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })
    .expect_err("cancelled")
}

#[test]
fn cancelling_while_preparing_or_storing_leaves_the_library_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("lib.sqlite3")).unwrap();
    lib.import_path(&super::seed_path()).unwrap();
    let before = snapshot(&lib);

    for (stage, at) in [
        (ImportStage::Preparing, 1),
        (ImportStage::Preparing, 5),
        (ImportStage::Storing, 1),
        (ImportStage::Storing, 7),
    ] {
        let error = cancel_at(&mut lib, stage, at);
        assert_eq!(
            error.kind(),
            ErrorKind::Cancelled,
            "{stage:?} {at}: {error}"
        );
        assert!(error.to_string().contains("nothing was saved"), "{error}");
        assert_eq!(
            snapshot(&lib),
            before,
            "{stage:?} {at}: the library changed"
        );
    }

    // The library is usable afterwards: the same import, not cancelled, goes through.
    let ids = lib.import_path(&mbox()).unwrap();
    assert!(ids.len() > 1);
    assert_ne!(snapshot(&lib), before);
}

#[test]
fn cancelling_the_last_step_of_a_reimport_keeps_the_saved_thread_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.sqlite3");
    let mut lib = Library::open(&path).unwrap();
    lib.import_path(&mbox()).unwrap();
    let before = snapshot(&lib);

    // A re-import rewrites the saved conversations in place (positions parked,
    // posts upserted); the cancel comes after every post was written.
    let mut stored = 0;
    let total = lib
        .list_threads()
        .unwrap()
        .iter()
        .map(|t| t.posts as usize)
        .sum::<usize>();
    let error = lib
        .import_path_observed(&mbox(), &mut |p| {
            if p.stage == ImportStage::Storing {
                stored += 1;
                if stored > total {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })
        .expect_err("cancelled");
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert_eq!(snapshot(&lib), before);
    drop(lib);
    // And on disk, as another process opening the file sees it.
    assert_eq!(snapshot(&Library::open(&path).unwrap()), before);
}

#[test]
fn pasted_text_reports_progress_and_can_be_cancelled() {
    let mut lib = Library::open_in_memory().unwrap();
    let before = snapshot(&lib);
    let text = super::seed();
    let error = lib
        .import_pasted_observed(&text, None, &mut |p| {
            if p.stage == ImportStage::Storing && p.done == p.total / 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .expect_err("cancelled");
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert_eq!(snapshot(&lib), before);
    let mut last = None;
    lib.import_pasted_observed(&text, None, &mut |p| {
        last = Some(p);
        ControlFlow::Continue(())
    })
    .unwrap();
    let last = last.unwrap();
    assert_eq!(
        (last.stage, last.done, last.threads),
        (ImportStage::Storing, last.total, 1)
    );
    assert!(last.total > 10, "the seed has many posts: {last:?}");
}
