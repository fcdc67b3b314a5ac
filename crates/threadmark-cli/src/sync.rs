//! `threadmark sync`: exchange changes with a synced folder, show where sync
//! stands and the conflict history, restore a value that lost.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use threadmark_core::sync::{Conflict, SyncReport, SyncStatus};
use threadmark_core::{Library, Result};

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
        if args.json {
            let v = serde_json::json!({"status": status, "conflicts": conflicts});
            return print_json(out, &v);
        }
        return print_status(out, &status, &conflicts);
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
    let report = match &args.folder {
        Some(folder) => lib.sync_with_folder(folder)?,
        None => lib.sync()?,
    };
    if args.json {
        return print_json(out, &serde_json::to_value(&report)?);
    }
    print_report(out, &report)
}

fn print_report(out: &mut impl Write, r: &SyncReport) -> Result<()> {
    writeln!(
        out,
        "device {} with {}",
        r.device,
        line(&r.folder.to_string_lossy())
    )?;
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
    Ok(())
}

fn print_status(out: &mut impl Write, s: &SyncStatus, conflicts: &[Conflict]) -> Result<()> {
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
