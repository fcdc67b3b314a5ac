//! The Discourse importer over the topics in `../shared/corpus/discourse/`.

use super::hn::{check, read, Expect};
use threadmark_core::import::{discourse, parse_json};

#[test]
fn topic_1148() {
    let doc = check(&Expect {
        file: "discourse/discourse_topic_1148.json",
        source: "discourse",
        // The file holds the first 20 of the topic's 22 posts.
        posts: 20,
        root: "1",
        key: "1148",
        title: "[Support] uBlock Origin",
        url: None,
        parents: &[
            ("2", "1"),
            ("4", "3"),
            ("8", "7"),
            ("10", "9"),
            ("13", "12"),
            ("14", "1"),
            ("17", "15"),
            ("19", "18"),
            ("20", "19"),
        ],
        depths: &[
            ("1", 0),
            ("3", 1),
            ("4", 2),
            ("12", 2),
            ("13", 3),
            ("20", 4),
        ],
        authors: &[
            ("1", "gorhill"),
            ("3", "noisycitytoonoisy"),
            ("20", "Keith14"),
        ],
        texts: &[
            (
                "1",
                "This is the new support and feedback thread for uBlock Origin",
            ),
            (
                "4",
                "Is \"reply\" the only option to ask a question?\n\nI think it is.",
            ),
        ],
        deleted: &[],
        absent: &[],
        quotes: &[
            ("4", "3"),
            // Post 8 quotes words of post 7 that are themselves inside a quote
            // there; text matching skips quoted text, the aside's `data-post="7"`
            // names it (see `quote_asides_name_their_source`).
            ("8", ""),
            ("12", "11"),
            ("18", "14"),
            ("19", "18"),
        ],
    });
    // Post 1's id in the topic is its post number; the root is post 1.
    assert_eq!(doc.posts[0].source_id, "1");
    assert_eq!(doc.posts[0].created_at, Some(1453838869));
    // The quote aside's title (avatar, "noisycitytoonoisy:") is not in the text.
    let post4 = doc.posts.iter().find(|p| p.source_id == "4").unwrap();
    assert!(!post4.body.render().text.contains("noisycitytoonoisy:"));
    assert_eq!(post4.body.render().quotes.len(), 2);
}

#[test]
fn quote_asides_name_their_source() {
    let value = parse_json(&read("discourse/discourse_topic_1148.json")).unwrap();
    let (doc, sources) = discourse::parse_with_quote_sources(&value).unwrap();
    let of = |n: &str| {
        let i = doc.posts.iter().position(|p| p.source_id == n).unwrap();
        sources[i]
            .iter()
            .map(|s| s.as_ref().and_then(|s| s.post.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(of("4"), [Some("3".to_string()), Some("3".to_string())]);
    assert_eq!(of("8"), [Some("7".to_string()), None]);
    assert_eq!(of("19"), [Some("18".to_string())]);
    assert_eq!(of("7"), [None]);
    for (post, s) in doc.posts.iter().zip(&sources) {
        assert_eq!(
            post.body.render().quotes.len(),
            s.len(),
            "post {}",
            post.source_id
        );
    }
}

#[test]
fn sandbox_topic_and_topic_1149() {
    let doc = check(&Expect {
        file: "discourse/discourse_api-topic.json",
        source: "discourse",
        posts: 4,
        root: "1",
        key: "57",
        title: "THIS SITE IS A SANDBOX -- it is reset every day",
        url: None,
        parents: &[("2", "1"), ("3", "1"), ("14", "1")],
        depths: &[("14", 1)],
        authors: &[("1", "samsaffron"), ("3", "stienman"), ("14", "splattne")],
        texts: &[
            ("1", "Welcome!"),
            (
                "1",
                "Try is a sandbox, a safe place to play with Discourse and its features.",
            ),
            ("2", "This topic is now pinned."),
        ],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
    assert_eq!(doc.posts[0].created_at, Some(1360009586));
    check(&Expect {
        file: "discourse/discourse_topic_1149.json",
        source: "discourse",
        posts: 2,
        root: "1",
        key: "1149",
        title: "[Support] uBlock Origin",
        url: None,
        parents: &[("2", "1")],
        depths: &[("2", 1)],
        authors: &[("2", "gorhill")],
        texts: &[(
            "2",
            "Example of how to un-break a site using the dynamic filtering pane",
        )],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
}

/// The quote sources Discourse names are trusted when the thread is stored: each
/// quote of post 4, 8 and 19 is linked to the post its aside names.
#[test]
fn named_quote_sources_are_trusted_in_the_library() {
    use threadmark_core::import::{parse_bytes, ImportOptions};
    let file = "discourse/discourse_topic_1148.json";
    let docs = parse_bytes(file, &read(file), &ImportOptions::default()).unwrap();
    let given = |n: &str| {
        docs[0]
            .posts
            .iter()
            .find(|p| p.source_id == n)
            .unwrap()
            .quote_sources
            .clone()
    };
    use threadmark_core::model::QuoteSource::Post;
    assert_eq!(given("4"), [Some(Post("3".into())), Some(Post("3".into()))]);
    assert_eq!(given("8"), [Some(Post("7".into())), None]);
    assert!(given("7").is_empty());
    let mut lib = threadmark_core::Library::open_in_memory().unwrap();
    let id = lib.import_docs(&docs, None).unwrap()[0];
    let quotes = lib.quotes(id).unwrap();
    let sources = |n: &str| {
        quotes
            .iter()
            .filter(|q| q.post == n)
            .map(|q| q.source.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(sources("4"), [Some("3".to_string()), Some("3".to_string())]);
    assert_eq!(sources("19"), [Some("18".to_string())]);
    assert_eq!(sources("8")[0], Some("7".to_string()));
    for q in quotes
        .iter()
        .filter(|q| ["4", "19"].contains(&q.post.as_str()))
    {
        assert!(
            q.score.unwrap() > 0.0,
            "{q:?}: the quoted words are found in the named post"
        );
    }
}

/// A named source wins over where the words are found: topic 1148 with post 4's
/// asides renamed to post 2 (whose text does not hold the words) and post 19's to
/// another topic. Without the names, the resolver finds them in 3 and 18.
#[test]
fn a_named_source_wins_over_the_resolver() {
    use threadmark_core::import::{parse_bytes, ImportOptions};
    let text = String::from_utf8(read("discourse/discourse_topic_1148.json")).unwrap();
    let renamed = text
        .replace(
            r#"data-post=\"3\" data-topic=\"1148\""#,
            r#"data-post=\"2\" data-topic=\"1148\""#,
        )
        .replace(
            r#"data-post=\"18\" data-topic=\"1148\""#,
            r#"data-post=\"18\" data-topic=\"999\""#,
        );
    assert_ne!(renamed, text);
    let sources = |json: &str| {
        let docs = parse_bytes("1148.json", json.as_bytes(), &ImportOptions::default()).unwrap();
        let mut lib = threadmark_core::Library::open_in_memory().unwrap();
        let id = lib.import_docs(&docs, None).unwrap()[0];
        lib.quotes(id)
            .unwrap()
            .into_iter()
            .filter(|q| q.post == "4" || q.post == "19")
            .map(|q| (q.post, q.source, q.score))
            .collect::<Vec<_>>()
    };
    let found = sources(&text);
    assert_eq!(
        found
            .iter()
            .map(|q| (q.0.as_str(), q.1.as_deref()))
            .collect::<Vec<_>>(),
        [("4", Some("3")), ("4", Some("3")), ("19", Some("18"))]
    );
    let named = sources(&renamed);
    assert_eq!(
        named
            .iter()
            .map(|q| (q.0.as_str(), q.1.as_deref(), q.2))
            .collect::<Vec<_>>(),
        [
            ("4", Some("2"), Some(0.0)),
            ("4", Some("2"), Some(0.0)),
            ("19", None, None)
        ]
    );
}
