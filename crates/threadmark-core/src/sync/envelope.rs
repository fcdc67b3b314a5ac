//! Encrypted files of a sync folder (docs/SYNC-FORMAT.md, "Encrypted files"):
//! every change file and thread content of an encrypted folder is an envelope —
//! one JSON header line (what the file is, whose, its nonce and length) and the
//! XChaCha20-Poly1305 ciphertext of the bytes the unencrypted format would hold,
//! with the header line as associated data. The key is crypt.rs's. A file cut
//! short is incomplete (read again later); one that does not authenticate, or is
//! not what its place says, is altered (reported, never applied).

use std::cell::RefCell;
use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::crypt::{cipher, hex, unhex, Key};
use crate::error::{Error, Result};

/// The format name of an encrypted file's header line.
const ENVELOPE: &str = "threadmark-encrypted";
/// How every envelope begins.
pub const START: &[u8] = b"{\"format\":\"threadmark-encrypted\"";
/// Largest header line of an envelope.
const MAX_HEADER: usize = 1024;

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
    let n = bytes.len().min(START.len());
    if bytes[..n] != START[..n] {
        Sniff::Plain
    } else if n == START.len() {
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

/// A change file as the unencrypted format holds it, or why not.
pub enum Opened {
    Bytes(Vec<u8>),
    /// Cut short or altered: read again next time.
    Later,
    /// A plaintext file in an encrypted folder: ignored for good.
    Never,
}

/// A change file's bytes, opened in an encrypted folder.
pub fn open_change_file(
    path: &Path,
    rel: &str,
    bytes: Vec<u8>,
    key: Option<&Key>,
    report: &mut super::SyncReport,
) -> Result<Opened> {
    let Some(key) = key else {
        if is_envelope(&bytes) {
            return Err(Error::bad_input(
                "an encrypted change file in a sync folder without encryption (threadmark/encryption.json missing?)",
            )
            .in_file(path));
        }
        return Ok(Opened::Bytes(bytes));
    };
    if sniff(&bytes) == Sniff::Unsure {
        report.incomplete.push(format!("{rel}: cut short"));
        return Ok(Opened::Later);
    }
    if !is_envelope(&bytes) {
        report
            .ignored
            .push(format!("{rel}: not encrypted, in an encrypted folder"));
        return Ok(Opened::Never);
    }
    let device = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().to_string())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    match open(key, &bytes, "changes", &device, &name) {
        Ok(plain) => Ok(Opened::Bytes(plain)),
        Err(Unopened::Incomplete(why)) => {
            report.incomplete.push(format!("{rel}: {why}"));
            Ok(Opened::Later)
        }
        Err(Unopened::Tampered(why)) => {
            report.tampered.push(format!("{rel}: {why}"));
            Ok(Opened::Later)
        }
    }
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
