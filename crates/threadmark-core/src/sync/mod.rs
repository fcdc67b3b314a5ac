//! Sync through a folder the user owns (Syncthing, Dropbox, a USB stick, a
//! network share): the library is never copied; each library writes its own
//! changes as small files under `<folder>/threadmark/devices/<device-id>/` and
//! reads everyone else's. See ARCHITECTURE.md (sync) and docs/SYNC-FORMAT.md.
//!
//! - `clock.rs` — the hybrid logical clock stamping every change;
//! - `record.rs` — change records and change files;
//! - `state.rs` — the library as synced entities; `capture.rs` — local edits found
//!   by comparing it with what was last seen;
//! - `merge.rs` — last-writer-wins fields, add-wins sets, tombstones, the
//!   conflict history; `materialize.rs` — winners written into the library;
//! - `content.rs` — threads' contents, compressed, once per version;
//! - `folder.rs` — the folder: atomic writes, what to read; `crypt.rs` — the
//!   folder's optional passphrase encryption (its key), `envelope.rs` — its
//!   encrypted files;
//! - `snapshot.rs` — everything, with its original stamps, into a folder that
//!   lacks this device's files (a new folder, or its files went missing);
//! - `exchange.rs` — one sync, both ways; `history.rs` — conflicts, restoring
//!   them, the status; `canonical.rs` — the synced state as canonical JSON.

pub mod canonical;
mod capture;
pub mod clock;
mod content;
pub mod crypt;
mod envelope;
mod exchange;
mod folder;
mod history;
mod materialize;
mod merge;
pub mod record;
mod snapshot;
mod state;

pub use crypt::{Encryption, KdfParams, Passphrase};
pub use exchange::{FullCopy, SyncOptions, SyncReport};
pub use history::{Conflict, SyncStatus};

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// A sync setting (`device_id`, `folder`, `clock`, `seq`, `last_sync`).
pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM sync_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO sync_settings (key, value) VALUES (?1, ?2)",
        [key, value],
    )?;
    Ok(())
}

/// This library's device id, made on first use: 16 hex digits.
pub(crate) fn device_id(conn: &Connection) -> Result<String> {
    if let Some(id) = setting(conn, "device_id")? {
        return Ok(id);
    }
    let id: String = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
    set_setting(conn, "device_id", &id)?;
    Ok(id)
}
