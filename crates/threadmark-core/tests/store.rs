//! The library file: imports, re-imports, search, failures that change nothing.

use threadmark_core::{ErrorKind, Library, NewHighlight, SourceFormat};

fn seeded() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Auto,
            Some("DeepSeek founder"),
        )
        .unwrap();
    (lib, ids[0])
}

#[test]
fn import_stores_the_thread_and_its_posts() {
    let (lib, id) = seeded();
    let t = lib.thread(id).unwrap();
    assert_eq!(
        (t.title.as_str(), t.source.as_str(), t.posts, t.highlights),
        ("DeepSeek founder", "text", 150, 0)
    );
    let posts = lib.posts(id).unwrap();
    assert_eq!(posts.len(), 150);
    assert!(posts
        .iter()
        .enumerate()
        .all(|(i, p)| p.position == i as i64 && p.depth == 0));
    let p = lib.post(id, "7").unwrap();
    assert!(p
        .text
        .starts_with("I think it's has escaped most of the HN crowds"));
    assert_eq!(lib.quotes(id).unwrap().len(), 15, "one quote per `>` line");
    assert!(lib
        .thread(id + 1)
        .is_err_and(|e| e.kind() == ErrorKind::NotFound));
}

#[test]
fn search_phrases_prefixes_and_bad_queries() {
    let (lib, id) = seeded();
    let hits = lib
        .search("\"Liang Wenfeng\"", None, 50, ("[", "]"))
        .unwrap();
    assert!(hits.len() >= 3, "{hits:?}");
    assert!(hits
        .iter()
        .all(|h| h.thread_id == id && h.snippet.contains("[Liang Wenfeng]")));
    let prefix = lib.search("lithograph*", Some(id), 50, ("[", "]")).unwrap();
    let mut posts: Vec<&str> = prefix.iter().map(|h| h.post.as_str()).collect();
    posts.sort();
    assert_eq!(
        posts,
        ["123", "29"],
        "both posts saying lithography (lines 29 and 123)"
    );
    assert!(lib
        .search("moat", Some(id + 5), 50, ("[", "]"))
        .unwrap()
        .is_empty());
    for bad in ["\"unclosed", "AND OR", "a:b", ""] {
        let e = lib.search(bad, None, 10, ("[", "]")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput, "{bad}: {e}");
    }
}

#[test]
fn search_filtered_by_thread_sees_only_that_thread_even_when_ids_interleave() {
    let (mut lib, a) = seeded();
    // A second thread with the same text, then a re-import of the first that adds a
    // post: the first thread's row ids now span the second's.
    let b = lib
        .import_bytes(
            "copy.txt",
            super::seed().as_bytes(),
            SourceFormat::Auto,
            None,
        )
        .unwrap()[0];
    let longer = format!(
        "{}\nAnd the moat argument again, one line later.\n",
        super::seed()
    );
    let docs =
        threadmark_core::import::parse_bytes("v2.txt", longer.as_bytes(), &Default::default())
            .unwrap();
    assert_eq!(lib.import_docs(&docs, Some(a)).unwrap(), [a]);
    let in_a = lib.search("moat", Some(a), 500, ("[", "]")).unwrap();
    let in_b = lib.search("moat", Some(b), 500, ("[", "]")).unwrap();
    let everywhere = lib.search("moat", None, 500, ("[", "]")).unwrap();
    assert!(!in_b.is_empty());
    assert!(in_a.iter().all(|h| h.thread_id == a), "{in_a:?}");
    assert!(in_b.iter().all(|h| h.thread_id == b), "{in_b:?}");
    assert_eq!(in_a.len(), in_b.len() + 1, "the added post matches too");
    assert_eq!(everywhere.len(), in_a.len() + in_b.len());
    assert!(everywhere.windows(2).all(|w| w[0].rank <= w[1].rank));
    assert!(everywhere.iter().all(|h| h.snippet.contains("[moat]")));
}

#[test]
fn reimport_into_keeps_highlights_and_marks_removed_posts() {
    let (mut lib, id) = seeded();
    lib.connection()
        .execute(
            "INSERT INTO highlights (uuid, thread_id, post_source, exact, start, \"end\", created_at, updated_at)
             VALUES ('u1', ?1, '7', 'Liang Wenfeng', 50, 63, 0, 0)",
            [id],
        )
        .unwrap();
    // A new version of the dump without its first six lines.
    let shorter: String = super::seed()
        .lines()
        .skip(6)
        .map(|l| format!("{l}\n"))
        .collect();
    let docs =
        threadmark_core::import::parse_bytes("v2.txt", shorter.as_bytes(), &Default::default())
            .unwrap();
    let ids = lib.import_docs(&docs, Some(id)).unwrap();
    assert_eq!(ids, [id]);
    assert_eq!(lib.list_threads().unwrap().len(), 1);
    assert_eq!(
        lib.highlights(id).unwrap().len(),
        1,
        "an import never deletes a highlight"
    );
    let posts = lib.posts(id).unwrap();
    // Line numbers shifted by six: old posts whose ids are gone are kept, marked removed.
    assert!(posts.iter().any(|p| p.deleted));
    assert!(posts.windows(2).all(|w| w[0].position + 1 == w[1].position));
    let live = posts.iter().filter(|p| !p.deleted).count();
    assert_eq!(live, 149);
    // Search sees the new text, not stale rows.
    let hits = lib
        .search("\"escaped most of the HN crowds\"", Some(id), 10, ("", ""))
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].post, "1");
}

#[test]
fn a_failed_import_writes_nothing() {
    let (mut lib, _) = seeded();
    let before = lib.list_threads().unwrap();
    let mut docs =
        threadmark_core::import::parse_bytes("x.txt", b"one\ntwo\n", &Default::default()).unwrap();
    let dup = docs[0].posts[0].clone();
    docs[0].posts.push(dup);
    let good =
        threadmark_core::import::parse_bytes("y.txt", b"fine\n", &Default::default()).unwrap();
    docs.insert(0, good[0].clone());
    let e = lib.import_docs(&docs, None).unwrap_err();
    assert!(e.to_string().contains("duplicate post id"), "{e}");
    assert_eq!(lib.list_threads().unwrap(), before);
    let e = lib.import_docs(&good, Some(999)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(lib.list_threads().unwrap(), before);
}

#[test]
fn delete_thread_removes_posts_and_index_rows() {
    let (mut lib, id) = seeded();
    lib.delete_thread(id).unwrap();
    assert!(lib.is_empty().unwrap());
    assert!(lib.search("moat", None, 10, ("", "")).unwrap().is_empty());
    let n: i64 = lib
        .connection()
        .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn highlights_are_added_on_canonical_text_and_reanchored_on_reimport() {
    let (mut lib, id) = seeded();
    let new = |exact: &str, label: Option<&str>| threadmark_core::NewHighlight {
        exact: exact.into(),
        label: label.map(str::to_string),
        note: "a note".into(),
        tags: vec!["t".into()],
        ..Default::default()
    };
    let a = lib
        .add_highlight(id, "7", &new("solid background", Some("claim")))
        .unwrap();
    assert_eq!(
        (a.label.as_deref(), a.state.as_str(), a.start, a.end),
        (Some("Claim"), "anchored", 72, 88)
    );
    assert_eq!(a.suffix, " (bachelor and master) in Electr");
    let b = lib
        .add_highlight(
            id,
            "8",
            &new("the art of hardware is dying out", Some("Evidence")),
        )
        .unwrap();
    let c = lib
        .add_highlight(
            id,
            "18",
            // The first of its three occurrences in the post.
            &NewHighlight {
                exact: "middlemen".into(),
                prefix: Some("exclusively on ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(lib
        .add_highlight(id, "8", &new("not in the post", None))
        .is_err());
    assert!(lib.add_highlight(id, "9999", &new("x", None)).is_err());
    assert!(lib
        .add_highlight(id, "8", &new("hardware", Some("Nope")))
        .is_err());
    // Repeated text: the context picks the occurrence.
    let d = lib
        .add_highlight(
            id,
            "18",
            &threadmark_core::NewHighlight {
                exact: "middlemen".into(),
                prefix: Some("cut out their ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(d.start > c.start);
    assert_eq!(lib.thread(id).unwrap().highlights, 4);

    // Version 2: the first six lines gone (every id shifts), one phrase edited, post 18 removed.
    let v2: String = super::seed()
        .lines()
        .skip(6)
        .filter(|l| !l.starts_with("That's alway the issue with outsourcing"))
        .map(|l| format!("{}\n", l.replace("is dying out", "is dieing out")))
        .collect();
    let docs =
        threadmark_core::import::parse_bytes("v2.txt", v2.as_bytes(), &Default::default()).unwrap();
    lib.import_docs(&docs, Some(id)).unwrap();
    let hs = lib.highlights(id).unwrap();
    assert_eq!(hs.len(), 4, "nothing is deleted by an import");
    let by_uuid = |u: &str| hs.iter().find(|h| h.uuid == u).unwrap();
    // Posts are matched by content: post 7 is line 1 now, unchanged, with its highlight.
    let a2 = by_uuid(&a.uuid);
    assert_eq!(
        (a2.post.as_str(), a2.state.as_str(), a2.exact.as_str()),
        ("1", "anchored", "solid background")
    );
    // Edited inside the highlight: found approximately, the user's words kept.
    let b2 = by_uuid(&b.uuid);
    assert_eq!((b2.post.as_str(), b2.state.as_str()), ("2", "fuzzy"));
    assert_eq!(b2.exact, "the art of hardware is dying out");
    let now: String = lib
        .post(id, "2")
        .unwrap()
        .text
        .chars()
        .skip(b2.start as usize)
        .take((b2.end - b2.start) as usize)
        .collect();
    assert_eq!(now, "the art of hardware is dieing out");
    // Post 18 is gone from the source, kept as removed with its text: its
    // highlights stay on it.
    let removed = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .find(|p| p.deleted && p.text.contains("middlemen"))
        .unwrap();
    for old in [&c, &d] {
        let h = by_uuid(&old.uuid);
        assert_eq!(
            (h.state.as_str(), h.exact.as_str(), h.note.as_str()),
            ("anchored", "middlemen", old.note.as_str())
        );
        assert_eq!(
            (h.post.as_str(), h.start),
            (removed.source_id.as_str(), old.start)
        );
    }
    assert_eq!(by_uuid(&a.uuid).note, "a note");
    assert_eq!(by_uuid(&a.uuid).tags, ["t"]);
}

/// FTS5's own check that the index holds exactly the posts table's text (the
/// `1` asks it to compare against the external content), and one index row per post.
fn assert_index_matches_posts(lib: &Library, after: &str) {
    let conn = lib.connection();
    conn.execute(
        "INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap_or_else(|e| panic!("after {after}: {e}"));
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM posts_fts_docsize"),
        count("SELECT count(*) FROM posts"),
        "after {after}"
    );
}

#[test]
fn the_full_text_index_follows_every_kind_of_write() {
    use threadmark_core::export::{export, ExportFormat};

    let (mut lib, a) = seeded();
    assert_index_matches_posts(&lib, "a first import");
    let mbox = std::fs::read(super::corpus().join("mbox/mail-box-magick.mbox")).unwrap();
    let threads = lib
        .import_bytes("mail.mbox", &mbox, SourceFormat::Auto, None)
        .unwrap();
    assert!(threads.len() > 1, "an mbox of several threads");
    assert_index_matches_posts(&lib, "an import of several threads at once");

    // A new version of the seed: six lines gone, one edited, one added.
    let lines: Vec<String> = super::seed()
        .lines()
        .skip(6)
        .map(|l| l.replace("moat", "castle ditch"))
        .chain(["A zanzibarian afterthought, added later.".to_string()])
        .collect();
    let docs = threadmark_core::import::parse_bytes(
        "v2.txt",
        format!("{}\n", lines.join("\n")).as_bytes(),
        &Default::default(),
    )
    .unwrap();
    lib.import_docs(&docs, Some(a)).unwrap();
    assert_index_matches_posts(&lib, "a re-import");
    let found = |lib: &Library, q: &str| lib.search(q, Some(a), 500, ("", "")).unwrap().len();
    assert_eq!(found(&lib, "zanzibarian"), 1, "the added post");
    assert!(found(&lib, "\"castle ditch\"") > 0, "the edited posts");

    // A backup restored into an empty library.
    let ids: Vec<i64> = lib.list_threads().unwrap().iter().map(|t| t.id).collect();
    let backup: serde_json::Value =
        serde_json::from_str(&export(&lib, &ids, ExportFormat::Json).unwrap()).unwrap();
    let mut restored = Library::open_in_memory().unwrap();
    restored.restore(&backup).unwrap();
    assert_index_matches_posts(&restored, "a restore");
    let hits = restored.search("zanzibarian", None, 10, ("", "")).unwrap();
    assert_eq!(hits.len(), 1, "the restored posts are searchable");

    lib.delete_thread(a).unwrap();
    assert_index_matches_posts(&lib, "a delete");
}

/// A new thread's posts are inserted plainly and take the ids after the largest;
/// once the table holds the largest possible id SQLite picks ids at random, and the
/// import reads them back instead. Either way every post, quote and index row ends
/// up where an import into an ordinary library puts it.
#[test]
fn a_new_thread_imports_alike_when_row_ids_are_not_consecutive() {
    let thread = threadmark_core::synthetic::hn_algolia(1_200, 7);
    let import = |lib: &mut Library| {
        let id = lib
            .import_bytes("hn.json", thread.as_bytes(), SourceFormat::Auto, None)
            .unwrap()[0];
        let posts: Vec<(String, String, String)> = lib
            .posts(id)
            .unwrap()
            .into_iter()
            .map(|p| (p.source_id, p.text, p.html))
            .collect();
        let quotes: Vec<String> = lib
            .quotes(id)
            .unwrap()
            .into_iter()
            .map(|q| format!("{q:?}"))
            .collect();
        assert_index_matches_posts(lib, "a new thread");
        // A post past the first chunk is found by its longest word.
        let (source, text, _) = &posts[600];
        let word = text
            .split(|c: char| !c.is_alphanumeric())
            .max_by_key(|w| w.len())
            .unwrap();
        let hits = lib.search(word, Some(id), 1_000, ("[", "]")).unwrap();
        assert!(hits.iter().any(|h| &h.post == source), "{word}");
        (posts, quotes)
    };
    let mut plain = Library::open_in_memory().unwrap();
    let want = import(&mut plain);
    assert!(
        want.0.len() > 1_000 && want.1.len() > 100,
        "several chunks, many quotes"
    );

    let mut full = Library::open_in_memory().unwrap();
    full.connection()
        .execute_batch(
            "INSERT INTO threads (id, title, source, imported_at, created_at, uuid)
                 VALUES (1, 'last', 'text', 0, 0, '00000000-0000-4000-8000-000000000001');
             INSERT INTO posts (id, thread_id, source_id, position, depth, html, text)
                 VALUES (9223372036854775807, 1, '1', 0, 0, '<p>x</p>', 'x');
             INSERT INTO posts_fts (rowid, text) VALUES (9223372036854775807, 'x');",
        )
        .unwrap();
    assert_eq!(import(&mut full), want);
}
