//! Managing threads from the command line: `rename`, `delete` (saying what it
//! deleted) and the checks that keep `search --thread` honest.

use std::io::Write;

use threadmark_core::{Library, Result};

use crate::terminal::line;

/// `rename ID TITLE`: a title of one line without control characters (refused
/// otherwise, by core); prints the thread's new title.
pub fn rename(lib: &mut Library, out: &mut impl Write, thread: i64, title: &str) -> Result<()> {
    let t = lib.rename_thread(thread, title)?;
    writeln!(out, "thread {}: {}", t.id, line(&t.title))?;
    Ok(())
}

/// `delete ID`: deletes the thread with its posts and highlights, and says so.
pub fn delete(lib: &mut Library, out: &mut impl Write, thread: i64) -> Result<()> {
    let t = lib.thread(thread)?;
    lib.delete_thread(thread)?;
    writeln!(
        out,
        "deleted thread {}: {} ({} {}, {} {})",
        t.id,
        line(&t.title),
        t.posts,
        if t.posts == 1 { "post" } else { "posts" },
        t.highlights,
        if t.highlights == 1 {
            "highlight"
        } else {
            "highlights"
        }
    )?;
    Ok(())
}

/// `search --thread N` names a thread that exists (else the "no thread N" error).
pub fn check_thread(lib: &Library, thread: Option<i64>) -> Result<()> {
    if let Some(id) = thread {
        lib.thread(id)?;
    }
    Ok(())
}
