//! `threadmark export ID --format svg`: a real Hacker News thread from the corpus
//! with highlights added and linked by the CLI (`highlight add`, `highlight link`),
//! exported to a file and to stdout, read back with an XML parser.

use std::collections::HashMap;
use std::path::Path;

use crate::common::{corpus_file, stdout, tm};
use serde_json::Value;

const THREAD: &str = "hn/algolia/neonmodem-49953495-trimmed.json";

/// The thread imported, its posts' first words highlighted (those that occur once
/// in their post), and links between them: (highlight uuids by post, link uuids).
fn linked_thread(db: &Path) -> (Vec<(String, String)>, Vec<String>) {
    assert_eq!(stdout(tm(db).arg("import").arg(corpus_file(THREAD))), "1\n");
    let shown: Value = serde_json::from_str(&stdout(tm(db).args(["show", "1", "--json"]))).unwrap();
    let labels = ["Claim", "Evidence", "Rebuttal", "Question"];
    let mut highlights: Vec<(String, String)> = Vec::new(); // (post, uuid)
    for post in shown["posts"].as_array().unwrap() {
        let (id, text) = (post["id"].as_str().unwrap(), post["text"].as_str().unwrap());
        let phrase = text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        if phrase.split(' ').count() < 4 || text.matches(phrase.as_str()).count() != 1 {
            continue;
        }
        let label = labels[highlights.len() % 4];
        let h: Value = serde_json::from_str(&stdout(tm(db).args([
            "highlight",
            "add",
            "1",
            id,
            "--exact",
            &phrase,
            "--label",
            label,
            "--json",
        ])))
        .unwrap();
        highlights.push((id.to_string(), h["id"].as_str().unwrap().to_string()));
    }
    assert!(
        highlights.len() >= 8,
        "{} posts highlighted",
        highlights.len()
    );
    // 1, 2 and 3 answer 0; 4 answers 1; 5 answers 4, and 6 supports 0 across layers.
    let plan = [
        (1, "supports", 0),
        (2, "rebuts", 0),
        (3, "qualifies", 0),
        (4, "answers", 1),
        (5, "rebuts", 4),
        (6, "supports", 0),
        (6, "answers", 5),
    ];
    let links = plan
        .iter()
        .map(|&(f, kind, t)| {
            let out = stdout(tm(db).args([
                "highlight",
                "link",
                &highlights[f].1,
                &highlights[t].1,
                "--kind",
                kind,
            ]));
            out.split_whitespace().next().unwrap().to_string()
        })
        .collect();
    (highlights, links)
}

#[test]
fn svg_export_to_a_file_and_to_stdout_reads_back_with_every_highlight_and_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let (highlights, links) = linked_thread(&db);
    let file = dir.path().join("map.svg");
    let printed = stdout(
        tm(&db)
            .args(["export", "1", "--format", "svg", "-o"])
            .arg(&file),
    );
    assert_eq!(printed, "", "nothing on stdout with -o");
    let written = std::fs::read_to_string(&file).unwrap();
    let piped = stdout(tm(&db).args(["export", "1", "--format", "svg"]));
    assert_eq!(written, piped, "the file and stdout hold the same SVG");

    let doc = roxmltree::Document::parse(&written).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let permalinks: Vec<String> = highlights
        .iter()
        .map(|(post, _)| format!("https://news.ycombinator.com/item?id={post}"))
        .collect();
    let mut hrefs = 0;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["script", "foreignObject", "image", "iframe", "link"].contains(&name),
            "<{name}> in the SVG"
        );
        for attr in node.attributes() {
            assert!(!attr.name().starts_with("on"), "handler {}", attr.name());
            if attr.name() == "href" {
                assert!(
                    permalinks.iter().any(|p| p == attr.value()),
                    "{}",
                    attr.value()
                );
                hrefs += 1;
            }
            if attr.value().contains("url(") {
                assert!(attr.value().starts_with("url(#"), "{}", attr.value());
            }
        }
        if name == "style" {
            let css = node.text().unwrap_or("");
            assert!(!css.contains("url(") && !css.contains("@import"), "{css}");
        }
    }
    // Each node links to its post: one href a highlight.
    assert_eq!(hrefs, highlights.len());
    let count = |attr: &str| {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for n in doc.descendants() {
            if let Some(v) = n.attribute(attr) {
                *seen.entry(v).or_default() += 1;
            }
        }
        seen
    };
    let nodes = count("data-highlight");
    assert_eq!(nodes.len(), highlights.len());
    for (_, uuid) in &highlights {
        assert_eq!(nodes.get(uuid.as_str()), Some(&1), "data-highlight={uuid}");
    }
    let edges = count("data-link");
    assert_eq!(edges.len(), links.len());
    for uuid in &links {
        assert_eq!(edges.get(uuid.as_str()), Some(&1), "data-link={uuid}");
    }
}

#[test]
fn svg_export_of_an_unknown_thread_fails_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    linked_thread(&db);
    let file = dir.path().join("map.svg");
    let assert = tm(&db)
        .args(["export", "42", "--format", "svg", "-o"])
        .arg(&file)
        .assert()
        .failure()
        .code(1)
        .stdout("");
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(err, "threadmark: no thread 42\n");
    assert!(!file.exists(), "no file is written");
    // To stdout: the same line, nothing printed.
    tm(&db)
        .args(["export", "42", "--format", "svg"])
        .assert()
        .failure()
        .stdout("")
        .stderr("threadmark: no thread 42\n");
}
