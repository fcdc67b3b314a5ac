//! Quotes across branches: when posts carry times, a quote's candidates are every
//! post created before the quoting one, wherever the thread shows it.

use std::collections::HashMap;

use threadmark_core::import::{parse_bytes, ImportOptions};
use threadmark_core::quotes::{resolve, resolve_by_time, PostText, Resolution};
use threadmark_core::synthetic::hn_algolia_quoting;
use threadmark_core::ThreadDoc;

struct Parsed {
    doc: ThreadDoc,
    rendered: Vec<threadmark_core::body::Rendered>,
}

fn parse(json: &str) -> Parsed {
    let mut docs = parse_bytes("hn.json", json.as_bytes(), &ImportOptions::default()).unwrap();
    let doc = docs.remove(0);
    let rendered = doc.posts.iter().map(|p| p.body.render()).collect();
    Parsed { doc, rendered }
}

fn texts(p: &Parsed) -> Vec<PostText<'_>> {
    let index: HashMap<&str, usize> = p
        .doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.source_id.as_str(), i))
        .collect();
    p.doc
        .posts
        .iter()
        .zip(&p.rendered)
        .map(|(d, r)| PostText {
            text: &r.text,
            parent: d.parent.as_deref().and_then(|s| index.get(s).copied()),
            quotes: &r.quotes,
        })
        .collect()
}

type Resolved = Vec<Vec<Option<Resolution>>>;

/// (quotes, attached, attached to a post shown later in the thread).
fn counts(resolved: &Resolved) -> (usize, usize, usize) {
    let mut out = (0, 0, 0);
    for (i, row) in resolved.iter().enumerate() {
        for r in row {
            out.0 += 1;
            if let Some(r) = r {
                out.1 += 1;
                if r.post > i {
                    out.2 += 1;
                }
            }
        }
    }
    out
}

#[test]
fn replies_quoting_any_earlier_comment_are_resolved_by_time() {
    // Nine quoting comments in ten quote any earlier comment, the tenth its
    // parent; replies are shown by rank, so many sources are shown further down.
    let p = parse(&hn_algolia_quoting(3_000, 5, 90, true));
    let posts = texts(&p);
    let times: Vec<Option<i64>> = p.doc.posts.iter().map(|d| d.created_at).collect();
    assert!(times.iter().all(Option::is_some));
    let by_order = resolve(&posts);
    let by_time = resolve_by_time(&posts, &times);
    let (quotes, attached_order, later_order) = counts(&by_order);
    let (_, attached_time, later_time) = counts(&by_time);
    eprintln!(
        "{quotes} quotes: {attached_order} attached by thread order, {attached_time} by time ({later_time} to posts shown later)"
    );
    assert!(quotes > 400, "{quotes}");
    assert_eq!(
        later_order, 0,
        "thread order never looks below the quoting post"
    );
    // Every synthetic quote copies an earlier comment's sentence (or its tail).
    assert!(
        attached_time * 100 >= quotes * 99,
        "{attached_time} of {quotes}"
    );
    assert!(
        later_time * 4 > quotes,
        "many sources are shown after the reply: {later_time}"
    );
    assert!(attached_order < attached_time);
    // Every source was created before the quote, and holds the words quoted.
    for (i, row) in by_time.iter().enumerate() {
        for (k, r) in row.iter().enumerate() {
            let Some(r) = r else { continue };
            assert!(times[r.post] < times[i], "post {i} quote {k}");
            let src: String = p.rendered[r.post]
                .text
                .chars()
                .skip(r.start)
                .take(r.end - r.start)
                .collect();
            let q = p.rendered[i]
                .quotes
                .iter()
                .filter(|q| q.depth == 1)
                .nth(k)
                .unwrap();
            let quoted: String = p.rendered[i]
                .text
                .chars()
                .skip(q.start)
                .take(q.end - q.start)
                .collect();
            assert!(
                quoted.to_lowercase().contains(&src.to_lowercase()) || r.score < 1.0,
                "{quoted:?} / {src:?}"
            );
            // Ancestors first: a quote found in an ancestor keeps it.
            if let Some(a) = by_order[i][k].as_ref() {
                if ancestors(&posts, i).contains(&a.post) {
                    assert_eq!(r.post, a.post, "post {i} quote {k}");
                }
            }
        }
    }
    // Where thread order resolves a quote, time order does too (perhaps to a post
    // created earlier), and without times the result is thread order's.
    for (a, b) in by_order.iter().flatten().zip(by_time.iter().flatten()) {
        if a.is_some() {
            assert!(b.is_some());
        }
    }
    let none: Vec<Option<i64>> = vec![None; posts.len()];
    assert_eq!(resolve_by_time(&posts, &none), by_order);
}

fn ancestors(posts: &[PostText<'_>], mut i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while let Some(p) = posts[i].parent {
        out.push(p);
        i = p;
    }
    out
}

/// Lists the quotes of the corpus threads resolved to a post the thread shows
/// after the quoting one (cross-branch), for writing fixtures:
/// `cargo test -p threadmark-core --test tests cross_branch_in_corpus -- --ignored --nocapture`.
#[test]
#[ignore = "a report, not a check"]
fn cross_branch_in_corpus() {
    for dir in ["hn", "reddit", "lobsters", "discourse"] {
        for file in super::files_under(&super::corpus().join(dir)) {
            if file.extension().is_none_or(|e| e != "json" && e != "html") {
                continue;
            }
            let mut lib = threadmark_core::Library::open_in_memory().unwrap();
            let Ok(ids) = lib.import_bytes(
                &file.to_string_lossy(),
                &std::fs::read(&file).unwrap(),
                threadmark_core::SourceFormat::Auto,
                None,
            ) else {
                continue;
            };
            for id in ids {
                let posts = lib.posts(id).unwrap();
                let pos: HashMap<&str, usize> = posts
                    .iter()
                    .map(|p| (p.source_id.as_str(), p.position as usize))
                    .collect();
                for q in lib.quotes(id).unwrap() {
                    if let Some(src) = &q.source {
                        if pos[src.as_str()] > pos[q.post.as_str()] {
                            println!(
                                "{}: post {} quotes {} (shown later): {:?}",
                                file.display(),
                                q.post,
                                src,
                                q.text.chars().take(80).collect::<String>()
                            );
                        }
                    }
                }
            }
        }
    }
}
