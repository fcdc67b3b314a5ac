//! `sync_now` with a passphrase through Tauri's IPC on the mock runtime: an encrypted
//! folder (the core's encrypted fixture's key-check file, a cheap Argon2id cost)
//! refuses a library without its passphrase and a wrong one with a one-line
//! `bad_input`, takes the right one, and `sync_status` then says it is encrypted and
//! the key is here; a second app with the passphrase receives what the first sent.

use serde_json::json;

use super::sync::Side;

const PASSPHRASE: &str = "threadmark fixture passphrase";

fn encrypted_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("folder");
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/threadmark-core/tests/fixtures/sync-encrypted/folder/threadmark/encryption.json"
    );
    std::fs::create_dir(folder.path().join("threadmark")).expect("dir");
    std::fs::copy(key, folder.path().join("threadmark/encryption.json")).expect("key file");
    folder
}

#[test]
fn the_passphrase_opens_an_encrypted_folder_and_a_wrong_one_is_refused() {
    let folder = encrypted_folder();
    let path = folder.path().to_string_lossy().to_string();
    let (a, b) = (Side::new(), Side::new());

    let status = a.ok("sync_status", json!({}));
    assert_eq!(status["encrypted"], json!(null), "{status}");
    for (passphrase, says) in [
        (None, "is encrypted: give its passphrase"),
        (Some("guess"), "wrong passphrase for sync folder"),
    ] {
        let e = a
            .call(
                "sync_now",
                json!({ "folder": path, "passphrase": passphrase }),
            )
            .expect_err("refused");
        assert_eq!(e["kind"], "bad_input", "{e}");
        let message = e["message"].as_str().expect("message");
        assert!(
            message.contains(says) && !message.contains('\n'),
            "{message}"
        );
    }
    // Nothing was written: the folder holds the key-check file only.
    let devices = folder.path().join("threadmark/devices");
    assert!(!devices.exists(), "a refused sync wrote {devices:?}");

    let sent = a.ok(
        "sync_now",
        json!({ "folder": path, "passphrase": PASSPHRASE }),
    );
    assert_eq!(sent["encrypted"], true, "{sent}");
    assert!(sent["sent"].as_i64() > Some(0), "{sent}");
    let status = a.ok("sync_status", json!({}));
    assert_eq!(
        (
            status["encrypted"].clone(),
            status["needsPassphrase"].clone()
        ),
        (json!(true), json!(false)),
        "{status}"
    );
    // The key is remembered: the next sync needs no passphrase.
    assert_eq!(a.ok("sync_now", json!({ "folder": null }))["tampered"], 0);

    let got = b.ok(
        "sync_now",
        json!({ "folder": path, "passphrase": PASSPHRASE }),
    );
    assert!(got["received"].as_i64() > Some(0), "{got}");
    assert_eq!(got["encrypted"], true);
}
