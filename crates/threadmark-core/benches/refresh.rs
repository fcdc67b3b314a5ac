//! Refreshing a long thread (issue 15, point 6: ≤ 0.3 s in the core): the synthetic
//! 10,000-post Hacker News thread saved with 100 highlights, then its next version
//! (`synthetic::revise`: 100 new replies spread through the tree, 20 posts edited)
//! written over it by `Library::import_docs`, as a refresh does once it has parsed
//! what it fetched. Each iteration starts from a copy of the saved library file;
//! copying and opening it are not timed.
//!
//! Run with `cargo bench -p threadmark-core --bench refresh`; figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use threadmark_core::import::{parse_bytes, ImportOptions};
use threadmark_core::synthetic::{hn_algolia, revise};
use threadmark_core::{Library, NewHighlight};

fn bench(c: &mut Criterion) {
    let hn = hn_algolia(10_000, 1);
    let v1 = parse_bytes("hn.json", hn.as_bytes(), &ImportOptions::default()).expect("parse");
    let v2 = vec![revise(&v1[0], 100, 20, 7)];
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("saved.sqlite3");
    {
        let mut lib = Library::open(&saved).expect("open");
        let id = lib.import_docs(&v1, None).expect("import")[0];
        let posts = lib.posts(id).expect("posts");
        for p in posts.iter().step_by(97).take(100) {
            let words: String = p.text.chars().take(30).collect();
            if words.trim().is_empty() {
                continue;
            }
            lib.add_highlight(
                id,
                &p.source_id,
                &NewHighlight {
                    exact: words,
                    start: Some(0),
                    ..Default::default()
                },
            )
            .expect("highlight");
        }
    }
    let mut n = 0;
    let mut group = c.benchmark_group("refresh");
    group.sample_size(10);
    group.bench_function(
        "10,000-post HN thread: +100 new posts, 20 edited (import_docs over the saved copy)",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let path = dir.path().join(format!("run-{n}.sqlite3"));
                    std::fs::copy(&saved, &path).expect("copy");
                    Library::open(&path).expect("open")
                },
                |mut lib| {
                    lib.import_docs(&v2, None).expect("refresh");
                    lib
                },
                BatchSize::PerIteration,
            )
        },
    );
    // The same refresh with every stored digest cleared, so that every post is
    // rendered, written and resolved again (what a re-import did before digests).
    let cleared = dir.path().join("cleared.sqlite3");
    std::fs::copy(&saved, &cleared).expect("copy");
    Library::open(&cleared)
        .expect("open")
        .connection()
        .execute("UPDATE posts SET digest = NULL", [])
        .expect("clear");
    group.bench_function(
        "same, every post written again (digests cleared: the re-import before point 6)",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let path = dir.path().join(format!("run-{n}.sqlite3"));
                    std::fs::copy(&cleared, &path).expect("copy");
                    Library::open(&path).expect("open")
                },
                |mut lib| {
                    lib.import_docs(&v2, None).expect("refresh");
                    lib
                },
                BatchSize::PerIteration,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
