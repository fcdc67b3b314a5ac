//! Quote resolution against hand-written fixtures (`fixtures/quotes.json`): for the
//! seed, an HN thread and a Reddit thread, the post each quoted passage comes from,
//! or that it is external, as read off the threads by a person.

use serde::Deserialize;
use threadmark_core::quotes::normalize;
use threadmark_core::{Library, Quote};

#[derive(Deserialize)]
struct Fixtures {
    threads: Vec<FixtureThread>,
}

#[derive(Deserialize)]
struct FixtureThread {
    file: String,
    quotes: Vec<Expected>,
}

#[derive(Deserialize)]
struct Expected {
    post: String,
    /// The first words of the passage.
    quote: String,
    /// The n-th passage of `post` starting with `quote` (1-based), for repeats.
    #[serde(default = "one")]
    nth: usize,
    source: Option<String>,
    /// False for a passage a reader sees as a quote but detection does not count
    /// (`>` lines in a code block): the test checks it stays undetected.
    #[serde(default = "yes")]
    detected: bool,
}

fn yes() -> bool {
    true
}

fn one() -> usize {
    1
}

fn fixtures() -> Fixtures {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/quotes.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn norm(s: &str) -> String {
    let n: String = normalize(s).0.into_iter().collect();
    n.trim_start_matches(['>', ' ', '"', '\'']).to_string()
}

/// One fixture entry next to what the resolver made of it.
struct Outcome {
    file: String,
    post: String,
    quote: String,
    expected: Option<String>,
    got: Option<String>,
}

/// Import every fixture thread and pair each expected quote with the stored one.
/// Panics when a fixture names a passage the importer did not detect, or when the
/// importer detected a passage no fixture names.
fn outcomes() -> Vec<Outcome> {
    let mut out = Vec::new();
    for t in fixtures().threads {
        let mut lib = Library::open_in_memory().unwrap();
        let bytes = std::fs::read(super::corpus().join(&t.file)).unwrap();
        let id = lib
            .import_bytes(&t.file, &bytes, threadmark_core::SourceFormat::Auto, None)
            .unwrap_or_else(|e| panic!("{}: {e}", t.file))[0];
        let quotes = lib.quotes(id).unwrap();
        let mut used = vec![false; quotes.len()];
        for e in &t.quotes {
            let want = norm(&e.quote);
            let found: Vec<(usize, &Quote)> = quotes
                .iter()
                .enumerate()
                .filter(|(_, q)| q.post == e.post && norm(&q.text).starts_with(&want))
                .collect();
            if !e.detected {
                assert!(
                    found.is_empty(),
                    "{}: post {} {:?} is now detected: update the fixture",
                    t.file,
                    e.post,
                    e.quote
                );
                out.push(Outcome {
                    file: t.file.clone(),
                    post: e.post.clone(),
                    quote: e.quote.clone(),
                    expected: e.source.clone(),
                    got: None,
                });
                continue;
            }
            let Some(&(k, q)) = found.get(e.nth - 1) else {
                panic!(
                    "{}: post {} has no passage #{} starting {:?}; its passages: {:?}",
                    t.file,
                    e.post,
                    e.nth,
                    e.quote,
                    quotes
                        .iter()
                        .filter(|q| q.post == e.post)
                        .map(|q| &q.text)
                        .collect::<Vec<_>>()
                )
            };
            assert!(!used[k], "{}: two fixtures name {:?}", t.file, q.text);
            used[k] = true;
            out.push(Outcome {
                file: t.file.clone(),
                post: e.post.clone(),
                quote: e.quote.clone(),
                expected: e.source.clone(),
                got: q.source.clone(),
            });
        }
        let missed: Vec<(&str, &str)> = quotes
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(q, _)| (q.post.as_str(), q.text.as_str()))
            .collect();
        assert!(
            missed.is_empty(),
            "{}: passages with no fixture: {missed:?}",
            t.file
        );
    }
    out
}

#[test]
fn every_fixture_quote_resolves_to_the_post_a_reader_names() {
    let wrong: Vec<String> = outcomes()
        .into_iter()
        .filter(|o| o.expected != o.got)
        .map(|o| {
            format!(
                "{} post {} {:?}: expected {:?}, got {:?}",
                o.file, o.post, o.quote, o.expected, o.got
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Precision: of the quotes the resolver attached to a post, how many to the right
/// one. Recall: of the quotes that have a source in the thread, how many the
/// resolver attached to it. Run with
/// `cargo test -p threadmark-core --test tests quote_accuracy_report -- --ignored --nocapture`.
#[test]
#[ignore = "prints the figures for BENCHMARKS.md"]
fn quote_accuracy_report() {
    let all = outcomes();
    let mut files: Vec<&str> = all.iter().map(|o| o.file.as_str()).collect();
    files.dedup();
    let row = |name: &str, os: &[&Outcome]| {
        let attached = os.iter().filter(|o| o.got.is_some()).count();
        let right = os
            .iter()
            .filter(|o| o.got.is_some() && o.got == o.expected)
            .count();
        let sourced = os.iter().filter(|o| o.expected.is_some()).count();
        let external_kept = os
            .iter()
            .filter(|o| o.expected.is_none() && o.got.is_none())
            .count();
        println!(
            "| {name} | {} | {sourced} | {attached} | {right} | {:.3} | {:.3} | {external_kept}/{} |",
            os.len(),
            right as f64 / attached.max(1) as f64,
            right as f64 / sourced.max(1) as f64,
            os.len() - sourced,
        );
    };
    println!("| Thread | Quotes | With a source in the thread | Attached | Attached rightly | Precision | Recall | External kept external |");
    println!("|---|---|---|---|---|---|---|---|");
    for f in &files {
        let os: Vec<&Outcome> = all.iter().filter(|o| o.file == *f).collect();
        row(f, &os);
    }
    let os: Vec<&Outcome> = all.iter().collect();
    row("**all**", &os);
}

#[test]
fn quoted_by_lists_the_replies_quoting_a_post_and_a_span_of_it() {
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            threadmark_core::SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    let posts = |qs: &[Quote]| qs.iter().map(|q| q.post.clone()).collect::<Vec<_>>();
    assert_eq!(
        posts(&lib.quoted_by(id, "85", None).unwrap()),
        ["92", "117"]
    );
    assert_eq!(
        posts(&lib.quoted_by(id, "132", None).unwrap()),
        ["136", "144"]
    );
    assert!(lib.quoted_by(id, "86", None).unwrap().is_empty());
    // Post 1 (the interview excerpts) is quoted twice by post 156, in two places.
    let both = lib.quoted_by(id, "1", None).unwrap();
    assert_eq!(posts(&both), ["156", "156"]);
    let first = (both[0].source_start.unwrap(), both[0].source_end.unwrap());
    let second = (both[1].source_start.unwrap(), both[1].source_end.unwrap());
    assert!(first.1 <= second.0, "{first:?} {second:?}");
    let source = lib.post(id, "1").unwrap().text;
    let span: String = source
        .chars()
        .skip(second.0 as usize)
        .take((second.1 - second.0) as usize)
        .collect();
    assert!(span.starts_with("But in fact"), "{span:?}");
    let only = lib.quoted_by(id, "1", Some(second)).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].text, both[1].text);
    assert!(lib
        .quoted_by(id, "1", Some((0, first.0)))
        .unwrap()
        .is_empty());
    let err = lib.quoted_by(id, "9999", None).unwrap_err();
    assert_eq!(err.kind(), threadmark_core::ErrorKind::NotFound, "{err}");
}
