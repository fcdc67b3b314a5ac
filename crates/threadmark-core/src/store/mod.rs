//! The library: one SQLite file holding threads, posts, quotes, labels and
//! highlights.
//!
//! Opened with WAL, foreign keys and a busy timeout, and migrated at open from the
//! SQL files in `migrations/` (embedded in the binary). The app and the CLI may
//! have the same file open at once. Every import is one transaction.

mod align;
mod annotations;
mod follow;
mod highlights;
mod labels;
mod links;
mod manage;
mod read;
pub use read::SEARCH_RANKED;
mod restore;
mod unchanged;
mod write;

pub use annotations::AnnotationReport;
pub use follow::{address_of, Change, News, ParentContext, RefreshReport};
pub use highlights::{DeletedHighlight, HighlightEdit, NewHighlight};
pub use labels::{LabelRemoval, LabelSpec};
pub use links::{Link, LinkKind};
pub use restore::RestoreReport;
pub use write::WriteOptions;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use include_dir::{include_dir, Dir};
use rusqlite::Connection;
use rusqlite_migration::Migrations;

use crate::error::{Error, ErrorKind, Result};

static MIGRATIONS_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");

static MIGRATIONS: LazyLock<std::result::Result<Migrations<'static>, String>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATIONS_DIR).map_err(|e| e.to_string()));

/// The embedded migrations.
pub fn migrations() -> Result<&'static Migrations<'static>> {
    MIGRATIONS.as_ref().map_err(|e| {
        Error::new(
            ErrorKind::Database,
            format!("embedded migrations are invalid: {e}"),
        )
    })
}

/// How long a writer waits for another (the app or the CLI) before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open library.
pub struct Library {
    conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

/// The page size of a library this build creates (see `prepare`).
pub const NEW_PAGE_SIZE: i64 = 16384;

impl Library {
    /// Open (creating if needed) the library at `path` and migrate it.
    pub fn open(path: &Path) -> Result<Library> {
        let wrap = |e: Error| e.in_file(path);
        if path.is_dir() {
            return Err(wrap(Error::new(
                ErrorKind::Io,
                "is a directory, not a library file",
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| wrap(e.into()))?;
        }
        let conn = Connection::open(path).map_err(|e| wrap(e.into()))?;
        let mut lib = Library {
            conn,
            path: Some(path.to_path_buf()),
        };
        lib.prepare().map_err(|e| {
            if e.cause().contains("file is not a database") {
                wrap(Error::new(
                    ErrorKind::Database,
                    "not a Threadmark library (not an SQLite database)",
                ))
            } else {
                wrap(e)
            }
        })?;
        Ok(lib)
    }

    /// A library in memory, for tests and previews.
    pub fn open_in_memory() -> Result<Library> {
        let mut lib = Library {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        lib.prepare()?;
        Ok(lib)
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Write transactions take the write lock when they begin. A deferred one
        // that reads first and then writes fails at once with "database is locked"
        // (no busy wait) if another connection, the app's or the CLI's, committed
        // in between; an immediate one waits up to BUSY_TIMEOUT instead.
        self.conn
            .set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        // A new library gets pages of 16 KiB (SQLite's default is 4 KiB); on an
        // existing one this does nothing, and it keeps the size it was made with.
        // A long thread is then written to the log and copied into the file in a
        // quarter of the pieces: the 10,000-post benchmark thread imported in about
        // 80 ms less (BENCHMARKS.md). Must precede WAL mode.
        self.conn
            .execute_batch(&format!("PRAGMA page_size = {NEW_PAGE_SIZE}"))?;
        // journal_mode returns a row; in-memory databases answer "memory".
        let _mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        self.conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;",
        )?;
        migrations()?.to_latest(&mut self.conn)?;
        Ok(())
    }

    /// The file this library lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version (SQLite `user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Direct access for tests of the schema itself.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Now, in unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().unwrap().validate().unwrap();
    }

    #[test]
    fn opens_with_wal_foreign_keys_and_default_labels() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open(&dir.path().join("sub/lib.sqlite3")).unwrap();
        let c = lib.connection();
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let timeout: i64 = c
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 10_000);
        let page: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        assert_eq!(page, NEW_PAGE_SIZE);
        assert!(lib.schema_version().unwrap() >= 1);
        let names: Vec<String> = lib.labels().unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(
            names,
            ["Claim", "Evidence", "Rebuttal", "Question", "Concession"]
        );
    }

    #[test]
    fn reopening_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.sqlite3");
        drop(Library::open(&path).unwrap());
        let lib = Library::open(&path).unwrap();
        assert_eq!(lib.labels().unwrap().len(), 5);
    }

    #[test]
    fn refuses_a_file_that_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.sqlite3");
        std::fs::write(&path, vec![0x42u8; 4096]).unwrap();
        let e = Library::open(&path).unwrap_err();
        assert!(e.to_string().contains("junk.sqlite3"), "{e}");
        assert_eq!(e.kind(), ErrorKind::Database);
    }
}
