//! `threadmark://` links over the seed thread: each kind resolves to its thread, post
//! and highlight; an orphan says so; a link survives a backup restored into another
//! library; what a library does not hold is a one-line not-found; and the Markdown,
//! HTML and CSV exports carry each highlight's link.

use threadmark_core::deeplink::{DeepLink, LinkTarget};
use threadmark_core::export::{export, ExportFormat};
use threadmark_core::{ErrorKind, Library, SourceFormat};

fn seeded() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let ids = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Auto,
            Some("Seed"),
        )
        .unwrap();
    (lib, ids[0])
}

fn highlight(lib: &mut Library, thread: i64, post: &str, exact: &str) -> (i64, String) {
    let text = lib.post(thread, post).unwrap().text;
    let start = text[..text.find(exact).unwrap()].chars().count();
    let h = lib
        .highlight_span(thread, post, start, start + exact.chars().count(), None)
        .unwrap();
    (h.id, h.uuid)
}

#[test]
fn links_resolve_to_thread_post_and_highlight() {
    let (mut lib, id) = seeded();
    let (thread_uuid, _, _) = lib.thread_identity(id).unwrap();
    let (_, uuid) = highlight(&mut lib, id, "19", "long waits for H1B visas");

    let thread = DeepLink::parse(&format!("threadmark://thread/{thread_uuid}")).unwrap();
    assert_eq!(
        lib.resolve_link(&thread).unwrap(),
        LinkTarget {
            thread: id,
            post: None,
            highlight: None,
            orphaned: false
        }
    );
    let post = DeepLink::Post {
        thread: thread_uuid.clone(),
        post: "13".into(),
    };
    assert_eq!(
        lib.resolve_link(&DeepLink::parse(&post.to_string()).unwrap())
            .unwrap(),
        LinkTarget {
            thread: id,
            post: Some("13".into()),
            highlight: None,
            orphaned: false
        }
    );
    let link = DeepLink::highlight(&uuid).to_string();
    assert_eq!(link, format!("threadmark://highlight/{uuid}"));
    assert_eq!(
        lib.resolve_link(&DeepLink::parse(&link).unwrap()).unwrap(),
        LinkTarget {
            thread: id,
            post: Some("19".into()),
            highlight: Some(uuid),
            orphaned: false
        }
    );
}

#[test]
fn an_orphaned_highlight_resolves_as_orphaned() {
    let (mut lib, id) = seeded();
    let (_, uuid) = highlight(&mut lib, id, "13", "greater performance");
    let v2: String = super::seed()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            // The post is still line 13's, edited: the highlighted words are gone.
            if i == 12 {
                format!("{}\n", l.replace("greater performance", "better results"))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let docs =
        threadmark_core::import::parse_bytes("v2.txt", v2.as_bytes(), &Default::default()).unwrap();
    lib.import_docs(&docs, Some(id)).unwrap();
    let target = lib.resolve_link(&DeepLink::highlight(&uuid)).unwrap();
    assert!(target.orphaned, "{target:?}");
    assert_eq!(target.thread, id);
}

#[test]
fn links_outlive_a_backup_restored_elsewhere() {
    let (mut lib, id) = seeded();
    let (_, uuid) = highlight(&mut lib, id, "7", "solid background");
    let backup: serde_json::Value =
        serde_json::from_str(&export(&lib, &[id], ExportFormat::Json).unwrap()).unwrap();
    let mut other = Library::open_in_memory().unwrap();
    // Another thread first, so that row ids differ between the two libraries.
    other
        .import_bytes(
            "first.txt",
            b"one line\nanother line\n",
            SourceFormat::Text,
            None,
        )
        .unwrap();
    other.restore(&backup).unwrap();
    let target = other.resolve_link(&DeepLink::highlight(&uuid)).unwrap();
    assert_ne!(target.thread, id);
    assert_eq!(other.thread(target.thread).unwrap().title, "Seed");
    assert_eq!(target.post.as_deref(), Some("7"));
}

#[test]
fn what_the_library_does_not_hold_is_not_found() {
    let (lib, id) = seeded();
    let (thread_uuid, _, _) = lib.thread_identity(id).unwrap();
    let missing = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    for link in [
        format!("threadmark://highlight/{missing}"),
        format!("threadmark://thread/{missing}"),
        format!("threadmark://thread/{thread_uuid}/post/99999"),
    ] {
        let e = lib
            .resolve_link(&DeepLink::parse(&link).unwrap())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound, "{link}");
        let text = e.to_string();
        assert!(
            text.starts_with(&link) && text.ends_with("is not in this library"),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }
}

#[test]
fn exports_carry_each_highlights_link() {
    let (mut lib, id) = seeded();
    let (_, a) = highlight(&mut lib, id, "7", "solid background");
    let (_, b) = highlight(&mut lib, id, "19", "long waits for H1B visas");
    for format in [
        ExportFormat::Markdown,
        ExportFormat::Html,
        ExportFormat::Csv,
    ] {
        let text = export(&lib, &[id], format).unwrap();
        for uuid in [&a, &b] {
            let link = format!("threadmark://highlight/{uuid}");
            assert_eq!(text.matches(&link).count(), 1, "{format:?}: {link}");
        }
    }
    let md = export(&lib, &[id], ExportFormat::Markdown).unwrap();
    assert!(
        md.contains(&format!(" · threadmark://highlight/{a}\n")),
        "{md}"
    );
    let csv = export(&lib, &[id], ExportFormat::Csv).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "threadmark_link").unwrap();
    let links: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[column].to_string())
        .collect();
    assert_eq!(
        links,
        [
            format!("threadmark://highlight/{a}"),
            format!("threadmark://highlight/{b}")
        ]
    );
}
