//! Integration tests of the core over the real files in `../shared/corpus/`.
//!
//! The corpus folder is required: these tests fail, never skip, when it is missing.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod anchoring;
mod annotate;
mod backup;
mod cjk_search;
mod cross_branch_real;
mod deeplink;
mod discourse;
mod export;
mod fetch;
mod follow;
mod fuzz_smoke;
mod graph;
mod graph_big;
mod hn;
mod hn_fast;
mod hn_json;
mod hostile;
mod http_server;
mod identity;
mod invariant;
mod lobsters;
mod mail;
mod markup;
mod migrate;
mod points;
mod progress;
mod quote_accuracy;
mod quotes_by_time;
mod reddit;
mod restore_annotations;
mod security;
mod seed;
mod snapshots;
mod store;
mod sync;
mod vault;

use std::path::PathBuf;

/// `../shared/corpus` next to the checkout, or `$THREADMARK_CORPUS`.
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("THREADMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus"
            ))
        });
    assert!(
        dir.is_dir(),
        "the corpus folder {} is missing",
        dir.display()
    );
    dir
}

pub fn seed_path() -> PathBuf {
    corpus().join("seed/000_e97962a6dbc2b620.txt")
}

pub fn seed() -> String {
    std::fs::read_to_string(seed_path()).expect("seed readable")
}

/// Re-imports the seed into thread `id` with post 18 edited so that "middlemen" is
/// gone from the thread (a highlight of it is orphaned).
pub fn reimport_seed_without_middlemen(lib: &mut threadmark_core::Library, id: i64) {
    let seed = seed();
    let lines: Vec<&str> = seed.lines().collect();
    reimport_text(lib, id, &without_middlemen(&lines));
}

/// `lines` as one text, with "middlemen" in the outsourcing comment made "brokers".
pub fn without_middlemen(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| {
            if l.starts_with("That's alway the issue with outsourcing") {
                format!("{}\n", l.replace("middlemen", "brokers"))
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Re-import `text` (a plain-text dump) into thread `id`, as a new version of it.
pub fn reimport_text(lib: &mut threadmark_core::Library, id: i64, text: &str) {
    let docs = threadmark_core::import::parse_bytes("v2.txt", text.as_bytes(), &Default::default())
        .unwrap();
    lib.import_docs(&docs, Some(id)).unwrap();
}

/// Every file below `dir`, at any depth, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The app's own sample thread.
pub fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/sample-thread.txt"
    ))
    .expect("sample")
}
