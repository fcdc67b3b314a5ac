//! Bytes in, [`ThreadDoc`]s out.
//!
//! `detect` looks at the bytes and picks a parser; each parser builds the neutral
//! model and never touches the database. Errors name the place in the input.

pub mod discourse;
pub mod hn;
pub mod hn_json;
pub mod html;
pub mod input;
pub mod lobsters;
pub mod mail;
pub mod reddit;
pub mod text;

use std::path::Path;

pub use input::{decode_input, format_size, parse_size, read_bounded};

use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{QuoteSource, SourceFormat, ThreadDoc};

/// The default limit on the size of one imported file: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Options for parsing an input.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Force a format, or `Auto` to detect it.
    pub format: SourceFormat,
    /// A title to use instead of the one derived from the input.
    pub title: Option<String>,
    /// Inputs larger than this are refused: a regular file before it is read, any
    /// other input (a device, a FIFO, standard input) when reading reaches it.
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

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

pub(crate) fn looks_like_json(bytes: &[u8]) -> bool {
    matches!(trim_start(bytes).first(), Some(b'{' | b'['))
}

/// Parse JSON of any nesting depth up to [`html::MAX_JSON_DEPTH`] (deeper is a
/// clear error), naming the line and column of the first error. The value drops
/// without recursion.
pub fn parse_json(bytes: &[u8]) -> Result<html::DeepValue> {
    html::parse_json_deep(bytes)
}

/// A JSON parse error as one line: the cause, at its line and column.
pub(crate) fn json_error(e: serde_json::Error) -> Error {
    let cause = e.to_string();
    let cause = cause
        .split(" at line ")
        .next()
        .unwrap_or(&cause)
        .to_string();
    Error::bad_input(format!("invalid JSON: {cause}")).at(format!(
        "line {}, column {}",
        e.line(),
        e.column()
    ))
}

/// Which JSON format a parsed document is, if any.
pub fn detect_json(value: &Value) -> Option<SourceFormat> {
    if reddit::sniff(value) {
        Some(SourceFormat::Reddit)
    } else if discourse::sniff(value) {
        Some(SourceFormat::Discourse)
    } else if lobsters::sniff(value) {
        Some(SourceFormat::Lobsters)
    } else if hn::sniff_json(value) {
        Some(SourceFormat::Hn)
    } else {
        None
    }
}

/// Guess the format of `bytes` (JSON documents are recognised by their shape).
pub fn detect(bytes: &[u8]) -> Result<SourceFormat> {
    if looks_like_json(bytes) {
        let value = parse_json(bytes)?;
        return detect_json(&value).ok_or_else(unknown_json);
    }
    let start = trim_start(bytes);
    if mail::sniff(start) {
        Ok(SourceFormat::Mbox)
    } else if start.first() == Some(&b'<') {
        if hn::sniff_html(bytes) {
            Ok(SourceFormat::Hn)
        } else {
            Err(Error::new(
                ErrorKind::Unsupported,
                "this looks like an HTML page but not a saved Hacker News item page; use --format text to read it as text",
            ))
        }
    } else {
        Ok(SourceFormat::Text)
    }
}

fn unknown_json() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "JSON of a shape Threadmark does not know: expected Hacker News (Algolia, Firebase, HNPWA), Reddit, Lobsters or Discourse",
    )
}

/// Build threads from a parsed JSON document of a known format.
pub fn parse_value(format: SourceFormat, value: &Value) -> Result<Vec<ThreadDoc>> {
    let format = match format {
        SourceFormat::Auto => detect_json(value).ok_or_else(unknown_json)?,
        forced => forced,
    };
    Ok(match format {
        SourceFormat::Hn => vec![hn::parse_json(value)?],
        SourceFormat::Reddit => {
            let (mut doc, missing) = reddit::parse_with_missing(value)?;
            for post in &mut doc.posts {
                post.missing_replies = missing.get(&post.source_id).copied().unwrap_or(0);
            }
            vec![doc]
        }
        SourceFormat::Lobsters => vec![lobsters::parse(value)?],
        SourceFormat::Discourse => {
            let (mut doc, sources) = discourse::parse_with_quote_sources(value)?;
            given_quote_sources(&mut doc, sources);
            vec![doc]
        }
        _ => unreachable_format(format)?,
    })
}

/// Carry the sources Discourse names for its quotes into the posts: a post of this
/// topic that the thread holds, or external for another topic. A quote naming a
/// post the thread does not hold is left to the resolver.
fn given_quote_sources(doc: &mut ThreadDoc, sources: Vec<Vec<Option<html::QuoteRef>>>) {
    let ids: std::collections::HashSet<String> =
        doc.posts.iter().map(|p| p.source_id.clone()).collect();
    let topic = doc.source_key.clone();
    for (post, refs) in doc.posts.iter_mut().zip(sources) {
        post.quote_sources = refs
            .into_iter()
            .map(|r| {
                let r = r?;
                let same_topic = match (&r.topic, &topic) {
                    (Some(quoted), Some(this)) => quoted == this,
                    _ => true,
                };
                if !same_topic {
                    return Some(QuoteSource::External);
                }
                r.post.filter(|p| ids.contains(p)).map(QuoteSource::Post)
            })
            .collect();
        if post.quote_sources.iter().all(Option::is_none) {
            post.quote_sources.clear();
        }
    }
}

/// Parse `bytes` (named `name` in errors) into threads.
pub fn parse_bytes(name: &str, bytes: &[u8], options: &ImportOptions) -> Result<Vec<ThreadDoc>> {
    let result = (|| {
        if bytes.len() as u64 > options.max_bytes {
            return Err(too_large(bytes.len() as u64, options.max_bytes));
        }
        let decoded = decode_input(bytes)?;
        let bytes: &[u8] = &decoded;
        let json_format = matches!(
            options.format,
            SourceFormat::Reddit | SourceFormat::Lobsters | SourceFormat::Discourse
        ) || (matches!(options.format, SourceFormat::Auto | SourceFormat::Hn)
            && looks_like_json(bytes));
        let algolia = if json_format {
            hn_json::read(bytes, options.format)
        } else {
            None
        };
        let mut docs = if let Some(algolia) = algolia {
            // A Hacker News Algolia item, read straight into its items (stage
            // "json parsed" inside); anything else (and any error) takes the
            // general path below.
            let docs = vec![algolia.finish()];
            crate::timings::stage("bodies converted");
            docs
        } else if json_format {
            let value = parse_json(bytes)?;
            crate::timings::stage("json parsed");
            let docs = parse_value(options.format, &value)?;
            crate::timings::stage("bodies converted");
            if bytes.len() > 1 << 20 {
                drop_in_background(value);
            }
            docs
        } else {
            let format = match options.format {
                SourceFormat::Auto => detect(bytes)?,
                forced => forced,
            };
            match format {
                SourceFormat::Text | SourceFormat::Auto => vec![text::parse(bytes, None)?],
                SourceFormat::Hn => vec![hn::parse_html(bytes)?],
                SourceFormat::Mbox => mail::parse_mbox(bytes)?,
                SourceFormat::Maildir => {
                    return Err(Error::new(
                        ErrorKind::Unsupported,
                        "a Maildir is a folder: import the folder, not a file",
                    ))
                }
                _ => unreachable_format(format)?,
            }
        };
        let given = options
            .title
            .as_deref()
            .map(crate::model::check_title)
            .transpose()
            .map_err(|e| e.at("--title"))?;
        for doc in &mut docs {
            doc.title = match given {
                Some(title) => title.to_string(),
                None => crate::model::clean_title(&doc.title),
            };
        }
        Ok(docs)
    })();
    result.map_err(|e| e.in_file(name))
}

/// Free a large value (a long thread's parsed JSON or documents) on another
/// thread, so that the work goes on meanwhile: tens of milliseconds at 10,000 posts.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure and the value drop here.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

fn unreachable_format(format: SourceFormat) -> Result<Vec<ThreadDoc>> {
    Err(Error::new(
        ErrorKind::Unsupported,
        format!("cannot read this input as {}", format.as_str()),
    ))
}

/// Read and parse a file, refusing directories and files over the size limit
/// before reading them.
pub fn parse_file(path: &Path, options: &ImportOptions) -> Result<Vec<ThreadDoc>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::from(e).in_file(path))?;
    if meta.is_dir() {
        if matches!(options.format, SourceFormat::Auto | SourceFormat::Maildir)
            && mail::is_maildir(path)
        {
            let mut docs =
                mail::parse_maildir(path, options.max_bytes).map_err(|e| e.in_file(path))?;
            let given = options
                .title
                .as_deref()
                .map(crate::model::check_title)
                .transpose()?;
            for doc in &mut docs {
                doc.title = match given {
                    Some(title) => title.to_string(),
                    None => crate::model::clean_title(&doc.title),
                };
            }
            return Ok(docs);
        }
        return Err(Error::new(
            ErrorKind::Io,
            "is a directory, not a file (nor a Maildir folder)",
        )
        .in_file(path));
    }
    let bytes = read_path(path, options.max_bytes)?;
    parse_bytes(&path.display().to_string(), &bytes, options)
}

/// Read a file, a device or a FIFO through [`read_bounded`]: at most `max` bytes (a
/// regular file over the limit is refused before it is read).
pub fn read_path(path: &Path, max: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::from(e).in_file(path))?;
    let meta = file.metadata().map_err(|e| Error::from(e).in_file(path))?;
    if meta.is_dir() {
        return Err(Error::new(ErrorKind::Io, "is a directory, not a file").in_file(path));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_large(meta.len(), max).in_file(path));
    }
    read_bounded(file, max).map_err(|e| e.in_file(path))
}

/// Refuse text that detection would read as the plain-text dump but that looks
/// like an ordinary document (a licence, a README), naming the guessed format.
/// Only for a detected format: with `--format text` the user has said it is a dump.
pub fn refuse_ordinary_text(bytes: &[u8], format: SourceFormat) -> Result<()> {
    if format != SourceFormat::Auto {
        return Ok(());
    }
    let decoded = decode_input(bytes)?;
    if detect(&decoded)? != SourceFormat::Text {
        return Ok(());
    }
    let Ok(text) = text::decode(&decoded) else {
        return Ok(()); // the parser names the bad byte
    };
    if text.trim().is_empty() {
        return Ok(()); // the parser says it is empty
    }
    match input::ordinary_text_reason(text) {
        Some(reason) => Err(Error::new(
            ErrorKind::Unsupported,
            format!("this looks like ordinary text, not a discussion: {reason}; the guessed format was text (a plain-text dump of posts); import it with --format text if it is one"),
        )),
        None => Ok(()),
    }
}

fn too_large(len: u64, max: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "the file is {}, over the import limit of {} (raise it with --max-bytes)",
            format_size(len),
            format_size(max)
        ),
    )
}
