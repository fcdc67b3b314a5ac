//! Library benchmarks: importing the seed, a synthetic 10,000-post text dump and a
//! synthetic 10,000-post Hacker News thread (DESIGN §5: ≤ 0.5 s), and reading the
//! first page of posts of that thread (DESIGN §5: ≤ 100 ms). The synthetic threads
//! come from `threadmark_core::synthetic`.
//!
//! Run with `make bench` (or `cargo bench -p threadmark-core`); figures go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use threadmark_core::quotes::{resolve, resolve_by_time, PostText};
use threadmark_core::synthetic::{hn_algolia, hn_algolia_quoting, text_dump};
use threadmark_core::{Library, SourceFormat};

fn bench(c: &mut Criterion) {
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/seed/000_e97962a6dbc2b620.txt"
    ))
    .expect("the seed in ../shared/corpus");
    let big = text_dump(10_000);
    let hn = hn_algolia(10_000, 1);

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("seed (187 lines) into a new library file", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut lib = Library::open(&dir.path().join("b.sqlite3")).expect("open");
            lib.import_bytes("seed.txt", &seed, SourceFormat::Text, None)
                .expect("import")
        })
    });
    group.bench_function("synthetic 10,000-post dump into a new library file", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut lib = Library::open(&dir.path().join("b.sqlite3")).expect("open");
            lib.import_bytes("big.txt", big.as_bytes(), SourceFormat::Text, None)
                .expect("import")
        })
    });
    group.bench_function(
        "synthetic 10,000-post HN thread (Algolia JSON) into a new library file",
        |b| {
            b.iter(|| {
                let dir = tempfile::tempdir().expect("tempdir");
                let mut lib = Library::open(&dir.path().join("b.sqlite3")).expect("open");
                lib.import_bytes("hn.json", hn.as_bytes(), SourceFormat::Auto, None)
                    .expect("import")
            })
        },
    );
    group.finish();

    // Quote resolution alone over the 10,000-post thread (1,000 quotes, a third with
    // their first word dropped, which leaves them exact matches of a shorter passage).
    let doc = threadmark_core::import::text::parse(big.as_bytes(), None).expect("parse");
    let rendered: Vec<_> = doc.posts.iter().map(|p| p.body.render()).collect();
    let texts: Vec<PostText<'_>> = rendered
        .iter()
        .map(|r| PostText {
            text: &r.text,
            parent: None,
            quotes: &r.quotes,
        })
        .collect();
    let quotes: usize = rendered.iter().map(|r| r.quotes.len()).sum();
    let resolved: usize = resolve(&texts)
        .iter()
        .flatten()
        .filter(|r| r.is_some())
        .count();
    eprintln!(
        "synthetic thread: {} posts, {quotes} quotes, {resolved} resolved",
        doc.posts.len()
    );
    c.bench_function(
        "quotes: resolve 1,000 quotes in the 10,000-post thread",
        |b| b.iter(|| resolve(&texts)),
    );

    // Quote resolution with cross-branch candidates (issue 19): a 10,000-post HN
    // thread whose replies are shown by rank and quote any earlier comment nine
    // times in ten; candidates are every post created before the quoting one.
    let cross = hn_algolia_quoting(10_000, 1, 90, true);
    let doc = threadmark_core::import::parse_bytes(
        "hn.json",
        cross.as_bytes(),
        &threadmark_core::import::ImportOptions::default(),
    )
    .expect("parse")
    .remove(0);
    let rendered: Vec<_> = doc.posts.iter().map(|p| p.body.render()).collect();
    let index: std::collections::HashMap<&str, usize> = doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    let texts: Vec<PostText<'_>> = doc
        .posts
        .iter()
        .zip(&rendered)
        .map(|(p, r)| PostText {
            text: &r.text,
            parent: p.parent.as_deref().and_then(|s| index.get(s).copied()),
            quotes: &r.quotes,
        })
        .collect();
    let times: Vec<Option<i64>> = doc.posts.iter().map(|p| p.created_at).collect();
    let quotes: usize = rendered.iter().map(|r| r.quotes.len()).sum();
    let count = |res: &[Vec<Option<threadmark_core::quotes::Resolution>>]| {
        res.iter().flatten().filter(|r| r.is_some()).count()
    };
    eprintln!(
        "cross-branch HN thread: {} posts, {quotes} quotes, {} resolved by thread order, {} by creation time",
        doc.posts.len(),
        count(&resolve(&texts)),
        count(&resolve_by_time(&texts, &times))
    );
    c.bench_function(
        "quotes: resolve by creation time, 10,000-post HN thread, cross-branch quotes",
        |b| b.iter(|| resolve_by_time(&texts, &times)),
    );
    c.bench_function(
        "quotes: resolve by thread order, same 10,000-post HN thread",
        |b| b.iter(|| resolve(&texts)),
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("read.sqlite3");
    let id = {
        let mut lib = Library::open(&path).expect("open");
        lib.import_bytes("big.txt", big.as_bytes(), SourceFormat::Text, None)
            .expect("import")[0]
    };
    let lib = Library::open(&path).expect("reopen");
    c.bench_function(
        "open: first page (100 posts) of the 10,000-post thread",
        |b| b.iter(|| lib.posts_page(id, 0, 100).expect("page")),
    );
    // What the window does to open it: the thread, the outline of every post (tree,
    // collapse counts, navigation), then the first page of bodies.
    c.bench_function(
        "open: thread + outline (10,000 posts) + first page (100 posts)",
        |b| {
            b.iter(|| {
                let thread = lib.thread(id).expect("thread");
                let outline = lib.outline(id).expect("outline");
                let page = lib.posts_page(id, 0, 100).expect("page");
                (thread, outline.len(), page)
            })
        },
    );
    c.bench_function(
        "open: the last page (100 posts at offset 9,900) of the 10,000-post thread",
        |b| b.iter(|| lib.posts_page(id, 9_900, 100).expect("page")),
    );
    c.bench_function(
        "search: a word over the 10,000-post thread (50 hits)",
        |b| {
            b.iter(|| {
                lib.search("evidence", None, 50, ("[", "]"))
                    .expect("search")
            })
        },
    );
    // The core's share of "key to first filtered paint" (issue 18): what the window's
    // `filter_thread` command does for the 10,000-post thread.
    for query in ["evidence", "\"open source\" -moat", "has:highlight"] {
        let matches = lib.filter_thread(id, query).expect("filter").len();
        c.bench_function(
            &format!("filter: `{query}` over the 10,000-post thread ({matches} matches)"),
            |b| b.iter(|| lib.filter_thread(id, query).expect("filter")),
        );
    }
}

/// Re-anchoring 1,000 highlights after the thread changed (DESIGN §5: ≤ 100 ms):
/// the 10,000-post synthetic thread with a highlight of 40 characters on every tenth
/// post; then half of those posts are untouched, a fifth get words inserted before
/// the highlight (moved), a fifth get a word inside it edited (fuzzy) and a tenth
/// are rewritten entirely (searched for over the whole thread). Each iteration puts
/// the highlights back as they were and re-anchors them all in one transaction.
fn bench_reanchor(c: &mut Criterion) {
    let big = text_dump(10_000);
    let mut lib = Library::open_in_memory().expect("open");
    let id = lib
        .import_bytes("big.txt", big.as_bytes(), SourceFormat::Text, None)
        .expect("import")[0];
    let posts = lib.posts(id).expect("posts");
    let mut marked = Vec::new();
    for p in posts
        .iter()
        .step_by(10)
        .filter(|p| p.text.chars().count() >= 60)
        .take(1000)
    {
        let h = lib
            .highlight_span(id, &p.source_id, 5, 45, None)
            .expect("highlight");
        marked.push((h, p.text.clone()));
    }
    assert_eq!(marked.len(), 1000);
    let saved: Vec<threadmark_core::model::Highlight> = lib.highlights(id).expect("highlights");
    // The thread changes.
    for (i, (h, text)) in marked.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        let new: String = match i % 10 {
            5 | 6 => format!("Edited to add a few words first. {text}"),
            7 | 8 => {
                let mut c = chars.clone();
                c[20] = '#';
                c.remove(30);
                c.into_iter().collect()
            }
            9 => "This comment was rewritten by its author and says something else now.".into(),
            _ => continue,
        };
        lib.connection()
            .execute(
                "UPDATE posts SET text = ?1 WHERE thread_id = ?2 AND source_id = ?3",
                rusqlite::params![new, id, h.post],
            )
            .expect("edit");
    }
    let reset = |lib: &Library| {
        let c = lib.connection();
        c.execute_batch("BEGIN").expect("begin");
        for h in &saved {
            c.execute(
                "UPDATE highlights SET post_source = ?1, exact = ?2, prefix = ?3, suffix = ?4, start = ?5, \"end\" = ?6, state = 'anchored' WHERE id = ?7",
                rusqlite::params![h.post, h.exact, h.prefix, h.suffix, h.start, h.end, h.id],
            )
            .expect("reset");
        }
        c.execute_batch("COMMIT").expect("commit");
    };
    reset(&lib);
    lib.reanchor_thread(id).expect("reanchor");
    let lib = std::cell::RefCell::new(lib);
    let mut states = std::collections::BTreeMap::new();
    for h in lib.borrow().highlights(id).expect("highlights") {
        *states.entry(h.state).or_insert(0) += 1;
    }
    eprintln!("re-anchoring 1,000 highlights: {states:?}");
    let mut group = c.benchmark_group("anchor");
    group.sample_size(20);
    group.bench_function(
        "re-anchor 1,000 highlights after the 10,000-post thread changed",
        |b| {
            b.iter_batched(
                || reset(&lib.borrow()),
                |()| lib.borrow_mut().reanchor_thread(id).expect("reanchor"),
                criterion::BatchSize::PerIteration,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, bench, bench_reanchor);
criterion_main!(benches);
