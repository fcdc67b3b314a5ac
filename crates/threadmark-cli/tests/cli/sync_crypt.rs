//! `threadmark sync` with an encrypted folder: the passphrase from a file or the
//! environment, never readable notes in the folder, a clear error without the
//! passphrase or with a wrong one, `sync --status` saying the folder is encrypted.
//! The folder starts from the encrypted fixture's key-check file (a cheap
//! Argon2id cost, known passphrase), as a folder made by another device would.

use std::path::{Path, PathBuf};

use crate::common::{seed, stdout, tm};
use assert_cmd::Command;

const PASSPHRASE: &str = "threadmark fixture passphrase";
const NOTE: &str = "Compare with the Bell Labs hiring memo";

fn key_file() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../threadmark-core/tests/fixtures/sync-encrypted/folder/threadmark/encryption.json"
    ))
}

fn stderr_of_failure(cmd: &mut Command) -> String {
    let out = cmd.assert().failure().get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

fn all_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(all_bytes(&e.path()));
        } else {
            out.push((e.path(), std::fs::read(e.path()).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_passphrase_file_or_the_environment_opens_an_encrypted_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Sync");
    std::fs::create_dir_all(folder.join("threadmark")).unwrap();
    std::fs::copy(key_file(), folder.join("threadmark/encryption.json")).unwrap();
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    let pass_file = dir.path().join("passphrase.txt");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();

    tm(&a).arg("import").arg(seed()).assert().success();
    stdout(tm(&a).args([
        "highlight",
        "add",
        "1",
        "7",
        "--exact",
        "solid background",
        "--label",
        "Claim",
        "--note",
        NOTE,
    ]));
    // No passphrase: refused, nothing written.
    let before = all_bytes(&folder);
    let err = stderr_of_failure(tm(&a).args(["sync", "--folder"]).arg(&folder));
    assert!(err.contains("is encrypted"), "{err}");
    assert_eq!(all_bytes(&folder), before);

    let out = stdout(
        tm(&a)
            .args(["sync", "--folder"])
            .arg(&folder)
            .arg("--passphrase-file")
            .arg(&pass_file),
    );
    assert!(
        out.contains("(encrypted)") && !out.contains("out: nothing"),
        "{out}"
    );
    let files = all_bytes(&folder);
    assert!(files.len() >= 3, "{files:?}");
    for (path, bytes) in &files {
        for needle in [NOTE, "solid background", "Liang Wenfeng"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} readable in {path:?}"
            );
        }
    }

    // B: a wrong passphrase in the environment, then the right one.
    let err = stderr_of_failure(
        tm(&b)
            .args(["sync", "--folder"])
            .arg(&folder)
            .env("THREADMARK_SYNC_PASSPHRASE", "guess"),
    );
    assert!(err.contains("wrong passphrase for sync folder"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = stdout(
        tm(&b)
            .args(["sync", "--folder"])
            .arg(&folder)
            .env("THREADMARK_SYNC_PASSPHRASE", PASSPHRASE),
    );
    assert!(out.contains("1 threads, 1 highlights"), "{out}");
    let list = stdout(tm(&b).args(["highlight", "list", "1", "--json"]));
    assert!(list.contains(NOTE), "{list}");
    // The key is remembered: later syncs need no passphrase.
    stdout(tm(&b).arg("sync"));
    let status = stdout(tm(&b).args(["sync", "--status"]));
    assert!(
        status.contains("encryption: on (passphrase given on this device)"),
        "{status}"
    );
    let status: serde_json::Value =
        serde_json::from_str(&stdout(tm(&b).args(["sync", "--status", "--json"]))).unwrap();
    assert_eq!(status["encryption"]["encrypted"], true);
    // A library that never had the passphrase says what it needs.
    let c = dir.path().join("c.sqlite3");
    tm(&c).arg("import").arg(seed()).assert().success();
    let plain_folder = dir.path().join("Plain");
    std::fs::create_dir(&plain_folder).unwrap();
    stdout(tm(&c).args(["sync", "--folder"]).arg(&plain_folder));
    let status = stdout(tm(&c).args(["sync", "--status"]));
    assert!(status.contains("encryption: off"), "{status}");
}
