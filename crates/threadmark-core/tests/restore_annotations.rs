//! Annotations coming in: a library's W3C export restored into another library
//! holding the same threads gives the same highlights; Hypothesis API rows (the
//! client's own test files, and rows written against a corpus thread) anchor
//! through the same anchoring as re-imports.

use serde_json::{json, Value};
use threadmark_core::annotations::read_annotations;
use threadmark_core::export::{export, ExportFormat};
use threadmark_core::model::Highlight;
use threadmark_core::{Library, NewHighlight, SourceFormat};

const HN: &str = "hn/algolia/neonmodem-49953495-trimmed.json";
const REDDIT: &str = "reddit/3hahrw.interaction01.comments.json";

fn import(lib: &mut Library, file: &str, format: SourceFormat) -> i64 {
    let path = super::corpus().join(file);
    lib.import_bytes(file, &std::fs::read(path).unwrap(), format, None)
        .unwrap()[0]
}

/// A library with the HN and Reddit corpus threads.
fn library() -> (Library, i64, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let hn = import(&mut lib, HN, SourceFormat::Hn);
    let reddit = import(&mut lib, REDDIT, SourceFormat::Reddit);
    (lib, hn, reddit)
}

/// What must survive a round trip, per highlight.
fn comparable(h: &Highlight) -> Value {
    json!([
        h.uuid,
        h.post,
        h.exact,
        h.prefix,
        h.suffix,
        h.start,
        h.end,
        h.label,
        h.note,
        h.tags,
        h.state,
        h.created_at,
        h.updated_at
    ])
}

fn highlights(lib: &Library, thread: i64) -> Vec<Value> {
    lib.highlights(thread)
        .unwrap()
        .iter()
        .map(comparable)
        .collect()
}

/// Highlights on both threads: labels, Markdown notes, tags, a word repeated in
/// its post, one with no label.
fn annotate(lib: &mut Library, hn: i64, reddit: i64) {
    let posts = lib.posts(reddit).unwrap();
    let mut add =
        |thread: i64, post: &str, exact: &str, label: Option<&str>, note: &str, tags: &[&str]| {
            lib.add_highlight(
                thread,
                post,
                &NewHighlight {
                    exact: exact.into(),
                    label: label.map(str::to_string),
                    note: note.into(),
                    tags: tags.iter().map(|t| t.to_string()).collect(),
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("{post} {exact:?}: {e}"));
        };
    add(
        hn,
        "49953722",
        "Qwen 3.8 flash next is way better than 27B",
        Some("Claim"),
        "**Strong** claim;\n\n- no numbers",
        &["models", "open weights"],
    );
    add(
        hn,
        "49955529",
        "The quality is superior for coding",
        Some("Evidence"),
        "",
        &[],
    );
    add(hn, "49955529", "superior", None, "just the word", &["w"]);
    add(
        hn,
        "49953575",
        "Do you know how it compares to Qwen 3.8 27B?",
        Some("Question"),
        "",
        &["2026"],
    );
    for (i, p) in posts
        .iter()
        .filter(|p| p.text.chars().count() > 20)
        .take(4)
        .enumerate()
    {
        let exact: String = p.text.chars().skip(3).take(15).collect();
        add(
            reddit,
            &p.source_id,
            &exact,
            Some(["Claim", "Rebuttal"][i % 2]),
            &format!("note {i}"),
            &[],
        );
    }
}

#[test]
fn a_w3c_export_restored_into_another_library_gives_the_same_highlights() {
    let (mut a, hn_a, reddit_a) = library();
    annotate(&mut a, hn_a, reddit_a);
    let w3c: Value =
        serde_json::from_str(&export(&a, &[hn_a, reddit_a], ExportFormat::W3c).unwrap()).unwrap();
    let total = w3c["total"].as_u64().unwrap() as usize;
    assert_eq!(total, 8);
    // The target is the post's permalink, Threadmark's ids beside it.
    let first = &w3c["first"]["items"][0]["target"];
    assert!(first["source"]
        .as_str()
        .unwrap()
        .starts_with("https://news.ycombinator.com/item?id="));
    assert_eq!(
        first["threadmark"]["thread"],
        a.thread_identity(hn_a).unwrap().0.as_str()
    );
    assert_eq!(first["threadmark"]["site"], "hn");

    // Another library, the same threads saved on their own (other uuids, other ids:
    // a thread saved before them).
    let mut b = Library::open_in_memory().unwrap();
    import(
        &mut b,
        "lobsters/post_details_tdfoqh.2025-depth.json",
        SourceFormat::Lobsters,
    );
    let reddit_b = import(&mut b, REDDIT, SourceFormat::Reddit);
    let hn_b = import(&mut b, HN, SourceFormat::Hn);
    assert_ne!(
        a.thread_identity(hn_a).unwrap().0,
        b.thread_identity(hn_b).unwrap().0
    );
    let r = b.restore_annotations(&w3c).unwrap();
    assert_eq!(
        (r.read, r.added, r.anchored, r.fuzzy, r.orphaned),
        (total, total, total, 0, 0),
        "{r:?}"
    );
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    assert_eq!(highlights(&b, hn_b), highlights(&a, hn_a));
    assert_eq!(highlights(&b, reddit_b), highlights(&a, reddit_a));

    // Again: nothing new, nothing duplicated.
    let again = b.restore_annotations(&w3c).unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, total));
    assert_eq!(
        b.highlights(hn_b).unwrap().len() + b.highlights(reddit_b).unwrap().len(),
        total
    );

    // A later edit in the first library wins on the next restore.
    let claim = a
        .highlights(hn_a)
        .unwrap()
        .into_iter()
        .find(|h| h.label.as_deref() == Some("Claim"))
        .unwrap();
    let mut w3c2 = w3c.clone();
    for item in w3c2["first"]["items"].as_array_mut().unwrap() {
        if item["id"] == format!("urn:uuid:{}", claim.uuid).as_str() {
            item["modified"] = json!("2099-01-01T00:00:00Z");
            item["body"][3]["value"] = json!("changed *note*");
        }
    }
    let edited = b.restore_annotations(&w3c2).unwrap();
    assert_eq!((edited.updated, edited.unchanged), (1, total - 1));
    let now = b
        .highlights(hn_b)
        .unwrap()
        .into_iter()
        .find(|h| h.uuid == claim.uuid)
        .unwrap();
    assert_eq!(now.note, "changed *note*");
    assert_eq!(now.tags, ["models", "open weights"]);

    // Permalinks alone (what another tool keeps): the same highlights.
    let mut bare = w3c.clone();
    for item in bare["first"]["items"].as_array_mut().unwrap() {
        item["target"].as_object_mut().unwrap().remove("threadmark");
    }
    let mut c = Library::open_in_memory().unwrap();
    let hn_c = import(&mut c, HN, SourceFormat::Hn);
    let reddit_c = import(&mut c, REDDIT, SourceFormat::Reddit);
    let r = c.restore_annotations(&bare).unwrap();
    assert_eq!((r.added, r.skipped.len()), (total, 0), "{r:?}");
    assert_eq!(highlights(&c, hn_c), highlights(&a, hn_a));
    assert_eq!(highlights(&c, reddit_c), highlights(&a, reddit_a));
}

#[test]
fn hypothesis_rows_from_its_client_tests_are_read_and_name_no_saved_thread() {
    for (file, rows) in [
        ("minimal.json", 1),
        ("wikipedia-regression-testing.json", 5),
    ] {
        let path = super::corpus().join("annotation/hypothesis").join(file);
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let d = read_annotations(&doc).unwrap();
        assert_eq!(d.annotations.len(), rows, "{file}: {:?}", d.unreadable);
        let (mut lib, _, _) = library();
        let r = lib.restore_annotations(&doc).unwrap();
        assert_eq!((r.read, r.added), (rows, 0));
        assert_eq!(r.skipped.len(), rows, "{file}");
    }
    let path = super::corpus().join("annotation/hypothesis/wikipedia-regression-testing.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let d = read_annotations(&doc).unwrap();
    let a = &d.annotations[0];
    assert_eq!(a.id.as_deref(), Some("LOCXbsOCEeaQl6f6fQh87Q"));
    assert_eq!(a.exact, "11 November 2016");
    assert_eq!(a.prefix, " This page was last modified on ");
    assert_eq!(a.position, Some((11881, 11897)));
    assert_eq!(a.note, "Footer");
    assert_eq!(
        a.sources,
        ["https://en.wikipedia.org/wiki/Regression_testing"]
    );
    let (mut lib, _, _) = library();
    let r = lib.restore_annotations(&doc).unwrap();
    assert_eq!(
        r.skipped[0],
        (
            "$.rows[0]".to_string(),
            "no saved thread is https://en.wikipedia.org/wiki/Regression_testing".to_string()
        )
    );
}

/// A Hypothesis row as its API gives one, on an address with a quote.
fn row(
    id: &str,
    uri: &str,
    exact: &str,
    prefix: &str,
    suffix: &str,
    text: &str,
    tags: &[&str],
) -> Value {
    json!({
        "id": id, "user": "acct:reader@hypothes.is", "uri": uri, "text": text, "tags": tags,
        "created": "2026-10-05T10:00:00.000000+00:00", "updated": "2026-10-05T10:00:00.000000+00:00",
        "target": [{"source": uri, "selector": [
            {"type": "RangeSelector", "startContainer": "/div[1]", "endContainer": "/div[1]", "startOffset": 0, "endOffset": 3},
            {"type": "TextPositionSelector", "start": 9999, "end": 10010},
            {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}
        ]}],
    })
}

#[test]
fn hypothesis_rows_on_a_saved_thread_anchor_exactly_fuzzily_or_as_orphans() {
    let (mut lib, hn, reddit) = library();
    let item = |id: &str| format!("https://news.ycombinator.com/item?id={id}");
    let reddit_url = lib.thread(reddit).unwrap().url.unwrap();
    let reddit_post = lib
        .posts(reddit)
        .unwrap()
        .into_iter()
        .find(|p| p.text.chars().count() > 30)
        .unwrap();
    let reddit_words: String = reddit_post.text.chars().skip(2).take(20).collect();
    let doc = json!({"total": 5, "rows": [
        // The post's own address; Hypothesis positions are the page's, a hint only.
        row("hA", &item("49953722"), "way better than 27B", "Qwen 3.8 flash next is ", ". It's so good", "Says who?", &["Claim", "models"]),
        // An edited quote (two words changed): found approximately.
        row("hB", &item("49955529"), "The quality is superb for coding.", "", "", "", &[]),
        // The story's address (the thread) with words of a reply: found in that reply.
        row("hC", &item("49953495"), "Do you know how it compares to Qwen 3.8 27B?", "", "", "", &["Question"]),
        // Words that are nowhere in the thread: kept, orphaned, on the named post.
        row("hD", &item("49953722"), "an entirely different sentence about gardening", "", "", "kept", &[]),
        // A Reddit thread by its address (http, www, no trailing slash).
        row("hE", reddit_url.replace("https://", "http://").trim_end_matches('/'), &reddit_words, "", "", "", &[]),
    ]});
    let r = lib.restore_annotations(&doc).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    assert_eq!(
        (r.added, r.anchored, r.fuzzy, r.orphaned),
        (5, 3, 1, 1),
        "{r:?}"
    );
    let hs = lib.highlights(hn).unwrap();
    let by_note = |n: &str| hs.iter().find(|h| h.note == n).unwrap();
    let a = by_note("Says who?");
    assert_eq!(
        (a.post.as_str(), a.exact.as_str(), a.state.as_str()),
        ("49953722", "way better than 27B", "anchored")
    );
    assert_eq!(a.label.as_deref(), Some("Claim"));
    assert_eq!(a.tags, ["models"]);
    let post = lib.post(hn, "49953722").unwrap();
    let chars: Vec<char> = post.text.chars().collect();
    assert_eq!(
        chars[a.start as usize..a.end as usize]
            .iter()
            .collect::<String>(),
        a.exact
    );
    let fuzzy = hs.iter().find(|h| h.state == "fuzzy").unwrap();
    assert_eq!(fuzzy.post, "49955529");
    assert!(
        fuzzy
            .exact
            .starts_with("The quality is superior for coding"),
        "{fuzzy:?}"
    );
    let question = hs
        .iter()
        .find(|h| h.label.as_deref() == Some("Question"))
        .unwrap();
    assert_eq!(
        (question.post.as_str(), question.state.as_str()),
        ("49953575", "anchored")
    );
    let orphan = by_note("kept");
    assert_eq!(
        (orphan.post.as_str(), orphan.state.as_str()),
        ("49953722", "orphaned")
    );
    assert_eq!(
        orphan.exact,
        "an entirely different sentence about gardening"
    );
    let rh = lib.highlights(reddit).unwrap();
    assert_eq!(rh.len(), 1);
    assert_eq!(
        (rh[0].post.as_str(), rh[0].exact.as_str()),
        (reddit_post.source_id.as_str(), reddit_words.as_str())
    );

    // The same rows again: recognised by their span (the orphan by its words on
    // its post), nothing duplicated.
    let again = lib.restore_annotations(&doc).unwrap();
    assert_eq!((again.added, again.unchanged), (0, 5), "{again:?}");
    assert_eq!(lib.highlights(hn).unwrap().len(), 4);
}
