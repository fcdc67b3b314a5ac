//! Libraries made by every earlier schema version open and migrate in today's
//! build, keeping every row (issue 8). The fixtures in `tests/fixtures/` are made
//! by `scripts/make-schema-fixtures.py` from the migrations in git history.

use std::collections::BTreeSet;
use std::path::PathBuf;

use threadmark_core::{import, Library, NewHighlight, SourceFormat};

use crate::corpus;

/// A highlight as compared: post, exact text, label, note, sorted tags.
type Seen = (String, String, Option<String>, String, Vec<String>);

fn fixtures() -> Vec<(i64, PathBuf)> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let mut out: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name()?.to_str()?.to_string();
            let v = name.strip_prefix("schema-v")?.strip_suffix(".sqlite")?;
            Some((v.parse().unwrap(), p))
        })
        .collect();
    out.sort();
    out
}

fn seed_lines() -> Vec<String> {
    std::fs::read_to_string(corpus().join("seed/000_e97962a6dbc2b620.txt"))
        .unwrap()
        .lines()
        .take(12)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_schema_version_opens_migrates_and_keeps_its_data() {
    let fixtures = fixtures();
    let versions: Vec<i64> = fixtures.iter().map(|(v, _)| *v).collect();
    let latest = Library::open_in_memory().unwrap().schema_version().unwrap();
    // One fixture for every schema version, today's included.
    assert_eq!(
        versions,
        (1..=latest).collect::<Vec<_>>(),
        "fixtures: {versions:?}"
    );
    let lines = seed_lines();

    for (version, fixture) in fixtures {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        std::fs::copy(&fixture, &path).unwrap();
        let at = |what: &str| format!("schema v{version} fixture: {what}");

        let mut lib = Library::open(&path).unwrap_or_else(|e| panic!("{}: {e}", at("open")));
        assert_eq!(lib.schema_version().unwrap(), latest, "{}", at("version"));
        // Made with SQLite's default pages, and keeps them: only new libraries get
        // larger ones.
        let page: i64 = lib
            .connection()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(page, 4096, "{}", at("page size"));
        let ok: String = lib
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "{}", at("integrity"));
        lib.connection()
            .execute(
                "INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap_or_else(|e| panic!("{}: {e}", at("full-text index")));

        // The thread, with a stable identity whatever version made it.
        let threads = lib.list_threads().unwrap();
        assert_eq!(threads.len(), 1, "{}", at("threads"));
        let t = &threads[0];
        assert_eq!(
            t.title,
            format!("Schema v{version} fixture: the seed's first 12 lines")
        );
        let (uuid, _, _) = lib.thread_identity(t.id).unwrap();
        assert_eq!(uuid.len(), 36, "{}", at("uuid"));

        // Every post, in order, with its text.
        let posts = lib.posts(t.id).unwrap();
        let texts: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, lines, "{}", at("posts"));
        // Each post's HTML, whether stored whole or (from schema 6 on) as markup.
        for p in &posts {
            let want = format!(
                "<p>{}</p>",
                p.text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            );
            assert_eq!(p.html, want, "{}", at("post html"));
        }
        let quotes = lib.quotes(t.id).unwrap();
        assert_eq!(quotes.len(), 1, "{}", at("quotes"));

        // The highlights, with labels, notes and tags.
        let hs = lib.highlights(t.id).unwrap();
        let got: BTreeSet<Seen> = hs
            .iter()
            .map(|h| {
                let mut tags = h.tags.clone();
                tags.sort();
                (
                    h.post.clone(),
                    h.exact.clone(),
                    h.label.clone(),
                    h.note.clone(),
                    tags,
                )
            })
            .collect();
        let want: BTreeSet<Seen> = [
            (
                "1",
                "the global innovation wave",
                Some("Claim"),
                "The founding claim.",
                vec!["thesis"],
            ),
            (
                "4",
                "bans on shipments of advanced chips are the problem",
                Some("Evidence"),
                "Evidence: *chips*, not money.",
                vec!["chips", "policy"],
            ),
            (
                "5",
                "moats created by closed source are temporary",
                None,
                "",
                vec![],
            ),
        ]
        .into_iter()
        .map(|(p, e, l, n, t)| {
            (
                p.into(),
                e.into(),
                l.map(String::from),
                n.into(),
                t.into_iter().map(String::from).collect(),
            )
        })
        .collect();
        assert_eq!(got, want, "{}", at("highlights"));

        // From schema 3 on: the evidence supports the claim.
        let links = lib.links(t.id).unwrap();
        if version >= 3 {
            assert_eq!(links.len(), 1, "{}", at("links"));
            let exact_of = |id: i64| hs.iter().find(|h| h.id == id).map(|h| h.exact.as_str());
            assert_eq!(
                exact_of(links[0].from),
                Some("bans on shipments of advanced chips are the problem")
            );
            assert_eq!(exact_of(links[0].to), Some("the global innovation wave"));
            assert_eq!(links[0].kind.as_str(), "supports");
        } else {
            assert!(links.is_empty());
        }

        // The full-text index came along.
        let hits = lib.search("shipments", None, 10, ("[", "]")).unwrap();
        assert_eq!(hits.len(), 1, "{}", at("search"));
        assert_eq!(hits[0].post, "4");

        // Today's writes work on it: a re-import of the same lines keeps and
        // re-anchors every highlight, a new highlight and a new thread go in.
        let bytes = lines.join("\n") + "\n";
        let docs = import::parse_bytes("seed.txt", bytes.as_bytes(), &Default::default()).unwrap();
        lib.import_docs(&docs, Some(t.id)).unwrap();
        let after = lib.highlights(t.id).unwrap();
        assert_eq!(after.len(), 3, "{}", at("highlights after re-import"));
        assert!(
            after.iter().all(|h| h.state != "orphaned"),
            "{}: {:?}",
            at("re-anchoring"),
            after.iter().map(|h| &h.state).collect::<Vec<_>>()
        );
        lib.add_highlight(
            t.id,
            "2",
            &NewHighlight {
                exact: "contributor".into(),
                ..Default::default()
            },
        )
        .unwrap();
        lib.import_bytes(
            "more.txt",
            b"A new thread.\nWith two posts.\n",
            SourceFormat::Text,
            None,
        )
        .unwrap();
        assert_eq!(lib.list_threads().unwrap().len(), 2, "{}", at("new thread"));
        assert_eq!(lib.highlights(t.id).unwrap().len(), 4);
    }
}
