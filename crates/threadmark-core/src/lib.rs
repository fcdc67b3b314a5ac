//! Threadmark's core: everything the product does, with no Tauri and no UI.
//!
//! Data flows one way: bytes → [`import`] (detect the format, parse into a
//! [`ThreadDoc`]) → [`body`] (sanitized HTML and canonical text per post, rendered
//! together so the HTML's `textContent` is the canonical text) → [`Library`] (one
//! SQLite transaction per import) → the CLI, the desktop shell and [`export`].
//!
//! The CLI (`crates/threadmark-cli`) and the desktop shell (`src-tauri`) only call
//! into this crate; they hold no product logic of their own.

pub mod anchor;
pub mod annotations;
pub mod body;
pub mod deeplink;
pub mod error;
pub mod export;
pub mod fetch;
pub mod filter;
pub mod follow;
#[cfg(feature = "synthetic")]
pub mod fuzzing;
pub mod import;
pub mod model;
pub mod notes;
mod par;
mod paths;
pub mod progress;
pub mod quotes;
mod store;
pub mod sync;
#[cfg(feature = "synthetic")]
pub mod synthetic;
#[cfg(feature = "synthetic")]
pub mod synthetic_argument;
pub mod timings;

pub use error::{Error, ErrorKind, Result};
pub use model::{
    check_title, clean_title, Label, Post, PostDoc, PostOutline, Quote, SearchHit, SourceFormat,
    ThreadDoc, ThreadSummary,
};
pub use paths::{default_library_path, APP_IDENTIFIER};
pub use store::{
    cjk_query, migrations, AnnotationReport, DeletedHighlight, HighlightEdit, LabelRemoval,
    LabelSpec, Library, Link, LinkKind, NewHighlight, PostOverview, RestoreReport, WriteOptions,
    BUSY_TIMEOUT, SEARCH_RANKED,
};
