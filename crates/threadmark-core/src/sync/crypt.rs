//! A sync folder's optional passphrase encryption (docs/SYNC-FORMAT.md,
//! "Encryption"). An encrypted folder holds `threadmark/encryption.json`: the
//! Argon2id parameters and salt every device derives the key with, and a known
//! text sealed with that key, so a wrong passphrase is told apart before any
//! change file is read or written. Every change file and thread content is then
//! an envelope: one JSON header line (what the file is, whose, its nonce and
//! length) and the XChaCha20-Poly1305 ciphertext of the bytes the unencrypted
//! format would hold, with the header line as associated data.
//!
//! A folder is encrypted or not: an encrypted folder refuses plaintext files and
//! a library without its key; a passphrase is refused for a folder that already
//! holds plaintext. The derived key (never the passphrase) is kept in the
//! library's `sync_settings` (`crypt_key`), so a device types it once.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{set_setting, setting};
use crate::error::{Error, Result};

/// The key-check file, under `<folder>/threadmark/`.
pub const FILE: &str = "encryption.json";
const FORMAT: &str = "threadmark-encryption";
/// The format name of an encrypted file's header line.
const ENVELOPE: &str = "threadmark-encrypted";
const ENVELOPE_START: &[u8] = b"{\"format\":\"threadmark-encrypted\"";
/// The text sealed in the key-check file.
const CHECK: &[u8] = b"threadmark sync folder key check";
/// Largest header line of an envelope.
const MAX_HEADER: usize = 1024;

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
pub struct Key([u8; 32]);

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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
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

fn cipher(key: &Key) -> XChaCha20Poly1305 {
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
                        &mut std::io::Read::take(f, ENVELOPE_START.len() as u64),
                        &mut head,
                    )
                });
                let want = if encrypted {
                    Sniff::Sealed
                } else {
                    Sniff::Plain
                };
                if !head.is_empty() && sniff(&head) == want {
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

/// The header line of an encrypted file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    /// `changes` or `thread`.
    of: String,
    device: String,
    /// The change file's seq (10 digits) or the content's SHA-256.
    name: String,
    nonce: String,
    /// Length of the ciphertext that follows the header line.
    bytes: usize,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Sealed,
    Plain,
    /// Too short to tell (a file still being copied).
    Unsure,
}

/// Whether bytes begin like an encrypted file.
pub fn sniff(bytes: &[u8]) -> Sniff {
    let n = bytes.len().min(ENVELOPE_START.len());
    if bytes[..n] != ENVELOPE_START[..n] {
        Sniff::Plain
    } else if n == ENVELOPE_START.len() {
        Sniff::Sealed
    } else {
        Sniff::Unsure
    }
}

/// Whether bytes begin like an encrypted file.
pub fn is_envelope(bytes: &[u8]) -> bool {
    sniff(bytes) == Sniff::Sealed
}

/// Seal a file's bytes: `of` is `changes` or `thread`, `name` its seq (10
/// digits) or hash.
pub fn seal(key: &Key, of: &str, device: &str, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let header = Envelope {
        format: ENVELOPE.into(),
        version: 1,
        of: of.into(),
        device: device.into(),
        name: name.into(),
        nonce: hex(&nonce),
        bytes: plain.len() + 16,
        extra: Map::new(),
    };
    let mut out = serde_json::to_vec(&header)?;
    out.push(b'\n');
    let sealed = cipher(key)
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: &out,
            },
        )
        .map_err(|_| Error::bad_input("encryption failed"))?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Why an encrypted file was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unopened {
    /// Shorter than its header says (still being copied): read again next time.
    Incomplete(String),
    /// Altered, or not what its place says: reported, read again next time.
    Tampered(String),
}

/// Open an encrypted file found in `device`'s directory as a file `of` whose
/// name begins with `name`.
pub fn open(
    key: &Key,
    bytes: &[u8],
    of: &str,
    device: &str,
    name: &str,
) -> Result<Vec<u8>, Unopened> {
    let Some(nl) = bytes.iter().take(MAX_HEADER).position(|&b| b == b'\n') else {
        return Err(if bytes.len() < MAX_HEADER {
            Unopened::Incomplete("the header is cut short".into())
        } else {
            Unopened::Tampered("no header line".into())
        });
    };
    let (head, body) = bytes.split_at(nl + 1);
    let env: Envelope =
        serde_json::from_slice(head).map_err(|e| Unopened::Tampered(format!("header: {e}")))?;
    if env.format != ENVELOPE || env.of != of {
        return Err(Unopened::Tampered(format!("not an encrypted {of} file")));
    }
    if env.device != device || !name.starts_with(&env.name) {
        return Err(Unopened::Tampered(format!(
            "written as {}/{} {}, found as {device}/{name}",
            env.device, env.of, env.name
        )));
    }
    if body.len() < env.bytes {
        return Err(Unopened::Incomplete(format!(
            "{} of {} bytes",
            body.len(),
            env.bytes
        )));
    }
    let nonce = unhex(&env.nonce)
        .filter(|n| n.len() == 24)
        .ok_or_else(|| Unopened::Tampered("bad nonce".into()))?;
    if body.len() > env.bytes {
        return Err(Unopened::Tampered("longer than its header says".into()));
    }
    cipher(key)
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: body,
                aad: head,
            },
        )
        .map_err(|_| Unopened::Tampered("does not authenticate (altered, or another key)".into()))
}

thread_local! {
    /// The key of the folder being synced on this thread, and the content files
    /// found altered meanwhile (materialize.rs reads contents through
    /// `content::read`, which has no other way to the key).
    static SCOPE: RefCell<Option<(Key, Vec<String>)>> = const { RefCell::new(None) };
}

/// While alive, `content::read` on this thread opens encrypted contents with
/// `key` (and refuses plaintext ones).
pub struct Scope(());

impl Scope {
    pub fn enter(key: Option<&Key>) -> Scope {
        SCOPE.with(|s| *s.borrow_mut() = key.map(|k| (k.clone(), Vec::new())));
        Scope(())
    }

    /// The content files found altered so far.
    pub fn tampered(&self) -> Vec<String> {
        SCOPE.with(|s| {
            s.borrow()
                .as_ref()
                .map(|(_, t)| t.clone())
                .unwrap_or_default()
        })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        SCOPE.with(|s| *s.borrow_mut() = None);
    }
}

/// A content file's gzip bytes: opened when the folder is encrypted (a plaintext
/// one is refused there, an encrypted one refused in a plaintext folder).
pub fn content_bytes(path: &Path, bytes: Vec<u8>, hash: &str) -> Result<Vec<u8>> {
    let device = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().to_string())
        .unwrap_or_default();
    SCOPE.with(|s| match s.borrow_mut().as_mut() {
        None if is_envelope(&bytes) => Err(Error::bad_input(
            "an encrypted content file in a folder without encryption",
        )
        .in_file(path)),
        None => Ok(bytes),
        Some(_) if sniff(&bytes) == Sniff::Unsure => {
            Err(Error::bad_input("cut short").in_file(path))
        }
        Some(_) if sniff(&bytes) == Sniff::Plain => Err(Error::bad_input(
            "an unencrypted content file in an encrypted folder: ignored",
        )
        .in_file(path)),
        Some((key, tampered)) => match open(key, &bytes, "thread", &device, hash) {
            Ok(plain) => Ok(plain),
            Err(Unopened::Incomplete(why)) => Err(Error::bad_input(why).in_file(path)),
            Err(Unopened::Tampered(why)) => {
                tampered.push(format!("{}: {why}", path.display()));
                Err(Error::bad_input(why).in_file(path))
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_only_whole_with_the_key_in_their_place() {
        let key = Key([7; 32]);
        let plain = b"{\"format\":\"threadmark-changes\"}\n";
        let sealed = seal(&key, "changes", "aaaa", "0000000001", plain).unwrap();
        assert!(is_envelope(&sealed) && !is_envelope(plain));
        let got = open(&key, &sealed, "changes", "aaaa", "0000000001.jsonl").unwrap();
        assert_eq!(got, plain);
        assert!(matches!(
            open(
                &key,
                &sealed[..sealed.len() - 3],
                "changes",
                "aaaa",
                "0000000001.jsonl"
            ),
            Err(Unopened::Incomplete(_))
        ));
        let mut bad = sealed.clone();
        let last = bad.len() - 20;
        bad[last] ^= 1;
        assert!(matches!(
            open(&key, &bad, "changes", "aaaa", "0000000001.jsonl"),
            Err(Unopened::Tampered(_))
        ));
        for (dev, name) in [("bbbb", "0000000001.jsonl"), ("aaaa", "0000000002.jsonl")] {
            assert!(matches!(
                open(&key, &sealed, "changes", dev, name),
                Err(Unopened::Tampered(_))
            ));
        }
        assert!(matches!(
            open(
                &Key([8; 32]),
                &sealed,
                "changes",
                "aaaa",
                "0000000001.jsonl"
            ),
            Err(Unopened::Tampered(_))
        ));
    }
}
