//! Markdown re-exported into a vault: the user's writing around the managed blocks
//! stays byte for byte, blocks are updated, new highlights inserted in thread order,
//! deleted ones marked, edits inside a block kept beside it, renamed files found.

use std::path::{Path, PathBuf};

use threadmark_core::export::vault::{merge, save_vault, Merged};
use threadmark_core::export::{export_at, ExportFormat};
use threadmark_core::{HighlightEdit, Library, NewHighlight, SourceFormat};

const T1: i64 = 1_767_225_600; // 2026-01-01
const T2: i64 = 1_767_312_000; // 2026-01-02
const T3: i64 = 1_767_398_400; // 2026-01-03

/// The Hacker News corpus thread with three highlights.
fn library() -> (Library, i64, Vec<threadmark_core::model::Highlight>) {
    let mut lib = Library::open_in_memory().unwrap();
    let file = super::corpus().join("hn/algolia/neonmodem-49953495-trimmed.json");
    let id = lib
        .import_bytes(
            "hn.json",
            &std::fs::read(file).unwrap(),
            SourceFormat::Hn,
            None,
        )
        .unwrap()[0];
    let mut hs = Vec::new();
    for (post, exact, label, note) in [
        (
            "49953575",
            "Do you know how it compares to Qwen 3.8 27B?",
            "Question",
            "",
        ),
        (
            "49953722",
            "Qwen 3.8 flash next is way better than 27B",
            "Claim",
            "Strong *claim*.",
        ),
        (
            "49955529",
            "The quality is superior for coding",
            "Evidence",
            "",
        ),
    ] {
        hs.push(
            lib.add_highlight(
                id,
                post,
                &NewHighlight {
                    exact: exact.into(),
                    label: Some(label.into()),
                    note: note.into(),
                    ..Default::default()
                },
            )
            .unwrap(),
        );
    }
    (lib, id, hs)
}

fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = super::files_under(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// The text of block `id` (between its markers) in a file.
fn block<'a>(text: &'a str, id: &str) -> &'a str {
    let open = format!("<!-- threadmark:begin {id} ");
    let start = text.find(&open).unwrap_or_else(|| panic!("no block {id}"));
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text.find(&format!("<!-- threadmark:end {id} -->")).unwrap();
    &text[start..end]
}

/// Insert `what` right after the line holding `after`.
fn insert_after_line(text: &str, after: &str, what: &str) -> String {
    let at = text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} not in the file"));
    let eol = at + text[at..].find('\n').unwrap() + 1;
    format!("{}{}{}", &text[..eol], what, &text[eol..])
}

#[test]
fn writing_around_blocks_survives_and_blocks_follow_the_library() {
    let (mut lib, id, hs) = library();
    let dir = tempfile::tempdir().unwrap();
    save_vault(&lib, &[id], dir.path(), T1).unwrap();
    let path = only_file(dir.path());
    let first = read(&path);
    // The file is the export, hashes filled in.
    assert_eq!(
        first,
        export_at(&lib, &[id], ExportFormat::Markdown, T1).unwrap()
    );
    assert!(first.contains(&format!(
        "thread_uuid: \"{}\"",
        lib.thread_identity(id).unwrap().0
    )));

    // The user writes: a front matter key of their own, a paragraph with a link
    // between two highlights, a heading and text at the end.
    let mine_fm = "aliases:\n  - \"Qwen thread\"\ncssclass: wide\n";
    let mine_between =
        "\nMy take: see [[Local models]] — this contradicts ^h-other.\n\n## My own heading\n";
    let mine_end = "\n## Afterthoughts\n\nWritten by me, *not* Threadmark.\n";
    let mut edited = insert_after_line(&first, "saved: ", mine_fm);
    edited = insert_after_line(
        &edited,
        &format!("<!-- threadmark:end h-{} -->", hs[0].uuid),
        mine_between,
    );
    edited.push_str(mine_end);
    std::fs::write(&path, &edited).unwrap();

    // Threadmark changes: a new highlight between the first two, one deleted, a
    // note edited.
    let added = lib
        .add_highlight(
            id,
            "49953575",
            &NewHighlight {
                exact: "compares".into(),
                label: Some("Claim".into()),
                ..Default::default()
            },
        )
        .unwrap();
    lib.delete_highlight(hs[2].id).unwrap();
    lib.update_highlight(
        hs[1].id,
        &HighlightEdit {
            note: Some("Now with **numbers**".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let written = save_vault(&lib, &[id], dir.path(), T2).unwrap();
    assert_eq!(written, std::slice::from_ref(&path));
    let second = read(&path);

    // The user's writing, byte for byte, in its places.
    assert!(second.contains(mine_fm), "{second}");
    assert!(second.contains(mine_between));
    assert!(second.ends_with(mine_end));
    // Threadmark's keys updated.
    assert!(second.contains("exported: 2026-01-02T00:00:00Z\n"));
    assert!(second.contains("highlights: 3\n"));
    assert!(!second.contains("exported: 2026-01-01"));
    // Blocks as a fresh export writes them.
    let fresh = export_at(&lib, &[id], ExportFormat::Markdown, T2).unwrap();
    for h in [&hs[0], &hs[1], &added] {
        let bid = format!("h-{}", h.uuid);
        assert_eq!(block(&second, &bid), block(&fresh, &bid), "{bid}");
    }
    assert!(block(&second, &format!("h-{}", hs[1].uuid)).contains("Now with **numbers**"));
    assert_eq!(block(&second, "thread"), block(&fresh, "thread"));
    // The new highlight sits in thread order: after the first one's block (and
    // the user's text after it), before the second's.
    let at = |id: &str| {
        second
            .find(&format!("<!-- threadmark:begin {id} "))
            .unwrap()
    };
    let (a0, new, a1) = (
        at(&format!("h-{}", hs[0].uuid)),
        at(&format!("h-{}", added.uuid)),
        at(&format!("h-{}", hs[1].uuid)),
    );
    assert!(a0 < new && new < a1, "{a0} {new} {a1}");
    // The deleted highlight's block is kept, marked.
    let gone = format!("h-{}", hs[2].uuid);
    assert!(second.contains(&format!("<!-- threadmark:begin {gone} deleted -->")));
    assert!(block(&second, &gone)
        .contains("**Deleted in Threadmark** (found gone by the export of 2026-01-02T00:00:00Z)."));
    assert!(block(&second, &gone).contains("The quality is superior for coding"));

    // Once more with nothing changed: only `exported` moves; the deleted block is
    // not marked twice.
    save_vault(&lib, &[id], dir.path(), T3).unwrap();
    let third = read(&path);
    assert_eq!(
        third.replace("2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z"),
        second
    );
}

#[test]
fn an_edit_inside_a_block_loses_to_the_block_and_is_kept_beside_it() {
    let (lib, id, hs) = library();
    let dir = tempfile::tempdir().unwrap();
    save_vault(&lib, &[id], dir.path(), T1).unwrap();
    let path = only_file(dir.path());
    let first = read(&path);
    let bid = format!("h-{}", hs[1].uuid);
    let original = block(&first, &bid).to_string();
    let mine = original.replace(
        "Strong *claim*.",
        "Strong *claim*. I checked: it holds for my benchmarks.",
    );
    assert_ne!(mine, original);
    std::fs::write(&path, first.replace(&original, &mine)).unwrap();

    save_vault(&lib, &[id], dir.path(), T2).unwrap();
    let second = read(&path);
    assert_eq!(block(&second, &bid), original, "the block wins");
    let end = second
        .find(&format!("<!-- threadmark:end {bid} -->\n"))
        .unwrap();
    let eol = end + second[end..].find('\n').unwrap() + 1;
    let rest = &second[eol..];
    let note = &rest[..1 + rest[1..].find("\n<!-- threadmark:").unwrap()];
    assert!(note.starts_with("\n> [!note] Your edit of the block above, kept when Threadmark exported it again (2026-01-02T00:00:00Z)\n"), "{note}");
    assert!(note.contains("> Strong *claim*. I checked: it holds for my benchmarks.\n"));
    // Everything else is as a fresh export has it.
    let fresh = export_at(&lib, &[id], ExportFormat::Markdown, T2).unwrap();
    assert_eq!(second.replacen(note, "", 1), fresh);

    // The note is now the user's text: a third export keeps it as it is.
    save_vault(&lib, &[id], dir.path(), T3).unwrap();
    let third = read(&path);
    assert_eq!(
        third
            .replace("2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z")
            .matches("Your edit of the block above")
            .count(),
        1
    );
    assert!(third.contains("> Strong *claim*. I checked: it holds for my benchmarks.\n"));
}

#[test]
fn a_renamed_or_moved_file_is_found_by_its_thread_uuid() {
    let (mut lib, id, _) = library();
    let dir = tempfile::tempdir().unwrap();
    save_vault(&lib, &[id], dir.path(), T1).unwrap();
    let path = only_file(dir.path());
    std::fs::create_dir(dir.path().join("Reading")).unwrap();
    let moved = dir.path().join("Reading/Qwen on a 4090.md");
    let text = read(&path).replace("\n## Highlights\n", "\n## Highlights\n\nMine.\n");
    std::fs::write(&moved, text).unwrap();
    std::fs::remove_file(&path).unwrap();
    // A settings folder with a copy is not the vault's notes.
    std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
    std::fs::write(dir.path().join(".obsidian/copy.md"), read(&moved)).unwrap();

    lib.add_highlight(
        id,
        "49953722",
        &NewHighlight {
            exact: "so good".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let written = save_vault(&lib, &[id], dir.path(), T2).unwrap();
    assert_eq!(written, std::slice::from_ref(&moved));
    assert!(!path.exists(), "no second file under the old name");
    let now = read(&moved);
    assert!(now.contains("\n## Highlights\n\nMine.\n"));
    assert!(now.contains("highlights: 4\n"));
    assert_eq!(
        read(&dir.path().join(".obsidian/copy.md"))
            .matches("highlights: 3")
            .count(),
        1
    );
}

#[test]
fn a_file_without_blocks_is_rewritten_and_kept_beside_it() {
    let (lib, id, _) = library();
    let new = export_at(&lib, &[id], ExportFormat::Markdown, T1).unwrap();
    let old = "---\ntitle: \"x\"\nthreadmark_id: 1\n---\n\n# An export from before\n\nMy notes.\n";
    assert_eq!(merge(old, &new, T1), Merged::Rewritten(new.clone()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("thread.md");
    std::fs::write(&file, old).unwrap();
    threadmark_core::export::save_file(&lib, &[id], ExportFormat::Markdown, &file).unwrap();
    let without_exported = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.starts_with("exported: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_exported(&read(&file)), without_exported(&new));
    assert_eq!(read(&dir.path().join("thread.before-blocks.md")), old);
}
