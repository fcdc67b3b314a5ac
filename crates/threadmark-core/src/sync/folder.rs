//! The synced folder: `<folder>/threadmark/devices/<device-id>/changes/*.jsonl`
//! and `<device-id>/threads/<sha256>.json.gz`. A device writes only under its
//! own directory, each file under a temporary name (`.NAME.tmp`), synced to disk,
//! then renamed into place, and never changes a file after that. Readers skip
//! temporary names and read everything else, sync tools' conflict copies
//! included (`*.sync-conflict-*`, `* (conflicted copy)*`): applying a record twice
//! does nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The paths of one folder as seen by one device.
#[derive(Debug, Clone)]
pub struct Layout {
    pub devices: PathBuf,
    pub own: PathBuf,
}

impl Layout {
    pub fn new(folder: &Path, device: &str) -> Layout {
        let devices = folder.join("threadmark").join("devices");
        let own = devices.join(device);
        Layout { devices, own }
    }

    /// Create this device's directories (the folder itself must exist: a missing
    /// one is more likely a typo or an unmounted drive than a wish).
    pub fn prepare(&self, folder: &Path) -> Result<()> {
        if !folder.is_dir() {
            return Err(
                Error::not_found("the sync folder does not exist (or is not a folder)")
                    .in_file(folder),
            );
        }
        for sub in ["changes", "threads"] {
            let dir = self.own.join(sub);
            std::fs::create_dir_all(&dir).map_err(|e| Error::from(e).in_file(&dir))?;
        }
        Ok(())
    }

    /// The name of this device's change file number `seq`.
    pub fn change_file(&self, seq: u64) -> PathBuf {
        self.own.join("changes").join(format!("{seq:010}.jsonl"))
    }
}

/// Whether a file name is a temporary one (skipped by readers).
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') || name.ends_with(".tmp")
}

/// Write `bytes` to `path` whole or not at all: a temporary name in the same
/// directory, fsync, rename, fsync of the directory. An existing file is left
/// alone (files are never rewritten).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let wrap = |e: std::io::Error| Error::from(e).in_file(path);
    let dir = path
        .parent()
        .ok_or_else(|| Error::bad_input("no directory").in_file(path))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself is durable once the directory is synced (not every
        // platform lets a directory be opened; failing that is not fatal).
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(wrap)
}

/// Temporary files this device left behind (a crash between write and rename):
/// removed; their records are still in the outbox and are written again.
pub fn clean_own(layout: &Layout) {
    for sub in ["changes", "threads"] {
        if let Ok(entries) = std::fs::read_dir(layout.own.join(sub)) {
            for e in entries.flatten() {
                if is_temporary(&e.file_name().to_string_lossy()) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// Every change file of every device (this one's too), with its size, in path
/// order.
pub fn change_files(layout: &Layout) -> Result<Vec<(PathBuf, u64)>> {
    let mut out = Vec::new();
    let devices = match std::fs::read_dir(&layout.devices) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::from(e).in_file(&layout.devices)),
    };
    for device in devices.flatten() {
        let dir = device.path().join("changes");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if is_temporary(&name) {
                continue;
            }
            if let Ok(meta) = e.metadata() {
                if meta.is_file() {
                    out.push((e.path(), meta.len()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A path relative to the devices directory, as `sync_files` records it (the
/// same folder may be mounted elsewhere on another run).
pub fn relative(layout: &Layout, path: &Path) -> String {
    path.strip_prefix(&layout.devices)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
