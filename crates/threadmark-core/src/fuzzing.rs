//! Fuzz targets (feature `synthetic`), shared by the cargo-fuzz crate in `fuzz/`
//! and the short stable smoke run in the core tests.
//!
//! Each target takes arbitrary bytes and panics only when the code under test
//! breaks one of its promises: no panic, no stack overflow, spans inside the text,
//! an exact anchor really holding the highlighted text.

use std::cell::RefCell;

use crate::anchor::{anchor_in, selector, AnchorState};
use crate::import::{detect, parse_bytes, ImportOptions};
use crate::model::{SourceFormat, ThreadDoc};
use crate::store::Library;

/// The byte formats an importer reads (Maildir is a folder, not bytes).
pub const FORMATS: &[SourceFormat] = &[
    SourceFormat::Auto,
    SourceFormat::Text,
    SourceFormat::Hn,
    SourceFormat::Reddit,
    SourceFormat::Lobsters,
    SourceFormat::Discourse,
    SourceFormat::Mbox,
];

thread_local! {
    static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
}

/// Every importer on `data`: detection, then parsing as each format.
pub fn import(data: &[u8]) {
    let _ = detect(data);
    for &format in FORMATS {
        import_as(format, data);
    }
}

/// One importer on `data`; what parses is rendered, checked and stored (quote
/// resolution and indexing included) in an in-memory library, then deleted.
pub fn import_as(format: SourceFormat, data: &[u8]) {
    let options = ImportOptions {
        format,
        ..Default::default()
    };
    let Ok(docs) = parse_bytes("fuzz", data, &options) else {
        return;
    };
    for doc in &docs {
        check(doc);
    }
    LIBRARY.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Library::open_in_memory().ok();
        }
        let Some(lib) = slot.as_mut() else {
            panic!("an in-memory library does not open");
        };
        if let Ok(ids) = lib.import_docs(&docs, None) {
            let distinct = ids.iter().collect::<std::collections::BTreeSet<_>>().len() == ids.len();
            for (&id, doc) in ids.iter().zip(&docs) {
                let stored = lib.posts(id).expect("a stored thread reads back");
                if distinct {
                    assert_eq!(stored.len(), doc.posts.len(), "posts stored");
                }
            }
            for id in ids {
                let _ = lib.delete_thread(id);
            }
        }
    });
}

fn check(doc: &ThreadDoc) {
    for post in &doc.posts {
        let r = post.body.render();
        let len = r.text.chars().count();
        for q in &r.quotes {
            assert!(
                q.start <= q.end && q.end <= len,
                "quote {}..{} outside a text of {len} code points",
                q.start,
                q.end
            );
            assert!(q.depth >= 1);
        }
    }
}

/// Anchoring: the bytes are split at NUL into the old text of a post and the new
/// posts of the thread; three leading bytes pick the highlighted span and the home
/// post. Whatever is found must lie inside the text, and an `anchored` or `moved`
/// highlight must hold exactly its old text.
pub fn anchor(data: &[u8]) {
    let [a, b, c, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let old = parts.next().unwrap_or("");
    let mut posts: Vec<&str> = parts.collect();
    if posts.is_empty() {
        posts.push(old);
    }
    let n = old.chars().count();
    let start = *a as usize % (n + 1);
    let end = start + *b as usize % (n + 1 - start);
    let Some(sel) = selector(old, start, end) else {
        panic!("no selector for {start}..{end} of {n} code points");
    };
    let home = (c & 1 == 1).then(|| *c as usize / 2 % posts.len());
    let found = anchor_in(&sel, home, &posts);
    if found.state == AnchorState::Orphaned {
        return;
    }
    let post: Vec<char> = posts[found.post].chars().collect();
    assert!(
        found.start <= found.end && found.end <= post.len(),
        "{:?} outside a post of {} code points",
        found,
        post.len()
    );
    if matches!(found.state, AnchorState::Anchored | AnchorState::Moved) {
        let got: String = post[found.start..found.end].iter().collect();
        assert_eq!(
            got, sel.exact,
            "{:?} does not hold the highlighted text",
            found.state
        );
    }
}
