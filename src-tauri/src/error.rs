//! The error every command returns, serialised over IPC as `{ kind, message }`.
//!
//! The frontend branches on `kind` (a closed set, generated into `ui/src/bindings/`)
//! and shows `message`, the core's one-line "file: place: cause". Never a bare string.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, in the frontend's terms. Mirrors `threadmark_core::ErrorKind`,
/// plus `internal` for failures of the shell itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum ErrorKind {
    NotFound,
    BadInput,
    Io,
    Database,
    TooLarge,
    Unsupported,
    Network,
    Cancelled,
    ReadOnly,
    Internal,
}

/// A failed command, as the frontend receives it in `invoke`'s rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/", rename = "CommandError")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn internal(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Internal,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<threadmark_core::Error> for Error {
    fn from(error: threadmark_core::Error) -> Self {
        use threadmark_core::ErrorKind as Core;
        let kind = match error.kind() {
            Core::NotFound => ErrorKind::NotFound,
            Core::BadInput => ErrorKind::BadInput,
            Core::Io => ErrorKind::Io,
            Core::Database => ErrorKind::Database,
            Core::TooLarge => ErrorKind::TooLarge,
            Core::Unsupported => ErrorKind::Unsupported,
            Core::Network => ErrorKind::Network,
            Core::Cancelled => ErrorKind::Cancelled,
            Core::ReadOnly => ErrorKind::ReadOnly,
        };
        Error {
            kind,
            message: error.to_string(),
        }
    }
}
