//! Thread contents: what a thread was imported as (posts and quotes, no
//! highlights: those travel field by field), written once per version as a
//! gzip-compressed JSON file named by the SHA-256 of its JSON,
//! `<device>/threads/<sha256>.json.gz`. A thread's `content` field names it.
//!
//! A device that does not hold the thread creates it from the file (the JSON
//! backup's restore, by uuid); one that holds it gains the posts it lacks. Edits
//! of posts it holds come with its own refreshes, not through the folder.

use std::io::{Read, Write};
use std::path::Path;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rusqlite::Transaction;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::Library;

/// The format name inside a content file.
pub const FORMAT: &str = "threadmark-thread";
/// Largest content file read (uncompressed).
const MAX_BYTES: u64 = 1 << 30;

/// A thread's content as JSON, its hash and its compressed bytes.
pub fn make(lib: &Library, thread_id: i64) -> Result<(String, Vec<u8>)> {
    let export = crate::export::json_export(lib, &[thread_id])?;
    let mut thread = export["threads"][0].clone();
    if let Value::Object(m) = &mut thread {
        m.remove("id");
        m.insert("highlights".into(), json!([]));
        m.insert("links".into(), json!([]));
    }
    let doc = json!({"format": FORMAT, "version": 1, "thread": thread});
    let text = serde_json::to_vec(&doc)?;
    let hash = hex(&Sha256::digest(&text));
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&text)?;
    Ok((hash, gz.finish()?))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file name of a content.
pub fn file_name(hash: &str) -> String {
    format!("{hash}.json.gz")
}

/// Read a content file: its thread, if the file is whole and is the content
/// named `hash` (a file still being copied fails the check and is tried again).
pub fn read(path: &Path, hash: &str) -> Result<Value> {
    let (_, text) = open(path, hash)?;
    let doc: Value = serde_json::from_slice(&text).map_err(|e| Error::from(e).in_file(path))?;
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(Error::bad_input(format!("not a {FORMAT} file")).in_file(path));
    }
    Ok(doc["thread"].clone())
}

/// A content file's compressed bytes (opened, if the folder is encrypted) and
/// its JSON, if the file is whole and is the content named `hash`.
pub fn open(path: &Path, hash: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
    // An encrypted folder's contents are opened first (sync/crypt.rs).
    let bytes = super::envelope::content_bytes(path, bytes, hash)?;
    let mut text = Vec::new();
    GzDecoder::new(bytes.as_slice())
        .take(MAX_BYTES)
        .read_to_end(&mut text)
        .map_err(|e| Error::from(e).in_file(path))?;
    if hex(&Sha256::digest(&text)) != hash {
        return Err(
            Error::bad_input("the content does not match its name (cut short?)").in_file(path),
        );
    }
    Ok((bytes, text))
}

/// Create or complete a thread from its content. A thread with the same source
/// and source id but another uuid (both devices saved it) becomes one thread
/// under the smaller uuid on every device.
pub fn apply(tx: &Transaction<'_>, uuid: &str, thread: &Value) -> Result<()> {
    let mut thread = thread.clone();
    thread["uuid"] = Value::String(uuid.to_string());
    let source = thread["source"].as_str().unwrap_or("");
    let twin: Option<String> = match thread["source_key"].as_str() {
        Some(key) => rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT uuid FROM threads WHERE source = ?1 AND source_key = ?2 AND uuid != ?3",
            rusqlite::params![source, key, uuid],
            |r| r.get(0),
        ))?,
        None => None,
    };
    if let Some(other) = twin {
        if uuid < other.as_str() {
            tx.execute(
                "UPDATE threads SET uuid = ?1 WHERE uuid = ?2",
                rusqlite::params![uuid, other],
            )?;
        } else {
            // Ours keeps its uuid; the other device takes it.
            return Ok(());
        }
    }
    let mut report = crate::store::RestoreReport::default();
    crate::store::restore_thread(tx, &thread, "$.thread", &mut report)
}
