//! Post identity across versions of a thread (issue 15, "Identity"): re-imports on
//! the seed dump and the Discourse topics of the corpus.

use threadmark_core::import::{parse_bytes, ImportOptions};
use threadmark_core::{Library, NewHighlight, Post};

/// Lines added above the seed's first line in the tests' second version.
const ADDED: &[&str] = &[
    "A reader pasted three more comments above the thread.",
    "This is the second of them, with a point of its own.",
    "And a third one closes the added part.",
];

fn import_text(lib: &mut Library, text: &str, into: Option<i64>) -> i64 {
    let docs = parse_bytes("v.txt", text.as_bytes(), &ImportOptions::default()).unwrap();
    lib.import_docs(&docs, into).unwrap()[0]
}

/// The seed with three lines above it, post 17 edited ("good talent" → "great
/// talent", inside the highlighted words; post 19 still quotes the old words) and
/// post 18 ("That's alway the issue with outsourcing…") deleted.
fn second_version(seed: &str) -> String {
    let mut out: String = ADDED.iter().map(|l| format!("{l}\n")).collect();
    for (i, line) in seed.lines().enumerate() {
        match i + 1 {
            17 => out.push_str(&line.replace(
                "we don't pay for good talent",
                "we don't pay for great talent",
            )),
            18 => continue,
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn by_id<'a>(posts: &'a [Post], id: &str) -> &'a Post {
    posts
        .iter()
        .find(|p| p.source_id == id)
        .unwrap_or_else(|| panic!("no post {id}"))
}

fn highlight(lib: &mut Library, thread: i64, post: &str, exact: &str) -> String {
    lib.add_highlight(
        thread,
        post,
        &NewHighlight {
            exact: exact.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .uuid
}

#[test]
fn a_dump_with_lines_added_on_top_keeps_every_posts_identity() {
    let seed = super::seed();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import_text(&mut lib, &seed, None);
    let before = lib.posts(id).unwrap();
    let solid = highlight(&mut lib, id, "7", "solid background");
    let talent = highlight(&mut lib, id, "17", "we don't pay for good talent");
    assert!(
        by_id(&before, "19")
            .text
            .contains("we don't pay for good talent"),
        "post 19 quotes the highlighted words"
    );

    assert_eq!(import_text(&mut lib, &second_version(&seed), Some(id)), id);
    let after = lib.posts(id).unwrap();
    let shift = ADDED.len();
    // Nothing duplicated: one row per old post plus the three new ones.
    assert_eq!(after.len(), before.len() + shift);
    let mut texts: Vec<&str> = after.iter().map(|p| p.text.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), after.len(), "no ghost copies");
    // Only what really changed is marked.
    let marked = |change: &str| -> Vec<&str> {
        after
            .iter()
            .filter(|p| p.change.as_deref() == Some(change))
            .map(|p| p.source_id.as_str())
            .collect()
    };
    assert_eq!(marked("new"), ["1", "2", "3"]);
    assert_eq!(marked("edited"), [(17 + shift).to_string()]);
    assert_eq!(marked("removed").len(), 1);
    let removed = after.iter().find(|p| p.deleted).unwrap();
    assert!(removed.text.starts_with("That's alway the issue"));
    // Every other post kept its text and row under its new line number.
    for old in before
        .iter()
        .filter(|p| !["17", "18"].contains(&&*p.source_id))
    {
        let line: usize = old.source_id.parse().unwrap();
        // Three lines above it, and line 18 gone before the posts below it.
        let now = by_id(&after, &(line + shift - usize::from(line > 18)).to_string());
        assert_eq!((now.id, &now.text), (old.id, &old.text));
        assert_eq!(now.change, None);
    }
    assert_eq!(
        by_id(&after, &(17 + shift).to_string()).id,
        by_id(&before, "17").id
    );

    // Highlights followed their posts: the edited one stays in its (edited) post,
    // found approximately, not on the quoted copy of its words in post 19.
    let hs = lib.highlights(id).unwrap();
    let h = |u: &str| hs.iter().find(|h| h.uuid == u).unwrap();
    assert_eq!(
        (h(&solid).post.as_str(), h(&solid).state.as_str()),
        ("10", "anchored")
    );
    assert_eq!(
        (h(&talent).post.as_str(), h(&talent).state.as_str()),
        ("20", "fuzzy")
    );
    let post = by_id(&after, "20");
    let span: String = post
        .text
        .chars()
        .skip(h(&talent).start as usize)
        .take((h(&talent).end - h(&talent).start) as usize)
        .collect();
    assert_eq!(span, "we don't pay for great talent");

    // Importing the same version again changes nothing and marks nothing.
    import_text(&mut lib, &second_version(&seed), Some(id));
    let again = lib.posts(id).unwrap();
    assert_eq!(again.len(), after.len());
    assert!(again
        .iter()
        .all(|p| p.change.is_none() || p.change.as_deref() == Some("removed")));
}

/// Topic 1148 of the corpus cut in two as Discourse serves it: the topic JSON with
/// its first posts (`/t/1148.json`), and a page of the others as
/// `/t/1148/posts.json?page=2` answers (the topic's id and the posts, no title).
fn discourse_pages(split: usize) -> (Vec<u8>, Vec<u8>) {
    let text = std::fs::read(super::corpus().join("discourse/discourse_topic_1148.json")).unwrap();
    let topic: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let posts = topic["post_stream"]["posts"].as_array().unwrap();
    let mut first = topic.clone();
    first["post_stream"]["posts"] = serde_json::Value::Array(posts[..split].to_vec());
    let page = serde_json::json!({
        "id": 1148,
        "post_stream": { "posts": posts[split..].to_vec() },
    });
    (
        serde_json::to_vec(&first).unwrap(),
        serde_json::to_vec(&page).unwrap(),
    )
}

fn import_json(lib: &mut Library, name: &str, bytes: &[u8]) -> i64 {
    let docs = parse_bytes(name, bytes, &ImportOptions::default()).unwrap();
    let ids = lib.import_docs(&docs, None).unwrap();
    assert_eq!(ids.len(), 1);
    ids[0]
}

/// (source id, parent, depth, text, deleted, change) of every post, in order.
type Shape = Vec<(String, Option<String>, i64, String, bool, Option<String>)>;

fn shape(lib: &Library, id: i64) -> Shape {
    lib.posts(id)
        .unwrap()
        .into_iter()
        .map(|p| (p.source_id, p.parent, p.depth, p.text, p.deleted, p.change))
        .collect()
}

#[test]
fn pages_of_a_discourse_topic_merge_into_one_thread() {
    let file = super::corpus().join("discourse/discourse_topic_1148.json");
    let mut whole = Library::open_in_memory().unwrap();
    let all = import_json(&mut whole, "1148.json", &std::fs::read(file).unwrap());
    let expected: Shape = shape(&whole, all)
        .into_iter()
        .map(|(id, parent, depth, text, deleted, _)| (id, parent, depth, text, deleted, None))
        .collect();
    assert_eq!(expected.len(), 20);

    // One thread, every post as in the whole topic (parents on the other page
    // included), none removed, no text added to any post, the topic's title; also
    // when the first page is imported again after the second.
    for split in [10, 3, 19] {
        let (first, page) = discourse_pages(split);
        let order = [&first, &page];
        let mut lib = Library::open_in_memory().unwrap();
        let a = import_json(&mut lib, "a.json", order[0]);
        let b = import_json(&mut lib, "b.json", order[1]);
        assert_eq!(a, b, "the second page went into the same thread");
        assert_eq!(lib.list_threads().unwrap().len(), 1);
        let got = shape(&lib, a);
        let unmarked: Shape = got
            .iter()
            .cloned()
            .map(|(id, parent, depth, text, deleted, _)| (id, parent, depth, text, deleted, None))
            .collect();
        assert_eq!(unmarked, expected);
        assert!(got.iter().all(|p| p.5.as_deref() != Some("removed")));
        assert_eq!(lib.thread(a).unwrap().title, "[Support] uBlock Origin");
        // The page's own posts are the news of the second import; the others untouched.
        let second: Vec<&str> = got
            .iter()
            .filter(|p| p.5.as_deref() == Some("new"))
            .map(|p| p.0.as_str())
            .collect();
        assert_eq!(second.len(), 20 - split);
        import_json(&mut lib, "a.json", &first);
        let again = shape(&lib, a);
        assert_eq!(again.len(), 20);
        for (k, p) in again.iter().enumerate() {
            assert!(!p.4 && p.5.as_deref() != Some("removed"), "{p:?}");
            // The first page's posts did not change; the other page's keep their marks.
            let want = if k < split { None } else { Some("new") };
            assert_eq!(p.5.as_deref(), want, "{p:?}");
        }
    }
    let (first, page) = discourse_pages(10);

    // The same page again: nothing changes, nothing is marked removed.
    let mut lib = Library::open_in_memory().unwrap();
    let id = import_json(&mut lib, "a.json", &first);
    import_json(&mut lib, "b.json", &page);
    import_json(&mut lib, "b.json", &page);
    let got = shape(&lib, id);
    assert_eq!(got.len(), 20);
    assert!(got.iter().all(|p| p.5.is_none() && !p.4), "{got:?}");
}

fn parsed(file: &str) -> Vec<threadmark_core::ThreadDoc> {
    let path = super::corpus().join(file);
    parse_bytes(
        file,
        &std::fs::read(path).unwrap(),
        &ImportOptions::default(),
    )
    .unwrap()
}

#[test]
fn another_thread_is_not_imported_into_one_unless_forced() {
    let mut lib = Library::open_in_memory().unwrap();
    let dump = import_text(&mut lib, &super::seed(), None);
    let topic = lib
        .import_docs(&parsed("discourse/discourse_topic_1148.json"), None)
        .unwrap()[0];
    let before = (
        lib.list_threads().unwrap(),
        shape(&lib, dump),
        shape(&lib, topic),
    );
    let refused = [
        // Another site into a text dump, and into a Discourse topic.
        (
            parsed("hn/hnpwa/hnpwa-item-10846540.json"),
            dump,
            "hn thread 10846540",
        ),
        (
            parsed("hn/hnpwa/hnpwa-item-10846540.json"),
            topic,
            "hn thread 10846540",
        ),
        // Another topic of the same site.
        (
            parsed("discourse/discourse_topic_1149.json"),
            topic,
            "discourse thread 1149",
        ),
    ];
    for (docs, into, what) in refused {
        let e = lib.import_docs(&docs, Some(into)).unwrap_err();
        let message = e.to_string();
        assert_eq!(e.kind(), threadmark_core::ErrorKind::BadInput, "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(
            message.contains(&format!("thread {into} is a")) && message.contains(what),
            "{message}"
        );
        assert!(message.contains("--force"), "{message}");
        assert_eq!(
            (
                lib.list_threads().unwrap(),
                shape(&lib, dump),
                shape(&lib, topic)
            ),
            before,
            "nothing changed"
        );
    }
    // The same topic into itself, and a dump into a dump, are new versions.
    lib.import_docs(&parsed("discourse/discourse_topic_1148.json"), Some(topic))
        .unwrap();
    import_text(&mut lib, "Another dump.\n", Some(dump));
    // Forced, another topic becomes the thread's new version.
    let forced = threadmark_core::WriteOptions {
        into: Some(topic),
        force: true,
        ..Default::default()
    };
    let docs = parsed("discourse/discourse_topic_1149.json");
    let ids = lib
        .import_docs_with(&docs, &forced, &mut threadmark_core::progress::unobserved)
        .unwrap();
    assert_eq!(ids, [topic]);
    let live = lib
        .posts(topic)
        .unwrap()
        .into_iter()
        .filter(|p| !p.deleted)
        .count();
    assert_eq!(live, 2);
}

#[test]
fn a_title_the_user_gave_survives_reimports() {
    let mut lib = Library::open_in_memory().unwrap();
    let seed = super::seed();
    let id = lib
        .import_bytes(
            "seed.txt",
            seed.as_bytes(),
            threadmark_core::SourceFormat::Auto,
            Some("DeepSeek founder"),
        )
        .unwrap()[0];
    import_text(&mut lib, &second_version(&seed), Some(id));
    assert_eq!(lib.thread(id).unwrap().title, "DeepSeek founder");

    // A Discourse topic: the source's title follows the source until the user
    // renames the thread; then the user's title stays.
    let file = super::corpus().join("discourse/discourse_topic_1148.json");
    let json = std::fs::read_to_string(file).unwrap();
    let retitled = json.replace(
        "\"title\": \"[Support] uBlock Origin\"",
        "\"title\": \"[Support] uBlock Origin (2016)\"",
    );
    assert!(retitled != json, "the title is in the file");
    let topic = import_json(&mut lib, "1148.json", json.as_bytes());
    import_json(&mut lib, "1148.json", retitled.as_bytes());
    assert_eq!(
        lib.thread(topic).unwrap().title,
        "[Support] uBlock Origin (2016)"
    );
    lib.rename_thread(topic, "uBO notes").unwrap();
    import_json(&mut lib, "1148.json", json.as_bytes());
    assert_eq!(lib.thread(topic).unwrap().title, "uBO notes");
    // A title given with the import itself replaces it, and stays in turn.
    let given = threadmark_core::WriteOptions {
        title: Some("uBlock Origin support".into()),
        ..Default::default()
    };
    let docs = parse_bytes("1148.json", json.as_bytes(), &ImportOptions::default()).unwrap();
    lib.import_docs_with(&docs, &given, &mut threadmark_core::progress::unobserved)
        .unwrap();
    import_json(&mut lib, "1148.json", retitled.as_bytes());
    assert_eq!(lib.thread(topic).unwrap().title, "uBlock Origin support");
}

#[test]
fn highlights_stay_on_removed_posts_and_come_back_anchored() {
    let seed = super::seed();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import_text(&mut lib, &seed, None);
    let middlemen = lib
        .add_highlight(
            id,
            "18",
            &NewHighlight {
                exact: "middlemen".into(),
                prefix: Some("cut out their ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let dying = highlight(&mut lib, id, "8", "the art of hardware is dying out");

    // Post 18 deleted, post 8 edited inside the highlight.
    let v2: String = seed
        .lines()
        .enumerate()
        .filter(|(i, _)| *i + 1 != 18)
        .map(|(_, l)| format!("{}\n", l.replace("is dying out", "is dieing out")))
        .collect();
    import_text(&mut lib, &v2, Some(id));
    let posts = lib.posts(id).unwrap();
    let removed = posts.iter().find(|p| p.deleted).unwrap();
    assert!(removed.text.contains("cut out their middlemen"));
    let hs = lib.highlights(id).unwrap();
    let h = |u: &str| hs.iter().find(|h| h.uuid == u).unwrap().clone();
    let m = h(&middlemen.uuid);
    assert_eq!(
        (m.post.as_str(), m.state.as_str(), m.start, m.end),
        (
            removed.source_id.as_str(),
            "anchored",
            middlemen.start,
            middlemen.end
        ),
        "the removed post still holds the words"
    );
    let d = h(&dying);
    assert_eq!((d.post.as_str(), d.state.as_str()), ("8", "fuzzy"));
    assert_eq!(
        d.exact, "the art of hardware is dying out",
        "the user's words are kept"
    );

    // The first version again: the post is back, the edit undone.
    import_text(&mut lib, &seed, Some(id));
    let posts = lib.posts(id).unwrap();
    assert!(posts.iter().all(|p| !p.deleted));
    assert_eq!(posts.len(), 150);
    let hs = lib.highlights(id).unwrap();
    let h = |u: &str| hs.iter().find(|h| h.uuid == u).unwrap().clone();
    assert_eq!(
        (
            h(&middlemen.uuid).post.as_str(),
            h(&middlemen.uuid).state.as_str()
        ),
        ("18", "anchored")
    );
    let d = h(&dying);
    assert_eq!(
        (d.post.as_str(), d.state.as_str(), d.exact.as_str()),
        ("8", "anchored", "the art of hardware is dying out")
    );
}

/// Everything stored of a thread's posts and quotes, by source id.
fn stored(lib: &Library, id: i64) -> (Vec<String>, Vec<String>) {
    let posts = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .map(|p| {
            format!(
                "{} {:?} {} {} {:?} {:?} {} {} {} {:?}",
                p.source_id,
                p.parent,
                p.position,
                p.depth,
                p.author,
                p.created_at,
                p.deleted,
                p.missing_replies,
                p.html,
                p.text
            )
        })
        .collect();
    let quotes = lib
        .quotes(id)
        .unwrap()
        .into_iter()
        .map(|q| format!("{q:?}"))
        .collect();
    (posts, quotes)
}

/// A refresh that leaves unchanged posts alone stores what a fresh import of the
/// new version stores; only the changed posts' rows are written.
#[test]
fn a_refresh_stores_what_a_fresh_import_of_the_new_version_does() {
    for file in [
        "hn/hnpwa/hnpwa-item-10846540.json",
        "reddit/3hahrw.interaction01.comments.json",
        "hn/algolia/neonmodem-49953495-trimmed.json",
    ] {
        let v1 = parsed(file);
        let v2 = vec![threadmark_core::synthetic::revise(&v1[0], 6, 4, 3)];
        let mut fresh = Library::open_in_memory().unwrap();
        let want_id = fresh.import_docs(&v2, None).unwrap()[0];

        let mut lib = Library::open_in_memory().unwrap();
        let id = lib.import_docs(&v1, None).unwrap()[0];
        // Rows whose text or markup is written again are noted.
        lib.connection()
            .execute_batch(
                "CREATE TEMP TABLE touched (id INTEGER);
                 CREATE TEMP TRIGGER note AFTER UPDATE OF text, markup ON main.posts
                 BEGIN INSERT INTO touched VALUES (new.id); END;",
            )
            .unwrap();
        lib.import_docs(&v2, None).unwrap();
        let touched: Vec<i64> = {
            let c = lib.connection();
            let mut stmt = c.prepare("SELECT id FROM touched ORDER BY id").unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        let posts = lib.posts(id).unwrap();
        let with = |change: &str| -> Vec<i64> {
            posts
                .iter()
                .filter(|p| p.change.as_deref() == Some(change))
                .map(|p| p.id)
                .collect()
        };
        assert_eq!(with("new").len(), 6, "{file}");
        let mut edited = with("edited");
        edited.sort_unstable();
        assert!((1..=4).contains(&edited.len()), "{file}: {edited:?}");
        assert_eq!(
            touched, edited,
            "{file}: only edited posts are written again"
        );
        assert_eq!(stored(&lib, id), stored(&fresh, want_id), "{file}");
    }
}
