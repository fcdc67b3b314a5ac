//! Hostile files, terminals and libraries (issue 20): bounded reading of every
//! input, ordinary text and foreign encodings named, terminal-safe output,
//! read-only and missing libraries, orphans on restore, choosing repeated text
//! for a highlight, rename/delete, and fetch's time bounds.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{corpus_file, error, imported, json, seed, stdout, tm};
use assert_cmd::Command;
use serde_json::Value;

#[test]
fn max_bytes_takes_units_and_bounds_devices_and_fifos() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    // A device that never ends: refused at the limit, which the message gives.
    let err = error(tm(&db).args(["import", "/dev/zero", "--max-bytes", "1k"]));
    assert!(err.contains("/dev/zero"), "{err}");
    assert!(
        err.contains("larger than the import limit of 1 KiB (1024 bytes)"),
        "{err}"
    );
    assert!(!db.exists(), "a refused input creates no library");

    // A FIFO fed forever by another thread.
    let fifo = dir.path().join("endless");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let chunk = vec![b'x'; 64 << 10];
        let mut written = 0u64;
        while f.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        written
    });
    let err = error(
        tm(&db)
            .arg("import")
            .arg(&fifo)
            .args(["--max-bytes", "2MiB"]),
    );
    assert!(
        err.contains("import limit of 2 MiB (2097152 bytes)"),
        "{err}"
    );
    let written = writer.join().unwrap();
    assert!(
        written < 4 << 20,
        "the reader stopped near the limit ({written} bytes)"
    );

    // Units on standard input and from the environment; a size that is not one.
    let bytes = std::fs::read(seed()).unwrap();
    let err = error(
        tm(&db)
            .args(["import", "-", "--max-bytes", "5KB"])
            .write_stdin(bytes.clone()),
    );
    assert!(
        err.contains("<stdin>") && err.contains("limit of 4.9 KiB (5000 bytes)"),
        "{err}"
    );
    let err = error(
        tm(&db)
            .env("THREADMARK_MAX_BYTES", "10KiB")
            .arg("import")
            .arg(seed()),
    );
    assert!(err.contains(&format!("({} bytes)", bytes.len())), "{err}");
    assert!(
        err.contains("over the import limit of 10 KiB (10240 bytes)"),
        "{err}"
    );
    tm(&db)
        .args(["import", "-", "--max-bytes", "5 parsecs"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("\"5 parsecs\" is not a size"));
    tm(&db)
        .args(["import", "-", "--max-bytes", "1MiB"])
        .write_stdin(bytes)
        .assert()
        .success()
        .stdout("1\n");
}

#[test]
fn ordinary_text_is_refused_with_the_guessed_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let licence = corpus_file("security/LICENSE");
    let err = error(tm(&db).arg("import").arg(&licence));
    assert!(
        err.contains("looks like ordinary text, not a discussion"),
        "{err}"
    );
    assert!(err.contains("no quoted replies"), "{err}");
    assert!(err.contains("guessed format was text"), "{err}");
    assert!(err.contains("--format text"), "{err}");
    let readme = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"));
    let err = error(tm(&db).arg("import").arg(&readme));
    assert!(err.contains("Markdown"), "{err}");
    assert!(!db.exists());
    // Said to be a dump, it is one.
    tm(&db)
        .args(["import", "--format", "text"])
        .arg(&licence)
        .assert()
        .success()
        .stdout("1\n");
}

#[test]
fn gzip_is_named_and_utf16_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let gz = dir.path().join("seed.txt.gz");
    let out = std::process::Command::new("gzip")
        .arg("-c")
        .arg(seed())
        .output()
        .unwrap();
    std::fs::write(&gz, out.stdout).unwrap();
    let err = error(tm(&db).arg("import").arg(&gz));
    assert!(
        err.contains("gzip-compressed") && err.contains("gunzip"),
        "{err}"
    );

    let text = std::fs::read_to_string(seed()).unwrap();
    for (name, bom, word) in [
        (
            "le.txt",
            [0xff, 0xfe],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        (
            "be.txt",
            [0xfe, 0xff],
            u16::to_be_bytes as fn(u16) -> [u8; 2],
        ),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(word));
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let id = stdout(tm(&db).arg("import").arg(&path));
        let show = json(tm(&db).args(["show", id.trim(), "--json"]));
        assert_eq!(show["thread"]["posts"], 150, "{name}");
    }
    // UTF-16 without a byte order mark is named.
    let bare = dir.path().join("bare.txt");
    std::fs::write(
        &bare,
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let err = error(tm(&db).arg("import").arg(&bare));
    assert!(err.contains("UTF-16"), "{err}");
}

/// A Hacker News item whose title, authors and text carry terminal controls: OSC
/// (retitle the window), CSI (clear the screen), BEL, C1 CSI, DEL.
const HOSTILE: &str = r#"{"id":1,"created_at_i":1700000000,"type":"story",
 "title":"Ti\u001b]0;pwned\u0007tle\u009b2J","author":"op\u001b[2J","text":"<p>Opening post</p>",
 "children":[{"id":2,"created_at_i":1700000100,"type":"comment","author":"evil\u001b]0;x\u0007\u009b31m",
   "text":"<p>> Opening post</p><p>reply with bells \u0007 and escapes \u001b[31m red \u009b2J zap\u007f</p>","children":[]}]}"#;

fn hostile_library() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db)
        .args(["import", "-"])
        .write_stdin(HOSTILE)
        .assert()
        .success();
    tm(&db)
        .args([
            "highlight",
            "add",
            "1",
            "2",
            "--exact",
            "reply",
            "--note",
            "n\u{1b}[2Jote",
        ])
        .assert()
        .success();
    (dir, db)
}

fn assert_no_controls(what: &str, out: &str) {
    for (i, c) in out.chars().enumerate() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)),
            "{what}: control {:?} at {i} in {out:?}",
            c
        );
    }
}

#[test]
fn terminal_output_shows_controls_instead_of_obeying_them() {
    let (_dir, db) = hostile_library();
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["quotes", "1"],
        vec!["search", "escapes"],
        vec!["search", "reply"],
        vec!["highlight", "list", "1"],
    ] {
        let out = stdout(tm(&db).args(&args));
        assert_no_controls(&args.join(" "), &out);
    }
    let show = stdout(tm(&db).args(["show", "1"]));
    assert!(show.contains("evil␛]0;x␇<U+009B>31m"), "{show}");
    // JSON escapes them (and the values keep them).
    for args in [
        vec!["list", "--json"],
        vec!["show", "1", "--json"],
        vec!["search", "escapes", "--json"],
        vec!["highlight", "list", "1", "--json"],
    ] {
        let out = stdout(tm(&db).args(&args));
        assert_no_controls(&args.join(" "), &out);
        assert!(
            out.contains("\\u001b") || args[0] == "list",
            "{args:?}: {out}"
        );
    }
    // The values themselves are kept.
    let show = json(tm(&db).args(["show", "1", "--json"]));
    assert_eq!(show["posts"][1]["author"], "evil\u{1b}]0;x\u{7}\u{9b}31m");
    let hs = json(tm(&db).args(["highlight", "list", "1", "--json"]));
    assert_eq!(hs[0]["note"], "n\u{1b}[2Jote");
}

#[test]
fn piped_output_has_no_styling_and_no_leading_blank_line() {
    let (_dir, db) = imported();
    let out = stdout(tm(&db).args(["search", "innovation"]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!out.starts_with('\n'), "{out:?}");
    assert!(out.starts_with("Because we believe"), "{out:?}");
}

/// On a terminal (a pseudo-terminal by `script`), matches are bold unless
/// NO_COLOR is set or TERM is dumb.
#[test]
fn styling_on_a_terminal_follows_no_color_and_term() {
    let (_dir, db) = imported();
    let bin = assert_cmd::cargo::cargo_bin("threadmark");
    let run = |env: &[(&str, &str)]| {
        let command = format!("{} --db {} search innovation", bin.display(), db.display());
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR");
        c.env("TERM", "xterm");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&[]).contains("\u{1b}[1m"), "bold on a terminal");
    assert!(!run(&[("NO_COLOR", "1")]).contains("\u{1b}[1m"));
    assert!(!run(&[("TERM", "dumb")]).contains("\u{1b}[1m"));
}

/// Run as a user who may not write the library: the test's own user, or
/// `nobody` when the tests run as root (whom file modes do not stop).
fn as_reader(db: &Path) -> Command {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    let bin = assert_cmd::cargo::cargo_bin("threadmark");
    let mut c = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    c.arg("--db").arg(db).env_remove("THREADMARK_DB");
    c
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_library_reads_and_refuses_writes() {
    for read_only_folder in [false, true] {
        let (dir, db) = imported();
        tm(&db)
            .args(["highlight", "add", "1", "1", "--exact", "We believe"])
            .assert()
            .success();
        chmod(&db, 0o444);
        chmod(dir.path(), if read_only_folder { 0o555 } else { 0o777 });
        let list = json(as_reader(&db).args(["list", "--json"]));
        assert_eq!(list[0]["posts"], 150);
        for args in [
            vec!["show", "1"],
            vec!["quotes", "1"],
            vec!["search", "innovation"],
            vec!["export", "1", "--format", "md"],
            vec!["highlight", "list", "1"],
        ] {
            as_reader(&db).args(&args).assert().success();
        }
        for args in [
            vec!["delete", "1"],
            vec!["rename", "1", "New"],
            vec!["highlight", "add", "1", "7", "--exact", "HN crowds"],
        ] {
            let err = error(as_reader(&db).args(&args));
            assert!(err.contains("the library is read-only"), "{args:?}: {err}");
            assert!(err.contains("lib.sqlite3"), "{err}");
        }
        let err = error(as_reader(&db).arg("import").arg(seed()));
        assert!(err.contains("read-only"), "{err}");
        chmod(dir.path(), 0o755);
        chmod(&db, 0o644);
        assert_eq!(json(tm(&db).args(["list", "--json"]))[0]["highlights"], 1);
    }
}

#[test]
fn read_commands_need_an_existing_library() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nothing-here.sqlite3");
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["quotes", "1"],
        vec!["search", "x"],
        vec!["export", "--all", "--format", "json"],
        vec!["highlight", "list", "1"],
    ] {
        let err = error(tm(&db).args(&args));
        assert!(err.contains("nothing-here.sqlite3"), "{err}");
        assert!(err.contains("there is no library here"), "{err}");
        assert!(!db.exists(), "{args:?} created a library");
    }
    tm(&db).arg("import").arg(seed()).assert().success();
    assert!(db.exists());
}

#[test]
fn restore_keeps_a_highlight_on_a_missing_post_as_an_orphan() {
    let (dir, db) = imported();
    tm(&db)
        .args(["highlight", "add", "1", "1", "--exact", "We believe"])
        .assert()
        .success();
    let mut backup = json(tm(&db).args(["export", "1", "--format", "json"]));
    let h = &mut backup["threads"][0]["highlights"][0];
    assert_eq!(h["state"], "anchored");
    h["post"] = Value::from("999999");
    let file = dir.path().join("backup.json");
    std::fs::write(&file, backup.to_string()).unwrap();
    let fresh = dir.path().join("fresh.sqlite3");
    let summary = stdout(tm(&fresh).arg("restore").arg(&file));
    assert!(
        summary.contains("1 added, 0 updated, 1 orphaned"),
        "{summary}"
    );
    let hs = json(tm(&fresh).args(["highlight", "list", "1", "--json"]));
    assert_eq!(hs[0]["state"], "orphaned");
    assert_eq!(hs[0]["exact"], "We believe");
}

#[test]
fn highlight_add_chooses_repeated_text_by_context() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db)
        .args(["import", "-"])
        .write_stdin("yes, no, yes, maybe, yes\n> yes, no\nA cafe\u{301} and a café.\n")
        .assert()
        .success();
    let add = |extra: &[&str]| {
        let mut c = tm(&db);
        c.args(["highlight", "add", "1", "1", "--json"]).args(extra);
        c
    };
    let err = error(&mut add(&["--exact", "yes"]));
    assert!(err.contains("\"yes\" occurs 3 times in post 1"), "{err}");
    assert!(
        err.contains("--prefix") && err.contains("--suffix"),
        "{err}"
    );
    let h = json(&mut add(&["--exact", "yes", "--prefix", "no, "]));
    assert_eq!(
        (h["start"].as_i64(), h["end"].as_i64()),
        (Some(9), Some(12))
    );
    let h = json(&mut add(&[
        "--exact", "yes", "--suffix", ", no", "--label", "Claim",
    ]));
    assert_eq!(h["start"], 0);
    let err = error(&mut add(&["--exact", "yes", "--prefix", "perhaps"]));
    assert!(err.contains("none with \"perhaps\" before it"), "{err}");
    // The same span and label again is refused; with another label it is new.
    let err = error(&mut add(&[
        "--exact", "yes", "--suffix", ", no", "--label", "Claim",
    ]));
    assert!(err.contains("already has this highlight"), "{err}");
    add(&["--exact", "yes", "--suffix", ", no", "--label", "Question"])
        .assert()
        .success();
    // NFC: a precomposed "é" finds the decomposed one; offsets in the post's code points.
    let posts = json(tm(&db).args(["show", "1", "--json"]));
    let post = posts["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["text"].as_str().unwrap().contains("cafe\u{301}"))
        .unwrap()
        .clone();
    let id = post["id"].as_str().unwrap().to_string();
    let mut c = tm(&db);
    c.args([
        "highlight",
        "add",
        "1",
        &id,
        "--json",
        "--exact",
        "café",
        "--suffix",
        " and",
    ]);
    let h = json(&mut c);
    let text: Vec<char> = post["text"].as_str().unwrap().chars().collect();
    let (s, e) = (
        h["start"].as_u64().unwrap() as usize,
        h["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(text[s..e].iter().collect::<String>(), "cafe\u{301}");
}

#[test]
fn rename_delete_and_search_in_a_missing_thread() {
    let (_dir, db) = imported();
    assert_eq!(
        stdout(tm(&db).args(["rename", "1", "  DeepSeek interview  "])),
        "thread 1: DeepSeek interview\n"
    );
    assert_eq!(
        json(tm(&db).args(["list", "--json"]))[0]["title"],
        "DeepSeek interview"
    );
    for bad in ["two\nlines", "bell\u{7}", "esc\u{1b}[2J"] {
        let err = error(tm(&db).args(["rename", "1", bad]));
        assert!(
            err.contains("one line, without control characters"),
            "{err}"
        );
        let err = error(
            tm(&db)
                .args(["import", "-", "--title", bad])
                .write_stdin("a\n> a\nb\n"),
        );
        assert!(
            err.contains("one line, without control characters"),
            "{err}"
        );
    }
    let err = error(tm(&db).args(["rename", "7", "x"]));
    assert!(err.contains("no thread 7"), "{err}");
    let err = error(tm(&db).args(["search", "innovation", "--thread", "99"]));
    assert!(err.contains("no thread 99"), "{err}");
    tm(&db)
        .args(["highlight", "add", "1", "1", "--exact", "We believe"])
        .assert()
        .success();
    assert_eq!(
        stdout(tm(&db).args(["delete", "1"])),
        "deleted thread 1: DeepSeek interview (150 posts, 1 highlight)\n"
    );
    let err = error(tm(&db).args(["delete", "1"]));
    assert!(err.contains("no thread 1"), "{err}");
}

#[test]
fn a_title_from_a_file_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db)
        .args(["import", "-"])
        .write_stdin(HOSTILE)
        .assert()
        .success();
    assert_eq!(
        json(tm(&db).args(["list", "--json"]))[0]["title"],
        "Ti ]0;pwned tle 2J"
    );
}

/// A server that accepts connections and never answers; counts them.
fn stalled_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
            let _ = stream.read(&mut buf);
            held.push(stream);
        }
    });
    (origin, count)
}

#[test]
fn fetch_timeout_bounds_the_whole_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    let (origin, count) = stalled_server();
    let err = error(tm(&db).env("THREADMARK_FETCH_BASE", &origin).args([
        "fetch",
        "https://lobste.rs/s/abc123",
        "--timeout",
        "1",
    ]));
    assert!(err.contains("did not finish within 1 s"), "{err}");
    assert_eq!(
        count.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "no retry after the time is up"
    );
    assert!(!db.exists());
}
