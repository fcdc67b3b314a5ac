//! CSV: one row per highlight, RFC 4180 quoting (the `csv` crate), UTF-8.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula
//! (and some treat a leading tab or carriage return the same way), so text from a
//! thread could run one (CSV injection). As OWASP advises, every such cell is
//! written with an apostrophe in front, which spreadsheets show as text and do not
//! display; a reader of the raw file sees the apostrophe.

use super::{permalink, rfc3339};
use crate::error::{Error, Result};
use crate::store::Library;

/// The header row.
pub const COLUMNS: [&str; 17] = [
    "thread_id",
    "thread_title",
    "post",
    "author",
    "post_created",
    "label",
    "text",
    "note",
    "tags",
    "state",
    "start",
    "end",
    "prefix",
    "suffix",
    "highlight_id",
    "permalink",
    "threadmark_link",
];

/// Every highlight of the threads, in thread order.
pub fn highlights_csv(lib: &Library, threads: &[i64]) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let err = |e: ::csv::Error| Error::new(crate::ErrorKind::Io, format!("writing CSV: {e}"));
    w.write_record(COLUMNS).map_err(err)?;
    for &id in threads {
        let thread = lib.thread(id)?;
        for h in lib.highlights(id)? {
            let post = lib.post(id, &h.post).ok();
            let record = [
                thread.id.to_string(),
                thread.title.clone(),
                h.post.clone(),
                post.as_ref()
                    .and_then(|p| p.author.clone())
                    .unwrap_or_default(),
                post.as_ref()
                    .and_then(|p| p.created_at)
                    .map(rfc3339)
                    .unwrap_or_default(),
                h.label.clone().unwrap_or_default(),
                h.exact.clone(),
                h.note.clone(),
                h.tags.join(", "),
                h.state.clone(),
                h.start.to_string(),
                h.end.to_string(),
                h.prefix.clone(),
                h.suffix.clone(),
                h.uuid.clone(),
                permalink(&thread, &h.post),
                crate::deeplink::DeepLink::highlight(&h.uuid).to_string(),
            ];
            w.write_record(record.iter().map(|cell| inert(cell).into_owned()))
                .map_err(err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::new(crate::ErrorKind::Io, format!("writing CSV: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|e| Error::new(crate::ErrorKind::Io, format!("writing CSV: {e}")))
}

/// A cell that no spreadsheet runs as a formula: an apostrophe before a leading
/// `=`, `+`, `-`, `@`, tab or carriage return; any other cell unchanged.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}
