//! A sync folder's optional passphrase encryption (docs/SYNC-FORMAT.md,
//! "Encryption"): the key. An encrypted folder holds `threadmark/encryption.json`:
//! the Argon2id parameters and salt every device derives the key with, and a
//! known text sealed with that key, so a wrong passphrase is told apart before
//! any change file is read or written. The files themselves are envelopes
//! (envelope.rs).
//!
//! A folder is encrypted or not: an encrypted folder refuses plaintext files and
//! a library without its key; a passphrase is refused for a folder that already
//! holds plaintext. The derived key (never the passphrase) is kept in the
//! library's `sync_settings` (`crypt_key`), so a device types it once.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{envelope, set_setting, setting};
use crate::error::{Error, Result};

/// The key-check file, under `<folder>/threadmark/`.
pub const FILE: &str = "encryption.json";
const FORMAT: &str = "threadmark-encryption";
/// The text sealed in the key-check file.
const CHECK: &[u8] = b"threadmark sync folder key check";

/// A passphrase (its Debug form does not show it).
#[derive(Clone, Default)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// A folder's 256-bit key.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(pub(super) [u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

/// Argon2id's cost: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    /// What a new encrypted folder gets: 64 MiB, 3 passes, 1 lane.
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

/// `<folder>/threadmark/encryption.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    cipher: String,
    kdf: String,
    argon2: KdfParams,
    /// 16 random bytes, hex.
    salt: String,
    /// The nonce and ciphertext of `CHECK`, hex.
    check_nonce: String,
    check: String,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

fn key_file_path(folder: &Path) -> PathBuf {
    folder.join("threadmark").join(FILE)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn derive(passphrase: &Passphrase, kdf: &KdfParams, salt: &[u8]) -> Result<Key> {
    // The parameters come from the folder: bounded, so that a hostile file cannot
    // make a device allocate without end.
    if kdf.m_kib > 4 * 1024 * 1024 || kdf.t > 64 || kdf.p > 16 {
        return Err(Error::bad_input(format!(
            "Argon2id parameters out of range (m={} KiB, t={}, p={})",
            kdf.m_kib, kdf.t, kdf.p
        )));
    }
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32))
        .map_err(|e| Error::bad_input(format!("Argon2id parameters: {e}")))?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.0.as_bytes(), salt, &mut key)
        .map_err(|e| Error::bad_input(format!("Argon2id: {e}")))?;
    Ok(Key(key))
}

pub(super) fn cipher(key: &Key) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new((&key.0).into())
}

/// Whether `key` opens the key-check file's sealed text.
fn opens(file: &KeyFile, key: &Key) -> bool {
    let (Some(nonce), Some(sealed)) = (unhex(&file.check_nonce), unhex(&file.check)) else {
        return false;
    };
    if nonce.len() != 24 {
        return false;
    }
    let payload = Payload {
        msg: &sealed,
        aad: FORMAT.as_bytes(),
    };
    cipher(key)
        .decrypt(XNonce::from_slice(&nonce), payload)
        .is_ok_and(|m| m == CHECK)
}

/// The folder's key-check file, if it has one.
fn read_key_file(folder: &Path) -> Result<Option<KeyFile>> {
    let path = key_file_path(folder);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::from(e).in_file(&path)),
    };
    let file: KeyFile = serde_json::from_slice(&bytes).map_err(|e| {
        Error::bad_input(format!(
            "the sync folder's key-check file is not readable (still being copied?): {e}"
        ))
        .in_file(&path)
    })?;
    if file.format != FORMAT || file.cipher != "xchacha20poly1305" || file.kdf != "argon2id" {
        return Err(Error::bad_input(format!(
            "unknown encryption {:?} / {:?} (written by a newer version?)",
            file.cipher, file.kdf
        ))
        .in_file(&path));
    }
    Ok(Some(file))
}

/// Make `folder` an encrypted sync folder for `passphrase` (with the given
/// Argon2id cost), unless it is one already or holds unencrypted files.
/// Returns the key.
pub fn create(folder: &Path, passphrase: &Passphrase, kdf: KdfParams) -> Result<Key> {
    if passphrase.0.is_empty() {
        return Err(Error::bad_input("the passphrase is empty"));
    }
    if let Some(existing) = read_key_file(folder)? {
        let key = derive(
            passphrase,
            &existing.argon2,
            &unhex(&existing.salt).unwrap_or_default(),
        )?;
        return if opens(&existing, &key) {
            Ok(key)
        } else {
            Err(wrong(folder))
        };
    }
    if let Some(sealed) = first_file(folder, true) {
        return Err(Error::bad_input(format!(
            "the sync folder holds encrypted files (e.g. {}) but no threadmark/{FILE} (still being copied?)",
            sealed.display()
        ))
        .in_file(folder));
    }
    if let Some(plain) = first_file(folder, false) {
        return Err(Error::bad_input(format!(
            "the sync folder already holds unencrypted files (e.g. {}): a passphrase needs a new, empty folder (see README, sync)",
            plain.display()
        ))
        .in_file(folder));
    }
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let key = derive(passphrase, &kdf, &salt)?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher(&key)
        .encrypt(
            &nonce,
            Payload {
                msg: CHECK,
                aad: FORMAT.as_bytes(),
            },
        )
        .map_err(|_| Error::bad_input("encryption failed"))?;
    let file = KeyFile {
        format: FORMAT.into(),
        version: 1,
        cipher: "xchacha20poly1305".into(),
        kdf: "argon2id".into(),
        argon2: kdf,
        salt: hex(&salt),
        check_nonce: hex(&nonce),
        check: hex(&sealed),
        extra: Map::new(),
    };
    let dir = folder.join("threadmark");
    std::fs::create_dir_all(&dir).map_err(|e| Error::from(e).in_file(&dir))?;
    let text = serde_json::to_string_pretty(&file)? + "\n";
    super::folder::write_new(&key_file_path(folder), text.as_bytes())?;
    // Another device may have made the file first: its salt and cost hold.
    match read_key_file(folder)? {
        Some(f) if opens(&f, &key) => Ok(key),
        Some(f) => {
            let theirs = derive(passphrase, &f.argon2, &unhex(&f.salt).unwrap_or_default())?;
            if opens(&f, &theirs) {
                Ok(theirs)
            } else {
                Err(wrong(folder))
            }
        }
        None => Err(
            Error::not_found("the key-check file vanished after it was written")
                .in_file(key_file_path(folder)),
        ),
    }
}

fn wrong(folder: &Path) -> Error {
    Error::bad_input(format!(
        "wrong passphrase for sync folder {}",
        folder.display()
    ))
}

/// A change or content file of any device in `folder`, encrypted or not as
/// asked (the first one found).
fn first_file(folder: &Path, encrypted: bool) -> Option<PathBuf> {
    let devices = std::fs::read_dir(folder.join("threadmark").join("devices")).ok()?;
    for d in devices.flatten() {
        for sub in ["changes", "threads"] {
            let Ok(entries) = std::fs::read_dir(d.path().join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with('.') || name.ends_with(".tmp") {
                    continue;
                }
                let mut head = Vec::new();
                let _ = std::fs::File::open(e.path()).and_then(|f| {
                    std::io::Read::read_to_end(
                        &mut std::io::Read::take(f, envelope::START.len() as u64),
                        &mut head,
                    )
                });
                let want = if encrypted {
                    envelope::Sniff::Sealed
                } else {
                    envelope::Sniff::Plain
                };
                if !head.is_empty() && envelope::sniff(&head) == want {
                    return Some(e.path());
                }
            }
        }
    }
    None
}

/// The key to sync `folder` with, checked before anything is read or written:
/// None for an unencrypted folder. With a passphrase, an unencrypted empty folder
/// becomes encrypted. The key is remembered in the library.
pub fn resolve(
    conn: &Connection,
    folder: &Path,
    passphrase: Option<&Passphrase>,
) -> Result<Option<Key>> {
    let file = match read_key_file(folder)? {
        Some(f) => f,
        None => {
            if let Some(p) = passphrase {
                let key = create(folder, p, KdfParams::default())?;
                set_setting(conn, "crypt_key", &hex(&key.0))?;
                return Ok(Some(key));
            }
            // A folder synced with before in plain needs no look (a passphrase is
            // refused for a folder holding plain files); a new one might be an
            // encrypted folder whose key-check file is still being copied.
            let synced_before =
                setting(conn, "folder")?.as_deref() == Some(&*folder.to_string_lossy());
            if !synced_before {
                if let Some(sealed) = first_file(folder, true) {
                    return Err(Error::bad_input(format!(
                        "the sync folder holds encrypted files (e.g. {}) but no threadmark/{FILE} (still being copied?)",
                        sealed.display()
                    ))
                    .in_file(folder));
                }
            }
            return Ok(None);
        }
    };
    let key = match passphrase {
        Some(p) => {
            let key = derive(p, &file.argon2, &unhex(&file.salt).unwrap_or_default())?;
            if !opens(&file, &key) {
                return Err(wrong(folder));
            }
            set_setting(conn, "crypt_key", &hex(&key.0))?;
            key
        }
        None => match remembered(conn)? {
            Some(key) if opens(&file, &key) => key,
            _ => {
                return Err(Error::bad_input(format!(
                    "sync folder {} is encrypted: give its passphrase (--passphrase-file, THREADMARK_SYNC_PASSPHRASE or the Sync dialog)",
                    folder.display()
                )))
            }
        },
    };
    Ok(Some(key))
}

fn remembered(conn: &Connection) -> Result<Option<Key>> {
    Ok(setting(conn, "crypt_key")?
        .and_then(|h| unhex(&h))
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(Key))
}

/// Whether a folder is encrypted, and whether this library holds its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Encryption {
    pub encrypted: bool,
    pub key_here: bool,
}

/// `folder`'s encryption as this library sees it.
pub fn status(conn: &Connection, folder: &Path) -> Result<Encryption> {
    Ok(match read_key_file(folder)? {
        None => Encryption {
            encrypted: false,
            key_here: false,
        },
        Some(f) => Encryption {
            encrypted: true,
            key_here: remembered(conn)?.is_some_and(|k| opens(&f, &k)),
        },
    })
}
