//! One error type for the whole core.
//!
//! Every error renders as one line naming the file (when there is one), the place in
//! it (line, JSON path, message number) and the cause, so the CLI can print it as is
//! and the app can show it to the user.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of failure this is; stable strings cross the IPC boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A thread, post or highlight that does not exist.
    NotFound,
    /// Input that cannot be read as the format it claims to be.
    BadInput,
    /// The file system refused (missing file, permission, a directory).
    Io,
    /// SQLite failed.
    Database,
    /// Input over the configured size limit.
    TooLarge,
    /// A feature or format this build does not handle.
    Unsupported,
    /// Fetching from the network failed (no connection, timeout, an HTTP error).
    Network,
    /// The user stopped it (a long import); nothing was changed.
    Cancelled,
    /// A write to a library opened read-only; nothing was changed.
    ReadOnly,
}

impl ErrorKind {
    /// The stable snake_case name used in JSON and IPC.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::BadInput => "bad_input",
            ErrorKind::Io => "io",
            ErrorKind::Database => "database",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Network => "network",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::ReadOnly => "read_only",
        }
    }
}

/// A core error: kind, optional file, optional place in it, and the cause.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    file: Option<PathBuf>,
    place: Option<String>,
    cause: String,
}

/// The cause of an error writing to a closed pipe (`threadmark show 1 | head`).
pub const BROKEN_PIPE: &str = "broken pipe";

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a cause.
    pub fn new(kind: ErrorKind, cause: impl Into<String>) -> Self {
        Error {
            kind,
            file: None,
            place: None,
            cause: cause.into(),
        }
    }

    /// Bad input with a cause.
    pub fn bad_input(cause: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadInput, cause)
    }

    /// Something that was asked for and does not exist.
    pub fn not_found(cause: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, cause)
    }

    /// Attach the file the error is about (kept if already set).
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Attach the place in the file (kept if already set).
    pub fn at(mut self, place: impl Into<String>) -> Self {
        if self.place.is_none() {
            self.place = Some(place.into());
        }
        self
    }

    /// Whether this is a write to a closed pipe, which a command-line tool ends on quietly.
    pub fn is_broken_pipe(&self) -> bool {
        self.kind == ErrorKind::Io && self.cause == BROKEN_PIPE
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The cause alone, without file and place.
    pub fn cause(&self) -> &str {
        &self.cause
    }

    /// The file, if the error is about one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The place in the file, if known.
    pub fn place(&self) -> Option<&str> {
        self.place.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        // Keep it on one line whatever the cause says.
        let cause = self.cause.replace(['\n', '\r'], " ");
        f.write_str(cause.trim())
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::not_found("no such row"),
            rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
                Error::new(
                    ErrorKind::ReadOnly,
                    format!("the library is read-only: nothing was changed ({e})"),
                )
            }
            other => Error::new(ErrorKind::Database, format!("database error: {other}")),
        }
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::new(
            ErrorKind::Database,
            format!("migrating the library failed: {e}"),
        )
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::new(ErrorKind::Io, BROKEN_PIPE);
        }
        Error::new(ErrorKind::Io, e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::bad_input(format!("JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_line_with_file_place_and_cause() {
        let e = Error::bad_input("unexpected byte\n0xff")
            .at("line 3")
            .in_file("a/b.txt");
        assert_eq!(e.to_string(), "a/b.txt: line 3: unexpected byte 0xff");
        assert_eq!(e.kind().as_str(), "bad_input");
    }
}
