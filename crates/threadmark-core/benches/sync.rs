//! Sync benchmarks (issue 16): applying the changes of 10,000 highlights (about
//! 50,000 field changes) from a folder into a new library file (target ≤ 1 s), and
//! a sync with nothing to do of a library of 1,000 threads (target ≤ 100 ms);
//! both again with a passphrase-encrypted folder (the apply includes deriving the
//! key once with the default Argon2id cost, 64 MiB and 3 passes); and the full
//! copy a library of 1,000 threads writes when it moves to a new folder.
//!
//! `cargo bench -p threadmark-core --bench sync`; figures go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use threadmark_core::sync::{crypt, KdfParams, Passphrase, SyncOptions};
use threadmark_core::synthetic::text_dump;
use threadmark_core::{Library, SourceFormat};

/// A library file holding the seed with `n` highlights spread over its posts,
/// each with a label and a note (five fields each), written straight into the
/// table (the benchmark is of sync, not of highlighting).
fn with_highlights(path: &std::path::Path, n: usize) -> Library {
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/seed/000_e97962a6dbc2b620.txt"
    ))
    .expect("the seed in ../shared/corpus");
    let mut lib = Library::open(path).expect("open");
    let t = lib
        .import_bytes("seed.txt", &seed, SourceFormat::Text, None)
        .expect("import")[0];
    let posts = lib.posts(t).expect("posts");
    let c = lib.connection();
    c.execute_batch("BEGIN").expect("begin");
    for i in 0..n {
        let p = &posts[i % posts.len()];
        let len = p.text.chars().count().max(2);
        let start = (i / posts.len()) % (len - 1);
        let exact: String = p.text.chars().skip(start).take(1).collect();
        c.execute(
            "INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, start, \"end\", note, created_at, updated_at)
             VALUES (?1, ?2, ?3, 1 + ?4 % 5, ?5, ?6, ?6 + 1, ?7, 0, 0)",
            rusqlite::params![uuid_of(i), t, p.source_id, i as i64, exact, start as i64, format!("note {i}")],
        )
        .expect("insert");
    }
    c.execute_batch("COMMIT").expect("commit");
    lib
}

fn uuid_of(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("folder");
    let mut a = with_highlights(&dir.path().join("a.sqlite3"), 10_000);
    let sent = a.sync_with_folder(&folder).expect("sync a").sent;
    eprintln!("device A wrote {sent} changes");

    let mut group = c.benchmark_group("sync");
    group.sample_size(10);
    group.bench_function(
        "apply 10,000 highlights from a folder into a new library file",
        |b| {
            b.iter_batched(
                || {
                    let d = tempfile::tempdir().expect("tempdir");
                    let lib = Library::open(&d.path().join("b.sqlite3")).expect("open");
                    (d, lib)
                },
                |(d, mut lib)| {
                    let r = lib.sync_with_folder(&folder).expect("sync b");
                    assert_eq!(r.highlights, 10_000);
                    (d, lib)
                },
                BatchSize::PerIteration,
            )
        },
    );

    // The same changes in an encrypted folder, applied with the passphrase.
    let secret = Passphrase("bench passphrase".into());
    let with_pass = SyncOptions {
        passphrase: Some(secret.clone()),
        ..Default::default()
    };
    let sealed = dir.path().join("sealed");
    std::fs::create_dir(&sealed).expect("folder");
    crypt::create(&sealed, &secret, KdfParams::default()).expect("encrypt the folder");
    let mut a2 = with_highlights(&dir.path().join("a2.sqlite3"), 10_000);
    a2.sync_with_folder_opts(&sealed, &with_pass)
        .expect("sync a2");
    group.bench_function(
        "apply 10,000 highlights from an encrypted folder (passphrase given: one Argon2id)",
        |b| {
            b.iter_batched(
                || {
                    let d = tempfile::tempdir().expect("tempdir");
                    let lib = Library::open(&d.path().join("b.sqlite3")).expect("open");
                    (d, lib)
                },
                |(d, mut lib)| {
                    let r = lib
                        .sync_with_folder_opts(&sealed, &with_pass)
                        .expect("sync b");
                    assert_eq!(r.highlights, 10_000);
                    (d, lib)
                },
                BatchSize::PerIteration,
            )
        },
    );

    // 1,000 threads of 20 posts each, with 5 highlights each, synced once.
    let mut big = Library::open(&dir.path().join("big.sqlite3")).expect("open");
    let dump = text_dump(20);
    for i in 0..1_000 {
        let t = big
            .import_bytes(
                "t.txt",
                dump.as_bytes(),
                SourceFormat::Text,
                Some(&format!("thread {i}")),
            )
            .expect("import")[0];
        let post = big.posts(t).expect("posts")[0].clone();
        for h in 0..5 {
            let _ = big.highlight_span(t, &post.source_id, h * 3, h * 3 + 2, Some("Claim"));
        }
    }
    let folder2 = dir.path().join("folder2");
    std::fs::create_dir(&folder2).expect("folder");
    big.sync_with_folder(&folder2).expect("first sync");
    group.bench_function("no-op sync of a library of 1,000 threads", |b| {
        b.iter(|| {
            let r = big.sync_with_folder(&folder2).expect("sync");
            assert_eq!((r.sent, r.received), (0, 0));
        })
    });
    // The same library with an encrypted folder (the key remembered).
    let folder3 = dir.path().join("folder3");
    std::fs::create_dir(&folder3).expect("folder");
    crypt::create(&folder3, &secret, KdfParams::default()).expect("encrypt the folder");
    big.sync_with_folder_opts(&folder3, &with_pass)
        .expect("first encrypted sync");
    group.bench_function(
        "no-op sync of a library of 1,000 threads, encrypted folder",
        |b| {
            b.iter(|| {
                let r = big.sync_with_folder(&folder3).expect("sync");
                assert!(r.encrypted);
                assert_eq!((r.sent, r.received), (0, 0));
            })
        },
    );
    // Moving to a new folder: the library writes everything it holds there (a
    // full copy, sync/snapshot.rs). Each iteration another new folder.
    let mut n = 0;
    group.bench_function(
        "full copy of a library of 1,000 threads into a new folder",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let f = dir.path().join(format!("moved{n}"));
                    std::fs::create_dir(&f).expect("folder");
                    f
                },
                |f| {
                    let r = big.sync_with_folder(&f).expect("sync");
                    let full = r.full_copy.expect("a full copy");
                    assert_eq!(full.threads, 1_000);
                    std::fs::remove_dir_all(&f).expect("clean");
                },
                BatchSize::PerIteration,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
