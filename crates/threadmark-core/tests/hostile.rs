//! Issue 20 in core: CJK search inside longer runs, the bounded reader and sizes,
//! foreign encodings, titles, read-only libraries and orphans on restore.

use std::io::Read;

use serde_json::Value;
use threadmark_core::import::{self, ImportOptions};
use threadmark_core::{ErrorKind, Library, NewHighlight, SourceFormat};

fn seed_library() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap();
    (lib, ids[0])
}

fn cjk_integrity(lib: &Library) {
    lib.connection()
        .execute(
            "INSERT INTO posts_cjk(posts_cjk) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
}

/// The seed's line 166 holds "中国共产党": words inside that run are found.
#[test]
fn search_finds_cjk_words_inside_longer_runs() {
    let (mut lib, id) = seed_library();
    let post = lib
        .posts(id)
        .unwrap()
        .into_iter()
        .find(|p| p.text.contains("中国共产党"))
        .unwrap();
    for q in ["共产", "国共产", "中国共产党", "\"共产党\"", "共产*"] {
        let hits = lib.search(q, None, 10, ("[", "]")).unwrap();
        assert!(
            hits.iter().any(|h| h.post == post.source_id),
            "{q}: {hits:?}"
        );
        let hit = hits.iter().find(|h| h.post == post.source_id).unwrap();
        assert!(hit.snippet.contains('['), "{q}: {}", hit.snippet);
        assert_eq!(
            lib.search(q, Some(id), 10, ("[", "]")).unwrap().len(),
            hits.len()
        );
    }
    let hits = lib.search("共产", None, 10, ("[", "]")).unwrap();
    assert!(
        hits[0].snippet.contains("中国[共产]党"),
        "{}",
        hits[0].snippet
    );
    // A CJK word with an English one: both must be in the post.
    assert_eq!(
        lib.search("共产 AND zzzzqqq", None, 10, ("", ""))
            .unwrap()
            .len(),
        0
    );
    assert!(
        lib.search("天下 OR 共产", None, 10, ("", ""))
            .unwrap()
            .len()
            >= 2
    );
    // Latin text still goes through the main index.
    assert!(!lib
        .search("innovation", None, 10, ("", ""))
        .unwrap()
        .is_empty());
    cjk_integrity(&lib);

    // Kept in step: an edited post (re-import), then a deleted thread.
    let edited = super::seed().replace("中国共产党", "中华人民");
    lib.import_bytes("seed.txt", edited.as_bytes(), SourceFormat::Text, None)
        .unwrap();
    cjk_integrity(&lib);
    let n: i64 = lib
        .connection()
        .query_row("SELECT count(*) FROM posts_cjk", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0);
    lib.delete_thread(id).unwrap();
    cjk_integrity(&lib);
    for id in lib
        .list_threads()
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect::<Vec<_>>()
    {
        lib.delete_thread(id).unwrap();
    }
    assert!(lib.search("共产", None, 10, ("", "")).unwrap().is_empty());
    assert!(lib.search("中华", None, 10, ("", "")).unwrap().is_empty());
    cjk_integrity(&lib);
}

#[test]
fn the_bounded_reader_stops_at_the_limit() {
    // An endless stream, as /dev/zero, counting what is taken from it.
    struct Counting<R>(R, u64);
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n as u64;
            Ok(n)
        }
    }
    let mut endless = Counting(std::io::repeat(b'x'), 0);
    let e = import::read_bounded(&mut endless, 4096).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TooLarge);
    assert!(
        e.to_string().contains("import limit of 4 KiB (4096 bytes)"),
        "{e}"
    );
    assert_eq!(endless.1, 4097, "one byte past the limit, no more");
    let seed = super::seed();
    assert_eq!(
        import::read_bounded(seed.as_bytes(), seed.len() as u64).unwrap(),
        seed.as_bytes()
    );
}

#[test]
fn sizes_take_units() {
    for (text, bytes) in [
        ("1000", 1000),
        ("1k", 1024),
        ("1K", 1024),
        ("64KiB", 65536),
        ("5MiB", 5 << 20),
        ("5 MiB", 5 << 20),
        ("2GB", 2_000_000_000),
        ("1.5k", 1536),
        ("3b", 3),
    ] {
        assert_eq!(import::parse_size(text), Ok(bytes), "{text}");
    }
    for bad in [
        "",
        "k",
        "1.5",
        "5 parsecs",
        "-1",
        "99999999999999999999",
        "1e3",
    ] {
        assert!(import::parse_size(bad).is_err(), "{bad}");
    }
    assert_eq!(import::format_size(512 << 20), "512 MiB (536870912 bytes)");
    assert_eq!(import::format_size(1000), "1000 bytes");
}

#[test]
fn utf16_reads_as_utf8_and_compressed_files_are_named() {
    let seed = super::seed();
    let mut le = vec![0xff, 0xfe];
    le.extend(seed.encode_utf16().flat_map(u16::to_le_bytes));
    let options = ImportOptions::default();
    let a = import::parse_bytes("seed.txt", seed.as_bytes(), &options).unwrap();
    let b = import::parse_bytes("seed-utf16.txt", &le, &options).unwrap();
    assert_eq!(a[0].posts.len(), b[0].posts.len());
    assert_eq!(a[0].title, b[0].title);
    let e = import::parse_bytes("x.gz", &[0x1f, 0x8b, 8, 0, 0, 0], &options).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("x.gz: this is a gzip-compressed file"),
        "{e}"
    );
    let e = import::parse_bytes("x.zst", &[0x28, 0xb5, 0x2f, 0xfd, 0], &options).unwrap_err();
    assert!(e.to_string().contains("zstd"), "{e}");
}

#[test]
fn titles_from_sources_are_cleaned_and_given_titles_checked() {
    assert_eq!(
        threadmark_core::clean_title("  A\ttitle\r\nin\u{1b}[2J two "),
        "A title in [2J two"
    );
    let options = ImportOptions {
        title: Some("bad\ntitle".into()),
        ..Default::default()
    };
    let e = import::parse_bytes("t.txt", b"a\n> a\nb\n", &options).unwrap_err();
    assert!(
        e.to_string()
            .contains("one line, without control characters"),
        "{e}"
    );
}

#[test]
fn a_read_only_library_reads_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.sqlite3");
    {
        let mut lib = Library::open(&path).unwrap();
        lib.import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap();
        assert!(!lib.is_read_only());
        lib.ensure_writable().unwrap();
    }
    let lib = Library::open_read_only(&path).unwrap();
    assert!(lib.is_read_only());
    assert_eq!(lib.list_threads().unwrap()[0].posts, 150);
    assert!(!lib
        .search("innovation", None, 5, ("", ""))
        .unwrap()
        .is_empty());
    let e = lib.ensure_writable().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReadOnly);
    assert!(
        e.to_string()
            .contains("lib.sqlite3: the library is read-only"),
        "{e}"
    );
}

#[test]
fn restore_keeps_highlights_on_missing_posts_as_orphans() {
    let (mut lib, id) = seed_library();
    let post = lib.posts(id).unwrap()[0].source_id.clone();
    lib.add_highlight(
        id,
        &post,
        &NewHighlight {
            exact: "We believe".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let json =
        threadmark_core::export::export(&lib, &[id], threadmark_core::export::ExportFormat::Json)
            .unwrap();
    let mut doc: Value = serde_json::from_str(&json).unwrap();
    doc["threads"][0]["highlights"][0]["post"] = Value::from("no-such-post");
    let mut fresh = Library::open_in_memory().unwrap();
    let report = fresh.restore(&doc).unwrap();
    assert_eq!(
        (report.highlights_added, report.highlights_orphaned),
        (1, 1)
    );
    let restored = fresh.list_threads().unwrap()[0].id;
    let h = &fresh.highlights(restored).unwrap()[0];
    assert_eq!(h.state.to_string(), "orphaned");
    assert_eq!(h.exact, "We believe");
}
