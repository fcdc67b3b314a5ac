//! One sync, both ways: local edits captured and written to this device's
//! directory (contents first, then the change file), then every change file not
//! read before applied, and the winners written into the library.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::Serialize;

use super::clock::{now_ms, Clock};
use super::crypt::Key;
use super::envelope;
use super::folder::{self, Layout};
use super::materialize::{self, Folder, Outcome};
use super::merge::{self, Local};
use super::record::{self, Unreadable};
use super::{capture, device_id, set_setting, setting, snapshot, state};
use crate::error::{Error, Result};
use crate::store::Library;

/// How to sync (tests fix the clock).
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// The wall time to stamp with, in unix ms (default: now).
    pub now_ms: Option<i64>,
    /// The folder's passphrase: opens an encrypted folder (its key is then
    /// remembered in the library), or makes an empty one encrypted. None: the
    /// remembered key, if the folder is encrypted.
    pub passphrase: Option<super::crypt::Passphrase>,
    /// Test only: stop after writing this sync's change file under its temporary
    /// name, as a crash before the rename would.
    #[doc(hidden)]
    pub crash_before_rename: bool,
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SyncReport {
    pub device: String,
    pub folder: PathBuf,
    /// Records written in this sync's change file (0: none written).
    pub sent: usize,
    /// Thread contents written.
    pub contents_sent: usize,
    /// The change file written, relative to the devices directory.
    pub file_written: Option<String>,
    /// Change files read whole.
    pub files_read: usize,
    /// Records applied that were new here; duplicates skipped.
    pub received: usize,
    pub duplicates: usize,
    /// Entities written into the library, by kind.
    pub labels: usize,
    pub threads: usize,
    pub highlights: usize,
    pub reads: usize,
    /// Entities waiting for their thread or its content file.
    pub pending: usize,
    /// Values that lost to a concurrent edit or delete in this sync.
    pub new_conflicts: usize,
    /// Files not read whole (being copied, torn): read again next time.
    pub incomplete: Vec<String>,
    /// Files in a change folder that are not change files.
    pub ignored: Vec<String>,
    /// Whether the folder is encrypted (sync/crypt.rs).
    pub encrypted: bool,
    /// Encrypted files that do not authenticate (altered, or not what their
    /// place says): not applied, read again next time.
    pub tampered: Vec<String>,
    /// The folder lacked this device's files (a new folder, or its files went
    /// missing): everything this library holds was written to it (snapshot.rs).
    pub full_copy: Option<FullCopy>,
}

/// What a full copy wrote (sync/snapshot.rs).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct FullCopy {
    /// Records queued with their original stamps.
    pub records: usize,
    /// Thread contents.
    pub threads: usize,
    /// Of those, contents that were neither in a folder nor could be made again
    /// as last synced (the thread was renamed since): sent as new versions.
    pub new_contents: usize,
    /// Whether the folder is another than the one this library synced with last.
    pub new_folder: bool,
}

impl Library {
    /// Sync with `folder` (and remember it as this library's sync folder).
    pub fn sync_with_folder(&mut self, folder: &Path) -> Result<SyncReport> {
        self.sync_with_folder_opts(folder, &SyncOptions::default())
    }

    /// Sync with the folder remembered by the last sync.
    pub fn sync(&mut self) -> Result<SyncReport> {
        let folder = self.sync_folder()?.ok_or_else(|| {
            Error::bad_input(
                "no sync folder is set: sync once with a folder (threadmark sync --folder DIR)",
            )
        })?;
        self.sync_with_folder(&folder)
    }

    /// Sync with the folder remembered by the last sync, with options.
    pub fn sync_opts(&mut self, opts: &SyncOptions) -> Result<SyncReport> {
        let folder = self.sync_folder()?.ok_or_else(|| {
            Error::bad_input(
                "no sync folder is set: sync once with a folder (threadmark sync --folder DIR)",
            )
        })?;
        self.sync_with_folder_opts(&folder, opts)
    }

    /// Whether `folder` (default: the sync folder) is encrypted and this library
    /// holds its key; None when no folder is set.
    pub fn sync_encryption(&self, folder: Option<&Path>) -> Result<Option<super::Encryption>> {
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => match self.sync_folder()? {
                Some(f) => f,
                None => return Ok(None),
            },
        };
        super::crypt::status(self.connection(), &folder).map(Some)
    }

    /// The folder this library syncs with, if one was set.
    pub fn sync_folder(&self) -> Result<Option<PathBuf>> {
        Ok(setting(self.connection(), "folder")?.map(PathBuf::from))
    }

    /// Record local edits now (stamped now) without touching the folder; the
    /// next sync sends them. Returns how many changes were recorded.
    pub fn sync_capture(&mut self) -> Result<usize> {
        self.ensure_writable()?;
        let device = device_id(self.connection())?;
        let mut clock = Clock::new(&device, setting(self.connection(), "clock")?.as_deref());
        let mut local = Local {
            clock: &mut clock,
            now_ms: now_ms(),
            made: 0,
        };
        let n = capture::capture(self, &mut local)?;
        set_setting(self.connection(), "clock", &clock.last())?;
        Ok(n)
    }

    /// Sync with `folder`, with options.
    pub fn sync_with_folder_opts(
        &mut self,
        folder: &Path,
        opts: &SyncOptions,
    ) -> Result<SyncReport> {
        self.ensure_writable()?;
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        let device = device_id(self.connection())?;
        let layout = Layout::new(&folder, &device);
        // The key first: a wrong or missing passphrase stops the sync before
        // anything is read or written.
        if !folder.is_dir() {
            layout.prepare(&folder)?;
        }
        let key = super::crypt::resolve(self.connection(), &folder, opts.passphrase.as_ref())?;
        layout.prepare(&folder)?;
        folder::clean_own(&layout);
        let now = opts.now_ms.unwrap_or_else(now_ms);
        let mut clock = Clock::new(&device, setting(self.connection(), "clock")?.as_deref());
        let mut report = SyncReport {
            device: device.clone(),
            folder: folder.clone(),
            encrypted: key.is_some(),
            ..Default::default()
        };

        // Does the folder hold this device's files? If not, everything goes.
        let folder_text = folder.to_string_lossy().to_string();
        let need = snapshot::needed(self.connection(), &layout, &folder_text)?;
        let full = need != snapshot::Need::No;
        let new_folder = need == snapshot::Need::NewFolder;
        let mut local = Local {
            clock: &mut clock,
            now_ms: now,
            made: 0,
        };
        capture::capture(self, &mut local)?;
        if full {
            let sources = snapshot::Sources {
                devices: &layout.devices,
                key: key.as_ref(),
                old_folder: new_folder
                    .then(|| self.sync_folder().ok().flatten())
                    .flatten(),
            };
            let q = snapshot::queue(self, &sources, &mut local)?;
            report.full_copy = Some(FullCopy {
                records: q.records,
                threads: q.threads,
                new_contents: q.new_versions,
                new_folder,
            });
        }
        set_setting(self.connection(), "clock", &clock.last())?;
        write_out(self, &layout, &device, key.as_ref(), opts, &mut report)?;
        if opts.crash_before_rename {
            return Ok(report);
        }
        // The full copy is written: forget the files that were not this folder's
        // (a new folder: read everything here) or are gone from it.
        let mine = report.file_written.clone().unwrap_or_default();
        match &need {
            snapshot::Need::NewFolder => {
                self.connection()
                    .execute("DELETE FROM sync_files WHERE path != ?1", [&mine])?;
            }
            snapshot::Need::Missing(paths) => {
                for p in paths {
                    self.connection()
                        .execute("DELETE FROM sync_files WHERE path = ?1", [p])?;
                }
            }
            snapshot::Need::No => {}
        }
        {
            let scope = super::envelope::Scope::enter(key.as_ref());
            read_in(self, &layout, key.as_ref(), &mut clock, &mut report)?;
            report.tampered.extend(scope.tampered());
        }
        // Records this version does not understand are passed on at once.
        let passing: i64 =
            self.connection()
                .query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
        if passing > 0 {
            write_out(self, &layout, &device, key.as_ref(), opts, &mut report)?;
        }
        set_setting(self.connection(), "folder", &folder.to_string_lossy())?;
        set_setting(self.connection(), "last_sync", &now_ms().to_string())?;
        Ok(report)
    }
}

fn write_out(
    lib: &mut Library,
    layout: &Layout,
    device: &str,
    key: Option<&Key>,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<()> {
    let conn = lib.connection();
    let blobs: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT hash, bytes FROM sync_blobs_out")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (hash, bytes) in &blobs {
        let path = layout
            .own
            .join("threads")
            .join(super::content::file_name(hash));
        match key {
            Some(k) => {
                folder::write_new(&path, &envelope::seal(k, "thread", device, hash, bytes)?)?
            }
            None => folder::write_new(&path, bytes)?,
        }
    }
    let outbox: Vec<(i64, String)> = conn
        .prepare("SELECT seq, record FROM sync_outbox ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut written = None;
    if !outbox.is_empty() {
        let mut seq: u64 = setting(conn, "seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
            + 1;
        // A file of that number may exist (written before a crash, before the
        // library recorded it): never rewrite a file, take the next number.
        while layout.change_file(seq).exists() {
            seq += 1;
        }
        let lines: Vec<String> = outbox.iter().map(|(_, r)| r.clone()).collect();
        let mut bytes = record::write_file(device, seq, &lines);
        if let Some(k) = key {
            bytes = envelope::seal(k, "changes", device, &format!("{seq:010}"), &bytes)?;
        }
        let path = layout.change_file(seq);
        if opts.crash_before_rename {
            let tmp = path.with_file_name(format!(".{seq:010}.jsonl.tmp"));
            std::fs::write(&tmp, &bytes).map_err(|e| Error::from(e).in_file(&tmp))?;
            return Ok(());
        }
        folder::write_new(&path, &bytes)?;
        written = Some((seq, path, bytes.len(), lines.len()));
    }
    let tx = lib.conn_mut().transaction()?;
    for (hash, _) in &blobs {
        tx.execute("DELETE FROM sync_blobs_out WHERE hash = ?1", [hash])?;
    }
    report.contents_sent += blobs.len();
    if let (Some((seq, path, size, n)), Some((last, _))) = (&written, outbox.last()) {
        tx.execute("DELETE FROM sync_outbox WHERE seq <= ?1", [last])?;
        set_setting(&tx, "seq", &seq.to_string())?;
        let rel = folder::relative(layout, path);
        tx.execute(
            "INSERT OR REPLACE INTO sync_files (path, size, records) VALUES (?1, ?2, ?3)",
            params![rel, *size as i64, *n as i64],
        )?;
        report.sent += *n;
        report.file_written = Some(rel);
    }
    tx.commit()?;
    Ok(())
}

fn read_in(
    lib: &mut Library,
    layout: &Layout,
    key: Option<&Key>,
    clock: &mut Clock,
    report: &mut SyncReport,
) -> Result<()> {
    let done: HashSet<(String, i64)> = lib
        .connection()
        .prepare("SELECT path, size FROM sync_files")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut files = Vec::new();
    for (path, size) in folder::change_files(layout)? {
        let rel = folder::relative(layout, &path);
        if done.contains(&(rel.clone(), size as i64)) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::from(e).in_file(&path))?;
        let size = bytes.len();
        let bytes = match envelope::open_change_file(&path, &rel, bytes, key, report)? {
            envelope::Opened::Bytes(b) => b,
            envelope::Opened::Later => continue,
            envelope::Opened::Never => {
                files.push((rel, size, Vec::new()));
                continue;
            }
        };
        match record::read_file(&bytes) {
            Ok((_, records)) => files.push((rel, size, records)),
            Err(Unreadable::Incomplete(why)) => report.incomplete.push(format!("{rel}: {why}")),
            Err(Unreadable::NotChanges(why)) => {
                report.ignored.push(format!("{rel}: {why}"));
                files.push((rel, size, Vec::new()));
            }
        }
    }
    let pending: Vec<(String, String)> = lib
        .connection()
        .prepare("SELECT kind, entity FROM sync_pending")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if files.is_empty() && pending.is_empty() {
        return Ok(());
    }
    let tx = lib.conn_mut().transaction()?;
    // Conflicts are also found while writing into the library (a highlight lost
    // with its thread): counted as the history's growth.
    let conflicts_before: i64 =
        tx.query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))?;
    let mut touched: BTreeSet<(String, String)> = pending.into_iter().collect();
    let mut wrote = false;
    let mut deleted = merge::Deleted::load(&tx)?;
    for (rel, size, records) in &files {
        for (rec, line) in records {
            let a = merge::apply(&tx, rec, clock, Some(&mut deleted))?;
            if a.new {
                report.received += 1;
            } else {
                report.duplicates += 1;
            }
            if a.changed {
                touched.insert((rec.k.clone(), rec.id.clone()));
            }
            // Pass on what this version does not understand, as it came.
            if a.new && (!state::known(&rec.k, &rec.f) || !rec.extra.is_empty()) {
                tx.prepare_cached("INSERT INTO sync_outbox (record) VALUES (?1)")?
                    .execute([line])?;
            }
        }
        report.files_read += 1;
        tx.execute(
            "INSERT OR REPLACE INTO sync_files (path, size, records) VALUES (?1, ?2, ?3)",
            params![rel, *size as i64, records.len() as i64],
        )?;
    }
    // A label that changed: the highlights naming it are written again.
    let labels: Vec<String> = touched
        .iter()
        .filter(|(k, _)| k == "label")
        .map(|(_, e)| e.clone())
        .collect();
    for key in labels {
        let mut stmt = tx.prepare_cached(
            "SELECT entity FROM sync_fields WHERE kind = 'highlight' AND field = 'label' AND lower(value) = ?1",
        )?;
        let named: Vec<String> = stmt
            .query_map([serde_json::Value::String(key).to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        touched.extend(named.into_iter().map(|e| ("highlight".to_string(), e)));
    }
    let devices = layout.devices.clone();
    let dir = Folder { devices: &devices };
    for kind in state::KINDS {
        for (_, key) in touched.iter().filter(|(k, _)| k == kind) {
            let outcome = materialize::entity(&tx, kind, key, &dir)?;
            if outcome == Outcome::Pending {
                tx.execute(
                    "INSERT OR IGNORE INTO sync_pending (kind, entity) VALUES (?1, ?2)",
                    params![kind, key],
                )?;
                report.pending += 1;
                continue;
            }
            tx.execute(
                "DELETE FROM sync_pending WHERE kind = ?1 AND entity = ?2",
                params![kind, key],
            )?;
            wrote = true;
            match kind {
                "label" => report.labels += 1,
                "thread" => report.threads += 1,
                "highlight" => report.highlights += 1,
                _ => report.reads += 1,
            }
        }
    }
    if touched.iter().any(|(k, _)| k == "highlight") && materialize::links(&tx)? > 0 {
        wrote = true;
    }
    if wrote {
        capture::absorb(&tx)?;
    }
    let conflicts_after: i64 =
        tx.query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))?;
    report.new_conflicts += (conflicts_after - conflicts_before).max(0) as usize;
    set_setting(&tx, "clock", &clock.last())?;
    tx.commit()?;
    Ok(())
}
