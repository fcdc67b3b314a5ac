//! The argument graph's layout at 200 highlights (issue 21: "it stays readable at 200
//! nodes"): the real HN thread `hn/hnpwa/hnpwa-item-26312516.comments.json` with 200
//! highlights linked in three layers (10 claims, 60 answers, 130 replies, 13 links
//! that pass a layer: `synthetic_argument::layered_argument`), laid out as the app
//! and the SVG export ask for it (`export::graph::layout`, the library read included),
//! and the whole SVG export.
//!
//! Run with `cargo bench -p threadmark-core --bench graph`; figures go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use threadmark_core::export::graph::layout;
use threadmark_core::export::svg::svg;
use threadmark_core::synthetic_argument::layered_argument;
use threadmark_core::{Library, SourceFormat};

fn bench(c: &mut Criterion) {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/hn/hnpwa/hnpwa-item-26312516.comments.json"
    );
    let bytes = std::fs::read(file).expect("the HN thread in ../shared/corpus");
    let mut lib = Library::open_in_memory().expect("library");
    let id = lib
        .import_bytes(file, &bytes, SourceFormat::Hn, None)
        .expect("import")[0];
    layered_argument(&mut lib, id, 10, 60, 130).expect("200 linked highlights");

    let mut group = c.benchmark_group("argument graph");
    group.sample_size(20);
    group.bench_function("layout of 200 highlights, 203 links", |b| {
        b.iter(|| layout(&lib, id).expect("layout"))
    });
    group.bench_function("SVG export of 200 highlights, 203 links", |b| {
        b.iter(|| svg(&lib, id).expect("svg"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
