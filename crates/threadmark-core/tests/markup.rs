//! Schema 6 stores a post's HTML as markup beside its text (issue 8): what the
//! library gives back must be, byte for byte, what the renderer made. Checked on
//! every thread of the corpus, each email thread, the seed and the hostile bodies.

use std::collections::HashMap;
use std::path::Path;

use threadmark_core::import::{self, ImportOptions};
use threadmark_core::{Library, SourceFormat};

use crate::corpus;

/// Import the threads parsed from `path` and compare each stored post's HTML with
/// a fresh rendering of its body; returns the posts compared.
fn stored_html_is_rendered_html(path: &Path) -> usize {
    let options = ImportOptions::default();
    let Ok(docs) = import::parse_file(path, &options) else {
        return 0; // not a thread (schemas, notes, payload lists…)
    };
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib.import_docs(&docs, None).unwrap();
    let mut compared = 0;
    for (doc, id) in docs.iter().zip(ids) {
        let want: HashMap<&str, String> = doc
            .posts
            .iter()
            .map(|p| (p.source_id.as_str(), p.body.render().html))
            .collect();
        for post in lib.posts(id).unwrap() {
            let rendered = &want[post.source_id.as_str()];
            assert_eq!(
                post.html,
                *rendered,
                "{}: post {}",
                path.display(),
                post.source_id
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_corpus_post_reads_back_as_rendered() {
    let mut files = Vec::new();
    for dir in [
        "hn",
        "reddit",
        "lobsters",
        "discourse",
        "mbox",
        "seed",
        "email-quotes",
    ] {
        files.extend(crate::files_under(&corpus().join(dir)));
    }
    let mut compared = 0;
    let mut threads = 0;
    for path in &files {
        let n = stored_html_is_rendered_html(path);
        threads += usize::from(n > 0);
        compared += n;
    }
    // Every Maildir folder is one import.
    for entry in std::fs::read_dir(corpus().join("maildir")).unwrap() {
        compared += stored_html_is_rendered_html(&entry.unwrap().path());
    }
    assert!(threads >= 20, "{threads} threads");
    assert!(compared >= 2_000, "{compared} posts");
}

#[test]
fn hostile_bodies_read_back_as_rendered() {
    // Each payload of the XSS list as a post of a text dump, raw.
    let payloads = std::fs::read_to_string(corpus().join("security/xss-payload-list.txt")).unwrap();
    let mut lib = Library::open_in_memory().unwrap();
    let dump: String = payloads
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let docs = import::parse_bytes(
        "payloads.txt",
        dump.as_bytes(),
        &ImportOptions {
            format: SourceFormat::Text,
            ..Default::default()
        },
    )
    .unwrap();
    let id = lib.import_docs(&docs, None).unwrap()[0];
    let posts = lib.posts(id).unwrap();
    assert!(posts.len() > 6_000, "{}", posts.len());
    for (post, doc) in posts.iter().zip(&docs[0].posts) {
        assert_eq!(post.source_id, doc.source_id);
        assert_eq!(post.html, doc.body.render().html);
    }
}
