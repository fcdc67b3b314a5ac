//! Highlights as the app edits them (label, note, tags, delete and undo, re-attach),
//! labels, links between highlights and their backup, and re-anchoring on edited
//! copies of the seed.

use threadmark_core::anchor::{anchor, selector, AnchorState, Texts};
use threadmark_core::export::{export, ExportFormat};
use threadmark_core::{
    ErrorKind, HighlightEdit, LabelRemoval, LabelSpec, Library, LinkKind, SourceFormat,
};

fn seeded() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Auto,
            Some("Seed"),
        )
        .unwrap();
    (lib, ids[0])
}

/// `start..end` in code points of the first occurrence of `exact` in a post.
fn span(lib: &Library, thread: i64, post: &str, exact: &str) -> (usize, usize) {
    let text = lib.post(thread, post).unwrap().text;
    let byte = text
        .find(exact)
        .unwrap_or_else(|| panic!("{exact:?} not in post {post}"));
    let start = text[..byte].chars().count();
    (start, start + exact.chars().count())
}

#[test]
fn schema_has_links() {
    let lib = Library::open_in_memory().unwrap();
    assert!(lib.schema_version().unwrap() >= 3);
    let n: i64 = lib
        .connection()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'highlight_links'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_selection_becomes_a_highlight_that_can_be_edited() {
    let (mut lib, id) = seeded();
    let (s, e) = span(&lib, id, "7", "solid background");
    let h = lib.highlight_span(id, "7", s, e, Some("claim")).unwrap();
    assert_eq!(
        (
            h.exact.as_str(),
            h.label.as_deref(),
            h.state.as_str(),
            h.start,
            h.end
        ),
        (
            "solid background",
            Some("Claim"),
            "anchored",
            s as i64,
            e as i64
        )
    );
    assert!(h.prefix.ends_with("Liang Wenfeng has a "), "{:?}", h.prefix);
    // Bad spans are refused with a reason.
    for (s2, e2) in [(e, s), (s, s), (0, 100_000)] {
        let err = lib.highlight_span(id, "7", s2, e2, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadInput, "{s2}..{e2}: {err}");
    }
    assert_eq!(
        lib.highlight_span(id, "nope", 0, 3, None)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );

    let edited = lib
        .update_highlight(
            h.id,
            &HighlightEdit {
                label: Some(Some("Evidence".into())),
                note: Some("**Why** does it matter?".into()),
                tags: Some(vec![
                    " bio ".into(),
                    "".into(),
                    "hardware".into(),
                    "BIO".into(),
                ]),
            },
        )
        .unwrap();
    assert_eq!(edited.label.as_deref(), Some("Evidence"));
    assert_eq!(edited.note, "**Why** does it matter?");
    assert_eq!(edited.tags, ["bio", "hardware"]);
    assert!(edited.updated_at >= h.updated_at);
    // Only what is given changes.
    let unlabelled = lib
        .update_highlight(
            h.id,
            &HighlightEdit {
                label: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (unlabelled.label, unlabelled.note.as_str()),
        (None, "**Why** does it matter?")
    );
    assert_eq!(unlabelled.tags, ["bio", "hardware"]);
    let err = lib
        .update_highlight(
            h.id,
            &HighlightEdit {
                label: Some(Some("Nope".into())),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("Claim"), "names the labels: {err}");
}

#[test]
fn delete_and_undo_bring_back_everything() {
    let (mut lib, id) = seeded();
    let (s, e) = span(&lib, id, "7", "solid background");
    let a = lib.highlight_span(id, "7", s, e, Some("Claim")).unwrap();
    let (s, e) = span(&lib, id, "8", "the art of hardware is dying out");
    let b = lib.highlight_span(id, "8", s, e, Some("Evidence")).unwrap();
    lib.update_highlight(
        a.id,
        &HighlightEdit {
            note: Some("n".into()),
            tags: Some(vec!["x".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    let link = lib.add_link(b.id, LinkKind::Supports, a.id).unwrap();

    let gone = lib.delete_highlight(a.id).unwrap();
    assert_eq!(lib.highlights(id).unwrap().len(), 1);
    assert!(
        lib.links(id).unwrap().is_empty(),
        "links go with their highlight"
    );
    assert_eq!(lib.highlight(a.id).unwrap_err().kind(), ErrorKind::NotFound);

    let back = lib.undelete_highlight(&gone).unwrap();
    assert_eq!(
        (back.id, back.uuid.as_str(), back.note.as_str()),
        (a.id, a.uuid.as_str(), "n")
    );
    assert_eq!(back.tags, ["x"]);
    assert_eq!(back.label.as_deref(), Some("Claim"));
    assert_eq!(lib.links(id).unwrap(), std::slice::from_ref(&link));
    // Undo twice is refused; nothing doubles.
    assert_eq!(
        lib.undelete_highlight(&gone).unwrap_err().kind(),
        ErrorKind::BadInput
    );
    assert_eq!(lib.highlights(id).unwrap().len(), 2);

    // A link whose other end was deleted meanwhile is not brought back.
    let gone = lib.delete_highlight(a.id).unwrap();
    lib.delete_highlight(b.id).unwrap();
    lib.undelete_highlight(&gone).unwrap();
    assert!(lib.links(id).unwrap().is_empty());
}

#[test]
fn labels_are_edited_reordered_and_deleted_with_a_choice() {
    let (mut lib, id) = seeded();
    let claim = lib.label_by_name("Claim").unwrap();
    let renamed = lib
        .update_label(
            claim.id,
            &LabelSpec {
                name: " Thesis ".into(),
                color: "#ABC".into(),
                shortcut: Some("W".into()),
            },
        )
        .unwrap();
    assert_eq!(
        (
            renamed.name.as_str(),
            renamed.color.as_str(),
            renamed.shortcut.as_deref()
        ),
        ("Thesis", "#aabbcc", Some("w"))
    );
    let bad = [
        LabelSpec {
            name: "".into(),
            color: "#000000".into(),
            shortcut: None,
        },
        LabelSpec {
            name: "evidence".into(),
            color: "#000000".into(),
            shortcut: None,
        },
        LabelSpec {
            name: "X".into(),
            color: "red".into(),
            shortcut: None,
        },
        LabelSpec {
            name: "X".into(),
            color: "#12345g".into(),
            shortcut: None,
        },
        LabelSpec {
            name: "X".into(),
            color: "#123456".into(),
            shortcut: Some("2".into()),
        },
        LabelSpec {
            name: "X".into(),
            color: "#123456".into(),
            shortcut: Some("ab".into()),
        },
    ];
    for spec in &bad {
        let e = lib.add_label(spec).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{spec:?}: {e}");
    }
    // The reader's own keys (j, k, …) are refused as shortcuts, in either case, when
    // adding and when editing, with a message naming the key.
    for key in ["j", "K", "?", "/"] {
        let spec = LabelSpec {
            name: "Reserved".into(),
            color: "#123456".into(),
            shortcut: Some(key.into()),
        };
        let e = lib.add_label(&spec).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{key}: {e}");
        assert!(e.to_string().contains("Threadmark key"), "{key}: {e}");
        let first = lib.labels().unwrap()[0].clone();
        let e = lib
            .update_label(
                first.id,
                &LabelSpec {
                    name: first.name.clone(),
                    color: first.color.clone(),
                    shortcut: Some(key.into()),
                },
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{key}: {e}");
        assert_eq!(lib.labels().unwrap()[0], first, "nothing changed");
    }
    let source = lib
        .add_label(&LabelSpec {
            name: "Source".into(),
            color: "#0b7285".into(),
            shortcut: Some("6".into()),
        })
        .unwrap();
    assert_eq!(source.position, 5);
    assert_eq!(
        lib.label_by_shortcut("6").unwrap().map(|l| l.id),
        Some(source.id)
    );

    let mut order: Vec<i64> = lib.labels().unwrap().iter().map(|l| l.id).collect();
    order.rotate_right(1);
    let names: Vec<String> = lib
        .reorder_labels(&order)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(
        names,
        [
            "Source",
            "Thesis",
            "Evidence",
            "Rebuttal",
            "Question",
            "Concession"
        ]
    );
    assert!(lib.reorder_labels(&order[1..]).is_err());

    // Three highlights labelled Source, then the three ways to delete a label.
    let mut mark = |exact: &str, post: &str, label: &str| {
        let (s, e) = span(&lib, id, post, exact);
        lib.highlight_span(id, post, s, e, Some(label)).unwrap()
    };
    let h1 = mark("solid background", "7", "Source");
    let h2 = mark("the art of hardware is dying out", "8", "Question");
    let h3 = mark("hardware people", "8", "Concession");
    assert_eq!(lib.label_usage(source.id).unwrap(), 1);
    let question = lib.label_by_name("Question").unwrap();
    let concession = lib.label_by_name("Concession").unwrap();
    assert_eq!(
        lib.delete_label(source.id, LabelRemoval::MoveTo(source.id))
            .unwrap_err()
            .kind(),
        ErrorKind::BadInput
    );
    assert_eq!(
        lib.delete_label(source.id, LabelRemoval::MoveTo(question.id))
            .unwrap(),
        1
    );
    assert_eq!(
        lib.highlight(h1.id).unwrap().label.as_deref(),
        Some("Question")
    );
    assert_eq!(
        lib.delete_label(question.id, LabelRemoval::Unlabel)
            .unwrap(),
        2
    );
    assert_eq!(lib.highlight(h2.id).unwrap().label, None);
    assert_eq!(
        lib.delete_label(concession.id, LabelRemoval::DeleteHighlights)
            .unwrap(),
        1
    );
    assert_eq!(
        lib.highlight(h3.id).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let labels = lib.labels().unwrap();
    assert_eq!(
        labels
            .iter()
            .map(|l| (l.name.as_str(), l.position))
            .collect::<Vec<_>>(),
        [("Thesis", 0), ("Evidence", 1), ("Rebuttal", 2)]
    );
}

#[test]
fn links_join_highlights_of_one_thread() {
    let (mut lib, id) = seeded();
    let (s, e) = span(&lib, id, "7", "solid background");
    let claim = lib.highlight_span(id, "7", s, e, Some("Claim")).unwrap();
    let (s, e) = span(&lib, id, "8", "the art of hardware is dying out");
    let ev = lib.highlight_span(id, "8", s, e, Some("Evidence")).unwrap();
    let l = lib.add_link(ev.id, LinkKind::Supports, claim.id).unwrap();
    assert_eq!(
        (l.from, l.to, l.kind),
        (ev.id, claim.id, LinkKind::Supports)
    );
    assert_eq!(
        lib.add_link(ev.id, LinkKind::Supports, claim.id).unwrap(),
        l,
        "no duplicates"
    );
    let r = lib.add_link(claim.id, LinkKind::Answers, ev.id).unwrap();
    assert_eq!(lib.links(id).unwrap(), [l.clone(), r.clone()]);
    assert_eq!(
        lib.add_link(ev.id, LinkKind::Rebuts, ev.id)
            .unwrap_err()
            .kind(),
        ErrorKind::BadInput
    );
    assert_eq!(
        lib.add_link(ev.id, LinkKind::Rebuts, 9999)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert!(LinkKind::parse("refutes").is_err());

    let other = lib
        .import_bytes(
            "b.txt",
            b"Another thread entirely.\n",
            SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    let far = lib.highlight_span(other, "1", 0, 7, None).unwrap();
    let e = lib
        .add_link(far.id, LinkKind::Supports, claim.id)
        .unwrap_err();
    assert!(e.to_string().contains("different threads"), "{e}");

    lib.delete_link(r.id).unwrap();
    assert_eq!(
        lib.delete_link(r.id).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(lib.links(id).unwrap(), [l]);
}

#[test]
fn the_json_backup_carries_links_and_restores_them_once() {
    let (mut lib, id) = seeded();
    let (s, e) = span(&lib, id, "7", "solid background");
    let claim = lib.highlight_span(id, "7", s, e, Some("Claim")).unwrap();
    let (s, e) = span(&lib, id, "8", "the art of hardware is dying out");
    let ev = lib.highlight_span(id, "8", s, e, Some("Evidence")).unwrap();
    let link = lib.add_link(ev.id, LinkKind::Supports, claim.id).unwrap();
    let json = export(&lib, &[id], ExportFormat::Json).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let links = &doc["threads"][0]["links"];
    assert_eq!(links[0]["id"], link.uuid.as_str());
    assert_eq!(links[0]["from"], ev.uuid.as_str());
    assert_eq!(links[0]["to"], claim.uuid.as_str());
    assert_eq!(links[0]["kind"], "supports");

    let mut fresh = Library::open_in_memory().unwrap();
    let report = fresh.restore(&doc).unwrap();
    assert_eq!(report.links_added, 1);
    let t = fresh.list_threads().unwrap()[0].id;
    let restored = fresh.links(t).unwrap();
    let hs = fresh.highlights(t).unwrap();
    let uuid_of = |hid: i64| hs.iter().find(|h| h.id == hid).unwrap().uuid.clone();
    assert_eq!(restored.len(), 1);
    assert_eq!(
        (restored[0].uuid.as_str(), restored[0].kind),
        (link.uuid.as_str(), LinkKind::Supports)
    );
    assert_eq!(
        (uuid_of(restored[0].from), uuid_of(restored[0].to)),
        (ev.uuid.clone(), claim.uuid.clone())
    );
    assert_eq!(
        fresh.restore(&doc).unwrap().links_added,
        0,
        "restoring twice adds nothing"
    );
    assert_eq!(fresh.links(t).unwrap().len(), 1);

    // A backup whose link names a highlight it does not have is refused whole.
    let mut broken = doc.clone();
    broken["threads"][0]["links"][0]["to"] = "no-such-highlight".into();
    let mut other = Library::open_in_memory().unwrap();
    let e = other.restore(&broken).unwrap_err();
    assert!(e.to_string().contains("$.threads[0].links[0]"), "{e}");
    assert!(other.is_empty().unwrap(), "nothing half-restored");
    // A backup from before links existed still restores.
    let mut old = doc.clone();
    old["threads"][0].as_object_mut().unwrap().remove("links");
    assert_eq!(
        Library::open_in_memory()
            .unwrap()
            .restore(&old)
            .unwrap()
            .links_added,
        0
    );
}

#[test]
fn an_orphan_is_reattached_to_a_new_selection() {
    let (mut lib, id) = seeded();
    let (s, e) = span(&lib, id, "18", "middlemen");
    let h = lib.highlight_span(id, "18", s, e, Some("Claim")).unwrap();
    lib.update_highlight(
        h.id,
        &HighlightEdit {
            note: Some("keep me".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let last = lib.posts(id).unwrap().last().unwrap().source_id.clone();
    // Line 18 edited so that its words are gone (the post is still recognised as
    // line 18's, edited), the last post dropped (it is kept, marked removed).
    let lines: Vec<&str> = super::seed()
        .lines()
        .map(str::to_string)
        .collect::<Vec<_>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    let first_line_of_last: usize = last.parse().unwrap();
    let v2 = crate::without_middlemen(&lines[..first_line_of_last - 1]);
    crate::reimport_text(&mut lib, id, &v2);
    let orphan = lib.highlight(h.id).unwrap();
    assert_eq!(
        (orphan.state.as_str(), orphan.note.as_str()),
        ("orphaned", "keep me")
    );
    assert!(lib.post(id, &last).unwrap().deleted);
    let e = lib.reattach_highlight(h.id, &last, 0, 3).unwrap_err();
    assert!(e.to_string().contains("removed"), "{e}");
    assert!(lib.reattach_highlight(h.id, "7", 5, 5).is_err());
    let (s, e2) = span(&lib, id, "7", "solid background");
    let back = lib.reattach_highlight(h.id, "7", s, e2).unwrap();
    assert_eq!(
        (
            back.post.as_str(),
            back.exact.as_str(),
            back.state.as_str(),
            back.note.as_str(),
            back.label.as_deref()
        ),
        (
            "7",
            "solid background",
            "anchored",
            "keep me",
            Some("Claim")
        )
    );
}

/// Highlights on the seed, then a re-import of an edited copy: each case says how the
/// copy changes the seed and where the highlight must be found.
struct Case {
    post: &'static str,
    exact: &'static str,
    /// `(old, new)` replaced once in the seed text.
    edit: Option<(&'static str, &'static str)>,
    state: &'static str,
    /// The highlight's text after the re-import.
    now: &'static str,
}

const SEED_CASES: &[Case] = &[
    // Untouched post.
    Case {
        post: "123",
        exact: "good old fashioned competition",
        edit: None,
        state: "anchored",
        now: "good old fashioned competition",
    },
    // Words added before the highlight, in its post.
    Case {
        post: "7",
        exact: "solid background",
        edit: Some((
            "Liang Wenfeng has a solid",
            "Liang Wenfeng, as everyone knows, has a solid",
        )),
        state: "moved",
        now: "solid background",
    },
    // A word inside the highlight edited.
    Case {
        post: "29",
        exact: "there aren't any shortcuts for them to take there",
        edit: Some(("any shortcuts", "any short-cuts")),
        state: "fuzzy",
        now: "there aren't any short-cuts for them to take there",
    },
    // A typo fixed inside, and words changed around it.
    Case {
        post: "18",
        exact: "You rely exclusively on middlemen",
        edit: Some((
            "That's alway the issue with outsourcing. You rely exclusively on middlemen",
            "That's always the issue with outsourcing: you rely exclusively on middle-men",
        )),
        state: "fuzzy",
        now: "you rely exclusively on middle-men",
    },
    // The sentence rewritten in its post, but a later comment (line 185) quotes it:
    // the highlight follows the text there.
    Case {
        post: "1",
        exact: "bans on shipments of advanced chips are the problem",
        edit: Some((
            "bans on shipments of advanced chips are the problem",
            "export controls on GPUs hurt us most",
        )),
        state: "moved",
        now: "bans on shipments of advanced chips are the problem",
    },
    // A sentence nobody quotes, rewritten beyond a quarter: kept as an orphan.
    Case {
        post: "8",
        exact: "the art of hardware is dying out",
        edit: Some((
            "the art of hardware is dying out",
            "few study circuits any more",
        )),
        state: "orphaned",
        now: "the art of hardware is dying out",
    },
];

#[test]
fn seed_edits_reanchor_as_expected() {
    let (mut lib, id) = seeded();
    let mut ids = Vec::new();
    for c in SEED_CASES {
        let (s, e) = span(&lib, id, c.post, c.exact);
        ids.push(
            lib.highlight_span(id, c.post, s, e, Some("Claim"))
                .unwrap()
                .id,
        );
    }
    let mut v2 = super::seed();
    for c in SEED_CASES {
        if let Some((old, new)) = c.edit {
            assert!(v2.contains(old), "{old:?} is in the seed");
            v2 = v2.replacen(old, new, 1);
        }
    }
    crate::reimport_text(&mut lib, id, &v2);
    for (c, hid) in SEED_CASES.iter().zip(&ids) {
        let h = lib.highlight(*hid).unwrap();
        // Where it is found now; an orphan keeps its quote. The highlight keeps the
        // words the user chose, also when found approximately.
        let now: String = if h.state == "orphaned" {
            h.exact.clone()
        } else {
            let text = lib.post(id, &h.post).unwrap().text;
            text.chars()
                .skip(h.start as usize)
                .take((h.end - h.start) as usize)
                .collect()
        };
        assert_eq!(
            (h.state.as_str(), now.as_str(), h.exact.as_str()),
            (c.state, c.now, c.exact),
            "post {} {:?}",
            c.post,
            c.exact
        );
        if c.post == "1" {
            // The post holding line 185, which quotes the founder's words.
            assert_ne!(h.post, "1");
            let holder = lib.post(id, &h.post).unwrap().text;
            assert!(
                holder.contains("We do not have financing plans"),
                "{holder}"
            );
        }
        if c.state != "orphaned" && c.state != "fuzzy" {
            // The stored span is the text at the stored place of the live post (a
            // fuzzy one's span holds the edited words, checked above).
            let text: Vec<char> = lib.post(id, &h.post).unwrap().text.chars().collect();
            let at: String = text[h.start as usize..h.end as usize].iter().collect();
            assert_eq!(at, h.exact);
        }
    }
    // Re-importing the same copy again changes nothing: all are where they are.
    let before: Vec<_> = ids.iter().map(|&i| lib.highlight(i).unwrap()).collect();
    crate::reimport_text(&mut lib, id, &v2);
    for (b, &i) in before.iter().zip(&ids) {
        let h = lib.highlight(i).unwrap();
        assert_eq!(
            (h.post.as_str(), h.start, h.end, h.exact.as_str()),
            (b.post.as_str(), b.start, b.end, b.exact.as_str())
        );
    }
}

/// Every line of the seed shifted (a new first line): each post's id changes, so
/// every highlight must be found in another post, by its text.
#[test]
fn a_line_added_at_the_top_moves_every_highlight() {
    let (mut lib, id) = seeded();
    let posts = lib.posts(id).unwrap();
    let mut made = Vec::new();
    for p in posts.iter().step_by(10) {
        let chars: Vec<char> = p.text.chars().collect();
        if chars.len() < 40 {
            continue;
        }
        let (s, e) = (10, 40);
        made.push((
            lib.highlight_span(id, &p.source_id, s, e, None).unwrap(),
            p.position,
        ));
    }
    assert!(made.len() >= 10);
    crate::reimport_text(
        &mut lib,
        id,
        &format!("A new first line, added by the editor.\n{}", super::seed()),
    );
    for (h, _) in &made {
        let now = lib.highlight(h.id).unwrap();
        assert_ne!(now.state, "orphaned", "{:?}", h.exact);
        assert_eq!(now.exact, h.exact);
        let text: Vec<char> = lib.post(id, &now.post).unwrap().text.chars().collect();
        assert_eq!(
            text[now.start as usize..now.end as usize]
                .iter()
                .collect::<String>(),
            h.exact
        );
    }
}

/// The anchoring function directly on seed posts: a highlight whose post was split in
/// two is found in the half that holds it.
#[test]
fn anchor_follows_text_into_a_neighbouring_post() {
    let seed = super::seed();
    let line = seed.lines().nth(6).unwrap();
    let cut = line.find(" in Electronics").unwrap();
    let exact = "Electronics and Information Engineering";
    let start = line[..line.find(exact).unwrap()].chars().count();
    let sel = selector(line, start, start + exact.chars().count()).unwrap();
    let texts = Texts::from_strs(&[&line[..cut], line[cut..].trim_start()]);
    let got = anchor(&sel, Some(0), 0, &texts);
    assert_eq!((got.post, got.state), (1, AnchorState::Moved));
    let second: Vec<char> = line[cut..].trim_start().chars().collect();
    assert_eq!(second[got.start..got.end].iter().collect::<String>(), exact);
}
