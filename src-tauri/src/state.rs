//! The one library the app holds open: which file, opened how, and the lock around it.
//!
//! The path comes from `--db PATH`, else `THREADMARK_DB`, else the core's default
//! (the same file the CLI uses). A library with no threads gets the sample thread so
//! that the first start shows something to read. No product logic lives here.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use threadmark_core::{Library, SourceFormat};

use crate::error::{Error, Result};

/// The sample thread shown on first start.
const SAMPLE_NAME: &str = "sample-thread.txt";
/// The title the sample thread is saved under.
pub const SAMPLE_TITLE: &str = "Sample: should Market Street go car-free on weekends?";
const SAMPLE: &[u8] = include_bytes!("../../assets/sample-thread.txt");

/// Tauri-managed state: the open library behind a lock, and where it lives.
pub struct LibraryState {
    library: Mutex<Library>,
    path: PathBuf,
}

impl LibraryState {
    /// Opens (creating and migrating if needed) the library at `path`, and imports the
    /// sample thread if it holds no thread yet. A library the user may not write is
    /// opened read-only (core decides; `library_info` tells the window).
    pub fn open(path: PathBuf) -> Result<Self> {
        let mut library = Library::open(&path)?;
        if library.is_empty()? && !library.is_read_only() {
            library.import_bytes(SAMPLE_NAME, SAMPLE, SourceFormat::Text, Some(SAMPLE_TITLE))?;
        }
        Ok(LibraryState {
            library: Mutex::new(library),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The library, for the length of one command.
    pub fn library(&self) -> Result<MutexGuard<'_, Library>> {
        self.library
            .lock()
            .map_err(|_| Error::internal("the library lock was poisoned by an earlier failure"))
    }
}

/// Tauri-managed state: whether the user asked to stop the import running now.
/// Kept apart from the library, whose lock the import holds.
#[derive(Default)]
pub struct Imports {
    cancel: AtomicBool,
    /// Wakes whoever waits in [`Imports::until_cancelled`] (a refresh downloading).
    cancelled: tokio::sync::Notify,
}

impl Imports {
    /// An import starts: no cancel asked for yet.
    pub fn start(&self) {
        self.cancel.store(false, Ordering::SeqCst);
    }

    /// Asks the running import to stop at its next step.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.cancelled.notify_waiters();
    }

    /// Resolves once the user asks to stop (at once if they already did).
    pub async fn until_cancelled(&self) {
        loop {
            let notified = self.cancelled.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.cancelled() {
                return;
            }
            notified.await;
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// The library file to open: `--db PATH` (or `--db=PATH`) among `args`, else `env`
/// (the value of `THREADMARK_DB`), else the core's default.
pub fn library_path(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Result<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return match args.next() {
                Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
                _ => Err(bad_db_arg()),
            };
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--db=")) {
            return match path {
                "" => Err(bad_db_arg()),
                path => Ok(PathBuf::from(path)),
            };
        }
    }
    match env {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => Ok(threadmark_core::default_library_path()?),
    }
}

/// Whether the app opens the default library: no `--db` among `args` and no
/// `THREADMARK_DB` (`env`). Only then is it a single instance (a second start hands
/// its links to the running window); windows on libraries named by `--db` or
/// `THREADMARK_DB` run side by side (two libraries syncing through one folder).
pub fn uses_default_library(
    args: impl IntoIterator<Item = OsString>,
    env: Option<&OsString>,
) -> bool {
    let named = args
        .into_iter()
        .any(|arg| arg == "--db" || arg.to_str().is_some_and(|a| a.starts_with("--db=")));
    !named && env.is_none_or(|e| e.is_empty())
}

fn bad_db_arg() -> Error {
    Error {
        kind: crate::error::ErrorKind::BadInput,
        message: "command line: --db: expected a path after --db".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn db_argument_wins_over_environment() {
        let env = Some(OsString::from("/env.sqlite3"));
        let cases: &[(&[&str], &str)] = &[
            (&["--db", "/a.sqlite3"], "/a.sqlite3"),
            (&["--db=/b.sqlite3"], "/b.sqlite3"),
            (&["--other", "--db", "rel.sqlite3"], "rel.sqlite3"),
            (&[], "/env.sqlite3"),
        ];
        for (given, expected) in cases {
            let path = library_path(args(given), env.clone()).expect("a path");
            assert_eq!(path, PathBuf::from(expected), "args {given:?}");
        }
    }

    #[test]
    fn missing_db_value_is_bad_input() {
        for given in [&["--db"][..], &["--db="][..], &["--db", ""][..]] {
            let error = library_path(args(given), None).expect_err("an error");
            assert_eq!(error.kind, crate::error::ErrorKind::BadInput, "{given:?}");
        }
    }

    #[test]
    fn only_the_default_library_is_a_single_instance() {
        let env = OsString::from("/env.sqlite3");
        let empty = OsString::new();
        assert!(uses_default_library(args(&[]), None));
        assert!(uses_default_library(
            args(&["threadmark://thread/1"]),
            Some(&empty)
        ));
        assert!(!uses_default_library(args(&[]), Some(&env)));
        assert!(!uses_default_library(args(&["--db", "/a.sqlite3"]), None));
        assert!(!uses_default_library(args(&["--db=/b.sqlite3"]), None));
    }

    #[test]
    fn falls_back_to_the_core_default() {
        let path = library_path(args(&[]), None).expect("a default path");
        assert_eq!(
            path,
            threadmark_core::default_library_path().expect("default")
        );
    }
}
