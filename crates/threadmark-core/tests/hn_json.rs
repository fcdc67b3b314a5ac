//! The typed Algolia reader (`import::hn_json`, the import's fast path) against the
//! general path (`import::parse_json` into a `Value`, then `import::parse_value`):
//! on every real JSON file of the corpus (Algolia items must be read the fast way,
//! everything else refused), on the real Algolia items recorded in the
//! node-hacker-news-api fixtures, on synthetic threads, and on hand-made edge cases.
//! Where the fast path reads a document its thread must be the general path's, post
//! for post; where it refuses one, the import must give what the general path gives,
//! error text included.

use serde_json::Value;
use threadmark_core::import::hn_json::parse_algolia;
use threadmark_core::import::{html, parse_bytes, parse_json, parse_value, ImportOptions};
use threadmark_core::synthetic::{hn_algolia, Rng};
use threadmark_core::{SourceFormat, ThreadDoc};

use crate::corpus;

const NAME: &str = "thread.json";

/// The general path, with errors as the import words them.
fn general(bytes: &[u8], format: SourceFormat) -> Result<Vec<ThreadDoc>, String> {
    parse_json(bytes)
        .and_then(|value| parse_value(format, &value))
        .map_err(|e| e.in_file(NAME).to_string())
}

/// The whole import of `bytes` (fast path first, then the general one).
fn import(bytes: &[u8], format: SourceFormat) -> Result<Vec<ThreadDoc>, String> {
    let options = ImportOptions {
        format,
        ..ImportOptions::default()
    };
    parse_bytes(NAME, bytes, &options).map_err(|e| e.to_string())
}

/// Threads equal field for field (by their Debug form), naming the first post that
/// differs.
fn assert_same(fast: &ThreadDoc, general: &ThreadDoc, what: &str) {
    assert_eq!(fast.title, general.title, "{what}: title");
    assert_eq!(fast.source, general.source, "{what}: source");
    assert_eq!(fast.source_key, general.source_key, "{what}: source key");
    assert_eq!(fast.url, general.url, "{what}: url");
    for (i, (f, g)) in fast.posts.iter().zip(&general.posts).enumerate() {
        assert_eq!(format!("{f:?}"), format!("{g:?}"), "{what}: post {i}");
    }
    assert_eq!(fast.posts.len(), general.posts.len(), "{what}: posts");
    // And the whole of it, in case a field is added that the above misses.
    assert!(format!("{fast:?}") == format!("{general:?}"), "{what}");
}

/// The fast path reads `json` as `format`, to the general path's thread; the
/// import gives that thread. Returns it.
fn fast_reads(json: &str, format: SourceFormat, what: &str) -> ThreadDoc {
    let fast = parse_algolia(json.as_bytes(), format)
        .unwrap_or_else(|| panic!("{what}: the fast path refuses it"));
    let general = general(json.as_bytes(), format)
        .unwrap_or_else(|e| panic!("{what}: the general path fails: {e}"));
    assert_eq!(general.len(), 1, "{what}");
    assert_same(&fast, &general[0], what);
    let imported = import(json.as_bytes(), format).unwrap();
    assert_same(&imported[0], &general[0], what);
    fast
}

/// The fast path refuses `json` as `format`, and the import gives what the general
/// path gives (a thread, or the same error). Returns that.
fn fast_refuses(json: &str, format: SourceFormat, what: &str) -> Result<ThreadDoc, String> {
    assert!(
        parse_algolia(json.as_bytes(), format).is_none(),
        "{what}: the fast path reads it"
    );
    let general = general(json.as_bytes(), format);
    let imported = import(json.as_bytes(), format);
    match (&imported, &general) {
        (Ok(i), Ok(g)) => {
            assert_eq!(i.len(), g.len(), "{what}");
            for (i, g) in i.iter().zip(g) {
                assert_same(i, g, what);
            }
        }
        (Err(i), Err(g)) => assert_eq!(i, g, "{what}"),
        _ => panic!("{what}: the import gives {imported:?}, the general path {general:?}"),
    }
    imported.map(|mut docs| docs.remove(0))
}

/// What `hn::is_algolia` asks of the top-level object (and what detection looks
/// at before it: Reddit, Discourse and Lobsters claim theirs first).
fn algolia_shaped(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.contains_key("id")
            && o.get("children").is_some_and(Value::is_array)
            && (o.contains_key("created_at_i") || o.contains_key("story_id"))
    })
}

#[test]
fn every_corpus_json_file_reads_alike_and_algolia_items_take_the_fast_path() {
    let mut files = crate::files_under(&corpus());
    files.retain(|path| path.extension().is_some_and(|e| e == "json"));
    assert!(
        files.len() > 200,
        "{} JSON files in the corpus",
        files.len()
    );
    let mut fast = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let what = file.display().to_string();
        let value: Option<Value> = serde_json::from_str(&text).ok();
        for format in [SourceFormat::Auto, SourceFormat::Hn] {
            let what = format!("{what} as {}", format.as_str());
            let general = general(text.as_bytes(), format);
            let is_hn = general.as_ref().is_ok_and(|d| d[0].source == "hn");
            if is_hn && value.as_ref().is_some_and(algolia_shaped) {
                let doc = fast_reads(&text, format, &what);
                assert!(doc.posts.len() > 1, "{what}");
                fast.push(what);
            } else {
                let _ = fast_refuses(&text, format, &what);
            }
        }
    }
    // The one Algolia item file, detected and forced.
    assert_eq!(fast.len(), 2, "read the fast way: {fast:?}");
    assert!(fast[0].contains("neonmodem-49953495"), "{fast:?}");
}

#[test]
fn recorded_algolia_replies_read_alike() {
    // node-hacker-news-api's fixtures record Algolia replies among other API
    // answers; each reply that is an Algolia item, on its own, is a real document
    // for the fast path (compact and pretty-printed).
    let text =
        std::fs::read_to_string(corpus().join("hn/algolia/node-hacker-news-api-fixtures.json"))
            .unwrap();
    let fixtures: Value = serde_json::from_str(&text).unwrap();
    let mut read = 0;
    for (i, entry) in fixtures.as_array().unwrap().iter().enumerate() {
        let Some(reply) = entry.get("reply").filter(|r| algolia_shaped(r)) else {
            continue;
        };
        for json in [
            serde_json::to_string(reply).unwrap(),
            serde_json::to_string_pretty(reply).unwrap(),
        ] {
            for format in [SourceFormat::Auto, SourceFormat::Hn] {
                fast_reads(&json, format, &format!("fixtures [{i}].reply"));
            }
        }
        read += 1;
    }
    assert!(read >= 1, "no Algolia reply in the fixtures");
}

#[test]
fn synthetic_threads_read_alike() {
    for (posts, seed) in [(1, 3), (2, 4), (40, 5), (700, 6), (2_500, 7)] {
        let json = hn_algolia(posts, seed);
        let doc = fast_reads(
            &json,
            SourceFormat::Auto,
            &format!("{posts} posts, seed {seed}"),
        );
        assert_eq!(doc.posts.len(), posts);
    }
    let json = hn_algolia(300, 8);
    fast_reads(&json, SourceFormat::Hn, "300 posts, forced");
}

/// An Algolia item: `fields` (JSON members) and `children` (items).
fn item(fields: &str, children: &[String]) -> String {
    format!("{{{fields}, \"children\": [{}]}}", children.join(", "))
}

fn comment(id: &str, fields: &str, children: &[String]) -> String {
    item(
        &format!("\"id\": {id}, \"type\": \"comment\", \"created_at_i\": 1700000100, {fields}"),
        children,
    )
}

fn story(fields: &str, children: &[String]) -> String {
    item(
        &format!("\"id\": 1, \"type\": \"story\", \"created_at_i\": 1700000000, \"story_id\": 1, {fields}"),
        children,
    )
}

#[test]
fn edge_cases_read_alike() {
    let leaf = |id: &str| comment(id, r#""author": "x", "text": "leaf""#, &[]);
    let cases: Vec<(&str, String)> = vec![
        (
            "deleted, dead, [deleted] and author-less items, with and without replies",
            story(
                r#""author": "op", "title": "T", "url": "https://example.com/a", "text": null"#,
                &[
                    comment("2", r#""author": null, "text": null"#, &[leaf("3")]),
                    comment("4", r#""author": null, "text": null"#, &[]),
                    comment("5", r#""author": "a", "text": "[deleted]""#, &[leaf("6")]),
                    comment("7", r#""author": "a", "text": "[deleted]""#, &[]),
                    comment(
                        "8",
                        r#""author": "a", "text": "gone", "deleted": true"#,
                        &[leaf("9")],
                    ),
                    comment("10", r#""author": "a", "text": "bad", "dead": true"#, &[]),
                    comment(
                        "11",
                        r#""author": "a", "text": "bad", "dead": true"#,
                        &[leaf("12")],
                    ),
                    comment("13", r#""author": "", "text": """#, &[leaf("14")]),
                    comment(
                        "15",
                        r#""author": "a", "text": "odd flags", "deleted": "yes", "dead": 1"#,
                        &[],
                    ),
                ],
            ),
        ),
        (
            "string ids, trimmed, and negative and large numbers",
            item(
                r#""id": " 77 ", "story_id": "77", "title": "String ids""#,
                &[
                    comment(r#""abc""#, r#""author": "a", "text": "one""#, &[]),
                    comment(r#"" 12 ""#, r#""author": "a", "text": "two""#, &[]),
                    comment("-5", r#""author": "a", "text": "three""#, &[]),
                    comment(
                        "18446744073709551615",
                        r#""author": "a", "text": "four""#,
                        &[],
                    ),
                ],
            ),
        ),
        (
            "missing and null children, children before the id (Algolia's key order)",
            format!(
                r#"{{"author": "op", "children": [{}, {}, {{"children": null, "id": 4, "author": "b", "text": "null kids"}}], "created_at_i": 1700000000, "id": 1, "title": "Order", "type": "story"}}"#,
                r#"{"author": "a", "id": 2, "text": "no children key"}"#,
                r#"{"author": "a", "children": [{"author": "c", "children": [], "id": 5, "text": "deeper"}], "id": 3, "text": "kids first"}"#,
            ),
        ),
        (
            "titles and urls with escapes, relative and empty urls",
            story(
                r#""title": "A \"quoted\" \u00e9t\u00e9 title \\ with \/ slashes", "url": "https:\/\/example.com\/a?b=1&c=\"2\"""#,
                &[leaf("2")],
            ),
        ),
        (
            "a relative url",
            story(r#""title": "Ask", "url": "item?id=1""#, &[leaf("2")]),
        ),
        (
            "a blank title and an empty url: the title comes from the text",
            story(
                r#""title": "", "url": "", "text": "Story text <i>here</i>, long enough to make a title of its own when cut at a word boundary somewhere""#,
                &[leaf("2")],
            ),
        ),
        (
            "\\u escapes, surrogate pairs, control escapes and raw UTF-8 in text and author",
            story(
                r#""title": "Unicode""#,
                &[
                    comment(
                        "2",
                        r#""author": "\u00fcser\ud83d\ude00", "text": "caf\u00e9 \ud83d\ude00 \u2014 \"q\"\n<p>tab\there \u0026amp; \\ \/ done""#,
                        &[],
                    ),
                    comment(
                        "3",
                        r#""author": "ünï", "text": "raw ✓ 😀 <p>&gt; quoted line""#,
                        &[],
                    ),
                ],
            ),
        ),
        (
            "times: a float, a string, null, over i64, negative",
            item(
                r#""id": 1, "story_id": 1, "created_at_i": 1.5e9, "title": "Times""#,
                &[
                    item(
                        r#""id": 2, "author": "a", "text": "s", "created_at_i": "1700000000""#,
                        &[],
                    ),
                    item(
                        r#""id": 3, "author": "a", "text": "n", "created_at_i": null"#,
                        &[],
                    ),
                    item(
                        r#""id": 4, "author": "a", "text": "big", "created_at_i": 9223372036854775808"#,
                        &[],
                    ),
                    item(
                        r#""id": 5, "author": "a", "text": "neg", "created_at_i": -7"#,
                        &[],
                    ),
                ],
            ),
        ),
        (
            "non-string author, text and title (read as absent)",
            item(
                r#""id": 1, "story_id": 1, "title": 42, "url": true, "author": 7, "text": "root text""#,
                &[
                    item(r#""id": 2, "author": false, "text": 3.5"#, &[leaf("3")]),
                    item(r#""id": 4, "author": "a", "text": "kept""#, &[]),
                ],
            ),
        ),
        (
            "story_id only, unknown fields of every kind, children titles ignored",
            item(
                r#""id": 1, "story_id": null, "title": "Unknowns", "points": 3, "options": [[1, {"a": [null]}]], "extra": {"x": {"y": [1, 2, {"z": "\u00e9"}]}}, "type": "story""#,
                &[item(
                    r#""id": 2, "author": "a", "text": "hi", "title": ["not", "read"], "url": {"x": 1}, "parent_id": 1, "json": 1, "short_id": "abc""#,
                    &[],
                )],
            ),
        ),
        (
            "no comments at all",
            story(r#""title": "Lonely", "text": "Only <b>me</b>""#, &[]),
        ),
        (
            "a root without title or text",
            story(r#""author": "op""#, &[leaf("2")]),
        ),
        (
            "duplicate unknown keys (the last wins in a Value; nothing reads them)",
            story(
                r#""title": "Dup", "descendants": 1, "descendants": 2"#,
                &[leaf("2")],
            ),
        ),
    ];
    for (what, json) in &cases {
        // Make sure each case is valid JSON, so that it tests the reader.
        serde_json::from_str::<Value>(json).unwrap_or_else(|e| panic!("{what}: {e}\n{json}"));
        fast_reads(json, SourceFormat::Auto, what);
        fast_reads(json, SourceFormat::Hn, what);
    }
    // Some spot checks that the cases say what they claim.
    let doc = fast_reads(&cases[0].1, SourceFormat::Auto, "deleted");
    let ids: Vec<&str> = doc.posts.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "5", "6", "8", "9", "11", "12", "13", "14", "15"]
    );
    let doc = fast_reads(&cases[1].1, SourceFormat::Auto, "string ids");
    let ids: Vec<&str> = doc.posts.iter().map(|p| p.source_id.as_str()).collect();
    assert_eq!(ids, ["77", "abc", "12", "-5", "18446744073709551615"]);
    let doc = fast_reads(&cases[6].1, SourceFormat::Auto, "unicode");
    assert_eq!(doc.posts[1].author.as_deref(), Some("üser😀"));
    assert!(doc.posts[1].body.render().text.contains("café 😀 — \"q\""));
}

/// A chain of `levels` comments under a story.
fn chain(levels: usize) -> String {
    let mut json = String::new();
    for i in 0..levels {
        json.push_str(&format!(
            r#"{{"id": {}, "author": "a{i}", "text": "level {i}", "created_at_i": 1700000000, "children": ["#,
            i + 1
        ));
    }
    json.push_str(&"]}".repeat(levels));
    json
}

#[test]
fn what_the_fast_path_refuses_imports_as_before() {
    let leaf = |id: &str| comment(id, r#""author": "x", "text": "leaf""#, &[]);
    // Documents the general path reads: the fast path leaves them to it.
    let read_by_general: Vec<(&str, String)> = vec![
        ("a chain deeper than serde's recursion limit", chain(80)),
        (
            "an unknown field deeper than serde's recursion limit",
            story(
                &format!(r#""title": "Deep", "x": {}{}"#, "[".repeat(200), "]".repeat(200)),
                &[leaf("2")],
            ),
        ),
        ("a float id", story(r#""title": "F""#, &[comment("2.5", r#""author": "a", "text": "t""#, &[])])),
        ("a key given twice", story(r#""title": "A", "title": "B""#, &[leaf("2")])),
        (
            "children given twice in one item (a Value keeps the last list)",
            story(r#""title": "A""#, &[comment("2", r#""text": "t", "children": [{"id": 9, "text": "lost"}]"#, &[leaf("3")])]),
        ),
        ("an id given twice in one item", story(r#""title": "A""#, &[comment("2", r#""id": 3, "text": "t""#, &[])])),
        (
            "a Discourse topic's key at the top (detected as Discourse)",
            story(r#""title": "D", "post_stream": {"posts": []}"#, &[leaf("2")]),
        ),
        (
            "a Lobsters story's keys at the top (detected as Lobsters)",
            story(r#""title": "L", "short_id": "abc", "comments": []"#, &[leaf("2")]),
        ),
        (
            "a short_id that Lobsters does not claim (still HN)",
            story(r#""title": "L", "short_id": 5"#, &[leaf("2")]),
        ),
        (
            "flags as lists",
            story(r#""title": "L""#, &[comment("2", r#""author": "a", "text": "t", "dead": [true]"#, &[])]),
        ),
        (
            "a Firebase item",
            r#"{"id": 8863, "type": "story", "by": "dhouston", "kids": [], "title": "My YC app"}"#.to_string(),
        ),
        (
            "an HNPWA item",
            r#"{"id": 5, "user": "u", "time_ago": "1 day ago", "comments": [{"id": 6, "user": "v", "content": "<p>hi", "comments": []}]}"#.to_string(),
        ),
        (
            "a top-level array of items",
            format!("[{}]", r#"{"id": 1, "type": "story", "by": "x", "kids": []}"#),
        ),
    ];
    for (what, json) in &read_by_general {
        parse_json(json.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
        // A key that another format looks for refuses the item only when the format
        // is detected: forced to HN, it is an Algolia item like any other.
        let other_format_key = ["post_stream", "short_id"].iter().any(|k| json.contains(k));
        let result = fast_refuses(json, SourceFormat::Auto, what);
        if other_format_key {
            fast_reads(json, SourceFormat::Hn, &format!("{what}, forced"));
        } else {
            fast_refuses(json, SourceFormat::Hn, what).unwrap_or_else(|e| panic!("{what}: {e}"));
        }
        // Discourse and Lobsters may refuse these bare documents; whatever they say,
        // the import says the same.
        if !what.contains("Discourse") && !what.contains("Lobsters") {
            let doc = result.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(!doc.posts.is_empty(), "{what}");
        }
    }
    let deep = fast_refuses(&chain(80), SourceFormat::Auto, "deep").unwrap();
    assert_eq!(deep.posts.len(), 80);

    // Documents the general path refuses: the same error, word for word.
    let too_deep_unknown = format!(
        r#"{{"id": 1, "created_at_i": 1, "children": [], "x": {}1{}}}"#,
        "[".repeat(html::MAX_JSON_DEPTH + 1),
        "]".repeat(html::MAX_JSON_DEPTH + 1)
    );
    let refused: Vec<(&str, String, &str)> = vec![
        (
            "a comment without an id",
            story(
                r#""title": "T""#,
                &[item(r#""author": "a", "text": "t""#, &[])],
            ),
            "item without an `id`",
        ),
        (
            "a blank string id",
            story(
                r#""title": "T""#,
                &[comment(r#""  ""#, r#""author": "a""#, &[])],
            ),
            "item without an `id`",
        ),
        (
            "a null id",
            story(
                r#""title": "T""#,
                &[comment("null", r#""author": "a""#, &[])],
            ),
            "item without an `id`",
        ),
        (
            "duplicate ids",
            story(
                r#""title": "T""#,
                &[leaf("2"), comment("3", r#""text": "x""#, &[leaf("2")])],
            ),
            "duplicate item id 2",
        ),
        (
            "the story's id again below",
            story(r#""title": "T""#, &[leaf("1")]),
            "duplicate item id 1",
        ),
        (
            "a child that is not an object",
            story(r#""title": "T""#, &[leaf("2"), "\"text\"".to_string()]),
            "expected an item",
        ),
        (
            "children that are not a list",
            story(
                r#""title": "T""#,
                &[r#"{"id": 2, "author": "a", "children": "none"}"#.to_string()],
            ),
            "is not a list",
        ),
        (
            "nesting deeper than the JSON limit inside an unknown field",
            too_deep_unknown,
            "nested deeper than",
        ),
        (
            "a chain deeper than the JSON limit",
            chain(html::MAX_JSON_DEPTH / 2 + 1),
            "nested deeper than",
        ),
        (
            "a trailing comma",
            story(r#""title": "T""#, &[leaf("2")]).replace("\"T\"", "\"T\",,"),
            "invalid JSON",
        ),
        (
            "text after the document",
            format!("{} x", story(r#""title": "T""#, &[leaf("2")])),
            "invalid JSON",
        ),
        (
            "a lone surrogate",
            story(
                r#""title": "T""#,
                &[comment("2", r#""author": "a", "text": "\ud800""#, &[])],
            ),
            "invalid JSON",
        ),
        (
            "an object that is no known format",
            r#"{"id": 1, "children": []}"#.to_string(),
            "JSON of a shape Threadmark does not know",
        ),
    ];
    for (what, json, expected) in &refused {
        for format in [SourceFormat::Auto, SourceFormat::Hn] {
            let e = fast_refuses(json, format, what).expect_err(what);
            let expected = if *expected == "JSON of a shape Threadmark does not know"
                && format == SourceFormat::Hn
            {
                "not Hacker News JSON"
            } else {
                expected
            };
            assert!(e.contains(expected), "{what}: {e}");
        }
    }
}

/// One of `choices`, at random.
fn pick<'a>(rng: &mut Rng, choices: &[&'a str]) -> &'a str {
    choices[rng.below(choices.len())]
}

/// A random JSON value for a field nobody reads.
fn random_value(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth > 3 { 4 } else { 6 }) {
        0 => pick(
            rng,
            &["null", "true", "-3", "2.5e3", "18446744073709551616"],
        )
        .to_string(),
        1 => pick(rng, &[r#""""#, r#""x""#, r#""\u00e9\ud83d\ude00\"\\\/\n""#]).to_string(),
        2 | 3 => format!("{}", rng.next_u64() % 1000),
        4 => {
            let n = rng.below(3);
            let items: Vec<String> = (0..n).map(|_| random_value(rng, depth + 1)).collect();
            format!("[{}]", items.join(","))
        }
        _ => {
            let n = rng.below(3);
            let items: Vec<String> = (0..n)
                .map(|i| format!(r#""k{i}": {}"#, random_value(rng, depth + 1)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
    }
}

/// A random body, as HN sends it or not.
fn random_text(rng: &mut Rng) -> String {
    let mut parts = Vec::new();
    for _ in 0..1 + rng.below(5) {
        parts.push(pick(
            rng,
            &[
                "plain words",
                "I don&#x27;t &amp; won&#x27;t",
                "<p>",
                "<i>it</i>",
                r#"<a href=\"https:&#x2F;&#x2F;example.com&#x2F;x\" rel=\"nofollow\">link</a>"#,
                r#"&gt; quoted \"line\""#,
                r#"<pre><code>  x = 1;\n  y\n</code></pre>"#,
                r#"caf\u00e9 \ud83d\ude00 \u2014 done"#,
                "raw ✓ ü",
                r#"tab\there\r\n"#,
                "<b>bold</b><br>",
                "<script>alert(1)</script>",
                "[deleted]",
            ],
        ));
    }
    format!("\"{}\"", parts.join(" "))
}

/// A random item with up to `depth` levels below it; `wild`, maybe one the fast
/// path refuses (an odd id, a key twice, children that are not a list, …).
fn random_item(rng: &mut Rng, next_id: &mut u64, depth: usize, top: bool, wild: bool) -> String {
    let mut fields: Vec<String> = Vec::new();
    *next_id += 1;
    let id = *next_id;
    match if wild {
        rng.below(40)
    } else {
        5 + rng.below(25)
    } {
        5..=9 => fields.push(format!(r#""id": " {id} ""#)),
        10..=29 => fields.push(format!(r#""id": {id}"#)),
        0 => {}
        1 => fields.push(r#""id": null"#.into()),
        2 => fields.push(r#""id": "  ""#.into()),
        3 => fields.push(r#""id": 1.5"#.into()),
        4 => fields.push(format!(r#""id": "{}""#, id - 1)),
        _ => fields.push(format!(r#""id": {id}"#)),
    }
    let author = match rng.below(12) {
        0 => None,
        1 => Some("null".to_string()),
        2 => Some(r#""""#.to_string()),
        3 => Some("7".to_string()),
        4 => Some(r#""\u00e9sc\"aped""#.to_string()),
        _ => Some(format!(r#""user{}""#, rng.below(50))),
    };
    if let Some(a) = author {
        fields.push(format!(r#""author": {a}"#));
    }
    match rng.below(12) {
        0 => {}
        1 => fields.push(r#""text": null"#.into()),
        2 => fields.push(r#""text": """#.into()),
        3 => fields.push(r#""text": "[deleted]""#.into()),
        4 => fields.push(r#""text": 12"#.into()),
        _ => fields.push(format!(r#""text": {}"#, random_text(rng))),
    }
    match rng.below(10) {
        0 => {}
        1 => fields.push(r#""created_at_i": 1.7e9"#.into()),
        2 => fields.push(r#""created_at_i": "1700000000""#.into()),
        3 => fields.push(r#""created_at_i": null"#.into()),
        4 => fields.push(r#""created_at_i": 9223372036854775808"#.into()),
        _ => fields.push(format!(r#""created_at_i": {}"#, 1_700_000_000 + id)),
    }
    for flag in ["deleted", "dead"] {
        if rng.percent(15) {
            let values = ["true", "true", "false", r#""true""#, "null", "1", "[true]"];
            let v = values[rng.below(if wild { 7 } else { 6 })];
            fields.push(format!(r#""{flag}": {v}"#));
        }
    }
    if top || rng.percent(20) {
        for (key, values) in [
            (
                "title",
                &[
                    r#""A title""#,
                    r#""A \"quoted\" t\u00eftle \/ \\""#,
                    r#""""#,
                    "null",
                    "3",
                    if wild { r#"["x"]"# } else { "null" },
                ][..],
            ),
            (
                "url",
                &[
                    r#""https:\/\/example.com\/a?b=\"c\"""#,
                    r#""item?id=9""#,
                    r#""/from/root""#,
                    r#""  ""#,
                    "null",
                    "false",
                ][..],
            ),
        ] {
            if rng.percent(80) {
                fields.push(format!(r#""{key}": {}"#, pick(rng, values)));
            }
        }
    }
    if top && rng.percent(60) {
        fields.push(format!(r#""story_id": {id}"#));
    }
    if top && wild && rng.percent(20) {
        let sentinel = pick(
            rng,
            &[
                r#""post_stream": {"posts": []}"#,
                r#""short_id": "abc", "comments": []"#,
                r#""short_id": 4"#,
                r#""json": {"data": {"things": []}}"#,
            ],
        );
        fields.push(sentinel.to_string());
    }
    for key in ["type", "points", "parent_id", "options", "created_at"] {
        if rng.percent(50) {
            fields.push(format!(r#""{key}": {}"#, random_value(rng, 0)));
        }
    }
    // Children: a list (mostly), null, missing, or something else.
    let children = match rng.below(if top { 30 } else { 12 }) {
        0 => None,
        1 => Some("null".to_string()),
        2 if wild => Some(pick(rng, &[r#""none""#, "{}", "3"]).to_string()),
        _ => {
            let n = if depth == 0 { 0 } else { rng.below(4) };
            let mut kids: Vec<String> = (0..n)
                .map(|_| random_item(rng, next_id, depth - 1, false, wild))
                .collect();
            if wild && rng.percent(3) {
                kids.push(pick(rng, &["null", r#""text""#, "[]"]).to_string());
            }
            Some(format!("[{}]", kids.join(", ")))
        }
    };
    if let Some(c) = children {
        fields.push(format!(r#""children": {c}"#));
    }
    if wild && rng.percent(3) && !fields.is_empty() {
        // A key given twice.
        let again = fields[rng.below(fields.len())].clone();
        fields.push(again);
    }
    // Any order (Algolia's own is alphabetical).
    for i in (1..fields.len()).rev() {
        fields.swap(i, rng.below(i + 1));
    }
    format!("{{{}}}", fields.join(", "))
}

#[test]
fn random_algolia_documents_read_alike() {
    let mut rng = Rng::new(0x41_6c_67_6f);
    let (mut read, mut runs) = (0, 0);
    for _ in 0..400 {
        let mut next_id = 100;
        let wild = rng.percent(30);
        let json = random_item(&mut rng, &mut next_id, 4, true, wild);
        for format in [SourceFormat::Auto, SourceFormat::Hn] {
            runs += 1;
            let what = format!("as {}: {json}", format.as_str());
            if parse_algolia(json.as_bytes(), format).is_some() {
                fast_reads(&json, format, &what);
                read += 1;
            } else {
                let _ = fast_refuses(&json, format, &what);
            }
        }
    }
    println!("hn_json: the fast path read {read} of {runs} random documents");
    // Most are Algolia items it reads; the rest test the refusals.
    assert!(read * 2 > runs, "the fast path read only {read} of {runs}");
    assert!(read < runs, "the fast path refused none of {runs}");
}

#[test]
fn long_threads_of_odd_items_read_alike_while_bodies_convert_beside() {
    // Long enough that the bodies are converted on other cores while the document
    // is read (the fast path does so from 256 KiB): random items, author-less,
    // deleted, dead, escaped, under one story.
    let mut rng = Rng::new(0x10_4e6);
    let mut next_id = 1;
    let kids: Vec<String> = (0..400)
        .map(|_| random_item(&mut rng, &mut next_id, 3, false, false))
        .collect();
    let json = story(r#""title": "Long and odd""#, &kids);
    assert!(json.len() > 300_000, "{} bytes", json.len());
    for format in [SourceFormat::Auto, SourceFormat::Hn] {
        let doc = fast_reads(&json, format, "a long thread of random items");
        assert!(doc.posts.len() > 400, "{} posts", doc.posts.len());
    }
    // And refused at the very end, after the bodies started converting.
    let seed = 9;
    let json = hn_algolia(600, seed);
    assert!(json.len() > 300_000, "{} bytes", json.len());
    let again = format!(
        r#", {{"id": {}, "author": "a", "text": "again", "children": []}}]}}"#,
        threadmark_core::synthetic::story_id(seed)
    );
    let json = format!("{}{again}", json.trim_end().strip_suffix("]}").unwrap());
    let e = fast_refuses(&json, SourceFormat::Auto, "a duplicate id at the end").unwrap_err();
    assert!(e.contains("duplicate item id"), "{e}");
}
