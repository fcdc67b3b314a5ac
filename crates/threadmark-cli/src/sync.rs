//! `threadmark sync`: exchange changes with a synced folder, show where sync
//! stands and the conflict history, restore a value that lost. An encrypted
//! folder's passphrase comes from `--passphrase-file` or the environment
//! (`THREADMARK_SYNC_PASSPHRASE`), never from the command line itself.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use threadmark_core::sync::{
    Conflict, Encryption, Passphrase, SyncOptions, SyncReport, SyncStatus,
};
use threadmark_core::{Error, Library, Result};

use crate::output::print_json;
use crate::terminal::line;

/// Arguments of `threadmark sync`.
#[derive(Args)]
pub struct SyncArgs {
    /// The synced folder (Syncthing, Dropbox, a USB stick, a share); remembered, so
    /// later syncs may leave it out.
    #[arg(long, value_name = "DIR")]
    folder: Option<PathBuf>,
    /// Show the device id, folder, last sync, waiting changes and the conflict
    /// history instead of syncing.
    #[arg(long, conflicts_with_all = ["folder", "restore"])]
    status: bool,
    /// Make the value that lost in conflict ID current again (see --status).
    #[arg(long, value_name = "ID", conflicts_with = "folder")]
    restore: Option<i64>,
    /// A file holding the folder's passphrase (its first line): encrypts an empty
    /// folder, opens an encrypted one. The key is remembered in the library, so
    /// later syncs need no passphrase. Or set THREADMARK_SYNC_PASSPHRASE.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["status", "restore"])]
    passphrase_file: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

impl SyncArgs {
    /// Whether the command changes the library.
    pub fn writes(&self) -> bool {
        !self.status
    }
}

/// Run `threadmark sync`.
pub fn run(lib: &mut Library, args: SyncArgs, out: &mut impl Write) -> Result<()> {
    if args.status {
        let status = lib.sync_status()?;
        let conflicts = lib.conflicts()?;
        // A folder that cannot be reached now (unmounted) does not hide the rest.
        let encryption = lib.sync_encryption(None).map_err(|e| e.to_string());
        if args.json {
            let enc = match &encryption {
                Ok(e) => serde_json::to_value(e)?,
                Err(e) => serde_json::json!({"error": e}),
            };
            let v =
                serde_json::json!({"status": status, "conflicts": conflicts, "encryption": enc});
            return print_json(out, &v);
        }
        return print_status(out, &status, &encryption, &conflicts);
    }
    if let Some(id) = args.restore {
        let c = lib.restore_conflict(id)?;
        if args.json {
            return print_json(out, &serde_json::to_value(&c)?);
        }
        writeln!(out, "restored conflict {}: {}", c.id, line(&c.summary))?;
        writeln!(out, "(sent at the next sync)")?;
        return Ok(());
    }
    let opts = SyncOptions {
        passphrase: passphrase(args.passphrase_file.as_deref())?,
        ..Default::default()
    };
    let report = match &args.folder {
        Some(folder) => lib.sync_with_folder_opts(folder, &opts)?,
        None => lib.sync_opts(&opts)?,
    };
    if args.json {
        return print_json(out, &serde_json::to_value(&report)?);
    }
    print_report(out, &report)
}

/// The passphrase from `--passphrase-file` (its first line), else from
/// THREADMARK_SYNC_PASSPHRASE; None when neither is given.
fn passphrase(file: Option<&Path>) -> Result<Option<Passphrase>> {
    let text = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).in_file(path))?;
            let first = text.lines().next().unwrap_or("").to_string();
            if first.is_empty() {
                return Err(
                    Error::bad_input("the passphrase file's first line is empty").in_file(path),
                );
            }
            first
        }
        None => match std::env::var("THREADMARK_SYNC_PASSPHRASE") {
            Ok(p) if !p.is_empty() => p,
            _ => return Ok(None),
        },
    };
    Ok(Some(Passphrase(text)))
}

fn print_report(out: &mut impl Write, r: &SyncReport) -> Result<()> {
    writeln!(
        out,
        "device {} with {}{}",
        r.device,
        line(&r.folder.to_string_lossy()),
        if r.encrypted { " (encrypted)" } else { "" }
    )?;
    if let Some(full) = &r.full_copy {
        writeln!(
            out,
            "wrote everything to {}: {} records, {} threads{}",
            if full.new_folder {
                "a new folder"
            } else {
                "the folder again (change files were missing from it)"
            },
            full.records,
            full.threads,
            if full.new_contents > 0 {
                format!(
                    " ({} renamed since: sent as new versions)",
                    full.new_contents
                )
            } else {
                String::new()
            }
        )?;
    }
    match &r.file_written {
        Some(file) => writeln!(
            out,
            "out: {} changes ({}), {} thread contents",
            r.sent,
            line(file),
            r.contents_sent
        )?,
        None => writeln!(
            out,
            "out: nothing new ({} thread contents)",
            r.contents_sent
        )?,
    }
    writeln!(
        out,
        "in: {} changes from {} files ({} already here); written: {} labels, {} threads, {} highlights, {} read marks; {} waiting",
        r.received, r.files_read, r.duplicates, r.labels, r.threads, r.highlights, r.reads, r.pending
    )?;
    if r.new_conflicts > 0 {
        writeln!(
            out,
            "conflicts: {} values lost to concurrent edits or deletes, kept (threadmark sync --status)",
            r.new_conflicts
        )?;
    }
    for f in &r.incomplete {
        writeln!(out, "not yet whole, read again next time: {}", line(f))?;
    }
    for f in &r.ignored {
        writeln!(out, "not a change file, ignored: {}", line(f))?;
    }
    for f in &r.tampered {
        writeln!(
            out,
            "altered or misplaced encrypted file, not applied (read again next time): {}",
            line(f)
        )?;
    }
    Ok(())
}

fn print_status(
    out: &mut impl Write,
    s: &SyncStatus,
    encryption: &std::result::Result<Option<Encryption>, String>,
    conflicts: &[Conflict],
) -> Result<()> {
    if s.device.is_empty() {
        writeln!(out, "never synced (threadmark sync --folder DIR)")?;
    } else {
        writeln!(out, "device: {}", s.device)?;
    }
    writeln!(
        out,
        "folder: {}",
        s.folder
            .as_deref()
            .map(line)
            .unwrap_or(std::borrow::Cow::Borrowed("(none)"))
    )?;
    let last = match s.last_sync_ms {
        Some(ms) => threadmark_core::export::rfc3339(ms / 1000),
        None => "never".to_string(),
    };
    writeln!(out, "last sync: {last}")?;
    match encryption {
        Ok(None) => {}
        Ok(Some(e)) if !e.encrypted => writeln!(out, "encryption: off")?,
        Ok(Some(e)) if e.key_here => writeln!(out, "encryption: on (passphrase given on this device)")?,
        Ok(Some(_)) => writeln!(
            out,
            "encryption: on (this device needs the passphrase: --passphrase-file or THREADMARK_SYNC_PASSPHRASE)"
        )?,
        Err(e) => writeln!(out, "encryption: unknown ({})", line(e))?,
    }
    writeln!(
        out,
        "waiting to go out: {} changes; waiting for their thread: {}; change files read: {}",
        s.outgoing, s.pending, s.files_read
    )?;
    writeln!(
        out,
        "conflicts: {} open, {} in all",
        s.conflicts_open, s.conflicts
    )?;
    for c in conflicts {
        writeln!(
            out,
            "  {}{} {}",
            c.id,
            if c.restored { " (restored)" } else { "" },
            line(&c.summary)
        )?;
    }
    Ok(())
}
