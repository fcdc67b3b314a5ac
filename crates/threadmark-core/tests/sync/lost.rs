//! Work that a concurrent delete or add would make disappear is in the conflict
//! history of both libraries and can be restored (issue 16: nothing disappears
//! silently): a highlight made on a thread another device deleted, a label given
//! while another device deleted the label, an untag or unlink that lost to a
//! concurrent add. On threads of the seed.

use threadmark_core::sync::Conflict;
use threadmark_core::{HighlightEdit, LabelRemoval, Library, LinkKind};

use super::{add, by_uuid, canonical, library_with_thread, sync_at};

fn edit(lib: &mut Library, id: i64, e: HighlightEdit) {
    lib.update_highlight(id, &e).unwrap();
}

/// A on a thread with the given highlights, and B a copy of it through `folder`.
fn two(folder: &std::path::Path, marks: &[(&str, &str)]) -> (Library, Library, i64, Vec<String>) {
    let (mut a, t) = library_with_thread(20, "Seed");
    let mut uuids = Vec::new();
    for (exact, label) in marks {
        let id = add(&mut a, t, exact, label);
        uuids.push(a.highlight(id).unwrap().uuid);
    }
    sync_at(&mut a, folder, 1_000);
    let mut b = Library::open_in_memory().unwrap();
    sync_at(&mut b, folder, 1_000);
    (a, b, t, uuids)
}

/// Both sync until each has the other's changes: A, B, A.
fn exchange(a: &mut Library, b: &mut Library, folder: &std::path::Path, at: i64) {
    sync_at(a, folder, at);
    sync_at(b, folder, at + 100);
    sync_at(a, folder, at + 200);
    assert_eq!(canonical(a), canonical(b), "the libraries differ");
}

fn find<'a>(cs: &'a [Conflict], reason: &str, entity: &str, field: &str) -> &'a Conflict {
    cs.iter()
        .find(|c| c.reason == reason && c.entity == entity && c.field == field)
        .unwrap_or_else(|| panic!("no {reason} conflict on {entity} {field}: {cs:#?}"))
}

#[test]
fn a_highlight_made_on_a_thread_deleted_elsewhere_is_kept_and_restored() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, mut b, t, u) = two(folder.path(), &[("solid background", "Claim")]);
    let bt = b.list_threads().unwrap()[0].id;
    let thread_uuid = b.thread_identity(bt).unwrap().0;
    // Offline: A deletes the thread; B marks a new passage on it (with a note and
    // a tag) and writes a note on the old one.
    a.delete_thread(t).unwrap();
    let new = add(&mut b, bt, "Electronics and Information", "Evidence");
    let new_uuid = b.highlight(new).unwrap().uuid;
    edit(
        &mut b,
        new,
        HighlightEdit {
            note: Some("keep this".into()),
            tags: Some(vec!["hardware".into()]),
            ..Default::default()
        },
    );
    let old = by_uuid(&b, &u[0]).unwrap().id;
    edit(
        &mut b,
        old,
        HighlightEdit {
            note: Some("edited on B".into()),
            ..Default::default()
        },
    );
    exchange(&mut a, &mut b, folder.path(), 5_000);
    // The delete won on both sides ...
    assert!(a.list_threads().unwrap().is_empty() && b.list_threads().unwrap().is_empty());
    // ... and nothing went silently: the new highlight, lost with its thread, and
    // the old one's note, lost to its delete.
    let (ca, cb) = (a.conflicts().unwrap(), b.conflicts().unwrap());
    for cs in [&ca, &cb] {
        let c = find(cs, "thread", &new_uuid, "thread");
        assert_eq!(c.value, thread_uuid.as_str());
        assert_eq!(c.lost_to, None);
        assert_eq!(c.quote.as_deref(), Some("Electronics and Information"));
        assert_eq!(c.thread_title.as_deref(), Some("Seed"));
        assert_eq!(
            (c.device.as_str(), c.winner_device.as_str()),
            (
                b.sync_status().unwrap().device.as_str(),
                a.sync_status().unwrap().device.as_str()
            )
        );
        assert!(
            c.summary.contains("while device") && c.summary.contains("deleted its thread"),
            "{}",
            c.summary
        );
        let c = find(cs, "delete", &u[0], "note");
        assert_eq!(c.value, "edited on B");
    }
    // Restoring the new highlight on A (which deleted the thread) brings back the
    // thread and the highlight with its note and tag, on both.
    let id = find(&ca, "thread", &new_uuid, "thread").id;
    assert!(a.restore_conflict(id).unwrap().restored);
    let back = by_uuid(&a, &new_uuid).expect("restored on A");
    assert_eq!(
        (back.note.as_str(), back.tags.clone()),
        ("keep this", vec!["hardware".to_string()])
    );
    assert!(
        by_uuid(&a, &u[0]).is_none(),
        "the highlight A deleted stays deleted"
    );
    exchange(&mut a, &mut b, folder.path(), 9_000);
    let back = by_uuid(&b, &new_uuid).expect("restored on B");
    assert_eq!(back.note, "keep this");
    assert_eq!(b.list_threads().unwrap()[0].title, "Seed");
    // Restoring the old one's note brings it back too.
    let id = find(&b.conflicts().unwrap(), "delete", &u[0], "note").id;
    b.restore_conflict(id).unwrap();
    exchange(&mut a, &mut b, folder.path(), 12_000);
    assert_eq!(by_uuid(&a, &u[0]).unwrap().note, "edited on B");
}

#[test]
fn a_note_on_a_highlight_whose_thread_was_deleted_restores_the_thread_too() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, mut b, t, u) = two(folder.path(), &[("solid background", "Claim")]);
    a.delete_thread(t).unwrap();
    let hb = by_uuid(&b, &u[0]).unwrap().id;
    edit(
        &mut b,
        hb,
        HighlightEdit {
            note: Some("still thinking".into()),
            ..Default::default()
        },
    );
    exchange(&mut a, &mut b, folder.path(), 5_000);
    let id = find(&b.conflicts().unwrap(), "delete", &u[0], "note").id;
    b.restore_conflict(id).unwrap();
    assert_eq!(b.list_threads().unwrap().len(), 1, "the thread is back");
    assert_eq!(by_uuid(&b, &u[0]).unwrap().note, "still thinking");
    exchange(&mut a, &mut b, folder.path(), 9_000);
    assert_eq!(by_uuid(&a, &u[0]).unwrap().note, "still thinking");
}

#[test]
fn a_label_deleted_while_given_elsewhere_is_kept_and_restored() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, mut b, _, u) = two(folder.path(), &[("solid background", "Claim")]);
    // Offline: A deletes the built-in label Question; B gives it to the highlight.
    let q = a
        .labels()
        .unwrap()
        .into_iter()
        .find(|l| l.name == "Question")
        .unwrap();
    a.delete_label(q.id, LabelRemoval::Unlabel).unwrap();
    let hb = by_uuid(&b, &u[0]).unwrap().id;
    edit(
        &mut b,
        hb,
        HighlightEdit {
            label: Some(Some("Question".into())),
            ..Default::default()
        },
    );
    exchange(&mut a, &mut b, folder.path(), 5_000);
    assert_eq!(by_uuid(&b, &u[0]).unwrap().label, None, "the delete won");
    for lib in [&a, &b] {
        let c = lib.conflicts().unwrap();
        let c = find(&c, "label", &u[0], "label");
        assert_eq!((c.value.as_str(), &c.lost_to), (Some("Question"), &None));
        assert!(c.summary.contains("deleted the label"), "{}", c.summary);
    }
    // Restored on A, which deleted it: the label is back as built in, on the
    // highlight, on both.
    let id = find(&a.conflicts().unwrap(), "label", &u[0], "label").id;
    a.restore_conflict(id).unwrap();
    exchange(&mut a, &mut b, folder.path(), 9_000);
    for lib in [&a, &b] {
        assert_eq!(
            by_uuid(lib, &u[0]).unwrap().label.as_deref(),
            Some("Question")
        );
        let l = lib
            .labels()
            .unwrap()
            .into_iter()
            .find(|l| l.name == "Question")
            .unwrap();
        assert_eq!(
            (l.color.as_str(), l.shortcut.as_deref()),
            ("#1c7ed6", Some("4"))
        );
    }
}

#[test]
fn an_untag_and_an_unlink_that_lost_to_concurrent_adds_are_kept_and_applied_again() {
    let folder = tempfile::tempdir().unwrap();
    let (mut a, mut b, t, u) = two(
        folder.path(),
        &[
            ("solid background", "Claim"),
            ("Electronics and Information", "Evidence"),
        ],
    );
    let (ha, hb) = (
        by_uuid(&a, &u[0]).unwrap().id,
        by_uuid(&b, &u[0]).unwrap().id,
    );
    let (ha2, hb2) = (
        by_uuid(&a, &u[1]).unwrap().id,
        by_uuid(&b, &u[1]).unwrap().id,
    );
    // A tags and links, and syncs; B, before it hears of that, does the same.
    edit(
        &mut a,
        ha,
        HighlightEdit {
            tags: Some(vec!["evidence".into()]),
            ..Default::default()
        },
    );
    a.add_link(ha, LinkKind::Supports, ha2).unwrap();
    sync_at(&mut a, folder.path(), 2_000);
    edit(
        &mut b,
        hb,
        HighlightEdit {
            tags: Some(vec!["evidence".into()]),
            ..Default::default()
        },
    );
    b.add_link(hb, LinkKind::Supports, hb2).unwrap();
    // A takes both off again, not having seen B's.
    edit(
        &mut a,
        ha,
        HighlightEdit {
            tags: Some(vec![]),
            ..Default::default()
        },
    );
    let link = a.links(t).unwrap()[0].id;
    a.delete_link(link).unwrap();
    exchange(&mut a, &mut b, folder.path(), 5_000);
    // Add wins: both are still there, and A's removals are in both histories.
    assert_eq!(
        by_uuid(&a, &u[0]).unwrap().tags,
        vec!["evidence".to_string()]
    );
    assert_eq!(a.links(t).unwrap().len(), 1);
    let element = format!("supports {}", u[1]);
    for lib in [&a, &b] {
        let cs = lib.conflicts().unwrap();
        let c = find(&cs, "remove", &u[0], "tags");
        assert_eq!(
            (
                c.value.as_str(),
                c.lost_to.as_ref().and_then(|v| v.as_str())
            ),
            (Some("evidence"), Some("evidence"))
        );
        assert_eq!(c.device, a.sync_status().unwrap().device);
        assert!(
            c.summary.contains("removing \"evidence\"") && c.summary.contains("concurrent add"),
            "{}",
            c.summary
        );
        let c = find(&cs, "remove", &u[0], "links");
        assert_eq!(c.value, element.as_str());
        assert_eq!(cs.len(), 2, "{cs:#?}");
    }
    // Applied again on B: the tag and the link go, on both.
    for id in b.conflicts().unwrap().iter().map(|c| c.id) {
        b.restore_conflict(id).unwrap();
    }
    exchange(&mut a, &mut b, folder.path(), 9_000);
    let bt = b.list_threads().unwrap()[0].id;
    assert!(by_uuid(&a, &u[0]).unwrap().tags.is_empty());
    assert!(a.links(t).unwrap().is_empty() && b.links(bt).unwrap().is_empty());
    // Tagging again after seeing the untag is no conflict.
    edit(
        &mut a,
        ha,
        HighlightEdit {
            tags: Some(vec!["evidence".into()]),
            ..Default::default()
        },
    );
    exchange(&mut a, &mut b, folder.path(), 12_000);
    assert_eq!(
        by_uuid(&b, &u[0]).unwrap().tags,
        vec!["evidence".to_string()]
    );
    for lib in [&a, &b] {
        assert_eq!(
            lib.conflicts().unwrap().len(),
            2,
            "{:#?}",
            lib.conflicts().unwrap()
        );
    }
}
