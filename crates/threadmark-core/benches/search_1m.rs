//! Full-text search over 1,000,000 stored posts (DESIGN §5: ≤ 50 ms median).
//!
//! The library, 100 synthetic Hacker News threads of 10,000 posts each, is built
//! once into `target/bench-cache/library-1m.sqlite3` (minutes; reused by later
//! runs) and searched with words of several frequencies, a phrase and a prefix.
//! Run with `make bench` or `cargo bench -p threadmark-core --bench search_1m`.

use std::path::PathBuf;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use threadmark_core::synthetic::{hn_algolia, vocabulary_word};
use threadmark_core::{Library, SourceFormat};

const THREADS: u64 = 100;
const POSTS: usize = 10_000;

fn library() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/bench-cache"
    ));
    let path = dir.join("library-1m.sqlite3");
    if path.is_file() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("target/bench-cache");
    let building = dir.join("library-1m.building.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
    }
    let t = Instant::now();
    {
        let mut lib = Library::open(&building).expect("open");
        for seed in 0..THREADS {
            let thread = hn_algolia(POSTS, 100 + seed);
            lib.import_bytes("hn.json", thread.as_bytes(), SourceFormat::Auto, None)
                .expect("import");
        }
        lib.connection()
            .execute_batch("INSERT INTO posts_fts(posts_fts) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("optimize");
    }
    std::fs::rename(&building, &path).expect("rename");
    eprintln!("built {} in {:?}", path.display(), t.elapsed());
    path
}

fn bench(c: &mut Criterion) {
    let lib = Library::open(&library()).expect("open the 1M library");
    let posts: i64 = lib
        .connection()
        .query_row("SELECT count(*) FROM posts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(posts, THREADS as i64 * POSTS as i64);
    let frequent = vocabulary_word(60);
    let middling = vocabulary_word(400);
    let rare = vocabulary_word(3_000);
    let queries = [
        ("a frequent word", frequent.clone()),
        ("a middling word", middling.clone()),
        ("a rare word", rare.clone()),
        ("two words", format!("{middling} {rare}")),
        ("a phrase", format!("\"{frequent} {middling}\"")),
        ("a prefix", format!("{}*", &middling[..middling.len() - 1])),
    ];
    let mut group = c.benchmark_group("search 1,000,000 posts");
    for (name, q) in &queries {
        let matches: i64 = lib
            .connection()
            .query_row(
                "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?1",
                [q],
                |r| r.get(0),
            )
            .expect("count matches");
        eprintln!("{name}: {q} matches {matches} posts");
        group.bench_function(format!("{name} ({q}: {matches} matches), 50 hits"), |b| {
            b.iter(|| lib.search(q, None, 50, ("[", "]")).expect("search"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
