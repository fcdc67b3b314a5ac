//! The library: one SQLite file holding threads, posts, quotes, labels and
//! highlights.
//!
//! Opened with WAL, foreign keys and a busy timeout, and migrated at open from the
//! SQL files in `migrations/` (embedded in the binary). The app and the CLI may
//! have the same file open at once. Every import is one transaction.

mod align;
mod annotations;
mod cjk;
pub use cjk::query as cjk_query;
mod follow;
mod highlights;
mod labels;
mod links;
mod locate;
mod manage;
mod overview;
mod place;
pub use overview::PostOverview;
mod read;
pub use read::SEARCH_RANKED;
mod resolve;
mod restore;
mod unchanged;
mod upsert;
mod write;

pub use annotations::AnnotationReport;
pub use follow::{address_of, Change, News, ParentContext, RefreshReport};
pub use highlights::{DeletedHighlight, HighlightEdit, NewHighlight};
pub use labels::{LabelRemoval, LabelSpec};
pub use links::{Link, LinkKind};
pub(crate) use restore::restore_thread;
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
    read_only: bool,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

/// The page size of a library this build creates (see `prepare`).
pub const NEW_PAGE_SIZE: i64 = 16384;

impl Library {
    /// Open (creating if needed) the library at `path` and migrate it. A library
    /// this process may read but not write (a read-only file or folder, a read-only
    /// mount, another user's file) is opened read-only: see [`Library::is_read_only`].
    pub fn open(path: &Path) -> Result<Library> {
        match Self::open_writable(path) {
            Ok(lib) if lib.conn.is_readonly("main").unwrap_or(false) => {
                drop(lib);
                Self::open_read_only(path)
            }
            Ok(lib) => Ok(lib),
            Err(e) if path.is_file() && is_read_only_failure(e.cause()) => {
                Self::open_read_only(path).map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }

    /// Open an existing library for reading only; it must be at this build's
    /// schema version (a read-only library cannot be migrated).
    pub fn open_read_only(path: &Path) -> Result<Library> {
        let wrap = |e: Error| e.in_file(path);
        let (conn, version) = match read_only_connection(path, false) {
            Ok(opened) => opened,
            // A WAL library in a folder this process may not write, with no shared
            // memory file beside it: SQLite cannot set up the WAL index. Read it as
            // immutable instead (nobody who could change it is expected to).
            Err(e) if is_read_only_failure(e.cause()) => {
                read_only_connection(path, true).map_err(|_| wrap(e))?
            }
            Err(e) => return Err(wrap(e)),
        };
        let latest = MIGRATIONS_DIR.dirs().count() as i64;
        if version != latest {
            return Err(wrap(Error::new(
                ErrorKind::Database,
                format!("the library is read-only and at schema version {version}; this build reads version {latest} and cannot upgrade a library it may not write"),
            )));
        }
        Ok(Library {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
        })
    }

    /// Whether this library was opened read-only (see [`Library::open`]): reading
    /// works, every write fails. Callers refuse writes up front with
    /// [`Library::ensure_writable`].
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// An error naming the file if the library is read-only.
    pub fn ensure_writable(&self) -> Result<()> {
        if !self.read_only {
            return Ok(());
        }
        let e = Error::new(
            ErrorKind::ReadOnly,
            "the library is read-only (no permission to write it, or a read-only file system): nothing was changed",
        );
        Err(match &self.path {
            Some(p) => e.in_file(p),
            None => e,
        })
    }

    fn open_writable(path: &Path) -> Result<Library> {
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
            read_only: false,
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
            read_only: false,
        };
        lib.prepare()?;
        Ok(lib)
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Before the migrations: schema 9's triggers and backfill call it.
        cjk::register(&self.conn)?;
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

    /// The connection, for the sync module's transactions.
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Direct access for tests of the schema itself.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A read-only connection (`immutable`: SQLite takes no locks and reads no WAL)
/// with its schema version.
fn read_only_connection(path: &Path, immutable: bool) -> Result<(Connection, i64)> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(path)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    cjk::register(&conn)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| {
            let e = Error::from(e);
            if e.cause().contains("file is not a database") {
                Error::new(
                    ErrorKind::Database,
                    "not a Threadmark library (not an SQLite database)",
                )
            } else {
                e
            }
        })?;
    Ok((conn, version))
}

/// A path for an SQLite `file:` URI: every byte but unreserved ones and `/`
/// percent-encoded.
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for &b in absolute.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether an open failed because the file or its folder may not be written.
fn is_read_only_failure(cause: &str) -> bool {
    [
        "readonly",
        "read-only",
        "unable to open database file",
        "ermission denied",
    ]
    .iter()
    .any(|s| cause.contains(s))
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
        // `Migrations::validate` uses a bare connection, without the SQL function
        // schema 7 calls: apply them all to one that has it instead.
        let mut conn = Connection::open_in_memory().unwrap();
        cjk::register(&conn).unwrap();
        migrations().unwrap().to_latest(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS_DIR.dirs().count() as i64);
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
