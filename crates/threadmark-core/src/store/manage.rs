//! Managing the library from the desktop window: renaming threads, and importing
//! what the user hands over (a file path, or pasted text).

use std::path::Path;

use rusqlite::params;

use super::Library;
use crate::error::{Error, ErrorKind, Result};
use crate::import::{parse_file, ImportOptions};
use crate::model::{SourceFormat, ThreadSummary};
use crate::progress::Observer;

/// The name pasted text is given in error messages.
pub const PASTED_NAME: &str = "pasted text";

impl Library {
    /// Give a thread a new title (trimmed; not empty, at most [`crate::model::MAX_TITLE_CHARS`]).
    /// Returns the thread as the library lists it.
    pub fn rename_thread(&mut self, thread_id: i64, title: &str) -> Result<ThreadSummary> {
        let title = crate::model::check_title(title)?;
        // A title the user gave is kept by later re-imports and refreshes.
        let n = self.conn.execute(
            "UPDATE threads SET title = ?1, title_given = 1 WHERE id = ?2",
            params![title, thread_id],
        )?;
        if n == 0 {
            return Err(Error::not_found(format!("no thread {thread_id}")));
        }
        self.thread(thread_id)
    }

    /// Import text the user pasted, detecting its format; `title` overrides the
    /// derived one. A pasted web address is refused with a clear message: it is
    /// fetched instead ([`crate::fetch`]).
    pub fn import_pasted(&mut self, text: &str, title: Option<&str>) -> Result<Vec<i64>> {
        self.import_pasted_observed(text, title, &mut crate::progress::unobserved)
    }

    /// [`Library::import_pasted`], reporting progress to `observer`, which may cancel.
    pub fn import_pasted_observed(
        &mut self,
        text: &str,
        title: Option<&str>,
        observer: Observer<'_>,
    ) -> Result<Vec<i64>> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(
                Error::bad_input("nothing to import: the pasted text is empty")
                    .in_file(PASTED_NAME),
            );
        }
        if is_web_address(trimmed) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "this is a web address, not a thread's text: fetch it instead (the paste dialog fetches a pasted address; on the command line, `threadmark fetch URL`)",
            )
            .in_file(PASTED_NAME));
        }
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        let options = ImportOptions {
            format: SourceFormat::Auto,
            title: title.map(str::to_string),
            ..Default::default()
        };
        let docs = crate::import::parse_bytes(PASTED_NAME, text.as_bytes(), &options)?;
        let write = super::WriteOptions {
            title: title.map(str::to_string),
            ..Default::default()
        };
        self.import_docs_with(&docs, &write, observer)
            .map_err(|e| e.in_file(PASTED_NAME))
    }

    /// Import a file (or a Maildir folder) the user chose, detecting its format.
    pub fn import_path(&mut self, path: &Path) -> Result<Vec<i64>> {
        self.import_path_observed(path, &mut crate::progress::unobserved)
    }

    /// [`Library::import_path`], reporting progress to `observer`, which may cancel:
    /// then nothing is written (error kind `Cancelled`).
    pub fn import_path_observed(
        &mut self,
        path: &Path,
        observer: Observer<'_>,
    ) -> Result<Vec<i64>> {
        let docs = parse_file(path, &ImportOptions::default())?;
        self.import_docs_observed(&docs, None, observer)
            .map_err(|e| e.in_file(path))
    }
}

/// One `http(s)://` address and nothing else.
fn is_web_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const DUMP: &str = "Is SQLite enough for a local app?\n\nYes, in WAL mode it is.\n";

    fn library_with_one_thread() -> (Library, i64) {
        let mut lib = Library::open_in_memory().unwrap();
        let ids = lib.import_pasted(DUMP, None).unwrap();
        assert_eq!(ids.len(), 1);
        (lib, ids[0])
    }

    #[test]
    fn rename_trims_and_returns_the_summary() {
        let (mut lib, id) = library_with_one_thread();
        let renamed = lib
            .rename_thread(id, "  Local databases \u{1F4BE} ")
            .unwrap();
        assert_eq!(renamed.title, "Local databases \u{1F4BE}");
        assert_eq!(lib.thread(id).unwrap().title, "Local databases \u{1F4BE}");
    }

    #[test]
    fn rename_refuses_empty_long_and_multi_line_titles() {
        let (mut lib, id) = library_with_one_thread();
        let long = "x".repeat(crate::model::MAX_TITLE_CHARS + 1);
        for bad in ["", "   ", long.as_str(), "two\nlines"] {
            let e = lib.rename_thread(id, bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadInput, "{bad:?}: {e}");
        }
        assert_eq!(
            lib.thread(id).unwrap().title,
            "Is SQLite enough for a local app?"
        );
        assert!(lib
            .rename_thread(id, &"y".repeat(crate::model::MAX_TITLE_CHARS))
            .is_ok());
    }

    #[test]
    fn rename_of_a_missing_thread_is_not_found() {
        let (mut lib, id) = library_with_one_thread();
        let e = lib.rename_thread(id + 100, "Title").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn pasted_text_becomes_a_thread_with_an_optional_title() {
        let (mut lib, id) = library_with_one_thread();
        assert_eq!(lib.posts(id).unwrap().len(), 2);
        let ids = lib.import_pasted(DUMP, Some(" Pasted ")).unwrap();
        assert_eq!(lib.thread(ids[0]).unwrap().title, "Pasted");
        let ids = lib.import_pasted(DUMP, Some("  ")).unwrap();
        assert_eq!(
            lib.thread(ids[0]).unwrap().title,
            "Is SQLite enough for a local app?"
        );
    }

    #[test]
    fn pasted_web_address_is_refused_as_text() {
        let mut lib = Library::open_in_memory().unwrap();
        for url in [
            "https://news.ycombinator.com/item?id=1",
            "  HTTP://example.org/t/1 \n",
        ] {
            let e = lib.import_pasted(url, None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Unsupported);
            let message = e.to_string();
            assert!(
                message.contains("web address, not a thread's text: fetch it"),
                "{message}"
            );
            assert!(!message.contains('\n'), "one line: {message}");
        }
        assert!(lib.is_empty().unwrap(), "nothing was imported");
        // A text that mentions an address is a thread, not an address.
        lib.import_pasted("See https://example.org for more.", None)
            .unwrap();
    }

    #[test]
    fn empty_paste_is_bad_input() {
        let mut lib = Library::open_in_memory().unwrap();
        let e = lib.import_pasted(" \n\t ", None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadInput);
        assert!(e.to_string().contains("pasted text"), "{e}");
    }

    #[test]
    fn import_path_reads_a_file_and_names_it_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("thread.txt");
        std::fs::write(&file, DUMP).unwrap();
        let mut lib = Library::open_in_memory().unwrap();
        let ids = lib.import_path(&file).unwrap();
        assert_eq!(lib.posts(ids[0]).unwrap().len(), 2);

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"not\": \"a thread\"}").unwrap();
        let e = lib.import_path(&bad).unwrap_err();
        assert!(e.to_string().contains("bad.json"), "{e}");
        let e = lib
            .import_path(&dir.path().join("missing.txt"))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
    }
}
