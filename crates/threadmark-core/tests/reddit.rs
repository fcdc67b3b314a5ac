//! Reddit comments JSON over the real files in `../shared/corpus/reddit/`. Expected
//! counts, parents, authors and texts come from reading the files with python3
//! (`json.load`, walking `replies`), not from the parser.

use std::collections::{HashMap, HashSet};

use threadmark_core::import::{parse_bytes, reddit, ImportOptions};
use threadmark_core::{Library, SourceFormat, ThreadDoc};

struct Expect {
    file: &'static str,
    posts: usize,
    key: &'static str,
    title: &'static str,
    url: &'static str,
    root_author: &'static str,
    root_time: i64,
    /// (post, parent)
    parents: &'static [(&'static str, &'static str)],
    /// (post, author or "" for none)
    authors: &'static [(&'static str, &'static str)],
    /// (post, its whole canonical text)
    texts: &'static [(&'static str, &'static str)],
    /// Kept as deleted (they have replies, saved or not).
    deleted: &'static [&'static str],
    /// Deleted leaves, dropped.
    absent: &'static [&'static str],
    /// Replies not saved ("more" stubs), per post, all of them.
    missing: &'static [(&'static str, u32)],
    /// Posts with a quote block.
    quoting: &'static [&'static str],
}

const FILES: &[Expect] = &[
    Expect {
        file: "reddit/3hahrw.interaction01.comments.json",
        // 476 t1 comments, of which 1 is a deleted leaf; plus the post.
        posts: 476,
        key: "t3_3hahrw",
        title: "Ba Dum Tsss",
        url: "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/",
        root_author: "your_local_librarian",
        root_time: 1439797480,
        parents: &[
            ("t1_cu5pebp", "t3_3hahrw"),
            ("t1_cu5sye5", "t1_cu5pebp"),
            ("t1_cu5tgzu", "t1_cu5sye5"),
            ("t1_cu5tlz5", "t1_cu5tgzu"),
            ("t1_cu5w5hz", "t1_cu5ujg2"),
            ("t1_cu61tk1", "t1_cu61nnl"),
        ],
        authors: &[
            ("t1_cu5pebp", "johnnwho"),
            ("t1_cu5tlz5", "avboden"),
            ("t1_cu5uy0y", "HelperBot_"),
            // account deleted, comment kept
            ("t1_cu5v4e7", ""),
            ("t1_cu5w5hz", ""),
        ],
        texts: &[
            (
                "t1_cu5pebp",
                "Man I am glad there isn't someone on a drum set every time I fall over.",
            ),
            ("t1_cu5tgzu", "I have a glandular problem!"),
            ("t1_cu5tlz5", "BRRRHRGHRGHHH"),
            (
                "t1_cu5uy0y",
                "Non-Mobile link: https://en.wikipedia.org/wiki/Ride_of_the_Valkyries\n\n^HelperBot_™ ^v1.0 ^I ^am ^a ^bot. ^Please ^message ^/u/swim1929 ^with ^any ^feedback ^and/or ^hate. ^Counter: ^8375",
            ),
            (
                "t1_cu5wwkd",
                "https://www.youtube.com/watch?v=BdsQBqN7bCw&feature=youtu.be&t=15s",
            ),
            ("t3_3hahrw", "Ba Dum Tsss"),
        ],
        deleted: &[
            "t1_cu5w5hz",
            "t1_cu5y4ro",
            "t1_cu60yyr",
            "t1_cu61dgb",
            "t1_cu61tk1",
        ],
        absent: &["t1_cu61rpx"],
        missing: &[
            ("t1_cu5oif1", 4),
            ("t1_cu5p1hh", 12),
            ("t1_cu5qhfy", 12),
            ("t1_cu5t0tk", 7),
            ("t1_cu5tlz5", 1),
            ("t1_cu5tq8c", 1),
            ("t1_cu5tyhz", 7),
            ("t1_cu5uat1", 4),
            ("t1_cu5uayl", 1),
            ("t1_cu5uvuw", 1),
            ("t1_cu5uyz1", 1),
            ("t1_cu5v5h7", 1),
            ("t1_cu5v77p", 2),
            ("t1_cu5w5nv", 1),
            ("t1_cu5x40j", 1),
            ("t1_cu61tk1", 1),
            ("t1_cu61zil", 1),
            ("t3_3hahrw", 9),
        ],
        // bodies with a line starting with `>` (python3: re.match(r'^ {0,3}>', line))
        quoting: &[
            "t1_cu5tgzu",
            "t1_cu5x3k9",
            "t1_cu5ukqd",
            "t1_cu5wjc9",
            "t1_cu5tazd",
            "t1_cu5uhzr",
            "t1_cu5tz31",
            "t1_cu5ukr6",
            "t1_cu5wm3n",
            // not t1_cu5vf4x: its body is a lone ">", an empty quote, kept as nothing
        ],
    },
    Expect {
        file: "reddit/57dw9a.interaction02.comments.json",
        // 145 t1 comments, 1 a deleted leaf; plus the post.
        posts: 145,
        key: "t3_57dw9a",
        title: "I’m American citizen, undecided voter, loving husband Ken Bone, Welcome to the Bone Zone! AMA",
        url: "https://www.reddit.com/r/IAmA/comments/57dw9a/im_american_citizen_undecided_voter_loving/",
        root_author: "StanGibson18",
        root_time: 1476408093,
        parents: &[
            ("t1_d8r4im1", "t3_57dw9a"),
            ("t1_d8r79x6", "t1_d8r4im1"),
            ("t1_d8ray04", "t1_d8r79x6"),
            ("t1_d8rc96c", "t1_d8ray04"),
            ("t1_d8ra666", "t1_d8r9gyy"),
        ],
        authors: &[
            ("t1_d8r4im1", "THE_GREAT_SHAZBOT"),
            ("t1_d8r79x6", "StanGibson18"),
            ("t1_d8ray04", "ChrisHardwick"),
            ("t1_d8r8zew", ""),
        ],
        texts: &[
            (
                "t1_d8r4im1",
                "What has been the strangest thing someone tweeted at you in the wake of the debate?",
            ),
            (
                "t1_d8r8zew",
                "Wait, what?\n\nIs Hardwick a Comcast shill now?",
            ),
        ],
        deleted: &["t1_d8rbuag", "t1_d8r9gyy", "t1_d8ra666", "t1_d8r9nuo"],
        absent: &["t1_d8ra3dn"],
        missing: &[("t1_d8rzxi2", 1)],
        quoting: &["t1_d8rlbkg", "t1_d8rvp1a"],
    },
    Expect {
        file: "reddit/go-reddit-post.json",
        posts: 3,
        key: "t3_testpost",
        title: "Test",
        url: "https://www.reddit.com/r/test/comments/testpost/test/",
        root_author: "testuser",
        root_time: 1595067967,
        parents: &[("t1_testc1", "t3_testpost"), ("t1_testc2", "t1_testc1")],
        authors: &[("t1_testc1", "testuser"), ("t1_testc2", "testuser")],
        texts: &[
            ("t3_testpost", "Test\n\nHello"),
            ("t1_testc1", "Hi"),
            ("t1_testc2", "Hello"),
        ],
        deleted: &[],
        absent: &[],
        missing: &[],
        quoting: &[],
    },
];

fn read(file: &str) -> Vec<u8> {
    std::fs::read(super::corpus().join(file)).unwrap()
}

fn check(e: &Expect) -> ThreadDoc {
    let bytes = read(e.file);
    let mut docs = parse_bytes(e.file, &bytes, &ImportOptions::default())
        .unwrap_or_else(|err| panic!("{}: {err}", e.file));
    assert_eq!(docs.len(), 1, "{}", e.file);
    let doc = docs.remove(0);
    assert_eq!(doc.source, "reddit", "{}: detected format", e.file);
    assert_eq!(doc.posts.len(), e.posts, "{}: posts", e.file);
    assert_eq!(doc.title, e.title, "{}", e.file);
    assert_eq!(doc.url.as_deref(), Some(e.url), "{}", e.file);
    assert_eq!(doc.source_key.as_deref(), Some(e.key), "{}", e.file);

    let root = &doc.posts[0];
    assert_eq!(
        (root.source_id.as_str(), root.parent.as_deref()),
        (e.key, None)
    );
    assert_eq!(root.author.as_deref(), Some(e.root_author));
    assert_eq!(root.created_at, Some(e.root_time));
    let root_html = root.body.render().html;
    assert!(
        root_html.starts_with("<p><a href=\"http"),
        "{}: the title is a link: {root_html}",
        e.file
    );

    let by_id: HashMap<&str, usize> = doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    assert_eq!(by_id.len(), doc.posts.len(), "{}: ids are unique", e.file);
    let mut seen = HashSet::new();
    for post in &doc.posts {
        if let Some(parent) = &post.parent {
            assert!(
                seen.contains(parent.as_str()),
                "{}: {} before its parent",
                e.file,
                post.source_id
            );
        }
        seen.insert(post.source_id.as_str());
        let r = post.body.render();
        super::invariant::check(&r.html, &r.text);
        assert_eq!(
            post.deleted,
            e.deleted.contains(&post.source_id.as_str()),
            "{}: {} deleted",
            e.file,
            post.source_id
        );
        if post.deleted {
            assert_eq!(r.text, "", "a deleted comment has an empty body");
        }
        assert_eq!(
            !r.quotes.is_empty(),
            e.quoting.contains(&post.source_id.as_str()),
            "{}: {} quotes",
            e.file,
            post.source_id
        );
    }
    let post = |id: &str| {
        &doc.posts[*by_id
            .get(id)
            .unwrap_or_else(|| panic!("{}: no post {id}", e.file))]
    };
    for (id, parent) in e.parents {
        assert_eq!(
            post(id).parent.as_deref(),
            Some(*parent),
            "{}: {id}",
            e.file
        );
    }
    for (id, author) in e.authors {
        let want = (!author.is_empty()).then_some(*author);
        assert_eq!(post(id).author.as_deref(), want, "{}: {id}", e.file);
    }
    for (id, text) in e.texts {
        assert_eq!(post(id).body.render().text, *text, "{}: {id}", e.file);
    }
    for id in e.absent {
        assert!(!by_id.contains_key(id), "{}: {id} is dropped", e.file);
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let missing = reddit::missing_replies(&value).unwrap();
    let want: Vec<(String, u32)> = e.missing.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    let got: Vec<(String, u32)> = missing.into_iter().collect();
    assert_eq!(got, want, "{}: replies not saved", e.file);
    doc
}

#[test]
fn corpus_files_parse_as_expected() {
    for e in FILES {
        check(e);
    }
}

#[test]
fn corpus_files_import_into_the_library() {
    let mut lib = Library::open_in_memory().unwrap();
    for e in FILES {
        let doc = check(e);
        let ids = lib.import_docs(std::slice::from_ref(&doc), None).unwrap();
        assert_eq!(ids.len(), 1);
        let posts = lib.posts(ids[0]).unwrap();
        assert_eq!(posts.len(), e.posts, "{}", e.file);
        for p in &posts {
            super::invariant::check(&p.html, &p.text);
        }
        // Re-import updates in place (the source key is the t3 name).
        let again = lib.import_docs(&[doc], None).unwrap();
        assert_eq!(again, ids, "{}: re-import updates the same thread", e.file);
    }
    assert_eq!(lib.list_threads().unwrap().len(), FILES.len());
}

#[test]
fn more_children_response_is_refused_with_a_reason() {
    let bytes = read("reddit/go-reddit-more.json");
    let err = parse_bytes("more.json", &bytes, &ImportOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("more.json"), "{msg}");
    assert!(msg.contains("\"more children\" response"), "{msg}");
    assert!(!msg.contains('\n'));
}

#[test]
fn truncated_json_names_the_place() {
    let bytes = read("reddit/go-reddit-post.json");
    let cut = &bytes[..bytes.len() / 2];
    let err = parse_bytes("cut.json", cut, &ImportOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cut.json") && msg.contains("line "), "{msg}");
    assert!(msg.contains("invalid JSON"), "{msg}");
}

#[test]
fn wrong_format_forced_is_an_error() {
    // A Reddit file forced as Lobsters, and a Lobsters file forced as Reddit.
    let reddit_file = read("reddit/go-reddit-post.json");
    let forced = ImportOptions {
        format: SourceFormat::Reddit,
        ..Default::default()
    };
    let hn = read("hn/firebase/item_story.json");
    let err = parse_bytes("item_story.json", &hn, &forced).unwrap_err();
    assert!(
        err.to_string().contains("not Reddit comments JSON"),
        "{err}"
    );
    let seed = super::seed();
    assert!(parse_bytes("seed.txt", seed.as_bytes(), &forced).is_err());
    let as_mbox = ImportOptions {
        format: SourceFormat::Mbox,
        ..Default::default()
    };
    assert!(parse_bytes("post.json", &reddit_file, &as_mbox).is_err());
}

#[test]
fn deleted_leaves_go_and_deleted_parents_stay() {
    let json = r#"[{"kind":"Listing","data":{"children":[{"kind":"t3","data":{"name":"t3_x","title":"T &amp; U","selftext":"[removed]","author":"op","created_utc":5,"permalink":"/r/a/comments/x/t/","url":"https://example.com/a"}}]}},
      {"kind":"Listing","data":{"children":[
        {"kind":"t1","data":{"name":"t1_a","author":"[deleted]","body":"[deleted]","replies":{"kind":"Listing","data":{"children":[
            {"kind":"t1","data":{"name":"t1_b","author":"bob","body":"&gt; quoted\n\nreply","replies":""}}]}}}},
        {"kind":"t1","data":{"name":"t1_c","author":"[removed]","body":"[removed]","replies":""}},
        {"kind":"t1","data":{"name":"t1_d","author":"dan","body":"[deleted]","replies":{"kind":"Listing","data":{"children":[
            {"kind":"more","data":{"count":0,"name":"t1__","id":"_","children":[]}}]}}}},
        {"kind":"more","data":{"count":3,"children":["e","f"]}}]}}]"#;
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(reddit::sniff(&value));
    let (doc, missing) = reddit::parse_with_missing(&value).unwrap();
    let ids: Vec<&str> = doc.posts.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(ids, ["t3_x", "t1_a", "t1_b", "t1_d"]);
    assert_eq!(doc.title, "T & U");
    assert!(doc.posts[0].deleted, "removed selftext");
    assert_eq!(doc.posts[0].body.render().text, "T & U");
    assert!(doc.posts[1].deleted && doc.posts[1].author.is_none());
    assert_eq!(doc.posts[2].body.render().quotes.len(), 1);
    assert_eq!(
        missing.into_iter().collect::<Vec<_>>(),
        [("t1_d".to_string(), 1), ("t3_x".to_string(), 3)]
    );
}

/// A Reddit thread whose comments nest `levels` deep, each the only reply of the
/// one before (five JSON levels per comment: thing, data, replies, data, children).
fn deep_reddit(levels: usize) -> String {
    let mut s = String::from(
        r#"[{"kind":"Listing","data":{"children":[{"kind":"t3","data":{"id":"deep","name":"t3_deep","title":"Deep","selftext":"top","author":"op","created_utc":1}}]}},{"kind":"Listing","data":{"children":["#,
    );
    for i in 0..levels {
        s.push_str(&format!(
            r#"{{"kind":"t1","data":{{"id":"c{i}","name":"t1_c{i}","author":"u{}","body":"level {}","created_utc":{},"replies":{{"kind":"Listing","data":{{"children":["#,
            i % 5,
            i + 1,
            i + 2
        ));
    }
    s.push_str(&"]}}}}".repeat(levels));
    s.push_str("]}}]");
    s
}

#[test]
fn deep_replies_import_or_fail_cleanly() {
    // 1,500 comment levels (7,500 JSON levels) import, on a test thread's stack.
    let json = deep_reddit(1_500);
    let docs = parse_bytes("deep.json", json.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(docs[0].posts.len(), 1_501);
    assert_eq!(docs[0].posts[1_500].parent.as_deref(), Some("t1_c1498"));
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib.import_docs(&docs, None).unwrap();
    assert_eq!(lib.posts(ids[0]).unwrap().last().unwrap().depth, 1_500);
    // 100,000 levels: one clear line naming the place, no stack overflow.
    let json = deep_reddit(100_000);
    let e = parse_bytes("deep.json", json.as_bytes(), &ImportOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("deep.json: line 1, column "), "{msg}");
    assert!(
        msg.ends_with("invalid JSON: nested deeper than 10000 levels"),
        "{msg}"
    );
}

/// The "more" stubs' counts reach the stored posts (the view shows "N replies not
/// saved"), for every corpus file, and only on the posts that have them.
#[test]
fn missing_replies_are_stored_per_post() {
    let mut lib = Library::open_in_memory().unwrap();
    for e in FILES {
        let docs = parse_bytes(e.file, &read(e.file), &ImportOptions::default()).unwrap();
        let id = lib.import_docs(&docs, None).unwrap()[0];
        let stored: Vec<(String, u32)> = lib
            .posts(id)
            .unwrap()
            .into_iter()
            .filter(|p| p.missing_replies > 0)
            .map(|p| (p.source_id, p.missing_replies as u32))
            .collect();
        let mut want: Vec<(String, u32)> =
            e.missing.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        let mut got = stored;
        want.sort();
        got.sort();
        assert_eq!(got, want, "{}", e.file);
        assert!(
            lib.posts(id).unwrap().iter().all(|p| p.change.is_none()),
            "first import: no change marks"
        );
    }
}

/// Re-importing a thread marks what changed since the previous import: new and
/// edited posts, and removed ones (kept); an unchanged re-import clears the marks
/// of the posts still there.
#[test]
fn reimport_marks_new_edited_and_removed_posts() {
    let file = "reddit/57dw9a.interaction02.comments.json";
    let doc = parse_bytes(file, &read(file), &ImportOptions::default())
        .unwrap()
        .remove(0);
    assert!(doc.posts.len() >= 4);
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib.import_docs(std::slice::from_ref(&doc), None).unwrap()[0];

    // Next version: the last post gone, the second edited, one reply added.
    let mut next = doc.clone();
    let gone = next.posts.pop().unwrap();
    let edited = next.posts[1].source_id.clone();
    next.posts[1].body =
        threadmark_core::body::Body(vec![threadmark_core::body::Block::Paragraph(vec![
            threadmark_core::body::Inline::Text("Edited since.".into()),
        ])]);
    let mut added = next.posts[0].clone();
    added.source_id = "t1_new0001".into();
    added.parent = Some(next.posts[0].source_id.clone());
    next.posts.push(added);
    assert_eq!(
        lib.import_docs(std::slice::from_ref(&next), None).unwrap(),
        [id]
    );
    let marks = |lib: &Library| -> Vec<(String, String)> {
        lib.posts(id)
            .unwrap()
            .into_iter()
            .filter_map(|p| p.change.map(|c| (p.source_id, c)))
            .collect()
    };
    let mut got = marks(&lib);
    got.sort();
    let mut want = vec![
        (edited.clone(), "edited".to_string()),
        (gone.source_id.clone(), "removed".to_string()),
        ("t1_new0001".to_string(), "new".to_string()),
    ];
    want.sort();
    assert_eq!(got, want);
    let kept = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .find(|p| p.source_id == gone.source_id)
        .unwrap();
    assert!(kept.deleted, "a removed post is kept, marked deleted");
    // The same version again: nothing new or edited; the removed post stays removed.
    lib.import_docs(std::slice::from_ref(&next), None).unwrap();
    assert_eq!(
        marks(&lib),
        [(gone.source_id.clone(), "removed".to_string())]
    );
}
