//! The app and the CLI writing one library at once (issue 8): no "database is
//! locked" reaches either, and nothing either wrote is lost.
//!
//! The app side is the core `Library` behind a mutex, called from a thread the way
//! the desktop shell's commands call it; the CLI side is the real `threadmark`
//! binary, run over and over meanwhile: imports of new threads, re-imports of the
//! thread the app is highlighting (which re-anchors its highlights), and highlights.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use threadmark_core::synthetic::hn_algolia;
use threadmark_core::{Library, NewHighlight, SourceFormat};

const CLI_IMPORTS: u64 = 4;

fn cli(db: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadmark"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("THREADMARK_DB")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, posts: usize, seed: u64) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, hn_algolia(posts, seed)).unwrap();
    p
}

#[test]
fn app_and_cli_write_the_same_library_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let shared = write(dir.path(), "shared.json", 300, 40);
    // The same thread after more replies: re-importing it re-anchors highlights.
    let grown = write(dir.path(), "grown.json", 360, 40);
    let files: Vec<PathBuf> = (0..CLI_IMPORTS)
        .map(|i| write(dir.path(), &format!("t{i}.json"), 400, 50 + i))
        .collect();
    let app_files: Vec<Vec<u8>> = (0..3)
        .map(|i| hn_algolia(500, 70 + i).into_bytes())
        .collect();

    // The app opens the library and the shared thread is in it.
    let app = Arc::new(Mutex::new(Library::open(&db).unwrap()));
    let (shared_id, posts) = {
        let mut lib = app.lock().unwrap();
        let id = lib
            .import_bytes(
                "shared.json",
                &std::fs::read(&shared).unwrap(),
                SourceFormat::Auto,
                None,
            )
            .unwrap()[0];
        let posts: Vec<(String, String)> = lib
            .posts(id)
            .unwrap()
            .into_iter()
            .filter(|p| p.text.chars().count() > 20)
            .map(|p| {
                (
                    p.source_id,
                    p.text.chars().take(18).collect::<String>(),
                    p.text,
                )
            })
            // Text that occurs once in its post: repeated text needs --prefix/--suffix.
            .filter(|(_, exact, text)| text.matches(exact.as_str()).count() == 1)
            .map(|(id, exact, _)| (id, exact))
            .collect();
        (id, posts)
    };
    let shared_arg = shared_id.to_string();

    // The CLI, in a loop of separate processes, until it has done its work.
    let done = Arc::new(AtomicBool::new(false));
    let cli_side = {
        let db = db.clone();
        let done = done.clone();
        let posts = posts.clone();
        let shared_arg = shared_arg.clone();
        std::thread::spawn(move || {
            let mut failures = Vec::new();
            let mut highlighted = Vec::new();
            for (i, file) in files.iter().enumerate() {
                let runs = [
                    vec!["import".to_string(), file.display().to_string()],
                    vec!["import".to_string(), grown.display().to_string()],
                ];
                for args in runs {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    let (ok, err) = cli(&db, &args);
                    if !ok || !err.is_empty() {
                        failures.push(format!("{args:?}: {err}"));
                    }
                }
                let (post, exact) = &posts[(i * 13 + 5) % posts.len()];
                let note = format!("cli {i}");
                let (ok, err) = cli(
                    &db,
                    &[
                        "highlight",
                        "add",
                        &shared_arg,
                        post,
                        "--exact",
                        exact,
                        "--note",
                        &note,
                    ],
                );
                if ok && err.is_empty() {
                    highlighted.push(note);
                } else {
                    failures.push(format!("highlight add {post}: {err}"));
                }
            }
            done.store(true, Ordering::SeqCst);
            (failures, highlighted)
        })
    };

    // The app, meanwhile: highlights, opening, renaming, imports from the window.
    let mut app_failures = Vec::new();
    let mut app_notes = Vec::new();
    let mut app_imports = 0;
    let mut n = 0usize;
    while !done.load(Ordering::SeqCst) || n < 20 {
        let mut lib = app.lock().unwrap();
        let (post, exact) = &posts[(n * 7) % posts.len()];
        let note = format!("app {n}");
        let result = match n % 5 {
            0..=2 => lib
                .add_highlight(
                    shared_id,
                    post,
                    &NewHighlight {
                        exact: exact.clone(),
                        note: note.clone(),
                        label: Some("Question".into()),
                        ..Default::default()
                    },
                )
                .map(|_| app_notes.push(note)),
            3 => lib.mark_opened(shared_id).and_then(|()| {
                lib.rename_thread(shared_id, &format!("Shared {n}"))
                    .map(drop)
            }),
            _ if app_imports < app_files.len() => lib
                .import_bytes(
                    "app.json",
                    &app_files[app_imports],
                    SourceFormat::Auto,
                    None,
                )
                .map(|_| app_imports += 1),
            _ => lib.search("the", None, 20, ("[", "]")).map(drop),
        };
        if let Err(e) = result {
            app_failures.push(format!("step {n}: {e}"));
        }
        drop(lib);
        n += 1;
    }
    let (cli_failures, cli_notes) = cli_side.join().unwrap();
    assert!(cli_failures.is_empty(), "the CLI failed: {cli_failures:#?}");
    assert!(app_failures.is_empty(), "the app failed: {app_failures:#?}");

    // Nothing lost: every thread, every highlight with its note.
    let lib = Library::open(&db).unwrap();
    let threads = lib.list_threads().unwrap();
    assert_eq!(threads.len(), 1 + CLI_IMPORTS as usize + app_imports);
    assert_eq!(app_imports, app_files.len());
    let notes: BTreeSet<String> = lib
        .highlights(shared_id)
        .unwrap()
        .into_iter()
        .map(|h| h.note)
        .collect();
    let expected: BTreeSet<String> = app_notes.into_iter().chain(cli_notes).collect();
    assert_eq!(notes, expected);
    assert!(expected.len() >= CLI_IMPORTS as usize + 12);
}
