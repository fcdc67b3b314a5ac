//! The shapes of sync (status, one sync's report, the conflict history) that cross
//! IPC, generated into `ui/src/bindings/` by ts-rs like those of `dto.rs`.

use serde::Serialize;
use ts_rs::TS;

/// Where sync stands, for the footer and the Sync dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SyncStatus {
    /// This library's device id; empty until the first sync gives it one.
    pub device: String,
    /// The folder synced with; null: sync is off.
    pub folder: Option<String>,
    /// Unix ms of the last sync; null: never.
    #[ts(type = "number | null")]
    pub last_sync_ms: Option<i64>,
    /// Changes recorded here and not yet written to the folder.
    #[ts(type = "number")]
    pub outgoing: i64,
    /// Received entities waiting for their thread or its content file.
    #[ts(type = "number")]
    pub pending: i64,
    /// Conflicts not restored.
    #[ts(type = "number")]
    pub conflicts_open: i64,
    #[ts(type = "number")]
    pub conflicts: i64,
    /// Whether the folder is encrypted with a passphrase; null: no folder, or it
    /// cannot be read now.
    pub encrypted: Option<bool>,
    /// An encrypted folder whose key this library does not hold: the passphrase
    /// is needed.
    pub needs_passphrase: bool,
}

impl From<threadmark_core::sync::SyncStatus> for SyncStatus {
    fn from(s: threadmark_core::sync::SyncStatus) -> Self {
        SyncStatus {
            device: s.device,
            folder: s.folder,
            last_sync_ms: s.last_sync_ms,
            outgoing: s.outgoing,
            pending: s.pending,
            conflicts_open: s.conflicts_open,
            conflicts: s.conflicts,
            encrypted: None,
            needs_passphrase: false,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SyncReport {
    pub folder: String,
    /// Changes written to the folder.
    #[ts(type = "number")]
    pub sent: i64,
    /// Changes received that were new here.
    #[ts(type = "number")]
    pub received: i64,
    /// Entities written into the library, by kind.
    #[ts(type = "number")]
    pub threads: i64,
    #[ts(type = "number")]
    pub highlights: i64,
    #[ts(type = "number")]
    pub labels: i64,
    #[ts(type = "number")]
    pub reads: i64,
    /// Entities waiting for their thread or its content file.
    #[ts(type = "number")]
    pub pending: i64,
    /// Values that lost to a concurrent edit or delete in this sync.
    #[ts(type = "number")]
    pub new_conflicts: i64,
    /// Files not read whole yet (still being copied): read again next time.
    #[ts(type = "number")]
    pub incomplete: i64,
    /// Whether the folder is encrypted.
    pub encrypted: bool,
    /// Encrypted files that did not authenticate (altered): not applied.
    #[ts(type = "number")]
    pub tampered: i64,
    /// The folder lacked files (a new folder, or files gone from it): everything
    /// this library holds was written to it. Null: not in this sync.
    #[ts(type = "{ records: number, threads: number, newFolder: boolean } | null")]
    pub full_copy: Option<FullCopy>,
}

/// What a full copy wrote: records (with their original stamps) and thread
/// contents; whether the folder is another than the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullCopy {
    pub records: i64,
    pub threads: i64,
    pub new_folder: bool,
}

impl From<threadmark_core::sync::SyncReport> for SyncReport {
    fn from(r: threadmark_core::sync::SyncReport) -> Self {
        SyncReport {
            folder: r.folder.to_string_lossy().into_owned(),
            sent: r.sent as i64,
            received: r.received as i64,
            threads: r.threads as i64,
            highlights: r.highlights as i64,
            labels: r.labels as i64,
            reads: r.reads as i64,
            pending: r.pending as i64,
            new_conflicts: r.new_conflicts as i64,
            incomplete: r.incomplete.len() as i64,
            encrypted: r.encrypted,
            tampered: r.tampered.len() as i64,
            full_copy: r.full_copy.map(|f| FullCopy {
                records: f.records as i64,
                threads: f.threads as i64,
                new_folder: f.new_folder,
            }),
        }
    }
}

/// A value that lost to a concurrent edit or delete, kept so it can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Conflict {
    #[ts(type = "number")]
    pub id: i64,
    /// "label", "thread", "highlight" or "read".
    pub kind: String,
    pub entity: String,
    pub field: String,
    /// The value that lost, as JSON text.
    pub value: String,
    /// What it lost to, as JSON text; null: a delete.
    pub lost_to: Option<String>,
    /// Why it lost: "edit" (a concurrent edit of the same field), "delete" (what it
    /// was written to was deleted), "thread" (a highlight made or edited on a
    /// thread another device deleted), "label" (a label given while another
    /// device deleted it), "remove" (an untag or unlink that a concurrent add
    /// undid: restoring removes again).
    pub reason: String,
    /// The device that wrote the value that lost, and the one that won.
    pub device: String,
    pub winner_device: String,
    /// Unix ms when the losing value was written.
    #[ts(type = "number")]
    pub written_ms: i64,
    pub restored: bool,
    /// One line for people (the core's).
    pub summary: String,
    /// For a highlight: the words it marks, as last synced.
    pub quote: Option<String>,
    /// For a highlight or a thread: the thread's title, as last synced.
    pub thread_title: Option<String>,
}

impl From<threadmark_core::sync::Conflict> for Conflict {
    fn from(c: threadmark_core::sync::Conflict) -> Self {
        Conflict {
            id: c.id,
            kind: c.kind,
            entity: c.entity,
            field: c.field,
            value: c.value.to_string(),
            lost_to: c.lost_to.map(|v| v.to_string()),
            reason: c.reason,
            device: c.device,
            winner_device: c.winner_device,
            written_ms: c.written_ms,
            restored: c.restored,
            summary: c.summary,
            quote: c.quote,
            thread_title: c.thread_title,
        }
    }
}
