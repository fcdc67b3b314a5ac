//! Bytes in, [`ThreadDoc`]s out.
//!
//! `detect` looks at the bytes and picks a parser; each parser builds the neutral
//! model and never touches the database. Errors name the place in the input.

pub mod text;

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{SourceFormat, ThreadDoc};

/// The default limit on the size of one imported file: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Options for parsing an input.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Force a format, or `Auto` to detect it.
    pub format: SourceFormat,
    /// A title to use instead of the one derived from the input.
    pub title: Option<String>,
    /// Inputs larger than this are refused before they are read.
    pub max_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: SourceFormat::Auto,
            title: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Guess the format of `bytes`. Formats this build cannot read yet are refused with
/// a message saying what the input looks like.
pub fn detect(bytes: &[u8]) -> Result<SourceFormat> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&bytes[..0], |i| &bytes[i..]);
    let looks_like = if start.starts_with(b"{") || start.starts_with(b"[") {
        Some("JSON")
    } else if start.starts_with(b"From ") {
        Some("an mbox mailbox")
    } else if start.starts_with(b"<!") || start.starts_with(b"<html") || start.starts_with(b"<HTML")
    {
        Some("an HTML page")
    } else {
        None
    };
    match looks_like {
        Some(what) => Err(Error::new(
            ErrorKind::Unsupported,
            format!("this looks like {what}; this build imports plain-text dumps only (use --format text to read it as text)"),
        )),
        None => Ok(SourceFormat::Text),
    }
}

/// Parse `bytes` (named `name` in errors) into threads.
pub fn parse_bytes(name: &str, bytes: &[u8], options: &ImportOptions) -> Result<Vec<ThreadDoc>> {
    let result = (|| {
        if bytes.len() as u64 > options.max_bytes {
            return Err(too_large(bytes.len() as u64, options.max_bytes));
        }
        let format = match options.format {
            SourceFormat::Auto => detect(bytes)?,
            f => f,
        };
        match format {
            SourceFormat::Text | SourceFormat::Auto => {
                text::parse(bytes, options.title.as_deref()).map(|doc| vec![doc])
            }
        }
    })();
    result.map_err(|e| e.in_file(name))
}

/// Read and parse a file, refusing directories and files over the size limit
/// before reading them.
pub fn parse_file(path: &Path, options: &ImportOptions) -> Result<Vec<ThreadDoc>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::from(e).in_file(path))?;
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::Io, "is a directory, not a file").in_file(path));
    }
    if meta.len() > options.max_bytes {
        return Err(too_large(meta.len(), options.max_bytes).in_file(path));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
    parse_bytes(&path.display().to_string(), &bytes, options)
}

fn too_large(len: u64, max: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!("file is {len} bytes, over the import limit of {max} bytes"),
    )
}
