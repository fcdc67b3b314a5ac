//! Snapshot tests of the text exports (Markdown, CSV, Argdown, HTML, SVG, JSON) on the
//! seed and on a Hacker News corpus thread, with highlights and links made the same
//! way every run. The expected files are `tests/snapshots/*`; what changes from run
//! to run (highlight, link and thread uuids, import and highlight times, the export
//! time is fixed) is replaced by placeholders before comparing.
//!
//! After an intended change of a format: `THREADMARK_BLESS=1 cargo test -p
//! threadmark-core --test tests snapshots`, then review and commit the files.

use std::path::PathBuf;

use threadmark_core::export::{export_at, ExportFormat};
use threadmark_core::{Library, LinkKind, NewHighlight, SourceFormat};

/// 2026-01-01T00:00:00Z.
const EXPORTED_AT: i64 = 1_767_225_600;

fn snapshot_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"))
}

struct Mark<'a> {
    post: &'a str,
    exact: &'a str,
    label: Option<&'a str>,
    note: &'a str,
    tags: &'a [&'a str],
}

/// Imports `file` and adds the highlights, then the links `(from, kind, to)` given
/// as indexes into `marks`.
fn library(
    file: &PathBuf,
    format: SourceFormat,
    marks: &[Mark],
    links: &[(usize, LinkKind, usize)],
) -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let bytes = std::fs::read(file).unwrap();
    let id = lib
        .import_bytes(&file.to_string_lossy(), &bytes, format, None)
        .unwrap()[0];
    let mut ids = Vec::new();
    for m in marks {
        let h = lib
            .add_highlight(
                id,
                m.post,
                &NewHighlight {
                    exact: m.exact.into(),
                    label: m.label.map(str::to_string),
                    note: m.note.into(),
                    tags: m.tags.iter().map(|t| t.to_string()).collect(),
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("{}: {e}", m.exact));
        ids.push(h.id);
    }
    for &(from, kind, to) in links {
        lib.add_link(ids[from], kind, ids[to]).unwrap();
    }
    (lib, id)
}

/// The export with everything volatile replaced: uuids by `[highlight n]`,
/// `[link n]`, `[thread]`; import, highlight and link times by `[time]`; the
/// Markdown blocks' hashes by `[sha]`.
fn normalized(lib: &Library, id: i64, format: ExportFormat) -> String {
    let mut text = export_at(lib, &[id], format, EXPORTED_AT).unwrap();
    let (uuid, _, created) = lib.thread_identity(id).unwrap();
    text = text.replace(&uuid, "[thread]");
    for (n, h) in lib.highlights(id).unwrap().iter().enumerate() {
        text = text.replace(&h.uuid, &format!("[highlight {}]", n + 1));
        // The HTML export writes ids with `-` kept, so the same replacement holds.
    }
    for (n, l) in lib.links(id).unwrap().iter().enumerate() {
        text = text.replace(&l.uuid, &format!("[link {}]", n + 1));
    }
    let thread = lib.thread(id).unwrap();
    let mut times = vec![created, thread.imported_at];
    times.extend(
        lib.highlights(id)
            .unwrap()
            .iter()
            .flat_map(|h| [h.created_at, h.updated_at]),
    );
    times.extend(lib.links(id).unwrap().iter().map(|l| l.created_at));
    times.sort_unstable();
    times.dedup();
    for t in times {
        let iso = threadmark_core::export::rfc3339(t);
        text = text.replace(&iso, "[time]");
        // The HTML page's human-readable form: `2026-01-01 00:00 UTC`.
        if let (Some(day), Some(hm)) = (iso.get(..10), iso.get(11..16)) {
            text = text.replace(&format!("{day} {hm} UTC"), "[time]");
        }
    }
    // A Markdown block's hash covers the uuids in it (tests/vault.rs checks them).
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(" sha=") {
        let hex = &rest[at + 5..];
        let n = hex.chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(&rest[..at + 5]);
        out.push_str(if n == 16 { "[sha]" } else { &hex[..n] });
        rest = &hex[n..];
    }
    out.push_str(rest);
    out
}

fn check(name: &str, lib: &Library, id: i64) {
    let bless = std::env::var_os("THREADMARK_BLESS").is_some();
    let mut failed = Vec::new();
    for format in [
        ExportFormat::Markdown,
        ExportFormat::Csv,
        ExportFormat::Argdown,
        ExportFormat::Html,
        ExportFormat::Svg,
        ExportFormat::Json,
    ] {
        let got = normalized(lib, id, format);
        // A second export is byte-identical: nothing depends on iteration order.
        assert_eq!(got, normalized(lib, id, format), "{name}: unstable output");
        let path = snapshot_dir().join(format!("{name}.{}", format.extension()));
        if bless {
            std::fs::create_dir_all(snapshot_dir()).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with THREADMARK_BLESS=1 and review it",
                path.display()
            )
        });
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
            failed.push(format!(
                "{}: first difference at line {}:\n  got:  {:?}\n  want: {:?}",
                path.display(),
                line + 1,
                got.lines().nth(line).unwrap_or("<end>"),
                want.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ (THREADMARK_BLESS=1 to accept):\n{}",
        failed.join("\n")
    );
}

#[test]
fn seed_exports_match_their_snapshots() {
    let marks = [
        Mark {
            post: "7",
            exact: "solid background",
            label: Some("Claim"),
            note: "Is a degree *evidence*?",
            tags: &["bio", "hardware"],
        },
        Mark {
            post: "19",
            exact: "long waits for H1B visas",
            label: Some("Rebuttal"),
            note: "",
            tags: &[],
        },
        Mark {
            post: "142",
            exact: "赤热",
            label: None,
            note: "A TV drama, \"Silicon Wave\", with commas, quotes\nand a newline",
            tags: &[],
        },
        Mark {
            post: "60",
            exact: "a trade ban for Nvidia GPUs in China",
            label: Some("Evidence"),
            note: "<b>not bold</b> & [not a link](javascript:alert(1))",
            tags: &["x"],
        },
    ];
    let (lib, id) = library(
        &super::seed_path(),
        SourceFormat::Text,
        &marks,
        &[(3, LinkKind::Supports, 0), (1, LinkKind::Rebuts, 0)],
    );
    check("seed", &lib, id);
}

#[test]
fn hn_thread_exports_match_their_snapshots() {
    let marks = [
        Mark {
            post: "49953575",
            exact: "Do you know how it compares to Qwen 3.8 27B?",
            label: Some("Question"),
            note: "",
            tags: &[],
        },
        Mark {
            post: "49953722",
            exact: "Qwen 3.8 flash next is way better than 27B",
            label: Some("Claim"),
            note: "Strong claim; no numbers.",
            tags: &["models"],
        },
        Mark {
            post: "49955529",
            exact: "The quality is superior for coding",
            label: Some("Evidence"),
            note: "",
            tags: &[],
        },
        Mark {
            post: "49955594",
            exact: "It means 'better than expected'",
            label: Some("Rebuttal"),
            note: "",
            tags: &[],
        },
        Mark {
            post: "49955529",
            exact: "superior",
            label: Some("Claim"),
            note: "Overlaps the evidence above.",
            tags: &[],
        },
        Mark {
            post: "49953905",
            exact: "It's 2.5x faster than anthropic models",
            label: Some("Evidence"),
            note: "",
            tags: &[],
        },
    ];
    let (lib, id) = library(
        &super::corpus().join("hn/algolia/neonmodem-49953495-trimmed.json"),
        SourceFormat::Hn,
        &marks,
        &[
            (2, LinkKind::Supports, 1),
            (3, LinkKind::Rebuts, 1),
            (5, LinkKind::Supports, 2),
            (4, LinkKind::Supports, 1),
            (1, LinkKind::Answers, 0),
        ],
    );
    check("hn-neonmodem", &lib, id);
}
