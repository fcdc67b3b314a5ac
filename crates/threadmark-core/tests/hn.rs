//! Hacker News importers over the real files in `../shared/corpus/hn/`: Algolia,
//! Firebase, HNPWA and a saved item page. Expected counts, parents and texts come
//! from reading the files (python3 -c json / the page's indent images), not from the
//! parser.

use std::collections::{HashMap, HashSet};

use threadmark_core::import::{hn, html, parse_bytes, ImportOptions};
use threadmark_core::{Library, SourceFormat, ThreadDoc};

/// What one corpus file must give.
pub struct Expect {
    pub file: &'static str,
    pub source: &'static str,
    pub posts: usize,
    /// The root post's source id.
    pub root: &'static str,
    /// The thread's source key.
    pub key: &'static str,
    pub title: &'static str,
    pub url: Option<&'static str>,
    /// (post, parent)
    pub parents: &'static [(&'static str, &'static str)],
    /// (post, depth; the root is 0)
    pub depths: &'static [(&'static str, i64)],
    /// (post, author)
    pub authors: &'static [(&'static str, &'static str)],
    /// (post, a passage of its canonical text)
    pub texts: &'static [(&'static str, &'static str)],
    /// Posts kept as deleted (they have replies).
    pub deleted: &'static [&'static str],
    /// Posts the file holds that must not be imported (deleted or dead leaves).
    pub absent: &'static [&'static str],
    /// (quoting post, the post its quote resolves to, or "" for any/external)
    pub quotes: &'static [(&'static str, &'static str)],
}

pub fn read(file: &str) -> Vec<u8> {
    std::fs::read(super::corpus().join(file)).unwrap()
}

/// Parse a corpus file with format detection and check it against `e`, then store
/// it and check depths and quotes. Returns the doc.
pub fn check(e: &Expect) -> ThreadDoc {
    let bytes = read(e.file);
    let mut docs = parse_bytes(e.file, &bytes, &ImportOptions::default())
        .unwrap_or_else(|err| panic!("{}: {err}", e.file));
    assert_eq!(docs.len(), 1, "{}", e.file);
    let doc = docs.remove(0);
    assert_eq!(doc.source, e.source, "{}: detected format", e.file);
    assert_eq!(doc.posts.len(), e.posts, "{}: posts", e.file);
    assert_eq!(doc.title, e.title, "{}", e.file);
    assert_eq!(doc.url.as_deref(), e.url, "{}", e.file);
    assert_eq!(doc.source_key.as_deref(), Some(e.key), "{}", e.file);
    let root = &doc.posts[0];
    assert_eq!(
        (root.source_id.as_str(), root.parent.as_deref()),
        (e.root, None)
    );
    let root_text = root.body.render().text;
    assert!(
        root_text.starts_with(e.title) || e.title.ends_with('…'),
        "{}: the root post starts with the title: {root_text:?}",
        e.file
    );

    let mut seen = HashSet::new();
    let by_id: HashMap<&str, usize> = doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    assert_eq!(by_id.len(), doc.posts.len(), "{}: ids are unique", e.file);
    for post in &doc.posts {
        if let Some(parent) = &post.parent {
            assert!(
                seen.contains(parent.as_str()),
                "{}: {} comes before its parent",
                e.file,
                post.source_id
            );
        }
        seen.insert(post.source_id.as_str());
        let r = post.body.render();
        super::invariant::check(&r.html, &r.text);
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
            "{}: parent of {id}",
            e.file
        );
    }
    for (id, author) in e.authors {
        assert_eq!(
            post(id).author.as_deref(),
            Some(*author),
            "{}: author of {id}",
            e.file
        );
    }
    for (id, passage) in e.texts {
        let text = post(id).body.render().text;
        assert!(text.contains(passage), "{}: text of {id}: {text:?}", e.file);
    }
    for id in e.deleted {
        assert!(post(id).deleted, "{}: {id} is deleted", e.file);
    }
    for id in e.absent {
        assert!(
            !by_id.contains_key(id),
            "{}: {id} must not be imported",
            e.file
        );
    }

    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib.import_docs(std::slice::from_ref(&doc), None).unwrap();
    let stored = lib.posts(ids[0]).unwrap();
    assert_eq!(stored.len(), e.posts);
    for p in &stored {
        super::invariant::check(&p.html, &p.text);
    }
    let depth: HashMap<&str, i64> = stored
        .iter()
        .map(|p| (p.source_id.as_str(), p.depth))
        .collect();
    for (id, d) in e.depths {
        assert_eq!(depth.get(id), Some(d), "{}: depth of {id}", e.file);
    }
    let quotes = lib.quotes(ids[0]).unwrap();
    for (quoting, source) in e.quotes {
        let found: Vec<_> = quotes.iter().filter(|q| q.post == *quoting).collect();
        assert!(
            !found.is_empty(),
            "{}: {quoting} has a quote; quotes: {quotes:?}",
            e.file
        );
        if !source.is_empty() {
            assert!(
                found.iter().any(|q| q.source.as_deref() == Some(*source)),
                "{}: a quote of {quoting} resolves to {source}: {found:?}",
                e.file
            );
        }
    }
    doc
}

const QWEN: &str = "Run Qwen 3.8 Flash Next (125B) on consumer hardware (RTX 4090) at 100T/s";

#[test]
fn algolia_item() {
    let doc = check(&Expect {
        file: "hn/algolia/neonmodem-49953495-trimmed.json",
        source: "hn",
        posts: 20,
        root: "49953495",
        key: "49953495",
        title: QWEN,
        url: Some("https://github.com/Niko1221/Strata"),
        parents: &[
            ("49953496", "49953495"),
            ("49953722", "49953575"),
            ("49955594", "49953905"),
            ("49954018", "49953976"),
            ("49953978", "49953674"),
        ],
        depths: &[
            ("49953495", 0),
            ("49953496", 1),
            ("49953722", 3),
            ("49954061", 3),
        ],
        authors: &[
            ("49953495", "snehesht"),
            ("49953722", "incognito124"),
            ("49954219", "StumpChunkman"),
        ],
        texts: &[
            ("49953722", "It's so good I dont even use claude anymore"),
            (
                "49953976",
                "Quantization Degradation in Large Language Models",
            ),
            ("49955594", "expect to get >= 100 T/s"),
        ],
        deleted: &[],
        absent: &[],
        // mkl quotes the project's README, which is not in the thread.
        quotes: &[("49953724", "")],
    });
    assert_eq!(doc.posts[0].created_at, Some(1791118313));
    // The story has no text: its body is the title linked to the URL.
    let r = doc.posts[0].body.render();
    assert_eq!(r.text, QWEN);
    assert!(r
        .html
        .contains("href=\"https://github.com/Niko1221/Strata\""));
}

#[test]
fn node_hacker_news_api_fixtures_take_the_one_item() {
    // The fixtures file records 26 API replies: 24 searches, one user and one item
    // (comment 17 with its two replies); the item is the thread.
    let doc = check(&Expect {
        file: "hn/algolia/node-hacker-news-api-fixtures.json",
        source: "hn",
        posts: 3,
        root: "17",
        key: "17",
        title: "Is there anywhere to eat on Sandhill Road?",
        url: Some("https://news.ycombinator.com/item?id=17"),
        parents: &[("1079", "17"), ("454426", "17")],
        depths: &[("17", 0), ("1079", 1)],
        authors: &[("17", "pg"), ("1079", "dmon"), ("454426", "Arrington")],
        texts: &[
            ("1079", "sure"),
            ("454426", "This is why we can't have nice things."),
        ],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
    assert_eq!(doc.posts[1].created_at, Some(1172441903));
}

#[test]
fn firebase_single_items() {
    let doc = check(&Expect {
        file: "hn/firebase/item_story.json",
        source: "hn",
        posts: 1,
        root: "49953495",
        key: "49953495",
        title: QWEN,
        url: Some("https://github.com/Niko1221/Strata"),
        parents: &[],
        depths: &[("49953495", 0)],
        authors: &[("49953495", "snehesht")],
        texts: &[],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
    assert_eq!(doc.posts[0].created_at, Some(1791118313));
    // A lone comment is a thread of its own, titled from its text.
    let doc = check(&Expect {
        file: "hn/firebase/item_comment.json",
        source: "hn",
        posts: 1,
        root: "49953496",
        key: "49953496",
        title: "I tried it and it worked surprisingly well. On my machine (Nvidia 4090, 128GB…",
        url: Some("https://news.ycombinator.com/item?id=49953496"),
        parents: &[],
        depths: &[],
        authors: &[("49953496", "snehesht")],
        texts: &[("49953496", "https://huggingface.co/Qwen/Qwen3.8-Flash-Next")],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
    assert!(doc.posts[0].body.render().text.starts_with("I tried it"));
}

fn firebase_array(items: &str) -> threadmark_core::Result<Vec<ThreadDoc>> {
    parse_bytes("items.json", items.as_bytes(), &ImportOptions::default())
}

#[test]
fn firebase_array_of_items() {
    // The two corpus items in one array, comment first: the story is the root.
    let story = String::from_utf8(read("hn/firebase/item_story.json")).unwrap();
    let comment = String::from_utf8(read("hn/firebase/item_comment.json")).unwrap();
    let doc = firebase_array(&format!("[{comment},{story}]"))
        .unwrap()
        .remove(0);
    let ids: Vec<(&str, Option<&str>)> = doc
        .posts
        .iter()
        .map(|p| (p.source_id.as_str(), p.parent.as_deref()))
        .collect();
    assert_eq!(ids, [("49953495", None), ("49953496", Some("49953495"))]);

    // Children follow the parent's `kids`; an item whose parent is missing hangs
    // under the root; a deleted leaf is dropped, a deleted item with replies kept.
    let doc = firebase_array(
        r#"[{"id":1,"type":"story","by":"a","time":10,"title":"T","kids":[3,2,5]},
            {"id":2,"type":"comment","by":"b","parent":1,"text":"two"},
            {"id":3,"type":"comment","by":"c","parent":1,"text":"three"},
            {"id":4,"type":"comment","by":"d","parent":99,"text":"orphan"},
            {"id":5,"type":"comment","deleted":true,"parent":1,"kids":[6]},
            {"id":6,"type":"comment","by":"e","parent":5,"text":"under deleted"},
            {"id":7,"type":"comment","deleted":true,"parent":2},
            {"id":8,"type":"comment","by":"f","dead":true,"parent":3,"text":"dead"}]"#,
    )
    .unwrap()
    .remove(0);
    let ids: Vec<(&str, Option<&str>, bool)> = doc
        .posts
        .iter()
        .map(|p| (p.source_id.as_str(), p.parent.as_deref(), p.deleted))
        .collect();
    assert_eq!(
        ids,
        [
            ("1", None, false),
            ("3", Some("1"), false),
            ("2", Some("1"), false),
            ("5", Some("1"), true),
            ("6", Some("5"), false),
            ("4", Some("1"), false),
        ]
    );
    assert_eq!(doc.posts[3].body.render().text, "");
    assert_eq!(doc.title, "T");
}

#[test]
fn firebase_cycles_and_duplicate_ids_are_errors_with_their_place() {
    let e = firebase_array(
        r#"[{"id":1,"type":"story","by":"a","title":"T"},
            {"id":2,"type":"comment","by":"b","parent":3,"text":"x"},
            {"id":3,"type":"comment","by":"c","parent":2,"text":"y"}]"#,
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("items.json: ["), "{msg}");
    assert!(
        msg.contains("comment cycle: ") && (msg.contains("2 → 3") || msg.contains("3 → 2")),
        "{msg}"
    );
    assert!(!msg.contains('\n'));

    let e = firebase_array(
        r#"[{"id":1,"type":"story","by":"a","title":"T"},
            {"id":2,"type":"comment","by":"b","parent":1,"text":"x"},
            {"id":2,"type":"comment","by":"c","parent":1,"text":"y"}]"#,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "items.json: [2]: duplicate item id 2 (also at [1])"
    );
}

#[test]
fn algolia_duplicate_ids_and_bad_children_name_the_json_path() {
    let doc = r#"{"id":1,"created_at_i":1,"type":"story","title":"T","children":[
        {"id":2,"created_at_i":2,"type":"comment","author":"a","text":"x","children":[]},
        {"id":3,"created_at_i":3,"type":"comment","author":"b","text":"y","children":[
            {"id":2,"created_at_i":4,"type":"comment","author":"c","text":"z","children":[]}]}]}"#;
    let e = parse_bytes("a.json", doc.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a.json: children[1].children[0]: duplicate item id 2 (also at children[0])"
    );
    let doc = r#"{"id":1,"created_at_i":1,"type":"story","title":"T","children":[
        {"id":2,"created_at_i":2,"type":"comment","author":"a","text":"x","children":[7]}]}"#;
    let e = parse_bytes("a.json", doc.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a.json: children[0].children[0]: expected an item (a JSON object)"
    );
}

#[test]
fn hnpwa_items() {
    check(&Expect {
        file: "hn/hnpwa/hnpwa-item-1.comments.json",
        source: "hn",
        // 20 comments; one deleted and four dead ones have no replies.
        posts: 16,
        root: "1",
        key: "1",
        title: "Y Combinator",
        url: Some("http://ycombinator.com"),
        parents: &[
            ("15", "1"),
            ("17", "15"),
            ("1079", "17"),
            ("234580", "234567"),
            ("487171", "1"),
        ],
        depths: &[("15", 1), ("1079", 3), ("234580", 6)],
        authors: &[("1", "pg"), ("15", "sama"), ("234549", "rms")],
        texts: &[
            (
                "15",
                "\"the rising star of venture capital\" -unknown VC eating lunch on SHR",
            ),
            ("234509", "sequential numbering I must be bored"),
        ],
        deleted: &[],
        absent: &["234591", "454426", "454424", "454410", "82729"],
        quotes: &[],
    });
    check(&Expect {
        file: "hn/hnpwa/hnpwa-item-10846540.json",
        source: "hn",
        // 229 comments, 21 of them deleted or dead leaves.
        posts: 208,
        root: "10846540",
        key: "10846540",
        title: "Magic+",
        url: Some("https://getmagicnow.com/plus"),
        parents: &[
            ("10847160", "10846540"),
            ("10847638", "10847160"),
            ("10846786", "10846755"),
            ("10847121", "10847002"),
        ],
        depths: &[
            ("10847160", 1),
            ("10847839", 5),
            ("10847121", 7),
            ("10846917", 4),
        ],
        authors: &[("10847160", "paul"), ("10847822", "patio11")],
        texts: &[("10847160", "A lot of skepticism here")],
        deleted: &["10846786", "10846917"],
        absent: &["10847784", "10847430", "10847229", "10846657"],
        quotes: &[("10847638", "10847160"), ("10847798", "10847750")],
    });
    check(&Expect {
        file: "hn/hnpwa/hnpwa-item-26312516.comments.json",
        source: "hn",
        posts: 486,
        root: "26312516",
        key: "26312516",
        title: "Speed Is the Killer Feature",
        url: Some("https://bdickason.com/posts/speed-is-the-killer-feature/"),
        parents: &[
            ("26315957", "26312516"),
            ("26319018", "26315957"),
            ("26320500", "26316315"),
            ("26314366", "26312516"),
        ],
        depths: &[("26320500", 11), ("26318363", 11)],
        authors: &[("26315957", "atleta"), ("26314366", "IshKebab")],
        texts: &[(
            "26315957",
            "Symbian phones, which were the market leader smartphones",
        )],
        deleted: &[],
        absent: &[],
        quotes: &[],
    });
}

#[test]
fn saved_item_page_of_2015() {
    let doc = check(&Expect {
        file: "hn/html/hn-item-page-hyperv-containers-2015.html",
        source: "hn",
        // 121 comment tables and the story.
        posts: 122,
        root: "9342369",
        key: "9342369",
        title: "Microsoft announces Hyper-V Containers",
        url: Some("http://azure.microsoft.com/blog/2015/04/08/microsoft-unveils-new-container-technologies-for-the-next-generation-cloud"),
        parents: &[
            ("9342585", "9342369"),
            ("9342853", "9342585"),
            ("9342913", "9342853"),
            ("9344346", "9342637"),
            ("9344173", "9342543"),
        ],
        depths: &[("9342585", 1), ("9342913", 3), ("9344346", 4)],
        authors: &[("9342369", "swernli"), ("9342585", "kirinan"), ("9344346", "taylorbrown")],
        texts: &[
            ("9344173", "https://github.com/docker/docker/issues/10662"),
            ("9342853", "It doesn't need to be anointed by Microsoft to be 'viable'."),
            ("9344346", "-Taylor, PM on Windows @taylorb_msft"),
        ],
        deleted: &[],
        absent: &[],
        quotes: &[
            ("9342962", "9342853"),
            ("9343217", "9342853"),
            ("9344665", ""),
            ("9345081", ""),
            ("9343256", ""),
            ("9343244", ""),
            ("9342718", ""),
            ("9345443", ""),
            ("9344859", ""),
        ],
    });
    // No "reply" links leak into the text.
    for p in &doc.posts {
        let text = p.body.render().text;
        assert!(!text.ends_with("reply"), "{}: {text:?}", p.source_id);
    }
}

/// One comment row of today's item page.
fn row(id: u32, indent: u32, user: &str, age: &str, text: &str) -> String {
    let body = if text == "[deleted]" {
        "<div class=\"comment\"> [deleted] </div>".to_string()
    } else {
        format!(
            "<div class=\"comment\"><div class=\"commtext c00\">{text}</div><div class=\"reply\"><p><font size=\"1\"><u><a href=\"reply?id={id}\">reply</a></u></font></div></div>"
        )
    };
    format!(
        "<tr class=\"athing comtr\" id=\"{id}\"><td><table border=\"0\"><tr><td class=\"ind\" indent=\"{indent}\"><img src=\"s.gif\" height=\"1\" width=\"{}\"></td><td valign=\"top\" class=\"votelinks\"></td><td class=\"default\"><div><span class=\"comhead\"><a href=\"user?id={user}\" class=\"hnuser\">{user}</a> <span class=\"age\" title=\"{age}\"><a href=\"item?id={id}\">1 hour ago</a></span> <span class=\"navs\"> | <a href=\"item?id=100\">parent</a></span></span></div><br>{body}</td></tr></table></td></tr>",
        indent * 40
    )
}

#[test]
fn saved_item_page_of_today() {
    // The layout since about 2016: `tr.athing.comtr`, `td.ind[indent]`, `.commtext`,
    // `.age[title]` (with Unix seconds after the date in newer pages).
    let page = format!(
        "<html><head><title>Ask HN: Deep or wide? | Hacker News</title></head><body><center><table id=\"hnmain\">\
         <tr class=\"athing submission\" id=\"100\"><td class=\"title\"><span class=\"titleline\"><a href=\"item?id=100\">Ask HN: Deep or wide?</a></span></td></tr>\
         <tr><td class=\"subtext\"><span class=\"subline\"><a href=\"user?id=op\" class=\"hnuser\">op</a> <span class=\"age\" title=\"2024-01-02T03:04:05 1704164645\"><a href=\"item?id=100\">1 day ago</a></span></span></td></tr>\
         <tr><td><div class=\"toptext\">Which one &amp; why?</div></td></tr></table>\
         <table class=\"comment-tree\">{}{}{}{}</table></center></body></html>",
        row(101, 0, "a", "2024-01-02T04:00:00", "Wide.<p>&gt; Which one & why?<p>Because."),
        row(102, 1, "", "2024-01-02T05:00:00", "[deleted]"),
        row(103, 2, "c", "2024-01-02T06:00:00", "Under a deleted one."),
        row(104, 0, "d", "2024-01-02T07:00:00", "Deep."),
    );
    assert!(hn::sniff_html(page.as_bytes()));
    let doc = parse_bytes("item.html", page.as_bytes(), &ImportOptions::default())
        .unwrap()
        .remove(0);
    assert_eq!(doc.title, "Ask HN: Deep or wide?");
    assert_eq!(
        doc.url.as_deref(),
        Some("https://news.ycombinator.com/item?id=100")
    );
    let got: Vec<_> = doc
        .posts
        .iter()
        .map(|p| {
            (
                p.source_id.as_str(),
                p.parent.as_deref(),
                p.author.as_deref(),
                p.created_at,
                p.deleted,
                p.body.render().text,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "100",
                None,
                Some("op"),
                Some(1704164645),
                false,
                "Ask HN: Deep or wide?\n\nWhich one & why?".to_string()
            ),
            (
                "101",
                Some("100"),
                Some("a"),
                Some(1704168000),
                false,
                "Wide.\n\nWhich one & why?\n\nBecause.".to_string()
            ),
            (
                "102",
                Some("101"),
                None,
                Some(1704171600),
                true,
                String::new()
            ),
            (
                "103",
                Some("102"),
                Some("c"),
                Some(1704175200),
                false,
                "Under a deleted one.".to_string()
            ),
            (
                "104",
                Some("100"),
                Some("d"),
                Some(1704178800),
                false,
                "Deep.".to_string()
            ),
        ]
    );
    let quotes = doc.posts[1].body.render().quotes;
    assert_eq!(quotes.len(), 1);
}

#[test]
fn wrong_format_forced_and_truncated_json() {
    let bytes = read("hn/algolia/neonmodem-49953495-trimmed.json");
    for (format, cause) in [
        (SourceFormat::Lobsters, "not a Lobsters story"),
        (SourceFormat::Discourse, "no `post_stream.posts` list"),
    ] {
        let options = ImportOptions {
            format,
            ..Default::default()
        };
        let e = parse_bytes("hn.json", &bytes, &options).unwrap_err();
        assert!(e.to_string().contains(cause), "{e}");
    }
    let lobsters = read("lobsters/post_details_tdfoqh.2025-depth.json");
    let options = ImportOptions {
        format: SourceFormat::Hn,
        ..Default::default()
    };
    let e = parse_bytes("l.json", &lobsters, &options).unwrap_err();
    assert!(e.to_string().contains("not Hacker News JSON"), "{e}");

    let e = parse_bytes(
        "hn.json",
        &bytes[..bytes.len() / 2],
        &ImportOptions::default(),
    )
    .unwrap_err();
    let place = e.place().unwrap();
    assert!(place.starts_with("line 1, column "), "{e}");
    assert!(e.to_string().starts_with("hn.json: line 1, column"), "{e}");
}

/// An Algolia document `levels` comments deep, each comment the only child of the
/// one before.
fn deep_algolia(levels: usize) -> String {
    let mut s = String::from(
        r#"{"id":1,"created_at_i":1,"type":"story","title":"Deep","url":null,"text":"top","children":["#,
    );
    for i in 0..levels {
        s.push_str(&format!(
            r#"{{"id":{},"created_at_i":{},"type":"comment","author":"u{}","text":"level {}","children":["#,
            i + 2,
            i + 2,
            i % 7,
            i + 1
        ));
    }
    s.push_str(&"]}".repeat(levels));
    s.push_str("]}");
    s
}

#[test]
fn deep_threads_import_or_fail_cleanly() {
    // 100 comment levels (about 200 JSON levels, over serde_json's default limit of
    // 128) and 4,000 levels import through the ordinary entry point, on a test
    // thread's stack.
    for levels in [100, 4_000] {
        let json = deep_algolia(levels);
        let docs = parse_bytes("deep.json", json.as_bytes(), &ImportOptions::default()).unwrap();
        let doc = &docs[0];
        assert_eq!(doc.posts.len(), levels + 1);
        let last = doc.posts.last().unwrap();
        assert_eq!(last.parent.as_deref(), Some(levels.to_string().as_str()));
        let mut lib = Library::open_in_memory().unwrap();
        let ids = lib.import_docs(&docs, None).unwrap();
        let posts = lib.posts(ids[0]).unwrap();
        assert_eq!(posts.last().unwrap().depth, levels as i64);
    }
    // 100,000 levels: a clean error naming the place, no crash.
    let json = deep_algolia(100_000);
    let e = parse_bytes("deep.json", json.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(
        e.to_string().starts_with("deep.json: line 1, column"),
        "{e}"
    );
    assert!(
        e.to_string().contains("nested deeper than 10000 levels"),
        "{e}"
    );
    let e = html::parse_json_deep(json.as_bytes()).unwrap_err();
    assert!(
        e.to_string().contains("nested deeper than 10000 levels"),
        "{e}"
    );
}
