//! What the CLI tests share: the corpus files, the `threadmark` binary on a library,
//! and reading what a command printed.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A file of `../shared/corpus/`; the test fails (never skips) when it is missing.
pub fn corpus_file(name: &str) -> PathBuf {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/"
    ))
    .join(name);
    assert!(p.exists(), "the corpus file {} is missing", p.display());
    p
}

/// The seed: the plain-text Hacker News discussion the product started from.
pub fn seed() -> PathBuf {
    corpus_file("seed/000_e97962a6dbc2b620.txt")
}

/// `threadmark --db DB`, with none of the environment that would change what it does.
pub fn tm(db: &Path) -> Command {
    let mut c = Command::cargo_bin("threadmark").unwrap();
    c.arg("--db")
        .arg(db)
        .env_remove("THREADMARK_DB")
        .env_remove("THREADMARK_MAX_BYTES")
        .env_remove("THREADMARK_FETCH_BASE")
        .env_remove("THREADMARK_SYNC_PASSPHRASE")
        .env_remove("NO_COLOR");
    c
}

/// What a successful command printed.
pub fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// The one JSON document a successful command printed.
pub fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&stdout(cmd)).expect("one JSON document on stdout")
}

/// The one-line error of a failed command.
pub fn error(cmd: &mut Command) -> String {
    let out = cmd.assert().failure().get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

/// A new library in a temporary folder holding the seed as thread 1.
pub fn imported() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lib.sqlite3");
    tm(&db)
        .arg("import")
        .arg(seed())
        .assert()
        .success()
        .stdout("1\n");
    (dir, db)
}
